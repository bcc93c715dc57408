//! Consultations (`inquiries`) and the FAQ entries published from them (`faq_entries`).
//! Reads that staff make are scoped by agency inside the query; the public reads take only
//! published, not withdrawn entries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{AgencyId, UserId};
use crate::schema::{agencies, faq_entries, inquiries};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = inquiries)]
pub struct Inquiry {
    pub id: i64,
    pub code: String,
    pub agency_id: AgencyId,
    pub user_id: Option<UserId>,
    pub question: String,
    pub name_enc: Option<String>,
    pub phone_enc: Option<String>,
    pub email_enc: Option<String>,
    pub asked_at: NaiveDateTime,
    pub asked_on: NaiveDate,
    pub due_on: NaiveDate,
    pub answer: Option<String>,
    pub answered_by: Option<UserId>,
    pub answered_at: Option<NaiveDateTime>,
    pub answered_on: Option<NaiveDate>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = inquiries)]
pub struct NewInquiry<'a> {
    pub code: &'a str,
    pub agency_id: AgencyId,
    pub user_id: Option<UserId>,
    pub question: &'a str,
    pub name_enc: Option<&'a str>,
    pub phone_enc: Option<&'a str>,
    pub email_enc: Option<&'a str>,
    pub asked_at: NaiveDateTime,
    pub asked_on: NaiveDate,
    pub due_on: NaiveDate,
}

pub fn insert(conn: &mut DbConn, new: &NewInquiry<'_>) -> QueryResult<i64> {
    diesel::insert_into(inquiries::table)
        .values(new)
        .returning(inquiries::id)
        .get_result(conn)
}

pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Inquiry>> {
    inquiries::table
        .filter(inquiries::code.eq(code))
        .select(Inquiry::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Inquiry>> {
    inquiries::table
        .find(id)
        .select(Inquiry::as_select())
        .first(conn)
        .optional()
}

/// Records the answer, once: false when the question was answered already (by someone else
/// meanwhile).
pub fn answer(
    conn: &mut DbConn,
    id: i64,
    text: &str,
    by: UserId,
    at: NaiveDateTime,
    on: NaiveDate,
) -> QueryResult<bool> {
    let n = diesel::update(
        inquiries::table
            .filter(inquiries::id.eq(id))
            .filter(inquiries::answered_at.is_null()),
    )
    .set((
        inquiries::answer.eq(text),
        inquiries::answered_by.eq(by),
        inquiries::answered_at.eq(at),
        inquiries::answered_on.eq(on),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The questions of `agencies` for their staff: unanswered first by due day, then the
/// answered, newest first; at most `limit`.
pub fn for_agencies(
    conn: &mut DbConn,
    agency_ids: &[AgencyId],
    open_only: bool,
    limit: i64,
) -> QueryResult<Vec<(Inquiry, String)>> {
    let mut q = inquiries::table
        .inner_join(agencies::table)
        .filter(inquiries::agency_id.eq_any(agency_ids))
        .into_boxed();
    if open_only {
        q = q.filter(inquiries::answered_at.is_null());
    }
    q.order((
        inquiries::answered_at.is_not_null(),
        inquiries::due_on.asc(),
        inquiries::answered_at.desc(),
        inquiries::id.asc(),
    ))
    .limit(limit)
    .select((Inquiry::as_select(), agencies::name))
    .load(conn)
}

/// How many of `agencies`' questions are unanswered: all, due on or before `today`, and late
/// (due before it). One statement: the queue page asks it on every load, and an agency's
/// unanswered questions are few (read off `inquiries_agency_open`).
pub fn open_counts(
    conn: &mut DbConn,
    agency_ids: &[AgencyId],
    today: NaiveDate,
) -> QueryResult<(i64, i64, i64)> {
    let due: Vec<NaiveDate> = inquiries::table
        .filter(inquiries::agency_id.eq_any(agency_ids.to_vec()))
        .filter(inquiries::answered_at.is_null())
        .select(inquiries::due_on)
        .load(conn)?;
    let count = |keep: &dyn Fn(&NaiveDate) -> bool| {
        i64::try_from(due.iter().filter(|d| keep(d)).count()).unwrap_or(i64::MAX)
    };
    Ok((
        count(&|_| true),
        count(&|d| *d <= today),
        count(&|d| *d < today),
    ))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = faq_entries)]
pub struct FaqEntry {
    pub id: i64,
    pub inquiry_id: i64,
    pub agency_id: AgencyId,
    pub question: String,
    pub answer: String,
    pub published_by: UserId,
    pub published_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = faq_entries)]
pub struct NewFaqEntry<'a> {
    pub inquiry_id: i64,
    pub agency_id: AgencyId,
    pub question: &'a str,
    pub answer: &'a str,
    pub published_by: UserId,
    pub published_at: NaiveDateTime,
}

pub fn publish(conn: &mut DbConn, new: &NewFaqEntry<'_>) -> QueryResult<i64> {
    diesel::insert_into(faq_entries::table)
        .values(new)
        .returning(faq_entries::id)
        .get_result(conn)
}

/// The entry published from a question, if any (withdrawn or not).
pub fn entry_of(conn: &mut DbConn, inquiry_id: i64) -> QueryResult<Option<FaqEntry>> {
    faq_entries::table
        .filter(faq_entries::inquiry_id.eq(inquiry_id))
        .select(FaqEntry::as_select())
        .first(conn)
        .optional()
}

/// Withdraws a published entry; false if it was not published or withdrawn already.
pub fn withdraw(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        faq_entries::table
            .filter(faq_entries::id.eq(id))
            .filter(faq_entries::withdrawn_at.is_null()),
    )
    .set(faq_entries::withdrawn_at.eq(at))
    .execute(conn)?;
    Ok(n == 1)
}

/// The published entries (not withdrawn), of `agency_ids` when given, newest first; at most
/// `limit`, each with its agency's code and name.
pub fn published(
    conn: &mut DbConn,
    agency_ids: Option<&[AgencyId]>,
    limit: i64,
) -> QueryResult<Vec<(FaqEntry, String, String)>> {
    let mut q = faq_entries::table
        .inner_join(agencies::table)
        .filter(faq_entries::withdrawn_at.is_null())
        .into_boxed();
    if let Some(ids) = agency_ids {
        q = q.filter(faq_entries::agency_id.eq_any(ids.to_vec()));
    }
    q.order(faq_entries::published_at.desc())
        .limit(limit)
        .select((FaqEntry::as_select(), agencies::code, agencies::name))
        .load(conn)
}
