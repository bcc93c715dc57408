//! The nine screening rules over one new application and its identity cluster's history.
//!
//! One pass over the history (O(history); the specifiers of a history item are read only when
//! the caller's similarity already makes it a near-duplicate candidate, and cue words only for
//! the last 12 months). Two requests are *the same request* when the caller's similarity
//! reaches `near_duplicate` and their specifiers agree (text.rs): "2024年3月" and "2024年4月"
//! of one monthly report are different information however alike the sentences are.
//!
//! Who counts as "the applicant" for `volume` and `burst`: the same identity (identity-number
//! hash, or the name key when there is none), at this agency unless the agency counts all
//! agencies. When the `proxy` rule finds several names filing the same request over a shared
//! contact, those names are counted together: that is the pattern courts weigh
//! ("applications made through relatives", legal.md §6.4). Names that merely share a contact
//! — a law firm's office phone on its clients' forms — are not counted together.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::evidence::{
    AnsweredRequest, BroadcastEvidence, BurstEvidence, CaseRef, CountWindow, CueEvidence, Evidence,
    LitigationEvidence, PendingProceeding, ProxyEvidence, RepeatEvidence, SimilarCase,
    VolumeEvidence,
};
use super::identity::LinkKind;
use super::text::{consultation_cues, petition_cues, publication_cues, specifiers};
use super::{
    Application, Flag, FlagKind, PastApplication, ScreeningInput, ScreeningThresholds, Severity,
};

/// Whether two applications were filed by the same person: equal identity-number hashes when
/// both carry one, else equal name keys.
fn same_person(a: &Application, b: &Application) -> bool {
    match (
        a.links.get(LinkKind::IdNumber),
        b.links.get(LinkKind::IdNumber),
    ) {
        (Some(x), Some(y)) => x == y,
        _ => a.name_key == b.name_key,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A history item as the rules see it.
struct Seen<'a> {
    past: &'a PastApplication,
    similarity: f64,
    restatement: Option<f64>,
    /// The same request as the new one (similar enough or restated, specifiers agree).
    same_request: bool,
    same_person: bool,
}

impl Seen<'_> {
    fn app(&self) -> &Application {
        &self.past.application
    }

    fn similar_case(&self) -> SimilarCase {
        SimilarCase {
            case: self.app().case_ref(),
            similarity: round2(self.similarity),
            restatement: self.restatement.map(round2),
        }
    }
}

fn sorted_refs(mut refs: Vec<CaseRef>) -> Vec<CaseRef> {
    refs.sort_by(|a, b| a.received_on.cmp(&b.received_on).then(a.id.cmp(&b.id)));
    refs
}

fn sorted_similar(mut cases: Vec<SimilarCase>) -> Vec<SimilarCase> {
    cases.sort_by(|a, b| {
        a.case
            .received_on
            .cmp(&b.case.received_on)
            .then(a.case.id.cmp(&b.case.id))
    });
    cases
}

/// The first day of the 12 months ending on `day`.
fn year_start(day: NaiveDate) -> NaiveDate {
    day.checked_sub_months(Months::new(12))
        .and_then(|d| d.succ_opt())
        .unwrap_or(day)
}

/// Whether two requests are the same request by the rules' definition: the caller's
/// similarity reaches `near_duplicate` and the specifiers agree. The server uses it to keep
/// only such pairs when it groups requests for [`super::group_requests`].
pub fn same_request(a: &str, b: &str, similarity: f64, t: &ScreeningThresholds) -> bool {
    near_duplicate(similarity, None, t) && specifiers(a).agree(&specifiers(b))
}

/// Whether the similarities say "the same words or the same request in other words": the
/// character similarity reaches `near_duplicate`, or the similar-case index's restatement
/// reaches `restatement`. The specifiers must agree as well (checked by the caller).
fn near_duplicate(similarity: f64, restatement: Option<f64>, t: &ScreeningThresholds) -> bool {
    similarity >= t.near_duplicate || restatement.is_some_and(|r| r >= t.restatement)
}

/// Screens a new application against its cluster's history. Returns the flags that fire, in
/// [`FlagKind::ALL`] order; an empty list when nothing does. Pure: the caller stores the flags
/// (status `open`) and nothing about the case changes.
pub fn screen(input: &ScreeningInput, t: &ScreeningThresholds) -> Vec<Flag> {
    let new = &input.application;
    let day = new.received_on;
    let new_specifiers = specifiers(&new.text);
    let seen: Vec<Seen> = input
        .history
        .iter()
        .filter(|h| h.application.id != new.id && h.application.received_on <= day)
        .map(|past| {
            let similarity = past.similarity.unwrap_or(0.0).clamp(0.0, 1.0);
            let restatement = past.restatement.map(|r| r.clamp(0.0, 1.0));
            let same_request = near_duplicate(similarity, restatement, t)
                && new_specifiers.agree(&specifiers(&past.application.text));
            // Evidence names the restatement only where it is what made the two the same.
            let restatement = restatement
                .filter(|r| same_request && similarity < t.near_duplicate && *r >= t.restatement);
            Seen {
                past,
                similarity,
                restatement,
                same_request,
                same_person: same_person(new, &past.application),
            }
        })
        .collect();

    let mut evidence: Vec<(Evidence, Severity)> = Vec::new();
    let proxy = proxy(new, &seen, t);
    // Names counted together for volume and burst: the proxy finding's, if it fired.
    let together: BTreeSet<&str> = match &proxy {
        Some((_, names)) => names.clone(),
        None => BTreeSet::new(),
    };
    let counted = |s: &&Seen| -> bool {
        (t.volume_all_agencies || s.app().agency == new.agency)
            && (s.same_person || together.contains(s.app().name_key.as_str()))
    };
    let names_counted = |items: &[&Seen]| -> u32 {
        let mut names: BTreeSet<&str> = items.iter().map(|s| s.app().name_key.as_str()).collect();
        names.insert(new.name_key.as_str());
        u32::try_from(names.len()).unwrap_or(u32::MAX)
    };
    let count = |n: usize| u32::try_from(n + 1).unwrap_or(u32::MAX);

    // volume
    {
        let month_from = day.with_day(1).unwrap_or(day);
        let year_from = year_start(day);
        let in_year: Vec<&Seen> = seen
            .iter()
            .filter(counted)
            .filter(|s| s.app().received_on >= year_from)
            .collect();
        let in_month: Vec<&Seen> = in_year
            .iter()
            .copied()
            .filter(|s| s.app().received_on >= month_from)
            .collect();
        let month = CountWindow {
            from: month_from,
            to: day,
            count: count(in_month.len()),
            limit: t.volume_month,
            exceeded: count(in_month.len()) > t.volume_month,
        };
        let year = CountWindow {
            from: year_from,
            to: day,
            count: count(in_year.len()),
            limit: t.volume_year,
            exceeded: count(in_year.len()) > t.volume_year,
        };
        if month.exceeded || year.exceeded {
            let cases: &[&Seen] = if year.exceeded { &in_year } else { &in_month };
            evidence.push((
                Evidence::Volume(VolumeEvidence {
                    names: names_counted(cases),
                    cases: sorted_refs(cases.iter().map(|s| s.app().case_ref()).collect()),
                    month,
                    year,
                    all_agencies: t.volume_all_agencies,
                }),
                Severity::Warning,
            ));
        }
    }

    // burst
    {
        let today: Vec<&Seen> = seen
            .iter()
            .filter(counted)
            .filter(|s| s.app().received_on == day)
            .collect();
        if count(today.len()) >= t.burst_day {
            evidence.push((
                Evidence::Burst(BurstEvidence {
                    day: CountWindow {
                        from: day,
                        to: day,
                        count: count(today.len()),
                        limit: t.burst_day,
                        exceeded: true,
                    },
                    all_agencies: t.volume_all_agencies,
                    names: names_counted(&today),
                    cases: sorted_refs(today.iter().map(|s| s.app().case_ref()).collect()),
                }),
                Severity::Warning,
            ));
        }
    }

    // repeat (条例36(六)): answered by this agency on or before the receipt date.
    {
        let mut earlier: Vec<AnsweredRequest> = seen
            .iter()
            .filter(|s| s.same_request)
            .filter_map(|s| {
                let answer = s.past.answered.as_ref()?;
                (answer.agency == new.agency && answer.on <= day).then(|| AnsweredRequest {
                    case: s.app().case_ref(),
                    answered_on: answer.on,
                    similarity: round2(s.similarity),
                    restatement: s.restatement.map(round2),
                    same_applicant: s.same_person,
                })
            })
            .collect();
        let n = u32::try_from(earlier.len()).unwrap_or(u32::MAX);
        if n >= t.repeat_min {
            earlier.sort_by(|a, b| {
                a.case
                    .received_on
                    .cmp(&b.case.received_on)
                    .then(a.case.id.cmp(&b.case.id))
            });
            let severity = if n >= t.repeat_warning {
                Severity::Warning
            } else {
                Severity::Info
            };
            evidence.push((
                Evidence::Repeat(RepeatEvidence {
                    earlier,
                    threshold: t.near_duplicate,
                }),
                severity,
            ));
        }
    }

    // broadcast: the same request to other agencies within the window.
    {
        let from = day
            .checked_sub_days(Days::new(u64::from(t.broadcast_days)))
            .unwrap_or(NaiveDate::MIN);
        let others: Vec<&Seen> = seen
            .iter()
            .filter(|s| {
                s.same_request && s.app().received_on >= from && s.app().agency != new.agency
            })
            .collect();
        let mut agencies: BTreeSet<&str> = others.iter().map(|s| s.app().agency.as_str()).collect();
        agencies.insert(new.agency.as_str());
        if u32::try_from(agencies.len()).unwrap_or(u32::MAX) >= t.broadcast_agencies {
            evidence.push((
                Evidence::Broadcast(BroadcastEvidence {
                    from,
                    to: day,
                    agencies: agencies.into_iter().map(str::to_owned).collect(),
                    cases: sorted_similar(others.iter().map(|s| s.similar_case()).collect()),
                }),
                Severity::Warning,
            ));
        }
    }

    if let Some((e, _)) = proxy {
        evidence.push((Evidence::Proxy(e), Severity::Warning));
    }

    // Content rules.
    let year_from = year_start(day);
    let petition = petition_cues(&new.text, &t.extra_cues.petition);
    if !petition.is_empty() {
        let earlier: Vec<CaseRef> = seen
            .iter()
            .filter(|s| s.app().received_on >= year_from)
            .filter(|s| !petition_cues(&s.app().text, &t.extra_cues.petition).is_empty())
            .map(|s| s.app().case_ref())
            .collect();
        let severity = if count(earlier.len()) >= t.petition_warning {
            Severity::Warning
        } else {
            Severity::Info
        };
        evidence.push((
            Evidence::Petition(CueEvidence {
                cues: petition,
                earlier: sorted_refs(earlier),
            }),
            severity,
        ));
    }
    let consultation = consultation_cues(&new.text, &t.extra_cues.consultation);
    if !consultation.is_empty() {
        evidence.push((
            Evidence::Consultation(CueEvidence {
                cues: consultation,
                earlier: Vec::new(),
            }),
            Severity::Info,
        ));
    }
    let publication = publication_cues(&new.text, &t.extra_cues.publication);
    if !publication.is_empty() {
        evidence.push((
            Evidence::Publication(CueEvidence {
                cues: publication,
                earlier: Vec::new(),
            }),
            Severity::Info,
        ));
    }

    // litigation_overlap: a pending reconsideration or suit about the same request.
    {
        let mut proceedings: Vec<PendingProceeding> = seen
            .iter()
            .filter(|s| s.same_request)
            .flat_map(|s| {
                s.past
                    .proceedings
                    .iter()
                    .filter(|p| p.pending_on(day))
                    .map(|p| PendingProceeding {
                        case: s.app().case_ref(),
                        kind: p.kind,
                        filed_on: p.filed_on,
                        similarity: round2(s.similarity),
                        restatement: s.restatement.map(round2),
                    })
            })
            .collect();
        if !proceedings.is_empty() {
            proceedings.sort_by(|a, b| a.filed_on.cmp(&b.filed_on).then(a.case.id.cmp(&b.case.id)));
            evidence.push((
                Evidence::LitigationOverlap(LitigationEvidence { proceedings }),
                Severity::Warning,
            ));
        }
    }

    let mut flags: Vec<Flag> = evidence
        .into_iter()
        .filter(|(e, _)| t.enabled(e.kind()))
        .map(|(evidence, severity)| Flag {
            summary: evidence.summary(),
            evidence,
            severity,
        })
        .collect();
    flags.sort_by_key(|f| FlagKind::ALL.iter().position(|k| *k == f.kind()));
    flags
}

/// `proxy`: names other than the applicant's that filed the same request with a contact shared
/// with this application. Returns the evidence and the names acting together when at least
/// `proxy_names` distinct names did.
fn proxy<'a>(
    new: &'a Application,
    seen: &'a [Seen<'a>],
    t: &ScreeningThresholds,
) -> Option<(super::evidence::ProxyEvidence, BTreeSet<&'a str>)> {
    let mut shared: BTreeSet<LinkKind> = BTreeSet::new();
    let mut names: BTreeSet<&str> = BTreeSet::from([new.name_key.as_str()]);
    let mut cases: Vec<SimilarCase> = Vec::new();
    for s in seen.iter().filter(|s| s.same_request) {
        let kinds = new.links.shared_contacts(&s.app().links);
        if kinds.is_empty() {
            continue;
        }
        shared.extend(kinds);
        names.insert(s.app().name_key.as_str());
        cases.push(s.similar_case());
    }
    if u32::try_from(names.len()).unwrap_or(u32::MAX) < t.proxy_names {
        return None;
    }
    Some((
        ProxyEvidence {
            names: u32::try_from(names.len()).unwrap_or(u32::MAX),
            shared: shared.into_iter().collect(),
            cases: sorted_similar(cases),
        },
        names,
    ))
}
