//! Input as people type it, folded to one normal form at the boundary: full-width digits,
//! letters and punctuation from Chinese input methods, the many dashes and middle dots, and
//! stray spaces. Parsers of identity numbers, codes, phone numbers and names call these
//! first, so that what is stored (and hashed for exact search) is the same whichever way a
//! value was written.
//!
//! Written by hand: Unicode NFKC (the `unicode-normalization` crate) would fold full-width
//! forms too, but it also rewrites characters that must stay as typed in names and texts
//! (e.g. compatibility ideographs), and it knows nothing of the dash and middle-dot variants
//! that matter here; the table below is the few ranges Chinese input methods produce.

/// Full-width ASCII forms (U+FF01–U+FF5E) and the ideographic space to ASCII; the dash
/// variants (hyphen, en and em dash, minus, full-width and small hyphen-minus) to `-`.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' => '-',
            _ => c,
        })
        .collect()
}

/// Folds widths and drops every space: for identity numbers and codes, which people type in
/// groups (`330106 19900101 1234`).
pub fn compact_code(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The middle dot of ethnic-minority and foreign names (`阿沛·阿旺晋美`, `让·雅克`), written
/// with whichever dot the input method offered, as U+00B7.
const NAME_DOTS: [char; 8] = [
    '\u{00B7}', '\u{2022}', '\u{2027}', '\u{2219}', '\u{22C5}', '\u{30FB}', '\u{FF65}', '\u{FF0E}',
];

/// A person's or organisation's name: widths folded, surrounding spaces trimmed, runs of
/// spaces made one, every middle-dot variant made U+00B7 (with no spaces around it).
pub fn name(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{3000}' | '\u{00A0}' => ' ',
            c if NAME_DOTS.contains(&c) => '\u{00B7}',
            c => c,
        })
        .collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    words
        .join(" ")
        .replace(" \u{00B7}", "\u{00B7}")
        .replace("\u{00B7} ", "\u{00B7}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_forms_and_dashes_fold_to_ascii() {
        assert_eq!(fold_width("０５７１－８７６５４３２１"), "0571-87654321");
        assert_eq!(fold_width("（０５７１）８７６５"), "(0571)8765");
        assert_eq!(fold_width("ａｂｃＸ\u{3000}1—2"), "abcX 1-2");
        assert_eq!(
            compact_code(" 330106 1990０101 123x "),
            "330106199001011 23x".replace(' ', "")
        );
    }

    #[test]
    fn names_keep_one_middle_dot_and_single_spaces() {
        assert_eq!(name("  阿沛•阿旺晋美 "), "阿沛·阿旺晋美");
        assert_eq!(name("买买提・艾力"), "买买提·艾力");
        assert_eq!(name("让 · 雅克"), "让·雅克");
        assert_eq!(name("John\u{3000}  Smith"), "John Smith");
        assert_eq!(name("张三"), "张三");
    }
}

/// A date as people write it: `2026-02-14`, `2026/2/14`, `2026.2.14`, `2026年2月14日`, or
/// without the year (`2月14日`, `2-14`), which is then `year`. Full-width digits and spaces
/// are folded first. `None` when it is not a real date.
pub fn date(s: &str, year: i32) -> Option<chrono::NaiveDate> {
    let folded = compact_code(s);
    let trimmed = folded.trim_end_matches('日');
    let parts: Vec<&str> = trimmed
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    match numbers?.as_slice() {
        [y, m, d] => chrono::NaiveDate::from_ymd_opt(i32::try_from(*y).ok()?, *m, *d),
        [m, d] => chrono::NaiveDate::from_ymd_opt(year, *m, *d),
        _ => None,
    }
}

/// A list of dates written one after another, separated by spaces, commas or the Chinese
/// enumeration comma: each parsed with [`date`]; the pieces that are not dates come back as
/// the error.
pub fn dates(s: &str, year: i32) -> Result<Vec<chrono::NaiveDate>, Vec<String>> {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for piece in fold_width(s)
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '、' | '，' | ';' | '；'))
        .filter(|p| !p.is_empty())
    {
        match date(piece, year) {
            Some(d) => ok.push(d),
            None => bad.push(piece.to_owned()),
        }
    }
    if bad.is_empty() { Ok(ok) } else { Err(bad) }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_are_read_as_people_write_them() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        for typed in [
            "2026-02-14",
            "2026/2/14",
            "2026.2.14",
            "2026年2月14日",
            "２０２６－０２－１４",
            "2月14日",
            "2-14",
        ] {
            assert_eq!(date(typed, 2026), Some(d("2026-02-14")), "{typed}");
        }
        assert_eq!(date("2026-02-30", 2026), None);
        assert_eq!(
            dates("2026-02-14、2月28日， 2026/5/9", 2026),
            Ok(vec![d("2026-02-14"), d("2026-02-28"), d("2026-05-09")])
        );
        assert_eq!(dates("2月14日 春节", 2026), Err(vec!["春节".to_owned()]));
    }
}
