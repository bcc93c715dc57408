//! Who is acting: the active account behind a request, command or job, and the logic of
//! passwords and tokens. How a request proves who it is (a bearer header, a session cookie)
//! is the server's; what an identity may do is [`crate::policy`].

pub mod password;
pub mod tokens;

use yishen_domain::Role;
use yishen_store::DbConn;
use yishen_store::models::{agency, user};
use yishen_store::{AgencyId, UserId};

use crate::ctx::Ctx;
use crate::error::AppError;

/// The agency a staff account belongs to.
#[derive(Debug, Clone)]
pub struct ActorAgency {
    pub id: AgencyId,
    pub code: String,
    /// `/ZJ/ZJ-HZ/`: the chain of codes from the root.
    pub path: String,
}

/// An authenticated, active user.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub agency: Option<ActorAgency>,
}

impl Actor {
    pub fn agency_id(&self) -> Option<AgencyId> {
        self.agency.as_ref().map(|a| a.id)
    }
}

/// The active account `id` as an actor, or `None` when it is unknown or deactivated. The
/// account is loaded on every request so that deactivation and role changes apply at once.
pub fn active_actor(conn: &mut DbConn, id: UserId) -> Result<Option<Actor>, AppError> {
    let Some((u, _)) = user::find(conn, id)? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    let role = u.role;
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

/// The actor of an access token issued in `session` (a refresh-token family): `None` when the
/// session has ended (a logout, a password change, an administrator's change of the account,
/// its refresh tokens expired) or the account is no longer active. Read on every request, so
/// that ending a session ends every access token issued in it at once; one statement
/// ([`user::session_account`]) with no transaction around it.
pub async fn session_actor(
    ctx: &Ctx,
    id: UserId,
    session: String,
) -> Result<Option<Actor>, AppError> {
    let now = yishen_store::now();
    let account = ctx
        .statement(move |conn| user::session_account(conn, id, &session, now))
        .await?;
    Ok(account.filter(|a| a.active).map(|a| Actor {
        id: a.id,
        username: a.username,
        role: a.role,
        agency: a
            .agency
            .map(|(id, code, path)| ActorAgency { id, code, path }),
    }))
}
