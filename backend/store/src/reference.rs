//! Reference data kept as files under `fixtures/` (embedded at build time, so the binary
//! needs no files beside it) and synced into the database idempotently at start.
//!
//! - The holiday calendar (`fixtures/reference/cn_holidays.toml`): a year is written when
//!   missing, or rewritten when the shipped notice changed; a year an administrator loaded
//!   through the API is left alone.
//! - The demo agencies and accounts (`fixtures/demo/`), for `serve --demo` only.

use serde::Deserialize;
use yishen_domain::{Calendar, YearNotice};

use crate::models::{agency, calendar_year};
use crate::{DbConn, StoreError};

const HOLIDAYS_FILE: &str = "fixtures/reference/cn_holidays.toml";
const HOLIDAYS: &str = include_str!("../../../fixtures/reference/cn_holidays.toml");
const DEMO_AGENCIES_FILE: &str = "fixtures/demo/agencies.toml";
const DEMO_AGENCIES: &str = include_str!("../../../fixtures/demo/agencies.toml");
const DEMO_ACCOUNTS_FILE: &str = "fixtures/demo/accounts.toml";
const DEMO_ACCOUNTS: &str = include_str!("../../../fixtures/demo/accounts.toml");

#[derive(Deserialize)]
struct HolidayFile {
    years: Vec<YearNotice>,
}

/// The notices shipped with the binary.
pub fn shipped_notices() -> Result<Vec<YearNotice>, StoreError> {
    let file: HolidayFile = toml::from_str(HOLIDAYS).map_err(|e| StoreError::Fixture {
        file: HOLIDAYS_FILE,
        message: e.to_string(),
    })?;
    for n in &file.years {
        n.check().map_err(|errs| StoreError::Fixture {
            file: HOLIDAYS_FILE,
            message: format!("{}: {:?}", n.year, errs),
        })?;
    }
    Ok(file.years)
}

/// What a sync changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Writes the shipped holiday notices into `calendar_years`.
pub fn sync_holidays(conn: &mut DbConn) -> Result<SyncReport, StoreError> {
    let mut report = SyncReport::default();
    for notice in shipped_notices()? {
        let data = serde_json::to_string(&notice).map_err(|e| StoreError::Fixture {
            file: HOLIDAYS_FILE,
            message: e.to_string(),
        })?;
        let existing = calendar_year::find(conn, notice.year)?;
        match existing {
            Some(row) if row.source == calendar_year::SOURCE_ADMIN || row.data == data => {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.updated += 1,
            None => report.inserted += 1,
        }
        calendar_year::put(
            conn,
            &calendar_year::CalendarYear {
                year: notice.year,
                notice: notice.notice.clone(),
                notice_number: notice.notice_number.clone(),
                data,
                source: calendar_year::SOURCE_FIXTURE.into(),
                updated_by: None,
                updated_at: crate::now(),
            },
        )?;
    }
    Ok(report)
}

/// The calendar as currently loaded in the database.
pub fn load_calendar(conn: &mut DbConn) -> Result<Calendar, StoreError> {
    let mut notices = Vec::new();
    for row in calendar_year::list(conn)? {
        let n: YearNotice = serde_json::from_str(&row.data).map_err(|e| StoreError::Fixture {
            file: "calendar_years",
            message: format!("{}: {e}", row.year),
        })?;
        notices.push(n);
    }
    Calendar::new(notices).map_err(|errs| StoreError::Fixture {
        file: "calendar_years",
        message: format!("{errs:?}"),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAgency {
    pub code: String,
    pub parent: Option<String>,
    pub name: String,
    pub reconsideration_body_name: Option<String>,
    pub court_name: Option<String>,
    pub letter_prefix: Option<String>,
    /// The agency's settings JSON (handling rules, letter contact), as a TOML table.
    #[serde(default)]
    pub settings: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoAccount {
    pub username: String,
    pub role: String,
    pub agency: Option<String>,
    pub display_name: String,
}

#[derive(Deserialize)]
struct DemoAgencies {
    agencies: Vec<DemoAgency>,
}

#[derive(Deserialize)]
struct DemoAccounts {
    accounts: Vec<DemoAccount>,
}

pub fn demo_accounts() -> Result<Vec<DemoAccount>, StoreError> {
    let f: DemoAccounts = toml::from_str(DEMO_ACCOUNTS).map_err(|e| StoreError::Fixture {
        file: DEMO_ACCOUNTS_FILE,
        message: e.to_string(),
    })?;
    Ok(f.accounts)
}

/// Adds the demo agencies that are missing; returns how many were added.
pub fn sync_demo_agencies(conn: &mut DbConn) -> Result<usize, StoreError> {
    let f: DemoAgencies = toml::from_str(DEMO_AGENCIES).map_err(|e| StoreError::Fixture {
        file: DEMO_AGENCIES_FILE,
        message: e.to_string(),
    })?;
    let mut added = 0;
    for a in f.agencies {
        if agency::find_by_code(conn, &a.code)?.is_some() {
            continue;
        }
        let parent = match &a.parent {
            Some(p) => Some(
                agency::find_by_code(conn, p)?.ok_or_else(|| StoreError::Fixture {
                    file: DEMO_AGENCIES_FILE,
                    message: format!("{}: parent {p} is not defined before it", a.code),
                })?,
            ),
            None => None,
        };
        let path = agency::child_path(parent.as_ref(), &a.code);
        let now = crate::now();
        let settings = serde_json::to_string(&a.settings).map_err(|e| StoreError::Fixture {
            file: DEMO_AGENCIES_FILE,
            message: format!("{}: settings: {e}", a.code),
        })?;
        agency::insert(
            conn,
            &agency::NewAgency {
                code: &a.code,
                name: &a.name,
                parent_id: parent.as_ref().map(|p| p.id),
                path: &path,
                reconsideration_body_name: a.reconsideration_body_name.as_deref(),
                court_name: a.court_name.as_deref(),
                letter_prefix: a.letter_prefix.as_deref(),
                settings: &settings,
                created_at: now,
                updated_at: now,
            },
        )?;
        added += 1;
    }
    Ok(added)
}
