//! Deflection: the filing page reports the published answers it suggested on a form; the
//! agency reads the monthly count.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use yishen_app::Ctx;
use yishen_app::services::deflection::{self, Report};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionsShownBody {
    /// The agency the request is for, by code (absent while none is chosen).
    #[schema(max_length = 64)]
    agency: Option<String>,
    /// FAQ entries suggested.
    #[schema(minimum = 0, maximum = 100)]
    faq: u32,
    /// Reading-room entries suggested.
    #[schema(minimum = 0, maximum = 100)]
    reading_room: u32,
}

/// The filing form `token` showed suggestions (no account needed: the form is the key).
#[utoipa::path(tag = "inquiries", params(("token" = String, Path, min_length = 20, max_length = 100)),
    request_body = SuggestionsShownBody, responses((status = 204)))]
#[post("/api/v1/filing-drafts/{token}/suggestions")]
pub async fn shown(
    state: web::Data<Ctx>,
    token: web::Path<String>,
    body: ApiJson<SuggestionsShownBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    deflection::shown(&state, &token, b.agency, b.faq, b.reading_room).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// For the caller's agency, by month: filing forms shown suggestions, filed, left.
#[utoipa::path(tag = "inquiries", security(("bearer" = [])), responses((status = 200, body = Report)))]
#[get("/api/v1/stats/deflection")]
pub async fn report(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
) -> Result<web::Json<Report>, ApiError> {
    Ok(web::Json(deflection::report(&state, &actor).await?))
}
