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

/// What a session cookie stands for.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// A live session of an active account.
    Live(LiveSession),
    /// A session that was live but unused for longer than the idle timeout: ended now.
    Idle,
    /// No live session (unknown, revoked, expired, or the account deactivated).
    None,
}

/// How often a session's last use is written: a page view within this time of the last one
/// written does not write again (at most one write a minute per person at work), and always
/// well within the idle timeout, so that a session in use never lapses.
fn touch_every(idle: chrono::Duration) -> chrono::Duration {
    (idle / 4).min(chrono::Duration::seconds(60))
}

/// The session whose cookie hashes to `hash`. A session unused for longer than the idle
/// timeout (`session_idle`) is ended here; one in use has its last use recorded.
pub async fn find(state: &Ctx, hash: String) -> Result<Lookup, AppError> {
    let idle = chrono::Duration::from_std(state.settings.session_idle)
        .unwrap_or_else(|_| chrono::Duration::minutes(30));
    let now = yishen_store::now();
    let found = state
        .read(move |conn| {
            let Some(s) = web_session::find_live(conn, &hash, now)? else {
                return Ok(None);
            };
            let Some(actor) = active_actor(conn, s.user_id)? else {
                return Ok(None);
            };
            let display_name = user::find(conn, s.user_id)?.map(|(u, _)| u.display_name);
            Ok(Some((s, actor, display_name)))
        })
        .await?;
    let Some((s, actor, display_name)) = found else {
        return Ok(Lookup::None);
    };
    let last = s.last_used();
    if now - last > idle {
        let hash = s.session_hash.clone();
        state
            .write(move |conn| Ok(web_session::revoke(conn, &hash, now)?))
            .await?;
        tracing::info!(
            user_id = s.user_id.get(),
            "web session ended after idle time"
        );
        return Ok(Lookup::Idle);
    }
    if now - last >= touch_every(idle) {
        let id = s.id;
        state
            .write(move |conn| Ok(web_session::touch(conn, id, now)?))
            .await?;
    }
    Ok(Lookup::Live(LiveSession {
        actor,
        display_name,
        csrf: s.csrf_token,
    }))
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
