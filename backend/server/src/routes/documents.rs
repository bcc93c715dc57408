//! Documents of a case: uploads (`multipart/form-data`, the file streamed to disk), the
//! case's list, and a document's content.

use actix_web::{HttpResponse, get, post, web};
use futures_util::TryStreamExt;
use yishen_app::Ctx;
use yishen_app::services::documents::{self, AddDocument, DocumentView};
use yishen_domain::document::Purpose;
use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;

/// The documents of a case, as a list.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentView>,
}

/// Reads an upload form (`file`, `purpose`) into the command, the file streamed to disk and
/// refused past its purpose's limit (or the largest limit while the purpose is unknown).
pub(crate) async fn upload_form(
    state: &Ctx,
    payload: actix_multipart::Multipart,
) -> Result<(AddDocument, crate::multipart::DiskForm), ApiError> {
    let limits = state.settings.upload_limits.clone();
    let mut form = crate::multipart::read_to_disk(
        payload,
        "file",
        &documents::upload_dir(state),
        move |texts| {
            texts
                .get("purpose")
                .and_then(|p| Purpose::parse(p.trim()))
                .map_or_else(|| limits.max(), |p| limits.get(p))
        },
    )
    .await?;
    let file = form.file.take();
    let cmd = AddDocument::new(form.text("purpose"), file)?;
    Ok((cmd, form))
}

/// Adds a document to the case: `multipart/form-data` with `file` and `purpose`
/// (`identity_proof`, `supporting`, `correction`, `paper_application`, `envelope`, `opinion`,
/// `provided`, `decision`). The type is decided by the content (PDF, JPEG, PNG, OFD, DOCX,
/// XLSX, TXT); images are re-encoded without their metadata; a PDF with JavaScript, launch
/// actions or embedded files is refused.
#[utoipa::path(tag = "documents", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`file`; `purpose`"),
    responses((status = 201, body = DocumentView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/cases/{id}/documents")]
pub async fn upload(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    // Who may add comes before what they sent.
    documents::may_add_to(&state, &actor, id).await?;
    let (cmd, _form) = upload_form(&state, payload).await?;
    let view = documents::add(&state, &actor, id, cmd).await?;
    Ok(HttpResponse::Created().json(view))
}

/// The documents of a case the caller may read (an applicant: what they sent and what was
/// sent to them).
#[utoipa::path(tag = "documents", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = DocumentList), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/documents")]
pub async fn for_case(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<DocumentList>, ApiError> {
    Ok(web::Json(DocumentList {
        items: documents::list(&state, &actor, id.into_inner()).await?,
    }))
}

/// A document's content, with its media type; every download is logged.
#[utoipa::path(tag = "documents", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/documents/{id}/content")]
pub async fn content(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    stream_document(&state, &actor, id.into_inner()).await
}

/// The document as a streamed answer (shared with the pages).
pub(crate) async fn stream_document(
    state: &Ctx,
    actor: &yishen_app::auth::Actor,
    id: i64,
) -> Result<HttpResponse, ApiError> {
    let (view, stream) = documents::content(state, actor, id).await?;
    let media = documents::media_type(&view);
    let inline = media == "application/pdf" || media.starts_with("image/");
    let body = actix_web::body::BodyStream::new(stream.map_err(|e| {
        tracing::error!(error = %e, "document content could not be read from the blob store");
        std::io::Error::other("blob store")
    }));
    let mut response = super::file_response(media, inline, &view.name, body);
    response.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-content-type-options"),
        actix_web::http::header::HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// The reply package: the issued reply and every document sent with it, with a manifest of
/// their SHA-256s (清单.txt), as one ZIP; each document's download is logged.
#[utoipa::path(tag = "documents", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/zip"), (status = 404, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/package")]
pub async fn package(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    package_response(&state, &actor, id.into_inner()).await
}

/// The package as an answer (shared with the pages).
pub(crate) async fn package_response(
    state: &Ctx,
    actor: &yishen_app::auth::Actor,
    id: CaseId,
) -> Result<HttpResponse, ApiError> {
    let p = yishen_app::services::package::reply_package(state, actor, id).await?;
    let mut response = super::file_response("application/zip", false, &p.file_name, p.bytes);
    response.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}
