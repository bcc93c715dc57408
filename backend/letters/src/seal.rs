//! An agency's seal (印章) as an image to press on its issued letters (GB/T 9704-2012
//! 7.3.5.1; letters.md §1.3 "Seal").
//!
//! The agency administrator uploads a PNG with a transparent background; [`Seal::from_png`]
//! checks it and keeps it ready to draw: decoded with the `image` crate, scaled to
//! [`PRINT_DPI`] at the printed size (a large scan would otherwise be compressed again into
//! every letter), as 8-bit RGBA whose alpha becomes the PDF image's soft mask, so the text
//! under the seal shows through as under a real stamp.
//!
//! The checks are what makes a seal usable on a letter, not a judgement of its authenticity:
//! a real PNG, a transparent background (an opaque rectangle would hide the signature and the
//! date it presses on), something visible (7.3.5.1: 不得出现空白印章), and red (7.3.5.1: 印章用
//! 红色). The standard fixes neither the size nor the colour values (letters.md §1.3), so the
//! printed diameter is the administrator's setting, within [`DIAMETER_MM`], and "red" is a
//! broad test: most visible pixels have a red channel well above green and blue.

use std::ops::RangeInclusive;

/// The printed width of the seal, in millimetres, that an administrator may set.
pub const DIAMETER_MM: RangeInclusive<u32> = 20..=60;
/// The side of the uploaded image, in pixels, that is accepted: below it a printed seal
/// looks coarse; above it the file is a raw scan that should be cropped first.
pub const SIDE_PX: RangeInclusive<u32> = 200..=4000;
/// The resolution the seal is kept at for printing.
pub const PRINT_DPI: f32 = 300.0;

/// Why an uploaded seal image cannot be used; [`SealError::chinese`] says it to the
/// administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("not a PNG file")]
    NotPng,
    #[error("the PNG cannot be decoded: {0}")]
    Unreadable(String),
    #[error("the image is {width}×{height} px, outside {min}–{max} px")]
    Size {
        width: u32,
        height: u32,
        min: u32,
        max: u32,
    },
    #[error("the image has no transparency")]
    Opaque,
    #[error("the image is blank")]
    Blank,
    #[error("the image is not red")]
    NotRed,
    #[error("the diameter {0} mm is outside the accepted range")]
    Diameter(u32),
}

impl SealError {
    /// The refusal in Simplified Chinese.
    pub fn chinese(&self) -> String {
        match self {
            Self::NotPng => "印章图像须为 PNG 文件".to_owned(),
            Self::Unreadable(_) => "PNG 文件已损坏，无法读取".to_owned(),
            Self::Size {
                width,
                height,
                min,
                max,
            } => format!(
                "印章图像为 {width}×{height} 像素，每边须在 {min} 至 {max} 像素之间（请用清晰的扫描件并裁去印章以外的空白）"
            ),
            Self::Opaque => {
                "印章图像须为透明背景的 PNG：背景不透明会遮住发文机关署名和成文日期".to_owned()
            }
            Self::Blank => {
                "印章图像是空白的（GB/T 9704—2012 第7.3.5.1条：不得出现空白印章）".to_owned()
            }
            Self::NotRed => "印章须为红色（GB/T 9704—2012 第7.3.5.1条：印章用红色）".to_owned(),
            Self::Diameter(mm) => format!(
                "印章直径 {mm} 毫米不在 {} 至 {} 毫米之间",
                DIAMETER_MM.start(),
                DIAMETER_MM.end()
            ),
        }
    }
}

/// A checked seal, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    /// RGBA, 8 bits per channel, rows from the top.
    pub(crate) rgba: Vec<u8>,
    pub(crate) width_px: u32,
    pub(crate) height_px: u32,
    /// The printed width; the height follows the image's proportions.
    diameter_mm: u32,
}

const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Fully transparent enough to be background.
const CLEAR: u8 = 16;
/// Opaque enough to be ink.
const INK: u8 = 128;

fn is_red(px: &[u8]) -> bool {
    let (r, g, b) = (i32::from(px[0]), i32::from(px[1]), i32::from(px[2]));
    r >= 120 && r - g >= 60 && r - b >= 60
}

/// The image as one ink: every pixel takes the seal's mean ink colour, and how much ink it
/// holds moves into its alpha (a light pixel of a scan is little ink, as on paper). A stamp is
/// one colour, so nothing visible is lost, and the colour plane becomes a single repeated
/// value that compresses in a fraction of the time a scan's noise would take: the seal is
/// compressed anew into every letter issued.
fn as_ink(mut rgba: Vec<u8>) -> Vec<u8> {
    let (mut sum, mut n) = ([0u64; 3], 0u64);
    for p in rgba.chunks_exact(4).filter(|p| p[3] >= INK && is_red(p)) {
        for (s, c) in sum.iter_mut().zip(p) {
            *s += u64::from(*c);
        }
        n += 1;
    }
    let n = n.max(1);
    let ink = sum.map(|s| u8::try_from(s / n).unwrap_or(u8::MAX));
    // Green and blue are what red ink takes away from white paper.
    let depth = 510.0 - f32::from(ink[1]) - f32::from(ink[2]);
    for p in rgba.chunks_exact_mut(4) {
        let taken = 510.0 - f32::from(p[1]) - f32::from(p[2]);
        let amount = if depth > 0.0 {
            (taken / depth).clamp(0.0, 1.0)
        } else {
            1.0
        };
        let alpha = (f32::from(p[3]) * amount).round() as u8;
        p.copy_from_slice(&[ink[0], ink[1], ink[2], alpha]);
    }
    rgba
}

impl Seal {
    /// Checks an uploaded PNG and prepares it to print `diameter_mm` wide.
    pub fn from_png(bytes: &[u8], diameter_mm: u32) -> Result<Self, SealError> {
        if !DIAMETER_MM.contains(&diameter_mm) {
            return Err(SealError::Diameter(diameter_mm));
        }
        if !bytes.starts_with(PNG_MAGIC) {
            return Err(SealError::NotPng);
        }
        let image = image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
            .map_err(|e| SealError::Unreadable(e.to_string()))?;
        let (width, height) = (image.width(), image.height());
        if !SIDE_PX.contains(&width) || !SIDE_PX.contains(&height) {
            return Err(SealError::Size {
                width,
                height,
                min: *SIDE_PX.start(),
                max: *SIDE_PX.end(),
            });
        }
        // The decoder expands a tRNS chunk into an alpha channel, so a palette or RGB image
        // with a transparent colour counts as transparent too.
        if !image.color().has_alpha() {
            return Err(SealError::Opaque);
        }
        let rgba = image.to_rgba8();
        let pixels = rgba.as_raw().chunks_exact(4);
        let total = pixels.len().max(1);
        let clear = pixels.clone().filter(|p| p[3] < CLEAR).count();
        let ink: Vec<&[u8]> = pixels.filter(|p| p[3] >= INK).collect();
        // A round seal leaves its corners clear: more than a fifth of the square.
        if clear * 5 < total {
            return Err(SealError::Opaque);
        }
        if ink.len() * 100 < total {
            return Err(SealError::Blank);
        }
        let red = ink.iter().filter(|p| is_red(p)).count();
        if red * 100 < ink.len() * 80 {
            return Err(SealError::NotRed);
        }
        // Kept at 300 dpi of its printed size (never enlarged).
        let target_w = (diameter_mm as f32 / 25.4 * PRINT_DPI).round() as u32;
        let rgba = if width > target_w {
            let target_h = ((height as f32) * target_w as f32 / width as f32)
                .round()
                .max(1.0) as u32;
            image::imageops::resize(
                &rgba,
                target_w,
                target_h,
                image::imageops::FilterType::Triangle,
            )
        } else {
            rgba
        };
        Ok(Seal {
            width_px: rgba.width(),
            height_px: rgba.height(),
            rgba: as_ink(rgba.into_raw()),
            diameter_mm,
        })
    }

    /// The printed size in points (width, height).
    pub(crate) fn size_pt(&self) -> (f32, f32) {
        let w = self.diameter_mm as f32 * 72.0 / 25.4;
        (w, w * self.height_px as f32 / self.width_px.max(1) as f32)
    }

    /// The printed width in millimetres.
    pub fn diameter_mm(&self) -> u32 {
        self.diameter_mm
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A red ring with a star-less centre on a clear background, `side` px square, as a
    /// PNG; `background` is the alpha of what lies outside the ring.
    pub(crate) fn ring_png(side: u32, ink: [u8; 3], background: u8) -> Vec<u8> {
        let c = side as f32 / 2.0;
        let img = image::RgbaImage::from_fn(side, side, |x, y| {
            let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
            if (d > c * 0.80 && d < c * 0.95) || d < c * 0.2 {
                image::Rgba([ink[0], ink[1], ink[2], 255])
            } else {
                image::Rgba([255, 255, 255, background])
            }
        });
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("encodes");
        out.into_inner()
    }

    #[test]
    fn a_red_seal_on_a_clear_ground_is_accepted_and_kept_at_print_resolution() {
        let seal = Seal::from_png(&ring_png(1200, [220, 30, 30], 0), 42).expect("accepted");
        // 42 mm at 300 dpi.
        assert_eq!(seal.width_px, 496);
        assert_eq!(seal.rgba.len(), 496 * 496 * 4);
        let (w, h) = seal.size_pt();
        assert!((w - 119.06).abs() < 0.1 && (h - w).abs() < 0.01);
        // A small image is not enlarged.
        assert_eq!(
            Seal::from_png(&ring_png(300, [220, 30, 30], 0), 42)
                .expect("accepted")
                .width_px,
            300
        );
    }

    #[test]
    fn unusable_images_are_refused_with_the_reason() {
        assert_eq!(Seal::from_png(b"GIF89a", 42), Err(SealError::NotPng));
        assert!(matches!(
            Seal::from_png(b"\x89PNG\r\n\x1a\nbroken", 42),
            Err(SealError::Unreadable(_))
        ));
        assert!(matches!(
            Seal::from_png(&ring_png(100, [220, 30, 30], 0), 42),
            Err(SealError::Size { width: 100, .. })
        ));
        assert_eq!(
            Seal::from_png(&ring_png(400, [220, 30, 30], 255), 42),
            Err(SealError::Opaque)
        );
        assert_eq!(
            Seal::from_png(&ring_png(400, [20, 20, 200], 0), 42),
            Err(SealError::NotRed)
        );
        assert_eq!(
            Seal::from_png(&ring_png(400, [220, 30, 30], 0), 80),
            Err(SealError::Diameter(80))
        );
        // Every message is Chinese.
        for e in [
            SealError::NotPng,
            SealError::Opaque,
            SealError::Blank,
            SealError::NotRed,
        ] {
            assert!(!e.chinese().is_ascii());
        }
    }

    #[test]
    fn a_blank_image_is_refused() {
        let img = image::RgbaImage::from_pixel(400, 400, image::Rgba([255, 0, 0, 0]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("encodes");
        assert_eq!(Seal::from_png(&out.into_inner(), 42), Err(SealError::Blank));
    }

    #[test]
    fn an_opaque_rgb_png_is_refused() {
        let img = image::RgbImage::from_pixel(400, 400, image::Rgb([220, 30, 30]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("encodes");
        assert_eq!(
            Seal::from_png(&out.into_inner(), 42),
            Err(SealError::Opaque)
        );
    }
}
