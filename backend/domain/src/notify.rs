//! What tells the applicant that something happened to their application, and in which words.
//!
//! An applicant who does not log in never learns of a 补正 request (条例30), a fee notice or the
//! reply, and a 补正 window can run out unseen. So the events that start a period the applicant
//! must act in, or that answer them, each make a message: the receipt (with the date the count
//! starts and the tracking number), the 补正 request (the items and the deadline; 条例30: without
//! a good reason a late 补正 counts as giving the application up), the extension (条例33 第二款:
//! the new due date), the fee notice (the amount and the deadline; 收费管理办法: unpaid within 20
//! working days counts as giving up), the reply (its number, where to read it) and its delivery.
//!
//! The message carries the tracking number in its subject and never an identity number or a
//! phone number: it travels through mail servers the agency does not run. The link to the case
//! is written as `{site}` followed by the path; the sender puts the service's public address in
//! its place when it sends (the address is a setting, not a legal fact).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::chinese_date;
use crate::case::CaseEvent;
use crate::letter::LetterKind;

/// The place-holder the sender replaces with the service's public address.
pub const SITE: &str = "{site}";

macro_rules! kinds {
    ($($variant:ident => $code:literal, $label:literal;)+) => {
        /// Why a message was written.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum NoticeKind { $($variant,)+ }

        impl NoticeKind {
            pub const ALL: &'static [NoticeKind] = &[$(NoticeKind::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self { $(NoticeKind::$variant => $code,)+ }
            }

            pub fn label(self) -> &'static str {
                match self { $(NoticeKind::$variant => $label,)+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($code => Some(NoticeKind::$variant),)+ _ => None }
            }
        }
    };
}

kinds! {
    Received => "received", "申请已收到";
    CorrectionRequested => "correction_requested", "补正告知";
    Extended => "extended", "延长答复期限";
    FeeNoticed => "fee_noticed", "收费通知";
    ReplyIssued => "reply_issued", "答复已出具";
    Delivered => "delivered", "答复已送达";
    CaseAssigned => "case_assigned", "案件分配";
    DraftReturned => "draft_returned", "答复稿退回修改";
}

crate::stored_code!(NoticeKind, NoticeKind::parse);

/// The channels a message can go by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "电子邮件",
            Channel::Sms => "短信",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

crate::stored_code!(Channel, Channel::parse);

/// What the words of a message need to know of the case, after the event.
#[derive(Debug, Clone)]
pub struct CaseFacts<'a> {
    pub case_id: i64,
    pub tracking_no: &'a str,
    pub agency_name: &'a str,
    pub applicant_name: &'a str,
    pub received_on: Option<NaiveDate>,
    /// The due date of the reply once the event is applied, where it is known.
    pub due_on: Option<NaiveDate>,
    /// The handler responsible, once the event is applied.
    pub assignee: Option<i64>,
    /// How the applicant chose to receive the reply (`online`, `post`, `email`, `pickup`): by
    /// e-mail, the reply's message is the 送达.
    pub delivery: Option<&'a str>,
}

/// A message to write: why, its subject and its plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub subject: String,
    pub body: String,
}

/// The applicant's message for `event`, if the event is one they must hear of.
pub fn to_applicant(event: &CaseEvent, facts: &CaseFacts<'_>) -> Option<Notice> {
    let link = format!("{SITE}/my/cases/{}", facts.case_id);
    let due = facts
        .due_on
        .map(|d| format!("本机关将在{}前作出答复。", chinese_date(d)))
        .unwrap_or_default();
    let (kind, lines): (NoticeKind, Vec<String>) = match event {
        // The 受理回执 goes out when the application is registered or confirmed (条例31): the
        // moment the agency holds it as received, whatever the channel.
        CaseEvent::NoticeIssued { kind, .. } if kind == LetterKind::Receipt.code() => (
            NoticeKind::Received,
            vec![
                format!(
                    "{}于{}收到您的政府信息公开申请，登记编号为{}。{due}",
                    facts.agency_name,
                    facts.received_on.map(chinese_date).unwrap_or_default(),
                    facts.tracking_no
                ),
                "您可以登录查看办理进度，也可以凭登记编号和提交申请时取得的查询码在网上查询。"
                    .to_owned(),
            ],
        ),
        CaseEvent::CorrectionRequested {
            items, deadline, ..
        } => {
            let mut lines = vec![format!(
                "您的政府信息公开申请（登记编号{}）内容需要补正。请补正以下事项：",
                facts.tracking_no
            )];
            lines.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| format!("{}. {}", i + 1, it.trim())),
            );
            lines.push(format!(
                "请于{}前提交补正。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该申请（《中华人民共和国政府信息公开条例》第三十条）。",
                chinese_date(*deadline)
            ));
            (NoticeKind::CorrectionRequested, lines)
        }
        CaseEvent::ExtensionGranted { working_days, .. } => (
            NoticeKind::Extended,
            vec![format!(
                "经本机关负责人同意，您的政府信息公开申请（登记编号{}）的答复期限延长{working_days}个工作日（《中华人民共和国政府信息公开条例》第三十三条第二款）。{due}",
                facts.tracking_no
            )],
        ),
        CaseEvent::FeeNoticed {
            amount_yuan,
            pay_by,
            ..
        } => (
            NoticeKind::FeeNoticed,
            vec![
                format!(
                    "您的政府信息公开申请（登记编号{}）须缴纳信息处理费{amount_yuan}元，请于{}前缴纳，逾期未缴纳的视为放弃申请。",
                    facts.tracking_no,
                    chinese_date(*pay_by)
                ),
                "收费的依据、标准和缴纳方式见收费通知书，请登录查看。".to_owned(),
            ],
        ),
        CaseEvent::LetterIssued { number, .. } => (
            NoticeKind::ReplyIssued,
            vec![
                format!(
                    "本机关已对您的政府信息公开申请（登记编号{}）作出答复，答复书文号为{number}。",
                    facts.tracking_no
                ),
                format!(
                    "答复书及所附材料（含各文件的SHA-256校验值清单）：{SITE}/cases/{}/package（登录后下载）。",
                    facts.case_id
                ),
            ]
            .into_iter()
            .chain(match facts.delivery {
                Some("email") => {
                    Some("您在申请时选择以电子邮件方式送达，本邮件即为答复的送达。".to_owned())
                }
                Some("post") | Some("pickup") => {
                    Some("答复书另按您在申请时选择的方式送达。".to_owned())
                }
                _ => None,
            })
            .collect(),
        ),
        // An e-mail delivery is the reply's own message: nothing more to say.
        CaseEvent::Delivered { method, .. } if method == "email" => return None,
        CaseEvent::Delivered { .. } => (
            NoticeKind::Delivered,
            vec![format!(
                "您的政府信息公开申请（登记编号{}）的答复已送达。如对答复不服，可以依照答复书所告知的途径和期限申请行政复议或者提起行政诉讼。",
                facts.tracking_no
            )],
        ),
        _ => return None,
    };
    let mut body = format!("{}：\n\n", facts.applicant_name);
    for l in lines {
        body.push_str(&l);
        body.push('\n');
    }
    body.push_str(&format!("\n查看本申请：{link}\n\n{}\n", facts.agency_name));
    body.push_str("（本邮件由系统自动发送，请勿直接回复。）\n");
    Some(Notice {
        kind,
        subject: format!(
            "【{}】{}（{}）",
            facts.agency_name,
            kind.label(),
            facts.tracking_no
        ),
        body,
    })
}

/// The message to a member of staff for `event`, and to whom (an account id): the handler
/// named for a case, and the handler whose draft the legal adviser returned.
pub fn to_staff(event: &CaseEvent, facts: &CaseFacts<'_>) -> Option<(i64, Notice)> {
    let link = format!("{SITE}/work/cases/{}", facts.case_id);
    let due = facts
        .due_on
        .map(|d| format!("答复期限至{}。", chinese_date(d)))
        .unwrap_or_default();
    let (to, kind, line) = match event {
        CaseEvent::Assigned { user_id, .. } => (
            *user_id,
            NoticeKind::CaseAssigned,
            format!(
                "您被指定为政府信息公开申请{}的承办人。{due}",
                facts.tracking_no
            ),
        ),
        CaseEvent::Reviewed {
            approved: false,
            comments,
        } => (
            facts.assignee?,
            NoticeKind::DraftReturned,
            format!(
                "申请{}的答复稿经法制审核退回修改。审核意见：{}。{due}",
                facts.tracking_no,
                comments.trim().trim_end_matches('。')
            ),
        ),
        _ => return None,
    };
    Some((
        to,
        Notice {
            kind,
            subject: format!("{}（{}）", kind.label(), facts.tracking_no),
            body: format!("{line}\n\n办理：{link}\n\n{}\n", facts.agency_name),
        },
    ))
}

/// How long to wait before attempt `attempt` (from 1) of a message that failed: `base` doubled
/// each time, at most `cap`.
pub fn backoff(
    attempt: u32,
    base: std::time::Duration,
    cap: std::time::Duration,
) -> std::time::Duration {
    let factor = 1u32
        .checked_shl(attempt.saturating_sub(1).min(20))
        .unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Channel as Filed;

    fn facts() -> CaseFacts<'static> {
        CaseFacts {
            case_id: 7,
            tracking_no: "ZJ-HZ-SC-2026-000007",
            agency_name: "杭州市上城区人民政府办公室",
            applicant_name: "张三",
            received_on: NaiveDate::from_ymd_opt(2026, 3, 2),
            due_on: NaiveDate::from_ymd_opt(2026, 4, 1),
            assignee: Some(42),
            delivery: Some("post"),
        }
    }

    #[test]
    fn a_receipt_names_the_case_and_its_due_date() {
        let n = to_applicant(
            &CaseEvent::NoticeIssued {
                letter_id: 1,
                kind: "receipt".into(),
                number: "上城政办依申收〔2026〕1号".into(),
            },
            &facts(),
        )
        .expect("a receipt");
        let registered = CaseEvent::Registered {
            channel: Filed::RegisteredPost,
            received_on: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
        };
        assert!(
            to_applicant(&registered, &facts()).is_none(),
            "the receipt says it"
        );
        assert_eq!(n.kind, NoticeKind::Received);
        assert!(n.subject.contains("ZJ-HZ-SC-2026-000007"));
        assert!(n.body.contains("2026年3月2日") && n.body.contains("2026年4月1日"));
        assert!(n.body.contains("{site}/my/cases/7"));
    }

    #[test]
    fn a_correction_lists_its_items_and_the_consequence() {
        let n = to_applicant(
            &CaseEvent::CorrectionRequested {
                items: vec!["所需信息的名称".into(), "文件的年份".into()],
                period: 15,
                deadline: NaiveDate::from_ymd_opt(2026, 3, 23).expect("date"),
                late_reason: None,
            },
            &facts(),
        )
        .expect("a notice");
        assert!(n.body.contains("1. 所需信息的名称\n2. 文件的年份"));
        assert!(n.body.contains("2026年3月23日") && n.body.contains("第三十条"));
    }

    #[test]
    fn internal_events_tell_the_applicant_nothing() {
        assert!(to_applicant(&CaseEvent::SubmittedForReview {}, &facts()).is_none());
        assert!(
            to_applicant(
                &CaseEvent::Reviewed {
                    approved: false,
                    comments: "退回".into()
                },
                &facts()
            )
            .is_none()
        );
    }

    #[test]
    fn staff_hear_of_their_assignments_and_returned_drafts() {
        let (to, n) = to_staff(
            &CaseEvent::Assigned {
                user_id: 9,
                name: "王五".into(),
            },
            &facts(),
        )
        .expect("a message");
        assert_eq!((to, n.kind), (9, NoticeKind::CaseAssigned));
        assert!(n.body.contains("{site}/work/cases/7"));
        let (to, n) = to_staff(
            &CaseEvent::Reviewed {
                approved: false,
                comments: "理由不充分".into(),
            },
            &facts(),
        )
        .expect("a message");
        assert_eq!((to, n.kind), (42, NoticeKind::DraftReturned));
        assert!(n.body.contains("理由不充分"));
        let approved = CaseEvent::Reviewed {
            approved: true,
            comments: "同意".into(),
        };
        assert!(to_staff(&approved, &facts()).is_none());
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let s = std::time::Duration::from_secs;
        assert_eq!(backoff(1, s(30), s(3600)), s(30));
        assert_eq!(backoff(2, s(30), s(3600)), s(60));
        assert_eq!(backoff(4, s(30), s(3600)), s(240));
        assert_eq!(backoff(30, s(30), s(3600)), s(3600));
    }
}
