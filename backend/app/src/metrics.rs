//! Prometheus metrics (`/metrics`, text exposition format): requests by route and status,
//! latency by route, the connection pool, the time screening adds to intake, and the open
//! cases overdue or due soon per agency (read from the database at each scrape).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AgencyLabels {
    agency: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WhatLabels {
    what: String,
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 1 ms .. ~16 s
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    pool_connections: Gauge,
    pool_idle: Gauge,
    screening: Histogram,
    overdue: Family<AgencyLabels, Gauge>,
    due_soon: Family<AgencyLabels, Gauge>,
    notifications: Family<OutcomeLabels, Counter>,
    throttled: Family<WhatLabels, Counter>,
    login_locks: Family<WhatLabels, Counter>,
    audit_broken: Gauge,
    audit_runs: Counter,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("yishen");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let pool_connections = Gauge::default();
        let pool_idle = Gauge::default();
        // 0.25 ms .. ~4 s: screening at intake is meant to stay within a few milliseconds.
        let screening = Histogram::new(exponential_buckets(0.000_25, 2.0, 15));
        registry.register(
            "screening_duration_seconds",
            "Time screening a newly filed application against its identity cluster",
            screening.clone(),
        );
        registry.register("http_requests", "HTTP requests served", requests.clone());
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request",
            latency.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Open database connections",
            pool_connections.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            pool_idle.clone(),
        );
        let overdue = Family::<AgencyLabels, Gauge>::default();
        let due_soon = Family::<AgencyLabels, Gauge>::default();
        registry.register(
            "cases_overdue",
            "Open cases past their reply deadline, by agency code",
            overdue.clone(),
        );
        registry.register(
            "cases_due_soon",
            "Open cases due within the due-soon threshold (working days), by agency code",
            due_soon.clone(),
        );
        let notifications = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "notification_attempts",
            "Attempts to send a notification, by outcome (sent, retried, dead, skipped)",
            notifications.clone(),
        );
        let throttled = Family::<WhatLabels, Counter>::default();
        registry.register(
            "throttled_requests",
            "Requests refused for too many tries (login, registration, filing)",
            throttled.clone(),
        );
        let login_locks = Family::<WhatLabels, Counter>::default();
        registry.register(
            "login_locks",
            "Temporary login locks after repeated failures, of an account or a client address",
            login_locks.clone(),
        );
        let audit_broken = Gauge::default();
        registry.register(
            "audit_broken",
            "1 when the last audit verification found a case whose events or record were altered",
            audit_broken.clone(),
        );
        let audit_runs = Counter::default();
        registry.register(
            "audit_runs",
            "Audit verifications completed (command or periodic check)",
            audit_runs.clone(),
        );
        Self {
            registry,
            audit_broken,
            audit_runs,
            throttled,
            login_locks,
            requests,
            latency,
            pool_connections,
            pool_idle,
            screening,
            overdue,
            due_soon,
            notifications,
        }
    }

    /// Records the result of an audit verification.
    pub fn audit_verified(&self, broken: bool) {
        self.audit_broken.set(i64::from(broken));
        self.audit_runs.inc();
    }

    /// Counts a request refused for too many tries of `what`.
    pub fn throttled(&self, what: &str) {
        self.throttled
            .get_or_create(&WhatLabels {
                what: what.to_owned(),
            })
            .inc();
    }

    /// Counts a login lock of an `account` or an `address`.
    pub fn login_locked(&self, what: &str) {
        self.login_locks
            .get_or_create(&WhatLabels {
                what: what.to_owned(),
            })
            .inc();
    }

    /// Counts `n` attempts to send a notification that ended in `outcome`.
    pub fn count_notifications(&self, outcome: &str, n: u64) {
        if n > 0 {
            self.notifications
                .get_or_create(&OutcomeLabels {
                    outcome: outcome.to_owned(),
                })
                .inc_by(n);
        }
    }

    pub fn observe_screening(&self, took: std::time::Duration) {
        self.screening.observe(took.as_secs_f64());
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Replaces the deadline gauges with counts read at scrape time (agencies without such
    /// cases disappear rather than keep a stale value).
    pub fn set_deadlines(&self, overdue: &[(String, i64)], due_soon: &[(String, i64)]) {
        for (family, counts) in [(&self.overdue, overdue), (&self.due_soon, due_soon)] {
            family.clear();
            for (agency, n) in counts {
                family
                    .get_or_create(&AgencyLabels {
                        agency: agency.clone(),
                    })
                    .set(*n);
            }
        }
    }

    pub fn render(&self, pool: yishen_store::PoolState) -> Result<String, std::fmt::Error> {
        self.pool_connections.set(i64::from(pool.connections));
        self.pool_idle.set(i64::from(pool.idle));
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}
