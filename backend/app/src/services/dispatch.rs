//! One run of the dispatcher: the outbox's due messages sent ([`notifications::run_once`]),
//! then, for each reply message a mail server accepted for an applicant who chose e-mail
//! delivery, the electronic 送达 recorded on the case ([`letters::record_email_delivery`]).
//! Kept apart from both so that neither the outbox nor the letters depends on the other.

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::letters;
use crate::services::notifications::{self, Dispatched};

/// Sends what is due as `holder` and records the e-mail deliveries it made. A delivery that
/// cannot be recorded is logged: the message went, and the handler can record the 送达.
pub async fn run_once(ctx: &Ctx, holder: &str) -> Result<(Dispatched, usize), AppError> {
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
