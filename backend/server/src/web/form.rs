//! Submitted forms: `application/x-www-form-urlencoded` pairs, typed reads that name the field
//! at fault, and the field errors a re-rendered form shows next to each field.

use chrono::NaiveDate;

use crate::error::{ApiError, FieldIssue};

/// A submitted form's fields, in order.
#[derive(Debug, Default, Clone)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub fn parse(body: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(body).into_owned().collect(),
        }
    }

    /// The raw value of the first field of this name.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The trimmed value, `None` when empty or absent.
    pub fn text(&self, name: &str) -> Option<String> {
        self.raw(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Every non-empty value of this name (checkboxes, repeated fields).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// The non-empty lines of a text area.
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.raw(name)
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    /// A `YYYY-MM-DD` date field.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        match self.text(name) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| ApiError::field(name, "invalid_date", "日期格式应为 年-月-日")),
        }
    }

    /// A whole-number field.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.text(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::field(name, "invalid_number", "请填写整数")),
        }
    }
}

/// Field errors of a re-rendered form.
#[derive(Debug, Default, Clone)]
pub struct Errs(pub Vec<FieldIssue>);

impl Errs {
    /// The message for a field (or any of its sub-fields: `applicant.name` belongs to
    /// `applicant.name`, `items[2]` to `items`).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| {
                e.field == field
                    || e.field
                        .strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
            })
            .map(|e| e.message.as_str())
    }

    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }

    /// The validation errors of a service's answer, or the error itself when it is not one.
    pub fn from_api(e: ApiError) -> Result<Self, ApiError> {
        match e {
            ApiError::Validation(v) | ApiError::InvalidQuery(v) => Ok(Self(v)),
            ApiError::InvalidCredentials => Ok(Self(vec![FieldIssue::new(
                "password",
                "invalid_credentials",
                "用户名或密码错误；账号停用时也无法登录",
            )])),
            ApiError::Conflict { code, detail } => {
                Ok(Self(vec![FieldIssue::new("form", code, detail)]))
            }
            ApiError::CalendarYearNotCovered { .. } | ApiError::Forbidden(_) => {
                let p = e.problem();
                Ok(Self(vec![FieldIssue::new("form", p.code, p.detail)]))
            }
            other => Err(other),
        }
    }
}
