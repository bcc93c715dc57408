//! Cases (申请案件): the snapshot row, the gap-free tracking sequence and the work-queue
//! queries. Every query that returns cases takes a [`CaseScope`], decided by the server's
//! policy, so a list never holds a case its reader may not see.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use yishen_domain::Disposition;
use yishen_domain::case::{ApplicantCategory, Channel, Status};
use yishen_domain::clock::{CachedClock, ClockState};

use crate::DbConn;
use crate::codes::NullableCode;
use crate::ids::{AgencyId, CaseId, UserId};
use crate::schema::{agencies, case_applicants, cases};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct Case {
    pub id: CaseId,
    pub agency_id: AgencyId,
    pub tracking_no: String,
    pub year: i32,
    pub seq: i64,
    /// Stored as its code; a code no member names is a read error, not a string passed on.
    #[diesel(deserialize_as = String)]
    pub channel: Channel,
    #[diesel(deserialize_as = String)]
    pub status: Status,
    pub applicant_user_id: Option<UserId>,
    pub created_by: Option<UserId>,
    #[diesel(deserialize_as = String)]
    pub applicant_category: ApplicantCategory,
    pub applicant_name: String,
    pub id_number_hash: String,
    pub content: String,
    pub description: Option<String>,
    pub purpose: Option<String>,
    pub forms: String,
    pub delivery: Option<String>,
    pub received_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    #[diesel(deserialize_as = String)]
    pub clock_state: CachedClock,
    pub correction_deadline: Option<NaiveDate>,
    pub fee_deadline: Option<NaiveDate>,
    #[diesel(deserialize_as = NullableCode)]
    pub disposition: Option<Disposition>,
    pub concluded_on: Option<NaiveDate>,
    pub query_code_hash: String,
    pub external_id: Option<String>,
    pub version: i64,
    pub event_count: i64,
    pub last_event_hash: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The handler responsible, once named.
    pub assignee_id: Option<UserId>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = cases)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct NewCase<'a> {
    /// From [`reserve`].
    pub id: CaseId,
    pub agency_id: AgencyId,
    pub tracking_no: &'a str,
    pub year: i32,
    pub seq: i64,
    pub channel: &'a str,
    pub status: &'a str,
    pub applicant_user_id: Option<UserId>,
    pub created_by: Option<UserId>,
    pub applicant_category: &'a str,
    pub applicant_name: &'a str,
    pub id_number_hash: &'a str,
    pub content: &'a str,
    pub description: Option<&'a str>,
    pub purpose: Option<&'a str>,
    pub forms: &'a str,
    pub delivery: Option<&'a str>,
    pub received_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub clock_state: &'a str,
    pub disposition: Option<&'a str>,
    pub concluded_on: Option<NaiveDate>,
    pub query_code_hash: &'a str,
    pub external_id: Option<&'a str>,
    pub version: i64,
    pub event_count: i64,
    pub last_event_hash: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What an action changes on the snapshot. Deadlines are `Some(None)` to clear.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = cases)]
pub struct CaseChanges {
    pub status: Option<String>,
    pub content: Option<String>,
    pub received_on: Option<Option<NaiveDate>>,
    pub due_on: Option<Option<NaiveDate>>,
    pub clock_state: Option<String>,
    pub correction_deadline: Option<Option<NaiveDate>>,
    pub fee_deadline: Option<Option<NaiveDate>>,
    pub disposition: Option<Option<String>>,
    pub concluded_on: Option<Option<NaiveDate>>,
    pub assignee_id: Option<Option<UserId>>,
}

/// Which cases a reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseScope {
    /// Every case (system administrators).
    All,
    /// The cases of one agency (its staff).
    Agency(AgencyId),
    /// The cases of an agency subtree, by path prefix (reconsideration bodies).
    Subtree(String),
    /// The cases an applicant filed.
    Applicant(UserId),
}

/// A case with its agency's code and name.
pub type CaseWithAgency = (Case, String, String);

/// Takes the next number of the agency's tracking series for `year` (gap-free, in the
/// caller's transaction).
pub fn next_seq(conn: &mut DbConn, agency_id: AgencyId, year: i32) -> QueryResult<i64> {
    super::counter::next(conn, &format!("case/{agency_id}/{year}"))
}

/// Reserves the id of a case about to be inserted in the caller's transaction, and records it
/// in the index's change feed, in one statement. On PostgreSQL the rows that need only the
/// case's id (its applicant, signature and submission) can then be written before the case is
/// numbered ([`next_seq`]): the number's row stays locked until the transaction commits, and
/// every other filing at the agency waits for it, so the fewer statements follow it the better
/// (docs/performance.md, PostgreSQL at 10⁶, eighth); the `filing_numbered_last` migration has
/// their references to the case checked at commit.
pub fn reserve(conn: &mut DbConn, at: NaiveDateTime) -> QueryResult<CaseId> {
    use diesel::sql_types::{BigInt, Timestamp};

    #[derive(QueryableByName)]
    struct Reserved {
        #[diesel(sql_type = BigInt)]
        case_id: CaseId,
    }
    let reserved: Reserved = match conn {
        // An INSERT takes SQLite's write lock before it reads, so the id it computes (what
        // AUTOINCREMENT would give: past the largest ever used) cannot be taken meanwhile.
        DbConn::Sqlite(c) => diesel::sql_query(
            "INSERT INTO index_feed (case_id, at) \
                 SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'cases'), 0), \
                            COALESCE((SELECT MAX(id) FROM cases), 0)) + 1, ? \
                 RETURNING case_id",
        )
        .bind::<Timestamp, _>(at)
        .get_result(c)?,
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(c) => diesel::sql_query(
            "INSERT INTO index_feed (case_id, at) VALUES (nextval('cases_id_seq'), $1) \
             RETURNING case_id",
        )
        .bind::<Timestamp, _>(at)
        .get_result(c)?,
    };
    Ok(reserved.case_id)
}

/// Inserts a case under the id [`reserve`]d for it (which recorded it in the index's change
/// feed).
pub fn insert(conn: &mut DbConn, new: &NewCase<'_>) -> QueryResult<()> {
    diesel::insert_into(cases::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// One case within `scope`, with its agency's code and name.
pub fn find(
    conn: &mut DbConn,
    id: CaseId,
    scope: &CaseScope,
) -> QueryResult<Option<CaseWithAgency>> {
    // An applicant's case is found by its id alone and then checked to be theirs. With the
    // applicant's id beside the case id, PostgreSQL's planner, whose statistics of
    // `applicant_user_id` lag an account that files thousands of applications, walked that
    // account's cases through `cases_applicant_user` and filtered them by id: 21 ms at 18,000
    // cases and growing, after every filing (docs/performance.md, PostgreSQL at 10⁶).
    let (query_scope, owner) = match scope {
        CaseScope::Applicant(u) => (&CaseScope::All, Some(*u)),
        other => (other, None),
    };
    let found = scoped(query_scope)
        .filter(cases::id.eq(id))
        .select((Case::as_select(), agencies::code, agencies::name))
        .first::<CaseWithAgency>(conn)
        .optional()?;
    Ok(found.filter(|(case, _, _)| owner.is_none_or(|u| case.applicant_user_id == Some(u))))
}

/// A case by tracking number, regardless of scope (public tracking checks the query code).
pub fn find_by_tracking_no(
    conn: &mut DbConn,
    tracking_no: &str,
) -> QueryResult<Option<CaseWithAgency>> {
    cases::table
        .inner_join(agencies::table)
        .filter(cases::tracking_no.eq(tracking_no))
        .select((Case::as_select(), agencies::code, agencies::name))
        .first(conn)
        .optional()
}

/// An agency's case by tracking number (to link an earlier reply).
pub fn find_id_by_external(
    conn: &mut DbConn,
    agency_id: AgencyId,
    external_id: &str,
) -> QueryResult<Option<CaseId>> {
    cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::external_id.eq(external_id))
        .select(cases::id)
        .first(conn)
        .optional()
}

type Boxed<'a> = diesel::helper_types::IntoBoxed<
    'a,
    diesel::helper_types::InnerJoin<cases::table, agencies::table>,
    <DbConn as diesel::Connection>::Backend,
>;

diesel::alias!(agencies as tree_agencies: TreeAgencies);

type TreeField<F> = diesel::query_source::AliasedField<TreeAgencies, F>;
type TreeIds = diesel::helper_types::Select<
    diesel::helper_types::Filter<
        diesel::query_source::Alias<TreeAgencies>,
        diesel::helper_types::Like<TreeField<agencies::path>, String>,
    >,
    TreeField<agencies::id>,
>;

/// The ids of the agencies in the tree at `path`, as a subquery (on an alias: the queue
/// also joins `agencies` for the code and name it shows).
fn tree_ids(path: &str) -> TreeIds {
    tree_agencies
        .filter(tree_agencies.field(agencies::path).like(format!("{path}%")))
        .select(tree_agencies.field(agencies::id))
}

fn scoped(scope: &CaseScope) -> Boxed<'static> {
    let q = cases::table.inner_join(agencies::table).into_boxed();
    match scope {
        CaseScope::All => q,
        CaseScope::Agency(a) => q.filter(cases::agency_id.eq(*a)),
        // The tree's agencies first, then their cases: the queue's indexes carry the agency,
        // so a case outside the tree is skipped without reading its row or its agency's.
        CaseScope::Subtree(path) => q.filter(cases::agency_id.eq_any(tree_ids(path))),
        CaseScope::Applicant(u) => q.filter(cases::applicant_user_id.eq(*u)),
    }
}

/// Filters of the work queue.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub statuses: Vec<String>,
    /// Restrict to the subtree at this agency path.
    pub agency_path: Option<String>,
    /// Only cases whose clock is running and whose due date is before this date.
    pub due_before: Option<NaiveDate>,
    /// Only cases whose clock is running and whose due date is on or before this date.
    pub due_through: Option<NaiveDate>,
    /// One case or one applicant's cases, matched exactly.
    pub search: Option<SearchKey>,
    /// Only the cases assigned to this user.
    pub assignee: Option<UserId>,
}

/// What the queue's search box matches, already in stored form: identity numbers and phones
/// as their keyed hashes (never a plain column).
#[derive(Clone, PartialEq, Eq)]
pub enum SearchKey {
    TrackingNo(String),
    IdNumberHash(String),
    PhoneHash(String),
    Name(String),
}

impl std::fmt::Debug for SearchKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SearchKey(<redacted>)")
    }
}

/// The codes of the states whose clock may run (the open, received states), as the domain
/// decides them.
fn clocked_statuses() -> Vec<&'static str> {
    Status::ALL
        .iter()
        .filter(|s| s.clock_applies())
        .map(|s| s.as_str())
        .collect()
}

/// How far the queue counts: past this, the total is "more than" (counting every closed case
/// of a province would cost more than the page itself) and pages stop.
pub const COUNT_CAP: i64 = 10_000;

/// The queue: cases in `scope` matching `filter`, active ones first, soonest due first
/// (undated last), and the
/// total, counted up to [`COUNT_CAP`] (a total of `COUNT_CAP + 1` means more).
///
/// The order is active cases first, then the `due_sort` column (the due date, undated last),
/// then the id, which the indexes of each view hold in that order, so the first page is read
/// off an index whatever the number of closed cases.
pub fn list(
    conn: &mut DbConn,
    scope: &CaseScope,
    filter: &QueueFilter,
    page: QueuePage,
) -> QueryResult<(Vec<QueueRow>, i64)> {
    let QueuePage {
        limit,
        offset,
        with_events,
    } = page;
    let build = || {
        let mut q = scoped(scope);
        if !filter.statuses.is_empty() {
            q = q.filter(cases::status.eq_any(filter.statuses.clone()));
        }
        // Whether the statuses asked for are all active or all finished, said again through
        // the generated `active` column, which the indexes lead with: a view of active work
        // never reads the history of closed cases, and one of closed cases reads them in order.
        // The domain's rule; the column's definition in the migration says the same.
        let terminal =
            |s: &String| yishen_domain::case::Status::parse(s).is_some_and(|s| s.is_terminal());
        let active = if filter.due_before.is_some() || filter.due_through.is_some() {
            Some(true)
        } else if filter.statuses.is_empty() {
            None
        } else if filter.statuses.iter().all(|s| !terminal(s)) {
            Some(true)
        } else if filter.statuses.iter().all(terminal) {
            Some(false)
        } else {
            None
        };
        match active {
            Some(true) => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "cases.active = TRUE",
                ))
            }
            Some(false) => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "cases.active = FALSE",
                ))
            }
            None => {}
        }
        if let Some(path) = &filter.agency_path {
            q = q.filter(cases::agency_id.eq_any(tree_ids(path)));
        }
        if let Some(d) = filter.due_before {
            q = q
                .filter(cases::status.eq_any(clocked_statuses()))
                .filter(cases::clock_state.ne(ClockState::AwaitingCorrection.as_str()))
                .filter(cases::due_on.lt(d));
        }
        if let Some(d) = filter.due_through {
            q = q
                .filter(cases::status.eq_any(clocked_statuses()))
                .filter(cases::clock_state.ne(ClockState::AwaitingCorrection.as_str()))
                .filter(cases::due_on.le(d));
        }
        if let Some(u) = filter.assignee {
            q = q.filter(cases::assignee_id.eq(u));
        }
        match &filter.search {
            None => {}
            Some(SearchKey::TrackingNo(t)) => q = q.filter(cases::tracking_no.eq(t.clone())),
            Some(SearchKey::IdNumberHash(h)) => q = q.filter(cases::id_number_hash.eq(h.clone())),
            Some(SearchKey::Name(n)) => q = q.filter(cases::applicant_name.eq(n.clone())),
            Some(SearchKey::PhoneHash(h)) => {
                q = q.filter(
                    cases::id.eq_any(
                        case_applicants::table
                            .filter(case_applicants::phone_hash.eq(h.clone()))
                            .select(case_applicants::case_id),
                    ),
                )
            }
        }
        q
    };
    let total = build()
        .select(cases::id)
        .limit(COUNT_CAP + 1)
        .load::<i64>(conn)?
        .len() as i64;
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    // What the page shows on each row comes with the row: the kinds of its flags that stand,
    // and (for whom it matters) its events in order, as one JSON array of [date, event].
    let flags = if sqlite {
        "(SELECT group_concat(f.kind, ',' ORDER BY f.id) FROM case_flags f \
         WHERE f.case_id = cases.id AND f.status <> 'dismissed')"
    } else {
        "(SELECT string_agg(f.kind, ',' ORDER BY f.id) FROM case_flags f \
         WHERE f.case_id = cases.id AND f.status <> 'dismissed')"
    };
    let events = match (with_events, sqlite) {
        (false, _) => "NULL",
        (true, true) => {
            "(SELECT json_group_array(json_array(e.occurred_on, json(e.data)) ORDER BY e.seq) \
             FROM case_events e WHERE e.case_id = cases.id)"
        }
        (true, false) => {
            "(SELECT json_agg(json_build_array(e.occurred_on, e.data::json) ORDER BY e.seq)::text \
             FROM case_events e WHERE e.case_id = cases.id)"
        }
    };
    use diesel::sql_types::{Nullable, Text};
    let items = build()
        .order(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "cases.active DESC, cases.due_sort",
        ))
        .then_order_by(cases::id.asc())
        .limit(limit)
        .offset(offset)
        .select((
            Case::as_select(),
            agencies::code,
            agencies::name,
            agencies::settings,
            diesel::dsl::sql::<Nullable<Text>>(flags),
            diesel::dsl::sql::<Nullable<Text>>(events),
        ))
        .load::<(Case, String, String, String, Option<String>, Option<String>)>(conn)?
        .into_iter()
        .map(
            |(case, agency_code, agency_name, agency_settings, flags, events)| QueueRow {
                case,
                agency_code,
                agency_name,
                agency_settings,
                flag_kinds: flags
                    .map(|f| {
                        f.split(',')
                            .filter_map(yishen_domain::screening::FlagKind::parse)
                            .collect()
                    })
                    .unwrap_or_default(),
                events,
            },
        )
        .collect();
    Ok((items, total))
}

/// Which page of the queue to read, and whether its rows bring their events.
#[derive(Debug, Clone, Copy)]
pub struct QueuePage {
    pub limit: i64,
    pub offset: i64,
    /// Bring each row's events (for what awaits a handler or an approver on it).
    pub with_events: bool,
}

/// One row of the queue with what the page shows on it, read in the same statement.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub case: Case,
    pub agency_code: String,
    pub agency_name: String,
    /// The case's agency's settings (JSON), for its handling rules.
    pub agency_settings: String,
    /// The kinds of the case's flags that were not dismissed, oldest first.
    pub flag_kinds: Vec<yishen_domain::screening::FlagKind>,
    /// The case's events as a JSON array of `[occurred_on, event]`, oldest first (when asked).
    pub events: Option<String>,
}

/// Applies `changes` if the case is still at `version`; bumps the version and records the
/// new chain head. Returns false when someone else changed the case first.
pub fn update_versioned(
    conn: &mut DbConn,
    id: CaseId,
    version: i64,
    changes: &CaseChanges,
    event_count: i64,
    last_event_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        cases::table
            .filter(cases::id.eq(id))
            .filter(cases::version.eq(version)),
    )
    .set((
        changes,
        cases::version.eq(version + 1),
        cases::event_count.eq(event_count),
        cases::last_event_hash.eq(last_event_hash),
        cases::updated_at.eq(now),
    ))
    .execute(conn)?;
    // Only the request and the disposition of what the index holds change after intake.
    if n == 1 && (changes.content.is_some() || changes.disposition.is_some()) {
        super::index_feed::append(conn, id, now)?;
    }
    Ok(n == 1)
}

/// Refreshes the cached clock columns only (after a calendar change); no event, no version.
pub fn set_clock_cache(
    conn: &mut DbConn,
    id: CaseId,
    due_on: Option<NaiveDate>,
    clock_state: &str,
) -> QueryResult<usize> {
    diesel::update(cases::table.find(id))
        .set((cases::due_on.eq(due_on), cases::clock_state.eq(clock_state)))
        .execute(conn)
}

/// Open cases with a running clock due in `[from, before)`, counted per agency code (for the
/// overdue and due-soon gauges of `/metrics`); the same conditions as the queue's filters.
pub fn count_due_by_agency(
    conn: &mut DbConn,
    from: Option<NaiveDate>,
    before: NaiveDate,
) -> QueryResult<Vec<(String, i64)>> {
    let base = cases::table
        .inner_join(agencies::table)
        .filter(cases::status.eq_any(clocked_statuses()))
        .filter(cases::clock_state.ne(ClockState::AwaitingCorrection.as_str()))
        .filter(cases::due_on.lt(before));
    // Two plain queries: diesel cannot group a boxed query.
    match from {
        Some(from) => base
            .filter(cases::due_on.ge(from))
            .group_by(agencies::code)
            .select((agencies::code, diesel::dsl::count_star()))
            .order(agencies::code.asc())
            .load(conn),
        None => base
            .group_by(agencies::code)
            .select((agencies::code, diesel::dsl::count_star()))
            .order(agencies::code.asc())
            .load(conn),
    }
}

/// The agency each of the cases `ids` belongs to.
pub fn agencies_of(conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<Vec<(CaseId, AgencyId)>> {
    cases::table
        .filter(cases::id.eq_any(ids))
        .select((cases::id, cases::agency_id))
        .load(conn)
}

/// A case in the daily digests: id, tracking number, due date, agency, handler.
pub type DueCase = (CaseId, String, NaiveDate, AgencyId, Option<UserId>);

/// Open cases with a running clock due by `horizon` (overdue ones included), the same
/// conditions as the queue's "due soon" and "overdue" filters; by the `(status, due_on)` index.
pub fn due_by(conn: &mut DbConn, horizon: NaiveDate) -> QueryResult<Vec<DueCase>> {
    cases::table
        .filter(cases::status.eq_any(clocked_statuses()))
        .filter(cases::clock_state.ne(ClockState::AwaitingCorrection.as_str()))
        .filter(cases::due_on.is_not_null())
        .filter(cases::due_on.le(horizon))
        .select((
            cases::id,
            cases::tracking_no,
            cases::due_on.assume_not_null(),
            cases::agency_id,
            cases::assignee_id,
        ))
        .order((cases::due_on.asc(), cases::id.asc()))
        .load(conn)
}

/// Ids of the cases whose clock may still run (for recomputing after a calendar change).
pub fn open_ids(conn: &mut DbConn) -> QueryResult<Vec<CaseId>> {
    cases::table
        .filter(cases::status.eq_any(clocked_statuses()))
        .select(cases::id)
        .order(cases::id.asc())
        .load(conn)
}

/// Ids of cases whose correction window ended before `today` without a correction.
pub fn correction_expired(conn: &mut DbConn, today: NaiveDate) -> QueryResult<Vec<CaseId>> {
    cases::table
        .filter(cases::status.eq(Status::AwaitingCorrection.as_str()))
        .filter(cases::correction_deadline.lt(today))
        .select(cases::id)
        .order(cases::id.asc())
        .load(conn)
}

/// Ids of open cases whose fee went unpaid past its deadline.
pub fn fee_expired(conn: &mut DbConn, today: NaiveDate) -> QueryResult<Vec<CaseId>> {
    cases::table
        .filter(cases::status.eq_any(clocked_statuses()))
        .filter(cases::fee_deadline.lt(today))
        .select(cases::id)
        .order(cases::id.asc())
        .load(conn)
}

/// How many applications the holder of identity hash `id_hash` made to the agency in the
/// natural month of `on` up to and including that day (for 按件 fees, 办法第四条).
pub fn month_ordinal(
    conn: &mut DbConn,
    agency_id: AgencyId,
    id_hash: &str,
    month_start: NaiveDate,
    on: NaiveDate,
) -> QueryResult<i64> {
    cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::id_number_hash.eq(id_hash))
        .filter(cases::received_on.ge(month_start))
        .filter(cases::received_on.le(on))
        .count()
        .get_result(conn)
}

/// Cases after `after` in id order, at most `limit`, whole: `yishen audit verify` checks each
/// one's chain and compares the row with what its events determine.
pub fn audit_page(conn: &mut DbConn, after: CaseId, limit: i64) -> QueryResult<Vec<Case>> {
    cases::table
        .filter(cases::id.gt(after))
        .order(cases::id.asc())
        .limit(limit)
        .select(Case::as_select())
        .load(conn)
}

/// A case's applicant with the personal data encrypted (`case_applicants`).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = crate::schema::case_applicants)]
// None is bound as NULL, so the statement text is fixed and stays in the cache.
#[diesel(treat_none_as_default_value = false)]
pub struct CaseApplicant {
    pub case_id: CaseId,
    pub kind: String,
    pub category: String,
    pub name: String,
    pub id_type: String,
    pub id_number_enc: String,
    pub id_number_hash: String,
    pub phone_enc: Option<String>,
    pub phone_hash: Option<String>,
    pub email_enc: Option<String>,
    pub email_hash: Option<String>,
    pub address_enc: Option<String>,
    pub address_hash: Option<String>,
    /// The channels the applicant chose when filing for the statutory notices of the case.
    pub notify_email: bool,
    pub notify_sms: bool,
}

pub fn insert_applicant(conn: &mut DbConn, new: &CaseApplicant) -> QueryResult<usize> {
    diesel::insert_into(crate::schema::case_applicants::table)
        .values(new)
        .execute(conn)
}

pub fn applicant(conn: &mut DbConn, case_id: CaseId) -> QueryResult<Option<CaseApplicant>> {
    use crate::schema::case_applicants;
    case_applicants::table
        .find(case_id)
        .select(CaseApplicant::as_select())
        .first(conn)
        .optional()
}
