//! `/profile`: the logged-in person's own settings — how their messages reach them.

use askama::Template;

use super::{Chrome, Errs, PageCtx, PageResult, Post};
use crate::error::ApiError;
use yishen_app::services::accounts::{self, NotifyPrefs, NotifyView};

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    l: Chrome,
    errs: Errs,
    p: NotifyView,
    /// What was typed, shown again with the errors.
    email: String,
    saved: bool,
}

impl ProfilePage {
    fn chosen(&self, channel: &str) -> bool {
        self.p.channels.contains(&channel)
    }
}

#[derive(serde::Deserialize)]
pub struct Shown {
    saved: Option<String>,
}

pub async fn page(ctx: PageCtx, q: actix_web::web::Query<Shown>) -> PageResult {
    let actor = ctx.actor()?.clone();
    let p = accounts::notify_prefs(&ctx.state, &actor).await?;
    let saved = q.saved.is_some();
    ctx.page(&ProfilePage {
        l: ctx.chrome("个人设置"),
        errs: Errs::default(),
        email: p.email.clone().unwrap_or_default(),
        p,
        saved,
    })
}

pub async fn save(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor()?.clone();
    let mut channels = Vec::new();
    for c in ["email", "sms"] {
        if form.checked(&format!("notify_{c}")) {
            channels.push(c.to_owned());
        }
    }
    let email = form.text("email").unwrap_or_default();
    // The phone is shown masked; a blank field keeps the number on file.
    let phone = form.text("phone").filter(|p| !p.trim().is_empty());
    let result = match NotifyPrefs::parse(&channels, Some(&email), phone.as_deref()) {
        Ok(prefs) => accounts::set_notify_prefs(&ctx.state, &actor, prefs)
            .await
            .map_err(ApiError::from),
        Err(issues) => Err(ApiError::Validation(issues)),
    };
    match result {
        Ok(_) => Ok(super::see_other("/profile?saved=1")),
        Err(e) => {
            let errs = Errs::from_api(e)?;
            let mut p = accounts::notify_prefs(&ctx.state, &actor).await?;
            p.channels = channels
                .iter()
                .map(|c| if c == "sms" { "sms" } else { "email" })
                .collect();
            ctx.page_status(
                errs.status(),
                &ProfilePage {
                    l: ctx.chrome("个人设置"),
                    errs,
                    p,
                    email,
                    saved: false,
                },
            )
        }
    }
}
