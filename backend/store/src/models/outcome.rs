//! What happened to a reply afterwards: reconsideration (行政复议) and litigation (行政诉讼)
//! records of a case.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{CaseId, UserId};
use crate::schema::{litigations, reconsiderations};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reconsiderations)]
pub struct Reconsideration {
    pub id: i64,
    pub case_id: CaseId,
    pub body_name: String,
    pub filed_on: NaiveDate,
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    pub created_at: NaiveDateTime,
    pub defect: Option<String>,
    pub created_by: Option<UserId>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reconsiderations)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct NewReconsideration {
    pub case_id: CaseId,
    pub body_name: String,
    pub filed_on: NaiveDate,
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    pub created_at: NaiveDateTime,
    pub defect: Option<String>,
    pub created_by: Option<UserId>,
}

/// A later decision on a pending reconsideration.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = reconsiderations)]
pub struct ReconsiderationChanges {
    pub decision: Option<Option<String>>,
    pub decided_on: Option<Option<NaiveDate>>,
    pub reasons: Option<Option<String>>,
    pub defect: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = litigations)]
pub struct Litigation {
    pub id: i64,
    pub case_id: CaseId,
    pub court: String,
    pub via_reconsideration: bool,
    pub filed_on: NaiveDate,
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub instance: String,
    pub reasons: Option<String>,
    pub created_by: Option<UserId>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = litigations)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct NewLitigation {
    pub case_id: CaseId,
    pub court: String,
    pub via_reconsideration: bool,
    pub filed_on: NaiveDate,
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub instance: String,
    pub reasons: Option<String>,
    pub created_by: Option<UserId>,
}

/// A later judgment on a pending suit.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = litigations)]
pub struct LitigationChanges {
    pub outcome: Option<Option<String>>,
    pub decided_on: Option<Option<NaiveDate>>,
    pub reasons: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn find_reconsideration(conn: &mut DbConn, id: i64) -> QueryResult<Option<Reconsideration>> {
    reconsiderations::table
        .find(id)
        .select(Reconsideration::as_select())
        .first(conn)
        .optional()
}

pub fn find_litigation(conn: &mut DbConn, id: i64) -> QueryResult<Option<Litigation>> {
    litigations::table
        .find(id)
        .select(Litigation::as_select())
        .first(conn)
        .optional()
}

pub fn update_reconsideration(
    conn: &mut DbConn,
    id: i64,
    changes: &ReconsiderationChanges,
) -> QueryResult<usize> {
    diesel::update(reconsiderations::table.find(id))
        .set(changes)
        .execute(conn)
}

pub fn update_litigation(
    conn: &mut DbConn,
    id: i64,
    changes: &LitigationChanges,
) -> QueryResult<usize> {
    diesel::update(litigations::table.find(id))
        .set(changes)
        .execute(conn)
}

pub fn insert_reconsideration(conn: &mut DbConn, new: &NewReconsideration) -> QueryResult<usize> {
    diesel::insert_into(reconsiderations::table)
        .values(new)
        .execute(conn)
}

pub fn insert_litigation(conn: &mut DbConn, new: &NewLitigation) -> QueryResult<usize> {
    diesel::insert_into(litigations::table)
        .values(new)
        .execute(conn)
}

pub fn insert_reconsideration_returning(
    conn: &mut DbConn,
    new: &NewReconsideration,
) -> QueryResult<i64> {
    diesel::insert_into(reconsiderations::table)
        .values(new)
        .returning(reconsiderations::id)
        .get_result(conn)
}

pub fn insert_litigation_returning(conn: &mut DbConn, new: &NewLitigation) -> QueryResult<i64> {
    diesel::insert_into(litigations::table)
        .values(new)
        .returning(litigations::id)
        .get_result(conn)
}

pub fn reconsiderations_for(
    conn: &mut DbConn,
    case_id: CaseId,
) -> QueryResult<Vec<Reconsideration>> {
    reconsiderations::table
        .filter(reconsiderations::case_id.eq(case_id))
        .order(reconsiderations::id.asc())
        .select(Reconsideration::as_select())
        .load(conn)
}

pub fn litigations_for(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<Litigation>> {
    litigations::table
        .filter(litigations::case_id.eq(case_id))
        .order(litigations::id.asc())
        .select(Litigation::as_select())
        .load(conn)
}

/// The reconsiderations of `cases`, by case and id.
pub fn reconsiderations_for_cases(
    conn: &mut DbConn,
    cases: &[CaseId],
) -> QueryResult<Vec<Reconsideration>> {
    reconsiderations::table
        .filter(reconsiderations::case_id.eq_any(cases))
        .order((reconsiderations::case_id.asc(), reconsiderations::id.asc()))
        .select(Reconsideration::as_select())
        .load(conn)
}

/// The suits of `cases`, by case and id.
pub fn litigations_for_cases(conn: &mut DbConn, cases: &[CaseId]) -> QueryResult<Vec<Litigation>> {
    litigations::table
        .filter(litigations::case_id.eq_any(cases))
        .order((litigations::case_id.asc(), litigations::id.asc()))
        .select(Litigation::as_select())
        .load(conn)
}
