//! Letters: a case's letters, a letter's PDF, and public verification by code.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use serde::Deserialize;
use utoipa::ToSchema;
use yishen_app::Ctx;
use yishen_app::services::cases::views::CaseView;
use yishen_app::services::letters::{self, LetterView, VerifiedLetter, Void};

/// The letters issued on a case.
#[utoipa::path(tag = "letters", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = [LetterView]), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/letters")]
pub async fn for_case(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<Vec<LetterView>>, ApiError> {
    Ok(web::Json(
        letters::for_case(&state, &actor, id.into_inner()).await?,
    ))
}

/// A letter as PDF.
#[utoipa::path(tag = "letters", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf"), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/letters/{id}/pdf")]
pub async fn pdf(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (number, bytes) = letters::pdf(&state, &actor, id).await?;
    Ok(super::file_response(
        "application/pdf",
        true,
        &format!("{number}.pdf"),
        bytes,
    ))
}

/// Public: confirms a letter by the verification code printed with it.
#[utoipa::path(tag = "letters", params(("code" = String, Path)),
    responses((status = 200, body = VerifiedLetter), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/letters/verify/{code}")]
pub async fn verify(
    state: web::Data<Ctx>,
    code: web::Path<String>,
) -> Result<web::Json<VerifiedLetter>, ApiError> {
    Ok(web::Json(
        letters::verify(&state, &code.into_inner()).await?,
    ))
}

/// `POST /api/v1/letters/{id}/void`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidBody {
    /// Why the issued reply is void (kept with the letter and on the case), at most 500
    /// characters.
    #[schema(required = true, value_type = String, min_length = 1, max_length = 500, pattern = "\\S")]
    pub reason: Option<String>,
}

impl TryFrom<VoidBody> for Void {
    type Error = ApiError;

    fn try_from(b: VoidBody) -> Result<Self, ApiError> {
        Void::new(b.reason.as_deref()).map_err(ApiError::Validation)
    }
}

/// Voids an issued reply before delivery (approver); the case returns to drafting.
#[utoipa::path(tag = "letters", params(("id" = i64, Path)), request_body = VoidBody,
    security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/letters/{id}/void")]
pub async fn void(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    req: HttpRequest,
    id: web::Path<i64>,
    body: ApiJson<VoidBody>,
) -> Result<HttpResponse, ApiError> {
    let if_match = crate::routes::cases::if_match(&req)?;
    let view = letters::void(
        &state,
        &actor,
        id.into_inner(),
        if_match,
        body.0.try_into()?,
    )
    .await?;
    Ok(crate::routes::cases::with_etag(
        view,
        actix_web::http::StatusCode::OK,
    ))
}
