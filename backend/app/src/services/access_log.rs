//! Seeing an applicant's personal data in full, and the log of it (个人信息保护法). The case
//! views mask the identity number and the phone; a member of staff who needs them (to check an
//! identity, to telephone, to post a letter by hand) asks for them here, and that request is
//! recorded with who, when and which case, in the same transaction as it is answered. Opening
//! the dossier of an applicant's applications is recorded the same way. The agency's
//! administrator reads the log; the applicant and other staff do not.

use serde::Serialize;
use yishen_domain::Role;
use yishen_domain::case::IdType;
use yishen_store::CaseId;
use yishen_store::models::access_event::{self, AccessKind};
use yishen_store::models::case as case_store;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;
use crate::services::cases::views::decrypt;

/// An applicant's particulars, unmasked.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub name: String,
    pub id_type_label: &'static str,
    pub id_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// Always true: this viewing has been recorded.
    pub recorded: bool,
}

/// The applicant's particulars of case `id`, unmasked, for staff who may see the case; the
/// viewing is recorded first, in the same transaction.
pub async fn contact(state: &Ctx, actor: &Actor, id: CaseId) -> Result<Contact, AppError> {
    if actor.role == Role::Applicant {
        return Err(AppError::Forbidden(
            "申请人可在“我的申请”中查看自己提交的信息".into(),
        ));
    }
    let scope = policy::case_scope(actor)?;
    let pii = state.pii.clone();
    let user = actor.id;
    let a = state
        .write(move |conn| {
            case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let a = case_store::applicant(conn, id)?.ok_or(AppError::NotFound("申请人"))?;
            access_event::record(
                conn,
                user,
                id,
                AccessKind::PersonalData,
                yishen_store::now(),
            )?;
            Ok(a)
        })
        .await?;
    tracing::info!(
        case_id = id.get(),
        user_id = user.get(),
        "personal data viewed in full"
    );
    Ok(Contact {
        name: a.name.clone(),
        id_type_label: IdType::parse(&a.id_type).map(IdType::label).unwrap_or(""),
        id_number: pii.decrypt(&a.id_number_enc).map_err(AppError::Internal)?,
        phone: decrypt(&pii, a.phone_enc.as_deref())?,
        email: decrypt(&pii, a.email_enc.as_deref())?,
        address: decrypt(&pii, a.address_enc.as_deref())?,
        recorded: true,
    })
}

/// Records that `actor` opened the dossier of case `id`'s applicant.
pub async fn dossier_opened(state: &Ctx, actor: &Actor, id: CaseId) -> Result<(), AppError> {
    let user = actor.id;
    state
        .write(move |conn| {
            access_event::record(conn, user, id, AccessKind::Dossier, yishen_store::now())?;
            Ok(())
        })
        .await
}

/// One entry of the log as shown.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessView {
    /// When, in China Standard Time as people read it (`2026年12月3日 07:15`).
    pub at: String,
    pub username: String,
    pub display_name: String,
    pub case_id: i64,
    pub tracking_no: String,
    /// `personal_data` or `dossier`.
    pub kind: String,
    pub kind_label: &'static str,
}

/// How many entries the log shows.
const SHOWN: i64 = 500;

/// The latest viewings of personal data in the cases of the actor's agency (agency
/// administrators), or of every agency (system administrators).
pub async fn list(state: &Ctx, actor: &Actor) -> Result<Vec<AccessView>, AppError> {
    let agency = match actor.role {
        Role::AgencyAdmin => Some(
            actor
                .agency_id()
                .ok_or_else(|| AppError::Forbidden("账号未关联机关".into()))?,
        ),
        Role::Sysadmin => None,
        _ => {
            return Err(AppError::Forbidden(
                "个人信息查看记录只对本机关管理员和系统管理员开放".into(),
            ));
        }
    };
    let rows = state
        .read(move |conn| Ok(access_event::list(conn, agency, SHOWN)?))
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let kind = AccessKind::parse(&r.kind);
            AccessView {
                at: crate::time::local(r.at),
                username: r.username,
                display_name: r.display_name,
                case_id: r.case_id.get(),
                tracking_no: r.tracking_no,
                kind_label: kind.map_or("", AccessKind::label),
                kind: r.kind,
            }
        })
        .collect())
}
