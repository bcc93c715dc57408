//! Case prediction (案件预判) for a handler opening a case: the decided cases most like it
//! that the reader may see (the similar-case index, the same visibility as 类案推送), what
//! became of them, and the agency's past dispositions, weighed by `domain::prediction`.
//! Staff only: the precedents and their outcomes are internal.

use serde::Serialize;
use yishen_domain::Disposition;
use yishen_domain::prediction::{self, Precedent, PrecedentOutcome};
use yishen_similar::{Filter, SimilarError};
use yishen_store::CaseId;
use yishen_store::models::case::{self as case_store, CaseScope};
use yishen_store::models::report;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;
use crate::services::similar::{latest_outcome, similar_error, visible};

/// Neighbours read from the index: more than are named, since open cases are skipped.
const NEIGHBOURS: usize = 40;
/// Decided neighbours that vote.
const VOTERS: usize = prediction::VOTERS;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PrecedentView {
    pub case_id: CaseId,
    pub tracking_no: String,
    pub score: f32,
    pub disposition: String,
    pub disposition_label: &'static str,
    /// What reconsideration or a court made of its reply, if anything.
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PredictedItem {
    pub disposition: String,
    pub disposition_label: &'static str,
    /// Share of the weighted votes, 0–1 (docs/prediction.md for how it compares with the
    /// observed accuracy).
    pub confidence: f64,
    pub precedents: Vec<PrecedentView>,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskView {
    pub summary: String,
    pub precedents: Vec<PrecedentView>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PredictionView {
    pub items: Vec<PredictedItem>,
    pub risk: Option<RiskView>,
}

fn view(p: &Precedent) -> PrecedentView {
    PrecedentView {
        case_id: CaseId(p.case_id),
        tracking_no: p.tracking_no.clone(),
        score: p.score,
        disposition: p.disposition.as_str().to_owned(),
        disposition_label: p.disposition.label(),
        outcome: p.outcome.as_ref().map(|o| o.label.clone()),
    }
}

/// The likely dispositions of case `id`, for staff who may see it.
pub async fn for_case(state: &Ctx, actor: &Actor, id: CaseId) -> Result<PredictionView, AppError> {
    let visible = visible(actor)?;
    let scope = policy::case_scope(actor)?;
    let index = state.similar.clone().ok_or(AppError::Unavailable)?;
    let this_year = chrono::Datelike::year(&state.today());
    state
        .read(move |conn| {
            let (case, _, _) =
                case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let filter = Filter {
                visible_agency_prefixes: visible,
                exclude: vec![case.id.get()],
                ..Filter::default()
            };
            let hits = match index.like_case(case.id.get(), &filter, NEIGHBOURS) {
                Err(SimilarError::UnknownCase(_)) => index
                    .search(&case.content, &filter, NEIGHBOURS)
                    .map_err(similar_error)?,
                other => other.map_err(similar_error)?,
            };
            let mut precedents = Vec::new();
            for h in hits {
                if precedents.len() >= VOTERS {
                    break;
                }
                let Some((p, _, _)) = case_store::find(conn, CaseId(h.case_id), &CaseScope::All)?
                else {
                    continue;
                };
                let Some(d) = p.disposition.filter(|d| prediction::predictable(*d)) else {
                    continue;
                };
                let outcome =
                    latest_outcome(conn, p.id)?.map(|(label, bucket, defect)| PrecedentOutcome {
                        label,
                        corrected: bucket == yishen_domain::outcome::OutcomeBucket::Corrected,
                        defect: defect
                            .as_deref()
                            .and_then(yishen_domain::outcome::CorrectionDefect::parse)
                            .map(|d| d.label().to_owned())
                            .or(defect),
                    });
                let year = p
                    .received_on
                    .map(|d| chrono::Datelike::year(&d))
                    .unwrap_or(this_year);
                precedents.push(Precedent {
                    case_id: p.id.get(),
                    tracking_no: p.tracking_no,
                    score: h.score,
                    year,
                    disposition: d,
                    outcome,
                });
            }
            let prior: Vec<(Disposition, u64)> = report::dispositions_of(conn, case.agency_id)?
                .into_iter()
                .filter_map(|(d, n)| {
                    let d = Disposition::parse(&d).filter(|d| prediction::predictable(*d))?;
                    Some((d, u64::try_from(n).ok()?))
                })
                .collect();
            let f = prediction::forecast(&precedents, &prior, this_year);
            Ok(PredictionView {
                items: f
                    .items
                    .iter()
                    .map(|i| PredictedItem {
                        disposition: i.disposition.as_str().to_owned(),
                        disposition_label: i.disposition.label(),
                        confidence: (i.confidence * 1000.0).round() / 1000.0,
                        precedents: i.precedents.iter().map(|k| view(&precedents[*k])).collect(),
                        why: i.why.clone(),
                    })
                    .collect(),
                risk: f.risk.map(|r| RiskView {
                    summary: r.summary,
                    precedents: r.precedents.iter().map(|k| view(&precedents[*k])).collect(),
                }),
            })
        })
        .await
}
