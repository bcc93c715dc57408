//! The evaluation set of `fixtures/eval/similar/` and its metrics, shared by the quality test
//! (`tests/quality.rs`) and the tuning grid (`examples/tuning_grid.rs`).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout
)]

use std::collections::HashMap;

use serde::Deserialize;
use yishen_similar::{CaseDoc, Filter, SimilarIndex, Tuning};

pub const CASES: &str = include_str!("../../../../fixtures/eval/similar/cases.jsonl");
pub const QUERIES: &str = include_str!("../../../../fixtures/eval/similar/queries.jsonl");

#[derive(Deserialize)]
pub struct EvalCase {
    pub id: i64,
    pub topic: String,
    pub matter: Option<String>,
    pub year: i32,
    pub agency_path: String,
    pub disposition: Option<String>,
    pub content: String,
    pub description: String,
    pub reply: String,
}

impl EvalCase {
    pub fn doc(&self) -> CaseDoc {
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
pub struct EvalQuery {
    pub text: String,
    pub relevant: HashMap<String, u8>,
}

/// One query of a run: the text (or case), its graded labels.
pub struct Judged {
    pub text: String,
    pub case: Option<i64>,
    pub labels: HashMap<i64, u8>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Metrics {
    pub hit5: f64,
    pub p5: f64,
    pub ndcg10: f64,
}

pub fn dcg(gains: impl Iterator<Item = u8>) -> f64 {
    gains
        .enumerate()
        .map(|(i, g)| (2f64.powi(i32::from(g)) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

pub fn evaluate(judged: &[Judged], mut ranked: impl FnMut(&Judged) -> Vec<i64>) -> Metrics {
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

pub fn load() -> (Vec<EvalCase>, Vec<Judged>, Vec<Judged>) {
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

pub fn row(name: &str, m: Metrics) {
    println!(
        "  {name:<44} hit@5 {:.3}   P@5 {:.3}   nDCG@10 {:.3}",
        m.hit5, m.p5, m.ndcg10
    );
}

pub fn indexed(cases: &[EvalCase]) -> SimilarIndex {
    let index = SimilarIndex::open_in_ram().unwrap();
    let docs: Vec<CaseDoc> = cases.iter().map(EvalCase::doc).collect();
    index.upsert_many(&docs).unwrap();
    index.commit().unwrap();
    index
}

pub fn ranked(index: &SimilarIndex, j: &Judged, tuning: &Tuning) -> Vec<i64> {
    let hits = match j.case {
        Some(id) => index.like_case_tuned(id, &Filter::default(), 10, tuning),
        None => index.search_tuned(&j.text, &Filter::default(), 10, tuning),
    };
    hits.unwrap().into_iter().map(|h| h.case_id).collect()
}
