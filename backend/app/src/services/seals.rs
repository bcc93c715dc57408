//! Agencies' seal images: uploaded by the agency's administrator (or the system
//! administrator), checked by [`yishen_letters::Seal`], stored in `agency_seals`, and pressed
//! on every letter the agency issues from then on (GB/T 9704-2012 7.3.5.1). Drafts and
//! previews stay unsealed (7.3.5.2), so a seal never appears on a text that was not issued.
//!
//! A decoded seal is kept in a process-wide map keyed by the image's SHA-256 and its printed
//! diameter: the key is the content, so a replaced seal is simply another key, and two
//! instances sharing one database can never print a stale seal. It is a static rather than a
//! field of the state because the letters are issued deep inside actions that carry only the
//! templates; the map holds at most [`KEPT`] seals.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use yishen_domain::AgencyCode;
use yishen_letters::Seal;
use yishen_store::AgencyId;
use yishen_store::models::{agency, agency_seal};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;

/// The largest seal image accepted, in bytes.
pub const MAX_PNG_BYTES: usize = 4 * 1024 * 1024;
/// The diameter printed when the administrator gives none, in millimetres. GB/T 9704 fixes
/// no size (letters.md §1.3); the administrator sets the seal's true size.
pub const DEFAULT_DIAMETER_MM: u32 = 42;
/// Decoded seals kept in memory.
const KEPT: usize = 64;

type Kept = Mutex<HashMap<(String, i32), Arc<Seal>>>;

fn kept() -> &'static Kept {
    static KEPT_SEALS: OnceLock<Kept> = OnceLock::new();
    KEPT_SEALS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The seal the agency's letters are pressed with, if it has one, in the caller's
/// transaction (so a letter issued right after an upload carries the new seal).
pub fn for_agency(
    conn: &mut yishen_store::DbConn,
    agency_id: AgencyId,
) -> Result<Option<Arc<Seal>>, AppError> {
    let Some(meta) = agency_seal::meta(conn, agency_id)? else {
        return Ok(None);
    };
    let key = (meta.sha256.clone(), meta.diameter_mm);
    if let Some(seal) = kept().lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(Some(seal));
    }
    let Some((png, _)) = agency_seal::png(conn, agency_id)? else {
        return Ok(None);
    };
    let diameter = u32::try_from(meta.diameter_mm).unwrap_or(DEFAULT_DIAMETER_MM);
    match Seal::from_png(&png, diameter) {
        Ok(seal) => {
            let seal = Arc::new(seal);
            if let Ok(mut map) = kept().lock() {
                if map.len() >= KEPT {
                    map.clear();
                }
                map.insert(key, seal.clone());
            }
            Ok(Some(seal))
        }
        // Checked when it was uploaded; a stored seal that no longer passes (the checks were
        // tightened since) leaves the letter unsealed rather than unissued.
        Err(e) => {
            tracing::warn!(agency_id = agency_id.get(), error = %e, "stored seal no longer passes its checks");
            Ok(None)
        }
    }
}

/// A seal as the API and the admin page show it.
#[derive(Debug, Clone)]
pub struct SealInfo {
    pub sha256: String,
    pub diameter_mm: u32,
    pub uploaded_at: chrono::NaiveDateTime,
}

impl From<agency_seal::SealMeta> for SealInfo {
    fn from(m: agency_seal::SealMeta) -> Self {
        SealInfo {
            sha256: m.sha256,
            diameter_mm: u32::try_from(m.diameter_mm).unwrap_or(DEFAULT_DIAMETER_MM),
            uploaded_at: m.uploaded_at,
        }
    }
}

/// The agency of `code`, if the actor may manage its seal.
async fn managed_agency(
    state: &Ctx,
    actor: &Actor,
    code: &AgencyCode,
) -> Result<agency::Agency, AppError> {
    let code = code.as_str().to_owned();
    let a = state
        .read(move |conn| agency::find_by_code(conn, &code)?.ok_or(AppError::NotFound("机关")))
        .await?;
    policy::update_agency(actor, a.id, false)?;
    Ok(a)
}

/// The agency's seal, if any (the agency's administrator and the system administrator).
pub async fn info(
    state: &Ctx,
    actor: &Actor,
    code: &AgencyCode,
) -> Result<Option<SealInfo>, AppError> {
    let a = managed_agency(state, actor, code).await?;
    state
        .read(move |conn| Ok(agency_seal::meta(conn, a.id)?.map(SealInfo::from)))
        .await
}

/// The seal image as uploaded.
pub async fn png(state: &Ctx, actor: &Actor, code: &AgencyCode) -> Result<Vec<u8>, AppError> {
    let a = managed_agency(state, actor, code).await?;
    state
        .read(move |conn| {
            agency_seal::png(conn, a.id)?
                .map(|(png, _)| png)
                .ok_or(AppError::NotFound("印章图像"))
        })
        .await
}

/// Checks and stores a new seal in place of the old one. The image is decoded and checked
/// before the write, outside the transaction.
pub async fn upload(
    state: &Ctx,
    actor: &Actor,
    code: &AgencyCode,
    png: Vec<u8>,
    diameter_mm: u32,
) -> Result<SealInfo, AppError> {
    let a = managed_agency(state, actor, code).await?;
    let (png, sha) = tokio::task::spawn_blocking(move || {
        Seal::from_png(&png, diameter_mm).map(|_| {
            let sha = hex::encode(Sha256::digest(&png));
            (png, sha)
        })
    })
    .await
    .map_err(|e| AppError::Internal(anyhow::anyhow!("seal check: {e}")))?
    .map_err(|e| match e {
        yishen_letters::SealError::Diameter(_) => {
            AppError::field("diameter_mm", "out_of_range", e.chinese())
        }
        other => AppError::field("file", "unusable_seal", other.chinese()),
    })?;
    let actor_id = actor.id;
    state
        .write(move |conn| {
            let diameter = i32::try_from(diameter_mm)
                .map_err(|_| AppError::field("diameter_mm", "out_of_range", "印章直径无效"))?;
            agency_seal::replace(
                conn,
                &agency_seal::NewSeal {
                    agency_id: a.id,
                    png: &png,
                    sha256: &sha,
                    diameter_mm: diameter,
                    uploaded_by: Some(actor_id),
                    uploaded_at: yishen_store::now(),
                },
            )?;
            tracing::info!(agency = %a.code, "seal replaced");
            agency_seal::meta(conn, a.id)?
                .map(SealInfo::from)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("seal vanished")))
        })
        .await
}

/// Removes the agency's seal: later letters print unsealed.
pub async fn remove(state: &Ctx, actor: &Actor, code: &AgencyCode) -> Result<(), AppError> {
    let a = managed_agency(state, actor, code).await?;
    state
        .write(move |conn| {
            if agency_seal::remove(conn, a.id)? == 0 {
                return Err(AppError::NotFound("印章图像"));
            }
            tracing::info!(agency = %a.code, "seal removed");
            Ok(())
        })
        .await
}

/// A specimen (样张) of a receipt of the agency pressed with its seal, so the administrator
/// sees the seal's size and place before a letter is issued with it. Every value that would
/// come from a case reads "（样张）"; nothing is numbered or stored.
pub async fn specimen(state: &Ctx, actor: &Actor, code: &AgencyCode) -> Result<Vec<u8>, AppError> {
    let a = managed_agency(state, actor, code).await?;
    let templates = state.templates.clone();
    let today = state.today();
    state
        .read(move |conn| {
            let seal = for_agency(conn, a.id)?.ok_or(AppError::NotFound("印章图像"))?;
            let kind = yishen_letters::LetterKind::Receipt;
            let settings = yishen_domain::case::AgencySettings::from_settings(&a.settings);
            let date = yishen_domain::calendar::chinese_date(today);
            let fields = templates
                .placeholders(kind, None)
                .map_err(|e| AppError::Internal(e.into()))?
                .into_iter()
                .map(|p| {
                    let v = match p.as_str() {
                        "agency_name" => a.name.clone(),
                        "addressee" => "您".to_owned(),
                        "issue_date" | "received_date" => date.clone(),
                        "due_clause" => String::new(),
                        "contact" => match (&settings.contact_person, &settings.contact_phone) {
                            (Some(p), Some(t)) => format!("联系人：{p}，联系电话：{t}"),
                            _ => "联系人：（样张），联系电话：（样张）".to_owned(),
                        },
                        _ => "（样张）".to_owned(),
                    };
                    (p, v)
                })
                .collect();
            let data = yishen_letters::LetterData {
                kind,
                variant: None,
                number: "样张".to_owned(),
                fields,
            };
            templates
                .render_sealed(&data, Some(&seal))
                .map_err(|e| AppError::Internal(e.into()))
        })
        .await
}
