//! The dispositions (答复类型) of CONTRACT.md, with the article each rests on and the row of
//! the annual report's table 三 it is counted in (legal.md §3.6). This is the one list: the
//! letter, the remedy clause and the statistics all follow from the code.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! dispositions {
    ($($variant:ident => $code:literal, $label:literal, $article:literal, $row:literal;)+) => {
        /// How an application was concluded.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Disposition { $($variant),+ }

        impl Disposition {
            pub const ALL: &'static [Disposition] = &[$(Disposition::$variant),+];

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|d| d.as_str() == s)
            }

            pub fn as_str(self) -> &'static str {
                match self { $(Disposition::$variant => $code),+ }
            }

            /// The Chinese name shown to users.
            pub fn label(self) -> &'static str {
                match self { $(Disposition::$variant => $label),+ }
            }

            /// The article(s) of the 条例 (or the fee rules) the disposition rests on.
            pub fn article(self) -> &'static str {
                match self { $(Disposition::$variant => $article),+ }
            }

            /// The key of the table 三 row it is counted in (CONTRACT.md annual report).
            pub fn annual_row(self) -> &'static str {
                match self { $(Disposition::$variant => $row),+ }
            }

            pub fn codes() -> String {
                Self::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>().join("、")
            }
        }

        // `store` maps the cases' disposition column through this.
        $crate::stored_code!(Disposition, Disposition::parse);
    };
}

dispositions! {
    DisclosedAlreadyPublic => "disclosed_already_public", "已主动公开，告知获取方式", "条例第三十六条第（一）项", "disclosed";
    Disclosed => "disclosed", "予以公开", "条例第三十六条第（二）项", "disclosed";
    PartiallyDisclosed => "partially_disclosed", "部分公开", "条例第三十七条", "partially_disclosed";
    WithheldStateSecret => "withheld_state_secret", "不予公开：属于国家秘密", "条例第十四条、第三十六条第（三）项", "withheld_1";
    WithheldProhibitedByLaw => "withheld_prohibited_by_law", "不予公开：其他法律行政法规禁止公开", "条例第十四条、第三十六条第（三）项", "withheld_2";
    WithheldThreeSafeties => "withheld_three_safeties", "不予公开：危及“三安全一稳定”", "条例第十四条、第三十六条第（三）项", "withheld_3";
    WithheldThirdParty => "withheld_third_party", "不予公开：保护第三方合法权益", "条例第十五条、第三十二条、第三十六条第（三）项", "withheld_4";
    WithheldInternalAffairs => "withheld_internal_affairs", "不予公开：属于三类内部事务信息", "条例第十六条第一款、第三十六条第（三）项", "withheld_5";
    WithheldProcessInfo => "withheld_process_info", "不予公开：属于四类过程性信息", "条例第十六条第二款、第三十六条第（三）项", "withheld_6";
    WithheldEnforcementFile => "withheld_enforcement_file", "不予公开：属于行政执法案卷", "条例第十六条第二款、第三十六条第（三）项", "withheld_7";
    WithheldAdministrativeInquiry => "withheld_administrative_inquiry", "不予公开：属于行政查询事项", "条例第三十六条第（七）项", "withheld_8";
    UnavailableNotHeld => "unavailable_not_held", "无法提供：本机关不掌握相关政府信息", "条例第三十六条第（四）项", "unavailable_1";
    UnavailableNotThisAgency => "unavailable_not_this_agency", "无法提供：不属于本机关负责公开", "条例第三十六条第（五）项", "unavailable_1";
    UnavailableNeedsCreation => "unavailable_needs_creation", "无法提供：没有现成信息需要另行制作", "条例第三十八条", "unavailable_2";
    UnavailableUnclearAfterCorrection => "unavailable_unclear_after_correction", "无法提供：补正后申请内容仍不明确", "条例第三十条", "unavailable_3";
    NotProcessedPetition => "not_processed_petition", "不予处理：信访举报投诉类申请", "条例第三十九条第一款", "not_processed_1";
    NotProcessedRepeat => "not_processed_repeat", "不予处理：重复申请", "条例第三十六条第（六）项", "not_processed_2";
    NotProcessedPublication => "not_processed_publication", "不予处理：要求提供公开出版物", "条例第三十九条第二款", "not_processed_3";
    NotProcessedMass => "not_processed_mass", "不予处理：无正当理由大量反复申请", "条例第三十五条", "not_processed_4";
    NotProcessedConfirmation => "not_processed_confirmation", "不予处理：要求确认或重新出具已获取信息", "", "not_processed_5";
    OtherCorrectionOverdue => "other_correction_overdue", "申请人无正当理由逾期不补正", "条例第三十条", "other_1";
    OtherFeeUnpaid => "other_fee_unpaid", "申请人逾期未缴纳信息处理费", "《政府信息公开信息处理费管理办法》", "other_2";
    OtherWithdrawn => "other_withdrawn", "申请人撤回申请", "", "other_3";
    Other => "other", "其他处理", "", "other_3";
}

/// Which remedy clause a letter carries (letters.md §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Remedy {
    /// R1: reconsideration within 60 days or a suit within 6 months.
    General,
    /// R2: reconsideration first (复议法第二十三条第一款第（四）项), for refusals in whole or part.
    ReconsiderationFirst,
    /// No reply letter (the applicant withdrew, or the application lapsed).
    None,
}

/// The applicant's remedy windows once the reply is delivered (送达).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemedyWindows {
    /// 复议法第二十条: sixty (calendar, 复议法88) days from knowing of the reply; the day of
    /// delivery itself is not counted.
    pub reconsideration_by: NaiveDate,
    /// 行政诉讼法第四十六条: six months for a direct suit; `None` where reconsideration
    /// comes first (复议法23①(四)), when the suit follows the reconsideration decision
    /// (行政诉讼法第四十五条: fifteen days from receiving it).
    pub litigation_by: Option<NaiveDate>,
    pub note: &'static str,
}

impl Remedy {
    /// The windows that open on `delivered_on`; `None` for a disposition without remedy.
    /// A last day that falls on a rest day is extended under the 民事诉讼法's rules on
    /// periods (复议法88), which the note says rather than computes.
    pub fn windows(self, delivered_on: NaiveDate) -> Option<RemedyWindows> {
        let reconsideration_by = delivered_on.checked_add_days(chrono::Days::new(60))?;
        match self {
            Remedy::None => None,
            Remedy::General => Some(RemedyWindows {
                reconsideration_by,
                litigation_by: delivered_on.checked_add_months(chrono::Months::new(6)),
                note: "可在期限内申请行政复议，或者直接向人民法院提起行政诉讼；期限最后一日为法定节假日的，依法顺延",
            }),
            Remedy::ReconsiderationFirst => Some(RemedyWindows {
                reconsideration_by,
                litigation_by: None,
                note: "须先申请行政复议；对复议决定不服的，可自收到复议决定书之日起十五日内提起行政诉讼；期限最后一日为法定节假日的，依法顺延",
            }),
        }
    }
}

/// What a draft of a disposition must contain (CONTRACT.md draft fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DraftNeeds {
    pub reasons: bool,
    pub withheld_parts: bool,
    pub access: bool,
    pub search_record: bool,
    /// Named "when it can be identified" (条例36(五)): missing is a warning, not a block.
    pub competent_agency: bool,
    pub prior_case: bool,
}

impl Disposition {
    /// The reply gives the applicant the information, whole or in part (条例36(二), 37): the
    /// information was found disclosable (条例44).
    pub fn provides_information(self) -> bool {
        matches!(
            self,
            Disposition::Disclosed | Disposition::PartiallyDisclosed
        )
    }

    pub fn is_withholding(self) -> bool {
        self.as_str().starts_with("withheld_")
    }

    /// The remedy clause of the reply letter.
    ///
    /// 行政复议法（2023）第二十三条第一款第（四）项 puts reconsideration first where an agency
    /// 不予公开 information on application. Every disposition the annual report counts as
    /// 不予公开 (table 三's `withheld_*` rows, 36(七) 行政查询事项 among them) or as 部分公开
    /// (conservatively: part of it is refused) gets that clause: telling an applicant they may
    /// sue directly when they may not would cost them their suit.
    pub fn remedy(self) -> Remedy {
        use Disposition::*;
        match self {
            PartiallyDisclosed => Remedy::ReconsiderationFirst,
            d if d.annual_row().starts_with("withheld_") => Remedy::ReconsiderationFirst,
            OtherWithdrawn | OtherCorrectionOverdue | OtherFeeUnpaid => Remedy::None,
            _ => Remedy::General,
        }
    }

    /// For a ground of withholding (a `withheld_*` code): what the 条例 calls the information
    /// it covers, as a letter states it after 属于 or 涉及 — the wording of the article itself
    /// (条例第十四条、第十五条、第十六条、第三十六条第（七）项).
    pub fn ground_description(self) -> Option<&'static str> {
        use Disposition::*;
        Some(match self {
            WithheldStateSecret => "属于依法确定为国家秘密的政府信息",
            WithheldProhibitedByLaw => "属于法律、行政法规禁止公开的政府信息",
            WithheldThreeSafeties => {
                "属于公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息"
            }
            WithheldThirdParty => "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
            WithheldInternalAffairs => "属于人事管理、后勤管理、内部工作流程等方面的内部事务信息",
            WithheldProcessInfo => {
                "属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息"
            }
            WithheldEnforcementFile => "属于行政执法案卷信息",
            WithheldAdministrativeInquiry => {
                "属于工商、不动产登记资料等信息，有关法律、行政法规对该信息的获取有特别规定"
            }
            _ => return None,
        })
    }

    /// For a ground of withholding: the article of the 条例 the ground itself rests on (the
    /// ones a letter cites beside 第三十七条 for a withheld part); 第十五条 also cites
    /// 第三十二条 where the third party was consulted.
    pub fn ground_articles(self, third_party_consulted: bool) -> Option<&'static str> {
        use Disposition::*;
        Some(match self {
            WithheldStateSecret | WithheldProhibitedByLaw | WithheldThreeSafeties => "第十四条",
            WithheldThirdParty if third_party_consulted => "第十五条、第三十二条",
            WithheldThirdParty => "第十五条",
            WithheldInternalAffairs => "第十六条第一款",
            WithheldProcessInfo | WithheldEnforcementFile => "第十六条第二款",
            WithheldAdministrativeInquiry => "第三十六条第（七）项",
            _ => return None,
        })
    }

    /// The fields a draft needs for this disposition.
    pub fn needs(self) -> DraftNeeds {
        use Disposition::*;
        let reasons = self.is_withholding()
            || matches!(self, PartiallyDisclosed | Other)
            || self.as_str().starts_with("unavailable_")
            || self.as_str().starts_with("not_processed_");
        DraftNeeds {
            reasons,
            withheld_parts: self == PartiallyDisclosed,
            access: self == DisclosedAlreadyPublic,
            search_record: self == UnavailableNotHeld,
            competent_agency: self == UnavailableNotThisAgency,
            prior_case: self == NotProcessedRepeat,
        }
    }

    /// The letter the applicant is answered with: a notice that the application is not
    /// handled as one (the `not_processed_*` answers) or a reply (答复书) for every other.
    pub fn answer_form(self) -> AnswerForm {
        use Disposition::*;
        match self {
            NotProcessedConfirmation
            | NotProcessedMass
            | NotProcessedPetition
            | NotProcessedPublication
            | NotProcessedRepeat => AnswerForm::NotProcessedNotice,
            _ => AnswerForm::Reply,
        }
    }

    /// Whether a handler may choose it in a draft (the `other_*` lapses are decided by the
    /// system or the applicant).
    pub fn is_reply(self) -> bool {
        !matches!(
            self,
            Disposition::OtherCorrectionOverdue
                | Disposition::OtherFeeUnpaid
                | Disposition::OtherWithdrawn
        )
    }
}

/// The form of the letter that answers an application (see [`Disposition::answer_form`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerForm {
    /// 政府信息公开申请答复书.
    Reply,
    /// 不予处理 notice: the request is not handled as a disclosure application.
    NotProcessedNotice,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_not_processed_answers_and_only_they_are_notices() {
        for d in Disposition::ALL {
            assert_eq!(
                d.answer_form() == AnswerForm::NotProcessedNotice,
                d.as_str().starts_with("not_processed_"),
                "{}",
                d.as_str()
            );
        }
    }

    #[test]
    fn codes_round_trip_and_rows_are_the_templates() {
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.as_str()), Some(*d));
        }
        assert_eq!(Disposition::ALL.len(), 24);
        assert_eq!(Disposition::WithheldThirdParty.annual_row(), "withheld_4");
        assert_eq!(Disposition::OtherWithdrawn.annual_row(), "other_3");
    }

    #[test]
    fn refusals_go_to_reconsideration_first() {
        assert_eq!(
            Disposition::WithheldProcessInfo.remedy(),
            Remedy::ReconsiderationFirst
        );
        assert_eq!(
            Disposition::PartiallyDisclosed.remedy(),
            Remedy::ReconsiderationFirst
        );
        // 36(七) is counted as 不予公开 (table 三 withheld_8): reconsideration first too.
        assert_eq!(
            Disposition::WithheldAdministrativeInquiry.remedy(),
            Remedy::ReconsiderationFirst
        );
        for d in Disposition::ALL {
            let refused =
                d.annual_row().starts_with("withheld_") || d.annual_row() == "partially_disclosed";
            assert_eq!(d.remedy() == Remedy::ReconsiderationFirst, refused, "{d:?}");
            assert_eq!(d.ground_articles(false).is_some(), d.is_withholding());
            assert_eq!(d.ground_description().is_some(), d.is_withholding());
        }
        assert_eq!(
            Disposition::WithheldThirdParty.ground_articles(true),
            Some("第十五条、第三十二条")
        );
        assert_eq!(Disposition::UnavailableNotHeld.remedy(), Remedy::General);
        assert_eq!(Disposition::Disclosed.remedy(), Remedy::General);
        assert!(Disposition::UnavailableNotHeld.needs().search_record);
        assert!(Disposition::WithheldThirdParty.needs().reasons);
        assert!(!Disposition::Disclosed.needs().reasons);
    }

    #[test]
    fn remedy_windows_follow_the_remedy() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 31).expect("date");
        let w = Disposition::Disclosed.remedy().windows(d).expect("windows");
        assert_eq!(
            w.reconsideration_by,
            NaiveDate::from_ymd_opt(2026, 5, 30).expect("d")
        );
        assert_eq!(w.litigation_by, NaiveDate::from_ymd_opt(2026, 9, 30));
        let w = Disposition::WithheldStateSecret
            .remedy()
            .windows(d)
            .expect("windows");
        assert_eq!(w.litigation_by, None);
        assert!(Disposition::OtherWithdrawn.remedy().windows(d).is_none());
    }
}
