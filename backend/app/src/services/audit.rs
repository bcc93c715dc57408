//! `yishen audit verify`: walks every case's event chain and reports the first break.

use yishen_domain::audit::{self, ChainedEvent, StoredLink};
use yishen_store::models::case as case_store;
use yishen_store::models::case_event;
use yishen_store::{CaseId, UserId};

use crate::ctx::Ctx;
use crate::error::AppError;

/// Cases checked per read transaction.
const CHUNK: i64 = 500;

#[derive(Debug, Default)]
pub struct AuditReport {
    pub cases: usize,
    pub events: usize,
    /// The first broken chain: tracking number, event number (if one is to blame), why.
    pub broken: Option<(String, Option<i64>, String)>,
}

pub async fn verify(state: &Ctx) -> Result<AuditReport, AppError> {
    let mut report = AuditReport::default();
    let mut after = CaseId(0);
    loop {
        let (ids, n_events, broken) = state
            .read(move |conn| {
                let heads = case_store::chain_heads(conn, after, CHUNK)?;
                let ids: Vec<CaseId> = heads.iter().map(|h| h.0).collect();
                let rows = case_event::for_cases(conn, &ids)?;
                let mut broken = None;
                for (id, tracking, count, head) in &heads {
                    let mine: Vec<_> = rows.iter().filter(|r| r.case_id == *id).collect();
                    let on: Vec<String> = mine
                        .iter()
                        .map(|r| r.occurred_on.format("%Y-%m-%d").to_string())
                        .collect();
                    let links = mine.iter().zip(&on).map(|(r, on)| StoredLink {
                        event: ChainedEvent {
                            case_ref: tracking,
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
                    if let Err((seq, e)) = audit::verify(links, *count, head) {
                        broken = Some((tracking.clone(), seq, e.to_string()));
                        break;
                    }
                }
                Ok((ids, rows.len(), broken))
            })
            .await?;
        report.events += n_events;
        if let Some(b) = broken {
            report.broken = Some(b);
            return Ok(report);
        }
        report.cases += ids.len();
        match ids.last() {
            Some(last) if ids.len() as i64 == CHUNK => after = *last,
            _ => return Ok(report),
        }
    }
}
