//! What became of a reply: reconsideration (行政复议) and litigation (行政诉讼) records.
//! Reconsideration bodies record reconsiderations for the cases of their subtree; the
//! agency's own staff record suits. A record filed while pending gets its decision later.
//! `yishen import` parses its outcome objects with the same functions.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use yishen_domain::Role;
use yishen_domain::case::{Action, CaseEvent};
use yishen_domain::outcome::{
    CorrectionDefect, LitigationInstance, LitigationOutcome, NewReplyPeriod, OutcomeBucket,
    OutcomeRecord, PeriodUnit, ReconsiderationDecision, record_hash,
};
use yishen_store::models::case as case_store;
use yishen_store::models::outcome::{
    self, Litigation, LitigationChanges, NewLitigation, NewReconsideration, Reconsideration,
    ReconsiderationChanges,
};
use yishen_store::{AgencyId, CaseId};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue, Fields};
use crate::policy;
use crate::services::flags::HistoryChange;

const NAME_MAX: usize = 200;
const REASONS_MAX: usize = 5000;

/// A reconsideration as recorded (`POST …/reconsiderations`, and the import line's object).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReconsiderationIn {
    pub body_name: Option<String>,
    pub filed_on: Option<NaiveDate>,
    /// `altered`, `revoked`, `confirmed_illegal`, `ordered_to_perform`, `confirmed_void`,
    /// `upheld`, `rejected`, `terminated`.
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    /// For a corrected reply: `overdue`, `insufficient_search`, `reasons_not_given`,
    /// `wrong_ground`, `procedure`.
    pub defect: Option<String>,
    /// With `revoked`, `confirmed_illegal` (optional) or `ordered_to_perform` (required): the
    /// period the decision sets for a new reply; the case opens again (not in imports).
    #[serde(default)]
    pub new_reply_within: Option<u32>,
    /// `working_days` (default) or `days`.
    #[serde(default)]
    pub new_reply_unit: Option<String>,
}

/// A suit as recorded (`POST …/litigations`, and the import line's object).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LitigationIn {
    pub court: Option<String>,
    pub via_reconsideration: Option<bool>,
    /// `first` (default) or `second`.
    pub instance: Option<String>,
    pub filed_on: Option<NaiveDate>,
    /// `upheld`, `corrected`, `other`.
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    /// With `corrected`: the period the judgment sets for a new reply; the case opens again
    /// (not in imports).
    #[serde(default)]
    pub new_reply_within: Option<u32>,
    /// `working_days` (default) or `days`.
    #[serde(default)]
    pub new_reply_unit: Option<String>,
}

/// The order to answer anew a decision carries, checked against the decision: only 撤销,
/// 确认违法 and 责令履行 (a corrected judgment) may carry one ([`period_needed`] says when
/// 责令履行 must).
fn new_reply_period(
    within: Option<u32>,
    unit: Option<&str>,
    may: bool,
    issues: &mut Fields,
) -> Option<NewReplyPeriod> {
    let unit = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        None => PeriodUnit::WorkingDays,
        Some(u) => match PeriodUnit::parse(u) {
            Some(u) => u,
            None => {
                issues.push(FieldIssue::new(
                    "new_reply_unit",
                    "unknown_value",
                    format!("期限单位无效，可选：{}", PeriodUnit::codes()),
                ));
                return None;
            }
        },
    };
    match within {
        None => None,
        Some(_) if !may => {
            issues.push(FieldIssue::new(
                "new_reply_within",
                "not_allowed",
                "只有撤销、确认违法、责令履行（或判决纠正）的决定才能责令重新答复",
            ));
            None
        }
        Some(n) => match NewReplyPeriod::new(n, unit) {
            Ok(p) => Some(p),
            Err(message) => {
                issues.push(FieldIssue::new("new_reply_within", "out_of_range", message));
                None
            }
        },
    }
}

/// A 422 naming `new_reply_within` when the decision must carry a period on a case in
/// `status` and does not (the rule is the domain's).
fn period_needed(
    decision: Option<ReconsiderationDecision>,
    status: yishen_domain::case::Status,
    period: Option<NewReplyPeriod>,
) -> Result<(), AppError> {
    let required = decision.is_some_and(|d| d.requires_period(status));
    if required && period.is_none() {
        return Err(AppError::field(
            "new_reply_within",
            "required",
            "责令履行的决定须写明重新答复的期限（复议法第六十六条），案件据此重新办理",
        ));
    }
    Ok(())
}

/// The decision's code as parsed (if it is one) and the new-reply period it carries.
fn decision_and_period<T: Copy>(
    code: Option<&str>,
    parse: fn(&str) -> Option<T>,
    may_order: fn(T) -> bool,
    within: Option<u32>,
    unit: Option<&str>,
    issues: &mut Fields,
) -> (Option<T>, Option<NewReplyPeriod>) {
    let decision = code.and_then(|c| parse(c.trim()));
    let period = new_reply_period(within, unit, decision.is_some_and(may_order), issues);
    (decision, period)
}

/// Opens the case again for a new reply (inside the recording transaction): the decision's
/// period gives the deadline on the holiday calendar; a date in a year without holiday data
/// is refused (409) rather than guessed.
#[allow(clippy::too_many_arguments)]
fn order_new_reply(
    conn: &mut yishen_store::DbConn,
    scope: &yishen_store::models::case::CaseScope,
    actor: &Actor,
    case_id: CaseId,
    by: String,
    decision: &'static str,
    decided_on: NaiveDate,
    period: NewReplyPeriod,
    today: NaiveDate,
) -> Result<(), AppError> {
    use crate::services::cases::{self, Step};
    let loaded = cases::load(conn, scope, case_id, today)?;
    let to = Action::OrderNewReply
        .apply(loaded.case.status, Some(actor.role))
        .map_err(|e| match e {
            yishen_domain::case::TransitionError::NotAllowedInState { .. } => AppError::Conflict {
                code: "action_not_allowed_in_state",
                detail: "案件尚未收到或已撤回、视为放弃，不能登记责令重新答复".into(),
            },
            other => cases::transition_error(other),
        })?;
    let due_on = period
        .due_on(decided_on, &loaded.calendar)
        .map_err(|e| match e {
            yishen_domain::CalendarError::YearNotCovered { year } => {
                AppError::NoticeDateNotCovered { year }
            }
            other => other.into(),
        })?;
    let on = today.max(loaded.last_on().unwrap_or(today));
    let step = Step {
        events: vec![(
            on,
            CaseEvent::NewReplyOrdered {
                by,
                decision: decision.to_owned(),
                decided_on,
                period: period.words(),
                due_on,
            },
        )],
        changes: Default::default(),
    };
    cases::finish(conn, &loaded, step, to, Some(actor.id))
}

/// The hash a reconsideration record is fixed by in its case's events: every field a person
/// entered, as stored (the times of entry are the events' own).
pub fn reconsideration_hash(case_ref: &str, r: &outcome::Reconsideration) -> String {
    let filed = r.filed_on.to_string();
    let decided = r.decided_on.map(|d| d.to_string());
    record_hash(
        case_ref,
        OutcomeRecord::Reconsideration,
        r.id,
        &[
            Some(&r.body_name),
            Some(&filed),
            r.decision.as_deref(),
            decided.as_deref(),
            r.reasons.as_deref(),
            r.defect.as_deref(),
        ],
    )
}

/// The hash a suit's record is fixed by in its case's events.
pub fn litigation_hash(case_ref: &str, l: &outcome::Litigation) -> String {
    let filed = l.filed_on.to_string();
    let decided = l.decided_on.map(|d| d.to_string());
    let via = if l.via_reconsideration { "1" } else { "0" };
    record_hash(
        case_ref,
        OutcomeRecord::Litigation,
        l.id,
        &[
            Some(&l.court),
            Some(via),
            Some(&filed),
            l.outcome.as_deref(),
            decided.as_deref(),
            Some(&l.instance),
            l.reasons.as_deref(),
        ],
    )
}

/// Fixes an outcome record as it now stands in its case's event chain, in the caller's
/// transaction (after any order to answer anew it made), so that `yishen audit verify` finds
/// a record changed, added or removed behind the system's back.
pub fn seal(
    conn: &mut yishen_store::DbConn,
    scope: &yishen_store::models::case::CaseScope,
    actor_id: Option<yishen_store::UserId>,
    case_id: CaseId,
    record: OutcomeRecord,
    id: i64,
    today: NaiveDate,
) -> Result<(), AppError> {
    use crate::services::cases::{self, Step};
    let loaded = cases::load(conn, scope, case_id, today)?;
    let case_ref = loaded.case.tracking_no.as_str();
    let sha256 = match record {
        OutcomeRecord::Reconsideration => {
            outcome::find_reconsideration(conn, id)?.map(|r| reconsideration_hash(case_ref, &r))
        }
        OutcomeRecord::Litigation => {
            outcome::find_litigation(conn, id)?.map(|l| litigation_hash(case_ref, &l))
        }
    }
    .ok_or_else(|| anyhow::anyhow!("outcome record {id} vanished"))?;
    let on = today.max(loaded.last_on().unwrap_or(today));
    let step = Step {
        events: vec![(
            on,
            CaseEvent::OutcomeRecorded {
                record,
                record_id: id,
                sha256,
            },
        )],
        changes: Default::default(),
    };
    cases::finish(conn, &loaded, step, loaded.case.status, actor_id)
}

fn name(field: String, v: Option<String>, issues: &mut Fields, what: &str) -> Option<String> {
    match v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()) {
        None => {
            issues.push(FieldIssue::new(field, "required", format!("请填写{what}")));
            None
        }
        Some(s) if s.chars().count() > NAME_MAX => {
            issues.push(FieldIssue::new(
                field,
                "length",
                format!("不超过{NAME_MAX}个字符"),
            ));
            None
        }
        Some(s) => Some(s),
    }
}

fn reasons(field: String, v: Option<String>, issues: &mut Fields) -> Option<String> {
    let v = v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    if v.as_ref().is_some_and(|s| s.chars().count() > REASONS_MAX) {
        issues.push(FieldIssue::new(
            field,
            "length",
            format!("不超过{REASONS_MAX}个字符"),
        ));
        return None;
    }
    v
}

fn code<T>(
    field: String,
    raw: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    issues: &mut Fields,
    message: String,
) -> Option<T> {
    let raw = raw?;
    let v = parse(raw.trim());
    if v.is_none() {
        issues.push(FieldIssue::new(field, "unknown_value", message));
    }
    v
}

/// Dates: filed not in the future, decided not before filed nor in the future, and a
/// decision date only with a decision.
fn dates(
    prefix: &str,
    filed_on: Option<NaiveDate>,
    decided_on: Option<NaiveDate>,
    has_decision: bool,
    today: NaiveDate,
    issues: &mut Fields,
) {
    if filed_on.is_none() {
        issues.push(FieldIssue::new(
            format!("{prefix}filed_on"),
            "required",
            "请填写提起之日",
        ));
    }
    if filed_on.is_some_and(|f| f > today) {
        issues.push(FieldIssue::new(
            format!("{prefix}filed_on"),
            "date_in_future",
            "日期不能晚于今天",
        ));
    }
    if let Some(d) = decided_on {
        if !has_decision {
            issues.push(FieldIssue::new(
                format!("{prefix}decided_on"),
                "needs_decision",
                "有决定或裁判日期时须写明结果",
            ));
        }
        if d > today {
            issues.push(FieldIssue::new(
                format!("{prefix}decided_on"),
                "date_in_future",
                "日期不能晚于今天",
            ));
        }
        if filed_on.is_some_and(|f| d < f) {
            issues.push(FieldIssue::new(
                format!("{prefix}decided_on"),
                "before_filing",
                "决定或裁判日期不能早于提起之日",
            ));
        }
    }
}

/// Parses a reconsideration; `prefix` names the fields (`reconsideration.` in an import line).
pub fn parse_reconsideration(
    r: ReconsiderationIn,
    prefix: &str,
    today: NaiveDate,
    issues: &mut Fields,
) -> Option<NewReconsideration> {
    let body_name = name(
        format!("{prefix}body_name"),
        r.body_name,
        issues,
        "复议机关名称",
    );
    let decision = code(
        format!("{prefix}decision"),
        r.decision.as_deref(),
        ReconsiderationDecision::parse,
        issues,
        format!("复议结果无效，可选：{}", ReconsiderationDecision::codes()),
    );
    let defect = code(
        format!("{prefix}defect"),
        r.defect.as_deref(),
        CorrectionDefect::parse,
        issues,
        format!("纠错原因无效，可选：{}", CorrectionDefect::codes()),
    );
    if defect.is_some() && decision.is_none_or(|d| d.bucket() != OutcomeBucket::Corrected) {
        issues.push(FieldIssue::new(
            format!("{prefix}defect"),
            "not_corrected",
            "只有结果纠正的复议决定才记录纠错原因",
        ));
    }
    dates(
        prefix,
        r.filed_on,
        r.decided_on,
        r.decision.is_some(),
        today,
        issues,
    );
    let reasons = reasons(format!("{prefix}reasons"), r.reasons, issues);
    Some(NewReconsideration {
        case_id: CaseId(0),
        body_name: body_name?,
        filed_on: r.filed_on?,
        decision: decision.map(|d| d.as_str().to_owned()),
        decided_on: r.decided_on,
        reasons,
        created_at: yishen_store::now(),
        defect: defect.map(|d| d.as_str().to_owned()),
        created_by: None,
    })
}

/// Parses a suit; `prefix` names the fields (`litigation.` in an import line).
pub fn parse_litigation(
    l: LitigationIn,
    prefix: &str,
    today: NaiveDate,
    issues: &mut Fields,
) -> Option<NewLitigation> {
    let court = name(format!("{prefix}court"), l.court, issues, "法院名称");
    if l.via_reconsideration.is_none() {
        issues.push(FieldIssue::new(
            format!("{prefix}via_reconsideration"),
            "required",
            "请写明是否经复议后起诉",
        ));
    }
    let outcome = code(
        format!("{prefix}outcome"),
        l.outcome.as_deref(),
        LitigationOutcome::parse,
        issues,
        format!("诉讼结果无效，可选：{}", LitigationOutcome::codes()),
    );
    let instance = match l.instance.as_deref() {
        None => Some(LitigationInstance::First),
        raw => code(
            format!("{prefix}instance"),
            raw,
            LitigationInstance::parse,
            issues,
            format!("审级无效，可选：{}", LitigationInstance::codes()),
        ),
    };
    dates(
        prefix,
        l.filed_on,
        l.decided_on,
        l.outcome.is_some(),
        today,
        issues,
    );
    let reasons = reasons(format!("{prefix}reasons"), l.reasons, issues);
    Some(NewLitigation {
        case_id: CaseId(0),
        court: court?,
        via_reconsideration: l.via_reconsideration?,
        filed_on: l.filed_on?,
        outcome: outcome.map(|o| o.as_str().to_owned()),
        decided_on: l.decided_on,
        created_at: yishen_store::now(),
        instance: instance?.as_str().to_owned(),
        reasons,
        created_by: None,
    })
}

/// How an outcome record is shown.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconsiderationView {
    pub id: i64,
    pub case_id: CaseId,
    pub body_name: String,
    pub filed_on: NaiveDate,
    pub decision: Option<String>,
    pub decision_label: Option<&'static str>,
    /// 结果维持, 结果纠正, 其他结果 or 尚未审结 (table 四).
    pub bucket: &'static str,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    pub defect: Option<String>,
    pub defect_label: Option<&'static str>,
}

fn reconsideration_view(r: Reconsideration) -> ReconsiderationView {
    let decision = r
        .decision
        .as_deref()
        .and_then(ReconsiderationDecision::parse);
    let defect = r.defect.as_deref().and_then(CorrectionDefect::parse);
    ReconsiderationView {
        id: r.id,
        case_id: r.case_id,
        body_name: r.body_name,
        filed_on: r.filed_on,
        decision_label: decision.map(ReconsiderationDecision::label),
        bucket: decision
            .map(ReconsiderationDecision::bucket)
            .unwrap_or(OutcomeBucket::Pending)
            .label(),
        decision: r.decision,
        decided_on: r.decided_on,
        reasons: r.reasons,
        defect_label: defect.map(CorrectionDefect::label),
        defect: r.defect,
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LitigationView {
    pub id: i64,
    pub case_id: CaseId,
    pub court: String,
    pub via_reconsideration: bool,
    pub instance: String,
    pub filed_on: NaiveDate,
    pub outcome: Option<String>,
    pub bucket: &'static str,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
}

fn litigation_view(l: Litigation) -> LitigationView {
    let outcome = l.outcome.as_deref().and_then(LitigationOutcome::parse);
    LitigationView {
        id: l.id,
        case_id: l.case_id,
        court: l.court,
        via_reconsideration: l.via_reconsideration,
        instance: l.instance,
        filed_on: l.filed_on,
        bucket: outcome
            .map(LitigationOutcome::bucket)
            .unwrap_or(OutcomeBucket::Pending)
            .label(),
        outcome: l.outcome,
        decided_on: l.decided_on,
        reasons: l.reasons,
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutcomesView {
    pub reconsiderations: Vec<ReconsiderationView>,
    pub litigations: Vec<LitigationView>,
}

/// Whether the actor may record an outcome of this kind on the case, asked before the
/// request's body is read: a case they cannot see is 404 and a role that may not record is
/// 403, whatever the body says.
pub async fn may_record(
    state: &Ctx,
    actor: &Actor,
    case_id: CaseId,
    record: OutcomeRecord,
) -> Result<(), AppError> {
    may_act_on(state, actor, record, "案件", move |_| Ok(Some(case_id))).await
}

/// Whether the actor may enter the decision on this record, asked before the body is read.
pub async fn may_decide(
    state: &Ctx,
    actor: &Actor,
    record: OutcomeRecord,
    id: i64,
) -> Result<(), AppError> {
    let missing = match record {
        OutcomeRecord::Reconsideration => "行政复议记录",
        OutcomeRecord::Litigation => "行政诉讼记录",
    };
    may_act_on(state, actor, record, missing, move |conn| {
        Ok(match record {
            OutcomeRecord::Reconsideration => {
                outcome::find_reconsideration(conn, id)?.map(|r| r.case_id)
            }
            OutcomeRecord::Litigation => outcome::find_litigation(conn, id)?.map(|l| l.case_id),
        })
    })
    .await
}

/// The role, then the case (`case_of` finds it; `missing` names what is not there), then the
/// agency for a suit.
async fn may_act_on(
    state: &Ctx,
    actor: &Actor,
    record: OutcomeRecord,
    missing: &'static str,
    case_of: impl FnOnce(&mut yishen_store::DbConn) -> Result<Option<CaseId>, AppError> + Send + 'static,
) -> Result<(), AppError> {
    if record == OutcomeRecord::Reconsideration {
        may_record_reconsideration(actor)?;
    }
    let scope = policy::case_scope(actor)?;
    let actor = actor.clone();
    state
        .read(move |conn| {
            let case = match case_of(conn)? {
                Some(id) => case_store::find(conn, id, &scope)?,
                None => None,
            };
            let Some((case, _, _)) = case else {
                return Err(AppError::NotFound(missing));
            };
            if record == OutcomeRecord::Litigation {
                may_record_litigation(&actor, case.agency_id)?;
            }
            Ok(())
        })
        .await
}

/// Reconsiderations are recorded by the reconsideration body over the case's agency.
fn may_record_reconsideration(actor: &Actor) -> Result<(), AppError> {
    match actor.role {
        Role::ReconsiderationBody | Role::Sysadmin => Ok(()),
        _ => Err(AppError::Forbidden(
            "只有行政复议机关可以登记行政复议情况".into(),
        )),
    }
}

/// Suits are recorded by the agency's own staff.
fn may_record_litigation(actor: &Actor, case_agency: AgencyId) -> Result<(), AppError> {
    match actor.role {
        Role::Handler | Role::LegalAdviser | Role::Approver | Role::AgencyAdmin => {
            policy::act_on_case(actor, case_agency)
        }
        _ => Err(AppError::Forbidden(
            "只有本机关的承办人、法制审核人员、负责人或机关管理员可以登记行政诉讼情况".into(),
        )),
    }
}

fn not_before_receipt(filed_on: NaiveDate, received_on: Option<NaiveDate>) -> Result<(), AppError> {
    match yishen_domain::case::checks::may_record_outcome(received_on)? {
        r if filed_on < r => Err(AppError::field(
            "filed_on",
            "before_receipt",
            "提起之日不能早于收到申请之日",
        )),
        _ => Ok(()),
    }
}

pub async fn record_reconsideration(
    state: &Ctx,
    actor: &Actor,
    case_id: CaseId,
    body: ReconsiderationIn,
) -> Result<ReconsiderationView, AppError> {
    may_record_reconsideration(actor)?;
    let today = state.today();
    let mut issues = Fields::default();
    let (decision, period) = decision_and_period(
        body.decision.as_deref(),
        ReconsiderationDecision::parse,
        ReconsiderationDecision::may_order_new_reply,
        body.new_reply_within,
        body.new_reply_unit.as_deref(),
        &mut issues,
    );
    let new = parse_reconsideration(body, "", today, &mut issues);
    let mut new = match new {
        Some(n) if issues.is_empty() => n,
        _ => return Err(AppError::Validation(issues.into_issues())),
    };
    let scope = policy::case_scope(actor)?;
    new.created_by = Some(actor.id);
    let actor = actor.clone();
    let view = state
        .write(move |conn| {
            let (case, _, _) =
                case_store::find(conn, case_id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            not_before_receipt(new.filed_on, case.received_on)?;
            new.case_id = case.id;
            period_needed(decision, case.status, period)?;
            if let (Some(period), Some(d), Some(on)) = (period, decision, new.decided_on) {
                let by = format!("行政复议机关{}", new.body_name);
                order_new_reply(
                    conn,
                    &scope,
                    &actor,
                    case.id,
                    by,
                    d.label(),
                    on,
                    period,
                    today,
                )?;
            }
            let id = outcome::insert_reconsideration_returning(conn, &new)?;
            seal(
                conn,
                &scope,
                Some(actor.id),
                case.id,
                OutcomeRecord::Reconsideration,
                id,
                today,
            )?;
            // The supervising reconsideration bodies hear of it with the record.
            crate::services::notifications::reconsideration_filed(
                conn,
                &case,
                &new.body_name,
                new.filed_on,
                actor.id,
            )?;
            let r = outcome::find_reconsideration(conn, id)?
                .ok_or_else(|| anyhow::anyhow!("reconsideration {id} vanished"))?;
            Ok(reconsideration_view(r))
        })
        .await?;
    // The cluster's pending proceedings are evidence for its open cases.
    crate::services::flags::after_change(state, view.case_id, HistoryChange::Answered).await;
    Ok(view)
}

pub async fn record_litigation(
    state: &Ctx,
    actor: &Actor,
    case_id: CaseId,
    body: LitigationIn,
) -> Result<LitigationView, AppError> {
    let today = state.today();
    let mut issues = Fields::default();
    let (_, period) = decision_and_period(
        body.outcome.as_deref(),
        LitigationOutcome::parse,
        LitigationOutcome::may_order_new_reply,
        body.new_reply_within,
        body.new_reply_unit.as_deref(),
        &mut issues,
    );
    let new = parse_litigation(body, "", today, &mut issues);
    let mut new = match new {
        Some(n) if issues.is_empty() => n,
        _ => return Err(AppError::Validation(issues.into_issues())),
    };
    let scope = policy::case_scope(actor)?;
    new.created_by = Some(actor.id);
    let actor = actor.clone();
    let view = state
        .write(move |conn| {
            let (case, _, _) =
                case_store::find(conn, case_id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            may_record_litigation(&actor, case.agency_id)?;
            not_before_receipt(new.filed_on, case.received_on)?;
            new.case_id = case.id;
            if let (Some(period), Some(on)) = (period, new.decided_on) {
                let by = format!("人民法院（{}）", new.court);
                order_new_reply(
                    conn,
                    &scope,
                    &actor,
                    case.id,
                    by,
                    "判决纠正",
                    on,
                    period,
                    today,
                )?;
            }
            let id = outcome::insert_litigation_returning(conn, &new)?;
            seal(
                conn,
                &scope,
                Some(actor.id),
                case.id,
                OutcomeRecord::Litigation,
                id,
                today,
            )?;
            let l = outcome::find_litigation(conn, id)?
                .ok_or_else(|| anyhow::anyhow!("litigation {id} vanished"))?;
            Ok(litigation_view(l))
        })
        .await?;
    // The cluster's pending proceedings are evidence for its open cases.
    crate::services::flags::after_change(state, view.case_id, HistoryChange::Answered).await;
    Ok(view)
}

/// A later decision: the outcome fields of the record (its filing stays).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    /// A reconsideration decision or a litigation outcome code.
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    /// Reconsiderations only: the defect a corrected reply had.
    pub defect: Option<String>,
    /// The period the decision sets for a new reply (as on the record).
    #[serde(default)]
    pub new_reply_within: Option<u32>,
    /// `working_days` (default) or `days`.
    #[serde(default)]
    pub new_reply_unit: Option<String>,
}

pub async fn decide_reconsideration(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    body: DecisionIn,
) -> Result<ReconsiderationView, AppError> {
    may_record_reconsideration(actor)?;
    let scope = policy::case_scope(actor)?;
    let today = state.today();
    let actor = actor.clone();
    let view = state
        .write(move |conn| {
            let r = outcome::find_reconsideration(conn, id)?
                .ok_or(AppError::NotFound("行政复议记录"))?;
            let (case, _, _) = case_store::find(conn, r.case_id, &scope)?
                .ok_or(AppError::NotFound("行政复议记录"))?;
            let mut issues = Fields::default();
            let (decision, period) = decision_and_period(
                body.decision.as_deref(),
                ReconsiderationDecision::parse,
                ReconsiderationDecision::may_order_new_reply,
                body.new_reply_within,
                body.new_reply_unit.as_deref(),
                &mut issues,
            );
            if body.decision.is_none() {
                return Err(AppError::field("decision", "required", "请填写复议结果"));
            }
            if body.decided_on.is_none() {
                return Err(AppError::field("decided_on", "required", "请填写决定日期"));
            }
            let parsed = parse_reconsideration(
                ReconsiderationIn {
                    body_name: Some(r.body_name.clone()),
                    filed_on: Some(r.filed_on),
                    decision: body.decision,
                    decided_on: body.decided_on,
                    reasons: body.reasons,
                    defect: body.defect,
                    ..ReconsiderationIn::default()
                },
                "",
                today,
                &mut issues,
            );
            let Some(p) = parsed.filter(|_| issues.is_empty()) else {
                return Err(AppError::Validation(issues.into_issues()));
            };
            period_needed(decision, case.status, period)?;
            if let (Some(period), Some(d), Some(on)) = (period, decision, p.decided_on) {
                let by = format!("行政复议机关{}", r.body_name);
                order_new_reply(
                    conn,
                    &scope,
                    &actor,
                    r.case_id,
                    by,
                    d.label(),
                    on,
                    period,
                    today,
                )?;
            }
            outcome::update_reconsideration(
                conn,
                id,
                &ReconsiderationChanges {
                    decision: Some(p.decision),
                    decided_on: Some(p.decided_on),
                    reasons: Some(p.reasons),
                    defect: Some(p.defect),
                    updated_at: Some(yishen_store::now()),
                },
            )?;
            seal(
                conn,
                &scope,
                Some(actor.id),
                r.case_id,
                OutcomeRecord::Reconsideration,
                id,
                today,
            )?;
            let r = outcome::find_reconsideration(conn, id)?
                .ok_or_else(|| anyhow::anyhow!("reconsideration {id} vanished"))?;
            Ok(reconsideration_view(r))
        })
        .await?;
    // The cluster's pending proceedings are evidence for its open cases.
    crate::services::flags::after_change(state, view.case_id, HistoryChange::Answered).await;
    Ok(view)
}

pub async fn decide_litigation(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    body: DecisionIn,
) -> Result<LitigationView, AppError> {
    let scope = policy::case_scope(actor)?;
    let today = state.today();
    let actor = actor.clone();
    let view = state
        .write(move |conn| {
            let l =
                outcome::find_litigation(conn, id)?.ok_or(AppError::NotFound("行政诉讼记录"))?;
            let (case, _, _) = case_store::find(conn, l.case_id, &scope)?
                .ok_or(AppError::NotFound("行政诉讼记录"))?;
            may_record_litigation(&actor, case.agency_id)?;
            if body.defect.is_some() {
                return Err(AppError::field(
                    "defect",
                    "not_allowed",
                    "纠错原因只记录在行政复议决定上",
                ));
            }
            let mut issues = Fields::default();
            let (_, period) = decision_and_period(
                body.decision.as_deref(),
                LitigationOutcome::parse,
                LitigationOutcome::may_order_new_reply,
                body.new_reply_within,
                body.new_reply_unit.as_deref(),
                &mut issues,
            );
            if body.decision.is_none() {
                return Err(AppError::field("decision", "required", "请填写裁判结果"));
            }
            if body.decided_on.is_none() {
                return Err(AppError::field("decided_on", "required", "请填写裁判日期"));
            }
            let parsed = parse_litigation(
                LitigationIn {
                    court: Some(l.court.clone()),
                    via_reconsideration: Some(l.via_reconsideration),
                    instance: Some(l.instance.clone()),
                    filed_on: Some(l.filed_on),
                    outcome: body.decision,
                    decided_on: body.decided_on,
                    reasons: body.reasons,
                    ..LitigationIn::default()
                },
                "",
                today,
                &mut issues,
            );
            let Some(p) = parsed.filter(|_| issues.is_empty()) else {
                return Err(AppError::Validation(issues.into_issues()));
            };
            if let (Some(period), Some(on)) = (period, p.decided_on) {
                let by = format!("人民法院（{}）", l.court);
                order_new_reply(
                    conn,
                    &scope,
                    &actor,
                    l.case_id,
                    by,
                    "判决纠正",
                    on,
                    period,
                    today,
                )?;
            }
            outcome::update_litigation(
                conn,
                id,
                &LitigationChanges {
                    outcome: Some(p.outcome),
                    decided_on: Some(p.decided_on),
                    reasons: Some(p.reasons),
                    updated_at: Some(yishen_store::now()),
                },
            )?;
            seal(
                conn,
                &scope,
                Some(actor.id),
                l.case_id,
                OutcomeRecord::Litigation,
                id,
                today,
            )?;
            let l = outcome::find_litigation(conn, id)?
                .ok_or_else(|| anyhow::anyhow!("litigation {id} vanished"))?;
            Ok(litigation_view(l))
        })
        .await?;
    // The cluster's pending proceedings are evidence for its open cases.
    crate::services::flags::after_change(state, view.case_id, HistoryChange::Answered).await;
    Ok(view)
}

/// A case's reconsiderations and suits, for whoever may see the case.
pub async fn for_case(
    state: &Ctx,
    actor: &Actor,
    case_id: CaseId,
) -> Result<OutcomesView, AppError> {
    let scope = policy::case_scope(actor)?;
    state
        .read(move |conn| {
            case_store::find(conn, case_id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            Ok(OutcomesView {
                reconsiderations: outcome::reconsiderations_for(conn, case_id)?
                    .into_iter()
                    .map(reconsideration_view)
                    .collect(),
                litigations: outcome::litigations_for(conn, case_id)?
                    .into_iter()
                    .map(litigation_view)
                    .collect(),
            })
        })
        .await
}
