//! The only crate of yishen that speaks SQL: the schema, one model module per table, the
//! queries (each taking `&mut DbConn` so that several compose into one transaction), the
//! pool, the embedded migrations and the reference-data sync.

pub mod conn;
pub mod migrate;
pub mod models;
pub mod reference;
pub mod schema;

pub use conn::{Backend, DbConn, DbUrl, Pool, PoolState};

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// Failures of the store that are not plain query errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database configuration: {0}")]
    Config(String),
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migrations: {0}")]
    Migration(String),
    #[error("reference data {file}: {message}")]
    Fixture { file: &'static str, message: String },
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// Refreshes the query planner's statistics (`ANALYZE`) after bulk loads, at start and
/// periodically. Without them SQLite guesses, and at a province's size it guessed a walk
/// through every case of an agency where the index on the identity number would have read one
/// row (PostgreSQL chose nested loops over a million imported cases). SQLite samples at most
/// 1,000 rows per index (about half a second at a million cases).
pub fn analyze(conn: &mut DbConn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA analysis_limit = 1000; ANALYZE;"),
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => c.batch_execute("ANALYZE"),
    }
}

/// The current time in UTC, truncated to microseconds so that both backends store the same
/// value (PostgreSQL keeps microseconds, SQLite whatever it is given).
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Whether a query failed on a unique constraint (a duplicate username, code, …).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
