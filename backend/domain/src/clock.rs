//! The legal clock (答复期限) of one disclosure application, as a pure function.
//!
//! This module owns the rule that turns the dated facts of a case (receipt, correction
//! notices and responses, consultations, fee notices, an approved extension, the reply) into
//! the statutory due date, the days used so far, and a day-by-day ledger that explains every
//! calendar day: counted or not, and why. It owns the side windows too: the applicant's
//! correction deadline, the consulted party's reply window and the fee payment deadline.
//!
//! It is pure so that the same facts always give the same clock, whoever asks and whenever:
//! the service layer recomputes it from stored facts instead of storing a running counter
//! that could drift, and every number shown to an applicant or an officer can be traced to
//! the ledger. Working days come from the [`Calendar`]; a day in a year whose holiday notice
//! is not loaded is never guessed (see [`ClockError::YearNotCovered`]).
//!
//! The rules, from 《政府信息公开条例》(2019, "条例"):
//! - 条例33第二款: reply within 20 working days of receipt; an approved extension adds at
//!   most 20 working days.
//! - 条例33第三款: the time needed to consult a third party or another agency is not counted.
//! - 条例30: a correction notice must be given within 7 working days of receipt; the reply
//!   limit is counted afresh from the day the corrected application is received.
//! - 条例31: the date of receipt depends on the channel; an online application is received
//!   only once both sides confirm it (条例31(三)), until then the clock has not started.
//! - 条例32 and 条例34: a consulted third party or agency answers within 15 working days of
//!   receiving the request.
//! - Fee notices (《政府信息公开信息处理费管理办法》, 国办函〔2020〕109号): the applicant pays
//!   within 20 working days counted from the day after the notice. Whether the span from the
//!   notice to the payment is excluded from the reply limit has not been verified against the
//!   text, so it is an agency setting ([`ClockInput::fee_pause_excluded`]).
//!
//! Counting convention (the same as [`Calendar::add_working_days`]): the day of a triggering
//! act never counts; day 1 is the first working day after it. A pause opened on `S` and closed
//! on `C` excludes the days `d` with `S < d <= C`: the day the letter went out still counts,
//! the day the answer came back does not.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, Calendar, CalendarError, DayKind};

/// Working days to reply, counted from the day after receipt (条例33第二款).
pub const REPLY_LIMIT: u32 = 20;
/// Longest extension the head of the disclosure office may approve (条例33第二款).
pub const MAX_EXTENSION: u32 = 20;
/// Working days within which a correction notice must be given (条例30).
pub const CORRECTION_NOTICE_WITHIN: u32 = 7;
/// Working days a consulted third party (条例32) or agency (条例34) has to answer.
pub const CONSULTATION_WINDOW: u32 = 15;
/// Working days the applicant has to pay a fee, counted from the day after the notice
/// (《政府信息公开信息处理费管理办法》).
pub const FEE_PAYMENT_WINDOW: u32 = 20;

/// What a pause of the clock is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    /// Consulting a third party whose lawful rights may be harmed (条例32).
    ThirdParty,
    /// Consulting another agency that co-produced the information (条例34).
    Agency,
    /// Waiting for the applicant to pay the information-processing fee.
    Fee,
}

/// A span during which the reply limit may stand still.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub kind: PauseKind,
    /// Who is consulted (a party or agency name), or a note on the fee notice.
    pub label: String,
    /// The day the request or notice went out; it still counts.
    pub opened_on: NaiveDate,
    /// The day the answer or payment came in; it does not count. `None` while still open.
    pub closed_on: Option<NaiveDate>,
}

/// A one-time correction notice (条例30) and the applicant's response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub notice_on: NaiveDate,
    /// The 合理的补正期限 the notice gives, in working days (1..=400).
    pub period: u32,
    /// The day the corrected application was received; the count restarts from it.
    pub response_on: Option<NaiveDate>,
}

/// The dated facts of one application that the clock depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockInput {
    /// The date of receipt under 条例31; `None` while an online application is not yet
    /// confirmed (条例31(三)) or the application is otherwise not received.
    pub received_on: Option<NaiveDate>,
    /// Correction notices in the order they were given. The notice is meant to be one-time
    /// (条例30), but several are accepted; only the last may still await a response.
    pub corrections: Vec<Correction>,
    /// Consultations and fee notices, in any order; they may overlap.
    pub pauses: Vec<Pause>,
    /// Whether the fee span is excluded from the reply limit (an agency setting; unverified
    /// rule, default `true`).
    pub fee_pause_excluded: bool,
    /// Approved extension in working days (1..=20, 条例33第二款).
    pub extension: Option<u32>,
    /// The reasonable later deadline an agency set under 条例35 after finding the applicant's
    /// reasons for a mass of applications reasonable, in working days beyond the 条例33
    /// limit (the law sets no maximum).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later_days: Option<u32>,
    /// The reply was issued or the case concluded on this date: the clock stops.
    pub stopped_on: Option<NaiveDate>,
    /// A new reply ordered by a reconsideration body or a court: from then on the period the
    /// decision set is the limit, not the 条例33 count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_reply: Option<NewReplyOrder>,
}

/// A decision that set aside a reply (撤销并责令重作, 确认违法并责令, 责令履行: 行政复议法
/// 第六十四条至第六十六条, or the matching judgment) and ordered a new one within a period
/// the decision itself sets. The order replaces the 条例33 limit: the agency answers by
/// `due_on`, whatever the original count said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReplyOrder {
    /// The day the decision was made (the period runs from it).
    pub ordered_on: NaiveDate,
    /// The last day for the new reply, as the decision's period gives it.
    pub due_on: NaiveDate,
}

impl Default for ClockInput {
    fn default() -> Self {
        Self {
            received_on: None,
            corrections: Vec::new(),
            pauses: Vec::new(),
            fee_pause_excluded: true,
            extension: None,
            later_days: None,
            stopped_on: None,
            new_reply: None,
        }
    }
}

/// Where the clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// The application has not been received (条例31).
    NotStarted,
    /// A correction notice awaits the applicant's response (条例30); nothing is counted.
    AwaitingCorrection,
    /// Counting, due date not yet passed.
    Running,
    /// A consultation (or, when excluded, a fee notice) is open; nothing is counted.
    Paused,
    /// The reply was issued or the case concluded.
    Stopped,
    /// The due date has passed without a reply.
    Overdue,
}

impl ClockState {
    pub const ALL: &'static [ClockState] = &[
        ClockState::NotStarted,
        ClockState::AwaitingCorrection,
        ClockState::Running,
        ClockState::Paused,
        ClockState::Stopped,
        ClockState::Overdue,
    ];

    /// The stable name of the state, as cached on the case and shown to clients.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::NotStarted => "not_started",
            ClockState::AwaitingCorrection => "awaiting_correction",
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Stopped => "stopped",
            ClockState::Overdue => "overdue",
        }
    }
}

/// The clock as cached on the case row: its state, or that a year the period needs has no
/// calendar, so that no due date is shown rather than a guessed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachedClock {
    Known(ClockState),
    CalendarMissing,
}

impl CachedClock {
    /// The code of [`CachedClock::CalendarMissing`].
    pub const CALENDAR_MISSING: &'static str = "calendar_year_not_covered";

    pub fn as_str(self) -> &'static str {
        match self {
            CachedClock::Known(s) => s.as_str(),
            CachedClock::CalendarMissing => Self::CALENDAR_MISSING,
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        if code == Self::CALENDAR_MISSING {
            return Some(CachedClock::CalendarMissing);
        }
        ClockState::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == code)
            .map(CachedClock::Known)
    }
}

// `store` maps the cases' clock column through this.
crate::stored_code!(CachedClock, CachedClock::parse);

/// Why a ledger day is or is not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayReason {
    Working,
    AdjustedWorking,
    Weekend,
    Holiday,
    ThirdPartyConsultation,
    AgencyConsultation,
    FeePending,
}

/// One calendar day of the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerDay {
    pub date: NaiveDate,
    /// Whether the day counts toward the reply limit.
    pub counted: bool,
    /// 1-based index among counted days; beyond the limit once the due date has passed.
    pub day_number: Option<u32>,
    /// A Chinese explanation for the officer and the applicant.
    pub reason: String,
    pub kind: DayReason,
}

/// What a side window is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowKind {
    /// The applicant's correction period (条例30).
    Correction,
    /// The third party's 15 working days to answer (条例32).
    ThirdPartyConsultation,
    /// The consulted agency's 15 working days to answer (条例34).
    AgencyConsultation,
    /// The applicant's 20 working days to pay the fee.
    FeePayment,
}

/// A deadline running beside the reply limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    pub kind: WindowKind,
    /// The pause's label (party or agency name); empty for corrections.
    pub label: String,
    /// What the window is and what happens when it lapses, in Chinese.
    pub note: String,
    pub opened_on: NaiveDate,
    pub deadline: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    /// Still open and the clock's date is past the deadline.
    pub expired: bool,
}

/// The computed clock of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    pub state: ClockState,
    /// `true` when [`ClockState::Running`] or [`ClockState::Overdue`].
    pub running: bool,
    /// The date the clock is read at: `today`, or the stop date when that is earlier.
    pub as_of: NaiveDate,
    pub received_on: Option<NaiveDate>,
    /// The day the count runs from (receipt, or the last correction response, 条例30);
    /// `None` before receipt or while a correction is awaited.
    pub start_on: Option<NaiveDate>,
    /// Working days allowed: 20 plus the extension plus any 条例35 later deadline.
    pub limit: u32,
    pub extension: Option<u32>,
    pub later_days: Option<u32>,
    pub due_on: Option<NaiveDate>,
    /// The due date assumes every open pause closes on `as_of`; it moves while one stays open.
    pub provisional: bool,
    /// Counted days used up to `as_of`.
    pub counted: u32,
    pub remaining: u32,
    /// Counted days past the limit up to `as_of`.
    pub overdue_by: u32,
    /// The applicant's deadline for the correction still awaited.
    pub correction_deadline: Option<NaiveDate>,
    /// The last day a correction notice may be given (条例30).
    pub correction_notice_latest: Option<NaiveDate>,
    pub windows: Vec<Window>,
    pub ledger: Vec<LedgerDay>,
    /// Set when the ledger beyond the due date runs into this year, whose holiday notice is
    /// not loaded: the ledger stops at the last covered day and `counted` and `overdue_by`
    /// are lower bounds.
    pub uncovered_year: Option<i32>,
    /// Set when a decision ordered a new reply: `due_on` is then the decision's deadline.
    pub new_reply: Option<NewReplyOrder>,
}

/// Why a clock cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("{year}年的节假日安排尚未载入，无法计算期限")]
    YearNotCovered { year: i32 },
    #[error("日期超出可计算范围")]
    DateOutOfRange,
    #[error("{0}")]
    Invalid(String),
}

impl From<CalendarError> for ClockError {
    fn from(e: CalendarError) -> Self {
        match e {
            CalendarError::YearNotCovered { year } => Self::YearNotCovered { year },
            CalendarError::DateOutOfRange => Self::DateOutOfRange,
            other @ CalendarError::WorkingDaysOutOfRange { .. } => Self::Invalid(other.to_string()),
        }
    }
}

/// Whether a correction notice given on `notice_on` came later than the 7 working days after
/// receipt that 条例30 allows.
pub fn correction_notice_late(
    received_on: NaiveDate,
    notice_on: NaiveDate,
    calendar: &Calendar,
) -> Result<bool, ClockError> {
    let latest = calendar.add_working_days(received_on, CORRECTION_NOTICE_WITHIN)?;
    Ok(notice_on > latest)
}

/// A pause that excludes days from the count, as an interval `(after, through]`.
struct Exclusion<'a> {
    kind: PauseKind,
    label: &'a str,
    after: NaiveDate,
    through: NaiveDate,
}

impl Exclusion<'_> {
    fn covers(&self, d: NaiveDate) -> bool {
        self.after < d && d <= self.through
    }

    fn reason(&self) -> String {
        let label = if self.label.trim().is_empty() {
            String::new()
        } else {
            format!("（{}）", self.label.trim())
        };
        match self.kind {
            PauseKind::ThirdParty => {
                format!("征求第三方意见期间{label}，不计入答复期限（条例第三十三条第三款）")
            }
            PauseKind::Agency => {
                format!("征求其他机关意见期间{label}，不计入答复期限（条例第三十三条第三款）")
            }
            PauseKind::Fee => "缴纳信息处理费期间，不计入答复期限".into(),
        }
    }

    fn day_reason(&self) -> DayReason {
        match self.kind {
            PauseKind::ThirdParty => DayReason::ThirdPartyConsultation,
            PauseKind::Agency => DayReason::AgencyConsultation,
            PauseKind::Fee => DayReason::FeePending,
        }
    }
}

fn next_day(d: NaiveDate) -> Result<NaiveDate, ClockError> {
    d.checked_add_days(Days::new(1))
        .ok_or(ClockError::DateOutOfRange)
}

fn invalid(msg: &str) -> ClockError {
    ClockError::Invalid(msg.into())
}

fn validate(input: &ClockInput) -> Result<(), ClockError> {
    if let Some(ext) = input.extension
        && !(1..=MAX_EXTENSION).contains(&ext)
    {
        return Err(ClockError::Invalid(format!(
            "延长答复期限须在1至{MAX_EXTENSION}个工作日之间（条例第三十三条第二款）"
        )));
    }
    for p in &input.pauses {
        if let Some(c) = p.closed_on
            && c < p.opened_on
        {
            return Err(invalid(match p.kind {
                PauseKind::ThirdParty => "征求第三方意见的结束日期早于开始日期",
                PauseKind::Agency => "征求其他机关意见的结束日期早于开始日期",
                PauseKind::Fee => "缴纳信息处理费的结束日期早于收费通知日期",
            }));
        }
    }
    let mut previous: Option<&Correction> = None;
    for c in &input.corrections {
        if c.period == 0 || c.period > calendar::MAX_WORKING_DAYS {
            return Err(ClockError::Invalid(format!(
                "补正期限须在1至{}个工作日之间",
                calendar::MAX_WORKING_DAYS
            )));
        }
        if let Some(r) = c.response_on
            && r < c.notice_on
        {
            return Err(invalid("补正材料的收到日期早于补正通知日期"));
        }
        if let Some(prev) = previous {
            match prev.response_on {
                None => return Err(invalid("前一次补正尚未收到补正材料，不能再次告知补正")),
                Some(r) if c.notice_on < r => {
                    return Err(invalid("补正通知须按时间顺序排列"));
                }
                Some(_) => {}
            }
        }
        previous = Some(c);
    }
    if let Some(received) = input.received_on {
        if input.corrections.iter().any(|c| c.notice_on < received) {
            return Err(invalid("补正通知日期早于收到申请之日"));
        }
        if input.pauses.iter().any(|p| p.opened_on < received) {
            return Err(invalid("征求意见或收费通知的日期早于收到申请之日"));
        }
        if input.stopped_on.is_some_and(|s| s < received) {
            return Err(invalid("答复或办结日期早于收到申请之日"));
        }
    }
    Ok(())
}

/// Classifies one day: its calendar kind and the exclusions covering it (earliest first).
fn classify<'e, 'a>(
    d: NaiveDate,
    calendar: &Calendar,
    exclusions: &'e [Exclusion<'a>],
) -> Result<(DayKind, Vec<&'e Exclusion<'a>>), ClockError> {
    let kind = calendar.day(d)?;
    let covering = exclusions.iter().filter(|e| e.covers(d)).collect();
    Ok((kind, covering))
}

/// Builds the ledger entry for `d`; `next_number` is the number the day gets if counted.
fn ledger_day(
    d: NaiveDate,
    kind: &DayKind,
    covering: &[&Exclusion<'_>],
    next_number: u32,
    limit: u32,
) -> LedgerDay {
    if !kind.is_working() {
        let reason = match kind {
            DayKind::Weekend => DayReason::Weekend,
            DayKind::Holiday { .. } => DayReason::Holiday,
            DayKind::Working | DayKind::AdjustedWorking { .. } => DayReason::Working,
        };
        return LedgerDay {
            date: d,
            counted: false,
            day_number: None,
            reason: kind.explain(),
            kind: reason,
        };
    }
    if let Some(first) = covering.first() {
        let mut reasons: Vec<String> = Vec::new();
        for e in covering {
            let r = e.reason();
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
        return LedgerDay {
            date: d,
            counted: false,
            day_number: None,
            reason: reasons.join("；"),
            kind: first.day_reason(),
        };
    }
    let mut reason = format!("第{next_number}个工作日");
    if next_number > limit {
        reason.push_str("（已超过答复期限）");
    }
    let kind_reason = match kind {
        DayKind::AdjustedWorking { .. } => {
            reason.push('，');
            reason.push_str(&kind.explain());
            DayReason::AdjustedWorking
        }
        _ => DayReason::Working,
    };
    LedgerDay {
        date: d,
        counted: true,
        day_number: Some(next_number),
        reason,
        kind: kind_reason,
    }
}

fn windows(
    input: &ClockInput,
    calendar: &Calendar,
    as_of: NaiveDate,
) -> Result<Vec<Window>, ClockError> {
    let mut out = Vec::new();
    for c in &input.corrections {
        let deadline = calendar.add_working_days(c.notice_on, c.period)?;
        out.push(Window {
            kind: WindowKind::Correction,
            label: String::new(),
            note: format!(
                "申请人应在{}个工作日内补正；无正当理由逾期不补正的，视为放弃申请（条例第三十条）",
                c.period
            ),
            opened_on: c.notice_on,
            deadline,
            closed_on: c.response_on,
            expired: c.response_on.is_none() && as_of > deadline,
        });
    }
    for p in &input.pauses {
        let (kind, within, note) = match p.kind {
            PauseKind::ThirdParty => (
                WindowKind::ThirdPartyConsultation,
                CONSULTATION_WINDOW,
                "第三方应自收到征求意见书之日起15个工作日内提出意见；逾期未提出意见的，由行政机关依照条例决定是否公开（条例第三十二条）",
            ),
            PauseKind::Agency => (
                WindowKind::AgencyConsultation,
                CONSULTATION_WINDOW,
                "被征求意见机关应自收到征求意见书之日起15个工作日内提出意见；逾期未提出意见的，视为同意公开（条例第三十四条）",
            ),
            PauseKind::Fee => (
                WindowKind::FeePayment,
                FEE_PAYMENT_WINDOW,
                "申请人应自收到收费通知的次日起20个工作日内缴纳信息处理费；逾期未缴纳的，视为放弃申请（《政府信息公开信息处理费管理办法》）",
            ),
        };
        let deadline = calendar.add_working_days(p.opened_on, within)?;
        out.push(Window {
            kind,
            label: p.label.clone(),
            note: note.into(),
            opened_on: p.opened_on,
            deadline,
            closed_on: p.closed_on,
            expired: p.closed_on.is_none() && as_of > deadline,
        });
    }
    out.sort_by_key(|w| w.opened_on);
    Ok(out)
}

/// Computes the clock of one application as read on `today`.
///
/// Never guesses a working day: any day the computation needs in a year without a loaded
/// notice gives [`ClockError::YearNotCovered`]. The one exception is the tail of the ledger
/// after a due date that has already passed: the due date and the state are known, so the
/// clock is returned with [`Clock::uncovered_year`] set and the ledger cut at the last
/// covered day. Invalid input gives [`ClockError::Invalid`]; the function never panics.
///
/// Before receipt the clock is [`ClockState::NotStarted`] with no windows and no ledger;
/// while a correction is awaited it has windows but no ledger and no due date. A stop date
/// freezes the clock on `min(stopped_on, today)` and wins over every other state; open
/// pauses are then taken to close on the stop date and the due date is not provisional.
/// The ledger runs from the day after the start through the due date, or through the
/// clock's date when that is later (days after a stop date up to the due date are shown as
/// the projection that fixed the due date).
pub fn compute(
    input: &ClockInput,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Clock, ClockError> {
    compute_inner(input, calendar, today, true)
}

/// The state and due date only, without the ledger: what the case snapshot caches for the
/// queue. Same rules and errors as [`compute`], whose `state` and `due_on` it returns; it
/// stops walking at the due date instead of building the ledger through today, which matters
/// for imports of old open cases.
pub fn summary(
    input: &ClockInput,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<(ClockState, Option<NaiveDate>), ClockError> {
    let c = compute_inner(input, calendar, today, false)?;
    Ok((c.state, c.due_on))
}

fn compute_inner(
    input: &ClockInput,
    calendar: &Calendar,
    today: NaiveDate,
    full: bool,
) -> Result<Clock, ClockError> {
    validate(input)?;
    let limit = REPLY_LIMIT
        .saturating_add(input.extension.unwrap_or(0))
        .saturating_add(input.later_days.unwrap_or(0));
    // A reply issued "in the future" is read as of today; otherwise the clock freezes on
    // the stop date.
    let as_of = input.stopped_on.map_or(today, |s| s.min(today));
    let stopped = input.stopped_on.is_some();

    let mut clock = Clock {
        state: ClockState::NotStarted,
        running: false,
        as_of,
        received_on: input.received_on,
        start_on: None,
        limit,
        extension: input.extension,
        later_days: input.later_days,
        due_on: None,
        provisional: false,
        counted: 0,
        remaining: limit,
        overdue_by: 0,
        correction_deadline: None,
        correction_notice_latest: None,
        windows: Vec::new(),
        ledger: Vec::new(),
        uncovered_year: None,
        new_reply: None,
    };

    // 条例31: no receipt, no clock.
    let Some(received) = input.received_on else {
        return Ok(clock);
    };
    // 行政复议法 第六十四条至第六十六条: the decision's period replaces the 条例33 count.
    if let Some(order) = &input.new_reply {
        return Ok(new_reply_clock(clock, order, calendar, stopped));
    }
    clock.correction_notice_latest =
        Some(calendar.add_working_days(received, CORRECTION_NOTICE_WITHIN)?);
    clock.windows = windows(input, calendar, as_of)?;

    // 条例30: while a correction is awaited nothing runs; once the corrected application is
    // received, the count starts afresh from that day.
    if let Some(pending) = input.corrections.iter().find(|c| c.response_on.is_none()) {
        clock.correction_deadline =
            Some(calendar.add_working_days(pending.notice_on, pending.period)?);
        clock.state = if stopped {
            ClockState::Stopped
        } else {
            ClockState::AwaitingCorrection
        };
        return Ok(clock);
    }
    let start = input
        .corrections
        .iter()
        .filter_map(|c| c.response_on)
        .fold(received, NaiveDate::max);
    clock.start_on = Some(start);

    // 条例33第三款: consultation time is not counted; the fee span only when the agency
    // excludes it. An open pause is taken to close on `as_of` (a provisional due date).
    let mut exclusions: Vec<Exclusion<'_>> = input
        .pauses
        .iter()
        .filter(|p| p.kind != PauseKind::Fee || input.fee_pause_excluded)
        .map(|p| Exclusion {
            kind: p.kind,
            label: &p.label,
            after: p.opened_on,
            through: p.closed_on.unwrap_or(as_of),
        })
        .collect();
    exclusions.sort_by_key(|e| e.after);
    let excluding = || {
        input
            .pauses
            .iter()
            .filter(move |p| p.kind != PauseKind::Fee || input.fee_pause_excluded)
    };
    clock.provisional = !stopped && excluding().any(|p| p.closed_on.is_none());
    let paused = excluding().any(|p| p.opened_on <= as_of && p.closed_on.is_none_or(|c| as_of < c));

    // Walk day by day from the start to the due date (every day needed: errors propagate).
    let mut number = 0u32;
    let mut d = start;
    let due = loop {
        d = next_day(d)?;
        let (kind, covering) = classify(d, calendar, &exclusions)?;
        if full {
            let entry = ledger_day(d, &kind, &covering, number + 1, limit);
            clock.ledger.push(entry);
        }
        if kind.is_working() && covering.is_empty() {
            number += 1;
        }
        if number == limit {
            break d;
        }
    };
    clock.due_on = Some(due);

    // Continue the ledger through `as_of` when the due date has passed; a missing notice
    // here only cuts the tail (documented on `compute`).
    while full && d < as_of {
        d = next_day(d)?;
        match classify(d, calendar, &exclusions) {
            Ok((kind, covering)) => {
                let entry = ledger_day(d, &kind, &covering, number + 1, limit);
                if entry.counted {
                    number += 1;
                }
                clock.ledger.push(entry);
            }
            Err(ClockError::YearNotCovered { year }) => {
                clock.uncovered_year = Some(year);
                break;
            }
            Err(e) => return Err(e),
        }
    }

    clock.counted = clock
        .ledger
        .iter()
        .filter(|l| l.counted && l.date <= as_of)
        .fold(0u32, |n, _| n.saturating_add(1));
    clock.remaining = limit.saturating_sub(clock.counted);
    clock.overdue_by = clock.counted.saturating_sub(limit);

    // Overdue wins over Paused: a pause opened on or after the due date cannot revive it.
    clock.state = if stopped {
        ClockState::Stopped
    } else if as_of > due {
        ClockState::Overdue
    } else if paused {
        ClockState::Paused
    } else {
        ClockState::Running
    };
    clock.running = matches!(clock.state, ClockState::Running | ClockState::Overdue);
    Ok(clock)
}

/// The clock of a case whose reply was set aside with an order to answer anew: it runs from
/// the decision to the deadline the decision set, in working days where the calendar covers
/// them (the counts are left at zero where it does not; the deadline itself is a date).
fn new_reply_clock(
    mut clock: Clock,
    order: &NewReplyOrder,
    calendar: &Calendar,
    stopped: bool,
) -> Clock {
    let as_of = clock.as_of;
    clock.start_on = Some(order.ordered_on);
    clock.due_on = Some(order.due_on);
    clock.new_reply = Some(order.clone());
    clock.extension = None;
    clock.later_days = None;
    let total = calendar
        .working_days_between(order.ordered_on, order.due_on)
        .unwrap_or(0);
    let used = calendar
        .working_days_between(order.ordered_on, as_of.min(order.due_on))
        .unwrap_or(0);
    clock.limit = total;
    clock.counted = used;
    clock.remaining = total.saturating_sub(used);
    clock.overdue_by = if as_of > order.due_on {
        calendar
            .working_days_between(order.due_on, as_of)
            .unwrap_or(0)
    } else {
        0
    };
    clock.state = if stopped {
        ClockState::Stopped
    } else if as_of > order.due_on {
        ClockState::Overdue
    } else {
        ClockState::Running
    };
    clock.running = matches!(clock.state, ClockState::Running | ClockState::Overdue);
    clock
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_cached_clock_code_reads_back_as_itself_and_a_stray_code_is_refused() {
        let all = ClockState::ALL
            .iter()
            .copied()
            .map(CachedClock::Known)
            .chain([CachedClock::CalendarMissing]);
        for c in all {
            assert_eq!(CachedClock::try_from(c.as_str().to_owned()), Ok(c));
        }
        assert_eq!(ClockState::ALL.len(), 6);
        let err = CachedClock::try_from("late".to_owned()).unwrap_err();
        assert_eq!(err.code, "late");
    }

    #[test]
    fn an_ordered_new_reply_runs_to_the_decisions_deadline() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input.stopped_on = None;
        input.new_reply = Some(NewReplyOrder {
            ordered_on: date("2026-06-01"),
            due_on: date("2026-06-22"),
        });
        let c = compute(&input, &cal, date("2026-06-10")).expect("clock");
        assert_eq!(c.state, ClockState::Running);
        assert_eq!(c.due_on, Some(date("2026-06-22")));
        // 2026-06-19 (Fri) is 端午节: 06-02..06-22 holds 14 working days.
        assert_eq!(c.limit, 14);
        let late = compute(&input, &cal, date("2026-06-24")).expect("clock");
        assert_eq!(late.state, ClockState::Overdue);
        assert_eq!(late.overdue_by, 2);
        input.stopped_on = Some(date("2026-06-15"));
        let done = compute(&input, &cal, date("2026-06-24")).expect("clock");
        assert_eq!(done.state, ClockState::Stopped);
    }

    #[test]
    fn the_summary_agrees_with_the_full_clock() {
        let cal = shipped();
        for (rec, today) in [
            ("2024-03-05", "2026-11-20"),
            ("2026-03-02", "2026-03-10"),
            ("2025-09-26", "2025-10-20"),
        ] {
            let mut input = received(rec);
            input
                .pauses
                .push(pause(PauseKind::ThirdParty, "某公司", rec, None));
            let full = compute(&input, &cal, date(today)).expect("clock");
            assert_eq!(
                summary(&input, &cal, date(today)).expect("summary"),
                (full.state, full.due_on)
            );
        }
    }

    use crate::calendar::tests::shipped;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn received(s: &str) -> ClockInput {
        ClockInput {
            received_on: Some(date(s)),
            ..ClockInput::default()
        }
    }

    fn pause(kind: PauseKind, label: &str, opened: &str, closed: Option<&str>) -> Pause {
        Pause {
            kind,
            label: label.into(),
            opened_on: date(opened),
            closed_on: closed.map(date),
        }
    }

    fn day<'c>(clock: &'c Clock, s: &str) -> &'c LedgerDay {
        clock
            .ledger
            .iter()
            .find(|l| l.date == date(s))
            .expect("day in ledger")
    }

    #[test]
    fn not_received_means_not_started() {
        let clock = compute(&ClockInput::default(), &shipped(), date("2026-03-10")).unwrap();
        assert_eq!(clock.state, ClockState::NotStarted);
        assert!(!clock.running);
        assert_eq!(clock.due_on, None);
        assert!(clock.ledger.is_empty());
        assert_eq!(clock.remaining, REPLY_LIMIT);
    }

    #[test]
    fn plain_march_2026_receipt_is_due_in_twenty_working_days() {
        let cal = shipped();
        let clock = compute(&received("2026-03-02"), &cal, date("2026-03-10")).unwrap();
        assert_eq!(clock.state, ClockState::Running);
        assert!(clock.running);
        assert_eq!(clock.start_on, Some(date("2026-03-02")));
        assert_eq!(clock.due_on, Some(date("2026-03-30")));
        assert!(!clock.provisional);
        // 03-03 .. 03-06 and 03-09, 03-10.
        assert_eq!(clock.counted, 6);
        assert_eq!(clock.remaining, 14);
        assert_eq!(clock.overdue_by, 0);
        assert_eq!(clock.correction_notice_latest, Some(date("2026-03-11")));
        // One entry per day from 03-03 through the due date.
        assert_eq!(clock.ledger.len(), 28);
        assert_eq!(
            clock.ledger.first().map(|l| l.date),
            Some(date("2026-03-03"))
        );
        assert_eq!(
            clock.ledger.last().map(|l| l.date),
            Some(date("2026-03-30"))
        );
        let third = day(&clock, "2026-03-05");
        assert_eq!(third.day_number, Some(3));
        assert_eq!(third.reason, "第3个工作日");
        assert_eq!(third.kind, DayReason::Working);
        let sat = day(&clock, "2026-03-07");
        assert!(!sat.counted);
        assert_eq!(sat.reason, "周末");
        assert_eq!(sat.kind, DayReason::Weekend);
        assert_eq!(day(&clock, "2026-03-30").day_number, Some(20));
    }

    #[test]
    fn national_day_2025_shows_holidays_and_adjusted_days_with_the_notice() {
        let cal = shipped();
        // 2025-10-01 .. 10-08 rest; 09-28 (Sun) and 10-11 (Sat) are 调休上班.
        let clock = compute(&received("2025-09-26"), &cal, date("2025-09-29")).unwrap();
        assert_eq!(clock.due_on, Some(date("2025-10-30")));
        let sun = day(&clock, "2025-09-28");
        assert!(sun.counted);
        assert_eq!(sun.day_number, Some(1));
        assert_eq!(sun.kind, DayReason::AdjustedWorking);
        assert!(sun.reason.starts_with("第1个工作日"));
        assert!(sun.reason.contains("调休上班日"));
        assert!(sun.reason.contains("国办发明电〔2024〕12号"));
        let holiday = day(&clock, "2025-10-03");
        assert!(!holiday.counted);
        assert_eq!(holiday.kind, DayReason::Holiday);
        assert!(holiday.reason.contains("国庆节、中秋节"));
        assert!(
            holiday
                .reason
                .contains("国务院办公厅关于2025年部分节假日安排的通知")
        );
        let sat = day(&clock, "2025-10-11");
        assert_eq!(sat.day_number, Some(6));
        assert_eq!(sat.kind, DayReason::AdjustedWorking);
        // 09-27 (Sat) rests as an ordinary weekend.
        assert_eq!(day(&clock, "2025-09-27").kind, DayReason::Weekend);
        assert_eq!(clock.counted, 2);
    }

    #[test]
    fn spring_festival_2026_is_skipped() {
        let cal = shipped();
        // 2026-02-15 .. 02-23 rest; 02-14 (Sat) and 02-28 (Sat) work.
        let clock = compute(&received("2026-02-13"), &cal, date("2026-02-13")).unwrap();
        assert_eq!(clock.due_on, Some(date("2026-03-19")));
        assert_eq!(day(&clock, "2026-02-14").day_number, Some(1));
        let h = day(&clock, "2026-02-16");
        assert_eq!(h.kind, DayReason::Holiday);
        assert!(h.reason.contains("春节"));
        assert!(
            h.reason
                .contains("国务院办公厅关于2026年部分节假日安排的通知")
        );
        assert_eq!(day(&clock, "2026-02-24").day_number, Some(2));
        assert_eq!(day(&clock, "2026-02-28").day_number, Some(6));
        assert_eq!(clock.counted, 0);
        assert_eq!(clock.remaining, 20);
    }

    #[test]
    fn a_closed_consultation_pushes_the_due_date_by_its_working_days() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input.pauses.push(pause(
            PauseKind::ThirdParty,
            "甲公司",
            "2026-03-05",
            Some("2026-03-12"),
        ));
        let clock = compute(&input, &cal, date("2026-03-20")).unwrap();
        // (03-05, 03-12] holds 5 working days; 03-30 + 5 crosses 清明 (04-04 .. 04-06).
        let pushed = cal
            .working_days_between(date("2026-03-05"), date("2026-03-12"))
            .unwrap();
        assert_eq!(pushed, 5);
        assert_eq!(
            clock.due_on,
            Some(cal.add_working_days(date("2026-03-30"), pushed).unwrap())
        );
        assert_eq!(clock.due_on, Some(date("2026-04-07")));
        assert_eq!(clock.state, ClockState::Running);
        assert!(!clock.provisional);
        assert_eq!(day(&clock, "2026-03-05").day_number, Some(3));
        let paused = day(&clock, "2026-03-06");
        assert!(!paused.counted);
        assert_eq!(paused.kind, DayReason::ThirdPartyConsultation);
        assert_eq!(
            paused.reason,
            "征求第三方意见期间（甲公司），不计入答复期限（条例第三十三条第三款）"
        );
        assert_eq!(
            day(&clock, "2026-03-12").kind,
            DayReason::ThirdPartyConsultation
        );
        assert_eq!(day(&clock, "2026-03-13").day_number, Some(4));
        // The consultation window: 15 working days from the letter (条例32), answered in time.
        let w = &clock.windows[0];
        assert_eq!(w.kind, WindowKind::ThirdPartyConsultation);
        assert_eq!(w.deadline, date("2026-03-26"));
        assert!(!w.expired);
        assert!(w.note.contains("条例第三十二条"));
    }

    #[test]
    fn overlapping_consultations_exclude_their_union_once() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input.pauses = vec![
            pause(PauseKind::Agency, "乙局", "2026-03-10", Some("2026-03-17")),
            pause(
                PauseKind::ThirdParty,
                "甲公司",
                "2026-03-05",
                Some("2026-03-12"),
            ),
        ];
        let clock = compute(&input, &cal, date("2026-03-20")).unwrap();
        // (03-05, 03-17] holds 8 working days.
        assert_eq!(clock.due_on, Some(date("2026-04-10")));
        let both = day(&clock, "2026-03-11");
        assert_eq!(both.kind, DayReason::ThirdPartyConsultation);
        assert!(both.reason.contains("甲公司"));
        assert!(both.reason.contains("征求其他机关意见期间（乙局）"));
        assert_eq!(
            day(&clock, "2026-03-16").kind,
            DayReason::AgencyConsultation
        );
        assert!(clock.windows[1].note.contains("视为同意公开"));
    }

    #[test]
    fn a_fee_pause_counts_only_when_the_agency_excludes_it() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input
            .pauses
            .push(pause(PauseKind::Fee, "", "2026-03-05", Some("2026-03-12")));
        input.fee_pause_excluded = false;
        let kept = compute(&input, &cal, date("2026-03-20")).unwrap();
        let plain = compute(&received("2026-03-02"), &cal, date("2026-03-20")).unwrap();
        assert_eq!(kept.due_on, plain.due_on);
        assert_eq!(kept.ledger, plain.ledger);
        assert_eq!(kept.counted, plain.counted);
        // The payment window is reported either way.
        assert_eq!(kept.windows.len(), 1);
        assert_eq!(kept.windows[0].kind, WindowKind::FeePayment);
        assert_eq!(
            kept.windows[0].deadline,
            cal.add_working_days(date("2026-03-05"), FEE_PAYMENT_WINDOW)
                .unwrap()
        );

        input.fee_pause_excluded = true;
        let excluded = compute(&input, &cal, date("2026-03-20")).unwrap();
        assert_eq!(excluded.due_on, Some(date("2026-04-07")));
        let d = day(&excluded, "2026-03-09");
        assert_eq!(d.kind, DayReason::FeePending);
        assert_eq!(d.reason, "缴纳信息处理费期间，不计入答复期限");
    }

    #[test]
    fn an_open_consultation_pauses_the_clock_with_a_provisional_due_date() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input
            .pauses
            .push(pause(PauseKind::ThirdParty, "甲公司", "2026-03-05", None));
        let clock = compute(&input, &cal, date("2026-03-12")).unwrap();
        assert_eq!(clock.state, ClockState::Paused);
        assert!(!clock.running);
        assert!(clock.provisional);
        // As though it closed today: the same as closing on 03-12.
        assert_eq!(clock.due_on, Some(date("2026-04-07")));
        assert_eq!(clock.counted, 3);
        assert_eq!(clock.remaining, 17);
        // A day later the provisional due date moves a working day on.
        let later = compute(&input, &cal, date("2026-03-13")).unwrap();
        assert_eq!(later.due_on, Some(date("2026-04-08")));
        // The consultation window lapses after 03-26.
        let lapsed = compute(&input, &cal, date("2026-03-27")).unwrap();
        assert!(lapsed.windows[0].expired);
        assert_eq!(lapsed.state, ClockState::Paused);
    }

    #[test]
    fn correction_awaited_then_restarted() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input.corrections.push(Correction {
            notice_on: date("2026-03-05"),
            period: 10,
            response_on: None,
        });
        let waiting = compute(&input, &cal, date("2026-03-10")).unwrap();
        assert_eq!(waiting.state, ClockState::AwaitingCorrection);
        assert!(!waiting.running);
        assert_eq!(waiting.due_on, None);
        assert_eq!(waiting.correction_deadline, Some(date("2026-03-19")));
        assert!(waiting.ledger.is_empty());
        assert!(!waiting.windows[0].expired);
        let lapsed = compute(&input, &cal, date("2026-03-20")).unwrap();
        assert!(lapsed.windows[0].expired);

        // 条例30: a fresh count of 20 from the day the correction arrives.
        input.corrections[0].response_on = Some(date("2026-03-16"));
        let restarted = compute(&input, &cal, date("2026-03-20")).unwrap();
        assert_eq!(restarted.state, ClockState::Running);
        assert_eq!(restarted.start_on, Some(date("2026-03-16")));
        assert_eq!(restarted.correction_deadline, None);
        assert_eq!(
            restarted.due_on,
            Some(cal.add_working_days(date("2026-03-16"), 20).unwrap())
        );
        assert_eq!(restarted.due_on, Some(date("2026-04-14")));
        assert_eq!(restarted.counted, 4);
        assert_eq!(restarted.ledger[0].date, date("2026-03-17"));
    }

    #[test]
    fn a_consultation_opened_before_the_restart_still_excludes_later_days() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input.corrections.push(Correction {
            notice_on: date("2026-03-03"),
            period: 5,
            response_on: Some(date("2026-03-09")),
        });
        input.pauses.push(pause(
            PauseKind::Agency,
            "乙局",
            "2026-03-05",
            Some("2026-03-11"),
        ));
        let clock = compute(&input, &cal, date("2026-03-20")).unwrap();
        // Only 03-10 and 03-11 of the consultation lie after the restart on 03-09.
        assert_eq!(
            clock.due_on,
            Some(
                cal.add_working_days(cal.add_working_days(date("2026-03-09"), 20).unwrap(), 2)
                    .unwrap()
            )
        );
        assert_eq!(
            day(&clock, "2026-03-10").kind,
            DayReason::AgencyConsultation
        );
    }

    #[test]
    fn an_extension_of_twenty_adds_twenty_working_days() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input.extension = Some(MAX_EXTENSION);
        let clock = compute(&input, &cal, date("2026-03-10")).unwrap();
        assert_eq!(clock.limit, 40);
        assert_eq!(clock.due_on, Some(date("2026-04-28")));
        assert_eq!(
            clock.due_on,
            Some(cal.add_working_days(date("2026-03-30"), 20).unwrap())
        );
        assert_eq!(clock.remaining, 34);
    }

    #[test]
    fn past_the_due_date_the_clock_is_overdue() {
        let cal = shipped();
        let clock = compute(&received("2026-03-02"), &cal, date("2026-04-02")).unwrap();
        assert_eq!(clock.state, ClockState::Overdue);
        assert!(clock.running);
        assert_eq!(clock.counted, 23);
        assert_eq!(clock.overdue_by, 3);
        assert_eq!(clock.remaining, 0);
        assert_eq!(
            clock.ledger.last().map(|l| l.date),
            Some(date("2026-04-02"))
        );
        let late = day(&clock, "2026-04-01");
        assert_eq!(late.day_number, Some(22));
        assert!(late.reason.contains("已超过答复期限"));
    }

    #[test]
    fn a_consultation_opened_after_the_due_date_does_not_revive_it() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input
            .pauses
            .push(pause(PauseKind::ThirdParty, "甲公司", "2026-03-30", None));
        let clock = compute(&input, &cal, date("2026-04-02")).unwrap();
        assert_eq!(clock.due_on, Some(date("2026-03-30")));
        assert_eq!(clock.state, ClockState::Overdue);
    }

    #[test]
    fn a_reply_stops_the_clock() {
        let cal = shipped();
        let mut input = received("2026-03-02");
        input.stopped_on = Some(date("2026-03-20"));
        let clock = compute(&input, &cal, date("2026-04-20")).unwrap();
        assert_eq!(clock.state, ClockState::Stopped);
        assert!(!clock.running);
        assert_eq!(clock.as_of, date("2026-03-20"));
        assert_eq!(clock.due_on, Some(date("2026-03-30")));
        assert_eq!(clock.counted, 14);
        assert_eq!(clock.remaining, 6);
        assert_eq!(clock.overdue_by, 0);

        // A late reply keeps its lateness on record.
        input.stopped_on = Some(date("2026-04-01"));
        let late = compute(&input, &cal, date("2026-04-20")).unwrap();
        assert_eq!(late.state, ClockState::Stopped);
        assert_eq!(late.overdue_by, 2);
    }

    #[test]
    fn uncovered_years_are_never_guessed() {
        let cal = shipped();
        assert_eq!(
            compute(&received("2027-01-04"), &cal, date("2027-01-05")),
            Err(ClockError::YearNotCovered { year: 2027 })
        );
        // The due date of a receipt in mid-December 2026 falls in 2027.
        assert_eq!(
            compute(&received("2026-12-10"), &cal, date("2026-12-11")),
            Err(ClockError::YearNotCovered { year: 2027 })
        );
        assert_eq!(
            ClockError::YearNotCovered { year: 2027 }.to_string(),
            "2027年的节假日安排尚未载入，无法计算期限"
        );
    }

    #[test]
    fn an_overdue_tail_into_an_uncovered_year_is_cut_not_guessed() {
        let cal = shipped();
        let clock = compute(&received("2026-11-02"), &cal, date("2027-01-10")).unwrap();
        assert_eq!(clock.due_on, Some(date("2026-11-30")));
        assert_eq!(clock.state, ClockState::Overdue);
        assert_eq!(clock.uncovered_year, Some(2027));
        assert_eq!(
            clock.ledger.last().map(|l| l.date),
            Some(date("2026-12-31"))
        );
        // Every weekday of December 2026, a lower bound.
        assert_eq!(clock.overdue_by, 23);
    }

    #[test]
    fn correction_notice_lateness_follows_article_30() {
        let cal = shipped();
        let r = date("2026-03-02");
        assert_eq!(
            correction_notice_late(r, date("2026-03-11"), &cal),
            Ok(false)
        );
        assert_eq!(
            correction_notice_late(r, date("2026-03-12"), &cal),
            Ok(true)
        );
        assert_eq!(
            correction_notice_late(date("2027-01-04"), date("2027-01-05"), &cal),
            Err(ClockError::YearNotCovered { year: 2027 })
        );
    }

    #[test]
    fn invalid_input_is_rejected_in_chinese() {
        let cal = shipped();
        let today = date("2026-03-20");
        let mut ext = received("2026-03-02");
        ext.extension = Some(21);
        assert!(
            matches!(compute(&ext, &cal, today), Err(ClockError::Invalid(m)) if m.contains("延长"))
        );
        ext.extension = Some(0);
        assert!(matches!(
            compute(&ext, &cal, today),
            Err(ClockError::Invalid(_))
        ));

        let mut p = received("2026-03-02");
        p.pauses.push(pause(
            PauseKind::ThirdParty,
            "甲公司",
            "2026-03-10",
            Some("2026-03-09"),
        ));
        assert!(
            matches!(compute(&p, &cal, today), Err(ClockError::Invalid(m)) if m.contains("早于"))
        );

        let mut c = received("2026-03-02");
        c.corrections.push(Correction {
            notice_on: date("2026-03-05"),
            period: 10,
            response_on: Some(date("2026-03-04")),
        });
        assert!(matches!(
            compute(&c, &cal, today),
            Err(ClockError::Invalid(_))
        ));
        c.corrections[0].response_on = None;
        c.corrections[0].period = 0;
        assert!(matches!(
            compute(&c, &cal, today),
            Err(ClockError::Invalid(_))
        ));

        let mut early = received("2026-03-02");
        early.stopped_on = Some(date("2026-03-01"));
        assert!(matches!(
            compute(&early, &cal, today),
            Err(ClockError::Invalid(_))
        ));
    }

    #[test]
    fn serializes_in_snake_case_with_plain_dates() {
        let mut input = received("2026-03-02");
        input
            .pauses
            .push(pause(PauseKind::Agency, "乙局", "2026-03-05", None));
        let clock = compute(&input, &shipped(), date("2026-03-12")).unwrap();
        let v = toml::Value::try_from(&clock).unwrap();
        assert_eq!(v.get("state").and_then(|s| s.as_str()), Some("paused"));
        assert_eq!(v.get("due_on").and_then(|s| s.as_str()), Some("2026-04-07"));
        let ledger = v.get("ledger").and_then(|l| l.as_array()).unwrap();
        assert_eq!(
            ledger[3].get("kind").and_then(|s| s.as_str()),
            Some("agency_consultation")
        );
        let windows = v.get("windows").and_then(|l| l.as_array()).unwrap();
        assert_eq!(
            windows[0].get("kind").and_then(|s| s.as_str()),
            Some("agency_consultation")
        );
    }

    // --- properties -------------------------------------------------------------------

    fn receipt() -> impl Strategy<Value = NaiveDate> {
        // 2020-01-01 .. 2025-06-29, leaving room for counts to stay inside the covered years.
        (0u64..2007).prop_map(|o| date("2020-01-01") + Days::new(o))
    }

    /// A pause as offsets from receipt: kind, opened after, length, open.
    fn pause_offsets() -> impl Strategy<Value = (u8, u64, u64, bool)> {
        (0u8..3, 0u64..60, 0u64..40, proptest::bool::weighted(0.2))
    }

    fn make_pause(received: NaiveDate, (k, open, len, is_open): (u8, u64, u64, bool)) -> Pause {
        let kind = match k {
            0 => PauseKind::ThirdParty,
            1 => PauseKind::Agency,
            _ => PauseKind::Fee,
        };
        let opened_on = received + Days::new(open);
        Pause {
            kind,
            label: "甲".into(),
            opened_on,
            closed_on: (!is_open).then(|| opened_on + Days::new(len)),
        }
    }

    fn extension() -> impl Strategy<Value = Option<u32>> {
        proptest::option::of(1u32..=MAX_EXTENSION)
    }

    proptest! {
        #[test]
        fn adding_an_exclusion_never_moves_the_due_date_earlier(
            r in receipt(),
            ps in proptest::collection::vec(pause_offsets(), 0..4),
            extra in pause_offsets(),
            ext in extension(),
            fee_excluded in any::<bool>(),
            today_off in 0u64..250,
        ) {
            let cal = shipped();
            let today = r + Days::new(today_off);
            let mut input = ClockInput {
                received_on: Some(r),
                pauses: ps.into_iter().map(|p| make_pause(r, p)).collect(),
                fee_pause_excluded: fee_excluded,
                extension: ext,
                ..ClockInput::default()
            };
            let before = compute(&input, &cal, today).unwrap();
            input.pauses.push(make_pause(r, extra));
            let after = compute(&input, &cal, today).unwrap();
            prop_assert!(after.due_on.unwrap() >= before.due_on.unwrap());
            prop_assert!(after.counted <= before.counted);
        }

        #[test]
        fn a_correction_restart_counts_in_full_from_the_response(
            r in receipt(),
            notice_off in 0u64..20,
            response_off in 0u64..30,
            ps in proptest::collection::vec(pause_offsets(), 0..3),
            ext in extension(),
            today_off in 0u64..250,
        ) {
            let cal = shipped();
            let notice_on = r + Days::new(notice_off);
            let response_on = notice_on + Days::new(response_off);
            let input = ClockInput {
                received_on: Some(r),
                corrections: vec![Correction { notice_on, period: 10, response_on: Some(response_on) }],
                pauses: ps.into_iter().map(|p| make_pause(r, p)).collect(),
                extension: ext,
                ..ClockInput::default()
            };
            let clock = compute(&input, &cal, r + Days::new(today_off)).unwrap();
            let floor = cal.add_working_days(response_on, clock.limit).unwrap();
            prop_assert_eq!(clock.start_on, Some(response_on));
            prop_assert!(clock.due_on.unwrap() >= floor);
        }

        #[test]
        fn without_pauses_the_due_date_is_the_calendar_count(
            r in receipt(),
            correction in proptest::option::of((0u64..20, 0u64..30)),
            ext in extension(),
            today_off in 0u64..250,
        ) {
            let cal = shipped();
            let corrections: Vec<Correction> = correction
                .map(|(n, k)| {
                    let notice_on = r + Days::new(n);
                    Correction { notice_on, period: 10, response_on: Some(notice_on + Days::new(k)) }
                })
                .into_iter()
                .collect();
            let input = ClockInput { received_on: Some(r), corrections, extension: ext, ..ClockInput::default() };
            let clock = compute(&input, &cal, r + Days::new(today_off)).unwrap();
            let start = clock.start_on.unwrap();
            prop_assert_eq!(
                clock.due_on,
                Some(cal.add_working_days(start, REPLY_LIMIT + ext.unwrap_or(0)).unwrap())
            );
        }

        #[test]
        fn the_ledger_counts_exactly_the_limit_through_the_due_date(
            r in receipt(),
            ps in proptest::collection::vec(pause_offsets(), 0..4),
            ext in extension(),
            fee_excluded in any::<bool>(),
            today_off in 0u64..250,
        ) {
            let cal = shipped();
            let input = ClockInput {
                received_on: Some(r),
                pauses: ps.into_iter().map(|p| make_pause(r, p)).collect(),
                fee_pause_excluded: fee_excluded,
                extension: ext,
                ..ClockInput::default()
            };
            let clock = compute(&input, &cal, r + Days::new(today_off)).unwrap();
            let due = clock.due_on.unwrap();
            let counted = clock.ledger.iter().filter(|l| l.counted && l.date <= due).count();
            prop_assert_eq!(counted, clock.limit as usize);
            // One entry per day, consecutive from the day after the start.
            let mut expect = r;
            for l in &clock.ledger {
                expect = expect + Days::new(1);
                prop_assert_eq!(l.date, expect);
            }
            prop_assert!(clock.ledger.last().unwrap().date >= due);
            prop_assert_eq!(clock.remaining + clock.counted.min(clock.limit), clock.limit);
        }

        #[test]
        fn overlapping_pauses_equal_their_merged_union(
            r in receipt(),
            ps in proptest::collection::vec((0u64..60, 0u64..40), 1..5),
            today_off in 0u64..250,
        ) {
            let cal = shipped();
            let today = r + Days::new(today_off);
            let mut spans: Vec<(NaiveDate, NaiveDate)> = ps
                .iter()
                .map(|&(o, l)| (r + Days::new(o), r + Days::new(o + l)))
                .collect();
            let original = ClockInput {
                received_on: Some(r),
                pauses: spans
                    .iter()
                    .map(|&(s, c)| Pause { kind: PauseKind::ThirdParty, label: "甲".into(), opened_on: s, closed_on: Some(c) })
                    .collect(),
                ..ClockInput::default()
            };
            // Merge (s, c] intervals: overlapping or touching ones join.
            spans.sort();
            let mut merged: Vec<(NaiveDate, NaiveDate)> = Vec::new();
            for (s, c) in spans {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(c),
                    _ => merged.push((s, c)),
                }
            }
            let merged_input = ClockInput {
                pauses: merged
                    .iter()
                    .map(|&(s, c)| Pause { kind: PauseKind::ThirdParty, label: "甲".into(), opened_on: s, closed_on: Some(c) })
                    .collect(),
                ..original.clone()
            };
            let a = compute(&original, &cal, today).unwrap();
            let b = compute(&merged_input, &cal, today).unwrap();
            prop_assert_eq!(a.due_on, b.due_on);
            prop_assert_eq!(a.counted, b.counted);
            prop_assert_eq!(a.state, b.state);
            prop_assert_eq!(&a.ledger, &b.ledger);
        }
    }
}
