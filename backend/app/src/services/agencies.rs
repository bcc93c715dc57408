//! The agency tree: creation by the system administrator, settings by the agency's own
//! administrator.

use yishen_domain::case::AgencySettings;
use yishen_domain::{AgencyCode, OfficialName};
use yishen_store::AgencyId;
use yishen_store::models::agency;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;
use yishen_domain::screening::ScreeningThresholds;

#[derive(Debug)]
pub struct NewAgencyInput {
    pub code: AgencyCode,
    pub name: OfficialName,
    pub parent: Option<AgencyCode>,
    pub reconsideration_body_name: Option<OfficialName>,
    pub court_name: Option<OfficialName>,
    pub letter_prefix: Option<OfficialName>,
}

pub async fn create(
    state: &Ctx,
    actor: &Actor,
    input: NewAgencyInput,
) -> Result<agency::Agency, AppError> {
    policy::manage_agency_tree(actor)?;
    state
        .write(move |conn| {
            let parent = match &input.parent {
                Some(p) => Some(agency::find_by_code(conn, p.as_str())?.ok_or_else(|| {
                    AppError::field("parent", "unknown_agency", "上级机关代码不存在")
                })?),
                None => None,
            };
            let path = agency::child_path(parent.as_ref(), input.code.as_str());
            let now = yishen_store::now();
            let id = agency::insert(
                conn,
                &agency::NewAgency {
                    code: input.code.as_str(),
                    name: input.name.as_str(),
                    parent_id: parent.as_ref().map(|p| p.id),
                    path: &path,
                    reconsideration_body_name: input
                        .reconsideration_body_name
                        .as_ref()
                        .map(|n| n.as_str()),
                    court_name: input.court_name.as_ref().map(|n| n.as_str()),
                    letter_prefix: input.letter_prefix.as_ref().map(|n| n.as_str()),
                    settings: "{}",
                    created_at: now,
                    updated_at: now,
                },
            )
            .map_err(|e| {
                if yishen_store::is_unique_violation(&e) {
                    AppError::Conflict {
                        code: "agency_code_taken",
                        detail: "该机关代码已存在".into(),
                    }
                } else {
                    e.into()
                }
            })?;
            agency::find(conn, id)?.ok_or_else(|| anyhow::anyhow!("agency {id} vanished").into())
        })
        .await
}

#[derive(Debug, Default)]
pub struct AgencyUpdate {
    pub name: Option<OfficialName>,
    pub reconsideration_body_name: Option<Option<OfficialName>>,
    pub court_name: Option<Option<OfficialName>>,
    pub letter_prefix: Option<Option<OfficialName>>,
    pub correction_period_days: Option<u32>,
    pub fee_pause_excluded: Option<bool>,
    pub approver_signoff: Option<bool>,
    /// The letters' 附注 contact; `Some(None)` clears it.
    pub contact_person: Option<Option<String>>,
    pub contact_phone: Option<Option<String>>,
    /// The mailbox answers to the agency's notifications go to; `Some(None)` clears it.
    pub reply_to: Option<Option<yishen_domain::Email>>,
    /// The screening thresholds; `Some(None)` returns to the defaults.
    pub screening: Option<Option<ScreeningThresholds>>,
    /// How long documents are kept after the case is concluded; `Some` replaces the setting.
    pub document_retention: Option<yishen_domain::document::Retention>,
}

/// Whether the actor may change the agency's settings at all, asked before the body is read
/// (404 for an unknown code, 403 for someone else's agency, whatever the body says).
pub async fn may_update(state: &Ctx, actor: &Actor, code: AgencyCode) -> Result<(), AppError> {
    let actor = actor.clone();
    state
        .read(move |conn| {
            let a = agency::find_by_code(conn, code.as_str())?.ok_or(AppError::NotFound("机关"))?;
            policy::update_agency(&actor, a.id, false)
        })
        .await
}

pub async fn update(
    state: &Ctx,
    actor: &Actor,
    code: AgencyCode,
    input: AgencyUpdate,
) -> Result<agency::Agency, AppError> {
    let actor = actor.clone();
    state
        .write(move |conn| {
            let a = agency::find_by_code(conn, code.as_str())?.ok_or(AppError::NotFound("机关"))?;
            policy::update_agency(&actor, a.id, input.name.is_some())?;
            let opt = |v: Option<Option<OfficialName>>| v.map(|o| o.map(OfficialName::into_inner));
            let settings = if input.correction_period_days.is_some()
                || input.fee_pause_excluded.is_some()
                || input.approver_signoff.is_some()
                || input.contact_person.is_some()
                || input.contact_phone.is_some()
                || input.reply_to.is_some()
                || input.screening.is_some()
                || input.document_retention.is_some()
            {
                let mut s = AgencySettings::from_settings(&a.settings);
                if let Some(d) = input.correction_period_days {
                    s.rules.correction_period_days = d;
                }
                if let Some(f) = input.fee_pause_excluded {
                    s.rules.fee_pause_excluded = f;
                }
                if let Some(v) = input.approver_signoff {
                    s.rules.approver_signoff = v;
                }
                if let Some(p) = input.contact_person {
                    s.contact_person = p;
                }
                if let Some(t) = input.contact_phone {
                    s.contact_phone = t;
                }
                if let Some(r) = input.reply_to {
                    s.reply_to = r.map(|e| e.as_str().to_owned());
                }
                if let Some(t) = input.screening {
                    s.screening = t;
                }
                if let Some(r) = input.document_retention {
                    s.document_retention = r;
                }
                Some(serde_json::to_string(&s).map_err(anyhow::Error::from)?)
            } else {
                None
            };
            agency::update(
                conn,
                a.id,
                &agency::AgencyChanges {
                    name: input.name.map(OfficialName::into_inner),
                    reconsideration_body_name: opt(input.reconsideration_body_name),
                    court_name: opt(input.court_name),
                    letter_prefix: opt(input.letter_prefix),
                    settings,
                    updated_at: Some(yishen_store::now()),
                },
            )?;
            agency::find(conn, a.id)?.ok_or_else(|| anyhow::anyhow!("agency vanished").into())
        })
        .await
}

/// Every agency, parents before children (public: the filing form and the API list them).
pub async fn list(state: &Ctx) -> Result<Vec<agency::Agency>, AppError> {
    state.read(|conn| Ok(agency::list(conn)?)).await
}

/// One agency by its code.
pub async fn by_code(state: &Ctx, code: String) -> Result<agency::Agency, AppError> {
    state
        .read(move |conn| agency::find_by_code(conn, &code)?.ok_or(AppError::NotFound("机关")))
        .await
}

/// The actor's own agency, if the account has one that still exists.
pub async fn own(state: &Ctx, actor: &Actor) -> Result<Option<agency::Agency>, AppError> {
    let Some(id) = actor.agency_id() else {
        return Ok(None);
    };
    state.read(move |conn| Ok(agency::find(conn, id)?)).await
}

/// The agencies the actor may pick in a form, parents before children: every agency for the
/// system administrator, a reconsideration body's subtree, otherwise the actor's own agency.
pub async fn selectable(state: &Ctx, actor: &Actor) -> Result<Vec<agency::Agency>, AppError> {
    let (role, own) = (actor.role, actor.agency.clone());
    state
        .read(move |conn| {
            Ok(match (role, own) {
                (yishen_domain::Role::Sysadmin, _) => agency::list(conn)?,
                (yishen_domain::Role::ReconsiderationBody, Some(a)) => {
                    agency::subtree(conn, &a.path)?
                }
                (_, Some(a)) => agency::find(conn, a.id)?.into_iter().collect(),
                (_, None) => Vec::new(),
            })
        })
        .await
}

/// The agencies the actor administers, parents before children, each with its seal if one is
/// uploaded: every agency for the system administrator, its own for an agency administrator.
pub async fn administered(
    state: &Ctx,
    actor: &Actor,
) -> Result<Vec<(agency::Agency, Option<crate::services::seals::SealInfo>)>, AppError> {
    // An agency administrator sees its own agency only (policy::update_agency).
    let own = match actor.role {
        yishen_domain::Role::Sysadmin => None,
        _ => Some(actor.agency_id()),
    };
    state
        .read(move |conn| {
            let mut seals: std::collections::HashMap<AgencyId, crate::services::seals::SealInfo> =
                yishen_store::models::agency_seal::all_meta(conn)?
                    .into_iter()
                    .map(|m| (m.agency_id, m.into()))
                    .collect();
            Ok(agency::list(conn)?
                .into_iter()
                .filter(|a| own.is_none_or(|id| id == Some(a.id)))
                .map(|a| {
                    let seal = seals.remove(&a.id);
                    (a, seal)
                })
                .collect())
        })
        .await
}
