//! The statutory annual report (国办公开办函〔2021〕30号) for an agency, optionally with its
//! subtree: tables 三 and 四 as JSON, CSV or XLSX, with the template's identities checked, and
//! the cases behind any cell of table 三. The arithmetic is `yishen_domain::annual`; the
//! queries are `yishen_store::models::report`; this module authorizes and formats.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use serde::Serialize;
use yishen_domain::annual::{self, Cell, Check, Table3, Table4};
use yishen_domain::case::ApplicantCategory;
use yishen_store::models::agency::{self, Agency};
use yishen_store::models::report::{self, ReportScope};

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;
use crate::policy;
use crate::services::generation_cache::GenerationCache;

/// The earliest report year: the 2019 regulation and the 2021 format.
pub const FIRST_YEAR: i32 = 2019;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnualReport {
    pub agency: String,
    pub agency_name: String,
    pub year: i32,
    pub subtree: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub table3: Table3,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub table4: Table4,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub checks: Vec<Check>,
}

fn bounds(today: NaiveDate, year: i32) -> Result<(NaiveDate, NaiveDate), AppError> {
    let this_year = chrono::Datelike::year(&today);
    if !(FIRST_YEAR..=this_year).contains(&year) {
        return Err(AppError::field(
            "year",
            "out_of_range",
            format!("年度须在{FIRST_YEAR}至{this_year}之间"),
        ));
    }
    annual::year_bounds(year).ok_or_else(|| AppError::field("year", "out_of_range", "年度无效"))
}

fn target(conn: &mut yishen_store::DbConn, code: &str) -> Result<Agency, AppError> {
    agency::find_by_code(conn, code)?.ok_or(AppError::NotFound("机关"))
}

pub async fn annual_report(
    state: &Ctx,
    actor: &Actor,
    agency_code: String,
    year: i32,
    subtree: bool,
) -> Result<AnnualReport, AppError> {
    let (first, last) = bounds(state.today(), year)?;
    let actor = actor.clone();
    let cache = std::sync::Arc::clone(&state.table4_cache);
    state
        .read_stats(move |conn| {
            let a = target(conn, &agency_code)?;
            let scope = policy::report_scope(&actor, &a, subtree)?;
            compute(conn, &cache, &a, &scope, year, subtree, first, last)
        })
        .await
}

/// The report for an agency without an actor (the `yishen report annual` command).
pub async fn annual_report_unchecked(
    state: &Ctx,
    agency_code: String,
    year: i32,
    subtree: bool,
) -> Result<AnnualReport, AppError> {
    let (first, last) = annual::year_bounds(year)
        .ok_or_else(|| AppError::field("year", "out_of_range", "年度无效"))?;
    let cache = std::sync::Arc::clone(&state.table4_cache);
    state
        .read_stats(move |conn| {
            let a = target(conn, &agency_code)?;
            let scope = if subtree {
                ReportScope::Subtree(a.path.clone())
            } else {
                ReportScope::Agency(a.id)
            };
            compute(conn, &cache, &a, &scope, year, subtree, first, last)
        })
        .await
}

/// Counts table 四 of this year's and last year's report of every top agency's tree into the
/// cache, where the first reader finds it (`services::warm`).
pub async fn warm(state: &Ctx) -> Result<(), AppError> {
    let this_year = state.today().year();
    let cache = std::sync::Arc::clone(&state.table4_cache);
    state
        .read_stats(move |conn| {
            for a in agency::list(conn)? {
                if a.parent_id.is_some() {
                    continue;
                }
                for year in (this_year - 1).max(FIRST_YEAR)..=this_year {
                    let Some((first, last)) = annual::year_bounds(year) else {
                        continue;
                    };
                    let scope = ReportScope::Subtree(a.path.clone());
                    compute(conn, &cache, &a, &scope, year, true, first, last)?;
                }
            }
            Ok(())
        })
        .await
}

/// Table 三 from the tallies; table 四 from the outcome records, kept while the statistics'
/// generation has not moved (`generation_cache`): it reads every reconsideration and suit of
/// the scope, a tenth of a second at a province's size.
#[allow(clippy::too_many_arguments)]
fn compute(
    conn: &mut yishen_store::DbConn,
    table4_cache: &GenerationCache<Table4>,
    a: &Agency,
    scope: &ReportScope,
    year: i32,
    subtree: bool,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<AnnualReport, AppError> {
    let counts = report::table3_counts(conn, scope, year)?;
    let (table3, mut checks) = annual::table3(&counts);
    let generation = yishen_store::models::stats::generation(conn)?;
    let table4 = table4_cache.get_or_compute(format!("{scope:?}|{year}"), generation, || {
        let (recs, direct, after) = report::outcome_facts(conn, scope, first, last)?;
        Ok(annual::table4(year, &recs, &direct, &after))
    })?;
    for (name, five) in [
        ("行政复议", table4.reconsideration),
        ("未经复议直接起诉", table4.litigation_direct),
        ("复议后起诉", table4.litigation_after_reconsideration),
    ] {
        let v = five.values();
        checks.push(Check {
            name: format!("表四{name}：总计 = 四项之和"),
            ok: v[0] + v[1] + v[2] + v[3] == v[4],
        });
    }
    Ok(AnnualReport {
        agency: a.code.clone(),
        agency_name: a.name.clone(),
        year,
        subtree,
        table3,
        table4,
        checks,
    })
}

/// What `yishen report verify` found.
#[derive(Debug)]
pub struct TallyCheck {
    /// Keys (agency, category, disposition, year received, year concluded) compared.
    pub keys: usize,
    /// Cases counted by the recount.
    pub cases: i64,
    /// The first key whose tally differs from the recount, in words.
    pub difference: Option<String>,
}

/// Compares the tallies table 三 is summed from with a recount of the cases, in one read
/// snapshot, and describes the first difference in Chinese.
pub async fn verify(state: &Ctx) -> Result<TallyCheck, AppError> {
    state
        .read(|conn| {
            let kept = report::tallies(conn)?;
            let counted = report::recount(conn)?;
            let agencies = agency::list(conn)?;
            Ok(compare_tallies(kept, counted, &agencies))
        })
        .await
}

fn compare_tallies(
    mut kept: Vec<report::TallyRow>,
    mut counted: Vec<report::TallyRow>,
    agencies: &[Agency],
) -> TallyCheck {
    use std::collections::BTreeMap;
    kept.sort();
    counted.sort();
    let cases = counted.iter().map(|r| r.n).sum();
    let key = |r: &report::TallyRow| {
        (
            r.agency_id,
            r.category.clone(),
            r.disposition.clone(),
            r.received_year,
            r.concluded_year,
        )
    };
    let kept: BTreeMap<_, i64> = kept.iter().map(|r| (key(r), r.n)).collect();
    let counted: BTreeMap<_, i64> = counted.iter().map(|r| (key(r), r.n)).collect();
    let mut keys: Vec<_> = kept.keys().chain(counted.keys()).collect();
    keys.sort();
    keys.dedup();
    let difference = keys.iter().find_map(|k| {
        let (a, b) = (
            kept.get(*k).copied().unwrap_or(0),
            counted.get(*k).copied().unwrap_or(0),
        );
        (a != b).then(|| {
            let (agency_id, category, disposition, received, concluded) = k;
            let agency = agencies
                .iter()
                .find(|x| x.id == *agency_id)
                .map(|x| format!("{}（{}）", x.name, x.code))
                .unwrap_or_else(|| format!("编号{agency_id}的机关"));
            let category = ApplicantCategory::parse(category)
                .map(|c| c.label().to_owned())
                .unwrap_or_else(|| category.clone());
            let disposition = if disposition.is_empty() {
                "尚无办理结果".to_owned()
            } else {
                yishen_domain::Disposition::parse(disposition)
                    .map(|d| d.label().to_owned())
                    .unwrap_or_else(|| disposition.clone())
            };
            let concluded = if *concluded == report::NOT_CONCLUDED {
                "尚未办结".to_owned()
            } else {
                format!("{concluded}年办结")
            };
            format!(
                "{agency}，申请人类别“{category}”，办理结果“{disposition}”，{received}年收到、\
                 {concluded}：汇总表记 {a} 件，逐件重算为 {b} 件"
            )
        })
    });
    TallyCheck {
        keys: keys.len(),
        cases,
        difference,
    }
}

/// One case behind a cell.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellCaseView {
    pub id: i64,
    pub tracking_no: String,
    pub agency_code: String,
    pub agency_name: String,
    pub applicant_category: String,
    pub received_on: Option<NaiveDate>,
    pub concluded_on: Option<NaiveDate>,
    pub disposition: Option<String>,
    pub status: String,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CellCases {
    pub row: String,
    pub row_label: &'static str,
    pub column: String,
    pub total: i64,
    pub items: Vec<CellCaseView>,
}

/// A listed case with its agency's name (`names`: code → name of the report's subtree).
fn cell_view(
    c: report::CellCase,
    names: &std::collections::HashMap<String, String>,
) -> CellCaseView {
    CellCaseView {
        id: c.id,
        tracking_no: c.tracking_no,
        agency_name: names.get(&c.agency_code).cloned().unwrap_or_default(),
        agency_code: c.agency_code,
        applicant_category: c.applicant_category,
        received_on: c.received_on,
        concluded_on: c.concluded_on,
        disposition: c.disposition,
        status: c.status,
    }
}

/// The agencies of the report's subtree by code, for the names in its lists.
fn names_under(
    conn: &mut yishen_store::DbConn,
    a: &Agency,
) -> Result<std::collections::HashMap<String, String>, AppError> {
    Ok(agency::subtree(conn, &a.path)?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect())
}

/// The cases behind the cell at `row` × `column` of table 三.
#[allow(clippy::too_many_arguments)]
pub async fn cell_cases(
    state: &Ctx,
    actor: &Actor,
    agency_code: String,
    year: i32,
    subtree: bool,
    row: String,
    column: String,
    limit: i64,
    offset: i64,
) -> Result<CellCases, AppError> {
    let (first, last) = bounds(state.today(), year)?;
    let cell = Cell::of_row(&row).ok_or_else(|| {
        AppError::field(
            "row",
            "unknown_value",
            "行无效，可选：new、carried_over、disclosed … carried_forward（见年度报告的 key）",
        )
    })?;
    let row_label = annual::ROWS
        .iter()
        .find(|(k, _)| *k == row)
        .map(|(_, l)| *l)
        .unwrap_or("");
    let category = match column.as_str() {
        "total" => None,
        c if ApplicantCategory::parse(c).is_some() => Some(c.to_owned()),
        _ => {
            return Err(AppError::field(
                "column",
                "unknown_value",
                format!("列无效，可选：{}、total", ApplicantCategory::codes()),
            ));
        }
    };
    let actor = actor.clone();
    state
        .read_stats(move |conn| {
            let a = target(conn, &agency_code)?;
            let scope = policy::report_scope(&actor, &a, subtree)?;
            let names = names_under(conn, &a)?;
            let (items, total) = report::cell_cases(
                conn,
                &scope,
                first,
                last,
                &cell,
                category.as_deref(),
                limit,
                offset,
            )?;
            Ok(CellCases {
                row,
                row_label,
                column,
                total,
                items: items.into_iter().map(|c| cell_view(c, &names)).collect(),
            })
        })
        .await
}

/// The cases behind a cell of table 四: `group` (`reconsideration`, `litigation_direct`,
/// `litigation_after_reconsideration`) × `bucket` (`upheld`, `corrected`, `other`, `pending`
/// or `total`), counted by the same rule as the table.
pub async fn outcome_cell_cases(
    state: &Ctx,
    actor: &Actor,
    agency_code: String,
    year: i32,
    subtree: bool,
    group: String,
    bucket: String,
) -> Result<CellCases, AppError> {
    use yishen_domain::annual::OutcomeGroup;
    use yishen_domain::outcome::OutcomeBucket;
    let (first, last) = bounds(state.today(), year)?;
    let g = OutcomeGroup::parse(&group).ok_or_else(|| {
        AppError::field(
            "group",
            "unknown_value",
            "分组无效，可选：reconsideration、litigation_direct、litigation_after_reconsideration",
        )
    })?;
    let b = match bucket.as_str() {
        "total" => None,
        other => Some(OutcomeBucket::parse(other).ok_or_else(|| {
            AppError::field(
                "bucket",
                "unknown_value",
                format!("结果无效，可选：{}、total", OutcomeBucket::codes()),
            )
        })?),
    };
    let actor = actor.clone();
    state
        .read_stats(move |conn| {
            let a = target(conn, &agency_code)?;
            let scope = policy::report_scope(&actor, &a, subtree)?;
            let names = names_under(conn, &a)?;
            let (recs, direct, after) = report::outcome_facts(conn, &scope, first, last)?;
            let facts = match g {
                OutcomeGroup::Reconsideration => recs,
                OutcomeGroup::LitigationDirect => direct,
                OutcomeGroup::LitigationAfterReconsideration => after,
            };
            let mut ids: Vec<i64> = facts
                .iter()
                .filter(|f| f.in_cell(year, g, b))
                .map(|f| f.case_id)
                .collect();
            // A case with two records in the cell is counted twice in the table; listed once.
            let total = i64::try_from(ids.len()).unwrap_or(i64::MAX);
            ids.sort_unstable();
            ids.dedup();
            let items = report::cases_by_ids(conn, &ids)?;
            Ok(CellCases {
                row: group,
                row_label: g.label(),
                column: bucket,
                total,
                items: items.into_iter().map(|c| cell_view(c, &names)).collect(),
            })
        })
        .await
}

/// Table 三's column headers, in order.
fn column_labels() -> [&'static str; 7] {
    [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]
}

const TABLE4_HEADERS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese): table 三 with a header
/// line, a blank line, table 四 as three labelled lines, and the checks. Written by the `csv`
/// crate, which quotes whatever needs it (a comma, a quote, a line break of either kind).
pub fn to_csv(r: &AnnualReport) -> Result<String, AppError> {
    csv_text(r).map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))
}

fn csv_text(r: &AnnualReport) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let writer = || {
        csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new())
    };
    let scope = if r.subtree {
        "（含下级机关）"
    } else {
        ""
    };
    let mut w = writer();
    w.write_record([format!(
        "{}{}{}年度政府信息公开工作年度报告",
        r.agency_name, scope, r.year
    )])?;
    w.write_record(["三、收到和处理政府信息公开申请情况"])?;
    w.write_record(std::iter::once("项目").chain(column_labels()))?;
    for row in &r.table3.rows {
        w.write_record(
            std::iter::once(row.label.to_owned()).chain(row.values.iter().map(i64::to_string)),
        )?;
    }
    let table3 = w.into_inner()?;
    let mut w = writer();
    w.write_record(["四、政府信息公开行政复议、行政诉讼情况"])?;
    w.write_record(std::iter::once("类别").chain(TABLE4_HEADERS))?;
    for (label, five) in [
        ("行政复议", r.table4.reconsideration),
        ("行政诉讼（未经复议直接起诉）", r.table4.litigation_direct),
        (
            "行政诉讼（复议后起诉）",
            r.table4.litigation_after_reconsideration,
        ),
    ] {
        w.write_record(
            std::iter::once(label.to_owned()).chain(five.values().iter().map(i64::to_string)),
        )?;
    }
    let table4 = w.into_inner()?;
    let mut w = writer();
    w.write_record(["勾稽关系校验", "结果"])?;
    for c in &r.checks {
        w.write_record([c.name.as_str(), if c.ok { "通过" } else { "不符" }])?;
    }
    let checks = w.into_inner()?;
    // A blank line between the parts (a record of one empty field would be written `""`).
    let parts = [table3, table4, checks]
        .map(String::from_utf8)
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("\u{feff}{}", parts.join("\n")))
}

/// XLSX laid out like the official tables: merged three-row header of table 三 (with the
/// identity note in the corner), the 15-number table 四 with its two header rows, and a
/// sheet of checks.
pub fn to_xlsx(r: &AnnualReport) -> Result<Vec<u8>, AppError> {
    xlsx(r).map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))
}

fn xlsx(r: &AnnualReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let label = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let title = Format::new().set_bold().set_font_size(14);

    let ws = wb.add_worksheet();
    ws.set_name("表三")?;
    ws.set_column_width(0, 60)?;
    for c in 1..=7u16 {
        ws.set_column_width(c, 12)?;
    }
    let scope = if r.subtree {
        "（含下级机关）"
    } else {
        ""
    };
    ws.write_with_format(
        0,
        0,
        format!(
            "{}{}{}年度 三、收到和处理政府信息公开申请情况",
            r.agency_name, scope, r.year
        ),
        &title,
    )?;
    ws.merge_range(
        1,
        0,
        3,
        0,
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        &head,
    )?;
    ws.merge_range(1, 1, 1, 7, "申请人情况", &head)?;
    ws.merge_range(2, 1, 3, 1, "自然人", &head)?;
    ws.merge_range(2, 2, 2, 6, "法人或其他组织", &head)?;
    ws.merge_range(2, 7, 3, 7, "总计", &head)?;
    for (i, l) in column_labels()[1..6].iter().enumerate() {
        ws.write_with_format(3, 2 + i as u16, *l, &head)?;
    }
    for (i, row) in r.table3.rows.iter().enumerate() {
        let y = 4 + i as u32;
        ws.write_with_format(y, 0, row.label, &label)?;
        for (j, v) in row.values.iter().enumerate() {
            ws.write_number_with_format(y, 1 + j as u16, *v as f64, &cell)?;
        }
    }

    let ws = wb.add_worksheet();
    ws.set_name("表四")?;
    ws.write_with_format(
        0,
        0,
        format!(
            "{}{}{}年度 四、政府信息公开行政复议、行政诉讼情况",
            r.agency_name, scope, r.year
        ),
        &title,
    )?;
    ws.merge_range(1, 0, 1, 4, "行政复议", &head)?;
    ws.merge_range(1, 5, 1, 14, "行政诉讼", &head)?;
    for (i, h) in TABLE4_HEADERS.iter().enumerate() {
        ws.merge_range(2, i as u16, 3, i as u16, h, &head)?;
    }
    ws.merge_range(2, 5, 2, 9, "未经复议直接起诉", &head)?;
    ws.merge_range(2, 10, 2, 14, "复议后起诉", &head)?;
    for block in [5u16, 10] {
        for (i, h) in TABLE4_HEADERS.iter().enumerate() {
            ws.write_with_format(3, block + i as u16, *h, &head)?;
        }
    }
    let values = r
        .table4
        .reconsideration
        .values()
        .into_iter()
        .chain(r.table4.litigation_direct.values())
        .chain(r.table4.litigation_after_reconsideration.values());
    for (i, v) in values.enumerate() {
        ws.set_column_width(i as u16, 10)?;
        ws.write_number_with_format(4, i as u16, v as f64, &cell)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("勾稽关系校验")?;
    ws.set_column_width(0, 50)?;
    ws.write_with_format(0, 0, "校验项", &head)?;
    ws.write_with_format(0, 1, "结果", &head)?;
    for (i, c) in r.checks.iter().enumerate() {
        ws.write_with_format(1 + i as u32, 0, c.name.as_str(), &label)?;
        ws.write_with_format(1 + i as u32, 1, if c.ok { "通过" } else { "不符" }, &cell)?;
    }
    wb.save_to_buffer()
}
