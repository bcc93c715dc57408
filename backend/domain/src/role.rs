//! The roles of CONTRACT.md and what each may be attached to.

use serde::{Deserialize, Serialize};

/// A user's role. Staff roles belong to exactly one agency; applicants and the system
/// administrator belong to none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    Clerk,
    Handler,
    LegalAdviser,
    Approver,
    AgencyAdmin,
    ReconsiderationBody,
    Sysadmin,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "未知角色，可选：applicant、clerk、handler、legal_adviser、approver、agency_admin、reconsideration_body、sysadmin"
)]
pub struct UnknownRole;

// `store` maps the users' `role` column through this.
crate::stored_code!(Role, Role::find);

impl Role {
    /// Every role of an agency's or a reconsideration body's staff: all but the applicant.
    pub const STAFF: [Role; 7] = [
        Role::Clerk,
        Role::Handler,
        Role::LegalAdviser,
        Role::Approver,
        Role::AgencyAdmin,
        Role::ReconsiderationBody,
        Role::Sysadmin,
    ];

    pub const ALL: [Role; 8] = [
        Role::Applicant,
        Role::Clerk,
        Role::Handler,
        Role::LegalAdviser,
        Role::Approver,
        Role::AgencyAdmin,
        Role::ReconsiderationBody,
        Role::Sysadmin,
    ];

    pub fn parse(s: &str) -> Result<Self, UnknownRole> {
        Self::find(s).ok_or(UnknownRole)
    }

    fn find(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Clerk => "clerk",
            Role::Handler => "handler",
            Role::LegalAdviser => "legal_adviser",
            Role::Approver => "approver",
            Role::AgencyAdmin => "agency_admin",
            Role::ReconsiderationBody => "reconsideration_body",
            Role::Sysadmin => "sysadmin",
        }
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Applicant => "申请人",
            Role::Clerk => "登记员",
            Role::Handler => "承办人",
            Role::LegalAdviser => "法律顾问",
            Role::Approver => "负责人",
            Role::AgencyAdmin => "机关管理员",
            Role::ReconsiderationBody => "复议机关",
            Role::Sysadmin => "系统管理员",
        }
    }

    /// Whether accounts of this role must belong to an agency.
    pub fn needs_agency(self) -> bool {
        !matches!(self, Role::Applicant | Role::Sysadmin)
    }

    /// Whether the role works inside the administration (not an applicant).
    pub fn is_staff(self) -> bool {
        self != Role::Applicant
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert_eq!(Role::parse("admin"), Err(UnknownRole));
    }
}
