//! The only crate of yishen that speaks SQL: the schema, one model module per table, the
//! queries (each taking `&mut DbConn` so that several compose into one transaction), the
//! pool, the embedded migrations and the reference-data sync.

pub mod codes;
pub mod conn;
pub mod ids;
pub mod migrate;
pub mod models;
pub mod reference;
pub mod schema;

pub use conn::{Backend, DbConn, DbUrl, Pool, PoolState};
pub use ids::{AgencyId, CaseId, UserId};

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

/// Whether the database answers a trivial statement (the liveness check).
pub fn ping(conn: &mut DbConn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SELECT 1")
}

/// Refreshes the query planner's statistics (`ANALYZE`) after bulk loads. Without them SQLite guesses, and at a province's size it guessed a walk
/// through every case of an agency where the index on the identity number would have read one
/// row (PostgreSQL chose nested loops over a million imported cases). SQLite reads every index
/// (about 2 s at a million cases): with a sampling limit its estimates capped each agency at
/// about a thousand cases, and it sorted a whole tree's history for a page of fifty.
pub fn analyze(conn: &mut DbConn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("ANALYZE"),
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => c.batch_execute("ANALYZE"),
    }
}

/// Refreshes the statistics only where they are missing or far off the table's size
/// (SQLite's `PRAGMA optimize` over every table): instant when they are current, a full
/// `ANALYZE` of a table that has none. Run at start and by the periodic jobs; PostgreSQL's
/// autovacuum does the same there.
pub fn optimize(conn: &mut DbConn) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA optimize = 0x10002"),
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(_) => Ok(()),
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

/// Runs `insert` in a savepoint and answers whether it wrote the row: false when a unique key
/// says another writer was first, so the caller's transaction survives the losing insert.
/// (`ON CONFLICT` is not portable through the multi-backend connection.)
pub fn first_insert(
    conn: &mut DbConn,
    insert: impl FnOnce(&mut DbConn) -> diesel::QueryResult<usize>,
) -> diesel::QueryResult<bool> {
    use diesel::Connection;
    match conn.transaction(insert) {
        Ok(n) => Ok(n == 1),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Writes a consistent copy of the SQLite database to `path` while the service reads and
/// writes (`VACUUM INTO`: the copy is one read transaction's snapshot, compacted; writers are
/// not blocked under WAL). `Ok(false)` on PostgreSQL, whose copies are made with its own tools
/// (docs/security.md). Run outside a transaction.
pub fn copy_sqlite(conn: &mut DbConn, path: &str) -> diesel::QueryResult<bool> {
    use diesel::RunQueryDsl;
    match conn {
        DbConn::Sqlite(c) => {
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(path)
                .execute(c)?;
            Ok(true)
        }
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(_) => Ok(false),
    }
}
