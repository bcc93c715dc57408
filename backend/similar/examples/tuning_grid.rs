//! A coarse grid over the relevance-feedback knobs on the evaluation set, to show how
//! sensitive the quality figures are (docs/similar.md): an exploration tool, not a test.
//! `cargo run --release -p yishen-similar --example tuning_grid`

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/eval/mod.rs"]
mod eval;

use eval::*;
use yishen_similar::Tuning;

fn main() {
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
