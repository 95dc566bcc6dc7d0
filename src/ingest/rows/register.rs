//! The register's rows: 支部名册 (one branch a row, with its category and committee) and
//! 督导人员 (the supervisors, with their rank).

use super::{Row, SheetCtx};
use crate::finding::Code;
use crate::model::spelling;
use crate::model::{Leader, RegBranch, Val};

pub(super) fn reg_branch(row: &mut Row, cx: &mut SheetCtx) -> Option<RegBranch> {
    let name = row.required_text(cx, "支部名称");
    let category_text = row.required_text(cx, "支部类别");
    let category = category_text.and_then(|v| match spelling::category(&v.value) {
        Some(c) => Some(Val::new(c, v.at)),
        None => {
            cx.find(Code::D003, row.subject(), format!("「支部类别」的“{}”不在规定范围内（应为：{}），该支部的督导要求无法判断；请改为其中之一", v.value, row.allowed("支部类别")), v.at.row(), v.at.col());
            None
        }
    });
    let has_committee = row
        .vocab(cx, "设支委会", spelling::yes_no, "已按“是”处理")
        .is_none_or(|v| v.value);
    let secretary = row.name(cx, "书记");
    let member_count = row.count(cx, "党员人数");
    let phone = row.text(cx, "联系电话");
    let name = name?;
    let key = String::new();
    (!row.rejected).then_some(RegBranch {
        name,
        key,
        category,
        has_committee,
        secretary,
        member_count,
        phone,
    })
}

pub(super) fn leader(row: &mut Row, cx: &mut SheetCtx) -> Option<Leader> {
    let name = row.required_name(cx, "姓名");
    let title = row.text(cx, "职务");
    let rank_text = row.required_text(cx, "职级");
    let rank = rank_text.and_then(|v| match spelling::rank(&v.value) {
        Some(r) => Some(Val::new(r, v.at)),
        None => {
            cx.find(Code::D003, row.subject(), format!("「职级」的“{}”不在职级序列中（办事员、科员、副科级、正科级、副处级、正处级、副厅级、正厅级或对应职级），无法判断是否达到督导要求；请改为规范职级", v.value), v.at.row(), v.at.col());
            None
        }
    });
    let town_committee = row
        .vocab(cx, "镇党委班子成员", spelling::yes_no, "已按“否”处理")
        .is_some_and(|v| v.value);
    let home_branch = row.text(cx, "所在支部");
    let name = name?;
    (!row.rejected).then_some(Leader {
        name,
        title,
        rank,
        town_committee,
        home_branch,
    })
}
