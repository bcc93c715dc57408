//! Accounts: applicants and staff.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{AgencyId, UserId};
use crate::schema::{agencies, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub password_hash: String,
    #[diesel(deserialize_as = String)]
    pub role: yishen_domain::Role,
    pub agency_id: Option<AgencyId>,
    pub display_name: String,
    pub phone_enc: Option<String>,
    pub phone_hash: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The channels the account's own messages go by (its profile).
    pub notify_email: bool,
    pub notify_sms: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub agency_id: Option<AgencyId>,
    pub display_name: &'a str,
    pub phone_enc: Option<&'a str>,
    pub phone_hash: Option<&'a str>,
    pub email: Option<&'a str>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub password_hash: Option<String>,
    pub role: Option<String>,
    pub display_name: Option<String>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Whose accounts a query may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserScope {
    /// Every account (system administrators).
    All,
    /// The staff of one agency (its administrator).
    Agency(AgencyId),
    /// One account (its owner).
    Own(UserId),
}

/// A user with the code of their agency.
pub type UserWithAgency = (User, Option<String>);

pub fn insert(conn: &mut DbConn, new: &NewUser<'_>) -> QueryResult<UserId> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: UserId) -> QueryResult<Option<UserWithAgency>> {
    users::table
        .left_join(agencies::table)
        .filter(users::id.eq(id))
        .select((User::as_select(), agencies::code.nullable()))
        .first(conn)
        .optional()
}

pub fn find_by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<UserWithAgency>> {
    users::table
        .left_join(agencies::table)
        .filter(users::username.eq(username))
        .select((User::as_select(), agencies::code.nullable()))
        .first(conn)
        .optional()
}

/// Accounts within `scope`, `limit` at most from `offset`, oldest first, and the total.
pub fn list(
    conn: &mut DbConn,
    scope: UserScope,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<UserWithAgency>, i64)> {
    let scoped = || {
        let q = users::table.left_join(agencies::table).into_boxed();
        match scope {
            UserScope::All => q,
            UserScope::Agency(a) => q.filter(users::agency_id.eq(a)),
            UserScope::Own(u) => q.filter(users::id.eq(u)),
        }
    };
    let total = scoped().count().get_result(conn)?;
    let items = scoped()
        .order(users::id.asc())
        .limit(limit)
        .offset(offset)
        .select((User::as_select(), agencies::code.nullable()))
        .load(conn)?;
    Ok((items, total))
}

/// The active accounts of one role at an agency, by name (e.g. the handlers a case may be
/// assigned to).
pub fn active_with_role(
    conn: &mut DbConn,
    agency_id: AgencyId,
    role: &str,
) -> QueryResult<Vec<(UserId, String)>> {
    users::table
        .filter(users::agency_id.eq(agency_id))
        .filter(users::role.eq(role))
        .filter(users::active.eq(true))
        .order((users::display_name.asc(), users::id.asc()))
        .select((users::id, users::display_name))
        .load(conn)
}

/// Whether each of `ids` can be reached, and how: (id, by e-mail, by text message), each
/// only where the account chose the channel and holds an address for it, active accounts only.
pub fn reachable(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<(UserId, bool, bool)>> {
    type Contact = (UserId, Option<String>, Option<String>, bool, bool);
    let rows: Vec<Contact> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::active.eq(true))
        .select((
            users::id,
            users::email,
            users::phone_enc,
            users::notify_email,
            users::notify_sms,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, email, phone, by_email, by_sms)| {
            (
                id,
                by_email && email.is_some_and(|e| !e.trim().is_empty()),
                by_sms && phone.is_some(),
            )
        })
        .collect())
}

/// The active accounts of `role` at `agency_path` or any agency above it (a reconsideration
/// body supervises the agencies of its subtree).
pub fn active_with_role_above(
    conn: &mut DbConn,
    agency_path: &str,
    role: &str,
) -> QueryResult<Vec<UserId>> {
    use crate::schema::agencies;
    // "/ZJ/HZ/SC/" is under "/ZJ/", "/ZJ/HZ/" and itself.
    let prefixes: Vec<String> = agency_path
        .match_indices('/')
        .skip(1)
        .map(|(i, _)| agency_path[..=i].to_owned())
        .collect();
    users::table
        .inner_join(agencies::table)
        .filter(agencies::path.eq_any(&prefixes))
        .filter(users::role.eq(role))
        .filter(users::active.eq(true))
        .order(users::id.asc())
        .select(users::id)
        .load(conn)
}

/// The agency of each of the accounts `ids` (none for applicants and system administrators).
pub fn agencies_of(
    conn: &mut DbConn,
    ids: &[UserId],
) -> QueryResult<Vec<(UserId, Option<AgencyId>)>> {
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::agency_id))
        .load(conn)
}

/// Sets the channels of the account's own messages, and its e-mail and phone where given.
pub fn set_channels(
    conn: &mut DbConn,
    id: UserId,
    by_email: bool,
    by_sms: bool,
    contact: Option<(Option<&str>, Option<&str>, Option<&str>)>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    match contact {
        Some((email, phone_enc, phone_hash)) => diesel::update(users::table.find(id))
            .set((
                users::notify_email.eq(by_email),
                users::notify_sms.eq(by_sms),
                users::email.eq(email),
                users::phone_enc.eq(phone_enc),
                users::phone_hash.eq(phone_hash),
                users::updated_at.eq(at),
            ))
            .execute(conn),
        None => diesel::update(users::table.find(id))
            .set((
                users::notify_email.eq(by_email),
                users::notify_sms.eq(by_sms),
                users::updated_at.eq(at),
            ))
            .execute(conn),
    }
}

pub fn update(conn: &mut DbConn, id: UserId, changes: &UserChanges) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(changes)
        .execute(conn)
}

/// The account behind an access token, as one statement: who it is, whether it is active,
/// and its agency.
#[derive(Debug, Clone, Queryable)]
pub struct SessionAccount {
    pub id: UserId,
    pub username: String,
    #[diesel(deserialize_as = String)]
    pub role: yishen_domain::Role,
    pub active: bool,
    /// Its agency's id, code and path.
    pub agency: Option<(AgencyId, String, String)>,
}

/// The account `id` with its agency (id, code, path), if the refresh-token family `session`
/// is still live for it at `now` (not revoked, not expired): checked on every API request, so
/// it is one statement with no transaction around it (docs/performance.md).
pub fn session_account(
    conn: &mut DbConn,
    id: UserId,
    session: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<SessionAccount>> {
    use crate::schema::refresh_tokens;
    users::table
        .left_join(agencies::table)
        .filter(users::id.eq(id))
        .filter(diesel::dsl::exists(
            refresh_tokens::table
                .filter(refresh_tokens::family.eq(session))
                .filter(refresh_tokens::user_id.eq(id))
                .filter(refresh_tokens::revoked_at.is_null())
                .filter(refresh_tokens::expires_at.gt(now)),
        ))
        .select((
            users::id,
            users::username,
            users::role,
            users::active,
            (agencies::id, agencies::code, agencies::path).nullable(),
        ))
        .first(conn)
        .optional()
}
