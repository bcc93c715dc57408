//! Applicants' pages: filing an application, "my applications", one application with its
//! deadline and the clock ledger in plain words, answering a 补正 request, fee notices,
//! letter downloads, withdrawal, and tracking without an account.

use askama::Template;
use chrono::NaiveDate;
use yishen_app::AppError;
use yishen_app::services::accounts;
use yishen_domain::Role;
use yishen_domain::case::ApplicantInput;
use yishen_domain::clock::ClockState;
use yishen_store::CaseId;

use super::{Chrome, Errs, PageCtx, PageError, PageResult, Post, see_other};
use crate::error::ApiError;
use yishen_app::services::cases::actions;
use yishen_app::services::cases::commands::{CorrectionResponse, Withdrawal};
use yishen_app::services::cases::intake::{self, IntakeInput};
use yishen_app::services::cases::read::{self, ClockView, QueueQuery, TrackView};
use yishen_app::services::cases::views::{CaseSummary, CaseView};
use yishen_app::services::letters::{self, LetterView};

/// One span of the clock ledger: consecutive days with the same treatment.
#[derive(Debug)]
pub struct LedgerSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub counted: bool,
    pub text: String,
}

/// The clock in plain words: one sentence, the open windows and the ledger by spans.
#[derive(Debug, Default)]
pub struct ClockWords {
    pub headline: String,
    pub windows: Vec<String>,
    pub spans: Vec<LedgerSpan>,
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Puts a case's clock into words for the applicant and the staff.
pub fn clock_words(view: &ClockView) -> ClockWords {
    let c = match view {
        ClockView::Uncovered { detail, .. } => {
            return ClockWords {
                headline: detail.clone(),
                ..ClockWords::default()
            };
        }
        ClockView::Computed(c) => c,
    };
    let due = c.due_on.map(ymd).unwrap_or_default();
    let headline = match c.state {
        ClockState::NotStarted => {
            "申请尚未确认收到；机关确认收到后开始计算20个工作日的答复期限。".to_owned()
        }
        ClockState::AwaitingCorrection => match c.correction_deadline {
            Some(d) => format!(
                "等待补正，期限暂停计算；请在{}前提交补正后的申请，补正后重新计算答复期限。",
                ymd(d)
            ),
            None => "等待补正，期限暂停计算。".to_owned(),
        },
        ClockState::Running if c.new_reply.is_some() => format!(
            "原答复已被复议机关或人民法院决定撤销或责令履行，须于{due}前重新作出答复（自决定之日起{}个工作日，已用{}个，还剩{}个）。",
            c.limit, c.counted, c.remaining
        ),
        ClockState::Overdue if c.new_reply.is_some() => format!(
            "已超过复议机关或人民法院决定的重新答复期限（{due}）{}个工作日。",
            c.overdue_by
        ),
        ClockState::Running => format!(
            "答复期限为{due}：共{}个工作日，已用{}个，还剩{}个。{}",
            c.limit,
            c.counted,
            c.remaining,
            if c.provisional {
                "（有未结束的暂停期间，期限可能顺延）"
            } else {
                ""
            }
        ),
        ClockState::Paused => format!(
            "征求意见或缴费期间不计入答复期限，目前暂停计算；已用{}个工作日，暂按{due}计。",
            c.counted
        ),
        ClockState::Stopped => "已答复或已办结，期限停止计算。".to_owned(),
        ClockState::Overdue => format!("已超过答复期限（{due}）{}个工作日。", c.overdue_by),
    };
    let windows = c
        .windows
        .iter()
        .filter(|w| w.closed_on.is_none())
        .map(|w| format!("{}（{}至{}）", w.note, ymd(w.opened_on), ymd(w.deadline)))
        .collect();
    let mut spans: Vec<LedgerSpan> = Vec::new();
    let mut first_number: Option<u32> = None;
    let mut last_number: Option<u32> = None;
    for day in &c.ledger {
        let same = spans
            .last()
            .is_some_and(|s| s.counted == day.counted && (day.counted || s.text == day.reason));
        if same {
            if let Some(s) = spans.last_mut() {
                s.to = day.date;
            }
            if day.day_number.is_some() {
                last_number = day.day_number;
            }
        } else {
            close_span(&mut spans, first_number, last_number);
            first_number = day.day_number;
            last_number = day.day_number;
            spans.push(LedgerSpan {
                from: day.date,
                to: day.date,
                counted: day.counted,
                text: day.reason.clone(),
            });
        }
    }
    close_span(&mut spans, first_number, last_number);
    ClockWords {
        headline,
        windows,
        spans,
    }
}

fn close_span(spans: &mut [LedgerSpan], first: Option<u32>, last: Option<u32>) {
    if let Some(s) = spans.last_mut()
        && s.counted
        && let (Some(a), Some(b)) = (first, last)
    {
        s.text = if a == b {
            format!("计入答复期限：第{a}个工作日")
        } else {
            format!("计入答复期限：第{a}至{b}个工作日")
        };
    }
}

/// `(value, label)` options of the application form.
pub const CATEGORIES: [(&str, &str); 6] = [
    ("natural_person", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
];
pub const ID_TYPES: [(&str, &str); 4] = [
    ("resident_id", "居民身份证"),
    ("passport", "护照"),
    ("uscc", "统一社会信用代码"),
    ("other", "其他证件"),
];
pub const DELIVERIES: [(&str, &str); 4] = [
    ("online", "网上获取"),
    ("post", "邮寄"),
    ("email", "电子邮件"),
    ("pickup", "当面领取"),
];

#[derive(Template)]
#[template(path = "apply.html")]
pub(crate) struct Apply {
    pub l: Chrome,
    pub errs: Errs,
    pub agencies: Vec<(String, String)>,
    pub v: ApplyValues,
    pub categories: &'static [(&'static str, &'static str)],
    pub id_types: &'static [(&'static str, &'static str)],
    pub deliveries: &'static [(&'static str, &'static str)],
    /// Where the form posts: `/apply` (applicants) or `/work/cases/new` (clerks).
    pub action: &'static str,
    /// For a clerk's registration: the channels with their 条例31 receipt rule.
    pub channels: Vec<(&'static str, &'static str, &'static str)>,
    /// Whether text messages can be chosen (an SMS gateway is configured).
    pub sms_available: bool,
}

/// What was typed, kept when the form comes back with errors, and the form's one-time token.
#[derive(Debug, Default)]
pub(crate) struct ApplyValues {
    pub agency: String,
    pub kind: String,
    pub category: String,
    pub name: String,
    pub id_type: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub content: String,
    pub description: String,
    pub purpose: String,
    pub electronic: bool,
    pub paper: bool,
    pub delivery: String,
    pub notify_email: bool,
    pub notify_sms: bool,
    pub channel: String,
    pub received_on: String,
    /// Submitting the same form twice files once (Post/Redirect/Get and this token).
    pub token: String,
}

impl ApplyValues {
    pub fn selected(&self, field: &str, value: &str) -> bool {
        let v = match field {
            "agency" => &self.agency,
            "kind" => &self.kind,
            "category" => &self.category,
            "id_type" => &self.id_type,
            "delivery" => &self.delivery,
            "channel" => &self.channel,
            _ => return false,
        };
        v == value
    }

    /// What the form posted, for showing it again (identity numbers are never echoed back).
    pub fn from_form(form: &super::Form) -> Self {
        Self {
            agency: form.text("agency").unwrap_or_default(),
            kind: form.text("kind").unwrap_or_default(),
            category: form.text("category").unwrap_or_default(),
            name: form.text("applicant.name").unwrap_or_default(),
            id_type: form.text("applicant.id_type").unwrap_or_default(),
            phone: form.text("applicant.phone").unwrap_or_default(),
            email: form.text("applicant.email").unwrap_or_default(),
            address: form.text("applicant.address").unwrap_or_default(),
            content: form.text("content").unwrap_or_default(),
            description: form.text("description").unwrap_or_default(),
            purpose: form.text("purpose").unwrap_or_default(),
            electronic: form.checked("form_electronic"),
            paper: form.checked("form_paper"),
            delivery: form.text("delivery").unwrap_or_default(),
            notify_email: form.checked("notify_email"),
            notify_sms: form.checked("notify_sms"),
            channel: form.text("channel").unwrap_or_default(),
            received_on: form.text("received_on").unwrap_or_default(),
            token: form.text("submission").unwrap_or_default(),
        }
    }

    /// The intake the form describes.
    pub fn intake(
        form: &super::Form,
        channel: String,
        received_on: Option<NaiveDate>,
    ) -> IntakeInput {
        let mut forms = Vec::new();
        if form.checked("form_electronic") {
            forms.push("electronic".to_owned());
        }
        if form.checked("form_paper") {
            forms.push("paper".to_owned());
        }
        IntakeInput {
            agency: form.text("agency"),
            channel: Some(channel),
            received_on,
            applicant: Some(ApplicantInput {
                kind: form.text("kind"),
                category: form.text("category"),
                name: form.text("applicant.name"),
                id_type: form.text("applicant.id_type"),
                id_number: form.text("applicant.id_number"),
                phone: form.text("applicant.phone"),
                email: form.text("applicant.email"),
                address: form.text("applicant.address"),
            }),
            content: form.text("content"),
            description: form.text("description"),
            purpose: form.text("purpose"),
            forms: Some(forms),
            delivery: form.text("delivery"),
            notify_by: Self::notify_by(form),
        }
    }

    /// The channels ticked. E-mail counts only with an address typed: the box is ticked by
    /// default and a person without e-mail should not have to untick it.
    fn notify_by(form: &super::Form) -> Option<Vec<String>> {
        form.text("notify_shown")?;
        let mut by = Vec::new();
        if form.checked("notify_email")
            && form
                .text("applicant.email")
                .is_some_and(|e| !e.trim().is_empty())
        {
            by.push("email".to_owned());
        }
        if form.checked("notify_sms") {
            by.push("sms".to_owned());
        }
        Some(by)
    }
}

/// Every agency as a public form offers it (code, name), in tree order.
pub(crate) async fn agency_options(ctx: &PageCtx) -> Result<Vec<(String, String)>, AppError> {
    Ok(yishen_app::services::agencies::list(&ctx.state)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect())
}

pub async fn apply_form(ctx: PageCtx) -> PageResult {
    let actor = ctx.actor_in(&[Role::Applicant])?;
    let agencies = agency_options(&ctx).await?;
    // The form starts from the applicant's profile.
    let (name, phone, email) = accounts::profile(&ctx.state, actor).await?;
    ctx.page(&Apply {
        l: ctx.chrome("提交政府信息公开申请"),
        errs: Errs::default(),
        agencies,
        v: ApplyValues {
            kind: "person".into(),
            category: "natural_person".into(),
            id_type: "resident_id".into(),
            electronic: true,
            delivery: "online".into(),
            notify_email: true,
            name,
            phone,
            email,
            token: super::session::random_token()?,
            ..ApplyValues::default()
        },
        categories: &CATEGORIES,
        id_types: &ID_TYPES,
        deliveries: &DELIVERIES,
        action: "/apply",
        channels: Vec::new(),
        sms_available: ctx.state.sms.is_some(),
    })
}

#[derive(Template)]
#[template(path = "applied.html")]
struct Applied {
    l: Chrome,
    case: CaseView,
}

pub async fn apply(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor_in(&[Role::Applicant])?.clone();
    let input = ApplyValues::intake(&form, "online".into(), None);
    let token = form.text("submission");
    let filed = match intake::parse(&input) {
        Ok(parsed) => {
            use yishen_app::services::throttle;
            match throttle::admit(&ctx.state, throttle::Limit::Filing, ctx.client).await {
                Ok(()) => intake::create_once(&ctx.state, &actor, parsed, token.clone()).await,
                Err(e) => Err(e),
            }
        }
        Err(issues) => Err(AppError::Validation(issues)),
    };
    if matches!(filed, Ok(intake::Filed::New(_)))
        && let Some(t) = token.as_deref()
    {
        // The deflection count: this form, if it showed suggestions, was filed.
        yishen_app::services::deflection::filed(&ctx.state, t).await?;
    }
    match filed {
        Ok(intake::Filed::New(case)) => ctx.page(&Applied {
            l: ctx.chrome("申请已提交"),
            case,
        }),
        // The same form again (a reload, a double click): the application it filed.
        Ok(intake::Filed::Again(id)) => Ok(see_other(&format!("/my/cases/{id}"))),
        Err(AppError::Conflict {
            code: "already_submitted",
            ..
        }) => Ok(see_other("/my")),
        Err(e) => {
            let errs = Errs::from_api(e)?;
            let agencies = agency_options(&ctx).await?;
            ctx.page_status(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                &Apply {
                    l: ctx.chrome("提交政府信息公开申请"),
                    errs,
                    agencies,
                    v: ApplyValues::from_form(&form),
                    categories: &CATEGORIES,
                    id_types: &ID_TYPES,
                    deliveries: &DELIVERIES,
                    action: "/apply",
                    channels: Vec::new(),
                    sms_available: ctx.state.sms.is_some(),
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "my.html")]
struct My {
    l: Chrome,
    items: Vec<CaseSummary>,
}

pub async fn my_cases(ctx: PageCtx) -> PageResult {
    let actor = ctx.actor_in(&[Role::Applicant])?;
    let (items, _) = read::list(
        &ctx.state,
        actor,
        QueueQuery {
            limit: 200,
            ..QueueQuery::default()
        },
    )
    .await?;
    ctx.page(&My {
        l: ctx.chrome("我的申请"),
        items,
    })
}

#[derive(Template)]
#[template(path = "my_case.html")]
struct MyCase {
    l: Chrome,
    case: CaseView,
    clock: ClockWords,
    letters: Vec<LetterView>,
    documents: Vec<super::documents::DocRow>,
    /// The purposes the applicant may add now: code, label, size limit.
    purposes: Vec<(&'static str, &'static str, String)>,
    upload_action: String,
    timeline: Vec<(NaiveDate, String)>,
    /// What the last 补正 notice asks for, listed on the page itself.
    correction_items: Vec<String>,
    /// The reply package's link, once a reply was issued.
    package: Option<String>,
    errs: Errs,
}

pub(crate) async fn my_case_page(ctx: &PageCtx, id: CaseId, errs: Errs) -> PageResult {
    let actor = ctx.actor_in(&[Role::Applicant])?;
    let case = read::get(&ctx.state, actor, id).await?;
    let clock = clock_words(&read::clock(&ctx.state, actor, id).await?);
    let letters = letters::for_case(&ctx.state, actor, id).await?;
    let documents = super::documents::rows(ctx, actor, id).await?;
    let package = letters
        .iter()
        .any(LetterView::is_standing_reply)
        .then(|| format!("/cases/{id}/package"));
    let purposes = super::documents::purposes(ctx, Role::Applicant, &case.status);
    let events = read::events(&ctx.state, actor, id).await?;
    let correction_items = events
        .iter()
        .rev()
        .find(|e| e.kind == "correction_requested")
        .and_then(|e| e.data["items"].as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let timeline = events.into_iter().map(|e| (e.on, e.summary)).collect();
    let status = errs.status();
    ctx.page_status(
        status,
        &MyCase {
            l: ctx.chrome(&format!("申请 {}", case.tracking_no)),
            case,
            clock,
            letters,
            documents,
            purposes,
            upload_action: format!("/my/cases/{id}/documents"),
            timeline,
            correction_items,
            package,
            errs,
        },
    )
}

pub async fn my_case(ctx: PageCtx, id: actix_web::web::Path<CaseId>) -> PageResult {
    my_case_page(&ctx, id.into_inner(), Errs::default()).await
}

pub async fn answer_correction(post: Post, id: actix_web::web::Path<CaseId>) -> PageResult {
    let Post { ctx, form } = post;
    let id = id.into_inner();
    let actor = ctx.actor_in(&[Role::Applicant])?.clone();
    let result = match CorrectionResponse::new(form.text("content").as_deref(), None) {
        Ok(response) => actions::receive_correction(&ctx.state, &actor, id, None, response)
            .await
            .map_err(crate::error::ApiError::from),
        Err(issues) => Err(crate::error::ApiError::Validation(issues)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/my/cases/{id}"))),
        Err(e) => my_case_page(&ctx, id, Errs::from_api(e)?).await,
    }
}

pub async fn withdraw(post: Post, id: actix_web::web::Path<CaseId>) -> PageResult {
    let Post { ctx, form } = post;
    let id = id.into_inner();
    let actor = ctx.actor_in(&[Role::Applicant])?.clone();
    let result = match Withdrawal::new(form.text("reason").as_deref(), None) {
        Ok(withdrawal) => actions::withdraw(&ctx.state, &actor, id, None, withdrawal)
            .await
            .map_err(crate::error::ApiError::from),
        Err(issues) => Err(crate::error::ApiError::Validation(issues)),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/my/cases/{id}"))),
        Err(e) => my_case_page(&ctx, id, Errs::from_api(e)?).await,
    }
}

/// A letter's PDF, for anyone who may see its case.
pub async fn letter_pdf(ctx: PageCtx, id: actix_web::web::Path<i64>) -> PageResult {
    let actor = ctx.actor()?;
    let (number, bytes) = letters::pdf(&ctx.state, actor, id.into_inner()).await?;
    // Saved under the letter's own number (文号), e.g. 上城政办依申复〔2026〕1号.pdf.
    let mut res =
        crate::routes::file_response("application/pdf", false, &format!("{number}.pdf"), bytes);
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "track.html")]
struct Track {
    l: Chrome,
    errs: Errs,
    tracking_no: String,
    found: Option<TrackView>,
}

pub async fn track_form(ctx: PageCtx) -> PageResult {
    ctx.page(&Track {
        l: ctx.chrome("查询办理进度"),
        errs: Errs::default(),
        tracking_no: String::new(),
        found: None,
    })
}

pub async fn track(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let tracking_no = form.text("tracking_no").unwrap_or_default();
    let code = form.text("query_code").unwrap_or_default();
    let client = ctx
        .client
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !ctx.state.track_limiter.allow(client) {
        return Err(PageError::Api(ApiError::RateLimited));
    }
    let (found, errs) = match read::track(&ctx.state, &tracking_no, &code).await {
        Ok(v) => (Some(v), Errs::default()),
        Err(AppError::NotFound(_)) => (
            None,
            Errs(vec![crate::error::FieldIssue::new(
                "query_code",
                "not_found",
                "受理编号或查询码有误，请核对后再试",
            )]),
        ),
        Err(e) => return Err(e.into()),
    };
    ctx.page(&Track {
        l: ctx.chrome("查询办理进度"),
        errs,
        tracking_no,
        found,
    })
}
