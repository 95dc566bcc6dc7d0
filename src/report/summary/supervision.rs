//! 督导覆盖, supervision coverage: branches × supervisors, what each supervised and whether
//! they commented, with how many branches each supervisor covered.

use crate::report::mask::Pii;
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::analysis::Analysis;
use crate::report::xlsx_style::{Out, Tone, table, tone, total};
use crate::rules::overview::Returned;

/// 督导覆盖: branches × supervisors, what each supervised and whether they commented.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("督导覆盖")?;
    let sups = &a.overview.supervisors;
    let names: Vec<String> = sups
        .iter()
        .map(|s| {
            let mut h = s.name.clone();
            if !s.rank.is_empty() {
                h.push_str(&format!("\n{}", s.rank));
            }
            if s.town_committee {
                h.push_str("\n班子成员");
            }
            h
        })
        .collect();
    let mut headers: Vec<&str> = vec!["支部", "类别", "督导是否符合要求"];
    headers.extend(names.iter().map(String::as_str));
    let mut rows = Vec::new();
    for b in a
        .overview
        .branches
        .iter()
        .filter(|b| b.returned == Returned::Yes)
    {
        let mut row = vec![
            Out::text(&b.name),
            Out::text(b.category.map_or("", |c| c.label())),
            match b.supervision_ok {
                Some(true) => Out::toned("符合", Tone::Good),
                Some(false) => Out::toned("不符合", Tone::Bad),
                None => Out::toned("未到期或无法判断", Tone::Grey),
            },
        ];
        for s in sups {
            row.push(match s.visits.get(&b.name) {
                None => Out::Empty,
                Some(v) => {
                    let all_commented = v.iter().all(|(_, c)| *c);
                    let mut text: Vec<String> = Vec::new();
                    for (k, c) in v {
                        let t = if *c {
                            format!("{}（点评）", k.label())
                        } else {
                            format!("{}（未点评）", k.label())
                        };
                        if !text.contains(&t) {
                            text.push(t);
                        }
                    }
                    Out::toned(
                        text.join("、"),
                        if all_commented {
                            Tone::Good
                        } else {
                            Tone::Neutral
                        },
                    )
                }
            });
        }
        rows.push(row);
    }
    let end = table(ws, 0, &headers, rows, 28, pii)?;
    ws.set_row_height(0, 45)?;
    let tf = total();
    ws.write_string_with_format(end, 0, "督导支部数", &tf)?;
    ws.write_string_with_format(end, 1, "", &tf)?;
    ws.write_string_with_format(end, 2, "", &tf)?;
    for (j, s) in sups.iter().enumerate() {
        let n = s.visits.len();
        let f = if n == 0 && s.town_committee {
            tone(Tone::Bad)
        } else {
            total()
        };
        ws.write_number_with_format(end, 3 + j as u16, n as f64, &f)?;
    }
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}
