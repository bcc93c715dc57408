//! Public tracking without an account: tracking number plus query code, rate limited per
//! client address. The codes travel in the query string as CONTRACT.md fixes; they are no
//! personal data, and the access log records paths only.

use actix_web::{HttpRequest, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::extract::ApiQuery;
use yishen_app::Ctx;
use yishen_app::services::cases::read::{self, TrackView};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrackParams {
    tracking_no: String,
    query_code: String,
}

/// Status and timeline of a case, for its applicant without logging in.
#[utoipa::path(tag = "cases", params(TrackParams),
    responses((status = 200, body = TrackView), (status = 404, body = crate::error::Problem),
              (status = 429, body = crate::error::Problem)))]
#[get("/api/v1/track")]
pub async fn track(
    req: HttpRequest,
    state: web::Data<Ctx>,
    query: ApiQuery<TrackParams>,
) -> Result<web::Json<TrackView>, ApiError> {
    let ip = crate::extract::client_ip(&req, &state.settings.trusted_proxies)
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !state.track_limiter.allow(ip) {
        return Err(ApiError::RateLimited);
    }
    let q = query.0;
    Ok(web::Json(
        read::track(&state, &q.tracking_no, &q.query_code).await?,
    ))
}
