//! The agency tree. Listing is public (applicants choose where to apply); changes are for
//! the system administrator and, for its own settings, the agency's administrator.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yishen_domain::{AgencyCode, Email, OfficialName};
use yishen_store::models::agency;

use crate::auth::Caller;
use crate::error::{ApiError, FieldIssue};
use crate::extract::{Fields, IntoIssue, LaterJson, parsed};
use yishen_app::Ctx;
use yishen_app::services::agencies::{self, AgencyUpdate, NewAgencyInput};
use yishen_app::services::seals;
use yishen_domain::Phone;
use yishen_domain::case::AgencySettings;
use yishen_domain::case::rules::{MAX_CONTACT_PERSON, MAX_CORRECTION_PERIOD};
use yishen_domain::document::{Purpose, Retention};
use yishen_domain::screening::ScreeningThresholds;

#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    code: String,
    name: String,
    parent_code: Option<String>,
    reconsideration_body_name: Option<String>,
    court_name: Option<String>,
    letter_prefix: Option<String>,
    /// Working days an applicant is given for a 补正 (条例30 leaves the length to the agency).
    correction_period_days: u32,
    /// Whether the days from a fee notice to payment leave the 条例33 limit.
    fee_pause_excluded: bool,
    /// Whether approved replies need the approver's sign-off before they are issued.
    approver_signoff: bool,
    /// The contact printed in the letters' 附注.
    contact_person: Option<String>,
    contact_phone: Option<String>,
    /// The mailbox answers to the agency's notifications go to (their Reply-To).
    reply_to: Option<String>,
    /// The screening thresholds in force (the agency's own over the defaults; docs/screening.md).
    #[schema(value_type = Object)]
    screening: serde_json::Value,
    /// How long documents are kept after their case is concluded, in years per purpose
    /// (`{"identity_proof": 3}`); a purpose not named is kept without end.
    #[schema(value_type = Object)]
    document_retention_years: serde_json::Value,
}

fn parent_code(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    (parts.len() > 1).then(|| parts[parts.len() - 2].to_owned())
}

fn view(a: agency::Agency) -> AgencyView {
    let s = AgencySettings::from_settings(&a.settings);
    AgencyView {
        correction_period_days: s.rules.correction_period_days,
        fee_pause_excluded: s.rules.fee_pause_excluded,
        approver_signoff: s.rules.approver_signoff,
        contact_person: s.contact_person,
        contact_phone: s.contact_phone,
        reply_to: s.reply_to,
        screening: serde_json::to_value(s.screening.unwrap_or_default()).unwrap_or_default(),
        document_retention_years: serde_json::to_value(&s.document_retention).unwrap_or_default(),
        parent_code: parent_code(&a.path),
        code: a.code,
        name: a.name,
        reconsideration_body_name: a.reconsideration_body_name,
        court_name: a.court_name,
        letter_prefix: a.letter_prefix,
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgencyList {
    items: Vec<AgencyView>,
}

/// Every agency, parents before children.
#[utoipa::path(tag = "agencies", responses((status = 200, body = AgencyList)))]
#[get("/api/v1/agencies")]
pub async fn list(state: web::Data<Ctx>) -> Result<web::Json<AgencyList>, ApiError> {
    let rows = agencies::list(&state).await?;
    Ok(web::Json(AgencyList {
        items: rows.into_iter().map(view).collect(),
    }))
}

/// One agency by code.
#[utoipa::path(tag = "agencies", responses((status = 200, body = AgencyView), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/agencies/{code}")]
pub async fn get_one(
    state: web::Data<Ctx>,
    code: web::Path<String>,
) -> Result<web::Json<AgencyView>, ApiError> {
    let a = agencies::by_code(&state, code.into_inner()).await?;
    Ok(web::Json(view(a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAgency {
    code: String,
    name: String,
    parent: Option<String>,
    reconsideration_body_name: Option<String>,
    court_name: Option<String>,
    letter_prefix: Option<String>,
}

/// Adds an agency to the tree (system administrator).
#[utoipa::path(tag = "agencies", request_body = CreateAgency, security(("bearer" = [])),
    responses((status = 201, body = AgencyView), (status = 403, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/agencies")]
pub async fn create(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    body: LaterJson<CreateAgency>,
) -> Result<HttpResponse, ApiError> {
    yishen_app::policy::manage_agency_tree(&actor)?;
    let b = body.0?;
    let mut f = Fields::default();
    let code = f.take("code", AgencyCode::parse(&b.code));
    let name = f.take("name", OfficialName::parse(&b.name));
    let parent = f.optional("parent", b.parent.as_deref(), AgencyCode::parse);
    let body_name = f.optional(
        "reconsideration_body_name",
        b.reconsideration_body_name.as_deref(),
        OfficialName::parse,
    );
    let court = f.optional("court_name", b.court_name.as_deref(), OfficialName::parse);
    let prefix = f.optional(
        "letter_prefix",
        b.letter_prefix.as_deref(),
        OfficialName::parse,
    );
    f.finish()?;
    let a = agencies::create(
        &state,
        &actor,
        NewAgencyInput {
            code: parsed(code)?,
            name: parsed(name)?,
            parent,
            reconsideration_body_name: body_name,
            court_name: court,
            letter_prefix: prefix,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(view(a)))
}

/// A field that may be left out (unchanged), set, or set to null (cleared).
fn tri(raw: Option<Option<String>>, field: &str, f: &mut Fields) -> Option<Option<OfficialName>> {
    match raw {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) if s.trim().is_empty() => Some(None),
        Some(Some(s)) => f.take(field, OfficialName::parse(&s)).map(Some),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAgency {
    name: Option<String>,
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    reconsideration_body_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    court_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    letter_prefix: Option<Option<String>>,
    correction_period_days: Option<u32>,
    fee_pause_excluded: Option<bool>,
    approver_signoff: Option<bool>,
    /// 附注 contact person of the letters; null or "" clears it.
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    contact_person: Option<Option<String>>,
    /// 附注 contact phone (mobile or fixed line with area code); null or "" clears it.
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    contact_phone: Option<Option<String>>,
    /// The mailbox answers to the agency's notifications go to; null or "" clears it.
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    reply_to: Option<Option<String>>,
    /// Screening thresholds (any subset of the keys in docs/screening.md); null restores the
    /// defaults.
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    #[schema(value_type = Option<Object>)]
    screening: Option<Option<serde_json::Value>>,
    /// How long documents are kept after their case is concluded, in years (1–100) per
    /// purpose (`{"identity_proof": 3, "envelope": 10}`); the whole setting is replaced; null
    /// or `{}` keeps every document without end.
    #[serde(default, deserialize_with = "crate::extract::nullable")]
    #[schema(value_type = Option<Object>)]
    document_retention_years: Option<Option<std::collections::BTreeMap<String, u32>>>,
}

/// A clearable text setting: absent keeps it, null or blank clears it.
fn clearable<T>(
    raw: Option<Option<String>>,
    f: &mut Fields,
    parse: impl FnOnce(&str) -> Result<T, FieldIssue>,
) -> Option<Option<T>> {
    match raw {
        None => None,
        Some(None) => Some(None),
        Some(Some(s)) if s.trim().is_empty() => Some(None),
        Some(Some(s)) => match parse(s.trim()) {
            Ok(v) => Some(Some(v)),
            Err(issue) => {
                f.push(issue);
                None
            }
        },
    }
}

/// Changes an agency's settings (its administrator) or name (system administrator).
#[utoipa::path(tag = "agencies", request_body = UpdateAgency, security(("bearer" = [])),
    responses((status = 200, body = AgencyView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[patch("/api/v1/agencies/{code}")]
pub async fn update(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    code: web::Path<String>,
    body: LaterJson<UpdateAgency>,
) -> Result<web::Json<AgencyView>, ApiError> {
    let code = AgencyCode::parse(&code.into_inner()).map_err(|_| ApiError::NotFound("机关"))?;
    // Who may change it comes before what they sent.
    agencies::may_update(&state, &actor, code.clone()).await?;
    let b = body.0?;
    let mut f = Fields::default();
    let name = f.optional("name", b.name.as_deref(), OfficialName::parse);
    let reconsideration_body_name = tri(
        b.reconsideration_body_name,
        "reconsideration_body_name",
        &mut f,
    );
    let court_name = tri(b.court_name, "court_name", &mut f);
    let letter_prefix = tri(b.letter_prefix, "letter_prefix", &mut f);
    if let Some(d) = b.correction_period_days
        && (d == 0 || d > MAX_CORRECTION_PERIOD)
    {
        f.push(FieldIssue::new(
            "correction_period_days",
            "out_of_range",
            format!("补正期限须在1至{MAX_CORRECTION_PERIOD}个工作日之间"),
        ));
    }
    let contact_person = clearable(b.contact_person, &mut f, |p| {
        if p.chars().count() > MAX_CONTACT_PERSON {
            Err(FieldIssue::new(
                "contact_person",
                "too_long",
                format!("联系人不超过{MAX_CONTACT_PERSON}个字"),
            ))
        } else {
            Ok(p.to_owned())
        }
    });
    let contact_phone = clearable(b.contact_phone, &mut f, |t| {
        Phone::parse(t)
            .map(|_| t.to_owned())
            .map_err(|_| FieldIssue::new("contact_phone", "invalid", "联系电话格式不正确"))
    });
    let reply_to = clearable(b.reply_to, &mut f, |t| {
        Email::parse(t).map_err(|e| e.issue("reply_to"))
    });
    let screening = match b.screening {
        None => None,
        Some(None) => Some(None),
        Some(Some(v)) => match ScreeningThresholds::from_json(&v.to_string()) {
            Ok(t) => Some(Some(t)),
            Err(e) => {
                f.push(FieldIssue::new("screening", e.code(), e.to_string()));
                None
            }
        },
    };
    let document_retention = match b.document_retention_years {
        None => None,
        Some(None) => Some(Retention::default()),
        Some(Some(map)) => {
            let mut years = std::collections::BTreeMap::new();
            for (k, v) in map {
                match Purpose::parse(k.trim()) {
                    Some(p) => {
                        years.insert(p, v);
                    }
                    None => f.push(FieldIssue::new(
                        format!("document_retention_years.{k}"),
                        "invalid_value",
                        format!("未知的材料用途，可选：{}", Purpose::codes()),
                    )),
                }
            }
            match Retention::new(years) {
                Ok(r) => Some(r),
                Err(e) => {
                    f.push(FieldIssue::new(
                        "document_retention_years",
                        "out_of_range",
                        e.to_string(),
                    ));
                    None
                }
            }
        }
    };
    f.finish()?;
    let a = agencies::update(
        &state,
        &actor,
        code,
        AgencyUpdate {
            name,
            reconsideration_body_name,
            court_name,
            letter_prefix,
            correction_period_days: b.correction_period_days,
            fee_pause_excluded: b.fee_pause_excluded,
            approver_signoff: b.approver_signoff,
            contact_person,
            contact_phone,
            reply_to,
            screening,
            document_retention,
        },
    )
    .await?;
    Ok(web::Json(view(a)))
}

/// The agency's seal as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SealView {
    /// SHA-256 of the PNG as uploaded.
    sha256: String,
    /// The printed width in millimetres.
    diameter_mm: u32,
    uploaded_at: chrono::NaiveDateTime,
}

impl From<seals::SealInfo> for SealView {
    fn from(s: seals::SealInfo) -> Self {
        SealView {
            sha256: s.sha256,
            diameter_mm: s.diameter_mm,
            uploaded_at: s.uploaded_at,
        }
    }
}

fn agency_code(raw: String) -> Result<AgencyCode, ApiError> {
    AgencyCode::parse(&raw).map_err(|_| ApiError::NotFound("机关"))
}

/// The agency's seal (its administrator, the system administrator); 404 when it has none.
#[utoipa::path(tag = "agencies", security(("bearer" = [])),
    responses((status = 200, body = SealView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/agencies/{code}/seal")]
pub async fn get_seal(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    code: web::Path<String>,
) -> Result<web::Json<SealView>, ApiError> {
    let code = agency_code(code.into_inner())?;
    let info = seals::info(&state, &actor, &code)
        .await?
        .ok_or(ApiError::NotFound("印章图像"))?;
    Ok(web::Json(info.into()))
}

/// Uploads the agency's seal: `multipart/form-data` with `file` (a PNG with a transparent
/// background, red, at most 4 MB) and `diameter_mm` (the printed width, 20–60, default 42).
/// Every letter the agency issues afterwards carries it over the signature and the date
/// (GB/T 9704-2012 7.3.5.1); letters already issued do not change.
#[utoipa::path(tag = "agencies", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`file`: PNG; `diameter_mm`: 20–60"),
    responses((status = 200, body = SealView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 413, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)))]
#[put("/api/v1/agencies/{code}/seal")]
pub async fn put_seal(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    code: web::Path<String>,
    payload: actix_multipart::Multipart,
) -> Result<web::Json<SealView>, ApiError> {
    let code = agency_code(code.into_inner())?;
    let form = crate::multipart::read(payload, "file", seals::MAX_PNG_BYTES).await?;
    let (png, diameter) = seal_fields(form)?;
    Ok(web::Json(
        seals::upload(&state, &actor, &code, png, diameter)
            .await?
            .into(),
    ))
}

/// The seal upload form's fields: the PNG and the diameter (default 42 mm), every bad field
/// named; for the API and the admin page alike.
pub(crate) fn seal_fields(form: crate::multipart::Form) -> Result<(Vec<u8>, u32), ApiError> {
    let mut f = Fields::default();
    let diameter = match form.text("diameter_mm").map(str::parse::<u32>) {
        None => Some(seals::DEFAULT_DIAMETER_MM),
        Some(Ok(d)) => Some(d),
        Some(Err(_)) => {
            f.push(FieldIssue::new(
                "diameter_mm",
                "invalid",
                "印章直径须为整数毫米",
            ));
            None
        }
    };
    let file = match form.file {
        Some(file) if !file.bytes.is_empty() => Some(file.bytes),
        _ => {
            f.push(FieldIssue::new(
                "file",
                "required",
                "请选择印章图像文件（PNG）",
            ));
            None
        }
    };
    f.finish()?;
    Ok((parsed(file)?, parsed(diameter)?))
}

/// The seal image as uploaded.
#[utoipa::path(tag = "agencies", security(("bearer" = [])),
    responses((status = 200, content_type = "image/png"), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/agencies/{code}/seal/image")]
pub async fn seal_image(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = agency_code(code.into_inner())?;
    let png = seals::png(&state, &actor, &code).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(png))
}

/// A specimen receipt of the agency pressed with its seal (nothing numbered or stored).
#[utoipa::path(tag = "agencies", security(("bearer" = [])),
    responses((status = 200, content_type = "application/pdf"), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/agencies/{code}/seal/specimen")]
pub async fn seal_specimen(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = agency_code(code.into_inner())?;
    let pdf = seals::specimen(&state, &actor, &code).await?;
    Ok(super::file_response(
        "application/pdf",
        true,
        "印章样张.pdf",
        pdf,
    ))
}

/// Removes the agency's seal: later letters print without one.
#[utoipa::path(tag = "agencies", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem)))]
#[delete("/api/v1/agencies/{code}/seal")]
pub async fn delete_seal(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = agency_code(code.into_inner())?;
    seals::remove(&state, &actor, &code).await?;
    Ok(HttpResponse::NoContent().finish())
}
