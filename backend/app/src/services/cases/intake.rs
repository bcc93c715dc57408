//! Intake (收件): applicants file online, clerks register the other channels with the receipt
//! date 条例31 gives. The same parsing serves `yishen import`, so both accept exactly the same
//! applications.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use yishen_domain::case::intake::{self, optional_text};
use yishen_domain::case::{
    Applicant, ApplicantInput, CaseEvent, Channel, DeliveryPreference, FormPreference,
    HandlingRules, IntakeIssue, RequestText, Status, TrackingNo,
};
use yishen_domain::{Calendar, Disposition, Role};
use yishen_store::models::agency::{self, Agency};
use yishen_store::models::case::{self as case_store, CaseApplicant, CaseScope, NewCase};
use yishen_store::{Backend, DbConn};
use yishen_store::{CaseId, UserId};

use super::views::{self, CaseView};
use super::{chain_events, clock_cache, insert_chain};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue, Fields};
use crate::pii::Pii;
use crate::policy;
use crate::services::flags::IntakeScreening;
use crate::services::generation_cache::GenerationCache;

/// An application as typed (CONTRACT.md "Case"): what the API's body, a form and an import
/// line carry, before [`parse`] makes a [`ParsedIntake`] of it.
#[derive(Debug, Clone, Default)]
pub struct IntakeInput {
    /// Code of the agency applied to.
    pub agency: Option<String>,
    pub channel: Option<String>,
    /// Clerk registrations only: the receipt date 条例31 gives for the channel.
    pub received_on: Option<NaiveDate>,
    pub applicant: Option<ApplicantInput>,
    /// The information sought (申请内容), 10–5000 characters.
    pub content: Option<String>,
    pub description: Option<String>,
    pub purpose: Option<String>,
    pub forms: Option<Vec<String>>,
    pub delivery: Option<String>,
    /// The channels of the case's notices (`email`, `sms`); unset: e-mail where an address
    /// was given.
    pub notify_by: Option<Vec<String>>,
}

/// The channels the applicant chose for the statutory notices of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifyBy {
    pub email: bool,
    pub sms: bool,
}

impl Default for NotifyBy {
    /// E-mail where an address was given, as before the choice existed; text messages are
    /// chosen.
    fn default() -> Self {
        Self {
            email: true,
            sms: false,
        }
    }
}

/// An intake that passed every check.
#[derive(Debug, Clone)]
pub struct ParsedIntake {
    pub agency: String,
    pub channel: Channel,
    pub received_on: Option<NaiveDate>,
    pub applicant: Applicant,
    pub content: RequestText,
    pub description: Option<String>,
    pub purpose: Option<String>,
    pub forms: Vec<FormPreference>,
    pub delivery: Option<DeliveryPreference>,
    pub notify: NotifyBy,
}

pub fn issue(i: IntakeIssue) -> FieldIssue {
    FieldIssue::new(i.field, i.code, i.message)
}

fn required(field: &str, what: &str) -> FieldIssue {
    FieldIssue::new(field, "required", format!("请填写{what}"))
}

/// Parses an intake, collecting every problem. `received_on` rules are the caller's: they
/// depend on who registers the application.
pub fn parse(body: &IntakeInput) -> Result<ParsedIntake, Vec<FieldIssue>> {
    let mut issues = Fields::default();
    let agency = match body
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {
            issues.push(required("agency", "受理机关代码"));
            None
        }
        Some(a) => Some(a.to_owned()),
    };
    let channel = match body.channel.as_deref() {
        None => {
            issues.push(required("channel", "申请渠道"));
            None
        }
        Some(c) => {
            let v = Channel::parse(c);
            if v.is_none() {
                issues.push(FieldIssue::new(
                    "channel",
                    "unknown_value",
                    format!("申请渠道无效，可选：{}", Channel::codes()),
                ));
            }
            v
        }
    };
    let applicant = match &body.applicant {
        None => {
            issues.push(required("applicant", "申请人信息"));
            None
        }
        Some(a) => match Applicant::parse(a, "applicant") {
            Ok(a) => Some(a),
            Err(errs) => {
                issues.extend(errs.into_iter().map(issue));
                None
            }
        },
    };
    let content = match RequestText::parse(body.content.as_deref().unwrap_or(""), "content") {
        Ok(c) => Some(c),
        Err(i) => {
            issues.push(issue(i));
            None
        }
    };
    let description = optional_text(
        body.description.as_deref(),
        "description",
        intake::DESCRIPTION_MAX,
    )
    .map_err(|i| issues.push(issue(i)))
    .ok()
    .flatten();
    let purpose = optional_text(body.purpose.as_deref(), "purpose", intake::PURPOSE_MAX)
        .map_err(|i| issues.push(issue(i)))
        .ok()
        .flatten();
    let mut forms = Vec::new();
    for (i, f) in body.forms.iter().flatten().enumerate() {
        match FormPreference::parse(f) {
            Some(v) if !forms.contains(&v) => forms.push(v),
            Some(_) => {}
            None => issues.push(FieldIssue::new(
                format!("forms[{i}]"),
                "unknown_value",
                format!("信息形式无效，可选：{}", FormPreference::codes()),
            )),
        }
    }
    let delivery = match body.delivery.as_deref() {
        None => None,
        Some(d) => {
            let v = DeliveryPreference::parse(d);
            if v.is_none() {
                issues.push(FieldIssue::new(
                    "delivery",
                    "unknown_value",
                    format!("获取方式无效，可选：{}", DeliveryPreference::codes()),
                ));
            }
            v
        }
    };
    if let (Some(a), Some(d)) = (&applicant, delivery)
        && let Some(i) = a.check_delivery(d, "applicant")
    {
        issues.push(issue(i));
    }
    let notify = notify_by(body.notify_by.as_deref(), applicant.as_ref(), &mut issues);
    match (agency, channel, applicant, content) {
        (Some(agency), Some(channel), Some(applicant), Some(content)) if issues.is_empty() => {
            Ok(ParsedIntake {
                agency,
                channel,
                received_on: body.received_on,
                applicant,
                content,
                description,
                purpose,
                forms,
                delivery,
                notify,
            })
        }
        _ => Err(issues.into_issues()),
    }
}

/// The chosen channels: each known, each with its address (a text message needs a mobile).
fn notify_by(
    chosen: Option<&[String]>,
    applicant: Option<&yishen_domain::case::intake::Applicant>,
    issues: &mut Fields,
) -> NotifyBy {
    use yishen_domain::notify::Channel as By;
    let Some(chosen) = chosen else {
        return NotifyBy::default();
    };
    let mut notify = NotifyBy {
        email: false,
        sms: false,
    };
    for (i, c) in chosen.iter().enumerate() {
        match By::parse(c.trim()) {
            Some(By::Email) => notify.email = true,
            Some(By::Sms) => notify.sms = true,
            None => issues.push(FieldIssue::new(
                format!("notify_by[{i}]"),
                "unknown_value",
                "通知方式无效，可选：email（电子邮件）、sms（短信）",
            )),
        }
    }
    if let Some(a) = applicant {
        if notify.email && a.email().is_none() {
            issues.push(FieldIssue::new(
                "notify_by",
                "address_missing",
                "选择电子邮件通知的，请填写电子邮箱",
            ));
        }
        if notify.sms && !a.phone().is_some_and(|p| crate::sms::is_mobile(p.as_str())) {
            issues.push(FieldIssue::new(
                "notify_by",
                "address_missing",
                "选择短信通知的，请填写手机号码",
            ));
        }
    }
    notify
}

/// A new case's row values beyond the intake: who, which state, what history.
#[derive(Debug)]
pub struct Placement<'a> {
    pub agency: &'a Agency,
    pub status: Status,
    pub applicant_user_id: Option<UserId>,
    pub created_by: Option<UserId>,
    pub events: Vec<(NaiveDate, CaseEvent)>,
    pub year: i32,
    pub disposition: Option<Disposition>,
    pub concluded_on: Option<NaiveDate>,
    pub external_id: Option<&'a str>,
    /// The one-time token of the form that filed it, if any: submitting the form again then
    /// finds this case (`already_submitted`).
    pub submission: Option<&'a str>,
}

/// The result of inserting a case.
#[derive(Debug)]
pub struct Inserted {
    pub id: CaseId,
    pub tracking_no: String,
    pub query_code: String,
}

/// The keyed hash a query code is stored as.
pub fn query_code_hash(pii: &Pii, code: &str) -> String {
    pii.match_hash(&format!("query-code:{code}"))
}

fn enc(pii: &Pii, v: Option<&str>) -> Result<(Option<String>, Option<String>), AppError> {
    match v {
        None => Ok((None, None)),
        Some(v) => Ok((
            Some(pii.encrypt(v).map_err(AppError::Internal)?),
            Some(pii.match_hash(v)),
        )),
    }
}

/// What an intake's write stores but needs no database to make: the applicant's particulars
/// encrypted and their keyed hashes, the query code, the request's signature. Made before the
/// write transaction, so that the encryption and the signing never hold SQLite's one writer.
pub struct Sealed {
    query_code: String,
    query_code_hash: String,
    id_hash: String,
    id_number_enc: String,
    phone: (Option<String>, Option<String>),
    email: (Option<String>, Option<String>),
    address_enc: Option<String>,
    address_hash: Option<String>,
    text_key: i64,
    signature: Vec<u8>,
}

/// Seals `intake` for [`insert_case`].
pub fn seal(pii: &Pii, intake: &ParsedIntake) -> Result<Sealed, AppError> {
    let a = &intake.applicant;
    let query_code = crate::services::issuing::random_code()?;
    let content = intake.content.as_str();
    Ok(Sealed {
        query_code_hash: query_code_hash(pii, &query_code),
        query_code,
        id_hash: pii.match_hash(&format!("{}:{}", a.id_type().as_str(), a.id_number())),
        id_number_enc: pii.encrypt(a.id_number()).map_err(AppError::Internal)?,
        phone: enc(pii, a.phone().map(|p| p.as_str()))?,
        email: enc(pii, a.email().map(|e| e.as_str()))?,
        address_enc: a
            .address()
            .map(|v| pii.encrypt(v).map_err(AppError::Internal))
            .transpose()?,
        address_hash: a.normalised_address().map(|n| pii.match_hash(&n)),
        text_key: crate::services::signatures::text_key(content),
        signature: crate::services::signatures::sign(content).to_bytes(),
    })
}

/// Inserts a case with its applicant and first events, numbering it in the agency's series
/// for `year`. Runs inside the caller's transaction.
///
/// The number is taken as late as it can be: the series' row stays locked until the
/// transaction commits (the series is gap-free), and on PostgreSQL every other filing at the
/// agency waits for it meanwhile. So the case's id is reserved first, and what needs no number
/// is computed before it. On PostgreSQL the rows that need only the id are written before it
/// too, and after the number come only the case row and its first events, whose hash chain
/// begins with the number (docs/performance.md, PostgreSQL at 10⁶, eighth). SQLite's one
/// writer holds the whole database, so the order shortens no wait there; its references are
/// checked at once, and deferring them would make the case's insert look for orphans in every
/// table that references cases, so there those rows follow the case.
pub fn insert_case(
    conn: &mut DbConn,
    calendar: &Calendar,
    today: NaiveDate,
    intake: &ParsedIntake,
    sealed: Sealed,
    place: Placement<'_>,
) -> Result<Inserted, AppError> {
    let agency = place.agency;
    let now = yishen_store::now();
    let id = case_store::reserve(conn, now)?;
    let a = &intake.applicant;
    let Sealed {
        query_code,
        query_code_hash,
        id_hash,
        id_number_enc,
        phone: (phone_enc, phone_hash),
        email: (email_enc, email_hash),
        address_enc,
        address_hash,
        text_key,
        signature,
    } = sealed;
    let dependents = Dependents {
        applicant: CaseApplicant {
            case_id: id,
            kind: a.kind().as_str().to_owned(),
            category: a.category().as_str().to_owned(),
            name: a.name().to_owned(),
            id_type: a.id_type().as_str().to_owned(),
            id_number_enc,
            id_number_hash: id_hash.clone(),
            phone_enc,
            phone_hash,
            email_enc,
            email_hash,
            address_enc,
            address_hash,
            notify_email: intake.notify.email,
            notify_sms: intake.notify.sms,
        },
        text_key,
        signature,
        submission: place.submission,
    };
    let numbered_last = conn.backend() == Backend::Postgres;
    let dependents = if numbered_last {
        dependents.insert(conn)?;
        None
    } else {
        Some(dependents)
    };
    let rules = HandlingRules::from_settings(&agency.settings);
    let (due_on, clock_state) = clock_cache(&place.events, rules, calendar, today)?;
    let forms = serde_json::to_string(&intake.forms.iter().map(|f| f.as_str()).collect::<Vec<_>>())
        .map_err(anyhow::Error::from)?;
    let actor_id = place.created_by.or(place.applicant_user_id);
    let received_on = place.events.iter().find_map(|(_, e)| match e {
        CaseEvent::Registered { received_on, .. }
        | CaseEvent::Confirmed { received_on }
        | CaseEvent::Imported { received_on, .. } => Some(*received_on),
        _ => None,
    });
    let seq = case_store::next_seq(conn, agency.id, place.year)?;
    let tracking_no =
        TrackingNo::new(&agency.code, place.year, seq).ok_or_else(|| AppError::Conflict {
            code: "tracking_series_exhausted",
            detail: format!("{}年的受理编号已用尽", place.year),
        })?;
    let (chain, event_count, head) = chain_events(
        tracking_no.as_str(),
        0,
        yishen_domain::audit::GENESIS,
        actor_id,
        &place.events,
    )?;
    case_store::insert(
        conn,
        &NewCase {
            id,
            agency_id: agency.id,
            tracking_no: tracking_no.as_str(),
            year: place.year,
            seq,
            channel: intake.channel.as_str(),
            status: place.status.as_str(),
            applicant_user_id: place.applicant_user_id,
            created_by: place.created_by,
            applicant_category: a.category().as_str(),
            applicant_name: a.name(),
            id_number_hash: &id_hash,
            content: intake.content.as_str(),
            description: intake.description.as_deref(),
            purpose: intake.purpose.as_deref(),
            forms: &forms,
            delivery: intake.delivery.map(|d| d.as_str()),
            received_on,
            due_on,
            clock_state: clock_state.as_str(),
            disposition: place.disposition.map(|d| d.as_str()),
            concluded_on: place.concluded_on,
            query_code_hash: &query_code_hash,
            external_id: place.external_id,
            version: 1,
            event_count,
            last_event_hash: &head,
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(|e| {
        if yishen_store::is_unique_violation(&e) {
            AppError::field("external_id", "already_imported", "该外部编号的案件已导入")
        } else {
            e.into()
        }
    })?;
    insert_chain(conn, id, actor_id, &chain)?;
    if let Some(d) = dependents {
        d.insert(conn)?;
    }
    Ok(Inserted {
        id,
        tracking_no: tracking_no.as_str().to_owned(),
        query_code,
    })
}

/// The rows of a new case that need only its id.
struct Dependents<'a> {
    applicant: CaseApplicant,
    text_key: i64,
    signature: Vec<u8>,
    submission: Option<&'a str>,
}

impl Dependents<'_> {
    fn insert(self, conn: &mut DbConn) -> Result<(), AppError> {
        let id = self.applicant.case_id;
        case_store::insert_applicant(conn, &self.applicant)?;
        // Screening reads the signature of every member of a cluster; made once, for here.
        crate::services::signatures::store_signed(conn, id, self.text_key, &self.signature)?;
        if let Some(token) = self.submission {
            yishen_store::models::submission::insert(conn, token, id).map_err(|e| {
                if yishen_store::is_unique_violation(&e) {
                    AppError::Conflict {
                        code: "already_submitted",
                        detail: "这份申请已经提交过，请在“我的申请”或待办案件中查看".into(),
                    }
                } else {
                    e.into()
                }
            })?;
        }
        Ok(())
    }
}

/// The agency applied to and the holiday calendar, which a filing reads but does not change.
pub type Prepared = (Agency, Arc<Calendar>);

/// The agency applied to (by its code) and the holiday calendar, kept in `cache` while the
/// database's `stats_generation` has not moved (its triggers move it with every change to
/// the agencies and the calendar's years): a filing reads that one counter instead of both,
/// and does not parse the calendar's years again.
fn prepare(
    conn: &mut DbConn,
    cache: &GenerationCache<Prepared>,
    code: &str,
) -> Result<Prepared, AppError> {
    let generation = yishen_store::models::stats::generation(conn)?;
    cache.get_or_compute(code.to_owned(), generation, || {
        let agency = agency::find_by_code(conn, code)?
            .ok_or_else(|| AppError::field("agency", "unknown_agency", "受理机关代码不存在"))?;
        Ok((
            agency,
            Arc::new(yishen_store::reference::load_calendar(conn)?),
        ))
    })
}

/// What a filing form's submission did.
#[derive(Debug)]
pub enum Filed {
    /// A new case (its view carries the query code, shown once).
    New(CaseView),
    /// The same form was submitted before (a reload, a double click): the case it filed.
    Again(CaseId),
}

/// Files or registers an application.
pub async fn create(
    state: &Ctx,
    actor: &Actor,
    intake: ParsedIntake,
) -> Result<CaseView, AppError> {
    match create_once(state, actor, intake, None).await? {
        Filed::New(view) => Ok(view),
        Filed::Again(id) => Err(AppError::Internal(anyhow::anyhow!(
            "case {id} found again without a submission token"
        ))),
    }
}

/// Files or registers an application from a form carrying a one-time `token`: submitting the
/// same form again finds the case it filed instead of filing a second one.
pub async fn create_once(
    state: &Ctx,
    actor: &Actor,
    intake: ParsedIntake,
    token: Option<String>,
) -> Result<Filed, AppError> {
    if let Some(t) = token.clone() {
        let scope = policy::case_scope(actor)?;
        let earlier = state
            .read(move |conn| {
                Ok(match yishen_store::models::submission::find(conn, &t)? {
                    Some(id) => case_store::find(conn, id, &scope)?.map(|_| id),
                    None => None,
                })
            })
            .await?;
        if let Some(id) = earlier {
            return Ok(Filed::Again(id));
        }
    }
    let today = state.today();
    // 条例31: who files through which channel, and on which date (the domain decides).
    let (on, event) =
        yishen_domain::case::intake::filing(actor.role, intake.channel, intake.received_on, today)
            .map_err(|r| match r.field() {
                Some(field) => AppError::field(field, r.code(), r.to_string()),
                None => AppError::Forbidden(r.to_string()),
            })?;
    if let CaseEvent::Registered { received_on, .. } = &event {
        super::check_on("received_on", *received_on, today, None)?;
    }
    let events = vec![(on, event)];
    let sealed = seal(&state.pii, &intake)?;
    let actor = actor.clone();
    let pii = state.pii.clone();
    let templates = state.templates.clone();
    let scope = policy::case_scope(&actor)?;
    // What the filing reads but does not change (the agency, the calendar): on SQLite, read
    // before the write transaction, so that the write lock is held only for numbering and
    // inserting; on PostgreSQL, which has no such lock, in the write's own transaction (a
    // BEGIN, a COMMIT and a hop to a blocking thread fewer per filing).
    let prepared = match state.pool.backend() {
        Backend::Sqlite => {
            let code = intake.agency.clone();
            let cache = Arc::clone(&state.filing_cache);
            Some(state.read(move |conn| prepare(conn, &cache, &code)).await?)
        }
        Backend::Postgres => None,
    };
    let filing_cache = Arc::clone(&state.filing_cache);
    let (inserted, agency) = state
        .write_keyed(move |conn| {
            let (agency, calendar) = match prepared {
                Some(p) => p,
                None => prepare(conn, &filing_cache, &intake.agency)?,
            };
            policy::create_case(&actor, agency.id)?;
            let year = events.first().map(|(on, _)| on.year()).unwrap_or(today.year());
            let applicant_user_id = (actor.role == Role::Applicant).then_some(actor.id);
            let created_by = (actor.role != Role::Applicant).then_some(actor.id);
            let status = if intake.channel.needs_confirmation() {
                Status::Submitted
            } else {
                Status::Received
            };
            let inserted = insert_case(
                conn,
                &calendar,
                today,
                &intake,
                sealed,
                Placement {
                    agency: &agency,
                    status,
                    applicant_user_id,
                    created_by,
                    events,
                    year,
                    disposition: None,
                    concluded_on: None,
                    external_id: None,
                    submission: token.as_deref(),
                },
            )?;
            tracing::info!(case_id = inserted.id.get(), tracking_no = %inserted.tracking_no, "case filed");
            // A registered application gets its 受理回执 at once; an online one when confirmed.
            if status == Status::Received {
                let loaded = super::load(conn, &CaseScope::All, inserted.id, today)?;
                if let Some(received_on) = loaded.case.received_on {
                    let receipt =
                        super::actions::receipt(conn, &templates, &loaded, received_on, actor.id)?;
                    let step = super::Step {
                        events: vec![receipt],
                        changes: Default::default(),
                    };
                    super::finish(conn, &loaded, step, Status::Received, Some(actor.id))?;
                }
            }
            Ok((inserted, agency))
        })
        .await?;
    let id = inserted.id;
    // The answer's view and the first half of the screening in one read.
    let screening = IntakeScreening::of(state);
    let (mut view, planned, planning) = state
        .read_keyed(move |conn| {
            let view = views::load_view(conn, &pii, &scope, id)?;
            let started = std::time::Instant::now();
            let planned = screening.plan(conn, id, Some(&agency));
            Ok((view, planned, started.elapsed()))
        })
        .await?;
    view.query_code = Some(inserted.query_code);
    crate::services::flags::after_intake(state, view.id, planned, planning).await;
    crate::services::similar::refresh(state);
    Ok(Filed::New(view))
}
