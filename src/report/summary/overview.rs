//! 总览, the summary's first sheet: one row per branch with each phase coloured by status, a
//! totals row, and below them the chart of how many branches stand where in each phase.

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartSolidFill, ChartType, Color, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

use super::md;
use crate::analysis::Analysis;
use crate::finding::{Severity, TOWNSHIP};
use crate::report::completion::phase_counts;
use crate::report::mask::Pii;
use crate::report::xlsx_style::{
    Out, Tone, base, header, row_height, severity_tone, table, title, tone, total, wrapped_lines,
};
use crate::rules::overview::{BranchOverview, Overall, Returned};
use crate::rules::phase::Status;

/// 总览: one row per branch, each phase coloured by status, totals, and a chart of completion.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("总览")?;
    // The configured steps, by the names the campaign gives them.
    let phases: Vec<&str> = a.campaign.steps.iter().map(|s| s.name.as_str()).collect();
    ws.write_string_with_format(0, 0, title_text(a), &title())?;
    let mut headers = vec!["序号", "支部", "类别", "党员数", "报送情况"];
    headers.extend(&phases);
    headers.extend(["督导", "严重", "一般", "提示", "总体状态"]);
    let mut rows = Vec::new();
    for (i, b) in a.overview.branches.iter().enumerate() {
        rows.push(branch_row(i, b, phases.len(), pii));
    }
    let widths = print_widths(phases.len());
    // Wrapped text does not grow its row by itself in every program (LibreOffice keeps the
    // workbook's default height): each row is given the height of its tallest cell.
    let heights: Vec<f64> = rows.iter().map(|r| branch_row_height(r, &widths)).collect();
    let top = 2;
    // Plain text wider than a narrow column wraps (see `print_widths`).
    let end = table(ws, top, &headers, rows, 10, pii)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let header_lines = headers
        .iter()
        .enumerate()
        .map(|(c, h)| lines(h, widths.get(c).copied().unwrap_or(10.0)))
        .max()
        .unwrap_or(1);
    ws.set_row_height(top, row_height(header_lines))?;
    for (i, h) in heights.iter().enumerate() {
        ws.set_row_height(top + 1 + i as u32, *h)?;
    }
    let counts = phase_counts(&a.overview.branches, phases.len());
    let end = township_row(ws, end, a, phases.len())?;
    totals_row(ws, end, a, &counts)?;
    ws.set_row_height(end, row_height(2))?;
    let end = legend(ws, end + 2)?;
    completion_chart(ws, end, &phases, &counts)?;
    // The branch stays in sight when the phases scroll by.
    ws.set_freeze_panes(top + 1, 2)?;
    // Every printed page after the first starts with the header row (`table`); each page is
    // headed by the sheet's title, not only the first.
    ws.set_header(format!("&C{}", header_text(&title_text(a))));
    Ok(())
}

fn title_text(a: &Analysis) -> String {
    format!(
        "{}　进度总览（统计截止 {}）",
        a.campaign.name,
        a.as_of.format("%Y年%-m月%-d日")
    )
}

/// `&` starts a code in a page header: a literal one is written twice.
fn header_text(s: &str) -> String {
    s.replace('&', "&&")
}

/// Column widths for people and for A4: a phase cell is its status over its date, the
/// supervisors and long names wrap, so that the table fits one landscape page wide at a
/// readable size (about 9 pt) instead of being shrunk to 4–5 pt to fit its widest texts.
fn print_widths(steps: usize) -> Vec<f64> {
    // 序号, 支部, 类别, 党员数, 报送情况
    let mut w = vec![5.0, 21.0, 9.0, 7.0, 11.0];
    w.extend(std::iter::repeat_n(12.5, steps));
    // 督导, 严重, 一般, 提示, 总体状态
    w.extend([17.0, 5.5, 5.5, 5.5, 11.0]);
    w
}

/// Lines `text` takes in a column `width` wide (a unit of the padding is lost to the cell's
/// margins).
fn lines(text: &str, width: f64) -> usize {
    wrapped_lines(text, (width - 1.0).max(2.0) as usize)
}

fn branch_row_height(row: &[Out], widths: &[f64]) -> f64 {
    let most = row
        .iter()
        .enumerate()
        .map(|(c, o)| match o {
            Out::Text(s, _) => lines(s, widths.get(c).copied().unwrap_or(10.0)),
            _ => 1,
        })
        .max()
        .unwrap_or(1);
    row_height(most)
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
            // Status over date, two short lines: the column stays narrow enough to print.
            let text = match s.date {
                Some(d) => format!("{}\n（{}）", s.status.label(), md(d)),
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

/// The township-wide findings (branch 全镇: an unmatched return, a 镇党委班子成员 who
/// supervised nothing, a register problem) and any other finding of no listed branch, in a row
/// of their own above 合计, so that 合计 counts every finding, as the screen does. Returns the
/// row after it (no row when there are none).
fn township_row(
    ws: &mut Worksheet,
    end: u32,
    a: &Analysis,
    steps: usize,
) -> Result<u32, XlsxError> {
    let listed: std::collections::HashSet<&str> = a
        .overview
        .branches
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    let mut counts = [0usize; 3];
    for f in a
        .findings
        .iter()
        .filter(|f| !listed.contains(f.branch.as_str()))
    {
        counts[severity_index(f.severity)] += 1;
    }
    if counts == [0; 3] {
        return Ok(end);
    }
    let bf = base();
    ws.write_string_with_format(end, 1, TOWNSHIP, &bf)?;
    ws.write_string_with_format(
        end,
        2,
        "全镇性问题（不属于某个支部，如对不上支部的材料、未督导的镇党委班子成员），见“问题明细”",
        &bf,
    )?;
    let first = 5 + steps as u16 + 1;
    for (k, n) in counts.iter().enumerate() {
        let t = if *n == 0 {
            Tone::Plain
        } else {
            severity_tone([Severity::Error, Severity::Warning, Severity::Info][k])
        };
        ws.write_number_with_format(end, first + k as u16, *n as f64, &tone(t))?;
    }
    Ok(end + 1)
}

fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// The totals row under the table: branches, members, returns, each phase's completions, the
/// findings by severity (every finding, 全镇 included: the screen's numbers) and the branches
/// done.
fn totals_row(
    ws: &mut Worksheet,
    end: u32,
    a: &Analysis,
    counts: &[[usize; 6]],
) -> Result<(), XlsxError> {
    let branches = &a.overview.branches;
    let tf = total();
    let wrapped = total().set_text_wrap();
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
    ws.write_string_with_format(end, 4, format!("已报送 {returned}/{n}"), &wrapped)?;
    for (p, c) in counts.iter().enumerate() {
        let mut text = format!("完成 {}", c[0] + c[1]);
        if c[2] > 0 {
            text.push_str(&format!("\n逾期未完成 {}", c[2]));
        }
        ws.write_string_with_format(end, 5 + p as u16, text, &wrapped)?;
    }
    let sup = 5 + counts.len() as u16;
    ws.write_string_with_format(end, sup, "", &tf)?;
    let mut by_severity = [0usize; 3];
    for f in &a.findings {
        by_severity[severity_index(f.severity)] += 1;
    }
    for (k, sum) in by_severity.iter().enumerate() {
        ws.write_number_with_format(end, sup + 1 + k as u16, *sum as f64, &tf)?;
    }
    let done = branches
        .iter()
        .filter(|b| b.overall == Overall::Done)
        .count();
    ws.write_string_with_format(end, sup + 4, format!("全部完成 {done}"), &wrapped)?;
    Ok(())
}

/// What the colours mean, under the totals: each fill used on this sheet, shown as it is used,
/// with what it stands for in each column. Returns the last row written.
fn legend(ws: &mut Worksheet, top: u32) -> Result<u32, XlsxError> {
    ws.write_string_with_format(top, 0, "颜色说明", &title())?;
    let rows: [(Tone, &str, &str); 6] = [
        (
            Tone::Good,
            "绿色",
            "环节按时完成；督导符合要求；总体状态“全部完成”",
        ),
        (
            Tone::Neutral,
            "黄色",
            "环节逾期完成；有一般问题（一般问题数、总体状态“有一般问题”）",
        ),
        (
            Tone::Bad,
            "红色",
            "环节逾期未完成或缺表；未报送或报送的文件无法读取；督导不符合要求；有严重问题",
        ),
        (Tone::Plain, "白色", "环节未到期（期限未到，暂不检查）"),
        (
            Tone::Grey,
            "灰色",
            "不适用（如未设支委会的支部不开支委会）；未报送的支部无环节状态",
        ),
        (Tone::Info, "蓝色", "有提示（提示问题数）"),
    ];
    let bordered = |t: Tone| {
        tone(t)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
    };
    for (k, (t, name, meaning)) in rows.iter().enumerate() {
        let r = top + 1 + k as u32;
        ws.write_string_with_format(r, 1, *name, &bordered(*t))?;
        ws.write_string(r, 2, *meaning)?;
    }
    Ok(top + rows.len() as u32)
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
    let labels = crate::report::completion::LABELS;
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
