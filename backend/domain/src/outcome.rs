//! What reconsideration bodies and courts decided about a reply (CONTRACT.md codes), and the
//! annual-report bucket each falls in (国办公开办函〔2021〕30号 table 四).

use serde::{Deserialize, Serialize};

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

impl ReconsiderationDecision {
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
