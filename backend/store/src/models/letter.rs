//! Issued letters and their numbering series (`letters`, `letter_series`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::DbConn;
use crate::schema::{agencies, letter_series, letters};

/// A letter without its PDF bytes (for lists).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct LetterMeta {
    pub id: i64,
    pub case_id: i64,
    pub agency_id: i64,
    pub kind: String,
    pub variant: Option<String>,
    pub number: String,
    pub issued_on: NaiveDate,
    pub sha256: String,
    pub verify_code: String,
    pub voided_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = letters)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewLetter<'a> {
    pub case_id: i64,
    pub agency_id: i64,
    pub kind: &'a str,
    pub variant: Option<&'a str>,
    pub year: i32,
    pub seq: i64,
    pub number: &'a str,
    pub issued_on: NaiveDate,
    pub sha256: &'a str,
    pub verify_code: &'a str,
    pub pdf: &'a [u8],
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Takes the next number of the agency's series for `year` and `kind`, inside the caller's
/// transaction (rolled back with it, so the series has no gaps).
pub fn next_seq(conn: &mut DbConn, agency_id: i64, year: i32, kind: &str) -> QueryResult<i64> {
    let bump = |c: &mut DbConn| {
        diesel::update(
            letter_series::table
                .filter(letter_series::agency_id.eq(agency_id))
                .filter(letter_series::year.eq(year))
                .filter(letter_series::kind.eq(kind)),
        )
        .set(letter_series::last.eq(letter_series::last + 1))
        .returning(letter_series::last)
        .get_result::<i64>(c)
        .optional()
    };
    if let Some(n) = bump(conn)? {
        return Ok(n);
    }
    let created = conn.transaction(|c| {
        diesel::insert_into(letter_series::table)
            .values((
                letter_series::agency_id.eq(agency_id),
                letter_series::year.eq(year),
                letter_series::kind.eq(kind),
                letter_series::last.eq(1i64),
            ))
            .execute(c)
    });
    match created {
        Ok(_) => Ok(1),
        Err(e) if crate::is_unique_violation(&e) => {
            bump(conn)?.ok_or(diesel::result::Error::NotFound)
        }
        Err(e) => Err(e),
    }
}

pub fn insert(conn: &mut DbConn, new: &NewLetter<'_>) -> QueryResult<i64> {
    diesel::insert_into(letters::table)
        .values(new)
        .returning(letters::id)
        .get_result(conn)
}

pub fn for_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<LetterMeta>> {
    letters::table
        .filter(letters::case_id.eq(case_id))
        .order(letters::id.asc())
        .select(LetterMeta::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<LetterMeta>> {
    letters::table
        .find(id)
        .select(LetterMeta::as_select())
        .first(conn)
        .optional()
}

pub fn pdf(conn: &mut DbConn, id: i64) -> QueryResult<Option<Vec<u8>>> {
    letters::table
        .find(id)
        .select(letters::pdf)
        .first(conn)
        .optional()
}

/// A letter by its verification code, with the issuing agency's name.
pub fn by_verify_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<(LetterMeta, String)>> {
    letters::table
        .inner_join(agencies::table)
        .filter(letters::verify_code.eq(code))
        .select((LetterMeta::as_select(), agencies::name))
        .first(conn)
        .optional()
}
