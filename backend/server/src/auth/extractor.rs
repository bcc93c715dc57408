//! The acting user, from `Authorization: Bearer <access token>`: a handler takes
//! `Caller(actor): Caller`. The token's session and the account are checked on every request
//! so that a logout, a password change, a deactivation or a role change applies at once.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use yishen_app::Ctx;
use yishen_app::auth::{Actor, session_actor};

use crate::error::ApiError;

/// The authenticated, active user of an API request.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn load(state: web::Data<Ctx>, token: String) -> Result<Actor, ApiError> {
    let (id, session) = state
        .keys
        .verify_access(&token)
        .ok_or(ApiError::InvalidToken)?;
    session_actor(&state, id, session)
        .await?
        .ok_or(ApiError::InvalidToken)
}

pub(crate) fn app_state(req: &HttpRequest) -> Result<web::Data<Ctx>, ApiError> {
    req.app_data::<web::Data<Ctx>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = app_state(req);
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthenticated)?;
            load(state?, token).await.map(Caller)
        })
    }
}
