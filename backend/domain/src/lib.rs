//! Pure rules of yishen. Nothing here performs I/O or knows about databases, HTTP or PDF:
//! the other crates parse input into these types, ask these functions for decisions and
//! persist or present the results.

pub mod account;
pub mod annual;
pub mod articles;
pub mod audit;
pub mod calendar;
pub mod case;
pub mod clock;
pub mod disposition;
pub mod draft;
pub mod fees;
pub mod identity;
pub mod input;
pub mod outcome;
pub mod role;
pub mod screening;
pub mod stats;

pub use account::{
    AgencyCode, DisplayName, Email, FieldError, OfficialName, Password, Phone, Username,
};
pub use calendar::{Calendar, CalendarError, DayKind, YearNotice};
pub use disposition::Disposition;
pub use role::Role;
