//! 催办名单, the branches that must still act: what is missing and how late. `orglife remind`
//! writes the same sheet into its own workbook.

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
    ];
    let rows: Vec<Vec<Out>> = a
        .overview
        .branches
        .iter()
        .filter(|b| !b.lags.is_empty())
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
            let days = b.lags.iter().map(|l| l.days).max().unwrap_or(0);
            vec![
                Out::Num((i + 1) as f64),
                Out::text(&b.name),
                Out::text(b.category.map_or("", |c| c.label())),
                Out::text(b.secretary.clone().unwrap_or_default()),
                Out::text(pii.text(b.phone.as_deref().unwrap_or(""))),
                Out::toned(items.join("；"), Tone::Bad),
                Out::Num(days as f64),
                Out::Num(b.counts[0] as f64),
            ]
        })
        .collect();
    table(ws, 0, &headers, rows, 70, pii)?;
    Ok(())
}
