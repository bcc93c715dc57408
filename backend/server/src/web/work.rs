//! The staff workbench: the queue (overdue and due-soon marked, flags as badges, filters),
//! the case page (timeline, clock ledger, flags with evidence, similar cases with their
//! outcomes, pushed articles, letters) and one POST per action for clerks, handlers, legal
//! advisers, approvers and reconsideration bodies. Each action form carries the case version,
//! so a stale form is refused rather than overwriting a colleague's work.

use std::collections::HashMap;
use yishen_app::AppError;

use actix_web::web::Path;
use askama::Template;
use chrono::NaiveDate;
use yishen_domain::case::Status;
use yishen_domain::draft::{Access, CompetentAgency, DraftInput, WithheldPart};
use yishen_domain::outcome::{CorrectionDefect, LitigationOutcome, ReconsiderationDecision};
use yishen_domain::{Disposition, Role};
use yishen_store::models::case::COUNT_CAP;
use yishen_store::{CaseId, UserId};

use super::applicant::{ClockWords, clock_words};
use super::{Chrome, Errs, Form, PageCtx, PageResult, Post, see_other};
use crate::auth::Actor;
use crate::error::ApiError;
use yishen_app::services::articles::{self, PushedArticle};
use yishen_app::services::cases::actions;
use yishen_app::services::cases::assign::Assignment;
use yishen_app::services::cases::commands::{
    Confirm, Consultation, ConsultationClose, CorrectionRequest, CorrectionResponse, Extension,
    ExtensionRefusal, ExtensionRequest, ExtensionTerms, FeeNotice, On, Review, ReviewDecision,
    SignOff,
};
use yishen_app::services::cases::drafting;
use yishen_app::services::cases::read::{self, EventView, QueueQuery};
use yishen_app::services::cases::views::CaseView;
use yishen_app::services::flags::{self, FlagDecision, FlagView};
use yishen_app::services::letters::{self, Delivery, Issue, LetterView};
use yishen_app::services::outcomes::{self, LitigationIn, OutcomesView, ReconsiderationIn};
use yishen_app::services::similar::{self, Narrowing, SimilarItem};
use yishen_domain::case::{ConsultationOpinion, DeliveryMethod, PartyKind};
use yishen_domain::fees::FeeMode;

pub(crate) const STAFF: [Role; 7] = Role::STAFF;

/// A queue row: the case with what awaits the one looking (退回修改, 延期待审批, 待签发), its
/// flags and whether it is due soon, all decided by the application layer.
pub type QueueRow = read::WorkItem;

#[derive(Template)]
#[template(path = "queue.html")]
struct Queue {
    l: Chrome,
    rows: Vec<QueueRow>,
    /// 共N件, or 超过N件 past the count's cap.
    total: String,
    /// Whether the view mixes active and finished cases (active ones are listed first).
    mixed: bool,
    /// Whether more cases match than the queue counts and pages through.
    capped: bool,
    statuses: Vec<(&'static str, &'static str, &'static str)>,
    overdue: bool,
    due_within: String,
    /// What was typed into the search box (shown back to the one who typed it).
    search: String,
    /// The same filters as a spreadsheet.
    export_csv: String,
    export_xlsx: String,
    /// 1-based page, and the links to the pages before and after (`None` at either end).
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    /// The agency's unanswered consultations: all, due by today, late (staff who answer them).
    inquiries: Option<(i64, i64, i64)>,
}

/// Cases per queue page.
const QUEUE_PAGE: i64 = 50;

/// What each role's queue opens on when no status is chosen: the work that is theirs
/// (docs/web.md). Closed, withdrawn and abandoned cases are never in a default view.
fn default_statuses(role: Role) -> Vec<Status> {
    match role {
        // Online applications to confirm, registered ones to pass on, replies to deliver.
        Role::Clerk => vec![Status::Submitted, Status::Received, Status::Replied],
        Role::Handler => vec![
            Status::Received,
            Status::AwaitingCorrection,
            Status::InProgress,
            Status::Drafting,
        ],
        Role::LegalAdviser => vec![Status::InReview],
        // Extension requests can wait in any handling state; sign-offs on approved replies.
        Role::Approver => vec![
            Status::Received,
            Status::InProgress,
            Status::Drafting,
            Status::InReview,
            Status::Approved,
        ],
        _ => OPEN_STATUSES.to_vec(),
    }
}

/// Every status in which a case still needs something from the agency.
const OPEN_STATUSES: [Status; 8] = [
    Status::Submitted,
    Status::Received,
    Status::AwaitingCorrection,
    Status::InProgress,
    Status::Drafting,
    Status::InReview,
    Status::Approved,
    Status::Replied,
];

pub async fn queue(ctx: PageCtx, q: actix_web::web::Query<HashMap<String, String>>) -> PageResult {
    queue_page(&ctx, &q, None).await
}

/// The most cases one export holds: a spreadsheet of the work, not a dump of the database.
const EXPORT_MAX: i64 = 10_000;

/// The queue as a spreadsheet (`/work/export?format=csv|xlsx` with the queue's own filters in
/// the link): tracking number, applicant, dates, status, due date. A search is not carried
/// over (it never travels in an address); the export holds at most [`EXPORT_MAX`] cases and
/// says so in its last line when there were more.
pub async fn export(ctx: PageCtx, q: actix_web::web::Query<HashMap<String, String>>) -> PageResult {
    let actor = ctx.actor_in(&STAFF)?;
    let format = q.get("format").map(String::as_str).unwrap_or("csv");
    if !matches!(format, "csv" | "xlsx") {
        return Err(ApiError::field("format", "unknown_value", "导出格式只能是csv或xlsx").into());
    }
    let filters = QueueFilters::of(actor.role, &q, None);
    let (items, total) = read::list(&ctx.state, actor, filters.query(0, EXPORT_MAX)).await?;
    let header = [
        "受理编号",
        "申请人",
        "申请内容",
        "收到日期",
        "状态",
        "答复期限",
        "是否逾期",
    ];
    let rows: Vec<[String; 7]> = items
        .iter()
        .map(|c| {
            [
                c.tracking_no.clone(),
                c.applicant_name.clone(),
                c.content_excerpt.clone(),
                c.received_on.map(|d| d.to_string()).unwrap_or_default(),
                c.status_label.to_owned(),
                c.due_on.map(|d| d.to_string()).unwrap_or_default(),
                if c.overdue { "是" } else { "否" }.to_owned(),
            ]
        })
        .collect();
    let more = (total > EXPORT_MAX).then(|| {
        format!("超过{EXPORT_MAX}件，仅导出按答复期限排序的前{EXPORT_MAX}件；请缩小筛选范围")
    });
    let name = format!("待办案件-{}", ctx.state.today());
    let internal = |e: String| ApiError::Internal(anyhow::anyhow!("export: {e}"));
    if format == "csv" {
        // A byte-order mark, so that spreadsheet programs open the Chinese text as UTF-8.
        let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
        w.write_record(header)
            .map_err(|e| internal(e.to_string()))?;
        for r in &rows {
            w.write_record(r).map_err(|e| internal(e.to_string()))?;
        }
        if let Some(m) = &more {
            w.write_record([m.as_str(), "", "", "", "", "", ""])
                .map_err(|e| internal(e.to_string()))?;
        }
        let bytes = w.into_inner().map_err(|e| internal(e.to_string()))?;
        return Ok(crate::routes::file_response(
            "text/csv; charset=utf-8",
            false,
            &format!("{name}.csv"),
            bytes,
        ));
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let x = |e: rust_xlsxwriter::XlsxError| internal(e.to_string());
    sheet.set_name("待办案件").map_err(x)?;
    for (col, h) in (0u16..).zip(header) {
        sheet
            .write_string_with_format(0, col, h, &bold)
            .map_err(x)?;
    }
    for (row, r) in (1u32..).zip(&rows) {
        for (col, v) in (0u16..).zip(r) {
            sheet.write_string(row, col, v).map_err(x)?;
        }
    }
    if let Some(m) = &more {
        let row = u32::try_from(rows.len() + 1).unwrap_or(u32::MAX);
        sheet.write_string(row, 0, m).map_err(x)?;
    }
    for (col, width) in (0u16..).zip([22.0, 12.0, 50.0, 12.0, 12.0, 12.0, 8.0]) {
        sheet.set_column_width(col, width).map_err(x)?;
    }
    let bytes = book.save_to_buffer().map_err(x)?;
    Ok(crate::routes::file_response(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        false,
        &format!("{name}.xlsx"),
        bytes,
    ))
}

/// The queue's filters as the link carries them (and the search box, when it posted).
struct QueueFilters {
    status: String,
    overdue: bool,
    due_within: String,
    search: Option<yishen_domain::case::search::CaseSearch>,
    mine: bool,
    statuses: Vec<Status>,
}

impl QueueFilters {
    fn of(role: Role, q: &HashMap<String, String>, search_text: Option<&str>) -> Self {
        let status = q.get("status").cloned().unwrap_or_default();
        let search = search_text.and_then(yishen_domain::case::search::CaseSearch::parse);
        // A search looks through every case; otherwise the chosen status, "all", "open", or
        // the role's own work. A handler's own work is what was assigned to them.
        let mine = search.is_none() && status.is_empty() && role == Role::Handler;
        let statuses = match (search.is_some(), status.as_str()) {
            (true, _) | (false, "all") => Vec::new(),
            (false, "open") => OPEN_STATUSES.to_vec(),
            (false, s) => match Status::parse(s) {
                Some(s) => vec![s],
                None => default_statuses(role),
            },
        };
        Self {
            overdue: q.get("overdue").is_some_and(|v| v == "1"),
            due_within: q.get("due_within").cloned().unwrap_or_default(),
            status,
            search,
            mine,
            statuses,
        }
    }

    fn query(&self, offset: i64, limit: i64) -> QueueQuery {
        QueueQuery {
            statuses: self.statuses.clone(),
            agency: None,
            overdue: self.overdue,
            due_within: self.due_within.parse().ok().filter(|n| *n <= 200),
            search: self.search.clone(),
            assigned_to_me: self.mine,
            limit,
            offset,
        }
    }

    /// The filters as a query string (never the search).
    fn link(&self, extra: &[(&str, &str)]) -> String {
        let mut url = form_urlencoded::Serializer::new(String::new());
        if !self.status.is_empty() {
            url.append_pair("status", &self.status);
        }
        if self.overdue {
            url.append_pair("overdue", "1");
        }
        if !self.due_within.is_empty() {
            url.append_pair("due_within", &self.due_within);
        }
        for (k, v) in extra {
            url.append_pair(k, v);
        }
        url.finish()
    }
}

/// The search box posts, so that a phone or identity number never travels in an address
/// (browser history, proxy logs).
pub async fn search(post: Post) -> PageResult {
    let Post { ctx, form } = post;
    let text = form.text("q").unwrap_or_default();
    queue_page(&ctx, &HashMap::new(), Some(text)).await
}

async fn queue_page(
    ctx: &PageCtx,
    q: &HashMap<String, String>,
    search_text: Option<String>,
) -> PageResult {
    let actor = ctx.actor_in(&STAFF)?;
    let filters = QueueFilters::of(actor.role, q, search_text.as_deref());
    let page: i64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1 && *p <= COUNT_CAP / QUEUE_PAGE)
        .unwrap_or(1);
    let (rows, total) = read::workbench(
        &ctx.state,
        actor,
        filters.query((page - 1) * QUEUE_PAGE, QUEUE_PAGE),
    )
    .await?;
    let counted = total.min(COUNT_CAP);
    let pages = ((counted + QUEUE_PAGE - 1) / QUEUE_PAGE).max(1);
    let link = |p: i64| format!("/work?{}", filters.link(&[("page", &p.to_string())]));
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    let mut options: Vec<(&'static str, &'static str, &'static str)> = vec![
        ("", "我的待办", ""),
        ("open", "全部未办结", ""),
        ("all", "全部（含已办结）", ""),
    ];
    options.extend(
        OPEN_STATUSES
            .iter()
            .chain(&[Status::Closed, Status::Withdrawn, Status::Abandoned])
            .map(|s| (s.as_str(), s.label(), "")),
    );
    for o in &mut options {
        if o.0 == filters.status {
            o.2 = "selected";
        }
    }
    ctx.page(&Queue {
        l: ctx.chrome_with_calendar("工作台：待办案件").await?,
        rows,
        mixed: filters.statuses.is_empty(),
        capped: total > COUNT_CAP,
        total: if total > COUNT_CAP {
            format!("超过{COUNT_CAP}件")
        } else {
            format!("共{total}件")
        },
        page,
        pages,
        prev,
        next,
        statuses: options,
        export_csv: format!("/work/export?{}", filters.link(&[("format", "csv")])),
        export_xlsx: format!("/work/export?{}", filters.link(&[("format", "xlsx")])),
        overdue: filters.overdue,
        due_within: filters.due_within.clone(),
        search: search_text.unwrap_or_default(),
        inquiries: yishen_app::services::inquiries::open_counts(&ctx.state, ctx.actor()?)
            .await?
            .filter(|(open, _, _)| *open > 0),
    })
}

/// One pre-review finding as shown.
pub struct FindingRow {
    pub blocking: bool,
    pub message: String,
    pub article: String,
}

fn finding_rows(v: &serde_json::Value) -> Vec<FindingRow> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|f| FindingRow {
                    blocking: f["severity"].as_str() == Some("blocking"),
                    message: f["message"].as_str().unwrap_or("").to_owned(),
                    article: f["article"].as_str().unwrap_or("").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A disposition as the picker offers it, with the fields it needs.
pub struct DispositionOption {
    pub code: &'static str,
    pub label: &'static str,
    pub needs: String,
}

fn disposition_options() -> Vec<DispositionOption> {
    Disposition::ALL
        .iter()
        .filter(|d| d.is_reply())
        .map(|d| {
            let n = d.needs();
            let mut needs = Vec::new();
            for (on, name) in [
                (n.reasons, "reasons"),
                (n.withheld_parts, "withheld_parts"),
                (n.access, "access"),
                (n.search_record, "search_record"),
                (n.competent_agency, "competent_agency"),
                (n.prior_case, "prior_case"),
            ] {
                if on {
                    needs.push(name);
                }
            }
            if d.provides_information() {
                needs.push("provided");
            }
            DispositionOption {
                code: d.as_str(),
                label: d.label(),
                needs: needs.join(" "),
            }
        })
        .collect()
}

/// The current draft's values, to fill the draft form.
#[derive(Default)]
pub struct DraftValues {
    pub disposition: String,
    pub reasons: String,
    pub parts: Vec<(String, String)>,
    pub provided: String,
    pub access_method: String,
    pub access_url: String,
    pub search_record: String,
    pub agency_name: String,
    pub agency_contact: String,
    pub prior_case: String,
}

impl DraftValues {
    /// Where the information provided goes out redacted and there is no draft yet, proposes 部分公开 and one part per ground of the boxes (条例37: the letter states what
    /// the file hides), for the handler to word; nothing is saved until they save the draft.
    fn propose_from(&mut self, redacted: &[super::redact::RedactedRow]) {
        if redacted.is_empty() || self.parts.iter().any(|(p, _)| !p.trim().is_empty()) {
            return;
        }
        if self.disposition.is_empty() {
            self.disposition = Disposition::PartiallyDisclosed.as_str().to_owned();
        }
        let mut proposed: Vec<(String, String)> = Vec::new();
        for r in redacted {
            let title = r.name.rsplit_once('.').map_or(r.name.as_str(), |(t, _)| t);
            for (ground, pages) in &r.grounds {
                let pages: Vec<String> = pages.iter().map(u32::to_string).collect();
                proposed.push((
                    format!("《{title}》第{}页遮盖的内容", pages.join("、")),
                    ground.clone(),
                ));
            }
        }
        proposed.resize(self.parts.len().max(proposed.len()), Default::default());
        self.parts = proposed;
    }

    fn of(case: &CaseView) -> Self {
        let Some(d) = &case.draft else {
            return Self::default();
        };
        let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_owned();
        let mut parts: Vec<(String, String)> = d.data["withheld_parts"]
            .as_array()
            .map(|a| a.iter().map(|p| (s(&p["part"]), s(&p["ground"]))).collect())
            .unwrap_or_default();
        parts.resize(3, (String::new(), String::new()));
        Self {
            disposition: d.disposition.clone(),
            reasons: s(&d.data["reasons"]),
            parts,
            provided: d.data["provided"]
                .as_array()
                .map(|a| a.iter().map(s).collect::<Vec<_>>().join("\n"))
                .unwrap_or_default(),
            access_method: s(&d.data["access"]["method"]),
            access_url: s(&d.data["access"]["url"]),
            search_record: s(&d.data["search_record"]),
            agency_name: s(&d.data["competent_agency"]["name"]),
            agency_contact: s(&d.data["competent_agency"]["contact"]),
            prior_case: s(&d.data["prior_case"]),
        }
    }
}

/// A message of the case as its page lists it.
pub struct NoticeRow {
    pub what: &'static str,
    pub to: &'static str,
    pub status: &'static str,
    pub when: String,
}

impl NoticeRow {
    fn of(n: yishen_app::services::notifications::NotificationView) -> Self {
        Self {
            what: n.kind_label,
            to: if n.kind == "case_assigned" || n.kind == "draft_returned" {
                "承办人"
            } else {
                "申请人"
            },
            status: yishen_app::services::notifications::status_label(&n.status),
            when: yishen_app::time::local(n.accepted_at.unwrap_or(n.created_at)),
        }
    }
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    l: Chrome,
    role: Role,
    case: CaseView,
    clock: ClockWords,
    events: Vec<EventView>,
    flags: Vec<FlagRow>,
    similar: Vec<SimilarItem>,
    /// The case's reading-room entry, if its reply was published (依申请转主动).
    reading_room: Option<yishen_app::services::reading_room::StaffEntry>,
    /// The likely dispositions (案件预判), beside the handler's disposition picker.
    prediction: Option<yishen_app::services::prediction::PredictionView>,
    articles: Vec<PushedArticle>,
    letters: Vec<LetterView>,
    documents: Vec<super::documents::DocRow>,
    /// The released copies in force: reviewed with the draft.
    redacted: Vec<super::redact::RedactedRow>,
    /// The messages written for the case: kind, to whom, state, when accepted.
    notices: Vec<NoticeRow>,
    /// The purposes this role may add: code, label, size limit.
    purposes: Vec<(&'static str, &'static str, String)>,
    upload_action: String,
    outcomes: OutcomesView,
    findings: Vec<FindingRow>,
    dispositions: Vec<DispositionOption>,
    withholding: Vec<DispositionOption>,
    draft: DraftValues,
    errs: Errs,
    today: NaiveDate,
    /// The agency's active handlers, for the clerk's or admin's assignment form.
    handlers: Vec<(UserId, String)>,
    /// The extension the handler asked for and the approver has not decided yet.
    pending_extension: Option<(u32, String)>,
    /// Whether the one extension (条例33) was granted.
    extended: bool,
    /// Whether the approved reply still awaits the sign-off the agency requires.
    needs_signoff: bool,
    /// The legal adviser's comments on a returned draft, shown until the next draft.
    returned_with: Option<String>,
    reconsideration_decisions: Vec<(&'static str, &'static str)>,
    litigation_outcomes: Vec<(&'static str, &'static str)>,
    defects: Vec<(&'static str, &'static str)>,
    /// The reconsideration body's own name, offered as the body that decided.
    own_agency_name: String,
    kept: Kept,
}

impl CasePage {
    /// Whether a reply stands (issued, not voided): its package and cover list exist.
    fn has_reply(&self) -> bool {
        self.letters.iter().any(LetterView::is_standing_reply)
    }

    /// Whether the reply may go to the reading room: it stands, released information, and
    /// the reader is among those who publish.
    fn may_publish(&self) -> bool {
        self.has_reply()
            && matches!(
                self.case.disposition.as_deref(),
                Some("disclosed" | "partially_disclosed")
            )
            && ["handler", "approver", "agency_admin", "legal_adviser"]
                .iter()
                .any(|r| self.is(r))
    }

    /// A confidence as a whole percentage.
    fn percent(&self, x: &f64) -> String {
        format!("{:.0}%", (x * 100.0).round())
    }

    /// The label of a disposition code, for the draft as read by the reviewer.
    fn disposition_label(&self, code: &str) -> &'static str {
        Disposition::parse(code)
            .map(Disposition::label)
            .unwrap_or("")
    }
    fn is(&self, role: &str) -> bool {
        self.role.as_str() == role
    }
    /// What was typed into `field` of the form `action` when it came back with errors.
    fn kept(&self, action: &str, field: &str) -> &str {
        match &self.kept {
            Some((a, form)) if a == action => form.raw(field).unwrap_or(""),
            _ => "",
        }
    }
    fn kept_or<'a>(&'a self, action: &str, field: &str, default: &'a str) -> &'a str {
        match &self.kept {
            Some((a, form)) if a == action => form.raw(field).unwrap_or(""),
            _ => default,
        }
    }
    /// A confirmed mass-application flag opens the 条例35 steps.
    fn article35(&self) -> bool {
        self.flags.iter().any(|f| f.view.offers_article_35)
    }
    fn reasons_requested(&self) -> bool {
        self.events.iter().any(|e| e.kind == "reasons_requested")
    }
    fn status_in(&self, list: &str) -> bool {
        list.split(' ').any(|s| s == self.case.status)
    }
}

/// A flag with its label and its evidence as lines.
pub struct FlagRow {
    pub label: &'static str,
    pub status: &'static str,
    pub evidence: Vec<(String, String)>,
    pub view: FlagView,
}

impl FlagRow {
    fn of(view: FlagView) -> Self {
        let evidence = view
            .evidence
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        let text = match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (label, status) = flags::labels(&view.kind, &view.status);
        Self {
            label,
            status,
            evidence,
            view,
        }
    }
}

/// The form that failed, kept so that the page shows what was typed (keyed by its action).
pub(crate) type Kept = Option<(String, super::Form)>;

pub(crate) async fn case_page(ctx: &PageCtx, id: CaseId, errs: Errs, kept: Kept) -> PageResult {
    let actor = ctx.actor_in(&STAFF)?;
    let s = &ctx.state;
    let case = read::get(s, actor, id).await?;
    let read::Desk {
        own_agency_name,
        requires_signoff,
        handlers,
    } = read::desk(s, actor, case.agency_code.clone()).await?;
    let clock = clock_words(&read::clock(s, actor, id).await?);
    let events = read::events(s, actor, id).await?;
    let flags = flags::for_case(s, actor, id)
        .await?
        .items
        .into_iter()
        .map(FlagRow::of)
        .collect();
    let similar = similar::for_case(s, actor, id, Some(5), Narrowing::default())
        .await
        .map(|l| l.items)
        .unwrap_or_default();
    let prediction = if actor.role == Role::Handler
        && matches!(
            case.status.as_str(),
            "received" | "in_progress" | "drafting"
        ) {
        match yishen_app::services::prediction::for_case(s, actor, id).await {
            Ok(p) => Some(p),
            // No index (being built): the page is whole without the advice.
            Err(AppError::Unavailable) => None,
            Err(e) => return Err(e.into()),
        }
    } else {
        None
    };
    let articles = articles::for_case(s, actor, id).await?.items;
    let reading_room = yishen_app::services::reading_room::for_case(s, actor, id).await?;
    let letters = letters::for_case(s, actor, id).await?;
    let outcomes = outcomes::for_case(s, actor, id).await?;
    let documents = super::documents::rows(ctx, actor, id).await?;
    let redacted = super::redact::rows_for_case(ctx, actor, id).await?;
    let notices = yishen_app::services::notifications::for_case(s, actor, id)
        .await?
        .into_iter()
        .map(NoticeRow::of)
        .collect();
    let purposes = super::documents::purposes(ctx, actor.role, &case.status);
    // The record as typed events: the domain says whether an extension request is pending.
    let typed = events
        .iter()
        .map(|e| {
            serde_json::from_value::<yishen_domain::case::CaseEvent>(e.data.clone())
                .map(|ev| (e.on, ev))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("event of case {id}: {e}")))?;
    let pending_extension = yishen_domain::case::checks::pending_extension_request(&typed)
        .map(|(d, r)| (d, r.to_owned()));
    let extended = typed
        .iter()
        .any(|(_, e)| matches!(e, yishen_domain::case::CaseEvent::ExtensionGranted { .. }));
    // The sign-off form appears only where the agency requires it, until it is given for the
    // approved draft.
    let needs_signoff = requires_signoff && !yishen_domain::case::checks::signed_off(&typed);
    let returned_with = yishen_domain::case::checks::return_comments(&typed).map(str::to_owned);
    let findings = case
        .draft
        .as_ref()
        .map(|d| finding_rows(&d.findings))
        .unwrap_or_default();
    let mut draft = DraftValues::of(&case);
    // Only a first draft is proposed: a saved one is shown to the reviewer as it was saved.
    if case.draft.is_none() {
        draft.propose_from(&redacted);
    }
    let withholding = disposition_options()
        .into_iter()
        .filter(|d| d.code.starts_with("withheld_"))
        .collect();
    let status = errs.status();
    ctx.page_status(
        status,
        &CasePage {
            l: ctx.chrome(&format!("案件 {}", case.tracking_no)),
            role: actor.role,
            case,
            clock,
            events,
            flags,
            similar,
            prediction,
            reading_room,
            articles,
            letters,
            documents,
            redacted,
            notices,
            purposes,
            upload_action: format!("/work/cases/{id}/documents"),
            outcomes,
            findings,
            dispositions: disposition_options(),
            withholding,
            draft,
            errs,
            today: ctx.state.today(),
            handlers,
            pending_extension,
            extended,
            needs_signoff,
            returned_with,
            reconsideration_decisions: ReconsiderationDecision::ALL
                .iter()
                .map(|d| (d.as_str(), d.label()))
                .collect(),
            litigation_outcomes: LitigationOutcome::ALL
                .iter()
                .map(|o| (o.as_str(), o.label()))
                .collect(),
            defects: CorrectionDefect::ALL
                .iter()
                .map(|d| (d.as_str(), d.label()))
                .collect(),
            own_agency_name,
            kept,
        },
    )
}

pub async fn case_page_get(ctx: PageCtx, id: Path<CaseId>) -> PageResult {
    case_page(&ctx, id.into_inner(), Errs::default(), None).await
}

fn draft_input(form: &Form) -> DraftInput {
    let parts: Vec<WithheldPart> = (0..3)
        .filter_map(|i| {
            let part = form.text(&format!("part_{i}"))?;
            Some(WithheldPart {
                part,
                ground: form.text(&format!("ground_{i}")).unwrap_or_default(),
            })
        })
        .collect();
    DraftInput {
        disposition: form.text("disposition"),
        reasons: form.text("reasons"),
        withheld_parts: parts,
        provided: form.lines("provided"),
        access: form.text("access_method").map(|method| Access {
            method,
            url: form.text("access_url"),
        }),
        search_record: form.text("search_record"),
        competent_agency: form.text("agency_name").map(|name| CompetentAgency {
            name,
            contact: form.text("agency_contact"),
        }),
        prior_case: form.text("prior_case"),
        ..DraftInput::default()
    }
}

/// Runs one action; answers where to go next.
async fn run(
    ctx: &PageCtx,
    actor: &Actor,
    id: CaseId,
    action: &str,
    form: &Form,
) -> Result<String, ApiError> {
    let s = &ctx.state;
    let version = form.number::<i64>("version")?;
    let back = format!("/work/cases/{id}");
    match action {
        "reading-room" => {
            let cmd = yishen_app::services::reading_room::EntryCommand {
                title: form.text("title").unwrap_or_default(),
                description: form.text("description").unwrap_or_default(),
                topic: form.text("topic").unwrap_or_default(),
            };
            let entry = match form.number::<i64>("entry")? {
                Some(entry) => {
                    yishen_app::services::reading_room::edit(s, actor, entry, cmd).await?
                }
                None => yishen_app::services::reading_room::publish(s, actor, id, cmd).await?,
            };
            return Ok(format!("{back}#reading-room-{}", entry.id));
        }
        "reading-room-withdraw" => {
            let entry = form.number::<i64>("entry")?.ok_or_else(|| {
                ApiError::Validation(vec![crate::error::FieldIssue::new(
                    "entry",
                    "required",
                    "缺少公开条目",
                )])
            })?;
            yishen_app::services::reading_room::withdraw(
                s,
                actor,
                entry,
                form.text("reason").unwrap_or_default(),
            )
            .await?;
            return Ok(format!("{back}#reading-room"));
        }
        "extension-request" => {
            let terms =
                ExtensionTerms::new(form.number("working_days")?, form.text("reason").as_deref())
                    .map_err(ApiError::Validation)?;
            actions::request_extension(s, actor, id, version, ExtensionRequest { terms }).await?;
        }
        "extension-refusal" => {
            let refusal = ExtensionRefusal::new(form.text("reason").as_deref())
                .map_err(ApiError::Validation)?;
            actions::refuse_extension(s, actor, id, version, refusal).await?;
        }
        "assign" => {
            let assignment = Assignment::new(form.number::<i64>("user_id")?.map(UserId))
                .map_err(ApiError::Validation)?;
            yishen_app::services::cases::assign::assign(s, actor, id, version, assignment).await?;
        }
        "confirm" => {
            let confirm = Confirm {
                received_on: form.date("received_on")?,
            };
            actions::confirm(s, actor, id, version, confirm).await?;
        }
        "corrections" => {
            let request = CorrectionRequest::new(
                form.lines("items"),
                form.number("due_in_working_days")?,
                form.date("on")?,
                form.text("late_reason").as_deref(),
            )
            .map_err(ApiError::Validation)?;
            actions::request_correction(s, actor, id, version, request).await?;
        }
        "corrections-response" => {
            let response =
                CorrectionResponse::new(form.text("content").as_deref(), form.date("on")?)
                    .map_err(ApiError::Validation)?;
            actions::receive_correction(s, actor, id, version, response).await?;
        }
        "consultations" => {
            let consultation = Consultation::new(
                form.text("party_kind").and_then(|k| PartyKind::parse(&k)),
                form.text("party_name").as_deref(),
                form.date("on")?,
                form.text("info_description").as_deref(),
                form.text("interest").as_deref(),
            )
            .map_err(ApiError::Validation)?;
            actions::open_consultation(s, actor, id, version, consultation).await?;
        }
        "extension" => {
            let extension = Extension {
                terms: ExtensionTerms::new(
                    form.number("working_days")?,
                    form.text("reason").as_deref(),
                )
                .map_err(ApiError::Validation)?,
                on: form.date("on")?,
            };
            actions::extend(s, actor, id, version, extension).await?;
        }
        "fee-notice" => {
            let notice = FeeNotice::new(
                form.text("mode").and_then(|m| FeeMode::parse(&m)),
                form.number("pages")?,
                form.date("on")?,
                form.text("reasons"),
                form.text("payment_method"),
            )
            .map_err(ApiError::Validation)?;
            actions::notice_fee(s, actor, id, version, notice).await?;
        }
        "fee-payment" => {
            let payment = On {
                on: form.date("on")?,
            };
            actions::record_payment(s, actor, id, version, payment).await?;
        }
        "draft" => {
            drafting::save(s, actor, id, version, draft_input(form)).await?;
            return Ok(format!("{back}#draft"));
        }
        "submit" => {
            drafting::submit(s, actor, id, version).await?;
        }
        "review" => {
            let review = Review::new(
                form.text("decision")
                    .and_then(|d| ReviewDecision::parse(&d)),
                form.text("comments").as_deref(),
            )
            .map_err(ApiError::Validation)?;
            drafting::review(s, actor, id, version, review).await?;
        }
        "signoff" => {
            let sign_off =
                SignOff::new(form.text("comments").as_deref()).map_err(ApiError::Validation)?;
            drafting::sign_off(s, actor, id, version, sign_off).await?;
        }
        "issue" => {
            let body = Issue {
                on: form.date("on")?,
            };
            letters::issue(s, actor, id, version, body).await?;
        }
        "delivery" => {
            let body = Delivery::new(
                form.text("method").and_then(|m| DeliveryMethod::parse(&m)),
                form.date("on")?,
                form.text("tracking_no").as_deref(),
            )
            .map_err(ApiError::Validation)?;
            letters::deliver(s, actor, id, version, body).await?;
        }
        "flag" => {
            let flag_id = form
                .number::<i64>("flag_id")?
                .ok_or(ApiError::NotFound("提示"))?;
            let body = FlagDecision::new(
                form.text("decision")
                    .and_then(|d| yishen_domain::screening::ReviewDecision::parse(&d)),
                form.text("reason"),
            )
            .map_err(ApiError::Validation)?;
            flags::decide(s, actor, flag_id, body).await?;
        }
        "article35-reasons" => {
            let body = yishen_app::services::cases::article35::ReasonsRequest {
                reasons: form.text("reasons"),
                deadline: form.date("deadline")?,
                on: form.date("on")?,
            };
            yishen_app::services::cases::article35::request_reasons(s, actor, id, version, body)
                .await?;
        }
        "article35-decision" => {
            let consultation = form.date("consultation_held_on")?.map(|held_on| {
                yishen_app::services::cases::article35::ConsultationRecord {
                    held_on: Some(held_on),
                    participants: form.text("consultation_participants"),
                    minutes: form.text("consultation_minutes"),
                }
            });
            let later = form.text("outcome").as_deref() == Some("later_deadline");
            let body = yishen_app::services::cases::article35::Article35Decision {
                outcome: form
                    .text("outcome")
                    .and_then(|o| yishen_domain::case::Article35Outcome::parse(&o)),
                applicant_reasons: form.text("applicant_reasons"),
                consultation,
                due_on: if later { form.date("due_on")? } else { None },
                delay_reasons: if later {
                    form.text("delay_reasons")
                } else {
                    None
                },
                note: form.text("note"),
                on: form.date("on")?,
            };
            yishen_app::services::cases::article35::decide(s, actor, id, version, body).await?;
        }
        "reconsiderations" => {
            let body = ReconsiderationIn {
                body_name: form.text("body_name"),
                filed_on: form.date("filed_on")?,
                decision: form.text("decision"),
                decided_on: form.date("decided_on")?,
                reasons: form.text("reasons"),
                defect: form.text("defect"),
                new_reply_within: form.number("new_reply_within")?,
                new_reply_unit: form.text("new_reply_unit"),
            };
            outcomes::record_reconsideration(s, actor, id, body).await?;
            return Ok(format!("{back}#outcomes"));
        }
        "litigations" => {
            let body = LitigationIn {
                court: form.text("court"),
                via_reconsideration: Some(form.checked("via_reconsideration")),
                instance: form.text("instance"),
                filed_on: form.date("filed_on")?,
                outcome: form.text("outcome"),
                decided_on: form.date("decided_on")?,
                reasons: form.text("reasons"),
                new_reply_within: form.number("new_reply_within")?,
                new_reply_unit: form.text("new_reply_unit"),
            };
            outcomes::record_litigation(s, actor, id, body).await?;
            return Ok(format!("{back}#outcomes"));
        }
        _ => return Err(ApiError::RouteNotFound),
    }
    Ok(back)
}

pub async fn act(post: Post, path: Path<(CaseId, String)>) -> PageResult {
    let Post { ctx, form } = post;
    let (id, action) = path.into_inner();
    let actor = ctx.actor_in(&STAFF)?.clone();
    match run(&ctx, &actor, id, &action, &form).await {
        Ok(next) => Ok(see_other(&next)),
        Err(e) => refused(&ctx, id, &action, e, form).await,
    }
}

/// The decision on a reconsideration recorded while it was pending (and, with it, an order to
/// answer anew).
pub async fn decide_reconsideration(post: Post, path: Path<(CaseId, i64)>) -> PageResult {
    let Post { ctx, form } = post;
    let (id, rid) = path.into_inner();
    let actor = ctx.actor_in(&STAFF)?.clone();
    let result = async {
        let body = outcomes::DecisionIn {
            decision: form.text("decision"),
            decided_on: form.date("decided_on")?,
            reasons: form.text("reasons"),
            defect: form.text("defect"),
            new_reply_within: form.number("new_reply_within")?,
            new_reply_unit: form.text("new_reply_unit"),
        };
        outcomes::decide_reconsideration(&ctx.state, &actor, rid, body)
            .await
            .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/work/cases/{id}#outcomes"))),
        Err(e) => refused(&ctx, id, "decide-reconsideration", e, form).await,
    }
}

/// The case page again after the form `action` was refused: the messages beside its fields
/// (keyed `action.field`, as field names repeat across forms) and what was typed kept.
async fn refused(
    ctx: &PageCtx,
    id: CaseId,
    action: &str,
    e: ApiError,
    form: super::Form,
) -> PageResult {
    let mut errs = Errs::from_api(e)?;
    for issue in &mut errs.0 {
        issue.field = format!("{action}.{}", issue.field);
    }
    case_page(ctx, id, errs, Some((action.to_owned(), form))).await
}

pub async fn close_consultation(post: Post, path: Path<(CaseId, i64)>) -> PageResult {
    let Post { ctx, form } = post;
    let (id, cid) = path.into_inner();
    let actor = ctx.actor_in(&STAFF)?.clone();
    let result = async {
        let close = ConsultationClose::new(
            form.text("opinion")
                .and_then(|o| ConsultationOpinion::parse(&o)),
            form.text("note").as_deref(),
            form.date("on")?,
        )
        .map_err(ApiError::Validation)?;
        actions::close_consultation(&ctx.state, &actor, id, cid, form.number("version")?, close)
            .await
            .map_err(ApiError::from)
    }
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/work/cases/{id}"))),
        Err(e) => refused(&ctx, id, "close", e, form).await,
    }
}

/// One finding of a live check, as the drafting page's script shows it.
#[derive(serde::Serialize)]
struct LiveFinding {
    blocking: bool,
    message: String,
    article: String,
}

/// Pre-review of the draft form as it stands, without saving: JSON for the page's script.
/// Fields the draft cannot be read without come back as blocking findings.
pub async fn draft_check(post: Post, id: Path<CaseId>) -> PageResult {
    let Post { ctx, form } = post;
    let actor = ctx.actor_in(&STAFF)?;
    let live: Vec<LiveFinding> =
        match drafting::check(&ctx.state, actor, id.into_inner(), draft_input(&form)).await {
            Ok(findings) => findings
                .into_iter()
                .map(|f| LiveFinding {
                    blocking: f.severity == yishen_domain::draft::Severity::Blocking,
                    message: f.message,
                    article: f.article.to_owned(),
                })
                .collect(),
            Err(AppError::Validation(issues)) => issues
                .into_iter()
                .map(|i| LiveFinding {
                    blocking: true,
                    message: i.message,
                    article: String::new(),
                })
                .collect(),
            Err(e) => return Err(e.into()),
        };
    Ok(actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(live))
}

/// The applicant dossier as a PDF, for the 联合会商 meeting.
pub async fn dossier_pdf(ctx: PageCtx, id: Path<CaseId>) -> PageResult {
    let actor = ctx.actor_in(&STAFF)?;
    let d = yishen_app::services::dossier::dossier(&ctx.state, actor, id.into_inner()).await?;
    let bytes = yishen_app::services::dossier::to_pdf(&ctx.state, &d)?;
    let mut res = crate::routes::file_response("application/pdf", true, "申请人档案.pdf", bytes);
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// The draft rendered as the letter it would become (样稿).
pub async fn draft_preview(ctx: PageCtx, id: Path<CaseId>) -> PageResult {
    let actor = ctx.actor_in(&STAFF)?;
    let bytes = letters::preview(&ctx.state, actor, id.into_inner()).await?;
    let mut res = crate::routes::file_response("application/pdf", true, "答复书样稿.pdf", bytes);
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    l: Chrome,
    case_id: CaseId,
    c: yishen_app::services::access_log::Contact,
}

/// The applicant's particulars in full; the viewing is recorded for the agency's administrator.
pub async fn contact_page(ctx: PageCtx, id: Path<CaseId>) -> PageResult {
    let actor = ctx.actor_in(&STAFF)?;
    let id = id.into_inner();
    let c = yishen_app::services::access_log::contact(&ctx.state, actor, id).await?;
    let mut res = ctx.page(&ContactPage {
        l: ctx.chrome("申请人完整身份信息"),
        case_id: id,
        c,
    })?;
    res.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}
