//! The verifications of the record (`audit_runs`): each run of `yishen audit verify` or of the
//! server's periodic check, and the first break it found.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::schema::audit_runs;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_runs)]
pub struct AuditRun {
    pub id: i64,
    pub finished_at: NaiveDateTime,
    pub cases: i64,
    pub events: i64,
    /// The first break, in Chinese; `None` when the record was whole.
    pub broken: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_runs)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewAuditRun<'a> {
    pub finished_at: NaiveDateTime,
    pub cases: i64,
    pub events: i64,
    pub broken: Option<&'a str>,
}

pub fn insert(conn: &mut DbConn, new: &NewAuditRun<'_>) -> QueryResult<usize> {
    diesel::insert_into(audit_runs::table)
        .values(new)
        .execute(conn)
}

/// The latest run, if any.
pub fn latest(conn: &mut DbConn) -> QueryResult<Option<AuditRun>> {
    audit_runs::table
        .order(audit_runs::id.desc())
        .select(AuditRun::as_select())
        .first(conn)
        .optional()
}
