//! One module per table: the read struct, the `New*` insertable, the changeset and the
//! queries. Authorization scopes are parameters of the queries, never filters applied later.

pub mod access_event;
pub mod agency;
pub mod agency_seal;
pub mod audit_run;
pub mod calendar_year;
pub mod case;
pub mod case_event;
pub mod consultation;
pub mod counter;
pub mod document;
pub mod draft;
pub mod filing_suggestion;
pub mod flag;
pub mod index_feed;
pub mod index_source;
pub mod inquiry;
pub mod job_lease;
pub mod letter;
pub mod notification;
pub mod outcome;
pub mod reading_room;
pub mod redaction;
pub mod refresh_token;
pub mod report;
pub mod signature;
pub mod stats;
pub mod submission;
pub mod throttle;
pub mod user;
pub mod web_session;
