//! A branch's cells written into a fresh package, for returns the package patch does not take
//! (xls, ods, CSV, several files, or parts it does not rewrite): every file read again, every
//! non-empty sheet copied cell by cell with its merges, IDs and phones masked. The first sheet
//! is an empty 问题清单 that [`super::package`] fills.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::analysis::Analysis;
use crate::ingest::cell::{Cell, Grid};
use crate::ingest::read::read_grids;
use crate::model::Branch;
use crate::report::mask::{Pii, mask_number};
use crate::report::xlsx_style::{Out, Widths, base, print_setup};
use crate::text::number_text;

/// (file, sheet as read) → the sheet's name in the package.
pub type SheetNames = HashMap<(String, String), String>;

/// The package, and the name each (file, sheet) got in it.
pub fn package(a: &Analysis, b: &Branch, pii: Pii) -> Result<(Vec<u8>, SheetNames)> {
    let fail = |e: XlsxError| anyhow!("生成{}的反馈表失败：{e}", b.name);
    let mut wb = crate::report::xlsx_style::workbook();
    wb.add_worksheet().set_name("问题清单").map_err(fail)?;
    let mut used: Vec<String> = vec!["问题清单".to_string()];
    let mut names = HashMap::new();
    for &f in &b.files {
        let entry = &a.model.files[f as usize];
        if !entry.error.is_empty() {
            continue;
        }
        let input = entry.source_in(&a.input);
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
            ws.set_name(&name).map_err(fail)?;
            copy_sheet(ws, grid, pii).map_err(fail)?;
            names.insert((entry.path.clone(), sheet_name.to_string()), name);
        }
    }
    Ok((wb.save_to_buffer().map_err(fail)?, names))
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

/// A cell of the branch's own sheet as it may be shown: IDs and phones masked wherever they
/// appear (also when Excel stored them as numbers).
fn shown(cell: &Cell, pii: Pii) -> Out {
    match cell {
        Cell::Number(n) => match mask_number(*n).filter(|_| !pii.show) {
            Some(masked) => Out::text(masked),
            None => Out::Num(*n),
        },
        Cell::Text(t) => Out::text(pii.text(t)),
        other => Out::text(pii.text(&other.display())),
    }
}

fn copy_sheet(ws: &mut Worksheet, grid: &Grid, pii: Pii) -> Result<(), XlsxError> {
    // Merged regions are written once, as merges, like the branch sent them (the reader
    // keeps only well-formed ones of at most 10 000 cells, and indexes them by row).
    let covered = |r: u32, c: u32| grid.merge_at(r, c).is_some_and(|m| m.start != (r, c));
    let mut widths = Widths::new(&[]);
    for row in &grid.rows {
        for (col, cell) in &row.cells {
            if covered(row.row, *col) || *col > u32::from(u16::MAX) {
                continue;
            }
            // Text, the bulk of the cells, goes to the writer with no copy of ours (masked only
            // where an ID or phone is in it).
            let text = match cell {
                Cell::Text(t) => pii.text(t),
                _ => match shown(cell, pii) {
                    Out::Num(n) | Out::NumToned(n, _) => {
                        ws.write_number(row.row, *col as u16, n)?;
                        continue;
                    }
                    Out::Text(t, _) => t.into(),
                    Out::Empty => continue,
                },
            };
            if (*col as usize) < 200 {
                // Measured whole, without copying a prefix: widths are capped at 40 anyway.
                widths.see(*col as usize, &text);
            }
            ws.write_string(row.row, *col as u16, text)?;
        }
    }
    let plain = base();
    for m in &grid.merges {
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
    widths.apply(ws, 40)?;
    print_setup(ws, 0)?;
    Ok(())
}
