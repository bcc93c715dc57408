//! `yishen backup` and `yishen restore`: a consistent copy of the database (SQLite; PostgreSQL
//! is copied with its own tools) and of every stored content (documents, letters' PDFs),
//! with a manifest of sizes and SHA-256 hashes that a restore checks before it writes anything.
//!
//! The SQLite copy is `VACUUM INTO` (`store::copy_sqlite`) rather than the online backup API:
//! both give a consistent snapshot while the service keeps serving, and `VACUUM INTO` is one
//! statement through the connection the store already has. The keys (`data.key`, `jwt.secret`)
//! are never in a backup: a backup that carried them would hand whoever holds it every
//! applicant's personal data. They are kept apart (docs/security.md).

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::blobs::Blobs;
use crate::ctx::Ctx;
use crate::error::AppError;

/// The manifest's file name in a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The database copy's file name in a backup folder.
pub const DATABASE: &str = "yishen.sqlite3";
/// What a backup says about the keys, in Chinese (printed and kept in the manifest).
pub const KEYS_NOTE: &str = "备份不含密钥文件 data.key 和 jwt.secret（或环境变量 YISHEN_DATA_KEY、YISHEN_JWT_SECRET 的值）。没有 data.key，备份中申请人的身份证件号码、电话、地址等加密信息无法解密。请将密钥另行保存在离线介质或密钥管理系统中，与备份分开存放、分别授权；恢复时先将密钥放回数据目录（或设置相应环境变量），再启动服务。";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the backup folder.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: String,
    /// `sqlite`, or `postgres` (then `database` is absent: copied with PostgreSQL's tools).
    pub backend: String,
    pub database: Option<Entry>,
    pub blobs: Vec<Entry>,
    pub keys: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("备份目录 {0} 已存在且不为空，请指定一个新的目录")]
    OutputNotEmpty(PathBuf),
    #[error("备份目录 {0} 中没有 manifest.json，不是 yishen 的备份")]
    NoManifest(PathBuf),
    #[error("备份已损坏：{path} {why}")]
    Corrupt { path: String, why: String },
    #[error("数据目录 {0} 中已有数据库或材料文件；确认要覆盖时请加 --force")]
    TargetNotEmpty(PathBuf),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    App(#[from] AppError),
}

fn io(e: impl Into<std::io::Error>) -> BackupError {
    BackupError::Io(e.into())
}

async fn hash_file(path: &Path) -> Result<(u64, String), std::io::Error> {
    use tokio::io::AsyncReadExt;
    let mut f = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1024 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// A backup's files hold what the database holds: readable by their owner alone.
fn owner_only(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn is_empty_dir(dir: &Path) -> std::io::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut it) => Ok(it.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub manifest: Manifest,
    pub bytes: u64,
}

/// Copies the database and every stored content into `out` (new or empty), then writes the
/// manifest last: a folder without one is an unfinished backup.
pub async fn backup(state: &Ctx, out: &Path) -> Result<BackupReport, BackupError> {
    if !is_empty_dir(out)? {
        return Err(BackupError::OutputNotEmpty(out.to_owned()));
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(out.join("blobs"))?;
    let db_path = out.join(DATABASE);
    let target = db_path.to_string_lossy().into_owned();
    let pool = state.pool.clone();
    let copied = tokio::task::spawn_blocking(move || -> Result<bool, AppError> {
        let mut conn = pool.get()?;
        Ok(yishen_store::copy_sqlite(&mut conn, &target)?)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let mut bytes = 0;
    let database = if copied {
        owner_only(&db_path)?;
        let (size, sha256) = hash_file(&db_path).await?;
        bytes += size;
        Some(Entry {
            path: DATABASE.into(),
            size,
            sha256,
        })
    } else {
        None
    };
    let blobs = copy_blobs(&state.blobs, &out.join("blobs")).await?;
    bytes += blobs.iter().map(|e| e.size).sum::<u64>();
    let manifest = Manifest {
        format: 1,
        created_at: chrono::Utc::now().to_rfc3339(),
        backend: state.pool.backend().as_str().to_owned(),
        database,
        blobs,
        keys: KEYS_NOTE.into(),
    };
    let json = serde_json::to_vec_pretty(&manifest).map_err(|e| AppError::Internal(e.into()))?;
    tokio::fs::write(out.join(MANIFEST), json).await?;
    owner_only(&out.join(MANIFEST))?;
    Ok(BackupReport { manifest, bytes })
}

/// Every stored content, streamed into `dir/<sha256>`; each is hashed as it is written, and a
/// content whose bytes do not match its name is reported rather than copied as if sound.
async fn copy_blobs(blobs: &Blobs, dir: &Path) -> Result<Vec<Entry>, BackupError> {
    let far = chrono::Utc::now() + chrono::Duration::days(3650);
    let mut names = blobs.list_older_than(far).await.map_err(AppError::from)?;
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut stream = blobs.stream(&name).await.map_err(AppError::from)?;
        let path = dir.join(&name);
        let mut f = tokio::fs::File::create(&path).await?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(AppError::from)?;
            hasher.update(&chunk);
            size += chunk.len() as u64;
            f.write_all(&chunk).await?;
        }
        f.flush().await?;
        owner_only(&path)?;
        let sha256 = hex::encode(hasher.finalize());
        if sha256 != name {
            return Err(BackupError::Corrupt {
                path: format!("blobs/{name}"),
                why: "存储中的内容与其哈希不符".into(),
            });
        }
        out.push(Entry {
            path: format!("blobs/{name}"),
            size,
            sha256,
        });
    }
    Ok(out)
}

/// Reads and checks a backup's manifest: every file it names is there with its size and hash.
pub async fn check(from: &Path) -> Result<Manifest, BackupError> {
    let text = match tokio::fs::read(from.join(MANIFEST)).await {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(BackupError::NoManifest(from.to_owned()));
        }
        Err(e) => return Err(e.into()),
    };
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| BackupError::Corrupt {
        path: MANIFEST.into(),
        why: format!("无法读取：{e}"),
    })?;
    for e in manifest.database.iter().chain(&manifest.blobs) {
        if e.path.contains("..") || e.path.starts_with('/') {
            return Err(BackupError::Corrupt {
                path: e.path.clone(),
                why: "路径不在备份目录内".into(),
            });
        }
        let (size, sha256) = match hash_file(&from.join(&e.path)).await {
            Ok(v) => v,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(BackupError::Corrupt {
                    path: e.path.clone(),
                    why: "缺失".into(),
                });
            }
            Err(err) => return Err(err.into()),
        };
        if size != e.size || sha256 != e.sha256 {
            return Err(BackupError::Corrupt {
                path: e.path.clone(),
                why: "大小或哈希与清单不符".into(),
            });
        }
    }
    Ok(manifest)
}

/// Restores a checked backup: the SQLite database to `database` (its configured path) and the
/// contents into `blobs`. Refuses when the database file exists or the blob folder `blob_dir`
/// holds anything, unless `force`. Nothing is written before the whole backup is checked.
pub async fn restore(
    from: &Path,
    database: Option<&Path>,
    blobs: &Blobs,
    blob_dir: Option<&Path>,
    force: bool,
) -> Result<Manifest, BackupError> {
    let manifest = check(from).await?;
    if !force {
        let db_there = database.is_some_and(|d| d.exists());
        let blobs_there = match blob_dir {
            Some(d) => !is_empty_dir(d)?,
            None => false,
        };
        if db_there || blobs_there {
            let dir = database
                .and_then(Path::parent)
                .or(blob_dir)
                .unwrap_or(Path::new("."));
            return Err(BackupError::TargetNotEmpty(dir.to_owned()));
        }
    }
    if let (Some(entry), Some(target)) = (&manifest.database, database) {
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
        }
        for suffix in ["-wal", "-shm"] {
            let mut side = target.as_os_str().to_owned();
            side.push(suffix);
            match std::fs::remove_file(&side) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
        }
        let tmp = target.with_extension("restoring");
        tokio::fs::copy(from.join(&entry.path), &tmp).await?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        }
        tokio::fs::rename(&tmp, target).await?;
    }
    for e in &manifest.blobs {
        blobs
            .put_file(&e.sha256, &from.join(&e.path))
            .await
            .map_err(AppError::from)?;
    }
    Ok(manifest)
}
