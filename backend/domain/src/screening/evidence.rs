//! The evidence each flag carries, one typed shape per flag kind, serialised next to the kind
//! as `{"kind": "volume", "evidence": {...}}`. Evidence is what a person reads before
//! confirming or dismissing, what a dossier prints and what a reconsideration body would ask
//! for: counts with their windows and limits, linked cases, similarities, agencies, matched cue
//! words. It holds no names, identity data or hashes; the only identifying items are case ids,
//! tracking numbers and agency codes.
//!
//! It also decides the dismissal memory ([`still_dismissed`]): a dismissed flag stays
//! dismissed until the evidence grows — a linked case, agency, name, cue or proceeding that the
//! dismissed evidence did not have.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::identity::LinkKind;
use super::{CaseId, FlagKind, ProceedingKind};

/// A linked case, as evidence shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CaseRef {
    pub id: CaseId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_no: Option<String>,
    pub agency: String,
    pub received_on: NaiveDate,
}

/// A linked case and how similar its request is to the flagged one (rounded to 0.01).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarCase {
    pub case: CaseRef,
    pub similarity: f64,
    /// How far the similar-case index finds the two requests restating each other (0..=1),
    /// present only when that, and not the character similarity, made them the same request:
    /// a repeat in other words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restatement: Option<f64>,
}

/// A count of applications in a window of dates (both ends included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountWindow {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Applications in the window, the flagged one included.
    pub count: u32,
    /// The threshold the count is compared with.
    pub limit: u32,
    /// Whether this window crossed its threshold.
    pub exceeded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeEvidence {
    /// The natural month of the receipt date, up to the receipt date (limit: more than).
    pub month: CountWindow,
    /// The 12 months ending on the receipt date (limit: more than).
    pub year: CountWindow,
    /// Whether applications to every agency were counted (else this agency only).
    pub all_agencies: bool,
    /// Distinct names counted together: 1, or more when the proxy rule found names filing the
    /// same requests over a shared contact.
    pub names: u32,
    /// The other applications counted in the windows that crossed their threshold.
    pub cases: Vec<CaseRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BurstEvidence {
    /// The day, its count (the flagged application included) and the limit (at least).
    pub day: CountWindow,
    pub all_agencies: bool,
    pub names: u32,
    pub cases: Vec<CaseRef>,
}

/// An earlier application already answered by this agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnsweredRequest {
    pub case: CaseRef,
    pub answered_on: NaiveDate,
    pub similarity: f64,
    /// How far the similar-case index finds the two requests restating each other (0..=1),
    /// present only when that, and not the character similarity, made them the same request:
    /// a repeat in other words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restatement: Option<f64>,
    /// Filed under the same identity (else under another name of the cluster).
    pub same_applicant: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatEvidence {
    /// Earlier near-duplicates answered by this agency before the receipt date.
    pub earlier: Vec<AnsweredRequest>,
    /// The near-duplicate threshold applied.
    pub threshold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BroadcastEvidence {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Distinct agency codes, this agency included.
    pub agencies: Vec<String>,
    pub cases: Vec<SimilarCase>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProxyEvidence {
    /// Distinct names that filed the same request, this application's included.
    pub names: u32,
    /// The kinds of contact they share with this application.
    pub shared: Vec<LinkKind>,
    pub cases: Vec<SimilarCase>,
}

/// The content rules' evidence: the cue words found, and for petitions the cluster's earlier
/// petition-like applications of the last 12 months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CueEvidence {
    pub cues: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<CaseRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingProceeding {
    pub case: CaseRef,
    pub kind: ProceedingKind,
    pub filed_on: NaiveDate,
    pub similarity: f64,
    /// How far the similar-case index finds the two requests restating each other (0..=1),
    /// present only when that, and not the character similarity, made them the same request:
    /// a repeat in other words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restatement: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LitigationEvidence {
    pub proceedings: Vec<PendingProceeding>,
}

/// A flag's evidence, tagged by its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "evidence", rename_all = "snake_case")]
pub enum Evidence {
    Volume(VolumeEvidence),
    Burst(BurstEvidence),
    Repeat(RepeatEvidence),
    Broadcast(BroadcastEvidence),
    Proxy(ProxyEvidence),
    Petition(CueEvidence),
    Consultation(CueEvidence),
    Publication(CueEvidence),
    LitigationOverlap(LitigationEvidence),
}

/// Cue words quoted and joined: “投诉”“要求查处”.
fn quoted(words: &[String]) -> String {
    words.iter().map(|w| format!("“{w}”")).collect()
}

fn max_similarity(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, f64::max)
}

/// The note for earlier requests found through the similar-case index (措辞不同).
fn reworded(restatements: impl Iterator<Item = Option<f64>>) -> String {
    let found: Vec<f64> = restatements.flatten().collect();
    if found.is_empty() {
        String::new()
    } else {
        format!(
            "（其中{}件措辞不同，经相似案例比对内容相同，重合度最高{:.2}）",
            found.len(),
            max_similarity(found.into_iter())
        )
    }
}

impl Evidence {
    pub fn kind(&self) -> FlagKind {
        match self {
            Evidence::Volume(_) => FlagKind::Volume,
            Evidence::Burst(_) => FlagKind::Burst,
            Evidence::Repeat(_) => FlagKind::Repeat,
            Evidence::Broadcast(_) => FlagKind::Broadcast,
            Evidence::Proxy(_) => FlagKind::Proxy,
            Evidence::Petition(_) => FlagKind::Petition,
            Evidence::Consultation(_) => FlagKind::Consultation,
            Evidence::Publication(_) => FlagKind::Publication,
            Evidence::LitigationOverlap(_) => FlagKind::LitigationOverlap,
        }
    }

    /// Every case the evidence links to.
    pub fn case_ids(&self) -> BTreeSet<CaseId> {
        match self {
            Evidence::Volume(e) => e.cases.iter().map(|c| c.id).collect(),
            Evidence::Burst(e) => e.cases.iter().map(|c| c.id).collect(),
            Evidence::Repeat(e) => e.earlier.iter().map(|a| a.case.id).collect(),
            Evidence::Broadcast(e) => e.cases.iter().map(|c| c.case.id).collect(),
            Evidence::Proxy(e) => e.cases.iter().map(|c| c.case.id).collect(),
            Evidence::Petition(e) | Evidence::Consultation(e) | Evidence::Publication(e) => {
                e.earlier.iter().map(|c| c.id).collect()
            }
            Evidence::LitigationOverlap(e) => e.proceedings.iter().map(|p| p.case.id).collect(),
        }
    }

    /// Whether `self` adds nothing to `previous`: same kind, no new linked case, and no new
    /// agency, name, shared contact, cue word or proceeding.
    fn within(&self, previous: &Evidence) -> bool {
        if self.kind() != previous.kind() || !self.case_ids().is_subset(&previous.case_ids()) {
            return false;
        }
        fn subset<T: Ord + Clone>(a: &[T], b: &[T]) -> bool {
            let b: BTreeSet<&T> = b.iter().collect();
            a.iter().all(|x| b.contains(x))
        }
        match (self, previous) {
            (Evidence::Volume(n), Evidence::Volume(p)) => n.names <= p.names,
            (Evidence::Burst(n), Evidence::Burst(p)) => n.names <= p.names,
            (Evidence::Broadcast(n), Evidence::Broadcast(p)) => subset(&n.agencies, &p.agencies),
            (Evidence::Proxy(n), Evidence::Proxy(p)) => {
                n.names <= p.names && subset(&n.shared, &p.shared)
            }
            (Evidence::Petition(n), Evidence::Petition(p))
            | (Evidence::Consultation(n), Evidence::Consultation(p))
            | (Evidence::Publication(n), Evidence::Publication(p)) => subset(&n.cues, &p.cues),
            (Evidence::LitigationOverlap(n), Evidence::LitigationOverlap(p)) => {
                let key = |e: &LitigationEvidence| -> Vec<(CaseId, ProceedingKind, NaiveDate)> {
                    e.proceedings
                        .iter()
                        .map(|x| (x.case.id, x.kind, x.filed_on))
                        .collect()
                };
                subset(&key(n), &key(p))
            }
            (Evidence::Repeat(_), Evidence::Repeat(_)) => true,
            _ => false,
        }
    }

    /// The earlier cases this evidence found restated in other words by the similar-case
    /// index, with the restatement (for the dossier's side-by-side texts).
    pub fn restatements(&self) -> Vec<(CaseId, f64)> {
        match self {
            Evidence::Repeat(e) => e
                .earlier
                .iter()
                .filter_map(|a| Some((a.case.id, a.restatement?)))
                .collect(),
            Evidence::LitigationOverlap(e) => e
                .proceedings
                .iter()
                .filter_map(|p| Some((p.case.id, p.restatement?)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The one-line Chinese summary shown on the case page.
    pub fn summary(&self) -> String {
        let scope = |all: bool| if all { "向各机关" } else { "向本机关" };
        let who = |names: u32| {
            if names > 1 {
                format!("{names}个署名合计")
            } else {
                String::new()
            }
        };
        match self {
            Evidence::Volume(e) => {
                let mut parts = Vec::new();
                if e.month.exceeded {
                    parts.push(format!(
                        "本自然月（{}至{}）{}申请{}件，超过{}件",
                        crate::calendar::chinese_date(e.month.from),
                        crate::calendar::chinese_date(e.month.to),
                        scope(e.all_agencies),
                        e.month.count,
                        e.month.limit
                    ));
                }
                if e.year.exceeded {
                    parts.push(format!(
                        "近12个月（{}至{}）{}申请{}件，超过{}件",
                        crate::calendar::chinese_date(e.year.from),
                        crate::calendar::chinese_date(e.year.to),
                        scope(e.all_agencies),
                        e.year.count,
                        e.year.limit
                    ));
                }
                format!(
                    "{}{}，申请数量、频次可能明显超过合理范围（条例第三十五条）",
                    who(e.names),
                    parts.join("；")
                )
            }
            Evidence::Burst(e) => format!(
                "{}{}一日内{}申请{}件（达到{}件）",
                who(e.names),
                crate::calendar::chinese_date(e.day.from),
                scope(e.all_agencies),
                e.day.count,
                e.day.limit
            ),
            Evidence::Repeat(e) => {
                let others = e.earlier.iter().filter(|a| !a.same_applicant).count();
                let note = if others > 0 {
                    format!("（其中{others}件以关联组内其他署名提出）")
                } else {
                    String::new()
                };
                format!(
                    "与本机关已答复的{}件申请内容相近（相似度最高{:.2}）{}{}，可能属于重复申请（条例第三十六条第（六）项）",
                    e.earlier.len(),
                    max_similarity(e.earlier.iter().map(|a| a.similarity)),
                    reworded(e.earlier.iter().map(|a| a.restatement)),
                    note
                )
            }
            Evidence::Broadcast(e) => format!(
                "{}至{}以相近内容向{}个机关提出申请",
                crate::calendar::chinese_date(e.from),
                crate::calendar::chinese_date(e.to),
                e.agencies.len()
            ),
            Evidence::Proxy(e) => format!(
                "{}个署名共用{}提出相近申请{}件",
                e.names,
                e.shared
                    .iter()
                    .map(|k| k.label())
                    .collect::<Vec<_>>()
                    .join("、"),
                e.cases.len() + 1
            ),
            Evidence::Petition(e) => {
                let mut s = format!(
                    "申请内容含{}等信访、投诉、举报表述（条例第三十九条第一款）",
                    quoted(&e.cues)
                );
                if !e.earlier.is_empty() {
                    s.push_str(&format!("；近12个月同类申请共{}件", e.earlier.len() + 1));
                }
                s
            }
            Evidence::Consultation(e) => format!(
                "申请内容含{}等咨询提问，可能不属于已制作或者获取的政府信息（条例第二条、第三十八条）",
                quoted(&e.cues)
            ),
            Evidence::Publication(e) => format!(
                "申请内容要求提供{}等公开出版物，可以告知获取途径（条例第三十九条第二款）",
                quoted(&e.cues)
            ),
            Evidence::LitigationOverlap(e) => {
                let kinds: BTreeSet<&str> = e.proceedings.iter().map(|p| p.kind.label()).collect();
                format!(
                    "与{}件正在{}中的申请内容相近（相似度最高{:.2}）{}",
                    e.proceedings.len(),
                    kinds.into_iter().collect::<Vec<_>>().join("或"),
                    max_similarity(e.proceedings.iter().map(|p| p.similarity)),
                    reworded(e.proceedings.iter().map(|p| p.restatement))
                )
            }
        }
    }
}

/// Dismissal memory: whether a flag dismissed with `previous` evidence stays dismissed now
/// that its rule found `new`. It does until new evidence arrives — a linked case the
/// dismissed evidence did not list, or a new agency, name, shared contact kind, cue word or
/// proceeding. Counts that merely restate the same cases keep it dismissed.
pub fn still_dismissed(previous: &Evidence, new: &Evidence) -> bool {
    new.within(previous)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(id: CaseId) -> CaseRef {
        CaseRef {
            id,
            tracking_no: None,
            agency: "ZJ-HZ-ZRZY".into(),
            received_on: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
        }
    }

    fn cue(cues: &[&str], earlier: &[CaseId]) -> Evidence {
        Evidence::Petition(CueEvidence {
            cues: cues.iter().map(|c| (*c).to_owned()).collect(),
            earlier: earlier.iter().map(|&i| case(i)).collect(),
        })
    }

    #[test]
    fn dismissed_until_new_evidence() {
        let dismissed = cue(&["投诉"], &[1, 2]);
        assert!(still_dismissed(&dismissed, &cue(&["投诉"], &[1, 2])));
        assert!(still_dismissed(&dismissed, &cue(&["投诉"], &[2])));
        assert!(!still_dismissed(&dismissed, &cue(&["投诉"], &[1, 2, 3])));
        assert!(!still_dismissed(
            &dismissed,
            &cue(&["投诉", "要求查处"], &[1, 2])
        ));
        let other_kind = Evidence::Consultation(CueEvidence {
            cues: vec!["投诉".into()],
            earlier: vec![],
        });
        assert!(!still_dismissed(&dismissed, &other_kind));
    }

    #[test]
    fn evidence_serialises_as_kind_and_evidence() {
        let e = cue(&["举报"], &[]);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "petition");
        assert_eq!(json["evidence"]["cues"][0], "举报");
        let back: Evidence = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }
}
