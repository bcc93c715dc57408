//! The notification outbox for the system administrator: counts, the messages given up, and
//! sending one again.

use actix_web::{HttpResponse, get, post, web};
use yishen_app::Ctx;
use yishen_app::services::notifications::{self, Outbox};

use crate::auth::Caller;
use crate::error::ApiError;

/// The outbox: how many messages are pending, sent, given up and not sent, whether e-mail and
/// SMS are configured, and the messages given up (newest first).
#[utoipa::path(tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Outbox), (status = 401, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem)))]
#[get("/api/v1/notifications")]
pub async fn outbox(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
) -> Result<web::Json<Outbox>, ApiError> {
    Ok(web::Json(notifications::outbox(&state, &actor).await?))
}

/// Puts a message that was given up (or not sent) back in the queue, its tries counted afresh.
#[utoipa::path(tag = "notifications", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::Problem),
        (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
#[post("/api/v1/notifications/{id}/resend")]
pub async fn resend(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    notifications::resend(&state, &actor, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
