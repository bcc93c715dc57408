//! Reconsideration and litigation records of a case.

use actix_web::{HttpResponse, get, patch, post, web};

use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::LaterJson;
use yishen_app::Ctx;
use yishen_app::services::outcomes::{
    self, DecisionIn, LitigationIn, LitigationView, OutcomesView, ReconsiderationIn,
    ReconsiderationView,
};
use yishen_domain::outcome::OutcomeRecord;

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
    body: LaterJson<ReconsiderationIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    // Who may record comes before what they sent.
    outcomes::may_record(&state, &actor, id, OutcomeRecord::Reconsideration).await?;
    let v = outcomes::record_reconsideration(&state, &actor, id, body.0?).await?;
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
    body: LaterJson<LitigationIn>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    outcomes::may_record(&state, &actor, id, OutcomeRecord::Litigation).await?;
    let v = outcomes::record_litigation(&state, &actor, id, body.0?).await?;
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
    body: LaterJson<DecisionIn>,
) -> Result<web::Json<ReconsiderationView>, ApiError> {
    let id = id.into_inner();
    outcomes::may_decide(&state, &actor, OutcomeRecord::Reconsideration, id).await?;
    Ok(web::Json(
        outcomes::decide_reconsideration(&state, &actor, id, body.0?).await?,
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
    body: LaterJson<DecisionIn>,
) -> Result<web::Json<LitigationView>, ApiError> {
    let id = id.into_inner();
    outcomes::may_decide(&state, &actor, OutcomeRecord::Litigation, id).await?;
    Ok(web::Json(
        outcomes::decide_litigation(&state, &actor, id, body.0?).await?,
    ))
}
