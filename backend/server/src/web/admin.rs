//! Administrators' pages: the agency tree (create, edit incl. the letters' contact person and
//! phone), accounts (list, create, deactivate) and the holiday calendar (view, load a year).

use actix_web::web::Path;
use askama::Template;
use yishen_domain::{AgencyCode, OfficialName, Role, YearNotice};
use yishen_store::models::{agency, calendar_year, user};

use super::{Chrome, Ctx, Errs, PageResult, Post, see_other};
use crate::error::{ApiError, FieldIssue};
use crate::extract::Fields;
use crate::routes::users::{CreateUser, new_account};
use crate::services::accounts::{self, AccountChanges, Creator};
use crate::services::agencies::{self, AgencyUpdate, NewAgencyInput};

const ADMINS: [Role; 2] = [Role::Sysadmin, Role::AgencyAdmin];

pub struct AgencyRow {
    pub code: String,
    pub name: String,
    pub depth: usize,
    pub reconsideration_body_name: String,
    pub court_name: String,
    pub letter_prefix: String,
    pub contact_person: String,
    pub contact_phone: String,
    /// The handling rules the agency admin sets (docs/cases.md).
    pub approver_signoff: bool,
    pub correction_period_days: u32,
    pub fee_pause_excluded: bool,
}

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct Agencies {
    l: Chrome,
    rows: Vec<AgencyRow>,
    errs: Errs,
    may_create: bool,
}

async fn agencies_page(ctx: &Ctx, errs: Errs) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?;
    let rows = ctx
        .state
        .read(|conn| {
            Ok(agency::list(conn)?
                .into_iter()
                .map(|a| {
                    let settings: serde_json::Value =
                        serde_json::from_str(&a.settings).unwrap_or_default();
                    let s = |k: &str| settings[k].as_str().unwrap_or("").to_owned();
                    let rules = yishen_domain::case::HandlingRules::from_settings(&a.settings);
                    AgencyRow {
                        approver_signoff: rules.approver_signoff,
                        correction_period_days: rules.correction_period_days,
                        fee_pause_excluded: rules.fee_pause_excluded,
                        depth: a.path.matches('/').count().saturating_sub(2),
                        contact_person: s("contact_person"),
                        contact_phone: s("contact_phone"),
                        code: a.code,
                        name: a.name,
                        reconsideration_body_name: a.reconsideration_body_name.unwrap_or_default(),
                        court_name: a.court_name.unwrap_or_default(),
                        letter_prefix: a.letter_prefix.unwrap_or_default(),
                    }
                })
                .collect())
        })
        .await?;
    let status = errs.status();
    ctx.page_status(
        status,
        &Agencies {
            l: ctx.chrome_with_calendar("机关").await?,
            rows,
            errs,
            may_create: actor.role == Role::Sysadmin,
        },
    )
}

pub async fn agencies(ctx: Ctx) -> PageResult {
    agencies_page(&ctx, Errs::default()).await
}

fn name_field(f: &mut Fields, form: &super::Form, field: &str) -> Option<OfficialName> {
    f.optional(field, form.text(field).as_deref(), OfficialName::parse)
}

pub async fn create_agency(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let result = async {
        let mut f = Fields::default();
        let code = f.take(
            "code",
            AgencyCode::parse(form.text("code").as_deref().unwrap_or("")),
        );
        let name = f.take(
            "name",
            OfficialName::parse(form.text("name").as_deref().unwrap_or("")),
        );
        let parent = f.optional("parent", form.text("parent").as_deref(), AgencyCode::parse);
        let reconsideration_body_name = name_field(&mut f, &form, "reconsideration_body_name");
        let court_name = name_field(&mut f, &form, "court_name");
        let letter_prefix = name_field(&mut f, &form, "letter_prefix");
        f.finish()?;
        let (Some(code), Some(name)) = (code, name) else {
            return Err(ApiError::field("code", "required", "请填写机关代码和名称"));
        };
        agencies::create(
            &ctx.state,
            &actor,
            NewAgencyInput {
                code,
                name,
                parent,
                reconsideration_body_name,
                court_name,
                letter_prefix,
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other("/admin/agencies")),
        Err(e) => agencies_page(&ctx, Errs::from_api(e)?).await,
    }
}

pub async fn update_agency(post: Post, code: Path<String>) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let code = code.into_inner();
    let result = async {
        let mut f = Fields::default();
        let code = f.take("code", AgencyCode::parse(&code));
        let name = name_field(&mut f, &form, "name");
        let reconsideration_body_name = name_field(&mut f, &form, "reconsideration_body_name");
        let court_name = name_field(&mut f, &form, "court_name");
        let letter_prefix = name_field(&mut f, &form, "letter_prefix");
        f.finish()?;
        let Some(code) = code else {
            return Err(ApiError::NotFound("机关"));
        };
        agencies::update(
            &ctx.state,
            &actor,
            code,
            AgencyUpdate {
                name,
                reconsideration_body_name: Some(reconsideration_body_name),
                court_name: Some(court_name),
                letter_prefix: Some(letter_prefix),
                contact_person: Some(form.text("contact_person")),
                contact_phone: Some(form.text("contact_phone")),
                approver_signoff: Some(form.checked("approver_signoff")),
                fee_pause_excluded: Some(form.checked("fee_pause_excluded")),
                correction_period_days: form.number("correction_period_days")?,
                ..AgencyUpdate::default()
            },
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(see_other("/admin/agencies")),
        Err(e) => agencies_page(&ctx, Errs::from_api(e)?).await,
    }
}

pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub role: String,
    pub agency: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct Users {
    l: Chrome,
    rows: Vec<UserRow>,
    errs: Errs,
    roles: Vec<(&'static str, &'static str)>,
    own_agency: String,
}

async fn users_page(ctx: &Ctx, errs: Errs) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?;
    let scope = crate::policy::user_scope(actor)?;
    let rows = ctx
        .state
        .read(move |conn| {
            let (rows, _) = user::list(conn, scope, 500, 0)?;
            Ok(rows
                .into_iter()
                .map(|(u, code)| UserRow {
                    id: u.id,
                    role_label: Role::parse(&u.role).map(Role::label).unwrap_or(""),
                    role: u.role,
                    username: u.username,
                    display_name: u.display_name,
                    agency: code.unwrap_or_default(),
                    active: u.active,
                })
                .collect())
        })
        .await?;
    let roles = Role::STAFF
        .iter()
        .map(|r| (r.as_str(), r.label()))
        .collect();
    let status = errs.status();
    ctx.page_status(
        status,
        &Users {
            l: ctx.chrome_with_calendar("账号").await?,
            rows,
            errs,
            roles,
            own_agency: actor
                .agency
                .as_ref()
                .map(|a| a.code.clone())
                .unwrap_or_default(),
        },
    )
}

pub async fn users(ctx: Ctx) -> PageResult {
    users_page(&ctx, Errs::default()).await
}

pub async fn create_user(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let body = CreateUser {
        username: form.text("username").unwrap_or_default(),
        password: form.raw("password").unwrap_or("").to_owned(),
        display_name: form.text("display_name").unwrap_or_default(),
        role: form.text("role").unwrap_or_default(),
        agency: form.text("agency"),
        phone: form.text("phone"),
        email: form.text("email"),
    };
    let result = match new_account(body) {
        Ok(account) => accounts::create(&ctx.state, Creator::Admin(actor), account).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other("/admin/users")),
        Err(e) => users_page(&ctx, Errs::from_api(e)?).await,
    }
}

pub async fn deactivate_user(post: Post, id: Path<i64>) -> PageResult {
    let Post { ctx, .. } = post;
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let changes = AccountChanges {
        active: Some(false),
        ..AccountChanges::default()
    };
    match accounts::update(&ctx.state, &actor, id.into_inner(), changes).await {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(e) => users_page(&ctx, Errs::from_api(e)?).await,
    }
}

/// Changes an account from the list: reactivation, another role, or a new password set by
/// the administrator (the account's sessions end). The policy decides what this admin may
/// change; a refusal comes back on the list.
pub async fn update_user(post: Post, id: Path<i64>) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let result = async {
        let mut f = Fields::default();
        let role = form
            .text("role")
            .and_then(|r| f.take("role", Role::parse(&r)));
        let password = form
            .text("password")
            .and_then(|p| f.take("password", yishen_domain::Password::parse(&p, None)));
        f.finish()?;
        let changes = AccountChanges {
            role,
            password,
            active: form.checked("activate").then_some(true),
            ..AccountChanges::default()
        };
        accounts::update(&ctx.state, &actor, id.into_inner(), changes).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(e) => users_page(&ctx, Errs::from_api(e)?).await,
    }
}

pub struct YearRow {
    pub year: i32,
    pub notice: String,
    pub notice_number: String,
    pub source: String,
    pub holidays: usize,
    pub workdays: usize,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct Calendar {
    l: Chrome,
    rows: Vec<YearRow>,
    errs: Errs,
    text: String,
    may_load: bool,
}

async fn calendar_page(ctx: &Ctx, errs: Errs, text: String) -> PageResult {
    let actor = ctx.actor()?;
    let rows = ctx
        .state
        .read(|conn| {
            Ok(calendar_year::list(conn)?
                .into_iter()
                .map(|r| {
                    let notice: Option<YearNotice> = serde_json::from_str(&r.data).ok();
                    YearRow {
                        year: r.year,
                        holidays: notice.as_ref().map(|n| n.holidays.len()).unwrap_or(0),
                        workdays: notice.as_ref().map(|n| n.workdays.len()).unwrap_or(0),
                        notice: r.notice,
                        notice_number: r.notice_number.unwrap_or_default(),
                        source: r.source,
                    }
                })
                .collect())
        })
        .await?;
    let status = errs.status();
    ctx.page_status(
        status,
        &Calendar {
            l: ctx.chrome_with_calendar("节假日安排").await?,
            rows,
            errs,
            text,
            may_load: actor.role == Role::Sysadmin,
        },
    )
}

pub async fn calendar(ctx: Ctx) -> PageResult {
    calendar_page(&ctx, Errs::default(), String::new()).await
}

pub async fn put_calendar(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor()?.clone();
    let text = form.raw("notice").unwrap_or("").to_owned();
    let result = async {
        let notice: YearNotice = toml::from_str(&text).map_err(|e| {
            ApiError::Validation(vec![FieldIssue::new(
                "notice",
                "invalid_toml",
                format!("格式有误：{}", e.message()),
            )])
        })?;
        let year = notice.year;
        crate::services::calendar::put_year(&ctx.state, &actor, year, notice).await
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/admin/calendar")),
        Err(e) => calendar_page(&ctx, Errs::from_api(e)?, text).await,
    }
}
