//! The case-guidance manual (案例指导手册) of corrected replies.

use actix_web::{HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use yishen_app::Ctx;
use yishen_app::services::manual::{self, Manual};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ManualParams {
    /// The agency's code.
    #[param(required = true, value_type = String, min_length = 1, max_length = 64)]
    agency: Option<String>,
    /// Include every agency below it (reconsideration bodies).
    subtree: Option<bool>,
    /// First decision date (default: 1 January of this year).
    from: Option<NaiveDate>,
    /// Last decision date (default: today).
    to: Option<NaiveDate>,
    /// `md` (default), `pdf` or `json`.
    #[param(pattern = "^(md|pdf|json)$")]
    format: Option<String>,
}

/// Replies corrected on reconsideration or in court, with the lessons drawn from them.
#[utoipa::path(tag = "stats", params(ManualParams), security(("bearer" = [])),
    responses((status = 200, description = "指引手册：Markdown（默认）、PDF 或 JSON",
               content((String = "text/markdown"), (Vec<u8> = "application/pdf"), (Manual = "application/json"))),
              (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/stats/guidance-manual")]
pub async fn guidance_manual(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<ManualParams>,
) -> Result<HttpResponse, ApiError> {
    let q = query.0;
    let format = q.format.unwrap_or_else(|| "md".to_owned());
    if !["md", "pdf", "json"].contains(&format.as_str()) {
        return Err(ApiError::field(
            "format",
            "unknown_value",
            "格式无效，可选：md、pdf、json",
        ));
    }
    let agency = q
        .agency
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::field("agency", "required", "请指定机关代码"))?;
    let today = state.today();
    let from = q
        .from
        .or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1))
        .unwrap_or(today);
    let to = q.to.unwrap_or(today);
    let m = manual::manual(&state, &actor, agency, q.subtree.unwrap_or(false), from, to).await?;
    Ok(match format.as_str() {
        "json" => HttpResponse::Ok().json(m),
        "pdf" => super::file_response(
            "application/pdf",
            false,
            "政府信息公开案例指导手册.pdf",
            manual::to_pdf(&state, &m)?,
        ),
        _ => super::file_response(
            "text/markdown; charset=utf-8",
            false,
            "政府信息公开案例指导手册.md",
            manual::to_markdown(&m),
        ),
    })
}
