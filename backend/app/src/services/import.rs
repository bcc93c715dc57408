//! `yishen import`: historical cases from JSON Lines (CONTRACT.md "Import line"). Each line is
//! parsed by the same intake parsers as the API; lines are written in batches, one
//! transaction per batch with a savepoint per line, so a bad line is reported with its number
//! and leaves nothing behind while the good lines around it are kept.

use std::collections::HashMap;
use std::io::BufRead;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use yishen_domain::Disposition;
use yishen_domain::case::{ApplicantInput, CaseEvent};
use yishen_domain::outcome::OutcomeRecord;
use yishen_store::models::agency::{self, Agency};
use yishen_store::models::case::CaseScope;
use yishen_store::models::outcome::{self, NewLitigation, NewReconsideration};

use crate::ctx::Ctx;
use crate::error::{AppError, FieldIssue, Fields};
use crate::services::cases::intake::{self, IntakeInput, ParsedIntake, Placement};
use crate::services::outcomes::{self, LitigationIn, ReconsiderationIn};

/// Lines per transaction.
pub const BATCH: usize = 1000;
const REASONS_MAX: usize = 5000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportLine {
    external_id: Option<String>,
    agency: Option<String>,
    channel: Option<String>,
    received_on: Option<NaiveDate>,
    applicant: Option<ApplicantInput>,
    content: Option<String>,
    description: Option<String>,
    purpose: Option<String>,
    forms: Option<Vec<String>>,
    delivery: Option<String>,
    disposition: Option<String>,
    concluded_on: Option<NaiveDate>,
    reasons: Option<String>,
    reconsideration: Option<ReconsiderationIn>,
    litigation: Option<LitigationIn>,
}

/// A line that passed every check.
#[derive(Debug)]
struct Prepared {
    intake: ParsedIntake,
    external_id: Option<String>,
    received_on: NaiveDate,
    disposition: Option<Disposition>,
    concluded_on: Option<NaiveDate>,
    reasons: Option<String>,
    reconsideration: Option<NewReconsideration>,
    litigation: Option<NewLitigation>,
}

/// One rejected line.
#[derive(Debug, Clone)]
pub struct LineError {
    pub line: usize,
    pub issues: Vec<FieldIssue>,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .issues
            .iter()
            .map(|i| format!("{}：{}", i.field, i.message))
            .collect();
        write!(f, "第{}行：{}", self.line, parts.join("；"))
    }
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub read: usize,
    pub imported: usize,
    pub errors: Vec<LineError>,
}

fn prepare(line: ImportLine, today: NaiveDate) -> Result<Prepared, Vec<FieldIssue>> {
    let mut issues = Fields::default();
    let body = IntakeInput {
        agency: line.agency,
        channel: line.channel,
        received_on: line.received_on,
        applicant: line.applicant,
        content: line.content,
        description: line.description,
        purpose: line.purpose,
        forms: line.forms,
        delivery: line.delivery,
        notify_by: None,
    };
    let intake = intake::parse(&body).map_err(|e| issues.extend(e)).ok();
    let received_on = match line.received_on {
        None => {
            issues.push(FieldIssue::new(
                "received_on",
                "required",
                "请填写收到申请之日",
            ));
            None
        }
        Some(d) if d > today => {
            issues.push(FieldIssue::new(
                "received_on",
                "date_in_future",
                "日期不能晚于今天",
            ));
            None
        }
        Some(d) => Some(d),
    };
    let disposition = line.disposition.as_deref().and_then(|d| {
        let v = Disposition::parse(d);
        if v.is_none() {
            issues.push(FieldIssue::new(
                "disposition",
                "unknown_value",
                format!("答复类型无效，可选：{}", Disposition::codes()),
            ));
        }
        v
    });
    if let Some(c) = line.concluded_on {
        if line.disposition.is_none() {
            issues.push(FieldIssue::new(
                "concluded_on",
                "needs_disposition",
                "有办结日期的案件须写明答复类型（disposition）",
            ));
        }
        if c > today {
            issues.push(FieldIssue::new(
                "concluded_on",
                "date_in_future",
                "日期不能晚于今天",
            ));
        }
        if received_on.is_some_and(|r| c < r) {
            issues.push(FieldIssue::new(
                "concluded_on",
                "before_receipt",
                "办结日期不能早于收到申请之日",
            ));
        }
    }
    let reasons = line
        .reasons
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    if reasons
        .as_ref()
        .is_some_and(|r| r.chars().count() > REASONS_MAX)
    {
        issues.push(FieldIssue::new(
            "reasons",
            "length",
            format!("不超过{REASONS_MAX}个字符"),
        ));
    }
    // A history records what was decided; an order to answer anew is acted on in the pages.
    let orders = line
        .reconsideration
        .as_ref()
        .map(|r| r.new_reply_within.is_some() || r.new_reply_unit.is_some())
        .unwrap_or(false)
        || line
            .litigation
            .as_ref()
            .map(|l| l.new_reply_within.is_some() || l.new_reply_unit.is_some())
            .unwrap_or(false);
    if orders {
        issues.push(FieldIssue::new(
            "new_reply_within",
            "not_allowed",
            "导入的历史案件不登记责令重新答复；请在案件页登记该决定",
        ));
    }
    let reconsideration = line
        .reconsideration
        .and_then(|r| outcomes::parse_reconsideration(r, "reconsideration.", today, &mut issues));
    let litigation = line
        .litigation
        .and_then(|l| outcomes::parse_litigation(l, "litigation.", today, &mut issues));
    let external_id = line
        .external_id
        .map(|e| e.trim().to_owned())
        .filter(|e| !e.is_empty());
    if external_id
        .as_ref()
        .is_some_and(|e| e.chars().count() > 100)
    {
        issues.push(FieldIssue::new("external_id", "length", "不超过100个字符"));
    }
    match (intake, received_on) {
        (Some(intake), Some(received_on)) if issues.is_empty() => Ok(Prepared {
            intake,
            external_id,
            received_on,
            disposition,
            concluded_on: line.concluded_on,
            reasons,
            reconsideration,
            litigation,
        }),
        _ => Err(issues.into_issues()),
    }
}

fn parse_line(text: &str, today: NaiveDate) -> Result<Prepared, Vec<FieldIssue>> {
    match crate::json::decode_json::<ImportLine>(text.as_bytes()) {
        Ok(line) => prepare(line, today),
        Err(AppError::Validation(issues)) => Err(issues),
        Err(_) => Err(vec![FieldIssue::new(
            "line",
            "malformed_json",
            "不是有效的 JSON：请检查 JSON 语法",
        )]),
    }
}

/// Writes one batch; returns how many lines were imported and the rejected ones.
async fn write_batch(
    state: &Ctx,
    batch: Vec<(usize, Prepared)>,
    agencies: HashMap<String, Agency>,
) -> Result<(usize, Vec<LineError>, HashMap<String, Agency>), AppError> {
    let pii = state.pii.clone();
    let today = state.today();
    state
        .write(move |conn| {
            let mut agencies = agencies;
            let calendar = yishen_store::reference::load_calendar(conn)?;
            let mut imported = 0;
            let mut errors = Vec::new();
            for (line, p) in batch {
                let code = p.intake.agency.clone();
                if !agencies.contains_key(&code) {
                    match agency::find_by_code(conn, &code)? {
                        Some(a) => {
                            agencies.insert(code.clone(), a);
                        }
                        None => {
                            errors.push(LineError {
                                line,
                                issues: vec![FieldIssue::new(
                                    "agency",
                                    "unknown_agency",
                                    "机关代码不存在",
                                )],
                            });
                            continue;
                        }
                    }
                }
                let Some(agency) = agencies.get(&code) else {
                    continue;
                };
                // A savepoint per line: a failing line is undone alone.
                let result =
                    diesel::Connection::transaction(conn, |conn| -> Result<(), AppError> {
                        let inserted = intake::insert_case(
                            conn,
                            &calendar,
                            today,
                            &p.intake,
                            intake::seal(&pii, &p.intake)?,
                            Placement {
                                agency,
                                status: yishen_domain::case::replay::imported_status(p.disposition),
                                applicant_user_id: None,
                                created_by: None,
                                events: vec![(
                                    p.received_on,
                                    CaseEvent::Imported {
                                        external_id: p.external_id.clone(),
                                        channel: p.intake.channel,
                                        received_on: p.received_on,
                                        disposition: p.disposition,
                                        concluded_on: p.concluded_on,
                                        reasons: p.reasons.clone(),
                                    },
                                )],
                                year: p.received_on.year(),
                                disposition: p.disposition,
                                concluded_on: p.concluded_on,
                                external_id: p.external_id.as_deref(),
                                submission: None,
                            },
                        )?;
                        // Each record is fixed in the case's events, as when entered by hand.
                        if let Some(mut r) = p.reconsideration.clone() {
                            r.case_id = inserted.id;
                            let id = outcome::insert_reconsideration_returning(conn, &r)?;
                            outcomes::seal(
                                conn,
                                &CaseScope::All,
                                None,
                                inserted.id,
                                OutcomeRecord::Reconsideration,
                                id,
                                today,
                            )?;
                        }
                        if let Some(mut l) = p.litigation.clone() {
                            l.case_id = inserted.id;
                            let id = outcome::insert_litigation_returning(conn, &l)?;
                            outcomes::seal(
                                conn,
                                &CaseScope::All,
                                None,
                                inserted.id,
                                OutcomeRecord::Litigation,
                                id,
                                today,
                            )?;
                        }
                        Ok(())
                    });
                match result {
                    Ok(()) => imported += 1,
                    Err(AppError::Validation(issues)) => errors.push(LineError { line, issues }),
                    Err(AppError::Conflict { detail, code }) => errors.push(LineError {
                        line,
                        issues: vec![FieldIssue::new("line", code, detail)],
                    }),
                    Err(e) => return Err(e),
                }
            }
            Ok((imported, errors, agencies))
        })
        .await
}

/// How many imported lines first refresh the planner's statistics during an import (then
/// each time the count doubles).
const ANALYSE_FIRST: usize = 8 * BATCH;

/// Imports a JSON Lines stream.
pub async fn import(state: &Ctx, input: impl BufRead) -> Result<ImportReport, AppError> {
    let today = state.today();
    let mut report = ImportReport::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut agencies = HashMap::new();
    let mut analyse_at = ANALYSE_FIRST;
    for (i, line) in input.lines().enumerate() {
        let number = i + 1;
        let text =
            line.map_err(|e| AppError::Internal(anyhow::anyhow!("reading line {number}: {e}")))?;
        if text.trim().is_empty() {
            continue;
        }
        report.read += 1;
        match parse_line(&text, today) {
            Ok(p) => batch.push((number, p)),
            Err(issues) => report.errors.push(LineError {
                line: number,
                issues,
            }),
        }
        if batch.len() >= BATCH {
            let (n, errs, a) = write_batch(state, std::mem::take(&mut batch), agencies).await?;
            agencies = a;
            report.imported += n;
            report.errors.extend(errs);
            // Statistics taken when the tables were small (a new database) make the planner
            // scan whole tables for each line's lookups and foreign-key checks: on PostgreSQL a
            // new database took 30,000 generated cases at 112 a second, and about 500 once
            // analysed. Refreshed each time the import has doubled, the load stays linear.
            if report.imported >= analyse_at {
                state.write(|conn| Ok(yishen_store::analyze(conn)?)).await?;
                analyse_at *= 2;
            }
        }
    }
    if !batch.is_empty() {
        let (n, errs, _) = write_batch(state, batch, agencies).await?;
        report.imported += n;
        report.errors.extend(errs);
    }
    report.errors.sort_by_key(|e| e.line);
    // The annual report sums its tallies and the deltas not yet folded: fold the import's now
    // rather than leave a report to add up one delta per imported case until the next job.
    state
        .write(|conn| Ok(yishen_store::models::report::fold_tallies(conn)?))
        .await?;
    // A bulk load leaves the planner's statistics behind (PostgreSQL chose nested loops over a
    // million imported cases until analysed); refresh them once at the end.
    if report.imported >= BATCH {
        state.write(|conn| Ok(yishen_store::analyze(conn)?)).await?;
    }
    crate::services::similar::refresh(state);
    Ok(report)
}
