//! 总览, the summary's first sheet: one row per branch with each phase coloured by status, a
//! totals row, and below them the chart of how many branches stand where in each phase.

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartSolidFill, ChartType, Color, Workbook, Worksheet, XlsxError,
};

use super::md;
use crate::analysis::Analysis;
use crate::finding::Severity;
use crate::report::completion::phase_counts;
use crate::report::mask::Pii;
use crate::report::xlsx_style::{Out, Tone, base, header, severity_tone, table, title, total};
use crate::rules::overview::{BranchOverview, Overall, Returned};
use crate::rules::phase::Status;

/// 总览: one row per branch, each phase coloured by status, totals, and a chart of completion.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("总览")?;
    // The configured steps, by the names the campaign gives them.
    let phases: Vec<&str> = a.campaign.steps.iter().map(|s| s.name.as_str()).collect();
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{}　进度总览（统计截止 {}）",
            a.campaign.name,
            a.as_of.format("%Y年%-m月%-d日")
        ),
        &title(),
    )?;
    let mut headers = vec!["序号", "支部", "类别", "党员数", "报送情况"];
    headers.extend(&phases);
    headers.extend(["督导", "严重", "一般", "提示", "总体状态"]);
    let mut rows = Vec::new();
    for (i, b) in a.overview.branches.iter().enumerate() {
        rows.push(branch_row(i, b, phases.len(), pii));
    }
    let top = 2;
    let end = table(ws, top, &headers, rows, 40, pii)?;
    let counts = phase_counts(&a.overview.branches, phases.len());
    totals_row(ws, end, &a.overview.branches, &counts)?;
    completion_chart(ws, end, &phases, &counts)?;
    Ok(())
}

/// One branch's row: what it returned, each phase's status, its supervision, its findings by
/// severity and where it stands overall.
fn branch_row(i: usize, b: &BranchOverview, steps: usize, pii: Pii) -> Vec<Out> {
    let (ret, ret_tone) = returned_label(b.returned);
    let mut row = vec![
        Out::Num((i + 1) as f64),
        Out::text(&b.name),
        Out::text(b.category.map_or("", |c| c.label())),
        b.members.map_or(Out::Empty, |m| Out::Num(m as f64)),
        Out::toned(ret, ret_tone),
    ];
    if b.phases.is_empty() {
        row.extend((0..steps).map(|_| Out::toned("—", Tone::Grey)));
    } else {
        for s in &b.phases {
            let text = match s.date {
                Some(d) => format!("{}（{}）", s.status.label(), md(d)),
                None => s.status.label(),
            };
            row.push(Out::toned(text, status_tone(s.status)));
        }
    }
    let sup = pii.text(&b.supervisors.join("、")).into_owned();
    row.push(match b.supervision_ok {
        Some(false) => Out::toned(
            if sup.is_empty() {
                "无符合要求的督导".to_string()
            } else {
                format!("不符合要求：{sup}")
            },
            Tone::Bad,
        ),
        Some(true) => Out::toned(sup, Tone::Good),
        None => Out::text(sup),
    });
    for (k, n) in b.counts.iter().enumerate() {
        let t = if *n == 0 {
            Tone::Plain
        } else {
            severity_tone([Severity::Error, Severity::Warning, Severity::Info][k])
        };
        row.push(Out::NumToned(*n as f64, t));
    }
    row.push(Out::toned(b.overall.label(), overall_tone(b.overall)));
    row
}

/// The totals row under the table: branches, members, returns, each phase's completions, the
/// findings by severity and the branches done.
fn totals_row(
    ws: &mut Worksheet,
    end: u32,
    branches: &[BranchOverview],
    counts: &[[usize; 6]],
) -> Result<(), XlsxError> {
    let tf = total();
    let n = branches.len();
    let returned = branches
        .iter()
        .filter(|b| b.returned == Returned::Yes)
        .count();
    ws.write_string_with_format(end, 0, "合计", &tf)?;
    ws.write_string_with_format(end, 1, format!("{n} 个支部"), &tf)?;
    ws.write_string_with_format(end, 2, "", &tf)?;
    let members: usize = branches.iter().filter_map(|b| b.members).sum();
    ws.write_number_with_format(end, 3, members as f64, &tf)?;
    ws.write_string_with_format(end, 4, format!("已报送 {returned}/{n}"), &tf)?;
    for (p, c) in counts.iter().enumerate() {
        let mut text = format!("完成 {}", c[0] + c[1]);
        if c[2] > 0 {
            text.push_str(&format!("，逾期未完成 {}", c[2]));
        }
        ws.write_string_with_format(end, 5 + p as u16, text, &tf)?;
    }
    ws.write_string_with_format(end, 11, "", &tf)?;
    for k in 0..3 {
        let sum: usize = branches.iter().map(|b| b.counts[k]).sum();
        ws.write_number_with_format(end, 12 + k as u16, sum as f64, &tf)?;
    }
    let done = branches
        .iter()
        .filter(|b| b.overall == Overall::Done)
        .count();
    ws.write_string_with_format(end, 15, format!("全部完成 {done}"), &tf)?;
    Ok(())
}

/// Below the totals, the chart's data (branches per status per phase) and the stacked chart
/// drawn from it.
fn completion_chart(
    ws: &mut Worksheet,
    end: u32,
    phases: &[&str],
    counts: &[[usize; 6]],
) -> Result<(), XlsxError> {
    // The chart's data: branches per status per phase, below the table.
    let data_top = end + 3;
    ws.write_string_with_format(data_top - 1, 0, "各环节完成情况（支部数）", &title())?;
    let labels = [
        "按时完成",
        "逾期完成",
        "逾期未完成",
        "未到期",
        "缺表/未报送",
        "不适用",
    ];
    let hf = header();
    ws.write_string_with_format(data_top, 1, "环节", &hf)?;
    for (j, l) in labels.iter().enumerate() {
        ws.write_string_with_format(data_top, 2 + j as u16, *l, &hf)?;
    }
    let bf = base();
    for (p, name) in phases.iter().enumerate() {
        ws.write_string_with_format(data_top + 1 + p as u32, 1, *name, &bf)?;
        for (j, v) in counts[p].iter().enumerate() {
            ws.write_number_with_format(data_top + 1 + p as u32, 2 + j as u16, *v as f64, &bf)?;
        }
    }
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name("各环节完成情况");
    let colors = [0x70AD47, 0xFFC000, 0xC00000, 0xA5A5A5, 0x7F7F7F, 0xD9D9D9];
    for (j, l) in labels.iter().enumerate() {
        chart
            .add_series()
            .set_name(*l)
            .set_categories(("总览", data_top + 1, 1, data_top + 6, 1))
            .set_values((
                "总览",
                data_top + 1,
                2 + j as u16,
                data_top + 6,
                2 + j as u16,
            ))
            .set_format(
                ChartFormat::new()
                    .set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(colors[j]))),
            );
    }
    chart.y_axis().set_min(0).set_name("支部数");
    chart.set_width(720).set_height(320);
    ws.insert_chart(data_top + 8, 1, &chart)?;
    Ok(())
}

fn status_tone(s: Status) -> Tone {
    match s {
        Status::OnTime => Tone::Good,
        Status::Late(_) => Tone::Neutral,
        Status::Overdue | Status::MissingSheet => Tone::Bad,
        Status::NotApplicable => Tone::Grey,
        Status::NotDue => Tone::Plain,
    }
}

fn overall_tone(o: Overall) -> Tone {
    match o {
        Overall::NotReturned | Overall::Errors => Tone::Bad,
        Overall::Warnings => Tone::Neutral,
        Overall::OnTrack => Tone::Plain,
        Overall::Done => Tone::Good,
    }
}

fn returned_label(r: Returned) -> (&'static str, Tone) {
    match r {
        Returned::Yes => (r.label(), Tone::Plain),
        Returned::No | Returned::Unreadable => (r.label(), Tone::Bad),
    }
}
