//! Refresh tokens: stored as hashes only, rotated on every use, revocable one by one, by
//! family (every token descended from one login) or by user.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::UserId;
use crate::schema::refresh_tokens;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshToken {
    pub id: i64,
    pub user_id: UserId,
    pub family: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken<'a> {
    pub user_id: UserId,
    pub family: &'a str,
    pub token_hash: &'a str,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, new: &NewRefreshToken<'_>) -> QueryResult<i64> {
    diesel::insert_into(refresh_tokens::table)
        .values(new)
        .returning(refresh_tokens::id)
        .get_result(conn)
}

pub fn find_by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<Option<RefreshToken>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .select(RefreshToken::as_select())
        .first(conn)
        .optional()
}

/// Revokes one token if it is still live; returns whether it was.
pub fn revoke(conn: &mut DbConn, id: i64, at: NaiveDateTime, reason: &str) -> QueryResult<bool> {
    let n = diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set((
        refresh_tokens::revoked_at.eq(at),
        refresh_tokens::revoked_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Revokes every live token of a family.
pub fn revoke_family(
    conn: &mut DbConn,
    family: &str,
    at: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set((
        refresh_tokens::revoked_at.eq(at),
        refresh_tokens::revoked_reason.eq(reason),
    ))
    .execute(conn)
}

/// Revokes every live token of a user (deactivation, password change).
pub fn revoke_user(
    conn: &mut DbConn,
    user_id: UserId,
    at: NaiveDateTime,
    reason: &str,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set((
        refresh_tokens::revoked_at.eq(at),
        refresh_tokens::revoked_reason.eq(reason),
    ))
    .execute(conn)
}
