//! Filing forms on which published answers were suggested (`filing_suggestions`), and whether
//! they were filed: the deflection count.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::AgencyId;
use crate::schema::filing_suggestions as t;

/// Records that suggestions were shown on the form `token_hash` (the first showing's month
/// stays; the agency and the counts follow the latest showing).
#[allow(clippy::too_many_arguments)]
pub fn shown(
    conn: &mut DbConn,
    token_hash: &str,
    agency_id: Option<AgencyId>,
    month: &str,
    at: NaiveDateTime,
    faq: i32,
    reading_room: i32,
) -> QueryResult<()> {
    let known = t::table
        .find(token_hash)
        .select(t::token_hash)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if known {
        diesel::update(t::table.find(token_hash))
            .set((
                t::agency_id.eq(agency_id),
                t::faq.eq(faq),
                t::reading_room.eq(reading_room),
            ))
            .execute(conn)?;
    } else {
        diesel::insert_into(t::table)
            .values((
                t::token_hash.eq(token_hash),
                t::agency_id.eq(agency_id),
                t::month.eq(month),
                t::shown_at.eq(at),
                t::faq.eq(faq),
                t::reading_room.eq(reading_room),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Marks the form filed (if suggestions were shown on it).
pub fn filed(conn: &mut DbConn, token_hash: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(t::table.find(token_hash).filter(t::filed_at.is_null()))
        .set(t::filed_at.eq(at))
        .execute(conn)
}

/// Per month from `since_month` (`YYYY-MM`, newest first) for `agency_id`: forms shown suggestions, of them filed, and of the
/// rest those shown before `settled` (left without filing) — the newer may still be filed.
pub fn by_month(
    conn: &mut DbConn,
    agency_id: AgencyId,
    since_month: &str,
    settled: NaiveDateTime,
) -> QueryResult<Vec<(String, i64, i64, i64)>> {
    let rows: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> = t::table
        .filter(t::agency_id.eq(agency_id))
        .filter(t::month.ge(since_month))
        .select((t::month, t::shown_at, t::filed_at))
        .load(conn)?;
    let mut by: std::collections::BTreeMap<String, (i64, i64, i64)> = Default::default();
    for (month, shown_at, filed_at) in rows {
        let e = by.entry(month).or_default();
        e.0 += 1;
        if filed_at.is_some() {
            e.1 += 1;
        } else if shown_at < settled {
            e.2 += 1;
        }
    }
    Ok(by
        .into_iter()
        .rev()
        .map(|(m, (shown, filed, left))| (m, shown, filed, left))
        .collect())
}
