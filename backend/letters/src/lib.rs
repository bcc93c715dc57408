//! The letters of yishen — 受理回执, 补正告知书, … 政府信息公开申请答复书 — as PDFs laid out
//! after GB/T 9704-2012, from the templates in `pdf-templates/`.
//!
//! Rendering is a pure function of the checked templates and the values of one letter: no
//! database, no clock, no file system. The server numbers a letter, formats the values
//! (dates as `2026年3月2日`) and calls [`Templates::render`]; previews and tests read the
//! same layout as text through [`Templates::text`].
//!
//! Which variant a reply has, which fields it must print and which remedy clause it ends
//! with all follow from [`yishen_domain::Disposition`]; the templates only carry wording.
//!
//! Modules: `kind` (the letter kinds), `schema` (the fields each kind may and must use),
//! `template` (the TOML templates and their checker), `text` (what people typed, made fit to
//! stand in a sentence), `compose` (filling), `font` (the
//! embedded faces — 仿宋 body, its fallback, the title's — and their metrics), `layout`
//! (hand-written line breaking and pagination: printpdf leaves both to the caller), `seal`
//! (an agency's seal image, checked), `pdf` (drawing with printpdf).

use std::collections::BTreeMap;

mod compose;
mod error;
mod font;
mod kind;
mod layout;
mod pdf;
mod schema;
mod seal;
mod template;
mod text;

pub use error::{LetterError, TemplateError};
pub use font::serif_font;
pub use kind::LetterKind;
pub use seal::{DIAMETER_MM as SEAL_DIAMETER_MM, Seal, SealError};
pub use text::{clause, quoted_request};

use font::Fonts;
use template::Template;

/// Everything a letter prints; values are plain strings already formatted (dates as
/// 2026年3月2日).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterData {
    pub kind: LetterKind,
    /// For [`LetterKind::Reply`]: the disposition code, e.g. `"withheld_process_info"`; for
    /// [`LetterKind::NotProcessedNotice`]: the `not_processed_*` code; `None` otherwise.
    pub variant: Option<String>,
    /// The document number (文号), e.g. `上住建依申复〔2026〕12号`; empty for an unnumbered
    /// draft, which prints without it.
    pub number: String,
    /// Placeholder → value. Fields a letter does not use are ignored.
    pub fields: BTreeMap<String, String>,
}

/// A document that is not a letter — the case-guidance manual — set on the letters' grid
/// with their fonts: a title, blocks of text, and the compiler's name and date at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
    /// Who compiled it (printed where a letter's signature goes); may be empty.
    pub signature: String,
    /// When (2026年3月2日); may be empty.
    pub date: String,
}

/// One block of a [`Document`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading, set as its own paragraph.
    Heading(String),
    /// A paragraph; line breaks inside it start new paragraphs.
    Paragraph(String),
}

/// The checked templates of every kind, and the fonts they are set in (parsed once, shared by
/// every letter rendered).
#[derive(Debug, Clone)]
pub struct Templates {
    /// One per kind, in the order of [`LetterKind::ALL`] (which is declaration order).
    templates: Vec<Template>,
    fonts: Fonts,
    /// The public address the letters' QR codes lead to (`{base}/verify/{code}`); none, no
    /// QR code.
    verify_base: Option<String>,
}

/// The shipped templates, by kind.
fn shipped_source(kind: LetterKind) -> &'static str {
    match kind {
        LetterKind::Receipt => include_str!("../../../pdf-templates/receipt.toml"),
        LetterKind::CorrectionNotice => {
            include_str!("../../../pdf-templates/correction_notice.toml")
        }
        LetterKind::ExtensionNotice => {
            include_str!("../../../pdf-templates/extension_notice.toml")
        }
        LetterKind::ThirdPartyConsultation => {
            include_str!("../../../pdf-templates/third_party_consultation.toml")
        }
        LetterKind::AgencyConsultation => {
            include_str!("../../../pdf-templates/agency_consultation.toml")
        }
        LetterKind::FeeNotice => include_str!("../../../pdf-templates/fee_notice.toml"),
        LetterKind::ReasonsRequest => include_str!("../../../pdf-templates/reasons_request.toml"),
        LetterKind::LaterDeadlineNotice => {
            include_str!("../../../pdf-templates/later_deadline_notice.toml")
        }
        LetterKind::NotProcessedNotice => {
            include_str!("../../../pdf-templates/not_processed_notice.toml")
        }
        LetterKind::Reply => include_str!("../../../pdf-templates/reply.toml"),
    }
}

impl Templates {
    /// The templates shipped in pdf-templates/ (embedded with include_str!), every
    /// placeholder checked against the list each kind may use; an error names the file and
    /// the unknown/missing placeholder.
    pub fn shipped() -> Result<Self, TemplateError> {
        let fonts = Fonts::load()?;
        let templates = LetterKind::ALL
            .into_iter()
            .map(|kind| {
                let file = format!("pdf-templates/{}", kind::file_name(kind));
                Template::check(kind, &file, shipped_source(kind), &fonts)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Templates {
            templates,
            fonts,
            verify_base: None,
        })
    }

    /// Prints on every letter that has a verification code a QR code of its public
    /// verification page, `{base}/verify/{code}` (`base` like `https://yishen.example.gov.cn`).
    pub fn with_verify_base(mut self, base: &str) -> Self {
        let base = base.trim().trim_end_matches('/');
        self.verify_base = (!base.is_empty()).then(|| base.to_owned());
        self
    }

    fn template(&self, kind: LetterKind) -> &Template {
        // `shipped` loads every kind in `ALL` order, and `ALL` lists the kinds in declaration
        // order, so the discriminant is the index.
        &self.templates[kind as usize]
    }

    /// The placeholders a kind (and variant) needs, in the order the letter prints them.
    pub fn placeholders(
        &self,
        kind: LetterKind,
        variant: Option<&str>,
    ) -> Result<Vec<String>, TemplateError> {
        let disposition = Template::resolve(kind, variant)?;
        Ok(self.template(kind).parts(disposition)?.placeholders())
    }

    /// The version of the wording of a kind's template, to store with each letter issued.
    pub fn version(&self, kind: LetterKind) -> u32 {
        self.template(kind).version
    }

    fn lay_out(
        &self,
        data: &LetterData,
        seal: Option<&Seal>,
    ) -> Result<(compose::Letter, Vec<layout::Page>), LetterError> {
        let disposition = Template::resolve(data.kind, data.variant.as_deref())?;
        let parts = self.template(data.kind).parts(disposition)?;
        let mut letter = compose::compose(&parts, data, &self.fonts)?;
        // A real code only: a draft's placeholder ("出具时生成") gets no QR code.
        letter.verify_url = match (&self.verify_base, data.fields.get("verify_code")) {
            (Some(base), Some(code))
                if !code.is_empty()
                    && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                Some(format!("{base}/verify/{code}"))
            }
            _ => None,
        };
        let pages = layout::lay_out(&letter, &self.fonts, seal.map(Seal::size_pt));
        Ok((letter, pages))
    }

    /// Renders: fills the template, lays it out, returns the PDF bytes. A missing field is an
    /// error naming it.
    pub fn render(&self, data: &LetterData) -> Result<Vec<u8>, LetterError> {
        self.render_sealed(data, None)
    }

    /// Renders as [`Templates::render`], with the agency's seal pressed over the signature
    /// and the date (GB/T 9704-2012 7.3.5.1: the date 右空四字, the agency centred over it);
    /// `None` prints the unsealed layout (7.3.5.2), as drafts and previews do.
    pub fn render_sealed(
        &self,
        data: &LetterData,
        seal: Option<&Seal>,
    ) -> Result<Vec<u8>, LetterError> {
        let (letter, pages) = self.lay_out(data, seal)?;
        Ok(pdf::write(&letter.info(), &pages, &self.fonts, seal))
    }

    /// The letter's text as filled (title, number, salutation, paragraphs, signature, date),
    /// for previews and tests.
    ///
    /// It is the PDF's layout as plain text: one line per printed line, broken where the PDF
    /// breaks it, blank grid lines kept, a paragraph's first-line indent as two ideographic
    /// spaces (U+3000), centring and right alignment dropped, and a line holding only a form
    /// feed (U+000C) between pages. Page numbers are not included.
    pub fn text(&self, data: &LetterData) -> Result<String, LetterError> {
        self.text_sealed(data, None)
    }

    /// The text of the letter as [`Templates::render_sealed`] lays it out.
    pub fn text_sealed(
        &self,
        data: &LetterData,
        seal: Option<&Seal>,
    ) -> Result<String, LetterError> {
        let (_, pages) = self.lay_out(data, seal)?;
        let mut lines = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            if i > 0 {
                lines.push("\u{c}".to_owned());
            }
            lines.extend(page.text_lines());
        }
        Ok(lines.join("\n"))
    }

    /// Renders a [`Document`]. A character no font has is an error naming the block
    /// (`blocks[3]`) or `title`.
    pub fn render_document(&self, doc: &Document) -> Result<Vec<u8>, LetterError> {
        compose::check_glyphs("title", &doc.title, &self.fonts)?;
        compose::check_glyphs("signature", &doc.signature, &self.fonts)?;
        compose::check_glyphs("date", &doc.date, &self.fonts)?;
        let mut paragraphs = Vec::new();
        for (i, b) in doc.blocks.iter().enumerate() {
            let (Block::Heading(text) | Block::Paragraph(text)) = b;
            compose::check_glyphs(&format!("blocks[{i}]"), text, &self.fonts)?;
            paragraphs.extend(compose::lines(text));
        }
        let letter = compose::Letter {
            title: doc.title.clone(),
            number: String::new(),
            salutation: String::new(),
            paragraphs,
            attachments: Vec::new(),
            signature: doc.signature.clone(),
            date: doc.date.clone(),
            note: None,
            verify_url: None,
        };
        let pages = layout::lay_out(&letter, &self.fonts, None);
        Ok(pdf::write(&letter.info(), &pages, &self.fonts, None))
    }

    /// How many pages the letter takes.
    pub fn page_count(&self, data: &LetterData) -> Result<usize, LetterError> {
        Ok(self.lay_out(data, None)?.1.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Templates>();
    }

    #[test]
    fn kinds_index_the_templates() {
        let templates = Templates::shipped().expect("shipped templates load");
        for kind in LetterKind::ALL {
            assert_eq!(templates.template(kind).kind, kind);
        }
    }

    #[test]
    fn the_shipped_templates_pass_the_checker() {
        if let Err(e) = Templates::shipped() {
            panic!("{e}");
        }
    }

    #[test]
    fn documents_render_and_refuse_what_no_font_has() {
        let templates = Templates::shipped().expect("shipped templates load");
        let mut doc = Document {
            title: "杭州市人民政府办公厅政府信息公开案例指导手册".into(),
            blocks: vec![
                Block::Heading("案例1　杭州市上城区人民政府办公室（ZJ-HZ-SC-2025-000001）".into()),
                Block::Paragraph("基本案情：申请人申请公开旧城改造项目的征收补偿方案。".into()),
            ],
            signature: "杭州市人民政府办公厅".into(),
            date: "2026年11月22日".into(),
        };
        let pdf = templates.render_document(&doc).expect("renders");
        assert!(pdf.starts_with(b"%PDF"));
        doc.blocks.push(Block::Paragraph("\u{20000}".into()));
        assert_eq!(
            templates.render_document(&doc),
            Err(LetterError::MissingGlyph {
                field: "blocks[2]".into(),
                ch: '\u{20000}',
            })
        );
    }
}
