//! Administrators' pages: the agency tree (create, edit incl. the letters' contact person and
//! phone, and the seal pressed on its letters), accounts (list, create, deactivate) and the holiday calendar (view, load a year).

use actix_web::web::Path;
use askama::Template;
use yishen_domain::{AgencyCode, OfficialName, Role, YearNotice};
use yishen_store::UserId;

use super::{Chrome, Errs, PageCtx, PageResult, Post, see_other};
use crate::error::{ApiError, FieldIssue};
use crate::extract::Fields;
use crate::routes::users::{CreateUser, new_account};
use yishen_app::services::accounts::{self, AccountChanges, Creator};
use yishen_app::services::agencies::{self, AgencyUpdate, NewAgencyInput};
use yishen_app::services::seals;

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
    pub reply_to: String,
    /// The handling rules the agency admin sets (docs/cases.md).
    pub approver_signoff: bool,
    pub correction_period_days: u32,
    pub fee_pause_excluded: bool,
    /// The seal pressed on its letters: printed diameter (mm) and when it was uploaded.
    pub seal: Option<(u32, String)>,
}

#[derive(Template)]
#[template(path = "admin_agencies.html")]
struct Agencies {
    l: Chrome,
    rows: Vec<AgencyRow>,
    errs: Errs,
    /// The system administrator keeps the tree: creates agencies and renames them.
    may_create: bool,
    parents: Vec<super::AgencyOption>,
}

async fn agencies_page(ctx: &PageCtx, errs: Errs) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?;
    let rows = yishen_app::services::agencies::administered(&ctx.state, actor)
        .await?
        .into_iter()
        .map(|(a, seal)| {
            let settings: serde_json::Value = serde_json::from_str(&a.settings).unwrap_or_default();
            let s = |k: &str| settings[k].as_str().unwrap_or("").to_owned();
            let rules = yishen_domain::case::HandlingRules::from_settings(&a.settings);
            AgencyRow {
                seal: seal.map(|i| (i.diameter_mm, yishen_app::time::local(i.uploaded_at))),
                approver_signoff: rules.approver_signoff,
                correction_period_days: rules.correction_period_days,
                fee_pause_excluded: rules.fee_pause_excluded,
                depth: a.path.matches('/').count().saturating_sub(2),
                contact_person: s("contact_person"),
                contact_phone: s("contact_phone"),
                reply_to: s("reply_to"),
                code: a.code,
                name: a.name,
                reconsideration_body_name: a.reconsideration_body_name.unwrap_or_default(),
                court_name: a.court_name.unwrap_or_default(),
                letter_prefix: a.letter_prefix.unwrap_or_default(),
            }
        })
        .collect();
    let status = errs.status();
    ctx.page_status(
        status,
        &Agencies {
            l: ctx.chrome_with_calendar("机关").await?,
            rows,
            errs,
            may_create: actor.role == Role::Sysadmin,
            parents: ctx.agency_options().await?,
        },
    )
}

pub async fn agencies(ctx: PageCtx) -> PageResult {
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
        .map_err(ApiError::from)
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
        let reply_to = match form.text("reply_to").filter(|t| !t.trim().is_empty()) {
            None => Some(None),
            Some(t) => f
                .take("reply_to", yishen_domain::Email::parse(t.trim()))
                .map(Some),
        };
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
                reply_to,
                approver_signoff: Some(form.checked("approver_signoff")),
                fee_pause_excluded: Some(form.checked("fee_pause_excluded")),
                correction_period_days: form.number("correction_period_days")?,
                ..AgencyUpdate::default()
            },
        )
        .await
        .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(_) => Ok(see_other("/admin/agencies")),
        Err(e) => agencies_page(&ctx, Errs::from_api(e)?).await,
    }
}

pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    pub role: String,
    /// The agency's name (its code when the name is unknown).
    pub agency: String,
    pub active: bool,
    /// Whether this admin may change the account (the policy's answer).
    pub may_change: bool,
    /// Whether this admin may give it another role (not their own).
    pub may_change_role: bool,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct Users {
    l: Chrome,
    rows: Vec<UserRow>,
    errs: Errs,
    roles: Vec<(&'static str, &'static str)>,
    agencies: Vec<super::AgencyOption>,
    own_agency: String,
}

async fn users_page(ctx: &PageCtx, errs: Errs) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?;
    let me = actor.clone();
    let rows = yishen_app::services::accounts::administered(&ctx.state, actor, 500)
        .await?
        .into_iter()
        .map(|(u, agency)| {
            let role = Some(u.role);
            let may = |new_role: Option<Role>| {
                role.is_some_and(|r| {
                    yishen_app::policy::update_user(&me, u.id, r, u.agency_id, new_role).is_ok()
                })
            };
            UserRow {
                id: u.id,
                may_change: may(None),
                may_change_role: u.id != me.id && may(role),
                role_label: role.map(Role::label).unwrap_or(""),
                agency,
                role: u.role.as_str().to_owned(),
                username: u.username,
                display_name: u.display_name,
                active: u.active,
            }
        })
        .collect();
    let roles = yishen_app::policy::grantable_roles(actor)
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
            agencies: ctx.agency_options().await?,
            own_agency: actor
                .agency
                .as_ref()
                .map(|a| a.code.clone())
                .unwrap_or_default(),
        },
    )
}

pub async fn users(ctx: PageCtx) -> PageResult {
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
        Ok(account) => accounts::create(&ctx.state, Creator::Admin(actor), account)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other("/admin/users")),
        Err(e) => users_page(&ctx, Errs::from_api(e)?).await,
    }
}

pub async fn deactivate_user(post: Post, id: Path<UserId>) -> PageResult {
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
pub async fn update_user(post: Post, id: Path<UserId>) -> PageResult {
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
        accounts::update(&ctx.state, &actor, id.into_inner(), changes)
            .await
            .map_err(ApiError::from)
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
    /// Each holiday with its dates, e.g. 春节 2月15日至23日.
    pub holidays: Vec<String>,
    /// The 调休上班 days, e.g. 2月14日（星期六）.
    pub workdays: Vec<String>,
}

/// One statutory holiday's row of the entry form, as typed.
pub struct HolidayInput {
    pub index: usize,
    pub name: &'static str,
    pub start: String,
    pub end: String,
    pub workdays: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct Calendar {
    l: Chrome,
    rows: Vec<YearRow>,
    errs: Errs,
    may_load: bool,
    year: String,
    title: String,
    number: String,
    inputs: Vec<HolidayInput>,
}

fn md(d: chrono::NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

fn span(start: chrono::NaiveDate, end: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if start == end {
        md(start)
    } else if start.month() == end.month() && start.year() == end.year() {
        format!("{}至{}日", md(start), end.day())
    } else {
        format!("{}至{}", md(start), md(end))
    }
}

fn weekday(d: chrono::NaiveDate) -> &'static str {
    use chrono::{Datelike, Weekday};
    match d.weekday() {
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
        _ => "工作日",
    }
}

fn empty_inputs() -> Vec<HolidayInput> {
    yishen_domain::calendar::STATUTORY_HOLIDAYS
        .iter()
        .enumerate()
        .map(|(index, name)| HolidayInput {
            index,
            name,
            start: String::new(),
            end: String::new(),
            workdays: String::new(),
        })
        .collect()
}

async fn calendar_page(ctx: &PageCtx, errs: Errs, form: Option<&super::Form>) -> PageResult {
    let actor = ctx.actor()?;
    let rows = yishen_app::services::calendar::years(&ctx.state)
        .await?
        .into_iter()
        .map(|(r, notice)| YearRow {
            year: r.year,
            holidays: notice
                .holidays
                .iter()
                .map(|h| format!("{} {}", h.name, span(h.start, h.end)))
                .collect(),
            workdays: notice
                .workdays
                .iter()
                .map(|w| format!("{}（{}）", md(w.date), weekday(w.date)))
                .collect(),
            notice: r.notice,
            notice_number: r.notice_number.unwrap_or_default(),
            source: r.source,
        })
        .collect::<Vec<_>>();
    let next_year = rows
        .iter()
        .map(|r| r.year + 1)
        .max()
        .unwrap_or_else(|| chrono::Datelike::year(&ctx.state.today()));
    let keep = |name: &str| form.and_then(|f| f.raw(name)).unwrap_or("").to_owned();
    let mut inputs = empty_inputs();
    if form.is_some() {
        for h in &mut inputs {
            h.start = keep(&format!("h{}_start", h.index));
            h.end = keep(&format!("h{}_end", h.index));
            h.workdays = keep(&format!("h{}_workdays", h.index));
        }
    }
    let status = errs.status();
    ctx.page_status(
        status,
        &Calendar {
            l: ctx.chrome_with_calendar("节假日安排").await?,
            rows,
            errs,
            may_load: actor.role == Role::Sysadmin,
            year: form.map_or_else(|| next_year.to_string(), |_| keep("year")),
            title: form.map_or_else(String::new, |_| keep("notice")),
            number: keep("notice_number"),
            inputs,
        },
    )
}

pub async fn calendar(ctx: PageCtx) -> PageResult {
    calendar_page(&ctx, Errs::default(), None).await
}

/// Builds the year's notice from the entry form: one row per statutory holiday (its first
/// and last day off and its 调休上班 days), the dates read as people write them. 中秋节 and
/// 国庆节 given the same days are one period, as the notices print them in such years.
fn notice_from_form(form: &super::Form) -> Result<YearNotice, ApiError> {
    use yishen_domain::calendar::{AdjustedWorkday, HolidayPeriod, STATUTORY_HOLIDAYS};
    use yishen_domain::input;
    let mut issues = Fields::default();
    let year = form
        .text("year")
        .and_then(|y| input::compact_code(&y).parse::<i32>().ok())
        .filter(|y| {
            (yishen_domain::calendar::MIN_YEAR..=yishen_domain::calendar::MAX_YEAR).contains(y)
        });
    let Some(year) = year else {
        return Err(ApiError::field(
            "year",
            "invalid_year",
            "请填写四位数的年份，如2027",
        ));
    };
    let title = form
        .text("notice")
        .unwrap_or_else(|| format!("国务院办公厅关于{year}年部分节假日安排的通知"));
    let mut holidays: Vec<HolidayPeriod> = Vec::new();
    let mut workdays = Vec::new();
    for (i, name) in STATUTORY_HOLIDAYS.iter().enumerate() {
        let field = |part: &str| format!("h{i}_{part}");
        let mut day = |part: &str| -> Option<chrono::NaiveDate> {
            let raw = form.text(&field(part));
            match raw {
                None => {
                    issues.push(FieldIssue::new(
                        field(part),
                        "required",
                        format!(
                            "请填写{name}放假的{}日期",
                            if part == "start" {
                                "第一天"
                            } else {
                                "最后一天"
                            }
                        ),
                    ));
                    None
                }
                Some(r) => {
                    let d = input::date(&r, year);
                    if d.is_none() {
                        issues.push(FieldIssue::new(
                            field(part),
                            "invalid_date",
                            format!("{name}的日期“{r}”无法识别，请写成{year}-10-01的形式"),
                        ));
                    }
                    d
                }
            }
        };
        let (start, end) = (day("start"), day("end"));
        match input::dates(form.raw(&field("workdays")).unwrap_or(""), year) {
            Ok(days) => workdays.extend(days.into_iter().map(|date| AdjustedWorkday {
                date,
                weekday: None,
                holiday: (*name).to_owned(),
                added_by: None,
            })),
            Err(bad) => issues.push(FieldIssue::new(
                field("workdays"),
                "invalid_date",
                format!("{name}的调休上班日中“{}”无法识别", bad.join("、")),
            )),
        }
        let (Some(start), Some(end)) = (start, end) else {
            continue;
        };
        match holidays.last_mut() {
            Some(prev)
                if prev.name == "中秋节"
                    && *name == "国庆节"
                    && prev.start == start
                    && prev.end == end =>
            {
                prev.name = "中秋节、国庆节".to_owned();
            }
            _ => holidays.push(HolidayPeriod {
                name: (*name).to_owned(),
                start,
                end,
                days: None,
                note: None,
                original_start: None,
                original_end: None,
                changed_by: None,
            }),
        }
    }
    issues.finish()?;
    let notice = YearNotice {
        year,
        notice: title,
        notice_number: form.text("notice_number"),
        notice_date: None,
        verified_against: None,
        sources: Vec::new(),
        amendments: Vec::new(),
        holidays,
        workdays,
        cancelled_workdays: Vec::new(),
    };
    notice.check_plausible().map_err(|errors| {
        ApiError::Validation(
            errors
                .iter()
                .map(|e| FieldIssue::new("form", "implausible", e.to_string()))
                .collect(),
        )
    })?;
    Ok(notice)
}

pub async fn put_calendar(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor()?.clone();
    let result: Result<_, ApiError> = async {
        yishen_app::policy::manage_calendar(&actor)?;
        let notice = notice_from_form(&form)?;
        let year = notice.year;
        Ok(yishen_app::services::calendar::put_year(&ctx.state, &actor, year, notice).await?)
    }
    .await;
    match result {
        Ok(()) => Ok(see_other("/admin/calendar")),
        Err(e) => calendar_page(&ctx, Errs::from_api(e)?, Some(&form)).await,
    }
}

/// Uploads the agency's seal from the page's form (`multipart/form-data`: `csrf`, `file`,
/// `diameter_mm`); a refusal shows the page again with the reason beside the field.
pub async fn upload_seal(
    ctx: PageCtx,
    code: Path<String>,
    payload: actix_multipart::Multipart,
) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let code = AgencyCode::parse(&code.into_inner()).map_err(|_| ApiError::NotFound("机关"))?;
    let result: Result<_, ApiError> = async {
        let form = crate::multipart::read(payload, "file", seals::MAX_PNG_BYTES).await?;
        ctx.check_csrf(form.texts.get("csrf").map_or("", String::as_str))
            .map_err(|_| ApiError::Forbidden("页面已过期，请刷新后重新上传".into()))?;
        let (png, diameter) = crate::routes::agencies::seal_fields(form)?;
        Ok(seals::upload(&ctx.state, &actor, &code, png, diameter).await?)
    }
    .await;
    match result {
        Ok(_) => Ok(see_other("/admin/agencies")),
        Err(e) => agencies_page(&ctx, Errs::from_api(e)?).await,
    }
}

/// Removes the agency's seal.
pub async fn remove_seal(post: Post, code: Path<String>) -> PageResult {
    let Post { ctx, .. } = post;
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let code = AgencyCode::parse(&code.into_inner()).map_err(|_| ApiError::NotFound("机关"))?;
    match seals::remove(&ctx.state, &actor, &code).await {
        Ok(()) => Ok(see_other("/admin/agencies")),
        Err(e) => agencies_page(&ctx, Errs::from_api(e)?).await,
    }
}

/// The seal image, for the page's preview.
pub async fn seal_png(ctx: PageCtx, code: Path<String>) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let code = AgencyCode::parse(&code.into_inner()).map_err(|_| ApiError::NotFound("机关"))?;
    let png = seals::png(&ctx.state, &actor, &code).await?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("image/png")
        .insert_header(("Cache-Control", "private, no-store"))
        .body(png))
}

/// A specimen receipt pressed with the seal.
pub async fn seal_specimen(ctx: PageCtx, code: Path<String>) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let code = AgencyCode::parse(&code.into_inner()).map_err(|_| ApiError::NotFound("机关"))?;
    let pdf = seals::specimen(&ctx.state, &actor, &code).await?;
    Ok(crate::routes::file_response(
        "application/pdf",
        true,
        "印章样张.pdf",
        pdf,
    ))
}

#[derive(Template)]
#[template(path = "admin_notifications.html")]
struct NotificationsPage {
    l: Chrome,
    errs: Errs,
    o: yishen_app::services::notifications::Outbox,
}

impl NotificationsPage {
    fn when(&self, t: &chrono::NaiveDateTime) -> String {
        yishen_app::time::local(*t)
    }
}

async fn notifications_page(ctx: &PageCtx, errs: Errs) -> PageResult {
    let actor = ctx.actor_in(&[Role::Sysadmin])?.clone();
    let o = yishen_app::services::notifications::outbox(&ctx.state, &actor).await?;
    ctx.page_status(
        errs.status(),
        &NotificationsPage {
            l: ctx.chrome("通知发送情况"),
            errs,
            o,
        },
    )
}

/// The outbox at a glance: counts, whether e-mail and SMS are configured, the messages given
/// up with a button to send each again.
pub async fn notifications(ctx: PageCtx) -> PageResult {
    notifications_page(&ctx, Errs::default()).await
}

pub async fn resend_notification(post: Post, id: Path<i64>) -> PageResult {
    let Post { ctx, .. } = post;
    let actor = ctx.actor_in(&[Role::Sysadmin])?.clone();
    match yishen_app::services::notifications::resend(&ctx.state, &actor, id.into_inner()).await {
        Ok(()) => Ok(see_other("/admin/notifications")),
        Err(e) => notifications_page(&ctx, Errs::from_api(ApiError::from(e))?).await,
    }
}

#[derive(Template)]
#[template(path = "admin_access_log.html")]
struct AccessLogPage {
    l: Chrome,
    rows: Vec<yishen_app::services::access_log::AccessView>,
}

/// Who saw applicants' personal data in full or opened a dossier (个人信息保护法): the cases of
/// the administrator's agency, or of all for the system administrator.
pub async fn access_log(ctx: PageCtx) -> PageResult {
    let actor = ctx.actor_in(&ADMINS)?.clone();
    let rows = yishen_app::services::access_log::list(&ctx.state, &actor).await?;
    ctx.page(&AccessLogPage {
        l: ctx.chrome("个人信息查看记录"),
        rows,
    })
}
