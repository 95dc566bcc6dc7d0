//! The six phases of the campaign (SPEC §2) and each branch's status in them:
//! 按时完成 / 逾期完成(N天) / 逾期未完成 / 未到期 / 不适用, or 缺表 when the sheet that would
//! show it is missing or unusable.

use chrono::NaiveDate;

use super::{BranchView, Ctx};
use crate::campaign::{Campaign, Phase as PhaseConfig};
use crate::finding::Code;
use crate::model::SheetKind;
use crate::model::{MeetingKind, Prov};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhaseKey {
    Study,
    Talks,
    Lists,
    Committee,
    General,
    Rectify,
}

impl PhaseKey {
    pub const ALL: [PhaseKey; 6] = [
        PhaseKey::Study,
        PhaseKey::Talks,
        PhaseKey::Lists,
        PhaseKey::Committee,
        PhaseKey::General,
        PhaseKey::Rectify,
    ];

    pub fn config<'a>(self, cx: &Ctx<'a>) -> &'a PhaseConfig {
        self.config_in(cx.campaign)
    }

    pub fn config_in(self, campaign: &Campaign) -> &PhaseConfig {
        let p = &campaign.phases;
        match self {
            PhaseKey::Study => &p.study,
            PhaseKey::Talks => &p.talks,
            PhaseKey::Lists => &p.lists,
            PhaseKey::Committee => &p.committee,
            PhaseKey::General => &p.general,
            PhaseKey::Rectify => &p.rectify,
        }
    }

    /// The sheet that shows whether the phase was done.
    fn sheet(self) -> SheetKind {
        match self {
            PhaseKey::Study | PhaseKey::Committee | PhaseKey::General => SheetKind::Meetings,
            PhaseKey::Talks => SheetKind::Talks,
            PhaseKey::Lists => SheetKind::Problems,
            PhaseKey::Rectify => SheetKind::Rectifications,
        }
    }

    /// The (overdue, late) codes of the phase.
    pub fn codes(self) -> (Code, Code) {
        match self {
            PhaseKey::Study => (Code::T101, Code::T102),
            PhaseKey::Talks => (Code::T201, Code::T202),
            PhaseKey::Lists => (Code::T301, Code::T302),
            PhaseKey::Committee => (Code::T401, Code::T402),
            PhaseKey::General => (Code::T501, Code::T502),
            PhaseKey::Rectify => (Code::T601, Code::T602),
        }
    }
}

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
    pub key: PhaseKey,
    pub status: Status,
    /// The date the phase was done (SPEC §2 says which date that is).
    pub date: Option<NaiveDate>,
    /// The cell that date was read from.
    pub at: Option<Prov>,
    pub deadline: NaiveDate,
}

/// The date a phase was done, and where that date was written.
fn done(key: PhaseKey, b: &BranchView, as_of: NaiveDate) -> Option<(NaiveDate, Prov)> {
    let first = |kinds: &[MeetingKind]| {
        b.meetings
            .iter()
            .filter(|m| kinds.contains(&m.kind.value))
            .map(|m| (m.date.value.date, m.date.at))
            .min()
    };
    match key {
        PhaseKey::Study => first(&[
            MeetingKind::Study,
            MeetingKind::ThemeDay,
            MeetingKind::PartyLecture,
        ]),
        PhaseKey::Committee => first(&[MeetingKind::Committee]),
        PhaseKey::General => first(&[MeetingKind::General]),
        // The latest talk or problem: one late entry makes the phase late.
        PhaseKey::Talks => b.talks.iter().map(|t| (t.date.value.date, t.date.at)).max(),
        PhaseKey::Lists => b
            .problems
            .iter()
            .map(|p| (p.date.value.date, p.date.at))
            .max(),
        PhaseKey::Rectify => {
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

pub fn state(cx: &Ctx, b: &BranchView, key: PhaseKey) -> PhaseState {
    let deadline = key.config(cx).deadline;
    let mut s = PhaseState {
        key,
        status: Status::NotDue,
        date: None,
        at: None,
        deadline,
    };
    if key == PhaseKey::Committee && !b.has_committee {
        s.status = Status::NotApplicable;
        return s;
    }
    let sheet_ok =
        b.present(key.sheet()) && (key != PhaseKey::Rectify || b.present(SheetKind::Info));
    if !sheet_ok {
        s.status = Status::MissingSheet;
        return s;
    }
    match done(key, b, cx.as_of) {
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

/// All six phases of a branch, in order.
pub fn states(cx: &Ctx, b: &BranchView) -> [PhaseState; 6] {
    PhaseKey::ALL.map(|k| state(cx, b, k))
}
