//! Redaction of the information provided (条例37): what a box over a page is, which grounds a
//! box may give, who may redact when, and what in a text looks like personal data.
//!
//! 条例37 has the agency provide the part that may be disclosed when the rest may not, and the
//! reply must say which part is withheld and on which ground (条例36(三)); so each box carries a
//! ground from the same catalogue as the letter's dispositions, a `withheld_*` code. Personal
//! data of natural persons falls under 条例15 (个人隐私), the catalogue's
//! `withheld_third_party`, which is what suggestions propose.
//!
//! The patterns are the two numbers an office most often leaks — the resident identity number
//! (GB 11643-1999, with its check character) and the mobile number (11 digits from 13–19) — and
//! the names of the case's own parties, which the caller passes. Full-width digits and spaces
//! inside a number (how scans and typed text carry them) are read through.

use serde::{Deserialize, Serialize};

use crate::Disposition;
use crate::Role;
use crate::case::Status;
use crate::document::{AddRefusal, MediaType, Purpose, may_add};
use crate::identity::ResidentId;

/// The ground every suggestion proposes: personal privacy of a third party (条例15).
pub const PERSONAL_DATA_GROUND: Disposition = Disposition::WithheldThirdParty;

/// One box over a page of a document to release: the page (from 1) and a rectangle in PDF
/// points with the origin at the page's top-left, and the ground it is withheld on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RedactionBox {
    pub page: u32,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub ground: Disposition,
}

/// Why a box as given cannot be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoxIssue {
    #[error("页码应为从1开始的整数")]
    Page,
    #[error("位置和大小应为有效数字，宽和高大于0，且不超出页面之外")]
    Geometry,
    #[error("遮盖理由应为不予公开的一种理由（withheld_*）")]
    Ground,
}

impl BoxIssue {
    /// The field of the box the issue is about.
    pub fn field(self) -> &'static str {
        match self {
            BoxIssue::Page => "page",
            BoxIssue::Geometry => "width",
            BoxIssue::Ground => "ground",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            BoxIssue::Page => "invalid_page",
            BoxIssue::Geometry => "invalid_box",
            BoxIssue::Ground => "invalid_ground",
        }
    }
}

/// The largest page side a box may reach, in points (a 5 m long page; a PDF's limit is
/// 14,400 points).
const MAX_POINTS: f64 = 14_400.0;

impl RedactionBox {
    pub fn new(
        page: i64,
        x: f64,
        y: f64,
        width: f64,
        height: f64,
        ground: &str,
    ) -> Result<Self, BoxIssue> {
        let page = u32::try_from(page)
            .ok()
            .filter(|p| *p >= 1)
            .ok_or(BoxIssue::Page)?;
        let ok = |v: f64| v.is_finite() && (0.0..=MAX_POINTS).contains(&v);
        if !(ok(x) && ok(y) && ok(width) && ok(height)) || width <= 0.0 || height <= 0.0 {
            return Err(BoxIssue::Geometry);
        }
        let ground = Disposition::parse(ground)
            .filter(|d| d.is_withholding())
            .ok_or(BoxIssue::Ground)?;
        Ok(Self {
            page,
            x,
            y,
            width,
            height,
            ground,
        })
    }
}

/// Whether a document may be redacted: only the information to be provided is released to the
/// applicant through a redaction, and only a PDF or a picture (JPEG, PNG) is: the office
/// formats (OFD, DOCX, XLSX) and plain text are converted to PDF first.
pub fn may_be_redacted(purpose: Purpose, media: MediaType) -> bool {
    purpose == Purpose::Provided
        && matches!(media, MediaType::Pdf | MediaType::Jpeg | MediaType::Png)
}

/// Whether `role` may redact now: whoever may add the information provided, while they may add
/// it (the handler while the case is handled, before the reply goes out).
pub fn may_redact(role: Role, status: Status) -> Result<(), AddRefusal> {
    may_add(role, Purpose::Provided, status)
}

/// What a stretch of text that looks like personal data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalKind {
    ResidentId,
    Mobile,
    PartyName,
}

impl PersonalKind {
    /// The code the API gives (the same as its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            PersonalKind::ResidentId => "resident_id",
            PersonalKind::Mobile => "mobile",
            PersonalKind::PartyName => "party_name",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PersonalKind::ResidentId => "身份证号码",
            PersonalKind::Mobile => "手机号码",
            PersonalKind::PartyName => "当事人姓名",
        }
    }
}

/// A stretch of `text` (char indices, end exclusive) that looks like personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub kind: PersonalKind,
}

/// The characters of a number as scans and typed text carry them: full-width digits folded,
/// `x` upper-cased.
fn digit_of(c: char) -> Option<char> {
    let c = match c {
        '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0)?,
        'x' | 'Ｘ' | 'ｘ' => 'X',
        c => c,
    };
    (c.is_ascii_digit() || c == 'X').then_some(c)
}

/// Everything in `text` that looks like a resident ID number, a mobile number or one of
/// `names`, in order of position. Spaces inside a number are read through; a number is only
/// taken whole (not a piece of a longer run of digits).
pub fn find_personal_data(text: &str, names: &[&str]) -> Vec<Finding> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit_of(chars[i]).is_none_or(|c| c == 'X') {
            i += 1;
            continue;
        }
        // A run of digits, with single spaces between groups.
        let start = i;
        let mut digits = String::new();
        let mut ends = Vec::new();
        let mut j = i;
        while j < chars.len() {
            match digit_of(chars[j]) {
                Some(d) => {
                    digits.push(d);
                    ends.push(j + 1);
                    j += 1;
                    if d == 'X' {
                        break;
                    }
                }
                None if chars[j] == ' ' || chars[j] == '\u{3000}' => {
                    if j + 1 < chars.len() && digit_of(chars[j + 1]).is_some() {
                        j += 1;
                    } else {
                        break;
                    }
                }
                None => break,
            }
        }
        let kind = match digits.len() {
            18 if ResidentId::check_char(&digits[..17]) == digits.chars().nth(17) => {
                Some(PersonalKind::ResidentId)
            }
            11 if digits.starts_with('1')
                && matches!(digits.as_bytes()[1], b'3'..=b'9')
                && !digits.contains('X') =>
            {
                Some(PersonalKind::Mobile)
            }
            _ => None,
        };
        if let (Some(kind), Some(&end)) = (kind, ends.last()) {
            out.push(Finding { start, end, kind });
        }
        i = j.max(i + 1);
    }
    for name in names.iter().filter(|n| n.chars().count() >= 2) {
        let n: Vec<char> = name.chars().collect();
        let mut k = 0;
        while k + n.len() <= chars.len() {
            if chars[k..k + n.len()] == n[..] {
                out.push(Finding {
                    start: k,
                    end: k + n.len(),
                    kind: PersonalKind::PartyName,
                });
                k += n.len();
            } else {
                k += 1;
            }
        }
    }
    out.sort_by_key(|f| (f.start, f.end));
    out
}

/// The text `s` as verification compares it: widths folded, whitespace dropped, so that a
/// number split by spaces or typed full-width is still the same number.
pub fn normalised(s: &str) -> String {
    crate::input::compact_code(s).to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(first17: &str) -> String {
        let c = ResidentId::check_char(first17).unwrap();
        format!("{first17}{c}")
    }

    #[test]
    fn finds_ids_mobiles_and_names_as_people_write_them() {
        let n = id("33010619900101123");
        let spaced = format!("{} {} {}", &n[..6], &n[6..14], &n[14..]);
        let text = format!("申请人张三，身份证号{spaced}，电话１３８１２３４５６７８，另见张三。");
        let f = find_personal_data(&text, &["张三"]);
        let kinds: Vec<_> = f.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                PersonalKind::PartyName,
                PersonalKind::ResidentId,
                PersonalKind::Mobile,
                PersonalKind::PartyName
            ]
        );
        let chars: Vec<char> = text.chars().collect();
        let got: String = chars[f[1].start..f[1].end].iter().collect();
        assert_eq!(got, spaced);
    }

    #[test]
    fn a_wrong_check_digit_or_a_longer_run_is_not_an_id_or_a_phone() {
        let mut n = id("33010619900101123");
        let last = n.pop().unwrap();
        n.push(if last == '1' { '2' } else { '1' });
        assert!(find_personal_data(&n, &[]).is_empty());
        assert!(find_personal_data("编号138123456789", &[]).is_empty());
        assert!(find_personal_data("座机05718765432", &[]).is_empty());
        assert_eq!(find_personal_data("手机13812345678。", &[]).len(), 1);
    }

    #[test]
    fn a_box_needs_a_page_a_size_and_a_withholding_ground() {
        assert!(RedactionBox::new(1, 10.0, 10.0, 50.0, 12.0, "withheld_third_party").is_ok());
        assert_eq!(
            RedactionBox::new(0, 1.0, 1.0, 1.0, 1.0, "withheld_third_party"),
            Err(BoxIssue::Page)
        );
        assert_eq!(
            RedactionBox::new(1, 1.0, 1.0, 0.0, 1.0, "withheld_third_party"),
            Err(BoxIssue::Geometry)
        );
        assert_eq!(
            RedactionBox::new(1, f64::NAN, 1.0, 1.0, 1.0, "withheld_third_party"),
            Err(BoxIssue::Geometry)
        );
        assert_eq!(
            RedactionBox::new(1, 1.0, 1.0, 1.0, 1.0, "disclosed"),
            Err(BoxIssue::Ground)
        );
    }
}
