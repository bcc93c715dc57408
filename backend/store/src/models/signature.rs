//! Stored MinHash signatures of request cores (`case_signatures`), one per case. Screening
//! reads a cluster's signatures with its history rows ([`crate::models::flag::history_rows`])
//! instead of signing thousands of texts at the first filing after a start. What a signature
//! is and when a stored one is stale (its `text_key` no longer matches) is the caller's
//! knowledge; this module only keeps the bytes.

use diesel::prelude::*;

use crate::DbConn;
use crate::ids::CaseId;
use crate::schema::case_signatures;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_signatures)]
pub struct NewCaseSignature<'a> {
    pub case_id: CaseId,
    pub text_key: i64,
    pub signature: &'a [u8],
}

/// Stores the signatures `rows`, replacing any stored for the same cases (a stale one).
/// Delete-then-insert rather than an upsert: one statement shape for both backends.
pub fn replace(conn: &mut DbConn, rows: &[NewCaseSignature<'_>]) -> QueryResult<usize> {
    let mut written = 0;
    // Within SQLite's and PostgreSQL's bound-parameter limits (three per row).
    for chunk in rows.chunks(300) {
        let ids: Vec<CaseId> = chunk.iter().map(|r| r.case_id).collect();
        diesel::delete(case_signatures::table.filter(case_signatures::case_id.eq_any(&ids)))
            .execute(conn)?;
        // One row per statement: diesel's multi-backend connection has no batch insert.
        for row in chunk {
            written += diesel::insert_into(case_signatures::table)
                .values(row)
                .execute(conn)?;
        }
    }
    Ok(written)
}

/// Stores the signature of a case that has none yet (one just inserted).
pub fn insert(conn: &mut DbConn, row: &NewCaseSignature<'_>) -> QueryResult<usize> {
    diesel::insert_into(case_signatures::table)
        .values(row)
        .execute(conn)
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = case_signatures)]
pub struct CaseSignature {
    pub case_id: CaseId,
    pub text_key: i64,
    pub signature: Vec<u8>,
}

pub fn find(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Option<CaseSignature>> {
    case_signatures::table
        .find(case_id)
        .select(CaseSignature::as_select())
        .first(conn)
        .optional()
}
