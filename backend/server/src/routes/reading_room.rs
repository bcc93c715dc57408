//! The public reading room (依申请转主动): publishing a reply's released documents (staff),
//! editing and withdrawing an entry, and the public search, entry, documents and counts.

use actix_web::{HttpResponse, get, patch, post, web};
use futures_util::TryStreamExt;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiQuery, LaterJson};
use yishen_app::Ctx;
use yishen_app::services::reading_room::{
    self, Counts, EntryCommand, EntryList, EntryView, StaffEntry,
};
use yishen_store::CaseId;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingRoomEntryBody {
    /// The entry's title (4 to 100 characters, no personal data).
    #[schema(min_length = 4, max_length = 100)]
    title: String,
    /// What was released and why it is of public interest (10 to 2,000 characters).
    #[schema(min_length = 10, max_length = 2000)]
    description: String,
    /// A topic for the filter (2 to 20 characters).
    #[schema(min_length = 2, max_length = 20)]
    topic: String,
}

impl From<ReadingRoomEntryBody> for EntryCommand {
    fn from(b: ReadingRoomEntryBody) -> Self {
        Self {
            title: b.title,
            description: b.description,
            topic: b.topic,
        }
    }
}

/// Publishes the released documents of the case's reply in the reading room.
#[utoipa::path(tag = "reading-room", params(("id" = i64, Path)), request_body = ReadingRoomEntryBody,
    security(("bearer" = [])), responses((status = 201, body = StaffEntry)))]
#[post("/api/v1/cases/{id}/reading-room")]
pub async fn publish(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    body: LaterJson<ReadingRoomEntryBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    // Whether the caller sees the case at all comes before what the body says.
    reading_room::may_publish(&state, &actor, id).await?;
    let b = body.0?;
    let published = reading_room::publish(&state, &actor, id, b.into()).await?;
    Ok(HttpResponse::Created().json(published))
}

/// Edits a published entry's words.
#[utoipa::path(tag = "reading-room", params(("id" = i64, Path)), request_body = ReadingRoomEntryBody,
    security(("bearer" = [])), responses((status = 200, body = StaffEntry)))]
#[patch("/api/v1/reading-room/{id}")]
pub async fn edit(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: LaterJson<ReadingRoomEntryBody>,
) -> Result<web::Json<StaffEntry>, ApiError> {
    reading_room::may_change(&state, &actor, *id).await?;
    let b = body.0?;
    Ok(web::Json(
        reading_room::edit(&state, &actor, id.into_inner(), b.into()).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingRoomWithdrawBody {
    /// Why it is withdrawn (2 to 500 characters).
    #[schema(min_length = 2, max_length = 500)]
    reason: String,
}

/// Withdraws an entry from the reading room.
#[utoipa::path(tag = "reading-room", params(("id" = i64, Path)), request_body = ReadingRoomWithdrawBody,
    security(("bearer" = [])), responses((status = 204)))]
#[post("/api/v1/reading-room/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: LaterJson<ReadingRoomWithdrawBody>,
) -> Result<HttpResponse, ApiError> {
    reading_room::may_change(&state, &actor, *id).await?;
    let b = body.0?;
    reading_room::withdraw(&state, &actor, id.into_inner(), b.reason).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Search words.
    #[param(max_length = 200)]
    q: Option<String>,
    /// An agency's code: its entries and those of the agencies below it.
    agency: Option<String>,
    /// The year the application was received.
    #[param(minimum = 1990, maximum = 9999)]
    year: Option<i32>,
    /// A topic, as listed in `topics`.
    #[param(max_length = 20)]
    topic: Option<String>,
}

/// The public reading room: published replies and their released documents, no personal data.
#[utoipa::path(tag = "reading-room", params(SearchParams), responses((status = 200, body = EntryList)))]
#[get("/api/v1/reading-room")]
pub async fn search(
    state: web::Data<Ctx>,
    query: ApiQuery<SearchParams>,
) -> Result<web::Json<EntryList>, ApiError> {
    let p = query.0;
    Ok(web::Json(
        reading_room::search(
            &state,
            p.q,
            p.agency,
            p.year,
            p.topic,
            reading_room::PUBLIC_LIMIT,
        )
        .await?,
    ))
}

/// Entries per agency and year of publication (public).
#[utoipa::path(tag = "reading-room", responses((status = 200, body = Counts)))]
#[get("/api/v1/stats/reading-room")]
pub async fn counts(state: web::Data<Ctx>) -> Result<web::Json<Counts>, ApiError> {
    Ok(web::Json(reading_room::counts(&state).await?))
}

/// One entry in force.
#[utoipa::path(tag = "reading-room", params(("id" = i64, Path)), responses((status = 200, body = EntryView)))]
#[get("/api/v1/reading-room/{id}")]
pub async fn entry(
    state: web::Data<Ctx>,
    id: web::Path<i64>,
) -> Result<web::Json<EntryView>, ApiError> {
    Ok(web::Json(
        reading_room::entry(&state, id.into_inner()).await?,
    ))
}

/// A published document's content.
#[utoipa::path(tag = "reading-room", params(("id" = i64, Path), ("doc" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream")))]
#[get("/api/v1/reading-room/{id}/documents/{doc}")]
pub async fn document(
    state: web::Data<Ctx>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, doc) = path.into_inner();
    stream(&state, id, doc).await
}

/// A published document as a streamed answer (shared with the pages).
pub(crate) async fn stream(state: &Ctx, id: i64, doc: i64) -> Result<HttpResponse, ApiError> {
    let (view, stream) = reading_room::document_content(state, id, doc).await?;
    let inline = view.media_type == "application/pdf" || view.media_type.starts_with("image/");
    let body = actix_web::body::BodyStream::new(stream.map_err(|e| {
        tracing::error!(error = %e, "a published document could not be read from the blob store");
        std::io::Error::other("blob store")
    }));
    let mut response = super::file_response(&view.media_type, inline, &view.name, body);
    response.headers_mut().insert(
        actix_web::http::header::HeaderName::from_static("x-content-type-options"),
        actix_web::http::header::HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}
