//! Who may do what: the one place where authorization is decided. Handlers obtain the
//! [`Actor`](crate::auth::Actor) from the extractor and ask here before acting; queries
//! then receive the scope decided here, so a list never holds what the actor may not see.
//!
//! Denials that would reveal that something exists (another applicant's account, another
//! agency's staff) answer "not found"; denials by role answer "forbidden".

use yishen_domain::Role;
use yishen_store::models::case::CaseScope;
use yishen_store::models::user::UserScope;
use yishen_store::{AgencyId, UserId};

use crate::auth::Actor;
use crate::error::AppError;

/// Roles an agency administrator may give within their own agency.
const AGENCY_ADMIN_GRANTS: [Role; 5] = [
    Role::Clerk,
    Role::Handler,
    Role::LegalAdviser,
    Role::Approver,
    Role::AgencyAdmin,
];

fn forbidden(why: &str) -> AppError {
    AppError::Forbidden(why.to_owned())
}

/// The roles the actor may give to an account (what the account forms offer).
pub fn grantable_roles(actor: &Actor) -> &'static [Role] {
    match actor.role {
        Role::Sysadmin => &Role::STAFF,
        Role::AgencyAdmin => &AGENCY_ADMIN_GRANTS,
        _ => &[],
    }
}

/// Whose accounts the actor may list.
pub fn user_scope(actor: &Actor) -> Result<UserScope, AppError> {
    match (actor.role, actor.agency_id()) {
        (Role::Sysadmin, _) => Ok(UserScope::All),
        (Role::AgencyAdmin, Some(a)) => Ok(UserScope::Agency(a)),
        _ => Err(forbidden("只有系统管理员和机关管理员可以查看账号列表")),
    }
}

/// May the actor see account `target_id` of agency `target_agency`?
pub fn view_user(
    actor: &Actor,
    target_id: UserId,
    target_agency: Option<AgencyId>,
) -> Result<(), AppError> {
    let ok = actor.id == target_id
        || actor.role == Role::Sysadmin
        || (actor.role == Role::AgencyAdmin
            && target_agency.is_some()
            && target_agency == actor.agency_id());
    if ok {
        Ok(())
    } else {
        Err(AppError::NotFound("账号"))
    }
}

/// May the actor create an account of `role` in agency `agency_id`?
pub fn create_user(actor: &Actor, role: Role, agency_id: Option<AgencyId>) -> Result<(), AppError> {
    match actor.role {
        Role::Sysadmin => Ok(()),
        Role::AgencyAdmin => {
            if !AGENCY_ADMIN_GRANTS.contains(&role) {
                return Err(forbidden(
                    "机关管理员只能创建本机关的登记员、承办人、法律顾问、负责人和机关管理员账号",
                ));
            }
            if agency_id.is_none() || agency_id != actor.agency_id() {
                return Err(forbidden("机关管理员只能为本机关创建账号"));
            }
            Ok(())
        }
        _ => Err(forbidden("只有系统管理员和机关管理员可以创建工作人员账号")),
    }
}

/// May the actor change account `target` (of `target_role` in `target_agency`), possibly
/// giving it `new_role`?
pub fn update_user(
    actor: &Actor,
    target_id: UserId,
    target_role: Role,
    target_agency: Option<AgencyId>,
    new_role: Option<Role>,
) -> Result<(), AppError> {
    match actor.role {
        Role::Sysadmin => Ok(()),
        Role::AgencyAdmin => {
            view_user(actor, target_id, target_agency)?;
            if actor.id == target_id && new_role.is_some_and(|r| r != actor.role) {
                return Err(forbidden("不能修改自己的角色"));
            }
            let allowed = AGENCY_ADMIN_GRANTS.contains(&target_role)
                && new_role.is_none_or(|r| AGENCY_ADMIN_GRANTS.contains(&r));
            if allowed {
                Ok(())
            } else {
                Err(forbidden("机关管理员只能管理本机关工作人员的账号"))
            }
        }
        _ => {
            view_user(actor, target_id, target_agency)?;
            Err(forbidden("只有系统管理员和机关管理员可以修改账号"))
        }
    }
}

/// May the actor create agencies (the tree is the system administrator's)?
pub fn manage_agency_tree(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Sysadmin {
        Ok(())
    } else {
        Err(forbidden("只有系统管理员可以维护机关树"))
    }
}

/// May the actor change agency `agency_id`'s settings? `renames` when the official name
/// changes, which only the system administrator may do.
pub fn update_agency(actor: &Actor, agency_id: AgencyId, renames: bool) -> Result<(), AppError> {
    match actor.role {
        Role::Sysadmin => Ok(()),
        Role::AgencyAdmin if actor.agency_id() == Some(agency_id) => {
            if renames {
                Err(forbidden("机关名称只能由系统管理员修改"))
            } else {
                Ok(())
            }
        }
        _ => Err(forbidden("只有系统管理员或本机关管理员可以修改机关设置")),
    }
}

/// May the actor load a year's holiday notice?
pub fn manage_calendar(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Sysadmin {
        Ok(())
    } else {
        Err(forbidden("只有系统管理员可以载入节假日安排"))
    }
}

/// Whose cases the actor may report on: its own agency (staff), its subtree (reconsideration
/// bodies), anything (system administrator).
pub fn report_scope(
    actor: &Actor,
    target: &yishen_store::models::agency::Agency,
    subtree: bool,
) -> Result<yishen_store::models::report::ReportScope, AppError> {
    let allowed = match (actor.role, &actor.agency) {
        (Role::Sysadmin, _) => true,
        (Role::ReconsiderationBody, Some(a)) => target.path.starts_with(&a.path),
        (Role::Applicant, _) | (_, None) => false,
        (_, Some(a)) => a.id == target.id && !subtree,
    };
    if !allowed {
        return Err(AppError::Forbidden(
            "只能查看本机关（复议机关为其下级机关）的年度报告".into(),
        ));
    }
    Ok(if subtree {
        yishen_store::models::report::ReportScope::Subtree(target.path.clone())
    } else {
        yishen_store::models::report::ReportScope::Agency(target.id)
    })
}

/// Which cases the actor sees: applicants their own, staff their agency's, reconsideration
/// bodies their subtree's, the system administrator all.
pub fn case_scope(actor: &Actor) -> Result<CaseScope, AppError> {
    match (actor.role, &actor.agency) {
        (Role::Applicant, _) => Ok(CaseScope::Applicant(actor.id)),
        (Role::Sysadmin, _) => Ok(CaseScope::All),
        (Role::ReconsiderationBody, Some(a)) => Ok(CaseScope::Subtree(a.path.clone())),
        (_, Some(a)) => Ok(CaseScope::Agency(a.id)),
        (_, None) => Err(forbidden("该账号未归属任何机关，不能查看案件")),
    }
}

/// May the actor act on a case of `case_agency` (which it already sees)? Staff act only on
/// their own agency's cases; applicants on their own, which their scope already ensures.
pub fn act_on_case(actor: &Actor, case_agency: AgencyId) -> Result<(), AppError> {
    match actor.role {
        Role::Applicant => Ok(()),
        _ if actor.agency_id() == Some(case_agency) => Ok(()),
        _ => Err(forbidden("只有本机关的工作人员可以办理本机关的案件")),
    }
}

/// May the actor file or register an application with agency `agency_id`?
pub fn create_case(actor: &Actor, agency_id: AgencyId) -> Result<(), AppError> {
    match actor.role {
        Role::Applicant => Ok(()),
        Role::Clerk if actor.agency_id() == Some(agency_id) => Ok(()),
        Role::Clerk => Err(forbidden("登记员只能登记向本机关提出的申请")),
        _ => Err(forbidden("只有申请人和登记员可以提交申请")),
    }
}

/// The agency whose consultations (线上咨询) the actor answers: its staff who handle
/// applications, not reconsideration bodies nor the system administrator.
pub fn answer_inquiries(actor: &Actor) -> Result<AgencyId, AppError> {
    match (actor.role, actor.agency_id()) {
        (
            Role::Clerk | Role::Handler | Role::LegalAdviser | Role::Approver | Role::AgencyAdmin,
            Some(a),
        ) => Ok(a),
        _ => Err(forbidden(
            "只有机关的工作人员可以查看和答复向本机关提出的咨询",
        )),
    }
}

/// May the actor publish, edit or withdraw `agency`'s replies in the reading room (依申请转主动)?
pub fn publish_to_reading_room(actor: &Actor, agency: AgencyId) -> Result<(), AppError> {
    match actor.role {
        Role::Handler | Role::Approver | Role::AgencyAdmin | Role::LegalAdviser
            if actor.agency_id() == Some(agency) =>
        {
            Ok(())
        }
        _ => Err(forbidden(
            "只有本机关的承办人、审核人、签发人或管理员可以将答复转为主动公开",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ActorAgency;

    fn actor(id: i64, role: Role, agency: Option<i64>) -> Actor {
        Actor {
            id: UserId(id),
            username: format!("u{id}"),
            role,
            agency: agency.map(|a| ActorAgency {
                id: AgencyId(a),
                code: format!("A{a}"),
                path: format!("/A{a}/"),
            }),
        }
    }

    #[test]
    fn agency_admins_manage_only_their_own_staff() {
        let admin = actor(1, Role::AgencyAdmin, Some(10));
        let own = Some(AgencyId(10));
        assert!(create_user(&admin, Role::Clerk, own).is_ok());
        assert!(create_user(&admin, Role::Clerk, Some(AgencyId(11))).is_err());
        assert!(create_user(&admin, Role::Sysadmin, None).is_err());
        assert!(create_user(&admin, Role::ReconsiderationBody, own).is_err());
        // (target, its role, its agency, the new role)
        let update = |target: i64, role: Role, agency: Option<AgencyId>, to: Option<Role>| {
            update_user(&admin, UserId(target), role, agency, to)
        };
        assert!(update(2, Role::Clerk, own, Some(Role::Handler)).is_ok());
        assert!(update(2, Role::Clerk, own, Some(Role::Sysadmin)).is_err());
        assert!(matches!(
            update(3, Role::Clerk, Some(AgencyId(11)), None),
            Err(AppError::NotFound(_))
        ));
        assert!(update(1, Role::AgencyAdmin, own, Some(Role::Clerk)).is_err());
    }

    #[test]
    fn nobody_else_sees_other_accounts() {
        let applicant = actor(5, Role::Applicant, None);
        assert!(view_user(&applicant, UserId(5), None).is_ok());
        assert!(matches!(
            view_user(&applicant, UserId(6), None),
            Err(AppError::NotFound(_))
        ));
        assert!(user_scope(&applicant).is_err());
        let clerk = actor(7, Role::Clerk, Some(10));
        assert!(matches!(
            view_user(&clerk, UserId(8), Some(AgencyId(10))),
            Err(AppError::NotFound(_))
        ));
    }
}
