//! The application's one error type: what went wrong, in terms of the application (a field that
//! is not acceptable, a refusal, something missing, a database that cannot be reached). It
//! carries no HTTP status and no wording of a response: the server maps each variant to its
//! problem+json once (`yishen_server::error`), the command line prints it.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldIssue {
    /// The field, as a path into the input (`applicant.phone`, `holidays[0]`).
    pub field: String,
    /// Stable machine-readable code.
    pub code: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl FieldIssue {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }

    /// From a domain parse error of a named field.
    pub fn from_field(field: &str, e: &yishen_domain::FieldError) -> Self {
        Self::new(field, e.code(), e.to_string())
    }
}

/// A parse failure that can be reported against a named field.
pub trait IntoIssue {
    fn issue(&self, field: &str) -> FieldIssue;
}

impl IntoIssue for yishen_domain::FieldError {
    fn issue(&self, field: &str) -> FieldIssue {
        FieldIssue::from_field(field, self)
    }
}

impl IntoIssue for FieldIssue {
    fn issue(&self, _field: &str) -> FieldIssue {
        self.clone()
    }
}

impl IntoIssue for yishen_domain::role::UnknownRole {
    fn issue(&self, field: &str) -> FieldIssue {
        FieldIssue::new(field, "invalid_value", self.to_string())
    }
}

/// Collects the parse results of one input's fields so that one problem lists every bad
/// field, not just the first. The web forms, the API bodies and the commands' constructors
/// all collect through it.
#[derive(Debug, Default)]
pub struct Fields(Vec<FieldIssue>);

impl Fields {
    /// The value, or `None` with the failure recorded against `field`.
    pub fn take<T, E: IntoIssue>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e.issue(field));
                None
            }
        }
    }

    /// The value, or `None` with the issue recorded (it names its own field).
    pub fn check<T>(&mut self, r: Result<T, FieldIssue>) -> Option<T> {
        r.map_err(|i| self.0.push(i)).ok()
    }

    /// Parses an optional text field; blank counts as absent.
    pub fn optional<T, E: IntoIssue>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match raw.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => self.take(field, parse(s)),
        }
    }

    pub fn push(&mut self, issue: FieldIssue) {
        self.0.push(issue);
    }

    pub fn extend(&mut self, issues: impl IntoIterator<Item = FieldIssue>) {
        self.0.extend(issues);
    }

    /// Whether nothing was wrong so far.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems collected, each naming its field.
    pub fn into_issues(self) -> Vec<FieldIssue> {
        self.0
    }

    /// `Ok(())` when every field parsed.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.0))
        }
    }

    /// The value `build` makes of the parsed fields, when nothing was wrong.
    pub fn build<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Vec<FieldIssue>> {
        if !self.0.is_empty() {
            return Err(self.0);
        }
        build().ok_or_else(|| {
            vec![FieldIssue::new(
                "form",
                "invalid",
                "提交的内容不完整，请检查后重新提交",
            )]
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that is not acceptable; names every bad field.
    #[error("validation failed")]
    Validation(Vec<FieldIssue>),
    /// A text that should be JSON and is not (an import line).
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// Query parameters that do not fit together.
    #[error("invalid query")]
    InvalidQuery(Vec<FieldIssue>),
    #[error("not authenticated")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid or expired token")]
    InvalidToken,
    /// The actor may not do this; the text says why, in Chinese.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The thing named (in Chinese) does not exist or is not the actor's to see.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A uniqueness or state conflict; `code` is stable, `detail` Chinese.
    #[error("conflict: {code}")]
    Conflict { code: &'static str, detail: String },
    /// A computation needs a calendar year whose holidays are not loaded.
    #[error("calendar year {year} not covered")]
    CalendarYearNotCovered { year: i32 },
    /// An action whose deadline (and the date its notice would print) falls in a year without
    /// holiday data: refused, since the date cannot be known and must not be guessed.
    #[error("notice date in calendar year {year}, not covered")]
    NoticeDateNotCovered { year: i32 },
    #[error("too many requests")]
    RateLimited,
    /// Too many tries (failed logins, registrations or filings from one address): refused
    /// until a time the Chinese `detail` names.
    #[error("too many attempts")]
    TooManyAttempts {
        retry_after_secs: u64,
        detail: String,
    },
    /// An upload larger than its purpose allows (`limit` bytes).
    #[error("upload too large")]
    UploadTooLarge { field: String, limit: u64 },
    /// The database cannot be reached (the pool timed out).
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A single-field validation error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldIssue::new(field, code, message)])
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<yishen_store::StoreError> for AppError {
    fn from(e: yishen_store::StoreError) -> Self {
        match e {
            yishen_store::StoreError::Pool(_) => Self::Unavailable,
            other => Self::Internal(other.into()),
        }
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl From<yishen_domain::CalendarError> for AppError {
    fn from(e: yishen_domain::CalendarError) -> Self {
        match e {
            yishen_domain::CalendarError::YearNotCovered { year } => {
                Self::CalendarYearNotCovered { year }
            }
            other => Self::field("working_days", "out_of_range", other.to_string()),
        }
    }
}

/// A legal refusal of the domain (`yishen_domain::case::checks`) is a conflict whose code is
/// the refusal's and whose detail says why, citing the article.
impl From<yishen_domain::case::checks::Refusal> for AppError {
    fn from(e: yishen_domain::case::checks::Refusal) -> Self {
        Self::Conflict {
            code: e.code(),
            detail: e.to_string(),
        }
    }
}
