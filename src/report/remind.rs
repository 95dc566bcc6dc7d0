//! 催办/: a notice for every branch that must act (SPEC §8 “Who is chased”) — it returned
//! nothing or nothing readable, lacks a sheet, is past a step's deadline, or has a 严重
//! finding — saying what to do, by when, what it has fixed since the last notice and whom to
//! call; and 群通知.txt, one message for the township's chat group naming every branch to
//! chase with its secretary.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow};

use super::mask::Pii;
use crate::analysis::Analysis;
use crate::campaign::StepKind;
use crate::finding::{Code, Finding, Severity};
use crate::rules::overview::{BranchOverview, Returned};

/// The group message's file in 催办/.
pub const GROUP_NOTICE: &str = "群通知.txt";

/// At most this many 严重 findings are listed one by one; the rest are counted (the feedback
/// workbook has them all).
const LISTED: usize = 10;

/// A notice written: to which branch, and which findings (indexes into `Analysis::findings`)
/// it named, for the history's count of how often a finding was chased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub branch: String,
    pub named: Vec<usize>,
}

/// Whether a finding is the one behind a line of the notice's first part (what is not done):
/// nothing returned, an unreadable file, a missing sheet, a step past its deadline.
fn behind_a_lag(f: &Finding) -> bool {
    matches!(f.code, Code::S001 | Code::S002 | Code::S004)
        || StepKind::of_code(f.code).is_some_and(|k| k.codes().0 == f.code)
}

/// The 严重 findings a notice lists one by one: those not already a line of what is not done.
fn severe(a: &Analysis, mine: &[usize]) -> Vec<usize> {
    mine.iter()
        .copied()
        .filter(|&i| a.findings[i].severity == Severity::Error && !behind_a_lag(&a.findings[i]))
        .collect()
}

/// The notice for one branch, and the findings it names (None when it has nothing to do).
/// `mine` are the indexes of the branch's findings.
pub fn notice(
    a: &Analysis,
    b: &BranchOverview,
    mine: &[usize],
    pii: Pii,
) -> Option<(String, Vec<usize>)> {
    if !b.must_act() {
        return None;
    }
    let mut named: Vec<usize> = mine
        .iter()
        .copied()
        .filter(|&i| behind_a_lag(&a.findings[i]))
        .collect();
    let severe = severe(a, mine);
    let mut t = format!("【催办】{}\n", b.name);
    if let Some(s) = &b.secretary {
        t.push_str(&format!("{s}同志：\n"));
    }
    t.push_str(&format!(
        "根据{}的安排，截至{}，你支部还有以下事项需要办理：\n",
        a.campaign.name,
        a.as_of.format("%Y年%-m月%-d日")
    ));
    let mut part = 0;
    let mut heading = |t: &mut String, what: &str| {
        const NUMBERS: [&str; 3] = ["一", "二", "三"];
        t.push_str(&format!("{}、{what}\n", NUMBERS[part]));
        part += 1;
    };
    if !b.lags.is_empty() {
        heading(&mut t, "尚未完成的事项");
        for (i, l) in b.lags.iter().enumerate() {
            let when = match l.deadline {
                Some(d) if l.days > 0 => {
                    format!(
                        "（应于{}前完成，已逾期{}天）",
                        d.format("%-m月%-d日"),
                        l.days
                    )
                }
                Some(d) => format!("（应于{}前完成）", d.format("%-m月%-d日")),
                None => String::new(),
            };
            t.push_str(&format!("{}. {}{when}；\n", i + 1, l.what));
        }
    }
    if !severe.is_empty() {
        heading(
            &mut t,
            &format!(
                "需要改正的严重问题（共 {} 处，详见组织办发回的反馈表）",
                severe.len()
            ),
        );
        for (n, &i) in severe.iter().take(LISTED).enumerate() {
            let f = &a.findings[i];
            let at = match (f.loc.sheet.as_str(), f.loc.cell_a1()) {
                ("", _) => String::new(),
                (s, c) if c.is_empty() => format!("（{s}）"),
                (s, c) => format!("（{s} {c}）"),
            };
            t.push_str(&format!(
                "{}. {}：{}{at}；\n",
                n + 1,
                f.code.title(),
                f.subject
            ));
            named.push(i);
        }
        if severe.len() > LISTED {
            t.push_str(&format!("另有 {} 处，见反馈表；\n", severe.len() - LISTED));
        }
    }
    if let Some(since) = a.progress.since_notice.get(&b.name)
        && !since.fixed.is_empty()
    {
        heading(
            &mut t,
            &format!(
                "自上次通知（{}）以来已改正（{} 处），谢谢",
                since.as_of.format("%-m月%-d日"),
                since.fixed.len()
            ),
        );
        for (n, f) in since.fixed.iter().take(LISTED).enumerate() {
            t.push_str(&format!("{}. {}：{}；\n", n + 1, f.code.title(), f.subject));
        }
        if since.fixed.len() > LISTED {
            t.push_str(&format!("另有 {} 处；\n", since.fixed.len() - LISTED));
        }
    }
    t.push_str(&format!(
        "请于{}前办结，把补齐、改正后的材料（可直接在反馈表上改正）重新报送组织办。如有困难，请及时联系",
        a.reply_by.format("%Y年%-m月%-d日")
    ));
    // Everything above may quote what a branch typed (a 书记 with a phone after the name);
    // the contact line is the office's own, printed for branches to call, so it stays whole.
    let mut t = pii.text(&t).into_owned();
    t.push_str(&a.campaign.contact);
    t.push_str("。\n");
    Some((t, named))
}

/// The group message: every branch to chase, with its secretary and what it must do, in one
/// text to paste into the township's WeChat group (None when nobody is to be chased).
/// `chased` are the branches with a notice, each with the number of 严重 findings it lists.
pub fn group_notice(a: &Analysis, chased: &[(&BranchOverview, usize)], pii: Pii) -> Option<String> {
    if chased.is_empty() {
        return None;
    }
    let mut t = format!(
        "【催办】各支部：根据{}的安排，截至{}，以下 {} 个支部还有事项需要办理，请于{}前办结并重新报送（各支部的具体事项已单独发送，也可向组织办索取反馈表）：\n",
        a.campaign.name,
        a.as_of.format("%Y年%-m月%-d日"),
        chased.len(),
        a.reply_by.format("%-m月%-d日"),
    );
    for (n, &(b, severe)) in chased.iter().enumerate() {
        let who = b
            .secretary
            .as_deref()
            .map_or(String::new(), |s| format!("（书记 {s}）"));
        // The group reads one line per branch: a branch that sent nothing is told so briefly
        // (its own notice lists the sheets).
        let mut what: Vec<String> = match b.returned {
            Returned::No => vec!["尚未报送任何台账".to_string()],
            _ => b.lags.iter().map(|l| l.what.clone()).collect(),
        };
        if severe > 0 {
            what.push(format!("改正严重问题 {severe} 处"));
        }
        let late = match b.days_overdue() {
            0 => String::new(),
            d => format!("，已逾期{d}天"),
        };
        t.push_str(&format!(
            "{}. {}{who}：{}{late}；\n",
            n + 1,
            b.name,
            what.join("，")
        ));
    }
    t.push_str("如有困难，请及时联系");
    let mut t = pii.text(&t).into_owned();
    t.push_str(&a.campaign.contact);
    t.push_str("。\n");
    Some(t)
}

/// Write a notice per branch that must act and the group message (UTF-8 with BOM and CRLF,
/// so that Notepad on Windows shows them right); returns the notices sent.
pub fn write_notices(a: &Analysis, dir: &Path, pii: Pii) -> Result<Vec<Sent>> {
    let mut by_branch: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in a.findings.iter().enumerate() {
        by_branch.entry(f.branch.as_str()).or_default().push(i);
    }
    let write = |name: &str, text: &str| {
        let body = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        std::fs::write(dir.join(name), body).map_err(|e| anyhow!("写入催办通知失败：{e}"))
    };
    let mut sent = Vec::new();
    let mut chased = Vec::new();
    for b in &a.overview.branches {
        let mine = by_branch.get(b.name.as_str()).map_or(&[][..], |v| v);
        if let Some((text, named)) = notice(a, b, mine, pii) {
            let mut name = super::feedback::file_name(&b.name).replace(".xlsx", ".txt");
            if name == GROUP_NOTICE {
                name = format!("支部_{name}");
            }
            write(&name, &text)?;
            sent.push(Sent {
                branch: b.name.clone(),
                named,
            });
            chased.push((b, severe(a, mine).len()));
        }
    }
    if let Some(text) = group_notice(a, &chased, pii) {
        write(GROUP_NOTICE, &text)?;
    }
    Ok(sent)
}
