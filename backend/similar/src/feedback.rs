//! Relevance feedback: from a text (a case's own text, or what a user typed) to the weighted
//! terms of a query. It owns the ranking model above BM25:
//!
//! 1. *Selection*: the text's terms scored by tf-idf over the index (`(1 + ln tf) · idf`),
//!    boilerplate multiplied by [`Tuning::boilerplate_weight`]; the best
//!    [`Tuning::feedback_terms`] are kept. Like Alaveteli's expansion set, but over segmented
//!    Chinese, and with filter fields (agency, status) never among the candidates: they are not
//!    in the text at all, and the status vocabulary of replies is boilerplate.
//! 2. *Expansion*: thesaurus synonyms at [`Tuning::expansion_weight`]; ambiguous words resolved by
//!    the rest of the text (补偿 + 拆迁 → 征收补偿, 安置补偿…) at [`Tuning::sense_weight`], or damped
//!    by [`Tuning::unresolved_weight`] when nothing settles their sense.
//!
//! The result is a disjunction of term queries, each boosted by its weight; BM25 supplies the
//! per-document term statistics.

use std::collections::HashMap;

use crate::articles::Edition;
use crate::text::Analyzer;
use crate::thesaurus::Sense;

/// Query-time knobs of the ranking model. [`Tuning::default`] holds the values measured best on
/// the evaluation set (`fixtures/eval/similar/`, see `docs/similar.md`); the other values exist
/// so the quality test can show what each part contributes.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// How many of a text's own terms a query keeps (the most informative first).
    pub feedback_terms: usize,
    /// Factor on boilerplate terms (申请公开, 相关文件, 年度, status words); 0 drops them.
    pub boilerplate_weight: f32,
    /// Factor on legal-ground terms from citations (`§过程性信息`): the ground of a reply is
    /// closer to its disposition than to its subject, so it only breaks ties by default.
    pub legal_weight: f32,
    /// Factor on a term that occurs only inside a longer word of the text (房屋 and 征收 in
    /// 房屋征收): the parts keep recall without letting one phrase count several times.
    pub part_weight: f32,
    /// Factor on thesaurus synonyms of a query term; 0 turns the groups off.
    pub expansion_weight: f32,
    /// Factor on the terms a resolved sense adds; 0 turns sense handling off.
    pub sense_weight: f32,
    /// Factor on an ambiguous word whose sense the text does not settle (1 = no damping).
    pub unresolved_weight: f32,
    /// Boost each own term by its idf as well (BM25 already applies idf once).
    pub idf_boost: bool,
    /// At most this many expansion terms per query (the heaviest first); bounds query cost.
    pub max_expansions: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            feedback_terms: 16,
            boilerplate_weight: 0.1,
            legal_weight: 0.1,
            part_weight: 0.7,
            expansion_weight: 0.5,
            sense_weight: 0.6,
            unresolved_weight: 0.5,
            idf_boost: true,
            max_expansions: 40,
        }
    }
}

impl Tuning {
    /// The plain model: own terms only, no thesaurus, no sense handling, no damping.
    pub fn plain() -> Self {
        Tuning {
            boilerplate_weight: 1.0,
            legal_weight: 1.0,
            part_weight: 1.0,
            expansion_weight: 0.0,
            sense_weight: 0.0,
            unresolved_weight: 1.0,
            ..Tuning::default()
        }
    }
}

/// Where a query term came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Own,
    Synonym,
    Sense,
}

/// One term of a query with its boost.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WeightedTerm {
    pub term: String,
    pub weight: f32,
    pub origin: Origin,
}

/// BM25's idf, the same figure tantivy uses.
pub(crate) fn idf(doc_freq: u64, num_docs: u64) -> f32 {
    let n = num_docs as f32;
    let df = doc_freq as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln().max(0.0)
}

/// The factor a term's weight gets for being boilerplate or a legal ground.
fn damping(analyzer: &Analyzer, term: &str, tuning: &Tuning) -> f32 {
    if Analyzer::is_legal_ground(term) {
        tuning.legal_weight
    } else if analyzer.is_boilerplate(term) {
        tuning.boilerplate_weight
    } else {
        1.0
    }
}

/// The `limit` most informative terms of `text`, as `(term, score)` with the best first.
/// `doc_freq` gives a term's document frequency in the collection of `num_docs` documents.
pub(crate) fn select_terms(
    analyzer: &Analyzer,
    text: &str,
    edition: Option<Edition>,
    tuning: &Tuning,
    limit: usize,
    num_docs: u64,
    doc_freq: &dyn Fn(&str) -> u64,
) -> Vec<(String, f32)> {
    let mut scored: Vec<(String, f32)> = analyzer
        .term_counts(text, edition)
        .into_iter()
        .filter_map(|count| {
            let (term, tf) = (count.term, count.tf);
            let mut damp = damping(analyzer, &term, tuning);
            if count.whole == 0 {
                damp *= tuning.part_weight;
            }
            if damp <= 0.0 {
                return None;
            }
            // A term the collection has never seen still seeds expansion: give it the idf of
            // a term seen once.
            let df = doc_freq(&term).max(1);
            let score = (1.0 + (tf as f32).ln()) * idf(df, num_docs.max(1)) * damp;
            Some((term, score))
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(limit);
    scored
}

/// The best score of the selected terms (positive, so it can divide).
fn best_score(selected: &[(String, f32)]) -> f32 {
    selected
        .iter()
        .map(|(_, s)| *s)
        .fold(0.0_f32, f32::max)
        .max(f32::MIN_POSITIVE)
}

/// Turns selected terms into query terms: own weights, then synonyms and senses.
/// `context` is the text whose words settle the sense of ambiguous terms.
pub(crate) fn expand(
    analyzer: &Analyzer,
    context: &str,
    selected: &[(String, f32)],
    tuning: &Tuning,
) -> Vec<WeightedTerm> {
    let context = Analyzer::normalize(context);
    let thesaurus = analyzer.thesaurus();
    let max_score = best_score(selected);
    let mut own: HashMap<&str, f32> = HashMap::new();
    let mut weights: Vec<WeightedTerm> = Vec::new();
    for (term, score) in selected {
        let mut weight = if tuning.idf_boost {
            score / max_score
        } else {
            // Without the idf boost only the damping part of the score remains.
            damping(analyzer, term, tuning)
        };
        if tuning.sense_weight > 0.0 && matches!(thesaurus.sense(term, &context), Sense::Unresolved)
        {
            weight *= tuning.unresolved_weight;
        }
        own.insert(term, weight);
        weights.push(WeightedTerm {
            term: term.clone(),
            weight,
            origin: Origin::Own,
        });
    }
    let mut added: HashMap<String, WeightedTerm> = HashMap::new();
    let mut offer = |term: &str, weight: f32, origin: Origin| {
        if weight <= 0.0 || own.get(term).is_some_and(|w| *w >= weight) {
            return;
        }
        let entry = added.entry(term.to_owned()).or_insert(WeightedTerm {
            term: term.to_owned(),
            weight: 0.0,
            origin,
        });
        if weight > entry.weight {
            entry.weight = weight;
            entry.origin = origin;
        }
    };
    for w in &weights {
        if tuning.sense_weight > 0.0
            && let Sense::Resolved(readings) = thesaurus.sense(&w.term, &context)
        {
            for reading in readings {
                for e in &reading.expand {
                    offer(e, w.weight * tuning.sense_weight, Origin::Sense);
                }
            }
        }
        if tuning.expansion_weight > 0.0 {
            for s in thesaurus.synonyms(&w.term) {
                offer(s, w.weight * tuning.expansion_weight, Origin::Synonym);
            }
        }
    }
    let mut expansions: Vec<WeightedTerm> = added.into_values().collect();
    expansions.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.term.cmp(&b.term))
    });
    expansions.truncate(tuning.max_expansions);
    // An expansion that outweighs an own term replaces the own entry's weight.
    for e in expansions {
        if let Some(existing) = weights.iter_mut().find(|w| w.term == e.term) {
            existing.weight = existing.weight.max(e.weight);
        } else {
            weights.push(e);
        }
    }
    weights
}

/// One informative term of a text with the words that may stand for it in another text: the
/// term itself, its thesaurus synonyms and the terms its resolved sense adds. The unit of
/// [`crate::SimilarIndex::restatement`]: a restated request keeps the concepts and may change
/// the words.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Concept {
    /// Share of the text's informativeness (the term's tf-idf relative to the best, damped as
    /// in queries).
    pub weight: f32,
    pub words: Vec<String>,
}

/// The concepts of the selected terms of `context` (see [`select_terms`]).
pub(crate) fn concepts(
    analyzer: &Analyzer,
    context: &str,
    selected: &[(String, f32)],
    tuning: &Tuning,
) -> Vec<Concept> {
    let normalized = Analyzer::normalize(context);
    let thesaurus = analyzer.thesaurus();
    let max_score = best_score(selected);
    selected
        .iter()
        .map(|(term, score)| {
            let mut weight = score / max_score;
            let mut words = vec![term.clone()];
            match thesaurus.sense(term, &normalized) {
                Sense::Unresolved => weight *= tuning.unresolved_weight,
                Sense::Resolved(readings) => {
                    for reading in readings {
                        words.extend(reading.expand.iter().cloned());
                    }
                }
                Sense::Plain => {}
            }
            words.extend(thesaurus.synonyms(term).into_iter().map(str::to_owned));
            words.sort();
            words.dedup();
            Concept { weight, words }
        })
        .collect()
}

/// Text-only informativeness, for callers without an index (abuse screening): term frequency
/// damped for boilerplate, raised for government terms and longer words.
pub(crate) fn static_informative_terms(
    analyzer: &Analyzer,
    text: &str,
    n: usize,
) -> Vec<(String, f32)> {
    let mut scored: Vec<(String, f32)> = analyzer
        .term_frequencies(text)
        .into_iter()
        .map(|(term, tf)| {
            let chars = term.chars().count() as f32;
            let mut score = (1.0 + (tf as f32).ln()) * (1.0 + 0.2 * (chars - 2.0).clamp(0.0, 3.0));
            if analyzer.is_government_term(&term) {
                score *= 1.5;
            }
            if analyzer.is_boilerplate(&term) {
                score *= 0.05;
            }
            (term, score)
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.truncate(n);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> std::sync::Arc<Analyzer> {
        Analyzer::shared().unwrap()
    }

    #[test]
    fn boilerplate_ranks_below_content() {
        let a = analyzer();
        let selected = select_terms(
            &a,
            "申请公开相关文件：幸福路征收补偿方案",
            None,
            &Tuning::default(),
            3,
            1000,
            &|_| 10,
        );
        let terms: Vec<&str> = selected.iter().map(|(t, _)| t.as_str()).collect();
        assert!(!terms.contains(&"申请公开"), "{terms:?}");
        assert!(!terms.contains(&"相关文件"), "{terms:?}");
    }

    #[test]
    fn synonyms_and_senses_expand_at_lower_weight() {
        let a = analyzer();
        let tuning = Tuning::default();
        let selected = vec![("拆迁".to_owned(), 2.0), ("补偿".to_owned(), 2.0)];
        let q = expand(&a, "拆迁补偿", &selected, &tuning);
        let get = |t: &str| q.iter().find(|w| w.term == t).map(|w| w.weight);
        assert_eq!(get("拆迁"), Some(1.0));
        assert!(get("征收").is_some_and(|w| w < 1.0));
        assert!(get("征收补偿").is_some());
        assert!(get("生态补偿").is_none());
    }

    #[test]
    fn an_unresolved_ambiguous_word_is_damped() {
        let a = analyzer();
        let tuning = Tuning::default();
        let selected = vec![("补偿".to_owned(), 1.0)];
        let q = expand(&a, "补偿", &selected, &tuning);
        assert_eq!(q[0].weight, tuning.unresolved_weight);
    }

    #[test]
    fn static_terms_prefer_government_words() {
        let a = analyzer();
        let t = static_informative_terms(&a, "请公开本人申请的公租房轮候名单的相关文件", 2);
        let t: Vec<&str> = t.iter().map(|(t, _)| t.as_str()).collect();
        assert!(t.contains(&"公租房") && !t.contains(&"相关文件"), "{t:?}");
    }
}
