//! The annual report's arithmetic (《政府信息公开工作年度报告格式》, 国办公开办函〔2021〕30号;
//! legal.md §3.4–§3.6): table 三 (applications received and handled, 25 rows × 7 columns)
//! and table 四 (reconsiderations and suits, 15 numbers), with the template's identities.
//!
//! One definition of each cell, used both for counting and for listing the cases behind it:
//! - 新收 (`new`): received in the year;
//! - 上年结转 (`carried_over`): received before 1 January and not concluded before it;
//! - the result rows: concluded in the year, by the disposition's row (the catalogue's
//!   `annual_row`, the only place that mapping lives), and 总计 (`total`) all of them;
//! - 结转下年 (`carried_forward`): received by 31 December and not concluded by then.
//!
//! The store turns a [`Cell`] into a query filter; this module adds the grouped counts into
//! tables and checks the identities, so a count and its case list cannot disagree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::Disposition;
use crate::case::ApplicantCategory;
use crate::outcome::{LitigationOutcome, OutcomeBucket, ReconsiderationDecision};

/// The seven data columns, in the template's order (the last is 总计).
pub const COLUMNS: [&str; 7] = [
    "natural_person",
    "business",
    "research",
    "nonprofit",
    "legal_service",
    "other_org",
    "total",
];

/// The 25 rows of table 三: key (CONTRACT.md) and the template's label.
pub const ROWS: [(&str, &str); 25] = [
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("disclosed", "三、本年度办理结果（一）予以公开"),
    (
        "partially_disclosed",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ),
    ("withheld_1", "（三）不予公开 1.属于国家秘密"),
    ("withheld_2", "2.其他法律行政法规禁止公开"),
    ("withheld_3", "3.危及“三安全一稳定”"),
    ("withheld_4", "4.保护第三方合法权益"),
    ("withheld_5", "5.属于三类内部事务信息"),
    ("withheld_6", "6.属于四类过程性信息"),
    ("withheld_7", "7.属于行政执法案卷"),
    ("withheld_8", "8.属于行政查询事项"),
    ("unavailable_1", "（四）无法提供 1.本机关不掌握相关政府信息"),
    ("unavailable_2", "2.没有现成信息需要另行制作"),
    ("unavailable_3", "3.补正后申请内容仍不明确"),
    ("not_processed_1", "（五）不予处理 1.信访举报投诉类申请"),
    ("not_processed_2", "2.重复申请"),
    ("not_processed_3", "3.要求提供公开出版物"),
    ("not_processed_4", "4.无正当理由大量反复申请"),
    ("not_processed_5", "5.要求行政机关确认或重新出具已获取信息"),
    (
        "other_1",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other_2",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other_3", "3.其他"),
    ("total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
];

/// Which set of cases a row of table 三 counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    New,
    CarriedOver,
    /// Concluded in the year with one of these dispositions.
    Concluded(Vec<Disposition>),
    /// Concluded in the year, whatever the disposition.
    Total,
    CarriedForward,
}

impl Cell {
    /// The cell of a row key, or `None` for an unknown key.
    pub fn of_row(key: &str) -> Option<Cell> {
        Some(match key {
            "new" => Cell::New,
            "carried_over" => Cell::CarriedOver,
            "total" => Cell::Total,
            "carried_forward" => Cell::CarriedForward,
            k => {
                let ds: Vec<Disposition> = Disposition::ALL
                    .iter()
                    .copied()
                    .filter(|d| d.annual_row() == k)
                    .collect();
                if ds.is_empty() {
                    return None;
                }
                Cell::Concluded(ds)
            }
        })
    }
}

/// The first and last day of a report year.
pub fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// The grouped counts the store returns for a year: per applicant category, and for the
/// concluded cases per disposition too (`None`: a code the catalogue does not know).
#[derive(Debug, Clone, Default)]
pub struct Table3Counts {
    pub new: Vec<(String, i64)>,
    pub carried_over: Vec<(String, i64)>,
    pub concluded: Vec<(String, Option<String>, i64)>,
    pub carried_forward: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table3Row {
    pub key: &'static str,
    pub label: &'static str,
    pub values: [i64; 7],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table3 {
    pub columns: [&'static str; 7],
    pub rows: Vec<Table3Row>,
}

/// One identity of the template, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub ok: bool,
}

fn column(category: &str) -> usize {
    // An unknown category (never written by intake or import) counts as 其他.
    ApplicantCategory::ALL
        .iter()
        .position(|c| c.as_str() == category)
        .unwrap_or(5)
}

fn row(key: &str) -> usize {
    ROWS.iter().position(|(k, _)| *k == key).unwrap_or(22)
}

/// Adds the grouped counts into table 三 (the 总计 column is the sum of the others) and
/// checks the template's identities.
pub fn table3(counts: &Table3Counts) -> (Table3, Vec<Check>) {
    let mut v = [[0i64; 7]; 25];
    let mut add = |r: usize, category: &str, n: i64| {
        v[r][column(category)] += n;
    };
    for (c, n) in &counts.new {
        add(row("new"), c, *n);
    }
    for (c, n) in &counts.carried_over {
        add(row("carried_over"), c, *n);
    }
    let mut unknown = 0;
    for (c, d, n) in &counts.concluded {
        let r = match d.as_deref().and_then(Disposition::parse) {
            Some(d) => row(d.annual_row()),
            None => {
                unknown += n;
                row("other_3")
            }
        };
        add(r, c, *n);
        add(row("total"), c, *n);
    }
    for (c, n) in &counts.carried_forward {
        add(row("carried_forward"), c, *n);
    }
    for r in v.iter_mut() {
        r[6] = r[..6].iter().sum();
    }
    let rows: Vec<Table3Row> = ROWS
        .iter()
        .zip(v.iter())
        .map(|((key, label), values)| Table3Row {
            key,
            label,
            values: *values,
        })
        .collect();
    let checks = checks3(&v, unknown);
    (
        Table3 {
            columns: COLUMNS,
            rows,
        },
        checks,
    )
}

fn checks3(v: &[[i64; 7]; 25], unknown: i64) -> Vec<Check> {
    let (new, carried, total, forward) = (row("new"), row("carried_over"), 23, 24);
    let mut checks = Vec::new();
    for (i, col) in COLUMNS.iter().enumerate() {
        let label = if *col == "total" {
            "总计".to_owned()
        } else {
            ApplicantCategory::parse(col)
                .map(|c| c.label().to_owned())
                .unwrap_or_default()
        };
        checks.push(Check {
            name: format!("{label}列：新收 + 上年结转 = 办理结果总计 + 结转下年"),
            ok: v[new][i] + v[carried][i] == v[total][i] + v[forward][i],
        });
    }
    checks.push(Check {
        name: "办理结果总计 = 各办理结果之和（每列）".into(),
        ok: (0..7).all(|i| (2..23).map(|r| v[r][i]).sum::<i64>() == v[total][i]),
    });
    checks.push(Check {
        name: "总计列 = 各申请人类别之和（每行）".into(),
        ok: v.iter().all(|r| r[..6].iter().sum::<i64>() == r[6]),
    });
    checks.push(Check {
        name: "办结案件均有可识别的处理结果".into(),
        ok: unknown == 0,
    });
    checks
}

/// One block of table 四.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Five {
    pub upheld: i64,
    pub corrected: i64,
    pub other: i64,
    pub pending: i64,
    pub total: i64,
}

impl Five {
    fn add(&mut self, b: OutcomeBucket) {
        match b {
            OutcomeBucket::Upheld => self.upheld += 1,
            OutcomeBucket::Corrected => self.corrected += 1,
            OutcomeBucket::Other => self.other += 1,
            OutcomeBucket::Pending => self.pending += 1,
        }
        self.total += 1;
    }

    /// The five numbers in the template's order.
    pub fn values(&self) -> [i64; 5] {
        [
            self.upheld,
            self.corrected,
            self.other,
            self.pending,
            self.total,
        ]
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Table4 {
    pub reconsideration: Five,
    pub litigation_direct: Five,
    pub litigation_after_reconsideration: Five,
}

/// A reconsideration or suit as table 四 sees it.
#[derive(Debug, Clone)]
pub struct OutcomeFact {
    /// The case it is about (for the cases behind a cell).
    pub case_id: i64,
    pub filed_on: NaiveDate,
    /// The decision's or judgment's code.
    pub decision: Option<String>,
    pub decided_on: Option<NaiveDate>,
}

impl OutcomeFact {
    /// Whether it counts in `year`: filed in the year, or pending at its start.
    pub fn counts_in(&self, year: i32) -> bool {
        let Some((first, last)) = year_bounds(year) else {
            return false;
        };
        self.filed_on <= last
            && (self.filed_on >= first || self.decided_on.is_none_or(|d| d >= first))
    }

    /// Its bucket at the end of `year`: decided by 31 December, else 尚未审结.
    fn bucket(&self, year: i32, of: impl Fn(&str) -> Option<OutcomeBucket>) -> OutcomeBucket {
        let decided = match (year_bounds(year), self.decided_on) {
            (Some((_, last)), Some(d)) => d <= last,
            _ => false,
        };
        match (decided, self.decision.as_deref().and_then(of)) {
            (true, Some(b)) => b,
            _ => OutcomeBucket::Pending,
        }
    }
}

/// Table 四's three groups of columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeGroup {
    Reconsideration,
    LitigationDirect,
    LitigationAfterReconsideration,
}

impl OutcomeGroup {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "reconsideration" => Some(Self::Reconsideration),
            "litigation_direct" => Some(Self::LitigationDirect),
            "litigation_after_reconsideration" => Some(Self::LitigationAfterReconsideration),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Reconsideration => "行政复议",
            Self::LitigationDirect => "行政诉讼（未经复议直接起诉）",
            Self::LitigationAfterReconsideration => "行政诉讼（复议后起诉）",
        }
    }
}

impl OutcomeFact {
    /// Whether the record is counted in the cell of `group` × `bucket` (`None` = 总计) of
    /// `year`'s table 四: the same rule [`table4`] counts by.
    pub fn in_cell(&self, year: i32, group: OutcomeGroup, bucket: Option<OutcomeBucket>) -> bool {
        if !self.counts_in(year) {
            return false;
        }
        let of = match group {
            OutcomeGroup::Reconsideration => self.bucket(year, |c| {
                ReconsiderationDecision::parse(c).map(ReconsiderationDecision::bucket)
            }),
            _ => self.bucket(year, |c| {
                LitigationOutcome::parse(c).map(LitigationOutcome::bucket)
            }),
        };
        bucket.is_none_or(|b| b == of)
    }
}

/// Table 四 for `year` from the reconsiderations and the (first-instance) suits.
pub fn table4(
    year: i32,
    reconsiderations: &[OutcomeFact],
    direct_suits: &[OutcomeFact],
    suits_after_reconsideration: &[OutcomeFact],
) -> Table4 {
    let recon = |c: &str| ReconsiderationDecision::parse(c).map(ReconsiderationDecision::bucket);
    let lit = |c: &str| LitigationOutcome::parse(c).map(LitigationOutcome::bucket);
    let mut t = Table4::default();
    for r in reconsiderations.iter().filter(|r| r.counts_in(year)) {
        t.reconsideration.add(r.bucket(year, recon));
    }
    for s in direct_suits.iter().filter(|s| s.counts_in(year)) {
        t.litigation_direct.add(s.bucket(year, lit));
    }
    for s in suits_after_reconsideration
        .iter()
        .filter(|s| s.counts_in(year))
    {
        t.litigation_after_reconsideration.add(s.bucket(year, lit));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn every_disposition_has_a_row_and_every_result_row_a_disposition() {
        for disp in Disposition::ALL {
            assert!(
                ROWS.iter().any(|(k, _)| *k == disp.annual_row()),
                "{disp:?}"
            );
        }
        for (k, _) in &ROWS[2..23] {
            assert!(Cell::of_row(k).is_some(), "{k}");
        }
        assert_eq!(Cell::of_row("nonsense"), None);
    }

    #[test]
    fn the_identities_hold_for_consistent_counts_and_fail_otherwise() {
        let counts = Table3Counts {
            new: vec![("natural_person".into(), 5), ("business".into(), 2)],
            carried_over: vec![("natural_person".into(), 1)],
            concluded: vec![
                ("natural_person".into(), Some("disclosed".into()), 3),
                (
                    "natural_person".into(),
                    Some("withheld_third_party".into()),
                    1,
                ),
                ("business".into(), Some("other_fee_unpaid".into()), 1),
            ],
            carried_forward: vec![("natural_person".into(), 2), ("business".into(), 1)],
        };
        let (t, checks) = table3(&counts);
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        let get = |k: &str| t.rows.iter().find(|r| r.key == k).expect("row").values;
        assert_eq!(get("new"), [5, 2, 0, 0, 0, 0, 7]);
        assert_eq!(get("withheld_4"), [1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(get("other_2"), [0, 1, 0, 0, 0, 0, 1]);
        assert_eq!(get("total"), [4, 1, 0, 0, 0, 0, 5]);
        assert_eq!(t.rows.len(), 25);

        let mut broken = counts.clone();
        broken.carried_forward.clear();
        let (_, checks) = table3(&broken);
        assert!(!checks[0].ok && !checks[1].ok && !checks[6].ok && checks[2].ok);
    }

    #[test]
    fn table_four_counts_the_year_and_what_was_pending_at_its_start() {
        let f = |filed: &str, decision: Option<&str>, decided: Option<&str>| OutcomeFact {
            case_id: 0,
            filed_on: d(filed),
            decision: decision.map(str::to_owned),
            decided_on: decided.map(d),
        };
        let recs = [
            f("2025-03-01", Some("upheld"), Some("2025-05-01")),
            f("2025-04-01", Some("revoked"), Some("2025-06-01")),
            f("2024-11-01", Some("rejected"), Some("2025-02-01")),
            f("2024-10-01", Some("upheld"), Some("2024-12-01")),
            f("2025-12-01", Some("altered"), Some("2026-01-20")),
            f("2026-01-05", None, None),
        ];
        let t = table4(2025, &recs, &[], &[]);
        assert_eq!(t.reconsideration.values(), [1, 1, 1, 1, 4]);
        let suits = [f("2023-05-01", None, None)];
        let t = table4(2025, &[], &suits, &suits);
        assert_eq!(t.litigation_direct.values(), [0, 0, 0, 1, 1]);
        assert_eq!(t.litigation_after_reconsideration.total, 1);
    }
}
