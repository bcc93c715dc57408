//! Measured quality: replays the labelled stream of `fixtures/eval/screening/` (written by its
//! committed generator, labels from the generator's patterns) in date order through keyed
//! hashing, incremental clustering and [`screen`], the way intake would, and compares the flags
//! with the labels. Prints precision and recall per flag kind, per abusive cluster and for the
//! 条例44 suggestions, and fails below the floors (set a little under the measured figures,
//! docs/screening.md).
//!
//! `cargo test -p yishen-domain screening_quality -- --nocapture`; set
//! `YISHEN_SCREENING_MISSES=1` to list every miss and false alarm.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use chrono::Datelike;
use yishen_similar::{CaseDoc, SimilarIndex};

use super::tests::{jaccard_sets, shingles};
use super::*;
use crate::case::intake::normalise_address;
use crate::{Email, Phone};

const STREAM: &str = include_str!("../../../../fixtures/eval/screening/stream.jsonl");
const PUBLICATION: &str = include_str!("../../../../fixtures/eval/screening/publication.json");

/// Floors: per flag kind (precision, recall), then the abusive clusters and the suggestions.
/// Measured with the similar-case index at the default restatement threshold
/// (docs/screening.md): volume 1.000/0.990, burst 1.000/1.000, repeat 0.969/0.973, broadcast
/// 1.000/1.000, proxy 1.000/1.000, petition 1.000/0.625, consultation 0.925/0.817, publication
/// 0.900/1.000, litigation_overlap 1.000/1.000.
const KIND_FLOORS: [(FlagKind, f64, f64); 9] = [
    (FlagKind::Volume, 0.98, 0.97),
    (FlagKind::Burst, 0.98, 0.98),
    (FlagKind::Repeat, 0.95, 0.95),
    (FlagKind::Broadcast, 0.98, 0.97),
    (FlagKind::Proxy, 0.98, 0.97),
    (FlagKind::Petition, 0.98, 0.60),
    (FlagKind::Consultation, 0.90, 0.80),
    (FlagKind::Publication, 0.88, 0.98),
    (FlagKind::LitigationOverlap, 0.98, 0.97),
];
/// Abusive clusters, measured 0.955 / 0.977 (the issue asks for recall ≥ 0.95 with precision
/// ≥ 0.9).
const CLUSTER_FLOOR: (f64, f64) = (0.93, 0.95);
/// 条例44 suggestions, measured 0.976 / 0.635.
const SUGGESTION_FLOOR: (f64, f64) = (0.95, 0.60);
/// What the similar-case index must add to `repeat` recall over character similarity alone
/// (measured 0.870 → 0.973 on the reworded repeats of the stream).
const RESTATEMENT_GAIN: f64 = 0.08;

#[derive(Debug, Clone, Deserialize)]
struct Applicant {
    name: String,
    id_number: String,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    address: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Line {
    id: CaseId,
    agency: String,
    received_on: NaiveDate,
    text: String,
    applicant: Applicant,
    answered_on: Option<NaiveDate>,
    disclosed: Option<bool>,
    proceedings: Vec<Proceeding>,
    actor: String,
    pattern: String,
    abusive: bool,
    expect: BTreeSet<FlagKind>,
    /// 1 or 2 for content texts held out from tuning in that round (generate.py).
    #[serde(default)]
    held_out: u8,
}

#[derive(Debug, Deserialize)]
struct ExpectedSuggestion {
    agency: String,
    cases: Vec<CaseId>,
}

/// The server's keyed hash, as a test stand-in: SHA-256 over a key, the kind and the value.
fn keyed(kind: &str, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"yishen-eval-key\x00");
    h.update(kind.as_bytes());
    h.update(b"\x00");
    h.update(value.as_bytes());
    hex::encode(h.finalize())
}

/// What intake would derive from the applicant: parsed, normalised, hashed.
fn identity(a: &Applicant) -> (String, IdentityLinks) {
    let phone = a
        .phone
        .as_deref()
        .and_then(|p| Phone::parse(p).ok())
        .map(|p| keyed("phone", p.as_ref()));
    let email = a
        .email
        .as_deref()
        .and_then(|e| Email::parse(e).ok())
        .map(|e| keyed("email", &e.as_ref().to_lowercase()));
    let address = a
        .address
        .as_deref()
        .map(|s| keyed("address", &normalise_address(s)));
    let links = IdentityLinks {
        id_hash: Some(keyed("id", &a.id_number.to_ascii_uppercase())),
        phone_hash: phone,
        email_hash: email,
        address_hash: address,
    };
    (keyed("name", a.name.trim()), links)
}

#[derive(Debug, Default, Clone)]
struct Tally {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Tally {
    fn add(&mut self, predicted: bool, expected: bool) {
        match (predicted, expected) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => {}
        }
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fp)
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            f64::from(self.tp) / f64::from(self.tp + self.fn_)
        }
    }
}

struct Replayed {
    line: Line,
    name_key: String,
    links: IdentityLinks,
    shingles: BTreeSet<[char; 3]>,
}

/// What one replay of the stream measured.
struct Outcome {
    kinds: BTreeMap<FlagKind, Tally>,
    /// actor → (abusive, pattern, the kinds of its warning flags)
    actors: BTreeMap<String, (bool, String, BTreeSet<FlagKind>)>,
    /// Content kinds on the held-out texts, by round.
    held_out: BTreeMap<(u8, FlagKind), Tally>,
    /// Per labelled repeat: the best character similarity and restatement in its history.
    repeats: Vec<(f64, Option<f64>)>,
    apps: HashMap<CaseId, Replayed>,
    clusters_by_key: HashMap<CaseId, Cluster>,
    /// Misses and false alarms, one line each.
    misses: Vec<String>,
    /// Restatement questions asked and cases they covered.
    asked: (usize, usize),
}

fn stream() -> Vec<Line> {
    let mut lines: Vec<Line> = STREAM
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("stream line"))
        .collect();
    lines.sort_by_key(|l| (l.received_on, l.id));
    lines
}

/// The similar-case index over the stream's requests, as the server keeps it (one document
/// per case; the stream has no reply texts to add).
fn stream_index(lines: &[Line]) -> SimilarIndex {
    let index = SimilarIndex::open_in_ram().expect("index");
    let docs: Vec<CaseDoc> = lines
        .iter()
        .map(|l| CaseDoc {
            case_id: l.id,
            agency_path: l.agency.clone(),
            year: l.received_on.year(),
            disposition: None,
            text: l.text.clone(),
        })
        .collect();
    index.upsert_many(&docs).expect("upsert");
    index.commit().expect("commit");
    index
}

/// Replays the stream in date order the way intake screens: hashing, incremental clustering,
/// the history with character similarity and, with `index`, the similar-case index's
/// restatement for the candidates [`ScreeningInput::restatement_candidates`] names.
fn replay(
    lines: &[Line],
    thresholds: &ScreeningThresholds,
    index: Option<&SimilarIndex>,
) -> Outcome {
    let mut apps: HashMap<CaseId, Replayed> = HashMap::new();
    let mut clusters_by_key: HashMap<CaseId, Cluster> = HashMap::new();
    let mut cluster_of_hash: HashMap<(LinkKind, String), CaseId> = HashMap::new();
    let mut kinds: BTreeMap<FlagKind, Tally> = FlagKind::ALL
        .iter()
        .map(|&k| (k, Tally::default()))
        .collect();
    let mut actors: BTreeMap<String, (bool, String, BTreeSet<FlagKind>)> = BTreeMap::new();
    let mut repeats: Vec<(f64, Option<f64>)> = Vec::new();
    let mut held_out: BTreeMap<(u8, FlagKind), Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut asked = (0, 0);

    for line in lines.iter().cloned() {
        let (name_key, links) = identity(&line.applicant);
        // Intake: look the hashes up, merge the touching clusters with the new application.
        let touching_keys: BTreeSet<CaseId> = links
            .iter()
            .filter_map(|(k, h)| cluster_of_hash.get(&(k, h.to_owned())).copied())
            .collect();
        let touching: Vec<Cluster> = touching_keys
            .iter()
            .filter_map(|k| clusters_by_key.remove(k))
            .collect();
        let cluster = join(line.id, &links, touching).expect("consistent lookups");
        for link in &cluster.links {
            cluster_of_hash.insert((link.kind, link.hash.clone()), cluster.key());
        }

        let application = Application {
            id: line.id,
            tracking_no: None,
            agency: line.agency.clone(),
            received_on: line.received_on,
            text: line.text.clone(),
            name_key: name_key.clone(),
            links: links.clone(),
        };
        let sh = shingles(&line.text);
        let history: Vec<PastApplication> = cluster
            .members
            .iter()
            .filter(|&&m| m != line.id)
            .filter_map(|m| apps.get(m))
            .map(|r| {
                let similarity = jaccard_sets(&sh, &r.shingles);
                PastApplication {
                    application: Application {
                        id: r.line.id,
                        tracking_no: None,
                        agency: r.line.agency.clone(),
                        received_on: r.line.received_on,
                        text: r.line.text.clone(),
                        name_key: r.name_key.clone(),
                        links: r.links.clone(),
                    },
                    answered: r.line.answered_on.map(|on| Answer {
                        on,
                        agency: r.line.agency.clone(),
                    }),
                    proceedings: r.line.proceedings.clone(),
                    similarity: Some(similarity),
                    restatement: None,
                }
            })
            .collect();
        clusters_by_key.insert(cluster.key(), cluster);

        let mut input = ScreeningInput {
            application,
            history,
        };
        if let Some(index) = index {
            input = input.restated_by(thresholds, |core, candidates| {
                let cores: Vec<(CaseId, String)> = candidates
                    .iter()
                    .map(|h| (h.application.id, text::request_core(&h.application.text)))
                    .collect();
                let among: Vec<(CaseId, &str)> =
                    cores.iter().map(|(id, t)| (*id, t.as_str())).collect();
                asked.0 += 1;
                asked.1 += candidates.len();
                index
                    .restatement(core, &among, thresholds.restatement as f32)
                    .expect("restatement")
                    .into_iter()
                    .map(|(id, r)| (id, f64::from(r)))
                    .collect()
            });
        }
        let flags = screen(&input, thresholds);
        let predicted: BTreeSet<FlagKind> = flags.iter().map(Flag::kind).collect();
        for (&kind, tally) in kinds.iter_mut() {
            let (p, e) = (predicted.contains(&kind), line.expect.contains(&kind));
            tally.add(p, e);
            if line.held_out > 0 {
                held_out.entry((line.held_out, kind)).or_default().add(p, e);
            }
            if p != e {
                // For the same-request kinds, the closest earlier request by each measure.
                let closest = if matches!(kind, FlagKind::Repeat | FlagKind::LitigationOverlap) {
                    let best = |f: &dyn Fn(&PastApplication) -> Option<f64>| {
                        input
                            .history
                            .iter()
                            .filter_map(|h| f(h).map(|v| (v, h.application.text.as_str())))
                            .max_by(|a, b| a.0.total_cmp(&b.0))
                    };
                    format!(
                        " | similarity {:?} | restatement {:?}",
                        best(&|h| h.similarity),
                        best(&|h| h.restatement)
                    )
                } else {
                    String::new()
                };
                misses.push(format!(
                    "{} {:?} #{} {} [{}] {}{closest}",
                    if p { "FALSE ALARM" } else { "MISS" },
                    kind,
                    line.id,
                    line.received_on,
                    line.pattern,
                    line.text
                ));
            }
        }
        // Separation of the similarity for same-request pairs vs the rest, by the labels'
        // repeat/proxy/broadcast/litigation kinds (recorded for docs).
        if line.expect.contains(&FlagKind::Repeat) {
            let best = input
                .history
                .iter()
                .filter_map(|h| h.similarity)
                .fold(0.0, f64::max);
            let restated = input
                .history
                .iter()
                .filter_map(|h| h.restatement)
                .reduce(f64::max);
            repeats.push((best, restated));
        }
        let entry = actors.entry(line.actor.clone()).or_insert((
            line.abusive,
            line.pattern.clone(),
            BTreeSet::new(),
        ));
        entry.2.extend(
            flags
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .map(Flag::kind),
        );
        apps.insert(
            line.id,
            Replayed {
                line,
                name_key,
                links,
                shingles: sh,
            },
        );
    }

    Outcome {
        kinds,
        actors,
        held_out,
        repeats,
        apps,
        clusters_by_key,
        misses,
        asked,
    }
}

/// Abusive clusters: an actor is flagged when any of its applications got a warning.
fn cluster_verdicts(outcome: &Outcome) -> Tally {
    let mut tally = Tally::default();
    for (abusive, _, warned) in outcome.actors.values() {
        tally.add(!warned.is_empty(), *abusive);
    }
    tally
}

#[test]
#[allow(clippy::print_stdout)]
fn screening_quality() {
    let show_misses = std::env::var_os("YISHEN_SCREENING_MISSES").is_some();
    let lines = stream();
    assert!(
        lines.len() >= 2_000,
        "the stream holds {} applications",
        lines.len()
    );
    let thresholds = ScreeningThresholds::default();
    let index = stream_index(&lines);

    // Where a restated request counts as the same one: the rules measured with character
    // similarity only, then with the index's restatement at several thresholds.
    println!("restatement threshold: repeat, litigation_overlap, proxy and abusive clusters (p/r)");
    let show = |label: &str, o: &Outcome| {
        let (r, l) = (
            &o.kinds[&FlagKind::Repeat],
            &o.kinds[&FlagKind::LitigationOverlap],
        );
        let p = &o.kinds[&FlagKind::Proxy];
        let c = cluster_verdicts(o);
        println!(
            "  {label:<14} repeat {:.3}/{:.3} (tp {} fp {} fn {})  litigation {:.3}/{:.3}  proxy {:.3}/{:.3}  clusters {:.3}/{:.3}",
            r.precision(),
            r.recall(),
            r.tp,
            r.fp,
            r.fn_,
            l.precision(),
            l.recall(),
            p.precision(),
            p.recall(),
            c.precision(),
            c.recall()
        );
    };
    let without = replay(&lines, &thresholds, None);
    show("no index", &without);
    for r in [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] {
        let t = ScreeningThresholds {
            restatement: r,
            ..thresholds.clone()
        };
        show(&format!("index {r:.2}"), &replay(&lines, &t, Some(&index)));
    }

    let outcome = replay(&lines, &thresholds, Some(&index));
    let Outcome {
        kinds,
        actors,
        held_out,
        repeats,
        apps,
        clusters_by_key,
        misses,
        asked,
    } = &outcome;
    if show_misses {
        for m in misses {
            println!("{m}");
        }
    }
    println!(
        "screening quality over {} applications (restatement asked {} times, {} cases)",
        apps.len(),
        asked.0,
        asked.1
    );
    println!(
        "{:<20} {:>5} {:>5} {:>5} {:>9} {:>7}",
        "kind", "tp", "fp", "fn", "precision", "recall"
    );
    for (kind, t) in kinds {
        println!(
            "{:<20} {:>5} {:>5} {:>5} {:>9.3} {:>7.3}",
            kind.as_str(),
            t.tp,
            t.fp,
            t.fn_,
            t.precision(),
            t.recall()
        );
    }

    for ((round, kind), t) in held_out {
        if matches!(
            kind,
            FlagKind::Petition | FlagKind::Consultation | FlagKind::Publication
        ) {
            println!(
                "  held-out round {round} {:<14} {:>3} {:>3} {:>3} {:>9.3} {:>7.3}",
                kind.as_str(),
                t.tp,
                t.fp,
                t.fn_,
                t.precision(),
                t.recall()
            );
        }
    }

    // Abusive clusters: an actor is flagged when any of its applications got a warning.
    let mut cluster_tally = Tally::default();
    let mut by_pattern: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for (actor, (abusive, pattern, warned)) in actors {
        cluster_tally.add(!warned.is_empty(), *abusive);
        let e = by_pattern.entry(pattern.as_str()).or_default();
        e.0 += 1;
        e.1 += u32::from(!warned.is_empty());
        if show_misses && *abusive == warned.is_empty() {
            println!("CLUSTER {actor} abusive={abusive} warnings={warned:?}");
        }
    }
    println!(
        "abusive clusters: tp {} fp {} fn {} precision {:.3} recall {:.3}",
        cluster_tally.tp,
        cluster_tally.fp,
        cluster_tally.fn_,
        cluster_tally.precision(),
        cluster_tally.recall()
    );
    for (pattern, (n, warned)) in &by_pattern {
        println!("  {pattern:<22} {warned:>4} of {n:>4} actors with a warning");
    }

    // 条例44 suggestions over the final clusters.
    let cluster_key: HashMap<CaseId, CaseId> = clusters_by_key
        .values()
        .flat_map(|c| c.members.iter().map(move |&m| (m, c.key())))
        .collect();
    let mut by_agency: BTreeMap<&str, Vec<&Replayed>> = BTreeMap::new();
    for r in apps.values() {
        by_agency.entry(r.line.agency.as_str()).or_default().push(r);
    }
    let mut items = Vec::new();
    let mut pairs = Vec::new();
    for rs in by_agency.values_mut() {
        rs.sort_by_key(|r| r.line.id);
        for (i, a) in rs.iter().enumerate() {
            items.push(RequestItem {
                case: a.line.id,
                cluster: cluster_key.get(&a.line.id).copied().unwrap_or(a.line.id),
                agency: a.line.agency.clone(),
                disclosed: a.line.disclosed,
            });
            for b in &rs[i + 1..] {
                let s = jaccard_sets(&a.shingles, &b.shingles);
                if s >= thresholds.near_duplicate
                    && same_request(&a.line.text, &b.line.text, s, &thresholds)
                {
                    pairs.push((a.line.id, b.line.id));
                }
            }
        }
    }
    let suggestions = suggest_publication(
        &group_requests(&items, &pairs),
        thresholds.publish_min_clusters,
    );
    let expected: Vec<ExpectedSuggestion> =
        serde_json::from_str(PUBLICATION).expect("publication.json");
    let overlap = |a: &[CaseId], b: &[CaseId]| -> f64 {
        let a: BTreeSet<_> = a.iter().collect();
        let b: BTreeSet<_> = b.iter().collect();
        a.intersection(&b).count() as f64 / a.union(&b).count() as f64
    };
    let mut matched = vec![false; expected.len()];
    let mut suggestion_tally = Tally::default();
    for s in &suggestions {
        let hit = expected.iter().enumerate().find(|(i, e)| {
            !matched[*i] && e.agency == s.agency && overlap(&e.cases, &s.cases) >= 0.5
        });
        match hit {
            Some((i, _)) => {
                matched[i] = true;
                suggestion_tally.tp += 1;
            }
            None => {
                suggestion_tally.fp += 1;
                if show_misses {
                    println!("FALSE SUGGESTION {} {:?}", s.agency, s.cases);
                }
            }
        }
    }
    for (i, e) in expected.iter().enumerate() {
        if !matched[i] {
            suggestion_tally.fn_ += 1;
            if show_misses {
                println!("MISSED SUGGESTION {} {:?}", e.agency, e.cases);
            }
        }
    }
    println!(
        "条例44 suggestions: tp {} fp {} fn {} precision {:.3} recall {:.3}",
        suggestion_tally.tp,
        suggestion_tally.fp,
        suggestion_tally.fn_,
        suggestion_tally.precision(),
        suggestion_tally.recall()
    );
    let low: Vec<&(f64, Option<f64>)> = repeats
        .iter()
        .filter(|(s, _)| *s < thresholds.near_duplicate)
        .collect();
    let restated = low
        .iter()
        .filter(|(_, r)| r.is_some_and(|r| r >= thresholds.restatement))
        .count();
    println!(
        "labelled repeats whose best similarity is below {}: {} of {}; restated at {} or more: {}",
        thresholds.near_duplicate,
        low.len(),
        repeats.len(),
        thresholds.restatement,
        restated
    );

    let (with, alone) = (&kinds[&FlagKind::Repeat], &without.kinds[&FlagKind::Repeat]);
    assert!(
        with.recall() >= alone.recall() + RESTATEMENT_GAIN,
        "the similar-case index adds too little to repeat recall: {:.3} vs {:.3}",
        with.recall(),
        alone.recall()
    );
    for (kind, min_p, min_r) in KIND_FLOORS {
        let t = &kinds[&kind];
        assert!(
            t.precision() >= min_p,
            "{kind:?} precision {:.3} < {min_p}",
            t.precision()
        );
        assert!(
            t.recall() >= min_r,
            "{kind:?} recall {:.3} < {min_r}",
            t.recall()
        );
    }
    assert!(
        cluster_tally.precision() >= CLUSTER_FLOOR.0 && cluster_tally.recall() >= CLUSTER_FLOOR.1,
        "abusive clusters {:.3}/{:.3} below {CLUSTER_FLOOR:?}",
        cluster_tally.precision(),
        cluster_tally.recall()
    );
    assert!(
        suggestion_tally.precision() >= SUGGESTION_FLOOR.0
            && suggestion_tally.recall() >= SUGGESTION_FLOOR.1,
        "suggestions {:.3}/{:.3} below {SUGGESTION_FLOOR:?}",
        suggestion_tally.precision(),
        suggestion_tally.recall()
    );
}
