//! C rules: who talked with whom (C001–C004), the three lists covering every member and the
//! committee (C005–C008), the 党员大会 agenda (C009), party groups (C010), publicity (C011)
//! and the study materials (C012).

use foldhash::HashSet;

use super::{Ctx, TalkIndex, is_committee_as_whole, meeting_of_group, pair};
use crate::campaign::StepKind;
use crate::finding::{Code, Finding, Location};
use crate::model::SheetKind;
use crate::model::{MeetingKind, Member, Role};
use crate::text::fold_name;

fn name_at(cx: &Ctx, m: &Member) -> Location {
    cx.at(m.name.at)
}

/// C001–C004, due after the talks deadline.
pub fn talks(cx: &Ctx, out: &mut Vec<Finding>) {
    if !cx.due_step(StepKind::Talks) {
        return;
    }
    for b in &cx.branches {
        if !b.present(SheetKind::Talks) {
            continue;
        }
        let solicited = b
            .talks
            .iter()
            .any(|t| t.target.as_ref().is_some_and(|c| c.value.is_public()));
        if !solicited {
            out.push(Finding::new(
                Code::C004,
                b.name(),
                "征求意见",
                "谈心谈话记录中没有对象类别为“群众”或“服务对象”的谈话，看不出征求了党员群众特别是服务对象对支部班子的意见；请补充征求意见的记录".to_string(),
                Location::default(),
            ));
        }
        if !b.present(SheetKind::Roster) {
            continue;
        }
        let idx = TalkIndex::new(b);
        let committee: Vec<&Member> = b.committee_members().collect();
        // C001: committee members talk with each other (必谈), where there is a committee.
        if b.has_committee {
            for (i, x) in committee.iter().enumerate() {
                for y in &committee[i + 1..] {
                    let (a, c) = (&x.name.value, &y.name.value);
                    if !idx.pair(a, c) {
                        out.push(Finding::new(
                            Code::C001,
                            b.name(),
                            pair(a, c),
                            format!("支部班子成员{a}（{}）与{c}（{}）之间没有谈心谈话记录；班子成员之间必谈，请补谈并登记", x.role.value, y.role.value),
                            name_at(cx, x),
                        ));
                    }
                }
            }
        }
        for m in b.members.iter().filter(|m| m.role.value == Role::Member) {
            let n = &m.name.value;
            if !committee.iter().any(|c| idx.pair(&c.name.value, n)) {
                out.push(Finding::new(
                    Code::C002,
                    b.name(),
                    n.clone(),
                    format!("党员{n}没有与任何支部班子成员谈心谈话的记录；班子成员和党员之间要广泛谈，请安排班子成员与其谈话并登记"),
                    name_at(cx, m),
                ));
            }
        }
        for m in &b.members {
            let n = &m.name.value;
            if !m.special.is_empty() && !idx.anyone(n) {
                let kinds: Vec<&str> = m.special.iter().map(|s| s.value.label()).collect();
                out.push(Finding::new(
                    Code::C003,
                    b.name(),
                    n.clone(),
                    format!("{n}是{}，没有任何谈心谈话记录；请通过电话、视频或上门走访与其交心谈心、征求意见并登记", kinds.join("、")),
                    name_at(cx, m),
                ));
            }
        }
    }
}

/// C005–C007 after the lists deadline; C008 after the rectification deadline.
pub fn lists(cx: &Ctx, out: &mut Vec<Finding>) {
    for b in &cx.branches {
        if !b.present(SheetKind::Problems) {
            continue;
        }
        let owners: HashSet<&str> = b.problems.iter().map(|p| p.owner.value.as_str()).collect();
        if cx.due_step(StepKind::Lists) {
            if b.present(SheetKind::Roster) {
                for m in &b.members {
                    let n = &m.name.value;
                    if !owners.contains(n.as_str()) {
                        out.push(Finding::new(
                            Code::C005,
                            b.name(),
                            n.clone(),
                            format!("查摆问题清单中没有{n}本人查摆的问题（“支部班子”的问题不算个人的）；每名党员都要联系自身实际查找问题，请补充"),
                            name_at(cx, m),
                        ));
                    }
                }
            }
            if !owners.iter().any(|o| is_committee_as_whole(o)) {
                out.push(Finding::new(
                    Code::C006,
                    b.name(),
                    "支部班子",
                    "查摆问题清单中没有责任主体为“支部班子”的问题；支部班子要查找执行上级决定、组织生活、党员教育管理等方面的不认真问题并列入清单，请补充".to_string(),
                    Location::default(),
                ));
            }
            if b.present(SheetKind::Rectifications) {
                let covered: HashSet<String> =
                    b.b.rectifications
                        .iter()
                        .flat_map(|r| r.problem_ids.value.iter().map(|i| fold_name(i)))
                        .collect();
                for p in &b.problems {
                    if !covered.contains(&fold_name(&p.id.value)) {
                        out.push(Finding::new(
                            Code::C007,
                            b.name(),
                            p.id.value.clone(),
                            format!("查摆问题“{}”（{}）没有对应的整改事项；请在整改项目清单中列出整改事项、措施和时限，并在“问题编号”栏填写 {}", p.id.value, super::timing::short(&p.description.value), p.id.value),
                            cx.at(p.id.at),
                        ));
                    }
                }
            }
        }
        if cx.due_step(StepKind::Rectify)
            && b.present(SheetKind::Rectifications)
            && b.present(SheetKind::Roster)
        {
            let committed: HashSet<&str> =
                b.b.rectifications
                    .iter()
                    .map(|r| r.owner.value.as_str())
                    .collect();
            for m in &b.members {
                let n = &m.name.value;
                if !committed.contains(n.as_str()) {
                    out.push(Finding::new(
                        Code::C008,
                        b.name(),
                        n.clone(),
                        format!("{n}不是任何整改事项的责任人，没有作出整改承诺；党员要作出整改承诺，请在整改项目清单中列出其本人的整改事项"),
                        name_at(cx, m),
                    ));
                }
            }
        }
    }
}

/// C009: the first meeting of an agenda item's type (党员大会 unless the campaign says
/// otherwise) lacks the item in its content.
pub fn general_meeting_agenda(cx: &Ctx, out: &mut Vec<Finding>) {
    if !cx.due_step(StepKind::General) {
        return;
    }
    for b in &cx.branches {
        for item in &cx.campaign.agenda {
            if item.only_with_committee && !b.has_committee {
                continue;
            }
            let Some(m) = b.first_meeting(item.meeting) else {
                continue;
            };
            // Written text keeps its full-width forms; compare folded.
            let content =
                crate::text::nfkc(m.content.as_ref().map(|c| c.value.as_str()).unwrap_or(""));
            if !item
                .keywords
                .iter()
                .any(|k| content.contains(crate::text::nfkc(k).as_ref()))
            {
                out.push(Finding::new(
                    Code::C009,
                    b.name(),
                    item.name.clone(),
                    format!(
                        "{}召开的{}，会议内容中看不出有“{}”这项议程（应提到：{}）；请核对会议记录，如确有该议程请在“学习内容/议程”栏写明",
                        m.date.value.date.format("%-m月%-d日"),
                        m.kind.value.label(),
                        item.name,
                        item.keywords.join("或")
                    ),
                    cx.at(m.content.as_ref().map_or(m.kind.at, |c| c.at)),
                ));
            }
        }
    }
}

/// C010: over the threshold and split by 党小组 (a 党小组会 was held), every roster 党小组 must
/// have held its 党小组会.
pub fn party_groups(cx: &Ctx, out: &mut Vec<Finding>) {
    if !cx.due_step(StepKind::General) {
        return;
    }
    for b in &cx.branches {
        if b.members.len() <= cx.campaign.party_group_threshold as usize
            || !b.present(SheetKind::Meetings)
        {
            continue;
        }
        let group_meetings: Vec<_> = b
            .meetings
            .iter()
            .filter(|m| m.kind.value == MeetingKind::Group)
            .collect();
        if group_meetings.is_empty() {
            continue;
        }
        let mut groups: Vec<(&str, &Member)> = Vec::new();
        for m in &b.members {
            if let Some(g) = &m.group
                && !groups.iter().any(|(n, _)| *n == g.value)
            {
                groups.push((&g.value, m));
            }
        }
        let only_group = groups.len() == 1;
        for (g, first) in groups {
            let held = group_meetings
                .iter()
                .any(|m| meeting_of_group(m, g, only_group));
            if !held {
                out.push(Finding::new(
                    Code::C010,
                    b.name(),
                    g.to_string(),
                    format!("支部党员超过 {} 人、批评和自我批评分党小组进行，但“{g}”在活动期间没有召开党小组会的记录；请补开并登记（会议记录“党小组”栏写明组名）", cx.campaign.party_group_threshold),
                    cx.at(first.group.as_ref().map_or(first.name.at, |x| x.at)),
                ));
            }
        }
    }
}

/// C011: the rectification list not publicised (no 公示日期) though due.
pub fn publicity(cx: &Ctx, out: &mut Vec<Finding>) {
    if !cx.due_step(StepKind::Rectify) {
        return;
    }
    for b in &cx.branches {
        let Some(info) = &b.b.info else { continue };
        let shown = info
            .publicised
            .as_ref()
            .is_some_and(|d| d.value.date <= cx.as_of);
        if !shown {
            out.push(Finding::new(
                Code::C011,
                b.name(),
                "整改清单公示",
                "基本情况中没有整改清单的公示日期；整改内容和完成情况要在一定范围公示、接受党员群众监督，请公示后补填“公示日期”和“公示范围”".to_string(),
                Location::default(),
            ));
        }
    }
}

/// C012: a required study material no study meeting's content mentions.
pub fn study_materials(cx: &Ctx, out: &mut Vec<Finding>) {
    if !cx.due_step(StepKind::Study) {
        return;
    }
    // The meeting types the study step counts (SPEC §7).
    let counts = |k: MeetingKind| {
        cx.campaign
            .step(StepKind::Study)
            .is_some_and(|s| s.meetings.contains(&k))
    };
    for b in &cx.branches {
        let study: Vec<String> = b
            .meetings
            .iter()
            .filter(|m| counts(m.kind.value))
            .filter_map(|m| {
                m.content
                    .as_ref()
                    .map(|c| crate::text::nfkc(&c.value).into_owned())
            })
            .collect();
        let held = b.meetings.iter().any(|m| counts(m.kind.value));
        if !held {
            continue; // T101 says it
        }
        for mat in &cx.campaign.materials {
            if !study.iter().any(|c| {
                mat.keywords
                    .iter()
                    .any(|k| c.contains(crate::text::nfkc(k).as_ref()))
            }) {
                out.push(Finding::new(
                    Code::C012,
                    b.name(),
                    mat.name.clone(),
                    format!("集中学习、主题党日和党课的学习内容中都没有提到规定学习材料“{}”；如已学习，请在会议记录“学习内容”栏写明", mat.name),
                    Location::default(),
                ));
            }
        }
    }
}
