//! The calendar as loaded in the database, and loading a new year's notice.

use yishen_domain::{Calendar, YearNotice};
use yishen_store::models::calendar_year;

use crate::auth::Actor;
use crate::error::{ApiError, FieldIssue};
use crate::policy;
use crate::state::AppState;

/// The calendar in force. Read from the database on each use (a handful of small rows), so
/// that every instance sees a newly loaded year at once.
pub async fn current(state: &AppState) -> Result<Calendar, ApiError> {
    state
        .read(|conn| Ok(yishen_store::reference::load_calendar(conn)?))
        .await
}

/// Loads (or replaces) the notice for `year`.
pub async fn put_year(
    state: &AppState,
    actor: &Actor,
    year: i32,
    notice: YearNotice,
) -> Result<(), ApiError> {
    policy::manage_calendar(actor)?;
    if notice.year != year {
        return Err(ApiError::field(
            "year",
            "mismatch",
            format!("请求体中的年份与路径中的{year}不一致"),
        ));
    }
    if let Err(errors) = notice.check() {
        return Err(ApiError::Validation(
            errors
                .iter()
                .map(|e| FieldIssue::new(e.field(), "notice_inconsistent", e.to_string()))
                .collect(),
        ));
    }
    let data = serde_json::to_string(&notice).map_err(anyhow::Error::from)?;
    let actor_id = actor.id;
    state
        .write(move |conn| {
            calendar_year::put(
                conn,
                &calendar_year::CalendarYear {
                    year,
                    notice: notice.notice.clone(),
                    notice_number: notice.notice_number.clone(),
                    data,
                    source: calendar_year::SOURCE_ADMIN.into(),
                    updated_by: Some(actor_id),
                    updated_at: yishen_store::now(),
                },
            )?;
            // The whole calendar must still build (e.g. no clash with a neighbouring year).
            let calendar = yishen_store::reference::load_calendar(conn)?;
            // Open cases follow the new working days at once (their cached due dates).
            let cases = crate::services::cases::recompute_open(conn, &calendar)?;
            tracing::info!(year, actor_id, cases, "holiday notice loaded");
            Ok(())
        })
        .await
}
