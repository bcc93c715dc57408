//! Reconsideration bodies' pages (also open to agency staff for their own agency): the
//! statistics dashboard with its SVG charts, the annual report's tables 三 and 四 with every
//! cell linked to the cases behind it, and the XLSX download.

use std::collections::HashMap;
use yishen_app::AppError;

use actix_web::HttpResponse;
use actix_web::web::{Path, Query};
use askama::Template;
use chrono::Datelike;

use super::{Chrome, PageCtx, PageResult};
use crate::auth::Actor;
use crate::error::ApiError;
use yishen_app::services::report::{self, AnnualReport, CellCases};
use yishen_app::services::stats::{self, ReconsiderationStats};

type Params = Query<HashMap<String, String>>;

fn param(q: &Params, name: &str) -> Option<String> {
    q.get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The query string shared by the dashboard and its charts (values are codes and dates).
fn stats_query(agency: &str, from: &str, to: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("agency", agency)
        .append_pair("from", from)
        .append_pair("to", to)
        .finish()
}

#[derive(Template)]
#[template(path = "stats.html")]
struct Dashboard {
    agencies: Vec<super::AgencyOption>,
    l: Chrome,
    s: ReconsiderationStats,
    query: String,
    /// Reading-room entries per agency of the reader's choice and year (依申请转主动).
    reading_room: Vec<yishen_app::services::reading_room::CountRow>,
}

impl Dashboard {
    /// A rate as the tables print it: the share and its 95% interval, or only the interval
    /// where the cell is too small for a percentage to mean much (docs/stats.md).
    fn rate(&self, r: &yishen_domain::stats::Rate) -> String {
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        match (r.rate, r.low, r.high) {
            (Some(_), Some(lo), Some(hi)) if r.small => {
                format!("样本不足（{}–{}）", pct(lo), pct(hi))
            }
            (Some(x), Some(lo), Some(hi)) => format!("{}（{}–{}）", pct(x), pct(lo), pct(hi)),
            _ => "—".to_owned(),
        }
    }

    /// The correction tables: caption, first column, rows.
    #[allow(clippy::type_complexity)]
    fn groups(
        &self,
    ) -> Vec<(
        &'static str,
        &'static str,
        &[yishen_domain::stats::RateItem],
    )> {
        let c = &self.s.correction;
        vec![
            ("按机关", "机关", &c.by_agency),
            ("按答复类型", "答复类型", &c.by_disposition),
            ("按法律依据", "法律依据", &c.by_ground),
            ("按月份", "月份", &c.by_month),
        ]
    }

    fn days(&self, d: &yishen_domain::stats::ReplyDays) -> String {
        match (d.median, d.p90) {
            (Some(m), Some(p)) => format!("{m} / {p}"),
            _ => "—".to_owned(),
        }
    }
}

async fn compute(
    ctx: &PageCtx,
    actor: &Actor,
    q: &Params,
) -> Result<ReconsiderationStats, AppError> {
    stats::reconsideration(
        &ctx.state,
        actor,
        param(q, "agency"),
        param(q, "from"),
        param(q, "to"),
        None,
    )
    .await
}

pub async fn dashboard(ctx: PageCtx, q: Params) -> PageResult {
    let actor = ctx.actor()?;
    let s = compute(&ctx, actor, &q).await?;
    let query = stats_query(&s.agency, &s.from.to_string(), &s.to.to_string());
    let agencies = ctx.agency_options().await?;
    let codes: std::collections::HashSet<&str> = agencies.iter().map(|a| a.code.as_str()).collect();
    let reading_room = yishen_app::services::reading_room::counts(&ctx.state)
        .await?
        .items
        .into_iter()
        .filter(|r| codes.contains(r.agency.as_str()))
        .collect();
    ctx.page(&Dashboard {
        reading_room,
        agencies,
        l: ctx.chrome(&format!("复议纠错与答复时效：{}", s.agency_name)),
        s,
        query,
    })
}

pub async fn chart(ctx: PageCtx, name: Path<String>, q: Params) -> PageResult {
    let actor = ctx.actor()?;
    let chart = stats::Chart::parse(&name).ok_or(ApiError::NotFound("图表"))?;
    let s = compute(&ctx, actor, &q).await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .insert_header(("cache-control", "private, no-store"))
        .insert_header((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'",
        ))
        .body(stats::chart_svg(&s, chart)?))
}

pub const COLUMNS: [(&str, &str); 7] = [
    ("natural_person", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("nonprofit", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
];

/// One cell of table 三 with the link to its cases.
pub struct AnnualCell {
    pub value: i64,
    pub row: &'static str,
    pub column: &'static str,
    pub href: String,
}

pub struct AnnualRow {
    pub label: &'static str,
    pub cells: Vec<AnnualCell>,
}

#[derive(Template)]
#[template(path = "annual.html")]
struct Annual {
    agencies: Vec<super::AgencyOption>,
    l: Chrome,
    r: AnnualReport,
    rows: Vec<AnnualRow>,
    base: String,
    agency: String,
    year: i32,
    subtree: bool,
}

fn annual_rows(r: &AnnualReport, base: &str) -> Vec<AnnualRow> {
    r.table3
        .rows
        .iter()
        .map(|row| AnnualRow {
            label: row.label,
            cells: row
                .values
                .iter()
                .zip(COLUMNS)
                .map(|(v, (column, _))| {
                    let q = form_urlencoded::Serializer::new(String::new())
                        .append_pair("row", row.key)
                        .append_pair("column", column)
                        .finish();
                    AnnualCell {
                        value: *v,
                        row: row.key,
                        column,
                        href: format!("/stats/annual/cell?{base}&{q}"),
                    }
                })
                .collect(),
        })
        .collect()
}

fn annual_params(
    today: chrono::NaiveDate,
    actor: &Actor,
    q: &Params,
) -> Result<(String, i32, bool), ApiError> {
    let agency = param(q, "agency")
        .or_else(|| actor.agency.as_ref().map(|a| a.code.clone()))
        .ok_or_else(|| ApiError::field("agency", "required", "请指定机关代码"))?;
    let year = match param(q, "year") {
        Some(y) => y
            .parse()
            .map_err(|_| ApiError::field("year", "invalid", "年度应为四位数字"))?,
        None => today.year() - 1,
    };
    let subtree = match param(q, "subtree") {
        Some(v) => v == "1" || v == "true",
        None => actor.role == yishen_domain::Role::ReconsiderationBody,
    };
    Ok((agency, year, subtree))
}

fn base_query(agency: &str, year: i32, subtree: bool) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("agency", agency)
        .append_pair("year", &year.to_string())
        .append_pair("subtree", if subtree { "1" } else { "0" })
        .finish()
}

pub async fn annual(ctx: PageCtx, q: Params) -> PageResult {
    let actor = ctx.actor()?;
    let (agency, year, subtree) = annual_params(ctx.state.today(), actor, &q)?;
    let r = report::annual_report(&ctx.state, actor, agency.clone(), year, subtree).await?;
    let base = base_query(&agency, year, subtree);
    ctx.page(&Annual {
        agencies: ctx.agency_options().await?,
        l: ctx.chrome(&format!(
            "{}{}年度政府信息公开工作年度报告（表三、表四）",
            r.agency_name, year
        )),
        rows: annual_rows(&r, &base),
        base,
        r,
        agency,
        year,
        subtree,
    })
}

pub async fn annual_xlsx(ctx: PageCtx, q: Params) -> PageResult {
    let actor = ctx.actor()?;
    let (agency, year, subtree) = annual_params(ctx.state.today(), actor, &q)?;
    let r = report::annual_report(&ctx.state, actor, agency.clone(), year, subtree).await?;
    let bytes = report::to_xlsx(&r)?;
    let file = format!("政府信息公开工作年度报告-{agency}-{year}.xlsx");
    Ok(crate::routes::file_response(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        false,
        &file,
        bytes,
    ))
}

#[derive(Template)]
#[template(path = "cell.html")]
struct Cell {
    l: Chrome,
    c: CellCases,
    /// The Chinese names of each listed case's disposition and status.
    labels: Vec<(&'static str, &'static str)>,
    back: String,
}

/// The cases behind a cell of table 四 (the records counted there).
pub async fn outcome_cell(ctx: PageCtx, q: Params) -> PageResult {
    let actor = ctx.actor()?;
    let (agency, year, subtree) = annual_params(ctx.state.today(), actor, &q)?;
    let group = param(&q, "group").unwrap_or_else(|| "reconsideration".to_owned());
    let bucket = param(&q, "bucket").unwrap_or_else(|| "total".to_owned());
    let c = report::outcome_cell_cases(
        &ctx.state,
        actor,
        agency.clone(),
        year,
        subtree,
        group,
        bucket.clone(),
    )
    .await?;
    let bucket_label = yishen_domain::outcome::OutcomeBucket::parse(&bucket)
        .map(yishen_domain::outcome::OutcomeBucket::label)
        .unwrap_or("总计");
    let labels = labels_of(&c);
    ctx.page(&Cell {
        labels,
        l: ctx.chrome(&format!(
            "{year}年度报告表四：{} × {bucket_label}",
            c.row_label
        )),
        c,
        back: format!("/stats/annual?{}", base_query(&agency, year, subtree)),
    })
}

/// The Chinese names of each listed case's disposition and status.
fn labels_of(c: &CellCases) -> Vec<(&'static str, &'static str)> {
    c.items
        .iter()
        .map(|i| {
            (
                i.disposition
                    .as_deref()
                    .and_then(yishen_domain::Disposition::parse)
                    .map(yishen_domain::Disposition::label)
                    .unwrap_or(""),
                yishen_domain::case::Status::parse(&i.status)
                    .map(yishen_domain::case::Status::label)
                    .unwrap_or(""),
            )
        })
        .collect()
}

pub async fn cell(ctx: PageCtx, q: Params) -> PageResult {
    let actor = ctx.actor()?;
    let (agency, year, subtree) = annual_params(ctx.state.today(), actor, &q)?;
    let row = param(&q, "row").ok_or_else(|| ApiError::field("row", "required", "请指定行"))?;
    let column = param(&q, "column").unwrap_or_else(|| "total".to_owned());
    let c = report::cell_cases(
        &ctx.state,
        actor,
        agency.clone(),
        year,
        subtree,
        row,
        column.clone(),
        200,
        0,
    )
    .await?;
    let column_label = COLUMNS
        .iter()
        .find(|(k, _)| *k == column)
        .map(|(_, l)| *l)
        .unwrap_or("");
    let labels = labels_of(&c);
    ctx.page(&Cell {
        labels,
        l: ctx.chrome(&format!("{year}年度报告：{} × {column_label}", c.row_label)),
        c,
        back: format!("/stats/annual?{}", base_query(&agency, year, subtree)),
    })
}
