//! What happened to a reply afterwards: reconsideration (行政复议) and litigation (行政诉讼)
//! records of a case.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::DbConn;
use crate::schema::{litigations, reconsiderations};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reconsiderations)]
pub struct Reconsideration {
    pub id: i64,
    pub case_id: i64,
    pub body_name: String,
    pub filed_on: NaiveDate,
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reconsiderations)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct NewReconsideration {
    pub case_id: i64,
    pub body_name: String,
    pub filed_on: NaiveDate,
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = litigations)]
pub struct Litigation {
    pub id: i64,
    pub case_id: i64,
    pub court: String,
    pub via_reconsideration: bool,
    pub filed_on: NaiveDate,
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = litigations)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct NewLitigation {
    pub case_id: i64,
    pub court: String,
    pub via_reconsideration: bool,
    pub filed_on: NaiveDate,
    pub outcome: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
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

pub fn reconsiderations_for(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Reconsideration>> {
    reconsiderations::table
        .filter(reconsiderations::case_id.eq(case_id))
        .order(reconsiderations::id.asc())
        .select(Reconsideration::as_select())
        .load(conn)
}

pub fn litigations_for(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<Litigation>> {
    litigations::table
        .filter(litigations::case_id.eq(case_id))
        .order(litigations::id.asc())
        .select(Litigation::as_select())
        .load(conn)
}
