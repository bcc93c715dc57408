//! The one API error type. The application's [`AppError`] becomes one in a single `From`;
//! the edge adds what only HTTP has (a body that is not JSON, a route that does not exist).
//! Every variant has an explicit HTTP status, a stable `code` and a
//! Chinese title; it is rendered as RFC 9457 `application/problem+json` with the request id.
//! A 5xx body reveals nothing: its cause is logged once, by the request's span, with the
//! request id.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

tokio::task_local! {
    /// The id of the request being served, set by the request-id middleware.
    pub static REQUEST_ID: String;
}

/// The current request's id, when called while serving one.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

use yishen_app::AppError;
pub use yishen_app::error::FieldIssue;

/// The RFC 9457 body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    pub request_id: Option<String>,
    pub errors: Vec<FieldIssue>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Input that parsed as JSON but is not acceptable; names every bad field.
    #[error("validation failed")]
    Validation(Vec<FieldIssue>),
    /// A body that is not JSON at all.
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// A query string that does not fit.
    #[error("invalid query")]
    InvalidQuery(Vec<FieldIssue>),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// An uploaded file over its limit; names the form field.
    #[error("upload too large")]
    UploadTooLarge { field: String, limit: usize },
    #[error("not authenticated")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("invalid or expired token")]
    InvalidToken,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(&'static str),
    #[error("route not found")]
    RouteNotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A uniqueness or state conflict; `code` is stable, `detail` Chinese.
    #[error("conflict: {code}")]
    Conflict { code: &'static str, detail: String },
    #[error("calendar year {year} not covered")]
    CalendarYearNotCovered { year: i32 },
    /// An action whose deadline (and the date its notice would print) falls in a year without
    /// holiday data: refused (409), since the date cannot be known and must not be guessed.
    #[error("notice date in calendar year {year}, not covered")]
    NoticeDateNotCovered { year: i32 },
    #[error("too many requests")]
    RateLimited,
    /// Too many tries: refused for `retry_after_secs`, `detail` saying until when.
    #[error("too many attempts")]
    TooManyAttempts {
        retry_after_secs: u64,
        detail: String,
    },
    #[error("service unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation_failed",
            Self::MalformedJson(_) => "malformed_json",
            Self::InvalidQuery(_) => "invalid_query",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::PayloadTooLarge { .. } | Self::UploadTooLarge { .. } => "payload_too_large",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidToken => "invalid_token",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::RouteNotFound => "route_not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict { code, .. } => code,
            Self::CalendarYearNotCovered { .. } | Self::NoticeDateNotCovered { .. } => {
                "calendar_year_not_covered"
            }
            Self::RateLimited => "rate_limited",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::Unavailable => "service_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::Validation(_) => "提交的内容有误",
            Self::MalformedJson(_) => "请求体不是有效的 JSON",
            Self::InvalidQuery(_) => "查询参数有误",
            Self::UnsupportedMediaType => "不支持的内容类型",
            Self::PayloadTooLarge { .. } => "请求体过大",
            Self::UploadTooLarge { .. } => "上传的文件过大",
            Self::Unauthenticated => "需要登录",
            Self::InvalidCredentials => "用户名或密码错误",
            Self::InvalidToken => "登录凭证无效或已过期",
            Self::Forbidden(_) => "无权进行此操作",
            Self::NotFound(_) => "未找到",
            Self::RouteNotFound => "接口不存在",
            Self::MethodNotAllowed => "不支持的请求方法",
            Self::Conflict { .. } => "与现有数据冲突",
            Self::CalendarYearNotCovered { .. } | Self::NoticeDateNotCovered { .. } => {
                "该年度节假日安排尚未载入"
            }
            Self::RateLimited => "请求过于频繁",
            Self::TooManyAttempts { .. } => "尝试次数过多",
            Self::Unavailable => "服务暂不可用",
            Self::Internal(_) => "服务器内部错误",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(errors) | Self::InvalidQuery(errors) => errors
                .iter()
                .map(|e| format!("{}：{}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("；"),
            Self::MalformedJson(_) => "请检查请求体的 JSON 语法".into(),
            Self::UnsupportedMediaType => "请求体须为 application/json".into(),
            Self::PayloadTooLarge { limit } => format!("请求体不得超过{}KB", limit / 1024),
            Self::UploadTooLarge { field, limit } => {
                format!("{field}：文件不得超过{}", human_size(*limit))
            }
            Self::Unauthenticated => "请先登录，并在 Authorization 头中携带 Bearer 令牌".into(),
            Self::InvalidCredentials => "请核对用户名和密码；账号停用时也无法登录".into(),
            Self::InvalidToken => "请重新登录".into(),
            Self::Forbidden(why) => why.clone(),
            Self::NotFound(what) => format!("{what}不存在或无权查看"),
            Self::RouteNotFound => "请核对请求路径".into(),
            Self::MethodNotAllowed => "请核对请求方法".into(),
            Self::Conflict { detail, .. } => detail.clone(),
            Self::CalendarYearNotCovered { year } => format!(
                "{year}年的节假日安排尚未载入，系统不推测工作日；请系统管理员在国务院办公厅通知发布后载入"
            ),
            Self::NoticeDateNotCovered { year } => format!(
                "本次办理涉及的期限落在{year}年，而{year}年的节假日安排尚未载入，系统不推测工作日，\
                 告知书也不能写明日期；请系统管理员载入国务院办公厅{year}年节假日安排通知后再办理"
            ),
            Self::RateLimited => "请稍后再试".into(),
            Self::TooManyAttempts { detail, .. } => detail.clone(),
            Self::Unavailable => "数据库暂时无法访问，请稍后再试".into(),
            Self::Internal(_) => "请稍后再试；如问题持续，请向管理员提供请求编号".into(),
        }
    }

    fn field_issues(&self) -> Vec<FieldIssue> {
        match self {
            Self::Validation(errors) | Self::InvalidQuery(errors) => errors.clone(),
            _ => Vec::new(),
        }
    }

    /// A single-field validation error.
    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldIssue::new(field, code, message)])
    }

    pub fn problem(&self) -> Problem {
        let code = self.code();
        Problem {
            kind: format!("urn:yishen:problem:{code}"),
            title: self.title().into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: code.into(),
            request_id: current_request_id(),
            errors: self.field_issues(),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::from(e).into()
    }
}

impl From<yishen_store::StoreError> for ApiError {
    fn from(e: yishen_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// The one place an application error becomes an HTTP problem: each variant keeps its meaning
/// and gets its status, code and Chinese wording here.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Validation(issues) => Self::Validation(issues),
            AppError::MalformedJson(why) => Self::MalformedJson(why),
            AppError::InvalidQuery(issues) => Self::InvalidQuery(issues),
            AppError::Unauthenticated => Self::Unauthenticated,
            AppError::InvalidCredentials => Self::InvalidCredentials,
            AppError::InvalidToken => Self::InvalidToken,
            AppError::Forbidden(why) => Self::Forbidden(why),
            AppError::NotFound(what) => Self::NotFound(what),
            AppError::Conflict { code, detail } => Self::Conflict { code, detail },
            AppError::CalendarYearNotCovered { year } => Self::CalendarYearNotCovered { year },
            AppError::NoticeDateNotCovered { year } => Self::NoticeDateNotCovered { year },
            AppError::RateLimited => Self::RateLimited,
            AppError::TooManyAttempts {
                retry_after_secs,
                detail,
            } => Self::TooManyAttempts {
                retry_after_secs,
                detail,
            },
            AppError::UploadTooLarge { field, limit } => Self::UploadTooLarge {
                field,
                limit: usize::try_from(limit).unwrap_or(usize::MAX),
            },
            AppError::Unavailable => Self::Unavailable,
            AppError::Internal(e) => Self::Internal(e),
        }
    }
}

/// A request body that is its command as it is cannot fail to become it.
impl From<std::convert::Infallible> for ApiError {
    fn from(e: std::convert::Infallible) -> Self {
        match e {}
    }
}

impl From<yishen_domain::CalendarError> for ApiError {
    fn from(e: yishen_domain::CalendarError) -> Self {
        AppError::from(e).into()
    }
}

impl From<yishen_domain::case::checks::Refusal> for ApiError {
    fn from(e: yishen_domain::case::checks::Refusal) -> Self {
        AppError::from(e).into()
    }
}

/// A byte count as people read it: 4MB, 512KB.
pub(crate) fn human_size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{}MB", bytes / (1024 * 1024))
    } else {
        format!("{}KB", bytes.div_ceil(1024))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MalformedJson(_) | Self::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } | Self::UploadTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::Unauthenticated | Self::InvalidCredentials | Self::InvalidToken => {
                StatusCode::UNAUTHORIZED
            }
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::CalendarYearNotCovered { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NoticeDateNotCovered { .. } => StatusCode::CONFLICT,
            Self::RateLimited | Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // The request's log span (tracing-actix-web) records this error once, with its cause
        // chain and the request id; the body says nothing more than `detail`.
        let problem = self.problem();
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        if matches!(self, Self::Unauthenticated | Self::InvalidToken) {
            res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
        }
        if let Self::TooManyAttempts {
            retry_after_secs, ..
        } = self
        {
            res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        res.json(problem)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_reveal_nothing() {
        let e = ApiError::Internal(anyhow::anyhow!("disk /var/secret full"));
        let p = e.problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("secret"));
        assert_eq!(p.code, "internal_error");
    }

    #[test]
    fn validation_errors_name_the_field_in_chinese() {
        let e = ApiError::field("phone", "phone_invalid", "不是有效的手机号码");
        let p = e.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors[0].field, "phone");
        assert!(p.detail.contains("phone：不是有效的手机号码"));
    }
}
