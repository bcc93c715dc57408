//! `yishen audit verify` and the server's periodic check: walks every case's event chain, then
//! compares the case's record with what the events determine (the snapshot row, its letters
//! and its outcome records, [`yishen_domain::case::replay`]), and reports the first break.
//!
//! The chain alone proves the events were not edited; the comparison proves that the rows the
//! pages, the API and the annual report read were not edited either (a disposition changed in
//! the database is found, not counted).

use std::collections::HashMap;

use chrono::NaiveDate;
use yishen_domain::audit::{self, ChainedEvent, StoredLink};
use yishen_domain::case::replay::{self, StoredLetter, StoredSnapshot};
use yishen_domain::case::{CaseEvent, HandlingRules};
use yishen_domain::clock::{self, CachedClock};
use yishen_domain::outcome::OutcomeRecord;
use yishen_store::models::audit_run::{self, NewAuditRun};
use yishen_store::models::case::{self as case_store, Case};
use yishen_store::models::{agency, case_event, job_lease, letter, outcome};
use yishen_store::{AgencyId, CaseId, DbConn, UserId};

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::cases::decode_events;
use crate::services::issuing::printed_sha256;
use crate::services::outcomes::{litigation_hash, reconsideration_hash};

/// Cases checked per read transaction.
const CHUNK: i64 = 500;

/// What broke first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub tracking_no: String,
    /// The event where the chain breaks, when one is to blame.
    pub seq: Option<i64>,
    /// Whether the events themselves are broken, or the record built from them differs.
    pub kind: BreakKind,
    /// Why, in Chinese.
    pub why: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakKind {
    Chain,
    Record,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            BreakKind::Chain => "事件哈希链被破坏",
            BreakKind::Record => "案件记录与事件记录不符",
        };
        match self.seq {
            Some(seq) => write!(
                f,
                "{what}：案件 {} 第{seq}号事件：{}",
                self.tracking_no, self.why
            ),
            None => write!(f, "{what}：案件 {}：{}", self.tracking_no, self.why),
        }
    }
}

#[derive(Debug, Default)]
pub struct AuditReport {
    pub cases: usize,
    pub events: usize,
    pub letters: usize,
    pub outcomes: usize,
    pub broken: Option<Break>,
}

/// Verifies every case, in chunks of read transactions, stopping at the first break.
pub async fn verify(state: &Ctx) -> Result<AuditReport, AppError> {
    let mut report = AuditReport::default();
    let mut after = CaseId(0);
    let mut rules: HashMap<AgencyId, HandlingRules> = HashMap::new();
    let today = state.today();
    loop {
        let known = rules.clone();
        let (chunk, found) = state
            .read(move |conn| {
                let mut rules = known;
                let chunk = verify_chunk(conn, after, today, &mut rules)?;
                Ok((chunk, rules))
            })
            .await?;
        rules = found;
        report.events += chunk.events;
        report.letters += chunk.letters;
        report.outcomes += chunk.outcomes;
        if let Some(b) = chunk.broken {
            report.broken = Some(b);
            break;
        }
        report.cases += chunk.cases;
        match chunk.last {
            Some(last) if chunk.cases as i64 == CHUNK => after = last,
            _ => break,
        }
    }
    state.metrics.audit_verified(report.broken.is_some());
    Ok(report)
}

#[derive(Debug, Default)]
struct Chunk {
    cases: usize,
    events: usize,
    letters: usize,
    outcomes: usize,
    last: Option<CaseId>,
    broken: Option<Break>,
}

fn verify_chunk(
    conn: &mut DbConn,
    after: CaseId,
    today: NaiveDate,
    rules: &mut HashMap<AgencyId, HandlingRules>,
) -> Result<Chunk, AppError> {
    let cases = case_store::audit_page(conn, after, CHUNK)?;
    let ids: Vec<CaseId> = cases.iter().map(|c| c.id).collect();
    let rows = case_event::for_cases(conn, &ids)?;
    let letters = letter::traces_for_cases(conn, &ids)?;
    let recons = outcome::reconsiderations_for_cases(conn, &ids)?;
    let suits = outcome::litigations_for_cases(conn, &ids)?;
    let calendar = yishen_store::reference::load_calendar(conn)?;
    for c in &cases {
        if let std::collections::hash_map::Entry::Vacant(slot) = rules.entry(c.agency_id) {
            slot.insert(
                agency::find(conn, c.agency_id)?
                    .map(|a| HandlingRules::from_settings(&a.settings))
                    .unwrap_or_default(),
            );
        }
    }
    let mut chunk = Chunk {
        cases: cases.len(),
        events: rows.len(),
        letters: letters.len(),
        outcomes: recons.len() + suits.len(),
        last: ids.last().copied(),
        broken: None,
    };
    // Every list is in case order, as the cases are: each case takes its run of each.
    let (mut at_row, mut at_letter, mut at_recon, mut at_suit) = (0, 0, 0, 0);
    for c in &cases {
        let mine = run_of(&rows, &mut at_row, c.id, |r| r.case_id);
        let its_letters = run_of(&letters, &mut at_letter, c.id, |l| l.case_id);
        let its_recons = run_of(&recons, &mut at_recon, c.id, |r| r.case_id);
        let its_suits = run_of(&suits, &mut at_suit, c.id, |l| l.case_id);
        let record = |why: String| Break {
            tracking_no: c.tracking_no.clone(),
            seq: None,
            kind: BreakKind::Record,
            why,
        };
        // 1. The chain.
        let on: Vec<String> = mine
            .iter()
            .map(|r| r.occurred_on.format("%Y-%m-%d").to_string())
            .collect();
        let links = mine.iter().zip(&on).map(|(r, on)| StoredLink {
            event: ChainedEvent {
                case_ref: &c.tracking_no,
                seq: r.seq,
                kind: &r.kind,
                on,
                actor_id: r.actor_id.map(UserId::get),
                recorded_at: &r.recorded_at,
                data: &r.data,
                prev_hash: &r.prev_hash,
            },
            hash: &r.hash,
        });
        if let Err((seq, e)) = audit::verify(links, c.event_count, &c.last_event_hash) {
            chunk.broken = Some(Break {
                tracking_no: c.tracking_no.clone(),
                seq,
                kind: BreakKind::Chain,
                why: e.to_string(),
            });
            return Ok(chunk);
        }
        // 2. The record the events determine.
        let events = decode_events(mine)?;
        let replayed = match replay::replay(events.iter().map(|(on, e)| (*on, e))) {
            Ok(r) => r,
            Err(e) => {
                chunk.broken = Some(record(e.to_string()));
                return Ok(chunk);
            }
        };
        if let Some(d) = replayed.compare(&snapshot(c)) {
            chunk.broken = Some(record(d.to_string()));
            return Ok(chunk);
        }
        let rules = rules.get(&c.agency_id).copied().unwrap_or_default();
        if let Some(why) = due_date_differs(c, &events, rules, &calendar, today) {
            chunk.broken = Some(record(why));
            return Ok(chunk);
        }
        let stored: Vec<StoredLetter<'_>> = its_letters
            .iter()
            .map(|l| StoredLetter {
                id: l.id,
                kind: &l.kind,
                number: &l.number,
                issued_on: l.issued_on,
                voided: l.voided_at.is_some(),
                printed_sha256: l.printed.as_deref().map(printed_sha256),
            })
            .collect();
        if let Some(why) = replayed.compare_letters(&stored) {
            chunk.broken = Some(record(why));
            return Ok(chunk);
        }
        let stored: Vec<(OutcomeRecord, i64, String)> = its_recons
            .iter()
            .map(|r| {
                (
                    OutcomeRecord::Reconsideration,
                    r.id,
                    reconsideration_hash(&c.tracking_no, r),
                )
            })
            .chain(its_suits.iter().map(|l| {
                (
                    OutcomeRecord::Litigation,
                    l.id,
                    litigation_hash(&c.tracking_no, l),
                )
            }))
            .collect();
        if let Some(why) = replayed.compare_outcomes(&stored) {
            chunk.broken = Some(record(why));
            return Ok(chunk);
        }
    }
    Ok(chunk)
}

/// The items of case `id` in a list sorted by case, from `*at` on; moves `*at` past them.
fn run_of<'a, T>(
    items: &'a [T],
    at: &mut usize,
    id: CaseId,
    case: impl Fn(&T) -> CaseId,
) -> &'a [T] {
    while items.get(*at).is_some_and(|t| case(t) < id) {
        *at += 1;
    }
    let start = *at;
    while items.get(*at).is_some_and(|t| case(t) == id) {
        *at += 1;
    }
    &items[start..*at]
}

fn snapshot(c: &Case) -> StoredSnapshot<'_> {
    StoredSnapshot {
        status: c.status,
        channel: c.channel,
        received_on: c.received_on,
        disposition: c.disposition,
        concluded_on: c.concluded_on,
        correction_deadline: c.correction_deadline,
        fee_deadline: c.fee_deadline,
        assignee_id: c.assignee_id.map(UserId::get),
        content: &c.content,
    }
}

/// The due date of an open case, against the clock the events give under the current calendar
/// and the agency's rules. Only where that date is settled: a pause still open makes it
/// provisional (it moves every day), and a concluded case keeps the date of the calendar in
/// force when it concluded (a later correction of a past year does not rewrite it).
fn due_date_differs(
    c: &Case,
    events: &[(NaiveDate, CaseEvent)],
    rules: HandlingRules,
    calendar: &yishen_domain::Calendar,
    today: NaiveDate,
) -> Option<String> {
    if !c.status.clock_applies() {
        return None;
    }
    let input = yishen_domain::case::event::clock_input(
        events.iter().map(|(on, e)| (*on, e)),
        rules.fee_pause_excluded,
    );
    let expected = match clock::compute(&input, calendar, today) {
        Ok(clock) if clock.provisional => return None,
        Ok(clock) => clock.due_on,
        Err(clock::ClockError::YearNotCovered { .. }) => {
            return (c.clock_state != CachedClock::CalendarMissing && c.due_on.is_some()).then(
                || "答复期限：记录有日期，但按事件所涉年度尚无节假日安排，应为“待定”".to_owned(),
            );
        }
        Err(e) => return Some(format!("答复期限无法按事件计算：{e}")),
    };
    (c.due_on != expected).then(|| {
        let show = |d: Option<NaiveDate>| d.map_or_else(|| "空".to_owned(), |d| d.to_string());
        format!(
            "答复期限：记录为“{}”，按事件应为“{}”",
            show(c.due_on),
            show(expected)
        )
    })
}

/// Verifies and records the run (`audit_runs`), for the command and the periodic check: the
/// system administrator's pages show the latest break until a later run finds none.
pub async fn verify_and_record(state: &Ctx) -> Result<AuditReport, AppError> {
    let report = verify(state).await?;
    let broken = report.broken.as_ref().map(ToString::to_string);
    let (cases, events) = (report.cases as i64, report.events as i64);
    state
        .write(move |conn| {
            audit_run::insert(
                conn,
                &NewAuditRun {
                    finished_at: yishen_store::now(),
                    cases,
                    events,
                    broken: broken.as_deref(),
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(report)
}

/// The name of the periodic check's lease.
const LEASE: &str = "audit_verify";

/// The periodic check: runs [`verify_and_record`] when this instance holds the check's lease
/// for the interval, so that several instances check once per interval between them.
pub async fn run_leased(
    state: &Ctx,
    holder: &str,
    interval: std::time::Duration,
) -> Result<Option<AuditReport>, AppError> {
    let holder = holder.to_owned();
    let ttl = chrono::Duration::from_std(interval).map_err(anyhow::Error::from)?;
    let held = state
        .write(move |conn| {
            let now = yishen_store::now();
            Ok(job_lease::acquire(conn, LEASE, &holder, now, now + ttl)?)
        })
        .await?;
    if !held {
        return Ok(None);
    }
    let report = verify_and_record(state).await?;
    if let Some(b) = &report.broken {
        // A tracking number and a field name: no personal data.
        tracing::error!(what = %b, "audit verification found the record altered");
    }
    Ok(Some(report))
}

/// The break the latest verification found, if it found one (for the system administrator).
pub async fn latest_break(
    state: &Ctx,
) -> Result<Option<(chrono::NaiveDateTime, String)>, AppError> {
    state
        .read(
            |conn| Ok(audit_run::latest(conn)?.and_then(|r| r.broken.map(|b| (r.finished_at, b)))),
        )
        .await
}
