//! Browser sessions: the `yishen_session` cookie (HttpOnly, SameSite=Strict, Path=/, Secure
//! by setting) carries a random id whose SHA-256 is the `web_sessions` row; the row holds the
//! session's CSRF token. Before login a `yishen_csrf` cookie carries the token for the login,
//! register and tracking forms. Every POST goes through [`Post`], which checks the token.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use base64::Engine;
use sha2::{Digest, Sha256};
use yishen_app::services::web_sessions;
use yishen_domain::Role;
use yishen_store::UserId;

use super::{Chrome, Form, PageError};
use crate::auth::Actor;
use crate::auth::extractor::app_state;
use crate::error::ApiError;
use yishen_app::Ctx;

pub const SESSION_COOKIE: &str = "yishen_session";
pub const ANON_CSRF_COOKIE: &str = "yishen_csrf";
/// How long a browser session lasts.
const SESSION_HOURS: i64 = 12;
/// Largest form body accepted.
const FORM_LIMIT: usize = 256 * 1024;

pub(crate) fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

fn session_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn cookie<'a>(state: &Ctx, name: &'a str, value: String, max_age: CookieDuration) -> Cookie<'a> {
    Cookie::build(name, value)
        .http_only(true)
        .same_site(SameSite::Strict)
        .path("/")
        .secure(state.settings.cookie_secure)
        .max_age(max_age)
        .finish()
}

/// The request as a page sees it: the state, the logged-in actor if any, and the CSRF token
/// forms must carry.
pub struct PageCtx {
    pub state: web::Data<Ctx>,
    pub actor: Option<Actor>,
    pub display_name: Option<String>,
    pub csrf: String,
    session_hash: Option<String>,
    /// A pre-login CSRF token minted for this request, to be set as a cookie.
    new_anon_csrf: Option<String>,
    /// The request's session had been idle too long and was ended now.
    idle_ended: bool,
    /// The client's address as the limits count it (`extract::client_ip`).
    pub client: Option<std::net::IpAddr>,
}

impl PageCtx {
    async fn load(req: HttpRequest) -> Result<Self, ApiError> {
        let state = app_state(&req)?;
        let client = crate::extract::client_ip(&req, &state.settings.trusted_proxies);
        let mut idle_ended = false;
        if let Some(c) = req.cookie(SESSION_COOKIE) {
            let hash = session_hash(c.value());
            match web_sessions::find(&state, hash.clone()).await? {
                web_sessions::Lookup::Live(live) => {
                    return Ok(Self {
                        state,
                        actor: Some(live.actor),
                        display_name: live.display_name,
                        csrf: live.csrf,
                        session_hash: Some(hash),
                        new_anon_csrf: None,
                        idle_ended: false,
                        client,
                    });
                }
                web_sessions::Lookup::Idle => idle_ended = true,
                web_sessions::Lookup::None => {}
            }
        }
        let (csrf, new_anon_csrf) = match req.cookie(ANON_CSRF_COOKIE) {
            Some(c) if c.value().len() >= 32 => (c.value().to_owned(), None),
            _ => {
                let t = random_token()?;
                (t.clone(), Some(t))
            }
        };
        Ok(Self {
            state,
            actor: None,
            display_name: None,
            csrf,
            session_hash: None,
            new_anon_csrf,
            idle_ended,
            client,
        })
    }

    /// The logged-in actor, or a redirect to the login page.
    pub fn actor(&self) -> Result<&Actor, PageError> {
        self.actor.as_ref().ok_or(if self.idle_ended {
            PageError::LoginIdle
        } else {
            PageError::Login
        })
    }

    /// The logged-in actor when it has one of `roles`.
    pub fn actor_in(&self, roles: &[Role]) -> Result<&Actor, PageError> {
        let a = self.actor()?;
        if roles.contains(&a.role) {
            Ok(a)
        } else {
            Err(PageError::Api(ApiError::Forbidden(
                "您的账号角色不能使用此页面".into(),
            )))
        }
    }

    /// The layout's context for a page titled `title`.
    pub fn chrome(&self, title: &str) -> Chrome {
        let nav = match self.actor.as_ref().map(|a| a.role) {
            None => vec![
                ("/track", "查询办理进度"),
                ("/faq", "常见问题"),
                ("/inquiries/new", "在线咨询"),
                ("/reading-room", "公开阅览室"),
                ("/login", "登录"),
                ("/register", "注册"),
            ],
            Some(Role::Applicant) => vec![
                ("/apply", "提交申请"),
                ("/my", "我的申请"),
                ("/track", "进度查询"),
                ("/inquiries/new", "在线咨询"),
                ("/faq", "常见问题"),
                ("/reading-room", "公开阅览室"),
            ],
            Some(Role::ReconsiderationBody) => vec![
                ("/stats", "统计分析"),
                ("/stats/annual", "年度报告"),
                ("/work", "案件"),
            ],
            Some(Role::Sysadmin) => vec![
                ("/admin/agencies", "机关"),
                ("/admin/users", "账号"),
                ("/admin/calendar", "节假日"),
                ("/admin/notifications", "通知"),
                ("/admin/access-log", "查看记录"),
            ],
            Some(Role::AgencyAdmin) => vec![
                ("/work", "工作台"),
                ("/work/inquiries", "咨询"),
                ("/admin/users", "账号"),
                ("/admin/agencies", "机关"),
                ("/admin/access-log", "查看记录"),
            ],
            Some(Role::Clerk) => vec![
                ("/work", "工作台"),
                ("/work/inquiries", "咨询"),
                ("/work/cases/new", "登记申请"),
                ("/stats/annual", "年度报告"),
            ],
            Some(_) => vec![
                ("/work", "工作台"),
                ("/work/inquiries", "咨询"),
                ("/stats/annual", "年度报告"),
            ],
        };
        Chrome {
            title: title.to_owned(),
            csrf: self.csrf.clone(),
            user: self.actor.as_ref().map(|a| {
                self.display_name
                    .clone()
                    .unwrap_or_else(|| a.username.clone())
            }),
            role_label: self.actor.as_ref().map(|a| a.role.label()).unwrap_or(""),
            nav,
            alert: None,
        }
    }

    /// The page chrome, with the calendar notice while today's year (or, from 1 November, next year) has no
    /// holiday data
    /// (admin pages and the staff queue: those who must act on it or whose deadlines wait).
    pub async fn chrome_with_calendar(&self, title: &str) -> Result<Chrome, PageError> {
        let mut chrome = self.chrome(title);
        if let Some(gap) = yishen_app::services::calendar::gap(&self.state).await? {
            chrome.alert = Some(gap.warning());
        }
        // The system administrator hears of an altered record on every page where they act.
        if self
            .actor
            .as_ref()
            .is_some_and(|a| a.role == Role::Sysadmin)
            && let Some((at, why)) = yishen_app::services::audit::latest_break(&self.state).await?
        {
            chrome.alert = Some(format!(
                "记录完整性校验（{}）发现异常——{why}。请保全数据库现场，核查改动来源，并从备份恢复或按事件更正。",
                yishen_app::time::local(at)
            ));
        }
        Ok(chrome)
    }

    /// The agencies the actor may pick in a form, by name, in tree order and indented by
    /// depth: every agency for the system administrator, a reconsideration body's subtree,
    /// otherwise the actor's own agency.
    pub async fn agency_options(&self) -> Result<Vec<super::AgencyOption>, PageError> {
        let actor = self.actor()?.clone();
        let list = yishen_app::services::agencies::selectable(&self.state, &actor).await?;
        let top = list
            .iter()
            .map(|a| a.path.matches('/').count())
            .min()
            .unwrap_or(0);
        Ok(list
            .into_iter()
            .map(|a| super::AgencyOption {
                label: format!(
                    "{}{}",
                    "\u{3000}".repeat(a.path.matches('/').count().saturating_sub(top)),
                    a.name
                ),
                name: a.name,
                code: a.code,
            })
            .collect())
    }

    /// Renders a page, setting the pre-login CSRF cookie when one was minted.
    pub fn page<T: askama::Template>(&self, t: &T) -> Result<HttpResponse, PageError> {
        self.page_status(actix_web::http::StatusCode::OK, t)
    }

    pub fn page_status<T: askama::Template>(
        &self,
        status: actix_web::http::StatusCode,
        t: &T,
    ) -> Result<HttpResponse, PageError> {
        let mut res = super::html_response(status, t.render()?);
        if let Some(token) = &self.new_anon_csrf {
            let c = cookie(
                &self.state,
                ANON_CSRF_COOKIE,
                token.clone(),
                CookieDuration::hours(SESSION_HOURS),
            );
            res.add_cookie(&c)
                .map_err(|e| ApiError::Internal(anyhow::anyhow!("cookie: {e}")))?;
        }
        Ok(res)
    }

    /// Opens a session for `user_id` and sets its cookie on `res`.
    pub async fn open_session(
        &self,
        user_id: UserId,
        res: &mut HttpResponse,
    ) -> Result<(), ApiError> {
        let id = random_token()?;
        let csrf = random_token()?;
        let hash = session_hash(&id);
        web_sessions::open(&self.state, user_id, hash, csrf, SESSION_HOURS).await?;
        let c = cookie(
            &self.state,
            SESSION_COOKIE,
            id,
            CookieDuration::hours(SESSION_HOURS),
        );
        res.add_cookie(&c)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cookie: {e}")))?;
        tracing::info!(user_id = user_id.get(), "web login");
        Ok(())
    }

    /// Revokes this session (logout) and clears its cookie on `res`.
    pub async fn close_session(&self, res: &mut HttpResponse) -> Result<(), ApiError> {
        if let Some(hash) = self.session_hash.clone() {
            web_sessions::revoke(&self.state, hash).await?;
        }
        let mut c = cookie(
            &self.state,
            SESSION_COOKIE,
            String::new(),
            CookieDuration::ZERO,
        );
        c.make_removal();
        res.add_cookie(&c)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cookie: {e}")))?;
        Ok(())
    }
}

impl FromRequest for PageCtx {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { Ok(PageCtx::load(req).await?) })
    }
}

impl PageCtx {
    /// Whether `sent` is the session's CSRF token (or the pre-login cookie's): for forms read
    /// otherwise than through [`Post`], such as file uploads.
    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        // A minted token means the browser had none: nothing can match it.
        if self.new_anon_csrf.is_some() || !constant_time_eq(sent.as_bytes(), self.csrf.as_bytes())
        {
            return Err(PageError::Csrf);
        }
        Ok(())
    }
}

/// A submitted form whose CSRF token matched the session's (or the pre-login cookie's).
pub struct Post {
    pub ctx: PageCtx,
    pub form: Form,
}

impl FromRequest for Post {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = body
                .await
                .map_err(|_| PageError::Api(ApiError::PayloadTooLarge { limit: FORM_LIMIT }))?;
            if bytes.len() > FORM_LIMIT {
                return Err(PageError::Api(ApiError::PayloadTooLarge {
                    limit: FORM_LIMIT,
                }));
            }
            let ctx = PageCtx::load(req).await?;
            let form = Form::parse(&bytes);
            ctx.check_csrf(form.raw("csrf").unwrap_or(""))?;
            Ok(Post { ctx, form })
        })
    }
}
