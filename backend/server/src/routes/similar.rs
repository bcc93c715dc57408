//! Similar cases (类案推送): for a case, and by free text.

use actix_web::{get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use utoipa::ToSchema;
use yishen_app::Ctx;
use yishen_app::services::similar::{self, Narrowing, Search, SimilarList};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SimilarParams {
    /// How many (1–50, default 10).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<usize>,
    /// Restrict to this agency's subtree (its code).
    agency: Option<String>,
    /// First and last year of receipt.
    year_from: Option<i32>,
    year_to: Option<i32>,
    /// A disposition code.
    disposition: Option<String>,
}

/// The decided cases most like this one that the user may see, with their dispositions,
/// letters and outcomes.
#[utoipa::path(tag = "similar", params(("id" = i64, Path), SimilarParams), security(("bearer" = [])),
    responses((status = 200, body = SimilarList), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/similar")]
pub async fn for_case(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    query: ApiQuery<SimilarParams>,
) -> Result<web::Json<SimilarList>, ApiError> {
    Ok(web::Json({
        let q = query.0;
        let narrowing = Narrowing {
            agency: q.agency,
            year_from: q.year_from,
            year_to: q.year_to,
            disposition: q.disposition,
        };
        similar::for_case(&state, &actor, id.into_inner(), q.limit, narrowing).await?
    }))
}

/// `POST /api/v1/similar/search`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    /// What to look for, at most 5,000 characters.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 5000, pattern = "\\S")]
    pub text: Option<String>,
    /// How many (1–50, default 10).
    #[schema(minimum = 1, maximum = 50)]
    pub limit: Option<usize>,
    /// Restrict to this agency's subtree (its code).
    pub agency: Option<String>,
    /// First and last year of receipt.
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// A disposition code.
    pub disposition: Option<String>,
}

impl TryFrom<SearchBody> for Search {
    type Error = ApiError;

    fn try_from(b: SearchBody) -> Result<Self, ApiError> {
        let narrowing = Narrowing {
            agency: b.agency,
            year_from: b.year_from,
            year_to: b.year_to,
            disposition: b.disposition,
        };
        Search::new(b.text.as_deref(), b.limit, narrowing).map_err(ApiError::Validation)
    }
}

/// Free-text search over the cases the user may see.
#[utoipa::path(tag = "similar", request_body = SearchBody, security(("bearer" = [])),
    responses((status = 200, body = SimilarList), (status = 403, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/similar/search")]
pub async fn search(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    body: ApiJson<SearchBody>,
) -> Result<web::Json<SimilarList>, ApiError> {
    Ok(web::Json(
        similar::search(&state, &actor, body.0.try_into()?).await?,
    ))
}
