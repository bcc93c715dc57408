//! Documents of a case (`documents`) and the log of their downloads (`document_downloads`).
//! The bytes are in the blob store under `sha256`; these rows say what the content is to a
//! case. Callers check the case against the actor's scope in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use yishen_domain::document::{MediaType, Purpose};

use crate::DbConn;
use crate::ids::{CaseId, UserId};
use crate::schema::{document_downloads, documents};

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

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Document>> {
    documents::table
        .find(id)
        .select(Document::as_select())
        .first(conn)
        .optional()
}

/// The case's documents, oldest first.
pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<Document>> {
    documents::table
        .filter(documents::case_id.eq(case_id))
        .order(documents::id.asc())
        .select(Document::as_select())
        .load(conn)
}

/// Whether any document row names this content (the blob is still needed).
pub fn content_in_use(conn: &mut DbConn, sha256: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        documents::table.filter(documents::sha256.eq(sha256)),
    ))
    .get_result(conn)
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
