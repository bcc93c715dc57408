//! Registration, login, token refresh and logout.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yishen_domain::{DisplayName, Email, Password, Phone, Role, Username};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ClientAddr, Fields, parsed};
use crate::routes::users::{UserView, load_view};
use yishen_app::Ctx;
use yishen_app::services::accounts::{self, Creator, NewAccount, Session};
use yishen_app::services::throttle;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) display_name: String,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
}

/// Parses a self-registration (the API's and the registration page's), naming every bad field.
pub(crate) fn new_applicant(b: RegisterRequest) -> Result<NewAccount, ApiError> {
    let mut f = Fields::default();
    let username = f.take("username", Username::parse(&b.username));
    let password = f.take("password", Password::parse(&b.password, username.as_ref()));
    let display_name = f.take("display_name", DisplayName::parse(&b.display_name));
    let phone = f.optional("phone", b.phone.as_deref(), Phone::parse);
    let email = f.optional("email", b.email.as_deref(), Email::parse);
    f.finish()?;
    Ok(NewAccount {
        username: parsed(username)?,
        password: parsed(password)?,
        display_name: parsed(display_name)?,
        role: Role::Applicant,
        agency: None,
        phone,
        email,
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoutRequest {
    refresh_token: Option<String>,
    /// End every session of this account.
    #[serde(default)]
    all: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    access_token: String,
    refresh_token: String,
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: u64,
}

impl From<Session> for TokenResponse {
    fn from(s: Session) -> Self {
        Self {
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
        }
    }
}

/// An applicant registers; 201 with the new account.
#[utoipa::path(tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = UserView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
#[post("/api/v1/auth/register")]
pub async fn register(
    state: web::Data<Ctx>,
    client: ClientAddr,
    body: ApiJson<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let account = new_applicant(body.0)?;
    throttle::admit(&state, throttle::Limit::Registration, client.0).await?;
    let id = accounts::create(&state, Creator::SelfRegistration, account).await?;
    Ok(HttpResponse::Created().json(load_view(&state, id).await?))
}

/// Logs in; answers a 15-minute access token and a refresh token.
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
#[post("/api/v1/auth/login")]
pub async fn login(
    state: web::Data<Ctx>,
    client: ClientAddr,
    body: ApiJson<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let session = accounts::login(&state, &body.0.username, &body.0.password, client.0).await?;
    Ok(web::Json(session.into()))
}

/// Exchanges a refresh token for a new pair (the old one stops working).
#[utoipa::path(tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = crate::error::Problem)))]
#[post("/api/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<Ctx>,
    body: ApiJson<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let session = accounts::refresh(&state, &body.0.refresh_token).await?;
    Ok(web::Json(session.into()))
}

/// Revokes the session of the given refresh token, or all sessions with `all`.
#[utoipa::path(tag = "auth", request_body = LogoutRequest, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::Problem)))]
#[post("/api/v1/auth/logout")]
pub async fn logout(
    state: web::Data<Ctx>,
    Caller(actor): Caller,
    body: ApiJson<LogoutRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::logout(&state, &actor, body.0.refresh_token, body.0.all).await?;
    Ok(HttpResponse::NoContent().finish())
}
