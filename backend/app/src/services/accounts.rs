//! Accounts and sessions: self-registration, staff accounts, login, token rotation, logout.
//! Each action is one transaction; password hashing happens before it, off the async threads.

use chrono::Duration as ChronoDuration;
use yishen_domain::{AgencyCode, DisplayName, Email, Password, Phone, Role, Username};
use yishen_store::models::{agency, refresh_token, user, web_session};
use yishen_store::{AgencyId, UserId};

use crate::auth::password::{self, off_thread};
use crate::auth::{Actor, tokens};
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;
use crate::services::throttle;

/// A validated request for a new account.
#[derive(Debug)]
pub struct NewAccount {
    pub username: Username,
    pub password: Password,
    pub display_name: DisplayName,
    pub role: Role,
    pub agency: Option<AgencyCode>,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

/// The tokens handed out at login and refresh.
#[derive(Debug)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

/// Who is creating an account.
#[derive(Debug, Clone)]
pub enum Creator {
    /// An applicant registering themselves.
    SelfRegistration,
    /// An administrator through the API (checked by the policy).
    Admin(Actor),
    /// The operator at the server's command line (`yishen user add`).
    Operator,
}

/// Creates an account; returns its id.
pub async fn create(state: &Ctx, creator: Creator, input: NewAccount) -> Result<UserId, AppError> {
    if matches!(creator, Creator::SelfRegistration) && input.role != Role::Applicant {
        return Err(AppError::Forbidden("自行注册只能注册申请人账号".into()));
    }
    if input.role.needs_agency() && input.agency.is_none() {
        return Err(AppError::field(
            "agency",
            "required",
            "该角色的账号必须属于一个机关",
        ));
    }
    if !input.role.needs_agency() && input.agency.is_some() {
        return Err(AppError::field(
            "agency",
            "not_allowed",
            "申请人和系统管理员账号不属于机关",
        ));
    }
    let pw = input.password.expose().to_owned();
    let hash = off_thread(move || password::hash(&pw)).await??;
    let phone_enc = input
        .phone
        .as_ref()
        .map(|p| state.pii.encrypt(p.as_str()))
        .transpose()?;
    let phone_hash = input
        .phone
        .as_ref()
        .map(|p| state.pii.match_hash(p.as_str()));
    state
        .write(move |conn| {
            let agency_id = match &input.agency {
                Some(code) => Some(
                    agency::find_by_code(conn, code.as_str())?
                        .ok_or_else(|| {
                            AppError::field("agency", "unknown_agency", "机关代码不存在")
                        })?
                        .id,
                ),
                None => None,
            };
            if let Creator::Admin(a) = &creator {
                policy::create_user(a, input.role, agency_id)?;
            }
            let now = yishen_store::now();
            let new = user::NewUser {
                username: input.username.as_str(),
                password_hash: &hash,
                role: input.role.as_str(),
                agency_id,
                display_name: input.display_name.as_str(),
                phone_enc: phone_enc.as_deref(),
                phone_hash: phone_hash.as_deref(),
                email: input.email.as_ref().map(|e| e.as_str()),
                active: true,
                created_at: now,
                updated_at: now,
            };
            user::insert(conn, &new).map_err(|e| {
                if yishen_store::is_unique_violation(&e) {
                    AppError::Conflict {
                        code: "username_taken",
                        detail: "该用户名已被使用".into(),
                    }
                } else {
                    e.into()
                }
            })
        })
        .await
}

/// Checks a username and password; on success opens a new session (token family).
pub async fn login(
    state: &Ctx,
    username: &str,
    password: &str,
    client: Option<std::net::IpAddr>,
) -> Result<Session, AppError> {
    let (user_id, role) = check_credentials(state, username, password, client).await?;
    let family = uuid::Uuid::new_v4().to_string();
    let session = open_session(state, user_id, role.as_str(), family).await?;
    tracing::info!(user_id = user_id.get(), "login");
    Ok(session)
}

/// Checks a username and password of an active account; answers its id and role. The API's
/// token login and the web pages' cookie login both come through here, and so through the
/// limits on failed logins (`services::throttle`) of the account and of the `client` address.
pub async fn check_credentials(
    state: &Ctx,
    username: &str,
    password: &str,
    client: Option<std::net::IpAddr>,
) -> Result<(UserId, Role), AppError> {
    let had_failures = throttle::login_gate(state, username, client).await?;
    let name = Username::parse(username).ok();
    let found = match name {
        Some(n) => {
            let n = n.into_inner();
            state
                .read(move |conn| Ok(user::find_by_username(conn, &n)?))
                .await?
        }
        None => None,
    };
    // Verify even when the account is unknown, so both cases cost the same.
    let stored = found
        .as_ref()
        .map(|(u, _)| u.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.as_ref().clone());
    let pw = password.to_owned();
    let matches = off_thread(move || password::verify(&pw, &stored)).await?;
    let Some((u, _)) = found else {
        throttle::login_failed(state, username, None, client).await?;
        return Err(AppError::InvalidCredentials);
    };
    if !matches || !u.active {
        tracing::info!(user_id = u.id.get(), "login refused");
        throttle::login_failed(state, username, Some(u.id), client).await?;
        return Err(AppError::InvalidCredentials);
    }
    if had_failures {
        throttle::login_succeeded(state, username).await?;
    }
    Ok((u.id, u.role))
}

async fn open_session(
    state: &Ctx,
    user_id: UserId,
    role: &str,
    family: String,
) -> Result<Session, AppError> {
    let (refresh, hash) = tokens::new_refresh_token()?;
    let ttl = refresh_ttl(state);
    state
        .write({
            let family = family.clone();
            move |conn| {
                let now = yishen_store::now();
                refresh_token::insert(
                    conn,
                    &refresh_token::NewRefreshToken {
                        user_id,
                        family: &family,
                        token_hash: &hash,
                        expires_at: now + ttl,
                        created_at: now,
                    },
                )?;
                Ok(())
            }
        })
        .await?;
    Ok(Session {
        access_token: state.keys.issue_access(user_id, role, &family)?,
        refresh_token: refresh,
        expires_in: state.keys.access_ttl().as_secs(),
    })
}

fn refresh_ttl(state: &Ctx) -> ChronoDuration {
    ChronoDuration::from_std(state.settings.refresh_token_ttl)
        .unwrap_or_else(|_| ChronoDuration::days(14))
}

enum Rotation {
    Rotated {
        user_id: UserId,
        role: Role,
        family: String,
    },
    Refused,
}

/// Exchanges a refresh token for a new pair; the old token is revoked. A token used twice
/// revokes its whole family (someone else holds a copy).
pub async fn refresh(state: &Ctx, token: &str) -> Result<Session, AppError> {
    let presented = tokens::hash_refresh_token(token);
    let (next, next_hash) = tokens::new_refresh_token()?;
    let ttl = refresh_ttl(state);
    let outcome = state
        .write(move |conn| {
            let now = yishen_store::now();
            let Some(t) = refresh_token::find_by_hash(conn, &presented)? else {
                return Ok(Rotation::Refused);
            };
            if t.revoked_at.is_some() {
                let n = refresh_token::revoke_family(conn, &t.family, now, "reused")?;
                tracing::warn!(
                    user_id = t.user_id.get(),
                    revoked = n,
                    "refresh token reused; family revoked"
                );
                return Ok(Rotation::Refused);
            }
            if t.expires_at <= now {
                return Ok(Rotation::Refused);
            }
            let Some((u, _)) = user::find(conn, t.user_id)? else {
                return Ok(Rotation::Refused);
            };
            if !u.active {
                return Ok(Rotation::Refused);
            }
            refresh_token::revoke(conn, t.id, now, "rotated")?;
            refresh_token::insert(
                conn,
                &refresh_token::NewRefreshToken {
                    user_id: u.id,
                    family: &t.family,
                    token_hash: &next_hash,
                    expires_at: now + ttl,
                    created_at: now,
                },
            )?;
            Ok(Rotation::Rotated {
                user_id: u.id,
                role: u.role,
                family: t.family,
            })
        })
        .await?;
    match outcome {
        Rotation::Refused => Err(AppError::InvalidToken),
        Rotation::Rotated {
            user_id,
            role,
            family,
        } => Ok(Session {
            access_token: state.keys.issue_access(user_id, role.as_str(), &family)?,
            refresh_token: next,
            expires_in: state.keys.access_ttl().as_secs(),
        }),
    }
}

/// Ends the session of `token` (its whole family), or every session of the actor with `all`.
pub async fn logout(
    state: &Ctx,
    actor: &Actor,
    token: Option<String>,
    all: bool,
) -> Result<(), AppError> {
    let user_id = actor.id;
    state
        .write(move |conn| {
            let now = yishen_store::now();
            if all {
                refresh_token::revoke_user(conn, user_id, now, "logout")?;
                return Ok(());
            }
            let Some(token) = token else {
                return Err(AppError::field(
                    "refresh_token",
                    "required",
                    "请提供要注销的刷新令牌，或设置 all 为 true 注销全部会话",
                ));
            };
            match refresh_token::find_by_hash(conn, &tokens::hash_refresh_token(&token))? {
                Some(t) if t.user_id == user_id => {
                    refresh_token::revoke_family(conn, &t.family, now, "logout")?;
                    Ok(())
                }
                _ => Err(AppError::InvalidToken),
            }
        })
        .await
}

/// Changes the actor's own password after checking the current one; all sessions end.
pub async fn change_password(
    state: &Ctx,
    actor: &Actor,
    current: String,
    new: Password,
) -> Result<(), AppError> {
    let id = actor.id;
    let stored = state
        .read(move |conn| Ok(user::find(conn, id)?.map(|(u, _)| u.password_hash)))
        .await?
        .ok_or(AppError::InvalidToken)?;
    if !off_thread(move || password::verify(&current, &stored)).await? {
        return Err(AppError::field(
            "current_password",
            "mismatch",
            "当前密码不正确",
        ));
    }
    let pw = new.expose().to_owned();
    let hash = off_thread(move || password::hash(&pw)).await??;
    state
        .write(move |conn| {
            let now = yishen_store::now();
            user::update(
                conn,
                id,
                &user::UserChanges {
                    password_hash: Some(hash),
                    updated_at: Some(now),
                    ..Default::default()
                },
            )?;
            refresh_token::revoke_user(conn, id, now, "password_changed")?;
            web_session::revoke_user(conn, id, now)?;
            Ok(())
        })
        .await
}

/// Changes to an account by an administrator.
#[derive(Debug, Default)]
pub struct AccountChanges {
    pub display_name: Option<DisplayName>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password: Option<Password>,
}

/// Whether the actor may change the account at all, asked before the body is read (404 for
/// an account they may not see or that does not exist, 403 for one they may not manage).
pub async fn may_update(state: &Ctx, actor: &Actor, id: UserId) -> Result<(), AppError> {
    let actor = actor.clone();
    state
        .read(move |conn| {
            let (target, _) = user::find(conn, id)?.ok_or(AppError::NotFound("账号"))?;
            policy::update_user(&actor, id, target.role, target.agency_id, None)
        })
        .await
}

pub async fn update(
    state: &Ctx,
    actor: &Actor,
    id: UserId,
    changes: AccountChanges,
) -> Result<(), AppError> {
    let hash = match &changes.password {
        Some(p) => {
            let pw = p.expose().to_owned();
            Some(off_thread(move || password::hash(&pw)).await??)
        }
        None => None,
    };
    let actor = actor.clone();
    state
        .write(move |conn| {
            let (target, _) = user::find(conn, id)?.ok_or(AppError::NotFound("账号"))?;
            let target_role = target.role;
            policy::update_user(&actor, id, target_role, target.agency_id, changes.role)?;
            if let Some(r) = changes.role
                && r.needs_agency() != target_role.needs_agency()
            {
                return Err(AppError::field(
                    "role",
                    "agency_mismatch",
                    "不能在机关工作人员角色与申请人、系统管理员角色之间转换",
                ));
            }
            let now = yishen_store::now();
            user::update(
                conn,
                id,
                &user::UserChanges {
                    password_hash: hash,
                    role: changes.role.map(|r| r.as_str().to_owned()),
                    display_name: changes.display_name.map(|d| d.into_inner()),
                    active: changes.active,
                    updated_at: Some(now),
                },
            )?;
            // A deactivation, a new password or a new role ends every session of the account,
            // and with them its access tokens: what was granted under the old terms stops.
            let role_changed = changes.role.is_some_and(|r| r != target_role);
            if changes.active == Some(false) || changes.password.is_some() || role_changed {
                refresh_token::revoke_user(conn, id, now, "account_changed")?;
                web_session::revoke_user(conn, id, now)?;
            }
            Ok(())
        })
        .await
}

/// Adds the demo accounts that are missing (all with the demo password).
pub async fn seed_demo(state: &Ctx) -> Result<usize, AppError> {
    let accounts = yishen_store::reference::demo_accounts()?;
    let pw = state.settings.demo_password.expose().to_owned();
    let hash = off_thread(move || password::hash(&pw)).await??;
    state
        .write(move |conn| {
            let mut added = 0;
            for a in accounts {
                if user::find_by_username(conn, &a.username)?.is_some() {
                    continue;
                }
                let agency_id = match &a.agency {
                    Some(code) => Some(
                        agency::find_by_code(conn, code)?
                            .ok_or_else(|| anyhow::anyhow!("demo agency {code} missing"))?
                            .id,
                    ),
                    None => None,
                };
                let now = yishen_store::now();
                user::insert(
                    conn,
                    &user::NewUser {
                        username: &a.username,
                        password_hash: &hash,
                        role: &a.role,
                        agency_id,
                        display_name: &a.display_name,
                        phone_enc: None,
                        phone_hash: None,
                        email: None,
                        active: true,
                        created_at: now,
                        updated_at: now,
                    },
                )?;
                added += 1;
            }
            Ok(added)
        })
        .await
}

/// One account with its agency's code; the policy decides whether the actor may see it.
pub async fn get(
    state: &Ctx,
    actor: &Actor,
    id: UserId,
) -> Result<(user::User, Option<String>), AppError> {
    let (u, code) = state
        .read(move |conn| Ok(user::find(conn, id)?))
        .await?
        .ok_or(AppError::NotFound("账号"))?;
    policy::view_user(actor, u.id, u.agency_id)?;
    Ok((u, code))
}

/// The accounts the actor may see, a page of them, and their count.
pub async fn list(
    state: &Ctx,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(user::User, Option<String>)>, i64), AppError> {
    let scope = policy::user_scope(actor)?;
    state
        .read(move |conn| Ok(user::list(conn, scope, limit, offset)?))
        .await
}

/// What the filing form starts from: the applicant's own name, phone and e-mail.
pub async fn profile(state: &Ctx, actor: &Actor) -> Result<(String, String, String), AppError> {
    let id = actor.id;
    let pii = state.pii.clone();
    state
        .read(move |conn| {
            let Some((u, _)) = user::find(conn, id)? else {
                return Ok((String::new(), String::new(), String::new()));
            };
            let phone = match u.phone_enc {
                Some(enc) => pii.decrypt(&enc)?,
                None => String::new(),
            };
            Ok((u.display_name, phone, u.email.unwrap_or_default()))
        })
        .await
}

/// The accounts the actor administers (at most `limit`), each with the name of its agency.
pub async fn administered(
    state: &Ctx,
    actor: &Actor,
    limit: i64,
) -> Result<Vec<(user::User, String)>, AppError> {
    let scope = policy::user_scope(actor)?;
    state
        .read(move |conn| {
            let names: std::collections::HashMap<AgencyId, String> = agency::list(conn)?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect();
            let (rows, _) = user::list(conn, scope, limit, 0)?;
            Ok(rows
                .into_iter()
                .map(|(u, code)| {
                    let name = u
                        .agency_id
                        .and_then(|id| names.get(&id).cloned())
                        .or(code)
                        .unwrap_or_default();
                    (u, name)
                })
                .collect())
        })
        .await
}

/// An account the caller has just written or is itself (its profile, an account it created or
/// changed): no further check.
pub async fn written(state: &Ctx, id: UserId) -> Result<(user::User, Option<String>), AppError> {
    state
        .read(move |conn| Ok(user::find(conn, id)?))
        .await?
        .ok_or(AppError::NotFound("账号"))
}

/// How an account wants its own messages: the channels, and the e-mail and phone to use
/// (`None`: keep what the account has; an empty string removes it).
#[derive(Debug, Clone)]
pub struct NotifyPrefs {
    pub email: bool,
    pub sms: bool,
    pub email_address: Option<Option<yishen_domain::account::Email>>,
    pub phone: Option<Option<yishen_domain::account::Phone>>,
}

/// What the profile shows of the account's messages.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotifyView {
    /// The channels chosen: `email`, `sms`.
    pub channels: Vec<&'static str>,
    pub email: Option<String>,
    /// The phone, masked (`138****8000`).
    pub phone: Option<String>,
    pub email_available: bool,
    pub sms_available: bool,
}

impl NotifyPrefs {
    /// From what a person typed: the channels' codes, and an e-mail and a phone where given
    /// (blank removes it). Every problem names its field.
    pub fn parse(
        channels: &[String],
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Self, Vec<crate::error::FieldIssue>> {
        use yishen_domain::account::{Email, Phone};
        use yishen_domain::notify::Channel;
        let mut f = crate::error::Fields::default();
        let (mut by_email, mut by_sms) = (false, false);
        for (i, c) in channels.iter().enumerate() {
            match Channel::parse(c.trim()) {
                Some(Channel::Email) => by_email = true,
                Some(Channel::Sms) => by_sms = true,
                None => f.push(crate::error::FieldIssue::new(
                    format!("channels[{i}]"),
                    "unknown_value",
                    "通知方式无效，可选：email（电子邮件）、sms（短信）",
                )),
            }
        }
        let blank_or = |raw: Option<&str>| raw.map(|s| s.trim().to_owned());
        let email_address = match blank_or(email) {
            None => None,
            Some(s) if s.is_empty() => Some(None),
            Some(s) => f.take("email", Email::parse(&s)).map(Some),
        };
        let phone = match blank_or(phone) {
            None => None,
            Some(s) if s.is_empty() => Some(None),
            Some(s) => f.take("phone", Phone::parse(&s)).map(Some),
        };
        f.build(|| {
            Some(Self {
                email: by_email,
                sms: by_sms,
                email_address,
                phone,
            })
        })
    }
}

/// The account's message settings.
pub async fn notify_prefs(state: &Ctx, actor: &Actor) -> Result<NotifyView, AppError> {
    let id = actor.id;
    let pii = state.pii.clone();
    let (email_available, sms_available) = (state.mailer.is_some(), state.sms.is_some());
    state
        .read(move |conn| {
            let (u, _) = user::find(conn, id)?.ok_or(AppError::NotFound("账号"))?;
            let phone = match u.phone_enc {
                Some(enc) => Some(crate::services::cases::views::mask_phone(
                    &pii.decrypt(&enc)?,
                )),
                None => None,
            };
            let mut channels = Vec::new();
            if u.notify_email {
                channels.push("email");
            }
            if u.notify_sms {
                channels.push("sms");
            }
            Ok(NotifyView {
                channels,
                email: u.email,
                phone,
                email_available,
                sms_available,
            })
        })
        .await
}

/// Sets the account's message channels (and e-mail, phone). A channel needs its address: a
/// text message a mainland mobile, and an SMS gateway configured.
pub async fn set_notify_prefs(
    state: &Ctx,
    actor: &Actor,
    prefs: NotifyPrefs,
) -> Result<NotifyView, AppError> {
    if prefs.sms && state.sms.is_none() {
        return Err(AppError::field(
            "channels",
            "sms_unavailable",
            "本系统未开通短信通知",
        ));
    }
    let id = actor.id;
    let pii = state.pii.clone();
    state
        .write(move |conn| {
            let (u, _) = user::find(conn, id)?.ok_or(AppError::NotFound("账号"))?;
            let email = match &prefs.email_address {
                Some(e) => e.as_ref().map(|e| e.as_str().to_owned()),
                None => u.email.clone(),
            };
            let mobile = match &prefs.phone {
                Some(p) => p
                    .as_ref()
                    .is_some_and(|p| crate::sms::is_mobile(p.as_str())),
                None => match &u.phone_enc {
                    Some(enc) => crate::sms::is_mobile(&pii.decrypt(enc)?),
                    None => false,
                },
            };
            let mut f = crate::error::Fields::default();
            if prefs.email && email.as_deref().is_none_or(|e| e.trim().is_empty()) {
                f.push(crate::error::FieldIssue::new(
                    "email",
                    "required",
                    "选择电子邮件通知的，请填写电子邮箱",
                ));
            }
            if prefs.sms && !mobile {
                f.push(crate::error::FieldIssue::new(
                    "phone",
                    "required",
                    "选择短信通知的，请填写手机号码",
                ));
            }
            f.finish()?;
            let contact = if prefs.email_address.is_some() || prefs.phone.is_some() {
                let (phone_enc, phone_hash) = match &prefs.phone {
                    Some(Some(p)) => (
                        Some(pii.encrypt(p.as_str())?),
                        Some(pii.match_hash(p.as_str())),
                    ),
                    Some(None) => (None, None),
                    None => (u.phone_enc.clone(), u.phone_hash.clone()),
                };
                Some((email, phone_enc, phone_hash))
            } else {
                None
            };
            user::set_channels(
                conn,
                id,
                prefs.email,
                prefs.sms,
                contact
                    .as_ref()
                    .map(|(e, p, h)| (e.as_deref(), p.as_deref(), h.as_deref())),
                yishen_store::now(),
            )?;
            Ok(())
        })
        .await?;
    notify_prefs(state, actor).await
}
