//! Reading cases: one case, the work queue, the clock with its ledger, the event log, and
//! public tracking by tracking number and query code.

use chrono::NaiveDate;
use serde::Serialize;
use yishen_domain::Role;
use yishen_domain::case::{Status, TrackingNo, normalise_query_code};
use yishen_domain::clock::{CachedClock, Clock, ClockError};
use yishen_store::models::agency;
use yishen_store::models::case::{self as case_store, QueueFilter, QueueRow};
use yishen_store::models::user;
use yishen_store::{CaseId, UserId};

use super::views::{self, CaseSummary, CaseView};
use super::{decode_events, load};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;

pub async fn get(state: &Ctx, actor: &Actor, id: CaseId) -> Result<CaseView, AppError> {
    let scope = policy::case_scope(actor)?;
    let pii = state.pii.clone();
    state
        .read(move |conn| views::load_view(conn, &pii, &scope, id))
        .await
}

/// The queue's filters as given by the client.
#[derive(Debug, Default)]
pub struct QueueQuery {
    pub statuses: Vec<Status>,
    pub agency: Option<String>,
    pub overdue: bool,
    pub due_within: Option<u32>,
    /// The search box: one case, or one applicant's cases.
    pub search: Option<yishen_domain::case::search::CaseSearch>,
    /// Only the cases assigned to the caller.
    pub assigned_to_me: bool,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(
    state: &Ctx,
    actor: &Actor,
    q: QueueQuery,
) -> Result<(Vec<CaseSummary>, i64), AppError> {
    let page = QueuePage::new(state, actor, q)?;
    let today = state.today();
    let (rows, total) = state.read(move |conn| page.read(conn, false)).await?;
    let items = rows
        .into_iter()
        .map(|r| views::summary(r.case, r.agency_code, today))
        .collect();
    Ok((items, total))
}

/// A queue page to read: the query, checked against the actor's scope, with the search in
/// its stored form.
struct QueuePage {
    scope: case_store::CaseScope,
    q: QueueQuery,
    search: Option<yishen_store::models::case::SearchKey>,
    actor_id: UserId,
    today: NaiveDate,
}

impl QueuePage {
    fn new(state: &Ctx, actor: &Actor, q: QueueQuery) -> Result<Self, AppError> {
        Ok(Self {
            scope: policy::case_scope(actor)?,
            search: q.search.as_ref().map(|s| search_key(&state.pii, s)),
            q,
            actor_id: actor.id,
            today: state.today(),
        })
    }

    /// The page's cases and the total, in the caller's read.
    fn read(
        self,
        conn: &mut yishen_store::DbConn,
        with_events: bool,
    ) -> Result<(Vec<QueueRow>, i64), AppError> {
        let Self {
            scope,
            q,
            search,
            actor_id,
            today,
        } = self;
        let mut filter = QueueFilter {
            statuses: q.statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            search,
            assignee: q.assigned_to_me.then_some(actor_id),
            ..Default::default()
        };
        if let Some(code) = &q.agency {
            let a = agency::find_by_code(conn, code)?.ok_or_else(|| {
                AppError::InvalidQuery(vec![crate::error::FieldIssue::new(
                    "agency",
                    "unknown_agency",
                    "机关代码不存在",
                )])
            })?;
            filter.agency_path = Some(a.path);
        }
        if q.overdue {
            filter.due_before = Some(today);
        }
        if let Some(n) = q.due_within {
            let calendar = yishen_store::reference::load_calendar(conn)?;
            filter.due_through = Some(if n == 0 {
                today
            } else {
                calendar.add_working_days(today, n)?
            });
        }
        let page = case_store::QueuePage {
            limit: q.limit,
            offset: q.offset,
            with_events,
        };
        Ok(case_store::list(conn, &scope, &filter, page)?)
    }
}

/// The stored form of a search: identity numbers and phones as the keyed hashes the intake
/// stored (`{id_type}:{number}` and the phone's normal form).
fn search_key(
    pii: &crate::pii::Pii,
    s: &yishen_domain::case::search::CaseSearch,
) -> yishen_store::models::case::SearchKey {
    use yishen_domain::case::search::CaseSearch;
    use yishen_store::models::case::SearchKey;
    match s {
        CaseSearch::TrackingNo(t) => SearchKey::TrackingNo(t.as_str().to_owned()),
        CaseSearch::Identity { id_type, number } => {
            SearchKey::IdNumberHash(pii.match_hash(&format!("{}:{number}", id_type.as_str())))
        }
        CaseSearch::Phone(p) => SearchKey::PhoneHash(pii.match_hash(p.as_str())),
        CaseSearch::Name(n) => SearchKey::Name(n.clone()),
    }
}

/// The clock of a case, or the explicit state that a year it needs has no calendar data.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ClockView {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    Computed(Clock),
    Uncovered {
        state: &'static str,
        /// The year whose holiday notice must be loaded before the clock can be counted.
        missing_year: i32,
        due_on: Option<NaiveDate>,
        running: Option<bool>,
        detail: String,
    },
}

pub async fn clock(state: &Ctx, actor: &Actor, id: CaseId) -> Result<ClockView, AppError> {
    let scope = policy::case_scope(actor)?;
    let today = state.today();
    state
        .read(move |conn| {
            let loaded = load(conn, &scope, id, today)?;
            match loaded.clock() {
                Ok(c) => Ok(ClockView::Computed(c)),
                Err(ClockError::YearNotCovered { year }) => Ok(ClockView::Uncovered {
                    state: CachedClock::CALENDAR_MISSING,
                    missing_year: year,
                    due_on: None,
                    running: None,
                    detail: format!(
                        "{year}年的节假日安排尚未载入，系统不推测工作日；载入后答复期限自动计算"
                    ),
                }),
                Err(e) => Err(AppError::Internal(anyhow::anyhow!(
                    "clock of case {id}: {e}"
                ))),
            }
        })
        .await
}

/// One entry of the event log.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    pub seq: i64,
    pub kind: String,
    pub on: NaiveDate,
    pub summary: String,
    pub actor: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    pub recorded_at: String,
    pub prev_hash: String,
    pub hash: String,
}

pub async fn events(state: &Ctx, actor: &Actor, id: CaseId) -> Result<Vec<EventView>, AppError> {
    let scope = policy::case_scope(actor)?;
    let role = actor.role;
    state
        .read(move |conn| {
            case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let rows = yishen_store::models::case_event::for_case(conn, id)?;
            let decoded = decode_events(&rows)?;
            let applicant = role == yishen_domain::Role::Applicant;
            let mut names = std::collections::HashMap::new();
            let mut out = Vec::with_capacity(rows.len());
            for (row, (_, event)) in rows.into_iter().zip(decoded) {
                // The applicant sees what was addressed to them, as addressed to them; the
                // hashes are still the record's, for staff to verify.
                let (event, data) = if applicant {
                    let Some(e) = event.for_applicant() else {
                        continue;
                    };
                    let data = serde_json::to_value(&e).map_err(anyhow::Error::from)?;
                    (e, data)
                } else {
                    let data = serde_json::from_str(&row.data).map_err(anyhow::Error::from)?;
                    (event, data)
                };
                let actor = match row.actor_id {
                    None => None,
                    Some(a) => {
                        if let std::collections::hash_map::Entry::Vacant(v) = names.entry(a) {
                            v.insert(user::find(conn, a)?.map(|(u, _)| u.display_name));
                        }
                        names.get(&a).cloned().flatten()
                    }
                };
                out.push(EventView {
                    seq: row.seq,
                    kind: row.kind,
                    on: row.occurred_on,
                    summary: event.summary(),
                    actor,
                    data,
                    recorded_at: row.recorded_at,
                    prev_hash: row.prev_hash,
                    hash: row.hash,
                });
            }
            Ok(out)
        })
        .await
}

/// What anyone holding the tracking number and query code may see: no personal data.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackView {
    pub tracking_no: String,
    pub agency_name: String,
    pub status: String,
    pub status_label: &'static str,
    pub received_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub clock_state: String,
    pub timeline: Vec<TrackStep>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackStep {
    pub on: NaiveDate,
    pub summary: String,
}

/// Public tracking. A wrong number and a wrong code give the same answer, so the endpoint
/// does not reveal which tracking numbers exist.
pub async fn track(
    state: &Ctx,
    tracking_no: &str,
    query_code: &str,
) -> Result<TrackView, AppError> {
    let not_found = || AppError::NotFound("受理编号或查询码有误，案件");
    let tracking = TrackingNo::parse(tracking_no).ok_or_else(not_found)?;
    let code = normalise_query_code(query_code);
    let pii = state.pii.clone();
    state
        .read(move |conn| {
            let (case, _, agency_name) =
                case_store::find_by_tracking_no(conn, tracking.as_str())?.ok_or_else(not_found)?;
            let expected = super::intake::query_code_hash(&pii, &code);
            if !constant_time_eq(expected.as_bytes(), case.query_code_hash.as_bytes()) {
                return Err(not_found());
            }
            let rows = yishen_store::models::case_event::for_case(conn, case.id)?;
            // Public tracking shows what the applicant may see, never internal steps.
            let timeline = decode_events(&rows)?
                .into_iter()
                .filter_map(|(on, e)| e.for_applicant().map(|e| (on, e)))
                .map(|(on, e)| TrackStep {
                    on,
                    summary: e.summary(),
                })
                .collect();
            Ok(TrackView {
                tracking_no: case.tracking_no,
                agency_name,
                status_label: case.status.label(),
                status: case.status.as_str().to_owned(),
                received_on: case.received_on,
                due_on: case.due_on,
                clock_state: case.clock_state.as_str().to_owned(),
                timeline,
            })
        })
        .await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One queue row as the workbench shows it: the case and what the one looking should know at a
/// glance.
#[derive(Debug)]
pub struct WorkItem {
    pub case: CaseSummary,
    /// What awaits this actor on the case (a returned draft, a request to decide, a sign-off).
    pub awaiting: Vec<&'static str>,
    /// The clock runs and the deadline falls within the pre-review's due-soon threshold.
    pub due_soon: bool,
    /// The labels of the case's flags that are not dismissed.
    pub flags: Vec<&'static str>,
}

/// The workbench's queue: the page of cases `q` selects, each with what awaits the actor, its
/// flags and whether it is due soon, what awaits the actor first; and the total count.
pub async fn workbench(
    state: &Ctx,
    actor: &Actor,
    q: QueueQuery,
) -> Result<(Vec<WorkItem>, i64), AppError> {
    let page = QueuePage::new(state, actor, q)?;
    let today = state.today();
    let role = actor.role;
    // What awaits a handler or an approver is read off each row's events, which come with the
    // row in the page's one statement.
    let with_events = matches!(role, Role::Handler | Role::Approver);
    let (rows, total, soon) = state
        .read(move |conn| {
            let (rows, total) = page.read(conn, with_events)?;
            // "Due soon" is the pre-review's threshold, in working days; without the
            // calendar for the days ahead nothing is marked rather than guessed.
            let soon = match yishen_store::reference::load_calendar(conn)?
                .add_working_days(today, yishen_domain::draft::DUE_SOON_DAYS)
            {
                Ok(d) => Some(d),
                Err(yishen_domain::CalendarError::YearNotCovered { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            Ok((rows, total, soon))
        })
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let awaiting = awaiting_on(role, &r)?;
        let flags = r.flag_kinds.iter().map(|k| k.label()).collect();
        let c = views::summary(r.case, r.agency_code, today);
        items.push(WorkItem {
            awaiting,
            // Only a running clock can be due soon: a closed or stopped case never is.
            due_soon: !c.overdue
                && matches!(c.clock_state.as_str(), "running" | "paused")
                && c.due_on.zip(soon).is_some_and(|(d, s)| d <= s),
            flags,
            case: c,
        });
    }
    // What awaits the one looking comes first, then the due-date order of the queue.
    items.sort_by_key(|r| r.awaiting.is_empty());
    Ok((items, total))
}

/// What awaits a handler or an approver on one queue row: the domain's checks on its events,
/// under its agency's handling rules.
fn awaiting_on(role: Role, row: &QueueRow) -> Result<Vec<&'static str>, AppError> {
    use yishen_domain::case::checks;
    let mut notes = Vec::new();
    let Some(json) = row.events.as_deref() else {
        return Ok(notes);
    };
    let events: Vec<(NaiveDate, yishen_domain::case::CaseEvent)> = serde_json::from_str(json)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("events of case {}: {e}", row.case.id)))?;
    match role {
        Role::Handler if checks::return_comments(&events).is_some() => {
            notes.push("法制审核退回修改");
        }
        Role::Approver => {
            if checks::pending_extension_request(&events).is_some() {
                notes.push("延期申请待审批");
            }
            let signoff = yishen_domain::case::HandlingRules::from_settings(&row.agency_settings)
                .approver_signoff;
            if signoff && row.case.status == Status::Approved && !checks::signed_off(&events) {
                notes.push("待签发");
            }
        }
        _ => {}
    }
    Ok(notes)
}

/// What the case page shows around a case besides the case itself.
#[derive(Debug, Default)]
pub struct Desk {
    /// The name of the actor's own agency (empty for an account without one).
    pub own_agency_name: String,
    /// The case's agency requires the approver's sign-off (签发) before a reply is issued.
    pub requires_signoff: bool,
    /// The active handlers a clerk or an agency administrator may assign the case to.
    pub handlers: Vec<(UserId, String)>,
}

/// The desk around case `agency_code`'s case for `actor`, in one read.
pub async fn desk(state: &Ctx, actor: &Actor, agency_code: String) -> Result<Desk, AppError> {
    let own = actor.agency_id();
    let assigns = matches!(actor.role, Role::Clerk | Role::AgencyAdmin);
    state
        .read(move |conn| {
            let own_agency_name = match own {
                Some(aid) => agency::find(conn, aid)?.map(|a| a.name).unwrap_or_default(),
                None => String::new(),
            };
            let requires_signoff = agency::find_by_code(conn, &agency_code)?
                .map(|a| yishen_domain::case::HandlingRules::from_settings(&a.settings))
                .is_some_and(|r| r.approver_signoff);
            let handlers = match (assigns, own) {
                (true, Some(aid)) => user::active_with_role(conn, aid, Role::Handler.as_str())?,
                _ => Vec::new(),
            };
            Ok(Desk {
                own_agency_name,
                requires_signoff,
                handlers,
            })
        })
        .await
}

/// Per agency, how many cases are overdue and how many fall due within the queue's due-soon
/// threshold (`/metrics`). Without the calendar for the days ahead, nothing is counted as due
/// soon rather than guessed.
#[allow(clippy::type_complexity)]
pub async fn deadline_counts(
    state: &Ctx,
) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>), AppError> {
    use yishen_store::models::case::count_due_by_agency;
    let today = state.today();
    state
        .read(move |conn| {
            let overdue = count_due_by_agency(conn, None, today)?;
            let calendar = yishen_store::reference::load_calendar(conn)?;
            let due_soon = match calendar
                .add_working_days(today, yishen_domain::draft::DUE_SOON_DAYS)
                .ok()
                .and_then(|d| d.succ_opt())
            {
                Some(after) => count_due_by_agency(conn, Some(today), after)?,
                None => Vec::new(),
            };
            Ok((overdue, due_soon))
        })
        .await
}

/// Whether `actor` may take `action` on case `id` at all, before anything it sends is read:
/// 404 when the case is not theirs to see, 403 when it is another agency's or their role may
/// not take the action (the domain's `Action::roles`). The action's own checks (state, body,
/// dates) follow in its service.
pub async fn may_act(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    action: yishen_domain::case::Action,
) -> Result<(), AppError> {
    let scope = policy::case_scope(actor)?;
    let agency = state
        .read(move |conn| {
            case_store::find(conn, id, &scope)?
                .map(|(c, _, _)| c.agency_id)
                .ok_or(AppError::NotFound("案件"))
        })
        .await?;
    policy::act_on_case(actor, agency)?;
    let roles = action.roles();
    if !roles.contains(&actor.role) {
        let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
        let who = if names.is_empty() {
            "系统".to_owned()
        } else {
            names.join("、")
        };
        return Err(AppError::Forbidden(format!(
            "只有{who}可以{}",
            action.label()
        )));
    }
    Ok(())
}
