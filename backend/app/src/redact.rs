//! Redaction of a PDF so that nothing under a box can survive, and the page images and text
//! positions the redaction screen needs. Pure work on bytes; runs on a blocking thread.
//!
//! A box drawn over a PDF page only hides what lies under it; the text is still in the file
//! (the commonest leak of personal data by agencies). So each page with a box is rendered to
//! pixels at [`RELEASE_DPI`] (`hayro`, a pure-Rust rasteriser), the boxes are burned into the
//! pixels, each labelled with its ground, and the page is replaced by that image alone; pages
//! without a box keep their text. The document-level places that can carry text (outline,
//! forms, names, tagged structure, XMP and the info dictionary) are dropped and every object
//! no page needs is pruned (`lopdf`), and the file is written whole, so no earlier revision
//! remains.
//!
//! Then it is verified from the released bytes alone: their text, extracted the same way,
//! must hold none of the strings that lay under the boxes, and no resident ID or mobile number
//! unless a person confirmed it may stay; every string object and every content stream is
//! also searched for the numbers, which catches text a renderer never draws. A failure blocks
//! the release. The text extraction is `hayro`'s interpreter with a device that records each
//! glyph's Unicode value and box, so suggestion, burning and verification read one parse.
//! The label text is drawn with `ab_glyph` and the CJK serif the letters ship.
//!
//! A picture (a scan or a photo, JPEG or PNG) is one page with no text layer: a pixel is
//! [`IMAGE_POINTS_PER_PIXEL`] points (the 96-per-inch convention of screens), so boxes are given
//! in points as for a PDF. Its boxes are burned into its own pixels and it is written again in
//! its own format (nothing else of the original, no metadata, is carried over); the check is
//! that every box is black in the released pixels. Nothing is suggested on a picture: finding
//! numbers in pixels needs character recognition, which this module does not do.

use std::sync::Arc;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use hayro::hayro_interpret::font::Glyph;
use hayro::hayro_interpret::hayro_cmap::BfString;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, TransformExt, interpret_page,
};
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};
use kurbo::{Affine, BezPath, Rect};
use lopdf::{Object, Stream, dictionary};
use yishen_domain::redaction::{self, Finding, PersonalKind, RedactionBox};

/// The resolution of a released page: legible small print, a page of A4 about 1240 × 1754.
pub const RELEASE_DPI: f32 = 150.0;
/// The resolution of the page images the redaction screen shows.
pub const PREVIEW_DPI: f32 = 96.0;
const JPEG_QUALITY: u8 = 85;

/// The size of a picture's pixel in points: a picture is shown and boxed at 96 pixels per inch.
pub const IMAGE_POINTS_PER_PIXEL: f64 = 0.75;

/// What is redacted: a PDF, or a picture in its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Pdf,
    Image(image::ImageFormat),
}

impl Source {
    /// The kind of a stored document, when it can be redacted.
    pub fn of(media: yishen_domain::document::MediaType) -> Option<Self> {
        use yishen_domain::document::MediaType;
        match media {
            MediaType::Pdf => Some(Source::Pdf),
            MediaType::Jpeg => Some(Source::Image(image::ImageFormat::Jpeg)),
            MediaType::Png => Some(Source::Image(image::ImageFormat::Png)),
            _ => None,
        }
    }

    /// The pages' sizes in points.
    pub fn page_sizes(self, bytes: &[u8]) -> Result<Vec<(f64, f64)>, RedactError> {
        match self {
            Source::Pdf => page_sizes(bytes),
            Source::Image(f) => {
                let img = decode_image(bytes, f)?;
                Ok(vec![(
                    f64::from(img.width()) * IMAGE_POINTS_PER_PIXEL,
                    f64::from(img.height()) * IMAGE_POINTS_PER_PIXEL,
                )])
            }
        }
    }

    /// A page as a PNG for the screen (a picture at its own size).
    pub fn page_png(self, bytes: &[u8], page: u32, dpi: f32) -> Result<Vec<u8>, RedactError> {
        match self {
            Source::Pdf => page_png(bytes, page, dpi),
            Source::Image(f) => {
                if page != 1 {
                    return Err(RedactError::NoSuchPage(page));
                }
                let img = decode_image(bytes, f)?;
                let mut out = std::io::Cursor::new(Vec::new());
                img.write_to(&mut out, image::ImageFormat::Png)
                    .map_err(|e| RedactError::Build(e.to_string()))?;
                Ok(out.into_inner())
            }
        }
    }

    /// Suggested boxes: none on a picture (no text layer).
    pub fn suggest(self, bytes: &[u8], names: &[&str]) -> Result<Vec<Suggestion>, RedactError> {
        match self {
            Source::Pdf => suggest(bytes, names),
            Source::Image(_) => Ok(Vec::new()),
        }
    }

    /// Occurrences of a text: none on a picture.
    pub fn occurrences(self, bytes: &[u8], needle: &str) -> Result<Vec<(u32, Rect)>, RedactError> {
        match self {
            Source::Pdf => occurrences(bytes, needle),
            Source::Image(_) => Ok(Vec::new()),
        }
    }

    /// The released copy, burned and verified.
    pub fn release(
        self,
        bytes: &[u8],
        boxes: &[RedactionBox],
        confirmed: &[String],
    ) -> Result<Released, RedactError> {
        match self {
            Source::Pdf => release(bytes, boxes, confirmed),
            Source::Image(f) => release_image(bytes, f, boxes),
        }
    }
}

fn decode_image(bytes: &[u8], format: image::ImageFormat) -> Result<image::RgbImage, RedactError> {
    Ok(image::load_from_memory_with_format(bytes, format)
        .map_err(|_| RedactError::Unreadable)?
        .into_rgb8())
}

/// A picture with its boxes burned into its pixels, written again in its format, and checked:
/// every box's pixels black but for its label.
fn release_image(
    bytes: &[u8],
    format: image::ImageFormat,
    boxes: &[RedactionBox],
) -> Result<Released, RedactError> {
    if let Some(b) = boxes.iter().find(|b| b.page != 1) {
        return Err(RedactError::NoSuchPage(b.page));
    }
    let mut rgb = decode_image(bytes, format)?;
    let scale = 1.0 / IMAGE_POINTS_PER_PIXEL;
    for b in boxes {
        burn(&mut rgb, rect_of(b), scale, b.ground.label());
    }
    let mut out = Vec::new();
    match format {
        image::ImageFormat::Jpeg => {
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&rgb)
                .map_err(|e| RedactError::Build(e.to_string()))?;
        }
        _ => {
            let mut cursor = std::io::Cursor::new(Vec::new());
            rgb.write_to(&mut cursor, image::ImageFormat::Png)
                .map_err(|e| RedactError::Build(e.to_string()))?;
            out = cursor.into_inner();
        }
    }
    // From the released bytes alone: under each box, most pixels are black (the label's white
    // strokes take up to about a quarter of a box; a page of a scan is mostly light).
    let back = decode_image(&out, format)?;
    let mut survived = Vec::new();
    for (n, b) in boxes.iter().enumerate() {
        let r = rect_of(b);
        let px = |v: f64, max: u32| ((v * scale).round().max(0.0) as u32).min(max);
        let (x0, y0, x1, y1) = (
            px(r.x0, back.width()),
            px(r.y0, back.height()),
            px(r.x1, back.width()),
            px(r.y1, back.height()),
        );
        let (mut dark, mut all) = (0u64, 0u64);
        // The rim is left out: a JPEG blurs a box's edge into its neighbours.
        for y in (y0 + 1)..y1.saturating_sub(1) {
            for x in (x0 + 1)..x1.saturating_sub(1) {
                all += 1;
                let p = back.get_pixel(x, y).0;
                if u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 3 * 96 {
                    dark += 1;
                }
            }
        }
        if all > 0 && dark * 10 < all * 6 {
            survived.push(format!("第{}个遮盖框未能完全涂黑", n + 1));
        }
    }
    if !survived.is_empty() {
        return Err(RedactError::Survived(survived));
    }
    Ok(Released {
        bytes: out,
        pages_burned: vec![1],
    })
}

/// Why a file cannot be redacted or released.
#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    #[error("文件无法读取（已损坏或已加密）")]
    Unreadable,
    #[error("第{0}页不存在")]
    NoSuchPage(u32),
    /// Verification found what must not survive: each entry says where and what, never the
    /// text itself.
    #[error("遮盖后的文件仍含有应遮盖的内容：{}", .0.join("；"))]
    Survived(Vec<String>),
    #[error("生成遮盖后的文件失败：{0}")]
    Build(String),
}

/// One glyph's text and box, in points from the page's top-left as displayed.
#[derive(Debug, Clone)]
struct Positioned {
    text: String,
    bbox: Rect,
}

/// A page's text as one string (whitespace dropped) and the box of each of its chars.
#[derive(Debug, Default, Clone)]
pub struct PageText {
    pub chars: Vec<char>,
    pub boxes: Vec<Rect>,
}

impl PageText {
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }
}

/// Records the glyphs a page draws.
struct GlyphCollector {
    out: Vec<Positioned>,
}

impl<'a> Device<'a> for GlyphCollector {
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        let text = match glyph.as_unicode() {
            Some(BfString::Char(c)) => c.to_string(),
            Some(BfString::String(s)) => s,
            None => return,
        };
        let advance = match glyph {
            Glyph::Outline(o) => o.advance_width().unwrap_or(1000.0),
            Glyph::Type3(_) => 1000.0,
        } as f64;
        // Glyph space is 1/1000 of the text size: the advance across, descender to ascender.
        let bbox = (transform * glyph_transform).transform_rect_bbox(Rect::new(
            0.0,
            -200.0,
            advance.max(1.0),
            880.0,
        ));
        // Text filled and stroked arrives twice.
        if self
            .out
            .last()
            .is_some_and(|l| l.text == text && l.bbox == bbox)
        {
            return;
        }
        self.out.push(Positioned { text, bbox });
    }
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// The interpreter's settings: the standard fonts hayro embeds, and the letters' CJK serif for
/// any font a file names without embedding it (a CJK font most often).
fn settings() -> InterpreterSettings {
    let default = InterpreterSettings::default();
    let standard = default.font_resolver.clone();
    let serif: hayro::hayro_interpret::font::FontData = Arc::new(yishen_letters::serif_font());
    InterpreterSettings {
        font_resolver: Arc::new(move |q| {
            use hayro::hayro_interpret::font::FontQuery;
            match q {
                FontQuery::Fallback(f) if f.character_collection.is_some() => {
                    Some((serif.clone(), 0))
                }
                _ => standard(q),
            }
        }),
        ..default
    }
}

fn open(bytes: &[u8]) -> Result<Pdf, RedactError> {
    Pdf::new(bytes.to_vec()).map_err(|_| RedactError::Unreadable)
}

/// The number of pages and each page's size in points as displayed.
pub fn page_sizes(bytes: &[u8]) -> Result<Vec<(f64, f64)>, RedactError> {
    let pdf = open(bytes)?;
    Ok(pdf
        .pages()
        .iter()
        .map(|p| {
            let (w, h) = p.render_dimensions();
            (f64::from(w), f64::from(h))
        })
        .collect())
}

/// The text of every page with the box of each char.
pub fn text_of(bytes: &[u8]) -> Result<Vec<PageText>, RedactError> {
    let pdf = open(bytes)?;
    Ok(page_texts(&pdf))
}

fn page_texts(pdf: &Pdf) -> Vec<PageText> {
    let cache = InterpreterCache::new();
    let settings = settings();
    pdf.pages()
        .iter()
        .map(|page| {
            let (w, h) = page.render_dimensions();
            let mut ctx = Context::new(
                page.initial_transform(true).to_kurbo(),
                Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
                &cache,
                pdf.xref(),
                settings.clone(),
            );
            let mut device = GlyphCollector { out: Vec::new() };
            interpret_page(page, &mut ctx, &mut device);
            let mut t = PageText::default();
            for g in device.out {
                for c in g.text.chars().filter(|c| !c.is_whitespace()) {
                    t.chars.push(c);
                    t.boxes.push(g.bbox);
                }
            }
            t
        })
        .collect()
}

/// A proposed box over what looks like personal data.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub page: u32,
    pub bbox: Rect,
    pub kind: PersonalKind,
}

/// Boxes over every resident ID, mobile number and party name in the text layer.
pub fn suggest(bytes: &[u8], names: &[&str]) -> Result<Vec<Suggestion>, RedactError> {
    let texts = text_of(bytes)?;
    let mut out = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        for f in redaction::find_personal_data(&t.text(), names) {
            out.extend(boxes_of(t, &f).into_iter().map(|bbox| Suggestion {
                page: i as u32 + 1,
                bbox,
                kind: f.kind,
            }));
        }
    }
    Ok(out)
}

/// Boxes over every occurrence of `needle` (compared with widths folded, spaces ignored).
pub fn occurrences(bytes: &[u8], needle: &str) -> Result<Vec<(u32, Rect)>, RedactError> {
    let needle: Vec<char> = redaction::normalised(needle).chars().collect();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for (i, t) in text_of(bytes)?.iter().enumerate() {
        let folded: Vec<char> = t
            .chars
            .iter()
            .map(|c| {
                redaction::normalised(&c.to_string())
                    .chars()
                    .next()
                    .unwrap_or(*c)
            })
            .collect();
        let mut k = 0;
        while k + needle.len() <= folded.len() {
            if folded[k..k + needle.len()] == needle[..] {
                let f = Finding {
                    start: k,
                    end: k + needle.len(),
                    kind: PersonalKind::PartyName,
                };
                out.extend(boxes_of(t, &f).into_iter().map(|b| (i as u32 + 1, b)));
                k += needle.len();
            } else {
                k += 1;
            }
        }
    }
    Ok(out)
}

/// The boxes covering a finding's chars: one per line (a number can wrap), a little larger
/// than the glyphs so that no edge of a stroke shows.
fn boxes_of(t: &PageText, f: &Finding) -> Vec<Rect> {
    let mut lines: Vec<Rect> = Vec::new();
    for b in &t.boxes[f.start..f.end.min(t.boxes.len())] {
        match lines.last_mut() {
            Some(l) if (l.center().y - b.center().y).abs() < b.height().max(1.0) * 0.5 => {
                *l = l.union(*b)
            }
            _ => lines.push(*b),
        }
    }
    lines.into_iter().map(|r| r.inflate(1.5, 1.5)).collect()
}

/// A released file and what was verified of it.
#[derive(Debug)]
pub struct Released {
    pub bytes: Vec<u8>,
    /// The pages rasterised (1-based).
    pub pages_burned: Vec<u32>,
}

fn rect_of(b: &RedactionBox) -> Rect {
    Rect::new(b.x, b.y, b.x + b.width, b.y + b.height)
}

/// Burns `boxes` into `bytes`, rebuilds the file and verifies it; `confirmed` are numbers a
/// person confirmed may stay (their own, or a public telephone).
pub fn release(
    bytes: &[u8],
    boxes: &[RedactionBox],
    confirmed: &[String],
) -> Result<Released, RedactError> {
    let pdf = open(bytes)?;
    let pages = pdf.pages();
    if let Some(b) = boxes.iter().find(|b| b.page as usize > pages.len()) {
        return Err(RedactError::NoSuchPage(b.page));
    }
    // What lies under each box, to look for afterwards.
    let texts = page_texts(&pdf);
    let mut hidden: Vec<(u32, usize, String)> = Vec::new();
    for (n, b) in boxes.iter().enumerate() {
        let r = rect_of(b);
        if let Some(t) = texts.get(b.page as usize - 1) {
            let under: String = t
                .chars
                .iter()
                .zip(&t.boxes)
                .filter(|(_, g)| r.contains(g.center()))
                .map(|(c, _)| *c)
                .collect();
            let under = redaction::normalised(&under);
            if !under.is_empty() {
                hidden.push((b.page, n + 1, under));
            }
        }
    }
    let mut burned: Vec<u32> = boxes.iter().map(|b| b.page).collect();
    burned.sort_unstable();
    burned.dedup();
    let mut images = Vec::new();
    let cache = RenderCache::new();
    let settings = settings();
    let scale = RELEASE_DPI / 72.0;
    for &p in &burned {
        let page = &pages[p as usize - 1];
        let mut rgb = render_rgb(page, &cache, &settings, RELEASE_DPI)?;
        let (w, h) = rgb.dimensions();
        for b in boxes.iter().filter(|b| b.page == p) {
            burn(&mut rgb, rect_of(b), f64::from(scale), b.ground.label());
        }
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
            .encode_image(&rgb)
            .map_err(|e| RedactError::Build(e.to_string()))?;
        let (pw, ph) = page.render_dimensions();
        images.push(BurnedPage {
            page: p,
            jpeg,
            pixels: (w, h),
            points: (f64::from(pw), f64::from(ph)),
        });
    }
    let out = rebuild(bytes, images)?;
    verify(&out, &hidden, confirmed)?;
    Ok(Released {
        bytes: out,
        pages_burned: burned,
    })
}

/// A page rendered with its boxes burned in: its number, the JPEG, its size in pixels and
/// in points.
struct BurnedPage {
    page: u32,
    jpeg: Vec<u8>,
    pixels: (u32, u32),
    points: (f64, f64),
}

/// Fills `r` (points) black on the image and writes the ground's label inside in white.
fn burn(img: &mut image::RgbImage, r: Rect, scale: f64, label: &str) {
    let (iw, ih) = (img.width() as i64, img.height() as i64);
    let px = |v: f64, max: i64| ((v * scale).round() as i64).clamp(0, max);
    let (x0, y0, x1, y1) = (
        px(r.x0, iw),
        px(r.y0, ih),
        px(r.x1, iw).max(px(r.x0, iw) + 1).min(iw),
        px(r.y1, ih).max(px(r.y0, ih) + 1).min(ih),
    );
    for y in y0..y1 {
        for x in x0..x1 {
            img.put_pixel(x as u32, y as u32, image::Rgb([0, 0, 0]));
        }
    }
    // The label: the ground after "不予公开：", as large as fits in the box's height.
    let text = label.split_once('：').map_or(label, |(_, t)| t);
    let Ok(font) = FontRef::try_from_slice(yishen_letters::serif_font()) else {
        return;
    };
    let height = ((y1 - y0) as f32 * 0.7).clamp(6.0, 28.0);
    let scaled = font.as_scaled(PxScale::from(height));
    let mut caret = x0 as f32 + 2.0;
    let baseline = y0 as f32 + ((y1 - y0) as f32 + scaled.ascent() + scaled.descent()) / 2.0;
    for c in text.chars() {
        let mut glyph = scaled.scaled_glyph(c);
        let advance = scaled.h_advance(glyph.id);
        if caret + advance > x1 as f32 - 2.0 {
            break;
        }
        glyph.position = ab_glyph::point(caret, baseline);
        if let Some(outlined) = font.outline_glyph(glyph) {
            let b = outlined.px_bounds();
            outlined.draw(|gx, gy, cov| {
                let (x, y) = (b.min.x as i64 + gx as i64, b.min.y as i64 + gy as i64);
                if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                    let v = (cov.clamp(0.0, 1.0) * 255.0) as u8;
                    img.put_pixel(x as u32, y as u32, image::Rgb([v, v, v]));
                }
            });
        }
        caret += advance;
    }
}

/// The file with each page of `images` replaced by its image alone, and nothing outside the
/// pages kept.
fn rebuild(bytes: &[u8], images: Vec<BurnedPage>) -> Result<Vec<u8>, RedactError> {
    let build = |e: lopdf::Error| RedactError::Build(e.to_string());
    let mut doc = lopdf::Document::load_mem(bytes).map_err(|_| RedactError::Unreadable)?;
    let pages = doc.get_pages();
    for BurnedPage {
        page: p,
        jpeg,
        pixels: (w, h),
        points: (pw, ph),
    } in images
    {
        let page_id = *pages.get(&p).ok_or(RedactError::NoSuchPage(p))?;
        let image_id = doc.add_object(
            Stream::new(
                dictionary! {
                    "Type" => "XObject",
                    "Subtype" => "Image",
                    "Width" => i64::from(w),
                    "Height" => i64::from(h),
                    "ColorSpace" => "DeviceRGB",
                    "BitsPerComponent" => 8,
                    "Filter" => "DCTDecode",
                },
                jpeg,
            )
            .with_compression(false),
        );
        let ops = format!("q {pw:.3} 0 0 {ph:.3} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, ops.into_bytes()));
        let bx = || {
            Object::Array(vec![
                0.into(),
                0.into(),
                Object::Real(pw as f32),
                Object::Real(ph as f32),
            ])
        };
        let page = doc.get_dictionary_mut(page_id).map_err(build)?;
        page.set("MediaBox", bx());
        page.set("CropBox", bx());
        page.set("Rotate", 0i64);
        page.set("Contents", content_id);
        page.set(
            "Resources",
            dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        );
        for k in [
            "Annots",
            "BleedBox",
            "TrimBox",
            "ArtBox",
            "StructParents",
            "PieceInfo",
            "Thumb",
            "AA",
            "B",
            "Metadata",
        ] {
            page.remove(k.as_bytes());
        }
    }
    let catalog = doc.catalog_mut().map_err(build)?;
    for k in [
        "StructTreeRoot",
        "MarkInfo",
        "Outlines",
        "AcroForm",
        "Names",
        "OpenAction",
        "Metadata",
        "PieceInfo",
    ] {
        catalog.remove(k.as_bytes());
    }
    doc.trailer.remove(b"Info");
    doc.prune_objects();
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| build(e.into()))?;
    Ok(out)
}

/// Checks the released bytes: none of `hidden` in their text, no ID or mobile number but the
/// confirmed ones, and neither in any string object or content stream.
fn verify(
    bytes: &[u8],
    hidden: &[(u32, usize, String)],
    confirmed: &[String],
) -> Result<(), RedactError> {
    let texts = text_of(bytes)?;
    let all: String = texts
        .iter()
        .map(|t| redaction::normalised(&t.text()))
        .collect::<Vec<_>>()
        .join("\n");
    let mut survived = Vec::new();
    for (page, n, s) in hidden {
        if all.contains(s.as_str()) {
            survived.push(format!("第{page}页第{n}个遮盖框下的文字在文件中仍可读出"));
        }
    }
    let confirmed: Vec<String> = confirmed.iter().map(|c| redaction::normalised(c)).collect();
    for (i, t) in texts.iter().enumerate() {
        let text = t.text();
        let chars: Vec<char> = text.chars().collect();
        for f in redaction::find_personal_data(&text, &[]) {
            let found: String = chars[f.start..f.end].iter().collect();
            if !confirmed.contains(&redaction::normalised(&found)) {
                survived.push(format!(
                    "第{}页仍有{}未遮盖（如确需保留，请确认）",
                    i + 1,
                    f.kind.label()
                ));
            }
        }
    }
    // The numbers anywhere in the file's objects, drawn or not.
    let numbers: Vec<&str> = hidden
        .iter()
        .map(|(_, _, s)| s.as_str())
        .filter(|s| s.len() >= 6 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        .collect();
    if !numbers.is_empty() {
        let doc = lopdf::Document::load_mem(bytes).map_err(|_| RedactError::Unreadable)?;
        for obj in doc.objects.values() {
            let raw: Option<Vec<u8>> = match obj {
                Object::String(s, _) => Some(s.clone()),
                Object::Stream(s)
                    if s.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok())
                        != Some(b"Image".as_slice()) =>
                {
                    Some(
                        s.decompressed_content()
                            .unwrap_or_else(|_| s.content.clone()),
                    )
                }
                _ => None,
            };
            if let Some(raw) = raw {
                let text = String::from_utf8_lossy(&raw);
                if numbers.iter().any(|n| text.contains(n)) {
                    survived.push("文件的对象中仍含有遮盖框下的号码".into());
                    break;
                }
            }
        }
    }
    if survived.is_empty() {
        Ok(())
    } else {
        survived.dedup();
        Err(RedactError::Survived(survived))
    }
}

/// A page's pixels at `dpi` on white.
fn render_rgb<'a>(
    page: &'a hayro::hayro_syntax::page::Page<'a>,
    cache: &RenderCache<'a>,
    settings: &InterpreterSettings,
    dpi: f32,
) -> Result<image::RgbImage, RedactError> {
    let scale = dpi / 72.0;
    let pix = hayro::render(
        page,
        cache,
        settings,
        &RenderSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
            ..Default::default()
        },
    );
    let (w, h) = (u32::from(pix.width()), u32::from(pix.height()));
    let rgba = image::RgbaImage::from_raw(w, h, pix.data_as_u8_slice().to_vec())
        .ok_or_else(|| RedactError::Build("page image".into()))?;
    Ok(image::DynamicImage::ImageRgba8(rgba).into_rgb8())
}

/// A page as a PNG at `dpi`, for the redaction screen.
pub fn page_png(bytes: &[u8], page: u32, dpi: f32) -> Result<Vec<u8>, RedactError> {
    let pdf = open(bytes)?;
    let pages = pdf.pages();
    let p = pages
        .get((page as usize).wrapping_sub(1))
        .ok_or(RedactError::NoSuchPage(page))?;
    let rgb = render_rgb(p, &RenderCache::new(), &settings(), dpi)?;
    let mut out = std::io::Cursor::new(Vec::new());
    rgb.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| RedactError::Build(e.to_string()))?;
    Ok(out.into_inner())
}
