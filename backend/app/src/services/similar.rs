//! The similar-case index in the server (类案推送): opening it, following the database
//! through the change feed, `yishen index rebuild`, and the two searches, with what the user
//! may see passed down as agency prefixes so a hidden case never comes back.
//!
//! The index (`yishen_similar`, under `DATA_DIR/similar`) belongs to the serving process:
//! tantivy allows one writer per directory, so each instance keeps its own. Every change to
//! what the index holds of a case appends to `index_feed` in its own transaction (the store's
//! case and draft queries do it), and each instance's follower tails the feed from the
//! sequence its index last committed (the commit's marker, `feed:{seq}`), committing at most
//! once a second. So a case filed through another instance, or imported from the command line
//! while the server runs, is searchable within about a second, and a restart resumes where
//! the index stopped instead of rebuilding it. The index is rebuilt only when it is new, its
//! analysis changed, or the feed no longer holds the entries it missed.
//!
//! On PostgreSQL sequences are taken when a row is written but become visible when its
//! transaction commits, so a later sequence can be seen before an earlier one. The follower
//! therefore advances its committed position only over a contiguous run of sequences and
//! waits [`GAP_GRACE`] for a missing one before taking it for a rolled-back transaction.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use yishen_domain::Role;
use yishen_domain::outcome::{LitigationOutcome, OutcomeBucket, ReconsiderationDecision};
use yishen_similar::{CaseDoc, Filter, SimilarError, SimilarIndex};
use yishen_store::CaseId;
use yishen_store::DbConn;
use yishen_store::models::case::CaseScope;
use yishen_store::models::index_feed;
use yishen_store::models::index_source::{self, IndexRow};
use yishen_store::models::{case as case_store, letter, outcome};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue};
use crate::policy;

/// Cases read per batch when rebuilding or catching up.
const BATCH: i64 = 2000;
/// Longest free-text query.
const MAX_QUERY_CHARS: usize = 5000;
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;
/// The index commits at most this often (each commit syncs files to disk).
const COMMIT_EVERY: Duration = Duration::from_secs(1);
/// How long a missing sequence is waited for before it is taken for a rolled-back write.
const GAP_GRACE: Duration = Duration::from_secs(10);
/// The marker's prefix for a position in the feed (older indexes stored a case id).
const FEED_MARKER: &str = "feed:";

pub(crate) fn similar_error(e: SimilarError) -> AppError {
    AppError::Internal(anyhow::anyhow!("similar-case index: {e}"))
}

/// The text the index holds for a case: the request, its description and the reply's reasons.
fn doc(row: IndexRow) -> CaseDoc {
    let reasons = |json: &Option<String>| -> Option<String> {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .and_then(|v| v["reasons"].as_str().map(str::to_owned))
    };
    let mut text = row.content;
    for part in [
        row.description,
        reasons(&row.draft_data),
        reasons(&row.imported_data),
    ]
    .into_iter()
    .flatten()
    {
        text.push('\n');
        text.push_str(&part);
    }
    CaseDoc {
        case_id: row.case_id,
        agency_path: row.agency_path,
        year: row.year,
        disposition: row.disposition,
        text,
    }
}

/// Indexes every case with an id above `after`, in batches (a rebuild); returns how many.
fn follow_ids(conn: &mut DbConn, index: &SimilarIndex, mut after: i64) -> Result<usize, AppError> {
    let mut n = 0;
    loop {
        let rows = index_source::batch(conn, after, BATCH)?;
        let Some(last) = rows.last().map(|r| r.case_id) else {
            break;
        };
        let docs: Vec<CaseDoc> = rows.into_iter().map(doc).collect();
        n += docs.len();
        index.upsert_many(&docs).map_err(similar_error)?;
        after = last;
    }
    Ok(n)
}

/// Rebuilds the index from every case and commits it at feed position `head` (read before
/// the cases, so that nothing written meanwhile is skipped: it is applied again, harmlessly).
fn rebuild_at(conn: &mut DbConn, index: &SimilarIndex, head: i64) -> Result<usize, AppError> {
    index.rebuild(std::iter::empty()).map_err(similar_error)?;
    let n = follow_ids(conn, index, 0)?;
    index
        .set_marker(&format!("{FEED_MARKER}{head}"))
        .map_err(similar_error)?;
    index.commit().map_err(similar_error)?;
    Ok(n)
}

/// The follower's position in the feed and the wake-up call of requests that changed a case.
#[derive(Debug, Default)]
pub struct Feed {
    /// Every entry up to this sequence is in the committed index.
    applied: AtomicI64,
    /// Entries past a gap that are applied and committed already.
    ahead: AtomicI64,
    nudge: tokio::sync::Notify,
}

impl Feed {
    /// The sequence up to which the index is committed.
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::SeqCst)
    }

    /// Wakes the follower (after a request committed a change it should index soon).
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }
}

/// How the server opens the index: the follower commits, at most once a second.
fn options() -> yishen_similar::Options {
    yishen_similar::Options {
        commit: yishen_similar::CommitPolicy::Manual,
        ..Default::default()
    }
}

/// Opens the index under the data dir. A current index is used as it is (its follower
/// catches up in the background); a new, changed or outdated one is rebuilt first.
pub async fn open(state: &Ctx) -> anyhow::Result<Arc<SimilarIndex>> {
    let dir = state.settings.data_dir.join("similar");
    let index = tokio::task::spawn_blocking(move || SimilarIndex::open_with(&dir, options()))
        .await?
        .map_err(|e| anyhow::anyhow!("similar-case index: {e}"))?;
    let index = Arc::new(index);
    let ix = index.clone();
    let marker = index.committed_marker();
    let needs_rebuild = index.needs_rebuild();
    let (position, rebuilt) = state
        .read(move |conn| {
            let head = index_feed::head(conn)?;
            let position = marker
                .as_deref()
                .and_then(|m| m.strip_prefix(FEED_MARKER))
                .and_then(|s| s.parse::<i64>().ok());
            let missed = match position {
                // The entries after the index's position must still be in the feed.
                Some(p) => index_feed::tail(conn)?.is_some_and(|t| t > p + 1),
                None => true,
            };
            match position {
                Some(p) if !needs_rebuild && !missed => Ok((p, None)),
                _ => Ok((head, Some(rebuild_at(conn, &ix, head)?))),
            }
        })
        .await
        .map_err(|e| anyhow::anyhow!("similar-case index: {e:?}"))?;
    state.index_feed.applied.store(position, Ordering::SeqCst);
    tracing::info!(
        position,
        rebuilt = rebuilt.is_some(),
        indexed = rebuilt.unwrap_or(0),
        total = index.len(),
        "similar-case index open"
    );
    Ok(index)
}

/// `yishen index rebuild`: recreates the index from the database (the server must be stopped:
/// the index has one writer).
pub async fn rebuild(state: &Ctx) -> anyhow::Result<usize> {
    let dir = state.settings.data_dir.join("similar");
    let index = tokio::task::spawn_blocking(move || SimilarIndex::open_with(&dir, options()))
        .await?
        .map_err(|e| anyhow::anyhow!("无法打开类案索引（服务是否仍在运行？）：{e}"))?;
    let n = state
        .read(move |conn| {
            let head = index_feed::head(conn)?;
            rebuild_at(conn, &index, head)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(n)
}

/// Tells this instance's follower that a request committed a change to a case.
pub fn refresh(state: &Ctx) {
    state.index_feed.nudge();
}

/// What the follower knows between passes: the sequences applied past a gap, and when each
/// gap was first seen.
#[derive(Debug, Default)]
struct Follower {
    ahead: BTreeSet<i64>,
    gaps: HashMap<i64, Instant>,
}

impl Follower {
    /// Applies the feed after `from` to the index (uncommitted); returns the new contiguous
    /// position and whether anything was applied.
    fn pass(
        &mut self,
        conn: &mut DbConn,
        index: &SimilarIndex,
        from: i64,
    ) -> Result<(i64, bool), AppError> {
        let mut applied = false;
        let mut after = from;
        loop {
            let entries = index_feed::after(conn, after, BATCH)?;
            let Some(&(last, _, _)) = entries.last() else {
                break;
            };
            let mut ids: Vec<i64> = entries
                .iter()
                .filter(|(seq, _, _)| !self.ahead.contains(seq))
                .map(|(_, case_id, _)| *case_id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            applied |= !ids.is_empty();
            // A case the feed names that no longer exists is deleted from the index.
            let mut rows: HashMap<i64, IndexRow> = HashMap::new();
            for row in index_source::some(conn, &ids)? {
                rows.entry(row.case_id).or_insert(row);
            }
            for id in ids {
                match rows.remove(&id) {
                    Some(row) => index.upsert(&doc(row)).map_err(similar_error)?,
                    None => index.delete(id).map_err(similar_error)?,
                }
            }
            self.ahead.extend(entries.iter().map(|(seq, _, _)| *seq));
            after = last;
        }
        Ok((self.advance(from, Instant::now()), applied))
    }

    /// Moves the position over the contiguous run of applied sequences after `from`; a gap
    /// stops it until it is [`GAP_GRACE`] old.
    fn advance(&mut self, from: i64, now: Instant) -> i64 {
        let mut position = from;
        while let Some(&next) = self.ahead.first() {
            if next <= position + 1 {
                self.ahead.remove(&next);
                position = position.max(next);
                continue;
            }
            let seen = *self.gaps.entry(position + 1).or_insert(now);
            if now.duration_since(seen) >= GAP_GRACE {
                position += 1;
            } else {
                break;
            }
        }
        self.gaps.retain(|seq, _| *seq > position);
        position
    }
}

/// Runs this instance's follower: wakes when a request nudges it or every second (for what
/// other instances and the command line wrote), applies the feed, and commits the index with
/// its position, never more often than [`COMMIT_EVERY`]. A failed pass is logged and retried.
pub fn spawn_follower(state: Ctx) {
    let Some(index) = state.similar.clone() else {
        return;
    };
    tokio::spawn(async move {
        let mut follower = Follower::default();
        let mut last_commit = Instant::now();
        loop {
            let _ = tokio::time::timeout(COMMIT_EVERY, state.index_feed.nudge.notified()).await;
            let since = last_commit.elapsed();
            if since < COMMIT_EVERY {
                tokio::time::sleep(COMMIT_EVERY - since).await;
            }
            let from = state.index_feed.applied();
            let ix = index.clone();
            let pool = state.pool.clone();
            let mut f = std::mem::take(&mut follower);
            let done = tokio::task::spawn_blocking(move || {
                let result =
                    pool.read(|conn| f.pass(conn, &ix, from))
                        .and_then(|(position, applied)| {
                            if applied || position != from {
                                ix.set_marker(&format!("{FEED_MARKER}{position}"))
                                    .and_then(|()| ix.commit())
                                    .map_err(similar_error)?;
                            }
                            Ok((position, applied || position != from))
                        });
                (f, result)
            })
            .await;
            match done {
                Ok((f, Ok((position, committed)))) => {
                    state.index_feed.applied.store(position, Ordering::SeqCst);
                    let ahead = i64::try_from(f.ahead.len()).unwrap_or(i64::MAX);
                    state.index_feed.ahead.store(ahead, Ordering::SeqCst);
                    follower = f;
                    if committed {
                        last_commit = Instant::now();
                    }
                }
                Ok((f, Err(e))) => {
                    follower = f;
                    tracing::error!(error = ?e, "similar-case index did not follow the feed");
                }
                Err(e) => tracing::error!(error = %e, "similar-case follower panicked"),
            }
        }
    });
}

/// How many changes this instance's index has not yet committed (for `/readyz`).
pub async fn lag(state: &Ctx) -> Result<Option<i64>, AppError> {
    if state.similar.is_none() {
        return Ok(None);
    }
    let applied = state.index_feed.applied();
    let ahead = state.index_feed.ahead.load(Ordering::SeqCst);
    state
        .read(move |conn| {
            Ok(Some(
                (index_feed::count_after(conn, applied)? - ahead).max(0),
            ))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_position_moves_over_contiguous_sequences_and_waits_for_a_gap() {
        let t0 = Instant::now();
        let mut f = Follower::default();
        f.ahead.extend([1, 2, 3, 5, 6]);
        assert_eq!(f.advance(0, t0), 3);
        // 4 is not visible yet: wait for it.
        assert_eq!(f.advance(3, t0 + Duration::from_secs(1)), 3);
        f.ahead.insert(4);
        assert_eq!(f.advance(3, t0 + Duration::from_secs(2)), 6);
        assert!(f.ahead.is_empty() && f.gaps.is_empty());
    }

    #[test]
    fn a_gap_older_than_the_grace_is_a_rolled_back_write() {
        let t0 = Instant::now();
        let mut f = Follower::default();
        f.ahead.extend([2, 3]);
        assert_eq!(f.advance(0, t0), 0);
        assert_eq!(f.advance(0, t0 + GAP_GRACE), 3);
    }
}

/// What the user may see, as agency path prefixes; `None` = everything.
pub(crate) fn visible(actor: &Actor) -> Result<Option<Vec<String>>, AppError> {
    if actor.role == Role::Applicant {
        return Err(AppError::Forbidden("类案推送仅供工作人员使用".into()));
    }
    Ok(match policy::case_scope(actor)? {
        CaseScope::All => None,
        CaseScope::Subtree(path) => Some(vec![path]),
        CaseScope::Agency(_) => Some(
            actor
                .agency
                .as_ref()
                .map(|a| vec![a.path.clone()])
                .unwrap_or_default(),
        ),
        CaseScope::Applicant(_) => Some(Vec::new()),
    })
}

/// One similar case, with what became of it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarItem {
    pub case_id: CaseId,
    pub tracking_no: String,
    pub agency_code: String,
    pub agency_name: String,
    pub score: f32,
    /// The request (and reasons) with the matched terms in 【】.
    pub snippet: String,
    pub matched_terms: Vec<String>,
    pub disposition: Option<String>,
    pub disposition_label: Option<&'static str>,
    /// The number of the reply letter, if one was issued and not voided.
    pub letter_number: Option<String>,
    /// What reconsideration or a court made of the reply: the latest decision's label.
    pub outcome: Option<String>,
    /// 结果维持 / 结果纠正 / 其他结果 / 尚未审结 of that outcome.
    pub outcome_bucket: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarList {
    pub items: Vec<SimilarItem>,
}

/// The latest outcome of a case: its label (who decided what), its table-四 bucket, and the
/// defect a correcting reconsideration recorded.
pub type LatestOutcome = (String, OutcomeBucket, Option<String>);

/// The latest outcome of a case.
pub fn latest_outcome(
    conn: &mut DbConn,
    case_id: CaseId,
) -> Result<Option<LatestOutcome>, AppError> {
    let recs = outcome::reconsiderations_for(conn, case_id)?;
    let suits = outcome::litigations_for(conn, case_id)?;
    let rec = recs.into_iter().last().map(|r| {
        let d = r
            .decision
            .as_deref()
            .and_then(ReconsiderationDecision::parse);
        (
            r.decided_on,
            format!(
                "{}：{}",
                r.body_name,
                d.map(ReconsiderationDecision::label).unwrap_or("尚未决定")
            ),
            d.map(ReconsiderationDecision::bucket)
                .unwrap_or(OutcomeBucket::Pending),
            r.defect,
        )
    });
    let suit = suits.into_iter().last().map(|s| {
        let o = s.outcome.as_deref().and_then(LitigationOutcome::parse);
        (
            s.decided_on,
            format!(
                "{}：{}",
                s.court,
                o.map(LitigationOutcome::label).unwrap_or("尚未判决")
            ),
            o.map(LitigationOutcome::bucket)
                .unwrap_or(OutcomeBucket::Pending),
            None,
        )
    });
    // A suit comes after the reconsideration it may follow: it has the last word.
    Ok(suit
        .or(rec)
        .map(|(_, label, bucket, defect)| (label, bucket, defect)))
}

fn enrich(conn: &mut DbConn, hits: Vec<yishen_similar::Hit>) -> Result<Vec<SimilarItem>, AppError> {
    let mut items = Vec::with_capacity(hits.len());
    for h in hits {
        let Some((case, code, name)) = case_store::find(conn, CaseId(h.case_id), &CaseScope::All)?
        else {
            continue;
        };
        let letter_number = letter::for_case(conn, case.id)?
            .into_iter()
            .rev()
            .find(|l| l.voided_at.is_none() && l.kind.answers_the_application())
            .map(|l| l.number);
        let outcome = latest_outcome(conn, case.id)?;
        let disposition = case.disposition;
        items.push(SimilarItem {
            case_id: case.id,
            tracking_no: case.tracking_no,
            agency_code: code,
            agency_name: name,
            score: h.score,
            snippet: h.snippet,
            matched_terms: h.matched_terms,
            disposition_label: disposition.map(yishen_domain::Disposition::label),
            disposition: disposition.map(|d| d.as_str().to_owned()),
            letter_number,
            outcome_bucket: outcome.as_ref().map(|(_, b, _)| b.label()),
            outcome: outcome.map(|(l, _, _)| l),
        });
    }
    Ok(items)
}

fn index_of(state: &Ctx) -> Result<Arc<SimilarIndex>, AppError> {
    state.similar.clone().ok_or(AppError::Unavailable)
}

fn limit(l: Option<usize>) -> Result<usize, AppError> {
    match l {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(AppError::field(
            "limit",
            "out_of_range",
            format!("条数须在1至{MAX_LIMIT}之间"),
        )),
    }
}

/// How a search is narrowed beyond what the user may see: an agency's subtree, the years of
/// receipt, the disposition. Both searches take it.
#[derive(Debug, Default, Clone)]
pub struct Narrowing {
    /// Restrict to this agency's subtree (its code).
    pub agency: Option<String>,
    /// First and last year of receipt.
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// A disposition code (CONTRACT.md).
    pub disposition: Option<String>,
}

impl Narrowing {
    /// The index filter, checked: a known agency and disposition, years in order.
    fn filter(&self, conn: &mut DbConn, visible: Option<Vec<String>>) -> Result<Filter, AppError> {
        let agency_path_prefix = match self.agency.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(
                yishen_store::models::agency::find_by_code(conn, code)?
                    .ok_or_else(|| AppError::field("agency", "unknown", "机关代码不存在"))?
                    .path,
            ),
        };
        let disposition = match self.disposition.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(
                yishen_domain::Disposition::parse(d)
                    .ok_or_else(|| {
                        AppError::field("disposition", "unknown_value", "处理结果代码无效")
                    })?
                    .as_str()
                    .to_owned(),
            ),
        };
        let years = match (self.year_from, self.year_to) {
            (None, None) => None,
            (from, to) => {
                let (from, to) = (from.unwrap_or(i32::MIN), to.unwrap_or(i32::MAX));
                if from > to {
                    return Err(AppError::field(
                        "year_to",
                        "before_from",
                        "截止年度不能早于起始年度",
                    ));
                }
                Some(from..=to)
            }
        };
        Ok(Filter {
            agency_path_prefix,
            visible_agency_prefixes: visible,
            years,
            disposition,
            exclude: Vec::new(),
        })
    }
}

/// The decided cases most like case `id` that the user may see.
pub async fn for_case(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    lim: Option<usize>,
    narrowing: Narrowing,
) -> Result<SimilarList, AppError> {
    let lim = limit(lim)?;
    let visible = visible(actor)?;
    let scope = policy::case_scope(actor)?;
    let index = index_of(state)?;
    state
        .read(move |conn| {
            let (case, _, _) =
                case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let mut filter = narrowing.filter(conn, visible)?;
            filter.exclude.push(case.id.get());
            let hits = match index.like_case(case.id.get(), &filter, lim) {
                Err(SimilarError::UnknownCase(_)) => index
                    .search(&case.content, &filter, lim)
                    .map_err(similar_error)?,
                other => other.map_err(similar_error)?,
            };
            Ok(SimilarList {
                items: enrich(conn, hits)?,
            })
        })
        .await
}

/// A free-text search as the service takes it: the text (required, at most
/// [`MAX_QUERY_CHARS`] characters), how many, and the narrowing.
#[derive(Debug, Clone)]
pub struct Search {
    text: String,
    limit: Option<usize>,
    narrowing: Narrowing,
}

impl Search {
    pub fn new(
        text: Option<&str>,
        limit: Option<usize>,
        narrowing: Narrowing,
    ) -> Result<Self, Vec<FieldIssue>> {
        let text = text
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| vec![FieldIssue::new("text", "required", "请输入检索内容")])?;
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(vec![FieldIssue::new(
                "text",
                "length",
                format!("检索内容不超过{MAX_QUERY_CHARS}个字"),
            )]);
        }
        Ok(Self {
            text: text.to_owned(),
            limit,
            narrowing,
        })
    }
}

/// Free-text search over the cases the user may see.
pub async fn search(state: &Ctx, actor: &Actor, body: Search) -> Result<SimilarList, AppError> {
    let lim = limit(body.limit)?;
    let Search {
        text, narrowing, ..
    } = body;
    let visible = visible(actor)?;
    let index = index_of(state)?;
    state
        .read(move |conn| {
            let filter = narrowing.filter(conn, visible)?;
            let hits = index.search(&text, &filter, lim).map_err(similar_error)?;
            Ok(SimilarList {
                items: enrich(conn, hits)?,
            })
        })
        .await
}

/// Similar decided cases with the same disposition that were corrected on reconsideration or
/// in court, for the draft's pre-review: `(tracking number, why)`.
pub fn corrected_like(
    conn: &mut DbConn,
    index: &SimilarIndex,
    case_id: CaseId,
    text: &str,
    disposition: &str,
    visible: Option<Vec<String>>,
) -> Result<Vec<(String, String)>, AppError> {
    let filter = Filter {
        visible_agency_prefixes: visible,
        disposition: Some(disposition.to_owned()),
        exclude: vec![case_id.get()],
        ..Default::default()
    };
    let hits = match index.like_case(case_id.get(), &filter, DEFAULT_LIMIT) {
        Err(SimilarError::UnknownCase(_)) => index.search(text, &filter, DEFAULT_LIMIT),
        other => other,
    }
    .map_err(similar_error)?;
    let mut out = Vec::new();
    for h in hits {
        if let Some((label, bucket, defect)) = latest_outcome(conn, CaseId(h.case_id))?
            && bucket == OutcomeBucket::Corrected
            && let Some((case, _, _)) = case_store::find(conn, CaseId(h.case_id), &CaseScope::All)?
        {
            let why = defect
                .as_deref()
                .and_then(yishen_domain::outcome::CorrectionDefect::parse)
                .map(|d| d.label().to_owned())
                .unwrap_or_else(|| label.clone());
            out.push((case.tracking_no, why));
        }
    }
    Ok(out)
}
