//! The actions on a case between intake and drafting (CONTRACT.md): confirming an online
//! application, 补正, consultations, extension, fees and withdrawal. Each one decides its
//! events from the loaded case and hands them to [`super::act`].

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use yishen_domain::Disposition;
use yishen_domain::case::{Action, CaseEvent, ConsultationOpinion, PartyKind, checks};
use yishen_domain::clock::{self, CONSULTATION_WINDOW, FEE_PAYMENT_WINDOW, MAX_EXTENSION};
use yishen_domain::fees::{self, FeeMode};
use yishen_store::models::case::{self as case_store, CaseChanges};
use yishen_store::models::consultation;

use std::collections::BTreeMap;

use yishen_domain::clock::REPLY_LIMIT;
use yishen_letters::LetterKind;

use super::views::CaseView;
use super::{Step, act, is_applicant};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue};
use crate::services::issuing as letters;

const ITEM_MAX: usize = 500;
const REASON_MIN: usize = 4;
const REASON_MAX: usize = 1000;
const PARTY_MAX: usize = 100;
const MAX_PAGES: u32 = 1_000_000;

pub(super) fn text(
    field: &str,
    v: Option<&str>,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, AppError> {
    let s = v.map(str::trim).unwrap_or("");
    let n = s.chars().count();
    if n == 0 {
        return Err(AppError::field(field, "required", format!("请填写{what}")));
    }
    if n < min || n > max {
        return Err(AppError::field(
            field,
            "length",
            format!("长度须在{min}至{max}个字符之间（现为{n}个）"),
        ));
    }
    Ok(s.to_owned())
}

/// The date of an act: given (paper events recorded afterwards) or today; never in the future.
pub(super) fn on_or_today(today: NaiveDate, on: Option<NaiveDate>) -> Result<NaiveDate, AppError> {
    on_field(today, "on", on)
}

fn on_field(today: NaiveDate, field: &str, on: Option<NaiveDate>) -> Result<NaiveDate, AppError> {
    match on {
        Some(d) if d > today => Err(AppError::field(field, "date_in_future", "日期不能晚于今天")),
        Some(d) => Ok(d),
        None => Ok(today),
    }
}

/// Applicants act online, on the day itself: they cannot backdate.
fn applicant_on(
    today: NaiveDate,
    actor: &Actor,
    on: Option<NaiveDate>,
) -> Result<NaiveDate, AppError> {
    if is_applicant(actor) && on.is_some_and(|d| d != today) {
        return Err(AppError::field(
            "on",
            "not_allowed",
            "申请人在网上办理时不能指定日期",
        ));
    }
    Ok(on.unwrap_or(today))
}

pub(super) fn cal_err(e: yishen_domain::clock::ClockError) -> AppError {
    match e {
        yishen_domain::clock::ClockError::YearNotCovered { year } => {
            AppError::NoticeDateNotCovered { year }
        }
        other => AppError::Internal(anyhow::anyhow!("clock: {other}")),
    }
}

/// The receipt's "（即……前）": the due date when it can be counted, nothing while its year
/// has no holiday data (a date that cannot be known is never printed; the receipt still states
/// the 20 working days of 条例33, which is what binds).
fn due_clause(cal: &yishen_domain::Calendar, from: NaiveDate, n: u32) -> String {
    cal.add_working_days(from, n)
        .map(|d| format!("（即{}前）", letters::chinese_date(d)))
        .unwrap_or_default()
}

/// A date a notice will print: refused (409) when its year has no holiday data.
fn add_wd(cal: &yishen_domain::Calendar, from: NaiveDate, n: u32) -> Result<NaiveDate, AppError> {
    cal.add_working_days(from, n).map_err(|e| match e {
        yishen_domain::CalendarError::YearNotCovered { year } => {
            AppError::NoticeDateNotCovered { year }
        }
        other => other.into(),
    })
}

/// Issues a procedural notice of the case in the action's transaction; returns its event.
pub(super) fn notice(
    conn: &mut yishen_store::DbConn,
    templates: &yishen_letters::Templates,
    loaded: &super::Loaded,
    kind: LetterKind,
    extra: Vec<(&str, String)>,
    on: NaiveDate,
    actor_id: i64,
) -> Result<(NaiveDate, CaseEvent), AppError> {
    let extra: BTreeMap<String, String> =
        extra.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let (id, number) = letters::issue_letter(
        conn,
        templates,
        &loaded.case,
        kind,
        None,
        extra,
        on,
        Some(actor_id),
    )?;
    Ok((on, letters::notice_event(id, kind, number)))
}

/// The 受理回执: tells the applicant the receipt date and the due date.
pub(super) fn receipt(
    conn: &mut yishen_store::DbConn,
    templates: &yishen_letters::Templates,
    loaded: &super::Loaded,
    received_on: NaiveDate,
    actor_id: i64,
) -> Result<(NaiveDate, CaseEvent), AppError> {
    notice(
        conn,
        templates,
        loaded,
        LetterKind::Receipt,
        vec![
            ("received_date", letters::chinese_date(received_on)),
            (
                "due_clause",
                due_clause(&loaded.calendar, received_on, REPLY_LIMIT),
            ),
        ],
        received_on,
        actor_id,
    )
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The day the agency and the applicant confirmed the application (条例31(三)).
    pub received_on: Option<NaiveDate>,
}

/// A clerk confirms an online application; the clock starts from `received_on`.
pub async fn confirm(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: ConfirmBody,
) -> Result<CaseView, AppError> {
    let received_on = on_field(state.today(), "received_on", body.received_on)?;
    let templates = state.templates.clone();
    act(
        state,
        actor,
        id,
        if_match,
        Action::Confirm,
        move |conn, loaded, actor| {
            super::check_on("received_on", received_on, loaded.today, loaded.last_on())?;
            let receipt = receipt(conn, &templates, loaded, received_on, actor.id)?;
            Ok(Step {
                events: vec![(received_on, CaseEvent::Confirmed { received_on }), receipt],
                changes: CaseChanges {
                    received_on: Some(Some(received_on)),
                    ..Default::default()
                },
            })
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// What must be corrected, one item per entry.
    pub items: Option<Vec<String>>,
    /// The applicant's period in working days (default: the agency's setting, 15).
    pub due_in_working_days: Option<u32>,
    pub on: Option<NaiveDate>,
    /// Required when the notice goes out more than 7 working days after receipt (条例30).
    pub late_reason: Option<String>,
}

/// The one-time 补正 notice (条例30): the clock stops until the corrected application arrives.
pub async fn request_correction(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: CorrectionBody,
) -> Result<CaseView, AppError> {
    let items: Vec<String> = body
        .items
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect();
    if items.is_empty() {
        return Err(AppError::field(
            "items",
            "required",
            "请逐项写明需要补正的事项（条例第三十条：一次性告知）",
        ));
    }
    let mut bad = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.chars().count() > ITEM_MAX {
            bad.push(FieldIssue::new(
                format!("items[{i}]"),
                "length",
                format!("每项不超过{ITEM_MAX}个字符"),
            ));
        }
    }
    if !bad.is_empty() {
        return Err(AppError::Validation(bad));
    }
    let on = on_or_today(state.today(), body.on)?;
    let late_reason = body
        .late_reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let period_asked = body.due_in_working_days;
    let templates = state.templates.clone();
    act(state, actor, id, if_match, Action::RequestCorrection, move |conn, loaded, actor| {
        checks::may_request_correction(&loaded.events)?;
        let period = period_asked.unwrap_or(loaded.rules.correction_period_days);
        let max = yishen_domain::case::rules::MAX_CORRECTION_PERIOD;
        if period == 0 || period > max {
            return Err(AppError::field(
                "due_in_working_days",
                "out_of_range",
                format!("补正期限须在1至{max}个工作日之间"),
            ));
        }
        let received_on = loaded.case.received_on.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("received case without receipt date"))
        })?;
        let late = clock::correction_notice_late(received_on, on, &loaded.calendar).map_err(cal_err)?;
        if late && late_reason.is_none() {
            let latest = add_wd(&loaded.calendar, received_on, clock::CORRECTION_NOTICE_WITHIN)?;
            return Err(AppError::field(
                "late_reason",
                "late_notice_needs_reason",
                format!(
                    "补正告知应自收到申请之日起7个工作日内发出（条例第三十条），本案最迟应于{latest}发出；逾期发出须说明理由"
                ),
            ));
        }
        let deadline = add_wd(&loaded.calendar, on, period)?;
        let letter = notice(
            conn,
            &templates,
            loaded,
            LetterKind::CorrectionNotice,
            vec![
                ("items", items.join("\n")),
                ("deadline", letters::chinese_date(deadline)),
            ],
            on,
            actor.id,
        )?;
        Ok(Step {
            events: vec![
                (
                    on,
                    CaseEvent::CorrectionRequested {
                        items,
                        period,
                        deadline,
                        late_reason,
                    },
                ),
                letter,
            ],
            changes: CaseChanges {
                correction_deadline: Some(Some(deadline)),
                ..Default::default()
            },
        })
    })
    .await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CorrectionResponseBody {
    /// The corrected request (申请内容), 10–5000 characters.
    pub content: Option<String>,
    pub on: Option<NaiveDate>,
}

/// The corrected application arrived on `on`: the count restarts from that day (条例30).
pub async fn receive_correction(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: CorrectionResponseBody,
) -> Result<CaseView, AppError> {
    let content =
        yishen_domain::case::RequestText::parse(body.content.as_deref().unwrap_or(""), "content")
            .map_err(|i| AppError::Validation(vec![super::intake::issue(i)]))?;
    let on = applicant_on(state.today(), actor, body.on)?;
    act(
        state,
        actor,
        id,
        if_match,
        Action::ReceiveCorrection,
        move |_, loaded, _| {
            Ok(Step {
                events: vec![(
                    on,
                    CaseEvent::CorrectionReceived {
                        content: content.as_str().to_owned(),
                        previous_content: loaded.case.content.clone(),
                    },
                )],
                changes: CaseChanges {
                    content: Some(content.as_str().to_owned()),
                    correction_deadline: Some(None),
                    ..Default::default()
                },
            })
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsultationBody {
    /// `third_party` (条例32) or `agency` (条例34).
    pub party_kind: Option<String>,
    pub party_name: Option<String>,
    pub on: Option<NaiveDate>,
    /// What information the letter asks about (default: 政府信息).
    pub info_description: Option<String>,
    /// Third parties: which interest may be harmed, e.g. 商业秘密 or 个人隐私 (default: 合法权益).
    pub interest: Option<String>,
}

/// Opens a consultation; the working days after `on` are excluded until it closes (条例33).
/// Returns the case and the new consultation's id.
pub async fn open_consultation(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: ConsultationBody,
) -> Result<(CaseView, i64), AppError> {
    let kind = match body.party_kind.as_deref() {
        None => {
            return Err(AppError::field(
                "party_kind",
                "required",
                "请选择征求意见的对象类型",
            ));
        }
        Some(k) => PartyKind::parse(k).ok_or_else(|| {
            AppError::field(
                "party_kind",
                "unknown_value",
                format!("对象类型无效，可选：{}", PartyKind::codes()),
            )
        })?,
    };
    let name = text(
        "party_name",
        body.party_name.as_deref(),
        2,
        PARTY_MAX,
        "被征求意见的第三方或机关名称",
    )?;
    let on = on_or_today(state.today(), body.on)?;
    let info = body
        .info_description
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "政府信息".to_owned());
    let interest = body
        .interest
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "合法权益".to_owned());
    let templates = state.templates.clone();
    let view = act(
        state,
        actor,
        id,
        if_match,
        Action::OpenConsultation,
        move |conn, loaded, actor| {
            let reply_by = add_wd(&loaded.calendar, on, CONSULTATION_WINDOW)?;
            let (kind_letter, mut extra) = match kind {
                PartyKind::ThirdParty => (
                    LetterKind::ThirdPartyConsultation,
                    vec![("interest", interest)],
                ),
                PartyKind::Agency => (LetterKind::AgencyConsultation, Vec::new()),
            };
            extra.push(("party_name", name.clone()));
            extra.push(("info_description", info));
            extra.push(("reply_by", letters::chinese_date(reply_by)));
            let letter = notice(conn, &templates, loaded, kind_letter, extra, on, actor.id)?;
            let cid = consultation::insert(
                conn,
                &consultation::NewConsultation {
                    case_id: loaded.case.id,
                    party_kind: kind.as_str(),
                    party_name: &name,
                    opened_on: on,
                    reply_by,
                },
            )?;
            Ok(Step {
                events: vec![
                    (
                        on,
                        CaseEvent::ConsultationOpened {
                            consultation_id: cid,
                            party_kind: kind,
                            party_name: name,
                            reply_by,
                        },
                    ),
                    letter,
                ],
                changes: CaseChanges::default(),
            })
        },
    )
    .await?;
    let cid = view
        .consultations
        .iter()
        .map(|c| c.id)
        .max()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("consultation not stored")))?;
    Ok((view, cid))
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseConsultationBody {
    /// `agree`, `object` or `no_reply`.
    pub opinion: Option<String>,
    pub note: Option<String>,
    pub on: Option<NaiveDate>,
}

/// Closes a consultation: the excluded span ends on `on` (inclusive).
pub async fn close_consultation(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    cid: i64,
    if_match: Option<i64>,
    body: CloseConsultationBody,
) -> Result<CaseView, AppError> {
    let opinion = match body.opinion.as_deref() {
        None => {
            return Err(AppError::field(
                "opinion",
                "required",
                "请选择被征求意见方的意见",
            ));
        }
        Some(o) => ConsultationOpinion::parse(o).ok_or_else(|| {
            AppError::field(
                "opinion",
                "unknown_value",
                format!("意见无效，可选：{}", ConsultationOpinion::codes()),
            )
        })?,
    };
    let note = body
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > REASON_MAX)
    {
        return Err(AppError::field(
            "note",
            "length",
            format!("不超过{REASON_MAX}个字符"),
        ));
    }
    let on = on_or_today(state.today(), body.on)?;
    act(
        state,
        actor,
        id,
        if_match,
        Action::CloseConsultation,
        move |conn, loaded, _| {
            let c = consultation::for_case(conn, loaded.case.id)?
                .into_iter()
                .find(|c| c.id == cid)
                .ok_or(AppError::NotFound("征求意见记录"))?;
            checks::may_close_consultation(c.closed_on)?;
            if opinion == ConsultationOpinion::NoReply {
                checks::may_record_no_reply(on, c.reply_by)
                    .map_err(|e| AppError::field("opinion", e.code(), e.to_string()))?;
            }
            // 条例34: an agency's silence counts as consent; the record says so.
            let note = match (c.party_kind.as_str(), opinion, note) {
                ("agency", ConsultationOpinion::NoReply, None) => {
                    Some("被征求意见机关逾期未提出意见，视为同意公开（条例第三十四条）".to_owned())
                }
                (_, _, n) => n,
            };
            consultation::close(
                conn,
                loaded.case.id,
                cid,
                on,
                opinion.as_str(),
                note.as_deref(),
            )?;
            Ok(Step {
                events: vec![(
                    on,
                    CaseEvent::ConsultationClosed {
                        consultation_id: cid,
                        opinion,
                        note,
                    },
                )],
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    pub working_days: Option<u32>,
    pub reason: Option<String>,
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtensionRequestBody {
    pub working_days: Option<u32>,
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExtensionRefusalBody {
    /// Why the approver does not agree (kept on the case, internal).
    pub reason: Option<String>,
}

/// The days (at most 20, 条例33第二款) and the reason of an extension asked for or granted.
fn extension_terms(days: Option<u32>, reason: Option<&str>) -> Result<(u32, String), AppError> {
    let days =
        days.ok_or_else(|| AppError::field("working_days", "required", "请填写延长的工作日数"))?;
    if days == 0 || days > MAX_EXTENSION {
        return Err(AppError::field(
            "working_days",
            "out_of_range",
            format!("延长的期限最长不得超过{MAX_EXTENSION}个工作日（条例第三十三条第二款）"),
        ));
    }
    let reason = text("reason", reason, REASON_MIN, REASON_MAX, "延期理由")?;
    Ok((days, reason))
}

/// The handler asks the approver for the extension (条例33: the head of the office decides);
/// the request is internal until granted.
pub async fn request_extension(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: ExtensionRequestBody,
) -> Result<CaseView, AppError> {
    let (days, reason) = extension_terms(body.working_days, body.reason.as_deref())?;
    let on = state.today();
    act(
        state,
        actor,
        id,
        if_match,
        Action::RequestExtension,
        move |_conn, loaded, _actor| {
            let clock = loaded.clock().map_err(cal_err)?;
            checks::may_request_extension(&loaded.events, on, clock.due_on)?;
            Ok(Step {
                events: vec![(
                    on,
                    CaseEvent::ExtensionRequested {
                        working_days: days,
                        reason,
                    },
                )],
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}

/// The approver refuses a pending extension request, saying why.
pub async fn refuse_extension(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: ExtensionRefusalBody,
) -> Result<CaseView, AppError> {
    let reason = text(
        "reason",
        body.reason.as_deref(),
        2,
        REASON_MAX,
        "不同意延期的理由",
    )?;
    let on = state.today();
    act(
        state,
        actor,
        id,
        if_match,
        Action::RefuseExtension,
        move |_conn, loaded, _actor| {
            checks::may_refuse_extension(&loaded.events)?;
            Ok(Step {
                events: vec![(on, CaseEvent::ExtensionRefused { reason })],
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}

/// An extension approved by the office's head (条例33): at most 20 working days, once,
/// before the due date.
pub async fn extend(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: ExtensionBody,
) -> Result<CaseView, AppError> {
    let (days, reason) = extension_terms(body.working_days, body.reason.as_deref())?;
    let on = on_or_today(state.today(), body.on)?;
    let templates = state.templates.clone();
    act(
        state,
        actor,
        id,
        if_match,
        Action::Extend,
        move |conn, loaded, actor| {
            let clock = loaded.clock().map_err(cal_err)?;
            let due = checks::may_extend(&loaded.events, on, clock.due_on)?;
            // The notice tells the applicant the new date (条例33): a date that cannot be
            // known yet (its year's holidays not loaded) is refused, never printed as a guess.
            let new_due = letters::chinese_date(add_wd(&loaded.calendar, due, days)?);
            // 条例33: the applicant must be told of the extension.
            let letter = notice(
                conn,
                &templates,
                loaded,
                LetterKind::ExtensionNotice,
                vec![
                    ("reasons", reason.clone()),
                    ("extension_days", days.to_string()),
                    ("due_date", new_due),
                ],
                on,
                actor.id,
            )?;
            Ok(Step {
                events: vec![
                    (
                        on,
                        CaseEvent::ExtensionGranted {
                            working_days: days,
                            reason,
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

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeeNoticeBody {
    /// `per_application` (按件) or `per_page` (按量): one method per application.
    pub mode: Option<String>,
    /// Pages, for `per_page`.
    pub pages: Option<u32>,
    pub on: Option<NaiveDate>,
    /// Why a fee is charged at all (条例42: the number or frequency clearly beyond a
    /// reasonable range); printed in the notice.
    pub reasons: Option<String>,
    /// How and where to pay, as the notice prints it.
    pub payment_method: Option<String>,
}

/// The fee notice (信息处理费): the payment window opens and, by the agency's setting, the
/// days until payment leave the clock.
pub async fn notice_fee(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: FeeNoticeBody,
) -> Result<CaseView, AppError> {
    let mode = match body.mode.as_deref() {
        Some("per_application") => FeeMode::PerApplication,
        Some("per_page") => FeeMode::PerPage,
        None => return Err(AppError::field("mode", "required", "请选择计费方式")),
        Some(_) => {
            return Err(AppError::field(
                "mode",
                "unknown_value",
                "计费方式无效，可选：per_application（按件）、per_page（按量）",
            ));
        }
    };
    let pages = match (mode, body.pages) {
        (FeeMode::PerPage, None) => {
            return Err(AppError::field("pages", "required", "按量计收时请填写页数"));
        }
        (FeeMode::PerPage, Some(p)) if p == 0 || p > MAX_PAGES => {
            return Err(AppError::field(
                "pages",
                "out_of_range",
                format!("页数须在1至{MAX_PAGES}之间"),
            ));
        }
        (FeeMode::PerApplication, Some(_)) => {
            return Err(AppError::field(
                "pages",
                "not_allowed",
                "按件计收时不填页数：同一申请不能同时按件和按量计收（《政府信息公开信息处理费管理办法》第三条）",
            ));
        }
        (_, p) => p,
    };
    let on = on_or_today(state.today(), body.on)?;
    // The handler's finding, after a lead-in; none given, the notice states the finding of
    // 条例第四十二条 alone (its sentence already says the volume exceeds a reasonable range).
    let fee_reasons = body
        .reasons
        .map(|r| yishen_letters::clause(&r))
        .filter(|r| !r.is_empty())
        .map(|r| format!("，具体情况如下：{r}"))
        .unwrap_or_default();
    let payment_method = body
        .payment_method
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "按本机关告知的非税收入缴款方式缴纳".to_owned());
    let templates = state.templates.clone();
    act(
        state,
        actor,
        id,
        if_match,
        Action::NoticeFee,
        move |conn, loaded, actor| {
            checks::may_notice_fee(&loaded.events)?;
            // 办法第四条 counts the applicant's applications in the natural month; 第五条 the
            // pages. What is free is refused by the domain, with the article.
            let (ordinal, charge) = match mode {
                FeeMode::PerPage => (None, fees::charge_per_page(pages.unwrap_or(0))),
                FeeMode::PerApplication => {
                    let received = loaded.case.received_on.unwrap_or(on);
                    let month_start = received.with_day(1).unwrap_or(received);
                    let k = case_store::month_ordinal(
                        conn,
                        loaded.case.agency_id,
                        &loaded.case.id_number_hash,
                        month_start,
                        received,
                    )?;
                    let k = u32::try_from(k.max(1)).unwrap_or(u32::MAX);
                    (Some(k), fees::charge_per_application(k))
                }
            };
            let fees::Charge { amount, basis } = charge.map_err(|e| AppError::Conflict {
                code: "fee_not_chargeable",
                detail: e.to_string(),
            })?;
            let pay_by = add_wd(&loaded.calendar, on, FEE_PAYMENT_WINDOW)?;
            let letter = notice(
                conn,
                &templates,
                loaded,
                LetterKind::FeeNotice,
                vec![
                    ("reasons_clause", fee_reasons),
                    ("fee_basis", basis),
                    ("amount", amount.to_string()),
                    ("payment_method", payment_method),
                    ("deadline", letters::chinese_date(pay_by)),
                ],
                on,
                actor.id,
            )?;
            Ok(Step {
                events: vec![
                    (
                        on,
                        CaseEvent::FeeNoticed {
                            mode,
                            pages,
                            ordinal,
                            amount_yuan: amount,
                            pay_by,
                        },
                    ),
                    letter,
                ],
                changes: CaseChanges {
                    fee_deadline: Some(Some(pay_by)),
                    ..Default::default()
                },
            })
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OnBody {
    pub on: Option<NaiveDate>,
}

/// Records the payment: the fee span ends on `on` (inclusive).
pub async fn record_payment(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: OnBody,
) -> Result<CaseView, AppError> {
    let on = on_or_today(state.today(), body.on)?;
    act(
        state,
        actor,
        id,
        if_match,
        Action::RecordPayment,
        move |_, loaded, _| {
            checks::may_record_payment(loaded.case.fee_deadline)?;
            Ok(Step {
                events: vec![(on, CaseEvent::FeePaid {})],
                changes: CaseChanges {
                    fee_deadline: Some(None),
                    ..Default::default()
                },
            })
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    pub reason: Option<String>,
    pub on: Option<NaiveDate>,
}

/// The applicant withdraws (online, or on paper recorded by a clerk). Counted under （六）3.
pub async fn withdraw(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    if_match: Option<i64>,
    body: WithdrawBody,
) -> Result<CaseView, AppError> {
    let on = applicant_on(state.today(), actor, body.on)?;
    let reason = body
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > REASON_MAX)
    {
        return Err(AppError::field(
            "reason",
            "length",
            format!("不超过{REASON_MAX}个字符"),
        ));
    }
    act(
        state,
        actor,
        id,
        if_match,
        Action::Withdraw,
        move |_, _, _| {
            Ok(Step {
                events: vec![(on, CaseEvent::Withdrawn { reason })],
                changes: CaseChanges {
                    disposition: Some(Some(Disposition::OtherWithdrawn.as_str().to_owned())),
                    concluded_on: Some(Some(on)),
                    correction_deadline: Some(None),
                    fee_deadline: Some(None),
                    ..Default::default()
                },
            })
        },
    )
    .await
}
