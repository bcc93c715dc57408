//! What an uploaded file really is, and whether it may be kept.
//!
//! The type is decided by the content, never by the name or the client's `Content-Type`: the
//! magic bytes for PDF, JPEG and PNG; for a ZIP container, the parts inside (`word/` is a
//! DOCX, `xl/` an XLSX, `OFD.xml` an OFD, GB/T 33190); UTF-8 without NUL bytes is plain text.
//! Anything else is refused. Then what could harm a reader or leak a person is dealt with:
//! a PDF carrying JavaScript, a launch action or embedded files is refused (every object is
//! walked, including those packed in object streams, by `lopdf`); an Office file with macros
//! is refused; JPEG and PNG images are decoded and encoded again, so that EXIF and other
//! metadata (GPS position, device) are gone, after turning the pixels as the EXIF orientation
//! said. Runs on a blocking thread.

use std::io::Read;
use std::path::Path;

use yishen_domain::document::MediaType;

/// Pixels a decoded image may allocate (a 100-megapixel RGBA image).
const IMAGE_ALLOC_LIMIT: u64 = 400 * 1024 * 1024;
/// JPEG quality of a re-encoded photo or scan: keeps small print legible.
const JPEG_QUALITY: u8 = 90;

/// Why an upload is refused; each says it in Chinese for the field `file`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("不支持的文件类型。可接受的类型：{0}（按文件内容判断，与文件名无关）")]
    UnknownType(String),
    #[error("文件为空")]
    Empty,
    #[error("PDF 文件含有{0}，为安全起见不予接收，请另存为不含此类内容的 PDF 后再上传")]
    PdfActiveContent(&'static str),
    #[error("PDF 文件已损坏或已加密，无法读取")]
    PdfUnreadable,
    #[error("Office 文件含有宏，为安全起见不予接收")]
    OfficeMacros,
    #[error("图片文件已损坏或尺寸过大，无法读取")]
    ImageUnreadable,
    #[error("文本文件应为 UTF-8 编码且不含二进制内容")]
    TextNotUtf8,
}

/// The result of an inspection: the type, and new bytes when the content had to be
/// rewritten (an image without its metadata).
#[derive(Debug)]
pub struct Inspected {
    pub media: MediaType,
    pub rewritten: Option<Vec<u8>>,
}

/// Inspects the file at `path`.
pub fn inspect(path: &Path) -> Result<Inspected, Rejection> {
    let mut head = [0u8; 8];
    let n = {
        let mut f = std::fs::File::open(path).map_err(|_| Rejection::Empty)?;
        read_up_to(&mut f, &mut head)
    };
    if n == 0 {
        return Err(Rejection::Empty);
    }
    let head = &head[..n];
    let keep = |media| {
        Ok(Inspected {
            media,
            rewritten: None,
        })
    };
    if head.starts_with(b"%PDF-") {
        check_pdf(path)?;
        return keep(MediaType::Pdf);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return reencode(path, image::ImageFormat::Jpeg, MediaType::Jpeg);
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return reencode(path, image::ImageFormat::Png, MediaType::Png);
    }
    if head.starts_with(b"PK\x03\x04") {
        return zip_kind(path).and_then(keep);
    }
    if is_text(path)? {
        return keep(MediaType::Txt);
    }
    Err(Rejection::UnknownType(MediaType::labels()))
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

/// Refuses a PDF with JavaScript, a launch action or embedded files anywhere in it.
fn check_pdf(path: &Path) -> Result<(), Rejection> {
    let doc = lopdf::Document::load(path).map_err(|_| Rejection::PdfUnreadable)?;
    if doc.is_encrypted() {
        return Err(Rejection::PdfUnreadable);
    }
    for object in doc.objects.values() {
        let dict = match object {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => &s.dict,
            _ => continue,
        };
        if let Some(found) = active_content(dict) {
            return Err(Rejection::PdfActiveContent(found));
        }
        // Actions are often direct dictionaries inside another (an /OpenAction or /AA).
        for (_, value) in dict.iter() {
            if let lopdf::Object::Dictionary(inner) = value
                && let Some(found) = active_content(inner)
            {
                return Err(Rejection::PdfActiveContent(found));
            }
        }
    }
    Ok(())
}

fn active_content(dict: &lopdf::Dictionary) -> Option<&'static str> {
    let name = |key: &[u8]| dict.get(key).ok().and_then(|o| o.as_name().ok());
    if dict.has(b"JS") || dict.has(b"JavaScript") || name(b"S") == Some(b"JavaScript") {
        return Some("JavaScript 脚本");
    }
    if name(b"S") == Some(b"Launch") {
        return Some("启动外部程序的动作");
    }
    if dict.has(b"EmbeddedFiles") || dict.has(b"EF") || name(b"Type") == Some(b"EmbeddedFile") {
        return Some("嵌入的附件");
    }
    None
}

/// DOCX, XLSX or OFD by the parts of the ZIP container.
fn zip_kind(path: &Path) -> Result<MediaType, Rejection> {
    let unknown = || Rejection::UnknownType(MediaType::labels());
    let file = std::fs::File::open(path).map_err(|_| unknown())?;
    let archive = zip::ZipArchive::new(file).map_err(|_| unknown())?;
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|_| unknown())?;
    if names
        .iter()
        .any(|n| n.to_ascii_lowercase().ends_with("vbaproject.bin"))
    {
        return Err(Rejection::OfficeMacros);
    }
    let has = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    if has("[Content_Types].xml") && has("word/document.xml") {
        Ok(MediaType::Docx)
    } else if has("[Content_Types].xml") && has("xl/workbook.xml") {
        Ok(MediaType::Xlsx)
    } else if has("OFD.xml") {
        Ok(MediaType::Ofd)
    } else {
        Err(unknown())
    }
}

/// UTF-8 (with or without a byte-order mark) and no NUL byte.
fn is_text(path: &Path) -> Result<bool, Rejection> {
    let bytes = std::fs::read(path).map_err(|_| Rejection::Empty)?;
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    Ok(!body.contains(&0) && std::str::from_utf8(body).is_ok())
}

/// Decodes and encodes the image again: what comes out is pixels only.
fn reencode(
    path: &Path,
    format: image::ImageFormat,
    media: MediaType,
) -> Result<Inspected, Rejection> {
    use image::ImageDecoder;
    let unreadable = |_| Rejection::ImageUnreadable;
    let mut reader = image::ImageReader::open(path).map_err(|_| Rejection::ImageUnreadable)?;
    reader.set_format(format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(IMAGE_ALLOC_LIMIT);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    img.apply_orientation(orientation);
    let mut out = std::io::Cursor::new(Vec::new());
    match format {
        image::ImageFormat::Jpeg => {
            let rgb = img.to_rgb8();
            let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            rgb.write_with_encoder(enc).map_err(unreadable)?;
        }
        _ => img
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(unreadable)?,
    }
    Ok(Inspected {
        media,
        rewritten: Some(out.into_inner()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;
    use std::io::Write;

    fn file(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp");
        f.write_all(bytes).expect("write");
        f
    }

    fn pdf_with(extra_catalog: &str) -> Vec<u8> {
        let mut doc = lopdf::Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        doc.objects.insert(
            pages_id,
            lopdf::Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            }),
        );
        let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        match extra_catalog {
            "js" => catalog.set(
                "OpenAction",
                dictionary! { "S" => "JavaScript", "JS" => lopdf::Object::string_literal("app.alert(1)") },
            ),
            "launch" => catalog.set(
                "OpenAction",
                dictionary! { "S" => "Launch", "F" => lopdf::Object::string_literal("calc.exe") },
            ),
            "embedded" => {
                let names = doc.add_object(dictionary! { "Names" => vec![] });
                catalog.set("Names", dictionary! { "EmbeddedFiles" => names });
            }
            _ => {}
        }
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    }

    #[test]
    fn the_content_decides_the_type_not_the_name() {
        assert_eq!(
            inspect(file(&pdf_with("")).path()).expect("pdf").media,
            MediaType::Pdf
        );
        assert_eq!(
            inspect(file("申请公开某文件。\n".as_bytes()).path())
                .expect("txt")
                .media,
            MediaType::Txt
        );
        assert!(matches!(
            inspect(file(b"MZ\x90\x00\x03\x00\x00\x00").path()),
            Err(Rejection::UnknownType(_))
        ));
        assert_eq!(inspect(file(b"").path()).unwrap_err(), Rejection::Empty);
    }

    #[test]
    fn active_pdf_content_is_refused() {
        for (kind, said) in [
            ("js", "JavaScript"),
            ("launch", "启动"),
            ("embedded", "嵌入"),
        ] {
            let e = inspect(file(&pdf_with(kind)).path()).unwrap_err();
            assert!(e.to_string().contains(said), "{kind}: {e}");
        }
    }

    #[test]
    fn images_come_out_without_their_metadata() {
        let img = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 10, 10]));
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png)
            .expect("png");
        // A tEXt chunk after IHDR carrying a place: it must not survive.
        let mut bytes = png.into_inner();
        let chunk_data = b"Comment\0GPS 30.27N 120.15E";
        let mut chunk = Vec::new();
        chunk.extend_from_slice(&(chunk_data.len() as u32).to_be_bytes());
        chunk.extend_from_slice(b"tEXt");
        chunk.extend_from_slice(chunk_data);
        let crc = crc32(&chunk[4..]);
        chunk.extend_from_slice(&crc.to_be_bytes());
        bytes.splice(33..33, chunk);
        assert!(bytes.windows(3).any(|w| w == b"GPS"));
        let out = inspect(file(&bytes).path()).expect("png");
        assert_eq!(out.media, MediaType::Png);
        let rewritten = out.rewritten.expect("rewritten");
        assert!(!rewritten.windows(3).any(|w| w == b"GPS"));
        let back = image::load_from_memory(&rewritten).expect("decodes");
        assert_eq!((back.width(), back.height()), (40, 30));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
