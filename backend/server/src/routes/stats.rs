//! Statistics: the annual report (CONTRACT.md) and the cases behind its cells; the
//! reconsideration bodies' correction and timeliness statistics, as JSON and SVG charts.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Actor, Caller};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::routes::users::page_limits;
use yishen_app::Ctx;
use yishen_app::services::report::{self, AnnualReport, CellCases};
use yishen_app::services::stats;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnnualParams {
    /// The agency's code.
    #[param(required = true, value_type = String, min_length = 1, max_length = 64)]
    agency: Option<String>,
    #[param(required = true, value_type = i32, minimum = 2008, maximum = 2100)]
    year: Option<i32>,
    /// Include every agency below it.
    subtree: Option<bool>,
    /// `json` (default), `csv` or `xlsx`.
    #[param(pattern = "^(json|csv|xlsx)$")]
    format: Option<String>,
}

fn agency_and_year(agency: Option<String>, year: Option<i32>) -> Result<(String, i32), ApiError> {
    let agency = agency
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::field("agency", "required", "请指定机关代码"))?;
    let year = year.ok_or_else(|| ApiError::field("year", "required", "请指定年度"))?;
    Ok((agency, year))
}

/// The annual report's tables 三 and 四 with their identity checks.
#[utoipa::path(tag = "stats", params(AnnualParams), security(("bearer" = [])),
    responses((status = 200, description = "年度报告：JSON（默认）、CSV 或 Excel",
               content((AnnualReport = "application/json"), (String = "text/csv"),
                       (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/stats/annual-report")]
pub async fn annual_report(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<AnnualParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let format = q.format.unwrap_or_else(|| "json".to_owned());
    if !["json", "csv", "xlsx"].contains(&format.as_str()) {
        return Err(ApiError::field(
            "format",
            "unknown_value",
            "格式无效，可选：json、csv、xlsx",
        ));
    }
    let (agency, year) = agency_and_year(q.agency, q.year)?;
    let subtree = q.subtree.unwrap_or(false);
    let r = report::annual_report(&state, &actor, agency, year, subtree).await?;
    let file = format!("政府信息公开工作年度报告-{}-{}", r.agency, r.year);
    Ok(match format.as_str() {
        "csv" => super::file_response(
            "text/csv; charset=utf-8",
            false,
            &format!("{file}.csv"),
            report::to_csv(&r)?,
        ),
        "xlsx" => super::file_response(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            false,
            &format!("{file}.xlsx"),
            report::to_xlsx(&r)?,
        ),
        _ => HttpResponse::Ok().json(r),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CellParams {
    #[param(required = true, value_type = String, min_length = 1, max_length = 64)]
    agency: Option<String>,
    #[param(required = true, value_type = i32, minimum = 2008, maximum = 2100)]
    year: Option<i32>,
    subtree: Option<bool>,
    /// A row key of table 三 (`new`, `carried_over`, `disclosed`, …, `carried_forward`).
    #[param(required = true, value_type = String, pattern = "^[a-z_0-9]+$")]
    row: Option<String>,
    /// An applicant category or `total`.
    #[param(
        pattern = "^(total|natural_person|business|research|nonprofit|legal_service|other_org)$"
    )]
    column: Option<String>,
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

/// The cases behind one cell of table 三.
#[utoipa::path(tag = "stats", params(CellParams), security(("bearer" = [])),
    responses((status = 200, body = CellCases), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/stats/annual-report/cases")]
pub async fn cell_cases(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<CellParams>,
) -> Result<web::Json<CellCases>, ApiError> {
    let q = query.0;
    let (agency, year) = agency_and_year(q.agency, q.year)?;
    let row = q
        .row
        .ok_or_else(|| ApiError::field("row", "required", "请指定行"))?;
    let column = q.column.unwrap_or_else(|| "total".to_owned());
    let (limit, offset) = page_limits(q.page, q.per_page)?;
    Ok(web::Json(
        report::cell_cases(
            &state,
            &actor,
            agency,
            year,
            q.subtree.unwrap_or(false),
            row,
            column,
            limit,
            offset,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReconsiderationParams {
    /// The agency's code (default: the user's own agency).
    #[param(min_length = 1, max_length = 64)]
    agency: Option<String>,
    /// First day, `YYYY-MM-DD` (default: 1 January of this year).
    #[param(format = Date)]
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default: today).
    #[param(format = Date)]
    to: Option<String>,
    /// Include every agency below it (default `true`; agency staff pass `false`).
    subtree: Option<bool>,
}

async fn reconsideration_stats(
    state: &Ctx,
    actor: &Actor,
    q: ReconsiderationParams,
) -> Result<stats::ReconsiderationStats, ApiError> {
    stats::reconsideration(state, actor, q.agency, q.from, q.to, q.subtree)
        .await
        .map_err(ApiError::from)
}

/// Correction rates (by agency, disposition, legal ground, month), on-time rates and working
/// days to reply across an agency's subtree, with Wilson intervals and small cells marked.
#[utoipa::path(tag = "stats", params(ReconsiderationParams), security(("bearer" = [])),
    responses((status = 200, body = stats::ReconsiderationStats),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/stats/reconsideration")]
pub async fn reconsideration(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<ReconsiderationParams>,
) -> Result<web::Json<stats::ReconsiderationStats>, ApiError> {
    Ok(web::Json(
        reconsideration_stats(&state, &actor, query.0).await?,
    ))
}

/// A chart of the same statistics as SVG: `correction-by-agency`, `correction-by-month` or
/// `reply-days`.
#[utoipa::path(tag = "stats",
    params(("name" = String, Path, description = "correction-by-agency、correction-by-month 或 reply-days"),
           ReconsiderationParams),
    security(("bearer" = [])),
    responses((status = 200, content_type = "image/svg+xml"),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/stats/reconsideration/chart/{name}.svg")]
pub async fn reconsideration_chart(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    name: web::Path<String>,
    query: ApiQuery<ReconsiderationParams>,
) -> Result<HttpResponse, ApiError> {
    let chart = stats::Chart::parse(&name).ok_or(ApiError::NotFound("图表"))?;
    let s = reconsideration_stats(&state, &actor, query.0).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .body(stats::chart_svg(&s, chart)?))
}
