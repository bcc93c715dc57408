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
    ReviewWaiting => "review_waiting", "答复稿待法制审核";
    SignoffWaiting => "signoff_waiting", "答复待签发";
    ReplyCleared => "reply_cleared", "答复可以出具";
    ExtensionRequested => "extension_requested", "延期申请待审批";
    DailyDigest => "daily_digest", "每日到期提醒";
    ReconsiderationFiled => "reconsideration_filed", "新的行政复议申请";
    DeliveryBounced => "delivery_bounced", "电子送达被退回";
    InquiryAnswered => "inquiry_answered", "咨询已答复";
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
    /// Whether an approved reply needs the approver's sign-off before it is issued (the
    /// agency's rule): then the approvers hear of an approval, else the handler.
    pub signoff_required: bool,
    /// How the applicant chose to receive the reply (`online`, `post`, `email`, `pickup`): by
    /// e-mail, the reply's message is the 送达.
    pub delivery: Option<&'a str>,
}

/// A message to write: why, its subject and its plain text, and the short text of the same
/// message for a text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub subject: String,
    pub body: String,
    pub sms: Sms,
}

/// A text message: the values of its template's parameters, and the text they make.
///
/// The major Chinese SMS platforms send only templates approved in advance, filled with
/// parameters (`模板ID` + `模板参数`), and put the approved signature (`【签名】`) in front. So
/// the words live here as templates ([`sms_template`]), the gateway receives the template's
/// id and the parameters, and `text` is what the phone shows after the signature, kept for
/// the record and for counting segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    pub params: Vec<(&'static str, String)>,
    pub text: String,
}

/// Characters of one text-message segment (GSM 03.38 with UCS-2: 70 characters; a longer
/// message is sent as segments of 67, the rest carrying the header that joins them).
pub const SMS_SEGMENT: usize = 70;
const SMS_SEGMENT_JOINED: usize = 67;

/// Segments a text (signature included) takes.
pub fn sms_segments(text: &str) -> usize {
    let n = text.chars().count();
    if n <= SMS_SEGMENT {
        1
    } else {
        n.div_ceil(SMS_SEGMENT_JOINED)
    }
}

/// The template of each kind's text message, `${name}` for a parameter. Each fits one segment
/// with a signature of up to 12 characters and the longest values the parameters take
/// (a 20-character tracking number, a date written 2026年12月31日): the test says so.
pub fn sms_template(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Received => "您的政府信息公开申请已收到，登记编号${no}，答复期限至${due}。",
        NoticeKind::CorrectionRequested => {
            "您的申请${no}需补正，请于${deadline}前登录提交，逾期视为放弃申请。"
        }
        NoticeKind::Extended => "您的申请${no}答复期限已延长至${due}，详见延期告知书。",
        NoticeKind::FeeNoticed => "申请${no}须缴信息处理费${amount}元，${deadline}前未缴视为放弃。",
        NoticeKind::ReplyIssued => "您的申请${no}已作出答复，请登录查看答复书及附件。",
        NoticeKind::Delivered => "您的申请${no}的答复已送达，如不服可依答复书告知的途径寻求救济。",
        NoticeKind::CaseAssigned => "您被指定为申请${no}的承办人，答复期限至${due}。",
        NoticeKind::DraftReturned => "申请${no}的答复稿经法制审核退回修改，请登录查看意见。",
        NoticeKind::ReviewWaiting => "申请${no}的答复稿待您法制审核，答复期限至${due}。",
        NoticeKind::SignoffWaiting => "申请${no}的答复稿已通过审核，待您签发，期限至${due}。",
        NoticeKind::ReplyCleared => "申请${no}的答复已通过审核（签发），可以出具答复书。",
        NoticeKind::ExtensionRequested => "申请${no}的承办人申请延期${days}个工作日，待您审批。",
        NoticeKind::DailyDigest => {
            "您有${soon}件申请3个工作日内到期、${late}件已逾期，请登录查看。"
        }
        NoticeKind::ReconsiderationFiled => "您监督的机关所办申请${no}被申请行政复议，请登录查看。",
        NoticeKind::DeliveryBounced => {
            "申请${no}答复的电子邮件被退回，未送达，请改用其他方式送达。"
        }
        NoticeKind::InquiryAnswered => "您的咨询${code}已由${agency}答复，请凭咨询编号查看。",
    }
}

fn sms(kind: NoticeKind, params: Vec<(&'static str, String)>) -> Sms {
    let mut text = sms_template(kind).to_owned();
    for (name, value) in &params {
        text = text.replace(&format!("${{{name}}}"), value);
    }
    Sms { params, text }
}

/// Whom a message to staff is for: one account, or everyone active in a role at the case's
/// agency (the legal advisers for a review, the approvers for a sign-off or an extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffTo {
    User(i64),
    AgencyRole(crate::Role),
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
    let no = ("no", facts.tracking_no.to_owned());
    let due = ("due", facts.due_on.map(chinese_date).unwrap_or_default());
    let params = match event {
        CaseEvent::CorrectionRequested { deadline, .. } => {
            vec![no, ("deadline", chinese_date(*deadline))]
        }
        CaseEvent::FeeNoticed {
            amount_yuan,
            pay_by,
            ..
        } => vec![
            no,
            ("amount", amount_yuan.to_string()),
            ("deadline", chinese_date(*pay_by)),
        ],
        CaseEvent::NoticeIssued { .. } | CaseEvent::ExtensionGranted { .. } => vec![no, due],
        _ => vec![no],
    };
    Some(Notice {
        kind,
        subject: format!(
            "【{}】{}（{}）",
            facts.agency_name,
            kind.label(),
            facts.tracking_no
        ),
        body,
        sms: sms(kind, params),
    })
}

/// The message to staff for `event`, and to whom: the handler named for a case, the handler
/// whose draft the legal adviser returned, the legal advisers when a draft awaits review, the
/// approvers when an approved reply awaits sign-off (签发) or an extension awaits approval
/// (条例33 第二款: extended with the approval of the agency's responsible person).
pub fn to_staff(event: &CaseEvent, facts: &CaseFacts<'_>) -> Option<(StaffTo, Notice)> {
    let due = facts
        .due_on
        .map(|d| format!("答复期限至{}。", chinese_date(d)))
        .unwrap_or_default();
    let no = facts.tracking_no;
    let (to, kind, line, extra) = match event {
        CaseEvent::Assigned { user_id, .. } => (
            StaffTo::User(*user_id),
            NoticeKind::CaseAssigned,
            format!("您被指定为政府信息公开申请{no}的承办人。{due}"),
            None,
        ),
        CaseEvent::Reviewed {
            approved: false,
            comments,
        } => (
            StaffTo::User(facts.assignee?),
            NoticeKind::DraftReturned,
            format!(
                "申请{no}的答复稿经法制审核退回修改。审核意见：{}。{due}",
                comments.trim().trim_end_matches('。')
            ),
            None,
        ),
        CaseEvent::SubmittedForReview {} => (
            StaffTo::AgencyRole(crate::Role::LegalAdviser),
            NoticeKind::ReviewWaiting,
            format!("申请{no}的答复稿已提交，待法制审核。{due}"),
            None,
        ),
        CaseEvent::Reviewed { approved: true, .. } if facts.signoff_required => (
            StaffTo::AgencyRole(crate::Role::Approver),
            NoticeKind::SignoffWaiting,
            format!("申请{no}的答复稿已通过法制审核，待签发。{due}"),
            None,
        ),
        CaseEvent::Reviewed { approved: true, .. } => (
            StaffTo::User(facts.assignee?),
            NoticeKind::ReplyCleared,
            format!("申请{no}的答复稿已通过法制审核，可以出具答复书。{due}"),
            None,
        ),
        CaseEvent::SignedOff { .. } => (
            StaffTo::User(facts.assignee?),
            NoticeKind::ReplyCleared,
            format!("申请{no}的答复已经负责人签发，可以出具答复书。{due}"),
            None,
        ),
        CaseEvent::DeliveryBounced { status, .. } => {
            let to = StaffTo::User(facts.assignee?);
            let n = delivery_bounced(facts, status);
            return Some((to, n));
        }
        CaseEvent::ExtensionRequested {
            working_days,
            reason,
        } => (
            StaffTo::AgencyRole(crate::Role::Approver),
            NoticeKind::ExtensionRequested,
            format!(
                "申请{no}的承办人申请延长答复期限{working_days}个工作日，理由：{}。{due}需经机关负责人同意（《中华人民共和国政府信息公开条例》第三十三条第二款）。",
                reason.trim().trim_end_matches('。')
            ),
            Some(("days", working_days.to_string())),
        ),
        _ => return None,
    };
    let mut params = vec![("no", no.to_owned())];
    params.extend(extra);
    if matches!(
        kind,
        NoticeKind::CaseAssigned | NoticeKind::ReviewWaiting | NoticeKind::SignoffWaiting
    ) {
        params.push(("due", facts.due_on.map(chinese_date).unwrap_or_default()));
    }
    Some((to, staff_notice(kind, facts, line, params)))
}

fn staff_notice(
    kind: NoticeKind,
    facts: &CaseFacts<'_>,
    line: String,
    params: Vec<(&'static str, String)>,
) -> Notice {
    Notice {
        kind,
        subject: format!("{}（{}）", kind.label(), facts.tracking_no),
        body: format!(
            "{line}\n\n办理：{SITE}/work/cases/{}\n\n{}\n",
            facts.case_id, facts.agency_name
        ),
        sms: sms(kind, params),
    }
}

/// The message to a person whose consultation (线上咨询) was answered: the answer itself, since
/// it is addressed to them and carries no one else's data, and where to read it again. The
/// text message names only the code and the agency (a segment is short).
pub fn inquiry_answered(code: &str, agency_name: &str, question: &str, answer: &str) -> Notice {
    let kind = NoticeKind::InquiryAnswered;
    // The message travels through mail servers the agency does not run: identity and mobile
    // numbers and e-mail addresses typed into the question or the answer are masked.
    let question = crate::inquiry::public_text(question, &[]);
    let answer = crate::inquiry::public_text(answer, &[]);
    let short: String = question.chars().take(60).collect();
    let more = if question.chars().count() > 60 {
        "……"
    } else {
        ""
    };
    Notice {
        kind,
        subject: format!("{}（咨询编号{code}）", kind.label()),
        body: format!(
            "您好：\n\n您向{agency_name}提出的咨询（咨询编号{code}）已答复。\n\n咨询内容：{short}{more}\n\n答复：\n{answer}\n\n查看：{SITE}/inquiries/{code}\n\n本答复为咨询答复，不是政府信息公开申请的答复。如需申请获取政府信息，请通过本系统提交政府信息公开申请。\n\n{agency_name}\n"
        ),
        sms: sms(
            kind,
            vec![
                ("code", code.to_owned()),
                ("agency", agency_name.to_owned()),
            ],
        ),
    }
}

/// The message to a reconsideration body's staff when a reconsideration is filed against an
/// agency it supervises (recorded on the agency's case).
pub fn reconsideration_filed(
    facts: &CaseFacts<'_>,
    body_name: &str,
    filed_on: NaiveDate,
) -> Notice {
    let line = format!(
        "{}办理的政府信息公开申请{}已于{}被申请行政复议（复议机关：{}）。",
        facts.agency_name,
        facts.tracking_no,
        chinese_date(filed_on),
        body_name
    );
    staff_notice(
        NoticeKind::ReconsiderationFiled,
        facts,
        line,
        vec![("no", facts.tracking_no.to_owned())],
    )
}

/// The message to the handler when the applicant's server sent the reply's e-mail back after
/// accepting it: the reply is not delivered, and must go another way.
pub fn delivery_bounced(facts: &CaseFacts<'_>, status: &str) -> Notice {
    let line = format!(
        "申请{}的答复以电子邮件送达，但收件方邮件服务器退回了该邮件（状态码{}），答复未送达。请改用邮寄、当面领取等其他方式送达，并记录送达情况。",
        facts.tracking_no, status
    );
    staff_notice(
        NoticeKind::DeliveryBounced,
        facts,
        line,
        vec![("no", facts.tracking_no.to_owned())],
    )
}

/// One case in a person's daily digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestLine {
    pub case_id: i64,
    pub tracking_no: String,
    pub due_on: NaiveDate,
}

/// How many working days ahead the digest looks (the "due within 3 working days").
pub const DIGEST_WORKING_DAYS: u32 = 3;

/// One person's daily digest for `today`: the cases past their due date and those due by
/// `horizon` (3 working days ahead), one message for all of them. `None` when there are none.
pub fn digest(today: NaiveDate, horizon: NaiveDate, lines: &[DigestLine]) -> Option<Notice> {
    let (late, soon): (Vec<_>, Vec<_>) = lines
        .iter()
        .filter(|l| l.due_on <= horizon)
        .partition(|l| l.due_on < today);
    if late.is_empty() && soon.is_empty() {
        return None;
    }
    let mut body = format!("{}的到期提醒：\n", chinese_date(today));
    let mut section = |title: String, items: &[&DigestLine]| {
        if items.is_empty() {
            return;
        }
        body.push_str(&format!("\n{title}\n"));
        for l in items {
            body.push_str(&format!(
                "- {}，答复期限{}：{SITE}/work/cases/{}\n",
                l.tracking_no,
                chinese_date(l.due_on),
                l.case_id
            ));
        }
    };
    section(format!("已逾期（{}件）：", late.len()), &late);
    section(
        format!("{DIGEST_WORKING_DAYS}个工作日内到期（{}件）：", soon.len()),
        &soon,
    );
    body.push_str("\n（每日一封，列出您承办的案件；本邮件由系统自动发送。）\n");
    let kind = NoticeKind::DailyDigest;
    Some(Notice {
        kind,
        subject: format!(
            "{}：{}件即将到期，{}件已逾期（{}）",
            kind.label(),
            soon.len(),
            late.len(),
            chinese_date(today)
        ),
        body,
        sms: sms(
            kind,
            vec![
                ("soon", soon.len().to_string()),
                ("late", late.len().to_string()),
            ],
        ),
    })
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
            signoff_required: true,
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
                printed_sha256: None,
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
        assert_eq!((to, n.kind), (StaffTo::User(9), NoticeKind::CaseAssigned));
        assert!(n.body.contains("{site}/work/cases/7"));
        let (to, n) = to_staff(
            &CaseEvent::Reviewed {
                approved: false,
                comments: "理由不充分".into(),
            },
            &facts(),
        )
        .expect("a message");
        assert_eq!((to, n.kind), (StaffTo::User(42), NoticeKind::DraftReturned));
        assert!(n.body.contains("理由不充分"));
    }

    #[test]
    fn reviews_sign_offs_and_extensions_wait_on_their_roles() {
        let approved = CaseEvent::Reviewed {
            approved: true,
            comments: "同意".into(),
        };
        let no_signoff = CaseFacts {
            signoff_required: false,
            ..facts()
        };
        let (to, n) = to_staff(&approved, &no_signoff).expect("the handler may issue");
        assert_eq!((to, n.kind), (StaffTo::User(42), NoticeKind::ReplyCleared));
        let (to, n) = to_staff(&approved, &facts()).expect("sign-off waits");
        assert_eq!(
            (to, n.kind),
            (
                StaffTo::AgencyRole(crate::Role::Approver),
                NoticeKind::SignoffWaiting
            )
        );
        let (to, n) = to_staff(&CaseEvent::SubmittedForReview {}, &facts()).expect("review");
        assert_eq!(
            (to, n.kind),
            (
                StaffTo::AgencyRole(crate::Role::LegalAdviser),
                NoticeKind::ReviewWaiting
            )
        );
        let (to, n) = to_staff(
            &CaseEvent::ExtensionRequested {
                working_days: 20,
                reason: "需调取档案".into(),
            },
            &facts(),
        )
        .expect("extension");
        assert_eq!(to, StaffTo::AgencyRole(crate::Role::Approver));
        assert!(n.body.contains("20个工作日") && n.body.contains("第三十三条第二款"));
        assert_eq!(
            n.sms.text,
            "申请ZJ-HZ-SC-2026-000007的承办人申请延期20个工作日，待您审批。"
        );
    }

    #[test]
    fn every_text_message_fits_one_segment() {
        // The longest values: a 20-character tracking number, the longest written date, a
        // fee of six figures, a 12-character signature in front.
        let sign = "【浙江省杭州市上城区政府办】";
        assert_eq!(sign.chars().count(), 14);
        let long = [
            ("no", "ZJ-HZ-SC-2026-123456".to_owned()),
            ("due", "2026年12月31日".to_owned()),
            ("deadline", "2026年12月31日".to_owned()),
            ("amount", "10000".to_owned()),
            ("days", "20".to_owned()),
            ("soon", "999".to_owned()),
            ("late", "999".to_owned()),
            ("code", "ABCDEFGHJKMN".to_owned()),
            ("agency", "杭州市上城区人民政府办公室".to_owned()),
        ];
        for kind in NoticeKind::ALL {
            let text = sms(*kind, long.to_vec()).text;
            assert!(!text.contains("${"), "{kind:?}: {text}");
            let whole = format!("{sign}{text}");
            assert_eq!(
                sms_segments(&whole),
                1,
                "{kind:?}: {} chars: {whole}",
                whole.chars().count()
            );
        }
        assert_eq!(sms_segments(&"字".repeat(70)), 1);
        assert_eq!(sms_segments(&"字".repeat(71)), 2);
        assert_eq!(sms_segments(&"字".repeat(135)), 3);
    }

    #[test]
    fn a_digest_lists_the_late_and_the_soon_once() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        let line = |id, due| DigestLine {
            case_id: id,
            tracking_no: format!("ZJ-HZ-SC-2026-{id:06}"),
            due_on: due,
        };
        let lines = [line(1, d(3, 2)), line(2, d(3, 5)), line(3, d(3, 20))];
        let n = digest(d(3, 4), d(3, 9), &lines).expect("a digest");
        assert!(
            n.subject.contains("1件即将到期，1件已逾期"),
            "{}",
            n.subject
        );
        assert!(n.body.contains("ZJ-HZ-SC-2026-000001") && n.body.contains("ZJ-HZ-SC-2026-000002"));
        assert!(!n.body.contains("ZJ-HZ-SC-2026-000003"));
        assert_eq!(
            n.sms.text,
            "您有1件申请3个工作日内到期、1件已逾期，请登录查看。"
        );
        assert!(digest(d(3, 4), d(3, 9), &lines[2..]).is_none());
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
