//! Deflection: while an applicant types a request on the filing page, the page suggests
//! published answers — FAQ entries and reading-room entries that match, found with the
//! similar-case engine's bigram TF-IDF over public texts only (`inquiries::faq`,
//! `reading_room::search`). The page reports that it showed suggestions on its form (by the
//! form's one-time token, stored hashed), filing that form marks it filed, and the agency sees
//! per month how many forms were shown suggestions, how many were filed and how many were left
//! without filing for more than a day. That is an honest count of abandoned drafts after a
//! suggestion, not a claim that the suggestion answered anyone.

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;
use sha2::{Digest, Sha256};
use yishen_store::models::{agency, filing_suggestion as store};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;

/// A form not filed this long after its suggestions counts as left.
const SETTLE: Duration = Duration::hours(24);
/// Months shown to the agency.
const MONTHS: u32 = 24;

fn token_hash(token: &str) -> Result<String, AppError> {
    let t = token.trim();
    let ok = (20..=100).contains(&t.len())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(AppError::NotFound("填报表单"));
    }
    Ok(hex::encode(Sha256::digest(t.as_bytes())))
}

/// Records that the form `token` showed `faq` FAQ and `reading_room` reading-room
/// suggestions for a request to `agency` (a code; blank when none was chosen yet).
pub async fn shown(
    state: &Ctx,
    token: &str,
    agency_code: Option<String>,
    faq: u32,
    reading_room: u32,
) -> Result<(), AppError> {
    let hash = token_hash(token)?;
    if faq > 100 || reading_room > 100 {
        return Err(AppError::field("faq", "out_of_range", "建议条数无效"));
    }
    let now = yishen_store::now();
    let month = crate::time::local_date(now).format("%Y-%m").to_string();
    state
        .write(move |conn| {
            let agency_id = match agency_code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                None => None,
                Some(code) => Some(
                    agency::find_by_code(conn, code)?
                        .ok_or_else(|| AppError::field("agency", "unknown_agency", "没有这个机关"))?
                        .id,
                ),
            };
            let as_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
            store::shown(
                conn,
                &hash,
                agency_id,
                &month,
                now,
                as_i32(faq),
                as_i32(reading_room),
            )?;
            Ok(())
        })
        .await
}

/// After the form `token` was filed.
pub async fn filed(state: &Ctx, token: &str) -> Result<(), AppError> {
    let Ok(hash) = token_hash(token) else {
        return Ok(());
    };
    let now = yishen_store::now();
    state
        .write(move |conn| Ok(store::filed(conn, &hash, now)?))
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthRow {
    /// `YYYY-MM`, China time.
    pub month: String,
    /// Filing forms on which suggestions were shown.
    pub shown: i64,
    /// Of them, filed.
    pub filed: i64,
    /// Of them, left without filing for more than a day.
    pub left: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub agency: String,
    pub months: Vec<MonthRow>,
}

/// The count for the actor's agency, by month.
pub async fn report(state: &Ctx, actor: &Actor) -> Result<Report, AppError> {
    if actor.role == yishen_domain::Role::Applicant {
        return Err(AppError::Forbidden("只有机关工作人员可以查看".into()));
    }
    let a = actor
        .agency
        .clone()
        .ok_or_else(|| AppError::Forbidden("该账号未归属任何机关".into()))?;
    let now: NaiveDateTime = yishen_store::now();
    let since = crate::time::local_date(now)
        .checked_sub_months(chrono::Months::new(MONTHS))
        .unwrap_or_default()
        .format("%Y-%m")
        .to_string();
    let rows = state
        .read(move |conn| Ok(store::by_month(conn, a.id, &since, now - SETTLE)?))
        .await?;
    Ok(Report {
        agency: a.code,
        months: rows
            .into_iter()
            .map(|(month, shown, filed, left)| MonthRow {
                month,
                shown,
                filed,
                left,
            })
            .collect(),
    })
}
