//! The restatements screening asks of the similar-case index, kept between screenings
//! ([`ScreeningCache`]). A module of its own below `flags` and the application state, which
//! both hold it.

use std::collections::HashMap;
use std::sync::Mutex;

use yishen_domain::screening::{self, PastApplication};
use yishen_similar::SimilarIndex;
use yishen_store::CaseId;

use crate::services::signatures;

/// Restatements kept at most; about 50 bytes each, so some 5 MB when full.
const RESTATEMENT_CACHE_MAX: usize = 100_000;

/// (case, hash of its request core, earlier case, threshold bits); the value is the
/// restatement, `None` when below the threshold.
type RestatementKey = (i64, i64, i64, u64);

/// What screening computes about request texts and keeps between screenings: the
/// similar-case index's restatements of a case by earlier ones, since a burst re-screens the
/// day's cases against the same answered requests. (Signatures are stored with the cases:
/// [`signatures`].)
///
/// Keyed by case and a hash of the text, so a corrected application is computed afresh. When
/// the map is full it is emptied and refills with the clusters that are screened, which are
/// the ones that matter.
#[derive(Debug, Default)]
pub struct ScreeningCache {
    restatements: Mutex<HashMap<RestatementKey, Option<f64>>>,
}

impl ScreeningCache {
    /// Which of `among` and the request of `case_id` (its core `text`) restate each other at
    /// `at_least` or more by the similar-case index, from what is kept or else from the index.
    /// A failure of the index is logged and leaves those cases to character similarity alone.
    pub(crate) fn restatements(
        &self,
        index: &SimilarIndex,
        case_id: CaseId,
        text: &str,
        among: &[&PastApplication],
        at_least: f64,
    ) -> HashMap<i64, f64> {
        let key = signatures::text_key(text);
        let bar = at_least.to_bits();
        let mut found = HashMap::new();
        let mut missing: Vec<(i64, String)> = Vec::new();
        {
            let map = self.restatements.lock().unwrap_or_else(|e| e.into_inner());
            for past in among {
                let other = past.application.id;
                match map.get(&(case_id.get(), key, other, bar)) {
                    Some(Some(r)) => {
                        found.insert(other, *r);
                    }
                    Some(None) => {}
                    // Only what is not kept is read down to its request core.
                    None => {
                        missing.push((other, screening::text::request_core(&past.application.text)))
                    }
                }
            }
        }
        if missing.is_empty() {
            return found;
        }
        let missing: Vec<(i64, &str)> = missing.iter().map(|(id, t)| (*id, t.as_str())).collect();
        // f32 is the index's precision; the threshold's own rounding is irrelevant.
        #[allow(clippy::cast_possible_truncation)]
        let result = index.restatement(text, &missing, at_least as f32);
        match result {
            Ok(answers) => {
                let answered: HashMap<i64, f64> = answers
                    .into_iter()
                    .map(|(id, r)| (id, f64::from(r)))
                    .collect();
                let mut map = self.restatements.lock().unwrap_or_else(|e| e.into_inner());
                if map.len() + missing.len() > RESTATEMENT_CACHE_MAX {
                    map.clear();
                }
                for (other, _) in &missing {
                    let r = answered.get(other).copied();
                    map.insert((case_id.get(), key, *other, bar), r);
                    if let Some(r) = r {
                        found.insert(*other, r);
                    }
                }
            }
            Err(e) => {
                tracing::warn!(case_id = case_id.get(), error = %e, "restatement look-up failed")
            }
        }
        found
    }
}
