//! Numbering, rendering and storing a letter of a case: the step every action that issues a
//! letter shares (the 受理回执 at intake, the procedural notices, the reply). It sits below
//! the actions (`cases`, `letters`), which call it and which it never calls, and holds the
//! values every letter of a case prints, the 文号 series, the verification code and the seal.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use yishen_domain::case::{AgencySettings, ApplicantCategory, CaseEvent};
use yishen_letters::{LetterData, LetterKind};
use yishen_store::UserId;
use yishen_store::models::case as case_store;
use yishen_store::models::{agency, letter};

use serde::{Deserialize, Serialize};

use crate::ctx::Ctx;
use crate::error::AppError;

pub use yishen_domain::calendar::chinese_date;

/// A random code in the query-code alphabet (query codes, letter verification codes).
pub fn random_code() -> Result<String, AppError> {
    let mut bytes = [0u8; yishen_domain::case::QUERY_CODE_LEN];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("random: {e}")))?;
    Ok(yishen_domain::case::query_code_from(&bytes))
}

/// The last character(s) of each kind's 代字, after 依申 (letters.md §1.5: 依申复, 依申补, …).
fn series_word(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::Receipt => "收",
        LetterKind::CorrectionNotice => "补",
        LetterKind::ExtensionNotice => "延",
        LetterKind::ThirdPartyConsultation | LetterKind::AgencyConsultation => "征",
        LetterKind::FeeNotice => "费",
        LetterKind::ReasonsRequest => "理",
        LetterKind::LaterDeadlineNotice => "迟",
        LetterKind::NotProcessedNotice => "不处",
        LetterKind::Reply => "复",
    }
}

/// `{prefix}依申复〔2026〕12号`; an agency prefix that already ends in 依申 is not doubled.
pub fn letter_number(prefix: &str, kind: LetterKind, year: i32, seq: i64) -> String {
    let stem = if prefix.ends_with("依申") {
        prefix.to_owned()
    } else {
        format!("{prefix}依申")
    };
    format!("{stem}{}〔{year}〕{seq}号", series_word(kind))
}

/// The values every letter of this case may print; the template takes what it needs.
fn fields(
    case: &yishen_store::models::case::Case,
    agency: &agency::Agency,
    applicant_name: &str,
    issue_on: NaiveDate,
) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_owned(), v);
    };
    put("agency_name", agency.name.clone());
    put("applicant_name", applicant_name.to_owned());
    // One form of address for the applicant, everywhere: 您 for a person, 贵单位 for an
    // organisation (letters.md §3.6's 范本: "您(或贵单位、贵公司等,下同)").
    put(
        "addressee",
        if case.applicant_category == ApplicantCategory::NaturalPerson {
            "您"
        } else {
            "贵单位"
        }
        .to_owned(),
    );
    put("tracking_no", case.tracking_no.clone());
    put(
        "request_content",
        yishen_letters::quoted_request(&case.content),
    );
    put("issue_date", chinese_date(issue_on));
    if let Some(r) = case.received_on {
        put("received_date", chinese_date(r));
    }
    put("channel", case.channel.label().to_owned());
    // Pre-review blocks a reply while the agency has no reconsideration body
    // (`remedy_body_unset`); without it the remedy clause cannot be rendered.
    if let Some(body) = &agency.reconsideration_body_name {
        put("reconsideration_body", body.clone());
    }
    put(
        "court",
        agency
            .court_name
            .clone()
            .unwrap_or_else(|| "有管辖权的人民法院".to_owned()),
    );
    // The 附注 line: the contact the agency set, else the agency itself.
    put(
        "contact",
        AgencySettings::from_settings(&agency.settings)
            .letter_note()
            .unwrap_or_else(|| format!("联系机构：{}", agency.name)),
    );
    f
}

/// A code in groups of four, as printed (K7M2-Q9PX-4HTW); verification ignores the dashes.
fn grouped(code: &str) -> String {
    code.chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The values a letter of this case prints: the case's common ones plus `extra`.
pub(super) fn case_values(
    conn: &mut yishen_store::DbConn,
    case: &yishen_store::models::case::Case,
    extra: BTreeMap<String, String>,
    on: NaiveDate,
) -> Result<(agency::Agency, BTreeMap<String, String>), AppError> {
    let agency = agency::find(conn, case.agency_id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("agency of case vanished")))?;
    let applicant = case_store::applicant(conn, case.id)?
        .map(|a| a.name)
        .unwrap_or_else(|| case.applicant_name.clone());
    let mut values = fields(case, &agency, &applicant, on);
    values.extend(extra);
    Ok((agency, values))
}

/// What a pending letter is rendered from (stored as JSON in `letters.pending`).
#[derive(Debug, Serialize, Deserialize)]
struct PendingValues {
    variant: Option<String>,
    number: String,
    fields: BTreeMap<String, String>,
}

/// Numbers, checks and records a letter of `kind` for a case, inside the caller's
/// transaction; `extra` adds the kind's own values to the case's common ones. Returns the
/// letter's id, number and the hash of the values it prints (for its event).
///
/// The letter is laid out here, which refuses what cannot be printed (a missing value, a
/// character no font has) before anything is stored; its PDF is rendered after the commit
/// ([`render_pending`]): compressing fonts and images takes ten milliseconds or more, and
/// the write lock is not held for it.
#[allow(clippy::too_many_arguments)]
pub fn issue_letter(
    conn: &mut yishen_store::DbConn,
    templates: &yishen_letters::Templates,
    case: &yishen_store::models::case::Case,
    kind: LetterKind,
    variant: Option<&str>,
    extra: BTreeMap<String, String>,
    on: NaiveDate,
    actor_id: Option<UserId>,
) -> Result<Issued, AppError> {
    let (agency, mut values) = case_values(conn, case, extra, on)?;
    // The code is printed on the letter, so anyone holding it can verify it.
    let verify_code = random_code()?;
    values.insert("verify_code".to_owned(), grouped(&verify_code));
    let year = on.year();
    let seq = letter::next_seq(conn, agency.id, year, kind.code())?;
    let prefix = agency
        .letter_prefix
        .clone()
        .unwrap_or_else(|| agency.code.clone());
    let number = letter_number(&prefix, kind, year, seq);
    let data = LetterData {
        kind,
        variant: variant.map(str::to_owned),
        number: number.clone(),
        fields: values,
    };
    templates.text(&data).map_err(|e| {
        tracing::warn!(kind = kind.code(), error = %e, "letter not rendered");
        AppError::Conflict {
            code: "letter_incomplete",
            detail: format!("{}无法生成：{}", kind.label(), e.chinese()),
        }
    })?;
    let pending = serde_json::to_string(&PendingValues {
        variant: data.variant,
        number: data.number,
        fields: data.fields,
    })
    .map_err(anyhow::Error::from)?;
    let id = letter::insert(
        conn,
        &letter::NewLetter {
            case_id: case.id,
            agency_id: agency.id,
            kind: kind.code(),
            variant,
            year,
            seq,
            number: &number,
            issued_on: on,
            sha256: "",
            verify_code: &verify_code,
            pdf: &[],
            created_by: actor_id,
            created_at: yishen_store::now(),
            pending: Some(&pending),
            printed: Some(&pending),
        },
    )?;
    Ok(Issued {
        id,
        number,
        printed_sha256: printed_sha256(&pending),
    })
}

/// A letter just recorded.
#[derive(Debug)]
pub struct Issued {
    pub id: i64,
    pub number: String,
    pub printed_sha256: String,
}

/// The hash of a letter's printed values as stored, which its event carries.
pub fn printed_sha256(printed: &str) -> String {
    hex::encode(Sha256::digest(printed.as_bytes()))
}

/// Renders the PDFs of those of `ids` still pending, puts them in the blob store and records
/// their hashes: the rendering on a read connection, the blob store outside any transaction,
/// the recording in one short write. Letters that another
/// renderer stored meanwhile keep what it stored. Issued letters carry the agency's seal when
/// it has one (GB/T 9704-2012 7.3.5.1).
pub async fn render_pending(state: &Ctx, ids: Vec<i64>) -> Result<usize, AppError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let templates = state.templates.clone();
    let rendered = state
        .read(move |conn| {
            let mut out = Vec::new();
            for p in letter::pending_of(conn, &ids)? {
                let kind = p.kind;
                let values: PendingValues =
                    serde_json::from_str(&p.pending).map_err(anyhow::Error::from)?;
                let data = LetterData {
                    kind,
                    variant: values.variant,
                    number: values.number,
                    fields: values.fields,
                };
                let seal = super::seals::for_agency(conn, p.agency_id)?;
                // Laid out when it was issued; a failure now is a fault of the system.
                let pdf = templates
                    .render_sealed(&data, seal.as_deref())
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("pending letter: {e}")))?;
                let sha = hex::encode(Sha256::digest(&pdf));
                out.push((p.id, pdf, sha));
            }
            Ok(out)
        })
        .await?;
    if rendered.is_empty() {
        return Ok(0);
    }
    // Another renderer may have recorded some meanwhile: their renderings are not stored
    // (two renderings of one letter differ in their file identifiers and font order, so a
    // second one would only leave an unneeded content for the purge).
    let ids: Vec<i64> = rendered.iter().map(|(id, _, _)| *id).collect();
    let still: std::collections::HashSet<i64> = state
        .read(move |conn| {
            Ok(letter::pending_of(conn, &ids)?
                .into_iter()
                .map(|p| p.id)
                .collect())
        })
        .await?;
    // The PDFs go where documents live (one copy per content), then the rows name them.
    let mut hashes = Vec::with_capacity(rendered.len());
    for (id, pdf, sha) in rendered.into_iter().filter(|(id, _, _)| still.contains(id)) {
        state.blobs.put_bytes(&sha, pdf).await?;
        hashes.push((id, sha));
    }
    state
        .write(move |conn| {
            let mut stored = 0;
            for (id, sha) in &hashes {
                stored += letter::complete(conn, *id, sha)?;
            }
            Ok(stored)
        })
        .await
}

/// How many pending letters one round of the renderer takes.
const RENDER_BATCH: i64 = 32;

/// Renders every letter still pending (after a restart, or when the follower fell behind);
/// returns how many were stored.
pub async fn render_all_pending(state: &Ctx) -> Result<usize, AppError> {
    let mut total = 0;
    loop {
        let ids = state
            .read(|conn| Ok(letter::pending_ids(conn, RENDER_BATCH)?))
            .await?;
        if ids.is_empty() {
            return Ok(total);
        }
        let n = ids.len();
        let stored = render_pending(state, ids).await?;
        total += stored;
        // Another renderer took them: it stores them; this one stops rather than spin.
        if stored == 0 && n > 0 {
            return Ok(total);
        }
    }
}

/// The event that records a procedural notice.
pub fn notice_event(issued: Issued, kind: LetterKind) -> CaseEvent {
    CaseEvent::NoticeIssued {
        letter_id: issued.id,
        kind: kind.code().to_owned(),
        number: issued.number,
        printed_sha256: Some(issued.printed_sha256),
    }
}
