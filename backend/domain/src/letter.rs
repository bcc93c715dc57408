//! The kinds of letter a case gets, with their stable codes and Chinese names, and who each is
//! addressed to. Which kind an action issues is decided with the case's rules; the `letters`
//! crate renders each from its template (`pdf-templates/<code>.toml`).
//!
//! The code is what the database stores and what names the template file; the label is the
//! letter's usual name for staff-facing lists (the printed title comes from the template).

/// A kind of letter. Each has one template in `pdf-templates/<code>.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LetterKind {
    /// 受理回执 (letters.md §3.1).
    Receipt,
    /// 补正告知书 (§3.2, 条例30).
    CorrectionNotice,
    /// 延期答复告知书 (§3.3, 条例33).
    ExtensionNotice,
    /// 征求第三方意见书 (§3.4, 条例32).
    ThirdPartyConsultation,
    /// 征求其他机关意见函 (§3.4, 条例34).
    AgencyConsultation,
    /// 收费通知书 (§3.5, 条例42).
    FeeNotice,
    /// 说明理由告知书 (§3.7, 条例35).
    ReasonsRequest,
    /// 延迟答复告知书 (§3.3 related letter, 条例35): reasons found reasonable, a later deadline.
    LaterDeadlineNotice,
    /// 不予处理告知书 (§3.7); the variant is a `not_processed_*` disposition code.
    NotProcessedNotice,
    /// 政府信息公开申请答复书 (§3.6); the variant is the disposition code.
    Reply,
}

impl LetterKind {
    pub const ALL: [LetterKind; 10] = [
        LetterKind::Receipt,
        LetterKind::CorrectionNotice,
        LetterKind::ExtensionNotice,
        LetterKind::ThirdPartyConsultation,
        LetterKind::AgencyConsultation,
        LetterKind::FeeNotice,
        LetterKind::ReasonsRequest,
        LetterKind::LaterDeadlineNotice,
        LetterKind::NotProcessedNotice,
        LetterKind::Reply,
    ];

    /// The stable snake_case code (also the template's file stem).
    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Receipt => "receipt",
            LetterKind::CorrectionNotice => "correction_notice",
            LetterKind::ExtensionNotice => "extension_notice",
            LetterKind::ThirdPartyConsultation => "third_party_consultation",
            LetterKind::AgencyConsultation => "agency_consultation",
            LetterKind::FeeNotice => "fee_notice",
            LetterKind::ReasonsRequest => "reasons_request",
            LetterKind::LaterDeadlineNotice => "later_deadline_notice",
            LetterKind::NotProcessedNotice => "not_processed_notice",
            LetterKind::Reply => "reply",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The Chinese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            LetterKind::Receipt => "受理回执",
            LetterKind::CorrectionNotice => "补正告知书",
            LetterKind::ExtensionNotice => "延期答复告知书",
            LetterKind::ThirdPartyConsultation => "征求第三方意见书",
            LetterKind::AgencyConsultation => "征求其他机关意见函",
            LetterKind::FeeNotice => "收费通知书",
            LetterKind::ReasonsRequest => "说明理由告知书",
            LetterKind::LaterDeadlineNotice => "延迟答复告知书",
            LetterKind::NotProcessedNotice => "不予处理告知书",
            LetterKind::Reply => "政府信息公开申请答复书",
        }
    }

    /// Whether the letter is addressed to the applicant: the consultation letters go to a
    /// third party (条例32) or another agency (条例34).
    pub fn addressed_to_applicant(self) -> bool {
        !matches!(
            self,
            LetterKind::ThirdPartyConsultation | LetterKind::AgencyConsultation
        )
    }

    /// Whether the letter answers the application (条例36 reply, or the notice that it is not
    /// processed): the letter an outcome and a similar case are measured by.
    pub fn answers_the_application(self) -> bool {
        matches!(self, LetterKind::Reply | LetterKind::NotProcessedNotice)
    }
}

// `store` maps the letters' kind column through this.
crate::stored_code!(LetterKind, LetterKind::parse);

impl std::fmt::Display for LetterKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for kind in LetterKind::ALL {
            assert_eq!(LetterKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(LetterKind::parse("Reply"), None);
        assert_eq!(LetterKind::Reply.label(), "政府信息公开申请答复书");
        assert_eq!(
            LetterKind::try_from("reply".to_owned()),
            Ok(LetterKind::Reply)
        );
        assert!(LetterKind::try_from("Reply".to_owned()).is_err());
    }

    #[test]
    fn only_the_consultation_letters_go_to_someone_else() {
        let elsewhere: Vec<_> = LetterKind::ALL
            .into_iter()
            .filter(|k| !k.addressed_to_applicant())
            .collect();
        assert_eq!(
            elsewhere,
            [
                LetterKind::ThirdPartyConsultation,
                LetterKind::AgencyConsultation
            ]
        );
    }
}
