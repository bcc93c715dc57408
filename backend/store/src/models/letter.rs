//! Issued letters and their numbering series (`letters`; the series live in `counters`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use yishen_domain::letter::LetterKind;

use crate::DbConn;
use crate::ids::{AgencyId, CaseId, UserId};
use crate::schema::{agencies, letters};

/// A letter without its PDF bytes (for lists).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct LetterMeta {
    pub id: i64,
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    /// Stored as its code; a code no kind names is a read error.
    #[diesel(deserialize_as = String)]
    pub kind: LetterKind,
    pub variant: Option<String>,
    pub number: String,
    pub issued_on: NaiveDate,
    pub sha256: String,
    pub verify_code: String,
    pub voided_at: Option<NaiveDateTime>,
    /// Whether its PDF (and so its hash) is still to be rendered.
    #[diesel(select_expression = letters::pending.is_not_null())]
    #[diesel(select_expression_type = diesel::dsl::IsNotNull<letters::pending>)]
    pub pending: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = letters)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewLetter<'a> {
    pub case_id: CaseId,
    pub agency_id: AgencyId,
    pub kind: &'a str,
    pub variant: Option<&'a str>,
    pub year: i32,
    pub seq: i64,
    pub number: &'a str,
    pub issued_on: NaiveDate,
    pub sha256: &'a str,
    pub verify_code: &'a str,
    pub pdf: &'a [u8],
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
    /// The values the PDF is to be rendered from, while it is not yet stored (then `pdf` is
    /// empty and `sha256` blank).
    pub pending: Option<&'a str>,
    /// The same values, kept after the PDF is stored (their hash is in the letter's event).
    pub printed: Option<&'a str>,
}

/// A letter whose PDF is still to be rendered.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct PendingLetter {
    pub id: i64,
    pub agency_id: AgencyId,
    #[diesel(deserialize_as = String)]
    pub kind: LetterKind,
    #[diesel(select_expression = letters::pending.assume_not_null())]
    #[diesel(select_expression_type = diesel::dsl::AssumeNotNull<letters::pending>)]
    pub pending: String,
}

/// Letters still waiting for their PDF, oldest first, at most `limit`.
pub fn pending_ids(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<i64>> {
    letters::table
        .filter(letters::pending.is_not_null())
        .order(letters::id.asc())
        .select(letters::id)
        .limit(limit)
        .load(conn)
}

/// Those of `ids` still waiting for their PDF, with what to render them from.
pub fn pending_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<PendingLetter>> {
    letters::table
        .filter(letters::id.eq_any(ids))
        .filter(letters::pending.is_not_null())
        .order(letters::id.asc())
        .select(PendingLetter::as_select())
        .load(conn)
}

/// Records that a pending letter's PDF is stored in the blob store under `sha256`; 0 when
/// another renderer recorded it first.
pub fn complete(conn: &mut DbConn, id: i64, sha256: &str) -> QueryResult<usize> {
    diesel::update(
        letters::table
            .find(id)
            .filter(letters::pending.is_not_null()),
    )
    .set((
        letters::sha256.eq(sha256),
        letters::pending.eq(None::<String>),
    ))
    .execute(conn)
}

/// A letter as `yishen audit verify` compares it with the case's events.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct LetterTrace {
    pub case_id: CaseId,
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub voided_at: Option<NaiveDateTime>,
    pub printed: Option<String>,
}

/// The letters of `cases`, by case and id.
pub fn traces_for_cases(conn: &mut DbConn, cases: &[CaseId]) -> QueryResult<Vec<LetterTrace>> {
    letters::table
        .filter(letters::case_id.eq_any(cases))
        .order((letters::case_id.asc(), letters::id.asc()))
        .select(LetterTrace::as_select())
        .load(conn)
}

/// Takes the next number of the agency's series for `year` and `kind` (gap-free, in the
/// caller's transaction).
pub fn next_seq(conn: &mut DbConn, agency_id: AgencyId, year: i32, kind: &str) -> QueryResult<i64> {
    super::counter::next(conn, &format!("letter/{agency_id}/{year}/{kind}"))
}

pub fn insert(conn: &mut DbConn, new: &NewLetter<'_>) -> QueryResult<i64> {
    diesel::insert_into(letters::table)
        .values(new)
        .returning(letters::id)
        .get_result(conn)
}

/// Marks a letter void with the reason; the row, its number and its PDF stay. Returns the
/// rows changed (0 when it was already void).
pub fn void(conn: &mut DbConn, id: i64, reason: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(letters::table.find(id).filter(letters::voided_at.is_null()))
        .set((letters::voided_at.eq(at), letters::void_reason.eq(reason)))
        .execute(conn)
}

pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<LetterMeta>> {
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

/// The PDF bytes kept in the row: letters rendered before the blob store held their PDF
/// here; later ones hold nothing (an empty value) and live in the blob store under `sha256`.
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
