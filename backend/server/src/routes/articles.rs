//! The article push (重点法条推送) for a case.

use actix_web::{get, web};

use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use yishen_app::Ctx;
use yishen_app::services::articles::{self, ArticleList};

/// The articles that bear on the case's request, ranked, each with its reason.
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ArticleList), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/articles")]
pub async fn for_case(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<ArticleList>, ApiError> {
    Ok(web::Json(
        articles::for_case(&state, &actor, id.into_inner()).await?,
    ))
}
