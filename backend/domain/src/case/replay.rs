//! What a case's events determine of its record: the snapshot row (status, disposition,
//! dates, deadlines, handler), the letters issued and voided, and the outcome records, rebuilt
//! by folding the events in order. `yishen audit verify` compares the stored record with it,
//! so that editing a case row (a disposition turned from 予以公开 into 国家秘密, a conclusion
//! date moved) is found even though the event chain itself is intact.
//!
//! The fold follows the state machine ([`Action`]): each event is the trace of one action, and
//! an event the machine would not have allowed in the state reached so far is a break too.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::event::CaseEvent;
use super::intake::Channel;
use super::state::{Action, Status};
use crate::disposition::Disposition;
use crate::outcome::OutcomeRecord;

/// The status an imported historical case is placed in: by its recorded disposition, the
/// withdrawn and abandoned ones apart, the rest closed; without one it is still open.
pub fn imported_status(disposition: Option<Disposition>) -> Status {
    match disposition {
        None => Status::Received,
        Some(Disposition::OtherWithdrawn) => Status::Withdrawn,
        Some(Disposition::OtherCorrectionOverdue | Disposition::OtherFeeUnpaid) => {
            Status::Abandoned
        }
        Some(_) => Status::Closed,
    }
}

/// A letter as the events record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedLetter {
    pub kind: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub voided: bool,
    /// The hash of the values it prints, where the event carries one.
    pub printed_sha256: Option<String>,
}

/// Everything the events determine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub status: Status,
    pub channel: Channel,
    pub received_on: Option<NaiveDate>,
    pub disposition: Option<Disposition>,
    pub concluded_on: Option<NaiveDate>,
    pub correction_deadline: Option<NaiveDate>,
    pub fee_deadline: Option<NaiveDate>,
    pub assignee_id: Option<i64>,
    /// The request's text after the last 补正, which replaced it (条例30).
    pub corrected_content: Option<String>,
    pub letters: BTreeMap<i64, IssuedLetter>,
    /// The latest hash of each outcome record, by kind and id.
    pub outcomes: BTreeMap<(OutcomeRecord, i64), String>,
}

/// Why the events cannot be folded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("案件没有事件记录")]
    Empty,
    #[error("第1号事件（{kind}）不是申请的提交、登记或导入")]
    NoIntake { kind: &'static str },
    #[error("第{seq}号事件（{summary}）在“{status}”状态下不可能发生")]
    NotAllowed {
        seq: usize,
        summary: String,
        status: &'static str,
    },
    #[error("第{seq}号事件作废的文书（编号{letter_id}）在此前的事件中没有出具记录")]
    UnknownLetter { seq: usize, letter_id: i64 },
}

/// The action an event is the trace of; `None` for events that change no state (a letter
/// recorded beside its action, a document, an outcome record).
fn action_of(event: &CaseEvent) -> Option<Action> {
    use CaseEvent as E;
    Some(match event {
        E::Submitted { .. }
        | E::Registered { .. }
        | E::Imported { .. }
        | E::NoticeIssued { .. }
        | E::DocumentAdded { .. }
        | E::OutcomeRecorded { .. } => return None,
        E::Confirmed { .. } => Action::Confirm,
        E::CorrectionRequested { .. } => Action::RequestCorrection,
        E::CorrectionReceived { .. } => Action::ReceiveCorrection,
        E::ConsultationOpened { .. } => Action::OpenConsultation,
        E::ConsultationClosed { .. } => Action::CloseConsultation,
        E::ExtensionGranted { .. } => Action::Extend,
        E::FeeNoticed { .. } => Action::NoticeFee,
        E::FeePaid {} => Action::RecordPayment,
        E::Withdrawn { .. } => Action::Withdraw,
        E::Abandoned { .. } => Action::Abandon,
        E::Drafted { .. } => Action::Draft,
        E::SubmittedForReview {} => Action::SubmitForReview,
        E::Reviewed { approved: true, .. } => Action::Approve,
        E::Reviewed {
            approved: false, ..
        } => Action::Return,
        E::SignedOff { .. } => Action::SignOff,
        E::LetterIssued { .. } => Action::Issue,
        E::LetterVoided { .. } => Action::VoidReply,
        E::ReasonsRequested { .. } => Action::RequestReasons,
        E::Article35Decided { .. } => Action::DecideArticle35,
        E::Delivered { .. } => Action::Deliver,
        E::DeliveryBounced { .. } => Action::RecordBounce,
        E::Assigned { .. } => Action::Assign,
        E::ExtensionRequested { .. } => Action::RequestExtension,
        E::ExtensionRefused { .. } => Action::RefuseExtension,
        E::NewReplyOrdered { .. } => Action::OrderNewReply,
    })
}

/// Folds a case's events (oldest first, each with the date it happened) into what they
/// determine.
pub fn replay<'a>(
    events: impl IntoIterator<Item = (NaiveDate, &'a CaseEvent)>,
) -> Result<Replayed, ReplayError> {
    let mut events = events.into_iter();
    let (_, first) = events.next().ok_or(ReplayError::Empty)?;
    let mut r = match first {
        CaseEvent::Submitted { channel } => start(Status::Submitted, *channel, None),
        CaseEvent::Registered {
            channel,
            received_on,
        } => start(Status::Received, *channel, Some(*received_on)),
        CaseEvent::Imported {
            channel,
            received_on,
            disposition,
            concluded_on,
            ..
        } => {
            let mut r = start(imported_status(*disposition), *channel, Some(*received_on));
            r.disposition = *disposition;
            r.concluded_on = *concluded_on;
            r
        }
        other => return Err(ReplayError::NoIntake { kind: other.kind() }),
    };
    for (i, (on, event)) in events.enumerate() {
        let seq = i + 2;
        if let Some(action) = action_of(event) {
            r.status = action
                .next(r.status)
                .ok_or_else(|| ReplayError::NotAllowed {
                    seq,
                    summary: event.summary(),
                    status: r.status.label(),
                })?;
        }
        fold(&mut r, seq, on, event)?;
    }
    Ok(r)
}

fn start(status: Status, channel: Channel, received_on: Option<NaiveDate>) -> Replayed {
    Replayed {
        status,
        channel,
        received_on,
        disposition: None,
        concluded_on: None,
        correction_deadline: None,
        fee_deadline: None,
        assignee_id: None,
        corrected_content: None,
        letters: BTreeMap::new(),
        outcomes: BTreeMap::new(),
    }
}

/// What one event (after the first) sets beside the status.
fn fold(r: &mut Replayed, seq: usize, on: NaiveDate, event: &CaseEvent) -> Result<(), ReplayError> {
    use CaseEvent as E;
    match event {
        E::Confirmed { received_on } => r.received_on = Some(*received_on),
        E::CorrectionRequested { deadline, .. } => r.correction_deadline = Some(*deadline),
        E::CorrectionReceived { content, .. } => {
            r.correction_deadline = None;
            r.corrected_content = Some(content.clone());
        }
        E::FeeNoticed { pay_by, .. } => r.fee_deadline = Some(*pay_by),
        E::FeePaid {} => r.fee_deadline = None,
        E::Withdrawn { .. } => conclude(r, Disposition::OtherWithdrawn, on),
        E::Abandoned { disposition } => conclude(r, *disposition, on),
        E::NoticeIssued {
            letter_id,
            kind,
            number,
            printed_sha256,
        } => issue(r, *letter_id, kind, number, on, printed_sha256.clone()),
        E::LetterIssued {
            letter_id,
            kind,
            number,
            disposition,
            printed_sha256,
        } => {
            r.disposition = Some(*disposition);
            r.concluded_on = Some(on);
            issue(r, *letter_id, kind, number, on, printed_sha256.clone());
        }
        E::LetterVoided { letter_id, .. } => {
            r.disposition = None;
            r.concluded_on = None;
            r.letters
                .get_mut(letter_id)
                .ok_or(ReplayError::UnknownLetter {
                    seq,
                    letter_id: *letter_id,
                })?
                .voided = true;
        }
        E::Assigned { user_id, .. } => r.assignee_id = Some(*user_id),
        E::OutcomeRecorded {
            record,
            record_id,
            sha256,
        } => {
            r.outcomes.insert((*record, *record_id), sha256.clone());
        }
        E::Submitted { .. }
        | E::Registered { .. }
        | E::Imported { .. }
        | E::ConsultationOpened { .. }
        | E::ConsultationClosed { .. }
        | E::ExtensionGranted { .. }
        | E::Drafted { .. }
        | E::SubmittedForReview {}
        | E::Reviewed { .. }
        | E::SignedOff { .. }
        | E::ReasonsRequested { .. }
        | E::Article35Decided { .. }
        | E::Delivered { .. }
        | E::DeliveryBounced { .. }
        | E::ExtensionRequested { .. }
        | E::ExtensionRefused { .. }
        | E::NewReplyOrdered { .. }
        | E::DocumentAdded { .. } => {}
    }
    Ok(())
}

/// A letter the events issued.
fn issue(
    r: &mut Replayed,
    id: i64,
    kind: &str,
    number: &str,
    on: NaiveDate,
    printed_sha256: Option<String>,
) {
    r.letters.insert(
        id,
        IssuedLetter {
            kind: kind.to_owned(),
            number: number.to_owned(),
            issued_on: on,
            voided: false,
            printed_sha256,
        },
    );
}

/// A withdrawal or an abandonment ends the case and every window it had open.
fn conclude(r: &mut Replayed, disposition: Disposition, on: NaiveDate) {
    r.disposition = Some(disposition);
    r.concluded_on = Some(on);
    r.correction_deadline = None;
    r.fee_deadline = None;
}

/// The stored snapshot's fields that the events determine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSnapshot<'a> {
    pub status: Status,
    pub channel: Channel,
    pub received_on: Option<NaiveDate>,
    pub disposition: Option<Disposition>,
    pub concluded_on: Option<NaiveDate>,
    pub correction_deadline: Option<NaiveDate>,
    pub fee_deadline: Option<NaiveDate>,
    pub assignee_id: Option<i64>,
    pub content: &'a str,
}

/// A field of the record that differs from what the events determine, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}：记录为“{stored}”，按事件应为“{expected}”")]
pub struct Difference {
    pub field: &'static str,
    pub stored: String,
    pub expected: String,
}

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "空".to_owned(), |d| d.to_string())
}

fn disposition(d: Option<Disposition>) -> String {
    d.map_or_else(|| "空".to_owned(), |d| d.label().to_owned())
}

impl Replayed {
    /// The first field of the stored snapshot that differs from the events.
    pub fn compare(&self, stored: &StoredSnapshot<'_>) -> Option<Difference> {
        let diff = |field, stored: String, expected: String| {
            Some(Difference {
                field,
                stored,
                expected,
            })
        };
        if stored.status != self.status {
            return diff(
                "状态",
                stored.status.label().into(),
                self.status.label().into(),
            );
        }
        if stored.channel != self.channel {
            return diff(
                "申请渠道",
                stored.channel.label().into(),
                self.channel.label().into(),
            );
        }
        if stored.disposition != self.disposition {
            return diff(
                "处理结果",
                disposition(stored.disposition),
                disposition(self.disposition),
            );
        }
        let dates = [
            ("收到申请日期", stored.received_on, self.received_on),
            ("办结日期", stored.concluded_on, self.concluded_on),
            (
                "补正期限",
                stored.correction_deadline,
                self.correction_deadline,
            ),
            ("缴费期限", stored.fee_deadline, self.fee_deadline),
        ];
        for (field, s, e) in dates {
            if s != e {
                return diff(field, date(s), date(e));
            }
        }
        if stored.assignee_id != self.assignee_id {
            let who =
                |u: Option<i64>| u.map_or_else(|| "未指定".to_owned(), |u| format!("用户{u}"));
            return diff("承办人", who(stored.assignee_id), who(self.assignee_id));
        }
        if let Some(content) = &self.corrected_content
            && content != stored.content
        {
            return diff(
                "申请内容（补正后）",
                excerpt(stored.content),
                excerpt(content),
            );
        }
        None
    }
}

/// The start of a long text, enough to recognise it.
fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
}

/// A letter row as stored, for comparison with the events.
#[derive(Debug, Clone)]
pub struct StoredLetter<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub number: &'a str,
    pub issued_on: NaiveDate,
    pub voided: bool,
    /// The hash of the stored printed values, when they are kept.
    pub printed_sha256: Option<String>,
}

impl Replayed {
    /// The first letter that differs from the events: one the events do not name, one they
    /// name that is missing, or a different kind, number, date, voiding or printed text.
    pub fn compare_letters(&self, stored: &[StoredLetter<'_>]) -> Option<String> {
        for l in stored {
            let Some(e) = self.letters.get(&l.id) else {
                return Some(format!("文书{}不在事件记录中（文书被添加）", l.number));
            };
            if e.kind != l.kind || e.number != l.number {
                return Some(format!(
                    "文书编号或种类与事件记录不符：记录为“{}”，按事件应为“{}”",
                    l.number, e.number
                ));
            }
            if e.issued_on != l.issued_on {
                return Some(format!(
                    "文书{}的出具日期：记录为“{}”，按事件应为“{}”",
                    l.number, l.issued_on, e.issued_on
                ));
            }
            if e.voided != l.voided {
                let word = |v: bool| if v { "已作废" } else { "有效" };
                return Some(format!(
                    "文书{}：记录为“{}”，按事件应为“{}”",
                    l.number,
                    word(l.voided),
                    word(e.voided)
                ));
            }
            if let Some(want) = &e.printed_sha256
                && l.printed_sha256.as_ref() != Some(want)
            {
                return Some(format!(
                    "文书{}的内容与出具时记入事件的哈希不符（文书内容被修改）",
                    l.number
                ));
            }
        }
        for (id, e) in &self.letters {
            if !stored.iter().any(|l| l.id == *id) {
                return Some(format!("事件记录的文书{}不存在（文书被删除）", e.number));
            }
        }
        None
    }

    /// The first outcome record that differs from the events (`stored`: kind, id, the hash
    /// of the record as it stands).
    pub fn compare_outcomes(&self, stored: &[(OutcomeRecord, i64, String)]) -> Option<String> {
        for (kind, id, hash) in stored {
            match self.outcomes.get(&(*kind, *id)) {
                None => {
                    return Some(format!(
                        "{}记录（编号{id}）不在事件记录中（记录被添加）",
                        kind.label()
                    ));
                }
                Some(want) if want != hash => {
                    return Some(format!(
                        "{}记录（编号{id}）的内容与事件记录的哈希不符（记录被修改）",
                        kind.label()
                    ));
                }
                Some(_) => {}
            }
        }
        for (kind, id) in self.outcomes.keys() {
            if !stored.iter().any(|(k, i, _)| k == kind && i == id) {
                return Some(format!(
                    "事件记录的{}记录（编号{id}）不存在（记录被删除）",
                    kind.label()
                ));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn reply_path() -> Vec<(NaiveDate, CaseEvent)> {
        vec![
            (
                d("2026-03-02"),
                CaseEvent::Registered {
                    channel: Channel::InPerson,
                    received_on: d("2026-03-02"),
                },
            ),
            (
                d("2026-03-02"),
                CaseEvent::NoticeIssued {
                    letter_id: 1,
                    kind: "receipt".into(),
                    number: "收〔2026〕1号".into(),
                    printed_sha256: Some("aa".into()),
                },
            ),
            (
                d("2026-03-03"),
                CaseEvent::Assigned {
                    user_id: 7,
                    name: "承办人".into(),
                },
            ),
            (
                d("2026-03-04"),
                CaseEvent::FeeNoticed {
                    mode: crate::fees::FeeMode::PerPage,
                    pages: Some(40),
                    ordinal: None,
                    amount_yuan: 100,
                    pay_by: d("2026-03-20"),
                },
            ),
            (d("2026-03-05"), CaseEvent::FeePaid {}),
            (
                d("2026-03-06"),
                CaseEvent::Drafted {
                    disposition: Disposition::Disclosed,
                    blocking: 0,
                    warnings: 0,
                },
            ),
            (d("2026-03-06"), CaseEvent::SubmittedForReview {}),
            (
                d("2026-03-07"),
                CaseEvent::Reviewed {
                    approved: true,
                    comments: String::new(),
                },
            ),
            (
                d("2026-03-09"),
                CaseEvent::LetterIssued {
                    letter_id: 2,
                    kind: "reply".into(),
                    number: "复〔2026〕1号".into(),
                    disposition: Disposition::Disclosed,
                    printed_sha256: Some("bb".into()),
                },
            ),
            (
                d("2026-03-10"),
                CaseEvent::Delivered {
                    method: "post".into(),
                    tracking_no: None,
                    items: Vec::new(),
                    accepted_at: None,
                },
            ),
        ]
    }

    fn snapshot(r: &Replayed) -> StoredSnapshot<'_> {
        StoredSnapshot {
            status: r.status,
            channel: r.channel,
            received_on: r.received_on,
            disposition: r.disposition,
            concluded_on: r.concluded_on,
            correction_deadline: r.correction_deadline,
            fee_deadline: r.fee_deadline,
            assignee_id: r.assignee_id,
            content: "申请内容",
        }
    }

    #[test]
    fn the_events_of_a_reply_rebuild_its_record() {
        let events = reply_path();
        let r = replay(events.iter().map(|(on, e)| (*on, e))).expect("replay");
        assert_eq!(r.status, Status::Closed);
        assert_eq!(r.disposition, Some(Disposition::Disclosed));
        assert_eq!(r.concluded_on, Some(d("2026-03-09")));
        assert_eq!(r.fee_deadline, None);
        assert_eq!(r.assignee_id, Some(7));
        assert_eq!(r.letters.len(), 2);
        assert_eq!(r.compare(&snapshot(&r)), None);
    }

    #[test]
    fn a_disposition_changed_in_the_row_is_named() {
        let events = reply_path();
        let r = replay(events.iter().map(|(on, e)| (*on, e))).expect("replay");
        let mut s = snapshot(&r);
        s.disposition = Some(Disposition::WithheldStateSecret);
        let diff = r.compare(&s).expect("a difference");
        assert_eq!(diff.field, "处理结果");
        assert!(diff.to_string().contains("予以公开"), "{diff}");
        let mut s = snapshot(&r);
        s.concluded_on = Some(d("2026-03-08"));
        assert_eq!(r.compare(&s).map(|d| d.field), Some("办结日期"));
    }

    #[test]
    fn an_impossible_order_of_events_is_a_break() {
        let mut events = reply_path();
        // Issued before it was reviewed.
        events.swap(7, 8);
        let e = replay(events.iter().map(|(on, e)| (*on, e))).expect_err("refused");
        assert!(matches!(e, ReplayError::NotAllowed { seq: 8, .. }), "{e}");
    }

    #[test]
    fn letters_and_outcomes_are_compared_with_their_events() {
        let mut events = reply_path();
        events.push((
            d("2026-04-01"),
            CaseEvent::OutcomeRecorded {
                record: OutcomeRecord::Reconsideration,
                record_id: 3,
                sha256: "cc".into(),
            },
        ));
        let r = replay(events.iter().map(|(on, e)| (*on, e))).expect("replay");
        let letters = [
            StoredLetter {
                id: 1,
                kind: "receipt",
                number: "收〔2026〕1号",
                issued_on: d("2026-03-02"),
                voided: false,
                printed_sha256: Some("aa".into()),
            },
            StoredLetter {
                id: 2,
                kind: "reply",
                number: "复〔2026〕1号",
                issued_on: d("2026-03-09"),
                voided: false,
                printed_sha256: Some("bb".into()),
            },
        ];
        assert_eq!(r.compare_letters(&letters), None);
        let mut edited = letters.clone();
        edited[1].printed_sha256 = Some("zz".into());
        assert!(
            r.compare_letters(&edited)
                .is_some_and(|m| m.contains("内容"))
        );
        assert!(
            r.compare_letters(&letters[..1])
                .is_some_and(|m| m.contains("删除"))
        );
        let stored = [(OutcomeRecord::Reconsideration, 3, "cc".to_owned())];
        assert_eq!(r.compare_outcomes(&stored), None);
        let edited = [(OutcomeRecord::Reconsideration, 3, "dd".to_owned())];
        assert!(
            r.compare_outcomes(&edited)
                .is_some_and(|m| m.contains("修改"))
        );
        assert!(r.compare_outcomes(&[]).is_some_and(|m| m.contains("删除")));
    }
}
