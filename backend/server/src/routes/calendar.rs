//! The working-day calendar: due dates, the loaded years, loading a new year.

use actix_web::{get, put, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yishen_domain::YearNotice;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use yishen_app::Ctx;
use yishen_app::services::calendar;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DueDateQuery {
    /// The triggering date (e.g. receipt); it never counts itself.
    from: NaiveDate,
    /// How many working days to count; day 1 is the first working day after `from`.
    #[param(minimum = 1, maximum = 400)]
    working_days: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DueDate {
    from: NaiveDate,
    working_days: u32,
    due_on: NaiveDate,
}

/// The `working_days`-th working day after `from` (调休 weekends count, holidays do not);
/// 422 `calendar_year_not_covered` when the count runs into a year not loaded.
#[utoipa::path(tag = "calendar", params(DueDateQuery),
    responses((status = 200, body = DueDate), (status = 400, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/calendar/due-date")]
pub async fn due_date(
    state: web::Data<Ctx>,
    query: ApiQuery<DueDateQuery>,
) -> Result<web::Json<DueDate>, ApiError> {
    let q = query.0;
    let cal = calendar::current(&state).await?;
    let due_on = cal.add_working_days(q.from, q.working_days)?;
    Ok(web::Json(DueDate {
        from: q.from,
        working_days: q.working_days,
        due_on,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct YearSummary {
    year: i32,
    notice: String,
    notice_number: Option<String>,
    /// `fixture` (shipped) or `admin` (loaded through the API).
    source: String,
    updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct YearList {
    items: Vec<YearSummary>,
}

/// The years whose holiday notices are loaded.
#[utoipa::path(tag = "calendar", responses((status = 200, body = YearList)))]
#[get("/api/v1/calendar/years")]
pub async fn years(state: web::Data<Ctx>) -> Result<web::Json<YearList>, ApiError> {
    let rows = calendar::years(&state).await?;
    Ok(web::Json(YearList {
        items: rows
            .into_iter()
            .map(|(r, _)| YearSummary {
                year: r.year,
                notice: r.notice,
                notice_number: r.notice_number,
                source: r.source,
                updated_at: format!("{}Z", r.updated_at.format("%Y-%m-%dT%H:%M:%S")),
            })
            .collect(),
    }))
}

/// `{year}` is digits: `/calendar/due-date` and `/calendar/years` under another method are
/// those paths answering 405, not a year.
fn year_segment(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head()
        .uri
        .path()
        .rsplit('/')
        .next()
        .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

/// One year's notice as loaded.
#[utoipa::path(tag = "calendar", responses((status = 200, content_type = "application/json"), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/calendar/{year}", guard = "year_segment")]
pub async fn get_year(
    state: web::Data<Ctx>,
    year: web::Path<i32>,
) -> Result<web::Json<YearNotice>, ApiError> {
    Ok(web::Json(calendar::year(&state, year.into_inner()).await?))
}

/// Loads a year's notice (system administrator), in the shape of a `[[years]]` entry of
/// `cn_holidays.toml`. Open cases follow the new days.
#[utoipa::path(tag = "calendar", security(("bearer" = [])), request_body(content_type = "application/json"),
    responses((status = 200, content_type = "application/json"), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[put("/api/v1/calendar/{year}", guard = "year_segment")]
pub async fn put_year(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    year: web::Path<i32>,
    body: ApiJson<YearNotice>,
) -> Result<web::Json<YearNotice>, ApiError> {
    let year = year.into_inner();
    let notice = body.0;
    calendar::put_year(&state, &actor, year, notice.clone()).await?;
    Ok(web::Json(notice))
}
