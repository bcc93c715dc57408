//! The notification outbox (`notifications`) and its attempts (`notification_attempts`).
//! A message is inserted in the transaction of the event that causes it; the dispatcher leases
//! due rows one by one with a conditional update (portable to both backends, and safe with
//! several instances: a row is owned by whoever's update changed it), sends outside any
//! transaction, then records the attempt and the outcome, again only while it holds the lease.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use yishen_domain::notify::{Channel, NoticeKind};

use crate::DbConn;
use crate::ids::{CaseId, UserId};
use crate::schema::{notification_attempts, notifications};

/// The states of a message, as stored.
pub mod status {
    pub const PENDING: &str = "pending";
    pub const SENT: &str = "sent";
    pub const DEAD: &str = "dead";
    pub const SKIPPED: &str = "skipped";
    pub const BOUNCED: &str = "bounced";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub message_id: String,
    #[diesel(deserialize_as = String)]
    pub kind: NoticeKind,
    pub case_id: Option<CaseId>,
    pub user_id: Option<UserId>,
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// A text message's template parameters (a JSON object).
    pub params: Option<String>,
    /// The consultation whose asker the message is for (neither a case nor an account).
    pub inquiry_id: Option<i64>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification<'a> {
    pub message_id: &'a str,
    pub kind: &'a str,
    pub case_id: Option<CaseId>,
    pub user_id: Option<UserId>,
    pub channel: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub status: &'a str,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub params: Option<&'a str>,
    pub dedupe_key: Option<&'a str>,
    pub inquiry_id: Option<i64>,
}

pub fn insert(conn: &mut DbConn, new: &NewNotification<'_>) -> QueryResult<i64> {
    diesel::insert_into(notifications::table)
        .values(new)
        .returning(notifications::id)
        .get_result(conn)
}

/// Inserts a message unless one with its `dedupe_key` exists (another instance wrote it);
/// answers whether this call wrote it (`first_insert`).
pub fn insert_once(conn: &mut DbConn, new: &NewNotification<'_>) -> QueryResult<bool> {
    crate::first_insert(conn, |conn| {
        diesel::insert_into(notifications::table)
            .values(new)
            .execute(conn)
    })
}

/// Whether any message carries `dedupe_key`.
pub fn has_key(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        notifications::table.filter(notifications::dedupe_key.eq(key)),
    ))
    .get_result(conn)
}

/// The e-mail message with Message-ID `message_id`, if it is ours.
pub fn by_message_id(conn: &mut DbConn, message_id: &str) -> QueryResult<Option<Notification>> {
    notifications::table
        .filter(notifications::message_id.eq(message_id))
        .select(Notification::as_select())
        .first(conn)
        .optional()
}

/// Marks a sent message as bounced (its recipient's server sent it back) and records why;
/// answers false if it was not in state sent (already bounced, or never accepted).
pub fn mark_bounced(
    conn: &mut DbConn,
    id: i64,
    at: NaiveDateTime,
    detail: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::status.eq(status::SENT)),
    )
    .set((
        notifications::status.eq(status::BOUNCED),
        notifications::last_error.eq(Some(detail)),
    ))
    .execute(conn)?;
    if n == 1 {
        diesel::insert_into(notification_attempts::table)
            .values((
                notification_attempts::notification_id.eq(id),
                notification_attempts::attempted_at.eq(at),
                notification_attempts::ok.eq(false),
                notification_attempts::detail.eq(detail),
            ))
            .execute(conn)?;
    }
    Ok(n == 1)
}

/// Leases up to `limit` messages due at `now` for `holder` until `until`, and returns them.
pub fn lease_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    until: NaiveDateTime,
    holder: &str,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    let free = notifications::lease_until
        .is_null()
        .or(notifications::lease_until.lt(now));
    let candidates: Vec<i64> = notifications::table
        .filter(notifications::status.eq(status::PENDING))
        .filter(notifications::next_attempt_at.le(now))
        .filter(free)
        .order(notifications::next_attempt_at.asc())
        .select(notifications::id)
        .limit(limit)
        .load(conn)?;
    let mut owned = Vec::with_capacity(candidates.len());
    for id in candidates {
        let n = diesel::update(
            notifications::table
                .find(id)
                .filter(notifications::status.eq(status::PENDING))
                .filter(
                    notifications::lease_until
                        .is_null()
                        .or(notifications::lease_until.lt(now)),
                ),
        )
        .set((
            notifications::lease_until.eq(until),
            notifications::leased_by.eq(holder),
        ))
        .execute(conn)?;
        if n == 1 {
            owned.push(id);
        }
    }
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    notifications::table
        .filter(notifications::id.eq_any(&owned))
        .order(notifications::id.asc())
        .select(Notification::as_select())
        .load(conn)
}

/// What came of one attempt.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The server accepted the message.
    Accepted,
    /// It failed; try again at the time given.
    Retry(NaiveDateTime),
    /// It failed for the last time.
    Dead,
    /// Nothing could be attempted (no channel configured, no address).
    Skipped,
}

/// Records an attempt of message `id` by `holder` and its outcome, releasing the lease. Does
/// nothing (returns false) if `holder` no longer holds the lease.
pub fn record(
    conn: &mut DbConn,
    id: i64,
    holder: &str,
    at: NaiveDateTime,
    outcome: &Outcome,
    detail: &str,
) -> QueryResult<bool> {
    let mine = notifications::table
        .find(id)
        .filter(notifications::leased_by.eq(holder));
    let none: Option<NaiveDateTime> = None;
    let no_holder: Option<&str> = None;
    let n = match outcome {
        Outcome::Accepted => diesel::update(mine)
            .set((
                notifications::status.eq(status::SENT),
                notifications::attempts.eq(notifications::attempts + 1),
                notifications::accepted_at.eq(Some(at)),
                notifications::last_error.eq(None::<String>),
                notifications::lease_until.eq(none),
                notifications::leased_by.eq(no_holder),
            ))
            .execute(conn)?,
        Outcome::Retry(next) => diesel::update(mine)
            .set((
                notifications::attempts.eq(notifications::attempts + 1),
                notifications::next_attempt_at.eq(*next),
                notifications::last_error.eq(Some(detail)),
                notifications::lease_until.eq(none),
                notifications::leased_by.eq(no_holder),
            ))
            .execute(conn)?,
        Outcome::Dead => diesel::update(mine)
            .set((
                notifications::status.eq(status::DEAD),
                notifications::attempts.eq(notifications::attempts + 1),
                notifications::last_error.eq(Some(detail)),
                notifications::lease_until.eq(none),
                notifications::leased_by.eq(no_holder),
            ))
            .execute(conn)?,
        Outcome::Skipped => diesel::update(mine)
            .set((
                notifications::status.eq(status::SKIPPED),
                notifications::last_error.eq(Some(detail)),
                notifications::lease_until.eq(none),
                notifications::leased_by.eq(no_holder),
            ))
            .execute(conn)?,
    };
    if n == 0 {
        return Ok(false);
    }
    diesel::insert_into(notification_attempts::table)
        .values((
            notification_attempts::notification_id.eq(id),
            notification_attempts::attempted_at.eq(at),
            notification_attempts::ok.eq(matches!(outcome, Outcome::Accepted)),
            notification_attempts::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Puts a dead or skipped message back in the queue, due at `now`, its tries counted afresh.
pub fn resend(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let none: Option<NaiveDateTime> = None;
    let n = diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::status.eq_any([status::DEAD, status::SKIPPED])),
    )
    .set((
        notifications::status.eq(status::PENDING),
        notifications::attempts.eq(0),
        notifications::next_attempt_at.eq(now),
        notifications::lease_until.eq(none),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Messages in state `status`, newest first, at most `limit`.
pub fn with_status(conn: &mut DbConn, wanted: &str, limit: i64) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::status.eq(wanted))
        .order(notifications::id.desc())
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)
}

/// How many messages are in each state.
pub fn counts(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    notifications::table
        .group_by(notifications::status)
        .select((notifications::status, diesel::dsl::count_star()))
        .load(conn)
}

/// The messages of a case, oldest first.
pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<Notification>> {
    notifications::table
        .filter(notifications::case_id.eq(case_id))
        .order(notifications::id.asc())
        .select(Notification::as_select())
        .load(conn)
}
