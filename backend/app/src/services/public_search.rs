//! Searching what is public: the FAQ and the reading room, for anyone and for the filing
//! page's suggestions. The words are checked here; the scope is an agency and everything
//! below it; ranking is the similar crate's character-bigram TF-IDF over the public texts
//! only, built per search (the published entries are few, thousands at a province's size).

use yishen_store::AgencyId;
use yishen_store::models::agency;

use crate::error::{AppError, FieldIssue};

/// Search words: as long as a question may be.
const QUERY_MAX: usize = 200;

/// Parses the FAQ and reading-room search words: trimmed, at most [`QUERY_MAX`] characters.
pub fn search_words(q: Option<&str>) -> Result<Option<String>, AppError> {
    match q.map(str::trim).filter(|q| !q.is_empty()) {
        None => Ok(None),
        Some(q) if q.chars().count() > QUERY_MAX => {
            Err(AppError::InvalidQuery(vec![FieldIssue::new(
                "q",
                "too_long",
                format!("查找内容不得超过{QUERY_MAX}个字"),
            )]))
        }
        Some(q) => Ok(Some(q.to_owned())),
    }
}

/// The agencies a public search covers: `code` and every agency below it, or all.
pub fn public_scope(
    conn: &mut yishen_store::DbConn,
    code: Option<&str>,
) -> Result<Option<Vec<AgencyId>>, AppError> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let a = agency::find_by_code(conn, code)?.ok_or(AppError::NotFound("机关"))?;
    Ok(Some(
        agency::subtree(conn, &a.path)?
            .into_iter()
            .map(|a| a.id)
            .collect(),
    ))
}

/// Ranks `texts` (id, text) against `words` with the similar-case engine's bigram TF-IDF; the
/// best first, those sharing nothing left out, at most `limit`.
pub fn rank(texts: &[(i64, String)], words: &str, limit: usize) -> Vec<(i64, f32)> {
    let engine =
        yishen_similar::baseline::BigramTfIdf::new(texts.iter().map(|(id, t)| (*id, t.as_str())));
    engine
        .search(words, limit, &[])
        .into_iter()
        .filter(|(_, s)| *s > 0.0)
        .collect()
}
