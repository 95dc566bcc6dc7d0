//! E rules (SPEC §7): the 民主评议 of a campaign with an evaluation step. Every 正式党员 of
//! the roster graded (E001), 预备党员 not graded unless the campaign says so (E002), 优秀
//! within its share (E003), 不合格/基本合格 dealt with (E004), each grade told to the member
//! (E005), and every graded name on the roster (E006).

use foldhash::{HashMap, HashSet, HashSetExt};

use super::{BranchView, Ctx};
use crate::campaign::StepKind;
use crate::finding::{Code, Finding, Location};
use crate::model::{Appraisal, Member, MemberCategory, SheetKind};

/// Grades that must say how the member is dealt with (E004).
fn needs_handling(grade: &str) -> bool {
    grade.contains("不合格") || grade.starts_with("基本")
}

pub fn evaluation(cx: &Ctx, out: &mut Vec<Finding>) {
    if !cx.due_step(StepKind::Evaluation) {
        return;
    }
    for b in &cx.branches {
        if b.present(SheetKind::Evaluation) {
            branch(cx, b, out);
        }
    }
}

/// A branch's 民主评议 as counted: what 民主评议汇总 shows, from the same walk E003 judges.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// 正式党员 of the roster (every member not written 预备党员), when a roster came.
    pub full_members: Option<usize>,
    /// Graded rows of 正式党员 (E003's denominator).
    pub graded: usize,
    /// Of those, how many have each grade, in `[evaluation].grades` order.
    pub by_grade: Vec<usize>,
    /// Of those, how many have the top grade (优秀).
    pub excellent: usize,
    /// The top grade is over `excellent_max_ratio` of the graded (E003's condition).
    pub over_ratio: bool,
}

fn roster_of<'a>(b: &BranchView<'a>) -> HashMap<&'a str, &'a Member> {
    b.members
        .iter()
        .map(|m| (m.name.value.as_str(), *m))
        .collect()
}

/// The graded rows in order, each with whether its member is a 预备党员: the roster's
/// 党员类别 decides when it says (SPEC §7), else the row's own.
fn graded<'a>(
    b: &BranchView<'a>,
    roster: &HashMap<&str, &Member>,
) -> Vec<(&'a Appraisal, &'a str, bool)> {
    b.appraisals
        .iter()
        .filter_map(|a| {
            let grade = a.grade.as_ref()?;
            let category = roster
                .get(a.name.value.as_str())
                .and_then(|m| m.category.as_ref().map(|c| c.value))
                .or(a.category.as_ref().map(|c| c.value));
            let probationary = category == Some(MemberCategory::Probationary);
            Some((*a, grade.value.as_str(), probationary))
        })
        .collect()
}

/// The grade E003 limits: the campaign's first.
fn top_grade<'a>(cx: &Ctx<'a>) -> &'a str {
    cx.campaign
        .evaluation
        .grades
        .first()
        .map_or("优秀", String::as_str)
}

fn over_ratio(excellent: usize, graded: usize, (num, den): (u32, u32)) -> bool {
    excellent as u64 * u64::from(den) > graded as u64 * u64::from(num)
}

/// `b`'s 民主评议 counted, whether or not the step is due yet.
pub fn tally(cx: &Ctx, b: &BranchView) -> Tally {
    let roster = roster_of(b);
    let grades = &cx.campaign.evaluation.grades;
    let mut t = Tally {
        full_members: b.present(SheetKind::Roster).then(|| {
            b.members
                .iter()
                .filter(|m| {
                    m.category.as_ref().map(|c| c.value) != Some(MemberCategory::Probationary)
                })
                .count()
        }),
        by_grade: vec![0; grades.len()],
        ..Tally::default()
    };
    let top = top_grade(cx);
    for (_, grade, probationary) in graded(b, &roster) {
        if probationary {
            continue;
        }
        t.graded += 1;
        if let Some(i) = grades.iter().position(|g| g == grade) {
            t.by_grade[i] += 1;
        }
        if grade == top {
            t.excellent += 1;
        }
    }
    t.over_ratio = over_ratio(
        t.excellent,
        t.graded,
        cx.campaign.evaluation.excellent_max_ratio,
    );
    t
}

fn branch(cx: &Ctx, b: &BranchView, out: &mut Vec<Finding>) {
    let e = &cx.campaign.evaluation;
    let with_roster = b.present(SheetKind::Roster);
    let roster = roster_of(b);
    let graded = graded(b, &roster);
    if with_roster {
        let has_grade: HashSet<&str> = graded.iter().map(|g| g.0.name.value.as_str()).collect();
        for m in &b.members {
            let probationary =
                m.category.as_ref().map(|c| c.value) == Some(MemberCategory::Probationary);
            if !probationary && !has_grade.contains(m.name.value.as_str()) {
                out.push(Finding::new(
                    Code::E001,
                    b.name(),
                    m.name.value.to_string(),
                    format!(
                        "正式党员{}没有评定等次（民主评议表中没有其记录，或评定等次为空）；请补充评议记录后重新报送",
                        m.name.value
                    ),
                    cx.at(m.name.at),
                ));
            }
        }
    }
    let mut full = 0usize;
    let mut excellent: Vec<&Appraisal> = Vec::new();
    let top = top_grade(cx);
    for &(a, _, probationary) in &graded {
        let Some(grade) = &a.grade else { continue };
        if probationary {
            if !e.probationary_graded {
                out.push(Finding::new(
                    Code::E002,
                    b.name(),
                    a.name.value.to_string(),
                    format!(
                        "{}是预备党员，参加评议但不评定等次，民主评议表却评为“{}”；请把评定等次改为空着",
                        a.name.value, grade.value
                    ),
                    cx.at(grade.at),
                ));
            }
            continue;
        }
        full += 1;
        if grade.value.as_str() == top {
            excellent.push(a);
        }
        if needs_handling(&grade.value) && a.handling.is_none() {
            out.push(Finding::new(
                Code::E004,
                b.name(),
                a.name.value.to_string(),
                format!(
                    "{}评为“{}”，但「处理情况」没有填写；请写明帮教措施或组织处置情况",
                    a.name.value, grade.value
                ),
                cx.field_at(a.name.at, "处理情况"),
            ));
        }
        if a.told.is_none() {
            out.push(Finding::new(
                Code::E005,
                b.name(),
                a.name.value.to_string(),
                format!(
                    "{}的评议结果（{}）没有告知日期，看不出已向本人反馈；请告知本人并填写「告知日期」",
                    a.name.value, grade.value
                ),
                cx.field_at(a.name.at, "告知日期"),
            ));
        }
    }
    let (num, den) = e.excellent_max_ratio;
    if over_ratio(excellent.len(), full, e.excellent_max_ratio) {
        let at = excellent
            .first()
            .and_then(|a| a.grade.as_ref())
            .map_or_else(Location::default, |g| cx.at(g.at));
        out.push(Finding::new(
            Code::E003,
            b.name(),
            "优秀比例",
            format!(
                "评定等次的 {full} 名正式党员中有 {} 名评为“{top}”，超过规定的比例（不超过 {num}/{den}）；请核实评定结果",
                excellent.len()
            ),
            at,
        ));
    }
    if with_roster {
        let mut named = HashSet::new();
        for a in &b.appraisals {
            let n = a.name.value.as_str();
            if !roster.contains_key(n) && named.insert(n) {
                out.push(Finding::new(
                    Code::E006,
                    b.name(),
                    n.to_string(),
                    format!("民主评议表中的“{n}”不在本支部花名册中；请核对姓名，或补充花名册"),
                    cx.at(a.name.at),
                ));
            }
        }
    }
}
