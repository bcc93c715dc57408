//! The annual report's queries: the grouped counts of table 三, the cases behind any one cell,
//! and the outcome records for table 四. The filters state the cell definitions of
//! `yishen_domain::annual` once for counting and once for listing; the report tests open every
//! cell and compare its list with its number.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use yishen_domain::annual::{Cell, OutcomeFact, Table3Counts};

use crate::DbConn;
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
    Agency(i64),
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

/// One group of the year's cases: category, disposition, and where the receipt and the
/// conclusion fall (receipt: 0 before the year, 1 in it; conclusion: 0 before, 1 in, 2 after
/// the year or not yet).
#[derive(Debug, QueryableByName)]
struct Bucket {
    #[diesel(sql_type = diesel::sql_types::Text)]
    category: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    disposition: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    received: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    concluded: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The grouped counts of table 三 for the year `first..=last`, in one pass of the database
/// over the cases that can count in the year (received by 31 December, not concluded before
/// 1 January), bucketed as the cell definitions of `yishen_domain::annual` say; the list
/// queries of [`cell_query`] state the same definitions, and the report tests compare every
/// cell's list with its count. Plain SQL because diesel cannot group by `CASE`; it is
/// portable (dates are `YYYY-MM-DD` literals, which both backends compare as dates).
pub fn table3_counts(
    conn: &mut DbConn,
    scope: &ReportScope,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Table3Counts> {
    let (f, l) = (first.format("%Y-%m-%d"), last.format("%Y-%m-%d"));
    let scope_sql = match scope {
        ReportScope::Agency(id) => format!("c.agency_id = {id}"),
        // Paths are built from agency codes ([A-Z0-9-]); quotes are doubled all the same.
        ReportScope::Subtree(path) => format!("a.path LIKE '{}%'", path.replace('\'', "''")),
    };
    let sql = format!(
        "SELECT c.applicant_category AS category, c.disposition AS disposition, \
         CASE WHEN c.received_on < '{f}' THEN 0 ELSE 1 END AS received, \
         CASE WHEN c.concluded_on IS NULL OR c.concluded_on > '{l}' THEN 2 \
              WHEN c.concluded_on < '{f}' THEN 0 ELSE 1 END AS concluded, \
         COUNT(*) AS n \
         FROM cases c INNER JOIN agencies a ON a.id = c.agency_id \
         WHERE {scope_sql} AND c.received_on <= '{l}' \
           AND (c.concluded_on IS NULL OR c.concluded_on >= '{f}') \
         GROUP BY c.applicant_category, c.disposition, \
           CASE WHEN c.received_on < '{f}' THEN 0 ELSE 1 END, \
           CASE WHEN c.concluded_on IS NULL OR c.concluded_on > '{l}' THEN 2 \
                WHEN c.concluded_on < '{f}' THEN 0 ELSE 1 END"
    );
    let buckets: Vec<Bucket> = diesel::sql_query(sql).load(conn)?;
    let mut counts = Table3Counts::default();
    let add = |v: &mut Vec<(String, i64)>, c: &str, n: i64| match v.iter_mut().find(|(k, _)| k == c)
    {
        Some((_, m)) => *m += n,
        None => v.push((c.to_owned(), n)),
    };
    for b in buckets {
        if b.received == 1 {
            add(&mut counts.new, &b.category, b.n);
        } else {
            add(&mut counts.carried_over, &b.category, b.n);
        }
        match b.concluded {
            1 => counts.concluded.push((b.category, b.disposition, b.n)),
            2 => add(&mut counts.carried_forward, &b.category, b.n),
            _ => {}
        }
    }
    Ok(counts)
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
    pub case_id: i64,
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
    i64,
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
