//! Agencies (行政机关) and their tree.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::AgencyId;
use crate::schema::agencies;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub id: AgencyId,
    pub code: String,
    pub name: String,
    pub parent_id: Option<AgencyId>,
    /// The codes from the root down to this agency, as `/ZJ/ZJ-HZ/`.
    pub path: String,
    pub reconsideration_body_name: Option<String>,
    pub court_name: Option<String>,
    pub letter_prefix: Option<String>,
    pub settings: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = agencies)]
pub struct NewAgency<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub parent_id: Option<AgencyId>,
    pub path: &'a str,
    pub reconsideration_body_name: Option<&'a str>,
    pub court_name: Option<&'a str>,
    pub letter_prefix: Option<&'a str>,
    pub settings: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A partial update; `None` leaves a column as it is, `Some(None)` clears it.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = agencies)]
pub struct AgencyChanges {
    pub name: Option<String>,
    pub reconsideration_body_name: Option<Option<String>>,
    pub court_name: Option<Option<String>>,
    pub letter_prefix: Option<Option<String>>,
    pub settings: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// The path of a child of `parent` (or of a root when `parent` is `None`).
pub fn child_path(parent: Option<&Agency>, code: &str) -> String {
    match parent {
        Some(p) => format!("{}{code}/", p.path),
        None => format!("/{code}/"),
    }
}

pub fn insert(conn: &mut DbConn, new: &NewAgency<'_>) -> QueryResult<AgencyId> {
    diesel::insert_into(agencies::table)
        .values(new)
        .returning(agencies::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: AgencyId) -> QueryResult<Option<Agency>> {
    agencies::table
        .find(id)
        .select(Agency::as_select())
        .first(conn)
        .optional()
}

/// The agencies with these ids.
pub fn by_ids(conn: &mut DbConn, ids: &[AgencyId]) -> QueryResult<Vec<Agency>> {
    agencies::table
        .filter(agencies::id.eq_any(ids))
        .select(Agency::as_select())
        .load(conn)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Agency>> {
    agencies::table
        .filter(agencies::code.eq(code))
        .select(Agency::as_select())
        .first(conn)
        .optional()
}

/// Every agency, parents before children.
pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Agency>> {
    agencies::table
        .order(agencies::path.asc())
        .select(Agency::as_select())
        .load(conn)
}

/// The agency at `path` and everything below it.
pub fn subtree(conn: &mut DbConn, path: &str) -> QueryResult<Vec<Agency>> {
    agencies::table
        .filter(agencies::path.like(format!("{path}%")))
        .order(agencies::path.asc())
        .select(Agency::as_select())
        .load(conn)
}

pub fn update(conn: &mut DbConn, id: AgencyId, changes: &AgencyChanges) -> QueryResult<usize> {
    diesel::update(agencies::table.find(id))
        .set(changes)
        .execute(conn)
}
