//! The documents part of the case pages (staff and applicant): the list with download links,
//! the upload form with the purposes the role may add, and the handlers behind them.

use actix_web::web::Path;
use yishen_app::auth::Actor;
use yishen_app::services::documents::{self, DocumentView};
use yishen_app::services::redactions;
use yishen_domain::Role;
use yishen_domain::document::Purpose;
use yishen_store::CaseId;

use super::{Errs, PageCtx, PageResult, see_other};
use crate::error::ApiError;

/// A document as a row of the list.
#[derive(Debug, Clone)]
pub struct DocRow {
    pub id: i64,
    pub name: String,
    pub purpose_label: String,
    pub size: String,
    pub uploaded_at: String,
    /// The redaction screen, for staff on a provided PDF or picture that is not yet sent.
    pub redact: Option<String>,
    /// For staff: what the document is to a redaction (the original kept back, the copy that
    /// goes out, a copy a later one replaced), and where its boxes are reviewed.
    pub note: Option<&'static str>,
    pub review: Option<String>,
}

impl From<DocumentView> for DocRow {
    fn from(d: DocumentView) -> Self {
        Self {
            id: d.id,
            name: d.name,
            purpose_label: d.purpose_label,
            size: crate::error::human_size(usize::try_from(d.size).unwrap_or(usize::MAX)),
            redact: (Purpose::parse(&d.purpose)
                .zip(yishen_domain::document::MediaType::parse(&d.media_type))
                .is_some_and(|(p, m)| yishen_domain::redaction::may_be_redacted(p, m))
                && !d.sent_to_applicant)
                .then(|| format!("/work/documents/{}/redact", d.id)),
            uploaded_at: yishen_app::time::local(d.uploaded_at),
            note: None,
            review: None,
        }
    }
}

/// The case's documents the actor may read, as rows; for staff, each marked with its part in
/// a redaction.
pub async fn rows(ctx: &PageCtx, actor: &Actor, id: CaseId) -> Result<Vec<DocRow>, ApiError> {
    let docs = documents::list(&ctx.state, actor, id).await?;
    if actor.role == Role::Applicant {
        return Ok(docs
            .into_iter()
            .map(DocRow::from)
            .map(|mut r| {
                r.redact = None;
                r
            })
            .collect());
    }
    let log = redactions::log(&ctx.state, actor, id).await?;
    let in_force: Vec<i64> = redactions::in_force(&ctx.state, actor, id)
        .await?
        .iter()
        .map(|c| c.released_document_id)
        .collect();
    Ok(docs
        .into_iter()
        .map(DocRow::from)
        .map(|mut r| {
            if in_force.contains(&r.id) {
                r.note = Some("遮盖件，随答复送达");
                r.review = Some(format!("/work/documents/{}/redaction-review", r.id));
                r.redact = None;
            } else if log.iter().any(|b| b.source_document_id == r.id) {
                r.note = Some("原件，不送达");
            } else if log.iter().any(|b| b.released_document_id == r.id) {
                r.note = Some("已被新的遮盖件取代，不送达");
                r.redact = None;
            }
            r
        })
        .collect())
}

/// The purposes the role may add to a case in `status` now (the domain decides), with their
/// codes and size limits, for the form.
pub fn purposes(
    ctx: &PageCtx,
    role: Role,
    status: &str,
) -> Vec<(&'static str, &'static str, String)> {
    let limits = &ctx.state.settings.upload_limits;
    let Some(status) = yishen_domain::case::Status::parse(status) else {
        return Vec::new();
    };
    Purpose::for_role(role)
        .into_iter()
        .filter(|p| yishen_domain::document::may_add(role, *p, status).is_ok())
        .map(|p| {
            let limit = usize::try_from(limits.get(p)).unwrap_or(usize::MAX);
            (p.as_str(), p.label(), crate::error::human_size(limit))
        })
        .collect()
}

/// Reads the upload form, checks its CSRF token and adds the document.
async fn add(
    ctx: &PageCtx,
    actor: &Actor,
    id: CaseId,
    payload: actix_multipart::Multipart,
) -> Result<(), ApiError> {
    let (cmd, form) = crate::routes::documents::upload_form(&ctx.state, payload).await?;
    ctx.check_csrf(form.texts.get("csrf").map_or("", String::as_str))
        .map_err(|_| ApiError::Forbidden("页面已过期，请刷新后重新上传".into()))?;
    documents::add(&ctx.state, actor, id, cmd).await?;
    Ok(())
}

/// The form's errors under `documents.*`, for the page to show beside the fields; anything
/// that is not about the form is the error page.
fn form_errors(e: ApiError) -> Result<Errs, ApiError> {
    let mut errs = Errs::from_api(e)?;
    for issue in &mut errs.0 {
        issue.field = format!("documents.{}", issue.field);
    }
    Ok(errs)
}

/// Staff: uploads a document from the case page.
pub async fn staff_upload(
    ctx: PageCtx,
    id: Path<CaseId>,
    payload: actix_multipart::Multipart,
) -> PageResult {
    let id = id.into_inner();
    let actor = ctx.actor_in(&super::work::STAFF)?.clone();
    match add(&ctx, &actor, id, payload).await {
        Ok(()) => Ok(see_other(&format!("/work/cases/{id}#documents"))),
        Err(e) => super::work::case_page(&ctx, id, form_errors(e)?, None).await,
    }
}

/// The applicant: uploads a document from their case page.
pub async fn applicant_upload(
    ctx: PageCtx,
    id: Path<CaseId>,
    payload: actix_multipart::Multipart,
) -> PageResult {
    let id = id.into_inner();
    let actor = ctx.actor_in(&[Role::Applicant])?.clone();
    match add(&ctx, &actor, id, payload).await {
        Ok(()) => Ok(see_other(&format!("/my/cases/{id}#documents"))),
        Err(e) => super::applicant::my_case_page(&ctx, id, form_errors(e)?).await,
    }
}

/// A document's content, for anyone logged in who may read it.
pub async fn content(ctx: PageCtx, id: Path<i64>) -> PageResult {
    let actor = ctx.actor()?.clone();
    let mut res =
        crate::routes::documents::stream_document(&ctx.state, &actor, id.into_inner()).await?;
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// The reply package of a case, for anyone logged in who may read the case.
pub async fn package(ctx: PageCtx, id: Path<CaseId>) -> PageResult {
    let actor = ctx.actor()?.clone();
    Ok(crate::routes::documents::package_response(&ctx.state, &actor, id.into_inner()).await?)
}

/// A line of the printed cover list.
pub struct CoverRow {
    pub n: usize,
    pub name: String,
    pub size: String,
    pub sha256: String,
}

#[derive(askama::Template)]
#[template(path = "cover.html")]
struct CoverPage {
    l: super::Chrome,
    case: yishen_app::services::cases::views::CaseView,
    rows: Vec<CoverRow>,
}

/// Staff: the printable list of what a paper delivery hands over, with a line for the
/// receiver's signature.
pub async fn cover(ctx: PageCtx, id: Path<CaseId>) -> PageResult {
    let actor = ctx.actor_in(&super::work::STAFF)?.clone();
    let (case, items) =
        yishen_app::services::package::cover(&ctx.state, &actor, id.into_inner()).await?;
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(i, it)| CoverRow {
            n: i + 1,
            name: it.name,
            size: it.size.map_or_else(
                || "—".to_owned(),
                |b| crate::error::human_size(usize::try_from(b).unwrap_or(usize::MAX)),
            ),
            sha256: it.sha256,
        })
        .collect();
    ctx.page(&CoverPage {
        l: ctx.chrome(&format!("答复材料清单 {}", case.tracking_no)),
        case,
        rows,
    })
}
