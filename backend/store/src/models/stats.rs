//! The reconsideration statistics' queries: the decided reconsiderations of a scope's cases
//! (by `decided_on`) and its concluded cases (by `concluded_on`), streamed row by row into the
//! domain's counters (yishen_domain::stats), which own every definition. Only agency names,
//! codes, dates and codes are read: never an applicant's particulars.

use chrono::NaiveDate;
use diesel::connection::DefaultLoadingMode;
use diesel::prelude::*;
use yishen_domain::Calendar;
use yishen_domain::stats::{
    AgencyRef, CorrectionCounter, CorrectionStats, TimelinessCounter, TimelinessStats,
};

use crate::DbConn;
use crate::models::agency;
use crate::models::report::ReportScope;
use crate::schema::{agencies, cases, reconsiderations};

/// The counter that the database's triggers move with every change the statistics read
/// (migration `stats_generation`): statistics read at one value are still exact while it has
/// not moved.
pub fn generation(conn: &mut DbConn) -> QueryResult<i64> {
    use crate::schema::stats_generation as g;
    g::table
        .select(g::generation)
        .filter(g::id.eq(1))
        .first(conn)
}

/// The agencies a scope covers, parents before children.
pub fn scope_agencies(conn: &mut DbConn, scope: &ReportScope) -> QueryResult<Vec<AgencyRef>> {
    let list = match scope {
        ReportScope::Agency(id) => agency::find(conn, *id)?.into_iter().collect(),
        ReportScope::Subtree(path) => agency::subtree(conn, path)?,
    };
    Ok(list
        .into_iter()
        .map(|a| AgencyRef {
            code: a.code,
            name: a.name,
            path: a.path,
        })
        .collect())
}

/// Correction rates of the reconsiderations decided in `from..=to` on the scope's cases.
pub fn corrections(
    conn: &mut DbConn,
    scope: &ReportScope,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<CorrectionStats> {
    let mut counter = CorrectionCounter::new(from, to);
    for a in scope_agencies(conn, scope)? {
        counter.seed_agency(&a);
    }
    let q = reconsiderations::table
        .inner_join(cases::table.inner_join(agencies::table))
        .into_boxed();
    let q = match scope {
        ReportScope::Agency(id) => q.filter(cases::agency_id.eq(*id)),
        ReportScope::Subtree(path) => q.filter(agencies::path.like(format!("{path}%"))),
    };
    let rows = q
        .filter(reconsiderations::decision.is_not_null())
        .filter(reconsiderations::decided_on.ge(from))
        .filter(reconsiderations::decided_on.le(to))
        .select((
            agencies::code,
            agencies::name,
            agencies::path,
            cases::disposition,
            reconsiderations::decision,
            reconsiderations::decided_on,
        ))
        .load_iter::<(
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<NaiveDate>,
        ), DefaultLoadingMode>(conn)?;
    for row in rows {
        let (code, name, path, disposition, decision, decided_on) = row?;
        if let (Some(decision), Some(decided_on)) = (decision, decided_on) {
            let a = AgencyRef { code, name, path };
            counter.add(&a, disposition.as_deref(), &decision, decided_on);
        }
    }
    Ok(counter.finish())
}

/// On-time rates and working days to reply of the scope's cases concluded in `from..=to`.
pub fn timeliness(
    conn: &mut DbConn,
    scope: &ReportScope,
    from: NaiveDate,
    to: NaiveDate,
    calendar: &Calendar,
) -> QueryResult<TimelinessStats> {
    let mut counter = TimelinessCounter::new();
    for a in scope_agencies(conn, scope)? {
        counter.seed_agency(&a);
    }
    let q = cases::table.inner_join(agencies::table).into_boxed();
    let q = match scope {
        ReportScope::Agency(id) => q.filter(cases::agency_id.eq(*id)),
        ReportScope::Subtree(path) => q.filter(agencies::path.like(format!("{path}%"))),
    };
    let rows = q
        .filter(cases::disposition.is_not_null())
        .filter(cases::concluded_on.ge(from))
        .filter(cases::concluded_on.le(to))
        .select((
            agencies::code,
            agencies::name,
            agencies::path,
            cases::disposition,
            cases::received_on,
            cases::due_on,
            cases::concluded_on,
        ))
        .load_iter::<(
            String,
            String,
            String,
            Option<String>,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<NaiveDate>,
        ), DefaultLoadingMode>(conn)?;
    for row in rows {
        let (code, name, path, disposition, received_on, due_on, concluded_on) = row?;
        if let (Some(disposition), Some(concluded_on)) = (disposition, concluded_on) {
            let a = AgencyRef { code, name, path };
            counter.add(
                calendar,
                &a,
                &disposition,
                received_on,
                due_on,
                concluded_on,
            );
        }
    }
    Ok(counter.finish())
}
