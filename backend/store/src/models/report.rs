//! The annual report's queries: the grouped counts of table 三 (from the tallies the database's
//! triggers keep, see migration `report_tallies`), the cases behind any one cell, and the
//! outcome records for table 四. The cell definitions of `yishen_domain::annual` are stated
//! once over the tallies' years for counting and once over the cases' dates for listing; the
//! report tests open every cell and compare its list with its number, and `yishen report
//! verify` compares the tallies with a recount of the cases.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use yishen_domain::annual::{Cell, OutcomeFact, Table3Counts};

use crate::DbConn;
use crate::ids::{AgencyId, CaseId};
use crate::schema::{agencies, cases, litigations, reconsiderations};

/// Restricts a boxed query that joins `cases` and `agencies` to the scope.
macro_rules! in_scope {
    ($q:expr, $scope:expr) => {
        match $scope {
            ReportScope::Agency(id) => $q.filter(cases::agency_id.eq(*id)),
            ReportScope::Subtree(path) => $q.filter(agencies::path.like(format!("{path}%"))),
        }
    };
}

/// Whose cases a report covers.
#[derive(Debug, Clone)]
pub enum ReportScope {
    Agency(AgencyId),
    /// The agency at this path and every agency below it.
    Subtree(String),
}

type BoxedJoined<'a> = diesel::helper_types::IntoBoxed<
    'a,
    diesel::helper_types::InnerJoin<cases::table, agencies::table>,
    <DbConn as diesel::Connection>::Backend,
>;

fn scoped<'a>(scope: &ReportScope) -> BoxedJoined<'a> {
    let q = cases::table.inner_join(agencies::table).into_boxed();
    in_scope!(q, scope)
}

/// The cases of `cell` in `year` (all applicant categories).
fn cell_query<'a>(
    scope: &ReportScope,
    first: NaiveDate,
    last: NaiveDate,
    cell: &Cell,
) -> BoxedJoined<'a> {
    let q = scoped(scope);
    match cell {
        Cell::New => q
            .filter(cases::received_on.ge(first))
            .filter(cases::received_on.le(last)),
        Cell::CarriedOver => q.filter(cases::received_on.lt(first)).filter(
            cases::concluded_on
                .is_null()
                .or(cases::concluded_on.ge(first)),
        ),
        Cell::Total => q
            .filter(cases::received_on.is_not_null())
            .filter(cases::concluded_on.ge(first))
            .filter(cases::concluded_on.le(last)),
        Cell::Concluded(ds) => q
            .filter(cases::received_on.is_not_null())
            .filter(cases::concluded_on.ge(first))
            .filter(cases::concluded_on.le(last))
            .filter(cases::disposition.eq_any(ds.iter().map(|d| d.as_str()).collect::<Vec<_>>())),
        Cell::CarriedForward => q.filter(cases::received_on.le(last)).filter(
            cases::concluded_on
                .is_null()
                .or(cases::concluded_on.gt(last)),
        ),
    }
}

/// One key of the tallies and its count: the cases of an agency, applicant category and
/// disposition (`""`: none yet) received in one year and concluded in another (9999: not yet).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct TallyRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub agency_id: AgencyId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub category: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub disposition: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub received_year: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub concluded_year: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// The concluded year of a case not yet concluded, in the tallies.
pub const NOT_CONCLUDED: i32 = 9999;

/// The grouped counts of table 三 for `year`, summed from the tallies that the database's
/// triggers keep (migration `report_tallies`) over the keys that can count in the year
/// (received by its end, not concluded before its start), bucketed as the cell definitions of
/// `yishen_domain::annual` say. The list queries of [`cell_query`] state the same definitions
/// over the cases themselves; the report tests compare every cell's list with its count, and
/// `yishen report verify` compares the tallies with a recount.
pub fn table3_counts(
    conn: &mut DbConn,
    scope: &ReportScope,
    year: i32,
) -> QueryResult<Table3Counts> {
    use crate::schema::{report_tallies, report_tally_deltas};
    type Key = (String, String, i32, i32);
    let mut sums: std::collections::BTreeMap<Key, i64> = std::collections::BTreeMap::new();
    // The same query over the folded tallies and the pending deltas (two tables of one shape).
    macro_rules! keys_in_year {
        ($t:ident) => {{
            let q = $t::table
                .inner_join(agencies::table.on(agencies::id.eq($t::agency_id)))
                .filter($t::received_year.le(year))
                .filter($t::concluded_year.ge(year))
                .select((
                    $t::category,
                    $t::disposition,
                    $t::received_year,
                    $t::concluded_year,
                    $t::n,
                ))
                .into_boxed();
            let rows: Vec<(String, String, i32, i32, i64)> = match scope {
                ReportScope::Agency(id) => q.filter($t::agency_id.eq(*id)),
                ReportScope::Subtree(path) => q.filter(agencies::path.like(format!("{path}%"))),
            }
            .load(conn)?;
            rows
        }};
    }
    let folded = keys_in_year!(report_tallies);
    let pending = keys_in_year!(report_tally_deltas);
    for (category, disposition, received, concluded, n) in folded.into_iter().chain(pending) {
        *sums
            .entry((category, disposition, received, concluded))
            .or_default() += n;
    }
    let mut counts = Table3Counts::default();
    let add = |v: &mut Vec<(String, i64)>, c: &str, n: i64| match v.iter_mut().find(|(k, _)| k == c)
    {
        Some((_, m)) => *m += n,
        None => v.push((c.to_owned(), n)),
    };
    for ((category, disposition, received, concluded), n) in sums {
        if n == 0 {
            continue;
        }
        if received == year {
            add(&mut counts.new, &category, n);
        } else {
            add(&mut counts.carried_over, &category, n);
        }
        if concluded == year {
            let disposition = (!disposition.is_empty()).then_some(disposition);
            counts.concluded.push((category, disposition, n));
        } else {
            add(&mut counts.carried_forward, &category, n);
        }
    }
    Ok(counts)
}

/// Folds the pending deltas into the tallies, in the caller's transaction; returns how many
/// deltas it folded. On PostgreSQL one statement takes exactly the rows it deletes, so a
/// delta committed meanwhile waits for the next fold instead of being lost; SQLite has one
/// writer, so the two statements see the same rows.
pub fn fold_tallies(conn: &mut DbConn) -> QueryResult<usize> {
    use crate::schema::report_tally_deltas as d;
    use diesel::connection::SimpleConnection;
    let last: Option<i64> = d::table.select(diesel::dsl::max(d::id)).first(conn)?;
    let Some(last) = last else {
        return Ok(0);
    };
    let pending: i64 = d::table
        .filter(d::id.le(last))
        .select(count_star())
        .first(conn)?;
    use diesel::sql_types::BigInt;
    // The statements are fixed text; the one value, the last delta folded, is bound.
    match conn {
        DbConn::Sqlite(_) => {
            diesel::sql_query(
                "INSERT INTO report_tallies \
                   (agency_id, category, disposition, received_year, concluded_year, n) \
                 SELECT agency_id, category, disposition, received_year, concluded_year, SUM(n) \
                 FROM report_tally_deltas WHERE id <= ? \
                 GROUP BY agency_id, category, disposition, received_year, concluded_year \
                 ON CONFLICT (agency_id, category, disposition, received_year, concluded_year) \
                 DO UPDATE SET n = report_tallies.n + excluded.n",
            )
            .bind::<BigInt, _>(last)
            .execute(conn)?;
            diesel::sql_query("DELETE FROM report_tally_deltas WHERE id <= ?")
                .bind::<BigInt, _>(last)
                .execute(conn)?;
        }
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(_) => {
            diesel::sql_query(
                "WITH moved AS (DELETE FROM report_tally_deltas WHERE id <= $1 \
                   RETURNING agency_id, category, disposition, received_year, concluded_year, n) \
                 INSERT INTO report_tallies \
                   (agency_id, category, disposition, received_year, concluded_year, n) \
                 SELECT agency_id, category, disposition, received_year, concluded_year, SUM(n) \
                 FROM moved \
                 GROUP BY agency_id, category, disposition, received_year, concluded_year \
                 ON CONFLICT (agency_id, category, disposition, received_year, concluded_year) \
                 DO UPDATE SET n = report_tallies.n + excluded.n",
            )
            .bind::<BigInt, _>(last)
            .execute(conn)?;
        }
    }
    conn.batch_execute("DELETE FROM report_tallies WHERE n = 0")?;
    Ok(usize::try_from(pending).unwrap_or(usize::MAX))
}

/// The tallies as the report reads them (folded and pending deltas summed, zero counts left
/// out), in key order.
pub fn tallies(conn: &mut DbConn) -> QueryResult<Vec<TallyRow>> {
    diesel::sql_query(
        "SELECT agency_id, category, disposition, received_year, concluded_year, \
         CAST(SUM(n) AS BIGINT) AS n FROM ( \
           SELECT agency_id, category, disposition, received_year, concluded_year, n \
           FROM report_tallies \
           UNION ALL \
           SELECT agency_id, category, disposition, received_year, concluded_year, n \
           FROM report_tally_deltas) t \
         GROUP BY agency_id, category, disposition, received_year, concluded_year \
         HAVING SUM(n) <> 0 \
         ORDER BY agency_id, category, disposition, received_year, concluded_year",
    )
    .load(conn)
}

/// How often the agency gave each disposition, from the folded tallies (at most one fold, a
/// few seconds, behind): the history a prediction falls back on.
pub fn dispositions_of(conn: &mut DbConn, agency_id: AgencyId) -> QueryResult<Vec<(String, i64)>> {
    use crate::schema::report_tallies as t;
    // Summed here: a few thousand rows per agency, and one statement on both backends.
    let rows: Vec<(String, i64)> = t::table
        .filter(t::agency_id.eq(agency_id))
        .select((t::disposition, t::n))
        .load(conn)?;
    let mut sums: std::collections::BTreeMap<String, i64> = Default::default();
    for (d, n) in rows {
        *sums.entry(d).or_default() += n;
    }
    Ok(sums.into_iter().filter(|(_, n)| *n > 0).collect())
}

/// The same keys counted from the cases themselves, in key order: what the tallies must be.
pub fn recount(conn: &mut DbConn) -> QueryResult<Vec<TallyRow>> {
    // One fixed statement per backend (the year of a date is written differently); nothing
    // is assembled. 9999 is `NOT_CONCLUDED`.
    const _: () = assert!(NOT_CONCLUDED == 9999);
    const SQLITE: &str = "SELECT agency_id, applicant_category AS category, \
           COALESCE(disposition, '') AS disposition, \
           CAST(substr(received_on, 1, 4) AS INTEGER) AS received_year, \
           COALESCE(CAST(substr(concluded_on, 1, 4) AS INTEGER), 9999) AS concluded_year, \
           CAST(COUNT(*) AS BIGINT) AS n \
         FROM cases WHERE received_on IS NOT NULL \
         GROUP BY agency_id, applicant_category, COALESCE(disposition, ''), received_year, \
           concluded_year \
         ORDER BY agency_id, category, disposition, received_year, concluded_year";
    #[cfg(feature = "postgres")]
    const POSTGRES: &str = "SELECT agency_id, applicant_category AS category, \
           COALESCE(disposition, '') AS disposition, \
           CAST(EXTRACT(YEAR FROM received_on) AS INTEGER) AS received_year, \
           COALESCE(CAST(EXTRACT(YEAR FROM concluded_on) AS INTEGER), 9999) AS concluded_year, \
           CAST(COUNT(*) AS BIGINT) AS n \
         FROM cases WHERE received_on IS NOT NULL \
         GROUP BY agency_id, applicant_category, COALESCE(disposition, ''), \
           CAST(EXTRACT(YEAR FROM received_on) AS INTEGER), \
           COALESCE(CAST(EXTRACT(YEAR FROM concluded_on) AS INTEGER), 9999) \
         ORDER BY agency_id, category, disposition, received_year, concluded_year";
    let statement = match conn {
        DbConn::Sqlite(_) => SQLITE,
        #[cfg(feature = "postgres")]
        DbConn::Postgresql(_) => POSTGRES,
    };
    diesel::sql_query(statement).load(conn)
}

/// One case behind a cell.
#[derive(Debug, Clone, Queryable)]
pub struct CellCase {
    pub id: i64,
    pub tracking_no: String,
    pub agency_code: String,
    pub applicant_category: String,
    pub received_on: Option<NaiveDate>,
    pub concluded_on: Option<NaiveDate>,
    pub disposition: Option<String>,
    pub status: String,
}

/// The columns of a [`CellCase`], in its order.
type CellColumns = (
    cases::id,
    cases::tracking_no,
    agencies::code,
    cases::applicant_category,
    cases::received_on,
    cases::concluded_on,
    cases::disposition,
    cases::status,
);
const CELL_COLUMNS: CellColumns = (
    cases::id,
    cases::tracking_no,
    agencies::code,
    cases::applicant_category,
    cases::received_on,
    cases::concluded_on,
    cases::disposition,
    cases::status,
);

/// The cases behind a cell (`category` `None` = the 总计 column), a page of them and the count.
#[allow(clippy::too_many_arguments)]
pub fn cell_cases(
    conn: &mut DbConn,
    scope: &ReportScope,
    first: NaiveDate,
    last: NaiveDate,
    cell: &Cell,
    category: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<CellCase>, i64)> {
    let with_category = |q: BoxedJoined<'static>| match category {
        Some(c) => q.filter(cases::applicant_category.eq(c.to_owned())),
        None => q,
    };
    let total = with_category(cell_query(scope, first, last, cell))
        .select(count_star())
        .first(conn)?;
    let items = with_category(cell_query(scope, first, last, cell))
        .select(CELL_COLUMNS)
        .order(cases::id.asc())
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((items, total))
}

/// The cases of `ids` as a cell lists them, in id order.
pub fn cases_by_ids(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<CellCase>> {
    cases::table
        .inner_join(agencies::table)
        .filter(cases::id.eq_any(ids.to_vec()))
        .select(CELL_COLUMNS)
        .order(cases::id.asc())
        .load(conn)
}

/// A suit as loaded for table 四: case, after reconsideration, filed, outcome, decided.
type SuitFact = (i64, bool, NaiveDate, Option<String>, Option<NaiveDate>);

/// The outcome records of the scope's cases that may count in the year ending `last`:
/// reconsiderations, direct first-instance suits, and first-instance suits after
/// reconsideration. A second-instance record continues the same suit and is not counted
/// again.
pub fn outcome_facts(
    conn: &mut DbConn,
    scope: &ReportScope,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<(Vec<OutcomeFact>, Vec<OutcomeFact>, Vec<OutcomeFact>)> {
    let recs = reconsiderations::table
        .inner_join(cases::table.inner_join(agencies::table))
        .into_boxed();
    let recs = in_scope!(recs, scope);
    let recs: Vec<(i64, NaiveDate, Option<String>, Option<NaiveDate>)> = recs
        .filter(reconsiderations::filed_on.le(last))
        .filter(
            reconsiderations::filed_on
                .ge(first)
                .or(reconsiderations::decided_on.is_null())
                .or(reconsiderations::decided_on.ge(first)),
        )
        .select((
            reconsiderations::case_id,
            reconsiderations::filed_on,
            reconsiderations::decision,
            reconsiderations::decided_on,
        ))
        .load(conn)?;
    let suits = litigations::table
        .inner_join(cases::table.inner_join(agencies::table))
        .into_boxed();
    let suits = in_scope!(suits, scope);
    let suits: Vec<SuitFact> = suits
        .filter(litigations::instance.eq("first"))
        .filter(litigations::filed_on.le(last))
        .filter(
            litigations::filed_on
                .ge(first)
                .or(litigations::decided_on.is_null())
                .or(litigations::decided_on.ge(first)),
        )
        .select((
            litigations::case_id,
            litigations::via_reconsideration,
            litigations::filed_on,
            litigations::outcome,
            litigations::decided_on,
        ))
        .load(conn)?;
    let fact = |case_id, filed_on, decision, decided_on| OutcomeFact {
        case_id,
        filed_on,
        decision,
        decided_on,
    };
    let recs = recs
        .into_iter()
        .map(|(c, f, d, on)| fact(c, f, d, on))
        .collect();
    let (mut direct, mut after) = (Vec::new(), Vec::new());
    for (c, via, f, o, on) in suits {
        if via {
            after.push(fact(c, f, o, on));
        } else {
            direct.push(fact(c, f, o, on));
        }
    }
    Ok((recs, direct, after))
}

/// A corrected reply, for the case-guidance manual: the case, and the decision or judgment
/// that corrected it.
#[derive(Debug, Clone, Queryable)]
pub struct CorrectedCase {
    pub case_id: CaseId,
    pub tracking_no: String,
    pub agency_name: String,
    pub received_on: Option<NaiveDate>,
    pub content: String,
    pub disposition: Option<String>,
    pub concluded_on: Option<NaiveDate>,
    /// The reconsideration body or the court.
    pub decided_by: String,
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub reasons: Option<String>,
    pub defect: Option<String>,
}

/// A corrected suit as loaded: the case's fields, then the court's.
type SuitRow = (
    CaseId,
    String,
    String,
    Option<NaiveDate>,
    String,
    Option<String>,
    Option<NaiveDate>,
    String,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
);

/// Reconsiderations with one of `corrected` decisions, and suits judged `corrected`, decided
/// within `from..=to`, of the scope's cases, oldest decision first.
pub fn corrected_cases(
    conn: &mut DbConn,
    scope: &ReportScope,
    from: NaiveDate,
    to: NaiveDate,
    corrected: &[&str],
) -> QueryResult<Vec<CorrectedCase>> {
    let recs = reconsiderations::table
        .inner_join(cases::table.inner_join(agencies::table))
        .into_boxed();
    let recs = in_scope!(recs, scope);
    let mut out: Vec<CorrectedCase> = recs
        .filter(reconsiderations::decision.eq_any(corrected.to_vec()))
        .filter(reconsiderations::decided_on.ge(from))
        .filter(reconsiderations::decided_on.le(to))
        .select((
            cases::id,
            cases::tracking_no,
            agencies::name,
            cases::received_on,
            cases::content,
            cases::disposition,
            cases::concluded_on,
            reconsiderations::body_name,
            reconsiderations::decision,
            reconsiderations::decided_on,
            reconsiderations::reasons,
            reconsiderations::defect,
        ))
        .load(conn)?;
    let suits = litigations::table
        .inner_join(cases::table.inner_join(agencies::table))
        .into_boxed();
    let suits = in_scope!(suits, scope);
    let suits: Vec<SuitRow> = suits
        .filter(litigations::outcome.eq("corrected"))
        .filter(litigations::decided_on.ge(from))
        .filter(litigations::decided_on.le(to))
        .select((
            cases::id,
            cases::tracking_no,
            agencies::name,
            cases::received_on,
            cases::content,
            cases::disposition,
            cases::concluded_on,
            litigations::court,
            litigations::outcome,
            litigations::decided_on,
            litigations::reasons,
        ))
        .load(conn)?;
    out.extend(suits.into_iter().map(
        |(
            case_id,
            tracking_no,
            agency_name,
            received_on,
            content,
            disposition,
            concluded_on,
            court,
            outcome,
            decided_on,
            reasons,
        )| {
            CorrectedCase {
                case_id,
                tracking_no,
                agency_name,
                received_on,
                content,
                disposition,
                concluded_on,
                decided_by: court,
                decision: outcome.map(|o| format!("litigation:{o}")),
                decided_on,
                reasons,
                defect: None,
            }
        },
    ));
    out.sort_by_key(|c| (c.decided_on, c.case_id));
    Ok(out)
}
