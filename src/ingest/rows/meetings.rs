//! 会议记录 rows: a row naming several meeting types becomes one meeting per type, each
//! with the row's cells.

use super::{Row, SheetCtx};
use crate::finding::Code;
use crate::model::schema::spec;
use crate::model::spelling;
use crate::model::{Meeting, MeetingKind, Val};
use crate::text::split_values;

/// A row may name several types (`党员大会、党课`): one meeting per type, same cells.
pub(super) fn meetings(row: &mut Row, cx: &mut SheetCtx) -> Option<Vec<Meeting>> {
    let fp = row.fingerprint();
    let kind_text = row.required_text(cx, "会议类型");
    let date = row.date(cx, "会议日期", true, false, true);
    let expected = row.count(cx, "应到人数");
    let present = row.count(cx, "实到人数");
    let host = row.name(cx, "主持人");
    let attendees = row.names(cx, "参会人员");
    let content = row.free_text(cx, "学习内容");
    let supervisors = row.names(cx, "督导人员");
    let supervisor_ranks = row.text(cx, "督导人员职级").map(|v| {
        let ranks = split_values(&v.value)
            .iter()
            .map(|piece| {
                let r = spelling::rank(piece);
                if r.is_none() {
                    cx.find(Code::D003, row.subject(), format!("「督导人员职级」的“{piece}”不在职级序列中，无法判断督导人员职级；请改为规范职级（如“副科级”“四级主任科员”）"), v.at.row(), v.at.col());
                }
                r
            })
            .collect();
        Val::new(ranks, v.at)
    });
    let sent_by = row.text(cx, "派出单位");
    let commented = row.vocab(cx, "是否点评", spelling::commented, "已按“未点评”处理");
    let group = row.name(cx, "党小组");
    let kind_text = kind_text?;
    let date = date?;
    let mut kinds = Vec::new();
    for piece in split_values(&kind_text.value) {
        match campaign_alias(cx, &piece).or_else(|| spelling::meeting_kind(&piece)) {
            Some(k) if !kinds.contains(&k) => kinds.push(k),
            Some(_) => {}
            None => {
                let hint = if piece.contains("民主生活会") {
                    "民主生活会是领导班子的会议，支部应填“党员大会”或“支委会”"
                } else {
                    "如是专题组织生活会，请注明召开的是“支委会”还是“党员大会”"
                };
                let field = type_column(row);
                cx.find(
                    Code::D003,
                    row.subject(),
                    format!(
                        "{field}的“{piece}”不在规定范围内（应为：{}），本条不计入任何环节；{hint}",
                        row.allowed("会议类型")
                    ),
                    kind_text.at.row(),
                    kind_text.at.col(),
                );
                if !kinds.contains(&MeetingKind::Other) {
                    kinds.push(MeetingKind::Other);
                }
            }
        }
    }
    if kinds.is_empty() {
        kinds.push(MeetingKind::Other);
    }
    if row.rejected {
        return None;
    }
    Some(
        kinds
            .into_iter()
            .map(|k| Meeting {
                kind: Val::new(k, kind_text.at),
                date: date.clone(),
                expected: expected.clone(),
                present: present.clone(),
                host: host.clone(),
                attendees: attendees.clone(),
                content: content.clone(),
                supervisors: supervisors.clone(),
                supervisor_ranks: supervisor_ranks.clone(),
                sent_by: sent_by.clone(),
                commented: commented.clone(),
                group: group.clone(),
                fp,
            })
            .collect(),
    )
}

/// How a D003 names the type's column: 「会议类型」, or the column it was taken from when the
/// sheet has none of that name (`「会议类型」（取自“活动名称”列）`).
fn type_column(row: &Row) -> String {
    let i = spec(row.header.kind)
        .columns
        .iter()
        .position(|c| c.name == "会议类型");
    match i.and_then(|i| row.header.texts[i].as_deref()) {
        Some(t) if t != "会议类型" => format!("「会议类型」（取自“{t}”列）"),
        _ => "「会议类型」".to_string(),
    }
}

/// A type the campaign adds (`[meeting_aliases]`, e.g. 组织生活会 = 党员大会): the written
/// type is, or contains, the alias.
fn campaign_alias(cx: &SheetCtx, piece: &str) -> Option<MeetingKind> {
    let aliases = &cx.campaign.meeting_aliases;
    if aliases.is_empty() {
        return None;
    }
    let folded = crate::text::fold_header(piece);
    aliases
        .iter()
        .find(|(written, _)| folded.contains(written.as_str()))
        .map(|(_, kind)| *kind)
}
