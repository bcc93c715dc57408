//! The reply package: what was sent to the applicant with the reply, as one ZIP — each issued
//! reply letter (not voided), each document sent with it, and a manifest (清单.txt) naming every
//! file with its size and SHA-256, so that the receiver can check what they hold.
//!
//! Each part is read through the same services as a single download, so the same policy
//! decides (the applicant only what is addressed or was sent to them) and every document's
//! download is logged. The ZIP is built in memory: a reply's material is a few files.

use std::io::Write;

use sha2::{Digest, Sha256};
use yishen_store::CaseId;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::{documents, letters};

/// The ZIP's file name and bytes.
pub struct Package {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A name safe inside a ZIP on every system: no path separators or control characters.
fn entry_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The reply package of case `id`, for the actor.
pub async fn reply_package(ctx: &Ctx, actor: &Actor, id: CaseId) -> Result<Package, AppError> {
    let replies: Vec<letters::LetterView> = letters::for_case(ctx, actor, id)
        .await?
        .into_iter()
        .filter(letters::LetterView::is_standing_reply)
        .collect();
    if replies.is_empty() {
        return Err(AppError::Conflict {
            code: "reply_not_issued",
            detail: "答复书尚未出具，暂无答复材料可下载".into(),
        });
    }
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for l in &replies {
        let (number, bytes) = letters::pdf(ctx, actor, l.id).await?;
        files.push((
            entry_name(&format!("{}（{number}）.pdf", l.kind_label)),
            bytes,
        ));
    }
    for d in documents::list(ctx, actor, id)
        .await?
        .into_iter()
        .filter(|d| d.sent_to_applicant)
    {
        let (view, stream) = documents::content(ctx, actor, d.id).await?;
        let mut bytes = Vec::new();
        let mut stream = stream;
        use futures_util::StreamExt;
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        files.push((entry_name(&view.name), bytes));
    }
    // Two parts of one name keep both, the later one numbered.
    let mut seen = std::collections::HashSet::new();
    for (name, _) in &mut files {
        let mut n = 2;
        let original = name.clone();
        while !seen.insert(name.clone()) {
            *name = match original.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}（{n}）.{ext}"),
                None => format!("{original}（{n}）"),
            };
            n += 1;
        }
    }
    let mut manifest = String::from("文件名\t字节数\tSHA-256\r\n");
    for (name, bytes) in &files {
        manifest.push_str(&format!(
            "{name}\t{}\t{}\r\n",
            bytes.len(),
            hex::encode(Sha256::digest(bytes))
        ));
    }
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let zip_err = |e: zip::result::ZipError| AppError::Internal(e.into());
        let io_err = |e: std::io::Error| AppError::Internal(e.into());
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("清单.txt", options).map_err(zip_err)?;
        zip.write_all(manifest.as_bytes()).map_err(io_err)?;
        for (name, bytes) in files {
            zip.start_file(name, options).map_err(zip_err)?;
            zip.write_all(&bytes).map_err(io_err)?;
        }
        Ok(zip.finish().map_err(zip_err)?.into_inner())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let tracking = crate::services::cases::read::get(ctx, actor, id)
        .await?
        .tracking_no;
    Ok(Package {
        file_name: format!("{tracking}答复材料.zip"),
        bytes,
    })
}

/// One line of the cover list.
#[derive(Debug, Clone)]
pub struct CoverItem {
    pub name: String,
    /// Bytes, where the record keeps it (documents; a letter's is not stored).
    pub size: Option<i64>,
    pub sha256: String,
}

/// What goes to the applicant with the reply, for the printed cover list of a paper delivery
/// (staff): the standing reply letters and the files sent with them, by name and SHA-256, the
/// same set the reply package and the 送达 record carry. Nothing is read from the blob store.
pub async fn cover(
    ctx: &Ctx,
    actor: &Actor,
    id: CaseId,
) -> Result<(crate::services::cases::views::CaseView, Vec<CoverItem>), AppError> {
    if actor.role == yishen_domain::Role::Applicant {
        return Err(AppError::NotFound("案件"));
    }
    let case = crate::services::cases::read::get(ctx, actor, id).await?;
    let mut items: Vec<CoverItem> = letters::for_case(ctx, actor, id)
        .await?
        .into_iter()
        .filter(letters::LetterView::is_standing_reply)
        .map(|l| CoverItem {
            name: format!("{}（{}）", l.kind_label, l.number),
            size: None,
            sha256: l.sha256,
        })
        .collect();
    if items.is_empty() {
        return Err(AppError::Conflict {
            code: "reply_not_issued",
            detail: "答复书尚未出具，暂无材料清单".into(),
        });
    }
    items.extend(
        documents::list(ctx, actor, id)
            .await?
            .into_iter()
            .filter(|d| d.sent_to_applicant)
            .map(|d| CoverItem {
                name: d.name,
                size: Some(d.size),
                sha256: d.sha256,
            }),
    );
    Ok((case, items))
}
