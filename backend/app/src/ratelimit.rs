//! A fixed-window request limit per client address, for the public tracking endpoint (which
//! takes a secret query code and must not be open to guessing). Written by hand: it is one
//! map behind a mutex, and the limit is per process; several instances behind a load
//! balancer each apply it, which still bounds guessing to a small multiple.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept before expired windows are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request from `ip`; false when it is over the limit.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= SWEEP_AT {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_window() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        assert!(l.allow(a));
        assert!(l.allow(a));
        assert!(!l.allow(a));
        assert!(l.allow(b));
        let short = RateLimiter::new(1, Duration::from_millis(0));
        assert!(short.allow(a));
        assert!(short.allow(a), "a zero window always restarts");
    }
}
