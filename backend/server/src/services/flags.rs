//! Screening at intake (滥用申请权甄别): after a case is filed, its applicant's identity
//! cluster is gathered through the keyed hashes it shares (identity number, phone, e-mail,
//! normalised address), the cluster's earlier applications are compared with the new request
//! (MinHash over the request core, `yishen_similar`), and `yishen_domain::screening` decides
//! which flags the evidence supports. Flags are stored `open`; only a person confirms or
//! dismisses one, with a reason, and no flag changes a case by itself.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yishen_domain::Role;
use yishen_domain::screening::{
    self, Answer, Application, Evidence, FlagStatus, IdentityLinks, PastApplication, Proceeding,
    ProceedingKind, ReviewDecision, ScreeningInput, ScreeningThresholds, review,
};
use yishen_store::DbConn;
use yishen_store::models::case::{self as case_store, CaseScope};
use yishen_store::models::flag::{self as flag_store, NewCaseFlag};
use yishen_store::models::{agency, outcome};

use crate::auth::Actor;
use crate::error::ApiError;
use crate::pii::Pii;
use crate::policy;
use crate::state::AppState;

/// Earlier applications read per link kind: enough for every threshold of the rules.
const HISTORY_PER_LINK: i64 = 500;

/// A case as screening sees it, with its disposition and conclusion date.
type Screened = (Application, Option<String>, Option<NaiveDate>);

fn application(
    conn: &mut DbConn,
    pii: &Pii,
    case_id: i64,
    today: NaiveDate,
) -> Result<Option<Screened>, ApiError> {
    let Some((case, code, _)) = case_store::find(conn, case_id, &CaseScope::All)? else {
        return Ok(None);
    };
    let Some(a) = case_store::applicant(conn, case_id)? else {
        return Ok(None);
    };
    Ok(Some((
        Application {
            id: case.id,
            tracking_no: Some(case.tracking_no),
            agency: code,
            received_on: case.received_on.unwrap_or(today),
            text: case.content,
            name_key: pii.match_hash(&format!("name:{}", a.name.trim())),
            links: IdentityLinks {
                id_hash: Some(a.id_number_hash),
                phone_hash: a.phone_hash,
                email_hash: a.email_hash,
                address_hash: a.address_hash,
            },
        },
        case.disposition,
        case.concluded_on,
    )))
}

/// Screens case `case_id` against its cluster and stores what the rules find (new flags open;
/// a dismissed flag reopens only on new evidence; a confirmed one is left alone).
pub fn screen_case(
    conn: &mut DbConn,
    pii: &Pii,
    case_id: i64,
    today: NaiveDate,
) -> Result<usize, ApiError> {
    let Some((new, _, _)) = application(conn, pii, case_id, today)? else {
        return Ok(0);
    };
    let links = &new.links;
    let linked: BTreeSet<i64> = flag_store::linked_cases(
        conn,
        links.id_hash.as_deref().unwrap_or(""),
        links.phone_hash.as_deref(),
        links.email_hash.as_deref(),
        links.address_hash.as_deref(),
        case_id,
        HISTORY_PER_LINK,
    )?
    .into_iter()
    .map(|(id, _)| id)
    .collect();
    let core = yishen_similar::minhash(&screening::text::request_core(&new.text));
    let mut history = Vec::with_capacity(linked.len());
    for id in linked {
        let Some((app, disposition, concluded_on)) = application(conn, pii, id, today)? else {
            continue;
        };
        let answered = match (disposition, concluded_on) {
            (Some(d), Some(on))
                if yishen_domain::Disposition::parse(&d).is_some_and(|d| d.is_reply()) =>
            {
                Some(Answer {
                    on,
                    agency: app.agency.clone(),
                })
            }
            _ => None,
        };
        let mut proceedings: Vec<Proceeding> = outcome::reconsiderations_for(conn, id)?
            .into_iter()
            .map(|r| Proceeding {
                kind: ProceedingKind::Reconsideration,
                filed_on: r.filed_on,
                decided_on: r.decided_on,
            })
            .collect();
        proceedings.extend(
            outcome::litigations_for(conn, id)?
                .into_iter()
                .map(|l| Proceeding {
                    kind: ProceedingKind::Litigation,
                    filed_on: l.filed_on,
                    decided_on: l.decided_on,
                }),
        );
        let similarity = f64::from(yishen_similar::jaccard_estimate(
            &core,
            &yishen_similar::minhash(&screening::text::request_core(&app.text)),
        ));
        history.push(PastApplication {
            application: app,
            answered,
            proceedings,
            similarity: Some(similarity),
        });
    }
    let thresholds = thresholds_for(conn, &new.agency)?;
    let flags = screening::screen(
        &ScreeningInput {
            application: new,
            history,
        },
        &thresholds,
    );
    let stored = flag_store::for_case(conn, case_id)?;
    let now = yishen_store::now();
    let mut written = 0;
    for flag in flags {
        let kind = flag.kind().as_str();
        let evidence = serde_json::to_string(&flag.evidence).map_err(anyhow::Error::from)?;
        let previous = stored.iter().find(|s| s.kind == kind);
        let update = screening::refresh(
            previous
                .and_then(|p| {
                    let status = FlagStatus::parse(&p.status)?;
                    let ev: Evidence = serde_json::from_str(&p.evidence).ok()?;
                    Some((status, ev))
                })
                .as_ref()
                .map(|(s, e)| (*s, e)),
            Some(flag.clone()),
        );
        use screening::FlagUpdate;
        match (update, previous) {
            (FlagUpdate::Create(f), None) => {
                flag_store::insert(
                    conn,
                    &NewCaseFlag {
                        case_id,
                        kind,
                        severity: f.severity.as_str(),
                        summary: &f.summary,
                        evidence: &evidence,
                        status: FlagStatus::Open.as_str(),
                        decided_by: None,
                        decided_at: None,
                        decision_reason: None,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                written += 1;
            }
            (FlagUpdate::Update(f) | FlagUpdate::Reopen(f), Some(p)) => {
                flag_store::refresh(
                    conn,
                    p.id,
                    f.severity.as_str(),
                    &f.summary,
                    &evidence,
                    FlagStatus::Open.as_str(),
                    now,
                )?;
                written += 1;
            }
            _ => {}
        }
    }
    Ok(written)
}

/// The agency's thresholds: its settings' `screening` object over the defaults.
fn thresholds_for(conn: &mut DbConn, agency_code: &str) -> Result<ScreeningThresholds, ApiError> {
    let settings = agency::find_by_code(conn, agency_code)?
        .map(|a| a.settings)
        .unwrap_or_default();
    let value: serde_json::Value = serde_json::from_str(&settings).unwrap_or_default();
    Ok(match value.get("screening") {
        Some(s) => ScreeningThresholds::from_json(&s.to_string()).unwrap_or_default(),
        None => ScreeningThresholds::default(),
    })
}

/// Screens a newly filed case in its own transaction, right after intake. A failure is
/// logged: the application is filed whatever screening finds.
pub async fn after_intake(state: &AppState, case_id: i64) {
    let pii = state.pii.clone();
    let today = crate::time::today();
    let result = state
        .write(move |conn| screen_case(conn, &pii, case_id, today))
        .await;
    if let Err(e) = result {
        tracing::error!(case_id, error = ?e, "screening failed");
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlagView {
    pub id: i64,
    /// `volume`, `burst`, `repeat`, `broadcast`, `proxy`, `petition`, `consultation`,
    /// `publication`, `litigation_overlap`.
    pub kind: String,
    pub severity: String,
    pub summary: String,
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
    /// `open`, `confirmed`, `dismissed`.
    pub status: String,
    pub decision_reason: Option<String>,
    /// Whether the 条例35 steps (ask for reasons, then 不予处理 or a later deadline) are open:
    /// only for a confirmed mass-application flag.
    pub offers_article_35: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlagList {
    pub items: Vec<FlagView>,
}

fn view(f: flag_store::CaseFlag) -> FlagView {
    let offers = match (
        screening::FlagKind::parse(&f.kind),
        FlagStatus::parse(&f.status),
    ) {
        (Some(k), Some(s)) => screening::offers_article_35(k, s),
        _ => false,
    };
    FlagView {
        id: f.id,
        kind: f.kind,
        severity: f.severity,
        summary: f.summary,
        evidence: serde_json::from_str(&f.evidence).unwrap_or_default(),
        status: f.status,
        decision_reason: f.decision_reason,
        offers_article_35: offers,
    }
}

fn staff_only(actor: &Actor) -> Result<(), ApiError> {
    if actor.role == Role::Applicant {
        return Err(ApiError::Forbidden("甄别提示仅供工作人员使用".into()));
    }
    Ok(())
}

pub async fn for_case(state: &AppState, actor: &Actor, id: i64) -> Result<FlagList, ApiError> {
    staff_only(actor)?;
    let scope = policy::case_scope(actor)?;
    state
        .read(move |conn| {
            case_store::find(conn, id, &scope)?.ok_or(ApiError::NotFound("案件"))?;
            Ok(FlagList {
                items: flag_store::for_case(conn, id)?
                    .into_iter()
                    .map(view)
                    .collect(),
            })
        })
        .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `confirm` or `dismiss`.
    pub decision: Option<String>,
    pub reason: Option<String>,
}

/// A person confirms or dismisses a flag, with a reason (handler, legal adviser, approver of
/// the case's agency).
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    flag_id: i64,
    body: DecisionBody,
) -> Result<FlagView, ApiError> {
    if !matches!(
        actor.role,
        Role::Handler | Role::LegalAdviser | Role::Approver
    ) {
        return Err(ApiError::Forbidden(
            "只有承办人、法制审核人员或负责人可以确认或排除甄别提示".into(),
        ));
    }
    let decision = match body.decision.as_deref() {
        Some("confirm") => ReviewDecision::Confirm,
        Some("dismiss") => ReviewDecision::Dismiss,
        Some(_) => {
            return Err(ApiError::field(
                "decision",
                "unknown_value",
                "处理方式无效，可选：confirm、dismiss",
            ));
        }
        None => return Err(ApiError::field("decision", "required", "请选择确认或排除")),
    };
    let reason = body.reason.unwrap_or_default();
    let scope = policy::case_scope(actor)?;
    let actor = actor.clone();
    state
        .write(move |conn| {
            let f = flag_store::find(conn, flag_id)?.ok_or(ApiError::NotFound("甄别提示"))?;
            let (case, _, _) =
                case_store::find(conn, f.case_id, &scope)?.ok_or(ApiError::NotFound("甄别提示"))?;
            policy::act_on_case(&actor, case.agency_id)?;
            let current = FlagStatus::parse(&f.status)
                .ok_or_else(|| anyhow::anyhow!("flag {flag_id} has status {}", f.status))?;
            let next = review(current, decision, &reason).map_err(|e| match e {
                screening::ReviewError::ReasonMissing | screening::ReviewError::ReasonTooLong => {
                    ApiError::field("reason", e.code(), e.to_string())
                }
                other => ApiError::Conflict {
                    code: "flag_already_decided",
                    detail: other.to_string(),
                },
            })?;
            flag_store::decide(
                conn,
                flag_id,
                next.as_str(),
                actor.id,
                reason.trim(),
                yishen_store::now(),
            )?;
            let f = flag_store::find(conn, flag_id)?
                .ok_or_else(|| anyhow::anyhow!("flag {flag_id} vanished"))?;
            Ok(view(f))
        })
        .await
}
