//! Screening flags of a case, and a person's decision on one.

use actix_web::{get, post, web};

use crate::auth::Actor;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::services::flags::{self, DecisionBody, FlagList, FlagView};
use crate::state::AppState;

/// The case's screening flags with their evidence (staff).
#[utoipa::path(tag = "flags", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = FlagList), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/flags")]
pub async fn for_case(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<i64>,
) -> Result<web::Json<FlagList>, ApiError> {
    Ok(web::Json(
        flags::for_case(&state, &actor, id.into_inner()).await?,
    ))
}

/// Confirms or dismisses a flag, with a reason.
#[utoipa::path(tag = "flags", params(("id" = i64, Path)), request_body = DecisionBody,
    security(("bearer" = [])),
    responses((status = 200, body = FlagView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/flags/{id}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    actor: Actor,
    id: web::Path<i64>,
    body: ApiJson<DecisionBody>,
) -> Result<web::Json<FlagView>, ApiError> {
    Ok(web::Json(
        flags::decide(&state, &actor, id.into_inner(), body.0).await?,
    ))
}
