//! 规则说明, the rules sheet: every finding code, what it checks, the clause of the notice it
//! enforces, how to fix it and when it is checked.

use crate::report::mask::Pii;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::campaign::Campaign;
use crate::campaign::view::Judged;
use crate::finding::catalog::CATALOG;
use crate::report::xlsx_style::{Out, severity_label, severity_tone, table, wrap};

/// 规则说明: every code as the campaign judges it, what it checks and the clause of the
/// campaign's notice it enforces.
pub(super) fn write(wb: &mut Workbook, campaign: &Campaign) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("规则说明")?;
    let headers = [
        "代码",
        "严重程度",
        "名称",
        "检查什么",
        "依据（通知原文）",
        "怎么改",
        "何时检查",
    ];
    let rows: Vec<Vec<Out>> = CATALOG
        .iter()
        .map(|d| {
            let v = campaign.view(d.code);
            let due = match v.judged {
                Judged::Yes => v.due.to_string(),
                Judged::Off => "本次活动不检查（已关闭）".to_string(),
                Judged::NoStep(_) => "本次活动不检查（没有该环节）".to_string(),
            };
            vec![
                Out::text(d.code.as_str()),
                Out::toned(severity_label(v.severity), severity_tone(v.severity)),
                Out::text(d.title),
                Out::text(d.what),
                Out::text(v.clause.as_ref()),
                Out::text(d.fix),
                Out::text(&due),
            ]
        })
        .collect();
    // orglife's own text: nothing a branch typed.
    table(ws, 0, &headers, rows, 50, Pii { show: true })?;
    for c in 3..=6 {
        ws.set_column_format(c, &wrap())?;
    }
    Ok(())
}
