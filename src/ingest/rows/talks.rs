//! 谈心谈话记录 rows: one talk a row, with its talker, partners, target group and mode.
//! A talk without a date, talker or partner is rejected.

use super::{Row, SheetCtx};
use crate::model::Talk;
use crate::model::spelling;

pub(super) fn talk(row: &mut Row, cx: &mut SheetCtx) -> Option<Talk> {
    let fp = row.fingerprint();
    let date = row.date(cx, "谈话日期", true, false, true);
    let talker = row.required_name(cx, "谈话人");
    let partners = row.names(cx, "谈话对象");
    if partners.is_none() {
        row.missing(cx, "谈话对象", "谈话对象");
    }
    let target = row.vocab(cx, "对象类别", spelling::talk_target, "已按空值处理");
    let mode = row.vocab(cx, "谈话方式", spelling::talk_mode, "已按空值处理");
    let content = row.free_text(cx, "主要内容");
    let (date, talker, partners) = (date?, talker?, partners?);
    (!row.rejected).then_some(Talk {
        date,
        talker,
        partners,
        target,
        mode,
        content,
        fp,
    })
}
