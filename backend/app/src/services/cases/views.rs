//! How cases are shown: the full case, the queue line, the applicant with personal data
//! masked, the event log. Personal data is decrypted only to be masked or shown to those who
//! may see the case.

use chrono::NaiveDate;
use serde::Serialize;
use yishen_domain::Disposition;
use yishen_domain::case::{ApplicantCategory, ApplicantKind, IdType, Status};
use yishen_domain::clock::{CachedClock, ClockState};
use yishen_store::DbConn;
use yishen_store::models::case::{self as case_store, Case, CaseApplicant, CaseScope};
use yishen_store::models::consultation;
use yishen_store::{CaseId, UserId};

use crate::error::AppError;
use crate::pii::Pii;

/// The applicant, with the identity number and phone masked.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicantView {
    pub kind: String,
    pub category: String,
    pub category_label: &'static str,
    pub name: String,
    pub id_type: String,
    pub id_type_label: &'static str,
    pub id_number_masked: String,
    pub phone_masked: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationView {
    pub id: i64,
    pub party_kind: String,
    pub party_name: String,
    pub opened_on: NaiveDate,
    /// The party's 15-working-day reply window ends on this day (条例32, 34).
    pub reply_by: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub opinion: Option<String>,
    pub note: Option<String>,
}

/// The current draft reply and its last pre-review.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftView {
    pub disposition: String,
    pub disposition_label: &'static str,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub findings: serde_json::Value,
    pub blocking: i32,
    pub updated_at: String,
}

/// A case as shown to those who may see it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: CaseId,
    pub tracking_no: String,
    pub agency_code: String,
    pub agency_name: String,
    pub channel: String,
    pub channel_label: &'static str,
    /// Which day 条例31 makes the receipt date for this channel.
    pub receipt_rule: &'static str,
    pub status: String,
    pub status_label: &'static str,
    pub applicant: ApplicantView,
    pub content: String,
    pub description: Option<String>,
    pub purpose: Option<String>,
    pub forms: Vec<String>,
    pub delivery: Option<String>,
    pub received_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub clock_state: String,
    pub correction_deadline: Option<NaiveDate>,
    pub fee_deadline: Option<NaiveDate>,
    pub disposition: Option<String>,
    pub disposition_label: Option<&'static str>,
    pub concluded_on: Option<NaiveDate>,
    /// The handler responsible (staff only).
    pub assignee: Option<AssigneeView>,
    pub consultations: Vec<ConsultationView>,
    pub draft: Option<DraftView>,
    /// Once the reply is delivered: until when the applicant may seek reconsideration or sue.
    pub remedy_windows: Option<RemedyWindowsView>,
    /// For optimistic locking: send it back as `If-Match`.
    pub version: i64,
    pub created_at: String,
    /// Shown once, in the answer to the intake: the code for tracking without an account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_code: Option<String>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssigneeView {
    pub user_id: UserId,
    pub name: String,
}

/// The applicant's remedy windows after delivery (复议法20, 行政诉讼法46).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemedyWindowsView {
    pub delivered_on: NaiveDate,
    pub reconsideration_by: NaiveDate,
    pub litigation_by: Option<NaiveDate>,
    pub note: &'static str,
}

/// One line of the work queue.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: CaseId,
    pub tracking_no: String,
    pub agency_code: String,
    pub status: String,
    pub status_label: &'static str,
    pub applicant_name: String,
    pub content_excerpt: String,
    pub received_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub clock_state: String,
    pub overdue: bool,
    pub version: i64,
}

pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let n = chars.len();
    let (head, tail) = if n >= 10 {
        (6, 4)
    } else if n >= 4 {
        (1, 1)
    } else {
        (0, 0)
    };
    let h: String = chars[..head].iter().collect();
    let t: String = chars[n - tail..].iter().collect();
    format!("{h}{}{t}", "*".repeat(n - head - tail))
}

pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

pub(crate) fn decrypt(pii: &Pii, enc: Option<&str>) -> Result<Option<String>, AppError> {
    enc.map(|e| pii.decrypt(e).map_err(AppError::Internal))
        .transpose()
}

pub fn applicant_view(pii: &Pii, a: &CaseApplicant) -> Result<ApplicantView, AppError> {
    let id = pii.decrypt(&a.id_number_enc).map_err(AppError::Internal)?;
    Ok(ApplicantView {
        kind: ApplicantKind::parse(&a.kind)
            .map(|k| k.as_str().to_owned())
            .unwrap_or_else(|| a.kind.clone()),
        category_label: ApplicantCategory::parse(&a.category)
            .map(ApplicantCategory::label)
            .unwrap_or(""),
        category: a.category.clone(),
        name: a.name.clone(),
        id_type_label: IdType::parse(&a.id_type).map(IdType::label).unwrap_or(""),
        id_type: a.id_type.clone(),
        id_number_masked: mask_id(&id),
        phone_masked: decrypt(pii, a.phone_enc.as_deref())?.map(|p| mask_phone(&p)),
        email: decrypt(pii, a.email_enc.as_deref())?,
        address: decrypt(pii, a.address_enc.as_deref())?,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn case_view(
    pii: &Pii,
    case: Case,
    agency_code: String,
    agency_name: String,
    applicant: &CaseApplicant,
    consultations: Vec<consultation::Consultation>,
    draft: Option<yishen_store::models::draft::CaseDraft>,
    delivered_on: Option<NaiveDate>,
    assignee: Option<AssigneeView>,
) -> Result<CaseView, AppError> {
    let channel = case.channel;
    let disposition = case.disposition;
    let remedy_windows = match (disposition, delivered_on) {
        (Some(d), Some(on)) => d.remedy().windows(on).map(|w| RemedyWindowsView {
            delivered_on: on,
            reconsideration_by: w.reconsideration_by,
            litigation_by: w.litigation_by,
            note: w.note,
        }),
        _ => None,
    };
    Ok(CaseView {
        id: case.id,
        tracking_no: case.tracking_no,
        agency_code,
        agency_name,
        channel_label: channel.label(),
        receipt_rule: channel.receipt_rule(),
        channel: channel.as_str().to_owned(),
        status_label: case.status.label(),
        status: case.status.as_str().to_owned(),
        applicant: applicant_view(pii, applicant)?,
        content: case.content,
        description: case.description,
        purpose: case.purpose,
        forms: serde_json::from_str(&case.forms).unwrap_or_default(),
        delivery: case.delivery,
        received_on: case.received_on,
        due_on: case.due_on,
        clock_state: case.clock_state.as_str().to_owned(),
        correction_deadline: case.correction_deadline,
        fee_deadline: case.fee_deadline,
        disposition_label: disposition.map(Disposition::label),
        disposition: case.disposition.map(|d| d.as_str().to_owned()),
        concluded_on: case.concluded_on,
        assignee,
        consultations: consultations
            .into_iter()
            .map(|c| ConsultationView {
                id: c.id,
                party_kind: c.party_kind,
                party_name: c.party_name,
                opened_on: c.opened_on,
                reply_by: c.reply_by,
                closed_on: c.closed_on,
                opinion: c.opinion,
                note: c.note,
            })
            .collect(),
        draft: draft.map(|d| DraftView {
            disposition_label: Disposition::parse(&d.disposition)
                .map(Disposition::label)
                .unwrap_or(""),
            disposition: d.disposition,
            data: serde_json::from_str(&d.data).unwrap_or_default(),
            findings: serde_json::from_str(&d.findings).unwrap_or_default(),
            blocking: d.blocking,
            updated_at: format!("{}Z", d.updated_at.format("%Y-%m-%dT%H:%M:%S")),
        }),
        remedy_windows,
        version: case.version,
        created_at: format!("{}Z", case.created_at.format("%Y-%m-%dT%H:%M:%S")),
        query_code: None,
    })
}

/// Loads and shows one case within `scope`.
pub fn load_view(
    conn: &mut DbConn,
    pii: &Pii,
    scope: &CaseScope,
    id: CaseId,
) -> Result<CaseView, AppError> {
    let (case, code, name) =
        case_store::find(conn, id, scope)?.ok_or(AppError::NotFound("案件"))?;
    let applicant = case_store::applicant(conn, id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("case {id} has no applicant row")))?;
    // The applicant sees what is addressed to them (DESIGN.md, one record, two audiences):
    // not the consultations (they name third parties), not the draft, and the disposition
    // only once the reply is out.
    let applicant_scope = matches!(scope, CaseScope::Applicant(_));
    let consultations = if applicant_scope {
        Vec::new()
    } else {
        consultation::for_case(conn, id)?
    };
    let draft = if applicant_scope {
        None
    } else {
        yishen_store::models::draft::find(conn, id)?
    };
    let delivered_on = if case.status == Status::Closed {
        yishen_store::models::case_event::last_on(conn, id, "delivered")?
    } else {
        None
    };
    let mut case = case;
    if applicant_scope && case.concluded_on.is_none() {
        case.disposition = None;
    }
    let assignee = match case.assignee_id {
        Some(u) if !applicant_scope => {
            yishen_store::models::user::find(conn, u)?.map(|(user, _)| AssigneeView {
                user_id: user.id,
                name: user.display_name,
            })
        }
        _ => None,
    };
    case_view(
        pii,
        case,
        code,
        name,
        &applicant,
        consultations,
        draft,
        delivered_on,
        assignee,
    )
}

pub fn summary(case: Case, agency_code: String, today: NaiveDate) -> CaseSummary {
    let excerpt: String = case.content.chars().take(60).collect();
    let overdue = case.clock_state == CachedClock::Known(ClockState::Overdue)
        || (case.clock_state == CachedClock::Known(ClockState::Running)
            && case.due_on.is_some_and(|d| d < today));
    CaseSummary {
        id: case.id,
        tracking_no: case.tracking_no,
        agency_code,
        status_label: case.status.label(),
        status: case.status.as_str().to_owned(),
        applicant_name: case.applicant_name,
        content_excerpt: excerpt,
        received_on: case.received_on,
        due_on: case.due_on,
        clock_state: case.clock_state.as_str().to_owned(),
        overdue,
        version: case.version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_only_the_ends() {
        assert_eq!(mask_id("11010519491231002X"), "110105********002X");
        assert_eq!(mask_id("E1234567"), "E******7");
        assert_eq!(mask_phone("13800138000"), "138****8000");
    }
}
