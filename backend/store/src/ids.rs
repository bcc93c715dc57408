//! The ids of the rows other rows point at: a case, an agency, an account. Each is its own
//! type, so that an agency's id cannot be passed where a case's is meant; in the database and
//! in JSON each is the plain integer (`diesel-derive-newtype`, `serde(transparent)`).

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)+) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize,
            Deserialize,
        )]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The integer, for what speaks only integers (the search index, metrics labels).
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

ids! {
    /// A case (`cases.id`).
    CaseId;
    /// An agency (`agencies.id`).
    AgencyId;
    /// An account, applicant or staff (`users.id`).
    UserId;
}
