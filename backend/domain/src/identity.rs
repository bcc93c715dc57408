//! Identity documents of applicants, checked at the boundary: the resident identity number
//! (GB 11643-1999, ISO 7064 MOD 11-2 check digit) and the unified social credit code
//! (GB 32100-2015, MOD 31 check character). Values are never shown by `Debug`.

use std::fmt;

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("居民身份证号码应为18位（前17位为数字，最后一位为数字或X）")]
    ResidentIdFormat,
    #[error("居民身份证号码中的出生日期无效")]
    ResidentIdBirthDate,
    #[error("居民身份证号码校验位不正确")]
    ResidentIdCheckDigit,
    #[error("统一社会信用代码应为18位，由数字和大写字母（不含I、O、Z、S、V）组成")]
    UsccFormat,
    #[error("统一社会信用代码校验码不正确")]
    UsccCheckCharacter,
}

impl IdentityError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::ResidentIdFormat => "resident_id_format",
            Self::ResidentIdBirthDate => "resident_id_birth_date",
            Self::ResidentIdCheckDigit => "resident_id_check_digit",
            Self::UsccFormat => "uscc_format",
            Self::UsccCheckCharacter => "uscc_check_character",
        }
    }
}

/// An 18-digit resident identity number with a valid birth date and check digit.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ResidentId(String);

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResidentId(<redacted>)")
    }
}

/// GB 11643-1999 weights W_i = 2^(17-i) mod 11 and the check characters for sum mod 11.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl ResidentId {
    /// The check character for the first 17 digits (GB 11643-1999), or `None` when they are
    /// not 17 digits. Used by `parse` and by generators of test and demo data.
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first17
            .chars()
            .zip(ID_WEIGHTS)
            .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
            .sum();
        ID_CHECK.get((sum % 11) as usize).copied()
    }

    /// Full-width digits, a lower-case `x` and spaces between groups are accepted.
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let s: String = crate::input::compact_code(raw).to_ascii_uppercase();
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18
            || !chars[..17].iter().all(char::is_ascii_digit)
            || !(chars[17].is_ascii_digit() || chars[17] == 'X')
        {
            return Err(IdentityError::ResidentIdFormat);
        }
        let birth = &s[6..14];
        let date = NaiveDate::parse_from_str(birth, "%Y%m%d")
            .map_err(|_| IdentityError::ResidentIdBirthDate)?;
        if date < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(date) {
            return Err(IdentityError::ResidentIdBirthDate);
        }
        if Self::check_char(&s[..17]) != Some(chars[17]) {
            return Err(IdentityError::ResidentIdCheckDigit);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An 18-character unified social credit code with a valid check character.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Uscc(String);

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Uscc(<redacted>)")
    }
}

/// GB 32100-2015 character set (no I, O, Z, S, V) and weights 3^i mod 31.
const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl Uscc {
    /// The check character for the first 17 characters (GB 32100-2015), or `None` when they
    /// are not 17 characters of the code's set. Used by `parse` and by demo-data generators.
    pub fn check_char(first17: &str) -> Option<char> {
        let values: Option<Vec<u32>> = first17
            .chars()
            .map(|c| USCC_CHARS.find(c).map(|i| i as u32))
            .collect();
        let values = values.filter(|v| v.len() == 17)?;
        let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
        USCC_CHARS.chars().nth(((31 - sum % 31) % 31) as usize)
    }

    /// Full-width characters, lower case and spaces between groups are accepted.
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let s = crate::input::compact_code(raw).to_ascii_uppercase();
        let values: Option<Vec<u32>> = s
            .chars()
            .map(|c| USCC_CHARS.find(c).map(|i| i as u32))
            .collect();
        let values = values.ok_or(IdentityError::UsccFormat)?;
        if values.len() != 18 {
            return Err(IdentityError::UsccFormat);
        }
        let sum: u32 = values[..17]
            .iter()
            .zip(USCC_WEIGHTS)
            .map(|(v, w)| v * w)
            .sum();
        let check = (31 - sum % 31) % 31;
        if check != values[17] {
            return Err(IdentityError::UsccCheckCharacter);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_are_checked() {
        // The example number of GB 11643-1999.
        assert!(ResidentId::parse("11010519491231002X").is_ok());
        assert!(ResidentId::parse("11010519491231002x").is_ok());
        assert_eq!(
            ResidentId::parse("110105194912310021"),
            Err(IdentityError::ResidentIdCheckDigit)
        );
        assert_eq!(
            ResidentId::parse("11010519491331002X"),
            Err(IdentityError::ResidentIdBirthDate)
        );
        assert_eq!(
            ResidentId::parse("1101051949123100"),
            Err(IdentityError::ResidentIdFormat)
        );
        assert!(!format!("{:?}", ResidentId::parse("11010519491231002X")).contains("1101"));
        for written in [
            "１１０１０５１９４９１２３１００２ｘ",
            " 110105 19491231 002x ",
        ] {
            assert_eq!(
                ResidentId::parse(written).map(|id| id.as_str().to_owned()),
                Ok("11010519491231002X".into()),
                "{written}"
            );
        }
    }

    #[test]
    fn unified_social_credit_codes_are_checked() {
        let valid = "91350100M000100Y43";
        assert!(Uscc::parse(valid).is_ok());
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(IdentityError::UsccCheckCharacter)
        );
        assert_eq!(
            Uscc::parse("91350100M000100YI3"),
            Err(IdentityError::UsccFormat)
        );
        assert_eq!(Uscc::parse("9135"), Err(IdentityError::UsccFormat));
        assert_eq!(
            Uscc::parse("９１３５０１００ｍ０００１００ｙ４３").map(|c| c.as_str().to_owned()),
            Ok(valid.to_owned())
        );
    }
}
