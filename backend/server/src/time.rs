//! Legal dates are calendar dates in China (Asia/Shanghai, UTC+8 all year: China keeps no
//! daylight saving time), whatever zone the server runs in.

use chrono::{Duration, NaiveDate, Utc};

/// Today's date in China.
pub fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// A timestamp as stored in the event log: RFC 3339, UTC, microseconds.
pub fn recorded_at() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}
