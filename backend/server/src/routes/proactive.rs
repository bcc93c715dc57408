//! 条例44 suggestions to publish information several applicants asked for.

use actix_web::{get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use yishen_app::Ctx;
use yishen_app::services::proactive::{self, SuggestionList};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SuggestionParams {
    /// The agency's code.
    #[param(required = true, value_type = String, min_length = 1, max_length = 64)]
    agency: Option<String>,
    /// First receipt date (default: 12 months before `to`).
    from: Option<NaiveDate>,
    /// Last receipt date (default: today).
    to: Option<NaiveDate>,
}

/// Information three or more distinct applicants asked the agency for and that was found
/// disclosable, with the cases: candidates for proactive publication (条例44).
#[utoipa::path(tag = "flags", params(SuggestionParams), security(("bearer" = [])),
    responses((status = 200, body = SuggestionList), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/proactive-suggestions")]
pub async fn suggestions(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<SuggestionParams>,
) -> Result<web::Json<SuggestionList>, ApiError> {
    let q = query.0;
    let agency = q
        .agency
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::field("agency", "required", "请指定机关代码"))?;
    Ok(web::Json(
        proactive::suggestions(&state, &actor, agency, q.from, q.to).await?,
    ))
}
