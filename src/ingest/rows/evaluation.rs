//! 民主评议 rows (SPEC §7): a member's grade, written in the campaign's own grades.

use super::{Row, SheetCtx};
use crate::finding::Code;
use crate::model::spelling;
use crate::model::{Appraisal, Text, Val};

pub(super) fn appraisal(row: &mut Row, cx: &mut SheetCtx) -> Option<Appraisal> {
    let fp = row.fingerprint();
    let name = row.required_name(cx, "姓名");
    let category = row.vocab(
        cx,
        "党员类别",
        spelling::member_category,
        "已按空值处理（按花名册的党员类别判断）",
    );
    let grade = row.text(cx, "评定等次").and_then(|v| {
        let grades = &cx.campaign.evaluation.grades;
        let folded = crate::text::fold_header(&v.value);
        match grades
            .iter()
            .find(|g| crate::text::fold_header(g) == folded)
        {
            Some(g) => Some(Val::new(Text::from(g.as_str()), v.at)),
            None => {
                cx.find(
                    Code::D003,
                    row.subject(),
                    format!(
                        "「评定等次」的“{}”不是本次活动的等次（应为：{}），已按未评定处理；请改正",
                        v.value,
                        grades.join("、")
                    ),
                    v.at.row(),
                    v.at.col(),
                );
                None
            }
        }
    });
    let date = row.date(cx, "评议日期", true, false, true);
    let told = row.date(cx, "告知日期", false, false, true);
    let handling = row.free_text(cx, "处理情况");
    let votes = ["优秀票", "合格票", "基本合格票", "不合格票"].map(|field| row.count(cx, field));
    let (name, date) = (name?, date?);
    (!row.rejected).then_some(Appraisal {
        name,
        category,
        grade,
        date,
        told,
        handling,
        votes,
        fp,
    })
}
