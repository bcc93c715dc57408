//! What an uploaded file really is, and whether it may be kept.
//!
//! The type is decided by the content, never by the name or the client's `Content-Type`: the
//! magic bytes for PDF, JPEG and PNG; for a ZIP container, the parts inside (`word/` is a
//! DOCX, `xl/` an XLSX, `OFD.xml` an OFD, GB/T 33190); UTF-8 without NUL bytes is plain text.
//! Anything else is refused. Then what could harm a reader or leak a person is dealt with:
//! a PDF carrying JavaScript, a launch action or embedded files is refused (every object is
//! walked lazily over a memory map, including those packed in object streams, by
//! `hayro-syntax`); an Office file with macros is refused; JPEG and PNG images are decoded and encoded again, so that EXIF and other
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
///
/// The file is mapped, not read: `hayro-syntax` parses each object lazily from the mapped
/// bytes, so a 200 MB upload costs its page cache (reclaimable, shared with the blob store's
/// copy) and the decoded object streams, not a second copy of the file in the heap.
fn check_pdf(path: &Path) -> Result<(), Rejection> {
    use hayro::hayro_syntax::Pdf;
    let mapped = map_upload(path).map_err(|_| Rejection::PdfUnreadable)?;
    // A document that is not encrypted ignores the password; an encrypted one (even one that
    // opens without a password) fails with a password nobody uses, and is refused as before:
    // the redaction rebuilds pages with lopdf, which does not decrypt.
    let pdf = Pdf::new_with_password(std::sync::Arc::new(mapped), "\u{1}yishen-probe")
        .map_err(|_| Rejection::PdfUnreadable)?;
    for object in pdf.objects() {
        if let Some(found) = active_in(&object, 0) {
            return Err(Rejection::PdfActiveContent(found));
        }
    }
    Ok(())
}

/// How deep direct dictionaries and arrays are followed inside one object. Indirect objects
/// are each walked by `check_pdf` itself; this bounds a hostile nesting.
const NESTING_LIMIT: usize = 32;

/// Active content in an object or in any dictionary written directly inside it (an action
/// is often a direct dictionary in an /OpenAction, an annotation's /A or an /AA entry).
fn active_in(
    object: &hayro::hayro_syntax::object::Object<'_>,
    depth: usize,
) -> Option<&'static str> {
    use hayro::hayro_syntax::object::{MaybeRef, Object};
    if depth > NESTING_LIMIT {
        return Some("嵌套过深的结构");
    }
    let dict = match object {
        Object::Dict(d) => d.clone(),
        Object::Stream(s) => s.dict().clone(),
        Object::Array(a) => {
            return a.raw_iter().find_map(|item| match item {
                MaybeRef::NotRef(inner) => active_in(&inner, depth + 1),
                MaybeRef::Ref(_) => None,
            });
        }
        _ => return None,
    };
    if let Some(found) = active_content(&dict) {
        return Some(found);
    }
    dict.entries().find_map(|(_, value)| match value {
        MaybeRef::NotRef(inner) => active_in(&inner, depth + 1),
        MaybeRef::Ref(_) => None,
    })
}

fn active_content(dict: &hayro::hayro_syntax::object::Dict<'_>) -> Option<&'static str> {
    use hayro::hayro_syntax::object::Name;
    let name = |key: &[u8]| dict.get::<Name<'_>>(key);
    let is = |key: &[u8], value: &[u8]| name(key).is_some_and(|n| &*n == value);
    if dict.contains_key(b"JS") || dict.contains_key(b"JavaScript") || is(b"S", b"JavaScript") {
        return Some("JavaScript 脚本");
    }
    if is(b"S", b"Launch") {
        return Some("启动外部程序的动作");
    }
    if dict.contains_key(b"EmbeddedFiles")
        || dict.contains_key(b"EF")
        || is(b"Type", b"EmbeddedFile")
    {
        return Some("嵌入的附件");
    }
    None
}

/// Maps an upload's temporary file read-only.
///
/// The one `unsafe` of the workspace (allowed here only; `.ci/run` checks that no other
/// module allows it). A mapping is undefined behaviour if the file changes while mapped.
/// The file is this process's own temporary upload under the data dir's `uploads/`, created
/// with a fresh random name, written completely and closed before the check, and removed or
/// moved only after the check returns: nothing writes it while the map lives.
#[allow(unsafe_code)]
fn map_upload(path: &Path) -> std::io::Result<memmap2::Mmap> {
    let file = std::fs::File::open(path)?;
    // SAFETY: see above; the file is private to this upload and not written while mapped.
    unsafe { memmap2::Mmap::map(&file) }
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
            // Two direct dictionaries deep: the page-open trigger of the catalog's /AA.
            "nested" => catalog.set(
                "AA",
                dictionary! { "O" => dictionary! { "S" => "JavaScript", "JS" => lopdf::Object::string_literal("x") } },
            ),
            _ => {}
        }
        let catalog_id = doc.add_object(catalog);
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        // Object streams: the catalog and its actions are packed and compressed.
        doc.save_modern(&mut out).expect("save");
        out
    }

    /// A PDF written by hand: the action's key spelled with a `#xx` escape, inside an array
    /// of a page's annotations.
    fn escaped_pdf() -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /J#61vaScript /J#53 (x) >> >>] >>",
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
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
            ("nested", "JavaScript"),
        ] {
            let e = inspect(file(&pdf_with(kind)).path()).unwrap_err();
            assert!(e.to_string().contains(said), "{kind}: {e}");
        }
        let e = inspect(file(&escaped_pdf()).path()).unwrap_err();
        assert!(e.to_string().contains("JavaScript"), "escaped: {e}");
        // The same file without the action is a plain PDF: the walk found the action itself.
        let plain = String::from_utf8(escaped_pdf()).expect("ascii").replace(
            "/S /J#61vaScript /J#53 (x)",
            &format!("{:<26}", "/S /URI /URI (x)"),
        );
        assert_eq!(
            inspect(file(plain.as_bytes()).path()).expect("plain").media,
            MediaType::Pdf
        );
    }

    #[test]
    fn an_encrypted_pdf_is_refused_even_when_it_opens_without_a_password() {
        let mut doc = lopdf::Document::load_mem(&pdf_with("")).expect("load");
        doc.trailer.set(
            "ID",
            lopdf::Object::Array(vec![
                lopdf::Object::string_literal(vec![1u8; 16]),
                lopdf::Object::string_literal(vec![2u8; 16]),
            ]),
        );
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: "",
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .expect("state");
        doc.encrypt(&state).expect("encrypt");
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        assert_eq!(
            inspect(file(&out).path()).unwrap_err(),
            Rejection::PdfUnreadable
        );
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
