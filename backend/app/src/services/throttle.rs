//! Limits on guessing and flooding: failed logins per account and per client address, with
//! growing delays and then a temporary lock; registrations, filings and consultations per
//! client address in an hour. The counters are rows of the database (`store::models::throttle`), so several
//! instances behind a load balancer count together. Written here rather than taken from a
//! rate-limiting crate: those keep their counters in one process's memory.
//!
//! The rules, each number a setting (`Settings::throttling`, docs/security.md):
//! - after `login_delay_after` failures of one account, each further try waits 1, 2, 4 … 64 s
//!   after the last failure; at `login_lock_after` failures within `login_lock` the account's
//!   logins are refused for `login_lock`, and an account event is recorded;
//! - a client address is locked the same way after `login_address_lock_after` failures, for
//!   whichever accounts it tries;
//! - a refused try does not check the password and does not count again;
//! - a successful login clears the account's counter (not the address's).

use std::net::IpAddr;

use chrono::{Duration, NaiveDateTime};
use yishen_store::UserId;
use yishen_store::models::throttle::{self as store, AccountEventKind, Throttle};

use crate::ctx::Ctx;
use crate::error::AppError;

/// What is limited per client address and hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Registration,
    Filing,
    Consultation,
}

impl Limit {
    fn key(self) -> &'static str {
        match self {
            Self::Registration => "registration",
            Self::Filing => "filing",
            Self::Consultation => "consultation",
        }
    }

    /// What the refusal says happened, in Chinese.
    fn what(self) -> &'static str {
        match self {
            Self::Registration => "从本网络地址注册账号过于频繁",
            Self::Filing => "从本网络地址提交申请过于频繁（如需集中提交多件申请，请联系受理机关）",
            Self::Consultation => "从本网络地址提交咨询过于频繁",
        }
    }
}

/// The address as counted: an IPv6 client by its /64 network (one subscriber's line), so that
/// cycling through the addresses of one line does not escape the count.
fn address_key(prefix: &str, ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("{prefix}:{v4}"),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{prefix}:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

fn account_key(username: &str) -> String {
    format!("login_account:{}", username.trim().to_lowercase())
}

/// When a counter next lets a try through, if not now: its lock, or the growing delay after
/// `delay_after` failures (1, 2, 4 … 64 s after the last one).
pub fn wait_until(t: &Throttle, delay_after: u32, now: NaiveDateTime) -> Option<NaiveDateTime> {
    if let Some(l) = t.locked_until
        && l > now
    {
        return Some(l);
    }
    let delay_after = i64::from(delay_after);
    if delay_after > 0 && t.count >= delay_after {
        let exp = (t.count - delay_after).clamp(0, 6);
        let until = t.last_at + Duration::seconds(1 << exp);
        if until > now {
            return Some(until);
        }
    }
    None
}

/// The counter after one more failure at `now`: counts start again after `window` or an
/// expired lock; reaching `lock_after` locks for `lock` (and the count starts again). The
/// second value says whether this failure locked it.
pub fn after_failure(
    prev: Option<Throttle>,
    key: String,
    now: NaiveDateTime,
    window: Duration,
    lock_after: u32,
) -> (Throttle, bool) {
    let fresh = || Throttle {
        key: key.clone(),
        count: 0,
        window_start: now,
        last_at: now,
        locked_until: None,
    };
    let mut t = match prev {
        Some(t) if t.locked_until.is_some_and(|l| l <= now) => fresh(),
        Some(t) if now - t.window_start > window && t.locked_until.is_none() => fresh(),
        Some(t) => t,
        None => fresh(),
    };
    t.count += 1;
    t.last_at = now;
    let locked = lock_after > 0 && t.count >= i64::from(lock_after);
    if locked {
        t.locked_until = Some(now + window);
        t.count = 0;
        t.window_start = now;
    }
    (t, locked)
}

/// Refused for now: when the person may try again (China Standard Time, as they read it).
fn refused(until: NaiveDateTime, now: NaiveDateTime, what: &str) -> AppError {
    let local = until + Duration::hours(8);
    AppError::TooManyAttempts {
        retry_after_secs: u64::try_from((until - now).num_seconds().max(1)).unwrap_or(1),
        detail: format!(
            "{what}，请于{}（北京时间）后再试。",
            local.format("%H:%M:%S")
        ),
    }
}

/// Before a password is checked: refused while the account or the address waits. Answers
/// whether the account has failures on record (which a success then clears).
pub async fn login_gate(state: &Ctx, username: &str, ip: Option<IpAddr>) -> Result<bool, AppError> {
    let t = state.settings.throttling.clone();
    let keys = login_keys(username, ip);
    let now = yishen_store::now();
    let found = state
        .read(move |conn| {
            let mut found = Vec::new();
            for (key, delay_after) in keys {
                if let Some(row) = store::find(conn, &key)? {
                    found.push((row, delay_after));
                }
            }
            Ok(found)
        })
        .await?;
    let wait = found
        .iter()
        .filter_map(|(row, account)| {
            let delay_after = if *account { t.login_delay_after } else { 0 };
            wait_until(row, delay_after, now)
        })
        .max();
    match wait {
        Some(until) => {
            state.metrics.throttled("login");
            Err(refused(
                until,
                now,
                "登录失败次数过多，为保护账号安全已暂停登录",
            ))
        }
        None => Ok(found.iter().any(|(_, account)| *account)),
    }
}

/// The counters a login touches: the account's (with its growing delay) and the address's
/// (lock only). `true` marks the account's.
fn login_keys(username: &str, ip: Option<IpAddr>) -> Vec<(String, bool)> {
    let mut keys = vec![(account_key(username), true)];
    if let Some(ip) = ip {
        keys.push((address_key("login_address", ip), false));
    }
    keys
}

/// After a wrong password (or an unknown account): counts for the account and the address,
/// locks either at its threshold, and records the lock on the account (`user_id`, when the
/// account exists).
pub async fn login_failed(
    state: &Ctx,
    username: &str,
    user_id: Option<UserId>,
    ip: Option<IpAddr>,
) -> Result<(), AppError> {
    let t = state.settings.throttling.clone();
    let window = Duration::from_std(t.login_lock).unwrap_or_else(|_| Duration::minutes(15));
    let keys = login_keys(username, ip);
    let now = yishen_store::now();
    let locks = state
        .write(move |conn| {
            let mut locks = Vec::new();
            for (key, account) in keys {
                let lock_after = if account {
                    t.login_lock_after
                } else {
                    t.login_address_lock_after
                };
                let prev = store::find(conn, &key)?;
                let (next, locked) = after_failure(prev, key, now, window, lock_after);
                store::put(conn, &next)?;
                if locked {
                    locks.push(account);
                    if account && let Some(id) = user_id {
                        let until = now + window + Duration::hours(8);
                        store::record_event(
                            conn,
                            id,
                            AccountEventKind::LoginLocked,
                            &format!(
                                "连续{}次密码错误，登录已暂停至{}（北京时间）",
                                t.login_lock_after,
                                until.format("%Y-%m-%d %H:%M")
                            ),
                            now,
                        )?;
                    }
                }
            }
            Ok(locks)
        })
        .await?;
    for account in locks {
        let scope = if account { "account" } else { "address" };
        state.metrics.login_locked(scope);
        tracing::warn!(
            scope,
            user_id = user_id.map(|u| u.get()),
            "logins locked after repeated failures"
        );
    }
    Ok(())
}

/// After a successful login: the account's failures are forgotten.
pub async fn login_succeeded(state: &Ctx, username: &str) -> Result<(), AppError> {
    let key = account_key(username);
    state
        .write(move |conn| Ok(store::clear(conn, &key)?))
        .await?;
    Ok(())
}

/// Counts one `what` from `ip` in the current hour; refused past the setting's number (0: no
/// limit). Without a known address nothing is counted.
pub async fn admit(state: &Ctx, what: Limit, ip: Option<IpAddr>) -> Result<(), AppError> {
    let limit = match what {
        Limit::Registration => state.settings.throttling.registrations_per_hour,
        Limit::Filing => state.settings.throttling.filings_per_hour,
        Limit::Consultation => state.settings.throttling.consultations_per_hour,
    };
    let Some(ip) = ip.filter(|_| limit > 0) else {
        return Ok(());
    };
    let key = address_key(what.key(), ip);
    let now = yishen_store::now();
    let hour = Duration::hours(1);
    let over = state
        .write(move |conn| {
            let prev = store::find(conn, &key)?;
            let next = match prev {
                Some(t) if now - t.window_start <= hour => {
                    if t.count >= i64::from(limit) {
                        return Ok(Some(t.window_start + hour));
                    }
                    Throttle {
                        count: t.count + 1,
                        last_at: now,
                        ..t
                    }
                }
                _ => Throttle {
                    key,
                    count: 1,
                    window_start: now,
                    last_at: now,
                    locked_until: None,
                },
            };
            store::put(conn, &next)?;
            Ok(None)
        })
        .await?;
    match over {
        Some(until) => {
            state.metrics.throttled(what.key());
            Err(refused(until, now, what.what()))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .expect("time")
            + Duration::seconds(i64::from(s))
    }

    #[test]
    fn failures_bring_growing_delays_then_a_lock_that_ends() {
        let window = Duration::minutes(15);
        let mut row = None;
        let mut now = 0;
        for i in 1..=9 {
            let (t, locked) = after_failure(row, "k".into(), at(now), window, 10);
            assert!(!locked, "failure {i}");
            let wait = wait_until(&t, 5, at(now));
            if i < 5 {
                assert_eq!(wait, None, "failure {i}");
            } else {
                let secs = 1 << (i - 5);
                assert_eq!(wait, Some(at(now + secs)), "failure {i}");
                now += secs;
            }
            row = Some(t);
            now += 1;
        }
        let (t, locked) = after_failure(row, "k".into(), at(now), window, 10);
        assert!(locked);
        assert_eq!(wait_until(&t, 5, at(now + 60)), Some(at(now + 900)));
        // After the lock, counting starts again.
        assert_eq!(wait_until(&t, 5, at(now + 901)), None);
        let (t, locked) = after_failure(Some(t), "k".into(), at(now + 901), window, 10);
        assert!(!locked);
        assert_eq!(t.count, 1);
    }

    #[test]
    fn old_failures_are_forgotten_after_the_window() {
        let window = Duration::minutes(15);
        let (t, _) = after_failure(None, "k".into(), at(0), window, 10);
        let (t, _) = after_failure(Some(t), "k".into(), at(10), window, 10);
        assert_eq!(t.count, 2);
        let (t, _) = after_failure(Some(t), "k".into(), at(1000), window, 10);
        assert_eq!(t.count, 1);
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_line() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        assert_eq!(address_key("filing", a), address_key("filing", b));
        let v4: IpAddr = "203.0.113.7".parse().expect("ip");
        assert_eq!(address_key("filing", v4), "filing:203.0.113.7");
    }
}
