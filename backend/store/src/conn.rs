//! Connections and the pool: the one place where the backend is chosen.
//!
//! SQLite (bundled, no system library) is the embedded default; PostgreSQL is compiled in
//! with the `postgres` feature. Both are reached through one connection enum derived with
//! diesel's `MultiConnection`, so every query is written once. The variant is picked from the
//! URL scheme here rather than by `MultiConnection::establish`, which would hide libpq's
//! real error behind "invalid connection url".
//!
//! SQLite allows one writer at a time. A deferred transaction that reads and then writes can
//! fail at once with `SQLITE_BUSY` when another connection committed in between, whatever the
//! busy timeout. Write transactions on SQLite are therefore serialised in-process by
//! [`Pool::write`]; PostgreSQL needs no such lock.
//!
//! Every transaction begins here ([`Pool::read`], [`Pool::write`]): a read as one snapshot on
//! both backends, and a pooled connection that the server closed is found at its `BEGIN` and
//! replaced, instead of pinging every connection on checkout (docs/deploy.md, "PostgreSQL
//! restarts").

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::{SimpleConnection, TransactionManager};
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, SqliteConnection};

use crate::StoreError;

#[cfg(feature = "postgres")]
#[derive(diesel::MultiConnection)]
#[allow(missing_debug_implementations)]
pub enum DbConn {
    Postgresql(diesel::PgConnection),
    Sqlite(SqliteConnection),
}

#[cfg(not(feature = "postgres"))]
#[derive(diesel::MultiConnection)]
#[allow(missing_debug_implementations)]
pub enum DbConn {
    Sqlite(SqliteConnection),
}

/// Which database a URL designates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    #[cfg(feature = "postgres")]
    Postgres(String),
}

/// The backend's name, as shown by `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

impl DbUrl {
    /// Parses `postgres://…` / `postgresql://…`, `sqlite://PATH` or a bare file path.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return Ok(DbUrl::Postgres(url.to_owned()));
            #[cfg(not(feature = "postgres"))]
            return Err(StoreError::Config(
                "this build has no PostgreSQL support: rebuild with `--features postgres`".into(),
            ));
        }
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        if path.is_empty() {
            return Err(StoreError::Config("empty database path".into()));
        }
        Ok(DbUrl::Sqlite(PathBuf::from(path)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbUrl::Sqlite(_) => Backend::Sqlite,
            #[cfg(feature = "postgres")]
            DbUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// Opens one connection, configured for the backend.
    pub fn connect(&self) -> Result<DbConn, diesel::ConnectionError> {
        match self {
            DbUrl::Sqlite(path) => {
                let mut c = SqliteConnection::establish(&path.to_string_lossy())?;
                // WAL lets readers run beside the writer; the busy timeout waits for the write
                // lock instead of failing; foreign keys are off by default in SQLite. The page
                // cache (32 MiB, used only as filled) keeps the case indexes in memory: with the
                // default 2 MiB a large import spends its time re-reading index pages.
                c.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                     PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(c))
            }
            #[cfg(feature = "postgres")]
            DbUrl::Postgres(url) => {
                let mut c = diesel::PgConnection::establish(url)?;
                c.batch_execute("SET TIME ZONE 'UTC'; SET application_name = 'yishen';")
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Postgresql(c))
            }
        }
    }
}

impl DbConn {
    /// Which database this connection reaches.
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            #[cfg(feature = "postgres")]
            DbConn::Postgresql(_) => Backend::Postgres,
        }
    }
}

/// r2d2 manager that builds the variant from the parsed URL.
#[derive(Debug)]
pub struct Manager {
    url: DbUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        self.url.connect().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// Asked when a connection is handed back: one that a statement found closed, or left in
    /// a transaction or a failed transaction manager, is dropped instead of kept.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        CLOSED.with(|c| c.replace(false)) || std::thread::panicking() || conn.is_broken()
    }
}

thread_local! {
    /// Set on the thread whose connection a statement found closed (the server restarted,
    /// or ended an idle session): the manager drops that connection when it comes back.
    static CLOSED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether `e` says the connection itself is gone, not the statement wrong.
fn is_closed(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        e,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    )
}

/// A pool of connections plus the SQLite write lock.
#[derive(Clone)]
pub struct Pool {
    inner: r2d2::Pool<Manager>,
    backend: Backend,
    write_lock: Arc<Mutex<()>>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("backend", &self.backend)
            .field("state", &self.inner.state())
            .finish()
    }
}

/// Makes the SQLite file readable by its owner alone before SQLite opens it: a folder made
/// for it is 0700, the file 0600, and SQLite gives its WAL and shared-memory files the mode of
/// the database file. A file left readable by others (an older version, a copy) is narrowed.
fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut names = vec![path.as_os_str().to_owned()];
        for suffix in ["-wal", "-shm"] {
            let mut n = path.as_os_str().to_owned();
            n.push(suffix);
            names.push(n);
        }
        for name in names {
            match std::fs::metadata(&name) {
                Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                    std::fs::set_permissions(&name, std::fs::Permissions::from_mode(0o600))?
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// The pool's numbers, for `/metrics`.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
}

impl Pool {
    pub fn open(url: &DbUrl, max_size: u32) -> Result<Self, StoreError> {
        match url {
            DbUrl::Sqlite(path) => private_file(path).map_err(|e| {
                StoreError::Config(format!("cannot create {}: {e}", path.display()))
            })?,
            #[cfg(feature = "postgres")]
            DbUrl::Postgres(_) => {}
        }
        // Switch a new SQLite file to WAL from one connection before the pool opens several
        // at once (WAL is a property of the file and persists).
        if url.backend() == Backend::Sqlite {
            url.connect()
                .map_err(|e| StoreError::Config(format!("cannot open the database: {e}")))?;
        }
        // No `SELECT 1` on every checkout (r2d2's default): on PostgreSQL it was a round trip
        // in front of every transaction, a seventh of a filing's statements. A connection the
        // server closed meanwhile is found by the transaction's BEGIN instead, dropped, and
        // another taken (`Pool::begun`).
        let inner = r2d2::Pool::builder()
            .max_size(max_size)
            .test_on_check_out(false)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager { url: url.clone() })
            .map_err(StoreError::Pool)?;
        Ok(Self {
            inner,
            backend: url.backend(),
            write_lock: Arc::new(Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn state(&self) -> PoolState {
        let s = self.inner.state();
        PoolState {
            connections: s.connections,
            idle: s.idle_connections,
        }
    }

    /// A connection for reads (or for callers that manage their own transaction).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, StoreError> {
        self.inner.get().map_err(StoreError::Pool)
    }

    /// The writer's turn on SQLite (its write lock), nothing on PostgreSQL. Taken before the
    /// connection: writers waiting their turn hold no connection, so with many of them at once
    /// the pool stays free for the reads.
    fn write_turn(&self) -> Option<std::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_lock.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        }
    }

    /// Runs `f` in one transaction: everything it writes is committed together or not at all.
    pub fn write<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        let _guard = self.write_turn();
        self.transaction(Isolation::Default, Plans::Custom, f)
    }

    /// [`Pool::write`] for a transaction whose statements all find rows by key (a filing):
    /// on PostgreSQL their prepared plans are kept and reused ([`Plans::Generic`]).
    pub fn write_keyed<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        let _guard = self.write_turn();
        self.transaction(Isolation::Default, Plans::Generic, f)
    }

    /// Runs `f` in one snapshot: what it reads in several statements is of one moment
    /// ([`Isolation::Snapshot`]).
    pub fn read<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        self.transaction(Isolation::Snapshot, Plans::Custom, f)
    }

    /// [`Pool::read`] for a snapshot whose statements all find rows by key (a filing's answer
    /// and screening): on PostgreSQL their prepared plans are kept and reused
    /// ([`Plans::Generic`]).
    pub fn read_keyed<T, E>(&self, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        self.transaction(Isolation::Snapshot, Plans::Generic, f)
    }

    /// Runs one statement outside a transaction: a single statement is atomic and sees one
    /// moment by itself, so the `BEGIN` and `COMMIT` around it would be two round trips for
    /// nothing (on PostgreSQL, the bearer token's check on every request). `f` must issue
    /// exactly one statement; it is run again on another connection when the first one turns
    /// out closed by the server, which a read can afford.
    pub fn statement<T>(
        &self,
        mut f: impl FnMut(&mut DbConn) -> diesel::QueryResult<T>,
    ) -> Result<T, StoreError> {
        let mut attempts = 0;
        loop {
            let mut conn = self.get()?;
            match f(&mut conn) {
                Err(e) if is_closed(&e) && attempts <= self.inner.max_size() => {
                    tracing::warn!("a pooled database connection was closed; taking another");
                    CLOSED.with(|c| c.set(true));
                    attempts += 1;
                }
                other => return other.map_err(StoreError::Query),
            }
        }
    }

    /// Runs `f` in a transaction begun at `isolation`: committed when it returns `Ok`, rolled
    /// back otherwise (diesel's `Connection::transaction`, with the BEGIN chosen here).
    fn transaction<T, E>(
        &self,
        isolation: Isolation,
        plans: Plans,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        let mut conn = self.begun::<E>(isolation, plans)?;
        let ended = match f(&mut conn) {
            Ok(value) => Transactions::commit_transaction(&mut *conn).map(|()| Ok(value)),
            Err(e) => match Transactions::rollback_transaction(&mut *conn) {
                Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Ok(Err(e)),
                Err(rollback) => Err(rollback),
            },
        };
        ended.unwrap_or_else(|e| {
            if is_closed(&e) {
                CLOSED.with(|c| c.set(true));
            }
            Err(e.into())
        })
    }

    /// A connection with a transaction begun. A connection that the server closed while it
    /// sat in the pool fails at its BEGIN, before anything was done: it is dropped and the
    /// next one tried, as many times as the pool has connections (each may have been closed
    /// by the same restart) and once more for a new one.
    fn begun<E>(
        &self,
        isolation: Isolation,
        plans: Plans,
    ) -> Result<r2d2::PooledConnection<Manager>, E>
    where
        E: From<diesel::result::Error> + From<StoreError>,
    {
        let mut attempts = 0;
        loop {
            let mut conn = self.get()?;
            let begun = match (&mut *conn, isolation, plans) {
                // One round trip: the simple-query protocol runs both statements of the string.
                #[cfg(feature = "postgres")]
                (DbConn::Postgresql(pg), isolation, plans) => {
                    let sql = match (isolation, plans) {
                        (Isolation::Default, Plans::Custom) => "BEGIN",
                        (Isolation::Snapshot, Plans::Custom) => {
                            "BEGIN ISOLATION LEVEL REPEATABLE READ"
                        }
                        (Isolation::Default, Plans::Generic) => {
                            "BEGIN; SET LOCAL plan_cache_mode = force_generic_plan"
                        }
                        (Isolation::Snapshot, Plans::Generic) => {
                            "BEGIN ISOLATION LEVEL REPEATABLE READ; \
                             SET LOCAL plan_cache_mode = force_generic_plan"
                        }
                    };
                    diesel::connection::AnsiTransactionManager::begin_transaction_sql(pg, sql)
                }
                (c, _, _) => Transactions::begin_transaction(c),
            };
            match begun {
                Ok(()) => return Ok(conn),
                Err(e) if is_closed(&e) && attempts <= self.inner.max_size() => {
                    tracing::warn!("a pooled database connection was closed; taking another");
                    CLOSED.with(|c| c.set(true));
                    attempts += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// The connection enum's transaction manager, which hands each call to the manager of the
/// backend's own connection.
type Transactions = <DbConn as Connection>::TransactionManager;

/// How a transaction begins.
#[derive(Debug, Clone, Copy)]
enum Isolation {
    /// The backend's default (`READ COMMITTED` on PostgreSQL): for writes, whose counters and
    /// rows are locked, not retried.
    Default,
    /// One snapshot for every statement: SQLite's read transaction is one; PostgreSQL's
    /// `READ COMMITTED` would take a new snapshot per statement, so reads there begin
    /// `REPEATABLE READ` (the snapshot of their first statement; a transaction that only
    /// reads cannot fail that level's serialization check).
    Snapshot,
}

/// How PostgreSQL plans the prepared statements of a transaction (SQLite has one way).
#[derive(Debug, Clone, Copy)]
enum Plans {
    /// PostgreSQL's default: a statement is planned again for its values at each execution
    /// while its generic plan looks costlier, which is right for the queue's filters and
    /// limits, whose best plan depends on the values.
    Custom,
    /// The generic plan, made once per connection and statement
    /// (`plan_cache_mode = force_generic_plan` for the transaction): for statements that find
    /// rows by key, whose plan does not depend on the values. Diesel binds every `LIMIT`,
    /// and with a limit unknown to the planner the generic plan looked costlier, so a filing's
    /// lookups were planned afresh each time: a fifth of PostgreSQL's time per filing
    /// (docs/performance.md, PostgreSQL at 10⁶, seventh).
    Generic,
}

/// Creates and drops whole PostgreSQL databases: used by the black-box tests to give each
/// test its own database.
#[cfg(feature = "postgres")]
pub mod pg_admin {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, PgConnection};

    fn valid_name(name: &str) -> bool {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    pub fn create_database(admin_url: &str, name: &str) -> Result<(), String> {
        if !valid_name(name) {
            return Err(format!("invalid database name {name}"));
        }
        let mut c = PgConnection::establish(admin_url).map_err(|e| e.to_string())?;
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| e.to_string())
    }

    pub fn drop_database(admin_url: &str, name: &str) -> Result<(), String> {
        if !valid_name(name) {
            return Err(format!("invalid database name {name}"));
        }
        let mut c = PgConnection::establish(admin_url).map_err(|e| e.to_string())?;
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .map_err(|e| e.to_string())
    }

    /// Ends every session on database `name` but this one, as a restart of the server would:
    /// used by the test of a pool whose connections the server closed.
    pub fn terminate_sessions(admin_url: &str, name: &str) -> Result<(), String> {
        if !valid_name(name) {
            return Err(format!("invalid database name {name}"));
        }
        let mut c = PgConnection::establish(admin_url).map_err(|e| e.to_string())?;
        c.batch_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .map_err(|e| e.to_string())
    }

    /// The URL of database `name` on the server of `admin_url`.
    pub fn url_for(admin_url: &str, name: &str) -> String {
        match admin_url.rsplit_once('/') {
            Some((base, rest)) => {
                let query = rest
                    .split_once('?')
                    .map(|(_, q)| format!("?{q}"))
                    .unwrap_or_default();
                format!("{base}/{name}{query}")
            }
            None => format!("{admin_url}/{name}"),
        }
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::private_file;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
    }

    #[test]
    fn a_new_database_is_made_private_and_an_open_one_is_narrowed() {
        let root = tempfile::tempdir().expect("temp dir");
        let db = root.path().join("a/b/yishen.sqlite3");
        private_file(&db).expect("made");
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        assert_eq!(mode(&root.path().join("a/b")), 0o700);

        let open = root.path().join("copied.sqlite3");
        let wal = root.path().join("copied.sqlite3-wal");
        for p in [&open, &wal] {
            std::fs::write(p, b"").expect("write");
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        }
        private_file(&open).expect("narrowed");
        assert_eq!(mode(&open), 0o600);
        assert_eq!(mode(&wal), 0o600);
    }
}
