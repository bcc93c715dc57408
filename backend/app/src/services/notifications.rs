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
use std::collections::{BTreeMap, HashMap};
use yishen_domain::case::CaseEvent;

use yishen_domain::notify::{self, Channel, SITE, StaffTo};
use yishen_store::models::case::Case;
use yishen_store::models::notification::{self as store, NewNotification, Notification, Outcome};
use yishen_store::{AgencyId, CaseId, DbConn, UserId};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;

/// Writes the messages `events` (just appended to `case`) cause, in the caller's transaction:
/// the applicant's, by the channels they chose when filing (and gave an address for); the
/// staff's, by the channels of each person's profile. `due_on`: the reply's due date after
/// the events.
pub fn enqueue(
    conn: &mut DbConn,
    case: &Case,
    agency_name: &str,
    signoff_required: bool,
    events: &[(NaiveDate, CaseEvent)],
    due_on: Option<NaiveDate>,
) -> Result<usize, AppError> {
    let assignee = events
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            CaseEvent::Assigned { user_id, .. } => Some(*user_id),
            _ => None,
        })
        .or(case.assignee_id.map(|u| u.get()));
    let received_on = case.received_on.or_else(|| {
        events.iter().find_map(|(_, e)| match e {
            CaseEvent::Registered { received_on, .. } | CaseEvent::Confirmed { received_on } => {
                Some(*received_on)
            }
            _ => None,
        })
    });
    let facts = notify::CaseFacts {
        case_id: case.id.get(),
        tracking_no: &case.tracking_no,
        agency_name,
        applicant_name: &case.applicant_name,
        received_on,
        due_on,
        assignee,
        signoff_required,
        delivery: case.delivery.as_deref(),
    };
    let mut n = 0;
    for (_, e) in events {
        if let Some(notice) = notify::to_applicant(e, &facts) {
            n += to_applicant(conn, case.id, &notice)?;
        }
        if let Some((to, notice)) = notify::to_staff(e, &facts) {
            let people = match to {
                StaffTo::User(u) => vec![UserId(u)],
                StaffTo::AgencyRole(role) => yishen_store::models::user::active_with_role(
                    conn,
                    case.agency_id,
                    role.as_str(),
                )?
                .into_iter()
                .map(|(id, _)| id)
                .collect(),
            };
            n += to_staff(conn, Some(case.id), &people, &notice, None)?;
        }
    }
    Ok(n)
}

/// The applicant's message, by each channel they chose and gave an address for.
fn to_applicant(
    conn: &mut DbConn,
    case_id: CaseId,
    notice: &notify::Notice,
) -> Result<usize, AppError> {
    let Some(a) = yishen_store::models::case::applicant(conn, case_id)? else {
        return Ok(0);
    };
    let mut n = 0;
    if a.notify_email && a.email_enc.is_some() {
        write(
            conn,
            Recipient::applicant(case_id),
            Channel::Email,
            notice,
            None,
        )?;
        n += 1;
    }
    if a.notify_sms && a.phone_enc.is_some() {
        write(
            conn,
            Recipient::applicant(case_id),
            Channel::Sms,
            notice,
            None,
        )?;
        n += 1;
    }
    Ok(n)
}

/// A staff message to each of `people` by the channels of their profiles. With `dedupe`,
/// each person's message is written once per key (`{dedupe}:{user}:{channel}`), however many
/// instances try.
pub(crate) fn to_staff(
    conn: &mut DbConn,
    case_id: Option<CaseId>,
    people: &[UserId],
    notice: &notify::Notice,
    dedupe: Option<&str>,
) -> Result<usize, AppError> {
    let mut n = 0;
    for (user, by_email, by_sms) in yishen_store::models::user::reachable(conn, people)? {
        for (on, channel) in [(by_email, Channel::Email), (by_sms, Channel::Sms)] {
            if !on {
                continue;
            }
            let key = dedupe.map(|k| format!("{k}:{}:{}", user.get(), channel.as_str()));
            let to = Recipient {
                case_id,
                user_id: Some(user),
                inquiry_id: None,
            };
            if write(conn, to, channel, notice, key.as_deref())? {
                n += 1;
            }
        }
    }
    Ok(n)
}

/// Whom a message is for: a case's applicant (`case_id` alone), an account (about a case or
/// not), or the asker of a consultation.
#[derive(Debug, Clone, Copy)]
struct Recipient {
    case_id: Option<CaseId>,
    user_id: Option<UserId>,
    inquiry_id: Option<i64>,
}

impl Recipient {
    fn applicant(case_id: CaseId) -> Self {
        Self {
            case_id: Some(case_id),
            user_id: None,
            inquiry_id: None,
        }
    }
}

/// Tells the asker of a consultation that it was answered, by e-mail and by text message as
/// they gave an address for (text messages only with a gateway configured, `sms`), in the
/// transaction that records the answer.
pub fn inquiry_answered(
    conn: &mut DbConn,
    sms: bool,
    inquiry: &yishen_store::models::inquiry::Inquiry,
    agency_name: &str,
    answer: &str,
) -> Result<usize, AppError> {
    let notice = notify::inquiry_answered(&inquiry.code, agency_name, &inquiry.question, answer);
    let to = Recipient {
        case_id: None,
        user_id: None,
        inquiry_id: Some(inquiry.id),
    };
    let mut n = 0;
    if inquiry.email_enc.is_some() {
        write(conn, to, Channel::Email, &notice, None)?;
        n += 1;
    }
    if sms && inquiry.phone_enc.is_some() {
        write(conn, to, Channel::Sms, &notice, None)?;
        n += 1;
    }
    Ok(n)
}

/// Writes one message to the outbox; false if its dedupe key was written before.
fn write(
    conn: &mut DbConn,
    to: Recipient,
    channel: Channel,
    notice: &notify::Notice,
    dedupe_key: Option<&str>,
) -> Result<bool, AppError> {
    let message_id = format!("<{}@yishen.notify>", uuid::Uuid::new_v4().simple());
    let now = yishen_store::now();
    let params = match channel {
        Channel::Sms => Some(
            serde_json::to_string(
                &notice
                    .sms
                    .params
                    .iter()
                    .map(|(k, v)| (*k, v.as_str()))
                    .collect::<BTreeMap<_, _>>(),
            )
            .map_err(|e| AppError::Internal(e.into()))?,
        ),
        Channel::Email => None,
    };
    let body = match channel {
        Channel::Email => notice.body.as_str(),
        Channel::Sms => notice.sms.text.as_str(),
    };
    let new = NewNotification {
        message_id: &message_id,
        kind: notice.kind.as_str(),
        case_id: to.case_id,
        user_id: to.user_id,
        channel: channel.as_str(),
        subject: &notice.subject,
        body,
        status: store::status::PENDING,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        params: params.as_deref(),
        dedupe_key,
        inquiry_id: to.inquiry_id,
    };
    if dedupe_key.is_some() {
        Ok(store::insert_once(conn, &new)?)
    } else {
        store::insert(conn, &new)?;
        Ok(true)
    }
}

/// Tells the reconsideration bodies above the case's agency that a reconsideration was filed
/// against it, in the transaction that records it.
pub fn reconsideration_filed(
    conn: &mut DbConn,
    case: &Case,
    body_name: &str,
    filed_on: NaiveDate,
    recorded_by: UserId,
) -> Result<usize, AppError> {
    let Some(agency) = yishen_store::models::agency::find(conn, case.agency_id)? else {
        return Ok(0);
    };
    let people = yishen_store::models::user::active_with_role_above(
        conn,
        &agency.path,
        yishen_domain::Role::ReconsiderationBody.as_str(),
    )?
    .into_iter()
    .filter(|u| *u != recorded_by)
    .collect::<Vec<_>>();
    if people.is_empty() {
        return Ok(0);
    }
    let facts = notify::CaseFacts {
        case_id: case.id.get(),
        tracking_no: &case.tracking_no,
        agency_name: &agency.name,
        applicant_name: &case.applicant_name,
        received_on: case.received_on,
        due_on: case.due_on,
        assignee: case.assignee_id.map(|u| u.get()),
        signoff_required: false,
        delivery: case.delivery.as_deref(),
    };
    let notice = notify::reconsideration_filed(&facts, body_name, filed_on);
    to_staff(conn, Some(case.id), &people, &notice, None)
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
            // Only the e-mail is the 送达; a text message only says the reply is there.
            .filter(|n| {
                n.kind == notify::NoticeKind::ReplyIssued
                    && n.user_id.is_none()
                    && n.channel == Channel::Email
            })
            .filter_map(|n| n.case_id.map(|c| (n.id, c, n.message_id.clone())))
            .collect();
        let mut senders = on_behalf_of(ctx, &batch).await?;
        let results: Vec<(i64, Outcome, String)> = futures_util::stream::iter(batch)
            .map(|n| {
                let sender = senders.remove(&n.id);
                attempt(ctx, n, sender)
            })
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
/// The agency each message of a batch speaks for (its case's, or its account's), read once
/// for the batch: two queries, not three per message.
async fn on_behalf_of(
    ctx: &Ctx,
    batch: &[Notification],
) -> Result<HashMap<i64, crate::mailer::OnBehalf>, AppError> {
    let cases: Vec<CaseId> = batch.iter().filter_map(|n| n.case_id).collect();
    let users: Vec<UserId> = batch
        .iter()
        .filter(|n| n.case_id.is_none())
        .filter_map(|n| n.user_id)
        .collect();
    let asked: Vec<i64> = batch.iter().filter_map(|n| n.inquiry_id).collect();
    let wanted: Vec<(i64, Recipient)> = batch
        .iter()
        .map(|n| {
            let to = Recipient {
                case_id: n.case_id,
                user_id: n.user_id,
                inquiry_id: n.inquiry_id,
            };
            (n.id, to)
        })
        .collect();
    ctx.read(move |conn| {
        let mut of_inquiry: HashMap<i64, AgencyId> = HashMap::new();
        for q in asked {
            if let Some(found) = yishen_store::models::inquiry::find(conn, q)? {
                of_inquiry.insert(q, found.agency_id);
            }
        }
        let of_case: HashMap<CaseId, AgencyId> =
            yishen_store::models::case::agencies_of(conn, &cases)?
                .into_iter()
                .collect();
        let of_user: HashMap<UserId, AgencyId> =
            yishen_store::models::user::agencies_of(conn, &users)?
                .into_iter()
                .filter_map(|(u, a)| a.map(|a| (u, a)))
                .collect();
        let mut ids: Vec<AgencyId> = of_case
            .values()
            .chain(of_user.values())
            .chain(of_inquiry.values())
            .copied()
            .collect();
        ids.sort_by_key(|a| a.get());
        ids.dedup();
        let agencies: HashMap<AgencyId, crate::mailer::OnBehalf> =
            yishen_store::models::agency::by_ids(conn, &ids)?
                .into_iter()
                .map(|a| {
                    let reply_to =
                        yishen_domain::case::rules::AgencySettings::from_settings(&a.settings)
                            .reply_to;
                    (
                        a.id,
                        crate::mailer::OnBehalf {
                            agency_name: a.name,
                            reply_to,
                        },
                    )
                })
                .collect();
        Ok(wanted
            .into_iter()
            .filter_map(|(id, to)| {
                let agency = match (to.case_id, to.inquiry_id) {
                    (Some(c), _) => of_case.get(&c),
                    (None, Some(q)) => of_inquiry.get(&q),
                    (None, None) => to.user_id.and_then(|u| of_user.get(&u)),
                }?;
                agencies.get(agency).map(|o| (id, o.clone()))
            })
            .collect())
    })
    .await
}

async fn attempt(
    ctx: &Ctx,
    n: Notification,
    sender: Option<crate::mailer::OnBehalf>,
) -> (i64, Outcome, String) {
    let id = n.id;
    let (outcome, detail) = match try_send(ctx, &n, sender.as_ref()).await {
        Ok(detail) => (Outcome::Accepted, detail),
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

async fn try_send(
    ctx: &Ctx,
    n: &Notification,
    on_behalf: Option<&crate::mailer::OnBehalf>,
) -> Result<String, Failure> {
    match n.channel {
        Channel::Email => {
            let Some(mailer) = ctx.mailer.clone() else {
                return Err(Failure::Skip("未配置电子邮件（YISHEN_SMTP_URL）"));
            };
            let to = contact(ctx, n).await?;
            let site = ctx.settings.public_url();
            let body = n.body.replace(SITE, site.trim_end_matches('/'));
            mailer
                .send(&to, &n.subject, &body, &n.message_id, on_behalf)
                .await
                .map(|reply| format!("已被邮件服务器接收：{reply}"))
                .map_err(|e| match e {
                    crate::mailer::MailError::Transient(_) => Failure::Again(e.to_string()),
                    _ => Failure::Never(e.to_string()),
                })
        }
        Channel::Sms => {
            let Some(gateway) = ctx.sms.clone() else {
                return Err(Failure::Skip("未配置短信（YISHEN_SMS_URL）"));
            };
            let phone = contact(ctx, n).await?;
            if !crate::sms::is_mobile(&phone) {
                return Err(Failure::Skip("收件人的电话不是手机号码"));
            }
            let params: BTreeMap<String, String> = match n.params.as_deref() {
                Some(p) => serde_json::from_str(p)
                    .map_err(|_| Failure::Never("短信模板参数无法读取".into()))?,
                None => BTreeMap::new(),
            };
            let request = crate::sms::SmsRequest {
                phone: &phone,
                kind: n.kind.as_str(),
                params: &params,
                out_id: &n.message_id,
            };
            gateway
                .send(request)
                .await
                .map(|id| format!("已被短信网关接收：{id}"))
                .map_err(|e| match e {
                    crate::sms::SmsError::Transient(_) => Failure::Again(e.to_string()),
                    crate::sms::SmsError::Permanent(_) => Failure::Never(e.to_string()),
                })
        }
    }
}

/// The recipient's address for the message's channel (e-mail, or phone), read now and
/// decrypted where it is kept encrypted.
async fn contact(ctx: &Ctx, n: &Notification) -> Result<String, Failure> {
    let (case_id, user_id, inquiry_id, channel) = (n.case_id, n.user_id, n.inquiry_id, n.channel);
    let pii = ctx.pii.clone();
    let found = ctx
        .read(move |conn| {
            let stored: Option<(String, bool)> = if let Some(q) = inquiry_id {
                yishen_store::models::inquiry::find(conn, q)?.and_then(|q| match channel {
                    Channel::Email => q.email_enc.map(|e| (e, true)),
                    Channel::Sms => q.phone_enc.map(|p| (p, true)),
                })
            } else if let Some(u) = user_id {
                yishen_store::models::user::find(conn, u)?.and_then(|(u, _)| match channel {
                    Channel::Email => u.email.map(|e| (e, false)),
                    Channel::Sms => u.phone_enc.map(|p| (p, true)),
                })
            } else if let Some(c) = case_id {
                yishen_store::models::case::applicant(conn, c)?.and_then(|a| match channel {
                    Channel::Email => a.email_enc.map(|e| (e, true)),
                    Channel::Sms => a.phone_enc.map(|p| (p, true)),
                })
            } else {
                None
            };
            match stored {
                Some((enc, true)) => Ok(Some(pii.decrypt(&enc).map_err(AppError::Internal)?)),
                Some((plain, false)) => Ok(Some(plain)),
                None => Ok(None),
            }
        })
        .await
        .map_err(|e| Failure::Again(format!("读取收件地址失败：{e}")))?;
    found.filter(|a| !a.trim().is_empty()).ok_or(match channel {
        Channel::Email => Failure::Skip("收件人没有电子邮件地址"),
        Channel::Sms => Failure::Skip("收件人没有电话号码"),
    })
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
    pub bounced: i64,
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
    let sms_configured = ctx.sms.is_some();
    ctx.read(move |conn| {
        let counts = store::counts(conn)?;
        let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
        Ok(Outbox {
            pending: count(store::status::PENDING),
            sent: count(store::status::SENT),
            dead: count(store::status::DEAD),
            skipped: count(store::status::SKIPPED),
            bounced: count(store::status::BOUNCED),
            email_configured,
            sms_configured,
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
        store::status::BOUNCED => "已被退回",
        _ => "",
    }
}

/// What a delivery status notification says of one of our messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BounceReport {
    /// Our Message-ID it reports on.
    pub message_id: String,
    /// The RFC 3463 status (`5.1.1`), or `5.0.0` where the report gave none.
    pub status: String,
    /// The returning server's words, addresses removed.
    pub diagnostic: String,
}

/// Reads a returned message: the Message-ID of ours it carries (in the returned headers or
/// message) and a permanent failure (RFC 3464 `Action: failed` or a `5.x.x` status). `None`
/// for anything else: a delay (`4.x.x`), a success report, an auto-reply, a message not ours.
pub fn read_bounce(raw: &[u8]) -> Option<BounceReport> {
    let mut text = String::from_utf8_lossy(raw).into_owned();
    if let Some(m) = mail_parser::MessageParser::default().parse(raw) {
        for part in &m.parts {
            text.push('\n');
            text.push_str(&String::from_utf8_lossy(part.contents()));
        }
    }
    let message_id = our_message_id(&text)?;
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let action = field("Action").unwrap_or_default().to_ascii_lowercase();
    let status = field("Status").and_then(|s| s.split_whitespace().next().map(str::to_owned));
    let failed = match (&status, action.as_str()) {
        (_, "delayed" | "delivered" | "relayed" | "expanded") => false,
        (Some(s), _) => s.starts_with('5'),
        (None, a) => a == "failed",
    };
    if !failed {
        return None;
    }
    let diagnostic = field("Diagnostic-Code")
        .unwrap_or_default()
        .split_whitespace()
        .map(|w| if w.contains('@') { "<收件地址>" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(200)
        .collect();
    Some(BounceReport {
        message_id,
        status: status.unwrap_or_else(|| "5.0.0".to_owned()),
        diagnostic,
    })
}

/// The first `<32 hex digits@yishen.notify>` in `text` (the brackets may be missing, as some
/// reports quote the id bare): the form of every Message-ID the outbox gives, so a report's own
/// Message-ID, or an address, is never taken for it.
fn our_message_id(text: &str) -> Option<String> {
    const TAIL: &str = "@yishen.notify";
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(TAIL) {
        let end = from + i;
        if end >= 32 {
            let start = end - 32;
            let hex = &bytes[start..end];
            let bounded = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            if bounded && hex.iter().all(u8::is_ascii_hexdigit) {
                return Some(format!("<{}{TAIL}>", &text[start..end]));
            }
        }
        from = end + TAIL.len();
    }
    None
}

/// Records a bounce on the message it reports on; answers the message and, for an
/// applicant's reply e-mail, its case (whose 送达 the caller may undo). `None`: not ours.
pub async fn record_bounce(
    ctx: &Ctx,
    report: &BounceReport,
) -> Result<Option<(i64, Option<CaseId>)>, AppError> {
    let report = report.clone();
    ctx.write(move |conn| {
        let Some(n) = store::by_message_id(conn, &report.message_id)? else {
            return Ok(None);
        };
        let detail = format!("收件方退信：{} {}", report.status, report.diagnostic);
        let first = store::mark_bounced(conn, n.id, yishen_store::now(), detail.trim())?;
        let reply = n.kind == notify::NoticeKind::ReplyIssued
            && n.channel == Channel::Email
            && n.user_id.is_none();
        Ok(Some((n.id, n.case_id.filter(|_| first && reply))))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "<0123456789abcdef0123456789abcdef@yishen.notify>";

    fn dsn(action: &str, status: &str) -> String {
        format!(
            "From: MAILER-DAEMON@mx.example.cn\r\nTo: noreply@example.gov.cn\r\nMessage-ID: <dsn-1@mx.example.cn>\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe mail could not be delivered.\r\n\r\n--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.cn\r\n\r\nFinal-Recipient: rfc822; zhang.san@example.cn\r\nAction: {action}\r\nStatus: {status}\r\nDiagnostic-Code: smtp; 550 5.1.1 <zhang.san@example.cn>: Recipient address rejected\r\n\r\n--b1\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: noreply@example.gov.cn\r\nTo: zhang.san@example.cn\r\nMessage-ID: {ID}\r\nSubject: reply\r\n\r\n--b1--\r\n"
        )
    }

    #[test]
    fn a_permanent_failure_names_our_message_without_the_address() {
        let r = read_bounce(dsn("failed", "5.1.1").as_bytes()).expect("a bounce");
        assert_eq!(r.message_id, ID);
        assert_eq!(r.status, "5.1.1");
        assert!(r.diagnostic.contains("Recipient address rejected"));
        assert!(!r.diagnostic.contains("zhang.san"), "{}", r.diagnostic);
    }

    #[test]
    fn delays_and_strangers_are_not_bounces() {
        assert!(read_bounce(dsn("delayed", "4.4.7").as_bytes()).is_none());
        let stranger = dsn("failed", "5.1.1").replace(ID, "<abc@other.example>");
        assert!(read_bounce(stranger.as_bytes()).is_none());
    }
}
