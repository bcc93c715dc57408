//! `/verify/{code}`: the public page a letter's QR code opens. Anyone holding a letter can see
//! that it was issued — its number, kind, agency and date, and whether it was voided — and
//! check a downloaded PDF against the SHA-256 recorded when it was issued: the browser hashes
//! the file it is given (static/app.js), nothing leaves the reader's machine and nothing secret
//! is shown. No personal data: the letter's addressee and content are not on the page.

use actix_web::web;
use yishen_app::AppError;

use super::{Chrome, PageCtx, PageResult};
use yishen_app::services::letters::{self, VerifiedLetter};

#[derive(askama::Template)]
#[template(path = "verify.html")]
struct Verify {
    l: Chrome,
    code: String,
    found: Option<VerifiedLetter>,
    /// The date of issue as letters print it (2026年3月2日).
    issued: String,
    not_found: bool,
}

#[derive(serde::Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

/// The form, or (with `?code=`) the page of that code.
pub async fn verify_form(ctx: PageCtx, q: web::Query<CodeQuery>) -> PageResult {
    match q.into_inner().code.filter(|c| !c.trim().is_empty()) {
        Some(code) => show(ctx, code).await,
        None => ctx.page(&Verify {
            l: ctx.chrome("文书核验"),
            code: String::new(),
            found: None,
            issued: String::new(),
            not_found: false,
        }),
    }
}

pub async fn verify_page(ctx: PageCtx, code: web::Path<String>) -> PageResult {
    show(ctx, code.into_inner()).await
}

async fn show(ctx: PageCtx, code: String) -> PageResult {
    let (found, not_found) = match letters::verify(&ctx.state, &code).await {
        Ok(v) => (Some(v), false),
        Err(AppError::NotFound(_)) => (None, true),
        Err(e) => return Err(e.into()),
    };
    let status = if not_found {
        actix_web::http::StatusCode::NOT_FOUND
    } else {
        actix_web::http::StatusCode::OK
    };
    ctx.page_status(
        status,
        &Verify {
            l: ctx.chrome("文书核验"),
            code,
            issued: found
                .as_ref()
                .map(|v| letters::chinese_date(v.issued_on))
                .unwrap_or_default(),
            found,
            not_found,
        },
    )
}
