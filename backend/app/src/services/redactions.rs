//! Redacting the information provided (条例37): the page images and suggested boxes the
//! handler works from, and the release of a redacted copy with its log.
//!
//! A release reads the source PDF, burns the boxes in and verifies the result (`redact`, on a
//! blocking thread, outside any transaction), stores the released content, then writes in one
//! transaction the released document (purpose `provided`, not yet sent: it goes to the
//! applicant with the reply), one log row per box and the `document_added` event, after
//! checking the case again. Who may redact, when, and on which grounds is the domain's
//! (`domain::redaction`).

use serde::Serialize;
use sha2::{Digest, Sha256};
use yishen_domain::document::{AddRefusal, Purpose};
use yishen_domain::redaction::{self, RedactionBox};
use yishen_store::models::case::CaseScope;
use yishen_store::models::document::{self as doc_store, Document, NewDocument};
use yishen_store::models::redaction::{self as log_store, RedactionRow};
use yishen_store::{CaseId, DbConn};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue, Fields};
use crate::policy;
use crate::redact::{self, RedactError};
use crate::services::cases::load;
use crate::services::documents::DocumentView;

/// One box as the request gives it, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct BoxInput {
    pub page: Option<i64>,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub width: Option<f64>,
    pub height: Option<f64>,
    pub ground: Option<String>,
}

/// A release: the boxes, and the numbers a person confirmed may stay.
#[derive(Debug, Clone)]
pub struct Release {
    pub boxes: Vec<RedactionBox>,
    pub confirmed: Vec<String>,
}

/// The most boxes one release may burn.
const MAX_BOXES: usize = 2_000;

impl Release {
    pub fn new(boxes: Vec<BoxInput>, confirmed: Vec<String>) -> Result<Self, AppError> {
        let mut fields = Fields::default();
        if boxes.is_empty() {
            fields.push(FieldIssue::new("boxes", "required", "请至少画出一个遮盖框"));
        }
        if boxes.len() > MAX_BOXES {
            fields.push(FieldIssue::new(
                "boxes",
                "too_many",
                format!("一次最多{MAX_BOXES}个遮盖框"),
            ));
        }
        let mut out = Vec::with_capacity(boxes.len());
        for (i, b) in boxes.into_iter().enumerate() {
            let missing = |f: &str| FieldIssue::new(format!("boxes[{i}].{f}"), "required", "必填");
            let (Some(page), Some(x), Some(y), Some(w), Some(h), Some(g)) =
                (b.page, b.x, b.y, b.width, b.height, b.ground.as_deref())
            else {
                for (f, present) in [
                    ("page", b.page.is_some()),
                    ("x", b.x.is_some()),
                    ("y", b.y.is_some()),
                    ("width", b.width.is_some()),
                    ("height", b.height.is_some()),
                    ("ground", b.ground.is_some()),
                ] {
                    if !present {
                        fields.push(missing(f));
                    }
                }
                continue;
            };
            match RedactionBox::new(page, x, y, w, h, g) {
                Ok(b) => out.push(b),
                Err(e) => fields.push(FieldIssue::new(
                    format!("boxes[{i}].{}", e.field()),
                    e.code(),
                    e.to_string(),
                )),
            }
        }
        fields.finish()?;
        Ok(Self {
            boxes: out,
            confirmed: confirmed
                .into_iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect(),
        })
    }
}

/// The source document, its case checked against the actor's scope and the domain's rules.
fn check_source(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &CaseScope,
    document_id: i64,
) -> Result<Document, AppError> {
    let doc = doc_store::find(conn, document_id)?.ok_or(AppError::NotFound("文件"))?;
    let (case, _, _) = yishen_store::models::case::find(conn, doc.case_id, scope)?
        .ok_or(AppError::NotFound("文件"))?;
    if actor.role == yishen_domain::Role::Applicant {
        return Err(AppError::NotFound("文件"));
    }
    policy::act_on_case(actor, case.agency_id)?;
    redaction::may_redact(actor.role, case.status).map_err(|r| match r {
        AddRefusal::NotForRole { .. } => AppError::Forbidden("只有承办人可以遮盖提供的信息".into()),
        AddRefusal::NotNow { .. } => AppError::Conflict {
            code: "redaction_not_now",
            detail: r.to_string(),
        },
        AddRefusal::UnderReview { .. } => AppError::Conflict {
            code: r.code(),
            detail: r.to_string(),
        },
    })?;
    if !redaction::may_be_redacted(doc.purpose, doc.media_type) {
        return Err(AppError::Conflict {
            code: "not_redactable",
            detail: format!(
                "只有 PDF 文件或 JPG、PNG 图片形式的“{}”可以遮盖后提供（其他格式请先转为 PDF 后上传），这份文件是{}的“{}”",
                Purpose::Provided.label(),
                doc.media_type.label(),
                doc.purpose.label()
            ),
        });
    }
    Ok(doc)
}

/// How a stored document is redacted; one that cannot be was refused before.
fn kind_of(doc: &Document) -> Result<redact::Source, AppError> {
    redact::Source::of(doc.media_type).ok_or(AppError::NotFound("页面"))
}

fn redact_error(e: RedactError) -> AppError {
    match e {
        RedactError::Survived(_) => AppError::field("boxes", "redaction_survived", e.to_string()),
        RedactError::NoSuchPage(_) => AppError::field("boxes", "invalid_page", e.to_string()),
        RedactError::Unreadable => AppError::Conflict {
            code: "not_redactable",
            detail: e.to_string(),
        },
        RedactError::Build(m) => AppError::Internal(anyhow::anyhow!("redaction: {m}")),
    }
}

/// The source document and its content, for the actor.
/// Whether the actor may release a redacted copy of the document, asked before the boxes
/// are read (404 or 403 whatever the body says).
pub async fn may_release(ctx: &Ctx, actor: &Actor, document_id: i64) -> Result<(), AppError> {
    let scope = policy::case_scope(actor)?;
    let who = actor.clone();
    ctx.read(move |conn| check_source(conn, &who, &scope, document_id).map(|_| ()))
        .await
}

async fn source(
    ctx: &Ctx,
    actor: &Actor,
    document_id: i64,
) -> Result<(Document, bytes::Bytes), AppError> {
    let scope = policy::case_scope(actor)?;
    let who = actor.clone();
    let doc = ctx
        .read(move |conn| check_source(conn, &who, &scope, document_id))
        .await?;
    let bytes = ctx.blobs.read(&doc.sha256).await?;
    Ok((doc, bytes))
}

/// A page's size as the redaction screen draws it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageSize {
    pub page: u32,
    /// Points.
    pub width: f64,
    pub height: f64,
}

/// A suggested box, in points from the page's top-left.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedBox {
    pub page: u32,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// `resident_id`, `mobile`, `party_name`, or `match` for an occurrence of the text asked.
    pub kind: String,
    pub kind_label: String,
    /// The ground proposed (个人隐私, 条例15).
    pub ground: String,
}

/// The pages of a document and the boxes proposed over what looks like personal data.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestions {
    pub case_id: CaseId,
    /// The document's name.
    pub name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`: a picture has no text layer, so nothing
    /// is suggested on it.
    pub media_type: String,
    pub pages: Vec<PageSize>,
    pub items: Vec<SuggestedBox>,
}

/// Page sizes in points, numbered from 1.
fn numbered(sizes: Vec<(f64, f64)>) -> Vec<PageSize> {
    sizes
        .into_iter()
        .enumerate()
        .map(|(i, (width, height))| PageSize {
            page: i as u32 + 1,
            width,
            height,
        })
        .collect()
}

fn suggested(page: u32, r: kurbo::Rect, kind: &str, label: &str) -> SuggestedBox {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    SuggestedBox {
        page,
        x: round(r.x0.max(0.0)),
        y: round(r.y0.max(0.0)),
        width: round(r.width()),
        height: round(r.height()),
        kind: kind.to_owned(),
        kind_label: label.to_owned(),
        ground: redaction::PERSONAL_DATA_GROUND.as_str().to_owned(),
    }
}

/// Pages and suggested boxes of document `document_id`: every resident ID and mobile number
/// and the case's applicant's name (a natural person), and, with `every`, each occurrence of
/// that text.
pub async fn suggestions(
    ctx: &Ctx,
    actor: &Actor,
    document_id: i64,
    every: Option<String>,
) -> Result<Suggestions, AppError> {
    let (doc, bytes) = source(ctx, actor, document_id).await?;
    let kind = kind_of(&doc)?;
    let (case_id, doc_name, media_type) = (
        doc.case_id,
        doc.name.clone(),
        doc.media_type.as_str().to_owned(),
    );
    let scope = policy::case_scope(actor)?;
    let names = ctx
        .read(move |conn| {
            let (case, _, _) = yishen_store::models::case::find(conn, doc.case_id, &scope)?
                .ok_or(AppError::NotFound("文件"))?;
            Ok(
                if case.applicant_category == yishen_domain::case::ApplicantCategory::NaturalPerson
                {
                    vec![case.applicant_name]
                } else {
                    Vec::new()
                },
            )
        })
        .await?;
    tokio::task::spawn_blocking(move || {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let pages = numbered(kind.page_sizes(&bytes)?);
        let mut items: Vec<SuggestedBox> = kind
            .suggest(&bytes, &names)?
            .into_iter()
            .map(|s| suggested(s.page, s.bbox, s.kind.as_str(), s.kind.label()))
            .collect();
        if let Some(text) = every.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            items.extend(
                kind.occurrences(&bytes, text)?
                    .into_iter()
                    .map(|(p, r)| suggested(p, r, "match", "查找的文字")),
            );
        }
        Ok::<_, RedactError>(Suggestions {
            case_id,
            name: doc_name,
            media_type,
            pages,
            items,
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(redact_error)
}

/// A PDF of a case in the actor's scope that staff may look at page by page: the redaction
/// screen's source, and the source a legal adviser or approver reviews the boxes over.
fn viewable_pdf(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &CaseScope,
    document_id: i64,
) -> Result<Document, AppError> {
    if actor.role == yishen_domain::Role::Applicant {
        return Err(AppError::NotFound("文件"));
    }
    let doc = doc_store::find(conn, document_id)?.ok_or(AppError::NotFound("文件"))?;
    yishen_store::models::case::find(conn, doc.case_id, scope)?
        .ok_or(AppError::NotFound("文件"))?;
    kind_of(&doc)?;
    Ok(doc)
}

/// Page `page` of a PDF of the case as a PNG, for the redaction screen and its review.
pub async fn page_image(
    ctx: &Ctx,
    actor: &Actor,
    document_id: i64,
    page: u32,
) -> Result<Vec<u8>, AppError> {
    let scope = policy::case_scope(actor)?;
    let who = actor.clone();
    let doc = ctx
        .read(move |conn| viewable_pdf(conn, &who, &scope, document_id))
        .await?;
    let bytes = ctx.blobs.read(&doc.sha256).await?;
    let kind = kind_of(&doc)?;
    tokio::task::spawn_blocking(move || kind.page_png(&bytes, page, redact::PREVIEW_DPI))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| match e {
            RedactError::NoSuchPage(_) => AppError::NotFound("页面"),
            e => redact_error(e),
        })
}

/// Releases a redacted copy of document `document_id`.
pub async fn release(
    ctx: &Ctx,
    actor: &Actor,
    document_id: i64,
    cmd: Release,
) -> Result<DocumentView, AppError> {
    let (source_doc, bytes) = source(ctx, actor, document_id).await?;
    let kind = kind_of(&source_doc)?;
    let media = source_doc.media_type;
    let boxes = cmd.boxes.clone();
    let released =
        tokio::task::spawn_blocking(move || kind.release(&bytes, &cmd.boxes, &cmd.confirmed))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(redact_error)?;
    let sha = hex::encode(Sha256::digest(&released.bytes));
    let size = released.bytes.len() as i64;
    ctx.blobs.put_bytes(&sha, released.bytes).await?;
    let scope = policy::case_scope(actor)?;
    let actor = actor.clone();
    let today = ctx.today();
    let case_id: CaseId = source_doc.case_id;
    ctx.write(move |conn| {
        let src = check_source(conn, &actor, &scope, document_id)?;
        let loaded = load(conn, &scope, case_id, today)?;
        let stem = src
            .name
            .rsplit_once('.')
            .map_or(src.name.as_str(), |(s, _)| s);
        let name = format!("{stem}（遮盖后）.{}", media.extension());
        let now = yishen_store::now();
        let doc = doc_store::insert(
            conn,
            &NewDocument {
                case_id,
                purpose: Purpose::Provided.as_str(),
                name: &name,
                media_type: media.as_str(),
                size,
                sha256: &sha,
                uploaded_by: actor.id,
                uploaded_at: now,
                sent_to_applicant: false,
            },
        )?;
        let cp = |v: f64| (v * 100.0).round() as i64;
        let rows: Vec<RedactionRow> = boxes
            .iter()
            .enumerate()
            .map(|(i, b)| RedactionRow {
                case_id,
                source_document_id: src.id,
                released_document_id: doc.id,
                box_no: i as i32 + 1,
                page: b.page as i32,
                x_centipoints: cp(b.x),
                y_centipoints: cp(b.y),
                width_centipoints: cp(b.width).max(1),
                height_centipoints: cp(b.height).max(1),
                ground: b.ground.as_str().to_owned(),
                source_sha256: src.sha256.clone(),
                released_sha256: sha.clone(),
                created_by: actor.id,
                created_at: now,
            })
            .collect();
        log_store::insert(conn, &rows)?;
        crate::services::documents::record_added(conn, &loaded, &doc, actor.id, today)?;
        tracing::info!(
            case_id = case_id.get(),
            source = src.id,
            released = doc.id,
            boxes = rows.len(),
            "redacted copy released"
        );
        Ok(DocumentView::from(doc))
    })
    .await
}

/// One box of the redaction log, as staff see it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggedBox {
    pub released_document_id: i64,
    pub source_document_id: i64,
    pub box_no: i32,
    pub page: i32,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub ground: String,
    pub ground_label: String,
    pub source_sha256: String,
    pub released_sha256: String,
    pub created_by: i64,
    pub created_at: chrono::NaiveDateTime,
}

/// The case's redaction log (staff only).
pub async fn log(ctx: &Ctx, actor: &Actor, case_id: CaseId) -> Result<Vec<LoggedBox>, AppError> {
    if actor.role == yishen_domain::Role::Applicant {
        return Err(AppError::NotFound("案件"));
    }
    let scope = policy::case_scope(actor)?;
    ctx.read(move |conn| {
        yishen_store::models::case::find(conn, case_id, &scope)?
            .ok_or(AppError::NotFound("案件"))?;
        Ok(log_store::for_case(conn, case_id)?
            .into_iter()
            .map(|r| LoggedBox {
                released_document_id: r.released_document_id,
                source_document_id: r.source_document_id,
                box_no: r.box_no,
                page: r.page,
                x: r.x_centipoints as f64 / 100.0,
                y: r.y_centipoints as f64 / 100.0,
                width: r.width_centipoints as f64 / 100.0,
                height: r.height_centipoints as f64 / 100.0,
                ground_label: yishen_domain::Disposition::parse(&r.ground)
                    .map(|d| d.label().to_owned())
                    .unwrap_or_default(),
                ground: r.ground,
                source_sha256: r.source_sha256,
                released_sha256: r.released_sha256,
                created_by: r.created_by.get(),
                created_at: r.created_at,
            })
            .collect())
    })
    .await
}

/// One box of a released copy, for the review over its source page.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewBox {
    pub box_no: i32,
    pub page: u32,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub ground: String,
    pub ground_label: String,
}

/// A released copy in force (the one that goes out with the reply) with the boxes drawn over
/// its source: what the legal adviser reviews with the reply before it is issued.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleasedCopy {
    pub case_id: CaseId,
    pub released_document_id: i64,
    pub released_name: String,
    pub released_sha256: String,
    pub source_document_id: i64,
    pub source_name: String,
    pub source_sha256: String,
    /// The source's pages (points), for drawing the boxes over them.
    pub pages: Vec<PageSize>,
    /// Who drew the boxes and when.
    pub by: String,
    pub at: chrono::NaiveDateTime,
    /// Whether it went out with the issued reply.
    pub sent: bool,
    pub boxes: Vec<ReviewBox>,
}

/// The released copies in force of a case, each with its boxes (staff).
pub async fn in_force(
    ctx: &Ctx,
    actor: &Actor,
    case_id: CaseId,
) -> Result<Vec<ReleasedCopy>, AppError> {
    if actor.role == yishen_domain::Role::Applicant {
        return Err(AppError::NotFound("案件"));
    }
    let scope = policy::case_scope(actor)?;
    ctx.read(move |conn| {
        yishen_store::models::case::find(conn, case_id, &scope)?
            .ok_or(AppError::NotFound("案件"))?;
        let rows = log_store::in_force(conn, case_id)?;
        let mut out: Vec<ReleasedCopy> = Vec::new();
        for r in rows {
            if out
                .last()
                .is_none_or(|c| c.released_document_id != r.released_document_id)
            {
                let name = |conn: &mut DbConn, id: i64| -> Result<(String, bool), AppError> {
                    Ok(doc_store::find(conn, id)?
                        .map(|d| (d.name, d.sent_to_applicant))
                        .unwrap_or_else(|| ("（已按保存期限清除）".to_owned(), false)))
                };
                let (released_name, sent) = name(conn, r.released_document_id)?;
                let (source_name, _) = name(conn, r.source_document_id)?;
                let by = yishen_store::models::user::find(conn, r.created_by)?
                    .map(|(u, _)| u.display_name)
                    .unwrap_or_default();
                out.push(ReleasedCopy {
                    case_id,
                    released_document_id: r.released_document_id,
                    released_name,
                    released_sha256: r.released_sha256.clone(),
                    source_document_id: r.source_document_id,
                    source_name,
                    source_sha256: r.source_sha256.clone(),
                    pages: Vec::new(),
                    by,
                    at: r.created_at,
                    sent,
                    boxes: Vec::new(),
                });
            }
            if let Some(copy) = out.last_mut() {
                copy.boxes.push(ReviewBox {
                    box_no: r.box_no,
                    page: u32::try_from(r.page).unwrap_or(1),
                    x: r.x_centipoints as f64 / 100.0,
                    y: r.y_centipoints as f64 / 100.0,
                    width: r.width_centipoints as f64 / 100.0,
                    height: r.height_centipoints as f64 / 100.0,
                    ground_label: yishen_domain::Disposition::parse(&r.ground)
                        .map(|d| d.label().to_owned())
                        .unwrap_or_default(),
                    ground: r.ground,
                });
            }
        }
        Ok(out)
    })
    .await
}

/// One released copy in force with its source's page sizes, for the review screen; the
/// opening is logged as a read of the source (it carries the personal data under the boxes).
pub async fn review(
    ctx: &Ctx,
    actor: &Actor,
    released_document_id: i64,
) -> Result<ReleasedCopy, AppError> {
    let scope = policy::case_scope(actor)?;
    let who = actor.clone();
    let case_id = ctx
        .read(move |conn| {
            let doc =
                doc_store::find(conn, released_document_id)?.ok_or(AppError::NotFound("文件"))?;
            yishen_store::models::case::find(conn, doc.case_id, &scope)?
                .ok_or(AppError::NotFound("文件"))?;
            Ok(doc.case_id)
        })
        .await?;
    let mut copy = in_force(ctx, &who, case_id)
        .await?
        .into_iter()
        .find(|c| c.released_document_id == released_document_id)
        .ok_or(AppError::NotFound("遮盖记录"))?;
    let scope = policy::case_scope(actor)?;
    let source_id = copy.source_document_id;
    let doc = ctx
        .write(move |conn| {
            let doc = viewable_pdf(conn, &who, &scope, source_id)?;
            doc_store::log_download(conn, doc.id, who.id, yishen_store::now())?;
            Ok(doc)
        })
        .await?;
    let bytes = ctx.blobs.read(&doc.sha256).await?;
    let kind = kind_of(&doc)?;
    copy.pages = numbered(
        tokio::task::spawn_blocking(move || kind.page_sizes(&bytes))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(redact_error)?,
    );
    Ok(copy)
}
