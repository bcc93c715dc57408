//! Online consultation (线上咨询) and the published FAQ: asking without an account, reading
//! the answer by the question's code, the agency staff's list and answer, the public FAQ.
//! The code travels in the path as CONTRACT.md fixes; it is no personal data, and looking
//! codes up is rate limited per client address like `/track`.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, ClientAddr, LaterJson};
use yishen_app::Ctx;
use yishen_app::services::inquiries::{
    self, AnswerCommand, AskCommand, Asked, FaqList, InquiryList, InquiryView, StaffInquiry,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InquiryBody {
    /// The agency asked, by its code.
    #[schema(min_length = 1, max_length = 64)]
    agency: String,
    /// The question (5 to 2,000 characters).
    #[schema(min_length = 5, max_length = 2000)]
    question: String,
    /// The asker's name (optional).
    #[schema(max_length = 100)]
    name: Option<String>,
    /// A phone number to be told of the answer (a phone or an e-mail address is required).
    #[schema(max_length = 40)]
    phone: Option<String>,
    /// An e-mail address to be told of the answer.
    #[schema(max_length = 254)]
    email: Option<String>,
}

/// Asks an agency a question before filing; no account needed. The answer is due within the
/// target (one working day by default); the asker is told of it by e-mail or text message.
#[utoipa::path(tag = "inquiries", request_body = InquiryBody,
    responses((status = 201, body = Asked)))]
#[post("/api/v1/inquiries")]
pub async fn ask(
    state: web::Data<Ctx>,
    caller: Option<Caller>,
    ClientAddr(ip): ClientAddr,
    body: ApiJson<InquiryBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let asked = inquiries::ask(
        &state,
        caller.as_ref().map(|c| &c.0),
        ip,
        AskCommand {
            agency: b.agency,
            question: b.question,
            name: b.name,
            phone: b.phone,
            email: b.email,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(asked))
}

/// The question with this code and its answer, for whoever holds the code.
#[utoipa::path(tag = "inquiries", params(("code" = String, Path, max_length = 32)),
    responses((status = 200, body = InquiryView)))]
#[get("/api/v1/inquiries/{code}")]
pub async fn by_code(
    state: web::Data<Ctx>,
    ClientAddr(ip): ClientAddr,
    code: web::Path<String>,
) -> Result<web::Json<InquiryView>, ApiError> {
    let ip = ip.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !state.track_limiter.allow(ip) {
        return Err(ApiError::RateLimited);
    }
    Ok(web::Json(inquiries::by_code(&state, &code).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only the unanswered.
    open: Option<bool>,
}

/// The questions put to the caller's agency: unanswered first, by due day.
#[utoipa::path(tag = "inquiries", params(ListParams), security(("bearer" = [])),
    responses((status = 200, body = InquiryList)))]
#[get("/api/v1/inquiries")]
pub async fn list(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<ListParams>,
) -> Result<web::Json<InquiryList>, ApiError> {
    Ok(web::Json(
        inquiries::list(&state, &actor, query.0.open.unwrap_or(false)).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InquiryAnswerBody {
    /// The answer (2 to 5,000 characters).
    #[schema(min_length = 2, max_length = 5000)]
    answer: String,
    /// Publish the question and the answer, personal data taken out, as an FAQ entry.
    publish: Option<bool>,
    /// The question's words as published (instead of the asker's).
    #[schema(max_length = 2000)]
    public_question: Option<String>,
}

/// Answers a question put to the caller's agency (once); the asker is told.
#[utoipa::path(tag = "inquiries", params(("id" = i64, Path)), request_body = InquiryAnswerBody,
    security(("bearer" = [])), responses((status = 200, body = StaffInquiry)))]
#[post("/api/v1/inquiries/{id}/answer")]
pub async fn answer(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: LaterJson<InquiryAnswerBody>,
) -> Result<web::Json<StaffInquiry>, ApiError> {
    let id = id.into_inner();
    // Whether the caller may answer it at all comes before what the body says.
    inquiries::one(&state, &actor, id).await?;
    let b = body.0?;
    Ok(web::Json(
        inquiries::answer(
            &state,
            &actor,
            id,
            AnswerCommand {
                answer: b.answer,
                publish: b.publish.unwrap_or(false),
                public_question: b.public_question,
            },
        )
        .await?,
    ))
}

/// Withdraws the FAQ entry published from a question of the caller's agency.
#[utoipa::path(tag = "inquiries", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204)))]
#[post("/api/v1/inquiries/{id}/withdraw-faq")]
pub async fn withdraw_faq(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    inquiries::withdraw_faq(&state, &actor, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FaqParams {
    /// Search words.
    #[param(max_length = 200)]
    q: Option<String>,
    /// An agency's code: its entries and those of the agencies below it.
    agency: Option<String>,
}

/// The published questions and answers (public), best match first when searched.
#[utoipa::path(tag = "inquiries", params(FaqParams), responses((status = 200, body = FaqList)))]
#[get("/api/v1/faq")]
pub async fn faq(
    state: web::Data<Ctx>,
    query: ApiQuery<FaqParams>,
) -> Result<web::Json<FaqList>, ApiError> {
    let p = query.0;
    Ok(web::Json(
        inquiries::faq(&state, p.q, p.agency, inquiries::PUBLIC_LIMIT).await?,
    ))
}
