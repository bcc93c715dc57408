//! An agency's seal image (`agency_seals`): one per agency, replaced as a whole.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::DbConn;
use crate::ids::{AgencyId, UserId};
use crate::schema::agency_seals;

/// What a letter needs to know of the seal before it needs the image: which one (by content
/// hash, so a cache of decoded seals stays right across instances) and how large it prints.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = agency_seals)]
pub struct SealMeta {
    pub agency_id: AgencyId,
    pub sha256: String,
    pub diameter_mm: i32,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = agency_seals)]
pub struct NewSeal<'a> {
    pub agency_id: AgencyId,
    pub png: &'a [u8],
    pub sha256: &'a str,
    pub diameter_mm: i32,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: NaiveDateTime,
}

pub fn meta(conn: &mut DbConn, agency_id: AgencyId) -> QueryResult<Option<SealMeta>> {
    agency_seals::table
        .find(agency_id)
        .select(SealMeta::as_select())
        .first(conn)
        .optional()
}

/// Every agency's seal, without the images.
pub fn all_meta(conn: &mut DbConn) -> QueryResult<Vec<SealMeta>> {
    agency_seals::table.select(SealMeta::as_select()).load(conn)
}

/// The image as uploaded, with its hash.
pub fn png(conn: &mut DbConn, agency_id: AgencyId) -> QueryResult<Option<(Vec<u8>, String)>> {
    agency_seals::table
        .find(agency_id)
        .select((agency_seals::png, agency_seals::sha256))
        .first(conn)
        .optional()
}

/// Puts `new` in place of the agency's seal (delete then insert: one statement shape for
/// both backends, in the caller's transaction).
pub fn replace(conn: &mut DbConn, new: &NewSeal<'_>) -> QueryResult<()> {
    remove(conn, new.agency_id)?;
    diesel::insert_into(agency_seals::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// Removes the agency's seal; the rows removed (0 or 1).
pub fn remove(conn: &mut DbConn, agency_id: AgencyId) -> QueryResult<usize> {
    diesel::delete(agency_seals::table.find(agency_id)).execute(conn)
}
