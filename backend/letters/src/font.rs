//! The one font the letters are set in, embedded in the binary, and its metrics.
//!
//! WenQuanYi Micro Hei (`pdf-templates/fonts/`, Apache-2.0, 5.2 MB, full GBK coverage): the
//! smallest full-coverage CJK face Debian ships, so the repository stays self-contained and a
//! fresh machine needs no system font (pdf-templates/fonts/README.md explains the choice).
//! printpdf measures nothing in manual mode, so the layout reads advances from the face's
//! `hmtx` here. A character the face lacks would be written as .notdef without any warning
//! (stack.md §1 pitfall 2), so [`Font::has`] lets callers refuse such text instead.

use printpdf::ParsedFont;

use crate::TemplateError;

/// The font file inside `pdf-templates/fonts/`.
pub(crate) const FILE: &str = "wqy-microhei.ttc";
/// Face 0 of the collection is "WenQuanYi Micro Hei" (1 is the Mono face).
const FACE: usize = 0;
static BYTES: &[u8] = include_bytes!("../../../pdf-templates/fonts/wqy-microhei.ttc");

/// The parsed face. Parsing takes tens of milliseconds, so it is done once per
/// [`crate::Templates`] and shared.
#[derive(Clone)]
pub(crate) struct Font {
    pub(crate) parsed: ParsedFont,
    units_per_em: f32,
}

impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font").field("file", &FILE).finish()
    }
}

impl Font {
    pub(crate) fn load() -> Result<Self, TemplateError> {
        let mut warnings = Vec::new();
        let parsed =
            ParsedFont::from_bytes(BYTES, FACE, &mut warnings).ok_or(TemplateError::Font {
                file: FILE.to_owned(),
            })?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        Ok(Font {
            parsed,
            units_per_em,
        })
    }

    /// Whether the face has a glyph for `ch`.
    pub(crate) fn has(&self, ch: char) -> bool {
        self.parsed
            .lookup_glyph_index(u32::from(ch))
            .is_some_and(|gid| gid != 0)
    }

    /// The advance of `ch` in ems (0 for a character the face lacks; text is checked with
    /// [`Font::has`] before it is laid out).
    pub(crate) fn advance(&self, ch: char) -> f32 {
        match self.parsed.lookup_glyph_index(u32::from(ch)) {
            Some(gid) => f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em,
            None => 0.0,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::OnceLock;

    use super::*;

    /// One parsed font for all unit tests.
    pub(crate) fn shared() -> &'static Font {
        static FONT: OnceLock<Font> = OnceLock::new();
        FONT.get_or_init(|| Font::load().expect("the shipped font parses"))
    }

    #[test]
    fn covers_what_the_letters_print() {
        let font = shared();
        for ch in "〔〕（）“”《》：；，。、—…０１２3abc张堃喆昇珺玥淼犇镕琇飚旻祎翀婧赟　".chars()
        {
            assert!(font.has(ch), "{ch}");
        }
        assert!((font.advance('中') - 1.0).abs() < 1e-3);
        assert!(font.advance('1') < 0.7);
    }
}
