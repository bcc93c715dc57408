//! Drawing laid-out pages with printpdf 0.12: one text object per line, the faces subset.
//!
//! Each line is its own `BT … ET` with an absolute cursor, because `SetTextCursor` is written
//! as the relative `Td`; the justification of a line is its character spacing (`Tc`). Within
//! a line the font switches (`Tf`) wherever the face changes — a body line in FandolFang
//! shows a rare name character in Noto Serif SC — and each run continues from where the
//! previous one left the pen, so the positions are those layout measured with the same faces
//! ([`crate::font::Fonts::runs`]).
//!
//! Text goes in as glyph ids from [`crate::font`]'s character maps, each with its character
//! as the text the ToUnicode map gives back (printpdf's `cid` field), rather than as strings
//! printpdf would look up again glyph by glyph in its slow cmap scan. Only the faces a letter
//! uses are added to it, and they are always subset (`subset_fonts: true`): a whole CJK face
//! would add megabytes and most of a second to every letter (stack.md §1).

use std::collections::BTreeMap;

use printpdf::{
    Codepoint, FontId, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};

use crate::font::{Face, Fonts};
use crate::layout::{PAGE_HEIGHT, PAGE_WIDTH, Page, PlacedLine};

/// A line with its text split into runs of one face.
type Runs<'a> = (&'a PlacedLine, Vec<(Face, &'a str)>);

pub(crate) fn write(title: &str, pages: &[Page], fonts: &Fonts) -> Vec<u8> {
    let pages: Vec<Vec<Runs>> = pages
        .iter()
        .map(|page| {
            page.lines
                .iter()
                .chain(&page.footer)
                .map(|line| (line, fonts.runs(line.role, &line.text)))
                .collect()
        })
        .collect();

    let mut doc = PdfDocument::new(title);
    let mut ids: BTreeMap<Face, FontId> = BTreeMap::new();
    for (_, runs) in pages.iter().flatten() {
        for &(face, _) in runs {
            ids.entry(face)
                .or_insert_with(|| doc.add_font(fonts.font(face)));
        }
    }

    let draw = |(line, runs): &Runs, ops: &mut Vec<Op>| {
        ops.extend([
            Op::StartTextSection,
            Op::SetCharacterSpacing {
                multiplier: line.spacing,
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(line.x),
                    y: Pt(line.y),
                },
            },
        ]);
        for &(face, text) in runs {
            if let Some(id) = ids.get(&face) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id.clone()),
                    size: Pt(line.size),
                });
                let glyphs = text
                    .chars()
                    .filter_map(|ch| {
                        fonts.glyph(face, ch).map(|gid| Codepoint {
                            gid,
                            offset: 0.0,
                            cid: Some(ch.to_string()),
                        })
                    })
                    .collect();
                ops.push(Op::ShowText {
                    items: vec![TextItem::GlyphIds(glyphs)],
                });
            }
        }
        ops.push(Op::EndTextSection);
    };
    let pdf_pages = pages
        .iter()
        .map(|lines| {
            let mut ops = Vec::new();
            for line in lines {
                draw(line, &mut ops);
            }
            PdfPage::new(Pt(PAGE_WIDTH).into(), Pt(PAGE_HEIGHT).into(), ops)
        })
        .collect();
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..Default::default()
    };
    let mut warnings = Vec::new();
    doc.with_pages(pdf_pages).save(&options, &mut warnings)
}
