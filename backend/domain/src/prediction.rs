//! Case prediction (案件预判): the dispositions a handler is most likely to reach on a request,
//! learned from the decided cases most like it, each with the cases behind it and a reason in
//! plain Chinese, and a warning when cases answered the same way were corrected on
//! reconsideration or in court.
//!
//! A weighted vote of the similar-case neighbours, smoothed towards the agency's own history:
//! each decided neighbour votes for its disposition with the weight
//! `(score / best score) × RECENCY^(years ago)`, a neighbour whose answer was corrected only
//! with [`CORRECTED_WEIGHT`] of it (its answer was found wrong, the right one is not known);
//! the agency's past dispositions add [`PRIOR_WEIGHT`] votes spread by their frequency, so that a
//! request like nothing decided before is predicted by what the agency usually answers, with a
//! low confidence. The confidence of a disposition is its share of all votes. The figures of the
//! evaluation (top-1 and top-3 accuracy against the agency's most frequent disposition,
//! calibration) are in docs/prediction.md, measured on the hand-labelled set of
//! fixtures/eval/similar.
//!
//! A prediction is advice: it is never applied by itself, and the handler picks the
//! disposition the law requires on the facts (条例36).

use std::collections::HashMap;

use serde::Serialize;

use crate::Disposition;

/// How much a year older weighs against this year's cases.
pub const RECENCY: f64 = 0.9;
/// What a corrected precedent's vote counts for.
pub const CORRECTED_WEIGHT: f64 = 0.25;
/// Votes the agency's history adds, spread by frequency.
pub const PRIOR_WEIGHT: f64 = 1.0;
/// The power of the relative similarity.
pub const SHARPNESS: i32 = 1;
/// Neighbours that vote.
pub const VOTERS: usize = 30;
/// Dispositions offered.
pub const TOP: usize = 3;
/// Precedents named per disposition.
pub const NAMED: usize = 5;

/// What became of a precedent after its reply.
#[derive(Debug, Clone, PartialEq)]
pub struct PrecedentOutcome {
    /// Who decided what (`杭州市人民政府：撤销`).
    pub label: String,
    /// The reply was corrected (结果纠正).
    pub corrected: bool,
    /// The defect the correcting decision named, if recorded.
    pub defect: Option<String>,
}

/// A decided case like the one predicted.
#[derive(Debug, Clone, PartialEq)]
pub struct Precedent {
    pub case_id: i64,
    pub tracking_no: String,
    /// The similarity engine's score (larger is more alike; any scale).
    pub score: f32,
    /// Year of receipt.
    pub year: i32,
    pub disposition: Disposition,
    pub outcome: Option<PrecedentOutcome>,
}

/// One likely disposition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Likely {
    pub disposition: Disposition,
    /// Its share of the votes, 0–1.
    pub confidence: f64,
    /// Indices into the precedents given, most alike first.
    #[serde(skip)]
    pub precedents: Vec<usize>,
    pub why: String,
}

/// Cases answered as predicted that were corrected afterwards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    pub summary: String,
    /// Indices into the precedents given.
    #[serde(skip)]
    pub precedents: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub items: Vec<Likely>,
    pub risk: Option<Risk>,
}

/// Whether a disposition is one a handler reaches on a request: not the endings the
/// applicant's own conduct makes (a 补正 or a fee left undone, a withdrawal, 条例30 and the fee
/// rules), which no reading of the request predicts.
pub fn predictable(d: Disposition) -> bool {
    !matches!(
        d,
        Disposition::OtherCorrectionOverdue
            | Disposition::OtherFeeUnpaid
            | Disposition::OtherWithdrawn
    )
}

/// The weighing's parameters; [`Weights::default`] is what the server uses (chosen on the
/// evaluation set, docs/prediction.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// The power the relative similarity is raised to: higher trusts the closest more.
    pub sharpness: i32,
    pub recency: f64,
    pub corrected: f64,
    pub prior: f64,
    /// Neighbours that vote, most alike first.
    pub voters: usize,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            sharpness: SHARPNESS,
            recency: RECENCY,
            corrected: CORRECTED_WEIGHT,
            prior: PRIOR_WEIGHT,
            voters: VOTERS,
        }
    }
}

fn weight(p: &Precedent, best: f32, this_year: i32, w: &Weights) -> f64 {
    let s = if best > 0.0 {
        f64::from((p.score / best).clamp(0.0, 1.0))
    } else {
        0.0
    };
    let age = (this_year - p.year).max(0);
    let corrected = p.outcome.as_ref().is_some_and(|o| o.corrected);
    s.powi(w.sharpness) * w.recency.powi(age) * if corrected { w.corrected } else { 1.0 }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).round())
}

/// The [`TOP`] most likely dispositions of a request given its decided `precedents` (most
/// alike first, as the similarity engine ranks them) and the agency's past dispositions
/// (`prior`: each with how often it was given). `this_year`: the year the recency counts from.
pub fn forecast(
    precedents: &[Precedent],
    prior: &[(Disposition, u64)],
    this_year: i32,
) -> Forecast {
    forecast_with(precedents, prior, this_year, &Weights::default())
}

/// [`forecast`] with other weights (for choosing them on an evaluation set).
pub fn forecast_with(
    precedents: &[Precedent],
    prior: &[(Disposition, u64)],
    this_year: i32,
    weights: &Weights,
) -> Forecast {
    let precedents = &precedents[..precedents.len().min(weights.voters)];
    let best = precedents.iter().map(|p| p.score).fold(0.0_f32, f32::max);
    let mut votes: HashMap<Disposition, f64> = HashMap::new();
    let mut total = 0.0;
    for p in precedents.iter().filter(|p| predictable(p.disposition)) {
        let w = weight(p, best, this_year, weights);
        *votes.entry(p.disposition).or_default() += w;
        total += w;
    }
    let prior: Vec<(Disposition, u64)> = prior
        .iter()
        .copied()
        .filter(|(d, _)| predictable(*d))
        .collect();
    let prior = prior.as_slice();
    let prior_total: u64 = prior.iter().map(|(_, n)| n).sum();
    if prior_total > 0 {
        for (d, n) in prior {
            let w = weights.prior * (*n as f64) / (prior_total as f64);
            *votes.entry(*d).or_default() += w;
        }
        total += weights.prior;
    }
    let mut ranked: Vec<(Disposition, f64)> = votes.into_iter().collect();
    // Ties go to the order of the catalogue, so that the same input answers the same.
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1).then_with(|| {
            let pos = |d: Disposition| Disposition::ALL.iter().position(|x| *x == d);
            pos(a.0).cmp(&pos(b.0))
        })
    });
    let items: Vec<Likely> = ranked
        .into_iter()
        .take(TOP)
        .filter(|(_, v)| *v > 0.0)
        .map(|(d, v)| {
            let confidence = if total > 0.0 { v / total } else { 0.0 };
            let behind: Vec<usize> = precedents
                .iter()
                .enumerate()
                .filter(|(_, p)| p.disposition == d)
                .map(|(i, _)| i)
                .collect();
            let why = reason(d, &behind, precedents, prior, prior_total);
            Likely {
                disposition: d,
                confidence,
                precedents: behind.into_iter().take(NAMED).collect(),
                why,
            }
        })
        .collect();
    let risk = items
        .first()
        .and_then(|top| risk(top.disposition, precedents));
    Forecast { items, risk }
}

fn reason(
    d: Disposition,
    behind: &[usize],
    precedents: &[Precedent],
    prior: &[(Disposition, u64)],
    prior_total: u64,
) -> String {
    let share = prior
        .iter()
        .find(|(x, _)| *x == d)
        .map(|(_, n)| *n as f64 / prior_total.max(1) as f64)
        .unwrap_or(0.0);
    let history = if prior_total > 0 {
        format!("本机关以往已办结申请中“{}”占{}", d.label(), percent(share))
    } else {
        "本机关尚无已办结申请可供参照".to_owned()
    };
    match behind.first() {
        None => format!("相似的已办结案件中没有作出“{}”的；{history}。", d.label()),
        Some(&first) => {
            let p = &precedents[first];
            let corrected = behind
                .iter()
                .filter(|i| {
                    precedents[**i]
                        .outcome
                        .as_ref()
                        .is_some_and(|o| o.corrected)
                })
                .count();
            let mut s = format!(
                "最相似的{}件已办结案件中有{}件作出“{}”，其中最相似的是{}（{}年）；{history}。",
                precedents.len(),
                behind.len(),
                d.label(),
                p.tracking_no,
                p.year
            );
            if corrected > 0 {
                s.push_str(&format!(
                    "其中{corrected}件后经复议或诉讼被纠正，已降低其权重。"
                ));
            }
            s
        }
    }
}

fn risk(d: Disposition, precedents: &[Precedent]) -> Option<Risk> {
    let corrected: Vec<usize> = precedents
        .iter()
        .enumerate()
        .filter(|(_, p)| p.disposition == d && p.outcome.as_ref().is_some_and(|o| o.corrected))
        .map(|(i, _)| i)
        .collect();
    if corrected.is_empty() {
        return None;
    }
    let named: Vec<String> = corrected
        .iter()
        .take(NAMED)
        .map(|i| {
            let p = &precedents[*i];
            let o = p.outcome.as_ref();
            let label = o.map(|o| o.label.as_str()).unwrap_or("被纠正");
            match o.and_then(|o| o.defect.as_deref()) {
                Some(defect) => format!("{}（{label}，理由：{defect}）", p.tracking_no),
                None => format!("{}（{label}）", p.tracking_no),
            }
        })
        .collect();
    Some(Risk {
        summary: format!(
            "相似案件中有{}件同样作出“{}”后被复议机关或法院纠正：{}。作出该答复前请核对这些案件被纠正的原因。",
            corrected.len(),
            d.label(),
            named.join("；")
        ),
        precedents: corrected.into_iter().take(NAMED).collect(),
    })
}

/// One row of a reliability table: the predictions whose stated confidence fell in
/// `[low, high)`, and how often they were right.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub low: f64,
    pub high: f64,
    pub count: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// The reliability table of `(stated confidence, was right)` pairs in `bands` equal bands, and
/// the expected calibration error (the bands' |accuracy − confidence| weighted by their share).
pub fn calibration(pairs: &[(f64, bool)], bands: usize) -> (Vec<Band>, f64) {
    let bands = bands.max(1);
    let mut out = Vec::new();
    let mut ece = 0.0;
    for b in 0..bands {
        let low = b as f64 / bands as f64;
        let high = (b + 1) as f64 / bands as f64;
        let inside: Vec<&(f64, bool)> = pairs
            .iter()
            .filter(|(c, _)| *c >= low && (*c < high || (b + 1 == bands && *c <= high)))
            .collect();
        if inside.is_empty() {
            continue;
        }
        let n = inside.len() as f64;
        let mean_confidence = inside.iter().map(|(c, _)| c).sum::<f64>() / n;
        let accuracy = inside.iter().filter(|(_, ok)| *ok).count() as f64 / n;
        ece += n / pairs.len() as f64 * (accuracy - mean_confidence).abs();
        out.push(Band {
            low,
            high,
            count: inside.len(),
            mean_confidence,
            accuracy,
        });
    }
    (out, ece)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(id: i64, score: f32, year: i32, d: Disposition, corrected: bool) -> Precedent {
        Precedent {
            case_id: id,
            tracking_no: format!("ZJ-HZ-SC-{year}-{id:06}"),
            score,
            year,
            disposition: d,
            outcome: corrected.then(|| PrecedentOutcome {
                label: "杭州市上城区人民政府：撤销".into(),
                corrected: true,
                defect: Some("未说明不予公开的理由".into()),
            }),
        }
    }

    #[test]
    fn the_closest_recent_cases_lead_and_the_agency_history_fills_in() {
        let ps = [
            p(1, 10.0, 2026, Disposition::Disclosed, false),
            p(2, 9.0, 2025, Disposition::Disclosed, false),
            p(3, 9.5, 2019, Disposition::WithheldProcessInfo, false),
            p(4, 3.0, 2026, Disposition::UnavailableNotHeld, false),
        ];
        let prior = [
            (Disposition::DisclosedAlreadyPublic, 90),
            (Disposition::Disclosed, 10),
        ];
        let f = forecast(&ps, &prior, 2026);
        assert_eq!(f.items.len(), 3);
        assert_eq!(f.items[0].disposition, Disposition::Disclosed);
        assert_eq!(f.items[0].precedents, vec![0, 1]);
        assert!(
            f.items[0].why.contains("ZJ-HZ-SC-2026-000001"),
            "{}",
            f.items[0].why
        );
        let sum: f64 = f.items.iter().map(|i| i.confidence).sum();
        assert!(sum <= 1.0 + 1e-9 && f.items[0].confidence > 0.5, "{f:?}");
        assert!(f.risk.is_none());
        // Nothing alike: the agency's history alone, with a low confidence spread by frequency.
        let f = forecast(&[], &prior, 2026);
        assert_eq!(f.items[0].disposition, Disposition::DisclosedAlreadyPublic);
        assert!((f.items[0].confidence - 0.9).abs() < 1e-9);
        assert!(f.items[0].why.contains("没有作出"), "{}", f.items[0].why);
        assert!(forecast(&[], &[], 2026).items.is_empty());
    }

    #[test]
    fn corrected_precedents_weigh_less_and_are_named_as_a_risk() {
        let ps = [
            p(1, 10.0, 2026, Disposition::WithheldProcessInfo, true),
            p(2, 10.0, 2026, Disposition::WithheldProcessInfo, false),
            p(3, 10.0, 2026, Disposition::Disclosed, false),
        ];
        let f = forecast(&ps, &[], 2026);
        assert_eq!(f.items[0].disposition, Disposition::WithheldProcessInfo);
        assert!((f.items[0].confidence - 1.25 / 2.25).abs() < 1e-9, "{f:?}");
        let risk = f.risk.expect("risk");
        assert!(
            risk.summary.contains("ZJ-HZ-SC-2026-000001"),
            "{}",
            risk.summary
        );
        assert!(
            risk.summary.contains("未说明不予公开的理由"),
            "{}",
            risk.summary
        );
        assert_eq!(risk.precedents, vec![0]);
    }

    #[test]
    fn the_reliability_table_and_its_error() {
        let pairs = [
            (0.95, true),
            (0.9, true),
            (0.85, false),
            (0.15, false),
            (0.1, true),
        ];
        let (bands, ece) = calibration(&pairs, 10);
        assert_eq!(bands.iter().map(|b| b.count).sum::<usize>(), 5);
        let top = bands.last().expect("band");
        assert_eq!((top.count, top.accuracy), (2, 1.0));
        assert!(ece > 0.0 && ece < 1.0);
        let (_, perfect) = calibration(&[(1.0, true), (0.0, false)], 10);
        assert!(perfect.abs() < 1e-9);
    }
}
