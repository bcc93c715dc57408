//! The case state machine: which action may happen in which state, by which role, and the
//! state it leads to. The server asks [`Action::apply`] before anything is written; a refusal
//! says why, in Chinese, so the 409 or 403 the user sees explains itself.
//!
//! ```text
//! submitted ─confirm→ received ─correction→ awaiting_correction ─response→ received
//! received / in_progress ─consult, extend, fee→ in_progress ─draft→ drafting
//! drafting ─submit→ in_review ─approve→ approved ─issue→ replied ─deliver→ closed
//!                     in_review ─return→ drafting
//! any open state ─withdraw→ withdrawn;  correction or fee window expired → abandoned
//! replied / closed ─decision ordering a new reply→ in_progress (then as above)
//! ```

use serde::{Deserialize, Serialize};

use super::intake::code_enum;
use crate::Role;

code_enum!(
    Status {
        Submitted => "submitted", "已提交待确认";
        Received => "received", "已收到";
        AwaitingCorrection => "awaiting_correction", "待补正";
        InProgress => "in_progress", "办理中";
        Drafting => "drafting", "拟稿中";
        InReview => "in_review", "法制审核中";
        Approved => "approved", "已审核待答复";
        Replied => "replied", "已答复待送达";
        Closed => "closed", "已办结";
        Withdrawn => "withdrawn", "已撤回";
        Abandoned => "abandoned", "视为放弃申请";
    }
);

impl Status {
    /// Whether the case has been concluded (no clock, no further handling).
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Closed | Status::Withdrawn | Status::Abandoned)
    }

    /// Whether the reply clock can be running: received and not yet answered.
    pub fn clock_applies(self) -> bool {
        matches!(
            self,
            Status::Received
                | Status::AwaitingCorrection
                | Status::InProgress
                | Status::Drafting
                | Status::InReview
                | Status::Approved
        )
    }
}

/// Everything that can happen to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Confirm,
    RequestCorrection,
    ReceiveCorrection,
    OpenConsultation,
    CloseConsultation,
    Extend,
    NoticeFee,
    RecordPayment,
    Draft,
    SubmitForReview,
    Approve,
    Return,
    /// The approver's sign-off of an approved reply, where the agency requires it.
    SignOff,
    Issue,
    /// Voiding an issued reply before it is delivered (a wrong letter): the number stays
    /// used, the case goes back to drafting and its clock runs again.
    VoidReply,
    Deliver,
    /// The applicant's mail server sent the reply's e-mail back after accepting it (a bounce):
    /// the electronic 送达 did not happen, and the reply waits for delivery another way.
    RecordBounce,
    Withdraw,
    /// 条例35: asking the applicant for reasons (说明理由告知书), offered only by a confirmed
    /// mass-application flag.
    RequestReasons,
    /// 条例35: the decision on the reasons — 不予处理 (then drafted and reviewed as a reply)
    /// or a reasonable later deadline.
    DecideArticle35,
    /// The correction or fee window expired (a system job; 条例30, fee rules).
    Abandon,
    /// Naming the handler responsible for an open case (by a clerk or the agency admin).
    Assign,
    /// The handler asks the approver for an extension (条例33: the head of the office decides).
    RequestExtension,
    /// The approver refuses a requested extension.
    RefuseExtension,
    /// A reconsideration body or a court set the reply aside and ordered a new one (行政复议法
    /// 第六十四条至第六十六条): the case opens again for a new reply.
    OrderNewReply,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("案件当前状态为“{status}”，不能{action}")]
    NotAllowedInState {
        action: &'static str,
        status: &'static str,
    },
    #[error("只有{roles}可以{action}")]
    RoleNotAllowed { action: &'static str, roles: String },
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAllowedInState { .. } => "action_not_allowed_in_state",
            Self::RoleNotAllowed { .. } => "role_not_allowed",
        }
    }
}

use Status as S;

/// Open states in which handling actions (consultations, extension, fees) are possible.
const HANDLING: &[Status] = &[
    S::Received,
    S::InProgress,
    S::Drafting,
    S::InReview,
    S::Approved,
];

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Action::Confirm => "确认收到申请",
            Action::RequestCorrection => "发出补正告知",
            Action::ReceiveCorrection => "登记补正后的申请",
            Action::OpenConsultation => "发起征求意见",
            Action::CloseConsultation => "结束征求意见",
            Action::Extend => "延长答复期限",
            Action::NoticeFee => "发出收费通知",
            Action::RecordPayment => "登记缴费",
            Action::Draft => "拟写答复",
            Action::SubmitForReview => "提交法制审核",
            Action::Approve => "审核通过",
            Action::Return => "退回修改",
            Action::SignOff => "签发答复",
            Action::Issue => "出具答复书",
            Action::VoidReply => "作废答复书",
            Action::Deliver => "登记送达",
            Action::RecordBounce => "登记电子送达退信",
            Action::Withdraw => "撤回申请",
            Action::RequestReasons => "要求申请人说明理由",
            Action::DecideArticle35 => "作出条例第三十五条处理决定",
            Action::Abandon => "按视为放弃申请结案",
            Action::Assign => "指定承办人",
            Action::RequestExtension => "申请延长答复期限",
            Action::RefuseExtension => "不同意延期",
            Action::OrderNewReply => "登记责令重新答复的决定",
        }
    }

    /// The roles that may take the action. `Applicant` means the case's own applicant.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::Confirm => &[Clerk],
            Action::RequestCorrection => &[Clerk, Handler],
            Action::ReceiveCorrection => &[Applicant, Clerk, Handler],
            Action::OpenConsultation | Action::CloseConsultation => &[Handler],
            // 条例33: an extension needs the approval of the office's head (负责人).
            Action::Extend => &[Approver],
            Action::NoticeFee => &[Handler],
            Action::RecordPayment => &[Clerk, Handler],
            Action::Draft | Action::SubmitForReview | Action::Issue => &[Handler],
            Action::Approve | Action::Return => &[LegalAdviser],
            Action::SignOff | Action::VoidReply => &[Approver],
            Action::Deliver => &[Clerk, Handler],
            // Only the system, from the bounce the mail system hands it.
            Action::RecordBounce => &[],
            Action::Withdraw => &[Applicant, Clerk],
            Action::RequestReasons => &[Handler],
            // A decision of the agency, taken collectively or by its head (legal.md §6.3).
            Action::DecideArticle35 => &[Approver],
            Action::Abandon => &[],
            Action::Assign => &[Clerk, AgencyAdmin],
            Action::RequestExtension => &[Handler],
            Action::RefuseExtension => &[Approver],
            // Reconsideration bodies record their decisions; the agency records judgments.
            Action::OrderNewReply => &[
                ReconsiderationBody,
                Sysadmin,
                Handler,
                LegalAdviser,
                Approver,
                AgencyAdmin,
            ],
        }
    }

    /// The states the action may start from.
    fn allowed_states(self) -> &'static [Status] {
        match self {
            Action::Confirm => &[S::Submitted],
            Action::RequestCorrection => &[S::Received, S::InProgress],
            Action::ReceiveCorrection => &[S::AwaitingCorrection],
            Action::OpenConsultation
            | Action::CloseConsultation
            | Action::Extend
            | Action::RequestExtension
            | Action::RefuseExtension => HANDLING,
            Action::NoticeFee => &[S::Received, S::InProgress, S::Drafting],
            Action::RecordPayment => HANDLING,
            Action::Draft => &[S::Received, S::InProgress, S::Drafting],
            Action::SubmitForReview => &[S::Drafting],
            Action::Approve | Action::Return => &[S::InReview],
            Action::Issue | Action::SignOff => &[S::Approved],
            Action::Deliver | Action::VoidReply => &[S::Replied],
            Action::RecordBounce => &[S::Closed],
            Action::RequestReasons => &[S::Received, S::InProgress, S::Drafting],
            Action::DecideArticle35 => &[S::Received, S::InProgress, S::Drafting],
            Action::Withdraw => &[
                S::Submitted,
                S::Received,
                S::AwaitingCorrection,
                S::InProgress,
                S::Drafting,
                S::InReview,
                S::Approved,
            ],
            Action::Abandon => &[
                S::AwaitingCorrection,
                S::InProgress,
                S::Received,
                S::Drafting,
            ],
            Action::Assign => &[
                S::Received,
                S::AwaitingCorrection,
                S::InProgress,
                S::Drafting,
                S::InReview,
                S::Approved,
                S::Replied,
            ],
            // An unanswered application may be ordered answered too (责令履行, 第六十六条).
            Action::OrderNewReply => &[
                S::Received,
                S::InProgress,
                S::Drafting,
                S::InReview,
                S::Approved,
                S::Replied,
                S::Closed,
            ],
        }
    }

    /// The state the action leads to from `from`, if the machine allows it there (whoever
    /// takes it): how a case's record is rebuilt from its events.
    pub fn next(self, from: Status) -> Option<Status> {
        self.allowed_states()
            .contains(&from)
            .then(|| self.target(from))
    }

    fn target(self, from: Status) -> Status {
        match self {
            Action::Confirm | Action::ReceiveCorrection => S::Received,
            Action::RequestCorrection => S::AwaitingCorrection,
            Action::OpenConsultation
            | Action::Extend
            | Action::NoticeFee
            | Action::RequestReasons => match from {
                S::Received => S::InProgress,
                other => other,
            },
            Action::CloseConsultation
            | Action::RecordPayment
            | Action::SignOff
            | Action::DecideArticle35
            | Action::Assign
            | Action::RequestExtension
            | Action::RefuseExtension => from,
            Action::Draft | Action::Return | Action::VoidReply => S::Drafting,
            Action::OrderNewReply => match from {
                S::Replied | S::Closed => S::InProgress,
                other => other,
            },
            Action::SubmitForReview => S::InReview,
            Action::Approve => S::Approved,
            Action::Issue => S::Replied,
            Action::Deliver => S::Closed,
            Action::RecordBounce => S::Replied,
            Action::Withdraw => S::Withdrawn,
            Action::Abandon => S::Abandoned,
        }
    }

    /// Checks the state, then the role; returns the state the case moves to. `role` is
    /// `None` for the system's own work: the expiry job (视为放弃), and the electronic 送达 the
    /// mail server's acceptance of the reply's e-mail records where the applicant chose e-mail.
    pub fn apply(self, from: Status, role: Option<Role>) -> Result<Status, TransitionError> {
        if !self.allowed_states().contains(&from) {
            return Err(TransitionError::NotAllowedInState {
                action: self.label(),
                status: from.label(),
            });
        }
        let allowed = match role {
            None => matches!(
                self,
                Action::Abandon | Action::Deliver | Action::RecordBounce
            ),
            Some(r) => self.roles().contains(&r),
        };
        if !allowed {
            let roles = if self.roles().is_empty() {
                "系统定时任务".to_owned()
            } else {
                self.roles()
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            return Err(TransitionError::RoleNotAllowed {
                action: self.label(),
                roles,
            });
        }
        Ok(self.target(from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_reaches_closed() {
        let steps = [
            (Action::Confirm, Role::Clerk, S::Received),
            (Action::OpenConsultation, Role::Handler, S::InProgress),
            (Action::Extend, Role::Approver, S::InProgress),
            (Action::Draft, Role::Handler, S::Drafting),
            (Action::SubmitForReview, Role::Handler, S::InReview),
            (Action::Return, Role::LegalAdviser, S::Drafting),
            (Action::SubmitForReview, Role::Handler, S::InReview),
            (Action::Approve, Role::LegalAdviser, S::Approved),
            (Action::Issue, Role::Handler, S::Replied),
            (Action::Deliver, Role::Clerk, S::Closed),
        ];
        let mut s = S::Submitted;
        for (a, r, want) in steps {
            s = a.apply(s, Some(r)).expect("allowed");
            assert_eq!(s, want, "{a:?}");
        }
        assert!(s.is_terminal());
    }

    #[test]
    fn refusals_say_why() {
        let e = Action::Confirm
            .apply(S::Received, Some(Role::Clerk))
            .expect_err("twice");
        assert_eq!(e.code(), "action_not_allowed_in_state");
        assert!(e.to_string().contains("已收到"));
        let e = Action::Extend
            .apply(S::Received, Some(Role::Handler))
            .expect_err("role");
        assert_eq!(e.code(), "role_not_allowed");
        assert!(e.to_string().contains("负责人"));
        assert!(
            Action::Abandon
                .apply(S::AwaitingCorrection, Some(Role::Clerk))
                .is_err()
        );
        assert_eq!(
            Action::Abandon.apply(S::AwaitingCorrection, None),
            Ok(S::Abandoned)
        );
    }

    #[test]
    fn terminal_states_accept_nothing() {
        let all = [
            Action::Confirm,
            Action::RequestCorrection,
            Action::ReceiveCorrection,
            Action::OpenConsultation,
            Action::CloseConsultation,
            Action::Extend,
            Action::NoticeFee,
            Action::RecordPayment,
            Action::Draft,
            Action::SubmitForReview,
            Action::Approve,
            Action::Return,
            Action::SignOff,
            Action::Issue,
            Action::VoidReply,
            Action::Deliver,
            Action::Withdraw,
            Action::RequestReasons,
            Action::DecideArticle35,
            Action::Abandon,
        ];
        for s in [S::Closed, S::Withdrawn, S::Abandoned] {
            for a in all {
                for r in Role::ALL {
                    assert!(a.apply(s, Some(r)).is_err(), "{a:?} from {s:?}");
                }
            }
        }
    }
}
