//! 党员汇总, every branch's roster in one sheet, 身份证号 and 电话 masked unless --show-pii;
//! streamed to disk row by row.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::{id_shown, phone_shown};
use crate::model::Model;
use crate::report::mask::Pii;
use crate::report::xlsx_style::{Out, table};

/// 党员汇总: every roster, 身份证号 and 电话 masked unless --show-pii.
pub(super) fn write(wb: &mut Workbook, model: &Model, pii: Pii) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a county's 党员汇总 runs to 100,000 rows.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("党员汇总")?;
    let headers = [
        "序号",
        "支部",
        "姓名",
        "性别",
        "出生日期",
        "入党日期",
        "党员类别",
        "党内职务",
        "特殊情况",
        "党小组",
        "身份证号",
        "联系电话",
    ];
    // Rows are made as the sheet is written, never the whole township's at once.
    let rows = model
        .branches
        .iter()
        .flat_map(|b| b.roster.iter().map(move |m| (b, m)))
        .enumerate()
        .map(|(i, (b, m))| {
            let special: Vec<&str> = m.special.iter().map(|s| s.value.label()).collect();
            vec![
                Out::Num((i + 1) as f64),
                Out::text(&b.name),
                Out::text(m.name.value.as_str()),
                Out::text(m.gender.as_ref().map_or("", |g| g.value.label())),
                Out::text(m.birth.as_ref().map(|d| d.value.iso()).unwrap_or_default()),
                Out::text(m.joined.as_ref().map(|d| d.value.iso()).unwrap_or_default()),
                Out::text(m.category.as_ref().map_or("", |c| c.value.label())),
                Out::text(m.role.value.label()),
                Out::text(special.join("、")),
                Out::text(m.group.as_ref().map_or("", |g| g.value.as_str())),
                Out::text(
                    m.id_number
                        .as_ref()
                        .map(|v| id_shown(&v.value, pii))
                        .unwrap_or_default(),
                ),
                Out::text(
                    m.phone
                        .as_ref()
                        .map(|v| phone_shown(&v.value, pii))
                        .unwrap_or_default(),
                ),
            ]
        });
    table(ws, 0, &headers, rows, 30, pii)?;
    Ok(())
}
