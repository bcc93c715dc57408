//! Documents of a case: adding one (an upload already streamed to a temporary file by the
//! edge), listing a case's documents and reading one.
//!
//! An upload is checked in this order, and nothing is kept unless every check passes: the
//! case is the actor's to see and to add this purpose to (`domain::document::may_add`), the
//! size is within the purpose's limit (413), the content is a type we accept and carries
//! nothing harmful (`inspect`), the virus scanner (when one is configured) says clean. Then
//! the content goes to the blob store (slow, outside any transaction; content already there
//! is not written again) and the row and its `document_added` event are written in one
//! transaction, which checks the case again. A content stored for an upload that then fails
//! its transaction is left for `yishen documents purge`, which removes contents no row names.
//!
//! Reading follows the case's policy: staff of the case's agency and the bodies above it see
//! every document; the applicant only what they sent and what was sent to them
//! (`domain::document::applicant_may_read`). Every download is logged (who, when): documents
//! carry personal data.

use std::path::PathBuf;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use serde::Serialize;
use sha2::{Digest, Sha256};
use yishen_domain::Role;
use yishen_domain::case::CaseEvent;
use yishen_domain::document::{self, MediaType, Purpose};
use yishen_store::models::case::CaseScope;
use yishen_store::models::document::{self as store, Document, NewDocument};
use yishen_store::{CaseId, DbConn};

use crate::auth::Actor;
use crate::blobs::BlobError;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::inspect;
use crate::policy;
use crate::services::cases::{Step, finish, load};

/// A document as the API shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    pub id: i64,
    pub case_id: CaseId,
    /// The name it is kept under (cleaned; its extension follows the content's type).
    pub name: String,
    /// The type found in the content.
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    /// `identity_proof`, `supporting`, `correction`, `paper_application`, `envelope`,
    /// `opinion`, `provided` or `decision`.
    pub purpose: String,
    /// The purpose in Chinese.
    pub purpose_label: String,
    pub uploaded_at: chrono::NaiveDateTime,
    /// Whether it was sent to the applicant.
    pub sent_to_applicant: bool,
}

impl From<Document> for DocumentView {
    fn from(d: Document) -> Self {
        Self {
            id: d.id,
            case_id: d.case_id,
            name: d.name,
            media_type: d.media_type.as_str().to_owned(),
            size: d.size,
            sha256: d.sha256,
            purpose: d.purpose.as_str().to_owned(),
            purpose_label: d.purpose.label().to_owned(),
            uploaded_at: d.uploaded_at,
            sent_to_applicant: d.sent_to_applicant,
        }
    }
}

/// An uploaded file as the edge received it: streamed to a temporary file, counted and hashed
/// on the way. The file is removed when this is dropped.
#[derive(Debug)]
pub struct Received {
    pub path: tempfile::TempPath,
    pub size: u64,
    pub sha256: String,
    /// The name the client gave, as sent.
    pub name: Option<String>,
}

/// A new document: a purpose and a received file.
#[derive(Debug)]
pub struct AddDocument {
    pub purpose: Purpose,
    pub file: Received,
}

impl AddDocument {
    /// Checks what the form gave: the purpose's code and a file.
    pub fn new(purpose: Option<&str>, file: Option<Received>) -> Result<Self, AppError> {
        let mut fields = crate::error::Fields::default();
        let purpose = match purpose.map(str::trim).filter(|p| !p.is_empty()) {
            None => {
                fields.push(crate::error::FieldIssue::new(
                    "purpose",
                    "required",
                    format!("请选择材料用途，可选：{}", Purpose::codes()),
                ));
                None
            }
            Some(p) => {
                let found = Purpose::parse(p);
                if found.is_none() {
                    fields.push(crate::error::FieldIssue::new(
                        "purpose",
                        "invalid_value",
                        format!("未知的材料用途，可选：{}", Purpose::codes()),
                    ));
                }
                found
            }
        };
        if file.is_none() {
            fields.push(crate::error::FieldIssue::new(
                "file",
                "required",
                "请选择要上传的文件",
            ));
        }
        fields.finish()?;
        match (purpose, file) {
            (Some(purpose), Some(file)) => Ok(Self { purpose, file }),
            _ => Err(AppError::field("file", "required", "请选择要上传的文件")),
        }
    }
}

/// The case within the actor's scope, and whether the actor may add `purpose` to it now.
/// Whether the actor may add documents to the case at all, asked before the upload is read:
/// a case they cannot see is 404, a role that adds no kind of document is 403, whatever the
/// form holds. What the purpose allows is checked again with the form ([`add`]).
pub async fn may_add_to(ctx: &Ctx, actor: &Actor, id: CaseId) -> Result<(), AppError> {
    let scope = policy::case_scope(actor)?;
    let actor = actor.clone();
    ctx.read(move |conn| {
        let (case, _, _) = yishen_store::models::case::find(conn, id, &scope)?
            .ok_or(AppError::NotFound("案件"))?;
        if actor.role != Role::ReconsiderationBody {
            policy::act_on_case(&actor, case.agency_id)?;
        }
        if Purpose::ALL
            .iter()
            .any(|p| p.added_by().contains(&actor.role))
        {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "{}不能为案件添加材料",
                actor.role.label()
            )))
        }
    })
    .await
}

fn check_add(
    conn: &mut DbConn,
    actor: &Actor,
    scope: &CaseScope,
    id: CaseId,
    purpose: Purpose,
) -> Result<(), AppError> {
    let (case, _, _) =
        yishen_store::models::case::find(conn, id, scope)?.ok_or(AppError::NotFound("案件"))?;
    // A reconsideration body files decisions on the cases of the agencies it supervises,
    // which its scope already limits; everyone else acts on their own agency's cases.
    if actor.role != Role::ReconsiderationBody {
        policy::act_on_case(actor, case.agency_id)?;
    }
    document::may_add(actor.role, purpose, case.status).map_err(|r| match r {
        document::AddRefusal::NotForRole { .. } => AppError::Forbidden(r.to_string()),
        document::AddRefusal::NotNow { .. } | document::AddRefusal::UnderReview { .. } => {
            AppError::Conflict {
                code: r.code(),
                detail: r.to_string(),
            }
        }
    })
}

fn rejected(e: &inspect::Rejection) -> AppError {
    AppError::field("file", "file_rejected", e.to_string())
}

/// Runs the configured virus scanner on the file: `Ok(())` when clean.
async fn scan(ctx: &Ctx, path: &std::path::Path, sha256: &str) -> Result<(), AppError> {
    let Some(command) = ctx.settings.virus_scan_command.as_deref() else {
        return Ok(());
    };
    let mut parts = command.split_whitespace();
    let Some(program) = parts.next() else {
        return Ok(());
    };
    let status = tokio::process::Command::new(program)
        .args(parts)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .await
        .map_err(|e| {
            tracing::error!(sha256, error = %e, "virus scanner could not be started");
            AppError::Unavailable
        })?;
    match status.code() {
        Some(0) => {
            tracing::info!(sha256, verdict = "clean", "virus scan");
            Ok(())
        }
        Some(1) => {
            tracing::warn!(sha256, verdict = "infected", "virus scan");
            Err(AppError::field(
                "file",
                "virus_found",
                "文件未通过病毒检查，不予接收",
            ))
        }
        other => {
            tracing::error!(sha256, code = ?other, verdict = "error", "virus scan");
            Err(AppError::Unavailable)
        }
    }
}

/// Adds a document to case `id`.
pub async fn add(
    ctx: &Ctx,
    actor: &Actor,
    id: CaseId,
    cmd: AddDocument,
) -> Result<DocumentView, AppError> {
    let scope = policy::case_scope(actor)?;
    let purpose = cmd.purpose;
    {
        let (actor, scope) = (actor.clone(), scope.clone());
        ctx.read(move |conn| check_add(conn, &actor, &scope, id, purpose))
            .await?;
    }
    let limit = ctx.settings.upload_limits.get(purpose);
    if cmd.file.size > limit {
        return Err(AppError::UploadTooLarge {
            field: "file".into(),
            limit,
        });
    }
    let Received {
        path,
        size,
        sha256,
        name,
    } = cmd.file;
    let (path, inspected) = tokio::task::spawn_blocking(move || {
        let r = inspect::inspect(&path);
        (path, r)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let inspected = inspected.map_err(|e| rejected(&e))?;
    scan(ctx, &path, &sha256).await?;
    let (sha256, size) = match inspected.rewritten {
        Some(bytes) => {
            let sha = hex::encode(Sha256::digest(&bytes));
            let len = bytes.len() as u64;
            ctx.blobs.put_bytes(&sha, bytes).await?;
            (sha, len)
        }
        None => {
            ctx.blobs.put_file(&sha256, &path).await?;
            (sha256, size)
        }
    };
    drop(path);
    let media = inspected.media;
    let name = document::clean_name(name.as_deref(), purpose, media);
    let actor = actor.clone();
    let today = ctx.today();
    ctx.write(move |conn| {
        check_add(conn, &actor, &scope, id, purpose)?;
        let loaded = load(conn, &scope, id, today)?;
        let doc = store::insert(
            conn,
            &NewDocument {
                case_id: id,
                purpose: purpose.as_str(),
                name: &name,
                media_type: media.as_str(),
                size: i64::try_from(size).unwrap_or(i64::MAX),
                sha256: &sha256,
                uploaded_by: actor.id,
                uploaded_at: yishen_store::now(),
                sent_to_applicant: false,
            },
        )?;
        record_added(conn, &loaded, &doc, actor.id, today)?;
        Ok(DocumentView::from(doc))
    })
    .await
}

/// Records a document just inserted on its case: the `document_added` event in the chain,
/// dated today or the case's last event's date if later. In the caller's transaction.
pub(crate) fn record_added(
    conn: &mut DbConn,
    loaded: &crate::services::cases::Loaded,
    doc: &Document,
    actor: yishen_store::UserId,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    let on = today.max(loaded.last_on().unwrap_or(today));
    let step = Step {
        events: vec![(
            on,
            CaseEvent::DocumentAdded {
                document_id: doc.id,
                purpose: doc.purpose,
                name: doc.name.clone(),
                sha256: doc.sha256.clone(),
            },
        )],
        changes: Default::default(),
    };
    finish(conn, loaded, step, loaded.case.status, Some(actor))?;
    Ok(())
}

/// Whether the actor may read the document, given the case is in its scope.
fn readable(actor: &Actor, d: &Document) -> bool {
    actor.role != Role::Applicant || document::applicant_may_read(d.purpose, d.sent_to_applicant)
}

/// The case's documents the actor may read, oldest first.
pub async fn list(ctx: &Ctx, actor: &Actor, id: CaseId) -> Result<Vec<DocumentView>, AppError> {
    let scope = policy::case_scope(actor)?;
    let actor = actor.clone();
    ctx.read(move |conn| {
        yishen_store::models::case::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
        Ok(store::for_case(conn, id)?
            .into_iter()
            .filter(|d| readable(&actor, d))
            .map(DocumentView::from)
            .collect())
    })
    .await
}

/// A document and its content as a stream; the download is logged first.
pub async fn content(
    ctx: &Ctx,
    actor: &Actor,
    document_id: i64,
) -> Result<(DocumentView, BoxStream<'static, Result<Bytes, BlobError>>), AppError> {
    let scope = policy::case_scope(actor)?;
    let who = actor.clone();
    let doc = ctx
        .write(move |conn| {
            let doc = store::find(conn, document_id)?.ok_or(AppError::NotFound("文件"))?;
            yishen_store::models::case::find(conn, doc.case_id, &scope)?
                .ok_or(AppError::NotFound("文件"))?;
            if !readable(&who, &doc) {
                return Err(AppError::NotFound("文件"));
            }
            store::log_download(conn, doc.id, who.id, yishen_store::now())?;
            Ok(doc)
        })
        .await?;
    let stream = ctx.blobs.stream(&doc.sha256).await?;
    Ok((DocumentView::from(doc), stream))
}

/// The media type of a view's content (for the response header).
pub fn media_type(view: &DocumentView) -> &'static str {
    MediaType::parse(&view.media_type).map_or("application/octet-stream", MediaType::as_str)
}

/// Where the edge streams an upload: a temporary file in the data dir (the same disk as a
/// folder blob store, so large files are not copied across devices).
pub fn upload_dir(ctx: &Ctx) -> PathBuf {
    ctx.settings.data_dir.join("uploads")
}

/// A document whose retention period has ended.
#[derive(Debug, Clone, Serialize)]
pub struct DueDocument {
    pub id: i64,
    pub tracking_no: String,
    pub purpose_label: &'static str,
    pub ends_on: chrono::NaiveDate,
}

/// What a purge found and did.
#[derive(Debug, Default)]
pub struct PurgeReport {
    /// Documents whose retention period ended (marked purged unless a dry run).
    pub due: Vec<DueDocument>,
    /// Stored contents no record needs any more (removed unless a dry run).
    pub unneeded: Vec<String>,
}

/// Contents written more recently than this are never removed by the purge: an upload
/// stores its content before its row is written.
pub const PURGE_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

/// The time before which a content may be removed: now, less [`PURGE_GRACE`].
pub fn grace_cutoff() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
        - chrono::Duration::from_std(PURGE_GRACE).unwrap_or_else(|_| chrono::Duration::hours(1))
}

/// Finds the documents whose retention period (the agency's setting per purpose, counted
/// from the case's conclusion) has ended and the stored contents no record needs; unless
/// `dry_run`, marks the documents purged (their rows and events stay as the record that they
/// existed) and removes the contents, each removal logged. Only contents written before
/// `written_before` are considered ([`grace_cutoff`] outside tests).
pub async fn purge(
    ctx: &Ctx,
    dry_run: bool,
    written_before: chrono::DateTime<chrono::Utc>,
) -> Result<PurgeReport, AppError> {
    use yishen_domain::case::rules::AgencySettings;
    let today = ctx.today();
    let due = ctx
        .read(move |conn| {
            let agencies = yishen_store::models::agency::list(conn)?;
            let retention: std::collections::HashMap<_, _> = agencies
                .into_iter()
                .map(|a| {
                    (
                        a.id,
                        AgencySettings::from_settings(&a.settings).document_retention,
                    )
                })
                .collect();
            Ok(store::of_concluded_cases(conn)?
                .into_iter()
                .filter_map(|d| {
                    let r = retention.get(&d.agency_id)?;
                    let ends_on = r.ends_on(d.purpose, Some(d.concluded_on))?;
                    (ends_on <= today).then(|| {
                        (
                            DueDocument {
                                id: d.id,
                                tracking_no: d.tracking_no,
                                purpose_label: d.purpose.label(),
                                ends_on,
                            },
                            d.sha256,
                        )
                    })
                })
                .collect::<Vec<_>>())
        })
        .await?;
    if !dry_run && !due.is_empty() {
        let ids: Vec<i64> = due.iter().map(|(d, _)| d.id).collect();
        let at = yishen_store::now();
        ctx.write(move |conn| Ok(store::mark_purged(conn, &ids, at)?))
            .await?;
        for (d, sha) in &due {
            tracing::info!(document_id = d.id, sha256 = %sha, "document purged: retention period ended");
        }
    }
    // Every stored content, checked against the records: the purged documents' contents, and
    // any left by an upload that failed after storing it.
    let stored = ctx.blobs.list_older_than(written_before).await?;
    // In a dry run the due documents still name their contents: leave them out, to count
    // what a real run would free.
    let except: Vec<i64> = if dry_run {
        due.iter().map(|(d, _)| d.id).collect()
    } else {
        Vec::new()
    };
    let unneeded = ctx
        .read(move |conn| {
            let mut out = Vec::new();
            for sha in stored {
                if !store::content_in_use(conn, &sha, &except)? {
                    out.push(sha);
                }
            }
            Ok(out)
        })
        .await?;
    if !dry_run {
        for sha in &unneeded {
            ctx.blobs.delete(sha).await?;
            tracing::info!(sha256 = %sha, "stored content removed: no record needs it");
        }
    }
    Ok(PurgeReport {
        due: due.into_iter().map(|(d, _)| d).collect(),
        unneeded,
    })
}
