//! The public reading room (依申请转主动): the agency's staff publish a reply's released
//! documents with a description (`domain::reading_room` decides what may go and checks the
//! words), edit and withdraw it — each an event of the entry —; anyone searches the entries in
//! force by words, agency, year and topic, and reads an entry and its documents at a stable
//! address. Documents are published under neutral names (附件1, 附件2 …): a file's own name
//! may carry what the public must not read.

use bytes::Bytes;
use chrono::{Datelike, NaiveDate};
use futures_util::stream::BoxStream;
use serde::Serialize;
use yishen_domain::Role;
use yishen_domain::reading_room::{self as domain, EntryText};
use yishen_store::CaseId;
use yishen_store::models::case::{self as case_store};
use yishen_store::models::document;
use yishen_store::models::reading_room::{self as store, Entry, NewEntry, kind};

use crate::auth::Actor;
use crate::blobs::BlobError;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue};
use crate::policy;
use crate::services::cases::intake::issue;
use crate::services::public_search::{public_scope, rank, search_words};

/// Entries read for one public search.
const READ_MAX: i64 = 5_000;
/// The most a public list answers.
pub const PUBLIC_LIMIT: usize = 200;

/// What the agency writes for an entry.
#[derive(Debug, Clone, Default)]
pub struct EntryCommand {
    pub title: String,
    pub description: String,
    pub topic: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicDocument {
    pub id: i64,
    /// 附件1, 附件2 … with the file's extension.
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryView {
    pub id: i64,
    pub agency: String,
    pub agency_name: String,
    pub title: String,
    pub description: String,
    pub topic: String,
    /// The year the application was received.
    pub year: i32,
    pub published_on: NaiveDate,
    pub updated_on: NaiveDate,
    /// Its stable public address.
    pub url: String,
    pub documents: Vec<PublicDocument>,
    /// How well it matches the search words, when searched.
    pub score: Option<f32>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryList {
    pub items: Vec<EntryView>,
    /// The topics of the entries in force, for the filter.
    pub topics: Vec<String>,
}

/// An entry as the agency's staff see it on the case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffEntry {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub topic: String,
    pub withdrawn: bool,
    pub url: String,
    pub documents: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountRow {
    pub agency: String,
    pub agency_name: String,
    pub year: i32,
    /// Entries published that year and in force.
    pub published: i64,
    /// Entries published that year and withdrawn since.
    pub withdrawn: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub items: Vec<CountRow>,
}

fn may_manage(actor: &Actor, agency: yishen_store::AgencyId) -> Result<(), AppError> {
    policy::publish_to_reading_room(actor, agency)
}

fn parse_text(cmd: &EntryCommand, names: &[&str]) -> Result<EntryText, AppError> {
    EntryText::parse(&cmd.title, &cmd.description, &cmd.topic, names)
        .map_err(|found| AppError::Validation(found.into_iter().map(issue).collect()))
}

fn staff_view(e: Entry, documents: usize) -> StaffEntry {
    StaffEntry {
        url: format!("/reading-room/{}", e.id),
        id: e.id,
        title: e.title,
        description: e.description,
        topic: e.topic,
        withdrawn: e.withdrawn_at.is_some(),
        documents,
    }
}

/// The entry of case `id`, for staff who may see the case.
pub async fn for_case(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
) -> Result<Option<StaffEntry>, AppError> {
    if actor.role == Role::Applicant {
        return Ok(None);
    }
    let scope = policy::case_scope(actor)?;
    state
        .read(move |conn| {
            case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let Some(e) = store::for_case(conn, id)? else {
                return Ok(None);
            };
            let n = store::documents_of(conn, e.id)?.len();
            Ok(Some(staff_view(e, n)))
        })
        .await
}

/// Whether the actor may publish case `id`'s reply at all (it sees the case, and is of its
/// agency's staff who publish): asked before the words are read.
pub async fn may_publish(state: &Ctx, actor: &Actor, id: CaseId) -> Result<(), AppError> {
    let scope = policy::case_scope(actor)?;
    let who = actor.clone();
    state
        .read(move |conn| {
            let (case, _, _) =
                case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            may_manage(&who, case.agency_id)
        })
        .await
}

/// Publishes the released documents of case `id`'s reply with the agency's words; a case
/// whose entry was withdrawn is published again with the new words.
pub async fn publish(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    cmd: EntryCommand,
) -> Result<StaffEntry, AppError> {
    let scope = policy::case_scope(actor)?;
    let who = actor.clone();
    let now = yishen_store::now();
    state
        .write(move |conn| {
            let (case, _, _) =
                case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            may_manage(&who, case.agency_id)?;
            let text = parse_text(&cmd, &[case.applicant_name.as_str()])?;
            let released: Vec<i64> = document::for_case(conn, case.id)?
                .into_iter()
                .filter(|d| d.sent_to_applicant)
                .map(|d| d.id)
                .collect();
            domain::may_publish(case.disposition, released.len()).map_err(|r| {
                AppError::Conflict {
                    code: r.code(),
                    detail: r.message().into(),
                }
            })?;
            let detail = format!("标题：{}", text.title);
            let entry_id = match store::for_case(conn, case.id)? {
                Some(e) if e.withdrawn_at.is_none() => {
                    return Err(AppError::Conflict {
                        code: "already_published",
                        detail: "该答复已转为主动公开；如需修改，请编辑已公开的条目".into(),
                    });
                }
                Some(e) => {
                    store::update_text(
                        conn,
                        e.id,
                        &text.title,
                        &text.description,
                        &text.topic,
                        now,
                    )?;
                    store::set_withdrawn(conn, e.id, None, now)?;
                    store::record(conn, e.id, kind::REPUBLISHED, who.id, now, &detail)?;
                    e.id
                }
                None => {
                    let year = case
                        .received_on
                        .map(|d| d.year())
                        .unwrap_or_else(|| crate::time::local_date(now).year());
                    let entry = store::insert(
                        conn,
                        &NewEntry {
                            case_id: case.id,
                            agency_id: case.agency_id,
                            title: &text.title,
                            description: &text.description,
                            topic: &text.topic,
                            year,
                            published_at: now,
                            updated_at: now,
                        },
                        &released,
                    )?;
                    store::record(conn, entry, kind::PUBLISHED, who.id, now, &detail)?;
                    entry
                }
            };
            let e = store::find(conn, entry_id)?.ok_or(AppError::NotFound("公开条目"))?;
            let n = store::documents_of(conn, e.id)?.len();
            Ok(staff_view(e, n))
        })
        .await
}

/// Loads an entry for a change by its agency's staff.
fn entry_for_change(
    conn: &mut yishen_store::DbConn,
    who: &Actor,
    entry_id: i64,
) -> Result<(Entry, String), AppError> {
    let e = store::find(conn, entry_id)?.ok_or(AppError::NotFound("公开条目"))?;
    if who.agency_id() != Some(e.agency_id) {
        return Err(AppError::NotFound("公开条目"));
    }
    may_manage(who, e.agency_id)?;
    let (case, _, _) = case_store::find(conn, e.case_id, &case_store::CaseScope::All)?
        .ok_or(AppError::NotFound("案件"))?;
    Ok((e, case.applicant_name))
}

/// Whether the actor may change entry `entry_id` at all (its agency's staff who publish):
/// asked before the body is read.
pub async fn may_change(state: &Ctx, actor: &Actor, entry_id: i64) -> Result<(), AppError> {
    let who = actor.clone();
    state
        .read(move |conn| entry_for_change(conn, &who, entry_id).map(|_| ()))
        .await
}

/// Edits an entry's words (an event).
pub async fn edit(
    state: &Ctx,
    actor: &Actor,
    entry_id: i64,
    cmd: EntryCommand,
) -> Result<StaffEntry, AppError> {
    let who = actor.clone();
    let now = yishen_store::now();
    state
        .write(move |conn| {
            let (e, name) = entry_for_change(conn, &who, entry_id)?;
            let text = parse_text(&cmd, &[name.as_str()])?;
            store::update_text(conn, e.id, &text.title, &text.description, &text.topic, now)?;
            let detail = if e.title == text.title {
                "修改了说明或主题".to_owned()
            } else {
                format!("标题由“{}”改为“{}”", e.title, text.title)
            };
            store::record(conn, e.id, kind::EDITED, who.id, now, &detail)?;
            let e = store::find(conn, e.id)?.ok_or(AppError::NotFound("公开条目"))?;
            let n = store::documents_of(conn, e.id)?.len();
            Ok(staff_view(e, n))
        })
        .await
}

/// Withdraws an entry from the reading room (an event); its address then answers 404.
pub async fn withdraw(
    state: &Ctx,
    actor: &Actor,
    entry_id: i64,
    reason: String,
) -> Result<(), AppError> {
    let reason = reason.trim().to_owned();
    if reason.chars().count() < 2 || reason.chars().count() > 500 {
        return Err(AppError::field(
            "reason",
            "length",
            "请写明撤回公开的理由（2至500字）",
        ));
    }
    let who = actor.clone();
    let now = yishen_store::now();
    state
        .write(move |conn| {
            let (e, _) = entry_for_change(conn, &who, entry_id)?;
            if e.withdrawn_at.is_some() {
                return Err(AppError::Conflict {
                    code: "already_withdrawn",
                    detail: "该条目已撤回".into(),
                });
            }
            store::set_withdrawn(conn, e.id, Some(now), now)?;
            store::record(conn, e.id, kind::WITHDRAWN, who.id, now, &reason)?;
            Ok(())
        })
        .await
}

fn public_documents(
    conn: &mut yishen_store::DbConn,
    entry_id: i64,
) -> Result<Vec<PublicDocument>, AppError> {
    let mut out = Vec::new();
    for (i, id) in store::documents_of(conn, entry_id)?.into_iter().enumerate() {
        // A purged document is no longer found, and no longer published.
        if let Some(d) = document::find(conn, id)? {
            let ext = d.media_type.extension();
            out.push(PublicDocument {
                id: d.id,
                name: format!("附件{}.{ext}", i + 1),
                media_type: d.media_type.as_str().to_owned(),
                size: d.size,
                sha256: d.sha256,
            });
        }
    }
    Ok(out)
}

fn public_view(
    conn: &mut yishen_store::DbConn,
    e: Entry,
    agency: String,
    agency_name: String,
    score: Option<f32>,
) -> Result<EntryView, AppError> {
    let documents = public_documents(conn, e.id)?;
    Ok(EntryView {
        url: format!("/reading-room/{}", e.id),
        id: e.id,
        agency,
        agency_name,
        title: e.title,
        description: e.description,
        topic: e.topic,
        year: e.year,
        published_on: crate::time::local_date(e.published_at),
        updated_on: crate::time::local_date(e.updated_at),
        documents,
        score,
    })
}

/// The public search: entries in force, of `agency` and below, of `year`, of `topic`; with
/// `q`, those matching it, best first.
pub async fn search(
    state: &Ctx,
    q: Option<String>,
    agency: Option<String>,
    year: Option<i32>,
    topic: Option<String>,
    limit: usize,
) -> Result<EntryList, AppError> {
    let words = search_words(q.as_deref())?;
    if let Some(y) = year
        && !(1990..=9999).contains(&y)
    {
        return Err(AppError::InvalidQuery(vec![FieldIssue::new(
            "year",
            "out_of_range",
            "年度无效",
        )]));
    }
    let topic = topic.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    if topic
        .as_ref()
        .is_some_and(|t| t.chars().count() > yishen_domain::reading_room::TOPIC_MAX)
    {
        return Err(AppError::InvalidQuery(vec![FieldIssue::new(
            "topic",
            "too_long",
            format!("主题不超过{}个字", yishen_domain::reading_room::TOPIC_MAX),
        )]));
    }
    state
        .read(move |conn| {
            let scope = public_scope(conn, agency.as_deref())?;
            let rows = store::published(conn, scope.as_deref(), year, topic.as_deref(), READ_MAX)?;
            let topics = store::topics(conn)?;
            let chosen: Vec<((Entry, String, String), Option<f32>)> = match words {
                None => rows.into_iter().take(limit).map(|r| (r, None)).collect(),
                Some(words) => {
                    let texts: Vec<(i64, String)> = rows
                        .iter()
                        .map(|(e, _, _)| {
                            (e.id, format!("{}\n{}\n{}", e.title, e.topic, e.description))
                        })
                        .collect();
                    let ranked = rank(&texts, &words, limit);
                    let mut by_id: std::collections::HashMap<i64, _> =
                        rows.into_iter().map(|r| (r.0.id, r)).collect();
                    ranked
                        .into_iter()
                        .filter_map(|(id, s)| by_id.remove(&id).map(|r| (r, Some(s))))
                        .collect()
                }
            };
            let mut items = Vec::with_capacity(chosen.len());
            for ((e, code, name), score) in chosen {
                items.push(public_view(conn, e, code, name, score)?);
            }
            Ok(EntryList { items, topics })
        })
        .await
}

/// One entry in force, for anyone.
pub async fn entry(state: &Ctx, id: i64) -> Result<EntryView, AppError> {
    state
        .read(move |conn| {
            let e = store::find(conn, id)?
                .filter(|e| e.withdrawn_at.is_none())
                .ok_or(AppError::NotFound("公开条目"))?;
            let a = yishen_store::models::agency::find(conn, e.agency_id)?
                .ok_or(AppError::NotFound("机关"))?;
            public_view(conn, e, a.code, a.name, None)
        })
        .await
}

/// A document of an entry in force, for anyone: its public description and its content.
pub async fn document_content(
    state: &Ctx,
    entry_id: i64,
    document_id: i64,
) -> Result<(PublicDocument, BoxStream<'static, Result<Bytes, BlobError>>), AppError> {
    let doc = state
        .read(move |conn| {
            store::find(conn, entry_id)?
                .filter(|e| e.withdrawn_at.is_none())
                .ok_or(AppError::NotFound("公开条目"))?;
            public_documents(conn, entry_id)?
                .into_iter()
                .find(|d| d.id == document_id)
                .ok_or(AppError::NotFound("文件"))
        })
        .await?;
    let stream = state.blobs.stream(&doc.sha256).await?;
    Ok((doc, stream))
}

/// Entries per agency and year of publication (public).
pub async fn counts(state: &Ctx) -> Result<Counts, AppError> {
    let rows = state.read(|conn| Ok(store::counts(conn)?)).await?;
    Ok(Counts {
        items: rows
            .into_iter()
            .map(|c| CountRow {
                agency: c.agency_code,
                agency_name: c.agency_name,
                year: c.year,
                published: c.published,
                withdrawn: c.withdrawn,
            })
            .collect(),
    })
}
