//! Online consultation (线上咨询答复): a question someone asks an agency before filing, with or
//! without an account, and the agency's answer; and what of it may be published as an FAQ
//! entry (常见问题).
//!
//! A consultation is not an application under the Regulations: it starts no statutory period
//! and is answered in plain words, not by a reply letter (an application that is really a
//! question is answered outside the 条例 procedure, why-agencies-lose.md: 国办发〔2008〕36号).
//! The target for answering it — one working day for a simple consultation — comes from the
//! province's work points, not from the Regulations, so it is a setting
//! (`YISHEN_INQUIRY_ANSWER_DAYS`, 1 by default); it is counted with the same holiday calendar as
//! the statutory periods, the day of asking not counted (as for every period: `Calendar::
//! add_working_days`).
//!
//! The person gives a phone number or an e-mail address so that the answer can reach them; both
//! are personal data and kept like an applicant's. What is published is the question and the
//! answer with personal data taken out ([`public_text`]): identity and mobile numbers (the
//! redaction patterns), e-mail addresses, the asker's own name and contact details.

use chrono::NaiveDate;
use serde::Serialize;

use crate::account::{Email, Phone};
use crate::calendar::{Calendar, CalendarError};
use crate::case::intake::IntakeIssue;

pub const QUESTION_MIN: usize = 5;
pub const QUESTION_MAX: usize = 2000;
pub const ANSWER_MIN: usize = 2;
pub const ANSWER_MAX: usize = 5000;
pub const NAME_MAX: usize = 100;
/// The default target, in working days (the province's work points; a setting).
pub const ANSWER_DAYS: u32 = 1;
/// What stands in published text for a piece of personal data.
pub const MASK: &str = "＊＊＊";

/// A question as asked, checked.
#[derive(Debug, Clone)]
pub struct Question {
    pub question: String,
    pub name: Option<String>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

fn clean(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn length_issue(field: &str, label: &str, s: &str, min: usize, max: usize) -> Option<IntakeIssue> {
    let n = s.chars().count();
    if n < min {
        Some(IntakeIssue::new(
            field,
            "too_short",
            format!("{label}至少{min}个字"),
        ))
    } else if n > max {
        Some(IntakeIssue::new(
            field,
            "too_long",
            format!("{label}不得超过{max}个字（现为{n}个字）"),
        ))
    } else if s
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        Some(IntakeIssue::new(
            field,
            "control_characters",
            format!("{label}含有无法显示的控制字符"),
        ))
    } else {
        None
    }
}

impl Question {
    /// Checks a question: its text, an optional name, and a phone or an e-mail address (at
    /// least one, so that the answer can be sent). Every bad field is named.
    pub fn parse(
        question: &str,
        name: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Self, Vec<IntakeIssue>> {
        let mut issues = Vec::new();
        let question = question.trim().to_owned();
        if let Some(i) = length_issue(
            "question",
            "咨询内容",
            &question,
            QUESTION_MIN,
            QUESTION_MAX,
        ) {
            issues.push(i);
        }
        let name = clean(name).map(|n| crate::input::name(&n));
        if let Some(n) = &name
            && let Some(i) = length_issue("name", "姓名", n, 1, NAME_MAX)
        {
            issues.push(i);
        }
        let phone = clean(phone).and_then(|p| match Phone::parse(&p) {
            Ok(p) => Some(p),
            Err(e) => {
                issues.push(IntakeIssue::new("phone", e.code(), e.to_string()));
                None
            }
        });
        let email = clean(email).and_then(|e| match Email::parse(&e) {
            Ok(e) => Some(e),
            Err(err) => {
                issues.push(IntakeIssue::new("email", err.code(), err.to_string()));
                None
            }
        });
        let phone_given = clean(phone.as_ref().map(|p| p.as_str())).is_some();
        if !phone_given
            && email.is_none()
            && !issues
                .iter()
                .any(|i| i.field == "phone" || i.field == "email")
        {
            issues.push(IntakeIssue::new(
                "phone",
                "contact_required",
                "请填写联系电话或电子邮件中的至少一项，以便告知答复",
            ));
        }
        if issues.is_empty() {
            Ok(Self {
                question,
                name,
                phone,
                email,
            })
        } else {
            Err(issues)
        }
    }
}

/// Checks the words staff give a question for its publication (as long as a question).
pub fn parse_public_question(text: &str) -> Result<String, IntakeIssue> {
    let t = text.trim().to_owned();
    match length_issue(
        "public_question",
        "公开时的问题表述",
        &t,
        QUESTION_MIN,
        QUESTION_MAX,
    ) {
        Some(i) => Err(i),
        None => Ok(t),
    }
}

/// Checks an answer's text.
pub fn parse_answer(answer: &str) -> Result<String, IntakeIssue> {
    let a = answer.trim().to_owned();
    match length_issue("answer", "答复内容", &a, ANSWER_MIN, ANSWER_MAX) {
        Some(i) => Err(i),
        None => Ok(a),
    }
}

/// The day by which a question asked on `asked_on` is to be answered: the `days`th working day
/// after it.
pub fn due_on(
    calendar: &Calendar,
    asked_on: NaiveDate,
    days: u32,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(asked_on, days.max(1))
}

/// Where a question stands for the staff who answer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Answered,
    /// Past its day unanswered.
    Late,
    /// To be answered today.
    DueToday,
    Open,
}

impl Standing {
    pub fn of(due_on: NaiveDate, answered: bool, today: NaiveDate) -> Self {
        if answered {
            Self::Answered
        } else if today > due_on {
            Self::Late
        } else if today == due_on {
            Self::DueToday
        } else {
            Self::Open
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Answered => "已答复",
            Self::Late => "已超时",
            Self::DueToday => "今日到期",
            Self::Open => "待答复",
        }
    }
}

/// E-mail addresses in `text`, as char ranges: a run of address characters around an `@`
/// with a dot in its domain.
fn emails(chars: &[char]) -> Vec<(usize, usize)> {
    let addr = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let mut out = Vec::new();
    for (at, _) in chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '@' || **c == '＠')
    {
        let mut s = at;
        while s > 0 && addr(chars[s - 1]) {
            s -= 1;
        }
        let mut e = at + 1;
        while e < chars.len() && addr(chars[e]) {
            e += 1;
        }
        let domain: String = chars[at + 1..e].iter().collect();
        if s < at && domain.contains('.') && !domain.starts_with('.') {
            out.push((s, e));
        }
    }
    out
}

/// `text` with personal data replaced by [`MASK`]: resident identity and mobile numbers,
/// e-mail addresses, and each of `own` (the asker's name and contact details as given; a
/// fixed-line number is caught here, by its digits, however it was written).
pub fn public_text(text: &str, own: &[&str]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let names: Vec<&str> = own
        .iter()
        .copied()
        .filter(|s| !s.trim().is_empty())
        .collect();
    let mut ranges: Vec<(usize, usize)> = crate::redaction::find_personal_data(text, &names)
        .into_iter()
        .map(|f| (f.start, f.end))
        .collect();
    ranges.extend(emails(&chars));
    // A contact as given may be written differently in the text (spaces, dashes, full width):
    // compare digits only, over runs of digits and separators.
    for own in &names {
        let digits: String = crate::input::fold_width(own)
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if digits.len() < 7 {
            continue;
        }
        let mut i = 0;
        while i < chars.len() {
            let folded = |c: char| crate::input::fold_width(&c.to_string());
            if !folded(chars[i]).chars().all(|c| c.is_ascii_digit()) {
                i += 1;
                continue;
            }
            let mut j = i;
            let mut run = String::new();
            while j < chars.len() {
                let f = folded(chars[j]);
                if f.chars().all(|c| c.is_ascii_digit()) {
                    run.push_str(&f);
                } else if !matches!(chars[j], '-' | ' ' | '－' | '—' | '(' | ')' | '（' | '）')
                {
                    break;
                }
                j += 1;
            }
            if run.contains(&digits) {
                ranges.push((i, j));
            }
            i = j.max(i + 1);
        }
    }
    ranges.sort();
    let mut out = String::new();
    let mut at = 0;
    for (s, e) in ranges {
        if e <= at {
            continue;
        }
        let s = s.max(at);
        out.extend(&chars[at..s]);
        out.push_str(MASK);
        at = e;
    }
    out.extend(&chars[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_needs_a_way_to_answer_it() {
        let e = Question::parse("请问如何申请公开规划许可证？", None, None, None).unwrap_err();
        assert_eq!(e[0].field, "phone");
        assert_eq!(e[0].code, "contact_required");
        let q = Question::parse(
            "  请问如何申请公开规划许可证？ ",
            Some(" 欧阳　娜娜 "),
            Some("１３８ ００１３ ８０００"),
            None,
        )
        .unwrap();
        assert_eq!(q.question, "请问如何申请公开规划许可证？");
        assert_eq!(q.phone.unwrap().as_str(), "13800138000");
    }

    #[test]
    fn bad_fields_are_each_named() {
        let e = Question::parse("短", None, Some("12345"), Some("not-an-address")).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["question", "phone", "email"]);
        assert!(e.iter().all(|i| !i.message.is_empty()));
    }

    #[test]
    fn the_answer_is_due_the_next_working_day() {
        let cal = crate::calendar::tests::shipped();
        let fri = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(
            due_on(&cal, fri, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        let sat = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            due_on(&cal, sat, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
        );
        let mon = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(Standing::of(mon, false, mon), Standing::DueToday);
        assert_eq!(Standing::of(mon, false, fri), Standing::Open);
        assert_eq!(Standing::of(fri, false, mon), Standing::Late);
        assert_eq!(Standing::of(fri, true, mon), Standing::Answered);
    }

    #[test]
    fn published_text_keeps_no_personal_data() {
        let id = format!(
            "11010119900307777{}",
            crate::identity::ResidentId::check_char("11010119900307777").unwrap()
        );
        let t = public_text(
            &format!(
                "我是张小明，身份证{id}，手机 138 0013 8000，座机(0571)8765-4321，邮箱 zxm@example.com。请问怎样查询拆迁补偿标准？"
            ),
            &["张小明", "0571-87654321", "zxm@example.com"],
        );
        assert!(!t.contains("张小明"), "{t}");
        assert!(!t.contains("1101011990"), "{t}");
        assert!(!t.contains("138 0013"), "{t}");
        assert!(!t.contains("8765"), "{t}");
        assert!(!t.contains("zxm@"), "{t}");
        assert!(t.contains("请问怎样查询拆迁补偿标准？"), "{t}");
        assert!(t.contains(MASK));
        assert_eq!(public_text("没有个人信息的问题", &[]), "没有个人信息的问题");
    }
}
