//! 问题明细, the summary's list of every finding (filterable, with its file, sheet and cell),
//! streamed to disk row by row.

use rust_xlsxwriter::{Workbook, XlsxError};

use crate::analysis::Analysis;
use crate::report::mask::Pii;
use crate::report::xlsx_style::{Out, severity_label, severity_tone, table, wrap};

/// 问题明细: every finding, filterable, with its file, sheet and cell.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a county's 问题明细 runs to 100,000 rows.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("问题明细")?;
    let headers = [
        "序号",
        "支部",
        "代码",
        "严重程度",
        "问题",
        "对象",
        "说明",
        "文件",
        "工作表",
        "单元格",
    ];
    // Rows are made as the sheet streams out, never all findings' at once.
    let rows = a.findings.iter().enumerate().map(|(i, f)| {
        let title = f.code.title();
        vec![
            Out::Num((i + 1) as f64),
            Out::text(&f.branch),
            Out::text(f.code.as_str()),
            Out::toned(severity_label(f.severity), severity_tone(f.severity)),
            Out::text(title),
            Out::text(pii.text(&f.subject)),
            Out::text(pii.text(&f.message)),
            Out::text(&f.loc.file),
            Out::text(&f.loc.sheet),
            Out::text(f.loc.cell_a1()),
        ]
    });
    table(ws, 0, &headers, rows, 60, pii)?;
    ws.set_column_format(6, &wrap())?;
    Ok(())
}
