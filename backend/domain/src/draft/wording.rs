//! Pre-review of a draft's wording (答复书预审): what a legal adviser reads for before signing,
//! beyond the law — characters and marks typed twice, quotation marks and brackets that do
//! not close, a reason that says the opposite of the disposition, a tracking number that is
//! not the case's, a date that does not exist. Each finding names its rule and quotes the
//! words. Warnings, except a date that does not exist: the adviser judges the rest.

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;

use super::{Finding, blocking, warning};
use crate::Disposition;

/// Characters that are never doubled in an official letter's prose (function words): 经经,
/// 的的. Content characters may be (人人, 常常), so they are not checked.
const NEVER_DOUBLED: &str = "的了在是和与及对于为将被把经之其该从向由因以而或并但按依据就";

/// Marks that never stand next to each other: 。。 ，， ，。 …
const MARKS: &str = "。，、；：！？";

/// Pairs that must close: quotation marks, brackets, book-title marks.
const PAIRS: [(char, char); 5] = [
    ('“', '”'),
    ('‘', '’'),
    ('（', '）'),
    ('《', '》'),
    ('〔', '〕'),
];

fn tracking_pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        // CONTRACT.md's tracking number: agency code, year, six digits.
        Regex::new(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[0-9]{4}-[0-9]{6}")
            .unwrap_or_else(|e| panic!("tracking number pattern: {e}"))
    })
}

fn date_pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
            .unwrap_or_else(|e| panic!("date pattern: {e}"))
    })
}

/// A few characters either side of `at..at+len` (in chars), for quoting a finding.
fn quote(text: &str, at: usize, len: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let from = at.saturating_sub(4);
    let to = (at + len + 4).min(chars.len());
    let mut s: String = chars[from..to].iter().collect();
    if from > 0 {
        s.insert(0, '…');
    }
    if to < chars.len() {
        s.push('…');
    }
    s
}

/// One text of a draft to read: the field, its Chinese name, the words.
pub(super) type Text<'a> = (&'static str, &'static str, &'a str);

/// The wording findings of the draft's texts.
pub(super) fn check(
    texts: &[Text<'_>],
    disposition: Disposition,
    reasons: Option<&str>,
    tracking_no: &str,
    prior_case: Option<&str>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for &(field, name, text) in texts {
        let chars: Vec<char> = text.chars().collect();
        for (i, pair) in chars.windows(2).enumerate() {
            let doubled_word = pair[0] == pair[1] && NEVER_DOUBLED.contains(pair[0]);
            let doubled_mark = MARKS.contains(pair[0]) && MARKS.contains(pair[1]);
            if doubled_word || doubled_mark {
                out.push(warning(
                    "wording_doubled",
                    "答复书预审",
                    Some(field),
                    format!(
                        "“{name}”中“{}{}”重复或标点连用：“{}”",
                        pair[0],
                        pair[1],
                        quote(text, i, 2)
                    ),
                ));
                break;
            }
        }
        for (open, close) in PAIRS {
            let opened = chars.iter().filter(|c| **c == open).count();
            let closed = chars.iter().filter(|c| **c == close).count();
            if opened != closed {
                out.push(warning(
                    "wording_unbalanced",
                    "答复书预审",
                    Some(field),
                    format!(
                        "“{name}”中“{open}”与“{close}”不成对（{opened}个“{open}”，{closed}个“{close}”）：“{}”",
                        quote(text, 0, chars.len().min(12))
                    ),
                ));
            }
        }
        for m in tracking_pattern().find_iter(text) {
            let found = m.as_str();
            if found != tracking_no && Some(found) != prior_case.map(str::trim) {
                out.push(warning(
                    "wording_tracking_no",
                    "答复书预审",
                    Some(field),
                    format!("“{name}”中的登记编号“{found}”与本案登记编号{tracking_no}不同"),
                ));
            }
        }
        for c in date_pattern().captures_iter(text) {
            let number = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
            let real = match (number(1), number(2), number(3)) {
                (Some(y), Some(m), Some(d)) => i32::try_from(y)
                    .ok()
                    .and_then(|y| NaiveDate::from_ymd_opt(y, m, d)),
                _ => None,
            };
            if real.is_none() {
                out.push(blocking(
                    "wording_date_invalid",
                    "答复书预审",
                    Some(field),
                    format!(
                        "“{name}”中的“{}”不是真实存在的日期",
                        c.get(0).map_or("", |m| m.as_str())
                    ),
                ));
            }
        }
    }
    // A reason that says the opposite of the answer.
    if let Some(r) = reasons {
        let refusal = disposition.is_withholding()
            || disposition.as_str().starts_with("unavailable_")
            || disposition.as_str().starts_with("not_processed_");
        let disclosure = matches!(
            disposition,
            Disposition::Disclosed | Disposition::DisclosedAlreadyPublic
        );
        let contrary: &[&str] = if refusal {
            &["予以公开", "同意公开", "决定公开"]
        } else if disclosure {
            &["不存在", "不予公开", "不予处理"]
        } else {
            &[]
        };
        if let Some(word) = contrary.iter().find(|w| r.contains(**w)) {
            out.push(warning(
                "wording_contradicts_disposition",
                "答复书预审",
                Some("reasons"),
                format!(
                    "答复类型为“{}”，理由中却写有“{word}”，请核对",
                    disposition.label()
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    const TRACKING: &str = "ZJ-HZ-SC-2026-000123";

    fn run(text: &str, d: Disposition) -> Vec<Finding> {
        check(&[("reasons", "理由", text)], d, Some(text), TRACKING, None)
    }

    #[test]
    fn doubled_words_and_marks_are_quoted() {
        let f = run(
            "本机关经经在档案室检索，未找到该信息",
            Disposition::UnavailableNotHeld,
        );
        assert_eq!(codes(&f), ["wording_doubled"]);
        assert!(f[0].message.contains("“经经”"), "{}", f[0].message);
        assert!(
            f[0].message.contains("本机关经经在档案"),
            "{}",
            f[0].message
        );
        assert_eq!(
            codes(&run("该信息不存在。。", Disposition::UnavailableNotHeld)),
            ["wording_doubled"]
        );
        assert_eq!(
            codes(&run("属于过程性信息，。", Disposition::WithheldProcessInfo)),
            ["wording_doubled"]
        );
        // Content characters may be doubled.
        assert!(run("人人可查的常常更新的信息", Disposition::WithheldProcessInfo).is_empty());
    }

    #[test]
    fn quotes_and_brackets_must_close() {
        let f = run("依据《条例第十六条的规定", Disposition::WithheldProcessInfo);
        assert_eq!(codes(&f), ["wording_unbalanced"]);
        assert!(f[0].message.contains("《"), "{}", f[0].message);
        assert!(
            run(
                "依据《条例》第十六条（第二款）的规定",
                Disposition::WithheldProcessInfo
            )
            .is_empty()
        );
    }

    #[test]
    fn a_reason_contrary_to_the_answer_is_named() {
        let f = run("经研究决定予以公开", Disposition::WithheldProcessInfo);
        assert_eq!(codes(&f), ["wording_contradicts_disposition"]);
        assert!(f[0].message.contains("予以公开"));
        assert_eq!(
            codes(&run("该信息不存在", Disposition::Disclosed)),
            ["wording_contradicts_disposition"]
        );
    }

    #[test]
    fn other_tracking_numbers_and_impossible_dates_are_found() {
        let f = run(
            "申请人于2026年2月30日提出的ZJ-HZ-SC-2026-000124号申请",
            Disposition::Other,
        );
        assert_eq!(codes(&f), ["wording_tracking_no", "wording_date_invalid"]);
        assert!(f[0].message.contains("ZJ-HZ-SC-2026-000124"));
        assert!(f[1].message.contains("2026年2月30日"));
        assert!(
            run(
                "申请人于2026年2月28日提出的ZJ-HZ-SC-2026-000123号申请",
                Disposition::Other
            )
            .is_empty()
        );
        // The earlier case a repeat names is not a mismatch.
        let f = check(
            &[("reasons", "理由", "已就ZJ-HZ-SC-2025-000009作出答复")],
            Disposition::NotProcessedRepeat,
            None,
            TRACKING,
            Some("ZJ-HZ-SC-2025-000009"),
        );
        assert!(f.is_empty());
    }
}
