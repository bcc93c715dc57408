//! The case-guidance manual (案例指导手册): for every reply corrected on reconsideration or
//! in court within a period, the facts (基本案情), the reply, the decision, why it was
//! corrected and the lesson, as Markdown or as a PDF set by `yishen_letters`. Applicants are
//! never named: the manual is for training staff.

use chrono::NaiveDate;
use serde::Serialize;
use yishen_domain::Disposition;
use yishen_domain::case::CaseEvent;
use yishen_domain::letter::LetterKind;
use yishen_domain::outcome::{
    CorrectionDefect, LitigationOutcome, OutcomeBucket, ReconsiderationDecision,
};
use yishen_store::CaseId;
use yishen_store::models::report::{self, CorrectedCase};
use yishen_store::models::{case_event, draft as draft_store, letter};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;

/// One entry of the manual.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManualEntry {
    pub tracking_no: String,
    pub agency_name: String,
    pub facts: String,
    pub reply: String,
    pub decision: String,
    pub why: String,
    pub lesson: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Manual {
    pub title: String,
    /// The agency the manual is compiled for.
    pub compiled_by: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub entries: Vec<ManualEntry>,
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(crate::services::issuing::chinese_date)
        .unwrap_or_else(|| "（日期不详）".to_owned())
}

/// The reasons the reply gave: the approved draft's, or the imported reply's.
fn reply_reasons(
    conn: &mut yishen_store::DbConn,
    case_id: CaseId,
) -> Result<Option<String>, AppError> {
    if let Some(d) = draft_store::find(conn, case_id)? {
        let data: serde_json::Value = serde_json::from_str(&d.data).unwrap_or_default();
        if let Some(r) = data["reasons"].as_str().filter(|r| !r.trim().is_empty()) {
            return Ok(Some(r.to_owned()));
        }
    }
    for row in case_event::for_case(conn, case_id)? {
        if let Ok(CaseEvent::Imported {
            reasons: Some(r), ..
        }) = serde_json::from_str::<CaseEvent>(&row.data)
        {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

fn entry(conn: &mut yishen_store::DbConn, c: CorrectedCase) -> Result<ManualEntry, AppError> {
    let disposition = c.disposition.as_deref().and_then(Disposition::parse);
    let facts = format!(
        "申请人于{}向{}申请公开“{}”。",
        date(c.received_on),
        c.agency_name,
        c.content.trim()
    );
    let number = letter::for_case(conn, c.case_id)?
        .into_iter()
        .rev()
        .find(|l| l.voided_at.is_none() && l.kind != LetterKind::Receipt)
        .map(|l| format!("（{}）", l.number))
        .unwrap_or_default();
    let mut reply = match disposition {
        Some(d) => format!(
            "{}于{}作出答复{number}：{}（{}）。",
            c.agency_name,
            date(c.concluded_on),
            d.label(),
            d.article()
        ),
        None => format!("{}未在法定期限内作出答复。", c.agency_name),
    };
    if let Some(r) = reply_reasons(conn, c.case_id)? {
        reply.push_str(&format!("理由：{r}"));
    }
    let (decision, defect) = match c.decision.as_deref() {
        Some(code) if code.starts_with("litigation:") => (
            LitigationOutcome::parse(code.trim_start_matches("litigation:"))
                .map(|o| format!("判决{}", o.label()))
                .unwrap_or_default(),
            None,
        ),
        Some(code) => (
            ReconsiderationDecision::parse(code)
                .map(|d| d.label().to_owned())
                .unwrap_or_default(),
            c.defect.as_deref().and_then(CorrectionDefect::parse),
        ),
        None => (String::new(), None),
    };
    let mut decision = format!("{}于{}作出{decision}。", c.decided_by, date(c.decided_on));
    if let Some(r) = c.reasons.as_deref().filter(|r| !r.trim().is_empty()) {
        decision.push_str(r.trim());
    }
    let why = match defect {
        Some(d) => format!("答复存在“{}”的问题。", d.label()),
        None => "纠错原因未记录，请结合决定书或判决书理由研读。".to_owned(),
    };
    let lesson = match defect {
        Some(d) => d.lesson().to_owned(),
        None => "对照决定书或判决书的理由，检查同类答复的事实认定、检索、说理和程序。".to_owned(),
    };
    Ok(ManualEntry {
        tracking_no: c.tracking_no,
        agency_name: c.agency_name,
        facts,
        reply,
        decision,
        why,
        lesson,
    })
}

/// The manual for the agency (and, for reconsideration bodies, its subtree) over `from..=to`.
pub async fn manual(
    state: &Ctx,
    actor: &Actor,
    agency_code: String,
    subtree: bool,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Manual, AppError> {
    if to < from {
        return Err(AppError::field(
            "to",
            "before_from",
            "截止日期不能早于起始日期",
        ));
    }
    let actor = actor.clone();
    state
        .read(move |conn| {
            let a = yishen_store::models::agency::find_by_code(conn, &agency_code)?
                .ok_or(AppError::NotFound("机关"))?;
            let scope = crate::policy::report_scope(&actor, &a, subtree)?;
            let corrected: Vec<&str> = ReconsiderationDecision::ALL
                .iter()
                .filter(|d| d.bucket() == OutcomeBucket::Corrected)
                .map(|d| d.as_str())
                .collect();
            let cases = report::corrected_cases(conn, &scope, from, to, &corrected)?;
            let entries = cases
                .into_iter()
                .map(|c| entry(conn, c))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Manual {
                title: format!("{}政府信息公开案例指导手册", a.name),
                compiled_by: a.name.clone(),
                from,
                to,
                entries,
            })
        })
        .await
}

/// The manual as Markdown.
pub fn to_markdown(m: &Manual) -> String {
    let mut out = format!(
        "# {}\n\n收录{}至{}期间经行政复议或行政诉讼被纠正的答复，共{}件。申请人信息已略去。\n",
        m.title,
        crate::services::issuing::chinese_date(m.from),
        crate::services::issuing::chinese_date(m.to),
        m.entries.len()
    );
    const NUMS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    for (i, e) in m.entries.iter().enumerate() {
        let n = NUMS
            .get(i)
            .map(|s| (*s).to_owned())
            .unwrap_or_else(|| (i + 1).to_string());
        out.push_str(&format!(
            "\n## 案例{n}：{}（{}）\n\n### 基本案情\n\n{}\n\n### 答复\n\n{}\n\n### 复议或诉讼结果\n\n{}\n\n### 纠错原因\n\n{}\n\n### 经验教训\n\n{}\n",
            e.agency_name, e.tracking_no, e.facts, e.reply, e.decision, e.why, e.lesson
        ));
    }
    out
}

/// The manual as a PDF, set like the letters (A4, the GB/T 9704 grid, the same fonts).
pub fn to_pdf(state: &Ctx, m: &Manual) -> Result<Vec<u8>, AppError> {
    use yishen_letters::{Block, Document};
    let mut blocks = vec![Block::Paragraph(format!(
        "收录{}至{}期间经行政复议或行政诉讼被纠正的答复，共{}件。申请人信息已略去。",
        crate::services::issuing::chinese_date(m.from),
        crate::services::issuing::chinese_date(m.to),
        m.entries.len()
    ))];
    for (i, e) in m.entries.iter().enumerate() {
        blocks.push(Block::Heading(format!(
            "案例{}　{}（{}）",
            i + 1,
            e.agency_name,
            e.tracking_no
        )));
        for (head, text) in [
            ("基本案情", &e.facts),
            ("答复", &e.reply),
            ("复议或诉讼结果", &e.decision),
            ("纠错原因", &e.why),
            ("经验教训", &e.lesson),
        ] {
            blocks.push(Block::Paragraph(format!("{head}：{text}")));
        }
    }
    state
        .templates
        .render_document(&Document {
            title: m.title.clone(),
            blocks,
            signature: m.compiled_by.clone(),
            date: crate::services::issuing::chinese_date(state.today()),
        })
        .map_err(|e| AppError::Conflict {
            code: "document_incomplete",
            detail: format!("案例指导手册无法生成：{}", e.chinese()),
        })
}
