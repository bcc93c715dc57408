//! Redaction of the information provided: the pages and suggested boxes the handler works
//! from, a page's image, the release of a redacted copy and the case's redaction log.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use yishen_app::Ctx;
use yishen_app::services::documents::DocumentView;
use yishen_app::services::redactions::{self, BoxInput, LoggedBox, Release, Suggestions};
use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiQuery, LaterJson};

/// One box: the page (from 1) and a rectangle in PDF points with the origin at the page's
/// top-left, and the ground (a `withheld_*` code of the dispositions' catalogue).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoxBody {
    #[schema(minimum = 1)]
    pub page: Option<i64>,
    #[schema(minimum = 0)]
    pub x: Option<f64>,
    #[schema(minimum = 0)]
    pub y: Option<f64>,
    #[schema(exclusive_minimum = 0)]
    pub width: Option<f64>,
    #[schema(exclusive_minimum = 0)]
    pub height: Option<f64>,
    /// e.g. `withheld_third_party` (个人隐私, 条例15).
    pub ground: Option<String>,
}

/// `POST /api/v1/documents/{id}/redactions`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedactionBody {
    pub boxes: Option<Vec<BoxBody>>,
    /// Resident ID or mobile numbers a person confirmed may stay in the released file (the
    /// applicant's own, a public service number); any other one found blocks the release.
    pub confirmed: Option<Vec<String>>,
}

impl TryFrom<RedactionBody> for Release {
    type Error = ApiError;

    fn try_from(b: RedactionBody) -> Result<Self, ApiError> {
        let boxes = b
            .boxes
            .unwrap_or_default()
            .into_iter()
            .map(|b| BoxInput {
                page: b.page,
                x: b.x,
                y: b.y,
                width: b.width,
                height: b.height,
                ground: b.ground,
            })
            .collect();
        Ok(Release::new(boxes, b.confirmed.unwrap_or_default())?)
    }
}

/// Releases a redacted copy of a provided PDF: the pages with boxes are rasterised with the
/// boxes burned in and labelled with their ground, the others keep their text; the copy is
/// verified (none of the text under the boxes, and no resident ID or mobile number not
/// confirmed, may remain) before it is kept. The copy is a new document with purpose
/// `provided`, sent to the applicant with the reply.
#[utoipa::path(tag = "documents", params(("id" = i64, Path)), request_body = RedactionBody,
    security(("bearer" = [])),
    responses((status = 201, body = DocumentView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/documents/{id}/redactions")]
pub async fn release(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: LaterJson<RedactionBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    // Who may release comes before what they sent.
    redactions::may_release(&state, &actor, id).await?;
    let cmd: Release = body.0?.try_into()?;
    let view = redactions::release(&state, &actor, id, cmd).await?;
    Ok(HttpResponse::Created().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SuggestionParams {
    /// Also propose a box over every occurrence of this text (widths and spaces ignored).
    pub every: Option<String>,
}

/// The document's pages (their sizes in points) and boxes proposed over what looks like
/// personal data: resident ID and mobile numbers and the applicant's name.
#[utoipa::path(tag = "documents", params(("id" = i64, Path), SuggestionParams),
    security(("bearer" = [])),
    responses((status = 200, body = Suggestions), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
#[get("/api/v1/documents/{id}/redactions/suggestions")]
pub async fn suggestions(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    query: ApiQuery<SuggestionParams>,
) -> Result<web::Json<Suggestions>, ApiError> {
    Ok(web::Json(
        redactions::suggestions(&state, &actor, id.into_inner(), query.0.every).await?,
    ))
}

/// A page of the document as a PNG (96 dpi), for drawing boxes over.
#[utoipa::path(tag = "documents", params(("id" = i64, Path), ("page" = u32, Path)),
    security(("bearer" = [])),
    responses((status = 200, content_type = "image/png"), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)))]
#[get("/api/v1/documents/{id}/pages/{page}")]
pub async fn page(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    path: web::Path<(i64, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, page) = path.into_inner();
    let png = redactions::page_image(&state, &actor, id, page).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("cache-control", "private, no-store"))
        .body(png))
}

/// The case's redaction log, for staff.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RedactionLog {
    pub items: Vec<LoggedBox>,
}

/// Every box burned into a released copy of the case's documents: page, box, ground, who,
/// when, the source's and the copy's SHA-256.
#[utoipa::path(tag = "documents", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = RedactionLog), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/redactions")]
pub async fn log(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<RedactionLog>, ApiError> {
    Ok(web::Json(RedactionLog {
        items: redactions::log(&state, &actor, id.into_inner()).await?,
    }))
}
