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
    Codepoint, Color, FontId, LinePoint, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, RawImage, RawImageData, RawImageFormat, Rgb,
    TextItem, WindingOrder, XObjectTransform,
};

use crate::font::{Face, Fonts};
use crate::layout::{PAGE_HEIGHT, PAGE_WIDTH, Page, PlacedLine, QrBox};
use crate::seal::Seal;

/// A line with its text split into runs of one face.
type Runs<'a> = (&'a PlacedLine, Vec<(Face, &'a str)>);

/// What the PDF's document information says of it: its title, who issued it (the signing
/// agency), its number, and its date, so that a file found on its own says what it is.
pub(crate) struct Info<'a> {
    pub(crate) title: &'a str,
    pub(crate) author: &'a str,
    pub(crate) subject: &'a str,
    /// The date printed on the letter (`2026年3月2日`).
    pub(crate) date: &'a str,
}

/// The printed date as the PDF's creation date: midnight of that day in China Standard Time
/// (UTC+8), written as the same instant in UTC, because printpdf 0.12 writes the fields it is
/// given followed by `+00'00'` whatever offset they carry. `None` when the text is not such a
/// date.
fn pdf_date(text: &str) -> Option<printpdf::DateTime> {
    use chrono::{Datelike, Timelike};
    let mut parts = text
        .split(['年', '月', '日'])
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.trim().parse::<u32>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    let midnight = chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
        .and_hms_opt(0, 0, 0)?;
    let utc = midnight - chrono::Duration::hours(8);
    Some(printpdf::DateTime {
        date: printpdf::Date {
            year: utc.year(),
            month: u8::try_from(utc.month()).ok()?,
            day: u8::try_from(utc.day()).ok()?,
        },
        time: printpdf::Time {
            hour: u8::try_from(utc.hour()).ok()?,
            minute: 0,
            second: 0,
            millisecond: 0,
        },
        offset: printpdf::Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    })
}

pub(crate) fn write(
    info: &Info<'_>,
    pages: &[Page],
    fonts: &Fonts,
    seal: Option<&Seal>,
) -> Vec<u8> {
    let title = info.title;
    let runs: Vec<Vec<Runs>> = pages
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
    {
        let meta = &mut doc.metadata.info;
        meta.author = info.author.to_owned();
        meta.subject = info.subject.to_owned();
        meta.creator = "依申".to_owned();
        meta.producer = "依申".to_owned();
        if let Some(d) = pdf_date(info.date) {
            meta.creation_date = d;
            meta.modification_date = d;
            meta.metadata_date = d;
        }
    }
    let mut ids: BTreeMap<Face, FontId> = BTreeMap::new();
    for (_, runs) in runs.iter().flatten() {
        for &(face, _) in runs {
            ids.entry(face)
                .or_insert_with(|| doc.add_font(fonts.font(face)));
        }
    }

    // The seal's pixels go in once (its alpha as the soft mask printpdf writes for RGBA).
    let seal_image = seal
        .filter(|_| pages.iter().any(|p| p.seal.is_some()))
        .map(|s| {
            let id = doc.add_image(&RawImage {
                pixels: RawImageData::U8(s.rgba.clone()),
                width: s.width_px as usize,
                height: s.height_px as usize,
                data_format: RawImageFormat::RGBA8,
                tag: Vec::new(),
            });
            (id, s.width_px as f32, s.height_px as f32)
        });

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
    let pdf_pages = runs
        .iter()
        .zip(pages)
        .map(|(lines, page)| {
            let mut ops = Vec::new();
            for line in lines {
                draw(line, &mut ops);
            }
            if let Some(qr) = &page.qr {
                draw_qr(qr, &mut ops);
            }
            // Drawn last, over the signature and the date it presses on.
            if let (Some(b), Some((id, w, h))) = (&page.seal, &seal_image) {
                ops.push(Op::UseXobject {
                    id: id.clone(),
                    transform: XObjectTransform {
                        translate_x: Some(Pt(b.x)),
                        translate_y: Some(Pt(b.y)),
                        // At 72 dpi a pixel is a point; the scale makes it the printed size.
                        dpi: Some(72.0),
                        scale_x: Some(b.width / w),
                        scale_y: Some(b.height / h),
                        ..Default::default()
                    },
                });
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

/// The QR code as filled squares, one per dark module (medium error correction, which
/// survives a fold or a stamp across it). A URL too long for a QR code draws nothing: the
/// verification code printed in the 附注 stays.
fn draw_qr(qr: &QrBox, ops: &mut Vec<Op>) {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(&qr.url, qrcode::EcLevel::M) else {
        return;
    };
    let width = code.width();
    let module = qr.side / width as f32;
    let colors = code.to_colors();
    let square = |col: usize, row: usize| {
        // Rows run downwards from the top of the box.
        let x = qr.x + col as f32 * module;
        let y = qr.y + qr.side - (row + 1) as f32 * module;
        let p = |x: f32, y: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        PolygonRing {
            points: vec![
                p(x, y),
                p(x + module, y),
                p(x + module, y + module),
                p(x, y + module),
            ],
        }
    };
    let rings = colors
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == qrcode::Color::Dark)
        .map(|(i, _)| square(i % width, i / width))
        .collect();
    ops.extend([
        Op::SaveGraphicsState,
        Op::SetFillColor {
            col: Color::Rgb(Rgb {
                r: 0.0,
                g: 0.0,
                b: 0.0,
                icc_profile: None,
            }),
        },
        Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        },
        Op::RestoreGraphicsState,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_date_is_the_documents_date() {
        // Midnight of 2 March in China is 16:00 UTC on 1 March.
        let d = pdf_date("2026年3月2日").expect("a date");
        assert_eq!((d.date.year, d.date.month, d.date.day), (2026, 3, 1));
        assert_eq!((d.time.hour, d.offset.hours), (16, 0));
        let d = pdf_date("2026年1月1日").expect("a date");
        assert_eq!((d.date.year, d.date.month, d.date.day), (2025, 12, 31));
        assert!(pdf_date("").is_none());
        assert!(pdf_date("2026年13月2日").is_none());
    }
}
