//! Browser sessions of the web pages: the SHA-256 of the random id the cookie carries, the
//! user, the session's CSRF token, and when it expires or was revoked (logout).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::UserId;
use crate::schema::web_sessions;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = web_sessions)]
pub struct WebSession {
    pub id: i64,
    pub session_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// When a page was last served in this session (`None`: not since it was opened).
    pub last_seen_at: Option<NaiveDateTime>,
}

impl WebSession {
    /// When the session was last used.
    pub fn last_used(&self) -> NaiveDateTime {
        self.last_seen_at.unwrap_or(self.created_at)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct NewWebSession<'a> {
    pub session_hash: &'a str,
    pub user_id: UserId,
    pub csrf_token: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewWebSession<'_>) -> QueryResult<i64> {
    diesel::insert_into(web_sessions::table)
        .values(new)
        .returning(web_sessions::id)
        .get_result(conn)
}

/// The session with this hash if it is neither revoked nor expired at `now`.
pub fn find_live(
    conn: &mut DbConn,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<WebSession>> {
    web_sessions::table
        .filter(web_sessions::session_hash.eq(hash))
        .filter(web_sessions::revoked_at.is_null())
        .filter(web_sessions::expires_at.gt(now))
        .select(WebSession::as_select())
        .first(conn)
        .optional()
}

/// Records that the session was used at `at`.
pub fn touch(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(web_sessions::table.find(id))
        .set(web_sessions::last_seen_at.eq(at))
        .execute(conn)
}

/// Revokes the session with this hash if it is still live; returns whether it was.
pub fn revoke(conn: &mut DbConn, hash: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        web_sessions::table
            .filter(web_sessions::session_hash.eq(hash))
            .filter(web_sessions::revoked_at.is_null()),
    )
    .set(web_sessions::revoked_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every live session of a user (deactivation, password change).
pub fn revoke_user(conn: &mut DbConn, user_id: UserId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        web_sessions::table
            .filter(web_sessions::user_id.eq(user_id))
            .filter(web_sessions::revoked_at.is_null()),
    )
    .set(web_sessions::revoked_at.eq(at))
    .execute(conn)
}
