//! The expiry of applicants' windows, run periodically by the server and by
//! `yishen jobs run-once`: a 补正 not made within its period closes the case as
//! `other_correction_overdue` (条例30: 视为放弃申请); a fee unpaid 20 working days after the
//! notice closes it as `other_fee_unpaid` (fee rules). Each case is closed in its own
//! transaction with a version check, so running the job twice, or on two instances at once,
//! closes each case once.
//!
//! With several instances the periodic run is also leased ([`run_leased`]): the instance
//! holding the `jobs` lease in the database runs the sweep, prunes the index's change feed
//! and refreshes the query planner's statistics; the others skip it until the lease expires
//! unrenewed (its holder stopped).

use serde::Serialize;
use yishen_domain::Disposition;
use yishen_domain::case::{Action, CaseEvent};
use yishen_store::CaseId;
use yishen_store::models::case::{self as case_store, CaseChanges, CaseScope};

use super::{Step, finish, load};
use crate::ctx::Ctx;
use crate::error::AppError;

#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct JobReport {
    pub corrections_expired: usize,
    pub fees_unpaid: usize,
}

/// Closes every case whose correction or fee window has passed.
pub async fn run_once(state: &Ctx) -> Result<JobReport, AppError> {
    let today = state.today();
    let (corrections, fees) = state
        .read(move |conn| {
            Ok((
                case_store::correction_expired(conn, today)?,
                case_store::fee_expired(conn, today)?,
            ))
        })
        .await?;
    let mut report = JobReport::default();
    for (ids, disposition) in [
        (corrections, Disposition::OtherCorrectionOverdue),
        (fees, Disposition::OtherFeeUnpaid),
    ] {
        for id in ids {
            if abandon(state, id, disposition).await? {
                match disposition {
                    Disposition::OtherCorrectionOverdue => report.corrections_expired += 1,
                    _ => report.fees_unpaid += 1,
                }
            }
        }
    }
    if report != JobReport::default() {
        tracing::info!(?report, "expired windows closed");
    }
    Ok(report)
}

/// The lease of the periodic jobs.
const LEASE: &str = "jobs";
/// How long the index's change feed keeps an entry: an instance whose index is further behind
/// rebuilds it at start.
const FEED_KEEP_DAYS: i64 = 7;

/// One periodic run, if this instance (`holder`) holds or takes the jobs lease for `ttl`:
/// the window sweep, the feed's pruning and the planner's statistics. `None` when another
/// instance holds it.
pub async fn run_leased(
    state: &Ctx,
    holder: &str,
    ttl: std::time::Duration,
) -> Result<Option<JobReport>, AppError> {
    let holder_owned = holder.to_owned();
    let ttl = chrono::Duration::from_std(ttl).map_err(anyhow::Error::from)?;
    let held = state
        .write(move |conn| {
            let now = yishen_store::now();
            Ok(yishen_store::models::job_lease::acquire(
                conn,
                LEASE,
                &holder_owned,
                now,
                now + ttl,
            )?)
        })
        .await?;
    if !held {
        return Ok(None);
    }
    let report = run_once(state).await?;
    let pruned = state
        .write(|conn| {
            let before = yishen_store::now() - chrono::Duration::days(FEED_KEEP_DAYS);
            Ok(yishen_store::models::index_feed::prune(conn, before)?)
        })
        .await?;
    if pruned > 0 {
        tracing::info!(pruned, "index change feed pruned");
    }
    // The planner's statistics follow the database's growth.
    state
        .write(|conn| Ok(yishen_store::optimize(conn)?))
        .await?;
    Ok(Some(report))
}

/// Closes one case as abandoned, unless someone acted on it meanwhile.
async fn abandon(state: &Ctx, id: CaseId, disposition: Disposition) -> Result<bool, AppError> {
    let today = state.today();
    state
        .write(move |conn| {
            let loaded = load(conn, &CaseScope::All, id, today)?;
            let still_expired = match disposition {
                Disposition::OtherCorrectionOverdue => {
                    loaded.case.status == yishen_domain::case::Status::AwaitingCorrection
                        && loaded.case.correction_deadline.is_some_and(|d| d < today)
                }
                _ => loaded.case.fee_deadline.is_some_and(|d| d < today),
            };
            let Ok(to) = Action::Abandon.apply(loaded.case.status, None) else {
                return Ok(false);
            };
            if !still_expired {
                return Ok(false);
            }
            let step = Step {
                events: vec![(today, CaseEvent::Abandoned { disposition })],
                changes: CaseChanges {
                    disposition: Some(Some(disposition.as_str().to_owned())),
                    concluded_on: Some(Some(today)),
                    correction_deadline: Some(None),
                    fee_deadline: Some(None),
                    ..Default::default()
                },
            };
            match finish(conn, &loaded, step, to, None) {
                Ok(()) => Ok(true),
                Err(AppError::Conflict { .. }) => Ok(false),
                Err(e) => Err(e),
            }
        })
        .await
}
