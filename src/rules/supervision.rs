//! V rules: every branch's 支委会 or 党员大会 supervised as the notice demands (V001, V002),
//! every 镇党委班子成员 supervising and commenting (V003, V004), cadres at their own branch's
//! 党员大会 (V005), and every supervisor's rank known (V006).

use foldhash::{HashSet, HashSetExt};

use super::{BranchView, Ctx};
use crate::campaign::StepKind;
use crate::finding::{Code, Finding, Location, TOWNSHIP};
use crate::model::SheetKind;
use crate::model::branch_name::Matcher;
use crate::model::{Meeting, MeetingKind, Rank};

fn supervised(m: &Meeting) -> bool {
    matches!(
        m.kind.value,
        MeetingKind::Committee | MeetingKind::General | MeetingKind::Group
    )
}

/// The supervisors of a meeting with their rank: the meeting's 督导人员职级 when readable,
/// else the register's.
pub fn supervisors_of<'m>(cx: &Ctx, m: &'m Meeting) -> Vec<(&'m str, Option<Rank>)> {
    let Some(names) = &m.supervisors else {
        return Vec::new();
    };
    names
        .value
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let written = m
                .supervisor_ranks
                .as_ref()
                .and_then(|r| r.value.get(i).copied().flatten());
            let registered = cx.leader(n).and_then(|l| l.rank.as_ref().map(|r| r.value));
            (n, written.or(registered))
        })
        .collect()
}

pub fn supervision(cx: &Ctx, out: &mut Vec<Finding>) {
    if !cx.due_step(StepKind::General) {
        return;
    }
    let mut named: HashSet<String> = HashSet::new();
    for b in &cx.branches {
        if !b.present(SheetKind::Meetings) {
            continue; // nothing can be judged (S004/S005 says why)
        }
        let meetings: Vec<&Meeting> = b
            .meetings
            .iter()
            .copied()
            .filter(|m| supervised(m))
            .collect();
        let key: Vec<&Meeting> = meetings
            .iter()
            .copied()
            .filter(|m| cx.key_meeting(m.kind.value))
            .collect();
        // Where to look: the 督导人员 cell of the first 支委会 or 党员大会, when there is one.
        let at = key
            .first()
            .map_or_else(Location::default, |m| cx.field_at(m.kind.at, "督导人员"));
        match b.category {
            Some(c) if cx.campaign.supervision.rank_categories.contains(&c) => {
                let ok = key.iter().any(|m| {
                    supervisors_of(cx, m)
                        .iter()
                        .any(|(_, r)| r.is_some_and(|r| r >= cx.min_rank))
                });
                if !ok {
                    let mut seen: Vec<String> = Vec::new();
                    for (n, r) in key.iter().flat_map(|m| supervisors_of(cx, m)) {
                        let who = format!("{n}（{}）", r.map_or("职级不明", |r| r.label()));
                        if !seen.contains(&who) {
                            seen.push(who);
                        }
                    }
                    let found = if key.is_empty() {
                        "活动期间没有支委会、党员大会的记录".to_string()
                    } else if seen.is_empty() {
                        "支委会、党员大会都没有填写督导人员".to_string()
                    } else {
                        format!("支委会、党员大会的督导人员只有{}", seen.join("、"))
                    };
                    out.push(Finding::new(
                        Code::V001,
                        b.name(),
                        "督导",
                        format!(
                            "{}支部的组织生活会要有{}以上党员干部到会指导，但{found}；请在会议记录“督导人员”“督导人员职级”栏如实填写，确无符合要求的督导请报镇党委安排",
                            b.category.map_or("", |c| c.label()),
                            cx.min_rank.label()
                        ),
                        at,
                    ));
                }
            }
            Some(_) => {
                let ok = key.iter().any(|m| {
                    let sent = m.sent_by.is_some();
                    supervisors_of(cx, m)
                        .iter()
                        .any(|(n, _)| sent || cx.leader(n).is_some())
                });
                if !ok {
                    out.push(Finding::new(
                        Code::V002,
                        b.name(),
                        "督导",
                        "支委会、党员大会都没有上级党组织派员指导的记录（督导人员不在督导人员名单中，也没有填写派出单位）；请在会议记录中填写督导人员及其派出单位".to_string(),
                        at,
                    ));
                }
            }
            None => {}
        }
        let mut unknown: HashSet<&str> = HashSet::new();
        for m in &meetings {
            for (n, rank) in supervisors_of(cx, m) {
                named.insert(n.to_string());
                let leader = cx.leader(n);
                if leader.is_some_and(|l| l.town_committee)
                    && m.commented.as_ref().is_none_or(|c| !c.value)
                {
                    out.push(Finding::new(
                        Code::V004,
                        b.name(),
                        n.to_string(),
                        format!(
                            "镇党委班子成员{n}参加了{}的{}，但“是否点评”不是“是”；班子成员参加支部组织生活会要进行点评，请核实并补填",
                            m.date.value.date.format("%-m月%-d日"),
                            m.kind.value.label()
                        ),
                        cx.field_at(m.kind.at, "是否点评"),
                    ));
                }
                if rank.is_none() && leader.is_none() && unknown.insert(n) {
                    out.push(Finding::new(
                        Code::V006,
                        b.name(),
                        n.to_string(),
                        format!("督导人员{n}不在督导人员名单中，会议记录也没有填写其职级，无法判断是否达到督导要求；请补填“督导人员职级”，或由镇里把其补入督导人员名单"),
                        cx.field_at(m.kind.at, "督导人员"),
                    ));
                }
            }
        }
    }
    let each = cx.campaign.supervision.committee_each;
    for l in cx
        .model
        .register
        .leaders
        .iter()
        .filter(|l| each && l.town_committee)
    {
        if !named.contains(l.name.value.as_str()) {
            out.push(Finding::new(
                Code::V003,
                TOWNSHIP,
                l.name.value.clone(),
                format!("镇党委班子成员{}没有参加任何支部的支委会、党员大会或党小组会（会议记录的“督导人员”中没有其名字）；每名班子成员要参加 1 个以上支部的专题组织生活会并点评", l.name.value),
                cx.at(l.name.at),
            ));
        }
    }
    cadres_at_home(cx, out);
}

/// V005: a cadre with a 所在支部 takes part in that branch's first 党员大会 as an ordinary
/// member; judged only where 参会人员 was recorded.
fn cadres_at_home(cx: &Ctx, out: &mut Vec<Finding>) {
    let names: Vec<&str> = cx
        .model
        .register
        .branches
        .iter()
        .map(|b| b.name.value.as_str())
        .collect();
    let matcher = Matcher::new(names.iter().copied(), cx.campaign.township());
    for l in &cx.model.register.leaders {
        let Some(home) = &l.home_branch else { continue };
        let Some(reg) = matcher.find(&home.value) else {
            continue;
        };
        let Some(b) = cx.branches.iter().find(|b| b.b.reg == Some(reg)) else {
            continue;
        };
        let Some(m) = b.first_meeting(MeetingKind::General) else {
            continue;
        };
        let Some(att) = &m.attendees else { continue };
        if !att.value.contains(&l.name.value) {
            out.push(cadre_absent(cx, b, l.name.value.as_str(), m, att.at));
        }
    }
}

fn cadre_absent(
    cx: &Ctx,
    b: &BranchView,
    name: &str,
    m: &Meeting,
    at: crate::model::Prov,
) -> Finding {
    Finding::new(
        Code::V005,
        b.name(),
        name.to_string(),
        format!(
            "{name}的所在支部是本支部，但{}党员大会的参会人员中没有其名字；党员领导干部要以普通党员身份参加所在支部的专题组织生活会，请核实（如已参加请补记参会人员）",
            m.date.value.date.format("%-m月%-d日")
        ),
        cx.at(at),
    )
}
