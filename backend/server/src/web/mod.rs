//! The server-rendered web pages: applicants, staff, legal advisers, approvers,
//! reconsideration bodies and administrators, at the same address as the API. Pages call the
//! services in-process, never the HTTP API. This module owns the page plumbing (rendering,
//! error pages, forms, static files) and wires every page route in [`configure`]; one file per
//! page group holds the thin handlers.

pub mod admin;
pub mod applicant;
pub mod auth;
pub mod documents;
pub mod form;
pub mod inquiries;
pub mod intake;
pub mod profile;
pub mod reading_room;
pub mod redact;
pub mod session;
pub mod stats;
pub mod verify;
pub mod work;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError, web};
use askama::Template;

use crate::error::{ApiError, FieldIssue};
pub use form::{Errs, Form};
pub use session::{PageCtx, Post};

/// What the layout shows around every page: who is logged in, the CSRF token for forms and
/// the navigation for the role.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub title: String,
    pub csrf: String,
    pub user: Option<String>,
    pub role_label: &'static str,
    pub nav: Vec<(&'static str, &'static str)>,
    /// A notice for the whole page (e.g. today's year has no holiday notice).
    pub alert: Option<String>,
}

/// An agency as a form offers it: picked by name, sent by code.
#[derive(Debug, Clone)]
pub struct AgencyOption {
    pub code: String,
    pub name: String,
    /// The name indented by its depth in the tree (ideographic spaces).
    pub label: String,
}

/// A page failure, shown as a Chinese page; internals are logged, never shown.
#[derive(Debug)]
pub enum PageError {
    /// A service refused or failed.
    Api(ApiError),
    /// Not logged in: go to the login page.
    Login,
    /// The session ended for want of use: go to the login page, which says so.
    LoginIdle,
    /// The form's CSRF token is missing or wrong.
    Csrf,
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<yishen_app::AppError> for PageError {
    fn from(e: yishen_app::AppError) -> Self {
        Self::Api(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        Self::Api(ApiError::Internal(anyhow::anyhow!("template: {e}")))
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api(e) => write!(f, "{e}"),
            Self::Login => f.write_str("login required"),
            Self::LoginIdle => f.write_str("login required after idle time"),
            Self::Csrf => f.write_str("csrf token rejected"),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Chrome,
    detail: String,
    issues: Vec<FieldIssue>,
    request_id: Option<String>,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Api(e) => e.status_code(),
            Self::Login | Self::LoginIdle => StatusCode::SEE_OTHER,
            Self::Csrf => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Login => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/login"))
                    .finish();
            }
            Self::LoginIdle => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/login?idle=1"))
                    .finish();
            }
            _ => {}
        }
        let (heading, detail, issues) = match self {
            Self::Api(e) => {
                if matches!(e, ApiError::Internal(_)) {
                    // The cause is logged once, by the request's span.
                    tracing::error!(error = %e, "page failed");
                }
                let p = e.problem();
                (p.title, p.detail, p.errors)
            }
            _ => (
                "表单已失效".to_owned(),
                "页面表单的安全校验未通过（可能已过期或来自其他网站）。请返回上一页刷新后重新提交。"
                    .to_owned(),
                Vec::new(),
            ),
        };
        let page = ErrorPage {
            l: Chrome {
                title: heading,
                ..Chrome::default()
            },
            detail,
            issues,
            request_id: crate::error::current_request_id(),
        };
        let body = page.render().unwrap_or_else(|_| {
            "<!doctype html><title>错误</title><p>出错了，请稍后再试。</p>".into()
        });
        html_response(self.status_code(), body)
    }
}

/// The page for an address that does not exist.
pub fn not_found() -> HttpResponse {
    let page = ErrorPage {
        l: Chrome {
            title: "页面不存在".into(),
            ..Chrome::default()
        },
        detail: "请核对网址，或从首页进入。".into(),
        issues: Vec::new(),
        request_id: crate::error::current_request_id(),
    };
    let body = page
        .render()
        .unwrap_or_else(|_| "<!doctype html><title>页面不存在</title>".into());
    html_response(StatusCode::NOT_FOUND, body)
}

/// An HTML answer with the headers every page carries.
pub fn html_response(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header(("referrer-policy", "same-origin"))
        .insert_header(("x-frame-options", "DENY"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
        .body(body)
}

/// A redirect after a successful POST (303: the browser follows with GET).
pub fn see_other(location: &str) -> HttpResponse {
    let mut res = HttpResponse::SeeOther().finish();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

pub type PageResult = Result<HttpResponse, PageError>;

const CSS: &str = include_str!("../../static/app.css");
const JS: &str = include_str!("../../static/app.js");

async fn static_file(name: web::Path<String>) -> HttpResponse {
    let (body, kind) = match name.as_str() {
        "app.css" => (CSS, "text/css; charset=utf-8"),
        "app.js" => (JS, "text/javascript; charset=utf-8"),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .content_type(kind)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(body)
}

/// Every page route, in one place.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{name}", web::get().to(static_file))
        .route("/", web::get().to(auth::home))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/register", web::get().to(auth::register_form))
        .route("/register", web::post().to(auth::register))
        .route("/logout", web::post().to(auth::logout))
        .route("/profile", web::get().to(profile::page))
        .route("/profile", web::post().to(profile::save))
        .route("/verify", web::get().to(verify::verify_form))
        .route("/verify/{code}", web::get().to(verify::verify_page))
        .route("/inquiries/new", web::get().to(inquiries::new_form))
        .route("/inquiries/new", web::post().to(inquiries::ask))
        .route("/inquiries", web::get().to(inquiries::lookup))
        .route("/inquiries/{code}", web::get().to(inquiries::show))
        .route("/faq", web::get().to(inquiries::faq))
        .route("/reading-room", web::get().to(reading_room::list))
        .route("/reading-room/{id}", web::get().to(reading_room::entry))
        .route(
            "/reading-room/{id}/documents/{doc}",
            web::get().to(reading_room::document),
        )
        .route("/work/inquiries", web::get().to(inquiries::staff_list))
        .route("/work/inquiries/{id}", web::get().to(inquiries::staff_one))
        .route(
            "/work/inquiries/{id}/answer",
            web::post().to(inquiries::staff_answer),
        )
        .route(
            "/work/inquiries/{id}/withdraw-faq",
            web::post().to(inquiries::staff_withdraw),
        )
        .route("/track", web::get().to(applicant::track_form))
        .route("/track", web::post().to(applicant::track))
        .route("/apply", web::get().to(applicant::apply_form))
        .route("/apply", web::post().to(applicant::apply))
        .route("/my", web::get().to(applicant::my_cases))
        .route("/my/cases/{id}", web::get().to(applicant::my_case))
        .route(
            "/my/cases/{id}/correction",
            web::post().to(applicant::answer_correction),
        )
        .route(
            "/my/cases/{id}/withdraw",
            web::post().to(applicant::withdraw),
        )
        .route("/letters/{id}/pdf", web::get().to(applicant::letter_pdf))
        .route("/documents/{id}", web::get().to(documents::content))
        .route("/cases/{id}/package", web::get().to(documents::package))
        .route(
            "/my/cases/{id}/documents",
            web::post().to(documents::applicant_upload),
        )
        .route(
            "/work/cases/{id}/documents",
            web::post().to(documents::staff_upload),
        )
        .route("/work/documents/{id}/redact", web::get().to(redact::page))
        .route("/work/cases/{id}/cover", web::get().to(documents::cover))
        .route(
            "/work/documents/{id}/redaction-review",
            web::get().to(redact::review),
        )
        .route(
            "/work/documents/{id}/redact",
            web::post().to(redact::release),
        )
        .route(
            "/work/documents/{id}/pages/{page}",
            web::get().to(redact::image),
        )
        .route("/work", web::get().to(work::queue))
        .route("/work/search", web::post().to(work::search))
        .route("/work/export", web::get().to(work::export))
        .route("/work/cases/new", web::get().to(intake::new_form))
        .route("/work/cases/new", web::post().to(intake::register))
        .route("/work/cases/{id}", web::get().to(work::case_page_get))
        .route(
            "/work/cases/{id}/draft/preview",
            web::get().to(work::draft_preview),
        )
        .route(
            "/work/cases/{id}/dossier.pdf",
            web::get().to(work::dossier_pdf),
        )
        .route(
            "/work/cases/{id}/contact",
            web::get().to(work::contact_page),
        )
        .route("/admin/access-log", web::get().to(admin::access_log))
        .route(
            "/work/cases/{id}/draft/check",
            web::post().to(work::draft_check),
        )
        .route(
            "/work/cases/{id}/consultations/{cid}/close",
            web::post().to(work::close_consultation),
        )
        .route(
            "/work/cases/{id}/decide-reconsideration/{rid}",
            web::post().to(work::decide_reconsideration),
        )
        .route("/work/cases/{id}/{action}", web::post().to(work::act))
        .route("/stats", web::get().to(stats::dashboard))
        .route("/stats/chart/{name}", web::get().to(stats::chart))
        .route("/stats/annual", web::get().to(stats::annual))
        .route(
            "/stats/annual/report.xlsx",
            web::get().to(stats::annual_xlsx),
        )
        .route("/stats/annual/cell", web::get().to(stats::cell))
        .route("/stats/annual/outcomes", web::get().to(stats::outcome_cell))
        .route("/admin/agencies", web::get().to(admin::agencies))
        .route("/admin/agencies", web::post().to(admin::create_agency))
        .route(
            "/admin/agencies/{code}",
            web::post().to(admin::update_agency),
        )
        .route(
            "/admin/agencies/{code}/seal",
            web::post().to(admin::upload_seal),
        )
        .route(
            "/admin/agencies/{code}/seal/remove",
            web::post().to(admin::remove_seal),
        )
        .route(
            "/admin/agencies/{code}/seal.png",
            web::get().to(admin::seal_png),
        )
        .route(
            "/admin/agencies/{code}/seal/specimen.pdf",
            web::get().to(admin::seal_specimen),
        )
        .route("/admin/notifications", web::get().to(admin::notifications))
        .route(
            "/admin/notifications/{id}/resend",
            web::post().to(admin::resend_notification),
        )
        .route("/admin/users", web::get().to(admin::users))
        .route("/admin/users", web::post().to(admin::create_user))
        .route(
            "/admin/users/{id}/deactivate",
            web::post().to(admin::deactivate_user),
        )
        .route(
            "/admin/users/{id}/update",
            web::post().to(admin::update_user),
        )
        .route("/admin/calendar", web::get().to(admin::calendar))
        .route("/admin/calendar", web::post().to(admin::put_calendar));
}
