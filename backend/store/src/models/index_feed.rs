//! The change feed of the similar-case index (`index_feed`): a row per change to what the
//! index holds of a case, appended in the transaction of the change by the queries that make
//! it ([`super::case::reserve`], [`super::case::update_versioned`], [`super::draft::put`]), so
//! that no committed change is missing from it and no rolled-back one is in it. Each serving
//! instance tails it from the last sequence its own index committed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::CaseId;
use crate::schema::index_feed;

/// Records that case `case_id` changed in what the index holds.
pub fn append(conn: &mut DbConn, case_id: CaseId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(index_feed::table)
        .values((index_feed::case_id.eq(case_id), index_feed::at.eq(at)))
        .execute(conn)?;
    Ok(())
}

/// One entry of the feed: its sequence, the case, and when it was written.
pub type Entry = (i64, i64, NaiveDateTime);

/// Up to `limit` entries after sequence `after`, in sequence order.
pub fn after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<Entry>> {
    index_feed::table
        .filter(index_feed::seq.gt(after))
        .order(index_feed::seq.asc())
        .limit(limit)
        .select((index_feed::seq, index_feed::case_id, index_feed::at))
        .load(conn)
}

/// The latest sequence written (0 for an empty feed).
pub fn head(conn: &mut DbConn) -> QueryResult<i64> {
    index_feed::table
        .select(diesel::dsl::max(index_feed::seq))
        .first::<Option<i64>>(conn)
        .map(Option::unwrap_or_default)
}

/// The oldest sequence still kept (None for an empty feed): an index whose last sequence
/// is older than this missed entries and must be rebuilt.
pub fn tail(conn: &mut DbConn) -> QueryResult<Option<i64>> {
    index_feed::table
        .select(diesel::dsl::min(index_feed::seq))
        .first(conn)
}

/// How many entries follow sequence `after` (an index's lag).
pub fn count_after(conn: &mut DbConn, after: i64) -> QueryResult<i64> {
    index_feed::table
        .filter(index_feed::seq.gt(after))
        .count()
        .get_result(conn)
}

/// Drops the entries written before `before`, keeping the latest one so the head survives.
pub fn prune(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    let head = head(conn)?;
    diesel::delete(
        index_feed::table
            .filter(index_feed::at.lt(before))
            .filter(index_feed::seq.lt(head)),
    )
    .execute(conn)
}
