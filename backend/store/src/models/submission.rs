//! `case_submissions`: the one-time token of a filing form and the case it filed, so that
//! submitting the same form twice (a reload, a double click) files once.

use diesel::prelude::*;

use crate::DbConn;
use crate::ids::CaseId;
use crate::schema::case_submissions;

/// The case a token already filed, if any.
pub fn find(conn: &mut DbConn, token: &str) -> QueryResult<Option<CaseId>> {
    case_submissions::table
        .find(token)
        .select(case_submissions::case_id)
        .first(conn)
        .optional()
}

/// Records that `token` filed `case_id`; a unique violation means a concurrent submission of
/// the same form got there first.
pub fn insert(conn: &mut DbConn, token: &str, case_id: CaseId) -> QueryResult<()> {
    diesel::insert_into(case_submissions::table)
        .values((
            case_submissions::token.eq(token),
            case_submissions::case_id.eq(case_id),
        ))
        .execute(conn)
        .map(|_| ())
}
