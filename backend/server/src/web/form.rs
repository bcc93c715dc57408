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
        // Numbers as typed: full-width digits and spaces are folded first.
        match self.text(name) {
            None => Ok(None),
            Some(v) => yishen_domain::input::compact_code(&v)
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
    /// The status a page re-rendered with these errors answers: 422 when a form failed.
    pub fn status(&self) -> actix_web::http::StatusCode {
        if self.any() {
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
        } else {
            actix_web::http::StatusCode::OK
        }
    }

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

    /// The line above the list: nothing to correct when the only problem is having tried too
    /// often, only to wait.
    pub fn heading(&self) -> &'static str {
        if self.any() && self.0.iter().all(|i| i.code == "too_many_attempts") {
            "暂时不能提交："
        } else {
            "请修改以下问题后重新提交："
        }
    }

    /// The message for `field` of the form submitted as `action` (keys `action.field`).
    pub fn get_in(&self, action: &str, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| {
                e.field
                    .strip_prefix(action)
                    .and_then(|rest| rest.strip_prefix('.'))
                    == Some(field)
            })
            .map(|e| e.message.as_str())
    }

    /// The validation errors of a service's answer, or the error itself when it is not one.
    pub fn from_api(e: impl Into<ApiError>) -> Result<Self, ApiError> {
        let e = e.into();
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
            // Said on the form itself, which stays as typed, rather than on an error page.
            ApiError::TooManyAttempts { detail, .. } => Ok(Self(vec![FieldIssue::new(
                "form",
                "too_many_attempts",
                detail,
            )])),
            ApiError::UploadTooLarge { ref field, .. } => {
                let p = e.problem();
                Ok(Self(vec![FieldIssue::new(field, p.code, p.detail)]))
            }
            ApiError::CalendarYearNotCovered { .. } | ApiError::Forbidden(_) => {
                let p = e.problem();
                Ok(Self(vec![FieldIssue::new("form", p.code, p.detail)]))
            }
            other => Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_read_trimmed_text_lines_dates_and_numbers_naming_the_field() {
        let f =
            Form::parse(b"a=+x+&b=&items=one%0D%0A%0D%0Atwo&on=2026-03-02&n=7&bad=3x&on2=3%2F2");
        assert_eq!(f.text("a").as_deref(), Some("x"));
        assert_eq!(f.text("b"), None);
        assert_eq!(f.lines("items"), vec!["one", "two"]);
        assert_eq!(
            f.date("on").ok().flatten(),
            NaiveDate::from_ymd_opt(2026, 3, 2)
        );
        assert_eq!(f.number::<u32>("n").ok().flatten(), Some(7));
        let Err(ApiError::Validation(v)) = f.number::<u32>("bad") else {
            panic!("a bad number is a field error");
        };
        assert_eq!(v[0].field, "bad");
        let Err(ApiError::Validation(v)) = f.date("on2") else {
            panic!("a bad date is a field error");
        };
        assert_eq!(v[0].field, "on2");
    }

    #[test]
    fn field_errors_belong_to_their_field_and_its_parts_only() {
        let errs = Errs(vec![
            FieldIssue::new("applicant.name", "required", "请填写姓名"),
            FieldIssue::new("items[1]", "length", "过长"),
        ]);
        assert_eq!(errs.get("applicant.name"), Some("请填写姓名"));
        assert_eq!(errs.get("applicant"), Some("请填写姓名"));
        assert_eq!(errs.get("items"), Some("过长"));
        assert_eq!(errs.get("applicant.phone"), None);
        assert_eq!(errs.get("item"), None);
    }
}
