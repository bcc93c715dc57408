//! Cases: intake, the actions of CONTRACT.md, the queue, the clock and the event log.
//!
//! Every action runs as one write transaction: load the case within the actor's scope, check
//! the version the client saw, let `domain` decide (state machine, clock), append the typed
//! events to the hash chain, and update the snapshot (status and the cached clock columns)
//! with an optimistic version check, so that a stale or concurrent write changes nothing.

pub mod actions;
pub mod article35;
pub mod assign;
pub mod commands;
pub mod drafting;
pub mod intake;
pub mod jobs;
pub mod read;
pub mod views;

use chrono::NaiveDate;
use yishen_domain::audit::{ChainedEvent, GENESIS};
use yishen_domain::case::event::clock_input;
use yishen_domain::case::{Action, CaseEvent, HandlingRules, Status, TransitionError};
use yishen_domain::clock::{self, CachedClock, Clock, ClockError};
use yishen_domain::{Calendar, Role};
use yishen_store::DbConn;
use yishen_store::models::agency;
use yishen_store::models::case::{self as case_store, Case, CaseChanges, CaseScope};
use yishen_store::models::case_event::{self, CaseEventRow, NewCaseEvent};
use yishen_store::{CaseId, UserId};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;

/// A case with everything an action needs to decide, loaded in its transaction.
#[derive(Debug)]
pub struct Loaded {
    pub case: Case,
    pub agency_code: String,
    pub agency_name: String,
    pub events: Vec<(NaiveDate, CaseEvent)>,
    pub rows: Vec<CaseEventRow>,
    pub rules: HandlingRules,
    pub calendar: Calendar,
    pub today: NaiveDate,
}

impl Loaded {
    /// The date of the latest event: a new act may not be dated before it.
    pub fn last_on(&self) -> Option<NaiveDate> {
        self.events.last().map(|(on, _)| *on)
    }

    /// The clock as it stands.
    pub fn clock(&self) -> Result<Clock, ClockError> {
        compute_clock(&self.events, self.rules, &self.calendar, self.today)
    }
}

/// What an action decided: the events to append and any snapshot columns beyond the status
/// and the clock cache.
#[derive(Debug, Default)]
pub struct Step {
    pub events: Vec<(NaiveDate, CaseEvent)>,
    pub changes: CaseChanges,
}

pub fn compute_clock(
    events: &[(NaiveDate, CaseEvent)],
    rules: HandlingRules,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Clock, ClockError> {
    let input = clock_input(
        events.iter().map(|(on, e)| (*on, e)),
        rules.fee_pause_excluded,
    );
    clock::compute(&input, calendar, today)
}

/// The cached clock columns for a set of events: the due date and the state, or the explicit
/// "calendar year not covered" state, never a guess.
pub fn clock_cache(
    events: &[(NaiveDate, CaseEvent)],
    rules: HandlingRules,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<(Option<NaiveDate>, CachedClock), AppError> {
    let input = clock_input(
        events.iter().map(|(on, e)| (*on, e)),
        rules.fee_pause_excluded,
    );
    match clock::summary(&input, calendar, today) {
        Ok((state, due_on)) => Ok((due_on, CachedClock::Known(state))),
        Err(ClockError::YearNotCovered { .. }) => Ok((None, CachedClock::CalendarMissing)),
        Err(e) => Err(AppError::Internal(anyhow::anyhow!("clock: {e}"))),
    }
}

pub fn transition_error(e: TransitionError) -> AppError {
    match e {
        TransitionError::NotAllowedInState { .. } => AppError::Conflict {
            code: "action_not_allowed_in_state",
            detail: e.to_string(),
        },
        TransitionError::RoleNotAllowed { .. } => AppError::Forbidden(e.to_string()),
    }
}

pub fn decode_events(rows: &[CaseEventRow]) -> Result<Vec<(NaiveDate, CaseEvent)>, AppError> {
    rows.iter()
        .map(|r| {
            serde_json::from_str::<CaseEvent>(&r.data)
                .map(|e| (r.occurred_on, e))
                .map_err(|e| {
                    AppError::Internal(anyhow::anyhow!(
                        "event {} of case {}: {e}",
                        r.seq,
                        r.case_id
                    ))
                })
        })
        .collect()
}

/// Loads a case the actor may see, with its events, agency rules and the calendar.
pub fn load(
    conn: &mut DbConn,
    scope: &CaseScope,
    id: CaseId,
    today: NaiveDate,
) -> Result<Loaded, AppError> {
    let (case, agency_code, agency_name) =
        case_store::find(conn, id, scope)?.ok_or(AppError::NotFound("案件"))?;
    let rows = case_event::for_case(conn, id)?;
    let events = decode_events(&rows)?;
    let rules = agency::find(conn, case.agency_id)?
        .map(|a| HandlingRules::from_settings(&a.settings))
        .unwrap_or_default();
    let calendar = yishen_store::reference::load_calendar(conn)?;
    Ok(Loaded {
        case,
        agency_code,
        agency_name,
        events,
        rows,
        rules,
        calendar,
        today,
    })
}

/// An event with its place in the chain, ready to insert.
#[derive(Debug)]
pub struct ChainedRow {
    seq: i64,
    kind: &'static str,
    on: NaiveDate,
    data: String,
    recorded_at: String,
    prev_hash: String,
    hash: String,
}

/// Chains events after `event_count` events ending in `head`; returns the rows and the new
/// head. Pure: nothing is written yet.
pub fn chain_events(
    tracking_no: &str,
    event_count: i64,
    head: &str,
    actor_id: Option<UserId>,
    events: &[(NaiveDate, CaseEvent)],
) -> Result<(Vec<ChainedRow>, i64, String), AppError> {
    let mut seq = event_count;
    let mut prev = if event_count == 0 {
        GENESIS.to_owned()
    } else {
        head.to_owned()
    };
    let mut rows = Vec::with_capacity(events.len());
    for (on, event) in events {
        seq += 1;
        let data = serde_json::to_string(event).map_err(anyhow::Error::from)?;
        let on_text = on.format("%Y-%m-%d").to_string();
        let recorded_at = crate::time::recorded_at();
        let hash = ChainedEvent {
            case_ref: tracking_no,
            seq,
            kind: event.kind(),
            on: &on_text,
            actor_id: actor_id.map(UserId::get),
            recorded_at: &recorded_at,
            data: &data,
            prev_hash: &prev,
        }
        .hash();
        rows.push(ChainedRow {
            seq,
            kind: event.kind(),
            on: *on,
            data,
            recorded_at,
            prev_hash: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
    Ok((rows, seq, prev))
}

/// Inserts chained events.
pub fn insert_chain(
    conn: &mut DbConn,
    case_id: CaseId,
    actor_id: Option<UserId>,
    rows: &[ChainedRow],
) -> Result<(), AppError> {
    for r in rows {
        case_event::insert(
            conn,
            &NewCaseEvent {
                case_id,
                seq: r.seq,
                kind: r.kind,
                occurred_on: r.on,
                actor_id,
                data: &r.data,
                recorded_at: &r.recorded_at,
                prev_hash: &r.prev_hash,
                hash: &r.hash,
            },
        )
        .map_err(|e| {
            if yishen_store::is_unique_violation(&e) {
                version_conflict(r.seq)
            } else {
                e.into()
            }
        })?;
    }
    Ok(())
}

/// Checks the date of a paper act (`on`): never in the future, never before the case's
/// previous event.
pub fn check_on(
    field: &str,
    on: NaiveDate,
    today: NaiveDate,
    last: Option<NaiveDate>,
) -> Result<(), AppError> {
    if on > today {
        return Err(AppError::field(field, "date_in_future", "日期不能晚于今天"));
    }
    if let Some(last) = last
        && on < last
    {
        return Err(AppError::field(
            field,
            "date_before_previous_event",
            format!("日期不能早于案件上一事件的日期（{last}）"),
        ));
    }
    Ok(())
}

fn version_conflict(current: i64) -> AppError {
    AppError::Conflict {
        code: "version_conflict",
        detail: format!("案件已被他人修改（当前版本为{current}），请刷新后重试"),
    }
}

/// Runs one action on case `id` as `actor`: the whole of it commits, or nothing does.
/// `if_match` is the version the client last saw (the `If-Match` header), if it sent one.
pub async fn act<F>(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    action: Action,
    decide: F,
) -> Result<views::CaseView, AppError>
where
    F: FnOnce(&mut DbConn, &Loaded, &Actor) -> Result<Step, AppError> + Send + 'static,
{
    let scope = policy::case_scope(actor)?;
    let actor = actor.clone();
    let pii = state.pii.clone();
    let today = state.today();
    state
        .write(move |conn| {
            let loaded = load(conn, &scope, id, today)?;
            policy::act_on_case(&actor, loaded.case.agency_id)?;
            if let Some(v) = if_match
                && v != loaded.case.version
            {
                return Err(version_conflict(loaded.case.version));
            }
            let to = action
                .apply(loaded.case.status, Some(actor.role))
                .map_err(transition_error)?;
            let step = decide(conn, &loaded, &actor)?;
            for (on, _) in &step.events {
                check_on("on", *on, today, loaded.last_on())?;
            }
            let actor_id = Some(actor.id);
            finish(conn, &loaded, step, to, actor_id)?;
            views::load_view(conn, &pii, &scope, id)
        })
        .await
}

/// Appends the step's events and writes the snapshot, version-checked.
pub fn finish(
    conn: &mut DbConn,
    loaded: &Loaded,
    step: Step,
    to: Status,
    actor_id: Option<UserId>,
) -> Result<(), AppError> {
    let (rows, count, head) = chain_events(
        &loaded.case.tracking_no,
        loaded.case.event_count,
        &loaded.case.last_event_hash,
        actor_id,
        &step.events,
    )?;
    let fresh = step.events.clone();
    let mut all = loaded.events.clone();
    all.extend(step.events);
    let (due_on, clock_state) = clock_cache(&all, loaded.rules, &loaded.calendar, loaded.today)?;
    let mut changes = step.changes;
    changes.status = Some(to.as_str().to_owned());
    changes.due_on = Some(due_on);
    changes.clock_state = Some(clock_state.as_str().to_owned());
    let ok = case_store::update_versioned(
        conn,
        loaded.case.id,
        loaded.case.version,
        &changes,
        count,
        &head,
        yishen_store::now(),
    )?;
    if !ok {
        return Err(version_conflict(loaded.case.version + 1));
    }
    // The snapshot's version check came first: it holds the row, so a concurrent action
    // waits for it and then fails the check instead of racing on event numbers.
    insert_chain(conn, loaded.case.id, actor_id, &rows)?;
    // The applicant's messages, in the same transaction as the events that cause them.
    crate::services::notifications::enqueue(
        conn,
        &loaded.case,
        &loaded.agency_name,
        loaded.rules.approver_signoff,
        &fresh,
        due_on,
    )?;
    Ok(())
}

/// Recomputes the cached clock of every open case, e.g. after a calendar year was loaded,
/// so that the queue follows the new working days at once.
pub fn recompute_open(
    conn: &mut DbConn,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let ids = case_store::open_ids(conn)?;
    for chunk in ids.chunks(500) {
        let rows = case_event::for_cases(conn, chunk)?;
        for &id in chunk {
            let mine: Vec<CaseEventRow> =
                rows.iter().filter(|r| r.case_id == id).cloned().collect();
            let events = decode_events(&mine)?;
            let agency = match case_store::find(conn, id, &CaseScope::All)? {
                Some((c, _, _)) => agency::find(conn, c.agency_id)?,
                None => None,
            };
            let rules = agency
                .map(|a| HandlingRules::from_settings(&a.settings))
                .unwrap_or_default();
            let (due_on, clock_state) = clock_cache(&events, rules, calendar, today)?;
            case_store::set_clock_cache(conn, id, due_on, clock_state.as_str())?;
        }
    }
    Ok(ids.len())
}

/// Whether the actor acts as the case's own applicant.
pub fn is_applicant(actor: &Actor) -> bool {
    actor.role == Role::Applicant
}
