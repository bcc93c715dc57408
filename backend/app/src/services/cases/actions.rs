//! The actions on a case between intake and drafting (CONTRACT.md): confirming an online
//! application, 补正, consultations, extension, fees and withdrawal. Each one decides its
//! events from the loaded case and hands them to [`super::act`].

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use yishen_domain::Disposition;
use yishen_domain::case::{Action, CaseEvent, ConsultationOpinion, PartyKind, checks};
use yishen_domain::clock::REPLY_LIMIT;
use yishen_domain::clock::{self, CONSULTATION_WINDOW, FEE_PAYMENT_WINDOW};
use yishen_domain::fees::{self, FeeMode};
use yishen_letters::LetterKind;
use yishen_store::models::case::{self as case_store, CaseChanges};
use yishen_store::models::consultation;
use yishen_store::{CaseId, UserId};

use super::commands::{
    Confirm, Consultation, ConsultationClose, CorrectionRequest, CorrectionResponse, Extension,
    ExtensionRefusal, ExtensionRequest, ExtensionTerms, FeeNotice, On, Withdrawal,
};
use super::views::CaseView;
use super::{Step, act, is_applicant};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::issuing as letters;

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
    actor_id: UserId,
) -> Result<(NaiveDate, CaseEvent), AppError> {
    let extra: BTreeMap<String, String> =
        extra.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let issued = letters::issue_letter(
        conn,
        templates,
        &loaded.case,
        kind,
        None,
        extra,
        on,
        Some(actor_id),
    )?;
    Ok((on, letters::notice_event(issued, kind)))
}

/// The 受理回执: tells the applicant the receipt date and the due date.
pub(super) fn receipt(
    conn: &mut yishen_store::DbConn,
    templates: &yishen_letters::Templates,
    loaded: &super::Loaded,
    received_on: NaiveDate,
    actor_id: UserId,
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

/// A clerk confirms an online application; the clock starts from `received_on`.
pub async fn confirm(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: Confirm,
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

/// The one-time 补正 notice (条例30): the clock stops until the corrected application arrives.
pub async fn request_correction(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: CorrectionRequest,
) -> Result<CaseView, AppError> {
    let on = on_or_today(state.today(), body.on)?;
    let CorrectionRequest {
        items, late_reason, ..
    } = body.clone();
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

/// The corrected application arrived on `on`: the count restarts from that day (条例30).
pub async fn receive_correction(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: CorrectionResponse,
) -> Result<CaseView, AppError> {
    let CorrectionResponse { content, on } = body;
    let on = applicant_on(state.today(), actor, on)?;
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

/// Opens a consultation; the working days after `on` are excluded until it closes (条例33).
/// Returns the case and the new consultation's id.
pub async fn open_consultation(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: Consultation,
) -> Result<(CaseView, i64), AppError> {
    let Consultation {
        party_kind: kind,
        party_name: name,
        on,
        info_description: info,
        interest,
    } = body;
    let on = on_or_today(state.today(), on)?;
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

/// Closes a consultation: the excluded span ends on `on` (inclusive).
pub async fn close_consultation(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    cid: i64,
    if_match: Option<i64>,
    body: ConsultationClose,
) -> Result<CaseView, AppError> {
    let ConsultationClose { opinion, note, on } = body;
    let on = on_or_today(state.today(), on)?;
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

/// The handler asks the approver for the extension (条例33: the head of the office decides);
/// the request is internal until granted.
pub async fn request_extension(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: ExtensionRequest,
) -> Result<CaseView, AppError> {
    let ExtensionTerms {
        working_days: days,
        reason,
    } = body.terms;
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
    id: CaseId,
    if_match: Option<i64>,
    body: ExtensionRefusal,
) -> Result<CaseView, AppError> {
    let reason = body.reason;
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
    id: CaseId,
    if_match: Option<i64>,
    body: Extension,
) -> Result<CaseView, AppError> {
    let ExtensionTerms {
        working_days: days,
        reason,
    } = body.terms;
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

/// The fee notice (信息处理费): the payment window opens and, by the agency's setting, the
/// days until payment leave the clock.
pub async fn notice_fee(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: FeeNotice,
) -> Result<CaseView, AppError> {
    let (mode, pages) = (body.mode, body.pages);
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

/// Records the payment: the fee span ends on `on` (inclusive).
pub async fn record_payment(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: On,
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

/// The applicant withdraws (online, or on paper recorded by a clerk). Counted under （六）3.
pub async fn withdraw(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: Withdrawal,
) -> Result<CaseView, AppError> {
    let on = applicant_on(state.today(), actor, body.on)?;
    let reason = body.reason;
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
