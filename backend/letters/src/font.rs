//! The faces the letters are set in, embedded in the binary, which face sets which
//! character, and the advances layout measures with.
//!
//! GB/T 9704 wants a 仿宋 body and 小标宋 titles (letters.md §1). Three faces from
//! `pdf-templates/fonts/` (README there: sources, licences, how the Noto files were cut):
//!
//! - FandolFang Regular (仿宋, GPL-3 with font exception) for the body. It covers GB2312
//!   only, so applicants' rare name characters (堃喆昇珺玥…) are not in it.
//! - Noto Serif CJK SC Regular (宋体, OFL-1.1): the per-character fallback of the body and the
//!   face of the 宋体 page numbers. It maps 33 008 characters: CJK Unified Ideographs to
//!   U+9FEA (all of GBK), Extension A and 2 303 characters of Extensions B–F.
//! - Noto Serif CJK SC Bold (OFL-1.1), cut down to GB2312, for the 二号 title: the nearest
//!   free stand-in for 小标宋, with its own weight rather than a synthetic bold. A title
//!   character it lacks falls back to the Regular face.
//!
//! What a piece of text is ([`Role`]) decides its chain of faces; each character is set in
//! the first face of the chain that has it, and layout measures it in that same face
//! ([`Fonts::advance`]), so what is measured is what is drawn ([`Fonts::runs`]). A character
//! that no face of a chain has would be drawn as .notdef without any warning (stack.md §1
//! pitfall 2), so [`Fonts::has`] lets the templates and the fields refuse it instead.
//!
//! printpdf measures nothing in manual mode, so advances come from each face's `hmtx`.
//! Parsing the faces takes tens of milliseconds, so it is done once per
//! [`crate::Templates`] and shared.

use std::collections::BTreeMap;

use printpdf::ParsedFont;

use crate::TemplateError;

/// One of the embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Face {
    /// FandolFang Regular, the 仿宋 body.
    Fang,
    /// Noto Serif CJK SC Regular, the fallback and the page numbers.
    Serif,
    /// Noto Serif CJK SC Bold (GB2312 subset), the title.
    SerifBold,
}

/// The Noto Serif CJK SC the letters ship: for other code that draws Chinese text (the labels
/// over redacted boxes) or renders a PDF that names a CJK font without embedding it.
pub fn serif_font() -> &'static [u8] {
    Face::Serif.bytes()
}

impl Face {
    pub(crate) const ALL: [Face; 3] = [Face::Fang, Face::Serif, Face::SerifBold];

    /// The font file inside `pdf-templates/fonts/`.
    pub(crate) fn file(self) -> &'static str {
        match self {
            Face::Fang => "FandolFang-Regular.otf",
            Face::Serif => "NotoSerifCJKsc-Regular.otf",
            Face::SerifBold => "NotoSerifCJKsc-Bold-GB2312.otf",
        }
    }

    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Fang => include_bytes!("../../../pdf-templates/fonts/FandolFang-Regular.otf"),
            Face::Serif => {
                include_bytes!("../../../pdf-templates/fonts/NotoSerifCJKsc-Regular.otf")
            }
            Face::SerifBold => {
                include_bytes!("../../../pdf-templates/fonts/NotoSerifCJKsc-Bold-GB2312.otf")
            }
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What a piece of text is, which decides the faces it is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// 仿宋: number, salutation, body, signature, date, notes.
    Body,
    /// 小标宋-like: the 二号 title.
    Title,
    /// 宋体: the page numbers (GB/T 9704 7.5).
    PageNumber,
}

impl Role {
    pub(crate) const ALL: [Role; 3] = [Role::Body, Role::Title, Role::PageNumber];

    /// The faces in order of preference. Every chain holds FandolFang and Noto Serif Regular,
    /// so all roles can print the same characters and one check ([`Fonts::has`]) covers
    /// text wherever it ends up.
    fn chain(self) -> &'static [Face] {
        match self {
            Role::Body => &[Face::Fang, Face::Serif],
            Role::Title => &[Face::SerifBold, Face::Serif, Face::Fang],
            Role::PageNumber => &[Face::Serif, Face::Fang],
        }
    }
}

/// One parsed face.
#[derive(Clone)]
struct Parsed {
    font: ParsedFont,
    cmap: Cmap,
    units_per_em: f32,
}

impl Parsed {
    fn load(face: Face) -> Result<Self, TemplateError> {
        let error = || TemplateError::Font {
            file: face.file().to_owned(),
        };
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(face.bytes(), 0, &mut warnings).ok_or_else(error)?;
        let cmap = Cmap::read(face.bytes()).ok_or_else(error)?;
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        Ok(Parsed {
            font,
            cmap,
            units_per_em,
        })
    }

    fn glyph(&self, ch: char) -> Option<u16> {
        self.cmap.glyph(ch)
    }
}

/// A face's character map, read once from its `cmap` table.
///
/// printpdf's `lookup_glyph_index` scans the cmap subtable segment by segment, and these CJK
/// faces have thousands of segments (FandolFang 8 018: its glyphs are in CID order, not
/// Unicode order), while layout looks every character up several times. A table indexed by
/// code point answers at once.
#[derive(Clone)]
struct Cmap {
    /// Glyph ids of U+0000..=U+FFFF (0 = not mapped).
    bmp: Vec<u16>,
    /// The supplementary planes (CJK Extension B and later).
    astral: BTreeMap<u32, u16>,
}

impl Cmap {
    fn glyph(&self, ch: char) -> Option<u16> {
        let cp = u32::from(ch);
        let gid = match self.bmp.get(cp as usize) {
            Some(&gid) => gid,
            None => self.astral.get(&cp).copied().unwrap_or(0),
        };
        (gid != 0).then_some(gid)
    }

    fn insert(&mut self, cp: u32, gid: u16) {
        match self.bmp.get_mut(cp as usize) {
            Some(slot) => *slot = gid,
            None => {
                self.astral.insert(cp, gid);
            }
        }
    }

    /// Reads the Unicode subtable of an sfnt (OpenType or TrueType) font: format 12 (all
    /// planes) when there is one, else format 4 (BMP only). `None` for a malformed table.
    fn read(font: &[u8]) -> Option<Self> {
        let be16 = |at: usize| -> Option<u16> {
            Some(u16::from_be_bytes(
                font.get(at..at.checked_add(2)?)?.try_into().ok()?,
            ))
        };
        let be32 = |at: usize| -> Option<usize> {
            let word = u32::from_be_bytes(font.get(at..at.checked_add(4)?)?.try_into().ok()?);
            usize::try_from(word).ok()
        };
        // The table directory: 12 bytes of header, then 16-byte records (tag, checksum,
        // offset, length).
        let cmap = (0..usize::from(be16(4)?)).find_map(|i| {
            let record = 12 + 16 * i;
            (font.get(record..record + 4)? == b"cmap")
                .then(|| be32(record + 8))
                .flatten()
        })?;
        let mut format4 = None;
        let mut format12 = None;
        for i in 0..usize::from(be16(cmap + 2)?) {
            let record = cmap + 4 + 8 * i;
            let sub = cmap.checked_add(be32(record + 4)?)?;
            match ((be16(record)?, be16(record + 2)?), be16(sub)?) {
                ((3, 10) | (0, 4) | (0, 6), 12) => format12 = Some(sub),
                ((3, 1) | (0, 3), 4) => format4 = Some(sub),
                _ => {}
            }
        }
        let mut map = Cmap {
            bmp: vec![0; 0x1_0000],
            astral: BTreeMap::new(),
        };
        if let Some(sub) = format12 {
            // Groups of (first code point, last code point, glyph of the first).
            for i in 0..be32(sub + 12)? {
                let group = sub + 16 + 12 * i;
                let (start, end, first) = (be32(group)?, be32(group + 4)?, be32(group + 8)?);
                for cp in start..=end.min(0x10_FFFF) {
                    let gid = u16::try_from(first + (cp - start)).ok()?;
                    map.insert(u32::try_from(cp).ok()?, gid);
                }
            }
        } else {
            // Segments as four parallel arrays: end codes, (pad), start codes, deltas and
            // range offsets; an offset points into the glyph array from its own position.
            let sub = format4?;
            let segments = usize::from(be16(sub + 6)? / 2);
            let ends = sub + 14;
            let starts = ends + 2 * segments + 2;
            let deltas = starts + 2 * segments;
            let offsets = deltas + 2 * segments;
            for s in 0..segments {
                let (start, end) = (be16(starts + 2 * s)?, be16(ends + 2 * s)?);
                let delta = be16(deltas + 2 * s)?;
                let offset = usize::from(be16(offsets + 2 * s)?);
                for cp in start..=end.min(0xFFFE) {
                    let gid = if offset == 0 {
                        cp.wrapping_add(delta)
                    } else {
                        match be16(offsets + 2 * s + offset + 2 * usize::from(cp - start))? {
                            0 => 0,
                            g => g.wrapping_add(delta),
                        }
                    };
                    map.insert(u32::from(cp), gid);
                }
            }
        }
        Some(map)
    }
}

/// The parsed faces, in the order of [`Face::ALL`].
#[derive(Clone)]
pub(crate) struct Fonts {
    faces: [Parsed; 3],
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(Face::ALL.iter().map(|face| face.file()))
            .finish()
    }
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, TemplateError> {
        Ok(Fonts {
            faces: [
                Parsed::load(Face::Fang)?,
                Parsed::load(Face::Serif)?,
                Parsed::load(Face::SerifBold)?,
            ],
        })
    }

    fn parsed(&self, face: Face) -> &Parsed {
        &self.faces[face.index()]
    }

    /// The printpdf font of `face`, to add to a document.
    pub(crate) fn font(&self, face: Face) -> &ParsedFont {
        &self.parsed(face).font
    }

    /// The face `ch` is set in when it is text of `role`: the first of the role's chain that
    /// has it; `None` when none has.
    pub(crate) fn face(&self, role: Role, ch: char) -> Option<Face> {
        role.chain()
            .iter()
            .copied()
            .find(|&face| self.parsed(face).glyph(ch).is_some())
    }

    /// Whether `ch` can be printed, whatever part of a letter it lands in. (Every character
    /// the title face maps is in one of the others, so in practice: whether FandolFang or Noto
    /// Serif SC Regular has it.)
    pub(crate) fn has(&self, ch: char) -> bool {
        Role::ALL.iter().all(|&role| self.face(role, ch).is_some())
    }

    /// The advance of `ch` in ems, in the face it is set in as text of `role` (0 for a
    /// character no face has; text is checked with [`Fonts::has`] before it is laid out).
    pub(crate) fn advance(&self, role: Role, ch: char) -> f32 {
        role.chain()
            .iter()
            .find_map(|&face| {
                let parsed = self.parsed(face);
                parsed.glyph(ch).map(|gid| {
                    f32::from(parsed.font.get_horizontal_advance(gid)) / parsed.units_per_em
                })
            })
            .unwrap_or(0.0)
    }

    /// The glyph of `ch` in `face`.
    pub(crate) fn glyph(&self, face: Face, ch: char) -> Option<u16> {
        self.parsed(face).glyph(ch)
    }

    /// `text` as runs of characters set in the same face, in order. A character no face
    /// has (refused before layout) stays in the run before it.
    pub(crate) fn runs<'a>(&self, role: Role, text: &'a str) -> Vec<(Face, &'a str)> {
        let mut runs: Vec<(Face, &'a str)> = Vec::new();
        let mut start = 0;
        let mut current: Option<Face> = None;
        for (i, ch) in text.char_indices() {
            let Some(face) = self.face(role, ch) else {
                continue;
            };
            match current {
                Some(c) if c != face => {
                    runs.push((c, &text[start..i]));
                    start = i;
                    current = Some(face);
                }
                Some(_) => {}
                None => current = Some(face),
            }
        }
        if start < text.len() {
            runs.push((current.unwrap_or(role.chain()[0]), &text[start..]));
        }
        runs
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::OnceLock;

    use super::*;

    /// One set of parsed faces for all unit tests.
    pub(crate) fn shared() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| Fonts::load().expect("the shipped fonts parse"))
    }

    /// Name characters FandolFang (GB2312) lacks and Noto Serif SC has.
    const RARE: &str = "堃喆昇珺玥犇镕琇䶮龑旻祎翀赟";

    #[test]
    fn covers_what_the_letters_print() {
        let fonts = shared();
        for ch in "〔〕（）“”《》：；，。、—…０１２3abc张淼飚婧　 "
            .chars()
            .chain(RARE.chars())
        {
            assert!(fonts.has(ch), "{ch}");
        }
        // U+20000 (CJK Extension B) is in none of the faces.
        assert!(!fonts.has('\u{20000}'));
    }

    #[test]
    fn the_body_is_fangsong_with_a_serif_fallback() {
        let fonts = shared();
        for ch in "本机关收到您的申请〔〕，。：“”（）0571-abc".chars() {
            assert_eq!(fonts.face(Role::Body, ch), Some(Face::Fang), "{ch}");
        }
        for ch in RARE.chars() {
            assert_eq!(fonts.face(Role::Body, ch), Some(Face::Serif), "{ch}");
            assert_eq!(fonts.face(Role::Title, ch), Some(Face::Serif), "{ch}");
        }
        for ch in "政府信息公开申请答复书〔〕（）".chars() {
            assert_eq!(fonts.face(Role::Title, ch), Some(Face::SerifBold), "{ch}");
        }
        for ch in "— 12 —".chars() {
            assert_eq!(fonts.face(Role::PageNumber, ch), Some(Face::Serif), "{ch}");
        }
    }

    #[test]
    fn ideographs_are_one_em_wide_in_every_face() {
        // The 28-character grid assumes it (layout.rs).
        let fonts = shared();
        for role in Role::ALL {
            for ch in "中政〔，。堃".chars() {
                assert!(
                    (fonts.advance(role, ch) - 1.0).abs() < 1e-3,
                    "{role:?} {ch}"
                );
            }
        }
        assert!(fonts.advance(Role::Body, '1') < 0.7);
        assert_eq!(fonts.advance(Role::Body, '\u{20000}'), 0.0);
    }

    #[test]
    fn the_character_map_agrees_with_printpdf() {
        let fonts = shared();
        // A spread of the BMP (every 97th code point), the rare names, Extension B.
        let sample = (0..0x1_0000u32)
            .step_by(97)
            .chain(RARE.chars().map(u32::from))
            .chain([0x2_0000, 0x2_0001, 0x2_A6A5, 0x2_B81D])
            .filter_map(char::from_u32);
        let mut mapped = [0; 3];
        for face in Face::ALL {
            let parsed = fonts.parsed(face);
            for ch in sample.clone() {
                let theirs = parsed
                    .font
                    .lookup_glyph_index(u32::from(ch))
                    .filter(|&gid| gid != 0);
                assert_eq!(parsed.glyph(ch), theirs, "{face:?} {ch:?}");
                mapped[face.index()] += usize::from(theirs.is_some());
            }
        }
        // The sample hits every face many times (it is not comparing empty maps).
        assert!(mapped.iter().all(|&n| n > 50), "{mapped:?}");
    }

    #[test]
    fn the_title_face_holds_nothing_the_others_lack() {
        // Otherwise a title could print a character that the body refuses, and `has` would
        // not describe every role.
        let fonts = shared();
        let bold = &fonts.parsed(Face::SerifBold).cmap;
        let mapped = (0..bold.bmp.len())
            .filter(|&cp| bold.bmp[cp] != 0)
            .filter_map(|cp| u32::try_from(cp).ok())
            .chain(bold.astral.keys().copied())
            .filter_map(char::from_u32);
        let mut count = 0;
        for ch in mapped {
            assert!(fonts.has(ch), "{ch:?} U+{:04X}", u32::from(ch));
            count += 1;
        }
        assert!(count > 7_000, "{count}");
    }

    #[test]
    fn runs_switch_faces_only_where_needed() {
        let fonts = shared();
        assert_eq!(
            fonts.runs(Role::Body, "张堃喆："),
            [
                (Face::Fang, "张"),
                (Face::Serif, "堃喆"),
                (Face::Fang, "：")
            ]
        );
        assert_eq!(fonts.runs(Role::Body, "本机关"), [(Face::Fang, "本机关")]);
        assert_eq!(
            fonts.runs(Role::Title, "答复书"),
            [(Face::SerifBold, "答复书")]
        );
        assert!(fonts.runs(Role::Body, "").is_empty());
    }
}
