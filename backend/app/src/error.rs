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
