//! The clerk's registration of a paper, post, fax, e-mail or walk-in application
//! (`/work/cases/new`): every field of the intake, the channel's 条例31 receipt rule beside the
//! date, and a last page with the tracking number, the query code (shown once) and the
//! 受理回执 to print. The form carries a one-time token, so a reload or a double click
//! registers once.

use askama::Template;
use yishen_app::AppError;
use yishen_domain::Role;
use yishen_domain::case::Channel;

use super::applicant::{Apply, ApplyValues, CATEGORIES, DELIVERIES, ID_TYPES};
use super::{Chrome, Errs, PageCtx, PageError, PageResult, Post, see_other};
use crate::error::ApiError;
use yishen_app::services::cases::intake::{self, Filed};
use yishen_app::services::cases::views::CaseView;
use yishen_app::services::letters::{self, LetterView};

/// The channels a clerk registers (online applications are filed by the applicant and only
/// confirmed), each with its receipt rule.
fn channels() -> Vec<(&'static str, &'static str, &'static str)> {
    Channel::ALL
        .iter()
        .filter(|c| !c.needs_confirmation())
        .map(|c| (c.as_str(), c.label(), c.receipt_rule()))
        .collect()
}

/// The clerk's own agency, the only one they register for.
async fn own_agency(ctx: &PageCtx) -> Result<Vec<(String, String)>, PageError> {
    let own = yishen_app::services::agencies::own(&ctx.state, ctx.actor()?).await?;
    Ok(own.map(|a| vec![(a.code, a.name)]).unwrap_or_default())
}

fn form_page(
    l: Chrome,
    errs: Errs,
    agencies: Vec<(String, String)>,
    v: ApplyValues,
    sms_available: bool,
) -> Apply {
    Apply {
        l,
        errs,
        agencies,
        v,
        categories: &CATEGORIES,
        id_types: &ID_TYPES,
        deliveries: &DELIVERIES,
        action: "/work/cases/new",
        channels: channels(),
        sms_available,
    }
}

pub async fn new_form(ctx: PageCtx) -> PageResult {
    ctx.actor_in(&[Role::Clerk])?;
    let agencies = own_agency(&ctx).await?;
    let v = ApplyValues {
        agency: agencies.first().map(|a| a.0.clone()).unwrap_or_default(),
        kind: "person".into(),
        category: "natural_person".into(),
        id_type: "resident_id".into(),
        paper: true,
        delivery: "post".into(),
        notify_email: true,
        channel: "in_person".into(),
        received_on: ctx.state.today().to_string(),
        token: super::session::random_token()?,
        ..ApplyValues::default()
    };
    ctx.page(&form_page(
        ctx.chrome("登记申请"),
        Errs::default(),
        agencies,
        v,
        ctx.state.sms.is_some(),
    ))
}

#[derive(Template)]
#[template(path = "registered.html")]
struct Registered {
    l: Chrome,
    case: CaseView,
    receipt: Option<LetterView>,
}

pub async fn register(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor_in(&[Role::Clerk])?.clone();
    let received_on = match form.text("received_on") {
        None => None,
        Some(d) => match d.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                let e = ApiError::field(
                    "received_on",
                    "invalid_date",
                    "日期格式应为年-月-日，如2026-03-02",
                );
                return again(&ctx, &form, e).await;
            }
        },
    };
    let channel = form.text("channel").unwrap_or_default();
    let input = ApplyValues::intake(&form, channel, received_on);
    let filed = match intake::parse(&input) {
        Ok(parsed) => {
            intake::create_once(&ctx.state, &actor, parsed, form.text("submission")).await
        }
        Err(issues) => Err(AppError::Validation(issues)),
    };
    match filed {
        Ok(Filed::New(case)) => {
            let receipt = letters::for_case(&ctx.state, &actor, case.id)
                .await?
                .into_iter()
                .find(|l| l.kind == "receipt");
            ctx.page(&Registered {
                l: ctx.chrome("申请已登记"),
                case,
                receipt,
            })
        }
        Ok(Filed::Again(id)) => Ok(see_other(&format!("/work/cases/{id}"))),
        Err(AppError::Conflict {
            code: "already_submitted",
            ..
        }) => Ok(see_other("/work")),
        Err(e) => again(&ctx, &form, e).await,
    }
}

/// The form again, with what was typed and the problems next to their fields.
async fn again(
    ctx: &PageCtx,
    form: &super::Form,
    e: impl Into<crate::error::ApiError>,
) -> PageResult {
    let errs = Errs::from_api(e)?;
    ctx.page_status(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        &form_page(
            ctx.chrome("登记申请"),
            errs,
            own_agency(ctx).await?,
            ApplyValues::from_form(form),
            ctx.state.sms.is_some(),
        ),
    )
}
