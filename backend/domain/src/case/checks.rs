//! The legal preconditions of the handling actions, beyond state and role (which
//! [`super::state`] decides): what the regulation allows once, before a date, or after a
//! window. The server asks here and only turns a refusal into a response.

use chrono::NaiveDate;

use super::event::{Article35Outcome, CaseEvent};

/// Why an action is refused by the law.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("补正告知应一次性发出（条例第三十条），本案已发出过补正告知")]
    CorrectionAlreadyRequested,
    #[error("答复期限只能延长一次（条例第三十三条第二款）")]
    ExtensionAlreadyGranted,
    #[error("延期应在答复期限届满（{due}）前决定并告知申请人")]
    ExtensionAfterDueDate { due: NaiveDate },
    #[error("答复期限尚未起算或已中止，不能延期")]
    ClockNotRunning,
    #[error("答复期限至{reply_by}届满（条例第三十二条、第三十四条），届满前不能按逾期未答复结束")]
    ConsultationWindowOpen { reply_by: NaiveDate },
    #[error("本申请已发出过收费通知")]
    FeeAlreadyNoticed,
    #[error("已要求申请人说明理由，不能重复发出")]
    ReasonsAlreadyRequested,
    #[error("须先书面要求申请人说明理由（条例第三十五条），才能作出处理决定")]
    ReasonsNotRequested,
    #[error("本件已作出条例第三十五条处理决定")]
    Article35AlreadyDecided,
    #[error("申请人说明理由的期限（{}）尚未届满，且未收到申请人的理由", crate::calendar::chinese_date(*.deadline))]
    ReasonsDeadlineRunning { deadline: NaiveDate },
    #[error("已有一项延期申请等待负责人审批")]
    ExtensionAlreadyRequested,
    #[error("没有等待审批的延期申请")]
    NoExtensionRequested,
    #[error("本机关的答复须经负责人签发后才能出具")]
    SignOffRequired,
    #[error("本机关未设置答复须经负责人签发")]
    SignOffNotRequired,
    #[error("该答复已签发")]
    AlreadySignedOff,
    #[error("本案没有待缴的信息处理费")]
    NoFeePending,
    #[error("该征求意见已经结束")]
    ConsultationClosed,
    #[error("申请尚未确认收到，不能登记复议或诉讼")]
    NotReceived,
    #[error(
        "只有经工作人员确认的“申请数量明显偏多”或“短时集中申请”甄别提示，才能启动条例第三十五条程序"
    )]
    Article35NotOffered,
    #[error("本案还没有答复稿，请先拟写答复")]
    NoDraft,
    #[error("预审发现{count}项须先修改的问题：{messages}")]
    PrereviewBlocking { count: usize, messages: String },
    #[error("本件答复期限尚不确定，暂不能确定延迟答复期限")]
    DueDateUnknown,
    #[error("本案承办人已是{name}")]
    AlreadyAssigned { name: String },
    #[error("只能作废本案当前有效且尚未送达的答复书")]
    NotTheCurrentReply,
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Self::CorrectionAlreadyRequested => "correction_already_requested",
            Self::ExtensionAlreadyGranted => "extension_already_granted",
            Self::ExtensionAfterDueDate { .. } => "extension_after_due_date",
            Self::ClockNotRunning => "clock_not_running",
            Self::ConsultationWindowOpen { .. } => "window_not_expired",
            Self::FeeAlreadyNoticed => "fee_already_noticed",
            Self::ReasonsAlreadyRequested => "article35_reasons_already_requested",
            Self::ReasonsNotRequested => "article35_reasons_not_requested",
            Self::Article35AlreadyDecided => "article35_already_decided",
            Self::ReasonsDeadlineRunning { .. } => "article35_deadline_running",
            Self::ExtensionAlreadyRequested => "extension_already_requested",
            Self::NoExtensionRequested => "no_extension_requested",
            Self::SignOffRequired => "signoff_required",
            Self::SignOffNotRequired => "signoff_not_required",
            Self::AlreadySignedOff => "already_signed_off",
            Self::NoFeePending => "no_fee_pending",
            Self::ConsultationClosed => "consultation_closed",
            Self::NotReceived => "not_received",
            Self::Article35NotOffered => "article35_not_offered",
            Self::NoDraft => "no_draft",
            Self::PrereviewBlocking { .. } => "prereview_blocking",
            Self::DueDateUnknown => "due_date_unknown",
            Self::AlreadyAssigned { .. } => "already_assigned",
            Self::NotTheCurrentReply => "not_the_current_reply",
        }
    }
}

fn any(events: &[(NaiveDate, CaseEvent)], f: impl Fn(&CaseEvent) -> bool) -> bool {
    events.iter().any(|(_, e)| f(e))
}

/// 条例30: the 补正 notice is one-time.
pub fn may_request_correction(events: &[(NaiveDate, CaseEvent)]) -> Result<(), Refusal> {
    if any(events, |e| {
        matches!(e, CaseEvent::CorrectionRequested { .. })
    }) {
        Err(Refusal::CorrectionAlreadyRequested)
    } else {
        Ok(())
    }
}

/// 条例33: one extension, decided on or before the due date of a running count. Returns the
/// due date it extends.
pub fn may_extend(
    events: &[(NaiveDate, CaseEvent)],
    on: NaiveDate,
    due_on: Option<NaiveDate>,
) -> Result<NaiveDate, Refusal> {
    if any(events, |e| matches!(e, CaseEvent::ExtensionGranted { .. })) {
        return Err(Refusal::ExtensionAlreadyGranted);
    }
    match due_on {
        Some(due) if on <= due => Ok(due),
        Some(due) => Err(Refusal::ExtensionAfterDueDate { due }),
        None => Err(Refusal::ClockNotRunning),
    }
}

/// Whether the approved draft was signed off (签发) after its last approval.
pub fn signed_off(events: &[(NaiveDate, CaseEvent)]) -> bool {
    let mut signed = false;
    for (_, e) in events {
        match e {
            CaseEvent::Reviewed { approved: true, .. } => signed = false,
            CaseEvent::SignedOff { .. } => signed = true,
            _ => {}
        }
    }
    signed
}

/// Whether the approver may sign off (签发) the approved reply: only where the agency requires
/// sign-off (its handling rule `approver_signoff`), and once per approval.
pub fn may_sign_off(
    events: &[(NaiveDate, CaseEvent)],
    sign_off_required: bool,
) -> Result<(), Refusal> {
    if !sign_off_required {
        Err(Refusal::SignOffNotRequired)
    } else if signed_off(events) {
        Err(Refusal::AlreadySignedOff)
    } else {
        Ok(())
    }
}

/// Whether the approved reply may be issued: where the agency requires sign-off, only once
/// it was signed off after its last approval.
pub fn may_issue(
    events: &[(NaiveDate, CaseEvent)],
    sign_off_required: bool,
) -> Result<(), Refusal> {
    if sign_off_required && !signed_off(events) {
        Err(Refusal::SignOffRequired)
    } else {
        Ok(())
    }
}

/// A payment is recorded only against a fee notice whose payment window is open
/// (`fee_deadline`: the date the notice set, cleared once paid or lapsed).
pub fn may_record_payment(fee_deadline: Option<NaiveDate>) -> Result<(), Refusal> {
    fee_deadline.map(|_| ()).ok_or(Refusal::NoFeePending)
}

/// A consultation (条例32/33) is closed once.
pub fn may_close_consultation(closed_on: Option<NaiveDate>) -> Result<(), Refusal> {
    match closed_on {
        Some(_) => Err(Refusal::ConsultationClosed),
        None => Ok(()),
    }
}

/// The legal adviser's comments on a returned draft, until the handler saves the next draft.
pub fn return_comments(events: &[(NaiveDate, CaseEvent)]) -> Option<&str> {
    events
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            CaseEvent::Drafted { .. } => Some(None),
            CaseEvent::Reviewed {
                approved: false,
                comments,
            } => Some(Some(comments.as_str())),
            _ => None,
        })
        .flatten()
        .filter(|c| !c.trim().is_empty())
}

/// The extension a handler asked for and the approver has not yet decided: the request is
/// answered by a grant or a refusal.
pub fn pending_extension_request(events: &[(NaiveDate, CaseEvent)]) -> Option<(u32, &str)> {
    let mut pending = None;
    for (_, e) in events {
        match e {
            CaseEvent::ExtensionRequested {
                working_days,
                reason,
            } => pending = Some((*working_days, reason.as_str())),
            CaseEvent::ExtensionGranted { .. } | CaseEvent::ExtensionRefused { .. } => {
                pending = None
            }
            _ => {}
        }
    }
    pending
}

/// A handler may ask for the one extension (条例33) while the count runs, once at a time.
pub fn may_request_extension(
    events: &[(NaiveDate, CaseEvent)],
    on: NaiveDate,
    due_on: Option<NaiveDate>,
) -> Result<(), Refusal> {
    may_extend(events, on, due_on)?;
    if pending_extension_request(events).is_some() {
        return Err(Refusal::ExtensionAlreadyRequested);
    }
    Ok(())
}

/// Only a pending request can be refused.
pub fn may_refuse_extension(events: &[(NaiveDate, CaseEvent)]) -> Result<(), Refusal> {
    pending_extension_request(events)
        .map(|_| ())
        .ok_or(Refusal::NoExtensionRequested)
}

/// 条例32, 34: silence can be recorded only once the party's reply window has passed.
pub fn may_record_no_reply(on: NaiveDate, reply_by: NaiveDate) -> Result<(), Refusal> {
    if on <= reply_by {
        Err(Refusal::ConsultationWindowOpen { reply_by })
    } else {
        Ok(())
    }
}

/// One fee notice per application (办法第三条: one charging method per application).
pub fn may_notice_fee(events: &[(NaiveDate, CaseEvent)]) -> Result<(), Refusal> {
    if any(events, |e| matches!(e, CaseEvent::FeeNoticed { .. })) {
        Err(Refusal::FeeAlreadyNoticed)
    } else {
        Ok(())
    }
}

/// 条例35: the applicant is asked for reasons once.
pub fn may_request_reasons(events: &[(NaiveDate, CaseEvent)]) -> Result<(), Refusal> {
    if any(events, |e| matches!(e, CaseEvent::ReasonsRequested { .. })) {
        Err(Refusal::ReasonsAlreadyRequested)
    } else {
        Ok(())
    }
}

/// 条例35: the decision comes after the request for reasons, once. 不予处理 needs the
/// applicant's reasons (found unreasonable) or the request's deadline passed without them;
/// deciding it without first asking is a defect reconsideration corrects (legal.md §6.5).
pub fn may_decide_article35(
    events: &[(NaiveDate, CaseEvent)],
    outcome: Article35Outcome,
    reasons_received: bool,
    on: NaiveDate,
) -> Result<(), Refusal> {
    let deadline = events
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            CaseEvent::ReasonsRequested { deadline, .. } => Some(*deadline),
            _ => None,
        })
        .ok_or(Refusal::ReasonsNotRequested)?;
    if any(events, |e| matches!(e, CaseEvent::Article35Decided { .. })) {
        return Err(Refusal::Article35AlreadyDecided);
    }
    if outcome == Article35Outcome::NotProcessed && !reasons_received && on <= deadline {
        return Err(Refusal::ReasonsDeadlineRunning { deadline });
    }
    Ok(())
}

/// Whether the 条例35 procedure reached 不予处理 (the draft check for `not_processed_mass`).
pub fn article35_not_processed(events: &[(NaiveDate, CaseEvent)]) -> bool {
    any(events, |e| {
        matches!(
            e,
            CaseEvent::Article35Decided {
                outcome: Article35Outcome::NotProcessed,
                ..
            }
        )
    })
}

/// A reconsideration or a suit concerns a received application: its receipt date, or the
/// refusal.
pub fn may_record_outcome(received_on: Option<NaiveDate>) -> Result<NaiveDate, Refusal> {
    received_on.ok_or(Refusal::NotReceived)
}

/// 条例35's steps open only after a person confirmed a mass-application flag
/// ([`crate::screening::offers_article_35`]).
pub fn may_use_article35(offered: bool) -> Result<(), Refusal> {
    if offered {
        Ok(())
    } else {
        Err(Refusal::Article35NotOffered)
    }
}

/// A draft goes to legal review only when its pre-review found nothing blocking.
pub fn may_submit_for_review(findings: &[crate::draft::Finding]) -> Result<(), Refusal> {
    let blocking: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == crate::draft::Severity::Blocking)
        .map(|f| f.message.as_str())
        .collect();
    if blocking.is_empty() {
        Ok(())
    } else {
        Err(Refusal::PrereviewBlocking {
            count: blocking.len(),
            messages: blocking.join("；"),
        })
    }
}

/// A later deadline under 条例35 needs the current one: the due date, or the refusal.
pub fn known_due_date(due_on: Option<NaiveDate>) -> Result<NaiveDate, Refusal> {
    due_on.ok_or(Refusal::DueDateUnknown)
}

/// Naming the handler who already handles the case changes nothing: refused.
pub fn may_assign(current: Option<i64>, handler: i64, name: &str) -> Result<(), Refusal> {
    if current == Some(handler) {
        Err(Refusal::AlreadyAssigned {
            name: name.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// Only the case's current reply, not yet voided, can be voided.
pub fn may_void(
    events: &[(NaiveDate, CaseEvent)],
    letter_id: i64,
    voided: bool,
) -> Result<(), Refusal> {
    let current = events.iter().rev().find_map(|(_, e)| match e {
        CaseEvent::LetterIssued { letter_id, .. } => Some(*letter_id),
        _ => None,
    });
    if current != Some(letter_id) || voided {
        Err(Refusal::NotTheCurrentReply)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Disposition;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn only_the_current_reply_is_voided_and_refusals_keep_their_codes() {
        let issued = |id| {
            (
                d("2026-03-10"),
                CaseEvent::LetterIssued {
                    letter_id: id,
                    kind: "reply".into(),
                    number: format!("第{id}号"),
                    disposition: Disposition::Disclosed,
                    printed_sha256: None,
                },
            )
        };
        let events = vec![issued(1), issued(2)];
        assert_eq!(may_void(&events, 2, false), Ok(()));
        assert_eq!(
            may_void(&events, 1, false),
            Err(Refusal::NotTheCurrentReply)
        );
        assert_eq!(may_void(&events, 2, true), Err(Refusal::NotTheCurrentReply));
        assert_eq!(
            may_assign(Some(7), 7, "王五").map_err(|r| (r.code(), r.to_string())),
            Err(("already_assigned", "本案承办人已是王五".to_owned()))
        );
        assert_eq!(may_assign(Some(7), 8, "赵六"), Ok(()));
        assert_eq!(
            may_record_outcome(None).map_err(|r| r.code()),
            Err("not_received")
        );
        assert_eq!(
            may_use_article35(false).map_err(|r| r.code()),
            Err("article35_not_offered")
        );
    }

    #[test]
    fn once_only_and_dated_rules() {
        let granted = vec![(
            d("2026-03-10"),
            CaseEvent::ExtensionGranted {
                working_days: 5,
                reason: "档案较多".into(),
            },
        )];
        assert_eq!(
            may_extend(&granted, d("2026-03-11"), Some(d("2026-03-30"))),
            Err(Refusal::ExtensionAlreadyGranted)
        );
        assert_eq!(
            may_extend(&[], d("2026-03-30"), Some(d("2026-03-30"))),
            Ok(d("2026-03-30"))
        );
        assert_eq!(
            may_extend(&[], d("2026-03-31"), Some(d("2026-03-30"))).map_err(|e| e.code()),
            Err("extension_after_due_date")
        );
        assert_eq!(
            may_extend(&[], d("2026-03-31"), None),
            Err(Refusal::ClockNotRunning)
        );
        assert!(may_record_no_reply(d("2026-03-25"), d("2026-03-25")).is_err());
        assert!(may_record_no_reply(d("2026-03-26"), d("2026-03-25")).is_ok());
        assert!(may_request_correction(&[]).is_ok());
        assert!(may_notice_fee(&[]).is_ok());
    }

    #[test]
    fn article_35_asks_first_then_decides_once() {
        use Article35Outcome::*;
        assert_eq!(
            may_decide_article35(&[], NotProcessed, true, d("2026-04-01")),
            Err(Refusal::ReasonsNotRequested)
        );
        let mut events = vec![(
            d("2026-03-20"),
            CaseEvent::ReasonsRequested {
                flag_id: 1,
                reasons: "一个月内申请13件".into(),
                deadline: d("2026-03-31"),
            },
        )];
        assert_eq!(
            may_request_reasons(&events),
            Err(Refusal::ReasonsAlreadyRequested)
        );
        let running = may_decide_article35(&events, NotProcessed, false, d("2026-03-31"));
        assert_eq!(
            running.map_err(|e| e.code()),
            Err("article35_deadline_running")
        );
        assert!(may_decide_article35(&events, NotProcessed, false, d("2026-04-01")).is_ok());
        assert!(may_decide_article35(&events, NotProcessed, true, d("2026-03-25")).is_ok());
        assert!(may_decide_article35(&events, LaterDeadline, false, d("2026-03-25")).is_ok());
        assert!(!article35_not_processed(&events));
        events.push((
            d("2026-04-01"),
            CaseEvent::Article35Decided {
                outcome: NotProcessed,
                applicant_reasons: None,
                consultation: None,
                later_due_on: None,
                later_days: None,
                note: "逾期未说明理由".into(),
            },
        ));
        assert!(article35_not_processed(&events));
        assert_eq!(
            may_decide_article35(&events, LaterDeadline, true, d("2026-04-02")),
            Err(Refusal::Article35AlreadyDecided)
        );
    }
}
