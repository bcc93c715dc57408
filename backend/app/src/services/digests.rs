//! Each person's daily digest: one message a day listing the cases they handle that are past
//! their due date or due within three working days (`domain::notify::digest`), instead of one
//! message per case. A case without a handler goes into the digest of its agency's clerks, who
//! assign it.
//!
//! Made by the dispatcher once a day from `YISHEN_DIGEST_HOUR` (China Standard Time). The
//! day's claim (`job_leases`, `daily_digest:{date}`) and every digest of that day are written in
//! one transaction, so with several instances one of them writes the day's digests, all of
//! them, once; a crash in between leaves nothing claimed and the next look tries again.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Timelike};
use yishen_domain::notify::{self, DIGEST_WORKING_DAYS, DigestLine};
use yishen_store::UserId;
use yishen_store::models::{case as case_store, job_lease, user};

use crate::ctx::Ctx;
use crate::error::AppError;

fn claim_name(day: NaiveDate) -> String {
    format!("daily_digest:{day}")
}

/// Whether today's digests are to be made now: the hour has come and no instance made them.
pub async fn due(ctx: &Ctx) -> Result<bool, AppError> {
    let hour = (chrono::Utc::now() + chrono::Duration::hours(8)).hour();
    if hour < ctx.settings.digest_hour {
        return Ok(false);
    }
    let name = claim_name(ctx.today());
    ctx.read(move |conn| Ok(!job_lease::claimed(conn, &name)?))
        .await
}

/// Makes `today`'s digests unless they were made; answers how many messages were written
/// (0 when another instance made them).
pub async fn make(ctx: &Ctx, today: NaiveDate, holder: &str) -> Result<usize, AppError> {
    let (horizon, due) = ctx
        .read(move |conn| {
            let calendar = yishen_store::reference::load_calendar(conn)?;
            // Without the year's calendar the horizon is the plain three days: the digest
            // still goes, and the queue shows the calendar is missing.
            let horizon = calendar
                .add_working_days(today, DIGEST_WORKING_DAYS)
                .unwrap_or(today + chrono::Duration::days(i64::from(DIGEST_WORKING_DAYS)));
            Ok((horizon, case_store::due_by(conn, horizon)?))
        })
        .await?;
    let holder = holder.to_owned();
    ctx.write(move |conn| {
        let until = yishen_store::now() + chrono::Duration::days(400);
        if !job_lease::claim_once(conn, &claim_name(today), &holder, until)? {
            return Ok(0);
        }
        let mut by_person: BTreeMap<UserId, Vec<DigestLine>> = BTreeMap::new();
        let mut clerks_of = BTreeMap::new();
        for (case_id, tracking_no, due_on, agency, handler) in due {
            let line = DigestLine {
                case_id: case_id.get(),
                tracking_no,
                due_on,
            };
            let people = match handler {
                Some(h) => vec![h],
                None => match clerks_of.get(&agency) {
                    Some(c) => Vec::clone(c),
                    None => {
                        let c: Vec<UserId> = user::active_with_role(
                            conn,
                            agency,
                            yishen_domain::Role::Clerk.as_str(),
                        )?
                        .into_iter()
                        .map(|(id, _)| id)
                        .collect();
                        clerks_of.insert(agency, c.clone());
                        c
                    }
                },
            };
            for p in people {
                by_person.entry(p).or_default().push(line.clone());
            }
        }
        let key = claim_name(today);
        let mut n = 0;
        for (person, lines) in by_person {
            if let Some(notice) = notify::digest(today, horizon, &lines) {
                n += crate::services::notifications::to_staff(
                    conn,
                    None,
                    &[person],
                    &notice,
                    Some(&key),
                )?;
            }
        }
        Ok(n)
    })
    .await
}
