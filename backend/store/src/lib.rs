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

/// The current time in UTC, truncated to microseconds so that both backends store the same
/// value (PostgreSQL keeps microseconds, SQLite whatever it is given).
/// Refreshes the query planner's statistics (`ANALYZE`, the same statement on both backends),
/// after bulk loads.
pub fn analyze(conn: &mut DbConn) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    diesel::sql_query("ANALYZE").execute(conn).map(|_| ())
}

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
