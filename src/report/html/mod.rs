//! 报告.html (SPEC §8, "A page to look at"): one self-contained page a clerk opens from the
//! output folder, and a print view that fits the party secretary's one-page A4 summary.
//!
//! It formats what `rules::overview` decided and `history` compared; it decides nothing. Every
//! text a branch typed goes through [`Pii::text`] and is HTML-escaped here, and the findings
//! travel as an escaped JSON blob that the page's script only ever puts into `textContent`:
//! nothing a branch typed can run as script or become markup.

mod assets;
mod chart;
mod data;
mod table;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt::{self, Write};

use crate::analysis::Analysis;
use crate::finding::{Code, Finding};
use crate::history::{Fixed, Progress, State};
use crate::model::Returned;
use crate::model::outputs::GENERATOR;
use crate::report::completion::phase_counts;
use crate::report::mask::Pii;
use crate::rules::overview::{BranchOverview, Overall};
use crate::rules::phase::Status;

/// The whole page.
pub fn render(a: &Analysis, pii: Pii) -> String {
    let groups = Groups::new(a);
    // Most of the page is the findings blob: about 300 bytes a finding.
    let mut out = String::with_capacity(16 * 1024 + a.findings.len() * 320);
    // Writing into a String cannot fail.
    let _ = page(&mut out, a, pii, &groups);
    out
}

fn page(out: &mut String, a: &Analysis, pii: Pii, g: &Groups) -> fmt::Result {
    let title = format!("{} 检查报告", a.campaign.name);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    writeln!(out, "<meta name=\"generator\" content=\"{GENERATOR}\">")?;
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>");
    esc(out, &title);
    out.push_str("</title>\n<style>\n");
    assets::css(out)?;
    out.push_str("</style>\n</head>\n<body>\n");
    header(out, a, &title)?;
    glance(out, a, g)?;
    let names: Vec<&str> = a.campaign.steps.iter().map(|s| s.name.as_str()).collect();
    let counts = phase_counts(&a.overview.branches, names.len());
    chart::steps(out, &names, &counts, a.overview.branches.len())?;
    attention(out, a, pii, g)?;
    township_brief(out, a, pii, g)?;
    table::branches(out, a, pii, g)?;
    township(out, a, pii, g)?;
    out.push_str(
        "<footer>本页由 orglife 根据各支部报送的台账自动生成，与同一文件夹中的 汇总.xlsx、findings.csv 出自同一次检查。身份证号、手机号已遮蔽。</footer>\n",
    );
    data::blob(out, a, pii, g)?;
    out.push_str("<script>\n");
    out.push_str(assets::SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    Ok(())
}

/// The findings and fixed findings of each branch, by index into `a.overview.branches`, and
/// those of no listed branch (全镇, or a branch name the overview does not list).
pub(super) struct Groups<'a> {
    pub of_branch: Vec<Vec<usize>>,
    pub township: Vec<usize>,
    pub fixed_of_branch: Vec<Vec<&'a Fixed>>,
    pub fixed_township: Vec<&'a Fixed>,
    /// There is a previous check to compare with.
    pub continued: bool,
}

impl<'a> Groups<'a> {
    fn new(a: &'a Analysis) -> Self {
        let n = a.overview.branches.len();
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
        for (i, b) in a.overview.branches.iter().enumerate() {
            index.entry(b.name.as_str()).or_insert(i);
        }
        let mut g = Groups {
            of_branch: vec![Vec::new(); n],
            township: Vec::new(),
            fixed_of_branch: vec![Vec::new(); n],
            fixed_township: Vec::new(),
            continued: continued(&a.progress),
        };
        for (i, f) in a.findings.iter().enumerate() {
            match index.get(f.branch.as_str()) {
                Some(&b) => g.of_branch[b].push(i),
                None => g.township.push(i),
            }
        }
        if g.continued {
            for f in &a.progress.fixed {
                match index.get(f.branch.as_str()) {
                    Some(&b) => g.fixed_of_branch[b].push(f),
                    None => g.fixed_township.push(f),
                }
            }
        }
        g
    }

    /// (new, fixed, still open) of one branch, when there is a previous check.
    pub fn change(&self, a: &Analysis, b: usize) -> (usize, usize, usize) {
        let mine = &self.of_branch[b];
        let new = mine.iter().filter(|&&i| is_new(&a.progress, i)).count();
        (new, self.fixed_of_branch[b].len(), mine.len() - new)
    }
}

fn continued(p: &Progress) -> bool {
    p.state == State::Continued && p.previous.is_some()
}

/// Whether `findings[i]` was not in the previous check.
pub(super) fn is_new(p: &Progress, i: usize) -> bool {
    p.seen(i).is_some_and(|s| s.new)
}

fn header(out: &mut String, a: &Analysis, title: &str) -> fmt::Result {
    out.push_str("<header>\n<h1>");
    esc(out, title);
    write!(
        out,
        "</h1>\n<p class=\"meta\">统计截止 {}</p>\n<p class=\"headline\">",
        a.as_of.format("%Y年%-m月%-d日")
    )?;
    // The headline may quote a file path (a history file that could not be used).
    esc(out, &Pii::default().text(&a.progress.headline()));
    out.push_str("</p>\n</header>\n");
    Ok(())
}

/// The overall statuses in the page's order, worst first.
pub(super) const OVERALLS: [Overall; 5] = [
    Overall::NotReturned,
    Overall::Errors,
    Overall::Warnings,
    Overall::OnTrack,
    Overall::Done,
];

pub(super) fn overall_index(o: Overall) -> usize {
    match o {
        Overall::NotReturned => 0,
        Overall::Errors => 1,
        Overall::Warnings => 2,
        Overall::OnTrack => 3,
        Overall::Done => 4,
    }
}

pub(super) const SEVERITY_LABELS: [&str; 3] = ["严重", "一般", "提示"];

/// The township at a glance: branches, returns, findings by severity, the change since the
/// previous check, and how many branches stand where overall.
fn glance(out: &mut String, a: &Analysis, g: &Groups) -> fmt::Result {
    let t = a.tally();
    out.push_str("<section id=\"glance\">\n<div class=\"cards\">\n");
    let card = |out: &mut String, cls: &str, label: &str, n: usize, note: &str| {
        write!(
            out,
            "<div class=\"card {cls}\"><div class=\"n\">{n}</div><div class=\"l\">{label}</div>"
        )?;
        if !note.is_empty() {
            write!(out, "<div class=\"note\">{note}</div>")?;
        }
        out.push_str("</div>\n");
        fmt::Result::Ok(())
    };
    if t.registered > 0 {
        card(out, "", "名册支部", t.registered, "")?;
        card(out, "good", "已报送", t.returned, "")?;
        let why = if t.unreadable > 0 {
            format!("其中 {} 个报送的文件无法读取", t.unreadable)
        } else {
            String::new()
        };
        let cls = if t.registered > t.returned { "bad" } else { "" };
        card(out, cls, "未报送", t.registered - t.returned, &why)?;
    } else {
        let why = if t.has_register_sheet {
            "支部名册中没有支部"
        } else {
            "未找到支部名册"
        };
        card(out, "", "支部（按报送材料）", t.listed, why)?;
    }
    let township = g.township.len();
    let note = if township > 0 {
        format!("其中全镇性问题 {township} 条")
    } else {
        String::new()
    };
    card(out, "", "发现问题", a.findings.len(), &note)?;
    for (k, l) in SEVERITY_LABELS.iter().enumerate() {
        card(out, &format!("sev{k}"), l, t.severity[k], "")?;
    }
    if g.continued {
        let new = (0..a.findings.len())
            .filter(|&i| is_new(&a.progress, i))
            .count();
        card(out, "new", "新发现", new, "上次检查没有")?;
        card(
            out,
            "good",
            "已改正",
            a.progress.fixed.len(),
            "上次有、本次没有",
        )?;
        card(out, "", "仍未改正", a.findings.len() - new, "上次已有")?;
    }
    out.push_str("</div>\n<p class=\"overall\">总体状态：");
    for (k, o) in OVERALLS.iter().enumerate() {
        let n = a
            .overview
            .branches
            .iter()
            .filter(|b| b.overall == *o)
            .count();
        write!(
            out,
            "<span class=\"chip o{k}\"></span>{} {n} 个　",
            o.label()
        )?;
    }
    out.push_str("</p>\n</section>\n");
    Ok(())
}

/// The branches needing attention (`table::needs_attention`), worst first: a compact list,
/// capped so the print view stays one page.
const ATTENTION_CAP: usize = 36;

fn attention(out: &mut String, a: &Analysis, pii: Pii, g: &Groups) -> fmt::Result {
    let mut need: Vec<(usize, &BranchOverview)> = a
        .overview
        .branches
        .iter()
        .enumerate()
        .filter(|(_, b)| table::needs_attention(b))
        .collect();
    need.sort_by_key(|(i, b)| (overall_index(b.overall), std::cmp::Reverse(b.counts[0]), *i));
    write!(
        out,
        "<section id=\"attention\">\n<h2>需要关注的支部（{} 个）</h2>\n",
        need.len()
    )?;
    if need.is_empty() {
        out.push_str("<p>没有未报送、有严重问题或逾期未完成事项的支部。</p>\n</section>\n");
        return Ok(());
    }
    out.push_str("<ol class=\"attn\">\n");
    for (i, b) in need.iter().take(ATTENTION_CAP) {
        write!(
            out,
            "<li><span class=\"chip o{}\"></span><b>",
            overall_index(b.overall)
        )?;
        esc_pii(out, pii, &b.name);
        out.push_str("</b>：");
        esc_pii(out, pii, &attention_reason(a, g, *i, b));
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
    if need.len() > ATTENTION_CAP {
        writeln!(
            out,
            "<p class=\"more\">另有 {} 个支部见汇总表（汇总.xlsx › 总览、催办名单）。</p>",
            need.len() - ATTENTION_CAP
        )?;
    }
    out.push_str("</section>\n");
    Ok(())
}

/// One short line: how it stands, its 严重 findings, the steps overdue, the sheets missing
/// and how late it is.
fn attention_reason(a: &Analysis, g: &Groups, i: usize, b: &BranchOverview) -> String {
    let mut parts: Vec<String> = Vec::new();
    if b.returned != Returned::Yes {
        parts.push(b.returned.label().to_string());
    }
    if b.counts[0] > 0 {
        parts.push(format!("严重问题 {} 条", b.counts[0]));
    }
    let overdue: Vec<&str> = b
        .phases
        .iter()
        .zip(&a.campaign.steps)
        .filter(|(p, _)| p.status == Status::Overdue)
        .map(|(_, s)| s.name.as_str())
        .collect();
    if !overdue.is_empty() {
        parts.push(format!("逾期未完成：{}", overdue.join("、")));
    }
    let missing = g.of_branch[i]
        .iter()
        .filter(|&&k| a.findings.get(k).is_some_and(|f| f.code == Code::S004))
        .count();
    if missing > 0 {
        parts.push(format!("缺表 {missing} 张"));
    }
    let days = b.days_overdue();
    if days > 0 {
        parts.push(format!("最长逾期 {days} 天"));
    }
    if parts.is_empty() {
        parts.push(b.overall.label().to_string());
    }
    parts.join("；")
}

/// The print view's few lines on the township-wide findings (the screen has their table).
const TOWNSHIP_BRIEF_CAP: usize = 5;

fn township_brief(out: &mut String, a: &Analysis, pii: Pii, g: &Groups) -> fmt::Result {
    if g.township.is_empty() {
        return Ok(());
    }
    write!(
        out,
        "<section id=\"township-brief\" class=\"print-only\">\n<h2>全镇性问题（{} 条）</h2>\n<ul class=\"brief\">\n",
        g.township.len()
    )?;
    for f in g
        .township
        .iter()
        .take(TOWNSHIP_BRIEF_CAP)
        .filter_map(|&i| a.findings.get(i))
    {
        let k = f.severity as usize;
        write!(
            out,
            "<li><span class=\"sev sev{k}\">{}</span> {} ",
            SEVERITY_LABELS[k],
            f.code.as_str()
        )?;
        esc(out, f.code.title());
        out.push('：');
        esc_pii(out, pii, &f.subject);
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
    if g.township.len() > TOWNSHIP_BRIEF_CAP {
        writeln!(
            out,
            "<p class=\"more\">另有 {} 条见汇总表（汇总.xlsx › 问题明细）。</p>",
            g.township.len() - TOWNSHIP_BRIEF_CAP
        )?;
    }
    out.push_str("</section>\n");
    Ok(())
}

/// Findings of no branch (全镇: an unmatched file, a township cadre who supervised nobody),
/// and township findings fixed since the previous check.
fn township(out: &mut String, a: &Analysis, pii: Pii, g: &Groups) -> fmt::Result {
    write!(
        out,
        "<section id=\"township\" class=\"screen\">\n<h2>全镇性问题（{} 条）</h2>\n",
        g.township.len()
    )?;
    if g.township.is_empty() {
        out.push_str("<p>没有全镇性问题。</p>\n");
    } else {
        findings_table(out, a, pii, &g.township, g.continued)?;
    }
    if !g.fixed_township.is_empty() {
        writeln!(
            out,
            "<h3>已改正（上次检查有、本次没有）{} 条</h3>",
            g.fixed_township.len()
        )?;
        fixed_table(out, pii, &g.fixed_township)?;
    }
    out.push_str("</section>\n");
    Ok(())
}

/// A findings table written on the server (the township's); a branch's is built by the
/// script from the same columns.
fn findings_table(
    out: &mut String,
    a: &Analysis,
    pii: Pii,
    which: &[usize],
    continued: bool,
) -> fmt::Result {
    out.push_str("<table class=\"findings\"><thead><tr>");
    if continued {
        out.push_str("<th></th>");
    }
    out.push_str(
        "<th>代码</th><th>严重程度</th><th>问题</th><th>对象</th><th>说明及怎么改</th><th>文件 › 工作表 › 单元格</th>",
    );
    if continued {
        out.push_str("<th>首次发现</th><th>已催办</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for &i in which {
        let Some(f) = a.findings.get(i) else { continue };
        out.push_str("<tr>");
        let seen = a.progress.seen(i);
        if continued {
            let new = seen.is_some_and(|s| s.new);
            out.push_str(if new {
                "<td><span class=\"badge\">新</span></td>"
            } else {
                "<td></td>"
            });
        }
        finding_cells(out, pii, f)?;
        if continued {
            match seen {
                Some(s) => write!(
                    out,
                    "<td>{}</td><td>{} 次</td>",
                    s.first_seen.format("%Y-%m-%d"),
                    s.reminded
                )?,
                None => out.push_str("<td></td><td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    Ok(())
}

fn finding_cells(out: &mut String, pii: Pii, f: &Finding) -> fmt::Result {
    let k = f.severity as usize;
    write!(
        out,
        "<td class=\"code\">{}</td><td><span class=\"sev sev{k}\">{}</span></td><td>",
        f.code.as_str(),
        SEVERITY_LABELS[k]
    )?;
    esc(out, f.code.title());
    out.push_str("</td><td>");
    esc_pii(out, pii, &f.subject);
    out.push_str("</td><td>");
    esc_pii(out, pii, &f.message);
    out.push_str("</td><td class=\"where\">");
    esc_pii(out, pii, &place(f));
    out.push_str("</td>");
    Ok(())
}

/// `文件 › 工作表 › 单元格`, as much of it as the finding has.
pub(super) fn place(f: &Finding) -> String {
    let cell = f.loc.cell_a1();
    [f.loc.file.as_str(), f.loc.sheet.as_str(), cell.as_str()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" › ")
}

fn fixed_table(out: &mut String, pii: Pii, fixed: &[&Fixed]) -> fmt::Result {
    out.push_str(
        "<table class=\"findings fixed\"><thead><tr><th>代码</th><th>严重程度</th><th>对象</th><th>原来的问题</th><th>首次发现</th></tr></thead><tbody>\n",
    );
    for f in fixed {
        let k = f.severity as usize;
        write!(
            out,
            "<tr><td class=\"code\">{}</td><td><span class=\"sev sev{k}\">{}</span></td><td>",
            f.code.as_str(),
            SEVERITY_LABELS[k]
        )?;
        esc_pii(out, pii, &f.subject);
        out.push_str("</td><td>");
        esc_pii(out, pii, &f.message);
        writeln!(
            out,
            "</td><td>{}</td></tr>",
            f.first_seen.format("%Y-%m-%d")
        )?;
    }
    out.push_str("</tbody></table>\n");
    Ok(())
}

/// `s` as text content or an attribute value: the five characters markup gives meaning to
/// are written as entities.
pub(super) fn esc(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// What a branch typed: masked, then escaped.
pub(super) fn esc_pii(out: &mut String, pii: Pii, s: &str) {
    esc(out, &pii.text(s));
}
