//! An agency's handling settings that the law leaves to the agency, or that the reference
//! could not verify and that are therefore configurable (legal.md §8, §10).

use serde::{Deserialize, Serialize};

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
