//! Pure rules of yishen. Nothing here performs I/O or knows about databases, HTTP or PDF:
//! the other crates parse input into these types, ask these functions for decisions and
//! persist or present the results.

/// `TryFrom<String>` for a closed set, through the function that reads its code: how `store`
/// reads a stored code back. A code no member names is an [`UnknownCode`], never a default.
macro_rules! stored_code {
    ($ty:ident, $parse:path) => {
        impl TryFrom<String> for $ty {
            type Error = $crate::UnknownCode;

            fn try_from(code: String) -> Result<Self, Self::Error> {
                $parse(&code).ok_or($crate::UnknownCode {
                    kind: stringify!($ty),
                    code,
                })
            }
        }
    };
}
pub(crate) use stored_code;

pub mod account;
pub mod annual;
pub mod articles;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod clock;
pub mod disposition;
pub mod document;
pub mod draft;
pub mod fees;
pub mod identity;
pub mod input;
pub mod inquiry;
pub mod letter;
pub mod notify;
pub mod outcome;
pub mod prediction;
pub mod reading_room;
pub mod redaction;
pub mod role;
pub mod screening;
pub mod stats;

pub use account::{
    AgencyCode, DisplayName, Email, FieldError, OfficialName, Password, Phone, Username,
};
pub use calendar::{Calendar, CalendarError, DayKind, YearNotice};
pub use disposition::Disposition;
pub use role::Role;

/// A stored code that names no member of its closed set (a row written by something other
/// than this system, or by a newer version of it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} code {code:?}")]
pub struct UnknownCode {
    pub kind: &'static str,
    pub code: String,
}
