//! Chinese text for yishen: segmentation, the similar-case index (类案推送) and near-duplicate
//! signatures. This crate depends on nothing else of ours; the server feeds it [`CaseDoc`]s in
//! the same request that creates or changes a case, asks it for [`Hit`]s under a [`Filter`]
//! that carries what the user may see, and rebuilds it from the database on demand.
//!
//! - [`text`]: the one jieba instance, our tantivy tokenizer, stop words and boilerplate.
//! - [`articles`]: citations of the 条例, normalised across its 2007 and 2019 editions.
//! - [`thesaurus`]: equivalent government terms and the senses of ambiguous words.
//! - [`feedback`]: relevance feedback, the query model above BM25 ([`Tuning`]).
//! - [`index`]: [`SimilarIndex`], persistence, commit policy, filters, hits and snippets.
//! - [`minhash`]: MinHash signatures for near-duplicate requests (abuse screening).
//! - [`baseline`]: character-bigram TF-IDF, the yardstick of the quality test.
//!
//! See `docs/similar.md` for the design, the measured quality and the benchmark.

pub mod articles;
pub mod baseline;
pub mod error;
pub mod feedback;
pub mod index;
pub mod minhash;
mod snippet;
pub mod text;
pub mod thesaurus;

pub use error::SimilarError;
pub use feedback::Tuning;
pub use index::{CaseDoc, CommitPolicy, Filter, Hit, Options, SimilarIndex};
pub use minhash::{Signature, jaccard_estimate, minhash};
pub use text::Analyzer;

/// The `n` most informative terms of `text`, best first, without an index: term frequency,
/// boilerplate damped, government terms and longer words preferred. With an index at hand,
/// [`SimilarIndex::informative_terms`] weighs by the collection's idf instead.
pub fn informative_terms(text: &str, n: usize) -> Result<Vec<String>, SimilarError> {
    let analyzer = Analyzer::shared()?;
    Ok(feedback::static_informative_terms(&analyzer, text, n)
        .into_iter()
        .map(|(t, _)| t)
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn informative_terms_skip_boilerplate() {
        let t = super::informative_terms("申请公开2022年度本单位三公经费相关文件", 2).unwrap();
        assert_eq!(t[0], "三公经费");
        assert!(!t.contains(&"申请公开".to_owned()));
    }
}
