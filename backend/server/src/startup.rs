//! Building and running the application: the database (migrations, reference data), the
//! secrets, the shared state and the HTTP server. `main` and the tests both come through
//! here; tests bind port 0.

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpMessage, HttpResponse, HttpServer, web};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;
use yishen_store::{DbUrl, Pool};

use crate::auth::password;
use crate::auth::tokens::TokenKeys;
use crate::error::{ApiError, REQUEST_ID};
use crate::extract::BodyLimit;
use crate::openapi::ApiDoc;
use yishen_app::Ctx;
use yishen_app::metrics::Metrics;
use yishen_app::pii::Pii;
use yishen_app::ratelimit::RateLimiter;
use yishen_app::settings::Settings;

/// Opens the database, applies migrations and syncs the reference data.
pub fn open_database(settings: &Settings) -> anyhow::Result<Pool> {
    let url = DbUrl::parse(&settings.database_url())?;
    let pool = Pool::open(&url, settings.pool_size)?;
    let mut conn = pool.get()?;
    let applied = yishen_store::migrate::run(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "migrations applied");
    }
    let report = pool.write(yishen_store::reference::sync_holidays)?;
    tracing::info!(?report, "holiday calendar synced");
    yishen_store::optimize(&mut conn)?;
    Ok(pool)
}

/// Makes the data dir (the database, the keys, the documents) its owner's alone: created
/// 0700, or narrowed to it when an older version left it open to others.
pub(crate) fn private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if std::fs::metadata(dir)?.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
            tracing::warn!(dir = %dir.display(), "the data dir was open to others: narrowed to its owner (0700)");
        }
    }
    Ok(())
}

/// Reads a secret file from the data dir, creating it (mode 0600) with 32 random bytes in
/// hex when it does not exist yet.
fn secret_file(dir: &Path, name: &str) -> anyhow::Result<String> {
    let path = dir.join(name);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().to_owned());
    }
    std::fs::create_dir_all(dir)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    let value = hex::encode(bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(&path) {
        Ok(mut f) => {
            f.write_all(value.as_bytes())?;
            tracing::info!(file = %path.display(), "secret generated");
            Ok(value)
        }
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(std::fs::read_to_string(&path)?.trim().to_owned())
        }
        Err(e) => Err(e.into()),
    }
}

/// Builds the shared state: database, keys, metrics.
pub async fn build_state(settings: Settings) -> anyhow::Result<Ctx> {
    private_dir(&settings.data_dir)?;
    let jwt_secret = match &settings.jwt_secret {
        Some(s) => s.expose().to_owned(),
        None => secret_file(&settings.data_dir, "jwt.secret")?,
    };
    let data_key = match &settings.data_key {
        Some(s) => s.expose().to_owned(),
        None => secret_file(&settings.data_dir, "data.key")?,
    };
    let pii = Pii::new(&Pii::parse_key(&data_key)?)?;
    let keys = TokenKeys::new(jwt_secret.as_bytes(), settings.access_token_ttl);
    let clock = settings.clock();
    if let Some(day) = clock.pinned() {
        tracing::warn!(%day, "the legal date is pinned (YISHEN_TODAY): for tests and demos only");
    }
    let settings = Arc::new(settings);
    let s = settings.clone();
    let pool = web::block(move || open_database(&s)).await??;
    let dummy_hash =
        web::block(|| password::hash("yishen dummy password for unknown users")).await??;
    let track_limiter = Arc::new(RateLimiter::new(
        settings.track_per_minute,
        std::time::Duration::from_secs(60),
    ));
    // Every placeholder of every template is checked here: a broken template stops the start.
    let templates = Arc::new(
        yishen_letters::Templates::shipped()
            .map_err(|e| anyhow::anyhow!("letter templates: {e}"))?
            .with_verify_base(&settings.public_url()),
    );
    let articles = Arc::new(
        yishen_domain::articles::Articles::shipped()
            .map_err(|e| anyhow::anyhow!("articles: {e}"))?,
    );
    let blobs = yishen_app::blobs::Blobs::open(&settings)
        .map_err(|e| anyhow::anyhow!("blob store: {e}"))?;
    tracing::info!(kind = blobs.kind(), "blob store opened");
    let mailer = yishen_app::mailer::Mailer::from_settings(&settings)
        .map_err(|e| anyhow::anyhow!("mail: {e}"))?
        .map(Arc::new);
    let sms = yishen_app::sms::SignedHttpGateway::from_settings(&settings)
        .map_err(|e| anyhow::anyhow!("sms: {e}"))?
        .map(|g| Arc::new(g) as Arc<dyn yishen_app::sms::SmsProvider>);
    tracing::info!(
        email = mailer.is_some(),
        sms = sms.is_some(),
        "notifications"
    );
    let replica = match settings.database_replica_url.clone() {
        Some(url) => {
            let size = settings.pool_size;
            Some(web::block(move || Pool::open(&DbUrl::parse(&url)?, size)).await??)
        }
        None => None,
    };
    Ok(Ctx {
        pool,
        replica,
        keys,
        pii,
        settings,
        clock,
        metrics: Arc::new(Metrics::new()),
        dummy_hash: Arc::new(dummy_hash),
        track_limiter,
        templates,
        articles,
        similar: None,
        index_feed: Default::default(),
        screening_cache: Arc::default(),
        stats_cache: Arc::default(),
        table4_cache: Arc::default(),
        filing_cache: Arc::default(),
        blobs,
        mailer,
        sms,
        read_slots: yishen_app::ctx::read_slots(),
    })
}

/// Sets the request id for error bodies and logs, answers it in `x-request-id`, and counts
/// the request for `/metrics`.
async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.to_string())
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let metrics = req.app_data::<web::Data<Ctx>>().map(|s| s.metrics.clone());
    let method = req.method().to_string();
    let start = Instant::now();
    let mut res = REQUEST_ID.scope(id.clone(), next.call(req)).await?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static("x-request-id"), v);
    }
    protect(&mut res);
    if let Some(m) = metrics {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        m.observe(
            &method,
            &route,
            res.status().as_u16(),
            start.elapsed().as_secs_f64(),
        );
    }
    Ok(res)
}

/// The headers every answer carries whoever made it: no content sniffing (a JSON answer or a
/// downloaded file is never run as a script or a page), and for the API's documentation pages
/// (made by the Swagger UI crate, not by our templates) the framing and content rules of the
/// web pages. Swagger UI styles its elements from script, hence `'unsafe-inline'` for styles
/// there and nowhere else.
fn protect<B>(res: &mut ServiceResponse<B>) {
    let docs = res.request().path().starts_with("/api/docs");
    let headers = res.headers_mut();
    if !headers.contains_key(header::X_CONTENT_TYPE_OPTIONS) {
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    if docs {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                 script-src 'self'; connect-src 'self'; frame-ancestors 'none'; \
                 form-action 'self'; base-uri 'none'",
            ),
        );
    }
}

/// The methods some route answers; any other (`TRACE`, `CONNECT`, a made-up one) is 405.
const KNOWN_METHODS: [actix_web::http::Method; 7] = [
    actix_web::http::Method::GET,
    actix_web::http::Method::HEAD,
    actix_web::http::Method::POST,
    actix_web::http::Method::PUT,
    actix_web::http::Method::PATCH,
    actix_web::http::Method::DELETE,
    actix_web::http::Method::OPTIONS,
];

/// The methods each documented path answers, from the OpenAPI document: a request that
/// reaches no route on a path that exists under another method is refused as such (405, with
/// the path's own `Allow`), not as an unknown address.
#[derive(Debug)]
pub(crate) struct RouteMethods(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteMethods {
    fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut routes = Vec::new();
        for (path, item) in &doc.paths.paths {
            let mut methods = Vec::new();
            for (name, op) in [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ] {
                if op {
                    methods.push(name);
                }
            }
            let segments = path.split('/').map(str::to_owned).collect();
            routes.push((segments, methods));
        }
        Self(routes)
    }

    /// The methods of the documented path `path` is, a literal path before a template.
    fn allowed(&self, path: &str) -> Option<String> {
        let parts: Vec<&str> = path.split('/').collect();
        let literal = self.0.iter().find(|(segs, _)| {
            segs.len() == parts.len() && segs.iter().zip(&parts).all(|(s, p)| s == p)
        });
        let template = || {
            self.0.iter().find(|(segs, _)| {
                segs.len() == parts.len()
                    && segs.iter().zip(&parts).all(|(s, p)| {
                        s == p || (s.starts_with('{') && s.ends_with('}') && !p.is_empty())
                    })
            })
        };
        literal
            .or_else(template)
            .map(|(_, methods)| methods.join(", "))
    }
}

/// Unknown addresses: a problem+json answer under `/api/`, a Chinese page elsewhere. A method
/// no route answers is refused as such (405), wherever it is sent; so is a known method on a
/// documented path that answers other methods.
async fn route_not_found(req: actix_web::HttpRequest) -> HttpResponse {
    let not_allowed = |allow: String| {
        let mut res = actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed);
        if let Ok(v) = HeaderValue::from_str(&allow) {
            res.headers_mut().insert(header::ALLOW, v);
        }
        res
    };
    let documented = req
        .app_data::<web::Data<RouteMethods>>()
        .and_then(|r| r.allowed(req.path()));
    if !KNOWN_METHODS.contains(req.method()) {
        return not_allowed(
            documented.unwrap_or_else(|| "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS".into()),
        );
    }
    // A documented path that answers this very method, which no route took (a path
    // parameter its route refuses, `/calendar/due-date` as a year), is an unknown address.
    if let Some(allow) = documented
        && !allow.split(", ").any(|m| m == req.method().as_str())
    {
        return not_allowed(allow);
    }
    if req.path().starts_with("/api/") {
        actix_web::ResponseError::error_response(&ApiError::RouteNotFound)
    } else {
        crate::web::not_found()
    }
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("location", "/api/docs/"))
        .finish()
}

/// The running application.
pub struct Application {
    port: u16,
    server: Server,
    state: Ctx,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish()
    }
}

impl Application {
    /// Prepares everything and binds the listener; `demo` adds the demo data.
    pub async fn build(settings: Settings, demo: bool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let mut state = build_state(settings).await?;
        if demo {
            let (agencies, accounts) = yishen_app::services::demo::seed_demo(&state).await?;
            tracing::info!(agencies, accounts, "demo data ready");
        }
        if let Some(gap) = yishen_app::services::calendar::gap(&state).await? {
            tracing::warn!(
                year = gap.year(),
                "the holiday calendar lacks a year that deadlines reach or will soon reach: a sysadmin must load its notice"
            );
        }
        state.similar = Some(yishen_app::services::similar::open(&state).await?);
        // The statistics a reconsideration body opens first are counted before the server
        // takes requests (0.3–1 s at a province's size): no first reader waits for them. A
        // failed count is logged; readers then count on demand.
        let counted = match yishen_app::services::warm::run(&state, None).await {
            Ok(generation) => Some(generation),
            Err(e) => {
                tracing::error!(error = %e, "counting the statistics in advance failed");
                None
            }
        };
        let server = run(listener, state.clone())?;
        yishen_app::services::similar::spawn_follower(state.clone());
        spawn_jobs(state.clone());
        spawn_audit(state.clone());
        spawn_tally_fold(state.clone());
        spawn_stats_warm(state.clone(), counted);
        spawn_letter_renderer(state.clone());
        spawn_dispatcher(state.clone());
        Ok(Self {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn state(&self) -> &Ctx {
        &self.state
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Runs the window-expiry job every `jobs_interval_secs` (first run one interval after
/// start), on one instance at a time: the lease lasts three intervals, so a stopped holder's
/// work passes to another instance after at most that. Failures are logged and retried at the
/// next tick.
fn spawn_jobs(state: Ctx) {
    let secs = state.settings.jobs_interval_secs;
    if secs == 0 {
        return;
    }
    let holder = yishen_app::services::issuing::random_code()
        .map(|c| format!("{}-{c}", std::process::id()))
        .unwrap_or_else(|_| std::process::id().to_string());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(secs));
        tick.tick().await;
        let ttl = std::time::Duration::from_secs(secs.saturating_mul(3));
        loop {
            tick.tick().await;
            if let Err(e) =
                yishen_app::services::cases::jobs::run_leased(&state, &holder, ttl).await
            {
                tracing::error!(error = %e, "window-expiry job failed");
            }
        }
    });
}

/// Verifies the record every `audit_interval_minutes` (first one interval after start; 0:
/// off), on one instance at a time (`audit::run_leased`). A break is recorded, logged, raised
/// as `yishen_audit_broken` and shown on the system administrator's pages.
fn spawn_audit(state: Ctx) {
    let minutes = state.settings.audit_interval_minutes;
    if minutes == 0 {
        return;
    }
    let holder = yishen_app::services::issuing::random_code()
        .map(|c| format!("{}-{c}", std::process::id()))
        .unwrap_or_else(|_| std::process::id().to_string());
    let every = std::time::Duration::from_secs(minutes.saturating_mul(60));
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            if let Err(e) = yishen_app::services::audit::run_leased(&state, &holder, every).await {
                tracing::error!(error = %e, "the periodic audit verification failed");
            }
        }
    });
}

/// How often each instance looks for letters whose PDF is still to be rendered.
const RENDER_MILLIS: u64 = 200;

/// Renders the PDFs of the letters that actions issued, after their transactions committed
/// (`issuing::issue_letter` records a letter with the values it prints; the PDF follows here,
/// or at the first download, whichever comes first). Each instance runs it; a letter two
/// instances render at once is stored once.
fn spawn_letter_renderer(state: Ctx) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(RENDER_MILLIS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = yishen_app::services::issuing::render_all_pending(&state).await {
                tracing::error!(error = %e, "rendering the issued letters failed");
                // A letter that cannot be rendered is reported, not retried five times a second.
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            }
        }
    });
}

/// Sends the outbox's due notifications every `notify_interval_ms` (0: off). Every instance
/// runs one: each message is leased by one of them (`store::notification::lease_due`).
fn spawn_dispatcher(state: Ctx) {
    let ms = state.settings.notify_interval_ms;
    if ms == 0 {
        return;
    }
    let holder = yishen_app::services::issuing::random_code()
        .map(|c| format!("{}-{c}", std::process::id()))
        .unwrap_or_else(|_| std::process::id().to_string());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(ms));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = yishen_app::services::dispatch::run_once(&state, &holder).await {
                tracing::error!(error = %e, "sending notifications failed");
            }
        }
    });
}

/// How often each instance folds the annual report's pending counts into its tallies.
const FOLD_SECS: u64 = 10;

/// Folds the annual report's pending deltas into its tallies every [`FOLD_SECS`], so that a
/// report sums the tallies and at most a few seconds of deltas, however busy intake is. Not
/// leased: each fold takes exactly the deltas it deletes (see `report::fold_tallies`), so two
/// instances folding at once count each delta once.
fn spawn_tally_fold(state: Ctx) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(FOLD_SECS));
        loop {
            tick.tick().await;
            let folded = state
                .write(|conn| Ok(yishen_store::models::report::fold_tallies(conn)?))
                .await;
            if let Err(e) = folded {
                tracing::error!(error = %e, "folding the report tallies failed");
            }
        }
    });
}

/// Counts the statistics' default views again, every [`FOLD_SECS`], when a change has moved
/// their generation since `last` (the count made before the server took requests,
/// `services::warm`), so that no reader waits for a count.
fn spawn_stats_warm(state: Ctx, last: Option<i64>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(FOLD_SECS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = last;
        loop {
            tick.tick().await;
            match yishen_app::services::warm::run(&state, last).await {
                Ok(generation) => last = Some(generation),
                Err(e) => tracing::error!(error = %e, "counting the statistics in advance failed"),
            }
        }
    });
}

fn run(listener: TcpListener, state: Ctx) -> std::io::Result<Server> {
    let limit = state.settings.body_limit;
    let data = web::Data::new(state);
    let openapi = ApiDoc::openapi();
    let methods = web::Data::new(RouteMethods::from_doc(&openapi));
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(request_context))
            .wrap(TracingLogger::<crate::telemetry::PathOnlyRootSpan>::new())
            .app_data(data.clone())
            .app_data(methods.clone())
            .app_data(web::Data::new(BodyLimit(limit)))
            .app_data(
                web::PathConfig::default().error_handler(|_, _| ApiError::NotFound("资源").into()),
            )
            .configure(crate::routes::configure)
            .configure(crate::web::configure)
            .route("/api/docs", web::get().to(docs_redirect))
            .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", openapi.clone()))
            .default_service(web::to(route_not_found))
    })
    .listen(listener)?
    .run();
    Ok(server)
}
