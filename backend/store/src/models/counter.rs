//! Gap-free number series (`counters`): tracking numbers and letter numbers.

use diesel::prelude::*;

use crate::DbConn;
use crate::schema::counters;

/// Takes the next number of series `name` (1 for a new series). Runs inside the caller's
/// transaction: the increment is rolled back with it, so a series has no gaps.
pub fn next(conn: &mut DbConn, name: &str) -> QueryResult<i64> {
    // UPDATE … RETURNING takes the row lock on PostgreSQL; SQLite writes are serialised.
    let bump = |c: &mut DbConn| {
        diesel::update(counters::table.find(name))
            .set(counters::last.eq(counters::last + 1))
            .returning(counters::last)
            .get_result::<i64>(c)
            .optional()
    };
    if let Some(n) = bump(conn)? {
        return Ok(n);
    }
    // A savepoint, so that losing the race to create the row leaves the outer transaction
    // usable on PostgreSQL.
    let created = conn.transaction(|c| {
        diesel::insert_into(counters::table)
            .values((counters::name.eq(name), counters::last.eq(1i64)))
            .execute(c)
    });
    match created {
        Ok(_) => Ok(1),
        Err(e) if crate::is_unique_violation(&e) => {
            bump(conn)?.ok_or(diesel::result::Error::NotFound)
        }
        Err(e) => Err(e),
    }
}
