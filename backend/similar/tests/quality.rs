//! Retrieval quality on the evaluation set in `fixtures/eval/similar/` (312 cases, 24 topics,
//! 76 free-text queries plus every case with a matter as a "more like this" query), for yishen
//! and for the character-bigram TF-IDF baseline. Prints hit@5, precision@5 and nDCG@10 and fails
//! if yishen drops below the floors measured when the set was made, or below the baseline.
//!
//! Run: `cargo test -p yishen-similar --test quality -- --nocapture`

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::HashMap;

use serde::Deserialize;
use yishen_similar::baseline::BigramTfIdf;
use yishen_similar::{CaseDoc, Filter, SimilarIndex, Tuning};

const CASES: &str = include_str!("../../../fixtures/eval/similar/cases.jsonl");
const QUERIES: &str = include_str!("../../../fixtures/eval/similar/queries.jsonl");

#[derive(Deserialize)]
struct EvalCase {
    id: i64,
    topic: String,
    matter: Option<String>,
    year: i32,
    agency_path: String,
    disposition: Option<String>,
    content: String,
    description: String,
    reply: String,
}

impl EvalCase {
    fn doc(&self) -> CaseDoc {
        let text = [&self.content, &self.description, &self.reply]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        CaseDoc {
            case_id: self.id,
            agency_path: self.agency_path.clone(),
            year: self.year,
            disposition: self.disposition.clone(),
            text,
        }
    }
}

#[derive(Deserialize)]
struct EvalQuery {
    text: String,
    relevant: HashMap<String, u8>,
}

/// One query of a run: the text (or case), its graded labels.
struct Judged {
    text: String,
    case: Option<i64>,
    labels: HashMap<i64, u8>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Metrics {
    hit5: f64,
    p5: f64,
    ndcg10: f64,
}

fn dcg(gains: impl Iterator<Item = u8>) -> f64 {
    gains
        .enumerate()
        .map(|(i, g)| (2f64.powi(i32::from(g)) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

fn evaluate(judged: &[Judged], mut ranked: impl FnMut(&Judged) -> Vec<i64>) -> Metrics {
    let mut m = Metrics::default();
    for j in judged {
        let ids = ranked(j);
        let grade = |id: &i64| j.labels.get(id).copied().unwrap_or(0);
        let best = j.labels.values().copied().max().unwrap_or(0);
        if ids.iter().take(5).any(|id| grade(id) == best && best > 0) {
            m.hit5 += 1.0;
        }
        m.p5 += ids.iter().take(5).filter(|id| grade(id) > 0).count() as f64 / 5.0;
        let mut ideal: Vec<u8> = j.labels.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg = dcg(ideal.into_iter().take(10));
        if idcg > 0.0 {
            m.ndcg10 += dcg(ids.iter().take(10).map(grade)) / idcg;
        }
    }
    let n = judged.len() as f64;
    Metrics {
        hit5: m.hit5 / n,
        p5: m.p5 / n,
        ndcg10: m.ndcg10 / n,
    }
}

fn load() -> (Vec<EvalCase>, Vec<Judged>, Vec<Judged>) {
    let cases: Vec<EvalCase> = CASES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let queries: Vec<Judged> = QUERIES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let q: EvalQuery = serde_json::from_str(l).unwrap();
            Judged {
                text: q.text,
                case: None,
                labels: q
                    .relevant
                    .into_iter()
                    .map(|(k, v)| (k.parse().unwrap(), v))
                    .collect(),
            }
        })
        .collect();
    // Every case that belongs to a matter asks for the cases like it.
    let like: Vec<Judged> = cases
        .iter()
        .filter(|c| c.matter.is_some())
        .map(|c| Judged {
            text: c.doc().text,
            case: Some(c.id),
            labels: cases
                .iter()
                .filter(|o| o.id != c.id && o.topic == c.topic)
                .map(|o| (o.id, if o.matter == c.matter { 2 } else { 1 }))
                .collect(),
        })
        .collect();
    (cases, queries, like)
}

fn row(name: &str, m: Metrics) {
    println!(
        "  {name:<44} hit@5 {:.3}   P@5 {:.3}   nDCG@10 {:.3}",
        m.hit5, m.p5, m.ndcg10
    );
}

fn indexed(cases: &[EvalCase]) -> SimilarIndex {
    let index = SimilarIndex::open_in_ram().unwrap();
    let docs: Vec<CaseDoc> = cases.iter().map(EvalCase::doc).collect();
    index.upsert_many(&docs).unwrap();
    index.commit().unwrap();
    index
}

fn ranked(index: &SimilarIndex, j: &Judged, tuning: &Tuning) -> Vec<i64> {
    let hits = match j.case {
        Some(id) => index.like_case_tuned(id, &Filter::default(), 10, tuning),
        None => index.search_tuned(&j.text, &Filter::default(), 10, tuning),
    };
    hits.unwrap().into_iter().map(|h| h.case_id).collect()
}

/// A coarse grid over the knobs, to show how sensitive the figures are (not run by default):
/// `cargo test -p yishen-similar --test quality -- --ignored --nocapture`
#[test]
#[ignore]
fn tuning_grid() {
    let (cases, queries, like) = load();
    let index = indexed(&cases);
    let base = Tuning::default();
    let mut grid: Vec<(String, Tuning)> = Vec::new();
    for v in [0.0, 0.05, 0.1, 0.3, 1.0] {
        grid.push((
            format!("boilerplate_weight {v}"),
            Tuning {
                boilerplate_weight: v,
                ..base.clone()
            },
        ));
    }
    for v in [0.3, 0.5, 0.7, 1.0] {
        grid.push((
            format!("part_weight {v}"),
            Tuning {
                part_weight: v,
                ..base.clone()
            },
        ));
    }
    for v in [0.0, 0.1, 0.5, 1.0] {
        grid.push((
            format!("legal_weight {v}"),
            Tuning {
                legal_weight: v,
                ..base.clone()
            },
        ));
    }
    for v in [8, 12, 16, 24, 32, 48] {
        grid.push((
            format!("feedback_terms {v}"),
            Tuning {
                feedback_terms: v,
                ..base.clone()
            },
        ));
    }
    for v in [0.2, 0.3, 0.4, 0.5, 0.7] {
        grid.push((
            format!("expansion_weight {v}"),
            Tuning {
                expansion_weight: v,
                ..base.clone()
            },
        ));
    }
    for v in [0.3, 0.6, 0.9] {
        grid.push((
            format!("sense_weight {v}"),
            Tuning {
                sense_weight: v,
                ..base.clone()
            },
        ));
    }
    for v in [0.3, 0.5, 0.8, 1.0] {
        grid.push((
            format!("unresolved_weight {v}"),
            Tuning {
                unresolved_weight: v,
                ..base.clone()
            },
        ));
    }
    for v in [10, 20, 40, 80] {
        grid.push((
            format!("max_expansions {v}"),
            Tuning {
                max_expansions: v,
                ..base.clone()
            },
        ));
    }
    for (name, tuning) in &grid {
        let q = evaluate(&queries, |j| ranked(&index, j, tuning));
        let l = evaluate(&like, |j| ranked(&index, j, tuning));
        println!(
            "{name:<24} queries P@5 {:.3} nDCG {:.3} | like P@5 {:.3} nDCG {:.3}",
            q.p5, q.ndcg10, l.p5, l.ndcg10
        );
    }
    if std::env::var_os("YISHEN_EVAL_VERBOSE").is_some() {
        for j in queries.iter().chain(like.iter()) {
            let ids = ranked(&index, j, &base);
            let grades: Vec<u8> = ids
                .iter()
                .map(|id| j.labels.get(id).copied().unwrap_or(0))
                .collect();
            if grades.iter().take(5).filter(|g| **g > 0).count() < 4 {
                let head: String = j.text.chars().take(40).collect();
                println!("{grades:?} {:?} {head}", j.case);
            }
        }
    }
}

#[test]
fn yishen_beats_the_bigram_baseline_on_the_evaluation_set() {
    let (cases, queries, like) = load();
    assert!(cases.len() >= 300);
    assert!(queries.len() >= 60);
    let topics: std::collections::HashSet<&str> = cases.iter().map(|c| c.topic.as_str()).collect();
    assert!(topics.len() >= 20);

    let index = indexed(&cases);
    let texts: Vec<(i64, String)> = cases.iter().map(|c| (c.id, c.doc().text)).collect();
    let baseline = BigramTfIdf::new(texts.iter().map(|(id, t)| (*id, t.as_str())));

    let yishen = |tuning: &Tuning| {
        let tuning = tuning.clone();
        let index = &index;
        move |j: &Judged| -> Vec<i64> { ranked(index, j, &tuning) }
    };
    let bigram = |j: &Judged| -> Vec<i64> {
        let exclude: Vec<i64> = j.case.into_iter().collect();
        baseline
            .search(&j.text, 10, &exclude)
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    };

    let full = Tuning::default();
    let variants: Vec<(&str, Tuning)> = vec![
        ("plain (own terms, BM25 only)", Tuning::plain()),
        (
            "+ boilerplate damping",
            Tuning {
                boilerplate_weight: full.boilerplate_weight,
                ..Tuning::plain()
            },
        ),
        (
            "+ boilerplate removed instead",
            Tuning {
                boilerplate_weight: 0.0,
                ..Tuning::plain()
            },
        ),
        (
            "+ damping + thesaurus groups",
            Tuning {
                sense_weight: 0.0,
                ..full.clone()
            },
        ),
        (
            "+ damping + senses",
            Tuning {
                expansion_weight: 0.0,
                ..full.clone()
            },
        ),
        (
            "full, without idf boost",
            Tuning {
                idf_boost: false,
                ..full.clone()
            },
        ),
    ];

    let mut results = Vec::new();
    for (set_name, set) in [
        ("free-text queries", &queries),
        ("like_case (leave one out)", &like),
    ] {
        println!("\n{set_name}: {} queries", set.len());
        let base = evaluate(set, bigram);
        row("bigram TF-IDF baseline", base);
        for (name, tuning) in &variants {
            row(name, evaluate(set, yishen(tuning)));
        }
        let ours = evaluate(set, yishen(&full));
        row("yishen (default tuning)", ours);
        results.push((set_name, base, ours));
    }

    // Floors: a little under the figures measured when the set was made (docs/similar.md):
    // free text hit@5 1.000, P@5 0.926, nDCG@10 0.914; like_case 0.990, 0.951, 0.862.
    let floors = [
        (
            "free-text queries",
            Metrics {
                hit5: 0.98,
                p5: 0.91,
                ndcg10: 0.90,
            },
        ),
        (
            "like_case (leave one out)",
            Metrics {
                hit5: 0.97,
                p5: 0.94,
                ndcg10: 0.85,
            },
        ),
    ];
    for ((name, base, ours), (_, floor)) in results.iter().zip(floors) {
        assert!(
            ours.ndcg10 >= base.ndcg10 + 0.05,
            "{name}: nDCG@10 {ours:?} not above baseline {base:?}"
        );
        assert!(
            ours.p5 >= base.p5,
            "{name}: P@5 {ours:?} below baseline {base:?}"
        );
        assert!(
            ours.hit5 >= floor.hit5,
            "{name}: hit@5 {} < {}",
            ours.hit5,
            floor.hit5
        );
        assert!(
            ours.p5 >= floor.p5,
            "{name}: P@5 {} < {}",
            ours.p5,
            floor.p5
        );
        assert!(
            ours.ndcg10 >= floor.ndcg10,
            "{name}: nDCG@10 {} < {}",
            ours.ndcg10,
            floor.ndcg10
        );
    }
}
