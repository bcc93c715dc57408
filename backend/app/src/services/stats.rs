//! Statistics for reconsideration bodies (复议机关) across the agencies below them: correction
//! rates by agency, disposition, legal ground and month, on-time rates and working days to
//! reply, each with its Wilson interval and small cells marked, as JSON and as SVG charts.
//! The arithmetic and the definitions are `yishen_domain::stats`; the queries are
//! `yishen_store::models::stats`; this module authorizes (the annual report's scope rule),
//! validates the period, writes the notes and draws the charts (plotters, SVG backend only).
//! Nothing here reads an applicant's particulars: only agency names and counts leave it.

use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;
use yishen_domain::stats::{
    CorrectionStats, Rate, RateItem, ReplyDays, SMALL_CELL, TimelinessItem, TimelinessStats,
};
use yishen_store::models::agency;
use yishen_store::models::stats;

use crate::auth::Actor;
use crate::ctx::Ctx;
use crate::error::AppError;

/// The longest period one request may cover.
pub const MAX_YEARS: i32 = 10;

/// The statutory reply limit drawn on the reply-days chart (条例33第二款).
const REPLY_LIMIT: u32 = 20;

/// Font families for the SVG text: the browser picks the first it has.
const FONT: &str = "Noto Sans CJK SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif";

const SMALL_LABEL: &str = "样本不足5件";

const FORBIDDEN: &str =
    "复议机关只能查看本机关及其下级机关的统计；机关工作人员只能查看本机关（subtree=false）";

/// The statistics of one agency (and, by default, its subtree) over a period.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconsiderationStats {
    pub agency: String,
    pub agency_name: String,
    pub subtree: bool,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub correction: CorrectionStats,
    pub timeliness: TimelinessView,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinessView {
    pub by_agency: Vec<AgencyTimeliness>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub overall: TimelinessItem,
}

/// One agency's timeliness.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyTimeliness {
    pub agency_code: String,
    pub agency_name: String,
    pub label: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub on_time: Rate,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub reply_days: ReplyDays,
}

/// The charts served as SVG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    CorrectionByAgency,
    CorrectionByMonth,
    ReplyDays,
}

impl Chart {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "correction-by-agency" => Some(Self::CorrectionByAgency),
            "correction-by-month" => Some(Self::CorrectionByMonth),
            "reply-days" => Some(Self::ReplyDays),
            _ => None,
        }
    }
}

fn parse_date(
    value: Option<&str>,
    field: &str,
    name: &str,
    default: NaiveDate,
) -> Result<NaiveDate, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
            AppError::field(
                field,
                "invalid_date",
                format!("{name}须为YYYY-MM-DD格式的有效日期"),
            )
        }),
    }
}

/// The period `from..=to`: by default 1 January of this year to today.
pub fn period(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = parse_date(from, "from", "开始日期", first)?;
    let to = parse_date(to, "to", "结束日期", today)?;
    if to < from {
        return Err(AppError::field(
            "to",
            "out_of_range",
            "结束日期不得早于开始日期",
        ));
    }
    if from.checked_add_months(chrono::Months::new(12 * MAX_YEARS as u32)) <= Some(to) {
        return Err(AppError::field(
            "from",
            "out_of_range",
            format!("统计期间不得超过{MAX_YEARS}年"),
        ));
    }
    Ok((from, to))
}

/// The agency asked about: the one named, or the actor's own.
fn agency_code(actor: &Actor, agency: Option<String>) -> Result<String, AppError> {
    agency
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .or_else(|| actor.agency.as_ref().map(|a| a.code.clone()))
        .ok_or_else(|| AppError::field("agency", "required", "请指定机关代码"))
}

/// Computes the statistics for `agency` (its subtree unless `subtree` is false) over the
/// period; the actor must be allowed to see them (policy::report_scope).
pub async fn reconsideration(
    state: &Ctx,
    actor: &Actor,
    agency: Option<String>,
    from: Option<String>,
    to: Option<String>,
    subtree: Option<bool>,
) -> Result<ReconsiderationStats, AppError> {
    let (from, to) = period(from.as_deref(), to.as_deref(), state.today())?;
    let code = agency_code(actor, agency)?;
    let subtree = subtree.unwrap_or(true);
    let actor = actor.clone();
    let cache = std::sync::Arc::clone(&state.stats_cache);
    state
        .read_stats(move |conn| {
            let a = agency::find_by_code(conn, &code)?.ok_or(AppError::NotFound("机关"))?;
            let scope = crate::policy::report_scope(&actor, &a, subtree).map_err(|e| match e {
                AppError::Forbidden(_) => AppError::Forbidden(FORBIDDEN.into()),
                other => other,
            })?;
            cached(conn, &cache, a, &scope, subtree, from, to)
        })
        .await
}

/// Counts the default statistics of every top agency's tree (1 January to today, and last
/// year) into the cache, where a reconsideration body's first request finds them
/// (`services::warm`).
pub async fn warm(state: &Ctx) -> Result<(), AppError> {
    let today = state.today();
    let (from, to) = period(None, None, today)?;
    // And last year's whole year, what the annual review reads.
    let last_year = (
        NaiveDate::from_ymd_opt(today.year() - 1, 1, 1),
        NaiveDate::from_ymd_opt(today.year() - 1, 12, 31),
    );
    let mut periods = vec![(from, to)];
    if let (Some(f), Some(t)) = last_year {
        periods.push((f, t));
    }
    let cache = std::sync::Arc::clone(&state.stats_cache);
    state
        .read_stats(move |conn| {
            for a in agency::list(conn)? {
                if a.parent_id.is_none() {
                    let scope = yishen_store::models::report::ReportScope::Subtree(a.path.clone());
                    for (from, to) in &periods {
                        cached(conn, &cache, a.clone(), &scope, true, *from, *to)?;
                    }
                }
            }
            Ok(())
        })
        .await
}

/// The statistics kept for the current generation, or counted now (`generation_cache`).
fn cached(
    conn: &mut yishen_store::DbConn,
    cache: &crate::services::generation_cache::GenerationCache<ReconsiderationStats>,
    a: agency::Agency,
    scope: &yishen_store::models::report::ReportScope,
    subtree: bool,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReconsiderationStats, AppError> {
    let key = format!("{}|{subtree}|{from}|{to}", a.code);
    let generation = stats::generation(conn)?;
    cache.get_or_compute(key, generation, || {
        compute(conn, a, scope, subtree, from, to)
    })
}

fn compute(
    conn: &mut yishen_store::DbConn,
    a: agency::Agency,
    scope: &yishen_store::models::report::ReportScope,
    subtree: bool,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ReconsiderationStats, AppError> {
    let correction = stats::corrections(conn, scope, from, to)?;
    let calendar = yishen_store::reference::load_calendar(conn)?;
    let timeliness = stats::timeliness(conn, scope, from, to, &calendar)?;
    let notes = notes(&correction, &timeliness);
    Ok(ReconsiderationStats {
        agency: a.code,
        agency_name: a.name,
        subtree,
        from,
        to,
        correction,
        timeliness: TimelinessView {
            by_agency: timeliness
                .by_agency
                .into_iter()
                .map(|t| AgencyTimeliness {
                    agency_code: t.key,
                    agency_name: t.label.clone(),
                    label: t.label,
                    on_time: t.on_time,
                    reply_days: t.reply_days,
                })
                .collect(),
            overall: timeliness.overall,
        },
        notes,
    })
}

/// The definitions, and what was left out and why.
fn notes(c: &CorrectionStats, t: &TimelinessStats) -> Vec<String> {
    let mut notes = vec![
        "纠正率 = 结果纠正件数 ÷ 已审结复议件数，按复议决定日期计入统计期间；结果纠正指变更、撤销、确认违法、责令履行、确认无效（复议法第六十三条至第六十七条），已审结包括结果维持、结果纠正和其他结果（驳回、终止）".to_owned(),
        format!("区间为95%置信水平的Wilson区间；不足{SMALL_CELL}件的单元格标记为样本不足（small），其比率仅供参考，宜看区间"),
        "按时答复率 = 在答复期限（含延长期限）内答复的件数 ÷ 有答复期限的已答复件数，按办结日期计入统计期间；撤回、逾期不补正、逾期未缴费而终止的申请没有答复，不计入".to_owned(),
        "答复工作日数 = 收到申请之日后至答复之日的工作日数（含补正、征求意见等期间），按已载入的节假日安排计算；中位数和第90百分位数采用最近秩法（取排序后第⌈p×n⌉个值）".to_owned(),
    ];
    if c.unrecognised > 0 {
        notes.push(format!(
            "{}件复议记录的决定类型无法识别，未计入纠正率",
            c.unrecognised
        ));
    }
    if t.without_due_date > 0 {
        notes.push(format!(
            "{}件已答复案件没有答复期限，未计入按时答复率",
            t.without_due_date
        ));
    }
    if t.calendar_missing > 0 {
        notes.push(format!(
            "{}件已答复案件的办理期间涉及尚未载入节假日安排的年度，未计入答复工作日数",
            t.calendar_missing
        ));
    }
    if t.without_receipt > 0 {
        notes.push(format!(
            "{}件已答复案件没有收到申请日期，未计入答复工作日数",
            t.without_receipt
        ));
    }
    notes
}

/// A chart of the statistics as an SVG document.
pub fn chart_svg(s: &ReconsiderationStats, chart: Chart) -> Result<String, AppError> {
    let scope = if s.subtree {
        "（含下级机关）"
    } else {
        ""
    };
    let subtitle = format!("{}{}　{}至{}", s.agency_name, scope, s.from, s.to);
    let mut svg = String::new();
    let drawn = match chart {
        Chart::CorrectionByAgency => rate_chart(
            &mut svg,
            "复议纠正率（按机关）",
            &subtitle,
            "机关",
            &s.correction.by_agency,
            150,
        ),
        Chart::CorrectionByMonth => rate_chart(
            &mut svg,
            "复议纠正率（按月份）",
            &subtitle,
            "复议决定月份",
            &s.correction.by_month,
            90,
        ),
        Chart::ReplyDays => reply_days_chart(&mut svg, &subtitle, &s.timeliness.by_agency),
    };
    drawn.map_err(|e| AppError::Internal(anyhow::anyhow!("chart: {e}")))?;
    Ok(svg)
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn text(size: u32, colour: RGBColor) -> TextStyle<'static> {
    (FONT, size).into_font().color(&colour)
}

/// Splits a long label into lines at most `width` units wide (a CJK character is two units,
/// an ASCII one): SVG cannot wrap text itself.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in label.chars() {
        let w = if c.is_ascii() { 1 } else { 2 };
        if used + w > width.max(2) {
            lines.push(String::new());
            used = 0;
        }
        if let Some(line) = lines.last_mut() {
            line.push(c);
        }
        used += w;
    }
    lines
}

/// How many width units of 12-pixel text fit under a bar slot.
fn units(slot: u32) -> usize {
    (slot as usize).saturating_sub(10) / 7
}

/// The title, the subtitle and a footnote; returns the area left for the chart.
fn frame<'a>(
    svg: &'a mut String,
    size: (u32, u32),
    title: &str,
    subtitle: &str,
    footnote: &str,
) -> Result<DrawingArea<SVGBackend<'a>, Shift>, Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, size).into_drawing_area();
    root.fill(&WHITE)?;
    root.draw_text(title, &text(22, BLACK), (24, 14))?;
    root.draw_text(subtitle, &text(13, RGBColor(90, 90, 90)), (24, 46))?;
    root.draw_text(
        footnote,
        &text(12, RGBColor(90, 90, 90)),
        (24, size.1 as i32 - 24),
    )?;
    let (_, rest) = root.split_vertically(70);
    let (body, _) = rest.split_vertically(size.1 - 70 - 36);
    Ok(body)
}

/// Bars of rates with their Wilson intervals as error bars; small cells lighter and labelled.
fn rate_chart(
    svg: &mut String,
    title: &str,
    subtitle: &str,
    x_desc: &str,
    items: &[RateItem],
    slot: u32,
) -> DrawResult {
    let n = items.len().max(1);
    let width = (140 + slot * n as u32).max(640);
    let body = frame(
        svg,
        (width, 520),
        title,
        subtitle,
        "柱高为纠正率（结果纠正 ÷ 已审结）；误差线为95% Wilson区间；浅色柱为样本不足5件",
    )?;
    let mut chart = ChartBuilder::on(&body)
        .margin_top(30)
        .margin_right(20)
        .x_label_area_size(70)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..n as f64, 0f64..1f64)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(0)
        .x_label_formatter(&|_| String::new())
        .y_labels(6)
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .x_desc(x_desc)
        .y_desc("纠正率")
        .label_style(text(12, BLACK))
        .axis_desc_style(text(14, BLACK))
        .draw()?;
    let solid = RGBColor(31, 95, 170);
    let area = chart.plotting_area().clone();
    let root = area.strip_coord_spec();
    let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
    let (ox, oy) = root.get_base_pixel();
    let local = |(x, y): (i32, i32)| (x - ox, y - oy);
    let below = Pos::new(HPos::Center, VPos::Top);
    let above = Pos::new(HPos::Center, VPos::Bottom);
    for (i, item) in items.iter().enumerate() {
        let centre = i as f64 + 0.5;
        let (cx, base) = local(px(centre, 0.0));
        for (j, line) in wrap(&item.label, units(slot)).iter().enumerate() {
            root.draw_text(
                line,
                &text(12, BLACK).pos(below),
                (cx, base + 8 + 15 * j as i32),
            )?;
        }
        let r = item.rate;
        let (Some(rate), Some(low), Some(high)) = (r.rate, r.low, r.high) else {
            root.draw_text(
                "无案件",
                &text(11, RGBColor(120, 120, 120)).pos(above),
                (cx, base - 4),
            )?;
            continue;
        };
        let fill = if r.small {
            solid.mix(0.3)
        } else {
            solid.mix(0.9)
        };
        root.draw(&Rectangle::new(
            [
                local(px(i as f64 + 0.2, rate)),
                local(px(i as f64 + 0.8, 0.0)),
            ],
            fill.filled(),
        ))?;
        // The error bar: a vertical line with caps, in pixels.
        let (_, y_low) = local(px(centre, low));
        let (_, y_high) = local(px(centre, high));
        let bar = BLACK.stroke_width(1);
        root.draw(&PathElement::new(vec![(cx, y_low), (cx, y_high)], bar))?;
        for y in [y_low, y_high] {
            root.draw(&PathElement::new(vec![(cx - 6, y), (cx + 6, y)], bar))?;
        }
        let value = format!("{:.0}%（{}/{}）", rate * 100.0, r.numerator, r.denominator);
        root.draw_text(&value, &text(11, BLACK).pos(above), (cx, y_high - 4))?;
        if r.small {
            root.draw_text(
                SMALL_LABEL,
                &text(11, RGBColor(170, 60, 20)).pos(above),
                (cx, y_high - 18),
            )?;
        }
    }
    root.present()?;
    Ok(())
}

/// Bars of the median working days to reply with a line up to the 90th percentile, and the
/// statutory limit of 20 working days; small cells lighter and labelled.
fn reply_days_chart(svg: &mut String, subtitle: &str, items: &[AgencyTimeliness]) -> DrawResult {
    let n = items.len().max(1);
    let slot = 150u32;
    let width = (140 + slot * n as u32).max(640);
    let body = frame(
        svg,
        (width, 520),
        "答复工作日数（按机关）",
        subtitle,
        "柱高为中位数，竖线顶端为第90百分位数（最近秩法）；虚线为法定答复期限20个工作日；浅色柱为样本不足5件",
    )?;
    let top = items
        .iter()
        .filter_map(|t| t.reply_days.p90)
        .max()
        .unwrap_or(0)
        .max(REPLY_LIMIT)
        + 5;
    let mut chart = ChartBuilder::on(&body)
        .margin_top(30)
        .margin_right(20)
        .x_label_area_size(70)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..n as f64, 0f64..f64::from(top))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(0)
        .x_label_formatter(&|_| String::new())
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_desc("机关")
        .y_desc("工作日")
        .label_style(text(12, BLACK))
        .axis_desc_style(text(14, BLACK))
        .draw()?;
    let limit = f64::from(REPLY_LIMIT);
    chart.draw_series(DashedLineSeries::new(
        [(0.0, limit), (n as f64, limit)],
        6,
        4,
        RGBColor(200, 40, 40).stroke_width(1),
    ))?;
    let solid = RGBColor(46, 125, 80);
    let area = chart.plotting_area().clone();
    let root = area.strip_coord_spec();
    let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
    let (ox, oy) = root.get_base_pixel();
    let local = |(x, y): (i32, i32)| (x - ox, y - oy);
    let below = Pos::new(HPos::Center, VPos::Top);
    let above = Pos::new(HPos::Center, VPos::Bottom);
    let (lx, ly) = local(px(n as f64, limit));
    root.draw_text(
        "法定期限20个工作日",
        &text(11, RGBColor(200, 40, 40)).pos(Pos::new(HPos::Right, VPos::Bottom)),
        (lx - 4, ly - 3),
    )?;
    for (i, item) in items.iter().enumerate() {
        let centre = i as f64 + 0.5;
        let (cx, base) = local(px(centre, 0.0));
        for (j, line) in wrap(&item.label, units(slot)).iter().enumerate() {
            root.draw_text(
                line,
                &text(12, BLACK).pos(below),
                (cx, base + 8 + 15 * j as i32),
            )?;
        }
        let d = item.reply_days;
        let (Some(median), Some(p90)) = (d.median, d.p90) else {
            root.draw_text(
                "无案件",
                &text(11, RGBColor(120, 120, 120)).pos(above),
                (cx, base - 4),
            )?;
            continue;
        };
        let fill = if d.small {
            solid.mix(0.3)
        } else {
            solid.mix(0.9)
        };
        root.draw(&Rectangle::new(
            [
                local(px(i as f64 + 0.2, f64::from(median))),
                local(px(i as f64 + 0.8, 0.0)),
            ],
            fill.filled(),
        ))?;
        let (_, y_median) = local(px(centre, f64::from(median)));
        let (_, y_p90) = local(px(centre, f64::from(p90)));
        let bar = BLACK.stroke_width(1);
        root.draw(&PathElement::new(vec![(cx, y_median), (cx, y_p90)], bar))?;
        root.draw(&PathElement::new(
            vec![(cx - 6, y_p90), (cx + 6, y_p90)],
            bar,
        ))?;
        let value = format!("中位数{median}　P90 {p90}（{}件）", d.n);
        root.draw_text(&value, &text(11, BLACK).pos(above), (cx, y_p90 - 4))?;
        if d.small {
            root.draw_text(
                SMALL_LABEL,
                &text(11, RGBColor(170, 60, 20)).pos(above),
                (cx, y_p90 - 18),
            )?;
        }
    }
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_period_defaults_to_this_year_and_names_bad_fields() {
        let today = date("2026-05-20");
        assert_eq!(
            period(None, None, today).expect("default"),
            (date("2026-01-01"), today)
        );
        let field = |r: Result<(NaiveDate, NaiveDate), AppError>| match r {
            Err(AppError::Validation(issues)) => issues[0].field.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(field(period(Some("2025-13-01"), None, today)), "from");
        assert_eq!(field(period(None, Some("yesterday"), today)), "to");
        assert_eq!(
            field(period(Some("2025-02-01"), Some("2025-01-31"), today)),
            "to"
        );
        assert_eq!(
            field(period(Some("2010-01-01"), Some("2020-01-01"), today)),
            "from"
        );
        assert!(period(Some("2010-01-02"), Some("2020-01-01"), today).is_ok());
    }

    #[test]
    fn labels_wrap_by_characters() {
        // 150-pixel slots hold 20 units: ten CJK characters.
        assert_eq!(
            wrap("杭州市上城区住房和城乡建设局", units(150)),
            ["杭州市上城区住房和城", "乡建设局"]
        );
        assert_eq!(wrap("2025年10月", units(90)), ["2025年10月"]);
    }
}
