//! T rules: each phase done by its deadline (T101–T602), in order (T700), and each
//! rectification item done by its own 整改时限 (T800).

use chrono::NaiveDate;

use super::phase::{Status, StepKind, state};
use super::{BranchView, Ctx};
use crate::campaign::Step;
use crate::finding::{Code, Finding, Location};
use crate::model::{Deadline, ResultStatus, SheetKind};

fn md(d: chrono::NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

/// What is missing when a step is overdue.
fn missing(step: &Step, b: &BranchView) -> String {
    let types = || {
        let labels: Vec<&str> = step.meetings.iter().map(|m| m.label()).collect();
        match labels.as_slice() {
            [] => "会议".to_string(),
            [one] => one.to_string(),
            [rest @ .., last] => format!("{}或{last}", rest.join("、")),
        }
    };
    match step.kind {
        StepKind::Study | StepKind::Committee | StepKind::General => {
            format!("会议记录中没有活动期间召开的{}", types())
        }
        StepKind::Talks => "谈心谈话记录中没有活动期间的谈话".to_string(),
        StepKind::Lists => "查摆问题清单中没有活动期间查摆的问题".to_string(),
        StepKind::Evaluation => "民主评议表中没有活动期间的评议记录".to_string(),
        StepKind::Rectify if b.b.rectifications.is_empty() => {
            "整改项目清单中没有整改事项".to_string()
        }
        StepKind::Rectify => "基本情况中没有上级备案日期".to_string(),
    }
}

/// T101–T602, T901/T902: a step not done though due (严重), or done after its deadline (一般).
pub fn phase_deadlines(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        for step in &cx.campaign.steps {
            let s = state(cx, b, step);
            let phase = &step.name;
            let (overdue, late) = step.kind.codes();
            match s.status {
                Status::Overdue => {
                    let what = missing(step, b);
                    out.push(Finding::new(
                        overdue,
                        b.name(),
                        phase.clone(),
                        format!("“{phase}”应于{}前完成，已逾期 {} 天仍未完成（{what}）；请尽快完成并补报", md(s.deadline), (cx.as_of - s.deadline).num_days()),
                        Location::default(),
                    ));
                }
                Status::Late(days) => {
                    let date = s.date.map(md).unwrap_or_default();
                    out.push(Finding::new(
                        late,
                        b.name(),
                        phase.clone(),
                        format!("“{phase}”应于{}前完成，实际于{date}完成，逾期 {days} 天；请在今后的工作中按时完成", md(s.deadline)),
                        s.at.map(|p| cx.at(p)).unwrap_or_default(),
                    ));
                }
                _ => {}
            }
        }
    }
}

/// T700: lists, 支委会 and 党员大会 in the configured order; each present date compared with
/// the next present one (SPEC §6). A missing 支委会 is T401, not T700.
pub fn phase_order(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        let mut seq = Vec::new();
        for step in cx.campaign.steps.iter().filter(|s| {
            matches!(
                s.kind,
                StepKind::Lists | StepKind::Committee | StepKind::General
            )
        }) {
            let s = state(cx, b, step);
            if let (Some(date), Some(at)) = (s.date, s.at) {
                seq.push((&step.name, date, at));
            }
        }
        for w in seq.windows(2) {
            let ((n1, d1, _), (n2, d2, at2)) = (w[0], w[1]);
            if d1 > d2 {
                out.push(Finding::new(
                    Code::T700,
                    b.name(),
                    format!("{n1}、{n2}"),
                    format!("“{n2}”（{}）早于“{n1}”（{}），环节顺序颠倒；应先完成“{n1}”再“{n2}”，请核对日期或按顺序补开", md(d2), md(d1)),
                    cx.at(at2),
                ));
            }
        }
    }
}

/// The rectification items of a branch (by index in its 整改项目清单) past their 整改时限 with
/// no 已完成 result, each with the date it was due. 立行立改 is due with the rectification
/// list itself; 长期坚持 never. Judged only when both lists came.
pub fn overdue(cx: &Ctx, b: &BranchView) -> Vec<(usize, NaiveDate)> {
    if !b.present(SheetKind::Rectifications) || !b.present(SheetKind::Results) {
        return Vec::new();
    }
    let Some(list_deadline) = cx.campaign.deadline(StepKind::Rectify) else {
        return Vec::new();
    };
    let done: std::collections::HashSet<String> = b
        .results
        .iter()
        .filter(|r| r.status.value == ResultStatus::Done)
        .map(|r| crate::text::fold_name(&r.rect_id.value))
        .collect();
    b.b.rectifications
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let due = match r.deadline.value {
                Deadline::Date(d) => d,
                Deadline::AtOnce => list_deadline,
                Deadline::Ongoing => return None,
            };
            (cx.due(due) && !done.contains(&crate::text::fold_name(&r.id.value)))
                .then_some((i, due))
        })
        .collect()
}

/// T800: a rectification item past its 整改时限 with no 已完成 result ([`overdue`]).
/// Completing late raises nothing.
pub fn overdue_rectifications(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        for (i, due) in overdue(cx, b) {
            let r = &b.b.rectifications[i];
            out.push(Finding::new(
                Code::T800,
                b.name(),
                r.id.value.clone(),
                format!(
                    "整改事项“{}”（{}）的整改时限为 {}，已过 {} 天，落实结果清单中仍没有“已完成”的记录；请抓紧整改，完成后在落实结果清单登记完成情况和完成日期",
                    r.id.value,
                    short(&r.item.value),
                    due.format("%Y-%m-%d"),
                    (cx.as_of - due).num_days()
                ),
                cx.at(r.deadline.at),
            ));
        }
    }
}

/// The first characters of a long text, for messages.
pub fn short(s: &str) -> String {
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
}
