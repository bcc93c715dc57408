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

/// Mainland area codes of three digits (GB/T 2261 numbering plan: 010 and 02x); every
/// other area code has four digits.
fn area_len(digits: &str) -> usize {
    if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    }
}

impl Phone {
    /// A mainland mobile (`13800138000`) or fixed-line number (`0571-87654321`, with an
    /// extension `0571-87654321-801`), written as people write them: spaces or dashes in any
    /// place, the area code in brackets, full-width digits and dashes, `+86`/`0086` in front
    /// (with the area code's 0 dropped), an extension after `转`, `分机`, `ext` or a last dash.
    /// The normal form is the one shown above.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let s = crate::input::fold_width(raw);
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::Empty);
        }
        // The extension, when named.
        // ASCII lower case keeps every byte offset, so `lower`'s offsets index `s`.
        let lower = s.to_ascii_lowercase();
        let (main, ext) = ["转", "分机", "ext.", "ext"]
            .iter()
            .find_map(|k| {
                lower
                    .find(k)
                    .map(|i| (&s[..i], Some(s[i + k.len()..].trim())))
            })
            .unwrap_or((s, None));
        let main = main.trim();
        let (main, international) = ["+86", "0086", "(+86)", "(86)"]
            .iter()
            .find_map(|p| main.strip_prefix(p).map(|rest| (rest, true)))
            .unwrap_or((main, false));
        if !main
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.' | '/'))
        {
            return Err(FieldError::Phone);
        }
        let ext = match ext {
            Some(e) if !e.is_empty() && e.len() <= 6 && e.bytes().all(|b| b.is_ascii_digit()) => {
                Some(e.to_owned())
            }
            Some(_) => return Err(FieldError::Phone),
            None => None,
        };
        let groups: Vec<&str> = main
            .split(|c: char| !c.is_ascii_digit())
            .filter(|g| !g.is_empty())
            .collect();
        // After +86 the area code's leading 0 is dropped (`+86 571 …`, `+86 10 …`).
        let with_zero = |d: String| {
            let mobile = d.len() == 11 && d.starts_with('1');
            if international && !d.starts_with('0') && !mobile {
                format!("0{d}")
            } else {
                d
            }
        };
        if let Some(p) = Self::from_digits(&with_zero(groups.concat()), ext.as_deref()) {
            return Ok(p);
        }
        // `0571-87654321-801`: the last group is an extension.
        if ext.is_none()
            && let [rest @ .., last] = groups.as_slice()
            && rest.len() >= 2
            && last.len() <= 6
        {
            return Self::from_digits(&with_zero(rest.concat()), Some(last))
                .ok_or(FieldError::Phone);
        }
        Err(FieldError::Phone)
    }

    fn from_digits(d: &str, ext: Option<&str>) -> Option<Self> {
        // Mobile: 1[3-9] and nine more digits; no extension.
        if d.len() == 11 && d.starts_with('1') && matches!(d.as_bytes()[1], b'3'..=b'9') {
            return ext.is_none().then(|| Self(d.to_owned()));
        }
        // Fixed line: the area code, then a 7–8 digit number not starting with 0.
        if !d.starts_with('0') {
            return None;
        }
        let n = area_len(d);
        if d.len() <= n {
            return None;
        }
        let (area, number) = d.split_at(n);
        if !(7..=8).contains(&number.len()) || number.starts_with('0') {
            return None;
        }
        Some(Self(match ext {
            Some(e) => format!("{area}-{number}-{e}"),
            None => format!("{area}-{number}"),
        }))
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
    fn phones_as_people_write_them_have_one_normal_form() {
        let normal = |s: &str| Phone::parse(s).map(|p| p.into_inner());
        for written in [
            "0571-87654321",
            "057187654321",
            "0571 8765 4321",
            "(0571)87654321",
            "（０５７１）８７６５４３２１",
            "0571－87654321",
            "0571—8765 4321",
            "+86 571 8765 4321",
            "+86-571-87654321",
            "0086 571 87654321",
            " 0571-87654321 ",
        ] {
            assert_eq!(normal(written), Ok("0571-87654321".into()), "{written}");
        }
        for written in [
            "0571-87654321转801",
            "0571-87654321-801",
            "057187654321 分机 801",
            "0571-87654321 ext. 801",
        ] {
            assert_eq!(normal(written), Ok("0571-87654321-801".into()), "{written}");
        }
        for written in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "１３８００１３８０００",
            "+8613800138000",
        ] {
            assert_eq!(normal(written), Ok("13800138000".into()), "{written}");
        }
        assert_eq!(normal("02187654321"), Ok("021-87654321".into()));
        assert_eq!(normal("+86 10 8765 4321"), Ok("010-87654321".into()));
        assert_eq!(normal("0571-8765432"), Ok("0571-8765432".into()));
        for bad in [
            "13800138000转1",
            "0571-87654321转abc",
            "0571-8765432x",
            "87654321",
            "0571-0765432",
            "电话0571",
        ] {
            assert_eq!(normal(bad), Err(FieldError::Phone), "{bad}");
        }
        assert_eq!(normal("  "), Err(FieldError::Empty));
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
