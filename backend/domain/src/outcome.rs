//! What reconsideration bodies and courts decided about a reply (CONTRACT.md codes), and the
//! annual-report bucket each falls in (国办公开办函〔2021〕30号 table 四).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};
use crate::case::Status;
use crate::case::intake::code_enum;

code_enum!(
    /// Decisions of the 行政复议法 (2023): articles 63–69, or termination.
    ReconsiderationDecision {
        Altered => "altered", "变更（复议法第六十三条）";
        Revoked => "revoked", "撤销或者部分撤销（复议法第六十四条）";
        ConfirmedIllegal => "confirmed_illegal", "确认违法（复议法第六十五条）";
        OrderedToPerform => "ordered_to_perform", "责令履行（复议法第六十六条）";
        ConfirmedVoid => "confirmed_void", "确认无效（复议法第六十七条）";
        Upheld => "upheld", "维持（复议法第六十八条）";
        Rejected => "rejected", "驳回复议请求（复议法第六十九条）";
        Terminated => "terminated", "终止";
    }
);

code_enum!(
    LitigationOutcome {
        Upheld => "upheld", "维持";
        Corrected => "corrected", "纠正";
        Other => "other", "其他";
    }
);

code_enum!(
    /// What a corrected reply did wrong, as the reconsideration body found it: the defects
    /// bodies and courts correct most (why-agencies-lose.md).
    CorrectionDefect {
        Overdue => "overdue", "逾期答复";
        InsufficientSearch => "insufficient_search", "检索不充分";
        ReasonsNotGiven => "reasons_not_given", "未说明理由";
        WrongGround => "wrong_ground", "适用理由或依据错误";
        Procedure => "procedure", "程序违法";
    }
);

code_enum!(
    LitigationInstance {
        First => "first", "一审";
        Second => "second", "二审";
    }
);

code_enum!(
    /// Table 四's buckets.
    OutcomeBucket {
        Upheld => "upheld", "结果维持";
        Corrected => "corrected", "结果纠正";
        Other => "other", "其他结果";
        Pending => "pending", "尚未审结";
    }
);

impl CorrectionDefect {
    /// The lesson the case-guidance manual draws from a correction of this kind, from the
    /// grounds on which agencies lose (why-agencies-lose.md) and the articles they breach.
    pub fn lesson(self) -> &'static str {
        match self {
            Self::Overdue => {
                "严格按条例第三十三条在二十个工作日内答复；确需延长的，须经负责人同意并告知申请人。收发室签收即为收到（条例第三十一条），诉讼中补作答复不能消除逾期的违法。"
            }
            Self::InsufficientSearch => {
                "答复“信息不存在”前，应对档案室、业务科室和电子系统逐一检索，并在答复中说明检索的范围、方式和结果；申请人提供线索的，应据以检索并留存记录（条例第三十六条第（四）项，指导案例101号）。"
            }
            Self::ReasonsNotGiven => {
                "不予公开须说明具体理由和依据，不能笼统援引第十四条；涉及商业秘密、个人隐私的应调查核实并征求第三方意见；能够区分处理的，应当部分公开（条例第三十六条第（三）项、第三十七条）。"
            }
            Self::WrongGround => {
                "核对所援引的条款与处理决定是否一致：会议纪要不当然属于过程性信息，执法决定本身属于主动公开事项（条例第十六条、第二十条）；答复应逐项对应申请内容。"
            }
            Self::Procedure => {
                "申请内容不明确的，应一次性告知补正（条例第三十条）；涉及第三方权益的，应书面征求意见（条例第三十二条）；不得以信访程序代替信息公开答复。"
            }
        }
    }
}

code_enum!(
    /// The two kinds of outcome record a case may have.
    OutcomeRecord {
        Reconsideration => "reconsideration", "行政复议";
        Litigation => "litigation", "行政诉讼";
    }
);

/// The hash an outcome record's event fixes it by: SHA-256 over the case's tracking number,
/// the kind, the record's id and its fields as stored, each length-prefixed (an absent field
/// is distinct from an empty one), like the events' own chain ([`crate::audit`]).
pub fn record_hash(
    case_ref: &str,
    record: OutcomeRecord,
    id: i64,
    fields: &[Option<&str>],
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    let mut put = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    };
    put(b"yishen.outcome.v1");
    put(case_ref.as_bytes());
    put(record.as_str().as_bytes());
    put(&id.to_be_bytes());
    for f in fields {
        match f {
            None => put(b"\x00"),
            Some(v) => {
                put(b"\x01");
                put(v.as_bytes());
            }
        }
    }
    hex::encode(h.finalize())
}

code_enum!(
    /// How the period of an order to answer anew is counted, as the decision words it.
    PeriodUnit {
        WorkingDays => "working_days", "个工作日";
        Days => "days", "日";
    }
);

/// The period a decision sets for the new reply (行政复议法 第六十四条 "在一定期限内重新作出",
/// 第六十六条 "在一定期限内履行"): the law leaves its length to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewReplyPeriod {
    count: u32,
    unit: PeriodUnit,
}

/// The longest period accepted, as a guard against typing errors (a year).
pub const NEW_REPLY_PERIOD_MAX: u32 = 365;

impl NewReplyPeriod {
    pub fn new(count: u32, unit: PeriodUnit) -> Result<Self, String> {
        if (1..=NEW_REPLY_PERIOD_MAX).contains(&count) {
            Ok(Self { count, unit })
        } else {
            Err(format!(
                "重新答复的期限须在1至{NEW_REPLY_PERIOD_MAX}{}之间",
                unit.label()
            ))
        }
    }

    /// The period in words, e.g. 15个工作日.
    pub fn words(self) -> String {
        format!("{}{}", self.count, self.unit.label())
    }

    /// The last day of the period running from `from` (the day of the decision is not
    /// counted; working days on the holiday calendar).
    pub fn due_on(self, from: NaiveDate, calendar: &Calendar) -> Result<NaiveDate, CalendarError> {
        match self.unit {
            PeriodUnit::WorkingDays => calendar.add_working_days(from, self.count),
            PeriodUnit::Days => from
                .checked_add_days(Days::new(u64::from(self.count)))
                .ok_or(CalendarError::DateOutOfRange),
        }
    }
}

impl ReconsiderationDecision {
    /// Whether the decision may order a new reply: 撤销 (第六十四条, 可以责令重作), 确认违法
    /// with an order, 责令履行 (第六十六条).
    pub fn may_order_new_reply(self) -> bool {
        matches!(
            self,
            Self::Revoked | Self::ConfirmedIllegal | Self::OrderedToPerform
        )
    }

    /// Whether the decision, on a case in `status`, must say by when the new reply is due:
    /// 责令履行 (第六十六条: 在一定期限内履行) of an application already answered, which
    /// cannot open again without that period. An unanswered one is being answered anyway.
    pub fn requires_period(self, status: Status) -> bool {
        self == Self::OrderedToPerform && matches!(status, Status::Replied | Status::Closed)
    }

    /// 结果维持 = 68; 结果纠正 = 63–67; 其他结果 = 69 and termination (CONTRACT.md).
    pub fn bucket(self) -> OutcomeBucket {
        match self {
            Self::Upheld => OutcomeBucket::Upheld,
            Self::Altered
            | Self::Revoked
            | Self::ConfirmedIllegal
            | Self::OrderedToPerform
            | Self::ConfirmedVoid => OutcomeBucket::Corrected,
            Self::Rejected | Self::Terminated => OutcomeBucket::Other,
        }
    }
}

impl LitigationOutcome {
    /// Only a judgment correcting the reply may order a new one.
    pub fn may_order_new_reply(self) -> bool {
        self == Self::Corrected
    }

    pub fn bucket(self) -> OutcomeBucket {
        match self {
            Self::Upheld => OutcomeBucket::Upheld,
            Self::Corrected => OutcomeBucket::Corrected,
            Self::Other => OutcomeBucket::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_order_to_perform_on_an_answered_case_must_carry_a_period() {
        let d = ReconsiderationDecision::OrderedToPerform;
        assert!(d.requires_period(Status::Closed));
        assert!(d.requires_period(Status::Replied));
        assert!(!d.requires_period(Status::InProgress));
        assert!(!ReconsiderationDecision::Revoked.requires_period(Status::Closed));
    }

    #[test]
    fn decisions_fall_in_the_contract_buckets() {
        assert_eq!(
            ReconsiderationDecision::Upheld.bucket(),
            OutcomeBucket::Upheld
        );
        assert_eq!(
            ReconsiderationDecision::ConfirmedVoid.bucket(),
            OutcomeBucket::Corrected
        );
        assert_eq!(
            ReconsiderationDecision::Terminated.bucket(),
            OutcomeBucket::Other
        );
        assert_eq!(
            ReconsiderationDecision::parse("revoked"),
            Some(ReconsiderationDecision::Revoked)
        );
    }
}
