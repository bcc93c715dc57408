//! The blob store: documents' contents, addressed by their SHA-256, one copy per content.
//!
//! It is the `object_store` crate, so the same code writes to a folder under the data dir
//! (the default, one instance) or to an S3-compatible store (MinIO, Ceph RGW, a cloud object
//! store's S3 interface) that several instances share. A content's key is
//! `sha256/ab/abcdef…`: the first two hex digits spread the keys. Writing the same content
//! twice stores it once; a key never changes meaning, so a reader never sees a half-written
//! or replaced object. Files are streamed in parts, never held whole in memory.
//!
//! Removal (`yishen documents purge`) takes only contents no record names and older than a
//! grace period; every write renews a content's time, so an upload whose row is not yet
//! written is never removed under it.

use std::path::Path as FsPath;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, WriteMultipart};
use tokio::io::AsyncReadExt;

/// The part size of a streamed write (S3 wants at least 5 MiB per part but the last).
const PART: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error(
        "blob store URL `{0}` not understood (expected a folder, file:///…, or s3://bucket/prefix)"
    )]
    Url(String),
    #[error(transparent)]
    Store(#[from] object_store::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("stored content {0} is missing")]
    Missing(String),
}

impl From<BlobError> for crate::error::AppError {
    fn from(e: BlobError) -> Self {
        crate::error::AppError::Internal(e.into())
    }
}

/// Where documents' contents are kept.
#[derive(Clone, Debug)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    /// For logs and `/readyz`: `folder` or `s3`.
    kind: &'static str,
}

impl Blobs {
    /// The store the settings name (`Settings::blob_url`, `None`: `blobs/` under the data
    /// dir; an S3 store configured by `Settings::blob_options`).
    pub fn open(settings: &crate::settings::Settings) -> Result<Self, BlobError> {
        let url = settings.blob_url.as_deref();
        let data_dir = settings.data_dir.as_path();
        match url {
            None => Self::folder(&data_dir.join("blobs")),
            Some(u) if u.starts_with("s3://") => {
                let rest = &u["s3://".len()..];
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(BlobError::Url(u.to_owned()));
                }
                let mut builder = object_store::aws::AmazonS3Builder::new();
                for (key, value) in &settings.blob_options {
                    let key: object_store::aws::AmazonS3ConfigKey =
                        key.parse().map_err(|_| BlobError::Url(key.clone()))?;
                    builder = builder.with_config(key, value.expose());
                }
                let s3 = builder.with_bucket_name(bucket).build()?;
                let prefix = prefix.trim_matches('/');
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
                };
                Ok(Self { store, kind: "s3" })
            }
            Some(u) if u.starts_with("file://") => Self::folder(FsPath::new(&u["file://".len()..])),
            Some(u) if !u.contains("://") => Self::folder(FsPath::new(u)),
            Some(u) => Err(BlobError::Url(u.to_owned())),
        }
    }

    fn folder(dir: &FsPath) -> Result<Self, BlobError> {
        std::fs::create_dir_all(dir)?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)?
            .with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(fs),
            kind: "folder",
        })
    }

    pub fn kind(&self) -> &'static str {
        self.kind
    }

    fn key(sha256: &str) -> Path {
        let fan = sha256.get(..2).unwrap_or("00");
        Path::from(format!("sha256/{fan}/{sha256}"))
    }

    /// Whether the content is stored.
    pub async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        match self.store.head(&Self::key(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores the file's content under `sha256` (which the caller computed while receiving
    /// it), streamed in parts. Content already stored is written again, the same bytes under
    /// the same key: that renews its time, which the purge's grace period counts from, so a
    /// content being uploaded again is never removed between its write and its row.
    pub async fn put_file(&self, sha256: &str, file: &FsPath) -> Result<(), BlobError> {
        let upload = self.store.put_multipart(&Self::key(sha256)).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut f = tokio::fs::File::open(file).await?;
        let mut buf = vec![0u8; 1024 * 1024];
        loop {
            let n = match f.read(&mut buf).await {
                Ok(n) => n,
                Err(e) => {
                    writer.abort().await?;
                    return Err(e.into());
                }
            };
            if n == 0 {
                break;
            }
            writer.wait_for_capacity(2).await?;
            writer.write(&buf[..n]);
        }
        writer.finish().await?;
        Ok(())
    }

    /// Stores bytes already in memory (a rendered letter, a re-encoded image) under `sha256`
    /// (written again when already there, as [`Self::put_file`]).
    pub async fn put_bytes(&self, sha256: &str, bytes: Vec<u8>) -> Result<(), BlobError> {
        self.store
            .put(&Self::key(sha256), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The content as a stream of chunks.
    pub async fn stream(
        &self,
        sha256: &str,
    ) -> Result<BoxStream<'static, Result<Bytes, BlobError>>, BlobError> {
        match self.store.get(&Self::key(sha256)).await {
            Ok(got) => Ok(got.into_stream().map_err(BlobError::from).boxed()),
            Err(object_store::Error::NotFound { .. }) => Err(BlobError::Missing(sha256.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// The whole content (for what is read in full anyway: a page to redact, a ZIP entry).
    pub async fn read(&self, sha256: &str) -> Result<Bytes, BlobError> {
        match self.store.get(&Self::key(sha256)).await {
            Ok(got) => Ok(got.bytes().await?),
            Err(object_store::Error::NotFound { .. }) => Err(BlobError::Missing(sha256.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the content (the caller has checked that no record needs it).
    pub async fn delete(&self, sha256: &str) -> Result<(), BlobError> {
        match self.store.delete(&Self::key(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The hashes of the contents stored before `cutoff` (for `yishen documents purge`).
    pub async fn list_older_than(
        &self,
        cutoff: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<String>, BlobError> {
        let prefix = Path::from("sha256");
        let metas: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(metas
            .into_iter()
            .filter(|m| m.last_modified < cutoff)
            .filter_map(|m| m.location.filename().map(str::to_owned))
            .collect())
    }
}
