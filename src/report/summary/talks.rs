//! 谈心谈话覆盖, talk coverage: per branch that returned, how much of the required talking
//! happened (committee in pairs, members with the committee, members away or frail, the masses).

use crate::report::mask::Pii;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::analysis::Analysis;
use crate::report::xlsx_style::{Out, Tone, table};
use crate::rules::overview::Returned;

/// 谈心谈话覆盖: per branch, how much of the required talking happened.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("谈心谈话覆盖")?;
    let headers = [
        "支部",
        "班子成员两两谈话",
        "未谈的班子成员",
        "党员与班子成员谈话",
        "流动困难年老体弱党员谈话",
        "征求群众意见",
    ];
    let ratio = |(d, t): (usize, usize)| {
        Out::toned(
            format!("{d}/{t}"),
            if d == t { Tone::Good } else { Tone::Bad },
        )
    };
    let rows: Vec<Vec<Out>> = a
        .overview
        .branches
        .iter()
        .filter(|b| b.returned == Returned::Yes)
        .map(|b| match &b.talks {
            None => vec![
                Out::text(&b.name),
                Out::toned("缺表", Tone::Bad),
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
            ],
            Some(t) => vec![
                Out::text(&b.name),
                t.pairs.map_or(Out::toned("不适用", Tone::Grey), ratio),
                Out::text(t.missing_pairs.join("；")),
                ratio(t.members),
                ratio(t.special),
                if t.masses {
                    Out::toned("是", Tone::Good)
                } else {
                    Out::toned("否", Tone::Bad)
                },
            ],
        })
        .collect();
    table(ws, 0, &headers, rows, 50, pii)?;
    Ok(())
}
