//! The typed events that are a case's history. Each is stored as one row of `case_events`
//! (its JSON here, the date the act happened beside it) in the same transaction as the case
//! snapshot, and chained by hash (see [`crate::audit`]). The legal clock is computed from
//! these events alone ([`clock_input`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::intake::{Channel, code_enum};
use crate::clock::{ClockInput, Correction, NewReplyOrder, Pause, PauseKind};
use crate::disposition::Disposition;
use crate::fees::FeeMode;

code_enum!(
    /// Whom a consultation asks (条例32 third party, 条例34 co-producing agency).
    PartyKind {
        ThirdParty => "third_party", "第三方";
        Agency => "agency", "其他机关";
    }
);

code_enum!(
    ConsultationOpinion {
        Agree => "agree", "同意公开";
        Object => "object", "不同意公开";
        NoReply => "no_reply", "逾期未答复";
    }
);

code_enum!(
    /// How a reply was served (送达): the event keeps the code.
    DeliveryMethod {
        Post => "post", "邮寄";
        InPerson => "in_person", "直接送达";
        Email => "email", "电子邮件";
        Online => "online", "网上获取";
    }
);

/// One thing a 送达 delivered: a letter or a file of the reply package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveredItem {
    /// The letter's title and number, or the file's name.
    pub name: String,
    pub sha256: String,
}

code_enum!(
    /// The two ends of the 条例35 procedure.
    Article35Outcome {
        NotProcessed => "not_processed", "理由不合理，不予处理";
        LaterDeadline => "later_deadline", "理由合理，确定延迟答复的合理期限";
    }
);

/// A collective decision (联合会商, legal.md §6.3 第四条、第五条): when, who, and the minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointConsultation {
    pub held_on: NaiveDate,
    pub participants: String,
    pub minutes: String,
}

/// One thing that happened to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CaseEvent {
    /// Filed online by the applicant; the clock waits for confirmation (条例31(三)).
    Submitted {
        channel: Channel,
    },
    /// Registered by a clerk with the receipt date 条例31 gives for the channel.
    Registered {
        channel: Channel,
        received_on: NaiveDate,
    },
    /// A historical case brought in by `yishen import`.
    Imported {
        external_id: Option<String>,
        channel: Channel,
        received_on: NaiveDate,
        disposition: Option<Disposition>,
        concluded_on: Option<NaiveDate>,
        /// The reasons given in the historical reply, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reasons: Option<String>,
    },
    /// A clerk confirmed an online application with the applicant (条例31(三)).
    Confirmed {
        received_on: NaiveDate,
    },
    /// The one-time 补正 notice (条例30), with the applicant's period.
    CorrectionRequested {
        items: Vec<String>,
        period: u32,
        deadline: NaiveDate,
        /// Required when the notice goes out later than 7 working days after receipt.
        late_reason: Option<String>,
    },
    /// The corrected application arrived: the count restarts from this day (条例30).
    CorrectionReceived {
        content: String,
        previous_content: String,
    },
    ConsultationOpened {
        consultation_id: i64,
        party_kind: PartyKind,
        party_name: String,
        reply_by: NaiveDate,
    },
    ConsultationClosed {
        consultation_id: i64,
        opinion: ConsultationOpinion,
        note: Option<String>,
    },
    /// 条例33: approved by the office's head; at most 20 working days, once.
    ExtensionGranted {
        working_days: u32,
        reason: String,
    },
    FeeNoticed {
        mode: FeeMode,
        pages: Option<u32>,
        ordinal: Option<u32>,
        amount_yuan: u64,
        pay_by: NaiveDate,
    },
    FeePaid {},
    Withdrawn {
        reason: Option<String>,
    },
    /// The correction or fee window expired without the applicant acting.
    Abandoned {
        disposition: Disposition,
    },
    /// The handler saved a draft reply; the counts are its pre-review findings.
    Drafted {
        disposition: Disposition,
        blocking: usize,
        warnings: usize,
    },
    SubmittedForReview {},
    /// The legal adviser's decision (合法性审查), with the comments kept on the case.
    Reviewed {
        approved: bool,
        comments: String,
    },
    /// A procedural notice (回执, 补正告知书, 延期告知书, 征求意见书, 收费通知书) was issued.
    NoticeIssued {
        letter_id: i64,
        kind: String,
        number: String,
        /// SHA-256 of the values the letter prints (`letters.printed`), so that the chain
        /// fixes what the letter says; letters issued before it was kept have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        printed_sha256: Option<String>,
    },
    /// The approver signed the approved reply off (签发).
    SignedOff {
        comments: Option<String>,
    },
    /// The reply letter was numbered, rendered and stored: the application is answered.
    LetterIssued {
        letter_id: i64,
        kind: String,
        number: String,
        disposition: Disposition,
        /// As for [`CaseEvent::NoticeIssued`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        printed_sha256: Option<String>,
    },
    /// The approver voided the issued reply before delivery; its number stays used.
    LetterVoided {
        letter_id: i64,
        number: String,
        reason: String,
    },
    /// 条例35: the applicant was asked in writing to give reasons for a number or frequency of
    /// applications clearly beyond a reasonable range (only after a person confirmed a
    /// mass-application flag). The clock runs on: the law excludes no time for it.
    ReasonsRequested {
        /// The confirmed screening flag the request rests on.
        flag_id: i64,
        /// The counts as the notice states them.
        reasons: String,
        deadline: NaiveDate,
    },
    /// 条例35: what the agency decided about the applicant's reasons.
    Article35Decided {
        outcome: Article35Outcome,
        /// The applicant's reasons as received; `None` when none came by the deadline.
        applicant_reasons: Option<String>,
        /// The 联合会商 that decided (legal.md §6.3), when one was held.
        consultation: Option<JointConsultation>,
        /// For [`Article35Outcome::LaterDeadline`]: the reasonable later deadline and the
        /// working days it adds beyond the 条例33 limit.
        later_due_on: Option<NaiveDate>,
        later_days: Option<u32>,
        note: String,
    },
    /// 送达: how and when the reply reached the applicant, and what was delivered (the reply
    /// letter and the files that went out with it, each by name and SHA-256). Events recorded
    /// before the list was kept have none.
    Delivered {
        method: String,
        /// The postal tracking number, or for an e-mail delivery the message's Message-ID.
        tracking_no: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        items: Vec<DeliveredItem>,
        /// For an e-mail delivery: when the applicant's mail server accepted the message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        accepted_at: Option<chrono::NaiveDateTime>,
    },
    /// The reply's e-mail, recorded as the 送达, came back from the applicant's mail server (a
    /// delivery status notification with a permanent failure): it was not delivered after
    /// all, and the reply waits for delivery another way.
    DeliveryBounced {
        /// The Message-ID of the returned message.
        message_id: String,
        /// The status the returning server gave (RFC 3463, e.g. `5.1.1`).
        status: String,
    },
    /// The handler asked the approver for an extension (internal until granted: the
    /// applicant hears of the extension through its notice).
    ExtensionRequested {
        working_days: u32,
        reason: String,
    },
    /// The approver refused the requested extension.
    ExtensionRefused {
        reason: String,
    },
    /// The handler responsible for the case was named (or changed).
    Assigned {
        user_id: i64,
        name: String,
    },
    /// A reconsideration body or a court set the reply aside and ordered a new one within a
    /// period (行政复议法 第六十四条至第六十六条, or a judgment to the same effect): the case is
    /// open again and the new reply is due by `due_on`.
    NewReplyOrdered {
        /// 行政复议 or 行政诉讼, and the body or court that decided.
        by: String,
        /// The decision as the body named it (e.g. 撤销或者部分撤销（复议法第六十四条）).
        decision: String,
        decided_on: NaiveDate,
        /// The period as the decision sets it, in words (e.g. 15个工作日).
        period: String,
        due_on: NaiveDate,
    },
    /// A document was added to the case; its content is kept by its SHA-256 (so the chain
    /// of events also fixes the file).
    DocumentAdded {
        document_id: i64,
        purpose: crate::document::Purpose,
        name: String,
        sha256: String,
    },
    /// A reconsideration or a suit about the case was recorded, or its decision entered: the
    /// record as it stands is fixed by its hash ([`crate::outcome::record_hash`]), so the
    /// chain also covers the outcome records the statistics count.
    OutcomeRecorded {
        record: crate::outcome::OutcomeRecord,
        record_id: i64,
        sha256: String,
    },
}

impl CaseEvent {
    /// The stable name stored in the `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Submitted { .. } => "submitted",
            Self::Registered { .. } => "registered",
            Self::Imported { .. } => "imported",
            Self::Confirmed { .. } => "confirmed",
            Self::CorrectionRequested { .. } => "correction_requested",
            Self::CorrectionReceived { .. } => "correction_received",
            Self::ConsultationOpened { .. } => "consultation_opened",
            Self::ConsultationClosed { .. } => "consultation_closed",
            Self::ExtensionGranted { .. } => "extension_granted",
            Self::FeeNoticed { .. } => "fee_noticed",
            Self::FeePaid { .. } => "fee_paid",
            Self::Withdrawn { .. } => "withdrawn",
            Self::Abandoned { .. } => "abandoned",
            Self::Drafted { .. } => "drafted",
            Self::SubmittedForReview {} => "submitted_for_review",
            Self::Reviewed { .. } => "reviewed",
            Self::NoticeIssued { .. } => "notice_issued",
            Self::SignedOff { .. } => "signed_off",
            Self::LetterIssued { .. } => "letter_issued",
            Self::LetterVoided { .. } => "letter_voided",
            Self::ReasonsRequested { .. } => "reasons_requested",
            Self::Article35Decided { .. } => "article35_decided",
            Self::Delivered { .. } => "delivered",
            Self::DeliveryBounced { .. } => "delivery_bounced",
            Self::Assigned { .. } => "assigned",
            Self::ExtensionRequested { .. } => "extension_requested",
            Self::ExtensionRefused { .. } => "extension_refused",
            Self::NewReplyOrdered { .. } => "new_reply_ordered",
            Self::DocumentAdded { .. } => "document_added",
            Self::OutcomeRecorded { .. } => "outcome_recorded",
        }
    }

    /// A one-line Chinese summary, for timelines and the public tracking page.
    pub fn summary(&self) -> String {
        match self {
            Self::Submitted { .. } => "申请人通过网上渠道提交申请".into(),
            Self::Registered { channel, .. } => format!("登记{}申请", channel.label()),
            Self::Imported { .. } => "导入历史案件".into(),
            Self::Confirmed { .. } => "工作人员与申请人确认收到申请".into(),
            Self::CorrectionRequested { period, .. } => {
                format!("发出补正告知，补正期限{period}个工作日")
            }
            Self::CorrectionReceived { .. } => "收到补正后的申请，答复期限重新计算".into(),
            Self::ConsultationOpened { party_kind, .. } => {
                format!("征求{}意见", party_kind.label())
            }
            Self::ConsultationClosed { opinion, .. } => {
                format!("征求意见结束（{}）", opinion.label())
            }
            Self::ExtensionGranted { working_days, .. } => {
                format!("经负责人同意延长答复期限{working_days}个工作日")
            }
            Self::FeeNoticed { amount_yuan, .. } => {
                format!("发出收费通知，信息处理费{amount_yuan}元")
            }
            Self::FeePaid {} => "申请人缴纳信息处理费".into(),
            Self::Withdrawn { .. } => "申请人撤回申请".into(),
            Self::Abandoned { disposition } => format!("视为放弃申请：{}", disposition.label()),
            Self::Drafted { disposition, .. } => format!("拟写答复（{}）", disposition.label()),
            Self::SubmittedForReview {} => "提交法制审核".into(),
            Self::Reviewed { approved: true, .. } => "法制审核通过".into(),
            Self::Reviewed {
                approved: false, ..
            } => "法制审核退回修改".into(),
            Self::NoticeIssued { number, .. } => format!("出具文书（{number}）"),
            Self::SignedOff { .. } => "负责人签发".into(),
            Self::LetterIssued { number, .. } => format!("出具答复书（{number}）"),
            Self::LetterVoided { number, .. } => format!("答复书{number}作废，重新办理"),
            Self::Delivered { method, items, .. } => {
                let how = DeliveryMethod::parse(method).map_or("", |m| m.label());
                if items.len() > 1 {
                    format!("答复书及附件{}份已送达（{how}）", items.len() - 1)
                } else {
                    format!("答复书已送达（{how}）")
                }
            }
            Self::DeliveryBounced { status, .. } => {
                format!("答复的电子邮件被收件方退回（{status}），未送达，待以其他方式送达")
            }
            Self::Assigned { name, .. } => format!("指定承办人：{name}"),
            Self::ExtensionRequested { working_days, .. } => {
                format!("承办人申请延长答复期限{working_days}个工作日")
            }
            Self::ExtensionRefused { .. } => "负责人不同意延期".into(),
            Self::DocumentAdded { purpose, name, .. } => {
                format!("上传{}：{name}", purpose.label())
            }
            Self::OutcomeRecorded { record, .. } => format!("登记{}情况", record.label()),
            Self::NewReplyOrdered {
                by,
                decision,
                due_on,
                ..
            } => format!("{by}决定{decision}，责令重新答复，期限至{due_on}"),
            Self::ReasonsRequested { deadline, .. } => {
                format!("要求申请人于{deadline}前说明申请理由（条例第三十五条）")
            }
            Self::Article35Decided {
                outcome,
                later_due_on,
                ..
            } => match later_due_on {
                Some(d) => format!("{}，答复期限至{d}（条例第三十五条）", outcome.label()),
                None => format!("{}（条例第三十五条）", outcome.label()),
            },
        }
    }
}

/// The clock's input, rebuilt from the events (oldest first, each with the date it happened).
/// Receipt comes from registration, confirmation or import; corrections, consultations and
/// fee notices become the spans the clock excludes or restarts from; the case stops at its
/// conclusion.
pub fn clock_input<'a>(
    events: impl IntoIterator<Item = (NaiveDate, &'a CaseEvent)>,
    fee_pause_excluded: bool,
) -> ClockInput {
    let mut input = ClockInput {
        received_on: None,
        corrections: Vec::new(),
        pauses: Vec::new(),
        fee_pause_excluded,
        extension: None,
        later_days: None,
        stopped_on: None,
        new_reply: None,
    };
    let mut consultations: Vec<(i64, usize)> = Vec::new();
    let mut open_fee: Option<usize> = None;
    for (on, event) in events {
        match event {
            CaseEvent::Submitted { .. } => {}
            CaseEvent::Registered { received_on, .. } | CaseEvent::Confirmed { received_on } => {
                input.received_on = Some(*received_on);
            }
            CaseEvent::Imported {
                received_on,
                concluded_on,
                disposition,
                ..
            } => {
                input.received_on = Some(*received_on);
                if disposition.is_some() {
                    input.stopped_on = Some(concluded_on.unwrap_or(*received_on));
                }
            }
            CaseEvent::CorrectionRequested { period, .. } => input.corrections.push(Correction {
                notice_on: on,
                period: *period,
                response_on: None,
            }),
            CaseEvent::CorrectionReceived { .. } => {
                if let Some(c) = input.corrections.last_mut() {
                    c.response_on = Some(on);
                }
            }
            CaseEvent::ConsultationOpened {
                consultation_id,
                party_kind,
                party_name,
                ..
            } => {
                consultations.push((*consultation_id, input.pauses.len()));
                input.pauses.push(Pause {
                    kind: match party_kind {
                        PartyKind::ThirdParty => PauseKind::ThirdParty,
                        PartyKind::Agency => PauseKind::Agency,
                    },
                    label: party_name.clone(),
                    opened_on: on,
                    closed_on: None,
                });
            }
            CaseEvent::ConsultationClosed {
                consultation_id, ..
            } => {
                if let Some((_, i)) = consultations.iter().find(|(id, _)| id == consultation_id)
                    && let Some(p) = input.pauses.get_mut(*i)
                {
                    p.closed_on = Some(on);
                }
            }
            CaseEvent::ExtensionGranted { working_days, .. } => {
                input.extension = Some(*working_days);
            }
            CaseEvent::Article35Decided {
                later_days: Some(days),
                ..
            } => {
                input.later_days = Some(*days);
            }
            CaseEvent::FeeNoticed { amount_yuan, .. } => {
                open_fee = Some(input.pauses.len());
                input.pauses.push(Pause {
                    kind: PauseKind::Fee,
                    label: format!("信息处理费{amount_yuan}元"),
                    opened_on: on,
                    closed_on: None,
                });
            }
            CaseEvent::FeePaid {} => {
                if let Some(i) = open_fee.take()
                    && let Some(p) = input.pauses.get_mut(i)
                {
                    p.closed_on = Some(on);
                }
            }
            CaseEvent::Withdrawn { .. } | CaseEvent::Abandoned { .. } => {
                input.stopped_on = Some(on);
            }
            // 条例33 is met on the day the reply is made.
            CaseEvent::LetterIssued { .. } => {
                input.stopped_on = Some(on);
            }
            // A void reply answered nothing: the clock runs on from where it stood.
            CaseEvent::LetterVoided { .. } => {
                input.stopped_on = None;
            }
            // The earlier reply was set aside: the clock runs again, to the decision's date.
            CaseEvent::NewReplyOrdered {
                decided_on, due_on, ..
            } => {
                input.stopped_on = None;
                input.new_reply = Some(NewReplyOrder {
                    ordered_on: *decided_on,
                    due_on: *due_on,
                });
            }
            CaseEvent::Drafted { .. }
            | CaseEvent::SubmittedForReview {}
            | CaseEvent::Reviewed { .. }
            | CaseEvent::SignedOff { .. }
            | CaseEvent::NoticeIssued { .. }
            // 条例35 asking for reasons excludes no time (条例33第三款 lists the exclusions).
            | CaseEvent::ReasonsRequested { .. }
            | CaseEvent::Article35Decided { .. }
            | CaseEvent::Delivered { .. }
            | CaseEvent::DeliveryBounced { .. }
            | CaseEvent::Assigned { .. }
            | CaseEvent::ExtensionRequested { .. }
            | CaseEvent::ExtensionRefused { .. }
            | CaseEvent::DocumentAdded { .. }
            | CaseEvent::OutcomeRecorded { .. } => {}
        }
    }
    input
}

/// Who an event is addressed to (DESIGN.md, "one record, two audiences"): the applicant sees
/// the steps taken towards them (filing, receipt, 补正, extension, fees, the reply, delivery);
/// drafts, reviews, sign-offs, consultations and the agency's deliberations are internal
/// process information (过程性信息, 条例16) and stay with staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Applicant,
    Internal,
}

/// Whether a letter of this kind is addressed to the applicant, and is not void: a reply
/// voided before it went out never reached them.
pub fn letter_for_applicant(kind: crate::letter::LetterKind, voided: bool) -> bool {
    !voided && kind.addressed_to_applicant()
}

impl CaseEvent {
    /// Who this event is addressed to. Every kind decides here, once: the API, the pages,
    /// public tracking and notifications all ask this.
    pub fn audience(&self) -> Audience {
        match self {
            Self::Submitted { .. }
            | Self::Registered { .. }
            | Self::Confirmed { .. }
            | Self::CorrectionRequested { .. }
            | Self::CorrectionReceived { .. }
            | Self::ExtensionGranted { .. }
            | Self::FeeNoticed { .. }
            | Self::FeePaid {}
            | Self::Withdrawn { .. }
            | Self::Abandoned { .. }
            | Self::LetterIssued { .. }
            | Self::ReasonsRequested { .. }
            | Self::Delivered { .. }
            | Self::DeliveryBounced { .. }
            | Self::NewReplyOrdered { .. } => Audience::Applicant,
            // What came from the applicant's side is theirs to see; the agency's material
            // (opinions, information before release, scans) is internal until sent.
            Self::DocumentAdded { purpose, .. } => {
                if purpose.from_applicant() {
                    Audience::Applicant
                } else {
                    Audience::Internal
                }
            }
            Self::NoticeIssued { kind, .. } => {
                // A code no kind names stays internal rather than reach the applicant.
                if crate::letter::LetterKind::parse(kind)
                    .is_some_and(|k| letter_for_applicant(k, false))
                {
                    Audience::Applicant
                } else {
                    Audience::Internal
                }
            }
            // A historical import, drafts and their review, sign-off, consultations, a reply
            // voided before it went out, and the 条例35 deliberation (the applicant hears its
            // outcome through the notice or reply sent to them).
            Self::Imported { .. }
            | Self::ConsultationOpened { .. }
            | Self::ConsultationClosed { .. }
            | Self::Drafted { .. }
            | Self::SubmittedForReview {}
            | Self::Reviewed { .. }
            | Self::SignedOff { .. }
            | Self::LetterVoided { .. }
            | Self::Article35Decided { .. }
            | Self::Assigned { .. }
            | Self::ExtensionRequested { .. }
            | Self::ExtensionRefused { .. }
            | Self::OutcomeRecorded { .. } => Audience::Internal,
        }
    }

    /// The event as the applicant may see it: `None` when it is internal; otherwise the event
    /// without the parts that are the agency's own (the reason a 补正 notice went out late).
    pub fn for_applicant(&self) -> Option<Self> {
        if self.audience() == Audience::Internal {
            return None;
        }
        Some(match self {
            Self::CorrectionRequested {
                items,
                period,
                deadline,
                ..
            } => Self::CorrectionRequested {
                items: items.clone(),
                period: *period,
                deadline: *deadline,
                late_reason: None,
            },
            other => other.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn events_round_trip_through_json_with_a_type_tag() {
        let e = CaseEvent::ConsultationOpened {
            consultation_id: 3,
            party_kind: PartyKind::ThirdParty,
            party_name: "某公司".into(),
            reply_by: d("2026-03-20"),
        };
        let json = serde_json::to_string(&e).expect("json");
        assert!(
            json.starts_with("{\"type\":\"consultation_opened\""),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<CaseEvent>(&json).expect("back"), e);
        assert_eq!(e.kind(), "consultation_opened");
    }

    #[test]
    fn the_clock_input_follows_the_events() {
        let events = [
            (
                d("2026-03-02"),
                CaseEvent::Registered {
                    channel: Channel::InPerson,
                    received_on: d("2026-03-02"),
                },
            ),
            (
                d("2026-03-04"),
                CaseEvent::ConsultationOpened {
                    consultation_id: 1,
                    party_kind: PartyKind::Agency,
                    party_name: "市规划局".into(),
                    reply_by: d("2026-03-25"),
                },
            ),
            (
                d("2026-03-06"),
                CaseEvent::ConsultationClosed {
                    consultation_id: 1,
                    opinion: ConsultationOpinion::Agree,
                    note: None,
                },
            ),
            (
                d("2026-03-09"),
                CaseEvent::FeeNoticed {
                    mode: FeeMode::PerPage,
                    pages: Some(40),
                    ordinal: None,
                    amount_yuan: 100,
                    pay_by: d("2026-04-07"),
                },
            ),
        ];
        let input = clock_input(events.iter().map(|(on, e)| (*on, e)), true);
        assert_eq!(input.received_on, Some(d("2026-03-02")));
        assert_eq!(input.pauses.len(), 2);
        assert_eq!(input.pauses[0].closed_on, Some(d("2026-03-06")));
        assert_eq!(input.pauses[1].kind, PauseKind::Fee);
        assert_eq!(input.pauses[1].closed_on, None);
    }

    #[test]
    fn applicants_see_what_is_addressed_to_them_and_nothing_internal() {
        let drafted = CaseEvent::Drafted {
            disposition: Disposition::WithheldProcessInfo,
            blocking: 0,
            warnings: 1,
        };
        assert_eq!(drafted.for_applicant(), None);
        let reviewed = CaseEvent::Reviewed {
            approved: false,
            comments: "理由不充分".into(),
        };
        assert_eq!(reviewed.audience(), Audience::Internal);
        let third_party = CaseEvent::NoticeIssued {
            letter_id: 1,
            kind: "third_party_consultation".into(),
            number: "上政征〔2026〕1号".into(),
            printed_sha256: None,
        };
        assert_eq!(third_party.for_applicant(), None);
        let receipt = CaseEvent::NoticeIssued {
            letter_id: 2,
            kind: "receipt".into(),
            number: "上政回〔2026〕1号".into(),
            printed_sha256: None,
        };
        assert_eq!(receipt.for_applicant(), Some(receipt.clone()));
        let late = CaseEvent::CorrectionRequested {
            items: vec!["文件名称".into()],
            period: 15,
            deadline: NaiveDate::from_ymd_opt(2026, 3, 25).unwrap_or_default(),
            late_reason: Some("材料经转办后送达".into()),
        };
        match late.for_applicant() {
            Some(CaseEvent::CorrectionRequested {
                items, late_reason, ..
            }) => {
                assert_eq!(items, vec!["文件名称".to_owned()]);
                assert_eq!(late_reason, None);
            }
            other => panic!("{other:?}"),
        }
    }
}
