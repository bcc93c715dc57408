//! The loaded holiday notices, one row per year, the notice kept as JSON text.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::UserId;
use crate::schema::calendar_years;

/// Where a year's notice came from: the shipped fixture, or an administrator.
pub const SOURCE_FIXTURE: &str = "fixture";
pub const SOURCE_ADMIN: &str = "admin";

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = calendar_years)]
pub struct CalendarYear {
    pub year: i32,
    pub notice: String,
    pub notice_number: Option<String>,
    pub data: String,
    pub source: String,
    pub updated_by: Option<UserId>,
    pub updated_at: NaiveDateTime,
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<CalendarYear>> {
    calendar_years::table
        .order(calendar_years::year.asc())
        .select(CalendarYear::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConn, year: i32) -> QueryResult<Option<CalendarYear>> {
    calendar_years::table
        .find(year)
        .select(CalendarYear::as_select())
        .first(conn)
        .optional()
}

/// Inserts or replaces a year. (An explicit check instead of `ON CONFLICT`, which diesel's
/// multi-backend connection cannot express; callers hold a write transaction.)
pub fn put(conn: &mut DbConn, row: &CalendarYear) -> QueryResult<()> {
    if find(conn, row.year)?.is_some() {
        diesel::update(calendar_years::table.find(row.year))
            .set(row)
            .execute(conn)?;
    } else {
        diesel::insert_into(calendar_years::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}
