//! The event log of cases (`case_events`), append-only and hash-chained per case.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{CaseId, UserId};
use crate::schema::case_events;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_events)]
pub struct CaseEventRow {
    pub id: i64,
    pub case_id: CaseId,
    pub seq: i64,
    pub kind: String,
    pub occurred_on: NaiveDate,
    pub actor_id: Option<UserId>,
    pub data: String,
    pub recorded_at: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = case_events)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct NewCaseEvent<'a> {
    pub case_id: CaseId,
    pub seq: i64,
    pub kind: &'a str,
    pub occurred_on: NaiveDate,
    pub actor_id: Option<UserId>,
    pub data: &'a str,
    pub recorded_at: &'a str,
    pub prev_hash: &'a str,
    pub hash: &'a str,
}

pub fn insert(conn: &mut DbConn, new: &NewCaseEvent<'_>) -> QueryResult<usize> {
    diesel::insert_into(case_events::table)
        .values(new)
        .execute(conn)
}

/// A case's events, oldest first.
pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<CaseEventRow>> {
    case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::seq.asc())
        .select(CaseEventRow::as_select())
        .load(conn)
}

/// The date of the case's latest event of `kind`, if any.
pub fn last_on(conn: &mut DbConn, case_id: CaseId, kind: &str) -> QueryResult<Option<NaiveDate>> {
    case_events::table
        .filter(case_events::case_id.eq(case_id))
        .filter(case_events::kind.eq(kind))
        .order(case_events::seq.desc())
        .select(case_events::occurred_on)
        .first(conn)
        .optional()
}

/// The events of several cases, by case then sequence.
pub fn for_cases(conn: &mut DbConn, case_ids: &[CaseId]) -> QueryResult<Vec<CaseEventRow>> {
    case_events::table
        .filter(case_events::case_id.eq_any(case_ids))
        .order((case_events::case_id.asc(), case_events::seq.asc()))
        .select(CaseEventRow::as_select())
        .load(conn)
}
