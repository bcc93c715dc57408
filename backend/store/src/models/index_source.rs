//! What the similar-case index reads of a case: where it belongs (agency path, year,
//! disposition) and its text — the request, its description and the reply's reasons (from the
//! draft a reply was written from, or from an imported case's `imported` event). Read in
//! id order, in batches, for `yishen index rebuild`, and by the ids the change feed names.

use diesel::prelude::*;

use crate::DbConn;
use crate::schema::{agencies, case_drafts, case_events, cases};

#[derive(Debug, Clone, Queryable)]
pub struct IndexRow {
    pub case_id: i64,
    pub agency_path: String,
    pub year: i32,
    pub disposition: Option<String>,
    pub content: String,
    pub description: Option<String>,
    /// The draft's JSON (its `reasons`), if the case has a draft.
    pub draft_data: Option<String>,
    /// The `imported` event's JSON (its `reasons`), if the case was imported.
    pub imported_data: Option<String>,
}

macro_rules! index_query {
    () => {
        cases::table
            .inner_join(agencies::table)
            .left_join(case_drafts::table)
            .left_join(
                case_events::table.on(case_events::case_id
                    .eq(cases::id)
                    .and(case_events::kind.eq("imported"))),
            )
            .select((
                cases::id,
                agencies::path,
                cases::year,
                cases::disposition,
                cases::content,
                cases::description,
                case_drafts::data.nullable(),
                case_events::data.nullable(),
            ))
    };
}

/// Up to `limit` cases with ids above `after`, in id order.
pub fn batch(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<IndexRow>> {
    index_query!()
        .filter(cases::id.gt(after))
        .order(cases::id.asc())
        .limit(limit)
        .load(conn)
}

/// The cases `ids` that exist, in id order: what the feed's follower reads for the changes of
/// one pass, in one statement rather than one per case.
pub fn some(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<IndexRow>> {
    let mut out = Vec::with_capacity(ids.len());
    // Within SQLite's and PostgreSQL's bound-parameter limits.
    for chunk in ids.chunks(500) {
        out.extend(
            index_query!()
                .filter(cases::id.eq_any(chunk))
                .order(cases::id.asc())
                .load::<IndexRow>(conn)?,
        );
    }
    Ok(out)
}
