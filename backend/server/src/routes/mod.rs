//! Every route, wired in one place. One file per resource; handlers parse, ask a service,
//! and shape the answer.

pub mod access_log;
pub mod agencies;
pub mod articles;
pub mod auth;
pub mod calendar;
pub mod case_bodies;
pub mod cases;
pub mod deflection;
pub mod documents;
pub mod fees;
pub mod flags;
pub mod health;
pub mod inquiries;
pub mod letters;
pub mod manual;
pub mod notifications;
pub mod outcomes;
pub mod prediction;
pub mod proactive;
pub mod reading_room;
pub mod redactions;
pub mod similar;
pub mod stats;
pub mod track;
pub mod users;

/// The schema of a request field whose values are one of the domain's closed sets of codes
/// (the domain cannot derive schemas: it knows nothing of the OpenAPI document).
pub(crate) fn code_schema(
    values: impl IntoIterator<Item = &'static str>,
    description: &str,
) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(values))
        .description(Some(description))
        .build()
}

use actix_web::http::header;
use actix_web::{HttpResponse, web};

/// A file in the answer: shown in the browser (`inline`) or downloaded, under `file`, which
/// may be Chinese: browsers take `filename*` (RFC 6266, RFC 8187 UTF-8 encoding); the plain
/// `filename` is an ASCII stand-in for old clients.
pub(crate) fn file_response(
    content_type: &str,
    inline: bool,
    file: &str,
    body: impl actix_web::body::MessageBody + 'static,
) -> HttpResponse {
    let how = if inline { "inline" } else { "attachment" };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_DISPOSITION, content_disposition(how, file)))
        .body(body)
}

/// `inline` or `attachment` with both file names. Written by hand: the encoding is a dozen
/// lines of RFC 8187 (attr-char kept, every other byte as %XX), and the web framework's own
/// `ContentDisposition` would need its own value types at every caller.
fn content_disposition(how: &str, file: &str) -> String {
    let ascii: String = file
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(auth::register)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(access_log::contact)
        .service(access_log::list)
        .service(users::me)
        .service(users::change_password)
        .service(users::notify_prefs)
        .service(users::set_notify_prefs)
        .service(users::list)
        .service(users::create)
        .service(users::get_one)
        .service(users::update)
        .service(agencies::list)
        .service(agencies::create)
        .service(agencies::get_one)
        .service(agencies::update)
        .service(agencies::get_seal)
        .service(agencies::put_seal)
        .service(agencies::seal_image)
        .service(agencies::seal_specimen)
        .service(agencies::delete_seal)
        .service(calendar::due_date)
        .service(calendar::years)
        .service(calendar::get_year)
        .service(calendar::put_year)
        .service(fees::quote)
        .service(cases::create)
        .service(cases::list)
        .service(cases::get_one)
        .service(cases::clock)
        .service(cases::events)
        .service(cases::confirm)
        .service(cases::request_correction)
        .service(cases::receive_correction)
        .service(cases::open_consultation)
        .service(cases::close_consultation)
        .service(cases::extend)
        .service(cases::assign_case)
        .service(cases::request_extension)
        .service(cases::refuse_extension)
        .service(cases::fee_notice)
        .service(cases::fee_payment)
        .service(cases::withdraw)
        .service(cases::request_reasons)
        .service(cases::article35_decision)
        .service(cases::draft)
        .service(cases::draft_preview)
        .service(cases::submit)
        .service(cases::review)
        .service(cases::sign_off)
        .service(cases::issue)
        .service(cases::delivery)
        .service(inquiries::ask)
        .service(inquiries::list)
        .service(inquiries::by_code)
        .service(inquiries::answer)
        .service(inquiries::withdraw_faq)
        .service(inquiries::faq)
        .service(deflection::shown)
        .service(deflection::report)
        .service(prediction::for_case)
        .service(reading_room::publish)
        .service(reading_room::edit)
        .service(reading_room::withdraw)
        .service(reading_room::search)
        .service(reading_room::counts)
        .service(reading_room::entry)
        .service(reading_room::document)
        .service(articles::for_case)
        .service(flags::for_case)
        .service(flags::decide)
        .service(flags::dossier)
        .service(proactive::suggestions)
        .service(similar::for_case)
        .service(similar::search)
        .service(documents::upload)
        .service(documents::for_case)
        .service(documents::content)
        .service(documents::package)
        .service(notifications::outbox)
        .service(notifications::resend)
        .service(redactions::release)
        .service(redactions::suggestions)
        .service(redactions::page)
        .service(redactions::log)
        .service(letters::for_case)
        .service(letters::verify)
        .service(letters::pdf)
        .service(letters::void)
        .service(outcomes::record_reconsideration)
        .service(outcomes::record_litigation)
        .service(outcomes::for_case)
        .service(outcomes::decide_reconsideration)
        .service(outcomes::decide_litigation)
        .service(manual::guidance_manual)
        .service(stats::annual_report)
        .service(stats::cell_cases)
        .service(stats::reconsideration)
        .service(stats::reconsideration_chart)
        .service(track::track);
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_file_names_are_encoded_with_an_ascii_stand_in() {
        assert_eq!(
            super::content_disposition("attachment", "答复书 1.pdf"),
            "attachment; filename=\"____1.pdf\"; filename*=UTF-8''%E7%AD%94%E5%A4%8D%E4%B9%A6%201.pdf"
        );
    }
}
