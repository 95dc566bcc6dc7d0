//! 反馈/<支部>.xlsx: what the office sends back to a branch. A first sheet lists its findings
//! and what to fix; then its own sheets as it sent them (read again from the input), each
//! flagged cell coloured by severity and carrying a note (批注) with the finding.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow};
use rayon::prelude::*;
use rust_xlsxwriter::{Note, Worksheet, XlsxError};

use super::mask::{Pii, mask_id, mask_phone};
use super::xlsx_style::{
    Out, Tone, Widths, base, print_setup, severity_label, severity_tone, table, title, tone,
};
use crate::analysis::Analysis;
use crate::finding::{Finding, Severity};
use crate::ingest::grid::{Cell, Grid, number_text, read_grids};
use crate::model::Branch;
use crate::rules::overview::BranchOverview;

/// A file name Windows accepts, from a branch name.
pub fn file_name(branch: &str) -> String {
    let clean: String = branch
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{clean}.xlsx")
}

/// Write one workbook per branch that returned anything; returns how many.
pub fn write_all(a: &Analysis, dir: &Path, pii: Pii) -> Result<usize> {
    let mut by_branch: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &a.findings {
        by_branch.entry(f.branch.as_str()).or_default().push(f);
    }
    let jobs: Vec<(&Branch, &BranchOverview)> = a
        .model
        .branches
        .iter()
        .zip(&a.overview.branches)
        .filter(|(b, _)| b.returned())
        .collect();
    jobs.par_iter()
        .map(|(b, o)| {
            let mine = by_branch.get(b.name.as_str()).cloned().unwrap_or_default();
            let bytes = workbook(a, b, o, &mine, pii)
                .map_err(|e| anyhow!("生成{}的反馈表失败：{e}", b.name))?;
            std::fs::write(dir.join(file_name(&b.name)), bytes)
                .map_err(|e| anyhow!("写入反馈表失败：{e}"))
        })
        .collect::<Result<Vec<()>>>()?;
    Ok(jobs.len())
}

fn workbook(
    a: &Analysis,
    b: &Branch,
    o: &BranchOverview,
    findings: &[&Finding],
    pii: Pii,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::xlsx_style::workbook();
    let ws = wb.add_worksheet();
    ws.set_name("问题清单")?;
    first_sheet(ws, a, b, o, findings, pii)?;
    let mut used: Vec<String> = vec!["问题清单".to_string()];
    for &f in &b.files {
        let entry = &a.model.files[f as usize];
        if !entry.error.is_empty() {
            continue;
        }
        let path = a.input.join(&entry.path);
        let input = if a.input.is_file() {
            a.input.clone()
        } else {
            path
        };
        let Ok(bytes) = std::fs::read(&input) else {
            continue;
        };
        let ext = input
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let Ok(grids) = read_grids(&bytes, &ext, &a.campaign.limits()) else {
            continue;
        };
        for (i, grid) in grids.iter().enumerate() {
            if grid.is_empty() {
                continue;
            }
            let sheet_name = entry
                .sheets
                .get(i)
                .map_or(grid.name.as_str(), |s| s.name.as_str());
            let name = unique_name(sheet_name, &mut used);
            let ws = wb.add_worksheet();
            ws.set_name(&name)?;
            let here: Vec<&Finding> = findings
                .iter()
                .copied()
                .filter(|x| x.loc.file == entry.path && x.loc.sheet == sheet_name)
                .collect();
            copy_sheet(ws, grid, &here, pii)?;
        }
    }
    wb.save_to_buffer()
}

/// A sheet name Excel accepts (≤ 31 characters, none of []:*?/\), unique in the workbook.
fn unique_name(name: &str, used: &mut Vec<String>) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(28)
        .collect();
    let clean = if clean.trim().is_empty() {
        "Sheet".to_string()
    } else {
        clean
    };
    let mut candidate = clean.clone();
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&candidate)) {
        candidate = format!("{clean}({n})");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

fn first_sheet(
    ws: &mut Worksheet,
    a: &Analysis,
    b: &Branch,
    o: &BranchOverview,
    findings: &[&Finding],
    pii: Pii,
) -> Result<(), XlsxError> {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    ws.write_string_with_format(
        0,
        0,
        format!("{}　{}反馈", b.name, a.campaign.name),
        &title(),
    )?;
    let progress: Vec<String> = o
        .phases
        .iter()
        .map(|s| format!("{} {}", s.key.config_in(&a.campaign).name, s.status.label()))
        .collect();
    let summary = format!(
        "统计截止 {}。发现问题 {} 条：严重 {}、一般 {}、提示 {}。进度：{}",
        a.as_of.format("%Y年%-m月%-d日"),
        findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        if progress.is_empty() {
            "报送的文件无法读取".to_string()
        } else {
            progress.join("；")
        }
    );
    ws.write_string_with_format(1, 0, &summary, &base())?;
    let headers = [
        "序号",
        "代码",
        "严重程度",
        "问题",
        "对象",
        "说明及怎么改",
        "文件",
        "工作表",
        "单元格",
    ];
    let rows: Vec<Vec<Out>> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                Out::Num((i + 1) as f64),
                Out::text(f.code),
                Out::toned(severity_label(f.severity), severity_tone(f.severity)),
                Out::text(crate::rules::catalog::doc(f.code).map_or("", |d| d.title)),
                Out::text(pii.text(&f.subject)),
                Out::text(pii.text(&f.message)),
                Out::text(&f.loc.file),
                Out::text(&f.loc.sheet),
                Out::text(f.loc.cell_a1()),
            ]
        })
        .collect();
    table(ws, 3, &headers, rows, 70)?;
    Ok(())
}

/// A cell of the branch's own sheet as it may be shown: IDs and phones masked wherever they
/// appear (also when Excel stored them as numbers).
fn shown(cell: &Cell, pii: Pii) -> Out {
    match cell {
        Cell::Number(n) if !pii.show && n.fract() == 0.0 && *n >= 1e10 => {
            let digits = number_text(*n);
            let masked = if digits.len() == 11 {
                mask_phone(&digits)
            } else {
                mask_id(&digits)
            };
            Out::text(masked)
        }
        Cell::Number(n) => Out::Num(*n),
        Cell::Text(t) => Out::text(pii.text(t)),
        other => Out::text(pii.text(&other.display())),
    }
}

fn copy_sheet(
    ws: &mut Worksheet,
    grid: &Grid,
    findings: &[&Finding],
    pii: Pii,
) -> Result<(), XlsxError> {
    let plain = base();
    let tones: Vec<(Tone, rust_xlsxwriter::Format)> = [Tone::Bad, Tone::Neutral, Tone::Info]
        .into_iter()
        .map(|t| (t, tone(t)))
        .collect();
    // Findings by cell: the worst severity colours it, every finding goes in its note.
    let mut flagged: BTreeMap<(u32, u32), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        if let Some(c) = f.loc.cell {
            flagged.entry(c).or_default().push(f);
        }
    }
    // Merged regions are written once, as merges, like the branch sent them (the reader
    // keeps only well-formed ones of at most 10 000 cells, and indexes them by row).
    let merges = &grid.merges;
    let covered = |r: u32, c: u32| grid.merge_at(r, c).is_some_and(|m| m.start != (r, c));
    let mut widths = Widths::new(&[]);
    for row in &grid.rows {
        for (col, cell) in &row.cells {
            if covered(row.row, *col) || *col > u32::from(u16::MAX) {
                continue;
            }
            let worst = flagged
                .get(&(row.row, *col))
                .and_then(|fs| fs.iter().map(|f| f.severity).min());
            // An unflagged cell takes the workbook's default format: no per-cell format lookup.
            let fmt = worst.map(|s| {
                tones
                    .iter()
                    .find(|(t, _)| *t == severity_tone(s))
                    .map_or(&plain, |(_, f)| f)
            });
            // Text, the bulk of the cells, goes to the writer with no copy of ours (masked only
            // where an ID or phone is in it).
            if let Cell::Text(t) = cell {
                let t = pii.text(t);
                if (*col as usize) < 200 {
                    // Measured whole, without copying a prefix: widths are capped at 40 anyway.
                    widths.see(*col as usize, &t);
                }
                match fmt {
                    Some(fmt) => ws.write_string_with_format(row.row, *col as u16, t, fmt)?,
                    None => ws.write_string(row.row, *col as u16, t)?,
                };
                continue;
            }
            match (shown(cell, pii), fmt) {
                (Out::Num(n) | Out::NumToned(n, _), Some(fmt)) => {
                    ws.write_number_with_format(row.row, *col as u16, n, fmt)?;
                }
                (Out::Num(n) | Out::NumToned(n, _), None) => {
                    ws.write_number(row.row, *col as u16, n)?;
                }
                (Out::Text(t, _), fmt) => {
                    if (*col as usize) < 200 {
                        widths.see(*col as usize, &t);
                    }
                    match fmt {
                        Some(fmt) => ws.write_string_with_format(row.row, *col as u16, &t, fmt)?,
                        None => ws.write_string(row.row, *col as u16, &t)?,
                    };
                }
                (Out::Empty, _) => {}
            }
        }
    }
    for m in merges {
        let value = grid
            .rows
            .binary_search_by_key(&m.start.0, |r| r.row)
            .ok()
            .and_then(|i| grid.rows[i].get(m.start.1));
        let text = value.map(|v| match shown(v, pii) {
            Out::Text(t, _) => t,
            Out::Num(n) | Out::NumToned(n, _) => number_text(n),
            Out::Empty => String::new(),
        });
        let _ = ws.merge_range(
            m.start.0,
            m.start.1 as u16,
            m.end.0,
            m.end.1 as u16,
            &text.unwrap_or_default(),
            &plain,
        );
    }
    // Empty flagged cells (a required value missing) still get their colour and note.
    for (&(r, c), fs) in &flagged {
        let worst = fs
            .iter()
            .map(|f| f.severity)
            .min()
            .unwrap_or(Severity::Info);
        let exists = grid
            .rows
            .iter()
            .any(|row| row.row == r && row.get(c).is_some());
        if !exists && c <= u32::from(u16::MAX) {
            let fmt = tones
                .iter()
                .find(|(t, _)| *t == severity_tone(worst))
                .map_or(&plain, |(_, f)| f);
            ws.write_blank(r, c as u16, fmt)?;
        }
        let text: Vec<String> = fs
            .iter()
            .map(|f| {
                format!(
                    "{} {}：{}",
                    f.code,
                    severity_label(f.severity),
                    pii.text(&f.message)
                )
            })
            .collect();
        let mut text = text.join("\n");
        if text.chars().count() > 30_000 {
            text = text.chars().take(30_000).collect();
        }
        if c <= u32::from(u16::MAX) {
            ws.insert_note(
                r,
                c as u16,
                &Note::new(text)
                    .set_author("组织办")
                    .add_author_prefix(false)
                    .set_width(360)
                    .set_height(160),
            )?;
        }
    }
    widths.apply(ws, 40)?;
    print_setup(ws, 0)?;
    Ok(())
}
