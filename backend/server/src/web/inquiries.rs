//! The consultation pages: asking (anyone, `/inquiries/new`), reading the answer by its code
//! (`/inquiries/{code}`), the published FAQ (`/faq`), and the agency staff's list and answer
//! form (`/work/inquiries`).

use actix_web::web;
use askama::Template;
use yishen_app::AppError;
use yishen_app::services::inquiries::{
    self, AnswerCommand, AskCommand, FaqItem, InquiryView, StaffInquiry,
};

use super::applicant::agency_options;
use super::{Chrome, Errs, PageCtx, PageResult, Post, see_other};

#[derive(Template)]
#[template(path = "inquiry_new.html")]
struct AskPage {
    l: Chrome,
    errs: Errs,
    agencies: Vec<(String, String)>,
    v: AskValues,
    answer_days: u32,
}

#[derive(Debug, Default)]
struct AskValues {
    agency: String,
    question: String,
    name: String,
    phone: String,
    email: String,
}

#[derive(serde::Deserialize)]
pub struct NewQuery {
    agency: Option<String>,
    q: Option<String>,
}

/// The question form; `?agency=` and `?q=` fill it in (the filing page's suggestion links).
pub async fn new_form(ctx: PageCtx, q: web::Query<NewQuery>) -> PageResult {
    let q = q.into_inner();
    ctx.page(&AskPage {
        l: ctx.chrome("在线咨询"),
        errs: Errs::default(),
        agencies: agency_options(&ctx).await?,
        v: AskValues {
            agency: q.agency.unwrap_or_default(),
            question: q.q.unwrap_or_default(),
            ..AskValues::default()
        },
        answer_days: ctx.state.settings.inquiry_answer_days,
    })
}

pub async fn ask(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let v = AskValues {
        agency: form.text("agency").unwrap_or_default(),
        question: form.text("question").unwrap_or_default(),
        name: form.text("name").unwrap_or_default(),
        phone: form.text("phone").unwrap_or_default(),
        email: form.text("email").unwrap_or_default(),
    };
    let cmd = AskCommand {
        agency: v.agency.clone(),
        question: v.question.clone(),
        name: Some(v.name.clone()),
        phone: Some(v.phone.clone()),
        email: Some(v.email.clone()),
    };
    match inquiries::ask(&ctx.state, ctx.actor.as_ref(), ctx.client, cmd).await {
        Ok(asked) => Ok(see_other(&format!("/inquiries/{}?new=1", asked.code))),
        Err(e) => {
            let errs = Errs::from_api(e)?;
            ctx.page_status(
                errs.status(),
                &AskPage {
                    l: ctx.chrome("在线咨询"),
                    errs,
                    agencies: agency_options(&ctx).await?,
                    v,
                    answer_days: ctx.state.settings.inquiry_answer_days,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "inquiry.html")]
struct ShowPage {
    l: Chrome,
    code: String,
    found: Option<InquiryView>,
    fresh: bool,
    not_found: bool,
}

#[derive(serde::Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
    new: Option<String>,
}

/// The look-up form, or (with `?code=`) the question of that code.
pub async fn lookup(ctx: PageCtx, q: web::Query<CodeQuery>) -> PageResult {
    match q.into_inner().code.filter(|c| !c.trim().is_empty()) {
        Some(code) => show_code(ctx, code, false).await,
        None => ctx.page(&ShowPage {
            l: ctx.chrome("查看咨询答复"),
            code: String::new(),
            found: None,
            fresh: false,
            not_found: false,
        }),
    }
}

pub async fn show(ctx: PageCtx, code: web::Path<String>, q: web::Query<CodeQuery>) -> PageResult {
    show_code(ctx, code.into_inner(), q.new.is_some()).await
}

async fn show_code(ctx: PageCtx, code: String, fresh: bool) -> PageResult {
    let ip = ctx
        .client
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !ctx.state.track_limiter.allow(ip) {
        return Err(crate::error::ApiError::RateLimited.into());
    }
    let (found, not_found) = match inquiries::by_code(&ctx.state, &code).await {
        Ok(v) => (Some(v), false),
        Err(AppError::NotFound(_)) => (None, true),
        Err(e) => return Err(e.into()),
    };
    let status = if not_found {
        actix_web::http::StatusCode::NOT_FOUND
    } else {
        actix_web::http::StatusCode::OK
    };
    let title = if fresh {
        "咨询已提交"
    } else {
        "查看咨询答复"
    };
    ctx.page_status(
        status,
        &ShowPage {
            l: ctx.chrome(title),
            code,
            found,
            fresh,
            not_found,
        },
    )
}

#[derive(Template)]
#[template(path = "faq.html")]
struct FaqPage {
    l: Chrome,
    q: String,
    agency: String,
    agencies: Vec<(String, String)>,
    items: Vec<FaqItem>,
    errs: Errs,
}

#[derive(serde::Deserialize)]
pub struct FaqQuery {
    q: Option<String>,
    agency: Option<String>,
}

pub async fn faq(ctx: PageCtx, q: web::Query<FaqQuery>) -> PageResult {
    let q = q.into_inner();
    let agency = q.agency.clone().filter(|a| !a.trim().is_empty());
    let (items, errs) = match inquiries::faq(
        &ctx.state,
        q.q.clone(),
        agency.clone(),
        inquiries::PUBLIC_LIMIT,
    )
    .await
    {
        Ok(list) => (list.items, Errs::default()),
        Err(e) => (Vec::new(), Errs::from_api(e)?),
    };
    ctx.page_status(
        errs.status(),
        &FaqPage {
            l: ctx.chrome("常见问题"),
            q: q.q.unwrap_or_default(),
            agency: agency.unwrap_or_default(),
            agencies: agency_options(&ctx).await?,
            items,
            errs,
        },
    )
}

#[derive(Template)]
#[template(path = "work_inquiries.html")]
struct StaffList {
    l: Chrome,
    open: i64,
    due: i64,
    late: i64,
    all: bool,
    items: Vec<StaffInquiry>,
    deflection: Vec<yishen_app::services::deflection::MonthRow>,
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    all: Option<String>,
}

pub async fn staff_list(ctx: PageCtx, q: web::Query<ListQuery>) -> PageResult {
    let actor = ctx.actor()?;
    let all = q.all.is_some();
    let list = inquiries::list(&ctx.state, actor, !all).await?;
    let deflection = yishen_app::services::deflection::report(&ctx.state, actor)
        .await?
        .months;
    ctx.page(&StaffList {
        deflection,
        l: ctx.chrome_with_calendar("线上咨询").await?,
        open: list.open,
        due: list.due,
        late: list.late,
        all,
        items: list.items,
    })
}

#[derive(Template)]
#[template(path = "work_inquiry.html")]
struct StaffOne {
    l: Chrome,
    q: StaffInquiry,
    /// Whether text messages can be sent (an SMS gateway is configured).
    sms_available: bool,
    errs: Errs,
    answer: String,
    publish: bool,
    public_question: String,
}

pub async fn staff_one(ctx: PageCtx, id: web::Path<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let q = inquiries::one(&ctx.state, actor, id.into_inner()).await?;
    ctx.page(&StaffOne {
        l: ctx.chrome(&format!("咨询 {}", q.code)),
        q,
        sms_available: ctx.state.sms.is_some(),
        errs: Errs::default(),
        answer: String::new(),
        publish: false,
        public_question: String::new(),
    })
}

pub async fn staff_answer(post: Post, id: web::Path<i64>) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor()?.clone();
    let id = id.into_inner();
    let q = inquiries::one(&ctx.state, &actor, id).await?;
    let cmd = AnswerCommand {
        answer: form.text("answer").unwrap_or_default(),
        publish: form.checked("publish"),
        public_question: form.text("public_question"),
    };
    match inquiries::answer(&ctx.state, &actor, id, cmd.clone()).await {
        Ok(_) => Ok(see_other(&format!("/work/inquiries/{id}"))),
        Err(e) => {
            let errs = Errs::from_api(e)?;
            ctx.page_status(
                errs.status(),
                &StaffOne {
                    l: ctx.chrome(&format!("咨询 {}", q.code)),
                    q,
                    sms_available: ctx.state.sms.is_some(),
                    errs,
                    answer: cmd.answer,
                    publish: cmd.publish,
                    public_question: cmd.public_question.unwrap_or_default(),
                },
            )
        }
    }
}

pub async fn staff_withdraw(post: Post, id: web::Path<i64>) -> PageResult {
    let Post { ctx, .. } = post;
    let id = id.into_inner();
    inquiries::withdraw_faq(&ctx.state, ctx.actor()?, id).await?;
    Ok(see_other(&format!("/work/inquiries/{id}")))
}
