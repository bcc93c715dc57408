//! Screening flags (`case_flags`) and the lookups that build identity clusters: the cases
//! whose applicants are joined, directly or through one another, by a keyed hash (identity
//! number, phone, e-mail, normalised address), and what screening reads of them in batches.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{AgencyId, CaseId, UserId};
use crate::schema::{agencies, case_applicants, case_flags, case_signatures, cases};

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

/// Runs the raw statement `$sql` on the backend `$db`'s connection `$conn` with each of
/// `$values` bound in turn as `$ty`: the statements below have as many placeholders as the
/// level or batch they read, which diesel's query builder cannot combine into one `UNION ALL`
/// for the multi-backend connection.
macro_rules! load_bound {
    ($conn:expr, $db:ty, $sql:expr, $ty:ty, $values:expr, $row:ty) => {{
        let mut query = diesel::sql_query($sql).into_boxed::<$db>();
        for value in $values {
            query = query.bind::<$ty, _>(value);
        }
        query.load::<$row>($conn)
    }};
}

/// The `n`th (from 1) placeholder of a raw statement on the connection's backend.
fn placeholder(conn: &DbConn, n: usize) -> String {
    match conn.backend() {
        crate::conn::Backend::Sqlite => "?".to_owned(),
        crate::conn::Backend::Postgres => format!("${n}"),
    }
}

/// One breadth-first level of a cluster's look-ups in one statement: for each `(kind, hash)`
/// of `level`, the newest `limit` cases sharing it, newest first, in `level`'s order. Each link
/// reads its own indexed column (the identity number on `cases`, the contacts on
/// `case_applicants`), whose index ends in the case id, so the newest are read in order
/// (migration `cluster_lookups_newest_first`). One statement rather than one per hash: each
/// is a round trip on PostgreSQL, and screening follows a cluster twice per filing.
fn cases_with_each(
    conn: &mut DbConn,
    level: &[(LinkKind, String)],
    limit: i64,
) -> QueryResult<Vec<Vec<CaseId>>> {
    use diesel::sql_types::{BigInt, Text};

    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = BigInt)]
        arm: i64,
        #[diesel(sql_type = BigInt)]
        case_id: CaseId,
    }
    if level.is_empty() {
        return Ok(Vec::new());
    }
    // The limit is the caller's constant, written into the statement so that PostgreSQL plans
    // each arm for it; only the hashes are bound.
    let arms: Vec<String> = level
        .iter()
        .enumerate()
        .map(|(arm, (kind, _))| {
            let at = placeholder(conn, arm + 1);
            let (select, table, column, key) = match kind {
                LinkKind::IdNumber => ("id", "cases", "id_number_hash", "id"),
                LinkKind::Phone => ("case_id", "case_applicants", "phone_hash", "case_id"),
                LinkKind::Email => ("case_id", "case_applicants", "email_hash", "case_id"),
                LinkKind::Address => ("case_id", "case_applicants", "address_hash", "case_id"),
            };
            format!(
                "SELECT CAST({arm} AS BIGINT) AS arm, {select} AS case_id FROM \
                 (SELECT {select} FROM {table} WHERE {column} = {at} \
                  ORDER BY {key} DESC LIMIT {limit}) AS q{arm}"
            )
        })
        .collect();
    let sql = arms.join(" UNION ALL ");
    let hashes = level.iter().map(|(_, hash)| hash.as_str());
    let found = match conn {
        DbConn::Sqlite(c) => load_bound!(c, diesel::sqlite::Sqlite, sql, Text, hashes, Found)?,
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => load_bound!(c, diesel::pg::Pg, sql, Text, hashes, Found)?,
    };
    let mut out = vec![Vec::new(); level.len()];
    for f in found {
        if let Some(ids) = usize::try_from(f.arm).ok().and_then(|arm| out.get_mut(arm)) {
            ids.push(f.case_id);
        }
    }
    // Each arm's rows come in its subquery's order on both backends, but a union promises no
    // order: sorted again, newest first.
    for ids in &mut out {
        ids.sort_unstable_by(|a, b| b.cmp(a));
    }
    Ok(out)
}

/// The identity cluster of case `case_id`, the case included: every case reachable from it
/// through shared keyed hashes (identity number, phone, e-mail, normalised address), followed
/// breadth-first within `limits`. Empty when the case has no applicant row.
pub fn cluster_members(
    conn: &mut DbConn,
    case_id: CaseId,
    limits: ClusterLimits,
) -> QueryResult<Vec<MemberLinks>> {
    use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
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
    // Level by level: the hashes waiting are looked up together (as many as the bound on
    // look-ups leaves), then the links of the cases they found not yet members, read
    // together; the hashes those bring wait for the next level. Each hash's cases are taken in
    // the level's order, as one look-up after another would take them.
    while !queue.is_empty() && lookups < limits.max_lookups && members.len() < limits.max_members {
        let take = queue.len().min(limits.max_lookups - lookups);
        let level: Vec<(LinkKind, String)> = queue.drain(..take).collect();
        lookups += level.len();
        let room = limits.max_members - members.len();
        let mut fresh: Vec<CaseId> = Vec::new();
        let mut taken: HashSet<CaseId> = HashSet::new();
        for id in cases_with_each(conn, &level, limits.per_hash)?
            .into_iter()
            .flatten()
        {
            if fresh.len() >= room {
                break;
            }
            if !members.contains_key(&id) && taken.insert(id) {
                fresh.push(id);
            }
        }
        if fresh.is_empty() {
            continue;
        }
        let mut links = member_links(conn, &fresh)?;
        let order: HashMap<CaseId, usize> =
            fresh.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        links.sort_by_key(|m| order.get(&m.case_id).copied());
        for m in links {
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

/// The reconsiderations and suits about the cases `ids`: one statement per 500 cases for
/// both tables (each statement is a round trip on PostgreSQL).
pub fn proceedings(conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<Vec<ProceedingRow>> {
    use diesel::sql_types::{BigInt, Bool, Date, Nullable};

    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        case_id: CaseId,
        #[diesel(sql_type = Date)]
        filed_on: NaiveDate,
        #[diesel(sql_type = Nullable<Date>)]
        decided_on: Option<NaiveDate>,
        #[diesel(sql_type = Bool)]
        litigation: bool,
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        // The chunk is bound twice, once for each table.
        let list = |first: usize| {
            (first..first + chunk.len())
                .map(|n| placeholder(conn, n))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sql = format!(
            "SELECT case_id, filed_on, decided_on, FALSE AS litigation FROM reconsiderations \
             WHERE case_id IN ({}) \
             UNION ALL SELECT case_id, filed_on, decided_on, TRUE FROM litigations \
             WHERE case_id IN ({})",
            list(1),
            list(chunk.len() + 1)
        );
        let values = chunk.iter().chain(chunk).map(|id| id.get());
        let rows = match conn {
            DbConn::Sqlite(c) => load_bound!(c, diesel::sqlite::Sqlite, sql, BigInt, values, Row)?,
            #[cfg(feature = "postgres")]
            DbConn::Postgresql(c) => load_bound!(c, diesel::pg::Pg, sql, BigInt, values, Row)?,
        };
        out.extend(rows.into_iter().map(|r| ProceedingRow {
            case_id: r.case_id,
            filed_on: r.filed_on,
            decided_on: r.decided_on,
            litigation: r.litigation,
        }));
    }
    Ok(out)
}
