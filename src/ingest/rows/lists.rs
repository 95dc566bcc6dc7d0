//! The three lists: 查摆问题 (problems found), 整改项目 (rectifications, with the 整改时限
//! deadline) and 落实结果 (results, where 已完成 needs its date).

use super::{EARLIEST_DATE, Row, SheetCtx};
use crate::finding::Code;
use crate::ingest::cell::Cell;
use crate::ingest::dates::{self, DateNote};
use crate::model::spelling;
use crate::model::{
    Deadline, Precision, Problem, RectResult, Rectification, ResultStatus, Text, Val,
};
use crate::text::{clean_value, split_values};

pub(super) fn problem(row: &mut Row, cx: &mut SheetCtx) -> Option<Problem> {
    let fp = row.fingerprint();
    let id = row.required_text(cx, "编号");
    let owner = row.required_name(cx, "责任主体");
    let category = row.free_text(cx, "问题类别");
    let description = row.required_free_text(cx, "问题描述");
    let date = row.date(cx, "查摆日期", true, false, true);
    let (id, owner, description, date) = (id?, owner?, description?, date?);
    (!row.rejected).then_some(Problem {
        id,
        owner,
        category,
        description,
        date,
        fp,
    })
}

pub(super) fn rectification(row: &mut Row, cx: &mut SheetCtx) -> Option<Rectification> {
    let fp = row.fingerprint();
    let id = row.required_text(cx, "编号");
    let problem_ids = row.required_text(cx, "问题编号").map(|v| {
        let ids = split_values(&v.value).into_iter().map(Text::from).collect();
        Val::new(ids, v.at)
    });
    let item = row.required_free_text(cx, "整改事项");
    let measure = row.required_free_text(cx, "整改措施");
    let owner = row.required_name(cx, "责任人");
    let deadline = deadline(row, cx);
    let (id, problem_ids, item, measure, owner, deadline) =
        (id?, problem_ids?, item?, measure?, owner?, deadline?);
    (!row.rejected).then_some(Rectification {
        id,
        problem_ids,
        item,
        measure,
        owner,
        deadline,
        fp,
    })
}

/// 整改时限: a date, `X月底前`, 立行立改 or 长期坚持.
fn deadline(row: &mut Row, cx: &mut SheetCtx) -> Option<Val<Deadline>> {
    let field = "整改时限";
    let Some((cell, col)) = row.cell(field) else {
        row.missing(cx, field, field);
        return None;
    };
    let number = |n: f64| {
        dates::parse_date_number(n, cx.is_1904, cx.year)
            .filter(|p| p.value.precision == Precision::Day && p.value.date >= EARLIEST_DATE)
            .map(|p| (Deadline::Date(p.value.date), p.note))
    };
    let parsed = match cell {
        Cell::Date(d) => Some((Deadline::Date(*d), None)),
        Cell::Number(n) => number(*n),
        other => {
            let Some(t) = clean_value(&other.display()) else {
                row.missing(cx, field, field);
                return None;
            };
            // A whole number as text (a CSV's 45565 or 20240930) reads as the number it
            // shows, as in every other date column.
            let whole = t.bytes().all(|b| b.is_ascii_digit());
            whole
                .then(|| t.parse::<f64>().ok().and_then(number))
                .flatten()
                .or_else(|| dates::parse_deadline_text(&t, cx.year))
        }
    };
    let Some((d, note)) = parsed else {
        row.rejected = true;
        cx.find(Code::D002, row.subject(), format!("「整改时限」的“{}”无法识别，本行未读入；请写具体日期、“X月底前”、“立行立改”或“长期坚持”", cell.display()), row.row, col);
        return None;
    };
    let mut d = d;
    if note == Some(DateNote::YearAssumed) {
        if let Deadline::Date(read) = d {
            d = Deadline::Date(cx.campaign.place_yearless(read));
        }
        let year = match d {
            Deadline::Date(placed) => placed.format("%Y").to_string(),
            _ => cx.year.to_string(),
        };
        cx.find(
            Code::D003,
            row.subject(),
            format!(
                "「整改时限」的“{}”没有写年份，已按{year}年计；请补全年份",
                cell.display()
            ),
            row.row,
            col,
        );
    }
    Some(Val::new(d, cx.prov(row.row, col)))
}

pub(super) fn result(row: &mut Row, cx: &mut SheetCtx) -> Option<RectResult> {
    let fp = row.fingerprint();
    let rect_id = row.required_text(cx, "整改编号");
    let status = row.required_text(cx, "完成情况").map(|v| match spelling::result_status(&v.value) {
        Some(s) => Val::new(s, v.at),
        None => {
            cx.find(
                Code::D003,
                row.subject(),
                format!("「完成情况」的“{}”不在规定范围内（应为：{}），已按“未完成”处理；请改为其中之一", v.value, row.allowed("完成情况")),
                v.at.row(),
                v.at.col(),
            );
            Val::new(ResultStatus::NotDone, v.at)
        }
    });
    // 已完成 needs its date (SPEC §6): missing, D001; unreadable, D002; either rejects the row.
    let finished = status
        .as_ref()
        .is_some_and(|s| s.value == ResultStatus::Done);
    let blank = row
        .cell("完成日期")
        .is_none_or(|(c, _)| clean_value(&c.display()).is_none());
    let done = if finished && blank {
        row.rejected = true;
        let col = row
            .header
            .col("完成日期")
            .or(status.as_ref().map(|s| s.at.col()))
            .unwrap_or(0);
        cx.find(
            Code::D001,
            row.subject(),
            "「完成情况」为已完成，但「完成日期」未填写，本行未读入；请补填完成日期".to_string(),
            row.row,
            col,
        );
        None
    } else {
        row.date(cx, "完成日期", finished, false, true)
    };
    let publicised = row.vocab(cx, "是否公示", spelling::yes_no, "已按空值处理");
    let (rect_id, status) = (rect_id?, status?);
    (!row.rejected).then_some(RectResult {
        rect_id,
        status,
        done,
        publicised,
        fp,
    })
}
