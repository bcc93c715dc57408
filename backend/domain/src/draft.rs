//! Draft replies and their pre-review (答复书预审): named rules that catch the defects
//! reconsideration bodies and courts correct (reference/why-agencies-lose.md), each finding with
//! a severity, a stable code, a Chinese message and the article it rests on. Blocking findings
//! stop the draft from going to legal review; warnings are shown and left to people.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::case::IntakeIssue;
use crate::disposition::{Disposition, Remedy};

mod wording;

pub const REASONS_MAX: usize = 5000;
/// Reasons shorter than this, once boilerplate is removed, say nothing specific.
pub const REASONS_MIN_SPECIFIC: usize = 10;
/// A due date this close (working days) earns a warning.
pub const DUE_SOON_DAYS: u32 = 3;

/// One withheld part of a partial disclosure and its ground.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithheldPart {
    pub part: String,
    /// A `withheld_*` disposition code.
    pub ground: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Access {
    pub method: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetentAgency {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// `POST /api/v1/cases/{id}/draft` (CONTRACT.md draft fields). A draft may carry more: the
/// articles it cites, the remedy clause as written, the letter date, the applicant's name and
/// the request as the letter states them, all checked against the case. Fields this version
/// does not know (an office's own annotations) are kept with the draft, untouched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftInput {
    pub disposition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld_parts: Vec<WithheldPart>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provided: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_record: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent_agency: Option<CompetentAgency>,
    /// Tracking number of the earlier reply (for `not_processed_repeat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_case: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub articles: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remedy_clause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_summary: Option<String>,
    #[serde(flatten)]
    pub extra: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A draft whose shape is valid (its content is judged by [`prereview`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub disposition: Disposition,
    pub input: DraftInput,
}

impl Draft {
    /// Checks the shape: a known disposition a handler may choose, `withheld_*` grounds, text
    /// limits. Missing content is not an error here: it is a blocking finding, so a handler
    /// can save a draft in progress.
    pub fn parse(input: DraftInput) -> Result<Self, Vec<IntakeIssue>> {
        let mut issues = Vec::new();
        let disposition = match input.disposition.as_deref() {
            None => {
                issues.push(IntakeIssue::new(
                    "disposition",
                    "required",
                    "请选择答复类型",
                ));
                None
            }
            Some(d) => match Disposition::parse(d) {
                Some(d) if d.is_reply() => Some(d),
                Some(_) => {
                    issues.push(IntakeIssue::new(
                        "disposition",
                        "not_a_reply",
                        "逾期不补正、逾期未缴费和撤回由系统或申请人引起，不能作为答复类型",
                    ));
                    None
                }
                None => {
                    issues.push(IntakeIssue::new(
                        "disposition",
                        "unknown_value",
                        format!("答复类型无效，可选：{}", Disposition::codes()),
                    ));
                    None
                }
            },
        };
        for (i, p) in input.withheld_parts.iter().enumerate() {
            if !Disposition::parse(&p.ground).is_some_and(Disposition::is_withholding) {
                issues.push(IntakeIssue::new(
                    format!("withheld_parts[{i}].ground"),
                    "unknown_value",
                    "不予公开的理由类型应为 withheld_ 开头的答复类型代码",
                ));
            }
        }
        if input
            .reasons
            .as_deref()
            .is_some_and(|r| r.chars().count() > REASONS_MAX)
        {
            issues.push(IntakeIssue::new(
                "reasons",
                "length",
                format!("理由不超过{REASONS_MAX}个字符"),
            ));
        }
        match disposition {
            Some(disposition) if issues.is_empty() => Ok(Self { disposition, input }),
            _ => Err(issues),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Blocking,
}

/// One pre-review finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The article the rule rests on.
    pub article: &'static str,
    /// The draft field concerned, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

/// What pre-review needs to know about the case.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub received_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub today: NaiveDate,
    /// Working days from today to the due date, if it is known and not passed.
    pub working_days_left: Option<u32>,
    pub applicant_name: String,
    pub content: String,
    /// The case's tracking number: any other written in the draft is a finding.
    pub tracking_no: String,
    /// A third-party consultation (条例32) was opened and closed.
    pub third_party_consulted: bool,
    /// The `prior_case` names a concluded case of the same agency.
    pub prior_case_found: Option<bool>,
    /// The agency has named its reconsideration body, which the remedy clause must state.
    pub reconsideration_body_known: bool,
    /// The 条例35 procedure reached 不予处理: reasons were asked for and found unreasonable.
    pub article35_not_processed: bool,
    /// The grounds of the boxes burned into the copies of the information provided that go
    /// out with the reply (the redaction log), each once.
    pub redaction_grounds: Vec<Disposition>,
}

fn blocking(
    code: &'static str,
    article: &'static str,
    field: Option<&'static str>,
    message: impl Into<String>,
) -> Finding {
    Finding {
        code,
        severity: Severity::Blocking,
        message: message.into(),
        article,
        field,
    }
}

fn warning(
    code: &'static str,
    article: &'static str,
    field: Option<&'static str>,
    message: impl Into<String>,
) -> Finding {
    Finding {
        code,
        severity: Severity::Warning,
        message: message.into(),
        article,
        field,
    }
}

/// Phrases that fill a reason without giving one.
const BOILERPLATE: [&str; 12] = [
    "根据相关规定",
    "根据有关规定",
    "依据相关规定",
    "依据有关规定",
    "按照相关规定",
    "相关法律法规",
    "经研究",
    "经审查",
    "不予公开",
    "不宜公开",
    "特此告知",
    "政府信息公开条例",
];

/// The reason with boilerplate, article numbers and punctuation taken out.
fn specific_part(reasons: &str) -> String {
    let mut s = reasons.to_owned();
    for b in BOILERPLATE {
        s = s.replace(b, "");
    }
    // Article citations such as 第十四条、第三十六条第（三）项 carry no reason by themselves.
    let mut out = String::new();
    let mut in_article = false;
    for c in s.chars() {
        if c == '第' {
            in_article = true;
            continue;
        }
        if in_article {
            if matches!(c, '条' | '项' | '款') {
                in_article = false;
            }
            continue;
        }
        if c.is_alphanumeric() && !c.is_ascii_digit() {
            out.push(c);
        }
    }
    out
}

/// Which withholding grounds an article of the 条例 supports, for the mismatch rule.
fn grounds_of_article(article: &str) -> Option<&'static [Disposition]> {
    use Disposition::*;
    let a: String = article.chars().filter(|c| !c.is_whitespace()).collect();
    let table: [(&str, &'static [Disposition]); 6] = [
        (
            "第十四条",
            &[
                WithheldStateSecret,
                WithheldProhibitedByLaw,
                WithheldThreeSafeties,
            ],
        ),
        ("第十五条", &[WithheldThirdParty, PartiallyDisclosed]),
        (
            "第十六条",
            &[
                WithheldInternalAffairs,
                WithheldProcessInfo,
                WithheldEnforcementFile,
                PartiallyDisclosed,
            ],
        ),
        ("第三十八条", &[UnavailableNeedsCreation]),
        (
            "第三十九条",
            &[NotProcessedPetition, NotProcessedPublication],
        ),
        ("第三十五条", &[NotProcessedMass]),
    ];
    table
        .iter()
        .find(|(k, _)| a.starts_with(k))
        .map(|(_, v)| *v)
}

fn bigrams(s: &str) -> std::collections::HashSet<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Share of the shorter text's character pairs found in the other.
fn overlap(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    let small = x.len().min(y.len());
    if small == 0 {
        return 0.0;
    }
    x.intersection(&y).count() as f64 / small as f64
}

/// Runs every pre-review rule on a draft of a case.
pub fn prereview(draft: &Draft, facts: &CaseFacts) -> Vec<Finding> {
    let d = draft.disposition;
    let i = &draft.input;
    let needs = d.needs();
    let mut out = Vec::new();

    // 条例33: the time limit.
    if let Some(due) = facts.due_on {
        if facts.today > due {
            out.push(warning(
                "overdue",
                "条例第三十三条",
                None,
                format!("已超过答复期限（{due}），应尽快答复；逾期答复属程序违法"),
            ));
        } else if facts.working_days_left.is_some_and(|n| n <= DUE_SOON_DAYS) {
            out.push(warning(
                "due_soon",
                "条例第三十三条",
                None,
                format!("答复期限将于{due}届满"),
            ));
        }
    }

    let reasons = i.reasons.as_deref().map(str::trim).unwrap_or("");
    if needs.reasons {
        if reasons.is_empty() {
            out.push(blocking(
                "reasons_missing",
                "条例第三十六条",
                Some("reasons"),
                format!("“{}”须说明理由", d.label()),
            ));
        } else if specific_part(reasons).chars().count() < REASONS_MIN_SPECIFIC {
            out.push(warning(
                "reasons_boilerplate",
                "条例第三十六条第（三）项",
                Some("reasons"),
                "理由只有套话或法条编号，应写明具体事实和所属情形（如只笼统援引第十四条，复议时常被认定说理不足）",
            ));
        }
    }

    for a in &i.articles {
        if let Some(grounds) = grounds_of_article(a)
            && !grounds.contains(&d)
            && !(d == Disposition::PartiallyDisclosed
                && i.withheld_parts
                    .iter()
                    .any(|p| Disposition::parse(&p.ground).is_some_and(|g| grounds.contains(&g))))
        {
            out.push(blocking(
                "article_mismatch",
                d.article(),
                Some("articles"),
                format!(
                    "援引的{a}与答复类型“{}”（{}）不一致",
                    d.label(),
                    d.article()
                ),
            ));
        }
    }

    if needs.withheld_parts && i.withheld_parts.is_empty() {
        out.push(blocking(
            "withheld_parts_missing",
            "条例第三十七条",
            Some("withheld_parts"),
            "部分公开须逐项列明不予公开的内容及其理由类型",
        ));
    }
    // 条例37 and 36(三): what the released file hides, the letter must state with its ground,
    // so the letter and the file agree.
    if !facts.redaction_grounds.is_empty() && d != Disposition::PartiallyDisclosed {
        out.push(blocking(
            "redaction_needs_partial",
            "条例第三十七条",
            Some("disposition"),
            "提供的信息中已有遮盖后的文件，答复应为“部分公开”，并逐项列明遮盖（不予公开）的内容及理由",
        ));
    }
    if d == Disposition::PartiallyDisclosed {
        for g in &facts.redaction_grounds {
            if !i.withheld_parts.iter().any(|p| p.ground == g.as_str()) {
                out.push(blocking(
                    "redaction_ground_not_stated",
                    "条例第三十六条第（三）项、第三十七条",
                    Some("withheld_parts"),
                    format!(
                        "遮盖后提供的文件中有按“{}”遮盖的内容，不予公开的内容中应列明该部分及其理由",
                        g.label()
                    ),
                ));
            }
        }
    }
    if needs.access && i.access.as_ref().is_none_or(|a| a.method.trim().is_empty()) {
        out.push(blocking(
            "access_missing",
            "条例第三十六条第（一）项",
            Some("access"),
            "已主动公开的，应告知获取该政府信息的方式、途径",
        ));
    }
    if needs.search_record {
        match i.search_record.as_deref().map(str::trim) {
            None | Some("") => out.push(blocking(
                "search_record_missing",
                "条例第三十六条第（四）项",
                Some("search_record"),
                "答复信息不存在须有检索记录：在哪些系统、档案和部门，以何种关键词检索",
            )),
            Some(r) if r.chars().count() < 20 => out.push(warning(
                "search_record_thin",
                "条例第三十六条第（四）项",
                Some("search_record"),
                "检索记录过于简略，复议机关要求举证已尽充分、合理的检索义务",
            )),
            Some(_) => {}
        }
    }
    if needs.competent_agency
        && i.competent_agency
            .as_ref()
            .is_none_or(|c| c.name.trim().is_empty())
    {
        out.push(warning(
            "competent_agency_missing",
            "条例第三十六条第（五）项",
            Some("competent_agency"),
            "能够确定负责公开的行政机关的，应告知其名称和联系方式",
        ));
    }
    let third_party_ground = d == Disposition::WithheldThirdParty
        || i.withheld_parts
            .iter()
            .any(|p| p.ground == Disposition::WithheldThirdParty.as_str());
    if third_party_ground && !facts.third_party_consulted {
        out.push(blocking(
            "third_party_not_consulted",
            "条例第三十二条",
            None,
            "以保护第三方合法权益为由不予公开，应先书面征求第三方意见并结束征求意见",
        ));
    }
    if needs.prior_case {
        match (
            i.prior_case.as_deref().map(str::trim),
            facts.prior_case_found,
        ) {
            (None | Some(""), _) => out.push(blocking(
                "prior_case_missing",
                "条例第三十六条第（六）项",
                Some("prior_case"),
                "认定重复申请须关联本机关此前的答复（受理编号）",
            )),
            (Some(p), Some(false)) => out.push(blocking(
                "prior_case_unknown",
                "条例第三十六条第（六）项",
                Some("prior_case"),
                format!("未找到本机关已答复的案件{p}"),
            )),
            _ => {}
        }
    }

    // Not telling the applicant which body hears the reconsideration stretches the applicant's
    // time limit to a year (复议法20 ¶3): the letter may not go out without it.
    if d.remedy() != Remedy::None && !facts.reconsideration_body_known {
        out.push(blocking(
            "remedy_body_unset",
            "行政复议法第二十条第三款",
            None,
            "本机关尚未设置行政复议机关，答复书无法告知复议机关；请机关管理员在机关设置中填写",
        ));
    }

    // 条例35: 不予处理 for a mass of applications only after the applicant was asked for
    // reasons and they were found unreasonable; skipping the request is a defect
    // reconsideration corrects (legal.md §6.5).
    if d == Disposition::NotProcessedMass && !facts.article35_not_processed {
        out.push(blocking(
            "article35_steps_missing",
            "条例第三十五条",
            Some("disposition"),
            "以申请数量、频次明显超过合理范围为由不予处理，须先书面要求申请人说明理由，并作出理由不合理的处理决定",
        ));
    }

    if let Some(text) = i.remedy_clause.as_deref() {
        let direct_suit = text.contains("或者")
            && text.contains("行政诉讼")
            && !text.contains("对行政复议决定不服");
        if d.remedy() == Remedy::ReconsiderationFirst && direct_suit {
            out.push(blocking(
                "remedy_not_reconsideration_first",
                "行政复议法第二十三条第一款第（四）项",
                Some("remedy_clause"),
                "不予公开的答复应告知申请人先申请行政复议（复议前置），不能再告知可直接起诉",
            ));
        }
        if text.contains("3个月") || text.contains("三个月") || text.contains("上级主管部门")
        {
            out.push(blocking(
                "remedy_outdated",
                "行政复议法第二十四条、行政诉讼法第四十六条",
                Some("remedy_clause"),
                "救济条款已过时：起诉期限为六个月，县级以上地方人民政府工作部门的复议机关为本级人民政府",
            ));
        }
    }

    if let (Some(letter), Some(received)) = (i.letter_date, facts.received_on)
        && letter < received
    {
        out.push(blocking(
            "letter_before_receipt",
            "条例第三十一条",
            Some("letter_date"),
            format!("答复日期{letter}早于收到申请之日{received}"),
        ));
    }
    if let Some(name) = i.applicant_name.as_deref().map(str::trim)
        && !name.is_empty()
        && name != facts.applicant_name.trim()
    {
        out.push(blocking(
            "applicant_mismatch",
            "条例第三十六条",
            Some("applicant_name"),
            "答复书上的申请人与案件登记的申请人不一致",
        ));
    }
    if let Some(summary) = i.request_summary.as_deref().map(str::trim)
        && !summary.is_empty()
        && overlap(summary, &facts.content) < 0.3
    {
        out.push(blocking(
            "request_mismatch",
            "条例第三十六条",
            Some("request_summary"),
            "答复书复述的申请内容与申请不符，可能答非所问",
        ));
    }
    // The wording, as a legal adviser reads it (draft/wording.rs).
    let single: [(&'static str, &'static str, Option<&str>); 6] = [
        ("reasons", "理由", i.reasons.as_deref()),
        ("search_record", "检索情况", i.search_record.as_deref()),
        ("remedy_clause", "救济途径", i.remedy_clause.as_deref()),
        ("request_summary", "申请内容", i.request_summary.as_deref()),
        (
            "access",
            "获取方式",
            i.access.as_ref().map(|a| a.method.as_str()),
        ),
        (
            "competent_agency",
            "负责公开的机关",
            i.competent_agency.as_ref().map(|c| c.name.as_str()),
        ),
    ];
    let texts: Vec<wording::Text<'_>> = single
        .into_iter()
        .filter_map(|(field, name, text)| Some((field, name, text?)))
        .chain(
            i.withheld_parts
                .iter()
                .map(|p| ("withheld_parts", "不予公开的内容", p.part.as_str())),
        )
        .chain(
            i.provided
                .iter()
                .map(|p| ("provided", "提供的信息", p.as_str())),
        )
        .filter(|(_, _, t)| !t.trim().is_empty())
        .collect();
    out.extend(wording::check(
        &texts,
        d,
        i.reasons.as_deref(),
        &facts.tracking_no,
        i.prior_case.as_deref(),
    ));
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> CaseFacts {
        CaseFacts {
            redaction_grounds: Vec::new(),
            received_on: Some(NaiveDate::from_ymd_opt(2026, 3, 2).expect("date")),
            due_on: Some(NaiveDate::from_ymd_opt(2026, 3, 30).expect("date")),
            today: NaiveDate::from_ymd_opt(2026, 3, 10).expect("date"),
            working_days_left: Some(14),
            applicant_name: "张三".into(),
            content: "请公开2025年本区旧城改造项目的征收补偿方案".into(),
            tracking_no: "ZJ-HZ-SC-2026-000001".into(),
            third_party_consulted: false,
            prior_case_found: None,
            reconsideration_body_known: true,
            article35_not_processed: false,
        }
    }

    fn draft(json: serde_json::Value) -> Draft {
        Draft::parse(serde_json::from_value(json).expect("shape")).expect("valid")
    }

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_plain_disclosure_passes() {
        let d =
            draft(serde_json::json!({"disposition": "disclosed", "provided": ["征收补偿方案"]}));
        assert!(prereview(&d, &facts()).is_empty());
    }

    #[test]
    fn refusals_need_specific_reasons_and_the_right_article() {
        let d = draft(serde_json::json!({"disposition": "withheld_process_info"}));
        assert_eq!(codes(&prereview(&d, &facts())), ["reasons_missing"]);
        let d = draft(
            serde_json::json!({"disposition": "withheld_process_info", "reasons": "根据相关规定，依据条例第十六条，不予公开。"}),
        );
        assert_eq!(codes(&prereview(&d, &facts())), ["reasons_boilerplate"]);
        let d = draft(serde_json::json!({
            "disposition": "withheld_process_info",
            "reasons": "所申请的会议讨论记录系研究拆迁方案时的内部讨论过程，方案尚未形成",
            "articles": ["第十五条"]
        }));
        assert_eq!(codes(&prereview(&d, &facts())), ["article_mismatch"]);
    }

    #[test]
    fn third_party_grounds_need_a_closed_consultation() {
        let d = draft(
            serde_json::json!({"disposition": "withheld_third_party", "reasons": "涉及某公司投标文件中的报价和技术方案等商业秘密"}),
        );
        assert_eq!(
            codes(&prereview(&d, &facts())),
            ["third_party_not_consulted"]
        );
        let mut f = facts();
        f.third_party_consulted = true;
        assert!(prereview(&d, &f).is_empty());
    }

    #[test]
    fn outdated_remedy_clauses_and_mismatches_are_caught() {
        let d = draft(serde_json::json!({
            "disposition": "withheld_internal_affairs",
            "reasons": "所申请的是本机关人事考核的内部工作流程材料",
            "remedy_clause": "如对本答复不服，可以在收到本答复之日起60日内向上级主管部门申请行政复议，或者在3个月内向人民法院提起行政诉讼。",
            "letter_date": "2026-03-01",
            "applicant_name": "李四",
            "request_summary": "某某道路的规划许可证"
        }));
        let c = codes(&prereview(&d, &facts()));
        for code in [
            "remedy_not_reconsideration_first",
            "remedy_outdated",
            "letter_before_receipt",
            "applicant_mismatch",
            "request_mismatch",
        ] {
            assert!(c.contains(&code), "{code} in {c:?}");
        }
    }

    #[test]
    fn searches_repeats_and_deadlines_are_checked() {
        let d = draft(
            serde_json::json!({"disposition": "unavailable_not_held", "reasons": "经检索本机关未制作或获取该信息"}),
        );
        assert!(codes(&prereview(&d, &facts())).contains(&"search_record_missing"));
        let d = draft(
            serde_json::json!({"disposition": "not_processed_repeat", "reasons": "申请人已于2026年1月就相同信息提出申请并已获答复"}),
        );
        assert!(codes(&prereview(&d, &facts())).contains(&"prior_case_missing"));
        let mut f = facts();
        f.today = NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
        let d = draft(serde_json::json!({"disposition": "disclosed"}));
        assert_eq!(codes(&prereview(&d, &f)), ["overdue"]);
        assert_eq!(prereview(&d, &f)[0].severity, Severity::Warning);
    }

    #[test]
    fn what_the_released_file_hides_the_letter_states() {
        let mut f = facts();
        f.third_party_consulted = true;
        f.redaction_grounds = vec![Disposition::WithheldThirdParty];
        let full = draft(serde_json::json!({"disposition": "disclosed"}));
        assert_eq!(codes(&prereview(&full, &f)), ["redaction_needs_partial"]);
        let other_ground = draft(serde_json::json!({
            "disposition": "partially_disclosed",
            "reasons": "名单中载有其他自然人的身份证号码和手机号码，属于个人隐私",
            "withheld_parts": [{"part": "会议记录中的讨论意见", "ground": "withheld_process_info"}]
        }));
        assert_eq!(
            codes(&prereview(&other_ground, &f)),
            ["redaction_ground_not_stated"]
        );
        let stated = draft(serde_json::json!({
            "disposition": "partially_disclosed",
            "reasons": "名单中载有其他自然人的身份证号码和手机号码，属于个人隐私",
            "withheld_parts": [{"part": "名单中自然人的身份证号码和手机号码", "ground": "withheld_third_party"}]
        }));
        assert!(
            prereview(&stated, &f).is_empty(),
            "{:?}",
            prereview(&stated, &f)
        );
    }

    #[test]
    fn a_letter_must_name_the_reconsideration_body() {
        let mut f = facts();
        f.reconsideration_body_known = false;
        let d = draft(serde_json::json!({"disposition": "disclosed"}));
        assert_eq!(codes(&prereview(&d, &f)), ["remedy_body_unset"]);
        assert_eq!(prereview(&d, &f)[0].severity, Severity::Blocking);
    }

    #[test]
    fn unknown_draft_fields_are_kept() {
        let input: DraftInput = serde_json::from_value(serde_json::json!({
            "disposition": "disclosed", "office_note": {"by": "科室"}
        }))
        .expect("shape");
        assert_eq!(input.extra["office_note"]["by"], "科室");
        let back = serde_json::to_value(&input).expect("json");
        assert_eq!(back["office_note"]["by"], "科室");
    }

    #[test]
    fn the_shape_is_checked_first() {
        let bad: DraftInput =
            serde_json::from_value(serde_json::json!({"disposition": "other_withdrawn"}))
                .expect("shape");
        assert_eq!(
            Draft::parse(bad).expect_err("not a reply")[0].code,
            "not_a_reply"
        );
        let bad: DraftInput = serde_json::from_value(serde_json::json!({
            "disposition": "partially_disclosed", "withheld_parts": [{"part": "身份证号", "ground": "disclosed"}]
        })).expect("shape");
        assert_eq!(
            Draft::parse(bad).expect_err("ground")[0].field,
            "withheld_parts[0].ground"
        );
    }
}
