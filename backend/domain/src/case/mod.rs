//! The application (政府信息公开申请) as a case: what an intake must contain (条例29), how its
//! receipt date is fixed by channel (条例31), its tracking number, its states and the typed
//! events that are its history. Parsing happens here so that the server and the importer
//! accept exactly the same input.

pub mod checks;
pub mod event;
pub mod intake;
pub mod replay;
pub mod rules;
pub mod search;
pub mod state;

pub use event::{
    Article35Outcome, Audience, CaseEvent, ConsultationOpinion, DeliveryMethod, JointConsultation,
    PartyKind,
};
pub use intake::{
    Applicant, ApplicantCategory, ApplicantInput, ApplicantKind, Channel, DeliveryPreference,
    FormPreference, IdType, IntakeIssue, RequestText,
};
pub use rules::{AgencySettings, HandlingRules};
pub use state::{Action, Status, TransitionError};

use std::fmt;

/// Digits of the per-agency, per-year sequence in a tracking number.
pub const TRACKING_SEQ_DIGITS: usize = 6;
pub const TRACKING_SEQ_MAX: i64 = 999_999;

/// A case's tracking number, `{agency code}-{year}-{6-digit sequence}` (e.g.
/// `ZJ-HZ-SC-2026-000042`). Sequences are gap-free per agency and year; the store hands
/// them out inside the intake transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingNo(String);

impl TrackingNo {
    pub fn new(agency_code: &str, year: i32, seq: i64) -> Option<Self> {
        if !(1..=TRACKING_SEQ_MAX).contains(&seq) || !(1000..=9999).contains(&year) {
            return None;
        }
        Some(Self(format!(
            "{agency_code}-{year}-{seq:0width$}",
            width = TRACKING_SEQ_DIGITS
        )))
    }

    /// Checks the shape of a number given by a user (agency code, 4-digit year, 6 digits).
    /// Full-width characters, lower case and spaces are accepted.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = crate::input::compact_code(raw).to_ascii_uppercase();
        let s = s.as_str();
        let (rest, seq) = s.rsplit_once('-')?;
        let (code, year) = rest.rsplit_once('-')?;
        let ok = seq.len() == TRACKING_SEQ_DIGITS
            && seq.bytes().all(|b| b.is_ascii_digit())
            && year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && crate::AgencyCode::parse(code).is_ok();
        ok.then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Alphabet of query codes: no 0/O, 1/I/L, so that a code read over the phone is unambiguous.
pub const QUERY_CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const QUERY_CODE_LEN: usize = 12;

/// Builds a query code from random bytes (the caller supplies the randomness).
pub fn query_code_from(random: &[u8; QUERY_CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| {
            let i = usize::from(*b) % QUERY_CODE_ALPHABET.len();
            char::from(QUERY_CODE_ALPHABET[i])
        })
        .collect()
}

/// Normalises a query code typed by a person (case, spaces and hyphens ignored).
pub fn normalise_query_code(raw: &str) -> String {
    crate::input::fold_width(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_codes_as_people_type_them() {
        assert_eq!(
            TrackingNo::parse(" zj-hz-sc－２０２６-000001 ").map(|t| t.to_string()),
            Some("ZJ-HZ-SC-2026-000001".to_owned())
        );
        assert_eq!(normalise_query_code("ab3d ef7h－jk9m"), "AB3DEF7HJK9M");
        assert_eq!(normalise_query_code("ＡＢ３Ｄ　ＥＦ"), "AB3DEF");
    }

    #[test]
    fn tracking_numbers_have_a_fixed_shape() {
        let t = TrackingNo::new("ZJ-HZ-SC", 2026, 42).expect("valid");
        assert_eq!(t.as_str(), "ZJ-HZ-SC-2026-000042");
        assert_eq!(TrackingNo::parse(" ZJ-HZ-SC-2026-000042 "), Some(t));
        assert!(TrackingNo::new("ZJ", 2026, 0).is_none());
        assert!(TrackingNo::new("ZJ", 2026, 1_000_000).is_none());
        assert!(TrackingNo::parse("ZJ-2026-42").is_none());
        // Typed in lower case: the same number.
        assert_eq!(
            TrackingNo::parse("zj-2026-000042").map(|t| t.to_string()),
            Some("ZJ-2026-000042".to_owned())
        );
    }

    #[test]
    fn query_codes_avoid_ambiguous_characters() {
        let code = query_code_from(&[0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
        assert_eq!(code.len(), QUERY_CODE_LEN);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
        assert_eq!(normalise_query_code("ab2c-d3 ef"), "AB2CD3EF");
    }
}
