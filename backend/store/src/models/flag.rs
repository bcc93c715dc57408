//! Screening flags (`case_flags`) and the lookups that build identity clusters: the cases
//! whose applicant shares a keyed hash (identity number, phone, e-mail, normalised address).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::schema::{case_applicants, case_flags, cases};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_flags)]
pub struct CaseFlag {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub severity: String,
    pub summary: String,
    pub evidence: String,
    pub status: String,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_flags)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewCaseFlag<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub severity: &'a str,
    pub summary: &'a str,
    pub evidence: &'a str,
    pub status: &'a str,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn for_case(conn: &mut DbConn, case_id: i64) -> QueryResult<Vec<CaseFlag>> {
    case_flags::table
        .filter(case_flags::case_id.eq(case_id))
        .order(case_flags::id.asc())
        .select(CaseFlag::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<CaseFlag>> {
    case_flags::table
        .find(id)
        .select(CaseFlag::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, new: &NewCaseFlag<'_>) -> QueryResult<usize> {
    diesel::insert_into(case_flags::table)
        .values(new)
        .execute(conn)
}

/// New evidence for an existing flag; `status` reopens a dismissed flag when the evidence
/// grew (the caller decides).
pub fn refresh(
    conn: &mut DbConn,
    id: i64,
    severity: &str,
    summary: &str,
    evidence: &str,
    status: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(case_flags::table.find(id))
        .set((
            case_flags::severity.eq(severity),
            case_flags::summary.eq(summary),
            case_flags::evidence.eq(evidence),
            case_flags::status.eq(status),
            case_flags::updated_at.eq(at),
        ))
        .execute(conn)
}

/// A person's decision on a flag.
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    by: i64,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(case_flags::table.find(id))
        .set((
            case_flags::status.eq(status),
            case_flags::decided_by.eq(Some(by)),
            case_flags::decided_at.eq(Some(at)),
            case_flags::decision_reason.eq(Some(reason)),
            case_flags::updated_at.eq(at),
        ))
        .execute(conn)
}

/// Which keyed hash linked two applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    IdNumber,
    Phone,
    Email,
    Address,
}

/// The cases (other than `except`) whose applicant shares one of the hashes, with the link,
/// at most `limit` per link kind, newest first.
pub fn linked_cases(
    conn: &mut DbConn,
    id_number_hash: &str,
    phone_hash: Option<&str>,
    email_hash: Option<&str>,
    address_hash: Option<&str>,
    except: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, LinkKind)>> {
    let mut out: Vec<(i64, LinkKind)> = cases::table
        .filter(cases::id_number_hash.eq(id_number_hash))
        .filter(cases::id.ne(except))
        .order(cases::id.desc())
        .limit(limit)
        .select(cases::id)
        .load::<i64>(conn)?
        .into_iter()
        .map(|id| (id, LinkKind::IdNumber))
        .collect();
    // The three contact links read the same way, each from its own indexed column.
    macro_rules! by_contact {
        ($hash:expr, $column:expr, $kind:expr) => {
            if let Some(h) = $hash {
                out.extend(
                    case_applicants::table
                        .filter($column.eq(h))
                        .filter(case_applicants::case_id.ne(except))
                        .order(case_applicants::case_id.desc())
                        .limit(limit)
                        .select(case_applicants::case_id)
                        .load::<i64>(conn)?
                        .into_iter()
                        .map(|id| (id, $kind)),
                );
            }
        };
    }
    by_contact!(phone_hash, case_applicants::phone_hash, LinkKind::Phone);
    by_contact!(email_hash, case_applicants::email_hash, LinkKind::Email);
    by_contact!(
        address_hash,
        case_applicants::address_hash,
        LinkKind::Address
    );
    Ok(out)
}
