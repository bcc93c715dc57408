//! The access log of personal data: who saw an applicant's particulars in full, or the dossier
//! of their applications, when, in which case. Kept for the agency's administrator (个人信息
//! 保护法); never shown to the applicant or other staff.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{AgencyId, CaseId, UserId};
use crate::schema::{access_events, cases, users};

/// What was seen (a closed set; the migration's CHECK says the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    /// The identity number, phone, e-mail and address, unmasked.
    PersonalData,
    /// The dossier of the applicant's applications.
    Dossier,
}

impl AccessKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PersonalData => "personal_data",
            Self::Dossier => "dossier",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::PersonalData, Self::Dossier]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::PersonalData => "完整身份信息（证件号码、电话、电子邮件、地址）",
            Self::Dossier => "申请人档案",
        }
    }
}

pub fn record(
    conn: &mut DbConn,
    user_id: UserId,
    case_id: CaseId,
    kind: AccessKind,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(access_events::table)
        .values((
            access_events::user_id.eq(user_id),
            access_events::case_id.eq(case_id),
            access_events::kind.eq(kind.as_str()),
            access_events::at.eq(at),
        ))
        .execute(conn)
}

/// One entry as listed: when, who (username and name), which case, what.
#[derive(Debug, Clone, Queryable)]
pub struct AccessRow {
    pub at: NaiveDateTime,
    pub username: String,
    pub display_name: String,
    pub case_id: CaseId,
    pub tracking_no: String,
    pub kind: String,
}

/// The latest `limit` entries about the cases of `agency` (every agency's when `None`),
/// newest first.
pub fn list(
    conn: &mut DbConn,
    agency: Option<AgencyId>,
    limit: i64,
) -> QueryResult<Vec<AccessRow>> {
    let mut q = access_events::table
        .inner_join(users::table)
        .inner_join(cases::table)
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(cases::agency_id.eq(a));
    }
    q.order(access_events::id.desc())
        .limit(limit)
        .select((
            access_events::at,
            users::username,
            users::display_name,
            access_events::case_id,
            cases::tracking_no,
            access_events::kind,
        ))
        .load(conn)
}
