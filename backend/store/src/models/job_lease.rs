//! Leases of background work shared by several instances (`job_leases`): the instance that
//! holds a job's lease runs it; another takes the lease over only after it expired, so a job
//! runs once however many instances serve, and still runs when its holder died.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::schema::job_leases;

/// Takes or renews the lease of job `name` for `holder` until `until`; true when `holder`
/// holds it now. Safe between instances on both backends: an update that succeeds only for
/// the holder or after the lease expired, else an insert that the primary key lets only one
/// instance make (a losing insert runs in a savepoint, so the caller's transaction survives).
pub fn acquire(
    conn: &mut DbConn,
    name: &str,
    holder: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        job_leases::table.filter(job_leases::name.eq(name)).filter(
            job_leases::holder
                .eq(holder)
                .or(job_leases::expires_at.lt(now)),
        ),
    )
    .set((
        job_leases::holder.eq(holder),
        job_leases::expires_at.eq(until),
    ))
    .execute(conn)?;
    if updated == 1 {
        return Ok(true);
    }
    claim_once(conn, name, holder, until)
}

/// Claims the one-off job `name` (e.g. one day's digests) for `holder`: true for the one
/// caller whose insert made the row, false for every later one. In the caller's transaction,
/// so the claim and the job's writes commit or vanish together.
pub fn claim_once(
    conn: &mut DbConn,
    name: &str,
    holder: &str,
    until: NaiveDateTime,
) -> QueryResult<bool> {
    crate::first_insert(conn, |conn| {
        diesel::insert_into(job_leases::table)
            .values((
                job_leases::name.eq(name),
                job_leases::holder.eq(holder),
                job_leases::expires_at.eq(until),
            ))
            .execute(conn)
    })
}

/// Whether the job `name` was claimed.
pub fn claimed(conn: &mut DbConn, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        job_leases::table.filter(job_leases::name.eq(name)),
    ))
    .get_result(conn)
}
