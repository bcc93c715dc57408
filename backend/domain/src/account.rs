//! Account and agency identifiers, parsed once at the boundary so that the rest of the code
//! never sees an invalid one.

use std::fmt;

/// Limits of the account fields.
pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;
pub const DISPLAY_NAME_MAX: usize = 50;
pub const EMAIL_MAX: usize = 254;
pub const AGENCY_CODE_MAX: usize = 32;
pub const AGENCY_NAME_MAX: usize = 100;

/// A parse failure: a stable code and a Chinese message naming the limit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("不能为空")]
    Empty,
    #[error("长度须在{min}至{max}个字符之间")]
    Length { min: usize, max: usize },
    #[error("只能包含小写字母、数字和 - _ . ，且以字母或数字开头")]
    UsernameCharacters,
    #[error("不能与用户名相同")]
    PasswordIsUsername,
    #[error("过于简单，请混合使用字母、数字或符号")]
    PasswordTooSimple,
    #[error("含有不允许的控制字符")]
    ControlCharacters,
    #[error("不是有效的手机号码或固定电话号码")]
    Phone,
    #[error("不是有效的电子邮件地址")]
    Email,
    #[error("只能包含大写字母、数字和连字符，且不以连字符开头或结尾")]
    AgencyCode,
}

impl FieldError {
    /// The stable machine-readable code of the failure.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "required",
            Self::Length { .. } => "length",
            Self::UsernameCharacters => "username_characters",
            Self::PasswordIsUsername => "password_is_username",
            Self::PasswordTooSimple => "password_too_simple",
            Self::ControlCharacters => "control_characters",
            Self::Phone => "phone_invalid",
            Self::Email => "email_invalid",
            Self::AgencyCode => "agency_code_invalid",
        }
    }
}

fn check_length(s: &str, min: usize, max: usize) -> Result<(), FieldError> {
    let n = s.chars().count();
    if n == 0 && min > 0 {
        return Err(FieldError::Empty);
    }
    if n < min || n > max {
        return Err(FieldError::Length { min, max });
    }
    Ok(())
}

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

/// A login name: lower-case ASCII letters, digits and `- _ .`, compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);
string_newtype!(Username);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim().to_ascii_lowercase();
        check_length(&s, USERNAME_MIN, USERNAME_MAX)?;
        let mut chars = s.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
        let rest_ok =
            chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
        if !first_ok || !rest_ok {
            return Err(FieldError::UsernameCharacters);
        }
        Ok(Self(s))
    }
}

/// A password that meets the policy. It is never displayed, logged or serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// Length per NIST SP 800-63B (long passphrases allowed, no composition rules beyond
    /// refusing the trivially guessable).
    pub fn parse(raw: &str, username: Option<&Username>) -> Result<Self, FieldError> {
        check_length(raw, PASSWORD_MIN, PASSWORD_MAX)?;
        if raw.chars().any(char::is_control) {
            return Err(FieldError::ControlCharacters);
        }
        if let Some(u) = username
            && raw.to_ascii_lowercase().contains(u.as_str())
        {
            return Err(FieldError::PasswordIsUsername);
        }
        let distinct: std::collections::BTreeSet<char> = raw.chars().collect();
        if distinct.len() < 4 {
            return Err(FieldError::PasswordTooSimple);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The name shown for an account: 1–50 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);
string_newtype!(DisplayName);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        check_length(s, 1, DISPLAY_NAME_MAX)?;
        if s.chars().any(char::is_control) {
            return Err(FieldError::ControlCharacters);
        }
        Ok(Self(s.to_owned()))
    }
}

/// A mainland China phone number: an 11-digit mobile number (optionally with +86) or a
/// fixed line with its area code (e.g. 0571-87654321, extension allowed). Stored in a
/// canonical form: mobiles as 11 digits, fixed lines as `area-number[-ext]`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);
string_newtype!(Phone);

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(<redacted>)")
    }
}

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err(FieldError::Empty);
        }
        let s = s
            .strip_prefix("+86")
            .or_else(|| s.strip_prefix("0086"))
            .unwrap_or(&s)
            .trim_start_matches('-')
            .to_owned();
        let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
        // Mobile: 1[3-9]xxxxxxxxx.
        if s.len() == 11
            && digits(&s)
            && s.starts_with('1')
            && matches!(s.as_bytes()[1], b'3'..=b'9')
        {
            return Ok(Self(s));
        }
        // Fixed line: 0 + 2–3 digit area code, 7–8 digit number, optional 1–6 digit extension.
        let parts: Vec<&str> = s.split('-').collect();
        let (area, number, ext) = match parts.as_slice() {
            [a, n] => (*a, *n, None),
            [a, n, e] => (*a, *n, Some(*e)),
            _ => return Err(FieldError::Phone),
        };
        let area_ok = digits(area) && area.starts_with('0') && (3..=4).contains(&area.len());
        let number_ok =
            digits(number) && (7..=8).contains(&number.len()) && !number.starts_with('0');
        let ext_ok = ext.is_none_or(|e| digits(e) && e.len() <= 6);
        if area_ok && number_ok && ext_ok {
            Ok(Self(s))
        } else {
            Err(FieldError::Phone)
        }
    }
}

/// An e-mail address, checked for shape only (delivery is the proof of existence).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);
string_newtype!(Email);

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        check_length(s, 3, EMAIL_MAX)?;
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(FieldError::Email);
        };
        let ok = !local.is_empty()
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if !ok {
            return Err(FieldError::Email);
        }
        // The domain part is case-insensitive; the local part is kept as given.
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
}

/// An agency's code, e.g. `ZJ-HZ-SC`: upper-case letters, digits and hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AgencyCode(String);
string_newtype!(AgencyCode);

impl AgencyCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        check_length(s, 1, AGENCY_CODE_MAX)?;
        let ok = s
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if !ok {
            return Err(FieldError::AgencyCode);
        }
        Ok(Self(s.to_owned()))
    }
}

/// An agency's official name (or another short official text such as a court's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialName(String);
string_newtype!(OfficialName);

impl OfficialName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = raw.trim();
        check_length(s, 1, AGENCY_NAME_MAX)?;
        if s.chars().any(char::is_control) {
            return Err(FieldError::ControlCharacters);
        }
        Ok(Self(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(
            Username::parse(" Demo-Clerk ").map(|u| u.into_inner()),
            Ok("demo-clerk".into())
        );
        assert_eq!(
            Username::parse("ab"),
            Err(FieldError::Length { min: 3, max: 32 })
        );
        assert_eq!(Username::parse("-abc"), Err(FieldError::UsernameCharacters));
        assert_eq!(
            Username::parse("张三丰"),
            Err(FieldError::UsernameCharacters)
        );
    }

    #[test]
    fn passwords_follow_the_policy() {
        let u = Username::parse("zhangsan").expect("valid");
        assert!(Password::parse("yishen-demo-2026", Some(&u)).is_ok());
        assert_eq!(
            Password::parse("short", None),
            Err(FieldError::Length { min: 10, max: 128 })
        );
        assert_eq!(
            Password::parse("zhangsan2026!", Some(&u)),
            Err(FieldError::PasswordIsUsername)
        );
        assert_eq!(
            Password::parse("aaaaaaaaaaaa", None),
            Err(FieldError::PasswordTooSimple)
        );
        assert!(!format!("{:?}", Password::parse("yishen-demo-2026", None)).contains("demo"));
    }

    #[test]
    fn phones_accept_mobiles_and_fixed_lines() {
        assert_eq!(
            Phone::parse("+86 138 0013 8000").map(|p| p.into_inner()),
            Ok("13800138000".into())
        );
        assert!(Phone::parse("0571-87654321").is_ok());
        assert!(Phone::parse("010-12345678-123").is_ok());
        assert_eq!(Phone::parse("12800138000"), Err(FieldError::Phone));
        assert_eq!(Phone::parse("1380013800"), Err(FieldError::Phone));
        assert_eq!(Phone::parse("571-87654321"), Err(FieldError::Phone));
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert_eq!(
            Email::parse("Li@Example.GOV.cn").map(|e| e.into_inner()),
            Ok("Li@example.gov.cn".into())
        );
        assert_eq!(Email::parse("no-at-sign"), Err(FieldError::Email));
        assert_eq!(Email::parse("a@b"), Err(FieldError::Email));
    }

    #[test]
    fn agency_codes_are_upper_case_with_hyphens() {
        assert!(AgencyCode::parse("ZJ-HZ-SC").is_ok());
        assert_eq!(AgencyCode::parse("zj-hz"), Err(FieldError::AgencyCode));
        assert_eq!(AgencyCode::parse("ZJ--HZ"), Err(FieldError::AgencyCode));
    }
}
