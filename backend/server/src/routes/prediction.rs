//! Case prediction (案件预判) for staff.

use actix_web::{get, web};

use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use yishen_app::Ctx;
use yishen_app::services::prediction::{self, PredictionView};

/// The three most likely dispositions of the case, each with the decided cases behind it and
/// a reason, and the risk when cases answered the same way were corrected. Advice only: it is
/// never applied by itself.
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = PredictionView)))]
#[get("/api/v1/cases/{id}/prediction")]
pub async fn for_case(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<PredictionView>, ApiError> {
    Ok(web::Json(
        prediction::for_case(&state, &actor, id.into_inner()).await?,
    ))
}
