//! Drawing laid-out pages with printpdf 0.12: one text object per line, the font subset.
//!
//! Each line is its own `BT … ET` with an absolute cursor, because `SetTextCursor` is written
//! as the relative `Td`; the justification of a line is its character spacing (`Tc`). The
//! font is always subset (`subset_fonts: true`): a whole CJK face would add megabytes and
//! most of a second to every letter (stack.md §1).

use printpdf::{Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem};

use crate::font::Font;
use crate::layout::{PAGE_HEIGHT, PAGE_WIDTH, Page, PlacedLine};

pub(crate) fn write(title: &str, pages: &[Page], font: &Font) -> Vec<u8> {
    let mut doc = PdfDocument::new(title);
    let font_id = doc.add_font(&font.parsed);
    let draw = |line: &PlacedLine, ops: &mut Vec<Op>| {
        ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font_id.clone()),
                size: Pt(line.size),
            },
            Op::SetCharacterSpacing {
                multiplier: line.spacing,
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(line.x),
                    y: Pt(line.y),
                },
            },
            Op::ShowText {
                items: vec![TextItem::Text(line.text.clone())],
            },
            Op::EndTextSection,
        ]);
    };
    let pdf_pages = pages
        .iter()
        .map(|page| {
            let mut ops = Vec::new();
            for line in page.lines.iter().chain(&page.footer) {
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
