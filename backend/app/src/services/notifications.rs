//! Notifications that are never lost: written to the outbox in the transaction of the event
//! that causes them ([`enqueue`], called where a case's events are appended), sent later by
//! [`run_once`] (the server's dispatcher every `YISHEN_NOTIFY_INTERVAL_MS`, or `yishen notify
//! run-once`), which leases each message, sends it outside any transaction, and records the
//! attempt: accepted, tried again after a growing wait (`domain::notify::backoff`), or given up
//! as dead after `YISHEN_NOTIFY_MAX_ATTEMPTS`, when an admin can send it again ([`resend`]).
//!
//! What notifies whom, and in which words, is the domain's (`domain::notify`). The address is
//! read when the message is sent, from the case's applicant (decrypted) or the account, so the
//! outbox holds no copy of it. A message whose channel is not configured, or whose recipient
//! has no address for it, is recorded as skipped, so the record says what was not sent.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use yishen_domain::case::CaseEvent;
use yishen_domain::notify::{self, Channel, SITE};
use yishen_store::models::case::Case;
use yishen_store::models::notification::{self as store, NewNotification, Notification, Outcome};
use yishen_store::{CaseId, DbConn};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;

/// Writes the messages `events` (just appended to `case`) cause, in the caller's transaction:
/// the applicant's, when they gave an e-mail address (the others read the case page), and a
/// handler's, when their account has one. `due_on`: the reply's due date after the events.
pub fn enqueue(
    conn: &mut DbConn,
    case: &Case,
    events: &[(NaiveDate, CaseEvent)],
    due_on: Option<NaiveDate>,
) -> Result<usize, AppError> {
    let notices: Vec<_> = {
        let facts = |agency_name: &str| -> Vec<(Option<i64>, notify::Notice)> {
            let assignee = events
                .iter()
                .rev()
                .find_map(|(_, e)| match e {
                    CaseEvent::Assigned { user_id, .. } => Some(*user_id),
                    _ => None,
                })
                .or(case.assignee_id.map(|u| u.get()));
            let facts = notify::CaseFacts {
                case_id: case.id.get(),
                tracking_no: &case.tracking_no,
                agency_name,
                applicant_name: &case.applicant_name,
                received_on: case.received_on.or_else(|| {
                    events.iter().find_map(|(_, e)| match e {
                        CaseEvent::Registered { received_on, .. }
                        | CaseEvent::Confirmed { received_on } => Some(*received_on),
                        _ => None,
                    })
                }),
                due_on,
                assignee,
                delivery: case.delivery.as_deref(),
            };
            events
                .iter()
                .flat_map(|(_, e)| {
                    let applicant = notify::to_applicant(e, &facts).map(|n| (None, n));
                    let staff = notify::to_staff(e, &facts).map(|(to, n)| (Some(to), n));
                    applicant.into_iter().chain(staff)
                })
                .collect()
        };
        // The agency's name is read only when some event speaks to someone.
        if facts("").is_empty() {
            return Ok(0);
        }
        let agency_name = yishen_store::models::agency::find(conn, case.agency_id)?
            .map(|a| a.name)
            .unwrap_or_default();
        facts(&agency_name)
    };
    let applicant_has_email = if notices.iter().any(|(to, _)| to.is_none()) {
        yishen_store::models::case::applicant(conn, case.id)?.is_some_and(|a| a.email_enc.is_some())
    } else {
        false
    };
    let now = yishen_store::now();
    let mut n = 0;
    for (to, notice) in notices {
        let user_id = match to {
            None if !applicant_has_email => continue,
            None => None,
            Some(u) => {
                let user = yishen_store::UserId(u);
                let has_email = yishen_store::models::user::find(conn, user)?
                    .is_some_and(|(u, _)| u.email.is_some_and(|e| !e.trim().is_empty()));
                if !has_email {
                    continue;
                }
                Some(user)
            }
        };
        let message_id = format!("<{}@yishen.notify>", uuid::Uuid::new_v4().simple());
        store::insert(
            conn,
            &NewNotification {
                message_id: &message_id,
                kind: notice.kind.as_str(),
                case_id: Some(case.id),
                user_id,
                channel: Channel::Email.as_str(),
                subject: &notice.subject,
                body: &notice.body,
                status: store::status::PENDING,
                attempts: 0,
                next_attempt_at: now,
                created_at: now,
            },
        )?;
        n += 1;
    }
    Ok(n)
}

/// What one run of the dispatcher did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Dispatched {
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    pub skipped: usize,
    /// The applicants' reply messages the mail server accepted: the case, the Message-ID and
    /// when (for the electronic 送达 where the applicant chose e-mail).
    #[serde(skip)]
    pub replies_accepted: Vec<(CaseId, String, NaiveDateTime)>,
}

/// How long a leased message is ours: longer than any one send (the SMTP timeout is 30 s).
const LEASE: std::time::Duration = std::time::Duration::from_secs(120);
/// Messages leased at a time, and how many are sent at once (one per pooled connection).
const BATCH: i64 = 64;
const PARALLEL: usize = crate::mailer::CONNECTIONS;
/// The longest wait between two tries.
const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(3600);

fn later(now: NaiveDateTime, d: std::time::Duration) -> NaiveDateTime {
    now + chrono::Duration::from_std(d).unwrap_or_else(|_| chrono::Duration::hours(1))
}

/// Sends every message due now, batch by batch, as `holder`; returns what came of them.
pub async fn run_once(ctx: &Ctx, holder: &str) -> Result<Dispatched, AppError> {
    use futures_util::StreamExt;
    let mut done = Dispatched::default();
    loop {
        let holder_owned = holder.to_owned();
        let batch = ctx
            .write(move |conn| {
                let now = yishen_store::now();
                Ok(store::lease_due(
                    conn,
                    now,
                    later(now, LEASE),
                    &holder_owned,
                    BATCH,
                )?)
            })
            .await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let replies: Vec<(i64, CaseId, String)> = batch
            .iter()
            .filter(|n| n.kind == notify::NoticeKind::ReplyIssued && n.user_id.is_none())
            .filter_map(|n| n.case_id.map(|c| (n.id, c, n.message_id.clone())))
            .collect();
        let results: Vec<(i64, Outcome, String)> = futures_util::stream::iter(batch)
            .map(|n| attempt(ctx, n))
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        let mut this = Dispatched::default();
        for (_, outcome, _) in &results {
            match outcome {
                Outcome::Accepted => this.sent += 1,
                Outcome::Retry(_) => this.retried += 1,
                Outcome::Dead => this.dead += 1,
                Outcome::Skipped => this.skipped += 1,
            }
        }
        let holder_owned = holder.to_owned();
        let (results, now) = ctx
            .write(move |conn| {
                let now = yishen_store::now();
                for (id, outcome, detail) in &results {
                    store::record(conn, *id, &holder_owned, now, outcome, detail)?;
                }
                Ok((results, now))
            })
            .await?;
        for (id, case_id, message_id) in replies {
            if results
                .iter()
                .any(|(r, o, _)| *r == id && matches!(o, Outcome::Accepted))
            {
                done.replies_accepted.push((case_id, message_id, now));
            }
        }
        for (outcome, n) in [
            ("sent", this.sent),
            ("retried", this.retried),
            ("dead", this.dead),
            ("skipped", this.skipped),
        ] {
            ctx.metrics.count_notifications(outcome, n as u64);
        }
        done.sent += this.sent;
        done.retried += this.retried;
        done.dead += this.dead;
        done.skipped += this.skipped;
    }
}

/// One try of one message: its outcome and what to record of it (never the address).
async fn attempt(ctx: &Ctx, n: Notification) -> (i64, Outcome, String) {
    let id = n.id;
    let (outcome, detail) = match try_send(ctx, &n).await {
        Ok(reply) => (Outcome::Accepted, format!("已被邮件服务器接收：{reply}")),
        Err(Failure::Skip(why)) => (Outcome::Skipped, why.to_owned()),
        Err(Failure::Again(why)) => {
            let tries = u32::try_from(n.attempts).unwrap_or(0) + 1;
            if tries >= ctx.settings.notify_max_attempts {
                (Outcome::Dead, why)
            } else {
                let wait = notify::backoff(tries, ctx.settings.notify_retry, MAX_WAIT);
                (Outcome::Retry(later(yishen_store::now(), wait)), why)
            }
        }
        Err(Failure::Never(why)) => (Outcome::Dead, why),
    };
    if !matches!(outcome, Outcome::Accepted) {
        tracing::warn!(notification = id, kind = n.kind.as_str(), %detail, "notification not sent");
    }
    (id, outcome, detail)
}

enum Failure {
    /// Nothing to try: no channel, no address.
    Skip(&'static str),
    /// Try again later.
    Again(String),
    /// Trying again would fail the same way.
    Never(String),
}

async fn try_send(ctx: &Ctx, n: &Notification) -> Result<String, Failure> {
    match n.channel {
        Channel::Email => {
            let Some(mailer) = ctx.mailer.clone() else {
                return Err(Failure::Skip("未配置电子邮件（YISHEN_SMTP_URL）"));
            };
            let to = address(ctx, n).await?;
            let site = ctx.settings.public_url();
            let body = n.body.replace(SITE, site.trim_end_matches('/'));
            mailer
                .send(&to, &n.subject, &body, &n.message_id)
                .await
                .map_err(|e| match e {
                    crate::mailer::MailError::Transient(_) => Failure::Again(e.to_string()),
                    _ => Failure::Never(e.to_string()),
                })
        }
        Channel::Sms => Err(Failure::Skip("未配置短信（YISHEN_SMS_URL）")),
    }
}

/// The recipient's e-mail address, read now.
async fn address(ctx: &Ctx, n: &Notification) -> Result<String, Failure> {
    let (case_id, user_id) = (n.case_id, n.user_id);
    let pii = ctx.pii.clone();
    let found = ctx
        .read(move |conn| {
            if let Some(u) = user_id {
                return Ok(yishen_store::models::user::find(conn, u)?.and_then(|(u, _)| u.email));
            }
            let Some(c) = case_id else {
                return Ok(None);
            };
            match yishen_store::models::case::applicant(conn, c)?.and_then(|a| a.email_enc) {
                Some(enc) => Ok(Some(pii.decrypt(&enc).map_err(AppError::Internal)?)),
                None => Ok(None),
            }
        })
        .await
        .map_err(|e| Failure::Again(format!("读取收件地址失败：{e}")))?;
    found
        .filter(|a| !a.trim().is_empty())
        .ok_or(Failure::Skip("收件人没有电子邮件地址"))
}

/// A message as the admin page and the API list it (no address, no body).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub kind_label: &'static str,
    pub case_id: Option<CaseId>,
    pub channel: String,
    pub subject: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub accepted_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        Self {
            id: n.id,
            kind: n.kind.as_str().to_owned(),
            kind_label: n.kind.label(),
            case_id: n.case_id,
            channel: n.channel.as_str().to_owned(),
            subject: n.subject,
            status: n.status,
            attempts: n.attempts,
            last_error: n.last_error,
            accepted_at: n.accepted_at,
            created_at: n.created_at,
        }
    }
}

/// The outbox at a glance, for the system administrator: counts by state and the messages
/// given up (dead) or not sent (skipped), newest first.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outbox {
    pub pending: i64,
    pub sent: i64,
    pub dead: i64,
    pub skipped: i64,
    pub email_configured: bool,
    pub sms_configured: bool,
    pub dead_items: Vec<NotificationView>,
    pub skipped_items: Vec<NotificationView>,
}

fn admin_only(actor: &Actor) -> Result<(), AppError> {
    if actor.role == yishen_domain::Role::Sysadmin {
        Ok(())
    } else {
        Err(AppError::Forbidden("只有系统管理员可以管理通知".into()))
    }
}

pub async fn outbox(ctx: &Ctx, actor: &Actor) -> Result<Outbox, AppError> {
    admin_only(actor)?;
    let email_configured = ctx.mailer.is_some();
    ctx.read(move |conn| {
        let counts = store::counts(conn)?;
        let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
        Ok(Outbox {
            pending: count(store::status::PENDING),
            sent: count(store::status::SENT),
            dead: count(store::status::DEAD),
            skipped: count(store::status::SKIPPED),
            email_configured,
            sms_configured: false,
            dead_items: store::with_status(conn, store::status::DEAD, 100)?
                .into_iter()
                .map(NotificationView::from)
                .collect(),
            skipped_items: store::with_status(conn, store::status::SKIPPED, 20)?
                .into_iter()
                .map(NotificationView::from)
                .collect(),
        })
    })
    .await
}

/// Puts a dead or skipped message back in the queue (system administrator).
pub async fn resend(ctx: &Ctx, actor: &Actor, id: i64) -> Result<(), AppError> {
    admin_only(actor)?;
    ctx.write(move |conn| {
        if store::resend(conn, id, yishen_store::now())? {
            Ok(())
        } else {
            Err(AppError::Conflict {
                code: "notification_not_resendable",
                detail: "只有已放弃或未发送的通知可以重新发送".into(),
            })
        }
    })
    .await
}

/// The messages written for a case, oldest first (staff who may see the case): whether the
/// applicant was told, and when their server accepted it.
pub async fn for_case(
    ctx: &Ctx,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<NotificationView>, AppError> {
    if actor.role == yishen_domain::Role::Applicant {
        return Err(AppError::NotFound("案件"));
    }
    let scope = crate::policy::case_scope(actor)?;
    ctx.read(move |conn| {
        yishen_store::models::case::find(conn, case_id, &scope)?
            .ok_or(AppError::NotFound("案件"))?;
        Ok(store::for_case(conn, case_id)?
            .into_iter()
            .map(NotificationView::from)
            .collect())
    })
    .await
}

/// A message's state as people read it.
pub fn status_label(status: &str) -> &'static str {
    match status {
        store::status::PENDING => "等待发送",
        store::status::SENT => "已发送",
        store::status::DEAD => "发送失败，已放弃",
        store::status::SKIPPED => "未发送",
        _ => "",
    }
}
