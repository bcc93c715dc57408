//! The thresholds of the screening rules, set per agency. The defaults come from the fee rules
//! and from the published cases (legal.md §2, §6.3–§6.4 and the issue's list); an agency's
//! settings JSON may override any subset of them (`#[serde(default)]`).

use serde::{Deserialize, Serialize};

use super::FlagKind;

/// Per-agency screening thresholds. Counts are of applications; similarities are Jaccard
/// estimates (0..=1) over character 3-shingles, as the caller's near-duplicate index reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScreeningThresholds {
    /// `volume`: flagged when an applicant has **more than** this many applications in one
    /// natural month. Default 10: 《信息处理费管理办法》第四条 leaves the first 10 applications
    /// of a natural month free ("同一申请人一个自然月内累计申请10件以下（含10件）的，不收费"),
    /// so the 11th is beyond the range the rules treat as ordinary (条例42 allows a fee only
    /// then).
    pub volume_month: u32,
    /// `volume`: flagged when an applicant has **more than** this many applications in the 12
    /// months ending on the receipt date. Default 30: the Jiangsu case of 30余份申请 covering
    /// 170余项信息 within about half a year, held abusive (legal.md §6.4).
    pub volume_year: u32,
    /// `burst`: flagged when one day holds **at least** this many applications of the
    /// applicant. Default 10: a whole month's free quota of 办法第四条 in a single day; the
    /// published case filed 293 requests at once.
    pub burst_day: u32,
    /// Whether `volume` and `burst` count the applicant's applications to every agency of the
    /// instance (true) or to this agency only (false, the default: the fee rules count what one
    /// agency receives).
    pub volume_all_agencies: bool,
    /// The near-duplicate threshold shared by `repeat`, `broadcast`, `proxy` and
    /// `litigation_overlap`: two requests are "the same" at or above this similarity (Jaccard
    /// over character 3-shingles of the request core), provided their specifiers — periods,
    /// document numbers, place and company names — agree. Default 0.6 (the issue's figure; in
    /// the evaluation stream 255 of 293 labelled repeats have an earlier copy at 0.6 or more,
    /// the rest are reworded: see `restatement`).
    pub near_duplicate: f64,
    /// The other way two requests are "the same" (for `repeat` and `litigation_overlap`,
    /// where an applicant asks again in other words): the similar-case index finds at least
    /// this share of the new request's informative terms, synonyms counted, in the earlier
    /// one (`yishen_similar::SimilarIndex::restatement`), and the specifiers agree. Asked only
    /// about earlier requests answered by this agency or in a pending proceeding that are
    /// below `near_duplicate`. Default 0.75, the best balance measured on the evaluation
    /// stream (repeat precision 0.969, recall 0.973; 0.70 gives 0.951 / 0.986, 0.80 gives
    /// 0.976 / 0.952: docs/screening.md, "Reworded repeats").
    pub restatement: f64,
    /// `repeat`: flagged when at least this many earlier near-duplicates were already answered
    /// by this agency. Default 1: 条例36(六) needs one answered application to reply
    /// "不予重复处理".
    pub repeat_min: u32,
    /// `repeat` becomes a warning (a pattern, not a second try) at this many answered
    /// near-duplicates. Default 3; the published case applied for the same topic more than ten
    /// times.
    pub repeat_warning: u32,
    /// `broadcast`: flagged when the same request went to at least this many agencies
    /// (counting this one) within `broadcast_days`. Default 3 ("the same request to agencies
    /// in several provinces"); two agencies is the ordinary city-and-district double filing.
    pub broadcast_agencies: u32,
    /// `broadcast`: the window in calendar days, ending on the receipt date. Default 30.
    pub broadcast_days: u32,
    /// `proxy`: flagged when at least this many distinct names in the cluster filed the same
    /// request with a contact (phone, e-mail, address) shared with this application. Default
    /// 3; the published case had five family members' names with one phone number on every
    /// envelope, and courts weigh "applications made through relatives" (legal.md §6.4).
    pub proxy_names: u32,
    /// `petition` becomes a warning when the cluster has this many petition-like applications
    /// in 12 months, counting this one: the "依申请公开信访化" the Hangzhou mechanism names
    /// (legal.md §6.3). Default 3.
    pub petition_warning: u32,
    /// Proactive disclosure (条例44): suggested when at least this many distinct identity
    /// clusters asked one agency for the same disclosable information. Default 3 (the issue).
    pub publish_min_clusters: u32,
    /// The agency's own cue words, added to the built-in lists (local terms of petitions,
    /// consultations, publications).
    pub extra_cues: ExtraCues,
    /// Rules this agency has switched off.
    pub disabled: Vec<FlagKind>,
}

/// Cue words an agency adds to the built-in lists of `text`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtraCues {
    pub petition: Vec<String>,
    pub consultation: Vec<String>,
    pub publication: Vec<String>,
}

impl Default for ScreeningThresholds {
    fn default() -> Self {
        Self {
            volume_month: 10,
            volume_year: 30,
            burst_day: 10,
            volume_all_agencies: false,
            near_duplicate: 0.6,
            restatement: 0.75,
            repeat_min: 1,
            repeat_warning: 3,
            broadcast_agencies: 3,
            broadcast_days: 30,
            proxy_names: 3,
            petition_warning: 3,
            publish_min_clusters: 3,
            extra_cues: ExtraCues::default(),
            disabled: Vec::new(),
        }
    }
}

/// Why an agency's screening settings were refused; each names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("甄别阈值设置格式错误：{0}")]
    Json(String),
    #[error("甄别阈值 {field} 应为正整数")]
    NotPositive { field: &'static str },
    #[error("甄别阈值 {field} 应大于0且不超过1")]
    Similarity { field: &'static str },
    #[error("甄别阈值 repeat_warning 不应小于 repeat_min")]
    RepeatOrder,
}

impl ThresholdError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Json(_) => "screening_thresholds_json",
            Self::NotPositive { .. } => "screening_threshold_not_positive",
            Self::Similarity { .. } => "screening_threshold_similarity",
            Self::RepeatOrder => "screening_threshold_repeat_order",
        }
    }
}

impl ScreeningThresholds {
    /// Reads an agency's screening settings: missing keys keep their defaults, unknown keys
    /// and out-of-range values are refused.
    pub fn from_json(json: &str) -> Result<Self, ThresholdError> {
        let t: Self =
            serde_json::from_str(json).map_err(|e| ThresholdError::Json(e.to_string()))?;
        t.validate()?;
        Ok(t)
    }

    pub fn validate(&self) -> Result<(), ThresholdError> {
        let counts = [
            ("volume_month", self.volume_month),
            ("volume_year", self.volume_year),
            ("burst_day", self.burst_day),
            ("repeat_min", self.repeat_min),
            ("repeat_warning", self.repeat_warning),
            ("broadcast_agencies", self.broadcast_agencies),
            ("broadcast_days", self.broadcast_days),
            ("proxy_names", self.proxy_names),
            ("petition_warning", self.petition_warning),
            ("publish_min_clusters", self.publish_min_clusters),
        ];
        if let Some((field, _)) = counts.iter().find(|(_, v)| *v == 0) {
            return Err(ThresholdError::NotPositive { field });
        }
        for (field, value) in [
            ("near_duplicate", self.near_duplicate),
            ("restatement", self.restatement),
        ] {
            if !(value > 0.0 && value <= 1.0) {
                return Err(ThresholdError::Similarity { field });
            }
        }
        if self.repeat_warning < self.repeat_min {
            return Err(ThresholdError::RepeatOrder);
        }
        Ok(())
    }

    pub fn enabled(&self, kind: FlagKind) -> bool {
        !self.disabled.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_subset_overrides_the_defaults() {
        let t = ScreeningThresholds::from_json(
            r#"{"volume_month": 20, "near_duplicate": 0.7, "disabled": ["consultation"]}"#,
        )
        .unwrap();
        assert_eq!(t.volume_month, 20);
        assert_eq!(t.near_duplicate, 0.7);
        assert!(!t.enabled(FlagKind::Consultation));
        assert!(t.enabled(FlagKind::Volume));
        assert_eq!(t.volume_year, ScreeningThresholds::default().volume_year);
        assert_eq!(
            ScreeningThresholds::from_json("{}").unwrap(),
            ScreeningThresholds::default()
        );
    }

    #[test]
    fn bad_settings_are_refused_with_the_field() {
        assert_eq!(
            ScreeningThresholds::from_json(r#"{"burst_day": 0}"#),
            Err(ThresholdError::NotPositive { field: "burst_day" })
        );
        assert_eq!(
            ScreeningThresholds::from_json(r#"{"near_duplicate": 1.5}"#),
            Err(ThresholdError::Similarity {
                field: "near_duplicate"
            })
        );
        assert_eq!(
            ScreeningThresholds::from_json(r#"{"restatement": 0}"#),
            Err(ThresholdError::Similarity {
                field: "restatement"
            })
        );
        assert_eq!(
            ScreeningThresholds::from_json(r#"{"repeat_min": 5, "repeat_warning": 2}"#),
            Err(ThresholdError::RepeatOrder)
        );
        let err = ScreeningThresholds::from_json(r#"{"volume_mnth": 5}"#).unwrap_err();
        assert_eq!(err.code(), "screening_thresholds_json");
        assert!(ScreeningThresholds::from_json(r#"{"disabled": ["nope"]}"#).is_err());
    }
}
