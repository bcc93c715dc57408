//! The current draft reply of a case (`case_drafts`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{CaseId, UserId};
use crate::schema::case_drafts;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = case_drafts)]
#[diesel(treat_none_as_default_value = false)]
pub struct CaseDraft {
    pub case_id: CaseId,
    pub disposition: String,
    /// The draft fields as JSON.
    pub data: String,
    /// The findings of its last pre-review, as JSON.
    pub findings: String,
    /// How many of them block submission.
    pub blocking: i32,
    pub updated_by: Option<UserId>,
    pub updated_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Option<CaseDraft>> {
    case_drafts::table
        .find(case_id)
        .select(CaseDraft::as_select())
        .first(conn)
        .optional()
}

/// Stores the case's draft, replacing the previous one (its reasons are in the similar-case
/// index, so the change feed records it).
pub fn put(conn: &mut DbConn, draft: &CaseDraft) -> QueryResult<()> {
    super::index_feed::append(conn, draft.case_id, draft.updated_at)?;
    let n = diesel::update(case_drafts::table.find(draft.case_id))
        .set(draft)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(case_drafts::table)
            .values(draft)
            .execute(conn)?;
    }
    Ok(())
}
