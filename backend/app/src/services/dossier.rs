//! The applicant dossier (申请人档案) for the 联合会商 meeting (legal.md §6.3): one case's
//! identity cluster laid out as evidence — how many applications by month, which cases are
//! linked and by what kind of data, the request texts side by side with the most similar
//! earlier ones, and the flags with their evidence and decisions.
//!
//! What it never shows: identity numbers, phones, e-mail or postal addresses (only which kind
//! of data joined the applications and how many share it), and nothing of any other cluster —
//! everything here is read from the case's own cluster. The request texts of cases at agencies
//! the reader may not see are left out; their date, agency and similarity stay, because the
//! meeting needs to know the same request went elsewhere.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use yishen_domain::screening::{ARTICLE_35_STEPS, Evidence, ProceedingKind};
use yishen_store::CaseId;
use yishen_store::models::case::{self as case_store, CaseScope};
use yishen_store::models::flag as flag_store;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;
use crate::services::flags::{self, FlagView, LoadedCluster, Member};

/// Earlier requests set beside the case's own, the most similar first.
const SIDE_BY_SIDE: usize = 5;
/// Linked cases listed at most (newest first); the counts cover the whole cluster read.
const LINKED_MAX: usize = 300;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierCase {
    pub id: i64,
    pub tracking_no: String,
    pub agency_name: String,
    pub received_on: NaiveDate,
    pub text: String,
}

/// Which kind of data joined applications, and how many share it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkSummary {
    /// `id_number`, `phone`, `email`, `address`.
    pub kind: String,
    pub label: String,
    pub applications: u32,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterSummary {
    pub applications: usize,
    /// The names the cluster's applications were filed under.
    pub names: Vec<String>,
    pub agencies: usize,
    pub links: Vec<LinkSummary>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthCount {
    /// `2026-03`.
    pub month: String,
    pub applications: u32,
    pub agencies: u32,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedCase {
    pub id: i64,
    pub tracking_no: String,
    pub agency_name: String,
    pub received_on: NaiveDate,
    pub status: String,
    pub disposition: Option<String>,
    /// Similarity of its request to this case's (0..=1, MinHash estimate).
    pub similarity: f64,
    /// 行政复议 / 行政诉讼, with "（未结）" while pending.
    pub proceedings: Vec<String>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextPair {
    pub case_id: CaseId,
    pub tracking_no: String,
    pub agency_name: String,
    pub received_on: NaiveDate,
    pub similarity: f64,
    /// When a flag found this request restated in other words by the similar-case index:
    /// the restatement (0..=1).
    pub restatement: Option<f64>,
    /// `None` when the case belongs to an agency the reader may not see.
    pub text: Option<String>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dossier {
    pub title: String,
    pub generated_on: NaiveDate,
    pub case: DossierCase,
    pub cluster: ClusterSummary,
    pub by_month: Vec<MonthCount>,
    pub linked_cases: Vec<LinkedCase>,
    /// More linked cases were read than listed.
    pub linked_truncated: bool,
    pub side_by_side: Vec<TextPair>,
    pub flags: Vec<FlagView>,
    /// The 条例35 steps, when a confirmed mass-application flag offers them.
    pub article_35_steps: Vec<String>,
}

fn visible(scope: &CaseScope, m: &Member) -> bool {
    match scope {
        CaseScope::All => true,
        CaseScope::Agency(id) => m.agency_id == *id,
        CaseScope::Subtree(prefix) => m.agency_path.starts_with(prefix.as_str()),
        CaseScope::Applicant(_) => false,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn build(
    loaded: &LoadedCluster,
    case_id: CaseId,
    scope: &CaseScope,
    flags: Vec<FlagView>,
    today: NaiveDate,
) -> Result<Dossier, AppError> {
    let me = loaded
        .member(case_id)
        .ok_or_else(|| anyhow::anyhow!("case {case_id} missing from its own cluster"))?;
    // Only the members joined to this case: the batch read may hold nothing else, but the
    // cluster's own member list is the authority.
    let members: Vec<&Member> = loaded
        .cluster
        .members
        .iter()
        .filter_map(|id| loaded.member(CaseId(*id)))
        .collect();
    let names: BTreeSet<String> = members
        .iter()
        .map(|m| m.applicant_name.trim().to_owned())
        .collect();
    let agencies: BTreeSet<&str> = members.iter().map(|m| m.app.agency.as_str()).collect();
    let mut months: BTreeMap<String, (u32, BTreeSet<&str>)> = BTreeMap::new();
    for m in &members {
        let d = m.app.received_on;
        let e = months
            .entry(format!("{:04}-{:02}", d.year(), d.month()))
            .or_default();
        e.0 += 1;
        e.1.insert(m.app.agency.as_str());
    }
    let mut others: Vec<&Member> = members
        .iter()
        .copied()
        .filter(|m| m.app.id != case_id.get())
        .collect();
    others.sort_by_key(|m| std::cmp::Reverse((m.app.received_on, m.app.id)));
    let linked_truncated = others.len() > LINKED_MAX;
    let linked_cases = others
        .iter()
        .take(LINKED_MAX)
        .map(|m| LinkedCase {
            id: m.app.id,
            tracking_no: m.app.tracking_no.clone().unwrap_or_default(),
            agency_name: m.agency_name.clone(),
            received_on: m.app.received_on,
            status: m.status.label().to_owned(),
            disposition: m.disposition.map(|d| d.label().to_owned()),
            similarity: round2(me.similarity(m)),
            proceedings: m
                .proceedings
                .iter()
                .map(|p| {
                    let kind = match p.kind {
                        ProceedingKind::Reconsideration => "行政复议",
                        ProceedingKind::Litigation => "行政诉讼",
                    };
                    if p.pending_on(today) {
                        format!("{kind}（未结）")
                    } else {
                        kind.to_owned()
                    }
                })
                .collect(),
        })
        .collect();
    // Requests the flags found restated in other words rank by that, however unlike their
    // characters are.
    let restated: HashMap<i64, f64> = flags
        .iter()
        .filter_map(|f| serde_json::from_value::<Evidence>(f.evidence.clone()).ok())
        .flat_map(|e| e.restatements())
        .collect();
    let mut similar: Vec<(&Member, f64, Option<f64>)> = others
        .iter()
        .filter(|m| m.app.received_on <= me.app.received_on)
        .map(|m| (*m, me.similarity(m), restated.get(&m.app.id).copied()))
        .collect();
    let rank = |(_, sim, r): &(&Member, f64, Option<f64>)| r.map_or(*sim, |r| r.max(*sim));
    similar.sort_by(|a, b| {
        rank(b)
            .total_cmp(&rank(a))
            .then(b.0.app.id.cmp(&a.0.app.id))
    });
    let side_by_side = similar
        .into_iter()
        .take(SIDE_BY_SIDE)
        .map(|(m, sim, restatement)| TextPair {
            case_id: CaseId(m.app.id),
            tracking_no: m.app.tracking_no.clone().unwrap_or_default(),
            agency_name: m.agency_name.clone(),
            received_on: m.app.received_on,
            similarity: round2(sim),
            restatement,
            text: visible(scope, m).then(|| m.app.text.clone()),
        })
        .collect();
    let offers = flags.iter().any(|f| f.offers_article_35);
    let article_35_steps = if offers {
        ARTICLE_35_STEPS
            .iter()
            .map(|(_, text)| (*text).to_owned())
            .collect()
    } else {
        Vec::new()
    };
    Ok(Dossier {
        title: "政府信息公开申请人档案（供联合会商）".to_owned(),
        generated_on: today,
        case: DossierCase {
            id: me.app.id,
            tracking_no: me.app.tracking_no.clone().unwrap_or_default(),
            agency_name: me.agency_name.clone(),
            received_on: me.app.received_on,
            text: me.app.text.clone(),
        },
        cluster: ClusterSummary {
            applications: members.len(),
            names: names.into_iter().collect(),
            agencies: agencies.len(),
            links: loaded
                .cluster
                .join_summary()
                .into_iter()
                .map(|(kind, n)| LinkSummary {
                    kind: kind.as_str().to_owned(),
                    label: kind.label().to_owned(),
                    applications: n,
                })
                .collect(),
        },
        by_month: months
            .into_iter()
            .map(|(month, (n, a))| MonthCount {
                month,
                applications: n,
                agencies: u32::try_from(a.len()).unwrap_or(u32::MAX),
            })
            .collect(),
        linked_cases,
        linked_truncated,
        side_by_side,
        flags,
        article_35_steps,
    })
}

/// The dossier of case `id`'s applicant (staff who may see the case). Each opening is
/// recorded in the access log of personal data (`services::access_log`).
pub async fn dossier(state: &Ctx, actor: &Actor, id: CaseId) -> Result<Dossier, AppError> {
    flags::staff_only(actor)?;
    let scope = policy::case_scope(actor)?;
    let pii = state.pii.clone();
    let today = state.today();
    let d = state
        .read(move |conn| {
            case_store::find(conn, id, &scope)?.ok_or(AppError::NotFound("案件"))?;
            let loaded =
                flags::load_cluster(conn, &pii, id, today)?.ok_or(AppError::NotFound("案件"))?;
            let flags = flag_store::for_case(conn, id)?
                .into_iter()
                .map(flags::view)
                .collect();
            build(&loaded, id, &scope, flags, today)
        })
        .await?;
    crate::services::access_log::dossier_opened(state, actor, id).await?;
    Ok(d)
}

/// The dossier as a PDF, set like the letters (A4, the GB/T 9704 grid, the same fonts).
pub fn to_pdf(state: &Ctx, d: &Dossier) -> Result<Vec<u8>, AppError> {
    use yishen_letters::{Block, Document};
    let date = yishen_domain::calendar::chinese_date;
    let mut blocks = vec![
        Block::Heading("一、本件申请".to_owned()),
        Block::Paragraph(format!(
            "登记编号{}，{}于{}收到。申请内容：{}",
            d.case.tracking_no,
            d.case.agency_name,
            date(d.case.received_on),
            d.case.text
        )),
        Block::Heading("二、申请人身份关联".to_owned()),
        Block::Paragraph(format!(
            "同一申请人（含关联署名）共提出申请{}件，涉及{}个机关，署名：{}。",
            d.cluster.applications,
            d.cluster.agencies,
            d.cluster.names.join("、")
        )),
    ];
    if d.cluster.links.is_empty() {
        blocks.push(Block::Paragraph(
            "未发现与其他申请共用的身份信息。".to_owned(),
        ));
    }
    for l in &d.cluster.links {
        blocks.push(Block::Paragraph(format!(
            "{}件申请使用同一{}。",
            l.applications, l.label
        )));
    }
    blocks.push(Block::Heading("三、按月申请数量".to_owned()));
    blocks.push(Block::Paragraph(
        d.by_month
            .iter()
            .map(|m| format!("{}：{}件（{}个机关）", m.month, m.applications, m.agencies))
            .collect::<Vec<_>>()
            .join("；"),
    ));
    blocks.push(Block::Heading("四、甄别提示".to_owned()));
    if d.flags.is_empty() {
        blocks.push(Block::Paragraph("本件未触发甄别规则。".to_owned()));
    }
    for f in &d.flags {
        let (kind, status) = flags::labels(&f.kind, &f.status);
        let mut line = format!("{kind}（{status}）：{}", f.summary);
        if let Some(r) = &f.decision_reason {
            line.push_str(&format!("。处理理由：{r}"));
        }
        blocks.push(Block::Paragraph(line));
    }
    if !d.article_35_steps.is_empty() {
        blocks.push(Block::Heading("五、条例第三十五条处理步骤".to_owned()));
        for (i, s) in d.article_35_steps.iter().enumerate() {
            blocks.push(Block::Paragraph(format!("{}. {s}", i + 1)));
        }
    }
    blocks.push(Block::Heading("六、内容最相近的在先申请".to_owned()));
    if d.side_by_side.is_empty() {
        blocks.push(Block::Paragraph("无。".to_owned()));
    }
    for p in &d.side_by_side {
        let text = p
            .text
            .as_deref()
            .unwrap_or("（该申请属其他机关办理，内容不予显示）");
        let restated = p
            .restatement
            .map(|r| format!("，措辞不同、内容重合度{:.0}%", r * 100.0))
            .unwrap_or_default();
        blocks.push(Block::Paragraph(format!(
            "{}（{}，{}，相似度{:.0}%{restated}）：{}",
            p.tracking_no,
            p.agency_name,
            date(p.received_on),
            p.similarity * 100.0,
            text
        )));
    }
    blocks.push(Block::Heading("七、关联申请清单".to_owned()));
    if d.linked_cases.is_empty() {
        blocks.push(Block::Paragraph("无。".to_owned()));
    }
    for c in &d.linked_cases {
        let mut line = format!(
            "{}　{}　{}　{}",
            c.tracking_no,
            c.agency_name,
            date(c.received_on),
            c.status
        );
        if let Some(disp) = &c.disposition {
            line.push_str(&format!("（{disp}）"));
        }
        if !c.proceedings.is_empty() {
            line.push_str(&format!("；{}", c.proceedings.join("、")));
        }
        blocks.push(Block::Paragraph(line));
    }
    if d.linked_truncated {
        blocks.push(Block::Paragraph(format!("（仅列出最近{LINKED_MAX}件。）")));
    }
    state
        .templates
        .render_document(&Document {
            title: d.title.clone(),
            blocks,
            signature: String::new(),
            date: date(d.generated_on),
        })
        .map_err(|e| AppError::Conflict {
            code: "document_incomplete",
            detail: format!("申请人档案无法生成：{}", e.chinese()),
        })
}
