//! The comparison baseline of the quality test: character-bigram TF-IDF with cosine similarity,
//! no segmentation, no thesaurus, no damping. It is what a system without Chinese word
//! segmentation would do, and yishen must beat it on the evaluation set.

use std::collections::HashMap;

use crate::text::Analyzer;

/// An in-memory character-bigram TF-IDF index.
#[derive(Debug, Default)]
pub struct BigramTfIdf {
    postings: HashMap<String, Vec<(usize, f32)>>,
    ids: Vec<i64>,
    norms: Vec<f32>,
    idf: HashMap<String, f32>,
}

fn bigrams(text: &str) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    let normalized = Analyzer::normalize(text);
    // Runs of letters, digits and ideographs; bigrams never span punctuation.
    for run in normalized.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        if chars.len() == 1 {
            *out.entry(chars[0].to_string()).or_insert(0) += 1;
        }
        for pair in chars.windows(2) {
            *out.entry(pair.iter().collect::<String>()).or_insert(0) += 1;
        }
    }
    out
}

impl BigramTfIdf {
    /// Indexes `(case_id, text)` pairs.
    pub fn new<'a>(docs: impl IntoIterator<Item = (i64, &'a str)>) -> Self {
        let docs: Vec<(i64, HashMap<String, u32>)> =
            docs.into_iter().map(|(id, t)| (id, bigrams(t))).collect();
        let n = docs.len() as f32;
        let mut df: HashMap<&str, u32> = HashMap::new();
        for (_, grams) in &docs {
            for g in grams.keys() {
                *df.entry(g).or_insert(0) += 1;
            }
        }
        let idf: HashMap<String, f32> = df
            .iter()
            .map(|(g, d)| ((*g).to_owned(), (n / *d as f32).ln() + 1.0))
            .collect();
        let mut index = BigramTfIdf::default();
        for (i, (id, grams)) in docs.iter().enumerate() {
            let mut norm = 0.0;
            for (g, tf) in grams {
                let w = (1.0 + (*tf as f32).ln()) * idf.get(g).copied().unwrap_or(1.0);
                norm += w * w;
                index.postings.entry(g.clone()).or_default().push((i, w));
            }
            index.ids.push(*id);
            index.norms.push(norm.sqrt().max(f32::MIN_POSITIVE));
        }
        index.idf = idf;
        index
    }

    /// The `limit` most similar cases to `text` by cosine similarity, best first.
    pub fn search(&self, text: &str, limit: usize, exclude: &[i64]) -> Vec<(i64, f32)> {
        let mut scores: HashMap<usize, f32> = HashMap::new();
        for (g, tf) in bigrams(text) {
            let Some(postings) = self.postings.get(&g) else {
                continue;
            };
            let q = (1.0 + (tf as f32).ln()) * self.idf.get(&g).copied().unwrap_or(1.0);
            for (doc, w) in postings {
                *scores.entry(*doc).or_insert(0.0) += q * w;
            }
        }
        let mut ranked: Vec<(i64, f32)> = scores
            .into_iter()
            .map(|(doc, s)| (self.ids[doc], s / self.norms[doc]))
            .filter(|(id, _)| !exclude.contains(id))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }
}
