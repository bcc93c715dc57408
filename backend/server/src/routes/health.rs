//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use yishen_app::Ctx;

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    status: &'static str,
    database: &'static str,
    calendar_years: Vec<i32>,
    /// The legal date in force (pinned only in tests and demos).
    today: chrono::NaiveDate,
    /// Whether the holiday notice of today's year is loaded.
    calendar_covers_today: bool,
    /// Set while today's year (or, from 1 November, next year) has no holiday notice: the
    /// service runs, but deadlines reaching into that year are not computed until a sysadmin
    /// loads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
    /// Changes to cases this instance's similar-case index has not yet committed (it follows
    /// the database's change feed, committing about once a second).
    #[serde(skip_serializing_if = "Option::is_none")]
    index_lag: Option<i64>,
}

/// 200 when the database answers.
#[utoipa::path(tag = "health", responses((status = 200, body = Health), (status = 503, body = crate::error::Problem)))]
#[get("/healthz")]
pub async fn healthz(state: web::Data<Ctx>) -> Result<web::Json<Health>, ApiError> {
    state.ping().await?;
    Ok(web::Json(Health { status: "ok" }))
}

/// 200 when migrations are applied and the calendar is loaded; says when today's year has
/// no holiday notice yet (the service runs, those deadlines wait for it).
#[utoipa::path(tag = "health", responses((status = 200, body = Readiness), (status = 503, body = crate::error::Problem)))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<Ctx>) -> Result<web::Json<Readiness>, ApiError> {
    let calendar = yishen_app::services::calendar::current(&state).await?;
    let today = state.today();
    let covered = calendar.covers(chrono::Datelike::year(&today));
    Ok(web::Json(Readiness {
        status: "ready",
        database: state.pool.backend().as_str(),
        calendar_years: calendar.covered_years().collect(),
        today,
        calendar_covers_today: covered,
        warning: yishen_app::services::calendar::gap_on(&calendar, today).map(|g| g.warning()),
        index_lag: yishen_app::services::similar::lag(&state).await?,
    }))
}

/// Prometheus text exposition.
#[utoipa::path(tag = "health", responses((status = 200, content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(
    req: actix_web::HttpRequest,
    state: web::Data<Ctx>,
) -> Result<HttpResponse, ApiError> {
    may_read_metrics(&req, &state.settings)?;
    let (overdue, due_soon) = yishen_app::services::cases::read::deadline_counts(&state).await?;
    state.metrics.set_deadlines(&overdue, &due_soon);
    let body = state
        .metrics
        .render(state.pool.state())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("metrics: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}

/// Whether this request may read `/metrics`: from an allowed address (the connection's own
/// peer, never a forwarded header a client could write) and with the token, when the settings
/// ask for them.
fn may_read_metrics(
    req: &actix_web::HttpRequest,
    settings: &yishen_app::settings::Settings,
) -> Result<(), ApiError> {
    if !settings.metrics_allow.is_empty() {
        let allowed = req
            .peer_addr()
            .is_some_and(|a| settings.metrics_allow.iter().any(|n| n.contains(&a.ip())));
        if !allowed {
            return Err(ApiError::Forbidden("运行指标只对指定的地址开放".into()));
        }
    }
    if let Some(token) = &settings.metrics_token {
        use sha2::{Digest, Sha256};
        let given = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared as digests: the time taken says nothing about how much of the token matched.
        if Sha256::digest(given.as_bytes()) != Sha256::digest(token.expose().as_bytes()) {
            return Err(ApiError::InvalidToken);
        }
    }
    Ok(())
}
