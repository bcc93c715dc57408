//! Issuing the reply letter, listing and serving letters, public verification, and delivery
//! (送达). The letter's kind and wording follow from the draft's disposition alone
//! (`yishen_letters` templates); its number comes from the agency's gap-free series for the
//! year and kind, inside the same transaction as the case's `letter_issued` event.

use std::collections::BTreeMap;
use yishen_domain::case::event::letter_for_applicant;

use chrono::NaiveDate;
use serde::Serialize;
use yishen_domain::Disposition;
use yishen_domain::case::{Action, CaseEvent, DeliveryMethod, checks};
use yishen_domain::disposition::AnswerForm;
use yishen_domain::draft::DraftInput;
use yishen_letters::{LetterData, LetterKind};
use yishen_store::CaseId;
use yishen_store::models::case::{self as case_store, CaseChanges};
use yishen_store::models::{draft as draft_store, letter};

use super::cases::views::CaseView;
use super::cases::{Step, act};
use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue, Fields};
use crate::policy;
use crate::services::flags::HistoryChange;

use super::issuing::{case_values, issue_letter};
pub use super::issuing::{chinese_date, letter_number};

/// The letter a disposition is answered with (the catalogue decides: `Disposition::answer_form`).
fn letter_for(d: Disposition) -> LetterKind {
    match d.answer_form() {
        AnswerForm::NotProcessedNotice => LetterKind::NotProcessedNotice,
        AnswerForm::Reply => LetterKind::Reply,
    }
}

/// Issuing the approved reply, dated `on` or today.
#[derive(Debug, Clone, Default)]
pub struct Issue {
    pub on: Option<NaiveDate>,
}

/// One item per line: the template numbers them as 附件 lines.
fn list(v: &[String]) -> String {
    v.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The values a reply takes from its approved draft. `third_party_consulted`: a third-party
/// consultation was held and closed (条例32), so a third-party ground cites 第三十二条 too.
fn draft_fields(
    draft: &DraftInput,
    prior_reply: Option<String>,
    third_party_consulted: bool,
) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        f.insert(k.to_owned(), v);
    };
    if let Some(r) = &draft.reasons {
        put("reasons", r.clone());
    }
    if let Some(s) = &draft.search_record {
        put("search_record", s.clone());
    }
    if let Some(c) = &draft.competent_agency {
        put(
            "competent_agency",
            match &c.contact {
                Some(contact) => format!("{}（联系方式：{contact}）", c.name),
                None => c.name.clone(),
            },
        );
    }
    if let Some(a) = &draft.access {
        put(
            "access",
            match &a.url {
                Some(url) => format!("{}（网址：{url}）", a.method),
                None => a.method.clone(),
            },
        );
    }
    if !draft.provided.is_empty() {
        put("provided", list(&draft.provided));
    }
    if !draft.withheld_parts.is_empty() {
        put(
            "withheld",
            withheld_sentences(&draft.withheld_parts, third_party_consulted),
        );
    }
    if let Some(p) = prior_reply {
        put("prior_reply", p);
    }
    f
}

/// The withheld parts of a partial disclosure, one sentence per line (one paragraph each in
/// the letter), each stating what the part is under its own ground and the article that
/// ground rests on (条例第十四条、第十五条、第十六条 or 第三十六条第（七）项, with 第三十二条 where
/// the third party was consulted) — never the catalogue's label. Numbered （一）（二）… when
/// there are several.
fn withheld_sentences(parts: &[yishen_domain::draft::WithheldPart], consulted: bool) -> String {
    let numbered = parts.len() > 1;
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ground = Disposition::parse(&p.ground);
            let what = yishen_letters::clause(&p.part);
            let description = ground.and_then(Disposition::ground_description);
            let articles = ground.and_then(|g| g.ground_articles(consulted));
            let number = if numbered {
                format!("（{}）", chinese_ordinal(i + 1))
            } else {
                String::new()
            };
            match (description, articles) {
                // 36(七): not refused as such but referred to the law that governs access.
                (Some(d), Some(a)) if ground == Some(Disposition::WithheldAdministrativeInquiry) => {
                    format!(
                        "{number}{what}，{d}，根据《中华人民共和国政府信息公开条例》{a}的规定，请依照有关法律、行政法规的规定办理。"
                    )
                }
                (Some(d), Some(a)) => format!(
                    "{number}{what}，{d}，根据《中华人民共和国政府信息公开条例》{a}的规定不予公开。"
                ),
                // Draft parsing admits only `withheld_*` grounds; should one slip through,
                // the letter still states the part without inventing a ground.
                _ => format!("{number}{what}，不予公开。"),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// 一, 二, … 九十九: the numbering of a letter's items.
fn chinese_ordinal(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n - 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// The reply a case's stored draft makes: its disposition, the letter kind and the values
/// the draft adds to the case's.
fn reply_values(
    conn: &mut yishen_store::DbConn,
    case_id: CaseId,
) -> Result<(Disposition, LetterKind, BTreeMap<String, String>), AppError> {
    let stored = draft_store::find(conn, case_id)?.ok_or(checks::Refusal::NoDraft)?;
    let disposition = Disposition::parse(&stored.disposition).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("stored disposition {}", stored.disposition))
    })?;
    let draft: DraftInput = serde_json::from_str(&stored.data).map_err(anyhow::Error::from)?;
    let prior_reply = match draft.prior_case.as_deref() {
        Some(t) => match case_store::find_by_tracking_no(conn, t.trim())? {
            Some((c, _, _)) => {
                let lts = letter::for_case(conn, c.id)?;
                Some(match lts.iter().rev().find(|l| l.voided_at.is_none()) {
                    Some(l) => format!("{}（{}）", chinese_date(l.issued_on), l.number),
                    None => c.tracking_no,
                })
            }
            None => None,
        },
        None => None,
    };
    let third_party_consulted =
        yishen_store::models::consultation::third_party_consulted(conn, case_id)?;
    let mut draft = draft;
    // The letter lists by name every file that goes out with it (the released copies, not
    // their sources), after what the handler wrote, so the letter and the package agree.
    if let Some(purpose) = yishen_domain::document::sent_with_reply(disposition) {
        for doc in yishen_store::models::document::going_with_reply(conn, case_id, purpose)? {
            // A letter names an attachment by its title, not its file type (GB/T 9704 附件说明).
            let title = doc
                .name
                .rsplit_once('.')
                .map_or(doc.name.as_str(), |(stem, _)| stem)
                .to_owned();
            if !draft
                .provided
                .iter()
                .any(|p| p.trim() == doc.name || p.trim() == title)
            {
                draft.provided.push(title);
            }
        }
    }
    Ok((
        disposition,
        letter_for(disposition),
        draft_fields(&draft, prior_reply, third_party_consulted),
    ))
}

/// Renders the case's current draft as the letter it would become, without a number and
/// without storing anything (样稿), for the handler, the legal adviser and the approver.
pub async fn preview(state: &Ctx, actor: &Actor, id: CaseId) -> Result<Vec<u8>, AppError> {
    use yishen_domain::Role;
    if !matches!(
        actor.role,
        Role::Handler | Role::LegalAdviser | Role::Approver
    ) {
        return Err(AppError::Forbidden(
            "只有承办人、法制审核人员和负责人可以预览答复稿".into(),
        ));
    }
    let scope = policy::case_scope(actor)?;
    let templates = state.templates.clone();
    let today = state.today();
    state
        .read(move |conn| {
            let (case, _, _) =
                case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let (disposition, kind, extra) = reply_values(conn, case.id)?;
            let on = today;
            let (_, mut values) = case_values(conn, &case, extra, on)?;
            values.insert("verify_code".to_owned(), "出具时生成".to_owned());
            let data = LetterData {
                kind,
                variant: Some(disposition.as_str().to_owned()),
                number: "样稿（出具时编号）".to_owned(),
                fields: values,
            };
            templates.render(&data).map_err(|e| AppError::Conflict {
                code: "letter_incomplete",
                detail: format!("答复稿尚不能生成文书：{e}"),
            })
        })
        .await
}

/// Numbers, renders and stores the reply letter; the case is answered on `on`.
pub async fn issue(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: Issue,
) -> Result<CaseView, AppError> {
    let on = body.on.unwrap_or_else(|| state.today());
    if on > state.today() {
        return Err(AppError::field("on", "date_in_future", "日期不能晚于今天"));
    }
    let templates = state.templates.clone();
    let view = act(
        state,
        actor,
        id,
        if_match,
        Action::Issue,
        move |conn, loaded, actor| {
            checks::may_issue(&loaded.events, loaded.rules.approver_signoff)?;
            let (disposition, kind, extra) = reply_values(conn, loaded.case.id)?;
            let issued = issue_letter(
                conn,
                &templates,
                &loaded.case,
                kind,
                Some(disposition.as_str()),
                extra,
                on,
                Some(actor.id),
            )?;
            // The information provided goes out with the reply.
            if let Some(purpose) = yishen_domain::document::sent_with_reply(disposition) {
                yishen_store::models::document::mark_sent(conn, loaded.case.id, purpose)?;
            }
            Ok(Step {
                events: vec![(
                    on,
                    CaseEvent::LetterIssued {
                        letter_id: issued.id,
                        kind: kind.code().to_owned(),
                        number: issued.number,
                        disposition,
                        printed_sha256: Some(issued.printed_sha256),
                    },
                )],
                changes: CaseChanges {
                    disposition: Some(Some(disposition.as_str().to_owned())),
                    concluded_on: Some(Some(on)),
                    ..Default::default()
                },
            })
        },
    )
    .await?;
    crate::services::similar::refresh(state);
    crate::services::flags::after_change(state, view.id, HistoryChange::Answered).await;
    Ok(view)
}

/// Longest void reason.
const MAX_VOID_REASON: usize = 500;

/// The void of an issued reply, with the reason kept with the letter and on the case.
#[derive(Debug, Clone)]
pub struct Void {
    reason: String,
}

impl Void {
    pub fn new(reason: Option<&str>) -> Result<Self, Vec<FieldIssue>> {
        let reason = reason
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .ok_or_else(|| vec![FieldIssue::new("reason", "required", "请填写作废理由")])?;
        if reason.chars().count() > MAX_VOID_REASON {
            return Err(vec![FieldIssue::new(
                "reason",
                "length",
                format!("作废理由不超过{MAX_VOID_REASON}个字"),
            )]);
        }
        Ok(Self {
            reason: reason.to_owned(),
        })
    }
}

/// Voids an issued reply before delivery (approver): the letter keeps its number and PDF and
/// is marked void, the case goes back to drafting, and the clock runs on. The next reply takes
/// a new number.
pub async fn void(
    state: &Ctx,
    actor: &Actor,
    letter_id: i64,
    if_match: Option<i64>,
    body: Void,
) -> Result<CaseView, AppError> {
    let reason = body.reason;
    let scope = policy::case_scope(actor)?;
    let case_id = state
        .read(move |conn| {
            let meta = letter::find(conn, letter_id)?.ok_or(AppError::NotFound("文书"))?;
            case_store::find(conn, meta.case_id, &scope)?.ok_or(AppError::NotFound("文书"))?;
            Ok(meta.case_id)
        })
        .await?;
    let view = act(
        state,
        actor,
        case_id,
        if_match,
        Action::VoidReply,
        move |conn, loaded, _| {
            let meta = letter::find(conn, letter_id)?.ok_or(AppError::NotFound("文书"))?;
            checks::may_void(&loaded.events, letter_id, meta.voided_at.is_some())?;
            letter::void(conn, letter_id, &reason, yishen_store::now())?;
            Ok(Step {
                events: vec![(
                    loaded.today,
                    CaseEvent::LetterVoided {
                        letter_id,
                        number: meta.number,
                        reason,
                    },
                )],
                changes: CaseChanges {
                    disposition: Some(None),
                    concluded_on: Some(None),
                    ..Default::default()
                },
            })
        },
    )
    .await?;
    crate::services::similar::refresh(state);
    crate::services::flags::after_change(state, view.id, HistoryChange::Answered).await;
    Ok(view)
}

/// How letters are listed.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterView {
    pub id: i64,
    pub kind: String,
    pub kind_label: &'static str,
    pub number: String,
    pub issued_on: NaiveDate,
    pub sha256: String,
    pub verify_code: String,
    pub voided: bool,
}

impl LetterView {
    /// An issued reply that answers the application and was not voided: what the reply
    /// package carries.
    pub fn is_standing_reply(&self) -> bool {
        !self.voided
            && yishen_domain::letter::LetterKind::parse(&self.kind)
                .is_some_and(|k| k.answers_the_application())
    }
}

fn letter_view(l: letter::LetterMeta) -> LetterView {
    LetterView {
        id: l.id,
        kind_label: l.kind.label(),
        kind: l.kind.code().to_owned(),
        number: l.number,
        issued_on: l.issued_on,
        sha256: l.sha256,
        verify_code: l.verify_code,
        voided: l.voided_at.is_some(),
    }
}

pub async fn for_case(state: &Ctx, actor: &Actor, id: CaseId) -> Result<Vec<LetterView>, AppError> {
    let scope = policy::case_scope(actor)?;
    let applicant = actor.role == yishen_domain::Role::Applicant;
    let list = move |conn: &mut yishen_store::DbConn| -> Result<Vec<letter::LetterMeta>, AppError> {
        case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
        Ok(letter::for_case(conn, id)?
            .into_iter()
            .filter(|l| !applicant || letter_for_applicant(l.kind, l.voided_at.is_some()))
            .collect())
    };
    let mut letters = state.read(list.clone()).await?;
    // A list shows each letter's hash: those issued a moment ago are rendered first.
    let pending: Vec<i64> = letters.iter().filter(|l| l.pending).map(|l| l.id).collect();
    if !pending.is_empty() {
        super::issuing::render_pending(state, pending).await?;
        letters = state.read(list).await?;
    }
    Ok(letters.into_iter().map(letter_view).collect())
}

/// The PDF of a letter of a case the actor may see, with its number.
pub async fn pdf(state: &Ctx, actor: &Actor, id: i64) -> Result<(String, Vec<u8>), AppError> {
    let scope = policy::case_scope(actor)?;
    let applicant = actor.role == yishen_domain::Role::Applicant;
    super::issuing::render_pending(state, vec![id]).await?;
    let (number, sha256, bytes) = state
        .read(move |conn| {
            let meta = letter::find(conn, id)?.ok_or(AppError::NotFound("文书"))?;
            case_store::find(conn, meta.case_id, &scope)?.ok_or(AppError::NotFound("文书"))?;
            // A consultation letter is addressed to its party, not to the applicant.
            if applicant && !letter_for_applicant(meta.kind, meta.voided_at.is_some()) {
                return Err(AppError::NotFound("文书"));
            }
            let bytes = letter::pdf(conn, id)?.ok_or(AppError::NotFound("文书"))?;
            Ok((meta.number, meta.sha256, bytes))
        })
        .await?;
    // Letters rendered since the blob store came keep their PDF there, by its hash.
    if bytes.is_empty() {
        let stored = state.blobs.read(&sha256).await?;
        return Ok((number, stored.to_vec()));
    }
    Ok((number, bytes))
}

/// What anyone holding a letter's verification code may confirm.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedLetter {
    pub number: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub agency: String,
    pub issued_on: NaiveDate,
    pub sha256: String,
    pub voided: bool,
}

pub async fn verify(state: &Ctx, code: &str) -> Result<VerifiedLetter, AppError> {
    let code = yishen_domain::case::normalise_query_code(code);
    let find = move |conn: &mut yishen_store::DbConn| {
        letter::by_verify_code(conn, &code)?.ok_or(AppError::NotFound("该核验码对应的文书"))
    };
    let (mut l, mut agency) = state.read(find.clone()).await?;
    // The page shows the letter's hash: one issued a moment ago is rendered first.
    if l.pending {
        super::issuing::render_pending(state, vec![l.id]).await?;
        (l, agency) = state.read(find).await?;
    }
    Ok(VerifiedLetter {
        number: l.number,
        kind_label: l.kind.label(),
        kind: l.kind.code().to_owned(),
        agency,
        issued_on: l.issued_on,
        sha256: l.sha256,
        voided: l.voided_at.is_some(),
    })
}

/// The 送达 of the reply: how, when, and the postal tracking number for `post`.
#[derive(Debug, Clone)]
pub struct Delivery {
    method: DeliveryMethod,
    on: NaiveDate,
    tracking_no: Option<String>,
}

impl Delivery {
    pub fn new(
        method: Option<DeliveryMethod>,
        on: Option<NaiveDate>,
        tracking_no: Option<&str>,
    ) -> Result<Self, Vec<FieldIssue>> {
        let mut issues = Fields::default();
        if method.is_none() {
            issues.push(FieldIssue::new("method", "required", "请选择送达方式"));
        }
        if on.is_none() {
            issues.push(FieldIssue::new("on", "required", "请填写送达日期"));
        }
        let tracking_no = tracking_no.map(str::trim).filter(|t| !t.is_empty());
        if tracking_no.is_some_and(|t| t.chars().count() > 64) {
            issues.push(FieldIssue::new("tracking_no", "length", "不超过64个字符"));
        }
        match (method, on) {
            (Some(method), Some(on)) if issues.is_empty() => Ok(Self {
                method,
                on,
                tracking_no: tracking_no.map(str::to_owned),
            }),
            _ => Err(issues.into_issues()),
        }
    }
}

/// What a 送达 delivers: the standing reply letter (its title, number and hash) and each file
/// sent with it, in the order of the reply package.
fn delivered_items(
    conn: &mut yishen_store::DbConn,
    case_id: CaseId,
) -> Result<Vec<yishen_domain::case::event::DeliveredItem>, AppError> {
    use yishen_domain::case::event::DeliveredItem;
    let mut items: Vec<DeliveredItem> = letter::for_case(conn, case_id)?
        .into_iter()
        .filter(|l| l.voided_at.is_none() && l.kind.answers_the_application())
        .map(|l| DeliveredItem {
            name: format!("{}（{}）", l.kind.label(), l.number),
            sha256: l.sha256,
        })
        .collect();
    items.extend(
        yishen_store::models::document::for_case(conn, case_id)?
            .into_iter()
            .filter(|d| d.sent_to_applicant)
            .map(|d| DeliveredItem {
                name: d.name,
                sha256: d.sha256,
            }),
    );
    Ok(items)
}

/// Records 送达 and what it delivered; the case closes.
pub async fn deliver(
    state: &Ctx,
    actor: &Actor,
    id: CaseId,
    if_match: Option<i64>,
    body: Delivery,
) -> Result<CaseView, AppError> {
    let Delivery {
        method,
        on,
        tracking_no,
    } = body;
    if on > state.today() {
        return Err(AppError::field("on", "date_in_future", "日期不能晚于今天"));
    }
    let method = method.as_str().to_owned();
    // The record names each letter by its hash: a reply issued a moment ago is rendered first.
    for_case(state, actor, id).await?;
    act(
        state,
        actor,
        id,
        if_match,
        Action::Deliver,
        move |conn, loaded, _| {
            let items = delivered_items(conn, loaded.case.id)?;
            Ok(Step {
                events: vec![(
                    on,
                    CaseEvent::Delivered {
                        method,
                        tracking_no,
                        items,
                        accepted_at: None,
                    },
                )],
                changes: CaseChanges::default(),
            })
        },
    )
    .await
}

/// Records the electronic 送达 of a case whose applicant chose e-mail delivery: the reply's
/// message `message_id` was accepted by the mail server at `accepted_at`. The system records
/// it (no person acts); the case closes and the remedy periods run from that day. Answers
/// whether it was recorded: not for another delivery choice, nor once the case is no longer
/// waiting for delivery (delivered another way meanwhile, or the reply voided).
pub async fn record_email_delivery(
    state: &Ctx,
    case_id: CaseId,
    message_id: String,
    accepted_at: chrono::NaiveDateTime,
) -> Result<bool, AppError> {
    let today = state.today();
    // The day in China the server accepted it (the pinned day in tests and demos).
    let on = state
        .clock
        .pinned()
        .unwrap_or_else(|| (accepted_at + chrono::Duration::hours(8)).date());
    state
        .write(move |conn| {
            let scope = yishen_store::models::case::CaseScope::All;
            let loaded = super::cases::load(conn, &scope, case_id, today)?;
            if loaded.case.delivery.as_deref() != Some(DeliveryMethod::Email.as_str())
                || loaded.case.status != yishen_domain::case::Status::Replied
            {
                return Ok(false);
            }
            let to = Action::Deliver
                .apply(loaded.case.status, None)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("e-mail delivery: {e}")))?;
            let items = delivered_items(conn, case_id)?;
            let step = Step {
                events: vec![(
                    on.max(loaded.last_on().unwrap_or(on)),
                    CaseEvent::Delivered {
                        method: DeliveryMethod::Email.as_str().to_owned(),
                        tracking_no: Some(message_id),
                        items,
                        accepted_at: Some(accepted_at),
                    },
                )],
                changes: CaseChanges::default(),
            };
            super::cases::finish(conn, &loaded, step, to, None)?;
            Ok(true)
        })
        .await
}

/// Undoes the electronic 送达 of case `case_id` whose reply e-mail `message_id` came back
/// (`status`, RFC 3463): recorded by the system, the case waits for delivery again and its
/// handler is told (`domain::notify`). Answers whether it was undone: only while the case's
/// standing 送达 is that very message.
pub async fn record_email_bounce(
    state: &Ctx,
    case_id: CaseId,
    message_id: String,
    status: String,
) -> Result<bool, AppError> {
    let today = state.today();
    state
        .write(move |conn| {
            let scope = yishen_store::models::case::CaseScope::All;
            let loaded = super::cases::load(conn, &scope, case_id, today)?;
            let standing = loaded.events.iter().rev().find_map(|(_, e)| match e {
                CaseEvent::Delivered { tracking_no, .. } => Some(tracking_no.as_deref()),
                _ => None,
            });
            if loaded.case.status != yishen_domain::case::Status::Closed
                || standing != Some(Some(message_id.as_str()))
            {
                return Ok(false);
            }
            let to = Action::RecordBounce
                .apply(loaded.case.status, None)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("bounce: {e}")))?;
            let on = today.max(loaded.last_on().unwrap_or(today));
            let step = Step {
                events: vec![(on, CaseEvent::DeliveryBounced { message_id, status })],
                changes: CaseChanges::default(),
            };
            super::cases::finish(conn, &loaded, step, to, None)?;
            Ok(true)
        })
        .await
}
