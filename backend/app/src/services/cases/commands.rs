//! The typed inputs of the case actions. A command that exists is valid as far as it can be
//! known without the case: required fields present, texts trimmed and within their limits,
//! closed sets as the domain's enums. What depends on the case or on today (a date not in the
//! future, a period the agency sets, a refusal of the state machine) is decided by the action.
//!
//! The wire format is not here: the server reads its request bodies and form posts and builds
//! these through their constructors, which name every bad field in Chinese.

use chrono::NaiveDate;
use yishen_domain::case::{ConsultationOpinion, PartyKind, RequestText};
use yishen_domain::clock::MAX_EXTENSION;
use yishen_domain::fees::FeeMode;

use crate::error::{FieldIssue, Fields};

const ITEM_MAX: usize = 500;
pub(super) const REASON_MIN: usize = 4;
pub(super) const REASON_MAX: usize = 1000;
const PARTY_MAX: usize = 100;
const MAX_PAGES: u32 = 1_000_000;
const COMMENTS_MAX: usize = 5000;

/// A required text of `min..=max` characters, trimmed.
pub(super) fn text(
    field: &str,
    v: Option<&str>,
    min: usize,
    max: usize,
    what: &str,
) -> Result<String, FieldIssue> {
    let s = v.map(str::trim).unwrap_or("");
    let n = s.chars().count();
    if n == 0 {
        return Err(FieldIssue::new(field, "required", format!("请填写{what}")));
    }
    if n < min || n > max {
        return Err(FieldIssue::new(
            field,
            "length",
            format!("长度须在{min}至{max}个字符之间（现为{n}个）"),
        ));
    }
    Ok(s.to_owned())
}

/// An optional text of at most `max` characters, trimmed; blank is absent.
fn optional_text(field: &str, v: Option<&str>, max: usize) -> Result<Option<String>, FieldIssue> {
    let s = v.map(str::trim).filter(|s| !s.is_empty());
    if s.is_some_and(|s| s.chars().count() > max) {
        return Err(FieldIssue::new(
            field,
            "length",
            format!("不超过{max}个字符"),
        ));
    }
    Ok(s.map(str::to_owned))
}

fn required<T>(field: &str, v: Option<T>, message: &str) -> Result<T, FieldIssue> {
    v.ok_or_else(|| FieldIssue::new(field, "required", message))
}

/// A clerk confirms an online application (条例31(三)).
#[derive(Debug, Clone, Default)]
pub struct Confirm {
    /// The day the agency and the applicant confirmed it; today when absent.
    pub received_on: Option<NaiveDate>,
}

/// The one-time 补正 notice (条例30).
#[derive(Debug, Clone)]
pub struct CorrectionRequest {
    pub(super) items: Vec<String>,
    pub(super) due_in_working_days: Option<u32>,
    pub(super) on: Option<NaiveDate>,
    pub(super) late_reason: Option<String>,
}

impl CorrectionRequest {
    /// Every item is named (one per entry, blank ones dropped), each within 500 characters.
    pub fn new(
        items: Vec<String>,
        due_in_working_days: Option<u32>,
        on: Option<NaiveDate>,
        late_reason: Option<&str>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let items: Vec<String> = items
            .into_iter()
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty())
            .collect();
        if items.is_empty() {
            return Err(vec![FieldIssue::new(
                "items",
                "required",
                "请逐项写明需要补正的事项（条例第三十条：一次性告知）",
            )]);
        }
        let bad: Vec<FieldIssue> = items
            .iter()
            .enumerate()
            .filter(|(_, item)| item.chars().count() > ITEM_MAX)
            .map(|(i, _)| {
                FieldIssue::new(
                    format!("items[{i}]"),
                    "length",
                    format!("每项不超过{ITEM_MAX}个字符"),
                )
            })
            .collect();
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(Self {
            items,
            due_in_working_days,
            on,
            late_reason: late_reason
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        })
    }
}

/// The corrected application (条例30).
#[derive(Debug, Clone)]
pub struct CorrectionResponse {
    pub(super) content: RequestText,
    pub(super) on: Option<NaiveDate>,
}

impl CorrectionResponse {
    pub fn new(content: Option<&str>, on: Option<NaiveDate>) -> Result<Self, Vec<FieldIssue>> {
        let content = RequestText::parse(content.unwrap_or(""), "content")
            .map_err(|i| vec![super::intake::issue(i)])?;
        Ok(Self { content, on })
    }
}

/// A consultation of a third party (条例32) or another agency (条例34).
#[derive(Debug, Clone)]
pub struct Consultation {
    pub(super) party_kind: PartyKind,
    pub(super) party_name: String,
    pub(super) on: Option<NaiveDate>,
    pub(super) info_description: String,
    pub(super) interest: String,
}

impl Consultation {
    /// What the letter asks about defaults to 政府信息, the interest of a third party to
    /// 合法权益.
    pub fn new(
        party_kind: Option<PartyKind>,
        party_name: Option<&str>,
        on: Option<NaiveDate>,
        info_description: Option<&str>,
        interest: Option<&str>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let mut p = Fields::default();
        let kind = p.check(required(
            "party_kind",
            party_kind,
            "请选择征求意见的对象类型",
        ));
        let name = p.check(text(
            "party_name",
            party_name,
            2,
            PARTY_MAX,
            "被征求意见的第三方或机关名称",
        ));
        let or = |v: Option<&str>, default: &str| {
            v.map(str::trim)
                .filter(|t| !t.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        p.build(|| {
            Some(Self {
                party_kind: kind?,
                party_name: name?,
                on,
                info_description: or(info_description, "政府信息"),
                interest: or(interest, "合法权益"),
            })
        })
    }
}

/// The close of a consultation with the party's opinion.
#[derive(Debug, Clone)]
pub struct ConsultationClose {
    pub(super) opinion: ConsultationOpinion,
    pub(super) note: Option<String>,
    pub(super) on: Option<NaiveDate>,
}

impl ConsultationClose {
    pub fn new(
        opinion: Option<ConsultationOpinion>,
        note: Option<&str>,
        on: Option<NaiveDate>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let mut p = Fields::default();
        let opinion = p.check(required("opinion", opinion, "请选择被征求意见方的意见"));
        let note = p.check(optional_text("note", note, REASON_MAX));
        p.build(|| {
            Some(Self {
                opinion: opinion?,
                note: note?,
                on,
            })
        })
    }
}

/// The days (at most 20, 条例33第二款) and the reason of an extension.
#[derive(Debug, Clone)]
pub struct ExtensionTerms {
    pub(super) working_days: u32,
    pub(super) reason: String,
}

impl ExtensionTerms {
    pub fn new(working_days: Option<u32>, reason: Option<&str>) -> Result<Self, Vec<FieldIssue>> {
        let mut p = Fields::default();
        let days = p.check(
            required("working_days", working_days, "请填写延长的工作日数").and_then(|d| {
                if d == 0 || d > MAX_EXTENSION {
                    Err(FieldIssue::new(
                        "working_days",
                        "out_of_range",
                        format!(
                            "延长的期限最长不得超过{MAX_EXTENSION}个工作日（条例第三十三条第二款）"
                        ),
                    ))
                } else {
                    Ok(d)
                }
            }),
        );
        let reason = p.check(text("reason", reason, REASON_MIN, REASON_MAX, "延期理由"));
        p.build(|| {
            Some(Self {
                working_days: days?,
                reason: reason?,
            })
        })
    }
}

/// An extension granted by the office's head (条例33), on `on` or today.
#[derive(Debug, Clone)]
pub struct Extension {
    pub terms: ExtensionTerms,
    pub on: Option<NaiveDate>,
}

/// A handler's request for an extension, for the approver to decide.
#[derive(Debug, Clone)]
pub struct ExtensionRequest {
    pub terms: ExtensionTerms,
}

/// The approver's refusal of a requested extension, with the reason (internal).
#[derive(Debug, Clone)]
pub struct ExtensionRefusal {
    pub(super) reason: String,
}

impl ExtensionRefusal {
    pub fn new(reason: Option<&str>) -> Result<Self, Vec<FieldIssue>> {
        let reason =
            text("reason", reason, 2, REASON_MAX, "不同意延期的理由").map_err(|i| vec![i])?;
        Ok(Self { reason })
    }
}

/// The fee notice (信息处理费): one method per application (办法第三条).
#[derive(Debug, Clone)]
pub struct FeeNotice {
    pub(super) mode: FeeMode,
    /// Pages, for [`FeeMode::PerPage`] only.
    pub(super) pages: Option<u32>,
    pub(super) on: Option<NaiveDate>,
    pub(super) reasons: Option<String>,
    pub(super) payment_method: Option<String>,
}

impl FeeNotice {
    pub fn new(
        mode: Option<FeeMode>,
        pages: Option<u32>,
        on: Option<NaiveDate>,
        reasons: Option<String>,
        payment_method: Option<String>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let mode = required("mode", mode, "请选择计费方式").map_err(|i| vec![i])?;
        let pages = match (mode, pages) {
            (FeeMode::PerPage, None) => {
                return Err(vec![FieldIssue::new(
                    "pages",
                    "required",
                    "按量计收时请填写页数",
                )]);
            }
            (FeeMode::PerPage, Some(p)) if p == 0 || p > MAX_PAGES => {
                return Err(vec![FieldIssue::new(
                    "pages",
                    "out_of_range",
                    format!("页数须在1至{MAX_PAGES}之间"),
                )]);
            }
            (FeeMode::PerApplication, Some(_)) => {
                return Err(vec![FieldIssue::new(
                    "pages",
                    "not_allowed",
                    "按件计收时不填页数：同一申请不能同时按件和按量计收（《政府信息公开信息处理费管理办法》第三条）",
                )]);
            }
            (_, p) => p,
        };
        Ok(Self {
            mode,
            pages,
            on,
            reasons,
            payment_method,
        })
    }
}

/// An act that is only a date (the payment of a fee): given, or today.
#[derive(Debug, Clone, Default)]
pub struct On {
    pub on: Option<NaiveDate>,
}

/// The applicant's withdrawal, with an optional reason.
#[derive(Debug, Clone, Default)]
pub struct Withdrawal {
    pub(super) reason: Option<String>,
    pub(super) on: Option<NaiveDate>,
}

impl Withdrawal {
    pub fn new(reason: Option<&str>, on: Option<NaiveDate>) -> Result<Self, Vec<FieldIssue>> {
        let reason = optional_text("reason", reason, REASON_MAX).map_err(|i| vec![i])?;
        Ok(Self { reason, on })
    }
}

/// The legal adviser's decision on a draft (合法性审查).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// 通过
    Approve,
    /// 退回修改
    Return,
}

impl ReviewDecision {
    pub const ALL: &'static [ReviewDecision] = &[ReviewDecision::Approve, ReviewDecision::Return];

    /// The code as the API and the forms write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Return => "return",
        }
    }

    /// From a form's value (`approve`, `return`).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|d| d.as_str() == s.trim())
    }
}

/// A review as the action takes it: a return always says why.
#[derive(Debug, Clone)]
pub struct Review {
    pub(super) decision: ReviewDecision,
    pub(super) comments: String,
}

impl Review {
    /// Comments are trimmed, at most 5,000 characters; a return needs at least four, so that
    /// the handler learns what to change.
    pub fn new(
        decision: Option<ReviewDecision>,
        comments: Option<&str>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let mut p = Fields::default();
        let decision = p.check(required(
            "decision",
            decision,
            "请选择审核意见：approve（通过）或 return（退回）",
        ));
        let comments = p.check(optional_text("comments", comments, COMMENTS_MAX));
        let review = p.build(|| {
            Some(Self {
                decision: decision?,
                comments: comments?.unwrap_or_default(),
            })
        })?;
        if review.decision == ReviewDecision::Return && review.comments.chars().count() < 4 {
            return Err(vec![FieldIssue::new(
                "comments",
                "required",
                "退回修改须写明审核意见",
            )]);
        }
        Ok(review)
    }
}

/// An approver's sign-off (签发), with optional comments of at most 5,000 characters.
#[derive(Debug, Clone, Default)]
pub struct SignOff {
    pub(super) comments: Option<String>,
}

impl SignOff {
    pub fn new(comments: Option<&str>) -> Result<Self, Vec<FieldIssue>> {
        let comments = optional_text("comments", comments, COMMENTS_MAX).map_err(|i| vec![i])?;
        Ok(Self { comments })
    }
}
