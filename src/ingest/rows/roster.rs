//! 党员花名册 rows: one member a row, with the 身份证号 and 联系电话 checks that raise D006
//! and D003 at the cell.

use super::{Row, SheetCtx};
use crate::finding::Code;
use crate::ingest::cell::Cell;
use crate::ingest::idcard::{self, IdStatus};
use crate::model::spelling;
use crate::model::{Member, Role, Seat, Special, Text, Val};
use crate::text::{clean_value, split_values};

pub(super) fn member(row: &mut Row, cx: &mut SheetCtx) -> Option<Member> {
    let fp = row.fingerprint();
    let name = row.required_name(cx, "姓名");
    let gender = row.vocab(cx, "性别", spelling::gender, "已按空值处理");
    let birth = row.date(cx, "出生日期", false, true, true);
    let joined = row.date(cx, "入党日期", false, true, true);
    let category = row.vocab(
        cx,
        "党员类别",
        spelling::member_category,
        "已按空值处理；入党申请人、积极分子、发展对象不应列入党员花名册",
    );
    let role = match row.vocab(cx, "党内职务", spelling::role, "已按“党员”处理") {
        Some(r) => r,
        None => Val::new(
            Role::Member,
            cx.prov(
                row.row,
                row.header
                    .col("党内职务")
                    .or(row.header.col("姓名"))
                    .unwrap_or(0),
            ),
        ),
    };
    let mut special = Vec::new();
    if let Some(v) = row.text(cx, "特殊情况") {
        for piece in split_values(&v.value) {
            match spelling::special(&piece) {
                Some(Some(s)) => special.push(Val::new(s, v.at)),
                Some(None) => {}
                None => cx.find(
                    Code::D003,
                    row.subject(),
                    format!(
                        "「特殊情况」的“{piece}”不在规定范围内（应为：{}），已忽略",
                        row.allowed("特殊情况")
                    ),
                    v.at.row(),
                    v.at.col(),
                ),
            }
        }
    }
    flagged_specials(row, cx, &mut special);
    let group = row.name(cx, "党小组");
    let (id_number, id_valid) = match row.cell("身份证号") {
        None => (None, false),
        Some((cell, col)) => {
            let (text, status) = match cell {
                Cell::Number(n) => idcard::id_from_number(*n),
                other => {
                    let t = idcard::normalize_id(&other.display());
                    let s = idcard::check_id(&t);
                    (t, s)
                }
            };
            if text.is_empty() || clean_value(&text).is_none() {
                (None, false)
            } else {
                if status != IdStatus::Valid {
                    let why = match status {
                        IdStatus::DigitsLost => "以数字形式保存，后几位已被 Excel 丢失，无法恢复；请把该列设为“文本”格式后重新录入".to_string(),
                        IdStatus::BadChecksum => "校验位不正确，可能有数字录错；请对照身份证核对".to_string(),
                        IdStatus::BadBirthDate => "其中的出生日期不存在；请对照身份证核对".to_string(),
                        IdStatus::BadLength => "位数不对（应为18位）；请对照身份证核对".to_string(),
                        _ => "含有不应出现的字符；请对照身份证核对".to_string(),
                    };
                    cx.find(
                        Code::D006,
                        row.subject(),
                        format!("身份证号“{text}”{why}"),
                        row.row,
                        col,
                    );
                }
                (
                    Some(Val::new(Text::from(text), cx.prov(row.row, col))),
                    status == IdStatus::Valid,
                )
            }
        }
    };
    let phone = phone(row, cx);
    let name = name?;
    (!row.rejected).then_some(Member {
        name,
        gender,
        birth,
        joined,
        category,
        role,
        special,
        group,
        id_number,
        id_valid,
        phone,
        fp,
    })
}

fn phone(row: &mut Row, cx: &mut SheetCtx) -> Option<Val<Text>> {
    let (cell, col) = row.cell("联系电话")?;
    let text = match cell {
        Cell::Number(n) => idcard::phone_from_number(*n),
        other => idcard::normalize_phone(&clean_value(&other.display())?),
    };
    if !idcard::phone_ok(&text) {
        cx.find(
            Code::D003,
            row.subject(),
            format!("「联系电话」“{text}”不是有效的手机号或固定电话，请核对"),
            row.row,
            col,
        );
    }
    Some(Val::new(Text::from(text), cx.prov(row.row, col)))
}

/// 是/否 columns such as 是否流动党员 (real systems' exports carry them instead of a
/// 特殊情况 column): a 是 adds its label.
fn flagged_specials(row: &mut Row, cx: &mut SheetCtx, special: &mut Vec<Val<Special>>) {
    let header = row.header;
    for &(col, _, label) in &header.flags {
        let Some(cell) = row.cells.get(col) else {
            continue;
        };
        let shown = cell.display();
        let Some(text) = clean_value(&shown) else {
            continue;
        };
        let at = cx.prov(row.row, col);
        match spelling::yes_no(&text) {
            Some(true) => {
                if let Some(Some(s)) = spelling::special(label)
                    && !special.iter().any(|v| v.value == s)
                {
                    special.push(Val::new(s, at));
                }
            }
            Some(false) => {}
            None => cx.find(
                Code::D003,
                row.subject(),
                format!("「{label}」一列的“{text}”应为“是”或“否”，已按“否”处理；请改正"),
                row.row,
                col,
            ),
        }
    }
}

/// 委员分工 row. A post that is none of the committee's (`党员`, `主任`) is D003 and gives no
/// post: the row is kept, as D003 rows are (SPEC §6).
pub(super) fn seat(row: &mut Row, cx: &mut SheetCtx) -> Option<Seat> {
    let fp = row.fingerprint();
    let name = row.required_name(cx, "姓名");
    let role = row.required_text(cx, "职务").map(|v| match spelling::role(&v.value) {
        Some(r) if r.is_committee() => Val::new(r, v.at),
        _ => {
            cx.find(
                Code::D003,
                row.subject(),
                format!(
                    "「职务」的“{}”不是支部委员会的职务（应为：书记、副书记、组织委员、宣传委员、纪检委员、青年委员、委员），未计为班子成员；请改正",
                    v.value
                ),
                v.at.row(),
                v.at.col(),
            );
            Val::new(Role::Member, v.at)
        }
    });
    let (name, role) = (name?, role?);
    (!row.rejected).then_some(Seat { name, role, fp })
}
