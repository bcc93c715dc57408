//! Drafting and legal review: the handler saves a draft reply and sees its pre-review
//! findings; submission to legal review is refused while a blocking finding stands; the legal
//! adviser approves or returns it with comments, which stay on the case as events.

use serde::Serialize;
use yishen_domain::case::{Action, CaseEvent, TrackingNo, checks};
use yishen_domain::draft::{CaseFacts, Draft, DraftInput, Finding, Severity, prereview};
use yishen_store::CaseId;
use yishen_store::DbConn;
use yishen_store::models::case::{self as case_store, CaseChanges};
use yishen_store::models::{agency, consultation, draft as draft_store};

use super::commands::{Review, ReviewDecision, SignOff};
use super::views::CaseView;
use super::{Loaded, Step, act};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;

/// The facts of the case that pre-review checks a draft against.
fn facts(conn: &mut DbConn, loaded: &Loaded, draft: &Draft) -> Result<CaseFacts, AppError> {
    let clock = loaded.clock().ok();
    let due_on = clock.as_ref().and_then(|c| c.due_on);
    let working_days_left = match due_on {
        Some(due) if due >= loaded.today => {
            loaded.calendar.working_days_between(loaded.today, due).ok()
        }
        _ => None,
    };
    let third_party_consulted = consultation::third_party_consulted(conn, loaded.case.id)?;
    let prior_case_found = match draft.input.prior_case.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(match TrackingNo::parse(p) {
            None => false,
            Some(t) => {
                case_store::find_by_tracking_no(conn, t.as_str())?.is_some_and(|(c, _, _)| {
                    c.agency_id == loaded.case.agency_id
                        && c.id != loaded.case.id
                        && matches!(c.status.as_str(), "replied" | "closed")
                })
            }
        }),
    };
    let applicant_name = case_store::applicant(conn, loaded.case.id)?
        .map(|a| a.name)
        .unwrap_or_else(|| loaded.case.applicant_name.clone());
    Ok(CaseFacts {
        received_on: loaded.case.received_on,
        due_on,
        today: loaded.today,
        working_days_left,
        applicant_name,
        content: loaded.case.content.clone(),
        tracking_no: loaded.case.tracking_no.clone(),
        third_party_consulted,
        prior_case_found,
        reconsideration_body_known: agency::find(conn, loaded.case.agency_id)?
            .is_some_and(|a| a.reconsideration_body_name.is_some()),
        article35_not_processed: checks::article35_not_processed(&loaded.events),
        redaction_grounds: redaction_grounds(conn, loaded.case.id)?,
    })
}

/// The grounds of the boxes on the released copies that go out with the reply, each once.
fn redaction_grounds(
    conn: &mut DbConn,
    case_id: yishen_store::CaseId,
) -> Result<Vec<yishen_domain::Disposition>, AppError> {
    let mut out: Vec<yishen_domain::Disposition> =
        yishen_store::models::redaction::in_force(conn, case_id)?
            .iter()
            .filter_map(|r| yishen_domain::Disposition::parse(&r.ground))
            .collect();
    out.sort_by_key(|d| d.as_str());
    out.dedup();
    Ok(out)
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftResult {
    pub case: CaseView,
    /// The pre-review findings, blocking first: `{code, severity, message, article, field?}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub findings: serde_json::Value,
}

fn shape_error(issues: Vec<yishen_domain::case::IntakeIssue>) -> AppError {
    AppError::Validation(issues.into_iter().map(super::intake::issue).collect())
}

/// Saves the draft reply and returns its pre-review findings.
pub async fn save(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    input: DraftInput,
) -> Result<DraftResult, AppError> {
    let draft = Draft::parse(input).map_err(shape_error)?;
    let data = serde_json::to_string(&draft.input).map_err(anyhow::Error::from)?;
    let similar = state.similar.clone();
    let visible = crate::services::similar::visible(actor)?;
    let case = act(
        state,
        actor,
        id,
        if_match,
        Action::Draft,
        move |conn, loaded, actor| {
            let mut findings = prereview(&draft, &facts(conn, loaded, &draft)?);
            // 同案同办: similar cases answered the same way and corrected afterwards.
            if let Some(index) = &similar {
                let corrected = crate::services::similar::corrected_like(
                    conn,
                    index,
                    loaded.case.id,
                    &loaded.case.content,
                    draft.disposition.as_str(),
                    visible.clone(),
                )?;
                if !corrected.is_empty() {
                    let cases: Vec<String> = corrected
                        .iter()
                        .map(|(no, why)| format!("{no}（{why}）"))
                        .collect();
                    findings.push(Finding {
                        code: "similar_corrected",
                        severity: Severity::Warning,
                        message: format!(
                            "相似案件作出同样处理后在复议或诉讼中被纠正：{}；请对照其纠错原因检查本答复",
                            cases.join("、")
                        ),
                        article: "",
                        field: None,
                    });
                }
            }
            let blocking = findings
                .iter()
                .filter(|f| f.severity == Severity::Blocking)
                .count();
            draft_store::put(
                conn,
                &draft_store::CaseDraft {
                    case_id: loaded.case.id,
                    disposition: draft.disposition.as_str().to_owned(),
                    data,
                    findings: serde_json::to_string(&findings).map_err(anyhow::Error::from)?,
                    blocking: i32::try_from(blocking).unwrap_or(i32::MAX),
                    updated_by: Some(actor.id),
                    updated_at: yishen_store::now(),
                },
            )?;
            Ok(Step {
                events: vec![(
                    loaded.today,
                    CaseEvent::Drafted {
                        disposition: draft.disposition,
                        blocking,
                        warnings: findings.len() - blocking,
                    },
                )],
                changes: CaseChanges::default(),
            })
        },
    )
    .await?;
    crate::services::similar::refresh(state);
    let findings = case
        .draft
        .as_ref()
        .map(|d| d.findings.clone())
        .unwrap_or(serde_json::Value::Array(Vec::new()));
    Ok(DraftResult { case, findings })
}

/// Pre-reviews a draft without saving it, for whoever may see the case (the drafting page
/// checks as the handler types). The similar-case warning needs the index and comes with the
/// saved draft only.
pub async fn check(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    input: DraftInput,
) -> Result<Vec<Finding>, AppError> {
    let draft = Draft::parse(input).map_err(shape_error)?;
    let scope = crate::policy::case_scope(actor)?;
    let today = state.today();
    state
        .read(move |conn| {
            let loaded = super::load(conn, &scope, id, today)?;
            Ok(prereview(&draft, &facts(conn, &loaded, &draft)?))
        })
        .await
}

/// Sends the draft to legal review; refused while pre-review finds a blocking defect.
pub async fn submit(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
) -> Result<CaseView, AppError> {
    act(
        state,
        actor,
        id,
        if_match,
        Action::SubmitForReview,
        move |conn, loaded, _| {
            let stored =
                draft_store::find(conn, loaded.case.id)?.ok_or(checks::Refusal::NoDraft)?;
            let input: DraftInput =
                serde_json::from_str(&stored.data).map_err(anyhow::Error::from)?;
            let draft = Draft::parse(input).map_err(shape_error)?;
            // The facts may have moved since the draft was saved (a deadline, a consultation).
            let findings = prereview(&draft, &facts(conn, loaded, &draft)?);
            checks::may_submit_for_review(&findings)?;
            Ok(Step {
                events: vec![(loaded.today, CaseEvent::SubmittedForReview {})],
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}

/// The legal adviser's decision (合法性审查).
pub async fn review(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    review: Review,
) -> Result<CaseView, AppError> {
    let approved = review.decision == ReviewDecision::Approve;
    let comments = review.comments;
    let action = if approved {
        Action::Approve
    } else {
        Action::Return
    };
    act(state, actor, id, if_match, action, move |_, loaded, _| {
        Ok(Step {
            events: vec![(loaded.today, CaseEvent::Reviewed { approved, comments })],
            changes: CaseChanges::default(),
        })
    })
    .await
}

/// The approver signs an approved reply off, where the agency requires it.
pub async fn sign_off(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    sign_off: SignOff,
) -> Result<CaseView, AppError> {
    let comments = sign_off.comments;
    act(
        state,
        actor,
        id,
        if_match,
        Action::SignOff,
        move |_, loaded, _| {
            yishen_domain::case::checks::may_sign_off(
                &loaded.events,
                loaded.rules.approver_signoff,
            )?;
            Ok(Step {
                events: vec![(loaded.today, CaseEvent::SignedOff { comments })],
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}
