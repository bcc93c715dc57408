//! The templates of `pdf-templates/`: their TOML shape, the `{placeholder}` syntax, and the
//! checker that runs when they load.
//!
//! Templates are text an agency may reword, so they are data, not code; but a typo in a
//! placeholder would print a letter with a hole in it, and a dropped placeholder would print
//! one without the reasons the law requires. So every template is checked when it loads —
//! syntax, the placeholders against [`crate::schema`], one section per variant, the remedy
//! clauses the variants need, and a glyph in the fonts for every character — and the error
//! names the file and what is wrong. They are embedded with `include_str!`, so a binary
//! never depends on its working directory.

use std::collections::BTreeMap;

use serde::Deserialize;
use yishen_domain::Disposition;
use yishen_domain::disposition::Remedy;

use crate::font::Fonts;
use crate::{LetterKind, TemplateError, schema};

/// One piece of a template string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Text(String),
    Field(String),
}

/// A template string, split into literal text and `{placeholder}`s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Text(pub(crate) Vec<Segment>);

impl Text {
    /// Parses `{name}` placeholders; names are lower-case ASCII, digits and `_`. There is no
    /// escape: the letters never print braces.
    pub(crate) fn parse(file: &str, text: &str) -> Result<Self, TemplateError> {
        let syntax = || TemplateError::Syntax {
            file: file.to_owned(),
            text: text.to_owned(),
        };
        let mut segments = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err(syntax());
            }
            let close = rest[open..].find('}').ok_or_else(syntax)? + open;
            let name = &rest[open + 1..close];
            let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                return Err(syntax());
            }
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_owned()));
            }
            segments.push(Segment::Field(name.to_owned()));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_owned()));
        }
        Ok(Text(segments))
    }

    pub(crate) fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|s| match s {
            Segment::Field(name) => Some(name.as_str()),
            Segment::Text(_) => None,
        })
    }

    fn literals(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|s| match s {
            Segment::Text(text) => Some(text.as_str()),
            Segment::Field(_) => None,
        })
    }
}

/// The TOML file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    version: u32,
    title: String,
    salutation: String,
    paragraphs: Vec<String>,
    #[serde(default)]
    closing: Vec<String>,
    #[serde(default)]
    attachments: Vec<String>,
    signature: String,
    date: String,
    note: Option<String>,
    remedy: Option<RawRemedy>,
    #[serde(default)]
    variants: BTreeMap<String, RawVariant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRemedy {
    general: Option<String>,
    reconsideration_first: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVariant {
    title: Option<String>,
    paragraphs: Vec<String>,
    #[serde(default)]
    attachments: Vec<String>,
}

/// A checked template of one kind.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    pub(crate) kind: LetterKind,
    pub(crate) file: String,
    pub(crate) version: u32,
    title: Text,
    salutation: Text,
    paragraphs: Vec<Text>,
    closing: Vec<Text>,
    attachments: Vec<Text>,
    signature: Text,
    date: Text,
    note: Option<Text>,
    remedy_general: Option<Text>,
    remedy_first: Option<Text>,
    variants: BTreeMap<String, Variant>,
}

#[derive(Debug, Clone)]
struct Variant {
    title: Option<Text>,
    paragraphs: Vec<Text>,
    attachments: Vec<Text>,
}

/// The template strings one letter prints, in reading order.
pub(crate) struct Parts<'a> {
    pub(crate) title: &'a Text,
    pub(crate) salutation: &'a Text,
    /// Opening, the variant's paragraphs, the remedy clause, closing.
    pub(crate) paragraphs: Vec<&'a Text>,
    pub(crate) attachments: Vec<&'a Text>,
    pub(crate) signature: &'a Text,
    pub(crate) date: &'a Text,
    pub(crate) note: Option<&'a Text>,
}

impl Parts<'_> {
    /// Every text in reading order.
    fn all(&self) -> impl Iterator<Item = &Text> {
        [self.title, self.salutation]
            .into_iter()
            .chain(self.paragraphs.iter().copied())
            .chain(self.attachments.iter().copied())
            .chain([self.signature, self.date])
            .chain(self.note)
    }

    /// The placeholders used, in order of first appearance.
    pub(crate) fn placeholders(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for field in self.all().flat_map(Text::fields) {
            if !out.iter().any(|f| f == field) {
                out.push(field.to_owned());
            }
        }
        out
    }
}

impl Template {
    /// Parses and checks the template `source` of `kind` (read from `file`).
    pub(crate) fn check(
        kind: LetterKind,
        file: &str,
        source: &str,
        fonts: &Fonts,
    ) -> Result<Self, TemplateError> {
        let raw: RawTemplate = toml::from_str(source).map_err(|e| TemplateError::Parse {
            file: file.to_owned(),
            message: e.message().to_owned(),
        })?;
        let parse = |s: &String| Text::parse(file, s);
        let parse_all = |v: &Vec<String>| v.iter().map(parse).collect::<Result<Vec<_>, _>>();

        let mut variants = BTreeMap::new();
        for (code, v) in &raw.variants {
            variants.insert(
                code.clone(),
                Variant {
                    title: v.title.as_ref().map(parse).transpose()?,
                    paragraphs: parse_all(&v.paragraphs)?,
                    attachments: parse_all(&v.attachments)?,
                },
            );
        }
        let (remedy_general, remedy_first) = match &raw.remedy {
            Some(r) => (
                r.general.as_ref().map(parse).transpose()?,
                r.reconsideration_first.as_ref().map(parse).transpose()?,
            ),
            None => (None, None),
        };
        let template = Template {
            kind,
            file: file.to_owned(),
            version: raw.version,
            title: parse(&raw.title)?,
            salutation: parse(&raw.salutation)?,
            paragraphs: parse_all(&raw.paragraphs)?,
            closing: parse_all(&raw.closing)?,
            attachments: parse_all(&raw.attachments)?,
            signature: parse(&raw.signature)?,
            date: parse(&raw.date)?,
            note: raw.note.as_ref().map(parse).transpose()?,
            remedy_general,
            remedy_first,
            variants,
        };
        template.validate(fonts)?;
        Ok(template)
    }

    fn every_text(&self) -> impl Iterator<Item = &Text> {
        [&self.title, &self.salutation, &self.signature, &self.date]
            .into_iter()
            .chain(&self.paragraphs)
            .chain(&self.closing)
            .chain(&self.attachments)
            .chain(&self.note)
            .chain(&self.remedy_general)
            .chain(&self.remedy_first)
            .chain(
                self.variants
                    .values()
                    .flat_map(|v| v.title.iter().chain(&v.paragraphs).chain(&v.attachments)),
            )
    }

    fn validate(&self, fonts: &Fonts) -> Result<(), TemplateError> {
        let file = || self.file.clone();
        let allowed = schema::allowed(self.kind);
        for text in self.every_text() {
            if let Some(unknown) = text.fields().find(|f| !allowed.contains(f)) {
                return Err(TemplateError::UnknownPlaceholder {
                    file: file(),
                    placeholder: unknown.to_owned(),
                });
            }
            // The applicant is addressed as the case says (您 or 贵单位), through
            // {addressee}: a fixed form of address would be wrong for one of the two.
            if schema::addresses_applicant(self.kind)
                && let Some(word) = schema::FIXED_ADDRESS
                    .iter()
                    .find(|w| text.literals().any(|l| l.contains(**w)))
            {
                return Err(TemplateError::FixedAddress {
                    file: file(),
                    word: (*word).to_owned(),
                });
            }
            let printable = text.literals().flat_map(str::chars);
            if let Some(ch) = printable
                .filter(|c| !c.is_control())
                .find(|c| !fonts.has(*c))
            {
                return Err(TemplateError::MissingGlyph { file: file(), ch });
            }
        }

        if !schema::has_variants(self.kind) {
            if let Some(code) = self.variants.keys().next() {
                return Err(TemplateError::UnexpectedVariant {
                    file: file(),
                    variant: code.clone(),
                });
            }
            if self.remedy_general.is_some() || self.remedy_first.is_some() {
                return Err(TemplateError::UnexpectedRemedy { file: file() });
            }
            return self.check_required(None, schema::required(self.kind));
        }

        let expected = schema::variants(self.kind);
        if let Some(code) = self
            .variants
            .keys()
            .find(|code| !expected.iter().any(|d| d.as_str() == code.as_str()))
        {
            return Err(TemplateError::UnexpectedVariant {
                file: file(),
                variant: code.clone(),
            });
        }
        for disposition in expected {
            if !self.variants.contains_key(disposition.as_str()) {
                return Err(TemplateError::MissingVariant {
                    file: file(),
                    variant: disposition.as_str().to_owned(),
                });
            }
            let clause = match disposition.remedy() {
                Remedy::General => self.remedy_general.is_none().then_some("general"),
                Remedy::ReconsiderationFirst => self
                    .remedy_first
                    .is_none()
                    .then_some("reconsideration_first"),
                Remedy::None => None,
            };
            if let Some(clause) = clause {
                return Err(TemplateError::MissingRemedy {
                    file: file(),
                    clause: clause.to_owned(),
                });
            }
            let mut required = schema::required(self.kind).to_vec();
            required.extend(schema::required_for(disposition));
            self.check_required(Some(disposition), &required)?;
        }
        Ok(())
    }

    fn check_required(
        &self,
        disposition: Option<Disposition>,
        required: &[&str],
    ) -> Result<(), TemplateError> {
        let used = self.parts(disposition)?.placeholders();
        match required.iter().find(|f| !used.iter().any(|u| u == *f)) {
            Some(missing) => Err(TemplateError::MissingPlaceholder {
                file: self.file.clone(),
                variant: disposition.map_or("-", Disposition::as_str).to_owned(),
                placeholder: (*missing).to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// Which disposition a `variant` string names for this kind (`None` for kinds without
    /// variants).
    pub(crate) fn resolve(
        kind: LetterKind,
        variant: Option<&str>,
    ) -> Result<Option<Disposition>, TemplateError> {
        let unknown = |v: &str| TemplateError::UnknownVariant {
            kind,
            variant: v.to_owned(),
        };
        if !schema::has_variants(kind) {
            return match variant {
                None => Ok(None),
                Some(v) => Err(unknown(v)),
            };
        }
        let code = variant.ok_or(TemplateError::VariantRequired { kind })?;
        let disposition = Disposition::parse(code).ok_or_else(|| unknown(code))?;
        if schema::variants(kind).contains(&disposition) {
            Ok(Some(disposition))
        } else if kind == LetterKind::Reply {
            Err(TemplateError::NoLetter {
                kind,
                variant: code.to_owned(),
            })
        } else {
            Err(unknown(code))
        }
    }

    /// The texts a letter of this template prints for `disposition`.
    pub(crate) fn parts(
        &self,
        disposition: Option<Disposition>,
    ) -> Result<Parts<'_>, TemplateError> {
        let variant = match disposition {
            Some(d) => Some(self.variants.get(d.as_str()).ok_or_else(|| {
                TemplateError::MissingVariant {
                    file: self.file.clone(),
                    variant: d.as_str().to_owned(),
                }
            })?),
            None => None,
        };
        let remedy = match disposition.map(Disposition::remedy) {
            Some(Remedy::General) => self.remedy_general.as_ref(),
            Some(Remedy::ReconsiderationFirst) => self.remedy_first.as_ref(),
            Some(Remedy::None) | None => None,
        };
        let mut paragraphs: Vec<&Text> = self.paragraphs.iter().collect();
        paragraphs.extend(variant.iter().flat_map(|v| &v.paragraphs));
        paragraphs.extend(remedy);
        paragraphs.extend(&self.closing);
        let mut attachments: Vec<&Text> = self.attachments.iter().collect();
        attachments.extend(variant.iter().flat_map(|v| &v.attachments));
        Ok(Parts {
            title: variant
                .and_then(|v| v.title.as_ref())
                .unwrap_or(&self.title),
            salutation: &self.salutation,
            paragraphs,
            attachments,
            signature: &self.signature,
            date: &self.date,
            note: self.note.as_ref(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> &'static Fonts {
        crate::font::tests::shared()
    }

    const RECEIPT: &str = r#"
version = 1
title = "政府信息公开申请接收回执"
salutation = "{applicant_name}："
paragraphs = ["本机关于{received_date}收到{addressee}的申请，登记编号为{tracking_no}。"]
signature = "{agency_name}"
date = "{issue_date}"
"#;

    #[test]
    fn a_minimal_template_passes() {
        let t = Template::check(LetterKind::Receipt, "mem.toml", RECEIPT, fonts());
        let t = match t {
            Ok(t) => t,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            t.parts(None).map(|p| p.placeholders()).ok(),
            Some(
                [
                    "applicant_name",
                    "received_date",
                    "addressee",
                    "tracking_no",
                    "agency_name",
                    "issue_date"
                ]
                .map(String::from)
                .to_vec()
            )
        );
    }

    #[test]
    fn an_unknown_placeholder_is_rejected_with_file_and_name() {
        let source = RECEIPT.replace("{tracking_no}", "{tracking_number}");
        let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
        assert_eq!(
            err,
            Some(TemplateError::UnknownPlaceholder {
                file: "mem.toml".into(),
                placeholder: "tracking_number".into()
            })
        );
        let message = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("mem.toml") && message.contains("{tracking_number}"));
    }

    #[test]
    fn template_text_no_font_can_print_is_rejected() {
        // A title character outside the title face's GB2312 cut falls back to Noto Serif SC
        // Regular and passes; one in no face at all is refused.
        let source = RECEIPT.replace("接收回执", "接收回执（堃）");
        assert!(Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).is_ok());
        let source = RECEIPT.replace("接收回执", "接收回执\u{20000}");
        let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
        assert_eq!(
            err,
            Some(TemplateError::MissingGlyph {
                file: "mem.toml".into(),
                ch: '\u{20000}'
            })
        );
    }

    #[test]
    fn a_fixed_form_of_address_is_rejected() {
        for word in ["您", "贵单位", "您（单位）"] {
            let source = RECEIPT.replace("{addressee}", word);
            let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
            assert!(
                matches!(err, Some(TemplateError::FixedAddress { .. })),
                "{word}: {err:?}"
            );
        }
    }

    #[test]
    fn a_placeholder_of_another_kind_is_unknown_here() {
        // `reasons` is a reply field, not a receipt one.
        let source = RECEIPT.replace("登记编号为", "{reasons}，登记编号为");
        let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
        assert!(
            matches!(err, Some(TemplateError::UnknownPlaceholder { placeholder, .. }) if placeholder == "reasons")
        );
    }

    #[test]
    fn a_missing_required_placeholder_is_rejected() {
        let source = RECEIPT.replace("，登记编号为{tracking_no}", "");
        let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
        assert_eq!(
            err,
            Some(TemplateError::MissingPlaceholder {
                file: "mem.toml".into(),
                variant: "-".into(),
                placeholder: "tracking_no".into()
            })
        );
    }

    #[test]
    fn bad_syntax_and_unknown_keys_are_rejected() {
        for bad in [
            "{applicant_name：",
            "applicant_name}：",
            "{Applicant}：",
            "{}：",
        ] {
            let source = RECEIPT.replace("{applicant_name}：", bad);
            let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
            assert!(
                matches!(err, Some(TemplateError::Syntax { .. })),
                "{bad}: {err:?}"
            );
        }
        let source = format!("{RECEIPT}\nfooter = \"x\"\n");
        let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
        assert!(matches!(err, Some(TemplateError::Parse { .. })), "{err:?}");
    }

    #[test]
    fn a_reply_needs_every_variant_and_its_remedy() {
        let source = format!(
            "{RECEIPT}\n[remedy]\ngeneral = \"向{{reconsideration_body}}或{{court}}\"\n[variants.disclosed]\nparagraphs = [\"x\"]\n"
        );
        let err = Template::check(LetterKind::Reply, "mem.toml", &source, fonts()).err();
        assert!(
            matches!(err, Some(TemplateError::MissingVariant { .. })),
            "{err:?}"
        );
        let source = format!("{RECEIPT}\n[variants.disclosed]\nparagraphs = [\"x\"]\n");
        let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
        assert!(
            matches!(err, Some(TemplateError::UnexpectedVariant { .. })),
            "{err:?}"
        );
        let source = format!("{RECEIPT}\n[remedy]\ngeneral = \"x\"\n");
        let err = Template::check(LetterKind::Receipt, "mem.toml", &source, fonts()).err();
        assert!(
            matches!(err, Some(TemplateError::UnexpectedRemedy { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn variants_resolve_through_the_disposition_list() {
        use Disposition::*;
        assert_eq!(
            Template::resolve(LetterKind::Reply, Some("withheld_process_info")),
            Ok(Some(WithheldProcessInfo))
        );
        assert!(matches!(
            Template::resolve(LetterKind::Reply, Some("other_withdrawn")),
            Err(TemplateError::NoLetter { .. })
        ));
        assert!(matches!(
            Template::resolve(LetterKind::Reply, None),
            Err(TemplateError::VariantRequired { .. })
        ));
        assert!(matches!(
            Template::resolve(LetterKind::NotProcessedNotice, Some("disclosed")),
            Err(TemplateError::UnknownVariant { .. })
        ));
        assert!(matches!(
            Template::resolve(LetterKind::Receipt, Some("disclosed")),
            Err(TemplateError::UnknownVariant { .. })
        ));
        assert_eq!(Template::resolve(LetterKind::Receipt, None), Ok(None));
    }
}
