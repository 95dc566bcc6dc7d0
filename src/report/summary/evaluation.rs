//! 民主评议汇总, for a campaign with an evaluation step (SPEC §7): per branch that returned, its
//! 正式党员, how many were graded and with which grade, the share of 优秀 against the limit,
//! and the E001/E005 findings (未评定, 未告知), with a totals row.

use crate::report::mask::Pii;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use crate::analysis::Analysis;
use crate::campaign::StepKind;
use crate::report::xlsx_style::{Out, Tone, base, percent, table, title, total};
use crate::rules::evaluation::Tally;
use crate::rules::overview::EvaluationOverview;

pub const SHEET: &str = "民主评议汇总";
/// The table starts below the title and the note.
const TOP: u32 = 2;

/// 民主评议汇总; nothing when the campaign has no evaluation step.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    let Some(step) = a.campaign.step(StepKind::Evaluation) else {
        return Ok(());
    };
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let e = &a.campaign.evaluation;
    let (num, den) = e.excellent_max_ratio;
    let top = e.grades.first().map_or("优秀", String::as_str);
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{}　{}汇总（统计截止 {}）",
            a.campaign.name,
            step.name,
            a.as_of.format("%Y年%-m月%-d日")
        ),
        &title(),
    )?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "已评定：评定了等次的正式党员；{top}比例不超过 {num}/{den}，超过的标红。未评定、未告知与问题明细中的 E001、E005 一致；“—”表示{}尚未到时限（{}）或缺花名册。",
            step.name,
            step.deadline.format("%Y年%-m月%-d日")
        ),
        &base(),
    )?;
    let ratio_header = format!("{top}比例");
    let mut headers = vec!["支部", "正式党员", "已评定"];
    headers.extend(e.grades.iter().map(String::as_str));
    headers.extend([ratio_header.as_str(), "未评定", "未告知"]);
    let grades = e.grades.len();
    let returned: Vec<(&str, &EvaluationOverview)> = a
        .overview
        .branches
        .iter()
        .filter_map(|b| b.evaluation.as_ref().map(|x| (b.name.as_str(), x)))
        .collect();
    let rows = returned.iter().map(|(name, x)| row(name, x, grades));
    let end = table(ws, TOP, &headers, rows, 40, pii)?;
    // The shares, written as numbers by `table`, shown as percentages (red when over).
    let col = 3 + grades as u16;
    for (i, (_, x)) in returned.iter().enumerate() {
        if let Some(t) = x.tally.as_ref().filter(|t| t.graded > 0) {
            let tone = if t.over_ratio { Tone::Bad } else { Tone::Plain };
            let share = t.excellent as f64 / t.graded as f64;
            ws.write_number_with_format(TOP + 1 + i as u32, col, share, &percent(tone))?;
        }
    }
    totals_row(ws, end, &returned, grades)
}

fn count(n: Option<usize>) -> Out {
    match n {
        Some(0) => Out::Num(0.0),
        Some(n) => Out::NumToned(n as f64, Tone::Bad),
        None => Out::toned("—", Tone::Grey),
    }
}

fn row(name: &str, x: &EvaluationOverview, grades: usize) -> Vec<Out> {
    let mut row = vec![Out::text(name)];
    let Some(t) = &x.tally else {
        row.push(Out::Empty);
        row.push(Out::toned("缺表", Tone::Bad));
        row.extend((0..grades + 3).map(|_| Out::Empty));
        return row;
    };
    row.push(
        t.full_members
            .map_or(Out::toned("无花名册", Tone::Grey), |n| {
                Out::Num(n as f64)
            }),
    );
    row.push(Out::Num(t.graded as f64));
    row.extend(t.by_grade.iter().map(|n| Out::Num(*n as f64)));
    // Formatted as a percentage once written (see `write`).
    row.push(if t.graded == 0 {
        Out::toned("—", Tone::Grey)
    } else {
        Out::Num(t.excellent as f64 / t.graded as f64)
    });
    row.push(count(x.ungraded));
    row.push(count(x.untold));
    row
}

/// 合计: the branches, and every count summed over the branches that have it.
fn totals_row(
    ws: &mut Worksheet,
    end: u32,
    rows: &[(&str, &EvaluationOverview)],
    grades: usize,
) -> Result<(), XlsxError> {
    let tf = total();
    let tallies: Vec<&Tally> = rows.iter().filter_map(|(_, x)| x.tally.as_ref()).collect();
    let sum = |f: &dyn Fn(&Tally) -> usize| tallies.iter().map(|t| f(t)).sum::<usize>();
    ws.write_string_with_format(end, 0, format!("合计（{} 个支部）", rows.len()), &tf)?;
    let members: usize = tallies.iter().filter_map(|t| t.full_members).sum();
    ws.write_number_with_format(end, 1, members as f64, &tf)?;
    let graded = sum(&|t| t.graded);
    ws.write_number_with_format(end, 2, graded as f64, &tf)?;
    for g in 0..grades {
        let n = sum(&|t| t.by_grade.get(g).copied().unwrap_or(0));
        ws.write_number_with_format(end, 3 + g as u16, n as f64, &tf)?;
    }
    let col = 3 + grades as u16;
    if graded > 0 {
        let excellent = sum(&|t| t.excellent);
        let pf = percent(Tone::Plain)
            .set_bold()
            .set_background_color(rust_xlsxwriter::Color::RGB(0xF2F2F2));
        ws.write_number_with_format(end, col, excellent as f64 / graded as f64, &pf)?;
    } else {
        ws.write_string_with_format(end, col, "", &tf)?;
    }
    let ungraded: usize = rows.iter().filter_map(|(_, x)| x.ungraded).sum();
    let untold: usize = rows.iter().filter_map(|(_, x)| x.untold).sum();
    ws.write_number_with_format(end, col + 1, ungraded as f64, &tf)?;
    ws.write_number_with_format(end, col + 2, untold as f64, &tf)?;
    Ok(())
}
