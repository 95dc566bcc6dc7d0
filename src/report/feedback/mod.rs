//! 反馈/<支部>.xlsx: what the office sends back to a branch. A first sheet, 问题清单, lists its
//! findings and what to fix; then its own sheets as it sent them, each flagged cell coloured by
//! severity and carrying a note (批注) with the finding.
//!
//! When a branch sent one plain xlsx, its own package is the base ([`package`]): the sheets keep
//! the branch's look, and untouched parts are copied still compressed. Otherwise (xls, ods, CSV,
//! several files, or a package with parts we do not rewrite) its cells are read again and
//! written into a fresh package ([`regenerate`]), which then gets the same first sheet and notes.

/// Public only for the fuzz target `feedback_xlsx` (fuzz/), which feeds it arbitrary packages.
#[doc(hidden)]
pub mod package;
mod parts;
mod regenerate;
mod worksheet;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::{Result, anyhow};
use rayon::prelude::*;

use super::mask::Pii;
use super::xlsx_style::{Out, Tone, severity_label, severity_tone};
use crate::analysis::Analysis;
use crate::finding::{Finding, Severity};
use crate::model::Branch;
use crate::rules::overview::BranchOverview;
use package::{Base, Patch};

/// A flagged cell: its colour (the worst severity's) and its note (every finding on it).
pub struct Mark {
    pub row: u32,
    pub col: u32,
    pub tone: Tone,
    pub note: String,
}

/// What 问题清单 shows.
pub struct FindingsSheet {
    pub title: String,
    pub summary: String,
    pub rows: Vec<Vec<Out>>,
}

/// 问题清单's columns; the reader knows a feedback workbook sent back by them.
pub use crate::model::outputs::FEEDBACK_HEADERS as HEADERS;

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
///
/// Feedback goes only to the branch that sent the data, so its values stay as sent: IDs and
/// phones unmasked whatever `--show-pii` says (SPEC §8: the branch must see which digit is
/// wrong, and may send this workbook back as its corrected return).
pub fn write_all(a: &Analysis, dir: &Path) -> Result<usize> {
    let pii = Pii { show: true };
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
) -> Result<Vec<u8>> {
    let first = findings_sheet(a, b, o, findings, pii);
    let mask = !pii.show;
    let readable: Vec<_> = b
        .files
        .iter()
        .map(|&f| (f, &a.model.files[f as usize]))
        .filter(|(_, e)| e.error.is_empty())
        .collect();
    if let [(id, entry)] = readable[..] {
        let path = entry.source_in(&a.input);
        let xlsx = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        if xlsx && let Ok(bytes) = std::fs::read(&path) {
            let marks = marks(findings, pii, |file, sheet| {
                (file == entry.path).then(|| sheet.to_string())
            });
            // What the reader saw holds only for the same file: unchanged size and time.
            let same = std::fs::metadata(&path)
                .is_ok_and(|m| m.len() == entry.size && m.modified().ok() == entry.modified);
            let plain: HashSet<String> = entry
                .sheets
                .iter()
                .enumerate()
                .filter(|(i, _)| same && a.plain.get(id, *i))
                .map(|(_, s)| s.name.clone())
                .collect();
            let patch = Patch {
                first: &first,
                marks: &marks,
                mask,
                plain: &plain,
            };
            // Refused (parts we do not rewrite): written from the cells below instead.
            if let Ok(out) = package::build(&bytes, Base::Original, &patch) {
                return Ok(out);
            }
        }
    }
    let (bytes, names) = regenerate::package(a, b, pii)?;
    let marks = marks(findings, pii, |file, sheet| {
        names.get(&(file.to_string(), sheet.to_string())).cloned()
    });
    let patch = Patch {
        first: &first,
        marks: &marks,
        mask,
        plain: &HashSet::new(),
    };
    // Our own package should always take the patch; if it ever does not, the branch still
    // gets its sheets (and the run goes on), with the reason on the screen.
    Ok(
        package::build(&bytes, Base::Generated, &patch).unwrap_or_else(|e| {
            eprintln!(
                "注意：{}的反馈表未能加上问题清单（{}），只写出了支部报来的各表",
                b.name, e.0
            );
            bytes
        }),
    )
}

/// Findings on cells, grouped per sheet of the package (`sheet_of(file, sheet)` names it) and
/// per cell, in cell order.
fn marks(
    findings: &[&Finding],
    pii: Pii,
    sheet_of: impl Fn(&str, &str) -> Option<String>,
) -> HashMap<String, Vec<Mark>> {
    let mut by_cell: BTreeMap<(String, u32, u32), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        let Some((r, c)) = f.loc.cell else { continue };
        // Excel's grid: 1,048,576 rows × 16,384 columns.
        if r >= 1 << 20 || c >= 1 << 14 {
            continue;
        }
        if let Some(sheet) = sheet_of(&f.loc.file, &f.loc.sheet) {
            by_cell.entry((sheet, r, c)).or_default().push(f);
        }
    }
    let mut out: HashMap<String, Vec<Mark>> = HashMap::new();
    for ((sheet, row, col), fs) in by_cell {
        let worst = fs
            .iter()
            .map(|f| f.severity)
            .min()
            .unwrap_or(Severity::Info);
        let note: Vec<String> = fs
            .iter()
            .map(|f| {
                format!(
                    "{} {}：{}",
                    f.code,
                    severity_label(f.severity),
                    shown(f, pii).text(&f.message)
                )
            })
            .collect();
        let mut note = note.join("\n");
        if note.chars().count() > 30_000 {
            note = note.chars().take(30_000).collect();
        }
        out.entry(sheet).or_default().push(Mark {
            row,
            col,
            tone: severity_tone(worst),
            note,
        });
    }
    out
}

/// How a finding's text is shown to its branch: as `pii` says for its own data, masked when it
/// quotes another branch's (D005).
fn shown(f: &Finding, pii: Pii) -> Pii {
    Pii {
        show: pii.show && !f.code.quotes_other_branch(),
    }
}

fn findings_sheet(
    a: &Analysis,
    b: &Branch,
    o: &BranchOverview,
    findings: &[&Finding],
    pii: Pii,
) -> FindingsSheet {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let progress: Vec<String> = o
        .phases
        .iter()
        .map(|s| format!("{} {}", a.campaign.step_name(s.key), s.status.label()))
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
    let rows = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                Out::Num((i + 1) as f64),
                Out::text(f.code.as_str()),
                Out::toned(severity_label(f.severity), severity_tone(f.severity)),
                Out::text(f.code.title()),
                Out::text(shown(f, pii).text(&f.subject)),
                Out::text(shown(f, pii).text(&f.message)),
                Out::text(&f.loc.file),
                Out::text(&f.loc.sheet),
                Out::text(f.loc.cell_a1()),
            ]
        })
        .collect();
    FindingsSheet {
        title: format!("{}　{}反馈", b.name, a.campaign.name),
        summary,
        rows,
    }
}
