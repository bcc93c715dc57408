//! Accounts: the actor's own (`/me`) and administration of staff accounts.

use actix_web::{HttpResponse, get, patch, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yishen_domain::{AgencyCode, DisplayName, Email, Password, Phone, Role, Username};
use yishen_store::UserId;
use yishen_store::models::user;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Fields, LaterJson, parsed};
use yishen_app::Ctx;
use yishen_app::services::accounts::{self, AccountChanges, Creator, NewAccount};

/// An account as shown to its owner and administrators. The phone number is masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    id: UserId,
    username: String,
    role: String,
    role_label: &'static str,
    agency_code: Option<String>,
    display_name: String,
    phone_masked: Option<String>,
    email: Option<String>,
    active: bool,
    created_at: String,
}

pub fn view(state: &Ctx, u: user::User, agency_code: Option<String>) -> UserView {
    UserView {
        id: u.id,
        username: u.username,
        role_label: u.role.label(),
        role: u.role.as_str().to_owned(),
        agency_code,
        display_name: u.display_name,
        phone_masked: u
            .phone_enc
            .and_then(|enc| state.pii.decrypt(&enc).ok())
            .map(|p| yishen_app::services::cases::views::mask_phone(&p)),
        email: u.email,
        active: u.active,
        created_at: format!("{}Z", u.created_at.format("%Y-%m-%dT%H:%M:%S")),
    }
}

pub async fn load_view(state: &Ctx, id: UserId) -> Result<UserView, ApiError> {
    let (u, code) = accounts::written(state, id).await?;
    Ok(view(state, u, code))
}

/// The logged-in account.
#[utoipa::path(tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = crate::error::Problem)))]
#[get("/api/v1/me")]
pub async fn me(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
) -> Result<web::Json<UserView>, ApiError> {
    Ok(web::Json(load_view(&state, actor.id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the logged-in account's password; every session ends.
#[utoipa::path(tag = "accounts", request_body = PasswordChange, security(("bearer" = [])),
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/me/password")]
pub async fn change_password(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    body: ApiJson<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let b = body.0;
    let username = Username::parse(&actor.username).ok();
    let mut f = Fields::default();
    let new = f.take(
        "new_password",
        Password::parse(&b.new_password, username.as_ref()),
    );
    f.finish()?;
    accounts::change_password(&state, &actor, b.current_password, parsed(new)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyPrefsBody {
    /// The channels of the account's own messages: `email` and/or `sms`.
    #[schema(inline, value_type = Vec<NotifyChannelCode>, max_items = 2)]
    channels: Vec<String>,
    /// A new e-mail address (blank removes it; absent keeps it).
    email: Option<String>,
    /// A new phone number, a mainland mobile for text messages (blank removes it).
    phone: Option<String>,
}

/// A channel code: `email` or `sms`.
#[derive(ToSchema)]
#[schema(as = NotifyChannelCode)]
#[allow(dead_code)]
enum NotifyChannelCode {
    #[schema(rename = "email")]
    Email,
    #[schema(rename = "sms")]
    Sms,
}

/// The channels the logged-in account's messages go by.
#[utoipa::path(tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = accounts::NotifyView), (status = 401, body = crate::error::Problem)))]
#[get("/api/v1/me/notifications")]
pub async fn notify_prefs(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
) -> Result<web::Json<accounts::NotifyView>, ApiError> {
    Ok(web::Json(accounts::notify_prefs(&state, &actor).await?))
}

/// Chooses the channels of the logged-in account's messages (and their addresses).
#[utoipa::path(tag = "accounts", request_body = NotifyPrefsBody, security(("bearer" = [])),
    responses((status = 200, body = accounts::NotifyView), (status = 401, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
#[put("/api/v1/me/notifications")]
pub async fn set_notify_prefs(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    body: ApiJson<NotifyPrefsBody>,
) -> Result<web::Json<accounts::NotifyView>, ApiError> {
    let b = body.0;
    let prefs = accounts::NotifyPrefs::parse(&b.channels, b.email.as_deref(), b.phone.as_deref())
        .map_err(ApiError::Validation)?;
    Ok(web::Json(
        accounts::set_notify_prefs(&state, &actor, prefs).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// 1-based page number.
    #[param(minimum = 1)]
    page: Option<u32>,
    /// Items per page, at most 200.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u32>,
}

pub const MAX_PER_PAGE: u32 = 200;

impl Page {
    /// `(limit, offset)`, or a problem naming the field.
    pub fn limits(&self) -> Result<(i64, i64), ApiError> {
        page_limits(self.page, self.per_page)
    }
}

/// `(limit, offset)` of a 1-based `page` of `per_page` items (default 50, at most
/// [`MAX_PER_PAGE`]), or a problem naming the field.
pub fn page_limits(page: Option<u32>, per_page: Option<u32>) -> Result<(i64, i64), ApiError> {
    let per_page = per_page.unwrap_or(50);
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ApiError::InvalidQuery(vec![crate::error::FieldIssue::new(
            "per_page",
            "out_of_range",
            format!("每页条数须在1至{MAX_PER_PAGE}之间"),
        )]));
    }
    let page = page.unwrap_or(1).max(1);
    Ok((
        i64::from(per_page),
        i64::from(page - 1) * i64::from(per_page),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    items: Vec<UserView>,
    total: i64,
}

/// Accounts the actor administers: all for the system administrator, the agency's for an
/// agency administrator.
#[utoipa::path(tag = "accounts", params(Page), security(("bearer" = [])),
    responses((status = 200, body = UserList), (status = 403, body = crate::error::Problem)))]
#[get("/api/v1/users")]
pub async fn list(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    query: ApiQuery<Page>,
) -> Result<web::Json<UserList>, ApiError> {
    let (limit, offset) = query.0.limits()?;
    let (rows, total) = accounts::list(&state, &actor, limit, offset).await?;
    let items = rows.into_iter().map(|(u, c)| view(&state, u, c)).collect();
    Ok(web::Json(UserList { items, total }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) display_name: String,
    pub(crate) role: String,
    /// Agency code; required for staff roles.
    pub(crate) agency: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
}

/// Parses an administrator's new account (the API's and the admin page's), naming every bad
/// field.
pub(crate) fn new_account(b: CreateUser) -> Result<NewAccount, ApiError> {
    let mut f = Fields::default();
    let username = f.take("username", Username::parse(&b.username));
    let password = f.take("password", Password::parse(&b.password, username.as_ref()));
    let display_name = f.take("display_name", DisplayName::parse(&b.display_name));
    let role = f.take("role", Role::parse(&b.role));
    let agency = f.optional("agency", b.agency.as_deref(), AgencyCode::parse);
    let phone = f.optional("phone", b.phone.as_deref(), Phone::parse);
    let email = f.optional("email", b.email.as_deref(), Email::parse);
    f.finish()?;
    Ok(NewAccount {
        username: parsed(username)?,
        password: parsed(password)?,
        display_name: parsed(display_name)?,
        role: parsed(role)?,
        agency,
        phone,
        email,
    })
}

/// Creates an account (administrators).
#[utoipa::path(tag = "accounts", request_body = CreateUser, security(("bearer" = [])),
    responses((status = 201, body = UserView), (status = 403, body = crate::error::Problem),
              (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[post("/api/v1/users")]
pub async fn create(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    body: LaterJson<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    // Role-level denial first: an applicant learns nothing from validation messages.
    if !matches!(actor.role, Role::Sysadmin | Role::AgencyAdmin) {
        return Err(ApiError::Forbidden(
            "只有系统管理员和机关管理员可以创建工作人员账号".into(),
        ));
    }
    let b = body.0?;
    let account = new_account(b)?;
    let id = accounts::create(&state, Creator::Admin(actor), account).await?;
    Ok(HttpResponse::Created().json(load_view(&state, id).await?))
}

/// One account.
#[utoipa::path(tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 404, body = crate::error::Problem)))]
#[get("/api/v1/users/{id}")]
pub async fn get_one(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<UserId>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = id.into_inner();
    let (u, code) = accounts::get(&state, &actor, id).await?;
    Ok(web::Json(view(&state, u, code)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    display_name: Option<String>,
    role: Option<String>,
    active: Option<bool>,
    /// A new password set by the administrator; the account's sessions end.
    password: Option<String>,
}

/// Changes an account (administrators): name, role, active, password.
#[utoipa::path(tag = "accounts", params(("id" = i64, Path)), request_body = UpdateUser, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 403, body = crate::error::Problem),
              (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
#[patch("/api/v1/users/{id}")]
pub async fn update(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    id: web::Path<UserId>,
    body: LaterJson<UpdateUser>,
) -> Result<web::Json<UserView>, ApiError> {
    let id = id.into_inner();
    // Who may change it comes before what they sent.
    accounts::may_update(&state, &actor, id).await?;
    let b = body.0?;
    let mut f = Fields::default();
    let display_name = f.optional(
        "display_name",
        b.display_name.as_deref(),
        DisplayName::parse,
    );
    let role = f.optional("role", b.role.as_deref(), Role::parse);
    let password = f.optional("password", b.password.as_deref(), |p| {
        Password::parse(p, None)
    });
    f.finish()?;
    accounts::update(
        &state,
        &actor,
        id,
        AccountChanges {
            display_name,
            role,
            active: b.active,
            password,
        },
    )
    .await?;
    Ok(web::Json(load_view(&state, id).await?))
}
