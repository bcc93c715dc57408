//! Statistics a reconsideration body (复议机关) keeps over the agencies below it: how often its
//! decisions corrected a reply (结果纠正 / decided), grouped by agency, disposition, legal
//! ground and month, and how promptly the agencies replied (on-time rate, working days to
//! reply). Counting cells this small invites over-reading, so every rate carries its 95 %
//! Wilson score interval and a `small` mark below [`SMALL_CELL`] cases (docs/stats.md).
//!
//! Definitions, in one place:
//! - decided: a reconsideration whose decision is recorded (结果维持, 结果纠正 and 其他结果
//!   alike: rejected and terminated cases are decided too); corrected: its decision falls in
//!   the 结果纠正 bucket ([`ReconsiderationDecision::bucket`], 复议法63–67);
//! - the month of a decision is the month of its `decided_on`;
//! - replied: a concluded case whose disposition has a reply letter ([`Disposition::is_reply`]);
//! - on time: replied with `concluded_on <= due_on` (the due date the clock cached, extension
//!   included); a case without a due date is left out of the on-time rate and counted;
//! - working days to reply: working days `d` with `received_on < d <= concluded_on` on the
//!   loaded calendar, gross of correction and consultation time (which the due date already
//!   allows for); a case whose span reaches a year without a loaded notice is left out and
//!   counted, never guessed.
//!
//! The store streams rows into the counters here; nothing in this module performs I/O.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::outcome::{OutcomeBucket, ReconsiderationDecision};
use crate::{Calendar, Disposition};

/// A cell with fewer cases than this is marked `small` (样本不足5件).
pub const SMALL_CELL: i64 = 5;

/// The normal quantile of the 95 % two-sided interval.
pub const Z_95: f64 = 1.96;

/// The 95 % Wilson score interval for `k` successes in `n` trials, `None` when `n` is zero
/// (or the counts are inconsistent). Unlike the bare proportion ± normal error it stays
/// inside [0, 1] and is honest about 0 of 3 or 5 of 5:
/// centre = (p + z²/2n) / (1 + z²/n), half-width = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²).
pub fn wilson(k: i64, n: i64) -> Option<(f64, f64)> {
    if n <= 0 || k < 0 || k > n {
        return None;
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// A proportion with its interval; `rate`, `low` and `high` are `None` for 0 of 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub numerator: i64,
    pub denominator: i64,
    pub rate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// Fewer than [`SMALL_CELL`] cases: show the interval, not the percentage.
    pub small: bool,
}

impl Rate {
    pub fn of(numerator: i64, denominator: i64) -> Self {
        let interval = wilson(numerator, denominator);
        Self {
            numerator,
            denominator,
            rate: interval.map(|_| numerator as f64 / denominator as f64),
            low: interval.map(|(l, _)| l),
            high: interval.map(|(_, h)| h),
            small: denominator < SMALL_CELL,
        }
    }
}

/// The `percent`th percentile of ascending `sorted` values by the nearest-rank method: the
/// value at rank ⌈percent/100 · n⌉ (at least 1). It is always an observed value, so a
/// median of an even count is the lower of the two middle values, never their mean.
pub fn nearest_rank(sorted: &[u32], percent: u32) -> Option<u32> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (percent as usize * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

/// The distribution of working days to reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplyDays {
    pub n: i64,
    pub median: Option<u32>,
    pub p90: Option<u32>,
    pub small: bool,
}

impl ReplyDays {
    pub fn of(mut days: Vec<u32>) -> Self {
        days.sort_unstable();
        Self {
            n: days.len() as i64,
            median: nearest_rank(&days, 50),
            p90: nearest_rank(&days, 90),
            small: (days.len() as i64) < SMALL_CELL,
        }
    }
}

/// An agency as the statistics name it; groups are listed in `path` (tree) order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyRef {
    pub code: String,
    pub name: String,
    pub path: String,
}

/// One group of a breakdown: a stable key, its Chinese label and the rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateItem {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub rate: Rate,
}

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    corrected: i64,
    decided: i64,
}

impl Tally {
    fn add(&mut self, corrected: bool) {
        self.decided += 1;
        if corrected {
            self.corrected += 1;
        }
    }

    fn item(self, key: impl Into<String>, label: impl Into<String>) -> RateItem {
        RateItem {
            key: key.into(),
            label: label.into(),
            rate: Rate::of(self.corrected, self.decided),
        }
    }
}

/// The key and label of a reply that was never given (a reconsideration of inaction).
pub const NO_REPLY: (&str, &str) = ("no_reply", "未作出答复");
/// The key and label of a disposition code the catalogue does not know.
pub const UNKNOWN: (&str, &str) = ("unknown", "未知答复类型");
/// The ground key and label of a disposition whose catalogue entry names no article.
pub const UNSPECIFIED_GROUND: (&str, &str) = ("unspecified", "未列明条款依据");

/// Where a case's disposition is grouped: a catalogue entry, no reply, or an unknown code.
fn classify(disposition: Option<&str>) -> Result<Disposition, (&'static str, &'static str)> {
    match disposition {
        None => Err(NO_REPLY),
        Some(code) => Disposition::parse(code).ok_or(UNKNOWN),
    }
}

/// The legal ground of a disposition (its article), as key and label.
fn ground(d: Disposition) -> (&'static str, &'static str) {
    match d.article() {
        "" => UNSPECIFIED_GROUND,
        a => (a, a),
    }
}

fn month_key(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}

/// Correction rates by agency, disposition, legal ground and month of decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorrectionStats {
    pub by_agency: Vec<RateItem>,
    pub by_disposition: Vec<RateItem>,
    pub by_ground: Vec<RateItem>,
    pub by_month: Vec<RateItem>,
    pub overall: RateItem,
    /// Rows left out because their decision code is unknown.
    #[serde(skip)]
    pub unrecognised: i64,
}

/// Counts decided reconsiderations one at a time into [`CorrectionStats`].
#[derive(Debug, Clone)]
pub struct CorrectionCounter {
    from: NaiveDate,
    to: NaiveDate,
    agencies: BTreeMap<String, (AgencyRef, Tally)>,
    dispositions: BTreeMap<&'static str, Tally>,
    grounds: BTreeMap<&'static str, Tally>,
    months: BTreeMap<(i32, u32), Tally>,
    overall: Tally,
    unrecognised: i64,
}

impl CorrectionCounter {
    /// A counter for decisions made in `from..=to`; every month of the range is listed,
    /// with or without decisions.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        let mut months = BTreeMap::new();
        let mut m = from.with_day(1);
        while let Some(d) = m.filter(|d| *d <= to) {
            months.insert(month_key(d), Tally::default());
            m = d.checked_add_months(chrono::Months::new(1));
        }
        Self {
            from,
            to,
            agencies: BTreeMap::new(),
            dispositions: BTreeMap::new(),
            grounds: BTreeMap::new(),
            months,
            overall: Tally::default(),
            unrecognised: 0,
        }
    }

    /// Lists an agency of the scope even if none of its cases was decided.
    pub fn seed_agency(&mut self, agency: &AgencyRef) {
        self.agencies
            .entry(agency.path.clone())
            .or_insert_with(|| (agency.clone(), Tally::default()));
    }

    /// Adds one decided reconsideration of a case of `agency` concluded with `disposition`
    /// (`None`: never replied). Decisions outside the range and unknown decision codes are
    /// not counted (the latter are reported by [`CorrectionStats::unrecognised`]).
    pub fn add(
        &mut self,
        agency: &AgencyRef,
        disposition: Option<&str>,
        decision: &str,
        decided_on: NaiveDate,
    ) {
        if decided_on < self.from || decided_on > self.to {
            return;
        }
        let Some(decision) = ReconsiderationDecision::parse(decision) else {
            self.unrecognised += 1;
            return;
        };
        let corrected = decision.bucket() == OutcomeBucket::Corrected;
        self.seed_agency(agency);
        if let Some((_, t)) = self.agencies.get_mut(&agency.path) {
            t.add(corrected);
        }
        let (d_key, g_key) = match classify(disposition) {
            Ok(d) => (d.as_str(), ground(d).0),
            Err((key, _)) => (key, key),
        };
        self.dispositions.entry(d_key).or_default().add(corrected);
        self.grounds.entry(g_key).or_default().add(corrected);
        self.months
            .entry(month_key(decided_on))
            .or_default()
            .add(corrected);
        self.overall.add(corrected);
    }

    pub fn finish(self) -> CorrectionStats {
        let tail = [NO_REPLY, UNKNOWN];
        let by_disposition = Disposition::ALL
            .iter()
            .map(|d| (d.as_str(), d.label()))
            .chain(tail)
            .filter_map(|(key, label)| Some(self.dispositions.get(key)?.item(key, label)))
            .collect();
        // Grounds in the catalogue order of their first disposition.
        let mut grounds: Vec<(&str, &str)> = Vec::new();
        for g in Disposition::ALL
            .iter()
            .map(|d| ground(*d))
            .chain([UNSPECIFIED_GROUND])
            .chain(tail)
        {
            if !grounds.contains(&g) {
                grounds.push(g);
            }
        }
        let by_ground = grounds
            .into_iter()
            .filter_map(|(key, label)| Some(self.grounds.get(key)?.item(key, label)))
            .collect();
        CorrectionStats {
            by_agency: self
                .agencies
                .into_values()
                .map(|(a, t)| t.item(a.code, a.name))
                .collect(),
            by_disposition,
            by_ground,
            by_month: self
                .months
                .into_iter()
                .map(|((y, m), t)| t.item(format!("{y:04}-{m:02}"), format!("{y}年{m}月")))
                .collect(),
            overall: self.overall.item("overall", "合计"),
            unrecognised: self.unrecognised,
        }
    }
}

/// One group of the timeliness breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinessItem {
    pub key: String,
    pub label: String,
    pub on_time: Rate,
    pub reply_days: ReplyDays,
}

#[derive(Debug, Clone, Default)]
struct Timing {
    on_time: i64,
    with_due: i64,
    days: Vec<u32>,
}

impl Timing {
    fn item(self, key: impl Into<String>, label: impl Into<String>) -> TimelinessItem {
        TimelinessItem {
            key: key.into(),
            label: label.into(),
            on_time: Rate::of(self.on_time, self.with_due),
            reply_days: ReplyDays::of(self.days),
        }
    }
}

/// On-time rates and working days to reply, by agency and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinessStats {
    pub by_agency: Vec<TimelinessItem>,
    pub overall: TimelinessItem,
    /// Replied cases counted (whatever was left out of either statistic).
    pub replied: i64,
    /// Concluded without a reply letter (withdrawn, lapsed): in neither statistic.
    pub not_replied: i64,
    /// Replied cases without a due date: left out of the on-time rate.
    pub without_due_date: i64,
    /// Replied cases without a receipt date: left out of the working days.
    pub without_receipt: i64,
    /// Replied cases whose span reaches a year without a loaded calendar: left out of the
    /// working days.
    pub calendar_missing: i64,
}

/// Counts concluded cases one at a time into [`TimelinessStats`].
#[derive(Debug, Clone, Default)]
pub struct TimelinessCounter {
    agencies: BTreeMap<String, (AgencyRef, Timing)>,
    overall: Timing,
    replied: i64,
    not_replied: i64,
    without_due_date: i64,
    without_receipt: i64,
    calendar_missing: i64,
}

impl TimelinessCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Lists an agency of the scope even if it concluded nothing.
    pub fn seed_agency(&mut self, agency: &AgencyRef) {
        self.agencies
            .entry(agency.path.clone())
            .or_insert_with(|| (agency.clone(), Timing::default()));
    }

    /// Adds one case of `agency` concluded on `concluded_on` with `disposition`.
    pub fn add(
        &mut self,
        calendar: &Calendar,
        agency: &AgencyRef,
        disposition: &str,
        received_on: Option<NaiveDate>,
        due_on: Option<NaiveDate>,
        concluded_on: NaiveDate,
    ) {
        // An unknown code is read as a reply: the catalogue lists every lapse.
        if Disposition::parse(disposition).is_some_and(|d| !d.is_reply()) {
            self.not_replied += 1;
            return;
        }
        self.replied += 1;
        self.seed_agency(agency);
        let on_time = match due_on {
            Some(due) => Some(concluded_on <= due),
            None => {
                self.without_due_date += 1;
                None
            }
        };
        let days = match received_on {
            Some(r) => match calendar.working_days_between(r, concluded_on) {
                Ok(n) => Some(n),
                Err(_) => {
                    self.calendar_missing += 1;
                    None
                }
            },
            None => {
                self.without_receipt += 1;
                None
            }
        };
        let overall = &mut self.overall;
        let group = self.agencies.get_mut(&agency.path).map(|(_, t)| t);
        for t in [Some(overall), group].into_iter().flatten() {
            if let Some(ok) = on_time {
                t.with_due += 1;
                t.on_time += i64::from(ok);
            }
            if let Some(n) = days {
                t.days.push(n);
            }
        }
    }

    pub fn finish(self) -> TimelinessStats {
        TimelinessStats {
            by_agency: self
                .agencies
                .into_values()
                .map(|(a, t)| t.item(a.code, a.name))
                .collect(),
            overall: self.overall.item("overall", "合计"),
            replied: self.replied,
            not_replied: self.not_replied,
            without_due_date: self.without_due_date,
            without_receipt: self.without_receipt,
            calendar_missing: self.calendar_missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::tests::shipped;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.0005
    }

    fn agency(code: &str, path: &str) -> AgencyRef {
        AgencyRef {
            code: code.into(),
            name: format!("{code}机关"),
            path: path.into(),
        }
    }

    #[test]
    fn wilson_matches_the_published_values() {
        // z = 1.96, z² = 3.8416: 0/10 → [0, 0.2775]; 5/10 → [0.2366, 0.7634];
        // 10/10 → [0.7225, 1]; 1/4 → [0.0456, 0.6994].
        for (k, n, low, high) in [
            (0, 10, 0.0, 0.2775),
            (5, 10, 0.2366, 0.7634),
            (10, 10, 0.7225, 1.0),
            (1, 4, 0.0456, 0.6994),
        ] {
            let (l, h) = wilson(k, n).expect("interval");
            assert!(close(l, low) && close(h, high), "{k}/{n}: {l} {h}");
        }
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    #[test]
    fn rates_mark_small_cells_and_empty_ones() {
        let r = Rate::of(1, 4);
        assert_eq!(r.rate, Some(0.25));
        assert!(r.small);
        let r = Rate::of(2, 5);
        assert_eq!(r.rate, Some(0.4));
        assert!(!r.small);
        let r = Rate::of(0, 0);
        assert_eq!((r.rate, r.low, r.high, r.small), (None, None, None, true));
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let ten: Vec<u32> = (1..=10).collect();
        // Median rank ⌈5⌉ = 5, p90 rank ⌈9⌉ = 9.
        assert_eq!(nearest_rank(&ten, 50), Some(5));
        assert_eq!(nearest_rank(&ten, 90), Some(9));
        // n = 11: ranks ⌈5.5⌉ = 6 and ⌈9.9⌉ = 10.
        let eleven: Vec<u32> = (1..=11).map(|x| x * 2).collect();
        assert_eq!(nearest_rank(&eleven, 50), Some(12));
        assert_eq!(nearest_rank(&eleven, 90), Some(20));
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        assert_eq!(nearest_rank(&[], 50), None);
        let d = ReplyDays::of(vec![18, 3, 9, 12]);
        // Sorted 3 9 12 18: median rank 2, p90 rank ⌈3.6⌉ = 4.
        assert_eq!(
            (d.n, d.median, d.p90, d.small),
            (4, Some(9), Some(18), true)
        );
    }

    #[test]
    fn corrections_group_by_agency_disposition_ground_and_month() {
        let a = agency("A", "/A/");
        let b = agency("B", "/A/B/");
        let idle = agency("C", "/A/C/");
        let mut c = CorrectionCounter::new(date("2025-01-01"), date("2025-03-31"));
        c.seed_agency(&idle);
        c.add(
            &b,
            Some("withheld_process_info"),
            "revoked",
            date("2025-01-10"),
        );
        c.add(
            &b,
            Some("withheld_enforcement_file"),
            "upheld",
            date("2025-01-20"),
        );
        c.add(&a, Some("disclosed"), "rejected", date("2025-03-02"));
        c.add(&a, None, "ordered_to_perform", date("2025-03-05"));
        c.add(&a, Some("other"), "confirmed_illegal", date("2025-03-06"));
        c.add(&a, Some("disclosed"), "nonsense", date("2025-03-07"));
        c.add(&a, Some("disclosed"), "revoked", date("2025-04-01"));
        let s = c.finish();
        assert_eq!(s.unrecognised, 1);
        let cells = |items: &[RateItem]| -> Vec<(String, i64, i64)> {
            items
                .iter()
                .map(|i| (i.key.clone(), i.rate.numerator, i.rate.denominator))
                .collect()
        };
        let owned = |v: &[(&str, i64, i64)]| -> Vec<(String, i64, i64)> {
            v.iter().map(|(k, n, d)| (k.to_string(), *n, *d)).collect()
        };
        assert_eq!(
            cells(&s.by_agency),
            owned(&[("A", 2, 3), ("B", 1, 2), ("C", 0, 0)])
        );
        assert_eq!(
            cells(&s.by_disposition),
            owned(&[
                ("disclosed", 0, 1),
                ("withheld_process_info", 1, 1),
                ("withheld_enforcement_file", 0, 1),
                ("other", 1, 1),
                ("no_reply", 1, 1),
            ])
        );
        // 过程性信息 and 执法案卷 rest on the same articles.
        assert_eq!(
            cells(&s.by_ground),
            owned(&[
                ("条例第三十六条第（二）项", 0, 1),
                ("条例第十六条第二款、第三十六条第（三）项", 1, 2),
                ("unspecified", 1, 1),
                ("no_reply", 1, 1),
            ])
        );
        assert_eq!(
            cells(&s.by_month),
            owned(&[("2025-01", 1, 2), ("2025-02", 0, 0), ("2025-03", 2, 3)])
        );
        assert_eq!(s.by_month[2].label, "2025年3月");
        assert_eq!(
            (s.overall.rate.numerator, s.overall.rate.denominator),
            (3, 5)
        );
        assert!(!s.overall.rate.small);
        assert!(s.by_agency[0].rate.small);
    }

    #[test]
    fn timeliness_counts_working_days_and_skips_what_it_cannot_count() {
        let cal = shipped();
        let a = agency("A", "/A/");
        let mut t = TimelinessCounter::new();
        // Mon 2025-03-03 → Mon 2025-03-17: ten working days, due 2025-03-31: on time.
        t.add(
            &cal,
            &a,
            "disclosed",
            Some(date("2025-03-03")),
            Some(date("2025-03-31")),
            date("2025-03-17"),
        );
        // Across 清明 (4–6 April 2025): Tue 04-01 → Tue 04-08 counts 2, 3, 7, 8 = 4 days;
        // late against a due date of 04-07.
        t.add(
            &cal,
            &a,
            "partially_disclosed",
            Some(date("2025-04-01")),
            Some(date("2025-04-07")),
            date("2025-04-08"),
        );
        // Withdrawn: no reply.
        t.add(
            &cal,
            &a,
            "other_withdrawn",
            Some(date("2025-04-01")),
            Some(date("2025-04-29")),
            date("2025-04-02"),
        );
        // No due date, and a span into 2027 whose notice is not loaded.
        t.add(
            &cal,
            &a,
            "disclosed",
            Some(date("2026-12-20")),
            None,
            date("2027-01-10"),
        );
        let s = t.finish();
        assert_eq!(
            (
                s.replied,
                s.not_replied,
                s.without_due_date,
                s.calendar_missing
            ),
            (3, 1, 1, 1)
        );
        let item = &s.by_agency[0];
        assert_eq!((item.on_time.numerator, item.on_time.denominator), (1, 2));
        assert_eq!(item.reply_days.n, 2);
        assert_eq!(item.reply_days.median, Some(4));
        assert_eq!(item.reply_days.p90, Some(10));
        assert_eq!(s.overall.reply_days, item.reply_days);
    }
}
