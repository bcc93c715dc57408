//! Keeps the statistics a reconsideration body opens first counted before anyone asks for
//! them. Table 四 of the annual report and the reconsideration statistics are kept while the
//! statistics' generation has not moved (`generation_cache`), but the first reader after a
//! start or after a conclusion counted them while the others waited (0.3–1 s at a province's
//! size, docs/performance.md). So each instance counts the top trees' default views at start
//! and again whenever the generation has moved since; a reader then finds them counted.

use yishen_store::models::stats;

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::{report, stats as stats_service};

/// Counts the default views again if the generation is not `last`; answers the generation
/// they were counted at (the one read before counting: a change meanwhile is counted next time).
pub async fn run(state: &Ctx, last: Option<i64>) -> Result<i64, AppError> {
    let now = state
        .read_stats(|conn| Ok(stats::generation(conn)?))
        .await?;
    if last == Some(now) {
        return Ok(now);
    }
    report::warm(state).await?;
    stats_service::warm(state).await?;
    Ok(now)
}
