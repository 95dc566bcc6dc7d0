//! 输入文件, what was read: every file and sheet, what it was taken for, its row accounting
//! (read, accepted, rejected, skipped) and the file's size, time and SHA-256.

use crate::report::mask::Pii;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::model::Model;
use crate::report::xlsx_style::{Widths, base, header, print_setup, total, warn};

const INPUT_HEADERS: [&str; 15] = [
    "序号",
    "文件",
    "支部",
    "报送月份",
    "填报日期",
    "工作表",
    "识别为",
    "读入行",
    "接收行",
    "退回行",
    "略过行",
    "说明",
    "大小(KB)",
    "修改时间",
    "SHA-256",
];

/// 输入文件: every file and sheet read, what it was taken for, and its row accounting.
pub(super) fn write(wb: &mut Workbook, model: &Model, pii: Pii) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a row per sheet read, 80,000 for a prefecture.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("输入文件")?;
    let (hf, bf, tf, wf) = (header(), base(), total(), warn());
    let mut widths = Widths::new(&INPUT_HEADERS);
    for (c, h) in INPUT_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &hf)?;
    }
    let mut r = 1u32;
    let mut sums = [0u64; 4];
    for (i, f) in model.files.iter().enumerate() {
        let period = f.period.map(|p| p.to_string()).unwrap_or_default();
        let report = f
            .report_date
            .map(|d| d.date.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let modified = f
            .modified
            .map(|t| {
                chrono::DateTime::<chrono::Local>::from(t)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let branch = if f.branch.is_empty() && f.error.is_empty() {
            "（未对应到支部）".to_string()
        } else {
            f.branch.clone()
        };
        let sheets: Vec<Option<&crate::model::SheetEntry>> = if f.sheets.is_empty() {
            vec![None]
        } else {
            f.sheets.iter().map(Some).collect()
        };
        for s in sheets {
            let texts: [String; 7] = [
                (i + 1).to_string(),
                f.path.clone(),
                branch.clone(),
                period.clone(),
                report.clone(),
                s.map(|s| s.name.clone()).unwrap_or_default(),
                s.and_then(|s| s.kind)
                    .map(|k| k.label().to_string())
                    .unwrap_or_default(),
            ];
            for (c, t) in texts.iter().enumerate() {
                if c == 0 {
                    ws.write_number_with_format(r, 0, (i + 1) as f64, &bf)?;
                } else {
                    // A file or sheet named after a person may carry a phone number.
                    ws.write_string_with_format(r, c as u16, pii.text(t).as_ref(), &bf)?;
                }
                widths.see(c, t);
            }
            if let Some(s) = s {
                let counts = [s.read, s.accepted, s.rejected, s.skipped];
                for (k, n) in counts.iter().enumerate() {
                    ws.write_number_with_format(r, 7 + k as u16, f64::from(*n), &bf)?;
                    sums[k] += u64::from(*n);
                }
            }
            let mut note = match s {
                Some(s) => {
                    let mut n = s.note.clone();
                    if !s.unused_columns.is_empty() {
                        if !n.is_empty() {
                            n.push('；');
                        }
                        n.push_str(&format!("未使用的列：{}", s.unused_columns.join("、")));
                    }
                    n
                }
                None => String::new(),
            };
            if !f.error.is_empty() {
                note = f.error.clone();
            }
            let bad = !f.error.is_empty() || s.is_some_and(|s| s.rejected > 0);
            ws.write_string_with_format(
                r,
                11,
                pii.text(&note).as_ref(),
                if bad { &wf } else { &bf },
            )?;
            widths.see(11, &note);
            ws.write_number_with_format(
                r,
                12,
                (f.size as f64 / 1024.0 * 10.0).round() / 10.0,
                &bf,
            )?;
            ws.write_string_with_format(r, 13, &modified, &bf)?;
            ws.write_string_with_format(r, 14, &f.sha256, &bf)?;
            widths.see(13, &modified);
            widths.see(14, &f.sha256);
            r += 1;
        }
    }
    // orglife's own outputs found in the input: named, not read (SPEC §8).
    for skipped in &model.skipped {
        ws.write_string_with_format(r, 1, pii.text(&skipped.path).as_ref(), &bf)?;
        let note = skipped.note();
        ws.write_string_with_format(r, 11, pii.text(&note).as_ref(), &bf)?;
        widths.see(1, &skipped.path);
        widths.see(11, &note);
        r += 1;
    }
    ws.write_string_with_format(r, 0, "合计", &tf)?;
    ws.write_string_with_format(r, 1, format!("{} 个文件", model.files.len()), &tf)?;
    for c in 2..INPUT_HEADERS.len() as u16 {
        if (7..=10).contains(&c) {
            ws.write_number_with_format(r, c, sums[(c - 7) as usize] as f64, &tf)?;
        } else {
            ws.write_string_with_format(r, c, "", &tf)?;
        }
    }
    widths.apply(ws, 60)?;
    ws.set_column_width(0, 6)?;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(
        0,
        0,
        r.saturating_sub(1).max(1),
        (INPUT_HEADERS.len() - 1) as u16,
    )?;
    print_setup(ws, 0)?;
    Ok(())
}
