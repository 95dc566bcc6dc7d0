//! Rules: pure functions of the model and the campaign that say what is missing, late,
//! inconsistent or unsupervised (SPEC §4). Each check is one registered unit raising the
//! codes it declares; `catalog` documents every code in Chinese.

pub mod coverage;
pub mod data;
pub mod evaluation;
pub mod overview;
pub mod phase;
pub mod routine;
pub mod supervision;
pub mod timing;

use foldhash::{HashMap, HashSet, HashSetExt};

use rayon::prelude::*;

use chrono::NaiveDate;

use crate::campaign::Campaign;
use crate::finding::{Code, Finding, Location};
use crate::model::schema::{Column, SPECS};
use crate::model::*;
use crate::text::fold_name;

/// A rule unit: a name and the check itself. Which codes a check raises is not listed here:
/// its body says so, and `tests/rules.rs` proves by running each check alone that every code
/// is raised by exactly one check (or by reading).
pub struct Check {
    pub name: &'static str,
    pub run: fn(&Ctx, &mut Vec<Finding>),
}

/// Every check, in the order of SPEC §4; codes raised while reading (S, D001–D003, D006–D008)
/// come from ingest. A new check function is one line here; a new code of an existing check
/// needs none.
const fn check(name: &'static str, run: fn(&Ctx, &mut Vec<Finding>)) -> Check {
    Check { name, run }
}

pub const CHECKS: &[Check] = &[
    check("检查所需的列", data::needed_columns),
    check("花名册重名", data::duplicate_names),
    check("跨支部重复党员", data::same_person_in_two_branches),
    check("编号引用", data::dangling_references),
    check("党员人数", data::member_count),
    check("未知人员", data::unknown_names),
    check("环节时限", timing::phase_deadlines),
    check("环节顺序", timing::phase_order),
    check("整改时限", timing::overdue_rectifications),
    check("谈心谈话覆盖", coverage::talks),
    check("三张清单覆盖", coverage::lists),
    check("党员大会议程", coverage::general_meeting_agenda),
    check("分党小组批评", coverage::party_groups),
    check("整改公示", coverage::publicity),
    check("学习材料", coverage::study_materials),
    check("督导覆盖", supervision::supervision),
    check("三会一课", routine::routine),
    check("民主评议", evaluation::evaluation),
];

/// What every rule reads: the model, the campaign, and per-branch views restricted to the
/// records that count (in the window, not after `--as-of`).
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub campaign: &'a Campaign,
    pub as_of: NaiveDate,
    /// Register cadres by folded name.
    pub leaders: HashMap<String, &'a Leader>,
    pub min_rank: Rank,
    /// One view per branch that returned something, in model order.
    pub branches: Vec<BranchView<'a>>,
}

/// A branch as the campaign rules see it.
pub struct BranchView<'a> {
    pub b: &'a Branch,
    pub reg: Option<&'a RegBranch>,
    pub has_committee: bool,
    pub category: Option<Category>,
    /// Campaign records: dated in the window [start, as_of].
    pub meetings: Vec<&'a Meeting>,
    pub talks: Vec<&'a Talk>,
    pub problems: Vec<&'a Problem>,
    pub results: Vec<&'a RectResult>,
    /// 民主评议 rows dated in the window.
    pub appraisals: Vec<&'a Appraisal>,
    /// Meetings dated up to `--as-of`, whatever the window (三会一课 runs all year).
    pub all_meetings: Vec<&'a Meeting>,
    /// Roster members, first row of each folded name.
    pub members: Vec<&'a Member>,
    /// Columns some rules need that none of the branch's sheets of their kind has (S008):
    /// those rules say nothing about the branch.
    pub lacking: Vec<Lack>,
}

/// A column rules need, absent from every sheet of its kind a branch sent.
pub struct Lack {
    pub kind: SheetKind,
    pub column: &'static Column,
    /// The first sheet of that kind: (file, sheet).
    pub sheet: (FileId, u16),
}

/// The columns `b`'s used sheets lack that some rule needs (`Column::needed_by`).
fn lacking_columns(model: &Model, b: &Branch) -> Vec<Lack> {
    let mut out = Vec::new();
    for spec in SPECS.iter().filter(|s| !s.kind.is_register()) {
        let sheets: Vec<(FileId, u16, &SheetEntry)> = b
            .files
            .iter()
            .flat_map(|&f| {
                model.files[f as usize]
                    .sheets
                    .iter()
                    .enumerate()
                    .map(move |(i, s)| (f, i as u16, s))
            })
            .filter(|(_, _, s)| {
                s.kind == Some(spec.kind) && s.rejected_by.is_none() && s.header_rows.is_some()
            })
            .collect();
        let Some(&(file, sheet, _)) = sheets.first() else {
            continue;
        };
        for column in spec.columns.iter().filter(|c| !c.needed_by.is_empty()) {
            let supplied = column.supplied_by.is_some_and(|k| {
                b.files.iter().any(|&f| {
                    model.files[f as usize]
                        .sheets
                        .iter()
                        .any(|s| s.kind == Some(k) && s.rejected_by.is_none())
                })
            });
            if !supplied
                && !sheets
                    .iter()
                    .any(|(_, _, s)| s.columns.iter().any(|(n, _)| *n == column.name))
            {
                out.push(Lack {
                    kind: spec.kind,
                    column,
                    sheet: (file, sheet),
                });
            }
        }
    }
    out
}

/// Every (talker, partner) pair of a branch's talks, both orders, plus everyone who took part
/// in any talk; borrowed from the records: one lookup per pair, no allocation. Built where it
/// is asked (the talks checks, the overview) and dropped with the branch: kept for every
/// branch at once it added a seventh to the peak memory.
#[derive(Default)]
pub struct TalkIndex<'a> {
    pairs: HashSet<(&'a str, &'a str)>,
    anyone: HashSet<&'a str>,
}

impl<'a> TalkIndex<'a> {
    pub fn new(b: &BranchView<'a>) -> Self {
        let mut idx = TalkIndex::default();
        for t in &b.talks {
            let talker = t.talker.value.as_str();
            idx.anyone.insert(talker);
            for p in t.partners.value.iter() {
                idx.anyone.insert(p);
                idx.pairs.insert((talker, p));
                idx.pairs.insert((p, talker));
            }
        }
        idx
    }

    /// Did `a` and `b` talk (either way round)?
    pub fn pair(&self, a: &str, b: &str) -> bool {
        self.pairs.contains(&(a, b))
    }

    /// Did `name` take part in any talk?
    pub fn anyone(&self, name: &str) -> bool {
        self.anyone.contains(name)
    }
}

impl BranchView<'_> {
    pub fn present(&self, kind: SheetKind) -> bool {
        *self.b.presence(kind) == Presence::Present
    }

    pub fn name(&self) -> &str {
        &self.b.name
    }

    pub fn first_meeting(&self, kind: MeetingKind) -> Option<&Meeting> {
        self.meetings
            .iter()
            .filter(|m| m.kind.value == kind)
            .min_by_key(|m| (m.date.value.date, m.date.at))
            .copied()
    }

    pub fn committee_members(&self) -> impl Iterator<Item = &Member> {
        self.members
            .iter()
            .copied()
            .filter(|m| m.role.value.is_committee())
    }
}

impl<'a> Ctx<'a> {
    pub fn new(model: &'a Model, campaign: &'a Campaign, as_of: NaiveDate) -> Self {
        let start = campaign.start;
        let in_window = |d: NaiveDate| d >= start && d <= as_of;
        let leaders = model
            .register
            .leaders
            .iter()
            .map(|l| (l.name.value.to_string(), l))
            .collect();
        let min_rank = campaign.min_rank();
        let branches = model
            .branches
            .par_iter()
            .filter(|b| b.return_state(&model.files) == crate::model::Returned::Yes)
            .map(|b| {
                let reg = b.reg.and_then(|i| model.register.branches.get(i));
                let mut seen = HashSet::new();
                BranchView {
                    b,
                    reg,
                    has_committee: reg.is_none_or(|r| r.has_committee),
                    category: reg.and_then(|r| r.category.as_ref().map(|c| c.value)),
                    meetings: b
                        .meetings
                        .iter()
                        .filter(|m| in_window(m.date.value.date))
                        .collect(),
                    talks: b
                        .talks
                        .iter()
                        .filter(|t| in_window(t.date.value.date))
                        .collect(),
                    problems: b
                        .problems
                        .iter()
                        .filter(|p| in_window(p.date.value.date))
                        .collect(),
                    appraisals: b
                        .appraisals
                        .iter()
                        .filter(|a| in_window(a.date.value.date))
                        .collect(),
                    results: b
                        .results
                        .iter()
                        .filter(|r| r.done.as_ref().is_none_or(|d| d.value.date <= as_of))
                        .collect(),
                    all_meetings: b
                        .meetings
                        .iter()
                        .filter(|m| m.date.value.date <= as_of)
                        .collect(),
                    members: b
                        .roster
                        .iter()
                        .filter(|m| seen.insert(m.name.value.as_str()))
                        .collect(),
                    lacking: lacking_columns(model, b),
                }
            })
            .collect();
        Ctx {
            model,
            campaign,
            as_of,
            leaders,
            min_rank,
            branches,
        }
    }

    /// Is a meeting of this type one the supervision rules look at: a type the 支委会 or
    /// 党员大会 step counts (by default 支委会 and 党员大会)?
    pub fn key_meeting(&self, kind: MeetingKind) -> bool {
        use crate::campaign::StepKind;
        [StepKind::Committee, StepKind::General].iter().any(|k| {
            self.campaign.step(*k).map_or_else(
                || k.default_meetings().contains(&kind),
                |s| s.meetings.contains(&kind),
            )
        })
    }

    /// Is the deadline of the step of `kind` past? `false` when the campaign has no such step
    /// (its rules are not run).
    pub fn due_step(&self, kind: crate::campaign::StepKind) -> bool {
        self.campaign.deadline(kind).is_some_and(|d| self.due(d))
    }

    /// Is a deadline past (SPEC §6: nothing is due on the deadline day itself)?
    pub fn due(&self, deadline: NaiveDate) -> bool {
        self.as_of > deadline
    }

    pub fn at(&self, p: Prov) -> Location {
        location(&self.model.files, p)
    }

    /// The cell of `field` in the row of `at` (the field may be empty there), else `at` itself.
    pub fn field_at(&self, at: Prov, field: &str) -> Location {
        let sheet = self
            .model
            .files
            .get(at.file() as usize)
            .and_then(|f| f.sheets.get(at.sheet() as usize));
        let col = sheet
            .and_then(|s| s.columns.iter().find(|(n, _)| *n == field))
            .map(|(_, c)| *c);
        self.at(at.with_col(col.unwrap_or(at.col())))
    }

    pub fn leader(&self, name: &str) -> Option<&'a Leader> {
        self.leaders.get(&fold_name(name)).copied()
    }
}

/// Run every check; findings come back unsorted (the caller sorts them with ingest's).
pub fn judge(model: &Model, campaign: &Campaign, as_of: NaiveDate) -> Vec<Finding> {
    judge_in(&Ctx::new(model, campaign, as_of))
}

/// [`judge`] with the views already built (the overview reuses them).
pub fn judge_in(cx: &Ctx) -> Vec<Finding> {
    // The checks only read the model: they run side by side on the reading threads.
    let mut found: Vec<Finding> = CHECKS
        .par_iter()
        .map(|check| {
            let mut out = Vec::new();
            (check.run)(cx, &mut out);
            out
        })
        .flatten()
        .collect();
    // A rule that needs a column a branch's sheets lack judges nothing there (S008 says so).
    let unjudged: HashMap<&str, Vec<Code>> = cx
        .branches
        .iter()
        .filter(|b| !b.lacking.is_empty())
        .map(|b| {
            let codes = b
                .lacking
                .iter()
                .flat_map(|l| l.column.needed_by.iter().copied())
                .collect();
            (b.name(), codes)
        })
        .collect();
    if !unjudged.is_empty() {
        found.retain(|f| {
            unjudged
                .get(f.branch.as_str())
                .is_none_or(|codes| !codes.contains(&f.code))
        });
    }
    found
}

/// The campaign's view of every finding, read or judged (SPEC §7): codes switched off or
/// belonging to a step the campaign does not have are dropped, and severities follow the
/// overrides.
pub fn settle(campaign: &Campaign, findings: &mut Vec<Finding>) {
    findings.retain(|f| campaign.judges(f.code));
    if !campaign.severity.is_empty() {
        for f in findings.iter_mut() {
            f.severity = campaign.severity(f.code);
        }
    }
}

/// Is `m` a meeting of 党小组 `group`? Its 党小组 column says so; without one, its content
/// names the group, or the roster has only that group.
pub fn meeting_of_group(m: &Meeting, group: &str, only_group: bool) -> bool {
    match &m.group {
        Some(g) => g.value == group,
        None => {
            only_group
                || m.content
                    .as_ref()
                    .is_some_and(|c| fold_name(&c.value).contains(group))
        }
    }
}

/// "甲、乙" for a pair, in a stable order.
pub fn pair(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}、{b}")
    } else {
        format!("{b}、{a}")
    }
}

/// 支部班子 as a 责任主体 (the branch committee as a whole, not a person).
pub fn is_committee_as_whole(owner: &str) -> bool {
    matches!(
        owner,
        "支部班子"
            | "班子"
            | "党支部班子"
            | "支部委员会"
            | "支委会"
            | "党支部"
            | "支部"
            | "支委"
            | "班子成员"
            | "支部班子成员"
    )
}
