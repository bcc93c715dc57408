//! Screening flags of a case, a person's decision on one, and the applicant dossier.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use yishen_store::CaseId;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use utoipa::ToSchema;
use yishen_app::Ctx;
use yishen_app::services::dossier::{self as dossiers, Dossier};
use yishen_app::services::flags::{self, FlagDecision, FlagList, FlagView};
use yishen_domain::screening::ReviewDecision;

/// The case's screening flags with their evidence (staff).
#[utoipa::path(tag = "flags", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = FlagList), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/flags")]
pub async fn for_case(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
) -> Result<web::Json<FlagList>, ApiError> {
    Ok(web::Json(
        flags::for_case(&state, &actor, id.into_inner()).await?,
    ))
}

/// `POST /api/v1/flags/{id}/decision`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `confirm` or `dismiss`.
    #[schema(schema_with = decision_schema, required = true)]
    pub decision: Option<ReviewDecision>,
    /// Why (required to dismiss, at most 500 characters).
    pub reason: Option<String>,
}

fn decision_schema() -> utoipa::openapi::Object {
    super::code_schema(
        ReviewDecision::ALL.iter().map(|d| d.as_str()),
        "`confirm`（确认）or `dismiss`（排除）",
    )
}

impl TryFrom<DecisionBody> for FlagDecision {
    type Error = ApiError;

    fn try_from(b: DecisionBody) -> Result<Self, ApiError> {
        FlagDecision::new(b.decision, b.reason).map_err(ApiError::Validation)
    }
}

/// Confirms or dismisses a flag, with a reason.
#[utoipa::path(tag = "flags", params(("id" = i64, Path)), request_body = DecisionBody,
    security(("bearer" = [])),
    responses((status = 200, body = FlagView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/flags/{id}/decision")]
pub async fn decide(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<i64>,
    body: ApiJson<DecisionBody>,
) -> Result<web::Json<FlagView>, ApiError> {
    Ok(web::Json(
        flags::decide(&state, &actor, id.into_inner(), body.0.try_into()?).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DossierParams {
    /// `json` (default) or `pdf`.
    #[param(pattern = "^(json|pdf)$")]
    format: Option<String>,
}

/// The applicant dossier for the 联合会商 meeting: counts by month, linked cases, request texts
/// side by side, and the flags with their evidence. Never identity numbers, phones or
/// addresses, and nothing of another applicant.
#[utoipa::path(tag = "flags", params(("id" = i64, Path), DossierParams), security(("bearer" = [])),
    responses((status = 200, description = "申请人材料汇编：JSON（默认）或 PDF",
               content((Dossier = "application/json"), (Vec<u8> = "application/pdf"))),
              (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[get("/api/v1/cases/{id}/dossier")]
pub async fn dossier(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<CaseId>,
    query: ApiQuery<DossierParams>,
) -> Result<HttpResponse, ApiError> {
    let format = query.0.format.unwrap_or_else(|| "json".to_owned());
    if !["json", "pdf"].contains(&format.as_str()) {
        return Err(ApiError::field(
            "format",
            "unknown_value",
            "格式无效，可选：json、pdf",
        ));
    }
    let d = dossiers::dossier(&state, &actor, id.into_inner()).await?;
    Ok(if format == "pdf" {
        let file = format!("申请人档案-{}.pdf", d.case.tracking_no);
        super::file_response(
            "application/pdf",
            false,
            &file,
            dossiers::to_pdf(&state, &d)?,
        )
    } else {
        HttpResponse::Ok().json(d)
    })
}
