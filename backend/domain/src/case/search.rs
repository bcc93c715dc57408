//! What staff type into the queue's search box, recognised at the boundary: a tracking
//! number, an identity number (resident ID or unified social credit code), a phone number, or
//! else an applicant's name. Each is folded to the normal form the case stores, so that the
//! store can match exactly (identity numbers and phones by their keyed hash, never a plain
//! column).

use crate::Phone;
use crate::case::TrackingNo;
use crate::case::intake::IdType;
use crate::identity::{ResidentId, Uscc};

/// The longest name searched for (the intake's limit on names).
const NAME_MAX: usize = 100;

#[derive(Clone, PartialEq, Eq)]
pub enum CaseSearch {
    TrackingNo(TrackingNo),
    /// An identity number of the given type, in its normal form.
    Identity {
        id_type: IdType,
        number: String,
    },
    Phone(Phone),
    Name(String),
}

impl std::fmt::Debug for CaseSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data never reaches a log through a search.
        f.write_str(match self {
            Self::TrackingNo(_) => "CaseSearch::TrackingNo",
            Self::Identity { .. } => "CaseSearch::Identity(<redacted>)",
            Self::Phone(_) => "CaseSearch::Phone(<redacted>)",
            Self::Name(_) => "CaseSearch::Name(<redacted>)",
        })
    }
}

impl CaseSearch {
    /// `None` for an empty box.
    pub fn parse(raw: &str) -> Option<Self> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        if let Some(n) = TrackingNo::parse(t) {
            return Some(Self::TrackingNo(n));
        }
        if let Ok(id) = ResidentId::parse(t) {
            return Some(Self::Identity {
                id_type: IdType::ResidentId,
                number: id.as_str().to_owned(),
            });
        }
        if let Ok(code) = Uscc::parse(t) {
            return Some(Self::Identity {
                id_type: IdType::Uscc,
                number: code.as_str().to_owned(),
            });
        }
        if let Ok(p) = Phone::parse(t) {
            return Some(Self::Phone(p));
        }
        let name: String = crate::input::name(t).chars().take(NAME_MAX).collect();
        Some(Self::Name(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_recognises_what_was_typed() {
        assert!(matches!(
            CaseSearch::parse(" zj-hz-sc-2026-000001 "),
            Some(CaseSearch::TrackingNo(_))
        ));
        match CaseSearch::parse("11010519491231002x") {
            Some(CaseSearch::Identity { id_type, number }) => {
                assert_eq!(id_type, IdType::ResidentId);
                assert_eq!(number, "11010519491231002X");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            CaseSearch::parse("91350100M000100Y43"),
            Some(CaseSearch::Identity {
                id_type: IdType::Uscc,
                ..
            })
        ));
        match CaseSearch::parse("0571 8765 4321") {
            Some(CaseSearch::Phone(p)) => assert_eq!(p.as_str(), "0571-87654321"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            CaseSearch::parse(" 阿沛•阿旺晋美 "),
            Some(CaseSearch::Name("阿沛·阿旺晋美".into()))
        );
        assert_eq!(CaseSearch::parse("   "), None);
        assert!(!format!("{:?}", CaseSearch::parse("13800138000")).contains("138"));
    }
}
