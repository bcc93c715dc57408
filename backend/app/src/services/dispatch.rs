//! One run of the dispatcher: the outbox's due messages sent ([`notifications::run_once`]),
//! then, for each reply message a mail server accepted for an applicant who chose e-mail
//! delivery, the electronic 送达 recorded on the case ([`letters::record_email_delivery`]).
//! Kept apart from both so that neither the outbox nor the letters depends on the other.
//! Here too: the day's digests when their hour comes, and the bounces the mail system hands
//! back ([`bounce`]), which undo an electronic 送达.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::notifications::{self, Dispatched};
use crate::services::{digests, letters};

/// Sends what is due as `holder` and records the e-mail deliveries it made. A delivery that
/// cannot be recorded is logged: the message went, and the handler can record the 送达.
pub async fn run_once(ctx: &Ctx, holder: &str) -> Result<(Dispatched, usize), AppError> {
    // A failure to make the digests is logged: the outbox still goes out.
    match digests::due(ctx).await {
        Ok(true) => match digests::make(ctx, ctx.today(), holder).await {
            Ok(n) => tracing::info!(messages = n, "daily digests"),
            Err(e) => tracing::error!(error = %e, "daily digests"),
        },
        Ok(false) => {}
        Err(e) => tracing::error!(error = %e, "daily digests"),
    }
    let done = notifications::run_once(ctx, holder).await?;
    let mut delivered = 0;
    for (case_id, message_id, at) in &done.replies_accepted {
        match letters::record_email_delivery(ctx, *case_id, message_id.clone(), *at).await {
            Ok(true) => delivered += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(
                case_id = case_id.get(),
                error = %e,
                "the e-mail delivery of a reply could not be recorded"
            ),
        }
    }
    Ok((done, delivered))
}

/// What a returned message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bounced {
    /// Not a delivery status notification of a permanent failure (a delay, an auto-reply).
    NotAFailure,
    /// A failure, but of no message this service sent.
    NotOurs,
    /// Recorded on the message (once); `delivery_undone` names the case whose electronic 送达
    /// it undid.
    Recorded {
        notification: i64,
        delivery_undone: Option<yishen_store::CaseId>,
    },
}

/// Takes a message the mail system returned (a DSN, RFC 3464, as an MTA pipes it to `yishen
/// notify bounce`): finds the message of ours it reports on and a permanent failure, marks the
/// message bounced, and where it was a reply's e-mail that stood as the 送达, undoes the
/// delivery (the case waits for another way, its handler is told).
pub async fn bounce(ctx: &Ctx, raw: &[u8]) -> Result<Bounced, AppError> {
    let Some(report) = notifications::read_bounce(raw) else {
        return Ok(Bounced::NotAFailure);
    };
    let Some((notification, reply_case)) = notifications::record_bounce(ctx, &report).await? else {
        return Ok(Bounced::NotOurs);
    };
    let mut delivery_undone = None;
    if let Some(case_id) = reply_case
        && letters::record_email_bounce(
            ctx,
            case_id,
            report.message_id.clone(),
            report.status.clone(),
        )
        .await?
    {
        delivery_undone = Some(case_id);
    }
    Ok(Bounced::Recorded {
        notification,
        delivery_undone,
    })
}
