//! 催办名单, the branches that must still act (the same ones that get a notice): what is
//! missing, how late counted from the earliest deadline missed, and the phone to call.
//! `orglife remind` writes the same sheet into its own workbook.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::md;
use crate::analysis::Analysis;
use crate::report::mask::Pii;
use crate::report::xlsx_style::{Out, Tone, table};

/// 催办名单: the branches that must still act, with what and how late.
pub fn reminders_sheet(ws: &mut Worksheet, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    ws.set_name("催办名单")?;
    let headers = [
        "序号",
        "支部",
        "类别",
        "书记",
        "联系电话",
        "未完成事项",
        "最长逾期（天）",
        "严重问题",
        "上次通知后已改正",
    ];
    let rows: Vec<Vec<Out>> = a
        .overview
        .branches
        .iter()
        .filter(|b| b.must_act())
        .enumerate()
        .map(|(i, b)| {
            let items: Vec<String> = b
                .lags
                .iter()
                .map(|l| match l.deadline {
                    Some(d) => format!("{}（应于{}前完成，逾期{}天）", l.what, md(d), l.days),
                    None => l.what.clone(),
                })
                .collect();
            let fixed = a
                .progress
                .since_notice
                .get(&b.name)
                .map_or(Out::Empty, |s| {
                    Out::text(format!("{} 处（{}通知）", s.fixed.len(), md(s.as_of)))
                });
            vec![
                Out::Num((i + 1) as f64),
                Out::text(&b.name),
                Out::text(b.category.map_or("", |c| c.label())),
                Out::text(b.secretary.clone().unwrap_or_default()),
                Out::Empty, // the phone, written below
                Out::toned(items.join("；"), Tone::Bad),
                Out::Num(b.days_overdue() as f64),
                Out::Num(b.counts[0] as f64),
                fixed,
            ]
        })
        .collect();
    table(ws, 0, &headers, rows, 70, pii)?;
    // The register's phones, as written: the office's own list of whom to call, printed to
    // be called (a member's phone anywhere else stays masked). Plain strings, never formulas.
    let chased = a.overview.branches.iter().filter(|b| b.must_act());
    for (r, b) in (1u32..).zip(chased) {
        if let Some(p) = &b.phone {
            ws.write_string(r, 4, p)?;
        }
    }
    ws.set_column_width(4, 14)?;
    Ok(())
}
