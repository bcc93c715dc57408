//! An applicant's particulars seen in full (each viewing recorded), and the log of such
//! viewings for the agency's administrator.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use yishen_app::Ctx;
use yishen_app::services::access_log::{self, AccessView, Contact};
use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;

/// The applicant's identity number, phone, e-mail and address, unmasked (staff who may see the
/// case). The viewing is recorded, with who and when, before the answer is given.
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Contact), (status = 401, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/applicant/contact")]
pub async fn contact(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let c: Contact = access_log::contact(&state, &actor, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(c))
}

#[derive(Serialize, ToSchema)]
pub struct AccessLog {
    /// Newest first, at most 500.
    items: Vec<AccessView>,
}

/// Who saw applicants' personal data in full or opened a dossier, when and in which case: the
/// cases of the caller's agency (agency administrator) or of all (system administrator).
#[utoipa::path(tag = "users", security(("bearer" = [])),
    responses((status = 200, body = AccessLog), (status = 401, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem)))]
#[get("/api/v1/access-log")]
pub async fn list(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
) -> Result<web::Json<AccessLog>, ApiError> {
    Ok(web::Json(AccessLog {
        items: access_log::list(&state, &actor).await?,
    }))
}
