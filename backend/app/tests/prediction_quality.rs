//! The case prediction (案件预判) measured on the hand-labelled evaluation set of
//! `fixtures/eval/similar/` (312 decided cases, 43 agencies, 24 topics, 2017–2024): five-fold
//! cross-validation by case id, each held-out case predicted from the other four folds only,
//! from its request (content and description, not its reply) through the same similarity index
//! and `domain::prediction::forecast` the server uses. Compared with the baseline "the
//! agency's most frequent disposition" (in the training folds). Prints top-1 and top-3
//! accuracy, the reliability table of the top prediction's confidence and the expected
//! calibration error; fails below the floors measured (docs/prediction.md).
//!
//! Run: `cargo test -p yishen-app --test prediction_quality -- --nocapture`

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

// The evaluation set as the similar-case quality test reads it.
#[path = "../../similar/tests/eval/mod.rs"]
mod eval;

use std::collections::HashMap;

use eval::EvalCase;
use yishen_domain::Disposition;
use yishen_domain::prediction::{Precedent, Weights, calibration, forecast_with};
use yishen_similar::{Filter, SimilarIndex};

const FOLDS: i64 = 5;
const NEIGHBOURS: usize = 30;

/// What is known of a case when it is opened: the request.
fn request(c: &EvalCase) -> String {
    format!("{}\n{}", c.content, c.description)
}

fn disposition(c: &EvalCase) -> Disposition {
    c.disposition
        .as_deref()
        .and_then(Disposition::parse)
        .expect("a known disposition")
}

fn most_frequent(counts: &HashMap<Disposition, u64>, n: usize) -> Vec<Disposition> {
    let mut v: Vec<(Disposition, u64)> = counts.iter().map(|(d, c)| (*d, *c)).collect();
    v.sort_by(|a, b| {
        b.1.cmp(&a.1).then_with(|| {
            let pos = |d: Disposition| Disposition::ALL.iter().position(|x| *x == d);
            pos(a.0).cmp(&pos(b.0))
        })
    });
    v.into_iter().take(n).map(|(d, _)| d).collect()
}

struct Measured {
    top1: usize,
    top3: usize,
    base1: usize,
    base3: usize,
    pairs: Vec<(f64, bool)>,
}

/// One held-out case as the prediction sees it: its true disposition, its neighbours from the
/// other folds (most alike first), and its agency's history in those folds.
struct Held {
    truth: Disposition,
    precedents: Vec<Precedent>,
    prior: HashMap<Disposition, u64>,
}

/// The held-out cases of the five folds, searched once: the weighing is what varies.
fn held_out() -> (Vec<Held>, i32) {
    let (cases, _, _) = eval::load();
    assert_eq!(cases.len(), 312);
    let this_year = cases.iter().map(|c| c.year).max().unwrap();
    let by_id: HashMap<i64, &EvalCase> = cases.iter().map(|c| (c.id, c)).collect();
    let mut out = Vec::new();
    for fold in 0..FOLDS {
        let (held, known): (Vec<&EvalCase>, Vec<&EvalCase>) =
            cases.iter().partition(|c| c.id % FOLDS == fold);
        let index = SimilarIndex::open_in_ram().unwrap();
        index
            .upsert_many(&known.iter().map(|c| c.doc()).collect::<Vec<_>>())
            .unwrap();
        index.commit().unwrap();
        let mut at_agency: HashMap<&str, HashMap<Disposition, u64>> = HashMap::new();
        let mut overall: HashMap<Disposition, u64> = HashMap::new();
        for c in &known {
            *at_agency
                .entry(c.agency_path.as_str())
                .or_default()
                .entry(disposition(c))
                .or_default() += 1;
            *overall.entry(disposition(c)).or_default() += 1;
        }
        for c in held {
            let hits = index
                .search(&request(c), &Filter::default(), NEIGHBOURS)
                .unwrap();
            let precedents = hits
                .iter()
                .map(|h| {
                    let p = by_id[&h.case_id];
                    Precedent {
                        case_id: p.id,
                        tracking_no: format!("EVAL-{}", p.id),
                        score: h.score,
                        year: p.year,
                        disposition: disposition(p),
                        outcome: None,
                    }
                })
                .collect();
            out.push(Held {
                truth: disposition(c),
                precedents,
                prior: at_agency
                    .get(c.agency_path.as_str())
                    .unwrap_or(&overall)
                    .clone(),
            });
        }
    }
    (out, this_year)
}

fn measure(held: &[Held], this_year: i32, weights: &Weights) -> Measured {
    let (mut top1, mut top3, mut base1, mut base3) = (0, 0, 0, 0);
    let mut pairs: Vec<(f64, bool)> = Vec::new();
    for h in held {
        let prior: Vec<(Disposition, u64)> = h.prior.iter().map(|(d, n)| (*d, *n)).collect();
        let f = forecast_with(&h.precedents, &prior, this_year, weights);
        let first = f.items.first().expect("a prediction");
        let right = first.disposition == h.truth;
        top1 += usize::from(right);
        top3 += usize::from(f.items.iter().any(|i| i.disposition == h.truth));
        pairs.push((first.confidence, right));
        let baseline = most_frequent(&h.prior, 3);
        base1 += usize::from(baseline.first() == Some(&h.truth));
        base3 += usize::from(baseline.contains(&h.truth));
    }
    Measured {
        top1,
        top3,
        base1,
        base3,
        pairs,
    }
}

/// The weights the server uses are as good as any on a grid of 54 settings (docs/prediction.md,
/// "How the weights were chosen"): within 0.015 of the best top-1 accuracy, and calibrated.
/// Fails when a change to the similarity engine makes another setting clearly better, which
/// is the time to choose again. `--nocapture` prints the grid.
#[test]
fn the_chosen_weights_are_as_good_as_any_on_the_grid() {
    let (held, this_year) = held_out();
    let chosen = measure(&held, this_year, &Weights::default());
    let mut best = (0usize, Weights::default());
    for sharpness in [1, 2] {
        for prior in [0.25, 1.0, 3.0] {
            for voters in [10, 20, 30] {
                for recency in [0.8, 0.9, 1.0] {
                    let w = Weights {
                        sharpness,
                        prior,
                        voters,
                        recency,
                        ..Weights::default()
                    };
                    let m = measure(&held, this_year, &w);
                    let (_, ece) = calibration(&m.pairs, 10);
                    println!(
                        "sharpness {sharpness} prior {prior} voters {voters} recency {recency}: top-1 {:.3} top-3 {:.3} ece {ece:.3}",
                        m.top1 as f64 / 312.0,
                        m.top3 as f64 / 312.0
                    );
                    if m.top1 > best.0 {
                        best = (m.top1, w);
                    }
                }
            }
        }
    }
    let (_, ece) = calibration(&chosen.pairs, 10);
    assert!(
        chosen.top1 as f64 + 0.015 * 312.0 >= best.0 as f64,
        "the chosen weights reach top-1 {} of 312, the grid's best {} ({:?})",
        chosen.top1,
        best.0,
        best.1
    );
    assert!(ece <= 0.08, "expected calibration error {ece:.3}");
}

#[test]
fn the_prediction_beats_the_agency_baseline_and_says_how_sure_it_is() {
    let Measured {
        top1,
        top3,
        base1,
        base3,
        pairs,
    } = {
        let (held, this_year) = held_out();
        measure(&held, this_year, &Weights::default())
    };
    let n = 312.0;
    let pct = |k: usize| k as f64 / n;
    let (bands, ece) = calibration(&pairs, 10);
    println!("held out: 312 cases in {FOLDS} folds");
    println!("prediction: top-1 {:.3}, top-3 {:.3}", pct(top1), pct(top3));
    println!(
        "baseline (agency's most frequent): top-1 {:.3}, top-3 {:.3}",
        pct(base1),
        pct(base3)
    );
    println!("reliability of the top prediction (confidence band: n, mean confidence, accuracy):");
    for b in &bands {
        println!(
            "  {:.1}–{:.1}: {:>3}, {:.3}, {:.3}",
            b.low, b.high, b.count, b.mean_confidence, b.accuracy
        );
    }
    println!("expected calibration error: {ece:.3}");

    // Floors: the figures measured when the prediction was made (docs/prediction.md), less a
    // margin for changes to the similarity engine's tuning.
    assert!(pct(top1) >= 0.40, "top-1 {:.3}", pct(top1));
    assert!(pct(top3) >= 0.85, "top-3 {:.3}", pct(top3));
    assert!(
        top1 > base1,
        "top-1 {top1} not above the baseline's {base1}"
    );
    assert!(
        top3 > base3,
        "top-3 {top3} not above the baseline's {base3}"
    );
    assert!(ece <= 0.08, "expected calibration error {ece:.3}");
}
