//! The working-day calendar (工作日历) that every statutory time limit is counted on.
//!
//! The regulation counts its limits in working days (条例30, 33, 32, 34). Which days are
//! working days is fixed each year by the State Council's notice on public holidays
//! (国务院办公厅关于XXXX年部分节假日安排的通知): the holidays it declares are rest days,
//! the Saturdays and Sundays it declares 调休上班 are working days, every other Monday to
//! Friday works and every other Saturday and Sunday rests.
//!
//! A year whose notice has not been loaded is not guessed: every lookup that touches it fails
//! with [`CalendarError::YearNotCovered`], and an administrator loads the notice when it is
//! published. A notice may place a few days in the previous calendar year (the 元旦 break of
//! 2019 starts on 2018-12-30); such days are looked up by date, whichever notice holds them,
//! and take effect once their own year is covered too.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A date as letters and users read it: 2026年3月2日.
pub fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Earliest and latest year a notice may be loaded for.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;

/// The seven public holidays every year's notice arranges (全国年节及纪念日放假办法), in the
/// order of the year.
pub const STATUTORY_HOLIDAYS: [&str; 7] = [
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
];
/// Longest span a single count may run, in working days. The longest statutory count is
/// 40 working days (条例33: 20 plus an extension of 20); generous room is left for
/// windows that an agency configures.
pub const MAX_WORKING_DAYS: u32 = 400;

/// One year's notice, in the shape of a `[[years]]` entry of `cn_holidays.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearNotice {
    pub year: i32,
    /// Title of the notice, e.g. 国务院办公厅关于2026年部分节假日安排的通知.
    pub notice: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_against: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    #[serde(default)]
    pub holidays: Vec<HolidayPeriod>,
    #[serde(default)]
    pub workdays: Vec<AdjustedWorkday>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancelled_workdays: Vec<CancelledWorkday>,
}

/// A later national notice that changed the year's arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
}

/// A 放假 period, both ends inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayPeriod {
    pub name: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The notice's "共N天"; checked against the dates when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_start: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_end: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
}

/// A Saturday or Sunday declared a working day (调休上班).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustedWorkday {
    pub date: NaiveDate,
    /// 星期六 or 星期日 as printed in the notice; checked against the date when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    /// The holiday this working day makes up for.
    pub holiday: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added_by: Option<String>,
}

/// An adjusted working day that a later notice took back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelledWorkday {
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday: Option<String>,
    pub holiday: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What is wrong with a notice; each names the offending entry so an administrator can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("年份须在{min}至{max}之间")]
    YearOutOfRange { min: i32, max: i32 },
    #[error("通知名称不能为空")]
    MissingTitle,
    #[error("第{index}个放假安排的名称不能为空")]
    HolidayWithoutName { index: usize },
    #[error("第{index}个放假安排的结束日期早于开始日期")]
    HolidayEndsBeforeStart { index: usize },
    #[error("第{index}个放假安排不在{year}年或其前一年")]
    HolidayOutsideYear { index: usize, year: i32 },
    #[error("第{index}个放假安排写明共{stated}天，但日期跨度为{actual}天")]
    HolidayDaysMismatch {
        index: usize,
        stated: u32,
        actual: u32,
    },
    #[error("第{index}个调休上班日{date}不是星期六或星期日")]
    WorkdayNotWeekend { index: usize, date: NaiveDate },
    #[error("第{index}个调休上班日{date}标注的星期与日期不符")]
    WorkdayWeekdayMismatch { index: usize, date: NaiveDate },
    #[error("第{index}个调休上班日{date}不在{year}年或其前一年")]
    WorkdayOutsideYear {
        index: usize,
        date: NaiveDate,
        year: i32,
    },
    #[error("调休上班日{date}落在放假期间内")]
    WorkdayInsideHoliday { date: NaiveDate },
    #[error("日期{date}重复出现在放假安排中")]
    OverlappingHolidays { date: NaiveDate },
    #[error("缺少法定节日“{name}”的放假安排（全国年节及纪念日放假办法）")]
    MissingHoliday { name: &'static str },
    #[error("“{name}”的日期{date}不在{year}年内")]
    NotInYear {
        name: String,
        date: NaiveDate,
        year: i32,
    },
}

impl NoticeError {
    /// The field of the notice the error is about, for problem bodies.
    pub fn field(&self) -> String {
        match self {
            Self::YearOutOfRange { .. } => "year".into(),
            Self::MissingTitle => "notice".into(),
            Self::HolidayWithoutName { index }
            | Self::HolidayEndsBeforeStart { index }
            | Self::HolidayOutsideYear { index, .. }
            | Self::HolidayDaysMismatch { index, .. } => format!("holidays[{}]", index - 1),
            Self::WorkdayNotWeekend { index, .. }
            | Self::WorkdayWeekdayMismatch { index, .. }
            | Self::WorkdayOutsideYear { index, .. } => format!("workdays[{}]", index - 1),
            Self::WorkdayInsideHoliday { .. } => "workdays".into(),
            Self::OverlappingHolidays { .. } => "holidays".into(),
            Self::MissingHoliday { .. } | Self::NotInYear { .. } => "holidays".into(),
        }
    }
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

fn days_in(start: NaiveDate, end: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    start.iter_days().take_while(move |d| *d <= end)
}

impl YearNotice {
    /// Checks the notice for internal consistency; returns every problem found.
    pub fn check(&self) -> Result<(), Vec<NoticeError>> {
        let mut errors = Vec::new();
        if !(MIN_YEAR..=MAX_YEAR).contains(&self.year) {
            errors.push(NoticeError::YearOutOfRange {
                min: MIN_YEAR,
                max: MAX_YEAR,
            });
            return Err(errors);
        }
        if self.notice.trim().is_empty() {
            errors.push(NoticeError::MissingTitle);
        }
        let in_scope = |d: NaiveDate| d.year() == self.year || d.year() == self.year - 1;
        let mut rest_days = BTreeSet::new();
        for (i, h) in self.holidays.iter().enumerate() {
            let index = i + 1;
            if h.name.trim().is_empty() {
                errors.push(NoticeError::HolidayWithoutName { index });
            }
            if h.end < h.start {
                errors.push(NoticeError::HolidayEndsBeforeStart { index });
                continue;
            }
            if !in_scope(h.start) || !in_scope(h.end) {
                errors.push(NoticeError::HolidayOutsideYear {
                    index,
                    year: self.year,
                });
                continue;
            }
            let actual = u32::try_from((h.end - h.start).num_days() + 1).unwrap_or(u32::MAX);
            if let Some(stated) = h.days
                && stated != actual
            {
                errors.push(NoticeError::HolidayDaysMismatch {
                    index,
                    stated,
                    actual,
                });
            }
            for d in days_in(h.start, h.end) {
                if !rest_days.insert(d) {
                    errors.push(NoticeError::OverlappingHolidays { date: d });
                }
            }
        }
        for (i, w) in self.workdays.iter().enumerate() {
            let index = i + 1;
            if !in_scope(w.date) {
                errors.push(NoticeError::WorkdayOutsideYear {
                    index,
                    date: w.date,
                    year: self.year,
                });
                continue;
            }
            if !is_weekend(w.date) {
                errors.push(NoticeError::WorkdayNotWeekend {
                    index,
                    date: w.date,
                });
            } else if let Some(name) = &w.weekday
                && name.trim() != weekday_name(w.date.weekday())
            {
                errors.push(NoticeError::WorkdayWeekdayMismatch {
                    index,
                    date: w.date,
                });
            }
            if rest_days.contains(&w.date) {
                errors.push(NoticeError::WorkdayInsideHoliday { date: w.date });
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks a notice entered by hand for what every real notice has: each of the seven
    /// statutory holidays of the 全国年节及纪念日放假办法 (中秋节 and 国庆节 may share one
    /// period), and every date inside the year, except that the 元旦 break and its 调休 may
    /// reach back into the last days of December (as in 2019 and 2023). [`Self::check`] runs
    /// first; these are the checks a shipped or imported notice is not held to.
    pub fn check_plausible(&self) -> Result<(), Vec<NoticeError>> {
        let mut errors = match self.check() {
            Ok(()) => Vec::new(),
            Err(e) => e,
        };
        let named: BTreeSet<&str> = self
            .holidays
            .iter()
            .flat_map(|h| h.name.split(['、', '，', ',']).map(str::trim))
            .collect();
        for name in STATUTORY_HOLIDAYS {
            if !named.contains(name) {
                errors.push(NoticeError::MissingHoliday { name });
            }
        }
        let mut outside = |name: &str, reaches_back: bool, date: NaiveDate| {
            let ok = date.year() == self.year
                || (date.year() == self.year - 1 && date.month() == 12 && reaches_back);
            if !ok {
                errors.push(NoticeError::NotInYear {
                    name: name.to_owned(),
                    date,
                    year: self.year,
                });
            }
        };
        for h in &self.holidays {
            let back = h.name.trim() == "元旦";
            outside(&h.name, back, h.start);
            if h.end != h.start {
                outside(&h.name, back, h.end);
            }
        }
        for w in &self.workdays {
            let back = w.holiday.trim() == "元旦";
            outside(&format!("{}调休上班日", w.holiday), back, w.date);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The notice's title with its number, as cited in a clock ledger.
    pub fn citation(&self) -> String {
        match &self.notice_number {
            Some(n) => format!("{}（{}）", self.notice, n),
            None => self.notice.clone(),
        }
    }
}

/// Why a count cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{year}年的节假日安排尚未载入，无法计算工作日")]
    YearNotCovered { year: i32 },
    #[error("工作日数须在1至{max}之间")]
    WorkingDaysOutOfRange { max: u32 },
    #[error("日期超出可计算范围")]
    DateOutOfRange,
}

/// What kind of day a date is, with the notice that made it so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayKind {
    /// An ordinary Monday to Friday.
    Working,
    /// A Saturday or Sunday the notice declares 上班.
    AdjustedWorking { holiday: String, notice: String },
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day inside a holiday period of the notice.
    Holiday { name: String, notice: String },
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, Self::Working | Self::AdjustedWorking { .. })
    }

    /// A short Chinese explanation of the day, for clock ledgers.
    pub fn explain(&self) -> String {
        match self {
            Self::Working => "工作日".into(),
            Self::AdjustedWorking { holiday, notice } => {
                format!("调休上班日（{holiday}，依据{notice}）")
            }
            Self::Weekend => "周末".into(),
            Self::Holiday { name, notice } => format!("法定节假日（{name}，依据{notice}）"),
        }
    }
}

#[derive(Debug, Clone)]
enum Special {
    Holiday { name: String, year: i32 },
    Workday { holiday: String, year: i32 },
}

/// The working-day calendar built from the loaded notices.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    covered: BTreeSet<i32>,
    citations: BTreeMap<i32, String>,
    special: HashMap<NaiveDate, Special>,
}

impl Calendar {
    /// Builds a calendar from notices; a later notice for the same year replaces an earlier one.
    pub fn new(notices: impl IntoIterator<Item = YearNotice>) -> Result<Self, Vec<NoticeError>> {
        let mut by_year: BTreeMap<i32, YearNotice> = BTreeMap::new();
        for n in notices {
            n.check()?;
            by_year.insert(n.year, n);
        }
        let mut cal = Calendar::default();
        for (year, n) in by_year {
            cal.covered.insert(year);
            cal.citations.insert(year, n.citation());
            for h in &n.holidays {
                for d in days_in(h.start, h.end) {
                    cal.special.insert(
                        d,
                        Special::Holiday {
                            name: h.name.clone(),
                            year,
                        },
                    );
                }
            }
            for w in &n.workdays {
                cal.special.insert(
                    w.date,
                    Special::Workday {
                        holiday: w.holiday.clone(),
                        year,
                    },
                );
            }
        }
        Ok(cal)
    }

    /// The years whose notices are loaded.
    pub fn covered_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.covered.iter().copied()
    }

    pub fn covers(&self, year: i32) -> bool {
        self.covered.contains(&year)
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: NaiveDate) -> Result<DayKind, CalendarError> {
        if !self.covers(date.year()) {
            return Err(CalendarError::YearNotCovered { year: date.year() });
        }
        let citation = |year: i32| self.citations.get(&year).cloned().unwrap_or_default();
        Ok(match self.special.get(&date) {
            Some(Special::Holiday { name, year }) => DayKind::Holiday {
                name: name.clone(),
                notice: citation(*year),
            },
            Some(Special::Workday { holiday, year }) => DayKind::AdjustedWorking {
                holiday: holiday.clone(),
                notice: citation(*year),
            },
            None if is_weekend(date) => DayKind::Weekend,
            None => DayKind::Working,
        })
    }

    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.day(date)?.is_working())
    }

    /// The `n`th working day after `from`: day 1 is the first working day after `from`
    /// (the day of the triggering act itself never counts).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 || n > MAX_WORKING_DAYS {
            return Err(CalendarError::WorkingDaysOutOfRange {
                max: MAX_WORKING_DAYS,
            });
        }
        let mut counted = 0;
        let mut d = from;
        while counted < n {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                counted += 1;
            }
        }
        Ok(d)
    }

    /// How many working days `d` there are with `after < d <= through`.
    pub fn working_days_between(
        &self,
        after: NaiveDate,
        through: NaiveDate,
    ) -> Result<u32, CalendarError> {
        let mut count = 0;
        let mut d = after;
        while d < through {
            d = next_day(d)?;
            if self.is_working_day(d)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

fn next_day(d: NaiveDate) -> Result<NaiveDate, CalendarError> {
    d.checked_add_days(Days::new(1))
        .ok_or(CalendarError::DateOutOfRange)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference calendar the product ships, read the way the store reads it.
    pub(crate) fn shipped() -> Calendar {
        #[derive(Deserialize)]
        struct File {
            years: Vec<YearNotice>,
        }
        let text = include_str!("../../../fixtures/reference/cn_holidays.toml");
        let file: File = toml::from_str(text).expect("fixture parses");
        Calendar::new(file.years).expect("fixture is consistent")
    }

    #[test]
    fn every_shipped_notice_is_plausible_and_a_gap_is_named() {
        #[derive(Deserialize)]
        struct File {
            years: Vec<YearNotice>,
        }
        let text = include_str!("../../../fixtures/reference/cn_holidays.toml");
        let file: File = toml::from_str(text).expect("fixture parses");
        for notice in &file.years {
            assert_eq!(notice.check_plausible(), Ok(()), "{}", notice.year);
        }
        let mut n = file.years.last().expect("a year").clone();
        n.holidays.retain(|h| h.name != "清明节");
        n.holidays[0].start = NaiveDate::from_ymd_opt(n.year - 1, 6, 1).expect("date");
        let errors = n.check_plausible().expect_err("implausible");
        assert!(errors.contains(&NoticeError::MissingHoliday { name: "清明节" }));
        assert!(
            errors
                .iter()
                .any(|e| matches!(e, NoticeError::NotInYear { .. })),
            "{errors:?}"
        );
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn every_shipped_year_is_covered_and_2027_is_not() {
        let cal = shipped();
        assert_eq!(
            cal.covered_years().collect::<Vec<_>>(),
            (2019..=2026).collect::<Vec<_>>()
        );
        assert_eq!(
            cal.day(date("2027-01-04")),
            Err(CalendarError::YearNotCovered { year: 2027 })
        );
    }

    #[test]
    fn holidays_rest_and_adjusted_weekends_work() {
        let cal = shipped();
        // 2026-02-15 .. 2026-02-23 is the 2026 Spring Festival break; 2026-02-14 (Sat) and
        // 2026-02-28 (Sat) are 调休上班.
        assert!(matches!(
            cal.day(date("2026-02-16")),
            Ok(DayKind::Holiday { .. })
        ));
        assert!(matches!(
            cal.day(date("2026-02-14")),
            Ok(DayKind::AdjustedWorking { .. })
        ));
        assert_eq!(cal.day(date("2026-03-07")), Ok(DayKind::Weekend));
        assert_eq!(cal.day(date("2026-03-09")), Ok(DayKind::Working));
    }

    #[test]
    fn day_one_is_the_first_working_day_after_the_trigger() {
        let cal = shipped();
        // Friday 2026-03-06: day 1 is Monday 2026-03-09.
        assert_eq!(
            cal.add_working_days(date("2026-03-06"), 1),
            Ok(date("2026-03-09"))
        );
        // 20 working days from Monday 2026-03-02 with no holiday in between: 2026-03-30.
        assert_eq!(
            cal.add_working_days(date("2026-03-02"), 20),
            Ok(date("2026-03-30"))
        );
    }

    #[test]
    fn national_day_break_is_skipped() {
        let cal = shipped();
        // 2025: 10-01..10-08 rest, 09-28 (Sun) and 10-11 (Sat) work.
        // From 2025-09-26 (Fri): 09-28 is day 1, 09-29 day 2, 09-30 day 3, 10-09 day 4,
        // 10-10 day 5, 10-11 day 6.
        assert_eq!(
            cal.add_working_days(date("2025-09-26"), 6),
            Ok(date("2025-10-11"))
        );
    }

    #[test]
    fn a_count_running_into_an_unloaded_year_fails() {
        let cal = shipped();
        assert_eq!(
            cal.add_working_days(date("2026-12-20"), 20),
            Err(CalendarError::YearNotCovered { year: 2027 })
        );
    }

    #[test]
    fn zero_or_huge_counts_are_rejected() {
        let cal = shipped();
        assert!(cal.add_working_days(date("2026-03-02"), 0).is_err());
        assert!(
            cal.add_working_days(date("2026-03-02"), MAX_WORKING_DAYS + 1)
                .is_err()
        );
    }

    #[test]
    fn inconsistent_notices_are_rejected_with_the_entry_named() {
        let mut n = YearNotice {
            year: 2027,
            notice: "国务院办公厅关于2027年部分节假日安排的通知".into(),
            notice_number: None,
            notice_date: None,
            verified_against: None,
            sources: vec![],
            amendments: vec![],
            holidays: vec![HolidayPeriod {
                name: "元旦".into(),
                start: date("2027-01-01"),
                end: date("2027-01-03"),
                days: Some(4),
                note: None,
                original_start: None,
                original_end: None,
                changed_by: None,
            }],
            workdays: vec![AdjustedWorkday {
                date: date("2027-01-05"),
                weekday: None,
                holiday: "元旦".into(),
                added_by: None,
            }],
            cancelled_workdays: vec![],
        };
        let errs = n.check().expect_err("bad notice");
        assert!(errs.iter().any(|e| e.field() == "holidays[0]"));
        assert!(errs.iter().any(|e| e.field() == "workdays[0]"));
        n.holidays[0].days = Some(3);
        n.workdays[0].date = date("2027-01-09");
        n.workdays[0].weekday = Some("星期六".into());
        assert_eq!(n.check(), Ok(()));
    }

    fn covered_date() -> impl Strategy<Value = NaiveDate> {
        // 2019-01-01 .. 2026-09-01: a start shifted by 30 days plus 40 working days (about 60
        // calendar days with 国庆) stays inside the covered years.
        (0u64..2800).prop_map(|o| date("2019-01-01") + Days::new(o))
    }

    proptest! {
        #[test]
        fn the_due_date_is_a_working_day_with_exactly_n_working_days_before_it(
            from in covered_date(), n in 1u32..=40
        ) {
            let cal = shipped();
            let due = cal.add_working_days(from, n).expect("covered");
            prop_assert!(due > from);
            prop_assert!(cal.is_working_day(due).expect("covered"));
            prop_assert_eq!(cal.working_days_between(from, due).expect("covered"), n);
        }

        #[test]
        fn counting_further_or_from_later_never_moves_the_due_date_earlier(
            from in covered_date(), n in 1u32..=39, shift in 0u64..30
        ) {
            let cal = shipped();
            let due = cal.add_working_days(from, n).expect("covered");
            prop_assert!(cal.add_working_days(from, n + 1).expect("covered") > due);
            let later = from + Days::new(shift);
            prop_assert!(cal.add_working_days(later, n).expect("covered") >= due);
        }

        #[test]
        fn counts_are_additive(from in covered_date(), a in 1u32..=20, b in 1u32..=20) {
            let cal = shipped();
            let mid = cal.add_working_days(from, a).expect("covered");
            prop_assert_eq!(
                cal.add_working_days(mid, b).expect("covered"),
                cal.add_working_days(from, a + b).expect("covered")
            );
        }
    }
}
