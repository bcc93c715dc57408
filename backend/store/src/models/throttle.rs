//! Counters that limit guessing and flooding (failed logins per account and per address,
//! registrations and filings per address), in the database so that every instance behind a
//! load balancer counts against the same numbers; and the account events a lock leaves.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::UserId;
use crate::schema::{account_events, throttles};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = throttles)]
pub struct Throttle {
    pub key: String,
    /// What was counted since `window_start`.
    pub count: i64,
    pub window_start: NaiveDateTime,
    /// The last one counted.
    pub last_at: NaiveDateTime,
    /// Refused until then, whatever the count.
    pub locked_until: Option<NaiveDateTime>,
}

pub fn find(conn: &mut DbConn, key: &str) -> QueryResult<Option<Throttle>> {
    throttles::table
        .find(key)
        .select(Throttle::as_select())
        .first(conn)
        .optional()
}

/// Writes the counter as given (replaced, or inserted when new). Not an upsert statement:
/// the two-backend connection has none; a concurrent first insert of the same key (PostgreSQL)
/// is caught and the row replaced instead.
pub fn put(conn: &mut DbConn, t: &Throttle) -> QueryResult<usize> {
    let replace = |conn: &mut DbConn| {
        diesel::update(throttles::table.find(&t.key))
            .set(t)
            .execute(conn)
    };
    let n = replace(conn)?;
    if n > 0 {
        return Ok(n);
    }
    let inserted = crate::first_insert(conn, |conn| {
        diesel::insert_into(throttles::table)
            .values(t)
            .execute(conn)
    })?;
    if inserted { Ok(1) } else { replace(conn) }
}

pub fn clear(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
    diesel::delete(throttles::table.find(key)).execute(conn)
}

/// Removes counters that last moved before `before` and hold no lock beyond it.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        throttles::table
            .filter(throttles::last_at.lt(before))
            .filter(
                throttles::locked_until
                    .is_null()
                    .or(throttles::locked_until.lt(before)),
            ),
    )
    .execute(conn)
}

/// The kinds of account event (a closed set; the migration's CHECK says the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountEventKind {
    /// Logins were refused for a while after repeated wrong passwords.
    LoginLocked,
}

impl AccountEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginLocked => "login_locked",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_events)]
pub struct AccountEvent {
    pub id: i64,
    pub user_id: UserId,
    pub kind: String,
    pub detail: String,
    pub at: NaiveDateTime,
}

pub fn record_event(
    conn: &mut DbConn,
    user_id: UserId,
    kind: AccountEventKind,
    detail: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(account_events::table)
        .values((
            account_events::user_id.eq(user_id),
            account_events::kind.eq(kind.as_str()),
            account_events::detail.eq(detail),
            account_events::at.eq(at),
        ))
        .execute(conn)
}

/// An account's events, newest first.
pub fn events_of(conn: &mut DbConn, user_id: UserId, limit: i64) -> QueryResult<Vec<AccountEvent>> {
    account_events::table
        .filter(account_events::user_id.eq(user_id))
        .order(account_events::id.desc())
        .limit(limit)
        .select(AccountEvent::as_select())
        .load(conn)
}
