//! The OpenAPI document (`/api/openapi.json`), served with an offline Swagger UI at
//! `/api/docs/`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    access_log, agencies, articles, auth, calendar, cases, deflection, documents, fees, flags,
    health, inquiries, letters, manual, notifications, outcomes, prediction, proactive,
    reading_room, redactions, similar, stats, track, users,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "yishen 依申 API", description = "政府信息依申请公开办理系统接口"),
    paths(
        health::healthz, health::readyz, health::metrics,
        auth::register, auth::login, auth::refresh, auth::logout,
        users::me, users::change_password, users::notify_prefs, users::set_notify_prefs, users::list, users::create, users::get_one, users::update,
        agencies::list, agencies::get_one, agencies::create, agencies::update,
        agencies::get_seal, agencies::put_seal, agencies::seal_image, agencies::seal_specimen,
        agencies::delete_seal,
        calendar::due_date, calendar::years, calendar::get_year, calendar::put_year,
        fees::quote,
        cases::create, cases::list, cases::get_one, cases::clock, cases::events,
        cases::confirm, cases::request_correction, cases::receive_correction,
        cases::open_consultation, cases::close_consultation, cases::extend, cases::assign_case, cases::request_extension, cases::refuse_extension,
        cases::fee_notice, cases::fee_payment, cases::withdraw, cases::request_reasons,
        cases::article35_decision, cases::draft, cases::submit,
        cases::review, cases::sign_off, cases::issue, cases::delivery, cases::draft_preview,
        track::track,
        deflection::shown, deflection::report,
        inquiries::ask, inquiries::list, inquiries::by_code, inquiries::answer, inquiries::withdraw_faq, inquiries::faq,
        access_log::contact, access_log::list,
        documents::upload, documents::for_case, documents::content, documents::package,
        redactions::release, redactions::suggestions, redactions::page, redactions::log,
        notifications::outbox, notifications::resend,
        reading_room::publish, reading_room::edit, reading_room::withdraw, reading_room::search, reading_room::counts, reading_room::entry, reading_room::document,
        prediction::for_case, articles::for_case, flags::for_case, flags::decide, flags::dossier, proactive::suggestions, similar::for_case, similar::search, letters::for_case, letters::pdf, letters::verify, letters::void,
        outcomes::record_reconsideration, outcomes::record_litigation, outcomes::for_case,
        outcomes::decide_reconsideration, outcomes::decide_litigation,
        manual::guidance_manual, stats::annual_report, stats::cell_cases,
        stats::reconsideration, stats::reconsideration_chart,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldIssue)),
    modifiers(&BearerAuth, &ProblemResponses)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Documents on every operation the error statuses it can answer, each as
/// `application/problem+json` with the [`crate::error::Problem`] schema: what the shared
/// extractors and the error mapping (`crate::error`) make of bad input, whatever the handler
/// declares itself. Derived from the operation's shape, so a new route is described as it
/// behaves without repeating the list:
///
/// - 400: a query it parses, or a body that is not the JSON or form it expects;
/// - 401 and 403: it needs a bearer token (missing or expired; the role or agency may not);
/// - 404: a path parameter, or an `agency` in the query, names something (unknown, or not the
///   caller's to see);
/// - 409: it changes something (a state or version conflict, a refusal of the rules);
/// - 413, 415 and 422: it takes a body (too large, another media type, invalid fields);
/// - 429: the sign-in, self-registration, filing and public tracking limits.
struct ProblemResponses;

/// Operations that count tries per account or client address.
const THROTTLED: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/cases"),
    ("get", "/api/v1/track"),
    ("post", "/api/v1/inquiries"),
    ("get", "/api/v1/inquiries/{code}"),
];

fn problem_response(description: &str) -> utoipa::openapi::Response {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

fn statuses(
    method: &str,
    path: &str,
    op: &utoipa::openapi::path::Operation,
) -> Vec<(u16, &'static str)> {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::path::ParameterIn;
    let params: Vec<&utoipa::openapi::path::Parameter> = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| match p {
            RefOr::T(p) => Some(p),
            RefOr::Ref(_) => None,
        })
        .collect();
    let query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
    let names_agency = params
        .iter()
        .any(|p| p.parameter_in == ParameterIn::Query && p.name == "agency");
    let in_path = path.contains('{');
    let body = op.request_body.is_some();
    let secured = op
        .security
        .as_ref()
        .is_some_and(|s| !s.is_empty() && s.iter().any(|r| r != &Default::default()));
    let changes = matches!(method, "post" | "put" | "patch" | "delete");
    let mut out = Vec::new();
    if query || body {
        out.push((400, "请求格式错误（查询参数或请求体无法解析）"));
    }
    if secured || path == "/api/v1/auth/login" {
        out.push((401, "未登录、登录已过期或用户名密码错误"));
    }
    if secured {
        out.push((403, "无权进行此操作"));
    }
    if in_path || names_agency {
        out.push((404, "所指对象（或所指机关）不存在或无权查看"));
    }
    if changes && secured {
        out.push((409, "与当前状态冲突或不符合办理规则"));
    }
    if body {
        out.push((413, "请求体过大"));
        out.push((415, "请求体的媒体类型不受支持"));
    }
    if body || query {
        out.push((422, "字段校验未通过"));
    }
    if THROTTLED.contains(&(method, path)) {
        out.push((429, "尝试过于频繁，请稍后再试"));
    }
    out
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        // Operation ids are the handlers' names, which repeat across resources (`list`,
        // `for_case`): a repeated one is qualified by its tag, so each is unique.
        let mut seen: std::collections::HashMap<String, usize> = Default::default();
        for item in openapi.paths.paths.values() {
            for op in [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                .into_iter()
                .flatten()
            {
                if let Some(id) = &op.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        // A JSON body none of whose fields is required may be left out (the extractor reads
        // a bodiless request as `{}`): say so, or a bodiless `withdraw` reads as invalid.
        let optional_bodies: std::collections::HashSet<String> = openapi
            .components
            .as_ref()
            .map(|c| {
                c.schemas
                    .iter()
                    .filter_map(|(name, schema)| match schema {
                        RefOr::T(utoipa::openapi::Schema::Object(o)) if o.required.is_empty() => {
                            Some(format!("#/components/schemas/{name}"))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [
                ("get", item.get.as_mut()),
                ("put", item.put.as_mut()),
                ("post", item.post.as_mut()),
                ("delete", item.delete.as_mut()),
                ("patch", item.patch.as_mut()),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                if let Some(RefOr::T(body)) = op.request_body.as_mut()
                    && let Some(RefOr::T(json)) = body.content.get("application/json")
                    && let Some(RefOr::Ref(r)) = &json.schema
                    && optional_bodies.contains(&r.ref_location)
                {
                    body.required = Some(utoipa::openapi::Required::False);
                }
                if let Some(id) = &op.operation_id
                    && seen.get(id).is_some_and(|n| *n > 1)
                {
                    let tag = op
                        .tags
                        .as_ref()
                        .and_then(|t| t.first())
                        .cloned()
                        .unwrap_or_default();
                    op.operation_id = Some(format!("{tag}_{id}"));
                }
                // Every response has a description (OpenAPI requires one).
                for r in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = r
                        && r.description.is_empty()
                    {
                        r.description = "成功".to_owned();
                    }
                }
                for (status, description) in statuses(method, path, op) {
                    let key = status.to_string();
                    // A route's own description of an error is kept; its media type is the
                    // one the error mapping sends.
                    let description = match op.responses.responses.get(&key) {
                        Some(RefOr::T(r)) if !r.description.is_empty() => r.description.clone(),
                        _ => description.to_owned(),
                    };
                    op.responses
                        .responses
                        .insert(key, RefOr::T(problem_response(&description)));
                }
                // Error statuses a route declared beyond the derived ones get the same media type.
                for (key, r) in op.responses.responses.iter_mut() {
                    if key.starts_with('4') || key.starts_with('5') {
                        let description = match r {
                            RefOr::T(r) => r.description.clone(),
                            RefOr::Ref(_) => String::new(),
                        };
                        *r = RefOr::T(problem_response(&description));
                    }
                }
            }
        }
    }
}
