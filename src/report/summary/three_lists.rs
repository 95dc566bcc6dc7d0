//! 三张清单汇总, the three lists joined: problem → rectification → result, linked by 编号, one
//! row per link, overdue items marked; streamed to disk branch by branch.

use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{Workbook, XlsxError};

use crate::analysis::Analysis;
use crate::model::Branch;
use crate::report::mask::Pii;
use crate::report::xlsx_style::{Out, Tone, table};
use crate::rules::overview::{RectOverview, RectState};

/// 三张清单汇总: problem → rectification → result, linked by 编号; overdue items marked.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a county's 三张清单汇总 runs to 100,000 rows.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("三张清单汇总")?;
    let headers = [
        "支部",
        "问题编号",
        "责任主体",
        "问题描述",
        "查摆日期",
        "整改编号",
        "整改事项",
        "整改措施",
        "责任人",
        "整改时限",
        "完成情况",
        "完成日期",
        "状态",
    ];
    // Rows are made branch by branch as the sheet is written (never the whole township's at
    // once), and each branch's links are looked up in maps, not by scanning every pair. The
    // overview lists the model's branches in the same order.
    let rows = a
        .model
        .branches
        .iter()
        .zip(&a.overview.branches)
        .flat_map(|(b, o)| branch_rows(b, &o.rectifications, pii));
    table(ws, 0, &headers, rows, 40, pii)?;
    Ok(())
}

/// One branch's rows: each problem with each of its rectifications (and that one's last
/// result), then the rectifications no problem names. `rects` are the rules' verdicts on
/// the rectifications, in their order.
fn branch_rows(b: &Branch, rects: &[RectOverview], pii: Pii) -> Vec<Vec<Out>> {
    let fold = |s: &str| crate::text::fold_name(s);
    let mut rows: Vec<Vec<Out>> = Vec::new();
    let mut rects_of: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in b.rectifications.iter().enumerate() {
        let mut seen = HashSet::new();
        for pid in &r.problem_ids.value {
            let key = fold(pid);
            if seen.insert(key.clone()) {
                rects_of.entry(key).or_default().push(i);
            }
        }
    }
    let rect_row = |i: usize| -> Vec<Out> {
        let r = &b.rectifications[i];
        let seen = rects.get(i);
        let result = seen.and_then(|o| o.result).and_then(|x| b.results.get(x));
        let deadline = r.deadline.value.text();
        let state = seen.map_or(RectState::NoResult, |o| o.state);
        let tone = match state {
            RectState::Overdue => Tone::Bad,
            RectState::Done => Tone::Good,
            RectState::Ongoing | RectState::InProgress => Tone::Plain,
            RectState::NoResult => Tone::Neutral,
        };
        vec![
            Out::text(r.id.value.as_str()),
            Out::text(pii.text(&r.item.value)),
            Out::text(pii.text(&r.measure.value)),
            Out::text(r.owner.value.as_str()),
            Out::text(deadline),
            Out::text(result.map_or("", |x| x.status.value.label())),
            Out::text(
                result
                    .and_then(|x| x.done.as_ref())
                    .map(|d| d.value.iso())
                    .unwrap_or_default(),
            ),
            Out::toned(state.label(), tone),
        ]
    };
    let mut used = HashSet::new();
    for p in &b.problems {
        let head = || {
            vec![
                Out::text(&b.name),
                Out::text(p.id.value.as_str()),
                Out::text(p.owner.value.as_str()),
                Out::text(pii.text(&p.description.value)),
                Out::text(p.date.value.iso()),
            ]
        };
        let rects = rects_of
            .get(&fold(&p.id.value))
            .map_or(&[][..], |v| v.as_slice());
        if rects.is_empty() {
            let mut row = head();
            row.extend([
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::toned("无整改事项", Tone::Bad),
            ]);
            rows.push(row);
        }
        for &i in rects {
            used.insert(b.rectifications[i].id.value.as_str());
            let mut row = head();
            row.extend(rect_row(i));
            rows.push(row);
        }
    }
    for (i, r) in b
        .rectifications
        .iter()
        .enumerate()
        .filter(|(_, r)| !used.contains(r.id.value.as_str()))
    {
        let mut row = vec![
            Out::text(&b.name),
            Out::text(r.problem_ids.value.join("、")),
            Out::Empty,
            Out::toned("（找不到对应的问题）", Tone::Neutral),
            Out::Empty,
        ];
        row.extend(rect_row(i));
        rows.push(row);
    }
    rows
}
