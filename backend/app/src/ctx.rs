//! The context every service runs in: the pool, the token keys, the personal-data key, settings,
//! metrics, the templates, the index, the caches and the clock. Built once at start-up (by the
//! server or the command line), never global; tests build their own.

use std::sync::Arc;

use crate::services::generation_cache::GenerationCache;

use yishen_store::Pool;

use crate::auth::tokens::TokenKeys;
use crate::metrics::Metrics;
use crate::pii::Pii;
use crate::settings::Settings;

#[derive(Debug, Clone)]
pub struct Ctx {
    pub pool: Pool,
    /// A read-only replica for the statistics and the annual report
    /// (`YISHEN_DATABASE_REPLICA_URL`); they read the primary when there is none.
    pub replica: Option<Pool>,
    pub keys: TokenKeys,
    pub pii: Pii,
    pub settings: Arc<Settings>,
    /// Where "today" comes from for every legal date (pinned only in tests and demos).
    pub clock: crate::time::Clock,
    pub metrics: Arc<Metrics>,
    /// A hash to verify against when the username is unknown, so that the answer takes
    /// as long as for a known one.
    pub dummy_hash: Arc<String>,
    /// Limits guessing of query codes on public tracking.
    pub track_limiter: Arc<crate::ratelimit::RateLimiter>,
    /// The letter templates, checked when the server starts.
    pub templates: Arc<yishen_letters::Templates>,
    /// The regulation and fee-rule texts the article push cites.
    pub articles: Arc<yishen_domain::articles::Articles>,
    /// The similar-case index, held by the serving process (`None` in command-line runs:
    /// tantivy allows one writer per index).
    pub similar: Option<Arc<yishen_similar::SimilarIndex>>,
    /// Where the index stands in the change feed, and the nudge of its follower.
    pub index_feed: Arc<crate::services::similar::Feed>,
    /// Request signatures and restatements kept between screenings.
    pub screening_cache: Arc<crate::services::restatements::ScreeningCache>,
    pub stats_cache: Arc<GenerationCache<crate::services::stats::ReconsiderationStats>>,
    pub table4_cache: Arc<GenerationCache<yishen_domain::annual::Table4>>,
    /// The agencies filed with and the holiday calendar, as filings read them.
    pub filing_cache: Arc<GenerationCache<crate::services::cases::intake::Prepared>>,
    /// Where documents' contents are kept (a folder, or an S3-compatible store).
    pub blobs: crate::blobs::Blobs,
    /// The SMTP server notifications go through (`None`: no e-mail).
    pub mailer: Option<Arc<crate::mailer::Mailer>>,
    /// The text-message gateway (`None`: no text messages).
    pub sms: Option<Arc<dyn crate::sms::SmsProvider>>,
    /// How many reads run at once: as many as there are cores. A read beyond them waits
    /// without taking CPU, so that the writer holding the write lock (on SQLite, one at a time)
    /// is not starved by a crowd of readers (docs/performance.md).
    pub read_slots: Arc<tokio::sync::Semaphore>,
}

/// The number of reads [`Ctx::read_slots`] lets run at once on this machine.
pub fn read_slots() -> Arc<tokio::sync::Semaphore> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    Arc::new(tokio::sync::Semaphore::new(cores.max(1)))
}

impl Ctx {
    /// Today's date in China for every legal date, from the context's clock (pinned in tests
    /// and demos with `YISHEN_TODAY`).
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Whether the database answers (`/healthz`): `Unavailable` when it does not.
    pub async fn ping(&self) -> Result<(), crate::error::AppError> {
        self.read(|conn| yishen_store::ping(conn).map_err(|_| crate::error::AppError::Unavailable))
            .await
    }

    /// One of the [`Ctx::read_slots`], held for the read it lets run.
    async fn read_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, crate::error::AppError> {
        self.read_slots
            .acquire()
            .await
            .map_err(|e| crate::error::AppError::Internal(e.into()))
    }

    /// Runs a read on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut yishen_store::DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let _slot = self.read_slot().await?;
        tokio::task::spawn_blocking(move || pool.read(f)).await?
    }

    /// Runs one read statement outside a transaction ([`yishen_store::Pool::statement`]),
    /// in a read slot like [`Ctx::read`].
    pub async fn statement<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut yishen_store::DbConn) -> diesel::QueryResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let _slot = self.read_slot().await?;
        Ok(tokio::task::spawn_blocking(move || pool.statement(f)).await??)
    }

    /// [`Ctx::read`] for a snapshot whose statements all find rows by key
    /// ([`yishen_store::Pool::read_keyed`]).
    pub async fn read_keyed<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut yishen_store::DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let _slot = self.read_slot().await?;
        tokio::task::spawn_blocking(move || pool.read_keyed(f)).await?
    }

    /// Runs a read of the statistics on the replica, or on the primary without one. A replica
    /// lags its primary by its replication delay, which statistics tolerate and the queue
    /// (read right after a write) would not.
    pub async fn read_stats<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut yishen_store::DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
    {
        let pool = self.replica.clone().unwrap_or_else(|| self.pool.clone());
        tokio::task::spawn_blocking(move || pool.read(f)).await?
    }

    /// Runs one write transaction on the blocking pool: all of it is committed, or none.
    pub async fn write<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut yishen_store::DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || pool.write(f)).await?
    }

    /// [`Ctx::write`] for a transaction whose statements all find rows by key
    /// ([`yishen_store::Pool::write_keyed`]).
    pub async fn write_keyed<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut yishen_store::DbConn) -> Result<T, crate::error::AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || pool.write_keyed(f)).await?
    }
}
