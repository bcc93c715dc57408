//! Online consultation (线上咨询答复): anyone asks an agency a question before filing, with or
//! without an account, giving a phone or an e-mail address; the question gets a code (the
//! asker's key to read the answer); the agency's staff answer it within the target
//! (`domain::inquiry`, one working day by default, counted on the holiday calendar); the asker
//! is told through the notification outbox, in the answer's transaction; staff may publish the
//! question and its answer, with personal data taken out, as an FAQ entry, and withdraw it.
//!
//! The asker's name and contact details are encrypted like an applicant's and shown to the
//! agency's staff only; the code page shows the question and the answer, never the contact
//! details. Askers are limited per client address and hour like filings (`throttle`).

use std::net::IpAddr;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use yishen_domain::inquiry::{self, Question, Standing};
use yishen_store::models::agency;
use yishen_store::models::inquiry::{self as store, Inquiry, NewFaqEntry, NewInquiry};
use yishen_store::{AgencyId, UserId};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue};
use crate::services::cases::intake::issue;
use crate::services::public_search::{public_scope, rank, search_words};
use crate::services::throttle::{self, Limit};

/// The most a staff list or the FAQ shows at once.
const LIST_MAX: i64 = 500;
/// Published entries read for one FAQ search (a province's published answers).
const FAQ_READ_MAX: i64 = 5_000;

/// A question as its asker gives it.
#[derive(Debug, Clone, Default)]
pub struct AskCommand {
    pub agency: String,
    pub question: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asked {
    pub id: i64,
    /// The asker's key to read the answer (`GET /api/v1/inquiries/{code}`).
    pub code: String,
    /// The day by which the agency aims to answer.
    pub due_on: NaiveDate,
}

/// A question as its asker sees it (by its code): no contact details.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryView {
    pub code: String,
    pub agency: String,
    pub agency_name: String,
    pub question: String,
    pub asked_on: NaiveDate,
    pub due_on: NaiveDate,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    /// `answered`, `late`, `due_today` or `open`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub standing: Standing,
    pub standing_label: &'static str,
}

/// A question as the agency's staff see it: the asker's name, and whether contact details
/// were given (the details themselves stay encrypted; the answer reaches them by the outbox).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffInquiry {
    pub id: i64,
    pub code: String,
    pub agency_name: String,
    pub question: String,
    pub name: Option<String>,
    pub by_email: bool,
    pub by_phone: bool,
    pub asked_at: NaiveDateTime,
    pub asked_on: NaiveDate,
    pub due_on: NaiveDate,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub standing: Standing,
    pub standing_label: &'static str,
    /// The FAQ entry published from it, while it stands.
    pub faq_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InquiryList {
    /// Unanswered questions, those due today or earlier, and those late.
    pub open: i64,
    pub due: i64,
    pub late: i64,
    pub items: Vec<StaffInquiry>,
}

/// The staff's answer: its text, and whether to publish the question and answer as an FAQ
/// entry (personal data taken out; `public_question` replaces the question's published words).
#[derive(Debug, Clone, Default)]
pub struct AnswerCommand {
    pub answer: String,
    pub publish: bool,
    pub public_question: Option<String>,
}

/// A published question and answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqItem {
    pub id: i64,
    pub agency: String,
    pub agency_name: String,
    pub question: String,
    pub answer: String,
    pub published_on: NaiveDate,
    /// How well it matches the search words (0–1), when searched.
    pub score: Option<f32>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FaqList {
    pub items: Vec<FaqItem>,
}

fn staff_agency(actor: &Actor) -> Result<AgencyId, AppError> {
    crate::policy::answer_inquiries(actor)
}

/// Asks a question. `actor`: the account of the asker, when logged in. `ip`: the client's
/// address, counted against the consultation limit.
pub async fn ask(
    state: &Ctx,
    actor: Option<&Actor>,
    ip: Option<IpAddr>,
    cmd: AskCommand,
) -> Result<Asked, AppError> {
    let q = Question::parse(
        &cmd.question,
        cmd.name.as_deref(),
        cmd.phone.as_deref(),
        cmd.email.as_deref(),
    );
    let code = cmd.agency.trim().to_owned();
    let mut issues: Vec<FieldIssue> = Vec::new();
    if code.is_empty() {
        issues.push(FieldIssue::new("agency", "required", "请选择咨询的机关"));
    }
    let q = match q {
        Ok(q) if issues.is_empty() => q,
        Ok(_) => return Err(AppError::Validation(issues)),
        Err(found) => {
            issues.extend(found.into_iter().map(issue));
            return Err(AppError::Validation(issues));
        }
    };
    throttle::admit(state, Limit::Consultation, ip).await?;
    let (found, calendar) = state
        .read(move |conn| {
            Ok((
                agency::find_by_code(conn, &code)?,
                yishen_store::reference::load_calendar(conn)?,
            ))
        })
        .await?;
    let a = found.ok_or_else(|| {
        AppError::field("agency", "unknown_agency", "没有这个机关，请从列表中选择")
    })?;
    let today = state.today();
    let due_on = inquiry::due_on(&calendar, today, state.settings.inquiry_answer_days)?;
    let enc = |v: Option<String>| -> Result<Option<String>, AppError> {
        v.map(|v| state.pii.encrypt(&v).map_err(AppError::Internal))
            .transpose()
    };
    let name_enc = enc(q.name.clone())?;
    let phone_enc = enc(q.phone.as_ref().map(|p| p.as_str().to_owned()))?;
    let email_enc = enc(q.email.as_ref().map(|e| e.as_str().to_owned()))?;
    let code = crate::services::issuing::random_code()?;
    let user_id = actor.map(|a| a.id);
    let question = q.question;
    let now = yishen_store::now();
    let (id, code) = state
        .write(move |conn| {
            let id = store::insert(
                conn,
                &NewInquiry {
                    code: &code,
                    agency_id: a.id,
                    user_id,
                    question: &question,
                    name_enc: name_enc.as_deref(),
                    phone_enc: phone_enc.as_deref(),
                    email_enc: email_enc.as_deref(),
                    asked_at: now,
                    asked_on: today,
                    due_on,
                },
            )?;
            Ok((id, code))
        })
        .await?;
    Ok(Asked { id, code, due_on })
}

/// The question with this code, for whoever holds it.
pub async fn by_code(state: &Ctx, code: &str) -> Result<InquiryView, AppError> {
    let code = yishen_domain::input::compact_code(code).to_uppercase();
    let today = state.today();
    state
        .read(move |conn| {
            let q = store::by_code(conn, &code)?.ok_or(AppError::NotFound("咨询"))?;
            let a = agency::find(conn, q.agency_id)?.ok_or(AppError::NotFound("机关"))?;
            let standing = Standing::of(q.due_on, q.answered_at.is_some(), today);
            Ok(InquiryView {
                code: q.code,
                agency: a.code,
                agency_name: a.name,
                question: q.question,
                asked_on: q.asked_on,
                due_on: q.due_on,
                answer: q.answer,
                answered_on: q.answered_on,
                standing,
                standing_label: standing.label(),
            })
        })
        .await
}

fn staff_view(
    state: &Ctx,
    q: Inquiry,
    agency_name: String,
    faq_id: Option<i64>,
    today: NaiveDate,
) -> Result<StaffInquiry, AppError> {
    let name = q
        .name_enc
        .as_deref()
        .map(|n| state.pii.decrypt(n).map_err(AppError::Internal))
        .transpose()?;
    let standing = Standing::of(q.due_on, q.answered_at.is_some(), today);
    Ok(StaffInquiry {
        id: q.id,
        code: q.code,
        agency_name,
        question: q.question,
        name,
        by_email: q.email_enc.is_some(),
        by_phone: q.phone_enc.is_some(),
        asked_at: q.asked_at,
        asked_on: q.asked_on,
        due_on: q.due_on,
        answer: q.answer,
        answered_on: q.answered_on,
        standing,
        standing_label: standing.label(),
        faq_id,
    })
}

/// The questions put to the actor's agency: unanswered first by due day, then the answered.
pub async fn list(state: &Ctx, actor: &Actor, open_only: bool) -> Result<InquiryList, AppError> {
    let agency_id = staff_agency(actor)?;
    let today = state.today();
    let (rows, (open, due, late)) = state
        .read(move |conn| {
            let rows = store::for_agencies(conn, &[agency_id], open_only, LIST_MAX)?;
            let mut with_faq = Vec::with_capacity(rows.len());
            for (q, name) in rows {
                let faq = store::entry_of(conn, q.id)?
                    .filter(|e| e.withdrawn_at.is_none())
                    .map(|e| e.id);
                with_faq.push((q, name, faq));
            }
            Ok((with_faq, store::open_counts(conn, &[agency_id], today)?))
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(q, name, faq)| staff_view(state, q, name, faq, today))
        .collect::<Result<_, _>>()?;
    Ok(InquiryList {
        open,
        due,
        late,
        items,
    })
}

/// How many of the actor's agency's questions await an answer (all, due by today, late); none
/// for those who do not answer them.
pub async fn open_counts(state: &Ctx, actor: &Actor) -> Result<Option<(i64, i64, i64)>, AppError> {
    let Ok(agency_id) = staff_agency(actor) else {
        return Ok(None);
    };
    let today = state.today();
    state
        .read(move |conn| Ok(Some(store::open_counts(conn, &[agency_id], today)?)))
        .await
}

/// One question of the actor's agency.
pub async fn one(state: &Ctx, actor: &Actor, id: i64) -> Result<StaffInquiry, AppError> {
    let agency_id = staff_agency(actor)?;
    let today = state.today();
    let (q, name, faq) = state
        .read(move |conn| {
            let q = store::find(conn, id)?
                .filter(|q| q.agency_id == agency_id)
                .ok_or(AppError::NotFound("咨询"))?;
            let a = agency::find(conn, q.agency_id)?.ok_or(AppError::NotFound("机关"))?;
            let faq = store::entry_of(conn, q.id)?
                .filter(|e| e.withdrawn_at.is_none())
                .map(|e| e.id);
            Ok((q, a.name, faq))
        })
        .await?;
    staff_view(state, q, name, faq, today)
}

/// Answers a question of the actor's agency, once; tells the asker; publishes it when asked.
pub async fn answer(
    state: &Ctx,
    actor: &Actor,
    id: i64,
    cmd: AnswerCommand,
) -> Result<StaffInquiry, AppError> {
    let agency_id = staff_agency(actor)?;
    let text =
        inquiry::parse_answer(&cmd.answer).map_err(|i| AppError::Validation(vec![issue(i)]))?;
    let public_question = cmd
        .public_question
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(inquiry::parse_public_question)
        .transpose()
        .map_err(|i| AppError::Validation(vec![issue(i)]))?;
    let today = state.today();
    let now = yishen_store::now();
    let by = actor.id;
    let sms = state.sms.is_some();
    let pii = state.pii.clone();
    state
        .write(move |conn| {
            let q = store::find(conn, id)?
                .filter(|q| q.agency_id == agency_id)
                .ok_or(AppError::NotFound("咨询"))?;
            let a = agency::find(conn, q.agency_id)?.ok_or(AppError::NotFound("机关"))?;
            if !store::answer(conn, q.id, &text, by, now, today)? {
                return Err(AppError::Conflict {
                    code: "inquiry_answered",
                    detail: "该咨询已经答复，不能再次答复".into(),
                });
            }
            crate::services::notifications::inquiry_answered(conn, sms, &q, &a.name, &text)?;
            if cmd.publish {
                let own = [&q.name_enc, &q.phone_enc, &q.email_enc]
                    .into_iter()
                    .flatten()
                    .map(|v| pii.decrypt(v).map_err(AppError::Internal))
                    .collect::<Result<Vec<String>, _>>()?;
                publish_entry(conn, &q, public_question.as_deref(), &text, &own, by, now)?;
            }
            Ok(())
        })
        .await?;
    one(state, actor, id).await
}

fn publish_entry(
    conn: &mut yishen_store::DbConn,
    q: &Inquiry,
    public_question: Option<&str>,
    answer: &str,
    own: &[String],
    by: UserId,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let own: Vec<&str> = own.iter().map(String::as_str).collect();
    let question = inquiry::public_text(public_question.unwrap_or(&q.question), &own);
    let answer = inquiry::public_text(answer, &own);
    Ok(store::publish(
        conn,
        &NewFaqEntry {
            inquiry_id: q.id,
            agency_id: q.agency_id,
            question: &question,
            answer: &answer,
            published_by: by,
            published_at: now,
        },
    )?)
}

/// Withdraws the FAQ entry published from a question of the actor's agency.
pub async fn withdraw_faq(state: &Ctx, actor: &Actor, id: i64) -> Result<(), AppError> {
    let agency_id = staff_agency(actor)?;
    let now = yishen_store::now();
    state
        .write(move |conn| {
            let q = store::find(conn, id)?
                .filter(|q| q.agency_id == agency_id)
                .ok_or(AppError::NotFound("咨询"))?;
            let entry = store::entry_of(conn, q.id)?
                .filter(|e| e.withdrawn_at.is_none())
                .ok_or(AppError::NotFound("已公开的常见问题"))?;
            store::withdraw(conn, entry.id, now)?;
            Ok(())
        })
        .await
}

/// The published questions and answers, of `agency` and below when given; with `q`, those
/// that match it, best first.
pub async fn faq(
    state: &Ctx,
    q: Option<String>,
    agency: Option<String>,
    limit: usize,
) -> Result<FaqList, AppError> {
    let words = search_words(q.as_deref())?;
    let rows = state
        .read(move |conn| {
            let scope = public_scope(conn, agency.as_deref())?;
            Ok(store::published(conn, scope.as_deref(), FAQ_READ_MAX)?)
        })
        .await?;
    let item = |(e, code, name): (store::FaqEntry, String, String), score| FaqItem {
        id: e.id,
        agency: code,
        agency_name: name,
        question: e.question,
        answer: e.answer,
        published_on: crate::time::local_date(e.published_at),
        score,
    };
    let items = match words {
        None => rows
            .into_iter()
            .take(limit)
            .map(|r| item(r, None))
            .collect(),
        Some(words) => {
            let texts: Vec<(i64, String)> = rows
                .iter()
                .map(|(e, _, _)| (e.id, format!("{}\n{}", e.question, e.answer)))
                .collect();
            let ranked = rank(&texts, &words, limit);
            let mut by_id: std::collections::HashMap<i64, _> =
                rows.into_iter().map(|r| (r.0.id, r)).collect();
            ranked
                .into_iter()
                .filter_map(|(id, s)| by_id.remove(&id).map(|r| item(r, Some(s))))
                .collect()
        }
    };
    Ok(FaqList { items })
}

/// The most a public list answers.
pub const PUBLIC_LIMIT: usize = LIST_MAX as usize;
