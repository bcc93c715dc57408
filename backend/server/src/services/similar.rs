//! The similar-case index in the server (类案推送): opening and following the database,
//! refreshing a case after each request that changes it, `yishen index rebuild`, and the two
//! searches, with what the user may see passed down as agency prefixes so a hidden case never
//! comes back.
//!
//! The index (`yishen_similar`, under `DATA_DIR/similar`) belongs to the serving process:
//! tantivy allows one writer per directory. At start the server rebuilds it when it is new or
//! its analysis changed, and otherwise indexes the cases created since the last one it holds
//! (`set_marker`), so cases imported from the command line while it was down are picked up.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yishen_domain::Role;
use yishen_domain::outcome::{LitigationOutcome, OutcomeBucket, ReconsiderationDecision};
use yishen_similar::{CaseDoc, Filter, SimilarError, SimilarIndex};
use yishen_store::DbConn;
use yishen_store::models::case::CaseScope;
use yishen_store::models::index_source::{self, IndexRow};
use yishen_store::models::{case as case_store, letter, outcome};

use crate::auth::Actor;
use crate::error::ApiError;
use crate::policy;
use crate::state::AppState;

/// Cases read per batch when rebuilding or catching up.
const BATCH: i64 = 2000;
/// Longest free-text query.
const MAX_QUERY_CHARS: usize = 5000;
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 50;

fn similar_error(e: SimilarError) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("similar-case index: {e}"))
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

/// Indexes every case with an id above `after`, in batches; returns how many and the last id.
fn follow(
    conn: &mut DbConn,
    index: &SimilarIndex,
    mut after: i64,
) -> Result<(usize, i64), ApiError> {
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
    index
        .set_marker(&after.to_string())
        .map_err(similar_error)?;
    index.commit().map_err(similar_error)?;
    Ok((n, after))
}

/// How the server opens the index: every write committed at once (6–13 ms at a million cases,
/// docs/similar.md), so a case filed or changed is searchable when its request answers.
fn options() -> yishen_similar::Options {
    yishen_similar::Options {
        commit: yishen_similar::CommitPolicy::EveryWrite,
        ..Default::default()
    }
}

/// Opens the index under the data dir and brings it up to date with the database.
pub async fn open(state: &AppState) -> anyhow::Result<Arc<SimilarIndex>> {
    let dir = state.settings.data_dir.join("similar");
    let index = actix_web::web::block(move || SimilarIndex::open_with(&dir, options()))
        .await?
        .map_err(|e| anyhow::anyhow!("similar-case index: {e}"))?;
    let index = Arc::new(index);
    let ix = index.clone();
    let rebuild = index.needs_rebuild();
    let (n, _) = state
        .write(move |conn| {
            if rebuild {
                ix.rebuild(std::iter::empty()).map_err(similar_error)?;
                follow(conn, &ix, 0)
            } else {
                let after = ix
                    .committed_marker()
                    .and_then(|m| m.parse::<i64>().ok())
                    .unwrap_or(0);
                follow(conn, &ix, after)
            }
        })
        .await
        .map_err(|e| anyhow::anyhow!("similar-case index: {e:?}"))?;
    tracing::info!(
        indexed = n,
        rebuilt = rebuild,
        total = index.len(),
        "similar-case index ready"
    );
    Ok(index)
}

/// `yishen index rebuild`: recreates the index from the database (the server must be stopped:
/// the index has one writer).
pub async fn rebuild(state: &AppState) -> anyhow::Result<usize> {
    let dir = state.settings.data_dir.join("similar");
    let index = actix_web::web::block(move || SimilarIndex::open_with(&dir, options()))
        .await?
        .map_err(|e| anyhow::anyhow!("无法打开类案索引（服务是否仍在运行？）：{e}"))?;
    let n = state
        .write(move |conn| {
            index.rebuild(std::iter::empty()).map_err(similar_error)?;
            Ok(follow(conn, &index, 0)?.0)
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(n)
}

/// Re-reads one case into the index, after the request that changed it committed. An index
/// failure is logged, not answered: the case is saved, and a restart or a rebuild repairs the
/// index.
pub async fn refresh(state: &AppState, case_id: i64) {
    let Some(index) = state.similar.clone() else {
        return;
    };
    let result = state
        .read(move |conn| {
            if let Some(row) = index_source::one(conn, case_id)? {
                index.upsert(&doc(row)).map_err(similar_error)?;
            }
            Ok(())
        })
        .await;
    if let Err(e) = result {
        tracing::error!(case_id, error = ?e, "similar-case index not refreshed");
    }
}

/// Indexes the cases created since the index's marker (after an import in this process).
pub async fn catch_up(state: &AppState) {
    let Some(index) = state.similar.clone() else {
        return;
    };
    let result = state
        .read(move |conn| {
            let after = index
                .committed_marker()
                .and_then(|m| m.parse::<i64>().ok())
                .unwrap_or(0);
            follow(conn, &index, after)
        })
        .await;
    if let Err(e) = result {
        tracing::error!(error = ?e, "similar-case index did not catch up");
    }
}

/// What the user may see, as agency path prefixes; `None` = everything.
pub(crate) fn visible(actor: &Actor) -> Result<Option<Vec<String>>, ApiError> {
    if actor.role == Role::Applicant {
        return Err(ApiError::Forbidden("类案推送仅供工作人员使用".into()));
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
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarItem {
    pub case_id: i64,
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

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarList {
    pub items: Vec<SimilarItem>,
}

/// The latest outcome of a case: its label (who decided what), its table-四 bucket, and the
/// defect a correcting reconsideration recorded.
pub type LatestOutcome = (String, OutcomeBucket, Option<String>);

/// The latest outcome of a case.
pub fn latest_outcome(conn: &mut DbConn, case_id: i64) -> Result<Option<LatestOutcome>, ApiError> {
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

fn enrich(conn: &mut DbConn, hits: Vec<yishen_similar::Hit>) -> Result<Vec<SimilarItem>, ApiError> {
    let mut items = Vec::with_capacity(hits.len());
    for h in hits {
        let Some((case, code, name)) = case_store::find(conn, h.case_id, &CaseScope::All)? else {
            continue;
        };
        let letter_number = letter::for_case(conn, case.id)?
            .into_iter()
            .rev()
            .find(|l| {
                l.voided_at.is_none() && (l.kind == "reply" || l.kind == "not_processed_notice")
            })
            .map(|l| l.number);
        let outcome = latest_outcome(conn, case.id)?;
        let disposition = case
            .disposition
            .as_deref()
            .and_then(yishen_domain::Disposition::parse);
        items.push(SimilarItem {
            case_id: case.id,
            tracking_no: case.tracking_no,
            agency_code: code,
            agency_name: name,
            score: h.score,
            snippet: h.snippet,
            matched_terms: h.matched_terms,
            disposition_label: disposition.map(yishen_domain::Disposition::label),
            disposition: case.disposition,
            letter_number,
            outcome_bucket: outcome.as_ref().map(|(_, b, _)| b.label()),
            outcome: outcome.map(|(l, _, _)| l),
        });
    }
    Ok(items)
}

fn index_of(state: &AppState) -> Result<Arc<SimilarIndex>, ApiError> {
    state.similar.clone().ok_or(ApiError::Unavailable)
}

fn limit(l: Option<usize>) -> Result<usize, ApiError> {
    match l {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::field(
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
    fn filter(&self, conn: &mut DbConn, visible: Option<Vec<String>>) -> Result<Filter, ApiError> {
        let agency_path_prefix = match self.agency.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => Some(
                yishen_store::models::agency::find_by_code(conn, code)?
                    .ok_or_else(|| ApiError::field("agency", "unknown", "机关代码不存在"))?
                    .path,
            ),
        };
        let disposition = match self.disposition.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => Some(
                yishen_domain::Disposition::parse(d)
                    .ok_or_else(|| {
                        ApiError::field("disposition", "unknown_value", "处理结果代码无效")
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
                    return Err(ApiError::field(
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
    state: &AppState,
    actor: &Actor,
    id: i64,
    lim: Option<usize>,
    narrowing: Narrowing,
) -> Result<SimilarList, ApiError> {
    let lim = limit(lim)?;
    let visible = visible(actor)?;
    let scope = policy::case_scope(actor)?;
    let index = index_of(state)?;
    state
        .read(move |conn| {
            let (case, _, _) =
                case_store::find(conn, id, &scope)?.ok_or(ApiError::NotFound("案件"))?;
            let mut filter = narrowing.filter(conn, visible)?;
            filter.exclude.push(case.id);
            let hits = match index.like_case(case.id, &filter, lim) {
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    pub text: Option<String>,
    pub limit: Option<usize>,
    /// Restrict to this agency's subtree (its code).
    pub agency: Option<String>,
    /// First and last year of receipt.
    pub year_from: Option<i32>,
    pub year_to: Option<i32>,
    /// A disposition code.
    pub disposition: Option<String>,
}

/// Free-text search over the cases the user may see.
pub async fn search(
    state: &AppState,
    actor: &Actor,
    body: SearchBody,
) -> Result<SimilarList, ApiError> {
    let lim = limit(body.limit)?;
    let text = body
        .text
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::field("text", "required", "请输入检索内容"))?;
    if text.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::field(
            "text",
            "length",
            format!("检索内容不超过{MAX_QUERY_CHARS}个字"),
        ));
    }
    let visible = visible(actor)?;
    let index = index_of(state)?;
    state
        .read(move |conn| {
            let filter = Narrowing {
                agency: body.agency,
                year_from: body.year_from,
                year_to: body.year_to,
                disposition: body.disposition,
            }
            .filter(conn, visible)?;
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
    case_id: i64,
    text: &str,
    disposition: &str,
    visible: Option<Vec<String>>,
) -> Result<Vec<(String, String)>, ApiError> {
    let filter = Filter {
        visible_agency_prefixes: visible,
        disposition: Some(disposition.to_owned()),
        exclude: vec![case_id],
        ..Default::default()
    };
    let hits = match index.like_case(case_id, &filter, DEFAULT_LIMIT) {
        Err(SimilarError::UnknownCase(_)) => index.search(text, &filter, DEFAULT_LIMIT),
        other => other,
    }
    .map_err(similar_error)?;
    let mut out = Vec::new();
    for h in hits {
        if let Some((label, bucket, defect)) = latest_outcome(conn, h.case_id)?
            && bucket == OutcomeBucket::Corrected
            && let Some((case, _, _)) = case_store::find(conn, h.case_id, &CaseScope::All)?
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
