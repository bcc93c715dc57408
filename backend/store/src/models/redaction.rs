//! The redaction log (`redactions`): one row per box burned into a released copy of a
//! document. Written in the transaction that adds the released document.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{CaseId, UserId};
use crate::schema::redactions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = redactions)]
pub struct RedactionRow {
    pub case_id: CaseId,
    pub source_document_id: i64,
    pub released_document_id: i64,
    pub box_no: i32,
    pub page: i32,
    pub x_centipoints: i64,
    pub y_centipoints: i64,
    pub width_centipoints: i64,
    pub height_centipoints: i64,
    pub ground: String,
    pub source_sha256: String,
    pub released_sha256: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, rows: &[RedactionRow]) -> QueryResult<usize> {
    let mut n = 0;
    // One statement per row: SQLite's multi-row insert through the multi-backend connection
    // is not available, and a release holds a handful of boxes.
    for r in rows {
        n += diesel::insert_into(redactions::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(n)
}

/// The boxes of a case's released documents, in the order they were drawn.
pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<RedactionRow>> {
    redactions::table
        .filter(redactions::case_id.eq(case_id))
        .order((
            redactions::released_document_id.asc(),
            redactions::box_no.asc(),
        ))
        .select(RedactionRow::as_select())
        .load(conn)
}

/// The documents of a case that do not go out with the reply: every source of a redaction (the
/// unredacted original) and every released copy a later release from the same source
/// replaced. A case has a handful of rows, so this is worked out here rather than in SQL.
pub fn kept_back(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<i64>> {
    let rows = for_case(conn, case_id)?;
    Ok(kept_back_of(&rows))
}

fn kept_back_of(rows: &[RedactionRow]) -> Vec<i64> {
    use std::collections::BTreeMap;
    let mut latest: BTreeMap<i64, i64> = BTreeMap::new();
    for r in rows {
        let l = latest
            .entry(r.source_document_id)
            .or_insert(r.released_document_id);
        *l = (*l).max(r.released_document_id);
    }
    let mut out: Vec<i64> = rows
        .iter()
        .flat_map(|r| {
            let replaced = latest.get(&r.source_document_id) != Some(&r.released_document_id);
            [
                Some(r.source_document_id),
                replaced.then_some(r.released_document_id),
            ]
        })
        .flatten()
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The boxes of the released copies in force: those that go out with the reply.
pub fn in_force(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<RedactionRow>> {
    let rows = for_case(conn, case_id)?;
    let kept = kept_back_of(&rows);
    Ok(rows
        .into_iter()
        .filter(|r| !kept.contains(&r.released_document_id))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(source: i64, released: i64) -> RedactionRow {
        RedactionRow {
            case_id: CaseId(1),
            source_document_id: source,
            released_document_id: released,
            box_no: 1,
            page: 1,
            x_centipoints: 0,
            y_centipoints: 0,
            width_centipoints: 1,
            height_centipoints: 1,
            ground: "withheld_third_party".into(),
            source_sha256: "0".repeat(64),
            released_sha256: "1".repeat(64),
            created_by: UserId(1),
            created_at: chrono::NaiveDateTime::default(),
        }
    }

    #[test]
    fn a_later_release_replaces_the_earlier_and_sources_stay_back() {
        // 10 released as 11, then again as 12; 12 redacted further as 13; 20 released as 21.
        let rows = [row(10, 11), row(10, 12), row(12, 13), row(20, 21)];
        assert_eq!(kept_back_of(&rows), vec![10, 11, 12, 20]);
    }
}
