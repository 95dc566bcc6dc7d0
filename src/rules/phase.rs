//! The campaign's configured steps (SPEC §2, §7) and each branch's status in them:
//! 按时完成 / 逾期完成(N天) / 逾期未完成 / 未到期 / 不适用, or 缺表 when the sheet that would
//! show it is missing or unusable.

use chrono::NaiveDate;

use super::{BranchView, Ctx};
use crate::campaign::Step;
pub use crate::campaign::StepKind;
use crate::model::Prov;
use crate::model::SheetKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    OnTime,
    /// Done this many days after the deadline.
    Late(i64),
    Overdue,
    NotDue,
    NotApplicable,
    MissingSheet,
}

impl Status {
    pub fn label(self) -> String {
        match self {
            Status::OnTime => "按时完成".to_string(),
            Status::Late(n) => format!("逾期完成({n}天)"),
            Status::Overdue => "逾期未完成".to_string(),
            Status::NotDue => "未到期".to_string(),
            Status::NotApplicable => "不适用".to_string(),
            Status::MissingSheet => "缺表".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct PhaseState {
    pub key: StepKind,
    pub status: Status,
    /// The date the phase was done (SPEC §2 says which date that is).
    pub date: Option<NaiveDate>,
    /// The cell that date was read from.
    pub at: Option<Prov>,
    pub deadline: NaiveDate,
}

/// The date a step was done, and where that date was written.
fn done(step: &Step, b: &BranchView, as_of: NaiveDate) -> Option<(NaiveDate, Prov)> {
    match step.kind {
        // The first meeting of a type that counts.
        StepKind::Study | StepKind::Committee | StepKind::General => b
            .meetings
            .iter()
            .filter(|m| step.meetings.contains(&m.kind.value))
            .map(|m| (m.date.value.date, m.date.at))
            .min(),
        // The latest talk, problem or grade: one late entry makes the step late.
        StepKind::Talks => b.talks.iter().map(|t| (t.date.value.date, t.date.at)).max(),
        StepKind::Lists => b
            .problems
            .iter()
            .map(|p| (p.date.value.date, p.date.at))
            .max(),
        StepKind::Evaluation => b
            .appraisals
            .iter()
            .map(|a| (a.date.value.date, a.date.at))
            .max(),
        StepKind::Rectify => {
            if b.b.rectifications.is_empty() {
                return None;
            }
            // 基本情况 is not filtered by date like the records are: a 备案日期 after
            // `--as-of` (D007) does not count yet.
            let filed = b.b.info.as_ref()?.filed.as_ref()?;
            (filed.value.date <= as_of).then_some((filed.value.date, filed.at))
        }
    }
}

pub fn state(cx: &Ctx, b: &BranchView, step: &Step) -> PhaseState {
    let key = step.kind;
    let deadline = step.deadline;
    let mut s = PhaseState {
        key,
        status: Status::NotDue,
        date: None,
        at: None,
        deadline,
    };
    if key == StepKind::Committee && !b.has_committee {
        s.status = Status::NotApplicable;
        return s;
    }
    let sheet_ok =
        b.present(key.sheet()) && (key != StepKind::Rectify || b.present(SheetKind::Info));
    if !sheet_ok {
        s.status = Status::MissingSheet;
        return s;
    }
    match done(step, b, cx.as_of) {
        Some((date, at)) => {
            s.date = Some(date);
            s.at = Some(at);
            s.status = if date <= deadline {
                Status::OnTime
            } else {
                Status::Late((date - deadline).num_days())
            };
        }
        None => {
            s.status = if cx.due(deadline) {
                Status::Overdue
            } else {
                Status::NotDue
            }
        }
    }
    s
}

/// The state of a branch in every configured step, in the campaign's order.
pub fn states(cx: &Ctx, b: &BranchView) -> Vec<PhaseState> {
    cx.campaign
        .steps
        .iter()
        .map(|st| state(cx, b, st))
        .collect()
}
