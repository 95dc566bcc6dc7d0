//! What the summary shows per branch, decided here so that reports only format it: phase
//! statuses, supervision seen, talk coverage, counts by severity, overall status, and what a
//! lagging branch must still do (催办).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use super::phase::{PhaseState, Status, states};
use super::{BranchView, Ctx, TalkIndex, pair};
use crate::campaign::StepKind;
use crate::finding::{Code, Finding, Severity};
use crate::model::SheetKind;
use crate::model::{Branch, Category, MeetingKind, Presence, ResultStatus, Role, presence_index};
use crate::text::fold_name;
use foldhash::HashMap;

pub use crate::model::Returned;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Overall {
    /// Nothing returned (or nothing readable).
    NotReturned,
    /// Some 严重 finding.
    Errors,
    /// Some 一般 finding, no 严重.
    Warnings,
    /// Nothing wrong so far, some phase not yet due.
    OnTrack,
    /// Every phase done, nothing wrong.
    Done,
}

impl Overall {
    pub fn label(self) -> &'static str {
        match self {
            Overall::NotReturned => "未报送",
            Overall::Errors => "有严重问题",
            Overall::Warnings => "有一般问题",
            Overall::OnTrack => "进行中",
            Overall::Done => "全部完成",
        }
    }
}

/// (done, required) counts of one coverage requirement.
pub type Ratio = (usize, usize);

#[derive(Clone, Debug, Default)]
pub struct TalkCoverage {
    /// Committee pairs who talked (only where 设支委会=是).
    pub pairs: Option<Ratio>,
    /// Ordinary members talked with by a committee member.
    pub members: Ratio,
    /// 流动/困难/年老体弱 members talked with.
    pub special: Ratio,
    pub masses: bool,
    /// The committee pairs that never talked, “甲、乙”.
    pub missing_pairs: Vec<String>,
}

/// Something a lagging branch must still do, for the reminder.
#[derive(Clone, Debug)]
pub struct Lag {
    pub what: String,
    pub deadline: Option<NaiveDate>,
    pub days: i64,
}

#[derive(Clone, Debug)]
pub struct BranchOverview {
    pub name: String,
    pub category: Option<Category>,
    pub has_committee: bool,
    pub secretary: Option<String>,
    pub phone: Option<String>,
    /// Roster size (a person once), when a roster came.
    pub members: Option<usize>,
    pub registered_members: Option<u32>,
    pub returned: Returned,
    /// Empty when nothing readable was returned.
    pub phases: Vec<PhaseState>,
    /// “周建国（正科级）” for everyone who supervised a 支委会/党员大会/党小组会.
    pub supervisors: Vec<String>,
    /// V001/V002 satisfied (None when not judged: not due, unknown category, no meetings).
    pub supervision_ok: Option<bool>,
    pub talks: Option<TalkCoverage>,
    /// Findings by severity: 严重, 一般, 提示.
    pub counts: [usize; 3],
    pub overall: Overall,
    pub lags: Vec<Lag>,
    /// Per item of the branch's 整改项目清单, in its order.
    pub rectifications: Vec<RectOverview>,
    /// 民主评议, for a returned branch of a campaign with an evaluation step.
    pub evaluation: Option<EvaluationOverview>,
}

/// One branch's row of 民主评议汇总: the sheet counted, and the findings on it.
#[derive(Clone, Debug)]
pub struct EvaluationOverview {
    /// `None` when no 民主评议 sheet came.
    pub tally: Option<super::evaluation::Tally>,
    /// E001 and E005 findings, when those rules judged the branch (the step due, the rule not
    /// switched off, the sheets it needs present); `None` otherwise.
    pub ungraded: Option<usize>,
    pub untold: Option<usize>,
}

/// One rectification item as 三张清单汇总 shows it: where it stands, and the result that says
/// so (an index into the branch's results).
#[derive(Clone, Copy, Debug)]
pub struct RectOverview {
    pub state: RectState,
    pub result: Option<usize>,
}

/// Where one rectification item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RectState {
    /// Past its 整改时限 with no 已完成 result (T800).
    Overdue,
    Done,
    Ongoing,
    /// A result other than 已完成 or 长期坚持 (基本完成, 推进中, 未完成).
    InProgress,
    /// No 落实结果 names it.
    NoResult,
}

impl RectState {
    pub fn label(self) -> &'static str {
        match self {
            RectState::Overdue => "逾期未完成",
            RectState::Done => "已完成",
            RectState::Ongoing => "长期坚持",
            RectState::InProgress => "推进中",
            RectState::NoResult => "未登记结果",
        }
    }
}

/// One supervisor's visits: branch name → meeting kinds and whether each was commented.
#[derive(Clone, Debug, Default)]
pub struct SupervisorRow {
    pub name: String,
    pub rank: String,
    pub town_committee: bool,
    pub visits: BTreeMap<String, Vec<(MeetingKind, bool)>>,
}

pub struct Overview {
    pub branches: Vec<BranchOverview>,
    pub supervisors: Vec<SupervisorRow>,
}

fn talk_coverage(b: &BranchView) -> Option<TalkCoverage> {
    if !b.present(SheetKind::Talks) || !b.present(SheetKind::Roster) {
        return None;
    }
    let talked = TalkIndex::new(b);
    let committee: Vec<&str> = b
        .committee_members()
        .map(|m| m.name.value.as_str())
        .collect();
    let mut cov = TalkCoverage::default();
    if b.has_committee {
        let mut done = 0;
        let mut total = 0;
        for (i, x) in committee.iter().enumerate() {
            for y in &committee[i + 1..] {
                total += 1;
                if talked.pair(x, y) {
                    done += 1;
                } else {
                    cov.missing_pairs.push(pair(x, y));
                }
            }
        }
        cov.pairs = Some((done, total));
    }
    let ordinary: Vec<&str> = b
        .members
        .iter()
        .filter(|m| m.role.value == Role::Member)
        .map(|m| m.name.value.as_str())
        .collect();
    cov.members = (
        ordinary
            .iter()
            .filter(|n| committee.iter().any(|c| talked.pair(c, n)))
            .count(),
        ordinary.len(),
    );
    let special: Vec<&str> = b
        .members
        .iter()
        .filter(|m| !m.special.is_empty())
        .map(|m| m.name.value.as_str())
        .collect();
    cov.special = (
        special.iter().filter(|n| talked.anyone(n)).count(),
        special.len(),
    );
    cov.masses = b
        .talks
        .iter()
        .any(|t| t.target.as_ref().is_some_and(|c| c.value.is_public()));
    Some(cov)
}

/// What a branch must still do: each step past its deadline, and (for a branch whose returns
/// were read: `read`) each required sheet missing once due.
fn lags(cx: &Ctx, read: Option<&Branch>, phases: &[PhaseState]) -> Vec<Lag> {
    let mut out = Vec::new();
    for s in phases {
        if s.status == Status::Overdue {
            out.push(Lag {
                what: cx.campaign.step_name(s.key).to_string(),
                deadline: Some(s.deadline),
                days: (cx.as_of - s.deadline).num_days(),
            });
        }
    }
    // The sheets S004 names: missing once due. Due at its step's deadline; a sheet no step
    // stands for (花名册, 会议记录) was due from the first deadline on.
    if let Some(b) = read
        && cx.campaign.judges(Code::S004)
    {
        for kind in &cx.campaign.required_sheets {
            if presence_index(*kind).is_none() || *b.presence(*kind) != Presence::Missing {
                continue;
            }
            let due = cx.campaign.sheet_due(*kind);
            if due.is_some_and(|d| cx.as_of <= d) {
                continue;
            }
            let deadline = due.or_else(|| earliest_missed(cx));
            out.push(Lag {
                what: format!("补报「{}」", kind.label()),
                deadline,
                days: deadline.map_or(0, |d| (cx.as_of - d).num_days()),
            });
        }
    }
    out
}

/// The first deadline already past: from then on a branch that sent nothing is late.
fn earliest_missed(cx: &Ctx) -> Option<NaiveDate> {
    cx.campaign
        .steps
        .iter()
        .map(|s| s.deadline)
        .filter(|d| *d < cx.as_of)
        .min()
}

impl BranchOverview {
    /// Whether the branch gets a notice (SPEC §8 “Who is chased”): it returned nothing or
    /// nothing readable, lacks a sheet, is past a step's deadline, or has a 严重 finding.
    pub fn must_act(&self) -> bool {
        !self.lags.is_empty() || self.counts[Severity::Error as usize] > 0
    }

    /// Days since the earliest deadline it missed (0 when none is missed).
    pub fn days_overdue(&self) -> i64 {
        self.lags.iter().map(|l| l.days).max().unwrap_or(0)
    }
}

pub fn overview(cx: &Ctx, findings: &[Finding]) -> Overview {
    let mut by_branch: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_branch.entry(f.branch.as_str()).or_default().push(f);
    }
    // The views are the readable returned branches, in model order: paired up in one walk
    // (a search per branch was quadratic in the county's size).
    let mut views = cx.branches.iter().peekable();
    let paired: Vec<(&Branch, Option<&BranchView>)> = cx
        .model
        .branches
        .iter()
        .map(|b| (b, views.next_if(|v| std::ptr::eq(v.b, b))))
        .collect();
    let branches = paired
        .into_par_iter()
        .map(|(b, view)| branch_overview(cx, b, view, &by_branch))
        .collect();
    Overview {
        branches,
        supervisors: supervisor_rows(cx),
    }
}

fn branch_overview(
    cx: &Ctx,
    b: &Branch,
    view: Option<&BranchView>,
    by_branch: &BTreeMap<&str, Vec<&Finding>>,
) -> BranchOverview {
    let reg = b.reg.and_then(|i| cx.model.register.branches.get(i));
    let mine = by_branch.get(b.name.as_str()).cloned().unwrap_or_default();
    let mut counts = [0usize; 3];
    for f in &mine {
        counts[f.severity as usize] += 1;
    }
    let returned = b.return_state(&cx.model.files);
    debug_assert_eq!(returned == Returned::Yes, view.is_some());
    let phases: Vec<PhaseState> = view.map(|v| states(cx, v)).unwrap_or_default();
    let mut supervisors: Vec<String> = Vec::new();
    let mut supervision_ok = None;
    if let Some(v) = view {
        for m in v.meetings.iter().filter(|m| {
            matches!(
                m.kind.value,
                MeetingKind::Committee | MeetingKind::General | MeetingKind::Group
            )
        }) {
            for (n, r) in super::supervision::supervisors_of(cx, m) {
                let who = format!("{n}（{}）", r.map_or("职级不明", |r| r.label()));
                if !supervisors.contains(&who) {
                    supervisors.push(who);
                }
            }
        }
        if cx.due_step(StepKind::General) && v.category.is_some() && v.present(SheetKind::Meetings)
        {
            supervision_ok = Some(
                !mine
                    .iter()
                    .any(|f| matches!(f.code, Code::V001 | Code::V002)),
            );
        }
    }
    let overall = if returned != Returned::Yes {
        Overall::NotReturned
    } else if counts[Severity::Error as usize] > 0 {
        Overall::Errors
    } else if counts[Severity::Warning as usize] > 0 {
        Overall::Warnings
    } else if phases.iter().all(|s| {
        matches!(
            s.status,
            Status::OnTime | Status::Late(_) | Status::NotApplicable
        )
    }) {
        Overall::Done
    } else {
        Overall::OnTrack
    };
    let mut lag = lags(cx, view.map(|v| v.b), &phases);
    // The sheets the campaign asks for, by name: what a branch that sent nothing must send.
    let sheets = || {
        cx.campaign
            .required_sheets
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("、")
    };
    let what = match returned {
        Returned::No => Some(format!("报送{}全部台账（{}）", cx.campaign.name, sheets())),
        Returned::Unreadable => Some(
            "报送的文件无法读取（见反馈表），请用 Excel 或 WPS 打开后重新保存，再报送全部台账"
                .to_string(),
        ),
        Returned::Yes => None,
    };
    if let Some(what) = what {
        let deadline = earliest_missed(cx);
        lag.insert(
            0,
            Lag {
                what,
                deadline,
                days: deadline.map_or(0, |d| (cx.as_of - d).num_days()),
            },
        );
    }
    BranchOverview {
        name: b.name.clone(),
        category: reg.and_then(|r| r.category.as_ref().map(|c| c.value)),
        has_committee: reg.is_none_or(|r| r.has_committee),
        secretary: reg.and_then(|r| r.secretary.as_ref().map(|s| s.value.to_string())),
        phone: reg.and_then(|r| r.phone.as_ref().map(|s| s.value.to_string())),
        members: view
            .filter(|v| v.present(SheetKind::Roster))
            .map(|v| v.members.len()),
        registered_members: reg.and_then(|r| r.member_count.as_ref().map(|c| c.value)),
        returned,
        phases,
        supervisors,
        supervision_ok,
        talks: view.and_then(talk_coverage),
        counts,
        overall,
        lags: lag,
        rectifications: rect_states(cx, b, view),
        evaluation: view
            .filter(|_| cx.campaign.step(StepKind::Evaluation).is_some())
            .map(|v| evaluation_overview(cx, v, &mine)),
    }
}

fn evaluation_overview(cx: &Ctx, v: &BranchView, mine: &[&Finding]) -> EvaluationOverview {
    let sheet = v.present(SheetKind::Evaluation);
    let judged = |code: Code, needs_roster: bool| {
        (sheet
            && cx.due_step(StepKind::Evaluation)
            && cx.campaign.judges(code)
            && (!needs_roster || v.present(SheetKind::Roster)))
        .then(|| mine.iter().filter(|f| f.code == code).count())
    };
    EvaluationOverview {
        tally: sheet.then(|| super::evaluation::tally(cx, v)),
        ungraded: judged(Code::E001, true),
        untold: judged(Code::E005, false),
    }
}

/// Each rectification item's state: overdue as T800 judges it, else by its last result (the
/// last row of the 落实结果清单 naming it, whatever its date), with that result.
fn rect_states(cx: &Ctx, b: &Branch, view: Option<&BranchView>) -> Vec<RectOverview> {
    let overdue: Vec<usize> = view
        .map(|v| {
            super::timing::overdue(cx, v)
                .into_iter()
                .map(|(i, _)| i)
                .collect()
        })
        .unwrap_or_default();
    let mut last_result: HashMap<String, usize> = HashMap::default();
    for (i, x) in b.results.iter().enumerate() {
        last_result.insert(fold_name(&x.rect_id.value), i);
    }
    b.rectifications
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let result = last_result.get(&fold_name(&r.id.value)).copied();
            let state = if overdue.contains(&i) {
                RectState::Overdue
            } else {
                match result.map(|x| b.results[x].status.value) {
                    Some(ResultStatus::Done) => RectState::Done,
                    Some(ResultStatus::Ongoing) => RectState::Ongoing,
                    Some(_) => RectState::InProgress,
                    None => RectState::NoResult,
                }
            };
            RectOverview { state, result }
        })
        .collect()
}

/// Supervisors × branches: the register's cadres first (in its order), then anyone else
/// named as a supervisor.
fn supervisor_rows(cx: &Ctx) -> Vec<SupervisorRow> {
    let mut rows: Vec<SupervisorRow> = cx
        .model
        .register
        .leaders
        .iter()
        .map(|l| SupervisorRow {
            name: l.name.value.to_string(),
            rank: l
                .rank
                .as_ref()
                .map(|r| r.value.label().to_string())
                .unwrap_or_default(),
            town_committee: l.town_committee,
            visits: BTreeMap::new(),
        })
        .collect();
    for b in &cx.branches {
        for m in b.meetings.iter().filter(|m| {
            matches!(
                m.kind.value,
                MeetingKind::Committee | MeetingKind::General | MeetingKind::Group
            )
        }) {
            let commented = m.commented.as_ref().is_some_and(|c| c.value);
            for (n, r) in super::supervision::supervisors_of(cx, m) {
                let i = match rows.iter().position(|row| row.name == n) {
                    Some(i) => i,
                    None => {
                        rows.push(SupervisorRow {
                            name: n.to_string(),
                            rank: r.map(|r| r.label().to_string()).unwrap_or_default(),
                            ..SupervisorRow::default()
                        });
                        rows.len() - 1
                    }
                };
                rows[i]
                    .visits
                    .entry(b.name().to_string())
                    .or_default()
                    .push((m.kind.value, commented));
            }
        }
    }
    rows
}
