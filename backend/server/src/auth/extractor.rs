//! The acting user, from `Authorization: Bearer <access token>`. The account is loaded on
//! every request so that deactivation and role changes apply at once.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use yishen_domain::Role;
use yishen_store::DbConn;
use yishen_store::models::{agency, user};

use crate::error::ApiError;
use crate::state::AppState;

/// The agency a staff account belongs to.
#[derive(Debug, Clone)]
pub struct ActorAgency {
    pub id: i64,
    pub code: String,
    /// `/ZJ/ZJ-HZ/`: the chain of codes from the root.
    pub path: String,
}

/// An authenticated, active user.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub agency: Option<ActorAgency>,
}

impl Actor {
    pub fn agency_id(&self) -> Option<i64> {
        self.agency.as_ref().map(|a| a.id)
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The active account `id` as an actor, or `None` when it is unknown or deactivated. Shared
/// by the bearer-token extractor and the web pages' session extractor.
pub(crate) fn active_actor(conn: &mut DbConn, id: i64) -> Result<Option<Actor>, ApiError> {
    let Some((u, _)) = user::find(conn, id)? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    let role = Role::parse(&u.role)
        .map_err(|_| anyhow::anyhow!("user {} has unknown role {}", u.id, u.role))?;
    let agency = match u.agency_id {
        Some(aid) => agency::find(conn, aid)?.map(|a| ActorAgency {
            id: a.id,
            code: a.code,
            path: a.path,
        }),
        None => None,
    };
    Ok(Some(Actor {
        id: u.id,
        username: u.username,
        role,
        agency,
    }))
}

async fn load(state: web::Data<AppState>, token: String) -> Result<Actor, ApiError> {
    let id = state
        .keys
        .verify_access(&token)
        .ok_or(ApiError::InvalidToken)?;
    state
        .read(move |conn| active_actor(conn, id)?.ok_or(ApiError::InvalidToken))
        .await
}

pub(crate) fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = app_state(req);
        Box::pin(async move {
            let token = token.ok_or(ApiError::Unauthenticated)?;
            load(state?, token).await
        })
    }
}
