//! The web pages' sessions: a cookie's hash stands for a signed-in account until it expires or
//! is revoked. How the cookie travels is the server's; what a session is, is here.

use yishen_store::UserId;
use yishen_store::models::{user, web_session};

use crate::auth::{Actor, active_actor};
use crate::ctx::Ctx;
use crate::error::AppError;

/// A live session: who, the name the pages greet, and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct LiveSession {
    pub actor: Actor,
    pub display_name: Option<String>,
    pub csrf: String,
}

/// The live session whose cookie hashes to `hash`, for an account still active.
pub async fn find(state: &Ctx, hash: String) -> Result<Option<LiveSession>, AppError> {
    state
        .read(move |conn| {
            let Some(s) = web_session::find_live(conn, &hash, yishen_store::now())? else {
                return Ok(None);
            };
            let Some(actor) = active_actor(conn, s.user_id)? else {
                return Ok(None);
            };
            let display_name = user::find(conn, s.user_id)?.map(|(u, _)| u.display_name);
            Ok(Some(LiveSession {
                actor,
                display_name,
                csrf: s.csrf_token,
            }))
        })
        .await
}

/// Records a new session for `user_id`, valid for `hours`.
pub async fn open(
    state: &Ctx,
    user_id: UserId,
    hash: String,
    csrf: String,
    hours: i64,
) -> Result<(), AppError> {
    state
        .write(move |conn| {
            let now = yishen_store::now();
            web_session::insert(
                conn,
                &web_session::NewWebSession {
                    session_hash: &hash,
                    user_id,
                    csrf_token: &csrf,
                    created_at: now,
                    expires_at: now + chrono::Duration::hours(hours),
                },
            )?;
            Ok(())
        })
        .await
}

/// Ends the session (logout).
pub async fn revoke(state: &Ctx, hash: String) -> Result<(), AppError> {
    state
        .write(move |conn| {
            web_session::revoke(conn, &hash, yishen_store::now())?;
            Ok(())
        })
        .await
}
