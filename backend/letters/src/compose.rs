//! Filling a template with a case's values: the typed letter ([`Letter`]) that layout and
//! the plain-text preview both start from.
//!
//! Values arrive as plain, already formatted strings. A value may hold line breaks: in a
//! paragraph each line becomes a paragraph of its own (补正 items, reasons in points), in
//! the attachments each line is one attachment, elsewhere lines are joined. A value that
//! already ends a sentence loses its final mark when the template continues with
//! punctuation, so "理由如下：{reasons}。" never prints "。。".

use std::collections::BTreeMap;

use crate::font::Fonts;
use crate::template::{Parts, Segment, Text};
use crate::{LetterData, LetterError};

/// A letter's text, filled and split into the elements GB/T 9704 lays out differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Letter {
    pub(crate) title: String,
    pub(crate) number: String,
    pub(crate) salutation: String,
    pub(crate) paragraphs: Vec<String>,
    pub(crate) attachments: Vec<String>,
    pub(crate) signature: String,
    pub(crate) date: String,
    pub(crate) note: Option<String>,
    /// Where the letter's QR code leads: its public verification page.
    pub(crate) verify_url: Option<String>,
}

impl Letter {
    /// The PDF's document information: title, the signing agency, the number, the date.
    pub(crate) fn info(&self) -> crate::pdf::Info<'_> {
        crate::pdf::Info {
            title: &self.title,
            author: &self.signature,
            subject: &self.number,
            date: &self.date,
        }
    }
}

/// Marks a value may end with that the template's own punctuation replaces.
const SENTENCE_END: &[char] = &['。', '；', '.', ';'];
/// Template punctuation that makes a value's final mark redundant.
const CONTINUES: &[char] = &['，', '。', '；', '：', '、'];

fn fill(
    text: &Text,
    fields: &BTreeMap<String, String>,
    fonts: &Fonts,
) -> Result<String, LetterError> {
    let mut out = String::new();
    for (i, segment) in text.0.iter().enumerate() {
        match segment {
            Segment::Text(literal) => out.push_str(literal),
            // A `…_clause` field is a clause the letter leaves out when it does not apply
            // (e.g. a receipt's due date while its year has no holiday data).
            Segment::Field(name)
                if name.ends_with("_clause")
                    && fields.get(name).is_none_or(|v| v.trim().is_empty()) => {}
            Segment::Field(name) => {
                let value = fields
                    .get(name)
                    .map(|v| v.replace("\r\n", "\n"))
                    .filter(|v| !v.trim().is_empty())
                    .ok_or_else(|| LetterError::MissingField {
                        field: name.clone(),
                    })?;
                check_glyphs(name, &value, fonts)?;
                let mut value = value.trim();
                let next = match text.0.get(i + 1) {
                    Some(Segment::Text(t)) => t.chars().next(),
                    _ => None,
                };
                if next.is_some_and(|c| CONTINUES.contains(&c)) {
                    value = value.trim_end_matches(SENTENCE_END);
                }
                out.push_str(value);
            }
        }
    }
    Ok(out)
}

pub(crate) fn check_glyphs(field: &str, value: &str, fonts: &Fonts) -> Result<(), LetterError> {
    match value
        .chars()
        .filter(|c| !c.is_control())
        .find(|c| !fonts.has(*c))
    {
        Some(ch) => Err(LetterError::MissingGlyph {
            field: field.to_owned(),
            ch,
        }),
        None => Ok(()),
    }
}

/// The non-blank lines of `text`, trimmed.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

fn one_line(
    text: &Text,
    fields: &BTreeMap<String, String>,
    fonts: &Fonts,
) -> Result<String, LetterError> {
    Ok(lines(&fill(text, fields, fonts)?).collect())
}

pub(crate) fn compose(
    parts: &Parts,
    data: &LetterData,
    fonts: &Fonts,
) -> Result<Letter, LetterError> {
    let fields = &data.fields;
    check_glyphs("number", &data.number, fonts)?;
    let mut paragraphs = Vec::new();
    for text in &parts.paragraphs {
        paragraphs.extend(lines(&fill(text, fields, fonts)?));
    }
    let mut attachments = Vec::new();
    for text in &parts.attachments {
        attachments.extend(lines(&fill(text, fields, fonts)?));
    }
    Ok(Letter {
        title: one_line(parts.title, fields, fonts)?,
        number: lines(&data.number).collect(),
        salutation: one_line(parts.salutation, fields, fonts)?,
        paragraphs,
        attachments,
        signature: one_line(parts.signature, fields, fonts)?,
        date: one_line(parts.date, fields, fonts)?,
        note: parts.note.map(|n| one_line(n, fields, fonts)).transpose()?,
        verify_url: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill_str(template: &str, pairs: &[(&str, &str)]) -> Result<String, LetterError> {
        let text = Text::parse("mem", template).map_err(LetterError::from)?;
        let fields = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fill(&text, &fields, crate::font::tests::shared())
    }

    #[test]
    fn values_are_inserted_once_and_not_rescanned() {
        assert_eq!(
            fill_str("理由如下：{reasons}。", &[("reasons", "见{court}")]).ok(),
            Some("理由如下：见{court}。".into())
        );
    }

    #[test]
    fn a_value_ending_a_sentence_does_not_double_the_mark() {
        assert_eq!(
            fill_str("理由如下：{reasons}。", &[("reasons", "属于过程性信息。")]).ok(),
            Some("理由如下：属于过程性信息。".into())
        );
        assert_eq!(
            fill_str("因{reasons}，本机关", &[("reasons", "档案较多。")]).ok(),
            Some("因档案较多，本机关".into())
        );
        assert_eq!(
            fill_str("{reasons}》", &[("reasons", "标题。")]).ok(),
            Some("标题。》".into())
        );
    }

    #[test]
    fn a_clause_that_does_not_apply_is_left_out() {
        assert_eq!(
            fill_str("20个工作日内{due_clause}予以答复", &[]).ok(),
            Some("20个工作日内予以答复".into())
        );
        assert_eq!(
            fill_str(
                "20个工作日内{due_clause}予以答复",
                &[("due_clause", "（即3月30日前）")]
            )
            .ok(),
            Some("20个工作日内（即3月30日前）予以答复".into())
        );
    }

    #[test]
    fn a_missing_or_blank_field_is_named() {
        for pairs in [&[][..], &[("reasons", "  ")][..]] {
            assert_eq!(
                fill_str("理由：{reasons}。", pairs),
                Err(LetterError::MissingField {
                    field: "reasons".into()
                })
            );
        }
    }

    #[test]
    fn a_character_no_font_has_is_refused() {
        // U+20000 (CJK Extension B) is in none of the faces.
        assert_eq!(
            fill_str("{applicant_name}：", &[("applicant_name", "张\u{20000}")]),
            Err(LetterError::MissingGlyph {
                field: "applicant_name".into(),
                ch: '\u{20000}'
            })
        );
    }

    #[test]
    fn a_character_only_the_fallback_has_is_accepted() {
        // 堃 and 喆 are not in FandolFang (GB2312) but are in Noto Serif SC.
        assert_eq!(
            fill_str("{applicant_name}：", &[("applicant_name", "张堃喆")]).ok(),
            Some("张堃喆：".into())
        );
    }
}
