//! What an application must contain (条例29) and how its receipt date is fixed (条例31).
//!
//! [`ApplicantInput`] is the raw shape of CONTRACT.md's `applicant`; [`Applicant::parse`]
//! turns it into a value that cannot be invalid, or into every problem found, each naming
//! its field, so that a form can show them all at once.

use serde::{Deserialize, Serialize};

use crate::account::{Email, FieldError, Phone};
use crate::identity::{ResidentId, Uscc};

/// Limits of the request text (申请内容) and of the other free-text fields.
pub const CONTENT_MIN: usize = 10;
pub const CONTENT_MAX: usize = 5000;
pub const DESCRIPTION_MAX: usize = 2000;
pub const PURPOSE_MAX: usize = 1000;
pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;
pub const OTHER_ID_MAX: usize = 40;

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $code:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese name shown to users.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The accepted codes, for error messages.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join("、")
            }
        }

        // `store` maps its rows' text columns through this.
        $crate::stored_code!($name, $name::parse);
    };
}
pub(crate) use code_enum;

code_enum!(
    /// How the application reached the agency (条例29, 31).
    Channel {
        Online => "online", "网上申请";
        InPerson => "in_person", "当面提交";
        RegisteredPost => "registered_post", "挂号信等需签收的邮寄";
        OrdinaryPost => "ordinary_post", "平常信函";
        Fax => "fax", "传真";
        Email => "email", "电子邮件";
    }
);

impl Channel {
    /// Which day 条例31 makes the receipt date for this channel.
    pub fn receipt_rule(self) -> &'static str {
        match self {
            Channel::InPerson => "以提交之日为收到申请之日（条例第三十一条第（一）项）",
            Channel::RegisteredPost => {
                "以行政机关签收之日为收到申请之日（条例第三十一条第（二）项）"
            }
            Channel::OrdinaryPost => {
                "以收到当日与申请人确认之日为收到申请之日（条例第三十一条第（二）项）"
            }
            Channel::Online | Channel::Fax | Channel::Email => {
                "以双方确认之日为收到申请之日（条例第三十一条第（三）项）"
            }
        }
    }

    /// Online applications wait for a clerk's confirmation before the clock starts
    /// (条例31(三)); every other channel is registered by a clerk with its receipt date.
    pub fn needs_confirmation(self) -> bool {
        self == Channel::Online
    }
}

code_enum!(
    ApplicantKind {
        Person => "person", "公民";
        Organization => "organization", "法人或其他组织";
    }
);

code_enum!(
    /// The applicant columns of the annual report's table 三 (国办公开办函〔2021〕30号).
    ApplicantCategory {
        NaturalPerson => "natural_person", "自然人";
        Business => "business", "商业企业";
        Research => "research", "科研机构";
        Nonprofit => "nonprofit", "社会公益组织";
        LegalService => "legal_service", "法律服务机构";
        OtherOrg => "other_org", "其他";
    }
);

code_enum!(
    IdType {
        ResidentId => "resident_id", "居民身份证";
        Passport => "passport", "护照";
        Uscc => "uscc", "统一社会信用代码";
        Other => "other", "其他证件";
    }
);

code_enum!(
    /// The form the information is wanted in (条例29(三), 40).
    FormPreference {
        Electronic => "electronic", "电子文本";
        Paper => "paper", "纸质文本";
    }
);

code_enum!(
    /// How the applicant wants to receive the reply (条例29(三)).
    DeliveryPreference {
        Online => "online", "网上获取";
        Post => "post", "邮寄";
        Email => "email", "电子邮件";
        Pickup => "pickup", "当面领取";
    }
);

/// One problem with one field of an intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeIssue {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl IntakeIssue {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// The applicant as submitted (CONTRACT.md `applicant`), before any check.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantInput {
    pub kind: Option<String>,
    pub category: Option<String>,
    pub name: Option<String>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A checked applicant. Identity number, phone and address are personal data: `Debug`
/// never shows them and the store keeps them encrypted.
#[derive(Clone, PartialEq, Eq)]
pub struct Applicant {
    kind: ApplicantKind,
    category: ApplicantCategory,
    name: String,
    id_type: IdType,
    id_number: String,
    phone: Option<Phone>,
    email: Option<Email>,
    address: Option<String>,
}

impl std::fmt::Debug for Applicant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Applicant")
            .field("kind", &self.kind)
            .field("category", &self.category)
            .field("id_type", &self.id_type)
            .finish_non_exhaustive()
    }
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

fn text_issue(field: &str, value: &str, min: usize, max: usize) -> Option<IntakeIssue> {
    let n = value.chars().count();
    if has_control(value) {
        return Some(IntakeIssue::new(
            field,
            "control_characters",
            "含有不允许的控制字符",
        ));
    }
    if n < min || n > max {
        return Some(IntakeIssue::new(
            field,
            "length",
            format!("长度须在{min}至{max}个字符之间（现为{n}个）"),
        ));
    }
    None
}

fn field_error(field: &str, e: &FieldError) -> IntakeIssue {
    IntakeIssue::new(field, e.code(), e.to_string())
}

impl Applicant {
    /// Checks an applicant; `prefix` is the path of the object in the input (`applicant`).
    ///
    /// 条例29(一) requires the name, proof of identity and a way to reach the applicant;
    /// a person files as `natural_person`, an organisation under one of the other columns.
    pub fn parse(input: &ApplicantInput, prefix: &str) -> Result<Self, Vec<IntakeIssue>> {
        let f = |name: &str| format!("{prefix}.{name}");
        let mut issues = Vec::new();
        let required = |issues: &mut Vec<IntakeIssue>, name: &str, what: &str| {
            issues.push(IntakeIssue::new(
                f(name),
                "required",
                format!("请填写{what}"),
            ));
        };

        let kind = match clean(&input.kind) {
            None => {
                required(&mut issues, "kind", "申请人类型");
                None
            }
            Some(k) => {
                let v = ApplicantKind::parse(&k);
                if v.is_none() {
                    issues.push(IntakeIssue::new(
                        f("kind"),
                        "unknown_value",
                        format!("申请人类型无效，可选：{}", ApplicantKind::codes()),
                    ));
                }
                v
            }
        };
        let category = match clean(&input.category) {
            // A person is always a natural person; organisations must say which column.
            None if kind == Some(ApplicantKind::Person) => Some(ApplicantCategory::NaturalPerson),
            None => {
                required(&mut issues, "category", "申请人类别");
                None
            }
            Some(c) => {
                let v = ApplicantCategory::parse(&c);
                if v.is_none() {
                    issues.push(IntakeIssue::new(
                        f("category"),
                        "unknown_value",
                        format!("申请人类别无效，可选：{}", ApplicantCategory::codes()),
                    ));
                }
                v
            }
        };
        match (kind, category) {
            (Some(ApplicantKind::Person), Some(c)) if c != ApplicantCategory::NaturalPerson => {
                issues.push(IntakeIssue::new(
                    f("category"),
                    "category_mismatch",
                    "公民申请的类别应为自然人（natural_person）",
                ));
            }
            (Some(ApplicantKind::Organization), Some(ApplicantCategory::NaturalPerson)) => {
                issues.push(IntakeIssue::new(
                    f("category"),
                    "category_mismatch",
                    "法人或其他组织不能选择自然人类别",
                ));
            }
            _ => {}
        }

        // Widths, spaces and the middle dot of minority and foreign names made one form.
        let name = match clean(&input.name).map(|n| crate::input::name(&n)) {
            None => {
                required(&mut issues, "name", "申请人姓名或名称");
                None
            }
            Some(n) => match text_issue(&f("name"), &n, 1, NAME_MAX) {
                Some(i) => {
                    issues.push(i);
                    None
                }
                None => Some(n),
            },
        };

        let id_type = match clean(&input.id_type) {
            None => {
                required(&mut issues, "id_type", "身份证明类型");
                None
            }
            Some(t) => {
                let v = IdType::parse(&t);
                if v.is_none() {
                    issues.push(IntakeIssue::new(
                        f("id_type"),
                        "unknown_value",
                        format!("身份证明类型无效，可选：{}", IdType::codes()),
                    ));
                }
                v
            }
        };
        match (kind, id_type) {
            (Some(ApplicantKind::Person), Some(IdType::Uscc)) => issues.push(IntakeIssue::new(
                f("id_type"),
                "id_type_mismatch",
                "公民不能以统一社会信用代码作为身份证明",
            )),
            (Some(ApplicantKind::Organization), Some(IdType::ResidentId | IdType::Passport)) => {
                issues.push(IntakeIssue::new(
                    f("id_type"),
                    "id_type_mismatch",
                    "法人或其他组织应提供统一社会信用代码或其他证明",
                ))
            }
            _ => {}
        }
        let id_number = match (clean(&input.id_number), id_type) {
            (None, _) => {
                required(&mut issues, "id_number", "身份证明号码");
                None
            }
            (Some(n), Some(IdType::ResidentId)) => match ResidentId::parse(&n) {
                Ok(id) => Some(id.as_str().to_owned()),
                Err(e) => {
                    issues.push(IntakeIssue::new(f("id_number"), e.code(), e.to_string()));
                    None
                }
            },
            (Some(n), Some(IdType::Uscc)) => match Uscc::parse(&n) {
                Ok(id) => Some(id.as_str().to_owned()),
                Err(e) => {
                    issues.push(IntakeIssue::new(f("id_number"), e.code(), e.to_string()));
                    None
                }
            },
            (Some(n), Some(IdType::Passport | IdType::Other)) => {
                let n = crate::input::compact_code(&n);
                let ok = n.chars().count() <= OTHER_ID_MAX
                    && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                if ok {
                    Some(n.to_ascii_uppercase())
                } else {
                    issues.push(IntakeIssue::new(
                        f("id_number"),
                        "id_number_format",
                        format!("证件号码只能由字母、数字和连字符组成，最多{OTHER_ID_MAX}位"),
                    ));
                    None
                }
            }
            (Some(_), None) => None,
        };

        let phone = clean(&input.phone).and_then(|p| match Phone::parse(&p) {
            Ok(p) => Some(p),
            Err(e) => {
                issues.push(field_error(&f("phone"), &e));
                None
            }
        });
        let email = clean(&input.email).and_then(|e| match Email::parse(&e) {
            Ok(e) => Some(e),
            Err(err) => {
                issues.push(field_error(&f("email"), &err));
                None
            }
        });
        let address = clean(&input.address).and_then(|a| {
            match text_issue(&f("address"), &a, 2, ADDRESS_MAX) {
                Some(i) => {
                    issues.push(i);
                    None
                }
                None => Some(a),
            }
        });
        if clean(&input.phone).is_none()
            && clean(&input.email).is_none()
            && clean(&input.address).is_none()
        {
            issues.push(IntakeIssue::new(
                f("phone"),
                "contact_required",
                "请至少填写联系电话、电子邮件或通信地址中的一项（条例第二十九条）",
            ));
        }

        match (kind, category, name, id_type, id_number) {
            (Some(kind), Some(category), Some(name), Some(id_type), Some(id_number))
                if issues.is_empty() =>
            {
                Ok(Self {
                    kind,
                    category,
                    name,
                    id_type,
                    id_number,
                    phone,
                    email,
                    address,
                })
            }
            _ => Err(issues),
        }
    }

    pub fn kind(&self) -> ApplicantKind {
        self.kind
    }

    /// A reply sent by post needs a postal address, one sent by e-mail an e-mail address:
    /// otherwise the way of obtaining the information the applicant chose (条例29(三)) cannot be honoured. Named on the
    /// field that is missing.
    pub fn check_delivery(
        &self,
        delivery: DeliveryPreference,
        prefix: &str,
    ) -> Option<IntakeIssue> {
        match delivery {
            DeliveryPreference::Post if self.address.is_none() => Some(IntakeIssue::new(
                format!("{prefix}.address"),
                "address_required",
                "选择邮寄的，请填写通信地址",
            )),
            DeliveryPreference::Email if self.email.is_none() => Some(IntakeIssue::new(
                format!("{prefix}.email"),
                "email_required",
                "选择电子邮件的，请填写电子邮件地址",
            )),
            _ => None,
        }
    }
    pub fn category(&self) -> ApplicantCategory {
        self.category
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn id_type(&self) -> IdType {
        self.id_type
    }
    /// The identity number in canonical form (personal data).
    pub fn id_number(&self) -> &str {
        &self.id_number
    }
    pub fn phone(&self) -> Option<&Phone> {
        self.phone.as_ref()
    }
    pub fn email(&self) -> Option<&Email> {
        self.email.as_ref()
    }
    /// The postal address (personal data).
    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }

    /// The address in the form used for exact matching: no whitespace or punctuation,
    /// full-width digits and letters folded to ASCII.
    pub fn normalised_address(&self) -> Option<String> {
        self.address.as_deref().map(normalise_address)
    }
}

/// Folds an address for matching: drops whitespace and punctuation, folds full-width forms.
pub fn normalise_address(a: &str) -> String {
    a.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| {
            !c.is_whitespace() && !c.is_ascii_punctuation() && !"，。、；：（）—".contains(*c)
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The information sought (申请内容): 10 to 5000 characters (条例29(二)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestText(String);

impl RequestText {
    pub fn parse(raw: &str, field: &str) -> Result<Self, IntakeIssue> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(IntakeIssue::new(
                field,
                "required",
                "请填写申请公开的政府信息内容",
            ));
        }
        if let Some(i) = text_issue(field, s, CONTENT_MIN, CONTENT_MAX) {
            return Err(i);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional free-text field limited to `max` characters; empty means absent.
pub fn optional_text(
    raw: Option<&str>,
    field: &str,
    max: usize,
) -> Result<Option<String>, IntakeIssue> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match text_issue(field, s, 1, max) {
            Some(i) => Err(i),
            None => Ok(Some(s.to_owned())),
        },
    }
}

/// Why a filing is refused before anything is stored (条例31: who files through which channel).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilingRefusal {
    #[error(
        "网上申请的收到日期由工作人员与申请人确认时确定（条例第三十一条第（三）项），提交时不能填写"
    )]
    ReceivedOnGivenOnline,
    #[error("申请人在网上提交申请时，渠道应为 online")]
    ApplicantOffline,
    #[error("网上申请由申请人提交，登记员在“确认收到”时确定收到日期")]
    ClerkOnline,
    #[error("请填写收到申请之日：{}", .0.receipt_rule())]
    ReceivedOnMissing(Channel),
    #[error("只有申请人（网上申请）和登记员（其他渠道）可以提交申请")]
    NotAFiler,
}

impl FilingRefusal {
    /// The request field at fault; `None` when the person may not file at all.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::ReceivedOnGivenOnline | Self::ReceivedOnMissing(_) => Some("received_on"),
            Self::ApplicantOffline | Self::ClerkOnline => Some("channel"),
            Self::NotAFiler => None,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::ReceivedOnGivenOnline => "not_allowed",
            Self::ApplicantOffline | Self::ClerkOnline => "channel_not_allowed",
            Self::ReceivedOnMissing(_) => "required",
            Self::NotAFiler => "forbidden",
        }
    }
}

/// How an application enters (条例31): an applicant files online, and the receipt date is
/// fixed later, when staff confirm it (第（三）项), so the filing is only `Submitted` on
/// `today`; a clerk registers what came by any other channel, with the receipt date that
/// channel's rule gives ([`Channel::receipt_rule`]), as `Registered` on that date. Whether that
/// date is plausible (not in the future) is the caller's check of the date.
pub fn filing(
    role: crate::Role,
    channel: Channel,
    received_on: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, super::CaseEvent), FilingRefusal> {
    use crate::Role;
    match (role, channel) {
        (Role::Applicant, Channel::Online) => match received_on {
            Some(_) => Err(FilingRefusal::ReceivedOnGivenOnline),
            None => Ok((
                today,
                super::CaseEvent::Submitted {
                    channel: Channel::Online,
                },
            )),
        },
        (Role::Applicant, _) => Err(FilingRefusal::ApplicantOffline),
        (Role::Clerk, Channel::Online) => Err(FilingRefusal::ClerkOnline),
        (Role::Clerk, channel) => {
            let received_on = received_on.ok_or(FilingRefusal::ReceivedOnMissing(channel))?;
            Ok((
                received_on,
                super::CaseEvent::Registered {
                    channel,
                    received_on,
                },
            ))
        }
        _ => Err(FilingRefusal::NotAFiler),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn who_files_through_which_channel_follows_article_31() {
        use crate::Role;
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap_or_default();
        let today = d("2026-09-15");
        assert_eq!(
            filing(Role::Applicant, Channel::Online, None, today),
            Ok((
                today,
                super::super::CaseEvent::Submitted {
                    channel: Channel::Online
                }
            ))
        );
        assert_eq!(
            filing(Role::Applicant, Channel::Online, Some(today), today),
            Err(FilingRefusal::ReceivedOnGivenOnline)
        );
        assert_eq!(
            filing(Role::Applicant, Channel::InPerson, None, today),
            Err(FilingRefusal::ApplicantOffline)
        );
        assert_eq!(
            filing(Role::Clerk, Channel::Online, Some(today), today),
            Err(FilingRefusal::ClerkOnline)
        );
        let refused = filing(Role::Clerk, Channel::RegisteredPost, None, today);
        assert_eq!(
            refused,
            Err(FilingRefusal::ReceivedOnMissing(Channel::RegisteredPost))
        );
        assert_eq!(refused.err().and_then(|r| r.field()), Some("received_on"));
        assert_eq!(
            filing(
                Role::Clerk,
                Channel::RegisteredPost,
                Some(d("2026-09-14")),
                today
            ),
            Ok((
                d("2026-09-14"),
                super::super::CaseEvent::Registered {
                    channel: Channel::RegisteredPost,
                    received_on: d("2026-09-14")
                }
            ))
        );
        assert_eq!(
            filing(Role::Handler, Channel::InPerson, Some(today), today),
            Err(FilingRefusal::NotAFiler)
        );
    }

    fn person() -> ApplicantInput {
        ApplicantInput {
            kind: Some("person".into()),
            category: None,
            name: Some("张三".into()),
            id_type: Some("resident_id".into()),
            id_number: Some("11010519491231002X".into()),
            phone: Some("13800138000".into()),
            email: None,
            address: Some("杭州市上城区某路1号".into()),
        }
    }

    #[test]
    fn a_person_with_a_valid_id_parses_as_natural_person() {
        let a = Applicant::parse(&person(), "applicant").expect("valid");
        assert_eq!(a.category(), ApplicantCategory::NaturalPerson);
        assert_eq!(a.id_number(), "11010519491231002X");
        assert!(!format!("{a:?}").contains("1101"));
    }

    #[test]
    fn an_applicant_as_people_type_it_is_stored_in_one_form() {
        let mut input = person();
        input.name = Some("  阿沛•阿旺晋美 ".into());
        input.id_number = Some("１１０１０５ １９４９１２３１ ００２ｘ".into());
        input.phone = Some("（0571）8765 4321 转 801".into());
        let a = Applicant::parse(&input, "applicant").expect("valid");
        assert_eq!(a.name(), "阿沛·阿旺晋美");
        assert_eq!(a.id_number(), "11010519491231002X");
        assert_eq!(a.phone().map(|p| p.as_str()), Some("0571-87654321-801"));
    }

    #[test]
    fn every_problem_is_named_by_its_field() {
        let mut input = person();
        input.id_number = Some("110105194912310021".into());
        input.phone = Some("12345".into());
        input.category = Some("business".into());
        let issues = Applicant::parse(&input, "applicant").expect_err("invalid");
        let fields: Vec<_> = issues.iter().map(|i| i.field.as_str()).collect();
        assert!(fields.contains(&"applicant.id_number"));
        assert!(fields.contains(&"applicant.phone"));
        assert!(fields.contains(&"applicant.category"));
        let id = issues
            .iter()
            .find(|i| i.field == "applicant.id_number")
            .expect("id");
        assert_eq!(id.code, "resident_id_check_digit");
    }

    #[test]
    fn organisations_need_a_category_and_a_contact() {
        let input = ApplicantInput {
            kind: Some("organization".into()),
            name: Some("某某科技有限公司".into()),
            id_type: Some("uscc".into()),
            id_number: Some("91350100M000100Y43".into()),
            ..Default::default()
        };
        let issues = Applicant::parse(&input, "applicant").expect_err("invalid");
        let codes: Vec<_> = issues.iter().map(|i| i.code).collect();
        assert!(codes.contains(&"required"), "{codes:?}");
        assert!(codes.contains(&"contact_required"), "{codes:?}");
    }

    #[test]
    fn request_text_has_limits() {
        assert!(RequestText::parse("太短了", "content").is_err());
        assert!(RequestText::parse(&"字".repeat(5001), "content").is_err());
        assert!(
            RequestText::parse("请公开2025年本区旧城改造项目的征收补偿方案", "content").is_ok()
        );
    }

    #[test]
    fn addresses_normalise_for_matching() {
        assert_eq!(
            normalise_address("杭州市 上城区，某路１号"),
            normalise_address("杭州市上城区某路1号")
        );
    }

    #[test]
    fn every_channel_names_its_receipt_rule() {
        for c in Channel::ALL {
            assert!(c.receipt_rule().contains("条例第三十一条"));
        }
        assert!(Channel::Online.needs_confirmation());
        assert!(!Channel::InPerson.needs_confirmation());
    }
}
