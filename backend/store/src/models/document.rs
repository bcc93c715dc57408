//! Documents of a case (`documents`) and the log of their downloads (`document_downloads`).
//! The bytes are in the blob store under `sha256`; these rows say what the content is to a
//! case. Callers check the case against the actor's scope in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use yishen_domain::document::{MediaType, Purpose};

use crate::DbConn;
use crate::ids::{AgencyId, CaseId, UserId};
use crate::schema::{cases, document_downloads, documents, letters};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct Document {
    pub id: i64,
    pub case_id: CaseId,
    #[diesel(deserialize_as = String)]
    pub purpose: Purpose,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub media_type: MediaType,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: UserId,
    pub uploaded_at: NaiveDateTime,
    pub sent_to_applicant: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = documents)]
pub struct NewDocument<'a> {
    pub case_id: CaseId,
    pub purpose: &'a str,
    pub name: &'a str,
    pub media_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub uploaded_by: UserId,
    pub uploaded_at: NaiveDateTime,
    pub sent_to_applicant: bool,
}

pub fn insert(conn: &mut DbConn, new: &NewDocument<'_>) -> QueryResult<Document> {
    let id: i64 = diesel::insert_into(documents::table)
        .values(new)
        .returning(documents::id)
        .get_result(conn)?;
    find(conn, id)?.ok_or(diesel::result::Error::NotFound)
}

/// Marks as sent to the applicant the case's documents of `purpose` that go out with the reply
/// ([`going_with_reply`]). In the transaction that issues the reply. Returns how many.
pub fn mark_sent(conn: &mut DbConn, case_id: CaseId, purpose: Purpose) -> QueryResult<usize> {
    let kept = crate::models::redaction::kept_back(conn, case_id)?;
    diesel::update(
        documents::table
            .filter(documents::case_id.eq(case_id))
            .filter(documents::purpose.eq(purpose.as_str()))
            .filter(documents::purged_at.is_null())
            .filter(documents::sent_to_applicant.eq(false))
            .filter(documents::id.ne_all(kept)),
    )
    .set(documents::sent_to_applicant.eq(true))
    .execute(conn)
}

/// The case's documents of `purpose` that go out with the reply, oldest first: not purged,
/// not the unredacted source of a released copy, not a released copy a later one replaced.
/// What the reply letter lists as its attachments.
pub fn going_with_reply(
    conn: &mut DbConn,
    case_id: CaseId,
    purpose: Purpose,
) -> QueryResult<Vec<Document>> {
    let kept = crate::models::redaction::kept_back(conn, case_id)?;
    documents::table
        .filter(documents::case_id.eq(case_id))
        .filter(documents::purpose.eq(purpose.as_str()))
        .filter(documents::purged_at.is_null())
        .filter(documents::id.ne_all(kept))
        .order(documents::id.asc())
        .select(Document::as_select())
        .load(conn)
}

/// A document that has not been purged.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Document>> {
    documents::table
        .find(id)
        .filter(documents::purged_at.is_null())
        .select(Document::as_select())
        .first(conn)
        .optional()
}

/// The case's documents that have not been purged, oldest first.
pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<Document>> {
    documents::table
        .filter(documents::case_id.eq(case_id))
        .filter(documents::purged_at.is_null())
        .order(documents::id.asc())
        .select(Document::as_select())
        .load(conn)
}

/// Whether a record still needs this content: a document not purged (other than those of
/// `except`), or a letter.
pub fn content_in_use(conn: &mut DbConn, sha256: &str, except: &[i64]) -> QueryResult<bool> {
    let document = diesel::select(diesel::dsl::exists(
        documents::table
            .filter(documents::sha256.eq(sha256))
            .filter(documents::purged_at.is_null())
            .filter(documents::id.ne_all(except.to_vec())),
    ))
    .get_result(conn)?;
    if document {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        letters::table.filter(letters::sha256.eq(sha256)),
    ))
    .get_result(conn)
}

/// A document of a concluded case, with what its retention depends on.
#[derive(Debug, Clone, Queryable)]
pub struct RetentionRow {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub purpose: Purpose,
    pub sha256: String,
    pub agency_id: AgencyId,
    pub tracking_no: String,
    pub concluded_on: chrono::NaiveDate,
}

/// The documents not purged whose cases are concluded, by id (their periods run from the
/// conclusion).
pub fn of_concluded_cases(conn: &mut DbConn) -> QueryResult<Vec<RetentionRow>> {
    documents::table
        .inner_join(cases::table)
        .filter(documents::purged_at.is_null())
        .filter(cases::concluded_on.is_not_null())
        .order(documents::id.asc())
        .select((
            documents::id,
            documents::purpose,
            documents::sha256,
            cases::agency_id,
            cases::tracking_no,
            cases::concluded_on.assume_not_null(),
        ))
        .load(conn)
}

/// Marks the documents purged (those not purged already); returns how many.
pub fn mark_purged(conn: &mut DbConn, ids: &[i64], at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        documents::table
            .filter(documents::id.eq_any(ids))
            .filter(documents::purged_at.is_null()),
    )
    .set(documents::purged_at.eq(at))
    .execute(conn)
}

/// Records that `user_id` downloaded the document.
pub fn log_download(
    conn: &mut DbConn,
    document_id: i64,
    user_id: UserId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(document_downloads::table)
        .values((
            document_downloads::document_id.eq(document_id),
            document_downloads::user_id.eq(user_id),
            document_downloads::downloaded_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Who downloaded the document and when, oldest first.
pub fn downloads(conn: &mut DbConn, document_id: i64) -> QueryResult<Vec<(UserId, NaiveDateTime)>> {
    document_downloads::table
        .filter(document_downloads::document_id.eq(document_id))
        .order(document_downloads::id.asc())
        .select((
            document_downloads::user_id,
            document_downloads::downloaded_at,
        ))
        .load(conn)
}
