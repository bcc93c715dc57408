//! The crate's one error type. Every fallible operation returns [`SimilarError`], so the server
//! can map it to a single "index unavailable" problem without knowing tantivy or jieba.

use std::path::PathBuf;

/// What can go wrong while building, opening or querying the similar-case index.
#[derive(Debug, thiserror::Error)]
pub enum SimilarError {
    /// tantivy failed (I/O under the index directory, a corrupt segment, a lock held by another
    /// process, …).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be created or opened.
    #[error("index directory {path}: {source}")]
    Directory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// tantivy refused to open the directory as an index.
    #[error("index directory {path}: {message}")]
    OpenDirectory { path: PathBuf, message: String },
    /// A bundled resource (dictionary, word list, thesaurus) does not parse. Only a broken build
    /// can produce this, but it is reported rather than panicking.
    #[error("bundled resource {name}: {message}")]
    Resource { name: &'static str, message: String },
    /// `like_case` was asked about a case the index does not hold.
    #[error("case {0} is not in the similar-case index")]
    UnknownCase(i64),
    /// The background commit thread could not be started.
    #[error("could not start the commit thread: {0}")]
    Thread(#[source] std::io::Error),
    /// The index writer's lock was poisoned by a panic in another thread.
    #[error("the index writer was poisoned by an earlier panic")]
    Poisoned,
    /// A near-duplicate signature read back from storage has the wrong length.
    #[error("signature must be {expected} bytes, got {got}")]
    SignatureLength { expected: usize, got: usize },
}
