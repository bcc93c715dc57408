//! Legal dates are calendar dates in China (Asia/Shanghai, UTC+8 all year: China keeps no
//! daylight saving time), whatever zone the server runs in.
//!
//! The application has one [`Clock`] for legal dates, held in its state: every "today" of a
//! deadline, a receipt or a notice comes from it, so that a test or a demo can pin the date
//! (`YISHEN_TODAY`) and the rules are exercised on a day whose calendar is known.
//! Timestamps of records (`recorded_at`, token expiry) stay on the wall clock.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};

/// Where "today" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    fixed: Option<NaiveDate>,
}

impl Clock {
    /// The wall clock, read in China's time zone.
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock stopped on one day (tests and demos only).
    pub fn fixed(on: NaiveDate) -> Self {
        Self { fixed: Some(on) }
    }

    /// The pinned day, when there is one.
    pub fn pinned(&self) -> Option<NaiveDate> {
        self.fixed
    }

    /// Today's date in China.
    pub fn today(&self) -> NaiveDate {
        self.fixed.unwrap_or_else(system_today)
    }
}

fn system_today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// A stored UTC timestamp as people in China read it: `2026年12月2日 20:51`.
pub fn local(at: NaiveDateTime) -> String {
    let at = at + Duration::hours(8);
    format!(
        "{} {}",
        yishen_domain::calendar::chinese_date(at.date()),
        at.format("%H:%M")
    )
}

/// The day in China of a stored UTC timestamp.
pub fn local_date(at: NaiveDateTime) -> NaiveDate {
    (at + Duration::hours(8)).date()
}

/// A timestamp as stored in the event log: RFC 3339, UTC, microseconds.
pub fn recorded_at() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_answers_its_day_and_the_system_clock_a_day_near_now() {
        let d = NaiveDate::from_ymd_opt(2026, 9, 15).unwrap_or_default();
        assert_eq!(Clock::fixed(d).today(), d);
        assert_eq!(Clock::fixed(d).pinned(), Some(d));
        let sys = Clock::system().today();
        let utc = Utc::now().date_naive();
        assert!(
            sys == utc || sys == utc + Duration::days(1),
            "{sys} vs {utc}"
        );
        assert_eq!(Clock::system().pinned(), None);
    }
}
