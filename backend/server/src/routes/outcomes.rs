//! Reconsideration and litigation records of a case.

use actix_web::{HttpResponse, get, patch, post, web};

use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use yishen_app::Ctx;
use yishen_app::services::outcomes::{
    self, DecisionIn, LitigationIn, LitigationView, OutcomesView, ReconsiderationIn,
    ReconsiderationView,
};

/// Records a reconsideration of the case (reconsideration body).
#[utoipa::path(tag = "outcomes", params(("id" = i64, Path)), request_body = ReconsiderationIn,
    security(("bearer" = [])),
    responses((status = 201, body = ReconsiderationView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/cases/{id}/reconsiderations")]
pub async fn record_reconsideration(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    body: ApiJson<ReconsiderationIn>,
) -> Result<HttpResponse, ApiError> {
    let v = outcomes::record_reconsideration(&state, &actor, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(v))
}

/// Records a suit about the case (the agency's staff).
#[utoipa::path(tag = "outcomes", params(("id" = i64, Path)), request_body = LitigationIn,
    security(("bearer" = [])),
    responses((status = 201, body = LitigationView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/cases/{id}/litigations")]
pub async fn record_litigation(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    body: ApiJson<LitigationIn>,
) -> Result<HttpResponse, ApiError> {
    let v = outcomes::record_litigation(&state, &actor, id.into_inner(), body.0).await?;
    Ok(HttpResponse::Created().json(v))
}

/// The case's reconsiderations and suits.
#[utoipa::path(tag = "outcomes", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = OutcomesView), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/outcomes")]
pub async fn for_case(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<OutcomesView>, ApiError> {
    Ok(web::Json(
        outcomes::for_case(&state, &actor, id.into_inner()).await?,
    ))
}

/// Records the decision on a pending reconsideration.
#[utoipa::path(tag = "outcomes", params(("id" = i64, Path)), request_body = DecisionIn,
    security(("bearer" = [])),
    responses((status = 200, body = ReconsiderationView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[patch("/api/v1/reconsiderations/{id}")]
pub async fn decide_reconsideration(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: ApiJson<DecisionIn>,
) -> Result<web::Json<ReconsiderationView>, ApiError> {
    Ok(web::Json(
        outcomes::decide_reconsideration(&state, &actor, id.into_inner(), body.0).await?,
    ))
}

/// Records the judgment on a pending suit.
#[utoipa::path(tag = "outcomes", params(("id" = i64, Path)), request_body = DecisionIn,
    security(("bearer" = [])),
    responses((status = 200, body = LitigationView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[patch("/api/v1/litigations/{id}")]
pub async fn decide_litigation(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: ApiJson<DecisionIn>,
) -> Result<web::Json<LitigationView>, ApiError> {
    Ok(web::Json(
        outcomes::decide_litigation(&state, &actor, id.into_inner(), body.0).await?,
    ))
}
