//! Cases: intake, the queue, one case, its clock and event log, and the actions of
//! CONTRACT.md. Actions honour `If-Match: "<version>"` (the case's `version`, also sent as
//! its `ETag`): a stale version gets 409 and nothing changes.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yishen_domain::case::{Action, Status};
use yishen_store::CaseId;
use yishen_store::models::case::COUNT_CAP;

use super::case_bodies::{
    Article35DecisionBody, AssignBody, CloseConsultationBody, ConfirmBody, ConsultationBody,
    CorrectionBody, CorrectionResponseBody, DeliveryBody, ExtensionBody, ExtensionRefusalBody,
    ExtensionRequestBody, FeeNoticeBody, IssueBody, OnBody, ReasonsRequestBody, ReviewBody,
    SignOffBody, WithdrawBody,
};
use crate::auth::Caller;
use crate::error::{ApiError, FieldIssue};
use crate::extract::{ApiJson, ApiQuery, LaterJson};
use crate::routes::users::page_limits;
use yishen_app::Ctx;
use yishen_app::services::cases::actions;
use yishen_app::services::cases::article35;
use yishen_app::services::cases::drafting::{self, DraftResult};
use yishen_app::services::cases::intake::{self, IntakeInput, ParsedIntake};
use yishen_app::services::cases::read::{self, ClockView, EventView, QueueQuery};
use yishen_app::services::cases::views::{CaseSummary, CaseView};
use yishen_app::services::letters;
use yishen_domain::case::ApplicantInput;
use yishen_domain::draft::DraftInput;

/// The version in `If-Match` (`"3"`, `W/"3"` or `3`), if sent.
pub(crate) fn if_match(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = v.to_str().unwrap_or("").trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse::<i64>().map(Some).map_err(|_| {
        ApiError::field(
            "If-Match",
            "invalid_version",
            "If-Match 应为案件的版本号（见案件的 version 字段或 ETag）",
        )
    })
}

pub(crate) fn with_etag(view: CaseView, status: actix_web::http::StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view)
}

/// `POST /api/v1/cases` (CONTRACT.md "Case").
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeBody {
    /// Code of the agency applied to.
    #[schema(max_length = 64)]
    pub agency: Option<String>,
    /// How the application arrived.
    #[schema(schema_with = channel_schema)]
    pub channel: Option<String>,
    /// Clerk registrations only: the receipt date 条例31 gives for the channel.
    pub received_on: Option<NaiveDate>,
    /// The applicant (CONTRACT.md "applicant").
    #[schema(value_type = Option<ApplicantSchema>)]
    pub applicant: Option<ApplicantInput>,
    /// The information sought (申请内容), 10–5000 characters.
    #[schema(max_length = 5000)]
    pub content: Option<String>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[schema(max_length = 1000)]
    pub purpose: Option<String>,
    /// `electronic` and/or `paper`.
    #[schema(inline, value_type = Option<Vec<FormCode>>, max_items = 2)]
    pub forms: Option<Vec<String>>,
    #[schema(schema_with = delivery_schema)]
    pub delivery: Option<String>,
    /// How the applicant is told of the case's notices: `email` and/or `sms` (a mobile number
    /// needed). Unset: by e-mail where an address is given.
    #[schema(inline, value_type = Option<Vec<NotifyCode>>, max_items = 2)]
    pub notify_by: Option<Vec<String>>,
}

/// The applicant as the intake reads it (CONTRACT.md "applicant"). Which fields a kind of
/// applicant needs, the identity number's check character and the phone's form are checked by
/// the intake and named in its 422.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ApplicantSchema {
    #[schema(schema_with = applicant_kind_schema)]
    kind: Option<String>,
    /// The annual report's column (条例50).
    #[schema(schema_with = applicant_category_schema)]
    category: Option<String>,
    /// Name of the person or organisation.
    #[schema(max_length = 100)]
    name: Option<String>,
    #[schema(schema_with = id_type_schema)]
    id_type: Option<String>,
    /// The identity document's number (a resident identity number with its check character,
    /// a unified social credit code, …).
    #[schema(max_length = 40)]
    id_number: Option<String>,
    /// A mainland phone number, as people write it.
    #[schema(max_length = 40)]
    phone: Option<String>,
    #[schema(max_length = 254)]
    email: Option<String>,
    #[schema(max_length = 200)]
    address: Option<String>,
}

fn channel_schema() -> utoipa::openapi::Object {
    super::code_schema(
        yishen_domain::case::Channel::ALL.iter().map(|c| c.as_str()),
        "How the application arrived: `online` for applicants, the others registered by a clerk",
    )
}

fn delivery_schema() -> utoipa::openapi::Object {
    super::code_schema(
        yishen_domain::case::DeliveryPreference::ALL
            .iter()
            .map(|d| d.as_str()),
        "How the reply is to reach the applicant",
    )
}

fn applicant_kind_schema() -> utoipa::openapi::Object {
    super::code_schema(
        yishen_domain::case::ApplicantKind::ALL
            .iter()
            .map(|k| k.as_str()),
        "`person`（公民）or `organization`（法人或其他组织）",
    )
}

fn applicant_category_schema() -> utoipa::openapi::Object {
    super::code_schema(
        yishen_domain::case::ApplicantCategory::ALL
            .iter()
            .map(|c| c.as_str()),
        "The annual report's column of the applicant",
    )
}

fn id_type_schema() -> utoipa::openapi::Object {
    super::code_schema(
        yishen_domain::case::IdType::ALL.iter().map(|t| t.as_str()),
        "The identity document's type",
    )
}

/// A form of the information: `electronic` or `paper`.
#[derive(ToSchema)]
#[schema(as = FormCode)]
#[allow(dead_code)]
enum FormCode {
    #[schema(rename = "electronic")]
    Electronic,
    #[schema(rename = "paper")]
    Paper,
}

/// A notification channel: `email` or `sms`.
#[derive(ToSchema)]
#[schema(as = NotifyCode)]
#[allow(dead_code)]
enum NotifyCode {
    #[schema(rename = "email")]
    Email,
    #[schema(rename = "sms")]
    Sms,
}

impl TryFrom<IntakeBody> for ParsedIntake {
    type Error = ApiError;

    fn try_from(b: IntakeBody) -> Result<Self, ApiError> {
        let input = IntakeInput {
            agency: b.agency,
            channel: b.channel,
            received_on: b.received_on,
            applicant: b.applicant,
            content: b.content,
            description: b.description,
            purpose: b.purpose,
            forms: b.forms,
            delivery: b.delivery,
            notify_by: b.notify_by,
        };
        intake::parse(&input).map_err(ApiError::Validation)
    }
}

/// Files an application (applicant, online) or registers one (clerk, other channels).
#[utoipa::path(tag = "cases", request_body = IntakeBody, security(("bearer" = [])),
    responses((status = 201, body = CaseView), (status = 422, body = crate::error::Problem),
              (status = 403, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
#[post("/api/v1/cases")]
pub async fn create(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    client: crate::extract::ClientAddr,
    body: ApiJson<IntakeBody>,
) -> Result<HttpResponse, ApiError> {
    let parsed = body.0.try_into()?;
    if actor.role == yishen_domain::Role::Applicant {
        use yishen_app::services::throttle;
        throttle::admit(&state, throttle::Limit::Filing, client.0).await?;
    }
    let view = intake::create(&state, &actor, parsed).await?;
    let location = format!("/api/v1/cases/{}", view.id);
    let mut res = with_etag(view, actix_web::http::StatusCode::CREATED);
    if let Ok(v) = header::HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueParams {
    /// One status or several separated by commas.
    #[param(
        pattern = "^$|^(submitted|received|awaiting_correction|in_progress|drafting|in_review|approved|replied|closed|withdrawn|abandoned)(,(submitted|received|awaiting_correction|in_progress|drafting|in_review|approved|replied|closed|withdrawn|abandoned))*$"
    )]
    status: Option<String>,
    /// Agency code: that agency and its subtree (within what the caller may see).
    #[param(min_length = 1, max_length = 64)]
    agency: Option<String>,
    /// Only cases past their due date.
    overdue: Option<bool>,
    /// Only cases due within this many working days (0: today or earlier).
    #[param(maximum = 200)]
    due_within: Option<u32>,
    /// `me`: only the cases assigned to the caller.
    #[param(pattern = "^me$")]
    assignee: Option<String>,
    /// A tracking number, an applicant's name, phone or identity number (exact match; written
    /// as people write them: spaces, full-width digits, lower-case x).
    q: Option<String>,
    #[param(minimum = 1, maximum = 10000)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    items: Vec<CaseSummary>,
    /// How many cases match, counted up to 10,000.
    total: i64,
    /// False when more than 10,000 match (`total` is then 10,000, and pages stop there:
    /// narrow the filters or search).
    total_exact: bool,
}

/// The work queue: active cases first, then soonest due (undated last).
#[utoipa::path(tag = "cases", params(QueueParams), security(("bearer" = [])),
    responses((status = 200, body = CaseList), (status = 400, body = crate::error::Problem)))]
#[get("/api/v1/cases")]
pub async fn list(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<QueueParams>,
) -> Result<web::Json<CaseList>, ApiError> {
    let q = query.0;
    let mut statuses = Vec::new();
    for s in q
        .status
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        statuses.push(Status::parse(s).ok_or_else(|| {
            ApiError::InvalidQuery(vec![FieldIssue::new(
                "status",
                "unknown_value",
                format!("状态无效，可选：{}", Status::codes()),
            )])
        })?);
    }
    if q.due_within.is_some_and(|n| n > 200) {
        return Err(ApiError::InvalidQuery(vec![FieldIssue::new(
            "due_within",
            "out_of_range",
            "due_within 须在0至200个工作日之间",
        )]));
    }
    let (limit, offset) = page_limits(q.page, q.per_page)?;
    if offset >= COUNT_CAP {
        return Err(ApiError::InvalidQuery(vec![FieldIssue::new(
            "page",
            "out_of_range",
            format!("只能翻阅前{COUNT_CAP}件，请用筛选或 q 缩小范围"),
        )]));
    }
    let (items, total) = read::list(
        &state,
        &actor,
        QueueQuery {
            statuses,
            agency: q.agency,
            overdue: q.overdue.unwrap_or(false),
            due_within: q.due_within,
            search: q
                .q
                .as_deref()
                .and_then(yishen_domain::case::search::CaseSearch::parse),
            assigned_to_me: match q.assignee.as_deref() {
                None => false,
                Some("me") => true,
                Some(_) => {
                    return Err(ApiError::InvalidQuery(vec![FieldIssue::new(
                        "assignee",
                        "unknown_value",
                        "assignee 只能为 me",
                    )]));
                }
            },
            limit,
            offset,
        },
    )
    .await?;
    Ok(web::Json(CaseList {
        items,
        total: total.min(COUNT_CAP),
        total_exact: total <= COUNT_CAP,
    }))
}

/// One case.
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}")]
pub async fn get_one(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let view = read::get(&state, &actor, id.into_inner()).await?;
    Ok(with_etag(view, actix_web::http::StatusCode::OK))
}

/// The legal clock with its day-by-day ledger.
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = ClockView), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/clock")]
pub async fn clock(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<ClockView>, ApiError> {
    Ok(web::Json(
        read::clock(&state, &actor, id.into_inner()).await?,
    ))
}

/// The event log, oldest first, with the hash chain.
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = [EventView]), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/events")]
pub async fn events(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<Vec<EventView>>, ApiError> {
    Ok(web::Json(
        read::events(&state, &actor, id.into_inner()).await?,
    ))
}

macro_rules! action {
    ($(#[$doc:meta])* $name:ident, $path:literal, $body:ty, $service:path, $action:ident) => {
        $(#[$doc])*
        #[utoipa::path(tag = "cases", params(("id" = i64, Path)), request_body = $body,
            security(("bearer" = [])),
            responses((status = 200, body = CaseView), (status = 409, body = crate::error::Problem),
                      (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
        #[post($path)]
        pub async fn $name(
            req: HttpRequest,
            state: web::Data<Ctx>,
            Caller(actor): Caller,
            id: web::Path<CaseId>,
            body: LaterJson<$body>,
        ) -> Result<HttpResponse, ApiError> {
            let id = id.into_inner();
            // Who may act comes before what they sent.
            read::may_act(&state, &actor, id, Action::$action).await?;
            let version = if_match(&req)?;
            // The body becomes the service's typed command at the edge: by `TryFrom` where
            // it has one, as it is otherwise.
            let command = body.0?.try_into()?;
            let view = $service(&state, &actor, id, version, command).await?;
            Ok(with_etag(view, actix_web::http::StatusCode::OK))
        }
    };
}

action!(
    /// A clerk confirms an online application; the clock starts (条例31(三)).
    confirm, "/api/v1/cases/{id}/confirm", ConfirmBody, actions::confirm, Confirm
);
action!(
    /// The one-time 补正 notice (条例30); the clock stops.
    request_correction, "/api/v1/cases/{id}/corrections", CorrectionBody, actions::request_correction, RequestCorrection
);
action!(
    /// The corrected application arrived; the count restarts from `on`.
    receive_correction, "/api/v1/cases/{id}/corrections/response", CorrectionResponseBody,
    actions::receive_correction, ReceiveCorrection
);
action!(
    /// An extension of at most 20 working days, once, by the approver (条例33).
    extend, "/api/v1/cases/{id}/extension", ExtensionBody, actions::extend, Extend
);
action!(
    /// The handler asks the approver for an extension (条例33); the approver grants it with
    /// `POST …/extension` or refuses it.
    request_extension, "/api/v1/cases/{id}/extension-request", ExtensionRequestBody,
    actions::request_extension, RequestExtension
);
action!(
    /// The approver refuses a pending extension request, saying why.
    refuse_extension, "/api/v1/cases/{id}/extension-request/refusal", ExtensionRefusalBody,
    actions::refuse_extension, RefuseExtension
);
action!(
    /// Names the handler responsible (clerk or agency admin): an active handler of the
    /// case's agency.
    assign_case, "/api/v1/cases/{id}/assign", AssignBody,
    yishen_app::services::cases::assign::assign, Assign
);
action!(
    /// The fee notice; the payment window opens.
    fee_notice, "/api/v1/cases/{id}/fee-notice", FeeNoticeBody, actions::notice_fee, NoticeFee
);
action!(
    /// The fee was paid on `on`.
    fee_payment, "/api/v1/cases/{id}/fee-payment", OnBody, actions::record_payment, RecordPayment
);
action!(
    /// 条例35 step one: the 说明理由告知书 (handler), only after a person confirmed a
    /// mass-application screening flag.
    request_reasons, "/api/v1/cases/{id}/article35/reasons-request", ReasonsRequestBody,
    article35::request_reasons, RequestReasons
);
action!(
    /// 条例35 step two (approver): 不予处理 (then drafted as a reply) or a reasonable later
    /// deadline with its 延迟答复告知书.
    article35_decision, "/api/v1/cases/{id}/article35/decision", Article35DecisionBody,
    article35::decide, DecideArticle35
);
action!(
    /// The applicant withdraws the application.
    withdraw, "/api/v1/cases/{id}/withdraw", WithdrawBody, actions::withdraw, Withdraw
);

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationCreated {
    id: i64,
    case: CaseView,
}

/// Opens a consultation with a third party (条例32) or another agency (条例34).
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), request_body = ConsultationBody,
    security(("bearer" = [])),
    responses((status = 201, body = ConsultationCreated), (status = 409, body = crate::error::Problem)))]
#[post("/api/v1/cases/{id}/consultations")]
pub async fn open_consultation(
    req: HttpRequest,
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    body: LaterJson<ConsultationBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    read::may_act(&state, &actor, id, Action::OpenConsultation).await?;
    let version = if_match(&req)?;
    let command = body.0?.try_into()?;
    let (case, cid) = actions::open_consultation(&state, &actor, id, version, command).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{}\"", case.version)))
        .json(ConsultationCreated { id: cid, case }))
}

/// Closes a consultation; the excluded span ends on `on`.
#[utoipa::path(tag = "cases", params(("id" = i64, Path), ("cid" = i64, Path)),
    request_body = CloseConsultationBody, security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 409, body = crate::error::Problem)))]
#[post("/api/v1/cases/{id}/consultations/{cid}/close")]
pub async fn close_consultation(
    req: HttpRequest,
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    path: web::Path<(CaseId, i64)>,
    body: LaterJson<CloseConsultationBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, cid) = path.into_inner();
    read::may_act(&state, &actor, id, Action::CloseConsultation).await?;
    let version = if_match(&req)?;
    let command = body.0?.try_into()?;
    let view = actions::close_consultation(&state, &actor, id, cid, version, command).await?;
    Ok(with_etag(view, actix_web::http::StatusCode::OK))
}

/// Saves the draft reply and returns its pre-review findings (答复书预审).
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), request_body = Object,
    security(("bearer" = [])),
    responses((status = 200, body = DraftResult), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/cases/{id}/draft")]
pub async fn draft(
    req: HttpRequest,
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    body: LaterJson<DraftInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    read::may_act(&state, &actor, id, Action::Draft).await?;
    let version = if_match(&req)?;
    let result = drafting::save(&state, &actor, id, version, body.0?).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", result.case.version)))
        .json(result))
}

/// Sends the draft to legal review; refused (409) while pre-review blocks it.
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 409, body = crate::error::Problem)))]
#[post("/api/v1/cases/{id}/submit")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    body: LaterJson<EmptyBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    read::may_act(&state, &actor, id, Action::SubmitForReview).await?;
    body.0?;
    let version = if_match(&req)?;
    let view = drafting::submit(&state, &actor, id, version).await?;
    Ok(with_etag(view, actix_web::http::StatusCode::OK))
}

/// No fields.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyBody {}

action!(
    /// The legal adviser approves the draft or returns it with comments.
    review, "/api/v1/cases/{id}/review", ReviewBody, drafting::review, Approve
);

action!(
    /// Numbers, renders and stores the reply letter (approved drafts only).
    issue, "/api/v1/cases/{id}/issue", IssueBody, letters::issue, Issue
);
action!(
    /// Records 送达 of the reply; the case closes.
    delivery, "/api/v1/cases/{id}/delivery", DeliveryBody, letters::deliver, Deliver
);
action!(
    /// The approver signs the approved reply off (where the agency requires it).
    sign_off, "/api/v1/cases/{id}/signoff", SignOffBody, drafting::sign_off, SignOff
);

/// The current draft rendered as the letter it would become (样稿: no number, nothing stored).
#[utoipa::path(tag = "cases", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/draft/preview")]
pub async fn draft_preview(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, ApiError> {
    let bytes = yishen_app::services::letters::preview(&state, &actor, id.into_inner()).await?;
    let mut res = super::file_response("application/pdf", true, "答复书样稿.pdf", bytes);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}
