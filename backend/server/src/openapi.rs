//! The OpenAPI document (`/api/openapi.json`), served with an offline Swagger UI at
//! `/api/docs/`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{
    access_log, agencies, articles, auth, calendar, cases, documents, fees, flags, health, letters,
    manual, notifications, outcomes, proactive, redactions, similar, stats, track, users,
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
        access_log::contact, access_log::list,
        documents::upload, documents::for_case, documents::content, documents::package,
        redactions::release, redactions::suggestions, redactions::page, redactions::log,
        notifications::outbox, notifications::resend,
        articles::for_case, flags::for_case, flags::decide, flags::dossier, proactive::suggestions, similar::for_case, similar::search, letters::for_case, letters::pdf, letters::verify, letters::void,
        outcomes::record_reconsideration, outcomes::record_litigation, outcomes::for_case,
        outcomes::decide_reconsideration, outcomes::decide_litigation,
        manual::guidance_manual, stats::annual_report, stats::cell_cases,
        stats::reconsideration, stats::reconsideration_chart,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldIssue)),
    modifiers(&BearerAuth)
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
