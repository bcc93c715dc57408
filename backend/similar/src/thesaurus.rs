//! The thesaurus of government terms (`fixtures/similar/thesaurus.toml`, embedded at build time).
//!
//! It owns two kinds of knowledge: *groups* of words that applicants and staff use for the same
//! thing (征收 / 拆迁 / 旧改), used to expand a query with the other members at a lower weight,
//! and *senses* of words that serve several topics (补偿 in 征收补偿 and in 生态补偿), resolved
//! from the rest of the query. Expansion happens at query time only, so editing the thesaurus
//! never requires rebuilding the index.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::error::SimilarError;

const BUNDLED: &str = include_str!("../../../fixtures/similar/thesaurus.toml");

/// One reading of an ambiguous word: the context words that select it and the terms it adds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Reading {
    /// A label for the reading (shown in tests and docs only).
    pub name: String,
    /// If any of these occurs in the query text, this reading applies.
    pub context: Vec<String>,
    /// Terms added to the query (at the sense weight) when this reading applies.
    pub expand: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawGroup {
    #[allow(dead_code)]
    name: String,
    terms: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawSense {
    term: String,
    #[serde(rename = "reading")]
    readings: Vec<Reading>,
}

#[derive(Debug, Deserialize)]
struct RawThesaurus {
    #[serde(default, rename = "group")]
    groups: Vec<RawGroup>,
    #[serde(default, rename = "sense")]
    senses: Vec<RawSense>,
}

/// How an ambiguous word reads in a given context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sense<'a> {
    /// The word has only one sense.
    Plain,
    /// The word has several senses and the context selects none of them.
    Unresolved,
    /// The context selects these readings (usually one; several on a tie).
    Resolved(Vec<&'a Reading>),
}

/// Groups of equivalent terms and the senses of ambiguous words.
#[derive(Debug, Clone, Default)]
pub struct Thesaurus {
    groups: Vec<Vec<String>>,
    by_term: HashMap<String, Vec<usize>>,
    senses: HashMap<String, Vec<Reading>>,
}

impl Thesaurus {
    /// The thesaurus bundled with the crate.
    pub fn bundled() -> Result<Self, SimilarError> {
        Self::parse(BUNDLED)
    }

    /// Parses a thesaurus in the format of `fixtures/similar/thesaurus.toml`.
    pub fn parse(source: &str) -> Result<Self, SimilarError> {
        let raw: RawThesaurus = toml::from_str(source).map_err(|e| SimilarError::Resource {
            name: "thesaurus.toml",
            message: e.to_string(),
        })?;
        let mut thesaurus = Thesaurus::default();
        for group in raw.groups {
            let index = thesaurus.groups.len();
            let mut seen = HashSet::new();
            let terms: Vec<String> = group
                .terms
                .into_iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty() && seen.insert(t.clone()))
                .collect();
            for term in &terms {
                thesaurus
                    .by_term
                    .entry(term.clone())
                    .or_default()
                    .push(index);
            }
            thesaurus.groups.push(terms);
        }
        for sense in raw.senses {
            thesaurus
                .senses
                .entry(sense.term)
                .or_default()
                .extend(sense.readings);
        }
        Ok(thesaurus)
    }

    /// Every term the thesaurus mentions (group members, ambiguous words, expansions); they are
    /// added to the segmentation dictionary so that each is cut as one word.
    pub fn all_terms(&self) -> impl Iterator<Item = &str> {
        let groups = self.groups.iter().flatten().map(String::as_str);
        let senses = self.senses.iter().flat_map(|(term, readings)| {
            std::iter::once(term.as_str()).chain(
                readings
                    .iter()
                    .flat_map(|r| r.expand.iter().map(String::as_str)),
            )
        });
        groups.chain(senses)
    }

    /// The other members of every group `term` belongs to, without duplicates.
    pub fn synonyms(&self, term: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for &group in self
            .by_term
            .get(term)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            for other in &self.groups[group] {
                if other != term && !out.contains(&other.as_str()) {
                    out.push(other);
                }
            }
        }
        out
    }

    /// How `term` reads given the surrounding `context` (the normalised query or case text).
    /// A reading is selected by the number of its context words found; ties keep all of them.
    pub fn sense<'a>(&'a self, term: &str, context: &str) -> Sense<'a> {
        let Some(readings) = self.senses.get(term) else {
            return Sense::Plain;
        };
        let scored: Vec<(usize, &Reading)> = readings
            .iter()
            .map(|r| {
                let hits = r
                    .context
                    .iter()
                    .filter(|c| c.as_str() != term && context.contains(c.as_str()))
                    .count();
                (hits, r)
            })
            .collect();
        let best = scored.iter().map(|(hits, _)| *hits).max().unwrap_or(0);
        if best == 0 {
            return Sense::Unresolved;
        }
        Sense::Resolved(
            scored
                .into_iter()
                .filter(|(hits, _)| *hits == best)
                .map(|(_, r)| r)
                .collect(),
        )
    }

    /// Whether `term` has several senses.
    pub fn is_ambiguous(&self, term: &str) -> bool {
        self.senses.contains_key(term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_thesaurus_parses_and_links_synonyms() {
        let t = Thesaurus::bundled().unwrap();
        let syn = t.synonyms("拆迁");
        assert!(syn.contains(&"征收"));
        assert!(syn.contains(&"旧改"));
        assert!(t.synonyms("公租房").contains(&"人才公寓"));
        assert!(t.synonyms("会议纪要").contains(&"会议记录"));
        assert!(t.synonyms("罚款").contains(&"行政处罚"));
        assert!(t.synonyms("不存在的词").is_empty());
    }

    #[test]
    fn senses_follow_the_context() {
        let t = Thesaurus::bundled().unwrap();
        match t.sense("补偿", "幸福路拆迁补偿标准") {
            Sense::Resolved(r) => assert_eq!(r[0].name, "征收补偿"),
            other => panic!("{other:?}"),
        }
        match t.sense("补偿", "流域上下游横向补偿资金") {
            Sense::Resolved(r) => assert_eq!(r[0].name, "生态补偿"),
            other => panic!("{other:?}"),
        }
        assert_eq!(t.sense("补偿", "补偿多少钱"), Sense::Unresolved);
        match t.sense("许可", "化工厂排污许可") {
            Sense::Resolved(r) => assert_eq!(r[0].name, "排污许可"),
            other => panic!("{other:?}"),
        }
        assert_eq!(t.sense("公租房", "任何"), Sense::Plain);
    }
}
