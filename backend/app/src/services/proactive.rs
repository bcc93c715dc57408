//! Proactive-disclosure suggestions (条例44): when three or more distinct applicants — identity
//! clusters, so one family's five names count once — asked one agency for the same information
//! and it was found disclosable (answered 予以公开 or 部分公开), the agency is told it may publish
//! it, with the cases.
//!
//! Near-duplicate requests are paired with MinHash locality-sensitive hashing over the request
//! core (`yishen_similar`), confirmed at the agency's `near_duplicate` threshold; grouping and
//! the decision are `yishen_domain::screening::proactive`'s.

use std::collections::{BTreeSet, HashMap};

use chrono::{Months, NaiveDate};
use serde::Serialize;
use yishen_domain::Disposition;
use yishen_domain::case::AgencySettings;
use yishen_domain::screening::{self, RequestItem};
use yishen_store::CaseId;
use yishen_store::models::agency;
use yishen_store::models::flag::{self as flag_store, ClusterLimits};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;
use crate::services::signatures;

/// Requests read per suggestion run (newest first): a busy agency's year.
const REQUESTS_MAX: i64 = 20_000;
/// Resolving who asked only needs to know whether two requests share an applicant.
const CLUSTER_LIMITS: ClusterLimits = ClusterLimits {
    max_members: 500,
    per_hash: 200,
    max_lookups: 16,
};

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedCase {
    pub id: CaseId,
    pub tracking_no: String,
    pub received_on: Option<NaiveDate>,
    pub disposition: Option<String>,
    pub content: String,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub summary: String,
    /// Distinct applicants (identity clusters) who asked.
    pub applicants: u32,
    pub cases: Vec<SuggestedCase>,
    /// The cases answered with the information.
    pub disclosed_in: Vec<i64>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestionList {
    pub agency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub items: Vec<Suggestion>,
}

fn disclosed(d: Option<&str>) -> Option<bool> {
    Some(Disposition::parse(d?)?.provides_information())
}

/// The suggestions for agency `code` over requests received within `from..=to` (default:
/// the 12 months up to today).
pub async fn suggestions(
    state: &Ctx,
    actor: &Actor,
    code: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<SuggestionList, AppError> {
    let today = state.today();
    let to = to.unwrap_or(today);
    let from = from
        .or_else(|| to.checked_sub_months(Months::new(12)))
        .unwrap_or(to);
    if from > to {
        return Err(AppError::field(
            "from",
            "after_to",
            "开始日期不能晚于结束日期",
        ));
    }
    let actor = actor.clone();
    state
        .read(move |conn| {
            let a = agency::find_by_code(conn, &code)?.ok_or(AppError::NotFound("机关"))?;
            policy::report_scope(&actor, &a, false)?;
            let t = AgencySettings::from_settings(&a.settings)
                .screening
                .unwrap_or_default();
            let ids = flag_store::agency_case_ids(conn, a.id, from, to, REQUESTS_MAX)?;
            let rows = flag_store::history_rows(conn, &ids)?;
            let signatures = signatures::of_rows(conn, &rows, false);
            // Candidate pairs share a band key; each is confirmed by its estimate.
            let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
            for (i, s) in signatures.iter().enumerate() {
                for k in s.band_keys() {
                    buckets.entry(k).or_default().push(i);
                }
            }
            let mut pairs: BTreeSet<(i64, i64)> = BTreeSet::new();
            for members in buckets.values().filter(|m| m.len() > 1) {
                for (x, &i) in members.iter().enumerate() {
                    for &j in &members[x + 1..] {
                        let (Some(a), Some(b)) = (rows.get(i), rows.get(j)) else {
                            continue;
                        };
                        if pairs.contains(&(a.case_id.get(), b.case_id.get())) {
                            continue;
                        }
                        let sim = yishen_similar::jaccard_estimate(&signatures[i], &signatures[j]);
                        if screening::same_request(&a.content, &b.content, f64::from(sim), &t) {
                            pairs.insert((a.case_id.get(), b.case_id.get()));
                        }
                    }
                }
            }
            let paired: BTreeSet<i64> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
            // Only requests in a group need their applicant resolved: the cluster's smallest
            // case id is its key.
            let mut items = Vec::new();
            for r in rows.iter().filter(|r| paired.contains(&r.case_id.get())) {
                let cluster = flag_store::cluster_members(conn, r.case_id, CLUSTER_LIMITS)?
                    .iter()
                    .map(|m| m.case_id.get())
                    .min()
                    .unwrap_or(r.case_id.get());
                items.push(RequestItem {
                    case: r.case_id.get(),
                    cluster,
                    agency: a.code.clone(),
                    disclosed: disclosed(r.disposition.as_deref()),
                });
            }
            let pairs: Vec<(i64, i64)> = pairs.into_iter().collect();
            let groups = screening::group_requests(&items, &pairs);
            let by_id: HashMap<i64, &flag_store::HistoryRow> =
                rows.iter().map(|r| (r.case_id.get(), r)).collect();
            let items = screening::suggest_publication(&groups, t.publish_min_clusters)
                .into_iter()
                .map(|s| Suggestion {
                    summary: s.summary,
                    applicants: s.clusters,
                    cases: s
                        .cases
                        .iter()
                        .filter_map(|id| by_id.get(id))
                        .map(|r| SuggestedCase {
                            id: r.case_id,
                            tracking_no: r.tracking_no.clone(),
                            received_on: r.received_on,
                            disposition: Disposition::parse(r.disposition.as_deref().unwrap_or(""))
                                .map(|d| d.label().to_owned()),
                            content: r.content.clone(),
                        })
                        .collect(),
                    disclosed_in: s.disclosed_in,
                })
                .collect();
            Ok(SuggestionList {
                agency: a.code,
                from,
                to,
                items,
            })
        })
        .await
}
