//! An agency's handling settings that the law leaves to the agency, or that the reference
//! could not verify and that are therefore configurable (legal.md §8, §10).

use serde::{Deserialize, Serialize};

use crate::screening::ScreeningThresholds;

/// Default 补正 period in working days: 条例30 requires only a "合理的补正期限".
pub const DEFAULT_CORRECTION_PERIOD: u32 = 15;
pub const MAX_CORRECTION_PERIOD: u32 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HandlingRules {
    /// Working days the applicant is given to correct an application.
    pub correction_period_days: u32,
    /// Whether the span from a fee notice to payment is left out of the 条例33 limit. The
    /// 办法's own words could not be checked (legal.md §10), so it is a setting, on by default.
    pub fee_pause_excluded: bool,
    /// Whether an approved reply also needs the approver's sign-off before it is issued.
    pub approver_signoff: bool,
}

impl Default for HandlingRules {
    fn default() -> Self {
        Self {
            correction_period_days: DEFAULT_CORRECTION_PERIOD,
            fee_pause_excluded: true,
            approver_signoff: false,
        }
    }
}

impl HandlingRules {
    /// Reads the rules from an agency's settings JSON; unknown or missing keys keep defaults.
    pub fn from_settings(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// Longest contact person name an agency may set for its letters' 附注.
pub const MAX_CONTACT_PERSON: usize = 20;

/// Everything kept in an agency's settings JSON: the handling rules, the screening thresholds
/// and the contact details its letters print in the 附注 (letters.md §1: `（联系人：…，联系电话：…）`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgencySettings {
    #[serde(flatten)]
    pub rules: HandlingRules,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    /// The agency's own mailbox for answers to its notifications (their Reply-To); the
    /// messages go from the service's sender address under the agency's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    /// The agency's own screening thresholds; `None` uses the defaults. Validated when set
    /// ([`ScreeningThresholds::from_json`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub screening: Option<ScreeningThresholds>,
    /// How long documents are kept after the case is concluded, per purpose.
    #[serde(skip_serializing_if = "crate::document::Retention::is_empty")]
    pub document_retention: crate::document::Retention,
}

impl AgencySettings {
    /// Reads an agency's settings JSON; unknown or missing keys keep defaults.
    pub fn from_settings(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// The 附注 line's content, or `None` when the agency has set no contact.
    pub fn letter_note(&self) -> Option<String> {
        match (&self.contact_person, &self.contact_phone) {
            (Some(p), Some(t)) => Some(format!("联系人：{p}，联系电话：{t}")),
            (Some(p), None) => Some(format!("联系人：{p}")),
            (None, Some(t)) => Some(format!("联系电话：{t}")),
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_keep_rules_and_contacts_side_by_side() {
        let s = AgencySettings {
            rules: HandlingRules {
                correction_period_days: 10,
                ..Default::default()
            },
            contact_person: Some("王敏".into()),
            contact_phone: Some("0571-87001234".into()),
            reply_to: Some("gk@shangcheng.example.gov.cn".into()),
            screening: None,
            document_retention: Default::default(),
        };
        let json = serde_json::to_string(&s).expect("json");
        assert_eq!(
            HandlingRules::from_settings(&json).correction_period_days,
            10
        );
        assert_eq!(AgencySettings::from_settings(&json), s);
        assert_eq!(
            s.letter_note().as_deref(),
            Some("联系人：王敏，联系电话：0571-87001234")
        );
        assert_eq!(AgencySettings::default().letter_note(), None);
    }
}
