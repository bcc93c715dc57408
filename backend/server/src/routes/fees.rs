//! Fee quotes (信息处理费), from the tiers of the 办法 in `domain::fees`.

use actix_web::{get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yishen_domain::fees::{self, FeeMode};

use crate::error::{ApiError, FieldIssue};
use crate::extract::ApiQuery;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuoteQuery {
    /// `per_application` (按件, with `ordinal`) or `per_page` (按量, with `pages`).
    #[param(value_type = String, pattern = "^(per_application|per_page)$")]
    mode: FeeMode,
    /// The application's place (1-based) among the applicant's applications this month.
    #[param(minimum = 1)]
    ordinal: Option<u32>,
    /// Pages of the information provided.
    #[param(minimum = 1)]
    pages: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct Quote {
    #[schema(value_type = String)]
    mode: FeeMode,
    amount_yuan: u64,
}

fn invalid(field: &str, code: &str, message: &str) -> ApiError {
    ApiError::InvalidQuery(vec![FieldIssue::new(field, code, message)])
}

/// The fee for one application under one method (never both, 办法第三条).
#[utoipa::path(tag = "fees", params(QuoteQuery),
    responses((status = 200, body = Quote), (status = 400, body = crate::error::Problem)))]
#[get("/api/v1/fees/quote")]
pub async fn quote(query: ApiQuery<QuoteQuery>) -> Result<web::Json<Quote>, ApiError> {
    let q = query.0;
    let amount_yuan = match (q.mode, q.ordinal, q.pages) {
        (FeeMode::PerApplication, Some(k), None) if k >= 1 => fees::per_application(k),
        (FeeMode::PerApplication, Some(_), None) => {
            return Err(invalid("ordinal", "out_of_range", "序号从1开始"));
        }
        (FeeMode::PerApplication, None, _) => {
            return Err(invalid("ordinal", "required", "按件计收须提供本月申请序号"));
        }
        (FeeMode::PerPage, None, Some(p)) => fees::per_page(p),
        (FeeMode::PerPage, _, None) => {
            return Err(invalid("pages", "required", "按量计收须提供页数"));
        }
        (FeeMode::PerApplication, Some(_), Some(_)) | (FeeMode::PerPage, Some(_), Some(_)) => {
            return Err(invalid(
                if q.mode == FeeMode::PerPage {
                    "ordinal"
                } else {
                    "pages"
                },
                "not_allowed",
                "同一申请不得同时按件和按量计收",
            ));
        }
    };
    Ok(web::Json(Quote {
        mode: q.mode,
        amount_yuan,
    }))
}
