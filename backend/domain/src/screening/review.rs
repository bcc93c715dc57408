//! People decide: the status of a stored flag (`open` → `confirmed` or `dismissed`, each with
//! a reason), what happens to stored flags when screening runs again because the history
//! changed, and which confirmed flags offer the 条例35 steps.
//!
//! A decision is a record: a confirmed flag keeps the evidence it was confirmed on, a
//! dismissed one stays dismissed until new evidence arrives ([`still_dismissed`]). Only a
//! confirmed mass-application flag (`volume`, `burst`) offers the 条例35 steps, and those steps
//! begin with asking the applicant for reasons: an agency that answers 不予处理 without asking
//! first is corrected (legal.md §6.5).

use serde::{Deserialize, Serialize};

use super::evidence::{Evidence, still_dismissed};
use super::{Flag, FlagKind};

/// Longest reason a person may give.
pub const REASON_MAX: usize = 500;

/// A stored flag's status (CONTRACT.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagStatus {
    Open,
    Confirmed,
    Dismissed,
}

crate::stored_code!(FlagStatus, FlagStatus::parse);

impl FlagStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagStatus::Open => "open",
            FlagStatus::Confirmed => "confirmed",
            FlagStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            FlagStatus::Open,
            FlagStatus::Confirmed,
            FlagStatus::Dismissed,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagStatus::Open => "待研判",
            FlagStatus::Confirmed => "已确认",
            FlagStatus::Dismissed => "已排除",
        }
    }
}

/// What a person decides about a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Confirm,
    Dismiss,
}

impl ReviewDecision {
    pub const ALL: &'static [ReviewDecision] = &[ReviewDecision::Confirm, ReviewDecision::Dismiss];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Confirm => "confirm",
            ReviewDecision::Dismiss => "dismiss",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|d| d.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("请填写确认或排除的理由")]
    ReasonMissing,
    #[error("理由不超过{REASON_MAX}字")]
    ReasonTooLong,
    #[error("该提示已是“{0}”状态")]
    Unchanged(&'static str),
}

impl ReviewError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::ReasonMissing => "flag_reason_missing",
            Self::ReasonTooLong => "flag_reason_too_long",
            Self::Unchanged(_) => "flag_status_unchanged",
        }
    }

    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::ReasonMissing | Self::ReasonTooLong => "reason",
            Self::Unchanged(_) => "decision",
        }
    }
}

/// A person's decision on a flag: the new status, or why it is refused. A reason is always
/// required; a decision may be changed later (with a new reason), never repeated.
pub fn review(
    current: FlagStatus,
    decision: ReviewDecision,
    reason: &str,
) -> Result<FlagStatus, ReviewError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ReviewError::ReasonMissing);
    }
    if reason.chars().count() > REASON_MAX {
        return Err(ReviewError::ReasonTooLong);
    }
    let next = match decision {
        ReviewDecision::Confirm => FlagStatus::Confirmed,
        ReviewDecision::Dismiss => FlagStatus::Dismissed,
    };
    if next == current {
        return Err(ReviewError::Unchanged(current.label()));
    }
    Ok(next)
}

/// What to do with one kind's stored flag of a case when screening runs again.
#[derive(Debug, Clone, PartialEq)]
pub enum FlagUpdate {
    /// Leave the stored flag as it is (a decision on record, or nothing stored and nothing
    /// found).
    Unchanged,
    /// Store a new flag, status `open`.
    Create(Flag),
    /// Replace an open flag's evidence; it stays open.
    Update(Flag),
    /// A dismissed flag met new evidence: store this evidence, status `open` again.
    Reopen(Flag),
    /// An open flag whose rule no longer fires (a proceeding was decided): remove it.
    Withdraw,
}

/// Reconciles a stored flag of one kind (its status and evidence, if any) with what the rule
/// finds now. Nothing is ever confirmed or dismissed here: only people do that.
pub fn refresh(stored: Option<(FlagStatus, &Evidence)>, fresh: Option<Flag>) -> FlagUpdate {
    match (stored, fresh) {
        (None, None) => FlagUpdate::Unchanged,
        (None, Some(f)) => FlagUpdate::Create(f),
        (Some((FlagStatus::Open, previous)), Some(f)) => {
            if *previous == f.evidence {
                FlagUpdate::Unchanged
            } else {
                FlagUpdate::Update(f)
            }
        }
        (Some((FlagStatus::Open, _)), None) => FlagUpdate::Withdraw,
        (Some((FlagStatus::Confirmed, _)), _) => FlagUpdate::Unchanged,
        (Some((FlagStatus::Dismissed, previous)), Some(f)) => {
            if still_dismissed(previous, &f.evidence) {
                FlagUpdate::Unchanged
            } else {
                FlagUpdate::Reopen(f)
            }
        }
        (Some((FlagStatus::Dismissed, _)), None) => FlagUpdate::Unchanged,
    }
}

/// Whether a flag of this kind and status offers the 条例35 steps: only a confirmed
/// mass-application flag (`volume` or `burst`) does.
pub fn offers_article_35(kind: FlagKind, status: FlagStatus) -> bool {
    kind.is_mass_application() && status == FlagStatus::Confirmed
}

/// The 条例35 steps, in order (code, what staff do), offered once a mass-application flag is
/// confirmed. The first is always asking for reasons; the Hangzhou mechanism adds the
/// collective decision (联合会商, legal.md §6.3) before 不予处理.
pub const ARTICLE_35_STEPS: [(&str, &str); 4] = [
    (
        "request_reasons",
        "书面要求申请人说明申请理由（条例第三十五条）",
    ),
    (
        "joint_consultation",
        "理由不合理的，提交政府信息公开联合会商集体研究",
    ),
    (
        "not_processed",
        "经研究确认理由不合理的，告知申请人不予处理（年度报告（五）4）",
    ),
    (
        "delayed_reply_or_fee",
        "理由合理但无法按期答复的，确定延迟答复的合理期限并告知；符合收费情形的，依《信息处理费管理办法》收费",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::evidence::CueEvidence;
    use crate::screening::{Severity, evidence::CaseRef};
    use chrono::NaiveDate;

    fn flag(cues: &[&str], earlier: &[i64]) -> Flag {
        let evidence = Evidence::Petition(CueEvidence {
            cues: cues.iter().map(|c| (*c).to_owned()).collect(),
            earlier: earlier
                .iter()
                .map(|&id| CaseRef {
                    id,
                    tracking_no: None,
                    agency: "A".into(),
                    received_on: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                })
                .collect(),
        });
        Flag {
            summary: evidence.summary(),
            evidence,
            severity: Severity::Info,
        }
    }

    #[test]
    fn a_reason_is_required_and_decisions_are_not_repeated() {
        assert_eq!(
            review(FlagStatus::Open, ReviewDecision::Dismiss, "  "),
            Err(ReviewError::ReasonMissing)
        );
        assert_eq!(
            review(FlagStatus::Open, ReviewDecision::Dismiss, "系本人正常维权"),
            Ok(FlagStatus::Dismissed)
        );
        assert_eq!(
            review(FlagStatus::Dismissed, ReviewDecision::Dismiss, "再次排除")
                .unwrap_err()
                .code(),
            "flag_status_unchanged"
        );
        assert_eq!(
            review(
                FlagStatus::Dismissed,
                ReviewDecision::Confirm,
                "新证据表明系代为申请"
            ),
            Ok(FlagStatus::Confirmed)
        );
        let long = "理".repeat(REASON_MAX + 1);
        assert_eq!(
            review(FlagStatus::Open, ReviewDecision::Confirm, &long),
            Err(ReviewError::ReasonTooLong)
        );
    }

    #[test]
    fn a_dismissed_flag_stays_dismissed_until_new_evidence_arrives() {
        let dismissed = flag(&["投诉"], &[1]);
        let stored = Some((FlagStatus::Dismissed, &dismissed.evidence));
        assert_eq!(
            refresh(stored, Some(flag(&["投诉"], &[1]))),
            FlagUpdate::Unchanged
        );
        let grown = flag(&["投诉"], &[1, 2]);
        assert_eq!(
            refresh(stored, Some(grown.clone())),
            FlagUpdate::Reopen(grown)
        );
        assert_eq!(refresh(stored, None), FlagUpdate::Unchanged);
    }

    #[test]
    fn refresh_never_decides() {
        let f = flag(&["投诉"], &[1]);
        assert_eq!(
            refresh(None, Some(f.clone())),
            FlagUpdate::Create(f.clone())
        );
        assert_eq!(
            refresh(Some((FlagStatus::Open, &f.evidence)), None),
            FlagUpdate::Withdraw
        );
        let grown = flag(&["投诉"], &[1, 2]);
        assert_eq!(
            refresh(Some((FlagStatus::Open, &f.evidence)), Some(grown.clone())),
            FlagUpdate::Update(grown.clone())
        );
        assert_eq!(
            refresh(Some((FlagStatus::Confirmed, &f.evidence)), Some(grown)),
            FlagUpdate::Unchanged
        );
    }

    #[test]
    fn only_confirmed_mass_application_offers_article_35() {
        for kind in FlagKind::ALL {
            for status in [
                FlagStatus::Open,
                FlagStatus::Confirmed,
                FlagStatus::Dismissed,
            ] {
                let expected = status == FlagStatus::Confirmed
                    && matches!(kind, FlagKind::Volume | FlagKind::Burst);
                assert_eq!(
                    offers_article_35(kind, status),
                    expected,
                    "{kind:?} {status:?}"
                );
            }
        }
        assert_eq!(ARTICLE_35_STEPS[0].0, "request_reasons");
    }
}
