//! The request bodies of the case actions, as JSON and as the OpenAPI document describes them,
//! and their conversion into the application's typed commands
//! (`yishen_app::services::cases::commands`). Closed sets are the domain's enums: serde refuses
//! an unknown value and `extract` names it in Chinese with the accepted codes, in one place.
//! The commands' constructors decide what is valid; each refusal names its field.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;
use yishen_app::services::cases::article35::{
    Article35Decision, ConsultationRecord, ReasonsRequest,
};
use yishen_app::services::cases::assign::Assignment;
use yishen_app::services::cases::commands::{
    Confirm, Consultation, ConsultationClose, CorrectionRequest, CorrectionResponse, Extension,
    ExtensionRefusal, ExtensionRequest, ExtensionTerms, FeeNotice, On, Review, ReviewDecision,
    SignOff, Withdrawal,
};
use yishen_app::services::letters::{Delivery, Issue};
use yishen_domain::case::{Article35Outcome, ConsultationOpinion, DeliveryMethod, PartyKind};
use yishen_domain::fees::FeeMode;
use yishen_store::UserId;

use super::code_schema as codes;
use crate::error::ApiError;

fn party_kind_schema() -> Object {
    codes(
        PartyKind::ALL.iter().map(|k| k.as_str()),
        "`third_party`（第三方，条例32）or `agency`（其他机关，条例34）",
    )
}

fn opinion_schema() -> Object {
    codes(
        ConsultationOpinion::ALL.iter().map(|o| o.as_str()),
        "`agree`, `object` or `no_reply`",
    )
}

fn fee_mode_schema() -> Object {
    codes(
        FeeMode::ALL.iter().map(|m| m.as_str()),
        "`per_application`（按件）or `per_page`（按量）: one method per application",
    )
}

/// The problems a command's constructor found, as one 422.
fn invalid(issues: Vec<crate::error::FieldIssue>) -> ApiError {
    ApiError::Validation(issues)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// The day the agency and the applicant confirmed the application (条例31(三)).
    pub received_on: Option<NaiveDate>,
}

impl From<ConfirmBody> for Confirm {
    fn from(b: ConfirmBody) -> Self {
        Confirm {
            received_on: b.received_on,
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// What must be corrected, one item per entry (each at most 500 characters).
    #[schema(required = true, nullable = false, min_items = 1)]
    pub items: Option<Vec<String>>,
    /// The applicant's period in working days (default: the agency's setting, 15).
    pub due_in_working_days: Option<u32>,
    pub on: Option<NaiveDate>,
    /// Required when the notice goes out more than 7 working days after receipt (条例30).
    pub late_reason: Option<String>,
}

impl TryFrom<CorrectionBody> for CorrectionRequest {
    type Error = ApiError;

    fn try_from(b: CorrectionBody) -> Result<Self, ApiError> {
        CorrectionRequest::new(
            b.items.unwrap_or_default(),
            b.due_in_working_days,
            b.on,
            b.late_reason.as_deref(),
        )
        .map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionResponseBody {
    /// The corrected request (申请内容), 10–5000 characters.
    #[schema(required = true, nullable = false, min_length = 10, max_length = 5000)]
    pub content: Option<String>,
    pub on: Option<NaiveDate>,
}

impl TryFrom<CorrectionResponseBody> for CorrectionResponse {
    type Error = ApiError;

    fn try_from(b: CorrectionResponseBody) -> Result<Self, ApiError> {
        CorrectionResponse::new(b.content.as_deref(), b.on).map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationBody {
    #[schema(schema_with = party_kind_schema, required = true)]
    pub party_kind: Option<PartyKind>,
    #[schema(required = true, nullable = false, min_length = 2, max_length = 100)]
    pub party_name: Option<String>,
    pub on: Option<NaiveDate>,
    /// What information the letter asks about (default: 政府信息).
    pub info_description: Option<String>,
    /// Third parties: which interest may be harmed, e.g. 商业秘密 or 个人隐私 (default: 合法权益).
    pub interest: Option<String>,
}

impl TryFrom<ConsultationBody> for Consultation {
    type Error = ApiError;

    fn try_from(b: ConsultationBody) -> Result<Self, ApiError> {
        Consultation::new(
            b.party_kind,
            b.party_name.as_deref(),
            b.on,
            b.info_description.as_deref(),
            b.interest.as_deref(),
        )
        .map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseConsultationBody {
    #[schema(schema_with = opinion_schema, required = true)]
    pub opinion: Option<ConsultationOpinion>,
    /// At most 1,000 characters.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
    pub on: Option<NaiveDate>,
}

impl TryFrom<CloseConsultationBody> for ConsultationClose {
    type Error = ApiError;

    fn try_from(b: CloseConsultationBody) -> Result<Self, ApiError> {
        ConsultationClose::new(b.opinion, b.note.as_deref(), b.on).map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    /// 1–20 working days (条例33第二款).
    #[schema(required = true, nullable = false, minimum = 1, maximum = 20)]
    pub working_days: Option<u32>,
    /// 4–1000 characters, printed in the notice.
    #[schema(required = true, nullable = false, min_length = 4, max_length = 1000)]
    pub reason: Option<String>,
    pub on: Option<NaiveDate>,
}

impl TryFrom<ExtensionBody> for Extension {
    type Error = ApiError;

    fn try_from(b: ExtensionBody) -> Result<Self, ApiError> {
        Ok(Extension {
            terms: ExtensionTerms::new(b.working_days, b.reason.as_deref()).map_err(invalid)?,
            on: b.on,
        })
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRequestBody {
    /// 1–20 working days (条例33第二款).
    #[schema(required = true, nullable = false, minimum = 1, maximum = 20)]
    pub working_days: Option<u32>,
    /// 4–1000 characters.
    #[schema(required = true, nullable = false, min_length = 4, max_length = 1000)]
    pub reason: Option<String>,
}

impl TryFrom<ExtensionRequestBody> for ExtensionRequest {
    type Error = ApiError;

    fn try_from(b: ExtensionRequestBody) -> Result<Self, ApiError> {
        Ok(ExtensionRequest {
            terms: ExtensionTerms::new(b.working_days, b.reason.as_deref()).map_err(invalid)?,
        })
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRefusalBody {
    /// Why the approver does not agree (kept on the case, internal).
    #[schema(required = true, nullable = false, min_length = 2, max_length = 1000)]
    pub reason: Option<String>,
}

impl TryFrom<ExtensionRefusalBody> for ExtensionRefusal {
    type Error = ApiError;

    fn try_from(b: ExtensionRefusalBody) -> Result<Self, ApiError> {
        ExtensionRefusal::new(b.reason.as_deref()).map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeNoticeBody {
    #[schema(schema_with = fee_mode_schema, required = true)]
    pub mode: Option<FeeMode>,
    /// Pages, for `per_page`.
    pub pages: Option<u32>,
    pub on: Option<NaiveDate>,
    /// Why a fee is charged at all (条例42: the number or frequency clearly beyond a
    /// reasonable range); printed in the notice.
    pub reasons: Option<String>,
    /// How and where to pay, as the notice prints it.
    pub payment_method: Option<String>,
}

impl TryFrom<FeeNoticeBody> for FeeNotice {
    type Error = ApiError;

    fn try_from(b: FeeNoticeBody) -> Result<Self, ApiError> {
        FeeNotice::new(b.mode, b.pages, b.on, b.reasons, b.payment_method).map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OnBody {
    pub on: Option<NaiveDate>,
}

impl From<OnBody> for On {
    fn from(b: OnBody) -> Self {
        On { on: b.on }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    /// At most 1,000 characters.
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    pub on: Option<NaiveDate>,
}

impl TryFrom<WithdrawBody> for Withdrawal {
    type Error = ApiError;

    fn try_from(b: WithdrawBody) -> Result<Self, ApiError> {
        Withdrawal::new(b.reason.as_deref(), b.on).map_err(invalid)
    }
}

fn review_decision_schema() -> Object {
    codes(
        ReviewDecision::ALL.iter().map(|d| d.as_str()),
        "`approve`（通过）or `return`（退回修改）",
    )
}

/// `POST /api/v1/cases/{id}/review`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    #[schema(schema_with = review_decision_schema, required = true)]
    pub decision: Option<ReviewDecision>,
    /// Required (at least four characters) for a return; at most 5,000 characters.
    #[schema(max_length = 5000)]
    pub comments: Option<String>,
}

impl TryFrom<ReviewBody> for Review {
    type Error = ApiError;

    fn try_from(b: ReviewBody) -> Result<Self, ApiError> {
        Review::new(b.decision, b.comments.as_deref()).map_err(invalid)
    }
}

/// `POST /api/v1/cases/{id}/signoff`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffBody {
    /// At most 5,000 characters.
    #[schema(max_length = 5000)]
    pub comments: Option<String>,
}

impl TryFrom<SignOffBody> for SignOff {
    type Error = ApiError;

    fn try_from(b: SignOffBody) -> Result<Self, ApiError> {
        SignOff::new(b.comments.as_deref()).map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The handler's account id.
    #[schema(required = true, nullable = false)]
    pub user_id: Option<i64>,
}

impl TryFrom<AssignBody> for Assignment {
    type Error = ApiError;

    fn try_from(b: AssignBody) -> Result<Self, ApiError> {
        Assignment::new(b.user_id.map(UserId)).map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    pub on: Option<NaiveDate>,
}

impl From<IssueBody> for Issue {
    fn from(b: IssueBody) -> Self {
        Issue { on: b.on }
    }
}

fn delivery_method_schema() -> Object {
    codes(
        DeliveryMethod::ALL.iter().map(|m| m.as_str()),
        "`post`（邮寄）, `in_person`（直接送达）, `email`, `online`（网上获取）",
    )
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryBody {
    #[schema(schema_with = delivery_method_schema, required = true)]
    pub method: Option<DeliveryMethod>,
    pub on: Option<NaiveDate>,
    /// The postal tracking number, for `post` (at most 64 characters).
    #[schema(max_length = 64)]
    pub tracking_no: Option<String>,
}

impl TryFrom<DeliveryBody> for Delivery {
    type Error = ApiError;

    fn try_from(b: DeliveryBody) -> Result<Self, ApiError> {
        Delivery::new(b.method, b.on, b.tracking_no.as_deref()).map_err(invalid)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonsRequestBody {
    /// The counts as the notice states them, as a clause without a final 。
    /// ("您于2026年1月至3月内累计向本机关提出政府信息公开申请120件").
    pub reasons: Option<String>,
    /// The day by which the applicant is to give reasons.
    pub deadline: Option<NaiveDate>,
    pub on: Option<NaiveDate>,
}

impl From<ReasonsRequestBody> for ReasonsRequest {
    fn from(b: ReasonsRequestBody) -> Self {
        ReasonsRequest {
            reasons: b.reasons,
            deadline: b.deadline,
            on: b.on,
        }
    }
}

/// A 联合会商 (legal.md §6.3).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationRecordBody {
    pub held_on: Option<NaiveDate>,
    /// Who took part (departments, names, experts).
    pub participants: Option<String>,
    pub minutes: Option<String>,
}

fn article35_outcome_schema() -> Object {
    codes(
        Article35Outcome::ALL.iter().map(|o| o.as_str()),
        "`not_processed`（理由不合理或逾期未说明，不予处理）or `later_deadline`（理由合理，延迟答复）",
    )
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Article35DecisionBody {
    #[schema(schema_with = article35_outcome_schema, required = true)]
    pub outcome: Option<Article35Outcome>,
    /// The applicant's reasons as received; leave out when none came by the deadline.
    pub applicant_reasons: Option<String>,
    /// The 联合会商 that decided, when one was held (legal.md §6.3).
    pub consultation: Option<ConsultationRecordBody>,
    /// `later_deadline`: the reasonable later deadline (a working day after the current due
    /// date).
    pub due_on: Option<NaiveDate>,
    /// `later_deadline`: why the answer needs longer, printed in the notice.
    pub delay_reasons: Option<String>,
    /// Why the agency decided so (kept on the case).
    pub note: Option<String>,
    pub on: Option<NaiveDate>,
}

impl From<Article35DecisionBody> for Article35Decision {
    fn from(b: Article35DecisionBody) -> Self {
        Article35Decision {
            outcome: b.outcome,
            applicant_reasons: b.applicant_reasons,
            consultation: b.consultation.map(|c| ConsultationRecord {
                held_on: c.held_on,
                participants: c.participants,
                minutes: c.minutes,
            }),
            due_on: b.due_on,
            delay_reasons: b.delay_reasons,
            note: b.note,
            on: b.on,
        }
    }
}
