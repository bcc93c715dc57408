//! The one typed configuration value, built in `main` from the environment (`YISHEN_*`) and
//! an optional TOML file named by `YISHEN_CONFIG`, then passed down. Nothing reads the
//! environment after this. The defaults run the embedded mode with no set-up.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// A secret value: never printed by `Debug`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: String,
    /// Where the SQLite file, generated secrets and (later) letters and the index live.
    pub data_dir: PathBuf,
    /// `None`: the SQLite file `yishen.sqlite3` in the data dir.
    pub database_url: Option<String>,
    /// The address people reach the service at (`https://yishen.example.gov.cn`): the QR code
    /// on every letter leads to `{public_url}/verify/{code}`. `None`: `http://{bind}`, which
    /// only serves a trial on one machine.
    pub public_url: Option<String>,
    /// A read-only replica the statistics and the annual report read (optional).
    pub database_replica_url: Option<String>,
    /// HS256 key for access tokens; `None`: generated once into the data dir.
    pub jwt_secret: Option<Secret>,
    /// 32-byte key (hex or base64) encrypting personal data; `None`: generated into the data dir.
    pub data_key: Option<Secret>,
    pub demo_password: Secret,
    /// `tracing` filter directives.
    pub log: String,
    pub log_format: LogFormat,
    pub pool_size: u32,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Largest accepted request body.
    pub body_limit: usize,
    /// Public tracking lookups allowed per client address and minute.
    pub track_per_minute: u32,
    /// Seconds between runs of the window-expiry job; 0 turns the in-server job off (run
    /// `yishen jobs run-once` from cron instead).
    pub jobs_interval_secs: u64,
    /// Minutes between the server's checks of the record (`yishen audit verify`, on one
    /// instance at a time; a break raises `yishen_audit_broken` and a notice on the system
    /// administrator's pages); 0 turns the periodic check off.
    pub audit_interval_minutes: u64,
    /// Working days within which a consultation (线上咨询) is to be answered
    /// (`YISHEN_INQUIRY_ANSWER_DAYS`, 1 to 20; 1 by default, the province's work points: a
    /// target, not a statutory period).
    pub inquiry_answer_days: u32,
    /// Marks the web pages' session cookie `Secure` (set it when the pages are served over
    /// HTTPS, directly or behind a proxy).
    pub cookie_secure: bool,
    /// Pins the legal "today" to one day (`YISHEN_TODAY`, `YYYY-MM-DD`): for tests and demos
    /// only, so that deadlines are computed on a day whose calendar is known. Logged at start.
    pub today: Option<chrono::NaiveDate>,
    /// Where documents' contents live (`YISHEN_BLOB_URL`): `None` is the folder `blobs` under
    /// the data dir; `file:///path` another folder; `s3://bucket/prefix` an S3-compatible
    /// store configured by the usual `AWS_*` variables (`AWS_ENDPOINT`, `AWS_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_ALLOW_HTTP`).
    pub blob_url: Option<String>,
    /// The S3 store's options, from the usual variables ([`AWS_VARIABLES`]), read once here
    /// so that nothing reads the environment later.
    pub blob_options: Vec<(String, Secret)>,
    /// The largest upload accepted per document purpose, in bytes
    /// (`YISHEN_UPLOAD_LIMITS`: `provided=200,identity_proof=10`, in MiB).
    pub upload_limits: UploadLimits,
    /// A virus scanner run on every upload before it is kept (`YISHEN_VIRUS_SCAN_COMMAND`):
    /// the command and its arguments, to which the file's path is appended; exit status 0
    /// means clean, 1 infected, anything else that the file could not be checked.
    pub virus_scan_command: Option<String>,
    /// The mail server notifications go through (`YISHEN_SMTP_URL`: `smtp://host:port`,
    /// `smtp://user:pass@host:port?tls=required` for STARTTLS, `smtps://user:pass@host:port`
    /// for TLS). `None`: no e-mail; e-mail messages are recorded as skipped.
    pub smtp_url: Option<Secret>,
    /// The sender of notifications (`YISHEN_MAIL_FROM`, `依申 <noreply@example.gov.cn>`).
    pub mail_from: Option<String>,
    /// Tries before a message is given up as dead (`YISHEN_NOTIFY_MAX_ATTEMPTS`).
    pub notify_max_attempts: u32,
    /// The wait after the first failure, doubled after each further one up to an hour
    /// (`YISHEN_NOTIFY_RETRY_MS`).
    pub notify_retry: Duration,
    /// Milliseconds between the dispatcher's looks at the outbox (`YISHEN_NOTIFY_INTERVAL_MS`);
    /// 0 turns the in-server dispatcher off (`yishen notify run-once` from cron instead).
    pub notify_interval_ms: u64,
    /// The text-message gateway (`YISHEN_SMS_URL`: `https://KEY_ID:SECRET@host/path?sign=签名`,
    /// see `sms`). `None`: no text messages; none are written and the pages say so.
    pub sms_url: Option<Secret>,
    /// The gateway's template id of each kind of message (`YISHEN_SMS_TEMPLATES`:
    /// `received=SMS_1001,correction_requested=SMS_1002`); a kind not named is sent with its
    /// own code as the template id.
    pub sms_templates: Vec<(String, String)>,
    /// The hour (0–23, China Standard Time) from which each person's daily digest of cases due
    /// and overdue is written (`YISHEN_DIGEST_HOUR`, 8 by default).
    pub digest_hour: u32,
    /// Who may read `/metrics`: the addresses and networks a request may come from
    /// (`YISHEN_METRICS_ALLOW`: `127.0.0.1,10.0.0.0/8`; empty = any).
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// A bearer token `/metrics` requires (`YISHEN_METRICS_TOKEN`; unset = none). With both
    /// set, a request must come from an allowed address and carry the token.
    pub metrics_token: Option<Secret>,
    /// A web session ends after this long without a page served (`YISHEN_SESSION_IDLE_MINUTES`,
    /// 30 by default), besides its 12-hour limit.
    pub session_idle: Duration,
    /// Limits on failed logins, registrations and filings (docs/security.md).
    pub throttling: Throttling,
    /// The proxies whose `X-Forwarded-For` is believed for the client's address
    /// (`YISHEN_TRUSTED_PROXIES`: `127.0.0.1,10.0.0.0/8`; empty = the connection's own peer).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// Limits on guessing and flooding (`services::throttle`); 0 turns a limit off.
#[derive(Debug, Clone)]
pub struct Throttling {
    /// Failures of one account after which each try waits longer (`YISHEN_LOGIN_DELAY_AFTER`, 5).
    pub login_delay_after: u32,
    /// Failures of one account that lock its logins (`YISHEN_LOGIN_LOCK_AFTER`, 10).
    pub login_lock_after: u32,
    /// Failures from one client address that lock its logins (`YISHEN_LOGIN_ADDRESS_LOCK_AFTER`, 50).
    pub login_address_lock_after: u32,
    /// How long failures are counted and a lock lasts (`YISHEN_LOGIN_LOCK_MINUTES`, 15).
    pub login_lock: Duration,
    /// Account registrations per client address and hour (`YISHEN_REGISTRATIONS_PER_HOUR`, 10).
    pub registrations_per_hour: u32,
    /// Online filings by applicants per client address and hour (`YISHEN_FILINGS_PER_HOUR`, 60).
    pub filings_per_hour: u32,
    /// Consultations asked per client address and hour (`YISHEN_CONSULTATIONS_PER_HOUR`, 20).
    pub consultations_per_hour: u32,
}

impl Default for Throttling {
    fn default() -> Self {
        Self {
            login_delay_after: 5,
            login_lock_after: 10,
            login_address_lock_after: 50,
            login_lock: Duration::from_secs(15 * 60),
            registrations_per_hour: 10,
            filings_per_hour: 60,
            consultations_per_hour: 20,
        }
    }
}

/// Parses an address list: addresses (`127.0.0.1`, `::1`) and networks (`10.0.0.0/8`),
/// separated by commas or spaces.
pub fn parse_networks(v: &str) -> Result<Vec<ipnet::IpNet>, String> {
    v.split([',', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<ipnet::IpNet>()
                .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("`{p}` is neither an address nor a network"))
        })
        .collect()
}

/// The variables an S3-compatible blob store is configured by.
pub const AWS_VARIABLES: &[&str] = &[
    "AWS_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ALLOW_HTTP",
    "AWS_VIRTUAL_HOSTED_STYLE_REQUEST",
];

/// The largest upload accepted for each document purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadLimits(std::collections::BTreeMap<&'static str, u64>);

impl Default for UploadLimits {
    fn default() -> Self {
        use yishen_domain::document::Purpose;
        const MIB: u64 = 1024 * 1024;
        Self(
            Purpose::ALL
                .iter()
                .map(|p| {
                    let mib = match p {
                        // One scan or photo of an identity paper or an envelope.
                        Purpose::IdentityProof | Purpose::Envelope => 10,
                        // The information provided can be a whole report or a set of scans.
                        Purpose::Provided => 200,
                        _ => 50,
                    };
                    (p.as_str(), mib * MIB)
                })
                .collect(),
        )
    }
}

impl UploadLimits {
    /// The limit for `purpose`, in bytes.
    pub fn get(&self, purpose: yishen_domain::document::Purpose) -> u64 {
        self.0
            .get(purpose.as_str())
            .copied()
            .unwrap_or(50 * 1024 * 1024)
    }

    /// The largest of the limits (what the server reads before it knows the purpose).
    pub fn max(&self) -> u64 {
        self.0.values().copied().max().unwrap_or(0)
    }

    /// Sets the limit for `purpose`, in bytes.
    pub fn set(&mut self, purpose: yishen_domain::document::Purpose, bytes: u64) {
        self.0.insert(purpose.as_str(), bytes);
    }

    /// Applies `purpose=MiB` pairs separated by commas.
    fn apply(&mut self, spec: &str) -> Result<(), String> {
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("expected purpose=MiB, got `{pair}`"))?;
            let purpose = yishen_domain::document::Purpose::parse(k.trim())
                .ok_or_else(|| format!("unknown purpose `{}`", k.trim()))?;
            let mib: u64 = v
                .trim()
                .parse()
                .map_err(|_| format!("not a number of MiB: `{}`", v.trim()))?;
            if mib == 0 {
                return Err(format!("the limit for `{k}` must be at least 1 MiB"));
            }
            self.0.insert(purpose.as_str(), mib * 1024 * 1024);
        }
        Ok(())
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            public_url: None,
            database_replica_url: None,
            jwt_secret: None,
            data_key: None,
            demo_password: Secret::new("yishen-demo-2026"),
            log: "info".into(),
            log_format: LogFormat::Pretty,
            pool_size: 8,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(14 * 24 * 3600),
            body_limit: 1024 * 1024,
            track_per_minute: 10,
            jobs_interval_secs: 3600,
            audit_interval_minutes: 24 * 60,
            inquiry_answer_days: yishen_domain::inquiry::ANSWER_DAYS,
            cookie_secure: false,
            today: None,
            blob_url: None,
            blob_options: Vec::new(),
            upload_limits: UploadLimits::default(),
            virus_scan_command: None,
            smtp_url: None,
            mail_from: None,
            notify_max_attempts: 8,
            notify_retry: Duration::from_secs(30),
            notify_interval_ms: 2000,
            sms_url: None,
            sms_templates: Vec::new(),
            digest_hour: 8,
            metrics_allow: Vec::new(),
            metrics_token: None,
            session_idle: Duration::from_secs(30 * 60),
            throttling: Throttling::default(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// The optional file; every key is optional and named like its variable without `YISHEN_`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    public_url: Option<String>,
    database_replica_url: Option<String>,
    jwt_secret: Option<Secret>,
    data_key: Option<Secret>,
    demo_password: Option<Secret>,
    log: Option<String>,
    log_format: Option<LogFormat>,
    pool_size: Option<u32>,
    access_token_minutes: Option<u64>,
    refresh_token_days: Option<u64>,
    track_per_minute: Option<u32>,
    jobs_interval_secs: Option<u64>,
    audit_interval_minutes: Option<u64>,
    cookie_secure: Option<bool>,
    today: Option<String>,
    blob_url: Option<String>,
    upload_limits: Option<String>,
    virus_scan_command: Option<String>,
    smtp_url: Option<Secret>,
    mail_from: Option<String>,
    notify_max_attempts: Option<u32>,
    notify_retry_ms: Option<u64>,
    notify_interval_ms: Option<u64>,
    sms_url: Option<Secret>,
    digest_hour: Option<u32>,
    metrics_allow: Option<String>,
    metrics_token: Option<Secret>,
    session_idle_minutes: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read config file {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {message}")]
    ParseFile { path: PathBuf, message: String },
    #[error("{var}: {message}")]
    Invalid { var: &'static str, message: String },
}

impl Settings {
    /// Builds the settings from a variable lookup (the process environment in `main`).
    pub fn load(var: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let mut s = Settings::default();
        if let Some(path) = var("YISHEN_CONFIG").map(PathBuf::from) {
            s.apply_file(&path)?;
        }
        if let Some(v) = var("YISHEN_BIND") {
            s.bind = v;
        }
        if let Some(v) = var("YISHEN_DATA_DIR") {
            s.data_dir = PathBuf::from(v);
        }
        if let Some(v) = var("YISHEN_DATABASE_URL").filter(|v| !v.is_empty()) {
            s.database_url = Some(v);
        }
        if let Some(v) = var("YISHEN_PUBLIC_URL").filter(|v| !v.trim().is_empty()) {
            s.public_url = Some(v);
        }
        if let Some(v) = var("YISHEN_DATABASE_REPLICA_URL").filter(|v| !v.is_empty()) {
            s.database_replica_url = Some(v);
        }
        if let Some(v) = var("YISHEN_JWT_SECRET").filter(|v| !v.is_empty()) {
            s.jwt_secret = Some(Secret::new(v));
        }
        if let Some(v) = var("YISHEN_DATA_KEY").filter(|v| !v.is_empty()) {
            s.data_key = Some(Secret::new(v));
        }
        if let Some(v) = var("YISHEN_DEMO_PASSWORD").filter(|v| !v.is_empty()) {
            s.demo_password = Secret::new(v);
        }
        if let Some(v) = var("YISHEN_LOG") {
            s.log = v;
        }
        if let Some(v) = var("YISHEN_LOG_FORMAT") {
            s.log_format = match v.as_str() {
                "pretty" => LogFormat::Pretty,
                "json" => LogFormat::Json,
                other => {
                    return Err(SettingsError::Invalid {
                        var: "YISHEN_LOG_FORMAT",
                        message: format!("expected `pretty` or `json`, got `{other}`"),
                    });
                }
            };
        }
        if let Some(v) = var("YISHEN_POOL_SIZE") {
            s.pool_size = v.parse().map_err(|_| SettingsError::Invalid {
                var: "YISHEN_POOL_SIZE",
                message: format!("not a number: `{v}`"),
            })?;
        }
        if let Some(v) = var("YISHEN_TRACK_PER_MINUTE") {
            s.track_per_minute = v.parse().map_err(|_| SettingsError::Invalid {
                var: "YISHEN_TRACK_PER_MINUTE",
                message: format!("not a number: `{v}`"),
            })?;
        }
        if let Some(v) = var("YISHEN_JOBS_INTERVAL_SECS") {
            s.jobs_interval_secs = v.parse().map_err(|_| SettingsError::Invalid {
                var: "YISHEN_JOBS_INTERVAL_SECS",
                message: format!("not a number: `{v}`"),
            })?;
        }
        if let Some(v) = var("YISHEN_AUDIT_INTERVAL_MINUTES") {
            s.audit_interval_minutes = v.parse().map_err(|_| SettingsError::Invalid {
                var: "YISHEN_AUDIT_INTERVAL_MINUTES",
                message: format!("not a number: `{v}`"),
            })?;
        }
        if let Some(v) = var("YISHEN_INQUIRY_ANSWER_DAYS") {
            s.inquiry_answer_days =
                v.parse()
                    .ok()
                    .filter(|d| (1..=20).contains(d))
                    .ok_or_else(|| SettingsError::Invalid {
                        var: "YISHEN_INQUIRY_ANSWER_DAYS",
                        message: format!("not a number of working days from 1 to 20: `{v}`"),
                    })?;
        }
        if let Some(v) = var("YISHEN_COOKIE_SECURE") {
            s.cookie_secure = match v.as_str() {
                "true" | "1" => true,
                "false" | "0" | "" => false,
                other => {
                    return Err(SettingsError::Invalid {
                        var: "YISHEN_COOKIE_SECURE",
                        message: format!("expected `true` or `false`, got `{other}`"),
                    });
                }
            };
        }
        if let Some(v) = var("YISHEN_TODAY").filter(|v| !v.is_empty()) {
            s.today = Some(parse_today(&v)?);
        }
        if let Some(v) = var("YISHEN_BLOB_URL").filter(|v| !v.trim().is_empty()) {
            s.blob_url = Some(v.trim().to_owned());
        }
        for name in AWS_VARIABLES {
            if let Some(v) = var(name).filter(|v| !v.is_empty()) {
                s.blob_options
                    .push((name.to_ascii_lowercase(), Secret::new(v)));
            }
        }
        if let Some(v) = var("YISHEN_UPLOAD_LIMITS") {
            s.upload_limits
                .apply(&v)
                .map_err(|message| SettingsError::Invalid {
                    var: "YISHEN_UPLOAD_LIMITS",
                    message,
                })?;
        }
        if let Some(v) = var("YISHEN_VIRUS_SCAN_COMMAND").filter(|v| !v.trim().is_empty()) {
            s.virus_scan_command = Some(v);
        }
        if let Some(v) = var("YISHEN_SMTP_URL").filter(|v| !v.trim().is_empty()) {
            s.smtp_url = Some(Secret::new(v.trim().to_owned()));
        }
        if let Some(v) = var("YISHEN_MAIL_FROM").filter(|v| !v.trim().is_empty()) {
            s.mail_from = Some(v.trim().to_owned());
        }
        let number = |name: &'static str, v: String| -> Result<u64, SettingsError> {
            v.trim().parse().map_err(|_| SettingsError::Invalid {
                var: name,
                message: format!("not a number: `{v}`"),
            })
        };
        if let Some(v) = var("YISHEN_NOTIFY_MAX_ATTEMPTS") {
            s.notify_max_attempts = u32::try_from(number("YISHEN_NOTIFY_MAX_ATTEMPTS", v)?)
                .unwrap_or(u32::MAX)
                .max(1);
        }
        if let Some(v) = var("YISHEN_NOTIFY_RETRY_MS") {
            s.notify_retry = Duration::from_millis(number("YISHEN_NOTIFY_RETRY_MS", v)?.max(1));
        }
        if let Some(v) = var("YISHEN_NOTIFY_INTERVAL_MS") {
            s.notify_interval_ms = number("YISHEN_NOTIFY_INTERVAL_MS", v)?;
        }
        if let Some(v) = var("YISHEN_SMS_URL").filter(|v| !v.trim().is_empty()) {
            s.sms_url = Some(Secret::new(v.trim().to_owned()));
        }
        if let Some(v) = var("YISHEN_SMS_TEMPLATES") {
            s.sms_templates = parse_templates(&v).map_err(|message| SettingsError::Invalid {
                var: "YISHEN_SMS_TEMPLATES",
                message,
            })?;
        }
        if let Some(v) = var("YISHEN_DIGEST_HOUR") {
            let h = number("YISHEN_DIGEST_HOUR", v)?;
            s.digest_hour =
                u32::try_from(h)
                    .ok()
                    .filter(|h| *h < 24)
                    .ok_or(SettingsError::Invalid {
                        var: "YISHEN_DIGEST_HOUR",
                        message: "must be an hour from 0 to 23".into(),
                    })?;
        }
        if let Some(v) = var("YISHEN_METRICS_ALLOW") {
            s.metrics_allow = parse_networks(&v).map_err(|message| SettingsError::Invalid {
                var: "YISHEN_METRICS_ALLOW",
                message,
            })?;
        }
        if let Some(v) = var("YISHEN_METRICS_TOKEN").filter(|v| !v.trim().is_empty()) {
            s.metrics_token = Some(Secret::new(v.trim().to_owned()));
        }
        if let Some(v) = var("YISHEN_SESSION_IDLE_MINUTES") {
            let m = number("YISHEN_SESSION_IDLE_MINUTES", v)?;
            if m == 0 {
                return Err(SettingsError::Invalid {
                    var: "YISHEN_SESSION_IDLE_MINUTES",
                    message: "must be at least 1".into(),
                });
            }
            s.session_idle = Duration::from_secs(m * 60);
        }
        let small = |name: &'static str, v: u64| {
            u32::try_from(v).map_err(|_| SettingsError::Invalid {
                var: name,
                message: "too large".into(),
            })
        };
        for (name, field) in [
            (
                "YISHEN_LOGIN_DELAY_AFTER",
                &mut s.throttling.login_delay_after,
            ),
            (
                "YISHEN_LOGIN_LOCK_AFTER",
                &mut s.throttling.login_lock_after,
            ),
            (
                "YISHEN_LOGIN_ADDRESS_LOCK_AFTER",
                &mut s.throttling.login_address_lock_after,
            ),
            (
                "YISHEN_REGISTRATIONS_PER_HOUR",
                &mut s.throttling.registrations_per_hour,
            ),
            (
                "YISHEN_FILINGS_PER_HOUR",
                &mut s.throttling.filings_per_hour,
            ),
            (
                "YISHEN_CONSULTATIONS_PER_HOUR",
                &mut s.throttling.consultations_per_hour,
            ),
        ] {
            if let Some(v) = var(name) {
                *field = small(name, number(name, v)?)?;
            }
        }
        if let Some(v) = var("YISHEN_LOGIN_LOCK_MINUTES") {
            let m = number("YISHEN_LOGIN_LOCK_MINUTES", v)?.max(1);
            s.throttling.login_lock = Duration::from_secs(m * 60);
        }
        if let Some(v) = var("YISHEN_TRUSTED_PROXIES") {
            s.trusted_proxies = parse_networks(&v).map_err(|message| SettingsError::Invalid {
                var: "YISHEN_TRUSTED_PROXIES",
                message,
            })?;
        }
        if s.pool_size == 0 {
            return Err(SettingsError::Invalid {
                var: "YISHEN_POOL_SIZE",
                message: "must be at least 1".into(),
            });
        }
        if let Some(secret) = &s.jwt_secret
            && secret.expose().len() < 32
        {
            return Err(SettingsError::Invalid {
                var: "YISHEN_JWT_SECRET",
                message: "must be at least 32 characters".into(),
            });
        }
        Ok(s)
    }

    fn apply_file(&mut self, path: &Path) -> Result<(), SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|source| SettingsError::ReadFile {
            path: path.to_owned(),
            source,
        })?;
        let f: FileSettings = toml::from_str(&text).map_err(|e| SettingsError::ParseFile {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        if let Some(v) = f.bind {
            self.bind = v;
        }
        if let Some(v) = f.data_dir {
            self.data_dir = v;
        }
        if let Some(v) = f.public_url {
            self.public_url = Some(v);
        }
        self.database_url = f.database_url.or(self.database_url.take());
        self.database_replica_url = f.database_replica_url.or(self.database_replica_url.take());
        self.jwt_secret = f.jwt_secret.or(self.jwt_secret.take());
        self.data_key = f.data_key.or(self.data_key.take());
        if let Some(v) = f.demo_password {
            self.demo_password = v;
        }
        if let Some(v) = f.log {
            self.log = v;
        }
        if let Some(v) = f.log_format {
            self.log_format = v;
        }
        if let Some(v) = f.pool_size {
            self.pool_size = v;
        }
        if let Some(m) = f.access_token_minutes {
            self.access_token_ttl = Duration::from_secs(m * 60);
        }
        if let Some(d) = f.refresh_token_days {
            self.refresh_token_ttl = Duration::from_secs(d * 24 * 3600);
        }
        if let Some(v) = f.track_per_minute {
            self.track_per_minute = v;
        }
        if let Some(v) = f.jobs_interval_secs {
            self.jobs_interval_secs = v;
        }
        if let Some(v) = f.audit_interval_minutes {
            self.audit_interval_minutes = v;
        }
        if let Some(v) = f.cookie_secure {
            self.cookie_secure = v;
        }
        if let Some(v) = f.today {
            self.today = Some(parse_today(&v)?);
        }
        self.blob_url = f.blob_url.or(self.blob_url.take());
        if let Some(v) = f.upload_limits {
            self.upload_limits
                .apply(&v)
                .map_err(|message| SettingsError::ParseFile {
                    path: path.to_owned(),
                    message: format!("upload_limits: {message}"),
                })?;
        }
        self.virus_scan_command = f.virus_scan_command.or(self.virus_scan_command.take());
        self.smtp_url = f.smtp_url.or(self.smtp_url.take());
        self.mail_from = f.mail_from.or(self.mail_from.take());
        if let Some(v) = f.notify_max_attempts {
            self.notify_max_attempts = v.max(1);
        }
        if let Some(v) = f.notify_retry_ms {
            self.notify_retry = Duration::from_millis(v.max(1));
        }
        self.sms_url = f.sms_url.or(self.sms_url.take());
        if let Some(v) = f.digest_hour.filter(|h| *h < 24) {
            self.digest_hour = v;
        }
        if let Some(v) = f.notify_interval_ms {
            self.notify_interval_ms = v;
        }
        if let Some(v) = f.metrics_allow {
            self.metrics_allow =
                parse_networks(&v).map_err(|message| SettingsError::ParseFile {
                    path: path.to_owned(),
                    message: format!("metrics_allow: {message}"),
                })?;
        }
        self.metrics_token = f.metrics_token.or(self.metrics_token.take());
        if let Some(m) = f.session_idle_minutes.filter(|m| *m > 0) {
            self.session_idle = Duration::from_secs(m * 60);
        }
        Ok(())
    }

    /// The clock for legal dates: the wall clock unless `today` pins it.
    pub fn clock(&self) -> crate::time::Clock {
        self.today
            .map_or_else(crate::time::Clock::system, crate::time::Clock::fixed)
    }

    /// The database URL in effect.
    /// Where the letters' QR codes lead: `public_url`, else this instance's own address.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            self.data_dir
                .join("yishen.sqlite3")
                .to_string_lossy()
                .into_owned()
        })
    }
}

fn parse_today(v: &str) -> Result<chrono::NaiveDate, SettingsError> {
    chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").map_err(|_| SettingsError::Invalid {
        var: "YISHEN_TODAY",
        message: format!("expected a date as YYYY-MM-DD, got `{v}`"),
    })
}

/// `kind=TEMPLATE_ID` pairs separated by commas, each kind one of the notice codes.
fn parse_templates(v: &str) -> Result<Vec<(String, String)>, String> {
    v.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (kind, id) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{pair}`: expected kind=TEMPLATE_ID"))?;
            let kind = kind.trim();
            if yishen_domain::notify::NoticeKind::parse(kind).is_none() {
                return Err(format!("`{kind}` is not a kind of notice"));
            }
            Ok((kind.to_owned(), id.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::load(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_run_the_embedded_mode() {
        let s = load(&[]).expect("defaults");
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.database_url(), "./data/yishen.sqlite3");
        assert_eq!(s.demo_password.expose(), "yishen-demo-2026");
        assert_eq!(s.log_format, LogFormat::Pretty);
    }

    #[test]
    fn environment_overrides_and_bad_values_are_named() {
        let s = load(&[
            ("YISHEN_BIND", "0.0.0.0:9000"),
            ("YISHEN_LOG_FORMAT", "json"),
        ])
        .expect("valid");
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(s.log_format, LogFormat::Json);
        let err = load(&[("YISHEN_LOG_FORMAT", "xml")]).expect_err("invalid");
        assert!(err.to_string().contains("YISHEN_LOG_FORMAT"));
        let err = load(&[("YISHEN_JWT_SECRET", "short")]).expect_err("too short");
        assert!(err.to_string().contains("YISHEN_JWT_SECRET"));
    }

    #[test]
    fn the_file_is_read_and_the_environment_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("yishen.toml");
        std::fs::write(&path, "bind = \"127.0.0.1:7000\"\npool_size = 3\n").expect("write");
        let p = path.to_string_lossy().into_owned();
        let s = load(&[("YISHEN_CONFIG", &p), ("YISHEN_POOL_SIZE", "5")]).expect("valid");
        assert_eq!(s.bind, "127.0.0.1:7000");
        assert_eq!(s.pool_size, 5);
        std::fs::write(&path, "unknown = 1\n").expect("write");
        assert!(load(&[("YISHEN_CONFIG", &p)]).is_err());
    }

    #[test]
    fn today_pins_the_clock_and_a_bad_date_is_named() {
        let s = load(&[("YISHEN_TODAY", "2026-09-15")]).expect("valid");
        assert_eq!(
            s.clock().today(),
            chrono::NaiveDate::from_ymd_opt(2026, 9, 15).expect("date")
        );
        assert_eq!(load(&[]).expect("defaults").clock().pinned(), None);
        let err = load(&[("YISHEN_TODAY", "2026-02-30")]).expect_err("invalid");
        assert!(err.to_string().contains("YISHEN_TODAY"));
    }

    #[test]
    fn secrets_are_not_printed() {
        let s = load(&[(
            "YISHEN_JWT_SECRET",
            "0123456789abcdef0123456789abcdef-secret",
        )])
        .expect("valid");
        assert!(!format!("{s:?}").contains("abcdef-secret"));
    }
}
