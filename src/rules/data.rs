//! D rules that need the whole model: names repeated in a roster (D004) or across branches
//! (D005), 编号 that refer to nothing (D009), roster size against the register (D010), and
//! names nobody knows (D011).

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::Ctx;
use crate::finding::{Code, Finding, Location};
use crate::model::SheetKind;
use crate::model::{Member, Prov};
use crate::text::fold_name;

/// D004: the same name twice in one roster, one finding per repeated row.
/// S008: a column some rules need is absent from every sheet of its kind a branch sent.
pub fn needed_columns(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        for lack in &b.lacking {
            let (file, sheet) = lack.sheet;
            let f = &cx.model.files[file as usize];
            let sheet_name = f.sheets.get(sheet as usize).map_or("", |s| s.name.as_str());
            let rules: Vec<String> = lack
                .column
                .needed_by
                .iter()
                .map(|c| format!("{}（{}）", c.as_str(), c.title()))
                .collect();
            let flags = if lack.column.flags.is_empty() {
                String::new()
            } else {
                let names: Vec<&str> = lack.column.flags.iter().map(|(h, _)| *h).collect();
                format!("（也没有“{}”这类是/否列）", names.join("”“"))
            };
            out.push(Finding::new(
                Code::S008,
                b.name(),
                lack.column.name,
                format!(
                    "{}没有「{}」列{flags}，以下检查无法判断、未做：{}；请在该表补上「{}」列后重新报送",
                    lack.kind.label(),
                    lack.column.name,
                    rules.join("、"),
                    lack.column.name
                ),
                Location::sheet(&f.path, sheet_name),
            ));
        }
    }
}

pub fn duplicate_names(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        let mut first: HashMap<&str, &Member> = HashMap::new();
        for m in &b.b.roster {
            match first.get(m.name.value.as_str()) {
                Some(f) => {
                    let at = cx.at(f.name.at);
                    out.push(Finding::new(
                        Code::D004,
                        b.name(),
                        m.name.value.clone(),
                        format!("花名册中“{}”出现了两次（另见{} {}）；如是同一人请删除重复行，如是同名的两个人请在姓名后加以区分并核对身份证号", m.name.value, at.sheet, at.cell_a1()),
                        cx.at(m.name.at),
                    ));
                }
                None => {
                    first.insert(&m.name.value, m);
                }
            }
        }
    }
}

/// D005: the same person on two branches' rosters; one finding on each branch.
pub fn same_person_in_two_branches(cx: &Ctx, out: &mut Vec<Finding>) {
    let mut reported: HashSet<(u32, u32, &str)> = HashSet::new();
    let mut pairs: Vec<(u32, &Member, u32, &Member)> = Vec::new();
    // A person is a valid ID, else name and birth date (same precision). The two keys are
    // grouped one after the other: a prefecture has half a million members, and holding both
    // lists at once was the largest allocation of the rules.
    let by_id = keyed(cx, |m| {
        m.id_number
            .as_ref()
            .filter(|_| m.id_valid)
            .map(|id| id.value.as_str())
    });
    pair_up(&by_id, false, &mut reported, &mut pairs);
    drop(by_id);
    let by_name_birth = keyed(cx, |m| {
        m.birth.as_ref().map(|d| (m.name.value.as_str(), d.value))
    });
    pair_up(&by_name_birth, true, &mut reported, &mut pairs);
    pairs.sort_by_key(|(b1, m, b2, _)| (*b1, m.name.at, *b2));
    for (b1, m, b2, theirs) in pairs {
        let other = cx.branches[b2 as usize].name();
        out.push(Finding::new(
            Code::D005,
            cx.branches[b1 as usize].name(),
            m.name.value.clone(),
            format!("{}也在“{other}”的花名册中（身份证号或姓名、出生日期相同；对方登记为“{}”{}）；一名党员只能在一个支部，请两个支部核实其组织关系所在支部", m.name.value, theirs.name.value, their_id(theirs)),
            cx.at(m.name.at),
        ));
    }
}

/// The other branch's 身份证号 as D005 quotes it: another branch's data, masked in every output
/// (the feedback workbook too, see `Code::quotes_other_branch`).
fn their_id(m: &Member) -> String {
    m.id_number
        .as_ref()
        .map(|id| format!("，身份证号“{}”", id.value))
        .unwrap_or_default()
}

/// (person, branch index, member) for every member `key` knows, sorted so that each person's
/// entries sit together (a map of lists cost a list per member).
fn keyed<'a, K: Ord>(
    cx: &Ctx<'a>,
    key: impl Fn(&'a Member) -> Option<K>,
) -> Vec<(K, u32, &'a Member)> {
    let mut seen = Vec::with_capacity(cx.branches.iter().map(|b| b.members.len()).sum());
    for (bi, b) in cx.branches.iter().enumerate() {
        seen.extend(
            b.members
                .iter()
                .filter_map(|m| key(m).map(|k| (k, bi as u32, *m))),
        );
    }
    seen.sort_unstable_by(|a, b| (&a.0, a.1, a.2.name.at).cmp(&(&b.0, b.1, b.2.name.at)));
    seen
}

/// Each pair of branches a person is on, once per (branch, other branch, name).
fn pair_up<'a, K: Eq>(
    seen: &[(K, u32, &'a Member)],
    name_birth: bool,
    reported: &mut HashSet<(u32, u32, &'a str)>,
    pairs: &mut Vec<(u32, &'a Member, u32, &'a Member)>,
) {
    for list in seen.chunk_by(|a, b| a.0 == b.0) {
        if list.iter().all(|(_, b, _)| *b == list[0].1) {
            continue;
        }
        for &(_, b1, m1) in list {
            for &(_, b2, m2) in list {
                if b1 == b2 {
                    continue;
                }
                // Name and birth date only stand in where either lacks a valid ID.
                if name_birth && m1.id_valid && m2.id_valid {
                    continue;
                }
                if reported.insert((b1, b2, m1.name.value.as_str())) {
                    pairs.push((b1, m1, b2, m2));
                }
            }
        }
    }
}

/// D009: a 问题编号 naming no problem, or a 整改编号 naming no rectification item. Records
/// dated after `--as-of` still count as targets.
pub fn dangling_references(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        if b.present(SheetKind::Problems) && b.present(SheetKind::Rectifications) {
            let ids: HashSet<String> =
                b.b.problems
                    .iter()
                    .map(|p| fold_name(&p.id.value))
                    .collect();
            for r in &b.b.rectifications {
                for pid in &r.problem_ids.value {
                    if !ids.contains(&fold_name(pid)) {
                        out.push(Finding::new(
                            Code::D009,
                            b.name(),
                            r.id.value.clone(),
                            format!(
                                "整改事项“{}”的问题编号“{pid}”在查摆问题清单中找不到；请核对编号",
                                r.id.value
                            ),
                            cx.at(r.problem_ids.at),
                        ));
                    }
                }
            }
        }
        if b.present(SheetKind::Rectifications) && b.present(SheetKind::Results) {
            let ids: HashSet<String> =
                b.b.rectifications
                    .iter()
                    .map(|r| fold_name(&r.id.value))
                    .collect();
            for r in &b.b.results {
                if !ids.contains(&fold_name(&r.rect_id.value)) {
                    out.push(Finding::new(
                        Code::D009,
                        b.name(),
                        r.rect_id.value.clone(),
                        format!(
                            "落实结果的整改编号“{}”在整改项目清单中找不到；请核对编号",
                            r.rect_id.value
                        ),
                        cx.at(r.rect_id.at),
                    ));
                }
            }
        }
    }
}

/// D010: the roster's size (a person counted once) against the register's 党员人数.
pub fn member_count(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        let (Some(reg), true) = (b.reg, b.present(SheetKind::Roster)) else {
            continue;
        };
        let Some(count) = &reg.member_count else {
            continue;
        };
        let n = b.members.len() as u32;
        if n != count.value {
            out.push(Finding::new(
                Code::D010,
                b.name(),
                "党员人数",
                format!("花名册有 {n} 人，支部名册登记的党员人数是 {} 人；请核对花名册是否漏报或多报，或请镇里更新名册", count.value),
                cx.at(count.at),
            ));
        }
    }
}

/// Names not found, each with where it first appeared and how often.
#[derive(Default)]
struct Strangers<'a> {
    order: Vec<&'a str>,
    seen: HashMap<&'a str, (Prov, &'static str, usize)>,
}

impl<'a> Strangers<'a> {
    fn see(&mut self, name: &'a str, at: Prov, sheet: &'static str) {
        let order = &mut self.order;
        let e = self.seen.entry(name).or_insert_with(|| {
            order.push(name);
            (at, sheet, 0)
        });
        e.2 += 1;
    }
}

/// D011: a name in talks or meetings that is on neither the branch's roster nor the register.
/// One finding per name and branch, at its first appearance; talk partners of 群众/服务对象
/// talks are not expected on any roster.
pub fn unknown_names(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        if !b.present(SheetKind::Roster) {
            continue;
        }
        let roster: HashSet<&str> = b.members.iter().map(|m| m.name.value.as_str()).collect();
        let known = |n: &str| roster.contains(n) || cx.leader(n).is_some();
        let mut s = Strangers::default();
        for t in &b.talks {
            if !known(&t.talker.value) {
                s.see(&t.talker.value, t.talker.at, "谈心谈话记录");
            }
            if t.target.as_ref().is_some_and(|c| c.value.is_public()) {
                continue;
            }
            for n in t.partners.value.iter().filter(|n| !known(n)) {
                s.see(n, t.partners.at, "谈心谈话记录");
            }
        }
        for m in &b.meetings {
            if let Some(h) = m.host.as_ref().filter(|h| !known(&h.value)) {
                s.see(&h.value, h.at, "会议记录");
            }
            if let Some(a) = &m.attendees {
                for n in a.value.iter().filter(|n| !known(n)) {
                    s.see(n, a.at, "会议记录");
                }
            }
        }
        for n in s.order {
            let (at, sheet, count) = s.seen[n];
            let times = if count > 1 {
                format!("（共出现 {count} 次）")
            } else {
                String::new()
            };
            out.push(Finding::new(
                Code::D011,
                b.name(),
                n.to_string(),
                format!("{sheet}中的“{n}”{times}既不在本支部花名册中，也不在督导人员名单中；如是笔误请改正，如是外单位人员可不处理"),
                cx.at(at),
            ));
        }
    }
}
