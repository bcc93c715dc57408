//! The public reading room's entries (`reading_room_entries`), their documents and their
//! events. Public reads take only entries not withdrawn.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{AgencyId, CaseId, UserId};
use crate::schema::{agencies, reading_room_documents, reading_room_entries, reading_room_events};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reading_room_entries)]
pub struct Entry {
    pub id: i64,
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    pub title: String,
    pub description: String,
    pub topic: String,
    pub year: i32,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = reading_room_entries)]
pub struct NewEntry<'a> {
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    pub title: &'a str,
    pub description: &'a str,
    pub topic: &'a str,
    pub year: i32,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The events of an entry, as stored.
pub mod kind {
    pub const PUBLISHED: &str = "published";
    pub const EDITED: &str = "edited";
    pub const WITHDRAWN: &str = "withdrawn";
    pub const REPUBLISHED: &str = "republished";
}

pub fn insert(conn: &mut DbConn, new: &NewEntry<'_>, documents: &[i64]) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(reading_room_entries::table)
        .values(new)
        .returning(reading_room_entries::id)
        .get_result(conn)?;
    for (i, d) in documents.iter().enumerate() {
        diesel::insert_into(reading_room_documents::table)
            .values((
                reading_room_documents::entry_id.eq(id),
                reading_room_documents::document_id.eq(d),
                reading_room_documents::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(id)
}

pub fn record(
    conn: &mut DbConn,
    entry_id: i64,
    what: &str,
    by: UserId,
    at: NaiveDateTime,
    detail: &str,
) -> QueryResult<usize> {
    diesel::insert_into(reading_room_events::table)
        .values((
            reading_room_events::entry_id.eq(entry_id),
            reading_room_events::kind.eq(what),
            reading_room_events::user_id.eq(by),
            reading_room_events::at.eq(at),
            reading_room_events::detail.eq(detail),
        ))
        .execute(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Entry>> {
    reading_room_entries::table
        .find(id)
        .select(Entry::as_select())
        .first(conn)
        .optional()
}

pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Option<Entry>> {
    reading_room_entries::table
        .filter(reading_room_entries::case_id.eq(case_id))
        .select(Entry::as_select())
        .first(conn)
        .optional()
}

pub fn update_text(
    conn: &mut DbConn,
    id: i64,
    title: &str,
    description: &str,
    topic: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(reading_room_entries::table.find(id))
        .set((
            reading_room_entries::title.eq(title),
            reading_room_entries::description.eq(description),
            reading_room_entries::topic.eq(topic),
            reading_room_entries::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Withdraws the entry (`withdrawn`), or puts it back (`None`), at `now`.
pub fn set_withdrawn(
    conn: &mut DbConn,
    id: i64,
    withdrawn: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(reading_room_entries::table.find(id))
        .set((
            reading_room_entries::withdrawn_at.eq(withdrawn),
            reading_room_entries::updated_at.eq(now),
        ))
        .execute(conn)
}

/// The documents of an entry, in their order.
pub fn documents_of(conn: &mut DbConn, entry_id: i64) -> QueryResult<Vec<i64>> {
    reading_room_documents::table
        .filter(reading_room_documents::entry_id.eq(entry_id))
        .order(reading_room_documents::position.asc())
        .select(reading_room_documents::document_id)
        .load(conn)
}

/// The entries in force, of `agency_ids` when given, of `year` and `topic` when given, newest
/// first; at most `limit`, each with its agency's code and name.
pub fn published(
    conn: &mut DbConn,
    agency_ids: Option<&[AgencyId]>,
    year: Option<i32>,
    topic: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(Entry, String, String)>> {
    let mut q = reading_room_entries::table
        .inner_join(agencies::table)
        .filter(reading_room_entries::withdrawn_at.is_null())
        .into_boxed();
    if let Some(ids) = agency_ids {
        q = q.filter(reading_room_entries::agency_id.eq_any(ids.to_vec()));
    }
    if let Some(y) = year {
        q = q.filter(reading_room_entries::year.eq(y));
    }
    if let Some(t) = topic {
        q = q.filter(reading_room_entries::topic.eq(t.to_owned()));
    }
    q.order(reading_room_entries::published_at.desc())
        .limit(limit)
        .select((Entry::as_select(), agencies::code, agencies::name))
        .load(conn)
}

/// Entries of one agency published in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCount {
    pub agency_code: String,
    pub agency_name: String,
    /// The China-time year of publication.
    pub year: i32,
    /// In force.
    pub published: i64,
    /// Withdrawn since.
    pub withdrawn: i64,
}

/// Entries per agency and year of publication.
pub fn counts(conn: &mut DbConn) -> QueryResult<Vec<YearCount>> {
    let rows: Vec<(String, String, NaiveDateTime, Option<NaiveDateTime>)> =
        reading_room_entries::table
            .inner_join(agencies::table)
            .select((
                agencies::code,
                agencies::name,
                reading_room_entries::published_at,
                reading_room_entries::withdrawn_at,
            ))
            .load(conn)?;
    // Grouped here: a year is the China-time year of publication, which both backends would
    // compute differently, and entries are few.
    let mut by: std::collections::BTreeMap<(String, i32), (String, i64, i64)> = Default::default();
    for (code, name, at, withdrawn) in rows {
        let year = chrono::Datelike::year(&(at + chrono::Duration::hours(8)));
        let e = by.entry((code, year)).or_insert((name, 0, 0));
        if withdrawn.is_some() {
            e.2 += 1;
        } else {
            e.1 += 1;
        }
    }
    Ok(by
        .into_iter()
        .map(
            |((agency_code, year), (agency_name, published, withdrawn))| YearCount {
                agency_code,
                agency_name,
                year,
                published,
                withdrawn,
            },
        )
        .collect())
}

/// The distinct topics of the entries in force, for the filter.
pub fn topics(conn: &mut DbConn) -> QueryResult<Vec<String>> {
    reading_room_entries::table
        .filter(reading_room_entries::withdrawn_at.is_null())
        .select(reading_room_entries::topic)
        .distinct()
        .order(reading_room_entries::topic.asc())
        .load(conn)
}
