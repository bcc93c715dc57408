//! Naming the handler responsible for a case (承办人): a clerk or the agency admin assigns an
//! open case to an active handler of the case's own agency. The `assigned` event is internal
//! (the applicant is not told who handles their case); the snapshot's `assignee_id` is what the
//! handler's queue opens on.

use yishen_domain::Role;
use yishen_domain::case::{Action, CaseEvent};
use yishen_store::models::case::CaseChanges;
use yishen_store::models::user;
use yishen_store::{AgencyId, CaseId, UserId};

use super::views::CaseView;
use super::{Step, act};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue};

/// Naming the handler responsible for a case.
#[derive(Debug, Clone)]
pub struct Assignment {
    user_id: UserId,
}

impl Assignment {
    /// `user_id`: the handler's account id.
    pub fn new(user_id: Option<UserId>) -> Result<Self, Vec<FieldIssue>> {
        let user_id =
            user_id.ok_or_else(|| vec![FieldIssue::new("user_id", "required", "请选择承办人")])?;
        Ok(Self { user_id })
    }
}

/// An active handler of the case's agency, or a 422 naming `user_id`.
fn handler_of(
    conn: &mut yishen_store::DbConn,
    user_id: UserId,
    agency_id: AgencyId,
) -> Result<user::User, AppError> {
    let not_a_handler =
        || AppError::field("user_id", "not_a_handler", "只能指定本机关在职的承办人账号");
    let (u, _) = user::find(conn, user_id)?.ok_or_else(not_a_handler)?;
    let ok = u.active && u.agency_id == Some(agency_id) && u.role == Role::Handler;
    if ok { Ok(u) } else { Err(not_a_handler()) }
}

pub async fn assign(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: Assignment,
) -> Result<CaseView, AppError> {
    let user_id = body.user_id;
    let on = state.today();
    act(
        state,
        actor,
        id,
        if_match,
        Action::Assign,
        move |conn, loaded, _actor| {
            let handler = handler_of(conn, user_id, loaded.case.agency_id)?;
            yishen_domain::case::checks::may_assign(
                loaded.case.assignee_id.map(UserId::get),
                handler.id.get(),
                &handler.display_name,
            )?;
            Ok(Step {
                events: vec![(
                    on.max(loaded.last_on().unwrap_or(on)),
                    CaseEvent::Assigned {
                        user_id: handler.id.get(),
                        name: handler.display_name,
                    },
                )],
                changes: CaseChanges {
                    assignee_id: Some(Some(handler.id)),
                    ..Default::default()
                },
            })
        },
    )
    .await
}
