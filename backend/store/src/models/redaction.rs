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
