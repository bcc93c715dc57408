//! Reading cases: one case, the work queue, the clock with its ledger, the event log, and
//! public tracking by tracking number and query code.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;
use yishen_domain::case::{Status, TrackingNo, normalise_query_code};
use yishen_domain::clock::{Clock, ClockError};
use yishen_store::models::agency;
use yishen_store::models::case::{self as case_store, QueueFilter};
use yishen_store::models::user;

use super::views::{self, CaseSummary, CaseView};
use super::{CALENDAR_MISSING, decode_events, load};
use crate::auth::Actor;
use crate::error::ApiError;
use crate::policy;
use crate::state::AppState;

pub async fn get(state: &AppState, actor: &Actor, id: i64) -> Result<CaseView, ApiError> {
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
    state: &AppState,
    actor: &Actor,
    q: QueueQuery,
) -> Result<(Vec<CaseSummary>, i64), ApiError> {
    let scope = policy::case_scope(actor)?;
    let today = state.clock.today();
    let search = q.search.as_ref().map(|s| search_key(&state.pii, s));
    let actor_id = actor.id;
    state
        .read(move |conn| {
            let mut filter = QueueFilter {
                statuses: q.statuses.iter().map(|s| s.as_str().to_owned()).collect(),
                search,
                assignee: q.assigned_to_me.then_some(actor_id),
                ..Default::default()
            };
            if let Some(code) = &q.agency {
                let a = agency::find_by_code(conn, code)?.ok_or_else(|| {
                    ApiError::InvalidQuery(vec![crate::error::FieldIssue::new(
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
            let (rows, total) = case_store::list(conn, &scope, &filter, q.limit, q.offset)?;
            let items = rows
                .into_iter()
                .map(|(c, code, _)| views::summary(c, code, today))
                .collect();
            Ok((items, total))
        })
        .await
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
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ClockView {
    #[schema(value_type = Object)]
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

pub async fn clock(state: &AppState, actor: &Actor, id: i64) -> Result<ClockView, ApiError> {
    let scope = policy::case_scope(actor)?;
    let today = state.clock.today();
    state
        .read(move |conn| {
            let loaded = load(conn, &scope, id, today)?;
            match loaded.clock() {
                Ok(c) => Ok(ClockView::Computed(c)),
                Err(ClockError::YearNotCovered { year }) => Ok(ClockView::Uncovered {
                    state: CALENDAR_MISSING,
                    missing_year: year,
                    due_on: None,
                    running: None,
                    detail: format!(
                        "{year}年的节假日安排尚未载入，系统不推测工作日；载入后答复期限自动计算"
                    ),
                }),
                Err(e) => Err(ApiError::Internal(anyhow::anyhow!(
                    "clock of case {id}: {e}"
                ))),
            }
        })
        .await
}

/// One entry of the event log.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub seq: i64,
    pub kind: String,
    pub on: NaiveDate,
    pub summary: String,
    pub actor: Option<String>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    pub recorded_at: String,
    pub prev_hash: String,
    pub hash: String,
}

pub async fn events(state: &AppState, actor: &Actor, id: i64) -> Result<Vec<EventView>, ApiError> {
    let scope = policy::case_scope(actor)?;
    let role = actor.role;
    state
        .read(move |conn| {
            case_store::find(conn, id, &scope)?.ok_or(ApiError::NotFound("案件"))?;
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
#[derive(Debug, Serialize, ToSchema)]
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

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackStep {
    pub on: NaiveDate,
    pub summary: String,
}

/// Public tracking. A wrong number and a wrong code give the same answer, so the endpoint
/// does not reveal which tracking numbers exist.
pub async fn track(
    state: &AppState,
    tracking_no: &str,
    query_code: &str,
) -> Result<TrackView, ApiError> {
    let not_found = || ApiError::NotFound("受理编号或查询码有误，案件");
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
                status_label: Status::parse(&case.status).map(Status::label).unwrap_or(""),
                status: case.status,
                received_on: case.received_on,
                due_on: case.due_on,
                clock_state: case.clock_state,
                timeline,
            })
        })
        .await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
