//! Consultations with third parties (条例32) and other agencies (条例34).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::CaseId;
use crate::schema::consultations;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: i64,
    pub case_id: CaseId,
    pub party_kind: String,
    pub party_name: String,
    pub opened_on: NaiveDate,
    pub reply_by: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub opinion: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = consultations)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct NewConsultation<'a> {
    pub case_id: CaseId,
    pub party_kind: &'a str,
    pub party_name: &'a str,
    pub opened_on: NaiveDate,
    pub reply_by: NaiveDate,
}

pub fn insert(conn: &mut DbConn, new: &NewConsultation<'_>) -> QueryResult<i64> {
    diesel::insert_into(consultations::table)
        .values(new)
        .returning(consultations::id)
        .get_result(conn)
}

pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<Consultation>> {
    consultations::table
        .filter(consultations::case_id.eq(case_id))
        .order(consultations::id.asc())
        .select(Consultation::as_select())
        .load(conn)
}

/// Whether a third party was consulted on the case and the consultation closed (条例32): what
/// pre-review asks before a third-party ground and what lets a letter cite 第三十二条.
pub fn third_party_consulted(conn: &mut DbConn, case_id: CaseId) -> QueryResult<bool> {
    use diesel::dsl::exists;
    diesel::select(exists(
        consultations::table
            .filter(consultations::case_id.eq(case_id))
            .filter(consultations::party_kind.eq("third_party"))
            .filter(consultations::closed_on.is_not_null()),
    ))
    .get_result(conn)
}

/// Closes an open consultation of the case; false when there is none with that id.
pub fn close(
    conn: &mut DbConn,
    case_id: CaseId,
    id: i64,
    on: NaiveDate,
    opinion: &str,
    note: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::update(
        consultations::table
            .filter(consultations::id.eq(id))
            .filter(consultations::case_id.eq(case_id))
            .filter(consultations::closed_on.is_null()),
    )
    .set((
        consultations::closed_on.eq(on),
        consultations::opinion.eq(opinion),
        consultations::note.eq(note),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
