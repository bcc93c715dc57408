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
