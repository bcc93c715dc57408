//! The 条例35 procedure for a number or frequency of applications clearly beyond a reasonable
//! range: asking the applicant for reasons (说明理由告知书), then deciding — 不予处理 when the
//! reasons are unreasonable or none came, or a reasonable later deadline (延迟答复告知书) when
//! they are reasonable.
//!
//! Both steps are open only on a case whose mass-application screening flag a person has
//! confirmed (`yishen_domain::screening::offers_article_35`): no flag changes a case by itself,
//! and 不予处理 without first asking for reasons is a defect reconsideration corrects
//! (legal.md §6.5). 不予处理 is then drafted, reviewed and issued like any reply (the draft
//! check `article35_steps_missing` holds it until the decision is recorded).

use chrono::NaiveDate;
use yishen_domain::case::{Action, Article35Outcome, CaseEvent, JointConsultation, checks};
use yishen_domain::screening::offers_article_35;
use yishen_letters::LetterKind;
use yishen_store::CaseId;
use yishen_store::models::case::CaseChanges;
use yishen_store::models::flag as flag_store;

use super::actions::{cal_err, notice, on_or_today};
use super::views::CaseView;
use super::{Step, act};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::issuing as letters;

/// A required text within its limits, or the field's problem.
fn text(
    field: &str,
    v: Option<&str>,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, AppError> {
    super::commands::text(field, v, min, max, what).map_err(|i| AppError::Validation(vec![i]))
}

const REASONS_MIN: usize = 4;
const REASONS_MAX: usize = 1000;
const PARTICIPANTS_MAX: usize = 500;
const MINUTES_MAX: usize = 5000;

/// 条例35 step one as the action takes it; checked against the case and today there.
#[derive(Debug, Clone, Default)]
pub struct ReasonsRequest {
    /// The counts as the notice states them, as a clause without a final 。
    /// ("您于2026年1月至3月内累计向本机关提出政府信息公开申请120件").
    pub reasons: Option<String>,
    /// The day by which the applicant is to give reasons.
    pub deadline: Option<NaiveDate>,
    pub on: Option<NaiveDate>,
}

/// The confirmed mass-application flag of the case, if any.
fn confirmed_mass_flag(conn: &mut yishen_store::DbConn, case_id: CaseId) -> Result<i64, AppError> {
    let flag = flag_store::for_case(conn, case_id)?
        .into_iter()
        .find(|f| offers_article_35(f.kind, f.status));
    checks::may_use_article35(flag.is_some())?;
    Ok(flag.map(|f| f.id).unwrap_or_default())
}

/// 条例35 step one: the 说明理由告知书, by the handler.
pub async fn request_reasons(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: ReasonsRequest,
) -> Result<CaseView, AppError> {
    let reasons = text(
        "reasons",
        body.reasons.as_deref(),
        REASONS_MIN,
        REASONS_MAX,
        "申请数量、频次情况",
    )?;
    let reasons = reasons.trim_end_matches('。').to_owned();
    let on = on_or_today(state.today(), body.on)?;
    let deadline = body
        .deadline
        .ok_or_else(|| AppError::field("deadline", "required", "请填写说明理由的期限"))?;
    if deadline <= on {
        return Err(AppError::field(
            "deadline",
            "too_early",
            "说明理由的期限须晚于告知之日",
        ));
    }
    let templates = state.templates.clone();
    act(
        state,
        actor,
        id,
        if_match,
        Action::RequestReasons,
        move |conn, loaded, actor| {
            let flag_id = confirmed_mass_flag(conn, loaded.case.id)?;
            checks::may_request_reasons(&loaded.events)?;
            let letter = notice(
                conn,
                &templates,
                loaded,
                LetterKind::ReasonsRequest,
                vec![
                    ("reasons", reasons.clone()),
                    ("deadline", letters::chinese_date(deadline)),
                ],
                on,
                actor.id,
            )?;
            Ok(Step {
                events: vec![
                    (
                        on,
                        CaseEvent::ReasonsRequested {
                            flag_id,
                            reasons,
                            deadline,
                        },
                    ),
                    letter,
                ],
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}

/// The 联合会商 that decided, as given.
#[derive(Debug, Clone, Default)]
pub struct ConsultationRecord {
    pub held_on: Option<NaiveDate>,
    /// Who took part (departments, names, experts).
    pub participants: Option<String>,
    pub minutes: Option<String>,
}

/// 条例35 step two as the action takes it; checked against the case and today there.
#[derive(Debug, Clone, Default)]
pub struct Article35Decision {
    /// 不予处理 (理由不合理或逾期未说明) or a later deadline (理由合理，延迟答复).
    pub outcome: Option<Article35Outcome>,
    /// The applicant's reasons as received; leave out when none came by the deadline.
    pub applicant_reasons: Option<String>,
    /// The 联合会商 that decided, when one was held (legal.md §6.3).
    pub consultation: Option<ConsultationRecord>,
    /// `later_deadline`: the reasonable later deadline (a working day after the current due
    /// date).
    pub due_on: Option<NaiveDate>,
    /// `later_deadline`: why the answer needs longer, printed in the notice.
    pub delay_reasons: Option<String>,
    /// Why the agency decided so (kept on the case).
    pub note: Option<String>,
    pub on: Option<NaiveDate>,
}

fn consultation(
    today: NaiveDate,
    c: Option<ConsultationRecord>,
) -> Result<Option<JointConsultation>, AppError> {
    let Some(c) = c else { return Ok(None) };
    let held_on = c
        .held_on
        .ok_or_else(|| AppError::field("consultation.held_on", "required", "请填写会商日期"))?;
    if held_on > today {
        return Err(AppError::field(
            "consultation.held_on",
            "date_in_future",
            "日期不能晚于今天",
        ));
    }
    Ok(Some(JointConsultation {
        held_on,
        participants: text(
            "consultation.participants",
            c.participants.as_deref(),
            2,
            PARTICIPANTS_MAX,
            "参加会商的单位和人员",
        )?,
        minutes: text(
            "consultation.minutes",
            c.minutes.as_deref(),
            REASONS_MIN,
            MINUTES_MAX,
            "会商纪要",
        )?,
    }))
}

/// 条例35 step two, by the approver: 不予处理, or a reasonable later deadline.
pub async fn decide(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: Article35Decision,
) -> Result<CaseView, AppError> {
    let outcome = body
        .outcome
        .ok_or_else(|| AppError::field("outcome", "required", "请选择处理决定"))?;
    let applicant_reasons = match body.applicant_reasons.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(_) => Some(text(
            "applicant_reasons",
            body.applicant_reasons.as_deref(),
            1,
            REASONS_MAX,
            "申请人说明的理由",
        )?),
    };
    let note = text(
        "note",
        body.note.as_deref(),
        REASONS_MIN,
        REASONS_MAX,
        "处理决定的理由",
    )?;
    let consultation = consultation(state.today(), body.consultation)?;
    let on = on_or_today(state.today(), body.on)?;
    let later = match outcome {
        Article35Outcome::NotProcessed => {
            if body.due_on.is_some() || body.delay_reasons.is_some() {
                return Err(AppError::field(
                    "due_on",
                    "not_allowed",
                    "不予处理时不填写延迟答复期限",
                ));
            }
            None
        }
        Article35Outcome::LaterDeadline => {
            if applicant_reasons.is_none() {
                return Err(AppError::field(
                    "applicant_reasons",
                    "required",
                    "确定延迟答复期限，须以申请人说明的理由合理为前提，请填写申请人说明的理由",
                ));
            }
            let due_on = body
                .due_on
                .ok_or_else(|| AppError::field("due_on", "required", "请填写延迟答复的期限"))?;
            let why = text(
                "delay_reasons",
                body.delay_reasons.as_deref(),
                REASONS_MIN,
                REASONS_MAX,
                "无法按期答复的原因",
            )?;
            Some((due_on, why.trim_end_matches('。').to_owned()))
        }
    };
    let templates = state.templates.clone();
    act(
        state,
        actor,
        id,
        if_match,
        Action::DecideArticle35,
        move |conn, loaded, actor| {
            confirmed_mass_flag(conn, loaded.case.id)?;
            checks::may_decide_article35(&loaded.events, outcome, applicant_reasons.is_some(), on)?;
            let mut events = Vec::new();
            let (later_due_on, later_days) = match &later {
                None => (None, None),
                Some((due_on, why)) => {
                    let clock = loaded.clock().map_err(cal_err)?;
                    let current = checks::known_due_date(clock.due_on)?;
                    if *due_on <= current {
                        return Err(AppError::field(
                            "due_on",
                            "too_early",
                            format!(
                                "延迟答复的期限须晚于现答复期限（{}）",
                                letters::chinese_date(current)
                            ),
                        ));
                    }
                    if !loaded.calendar.is_working_day(*due_on)? {
                        return Err(AppError::field(
                            "due_on",
                            "not_working_day",
                            "延迟答复的期限须为工作日",
                        ));
                    }
                    let days = loaded.calendar.working_days_between(current, *due_on)?;
                    // 条例35: the applicant is told of the later deadline.
                    events.push(notice(
                        conn,
                        &templates,
                        loaded,
                        LetterKind::LaterDeadlineNotice,
                        vec![
                            ("reasons", why.clone()),
                            ("due_date", letters::chinese_date(*due_on)),
                        ],
                        on,
                        actor.id,
                    )?);
                    (Some(*due_on), Some(days))
                }
            };
            events.insert(
                0,
                (
                    on,
                    CaseEvent::Article35Decided {
                        outcome,
                        applicant_reasons,
                        consultation,
                        later_due_on,
                        later_days,
                        note,
                    },
                ),
            );
            Ok(Step {
                events,
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}
