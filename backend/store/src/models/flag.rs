//! Screening flags (`case_flags`) and the lookups that build identity clusters: the cases
//! whose applicants are joined, directly or through one another, by a keyed hash (identity
//! number, phone, e-mail, normalised address), and what screening reads of them in batches.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{AgencyId, CaseId, UserId};
use crate::schema::{
    agencies, case_applicants, case_flags, case_signatures, cases, litigations, reconsiderations,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = case_flags)]
pub struct CaseFlag {
    pub id: i64,
    pub case_id: CaseId,
    #[diesel(deserialize_as = String)]
    pub kind: yishen_domain::screening::FlagKind,
    pub severity: String,
    pub summary: String,
    pub evidence: String,
    #[diesel(deserialize_as = String)]
    pub status: yishen_domain::screening::FlagStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_flags)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewCaseFlag<'a> {
    pub case_id: CaseId,
    pub kind: &'a str,
    pub severity: &'a str,
    pub summary: &'a str,
    pub evidence: &'a str,
    pub status: &'a str,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn for_case(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Vec<CaseFlag>> {
    case_flags::table
        .filter(case_flags::case_id.eq(case_id))
        .order(case_flags::id.asc())
        .select(CaseFlag::as_select())
        .load(conn)
}

/// The flags of several cases at once (a queue page), in id order.
pub fn for_cases(conn: &mut DbConn, case_ids: &[CaseId]) -> QueryResult<Vec<CaseFlag>> {
    case_flags::table
        .filter(case_flags::case_id.eq_any(case_ids))
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

/// Removes an open flag whose rule no longer fires.
pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(case_flags::table.find(id)).execute(conn)
}

/// A person's decision on a flag.
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    by: UserId,
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

/// Which keyed hash links applications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    IdNumber,
    Phone,
    Email,
    Address,
}

/// The keyed hashes of one case's applicant.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MemberLinks {
    pub case_id: CaseId,
    pub id_number_hash: String,
    pub phone_hash: Option<String>,
    pub email_hash: Option<String>,
    pub address_hash: Option<String>,
}

impl MemberLinks {
    fn hashes(&self) -> impl Iterator<Item = (LinkKind, &str)> {
        [
            (LinkKind::IdNumber, Some(self.id_number_hash.as_str())),
            (LinkKind::Phone, self.phone_hash.as_deref()),
            (LinkKind::Email, self.email_hash.as_deref()),
            (LinkKind::Address, self.address_hash.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, h)| h.filter(|h| !h.is_empty()).map(|h| (k, h)))
    }
}

/// How far a cluster lookup may go. A cluster is followed transitively (A shares a phone
/// with B, B an address with C: all three are one applicant), so the bounds keep one intake's
/// work finite however large a cluster grows.
#[derive(Debug, Clone, Copy)]
pub struct ClusterLimits {
    /// Members read at most (the newest per hash first).
    pub max_members: usize,
    /// Cases read per hash looked up.
    pub per_hash: i64,
    /// Distinct hashes looked up at most.
    pub max_lookups: usize,
}

fn member_links(conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<Vec<MemberLinks>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            case_applicants::table
                .filter(case_applicants::case_id.eq_any(chunk))
                .select((
                    case_applicants::case_id,
                    case_applicants::id_number_hash,
                    case_applicants::phone_hash,
                    case_applicants::email_hash,
                    case_applicants::address_hash,
                ))
                .load::<MemberLinks>(conn)?,
        );
    }
    Ok(out)
}

fn cases_with(
    conn: &mut DbConn,
    kind: LinkKind,
    hash: &str,
    limit: i64,
) -> QueryResult<Vec<CaseId>> {
    // Each link reads from its own indexed column, newest first. The indexes end in the case
    // id (SQLite's in the rowid, which is the case id; PostgreSQL's since the migration
    // `cluster_lookups_newest_first`), so the newest `limit` are read from the index in order.
    // One statement per hash rather than one per breadth-first level: diesel keeps these
    // prepared (on PostgreSQL with the generic plan of `Pool::read_keyed`), where a `UNION ALL`
    // of the level, raw SQL that diesel does not keep, was planned at every call and cost
    // PostgreSQL more than the round trips it saved (docs/performance.md, ninth).
    macro_rules! by_contact {
        ($column:expr) => {
            case_applicants::table
                .filter($column.eq(hash))
                .order(case_applicants::case_id.desc())
                .limit(limit)
                .select(case_applicants::case_id)
                .load::<CaseId>(conn)
        };
    }
    match kind {
        LinkKind::IdNumber => cases::table
            .filter(cases::id_number_hash.eq(hash))
            .order(cases::id.desc())
            .limit(limit)
            .select(cases::id)
            .load::<CaseId>(conn),
        LinkKind::Phone => by_contact!(case_applicants::phone_hash),
        LinkKind::Email => by_contact!(case_applicants::email_hash),
        LinkKind::Address => by_contact!(case_applicants::address_hash),
    }
}

/// The identity cluster of case `case_id`, the case included: every case reachable from it
/// through shared keyed hashes (identity number, phone, e-mail, normalised address), followed
/// breadth-first within `limits`. Empty when the case has no applicant row.
pub fn cluster_members(
    conn: &mut DbConn,
    case_id: CaseId,
    limits: ClusterLimits,
) -> QueryResult<Vec<MemberLinks>> {
    use std::collections::{BTreeMap, HashSet, VecDeque};
    let mut members: BTreeMap<CaseId, MemberLinks> = BTreeMap::new();
    let mut seen: HashSet<(LinkKind, String)> = HashSet::new();
    let mut queue: VecDeque<(LinkKind, String)> = VecDeque::new();
    fn enqueue(
        m: &MemberLinks,
        seen: &mut HashSet<(LinkKind, String)>,
        queue: &mut VecDeque<(LinkKind, String)>,
    ) {
        for (kind, hash) in m.hashes() {
            if seen.insert((kind, hash.to_owned())) {
                queue.push_back((kind, hash.to_owned()));
            }
        }
    }
    for m in member_links(conn, &[case_id])? {
        enqueue(&m, &mut seen, &mut queue);
        members.insert(m.case_id, m);
    }
    let mut lookups = 0;
    while let Some((kind, hash)) = queue.pop_front() {
        if lookups >= limits.max_lookups || members.len() >= limits.max_members {
            break;
        }
        lookups += 1;
        let room = limits.max_members - members.len();
        let fresh: Vec<CaseId> = cases_with(conn, kind, &hash, limits.per_hash)?
            .into_iter()
            .filter(|id| !members.contains_key(id))
            .take(room)
            .collect();
        if fresh.is_empty() {
            continue;
        }
        for m in member_links(conn, &fresh)? {
            enqueue(&m, &mut seen, &mut queue);
            members.insert(m.case_id, m);
        }
    }
    Ok(members.into_values().collect())
}

/// What screening and the dossier read of each case of a cluster, in one query.
#[derive(Debug, Clone, Queryable)]
pub struct HistoryRow {
    pub case_id: CaseId,
    pub tracking_no: String,
    pub agency_id: AgencyId,
    pub agency_path: String,
    pub agency_code: String,
    pub agency_name: String,
    pub status: String,
    pub received_on: Option<NaiveDate>,
    pub content: String,
    pub disposition: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    pub applicant_name: String,
    /// The stored signature of the request core and the key it was made under
    /// (`case_signatures`), if any.
    pub signature_key: Option<i64>,
    pub signature: Option<Vec<u8>>,
    /// The case's version (any write to it moves it), as [`versions`] reads it.
    pub version: i64,
}

/// The cases `ids`, ascending by id, with their stored signatures.
pub fn history_rows(conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<Vec<HistoryRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            cases::table
                .inner_join(agencies::table)
                .inner_join(case_applicants::table)
                .left_join(case_signatures::table)
                .filter(cases::id.eq_any(chunk))
                .select((
                    cases::id,
                    cases::tracking_no,
                    cases::agency_id,
                    agencies::path,
                    agencies::code,
                    agencies::name,
                    cases::status,
                    cases::received_on,
                    cases::content,
                    cases::disposition,
                    cases::concluded_on,
                    case_applicants::name,
                    case_signatures::text_key.nullable(),
                    case_signatures::signature.nullable(),
                    cases::version,
                ))
                .load::<HistoryRow>(conn)?,
        );
    }
    out.sort_by_key(|r| r.case_id);
    Ok(out)
}

/// The cases filed with agency `agency_id` and received within `from..=to`, newest first, at
/// most `limit` (for the 条例44 suggestions).
pub fn agency_case_ids(
    conn: &mut DbConn,
    agency_id: AgencyId,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> QueryResult<Vec<CaseId>> {
    cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::received_on.ge(from))
        .filter(cases::received_on.le(to))
        .order(cases::id.desc())
        .limit(limit)
        .select(cases::id)
        .load(conn)
}

/// A reconsideration (`litigation == false`) or suit about one of the cases.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ProceedingRow {
    pub case_id: CaseId,
    pub filed_on: NaiveDate,
    pub decided_on: Option<NaiveDate>,
    pub litigation: bool,
}

/// The versions of the cases `ids` (each write to a case moves its version), ascending by id:
/// screening computed outside the write lock checks with them that the cluster it read is the
/// cluster it writes to.
pub fn versions(conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<Vec<(CaseId, i64)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            cases::table
                .filter(cases::id.eq_any(chunk))
                .select((cases::id, cases::version))
                .load::<(CaseId, i64)>(conn)?,
        );
    }
    out.sort_unstable();
    Ok(out)
}

/// The reconsiderations and suits about the cases `ids`.
pub fn proceedings(conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<Vec<ProceedingRow>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            reconsiderations::table
                .filter(reconsiderations::case_id.eq_any(chunk))
                .select((
                    reconsiderations::case_id,
                    reconsiderations::filed_on,
                    reconsiderations::decided_on,
                ))
                .load::<(CaseId, NaiveDate, Option<NaiveDate>)>(conn)?
                .into_iter()
                .map(|(case_id, filed_on, decided_on)| ProceedingRow {
                    case_id,
                    filed_on,
                    decided_on,
                    litigation: false,
                }),
        );
        out.extend(
            litigations::table
                .filter(litigations::case_id.eq_any(chunk))
                .select((
                    litigations::case_id,
                    litigations::filed_on,
                    litigations::decided_on,
                ))
                .load::<(CaseId, NaiveDate, Option<NaiveDate>)>(conn)?
                .into_iter()
                .map(|(case_id, filed_on, decided_on)| ProceedingRow {
                    case_id,
                    filed_on,
                    decided_on,
                    litigation: true,
                }),
        );
    }
    Ok(out)
}
