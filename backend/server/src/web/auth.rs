//! The front door: the home page by role, login, applicant registration and logout.

use askama::Template;
use yishen_domain::Role;

use super::{Chrome, Errs, PageCtx, PageResult, Post, see_other};
use crate::routes::auth::{RegisterRequest, new_applicant};
use yishen_app::services::accounts::{self, Creator};
use yishen_app::services::throttle;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    l: Chrome,
    role: Option<Role>,
}

pub async fn home(ctx: PageCtx) -> PageResult {
    let role = ctx.actor.as_ref().map(|a| a.role);
    ctx.page(&Home {
        l: ctx.chrome("依申"),
        role,
    })
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    l: Chrome,
    errs: Errs,
    username: String,
    /// The session before ended for want of use: how long that was, in minutes.
    idle_minutes: Option<u64>,
}

pub async fn login_form(
    ctx: PageCtx,
    q: actix_web::web::Query<std::collections::HashMap<String, String>>,
) -> PageResult {
    if ctx.actor.is_some() {
        return Ok(see_other("/"));
    }
    let idle_minutes = q
        .contains_key("idle")
        .then(|| ctx.state.settings.session_idle.as_secs() / 60);
    ctx.page(&Login {
        l: ctx.chrome("登录"),
        errs: Errs::default(),
        username: String::new(),
        idle_minutes,
    })
}

fn landing(role: Role) -> &'static str {
    match role {
        Role::Applicant => "/my",
        Role::ReconsiderationBody => "/stats",
        Role::Sysadmin => "/admin/agencies",
        _ => "/work",
    }
}

pub async fn login(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let username = form.text("username").unwrap_or_default();
    let password = form.raw("password").unwrap_or("").to_owned();
    match accounts::check_credentials(&ctx.state, &username, &password, ctx.client).await {
        Ok((user_id, role)) => {
            let mut res = see_other(landing(role));
            ctx.open_session(user_id, &mut res).await?;
            Ok(res)
        }
        Err(e) => {
            let errs = Errs::from_api(e)?;
            ctx.page_status(
                actix_web::http::StatusCode::UNAUTHORIZED,
                &Login {
                    l: ctx.chrome("登录"),
                    errs,
                    username,
                    idle_minutes: None,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct Register {
    l: Chrome,
    errs: Errs,
    username: String,
    display_name: String,
    phone: String,
    email: String,
}

pub async fn register_form(ctx: PageCtx) -> PageResult {
    ctx.page(&Register {
        l: ctx.chrome("注册申请人账号"),
        errs: Errs::default(),
        username: String::new(),
        display_name: String::new(),
        phone: String::new(),
        email: String::new(),
    })
}

pub async fn register(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let req = RegisterRequest {
        username: form.text("username").unwrap_or_default(),
        password: form.raw("password").unwrap_or("").to_owned(),
        display_name: form.text("display_name").unwrap_or_default(),
        phone: form.text("phone"),
        email: form.text("email"),
    };
    let username = req.username.clone();
    let password = req.password.clone();
    let result = match new_applicant(req) {
        Ok(account) => {
            match throttle::admit(&ctx.state, throttle::Limit::Registration, ctx.client).await {
                Ok(()) => accounts::create(&ctx.state, Creator::SelfRegistration, account)
                    .await
                    .map_err(crate::error::ApiError::from),
                Err(e) => Err(e.into()),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let (user_id, role) =
                accounts::check_credentials(&ctx.state, &username, &password, ctx.client).await?;
            let mut res = see_other(landing(role));
            ctx.open_session(user_id, &mut res).await?;
            Ok(res)
        }
        Err(e) => {
            let mut errs = Errs::from_api(e)?;
            for issue in &mut errs.0 {
                if issue.field == "form" && issue.code.contains("username") {
                    issue.field = "username".into();
                }
            }
            ctx.page_status(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                &Register {
                    l: ctx.chrome("注册申请人账号"),
                    errs,
                    username,
                    display_name: form.text("display_name").unwrap_or_default(),
                    phone: form.text("phone").unwrap_or_default(),
                    email: form.text("email").unwrap_or_default(),
                },
            )
        }
    }
}

pub async fn logout(post: Post) -> PageResult {
    let mut res = see_other("/login");
    post.ctx.close_session(&mut res).await?;
    Ok(res)
}
