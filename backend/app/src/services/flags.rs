//! Screening at intake (滥用申请权甄别): after a case is filed, its applicant's identity
//! cluster is gathered through the keyed hashes its members share, transitively (identity
//! number, phone, e-mail, normalised address), the cluster's earlier applications are compared
//! with the new request (MinHash over the request core, and for the few answered or litigated
//! ones MinHash does not match, the similar-case index's restatement: `yishen_similar`), and
//! `yishen_domain::screening` decides which flags the evidence supports. When a cluster's
//! history changes (a filing that merges clusters, a reply, a reconsideration or suit) its
//! open cases are screened again. Flags are stored `open`; only a person confirms or
//! dismisses one, with a reason, and no flag changes a case by itself.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use yishen_domain::case::{AgencySettings, Status};
use yishen_domain::screening::{
    self, Answer, Application, Evidence, FlagStatus, IdentityLinks, PastApplication, Proceeding,
    ProceedingKind, ReviewDecision, ScreeningInput, ScreeningThresholds, review,
};
use yishen_domain::{Disposition, Role};
use yishen_similar::{Signature, SimilarIndex};
use yishen_store::DbConn;
use yishen_store::models::agency::{self, Agency};
use yishen_store::models::case::{self as case_store};
use yishen_store::models::flag::{self as flag_store, ClusterLimits, NewCaseFlag};
use yishen_store::{AgencyId, CaseId};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue};
use crate::pii::Pii;
use crate::policy;
use crate::services::restatements::ScreeningCache;
use crate::services::signatures;

/// How far one screening follows a cluster: enough for every threshold of the rules (the
/// largest counts a year of applications) while keeping intake's work bounded.
const CLUSTER_LIMITS: ClusterLimits = ClusterLimits {
    max_members: 2_000,
    per_hash: 500,
    max_lookups: 64,
};

/// Open cases re-screened at most when a cluster's history changes (newest first).
const RESCREEN_MAX: usize = 50;

/// What screening consults besides the database: the kept signatures and restatements, and
/// the similar-case index (absent in command-line runs, where character similarity alone
/// decides whether two requests are the same).
#[derive(Clone, Copy)]
pub struct Lookups<'a> {
    pub cache: &'a ScreeningCache,
    pub index: Option<&'a SimilarIndex>,
}

/// One application of a loaded cluster, as screening and the dossier see it.
pub(crate) struct Member {
    pub app: Application,
    pub status: Status,
    pub disposition: Option<Disposition>,
    pub concluded_on: Option<NaiveDate>,
    pub agency_id: AgencyId,
    pub agency_path: String,
    pub agency_name: String,
    pub applicant_name: String,
    pub proceedings: Vec<Proceeding>,
    signature: Signature,
}

impl Member {
    fn answered(&self) -> Option<Answer> {
        match (self.disposition, self.concluded_on) {
            (Some(d), Some(on)) if d.is_reply() => Some(Answer {
                on,
                agency: self.app.agency.clone(),
            }),
            _ => None,
        }
    }

    /// How similar this request is to `other`'s (MinHash estimate of the Jaccard similarity
    /// of their request cores).
    pub fn similarity(&self, other: &Member) -> f64 {
        f64::from(yishen_similar::jaccard_estimate(
            &self.signature,
            &other.signature,
        ))
    }
}

/// A case's identity cluster with everything screening needs, read in a few batch queries.
pub(crate) struct LoadedCluster {
    /// Ascending by case id.
    pub members: Vec<Member>,
    /// The hashes that joined the members (for the dossier's link summary).
    pub cluster: screening::Cluster,
    /// Signatures made while loading because none was stored: for a writer to save.
    pub fresh: Vec<signatures::Fresh>,
    /// Each member's version as its history row was read, ascending by case id.
    pub versions: Vec<(CaseId, i64)>,
}

impl LoadedCluster {
    pub fn member(&self, case_id: CaseId) -> Option<&Member> {
        self.members
            .binary_search_by_key(&case_id.get(), |m| m.app.id)
            .ok()
            .and_then(|i| self.members.get(i))
    }
}

/// Reads the identity cluster of `case_id` (transitively joined by shared keyed hashes). The
/// signatures that had to be made are in [`LoadedCluster::fresh`], for a writer to save.
pub(crate) fn load_cluster(
    conn: &mut DbConn,
    pii: &Pii,
    case_id: CaseId,
    today: NaiveDate,
) -> Result<Option<LoadedCluster>, AppError> {
    let links = flag_store::cluster_members(conn, case_id, CLUSTER_LIMITS)?;
    if links.is_empty() {
        return Ok(None);
    }
    let ids: Vec<CaseId> = links.iter().map(|l| l.case_id).collect();
    let proceedings = flag_store::proceedings(conn, &ids)?;
    load_members(conn, pii, case_id, today, links, proceedings).map(Some)
}

/// The rest of [`load_cluster`] once the cluster's links and proceedings are read (non-empty
/// links): each member's history row and signature.
fn load_members(
    conn: &mut DbConn,
    pii: &Pii,
    case_id: CaseId,
    today: NaiveDate,
    links: Vec<flag_store::MemberLinks>,
    proceeding_rows: Vec<flag_store::ProceedingRow>,
) -> Result<LoadedCluster, AppError> {
    let ids: Vec<CaseId> = links.iter().map(|l| l.case_id).collect();
    let mut proceedings: HashMap<CaseId, Vec<Proceeding>> = HashMap::new();
    for p in proceeding_rows {
        proceedings.entry(p.case_id).or_default().push(Proceeding {
            kind: if p.litigation {
                ProceedingKind::Litigation
            } else {
                ProceedingKind::Reconsideration
            },
            filed_on: p.filed_on,
            decided_on: p.decided_on,
        });
    }
    let links: HashMap<CaseId, IdentityLinks> = links
        .into_iter()
        .map(|l| {
            (
                l.case_id,
                IdentityLinks {
                    id_hash: Some(l.id_number_hash),
                    phone_hash: l.phone_hash,
                    email_hash: l.email_hash,
                    address_hash: l.address_hash,
                },
            )
        })
        .collect();
    let rows = flag_store::history_rows(conn, &ids)?;
    let versions = rows.iter().map(|r| (r.case_id, r.version)).collect();
    let (signatures, fresh) = signatures::sign_rows(&rows);
    let mut members = Vec::with_capacity(ids.len());
    for (row, signature) in rows.into_iter().zip(signatures) {
        let status = Status::parse(&row.status)
            .ok_or_else(|| anyhow::anyhow!("case {} has status {}", row.case_id, row.status))?;
        members.push(Member {
            app: Application {
                id: row.case_id.get(),
                tracking_no: Some(row.tracking_no),
                agency: row.agency_code,
                received_on: row.received_on.unwrap_or(today),
                text: row.content,
                name_key: pii.match_hash(&format!("name:{}", row.applicant_name.trim())),
                links: links.get(&row.case_id).cloned().unwrap_or_default(),
            },
            status,
            disposition: row.disposition.as_deref().and_then(Disposition::parse),
            concluded_on: row.concluded_on,
            agency_id: row.agency_id,
            agency_path: row.agency_path,
            agency_name: row.agency_name,
            applicant_name: row.applicant_name,
            proceedings: proceedings.remove(&row.case_id).unwrap_or_default(),
            signature,
        });
    }
    let pairs: Vec<(i64, IdentityLinks)> = members
        .iter()
        .map(|m| (m.app.id, m.app.links.clone()))
        .collect();
    let cluster = screening::clusters(&pairs)
        .into_iter()
        .find(|c| c.members.binary_search(&case_id.get()).is_ok())
        .unwrap_or(screening::Cluster {
            members: vec![case_id.get()],
            links: Vec::new(),
        });
    Ok(LoadedCluster {
        members,
        cluster,
        fresh,
        versions,
    })
}

/// Screens one member of a loaded cluster against the others and stores what the rules find
/// (new flags open; a dismissed flag reopens only on new evidence; a confirmed one is left
/// alone; an open flag whose evidence is gone is withdrawn).
fn screen_member(
    conn: &mut DbConn,
    lookups: Lookups<'_>,
    loaded: &LoadedCluster,
    case_id: CaseId,
    thresholds: &mut HashMap<String, ScreeningThresholds>,
) -> Result<usize, AppError> {
    match evaluate_member(conn, lookups, loaded, case_id, thresholds)? {
        Some(flags) => store_flags(conn, case_id, flags),
        None => Ok(0),
    }
}

/// What the rules find for one member of a loaded cluster against the others (`None`: not a
/// member); reads only.
fn evaluate_member(
    conn: &mut DbConn,
    lookups: Lookups<'_>,
    loaded: &LoadedCluster,
    case_id: CaseId,
    thresholds: &mut HashMap<String, ScreeningThresholds>,
) -> Result<Option<Vec<screening::Flag>>, AppError> {
    let Some(new) = loaded.member(case_id) else {
        return Ok(None);
    };
    let history: Vec<PastApplication> = loaded
        .members
        .iter()
        .filter(|m| m.app.id != case_id.get())
        .map(|m| PastApplication {
            application: m.app.clone(),
            answered: m.answered(),
            proceedings: m.proceedings.clone(),
            similarity: Some(new.similarity(m)),
            restatement: None,
        })
        .collect();
    if !thresholds.contains_key(&new.app.agency) {
        let t = thresholds_for(conn, &new.app.agency)?;
        thresholds.insert(new.app.agency.clone(), t);
    }
    let t = thresholds.get(&new.app.agency).cloned().unwrap_or_default();
    let mut input = ScreeningInput {
        application: new.app.clone(),
        history,
    };
    // A repeat in other words: ask the similar-case index about the few earlier requests
    // that would be evidence and that character similarity does not already match.
    if let Some(index) = lookups.index {
        input = input.restated_by(&t, |core, candidates| {
            lookups
                .cache
                .restatements(index, case_id, core, candidates, t.restatement)
        });
    }
    Ok(Some(screening::screen(&input, &t)))
}

fn store_flags(
    conn: &mut DbConn,
    case_id: CaseId,
    flags: Vec<screening::Flag>,
) -> Result<usize, AppError> {
    use screening::FlagUpdate;
    let stored = flag_store::for_case(conn, case_id)?;
    let now = yishen_store::now();
    let mut written = 0;
    let fired: BTreeSet<&str> = flags.iter().map(|f| f.kind().as_str()).collect();
    let decoded = |p: &flag_store::CaseFlag| -> Option<(FlagStatus, Evidence)> {
        Some((p.status, serde_json::from_str(&p.evidence).ok()?))
    };
    // A stored flag whose rule no longer fires (the history changed): an open one is
    // withdrawn, a decided one kept with the decision.
    for p in stored.iter().filter(|p| !fired.contains(p.kind.as_str())) {
        let previous = decoded(p);
        let update = screening::refresh(previous.as_ref().map(|(s, e)| (*s, e)), None);
        if update == FlagUpdate::Withdraw {
            flag_store::delete(conn, p.id)?;
            written += 1;
        }
    }
    for flag in flags {
        let kind = flag.kind().as_str();
        let evidence = serde_json::to_string(&flag.evidence).map_err(anyhow::Error::from)?;
        let previous = stored.iter().find(|s| s.kind.as_str() == kind);
        let decoded_previous = previous.and_then(decoded);
        let update = screening::refresh(
            decoded_previous.as_ref().map(|(s, e)| (*s, e)),
            Some(flag.clone()),
        );
        match (update, previous) {
            (FlagUpdate::Create(f), None) => {
                flag_store::insert(
                    conn,
                    &NewCaseFlag {
                        case_id,
                        kind,
                        severity: f.severity.as_str(),
                        summary: &f.summary,
                        evidence: &evidence,
                        status: FlagStatus::Open.as_str(),
                        decided_by: None,
                        decided_at: None,
                        decision_reason: None,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                written += 1;
            }
            (FlagUpdate::Update(f) | FlagUpdate::Reopen(f), Some(p)) => {
                flag_store::refresh(
                    conn,
                    p.id,
                    f.severity.as_str(),
                    &f.summary,
                    &evidence,
                    FlagStatus::Open.as_str(),
                    now,
                )?;
                written += 1;
            }
            _ => {}
        }
    }
    Ok(written)
}

/// Which other members a change to the cluster of `case_id` can affect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryChange {
    /// A new application was filed: it is history only for members received the same day
    /// (the rules never look ahead), unless it joined clusters that were apart, which
    /// changes every member's history.
    Filed,
    /// A reply was issued or voided, or a reconsideration or suit was recorded or decided:
    /// later members' evidence (repeats, pending proceedings) may change.
    Answered,
}

/// Re-screens the open cases of the cluster of `case_id` (at most [`RESCREEN_MAX`], newest
/// first; `case_id` itself too unless the change is its own filing). Returns flags written.
pub fn rescreen_cluster(
    conn: &mut DbConn,
    pii: &Pii,
    lookups: Lookups<'_>,
    case_id: CaseId,
    change: HistoryChange,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let Some(loaded) = load_cluster(conn, pii, case_id, today)? else {
        return Ok(0);
    };
    signatures::save(conn, &loaded.fresh);
    rescreen_loaded(conn, lookups, &loaded, case_id, change, &mut HashMap::new())
}

fn rescreen_loaded(
    conn: &mut DbConn,
    lookups: Lookups<'_>,
    loaded: &LoadedCluster,
    case_id: CaseId,
    change: HistoryChange,
    thresholds: &mut HashMap<String, ScreeningThresholds>,
) -> Result<usize, AppError> {
    let mut written = 0;
    for id in to_rescreen(loaded, case_id, change) {
        written += screen_member(conn, lookups, loaded, id, thresholds)?;
    }
    Ok(written)
}

/// The open members whose screening a change to the cluster of `case_id` can alter, newest
/// first, at most [`RESCREEN_MAX`].
fn to_rescreen(loaded: &LoadedCluster, case_id: CaseId, change: HistoryChange) -> Vec<CaseId> {
    let filed_on = loaded.member(case_id).map(|m| m.app.received_on);
    let merged = change == HistoryChange::Filed && {
        let without: Vec<(i64, IdentityLinks)> = loaded
            .members
            .iter()
            .filter(|m| m.app.id != case_id.get())
            .map(|m| (m.app.id, m.app.links.clone()))
            .collect();
        screening::clusters(&without).len() > 1
    };
    let mut open: Vec<&Member> = loaded
        .members
        .iter()
        .filter(|m| !m.status.is_terminal() && m.status != Status::Replied)
        .filter(|m| match change {
            HistoryChange::Answered => true,
            HistoryChange::Filed => {
                m.app.id != case_id.get() && (merged || Some(m.app.received_on) == filed_on)
            }
        })
        .collect();
    open.sort_by_key(|m| std::cmp::Reverse((m.app.received_on, m.app.id)));
    open.into_iter()
        .take(RESCREEN_MAX)
        .map(|m| CaseId(m.app.id))
        .collect()
}

/// Intake's screening of a new case: the case itself, then the members its filing affects,
/// from one read of the cluster, all in the caller's (write) transaction.
pub fn screen_filed(
    conn: &mut DbConn,
    pii: &Pii,
    lookups: Lookups<'_>,
    case_id: CaseId,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let Some(loaded) = load_cluster(conn, pii, case_id, today)? else {
        return Ok(0);
    };
    signatures::save(conn, &loaded.fresh);
    let mut written = 0;
    for (id, flags) in evaluate_filed(conn, lookups, &loaded, case_id, HashMap::new())? {
        written += store_flags(conn, id, flags)?;
    }
    Ok(written)
}

/// What screening a filing finds: for the new case, then for each member it affects.
fn evaluate_filed(
    conn: &mut DbConn,
    lookups: Lookups<'_>,
    loaded: &LoadedCluster,
    case_id: CaseId,
    mut thresholds: HashMap<String, ScreeningThresholds>,
) -> Result<Vec<(CaseId, Vec<screening::Flag>)>, AppError> {
    let mut out = Vec::new();
    for id in std::iter::once(case_id).chain(to_rescreen(loaded, case_id, HistoryChange::Filed)) {
        if let Some(flags) = evaluate_member(conn, lookups, loaded, id, &mut thresholds)? {
            out.push((id, flags));
        }
    }
    Ok(out)
}

/// What a screening read depends on: the cluster's links, each member's version (any write to
/// a case moves it) and the proceedings about them. Equal states give equal findings.
#[derive(Debug, PartialEq, Eq)]
struct ClusterState {
    links: Vec<flag_store::MemberLinks>,
    versions: Vec<(CaseId, i64)>,
    proceedings: Vec<flag_store::ProceedingRow>,
}

fn cluster_state(conn: &mut DbConn, case_id: CaseId) -> Result<ClusterState, AppError> {
    let (links, proceedings) = cluster_links(conn, case_id)?;
    let ids: Vec<CaseId> = links.iter().map(|l| l.case_id).collect();
    Ok(ClusterState {
        versions: flag_store::versions(conn, &ids)?,
        proceedings,
        links,
    })
}

/// The links and proceedings of a [`ClusterState`], the proceedings in its order.
fn cluster_links(
    conn: &mut DbConn,
    case_id: CaseId,
) -> Result<(Vec<flag_store::MemberLinks>, Vec<flag_store::ProceedingRow>), AppError> {
    let links = flag_store::cluster_members(conn, case_id, CLUSTER_LIMITS)?;
    let ids: Vec<CaseId> = links.iter().map(|l| l.case_id).collect();
    let mut proceedings = flag_store::proceedings(conn, &ids)?;
    proceedings.sort_by_key(|p| (p.case_id, p.litigation, p.filed_on, p.decided_on));
    Ok((links, proceedings))
}

/// Screening computed from a read, to be stored if the cluster has not moved since.
pub struct Planned {
    state: ClusterState,
    fresh: Vec<signatures::Fresh>,
    findings: Vec<(CaseId, Vec<screening::Flag>)>,
}

/// Reads the cluster of a new case and screens it, without writing. `known`: the screening
/// thresholds of agencies the caller has already read (the filing's own), keyed by code.
fn plan_filed(
    conn: &mut DbConn,
    pii: &Pii,
    lookups: Lookups<'_>,
    case_id: CaseId,
    today: NaiveDate,
    known: HashMap<String, ScreeningThresholds>,
) -> Result<Option<Planned>, AppError> {
    // The state is what the write will compare; the cluster is loaded from the same rows
    // rather than read a second time, and the versions come with its history rows.
    let (links, proceedings) = cluster_links(conn, case_id)?;
    if links.is_empty() {
        return Ok(None);
    }
    let loaded = load_members(
        conn,
        pii,
        case_id,
        today,
        links.clone(),
        proceedings.clone(),
    )?;
    let state = ClusterState {
        links,
        versions: loaded.versions.clone(),
        proceedings,
    };
    let findings = evaluate_filed(conn, lookups, &loaded, case_id, known)?;
    Ok(Some(Planned {
        state,
        fresh: loaded.fresh,
        findings,
    }))
}

/// Re-screens the cluster of `case_id` in its own transaction after its history changed. A
/// failure is logged: the action that changed the history stands.
pub async fn after_change(state: &Ctx, case_id: CaseId, change: HistoryChange) {
    let pii = state.pii.clone();
    let cache = Arc::clone(&state.screening_cache);
    let index = state.similar.clone();
    let today = state.today();
    let result = state
        .write(move |conn| {
            let lookups = Lookups {
                cache: &cache,
                index: index.as_deref(),
            };
            rescreen_cluster(conn, &pii, lookups, case_id, change, today)
        })
        .await;
    if let Err(e) = result {
        tracing::error!(case_id = case_id.get(), error = ?e, "re-screening failed");
    }
}

/// The agency's thresholds: its own (set through the agencies PATCH) or the defaults.
fn thresholds_for(conn: &mut DbConn, agency_code: &str) -> Result<ScreeningThresholds, AppError> {
    Ok(agency::find_by_code(conn, agency_code)?
        .and_then(|a| AgencySettings::from_settings(&a.settings).screening)
        .unwrap_or_default())
}

/// Screens a newly filed case and re-screens the members whose history the filing changed,
/// right after intake. The cluster is read and screened on a read connection, outside the
/// write lock, however long a heavy applicant's history ([`IntakeScreening::plan`], in the read
/// that also answers the filing); the write transaction checks that the cluster is as it was
/// read (links, versions, proceedings) and stores the findings, or, when another write moved
/// it meanwhile, screens it again under the lock. A failure is logged: the application is
/// filed whatever screening finds. The screening's own time is observed in the
/// `yishen_screening_duration_seconds` histogram (docs/screening.md has the benchmark).
pub async fn after_intake(
    state: &Ctx,
    case_id: CaseId,
    planned: Result<Option<Planned>, AppError>,
    planning: std::time::Duration,
) {
    let started = std::time::Instant::now();
    let result = match planned {
        Ok(planned) => apply_intake_screening(state, case_id, planned).await,
        Err(e) => Err(e),
    };
    state
        .metrics
        .observe_screening(planning + started.elapsed());
    if let Err(e) = result {
        tracing::error!(case_id = case_id.get(), error = ?e, "screening failed");
    }
}

/// What the first half of intake's screening needs, taken from the context so that it can run
/// inside another read ([`IntakeScreening::plan`]).
pub struct IntakeScreening {
    pii: Pii,
    today: NaiveDate,
    cache: Arc<ScreeningCache>,
    index: Option<Arc<SimilarIndex>>,
}

impl IntakeScreening {
    pub fn of(state: &Ctx) -> Self {
        Self {
            pii: state.pii.clone(),
            today: state.today(),
            cache: Arc::clone(&state.screening_cache),
            index: state.similar.clone(),
        }
    }

    /// Reads and screens the cluster of the new case `case_id` in the caller's read, without
    /// writing; `agency` is the filing's, already read, whose thresholds need no second read.
    pub fn plan(
        &self,
        conn: &mut DbConn,
        case_id: CaseId,
        agency: Option<&Agency>,
    ) -> Result<Option<Planned>, AppError> {
        let lookups = Lookups {
            cache: &self.cache,
            index: self.index.as_deref(),
        };
        let known = agency
            .map(|a| {
                let t = AgencySettings::from_settings(&a.settings)
                    .screening
                    .unwrap_or_default();
                (a.code.clone(), t)
            })
            .into_iter()
            .collect();
        plan_filed(conn, &self.pii, lookups, case_id, self.today, known)
    }
}

/// The first half of [`after_intake`] on a read of its own: reads and screens the cluster of
/// a new case.
pub async fn plan_intake_screening(
    state: &Ctx,
    case_id: CaseId,
) -> Result<Option<Planned>, AppError> {
    let screening = IntakeScreening::of(state);
    state
        .read(move |conn| screening.plan(conn, case_id, None))
        .await
}

/// The second half of [`after_intake`]: stores what was planned if the cluster is as it was
/// read, else screens it again in the write transaction. Returns the flags written.
pub async fn apply_intake_screening(
    state: &Ctx,
    case_id: CaseId,
    planned: Option<Planned>,
) -> Result<usize, AppError> {
    let Some(planned) = planned else {
        return Ok(0);
    };
    // A first application of its applicant (a cluster of itself): nothing found, no signature
    // to save, and a new case has no stored flag to withdraw, so there is nothing to write.
    // Should another filing have joined the cluster meanwhile, the outcome is that of this
    // case screened just before it joined, and the other filing's screening re-screens this
    // case as it would have then.
    if planned.fresh.is_empty()
        && planned
            .findings
            .iter()
            .all(|(id, flags)| *id == case_id && flags.is_empty())
    {
        return Ok(0);
    }
    let pii = state.pii.clone();
    let today = state.today();
    let cache = Arc::clone(&state.screening_cache);
    let index = state.similar.clone();
    state
        .write(move |conn| {
            if cluster_state(conn, case_id)? == planned.state {
                signatures::save(conn, &planned.fresh);
                let mut written = 0;
                for (id, flags) in planned.findings {
                    written += store_flags(conn, id, flags)?;
                }
                return Ok(written);
            }
            let lookups = Lookups {
                cache: &cache,
                index: index.as_deref(),
            };
            screen_filed(conn, &pii, lookups, case_id, today)
        })
        .await
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagView {
    pub id: i64,
    /// `volume`, `burst`, `repeat`, `broadcast`, `proxy`, `petition`, `consultation`,
    /// `publication`, `litigation_overlap`.
    pub kind: String,
    pub severity: String,
    pub summary: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub evidence: serde_json::Value,
    /// `open`, `confirmed`, `dismissed`.
    pub status: String,
    pub decision_reason: Option<String>,
    /// Whether the 条例35 steps (ask for reasons, then 不予处理 or a later deadline) are open:
    /// only for a confirmed mass-application flag.
    pub offers_article_35: bool,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlagList {
    pub items: Vec<FlagView>,
}

pub(crate) fn view(f: flag_store::CaseFlag) -> FlagView {
    let offers = screening::offers_article_35(f.kind, f.status);
    FlagView {
        id: f.id,
        kind: f.kind.as_str().to_owned(),
        severity: f.severity,
        summary: f.summary,
        evidence: serde_json::from_str(&f.evidence).unwrap_or_default(),
        status: f.status.as_str().to_owned(),
        decision_reason: f.decision_reason,
        offers_article_35: offers,
    }
}

/// The Chinese name of a stored flag's kind and of its status (the domain's labels).
pub fn labels(kind: &str, status: &str) -> (&'static str, &'static str) {
    (
        screening::FlagKind::parse(kind).map_or("甄别提示", screening::FlagKind::label),
        FlagStatus::parse(status).map_or("", FlagStatus::label),
    )
}

pub(crate) fn staff_only(actor: &Actor) -> Result<(), AppError> {
    if actor.role == Role::Applicant {
        return Err(AppError::Forbidden("甄别提示仅供工作人员使用".into()));
    }
    Ok(())
}

pub async fn for_case(state: &Ctx, actor: &Actor, id: CaseId) -> Result<FlagList, AppError> {
    staff_only(actor)?;
    let scope = policy::case_scope(actor)?;
    state
        .read(move |conn| {
            case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            Ok(FlagList {
                items: flag_store::for_case(conn, id)?
                    .into_iter()
                    .map(view)
                    .collect(),
            })
        })
        .await
}

/// A person's decision on a flag, with the reason the domain requires for it.
#[derive(Debug, Clone)]
pub struct FlagDecision {
    decision: ReviewDecision,
    reason: String,
}

impl FlagDecision {
    pub fn new(
        decision: Option<ReviewDecision>,
        reason: Option<String>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let decision = decision
            .ok_or_else(|| vec![FieldIssue::new("decision", "required", "请选择确认或排除")])?;
        Ok(Self {
            decision,
            reason: reason.unwrap_or_default(),
        })
    }
}

/// A person confirms or dismisses a flag, with a reason (handler, legal adviser, approver of
/// the case's agency).
pub async fn decide(
    state: &Ctx,
    actor: &Actor,
    flag_id: i64,
    body: FlagDecision,
) -> Result<FlagView, AppError> {
    if !matches!(
        actor.role,
        Role::Handler | Role::LegalAdviser | Role::Approver
    ) {
        return Err(AppError::Forbidden(
            "只有承办人、法制审核人员或负责人可以确认或排除甄别提示".into(),
        ));
    }
    let FlagDecision { decision, reason } = body;
    let scope = policy::case_scope(actor)?;
    let actor = actor.clone();
    state
        .write(move |conn| {
            let f = flag_store::find(conn, flag_id)?.ok_or(AppError::NotFound("甄别提示"))?;
            let (case, _, _) =
                case_store::find(conn, f.case_id, &scope)?.ok_or(AppError::NotFound("甄别提示"))?;
            policy::act_on_case(&actor, case.agency_id)?;
            let current = f.status;
            let next = review(current, decision, &reason).map_err(|e| match e {
                screening::ReviewError::ReasonMissing | screening::ReviewError::ReasonTooLong => {
                    AppError::field("reason", e.code(), e.to_string())
                }
                other => AppError::Conflict {
                    code: "flag_already_decided",
                    detail: other.to_string(),
                },
            })?;
            flag_store::decide(
                conn,
                flag_id,
                next.as_str(),
                actor.id,
                reason.trim(),
                yishen_store::now(),
            )?;
            let f = flag_store::find(conn, flag_id)?
                .ok_or_else(|| anyhow::anyhow!("flag {flag_id} vanished"))?;
            Ok(view(f))
        })
        .await
}
