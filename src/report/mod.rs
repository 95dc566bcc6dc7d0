//! Writers only: they format what ingest read and the rules found, and decide nothing.

pub mod archive;
pub mod atomic;
pub mod completion;
pub mod csv_text;
pub mod feedback;
pub mod findings_csv;
pub mod html;
pub mod mask;
pub mod remind;
pub mod summary;
pub mod template;
pub mod xlsx_style;

use std::path::Path;

use anyhow::{Result, anyhow};

use crate::analysis::{Analysis, Stages};
use atomic::{replace_dir, write_atomic, write_atomic_with};
use mask::Pii;

/// Only findings.csv (`check --quick`): a fast re-check after a correction arrives.
pub fn write_quick(a: &Analysis, out: &Path, pii: Pii, stages: &mut Stages) -> Result<Vec<String>> {
    atomic::clean_stale(out);
    let csv = out.join("findings.csv");
    write_atomic(&csv, &findings_csv::render(&a.findings, pii))?;
    stages.lap("findings.csv");
    Ok(vec![crate::text::shown::path(&csv)])
}

/// Every output of `check`; returns what was written, for the screen, and the notices sent.
pub fn write_check(
    a: &Analysis,
    out: &Path,
    pii: Pii,
    stages: &mut Stages,
) -> Result<(Vec<String>, Vec<remind::Sent>)> {
    atomic::clean_stale(out);
    let csv = out.join("findings.csv");
    write_atomic(&csv, &findings_csv::render(&a.findings, pii))?;
    stages.lap("findings.csv");
    // The summary (one workbook, written by one thread) and the feedback workbooks (one per
    // branch, in parallel) are independent: write them side by side.
    let xlsx = out.join("汇总.xlsx");
    let ((summary, t_summary), (fed, t_fed)) = rayon::join(
        || {
            let t = std::time::Instant::now();
            let r = write_atomic_with(&xlsx, |file| {
                summary::render_to(a, pii, file).map_err(|e| anyhow!("生成汇总表失败：{e}"))
            });
            (r, t.elapsed())
        },
        || {
            let t = std::time::Instant::now();
            let r = replace_dir(&out.join("反馈"), |dir| feedback::write_all(a, dir));
            (r, t.elapsed())
        },
    );
    summary?;
    let fed = fed?;
    stages.lap("汇总.xlsx与反馈");
    stages.part("其中汇总.xlsx", t_summary);
    stages.part("其中反馈", t_fed);
    let sent = replace_dir(&out.join("催办"), |dir| {
        remind::write_notices(a, dir, pii)
    })?;
    stages.lap("催办");
    let page = out.join(crate::model::outputs::REPORT_HTML);
    write_atomic(&page, html::render(a, pii).as_bytes())?;
    stages.lap("报告.html");
    let shown = crate::text::shown::path;
    let written = vec![
        shown(&csv),
        shown(&xlsx),
        shown(&page),
        format!("{}（{fed} 个支部）", shown(&out.join("反馈"))),
        format!("{}（{} 个支部）", shown(&out.join("催办")), sent.len()),
    ];
    Ok((written, sent))
}
