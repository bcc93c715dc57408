//! Reading stored codes as the domain's closed sets.
//!
//! A non-null code column is read with `#[diesel(deserialize_as = String)]` and the domain
//! type's `TryFrom<String>`. A nullable one needs a local type in between, because neither
//! `Option` nor `TryFrom` is ours: [`NullableCode`] reads `NULL` or a text, and converts into
//! `Option<T>` for every domain code type. A code no member names is a read error, never a
//! string passed on.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::sql_types::{Nullable, Text};
use yishen_domain::UnknownCode;

/// A nullable text column on its way to `Option<T>` of a domain code type.
#[derive(Debug, FromSqlRow)]
pub struct NullableCode(Option<String>);

impl<DB> FromSql<Nullable<Text>, DB> for NullableCode
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(|s| NullableCode(Some(s)))
    }

    fn from_nullable_sql(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        match bytes {
            Some(b) => Self::from_sql(b),
            None => Ok(NullableCode(None)),
        }
    }
}

impl<T> TryFrom<NullableCode> for Option<T>
where
    T: TryFrom<String, Error = UnknownCode>,
{
    type Error = UnknownCode;

    fn try_from(code: NullableCode) -> Result<Self, Self::Error> {
        code.0.map(T::try_from).transpose()
    }
}
