//! Reading a `multipart/form-data` upload (an API client's or a browser form's) with
//! `actix-multipart`: one file field, read up to a limit, and short text fields.
//!
//! The limit is checked while the file arrives, so an oversized upload is refused (413,
//! naming the field and the limit) without being read to its end; text fields are capped at
//! [`MAX_TEXT`] bytes and must be UTF-8. Anything else is a 422 naming the field.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::TryStreamExt;

use crate::error::{ApiError, FieldIssue};

/// The longest text field accepted, in bytes.
pub const MAX_TEXT: usize = 4096;

/// An uploaded file.
#[derive(Debug)]
pub struct UploadedFile {
    /// The name the client gave, as sent (clean it before showing or storing it).
    pub name: Option<String>,
    pub bytes: Vec<u8>,
}

/// A read form: the file (if sent) and the text fields.
#[derive(Debug, Default)]
pub struct Form {
    pub file: Option<UploadedFile>,
    pub texts: HashMap<String, String>,
}

impl Form {
    /// A text field, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        text_of(&self.texts, name)
    }
}

fn bad(field: &str, message: &str) -> ApiError {
    ApiError::Validation(vec![FieldIssue::new(field, "invalid", message)])
}

fn text_of<'a>(texts: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    texts.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// The next part of the form; a broken form is a 422 naming `file_field`.
async fn next_field(
    payload: &mut Multipart,
    file_field: &str,
) -> Result<Option<actix_multipart::Field>, ApiError> {
    payload.try_next().await.map_err(|_| {
        bad(
            file_field,
            "上传的表单格式不正确（应为 multipart/form-data）",
        )
    })
}

/// The file name the client sent with a file part, as sent.
fn client_file_name(field: &actix_multipart::Field) -> Option<String> {
    field
        .content_disposition()
        .and_then(|cd| cd.get_filename())
        .map(str::to_owned)
}

/// A text field's value: at most [`MAX_TEXT`] bytes of UTF-8.
async fn read_text(field: &mut actix_multipart::Field, name: &str) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field
        .try_next()
        .await
        .map_err(|_| bad(name, "表单字段未能完整上传，请重试"))?
    {
        if bytes.len() + chunk.len() > MAX_TEXT {
            return Err(bad(name, "字段内容过长"));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| bad(name, "字段须为 UTF-8 文本"))
}

/// Reads the whole form; `file_field` is the name of the file part, read up to `limit` bytes.
pub async fn read(
    mut payload: Multipart,
    file_field: &str,
    limit: usize,
) -> Result<Form, ApiError> {
    let mut form = Form::default();
    while let Some(mut field) = next_field(&mut payload, file_field).await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let file_name = client_file_name(&field);
            let mut bytes = Vec::new();
            while let Some(chunk) = field
                .try_next()
                .await
                .map_err(|_| bad(file_field, "文件未能完整上传，请重试"))?
            {
                if bytes.len() + chunk.len() > limit {
                    return Err(ApiError::UploadTooLarge {
                        field: file_field.to_owned(),
                        limit,
                    });
                }
                bytes.extend_from_slice(&chunk);
            }
            form.file = Some(UploadedFile {
                name: file_name,
                bytes,
            });
        } else {
            let text = read_text(&mut field, &name).await?;
            form.texts.insert(name, text);
        }
    }
    Ok(form)
}

/// A form whose file went to disk: the file (if sent) and the text fields.
#[derive(Debug, Default)]
pub struct DiskForm {
    pub file: Option<yishen_app::services::documents::Received>,
    pub texts: HashMap<String, String>,
}

impl DiskForm {
    /// A text field, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        text_of(&self.texts, name)
    }
}

/// Reads the form with its file streamed into a temporary file under `dir`, hashed (SHA-256)
/// and counted on the way, so that a large upload never sits in memory. `limit` gives the
/// largest file accepted from the text fields read before the file (a document's purpose
/// decides its limit); the upload is refused (413) as soon as it passes it, and the partial
/// file is removed.
pub async fn read_to_disk(
    mut payload: Multipart,
    file_field: &str,
    dir: &std::path::Path,
    limit: impl Fn(&HashMap<String, String>) -> u64,
) -> Result<DiskForm, ApiError> {
    use sha2::{Digest, Sha256};
    use tokio::io::AsyncWriteExt;

    let mut form = DiskForm::default();
    let internal =
        |e: std::io::Error| ApiError::from(yishen_app::error::AppError::Internal(e.into()));
    while let Some(mut field) = next_field(&mut payload, file_field).await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            let file_name = client_file_name(&field);
            let max = limit(&form.texts);
            tokio::fs::create_dir_all(dir).await.map_err(internal)?;
            let temp = tempfile::NamedTempFile::new_in(dir).map_err(internal)?;
            let (file, path) = temp.into_parts();
            let mut out = tokio::fs::File::from_std(file);
            let mut hasher = Sha256::new();
            let mut size: u64 = 0;
            while let Some(chunk) = field
                .try_next()
                .await
                .map_err(|_| bad(file_field, "文件未能完整上传，请重试"))?
            {
                size += chunk.len() as u64;
                if size > max {
                    return Err(ApiError::UploadTooLarge {
                        field: file_field.to_owned(),
                        limit: usize::try_from(max).unwrap_or(usize::MAX),
                    });
                }
                hasher.update(&chunk);
                out.write_all(&chunk).await.map_err(internal)?;
            }
            out.flush().await.map_err(internal)?;
            drop(out);
            form.file = Some(yishen_app::services::documents::Received {
                path,
                size,
                sha256: hex::encode(hasher.finalize()),
                name: file_name,
            });
        } else {
            let text = read_text(&mut field, &name).await?;
            form.texts.insert(name, text);
        }
    }
    Ok(form)
}
