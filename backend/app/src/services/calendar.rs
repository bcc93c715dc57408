//! The calendar as loaded in the database, and loading a new year's notice.

use yishen_domain::{Calendar, YearNotice};
use yishen_store::models::calendar_year;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue};
use crate::policy;

/// The calendar in force. Read from the database on each use (a handful of small rows), so
/// that every instance sees a newly loaded year at once.
pub async fn current(state: &Ctx) -> Result<Calendar, AppError> {
    state
        .read(|conn| Ok(yishen_store::reference::load_calendar(conn)?))
        .await
}

/// A year the calendar lacks that staff must hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarGap {
    /// Today's own year: deadlines reaching into it are not computed (the explicit
    /// `calendar_year_not_covered` state) until a sysadmin loads it.
    ThisYear(i32),
    /// From 1 November, next year: cases received now will soon have deadlines in it. The
    /// State Council usually publishes the notice in late October or November.
    NextYear(i32),
}

impl CalendarGap {
    pub fn year(self) -> i32 {
        match self {
            Self::ThisYear(y) | Self::NextYear(y) => y,
        }
    }

    /// What staff and admins are told.
    pub fn warning(self) -> String {
        match self {
            Self::ThisYear(year) => format!(
                "{year}年的节假日安排尚未载入：落在{year}年的法定期限暂不计算，案件页面注明“节假日安排尚未载入”；\
                 请系统管理员在“节假日”页面载入国务院办公厅{year}年节假日安排通知。"
            ),
            Self::NextYear(year) => format!(
                "明年（{year}年）的节假日安排尚未载入：期限落在{year}年的案件将暂不计算期限，\
                 通知公布后请系统管理员及时在“节假日”页面载入。"
            ),
        }
    }
}

/// The gap in the calendar staff must hear about today, if any.
pub async fn gap(state: &Ctx) -> Result<Option<CalendarGap>, AppError> {
    let today = state.today();
    let calendar = current(state).await?;
    Ok(gap_on(&calendar, today))
}

/// The gap on `today` for a given calendar.
pub fn gap_on(calendar: &Calendar, today: chrono::NaiveDate) -> Option<CalendarGap> {
    use chrono::Datelike;
    let year = today.year();
    if !calendar.covers(year) {
        Some(CalendarGap::ThisYear(year))
    } else if today.month() >= 11 && !calendar.covers(year + 1) {
        Some(CalendarGap::NextYear(year + 1))
    } else {
        None
    }
}

/// Loads (or replaces) the notice for `year`.
pub async fn put_year(
    state: &Ctx,
    actor: &Actor,
    year: i32,
    notice: YearNotice,
) -> Result<(), AppError> {
    policy::manage_calendar(actor)?;
    if notice.year != year {
        return Err(AppError::field(
            "year",
            "mismatch",
            format!("请求体中的年份与路径中的{year}不一致"),
        ));
    }
    if let Err(errors) = notice.check() {
        return Err(AppError::Validation(
            errors
                .iter()
                .map(|e| FieldIssue::new(e.field(), "notice_inconsistent", e.to_string()))
                .collect(),
        ));
    }
    let data = serde_json::to_string(&notice).map_err(anyhow::Error::from)?;
    let actor_id = actor.id;
    let today = state.today();
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
            let cases = crate::services::cases::recompute_open(conn, &calendar, today)?;
            tracing::info!(
                year,
                actor_id = actor_id.get(),
                cases,
                "holiday notice loaded"
            );
            Ok(())
        })
        .await
}

/// The loaded holiday notices, one per year, with what each declares, oldest first.
pub async fn years(
    state: &Ctx,
) -> Result<Vec<(calendar_year::CalendarYear, YearNotice)>, AppError> {
    state
        .read(|conn| {
            calendar_year::list(conn)?
                .into_iter()
                .map(|r| {
                    let notice: YearNotice =
                        serde_json::from_str(&r.data).map_err(anyhow::Error::from)?;
                    Ok((r, notice))
                })
                .collect()
        })
        .await
}

/// One year's notice as loaded.
pub async fn year(state: &Ctx, year: i32) -> Result<YearNotice, AppError> {
    let row = state
        .read(move |conn| Ok(calendar_year::find(conn, year)?))
        .await?
        .ok_or(AppError::NotFound("该年度的节假日安排"))?;
    Ok(serde_json::from_str(&row.data).map_err(anyhow::Error::from)?)
}
