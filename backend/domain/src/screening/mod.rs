//! Abuse-pattern screening (滥用申请权甄别): evidence, never verdicts.
//!
//! 条例35 lets an agency ask an applicant for reasons when the number or frequency of
//! applications is clearly beyond a reasonable range; 条例36(六) and 39 cover repeats,
//! petitions in disguise and requests for publications. Agencies lose in reconsideration when
//! they call something abusive without evidence (legal.md §6.5: "不予处理 under Art 35 without
//! first asking the applicant for reasons"; "wrongly treating a new application as 重复申请").
//! This module gathers that evidence at intake and leaves the decision to a person:
//!
//! - [`identity`]: applications sharing an identity number, phone, e-mail or normalised
//!   address form one identity cluster (keyed hashes only);
//! - [`screen`]: nine rules over the new application and its cluster's history, each a
//!   [`Flag`] of a [`FlagKind`] with a severity, structured [`Evidence`] and a one-line
//!   Chinese summary;
//! - [`mod@review`]: the flag statuses (open, confirmed, dismissed), the reasons people give, the
//!   dismissal memory and which confirmed flags offer the 条例35 steps;
//! - [`proactive`]: 条例44 suggestions to publish information that three or more clusters
//!   asked for.
//!
//! Nothing here changes a case: flags are stored next to it and shown. Evidence carries
//! counts, dates, case ids, agency codes and the matched cue words — never names, identity
//! data or their hashes — so a dossier cannot show another cluster's personal data.
//! Near-duplicate similarity is the caller's: the server estimates it with MinHash from
//! `yishen-similar` (which this crate must not depend on) and passes the numbers in.

pub mod evidence;
pub mod identity;
pub mod proactive;
pub mod review;
mod rules;
pub mod text;
pub mod thresholds;

#[cfg(test)]
mod quality;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use evidence::{CaseRef, Evidence, still_dismissed};
pub use identity::{Cluster, ClusterError, IdentityLinks, Link, LinkKind, clusters, join};
pub use proactive::{
    GroupMember, PublicationSuggestion, RequestGroup, RequestItem, group_requests,
    suggest_publication,
};
pub use review::{
    ARTICLE_35_STEPS, FlagStatus, FlagUpdate, ReviewDecision, ReviewError, offers_article_35,
    refresh, review,
};
pub use rules::{same_request, screen};
pub use thresholds::{ExtraCues, ScreeningThresholds, ThresholdError};

/// A case's database id.
pub type CaseId = i64;

macro_rules! flag_kinds {
    ($($variant:ident => $code:literal, $label:literal;)+) => {
        /// The nine screening rules (CONTRACT.md flag kinds).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FlagKind { $($variant),+ }

        impl FlagKind {
            pub const ALL: [FlagKind; 9] = [$(FlagKind::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(FlagKind::$variant => $code),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|k| k.as_str() == s)
            }

            /// The Chinese name shown to staff.
            pub fn label(self) -> &'static str {
                match self { $(FlagKind::$variant => $label),+ }
            }
        }

        $crate::stored_code!(FlagKind, FlagKind::parse);
    };
}

flag_kinds! {
    Volume => "volume", "申请数量明显偏多";
    Burst => "burst", "短时集中申请";
    Repeat => "repeat", "重复申请";
    Broadcast => "broadcast", "同一内容向多个机关申请";
    Proxy => "proxy", "多个署名共用联系方式";
    Petition => "petition", "信访、投诉、举报类内容";
    Consultation => "consultation", "咨询类提问";
    Publication => "publication", "要求提供公开出版物";
    LitigationOverlap => "litigation_overlap", "与未结复议、诉讼内容重合";
}

impl FlagKind {
    /// Mass application (条例35: "数量、频次明显超过合理范围"): the kinds whose confirmation
    /// offers the 条例35 steps.
    pub fn is_mass_application(self) -> bool {
        matches!(self, FlagKind::Volume | FlagKind::Burst)
    }
}

/// How strongly a flag asks for attention. `Info`: a fact worth a look (one repeat, a cue
/// word); `Warning`: a pattern threshold is crossed. Neither changes the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
        }
    }
}

/// One application as screening sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: CaseId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_no: Option<String>,
    /// The agency's code.
    pub agency: String,
    pub received_on: NaiveDate,
    /// The request text (申请内容).
    pub text: String,
    /// An equality key for the applicant's name: the server passes the keyed hash of the
    /// normalised name. Only compared, never shown.
    pub name_key: String,
    pub links: IdentityLinks,
}

impl Application {
    fn case_ref(&self) -> CaseRef {
        CaseRef {
            id: self.id,
            tracking_no: self.tracking_no.clone(),
            agency: self.agency.clone(),
            received_on: self.received_on,
        }
    }
}

/// The reply to an earlier application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub on: NaiveDate,
    /// The agency that replied.
    pub agency: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProceedingKind {
    /// 行政复议.
    Reconsideration,
    /// 行政诉讼.
    Litigation,
}

impl ProceedingKind {
    pub fn label(self) -> &'static str {
        match self {
            ProceedingKind::Reconsideration => "行政复议",
            ProceedingKind::Litigation => "行政诉讼",
        }
    }
}

/// A reconsideration or suit about an earlier application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proceeding {
    pub kind: ProceedingKind,
    pub filed_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
}

impl Proceeding {
    /// Filed on or before `on` and not decided by then.
    pub fn pending_on(&self, on: NaiveDate) -> bool {
        self.filed_on <= on && self.decided_on.is_none_or(|d| d > on)
    }
}

/// An earlier application of the same identity cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastApplication {
    #[serde(flatten)]
    pub application: Application,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<Answer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proceedings: Vec<Proceeding>,
    /// The caller's estimate of how similar this request is to the new one (Jaccard, 0..=1);
    /// `None` when its near-duplicate index did not return it (treated as 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// How far the similar-case index finds the new request restated by this one (0..=1:
    /// the share of the new request's informative terms, synonyms counted, that this one
    /// contains); `None` when it was not asked (see
    /// [`ScreeningInput::restatement_candidates`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restatement: Option<f64>,
}

/// What [`screen`] looks at: the new application and its identity cluster's other
/// applications (any order; those received after the new one are ignored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScreeningInput {
    pub application: Application,
    pub history: Vec<PastApplication>,
}

impl ScreeningInput {
    /// Fills every history item's similarity to the new request with `similarity(new, old)`,
    /// for callers without a precomputed index (tests, small deployments).
    pub fn with_similarity(mut self, similarity: impl Fn(&str, &str) -> f64) -> Self {
        for h in &mut self.history {
            h.similarity = Some(similarity(&self.application.text, &h.application.text));
        }
        self
    }

    /// The history items worth asking the similar-case index about (after the similarities
    /// are filled; ask with the request cores, [`text::request_core`]): those a reworded
    /// repeat would turn into evidence — answered by this agency on or before the receipt
    /// date (`repeat`, 条例36(六)) or with a reconsideration or suit pending then
    /// (`litigation_overlap`) — and that character similarity does not already call
    /// near-duplicates. Asking only these keeps the index's cost to a few look-ups for almost
    /// every applicant.
    pub fn restatement_candidates(&self, t: &ScreeningThresholds) -> Vec<&PastApplication> {
        let new = &self.application;
        let day = new.received_on;
        self.history
            .iter()
            .filter(|h| h.application.id != new.id && h.application.received_on <= day)
            .filter(|h| h.similarity.unwrap_or(0.0) < t.near_duplicate)
            .filter(|h| {
                h.answered
                    .as_ref()
                    .is_some_and(|a| a.agency == new.agency && a.on <= day)
                    || h.proceedings.iter().any(|p| p.pending_on(day))
            })
            .collect()
    }

    /// Asks `ask` how far the [`ScreeningInput::restatement_candidates`] restate this
    /// request, passing the new request's core ([`text::request_core`], what is compared) and
    /// the candidates, and fills in the answers (by case id). Nothing is asked when there is
    /// no candidate.
    pub fn restated_by(
        self,
        t: &ScreeningThresholds,
        ask: impl FnOnce(&str, &[&PastApplication]) -> HashMap<CaseId, f64>,
    ) -> Self {
        let found = {
            let candidates = self.restatement_candidates(t);
            if candidates.is_empty() {
                return self;
            }
            ask(&text::request_core(&self.application.text), &candidates)
        };
        self.with_restatements(|id| found.get(&id).copied())
    }

    /// Fills the restatement of the history items `restatement` knows (by case id).
    pub fn with_restatements(mut self, restatement: impl Fn(CaseId) -> Option<f64>) -> Self {
        for h in &mut self.history {
            if let Some(r) = restatement(h.application.id) {
                h.restatement = Some(r);
            }
        }
        self
    }
}

/// One screening finding: `{kind, severity, evidence, summary}` (the kind is the evidence's
/// tag). The server stores it with a status (`open` until a person decides).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    #[serde(flatten)]
    pub evidence: Evidence,
    pub severity: Severity,
    /// One line in Chinese for the case page.
    pub summary: String,
}

impl Flag {
    pub fn kind(&self) -> FlagKind {
        self.evidence.kind()
    }
}
