//! 各支部情况: one row per branch with its overall status and each step's status in colour,
//! the legend for every colour, and the controls that filter the rows. A row opens its
//! findings on a click (the script builds them from the data blob).

use std::fmt::{self, Write};

use super::{Groups, OVERALLS, esc, esc_pii, overall_index};
use crate::analysis::Analysis;
use crate::report::completion::{LABELS, bucket};
use crate::report::mask::Pii;
use crate::rules::overview::{BranchOverview, Overall};

/// The branches the print view lists and the “只看需要关注的” filter keeps: those that get
/// a notice (rules decide who must act), and any whose returns could not be read.
pub fn needs_attention(b: &BranchOverview) -> bool {
    b.must_act() || b.overall == Overall::NotReturned
}

pub fn branches(out: &mut String, a: &Analysis, pii: Pii, g: &Groups) -> fmt::Result {
    let n = a.overview.branches.len();
    write!(
        out,
        "<section id=\"branches\" class=\"screen\">\n<h2>各支部情况（{n} 个）</h2>\n"
    )?;
    legend(out, g.continued)?;
    writeln!(
        out,
        "<p class=\"controls\"><input type=\"search\" id=\"q\" placeholder=\"输入支部名称筛选\" aria-label=\"按支部名称筛选\"><label><input type=\"checkbox\" id=\"only\"> 只看需要关注的支部</label>　显示 <span id=\"shown\">{n}</span> 个　<span class=\"hint\">点击一行查看该支部的问题</span></p>"
    )?;
    out.push_str("<table class=\"branches\"><thead><tr><th class=\"num\">序号</th><th>支部</th><th>报送</th>");
    for s in &a.campaign.steps {
        out.push_str("<th>");
        esc(out, &s.name);
        out.push_str("</th>");
    }
    out.push_str(
        "<th class=\"num\">严重</th><th class=\"num\">一般</th><th class=\"num\">提示</th>",
    );
    if g.continued {
        out.push_str("<th>与上次相比</th>");
    }
    out.push_str("<th>总体状态</th></tr></thead>\n<tbody id=\"rows\">\n");
    let steps = a.campaign.steps.len();
    for (i, b) in a.overview.branches.iter().enumerate() {
        row(out, a, pii, g, i, b, steps)?;
    }
    out.push_str("</tbody></table>\n</section>\n");
    Ok(())
}

fn row(
    out: &mut String,
    a: &Analysis,
    pii: Pii,
    g: &Groups,
    i: usize,
    b: &BranchOverview,
    steps: usize,
) -> fmt::Result {
    let attn = if needs_attention(b) {
        " data-a=\"1\""
    } else {
        ""
    };
    write!(
        out,
        "<tr class=\"b\" data-i=\"{i}\"{attn} tabindex=\"0\" aria-expanded=\"false\"><td class=\"num\">{}</td><td class=\"name\">",
        i + 1
    )?;
    esc_pii(out, pii, &b.name);
    let ret = if b.phases.is_empty() { " k4" } else { "" };
    write!(
        out,
        "</td><td class=\"ret{ret}\">{}</td>",
        b.returned.label()
    )?;
    for p in 0..steps {
        let state = b.phases.get(p);
        let k = bucket(state.map(|s| s.status));
        match state {
            Some(s) => {
                let when = match s.date {
                    Some(d) => format!("，{}完成", d.format("%-m月%-d日")),
                    None => String::new(),
                };
                write!(
                    out,
                    "<td class=\"k{k}\" title=\"期限 {}{when}\">{}</td>",
                    s.deadline.format("%-m月%-d日"),
                    s.status.label()
                )?;
            }
            None => write!(out, "<td class=\"k{k}\">—</td>")?,
        }
    }
    for (k, c) in b.counts.iter().enumerate() {
        if *c > 0 {
            write!(out, "<td class=\"num sev{k} e1\">{c}</td>")?;
        } else {
            out.push_str("<td class=\"num\">0</td>");
        }
    }
    if g.continued {
        let (new, fixed, open) = g.change(a, i);
        write!(
            out,
            "<td class=\"chg\">新 {new} · 已改正 {fixed} · 未改 {open}</td>"
        )?;
    }
    let o = overall_index(b.overall);
    writeln!(out, "<td class=\"o{o}\">{}</td></tr>", b.overall.label())?;
    Ok(())
}

/// Every colour the table uses, and what it means.
fn legend(out: &mut String, continued: bool) -> fmt::Result {
    out.push_str("<p class=\"legend\"><b>各环节</b>");
    for (k, l) in LABELS.iter().enumerate() {
        write!(
            out,
            "<span class=\"item\"><span class=\"chip k{k}\"></span>{l}</span>"
        )?;
    }
    out.push_str("</p>\n<p class=\"legend\"><b>总体状态</b>");
    for (k, o) in OVERALLS.iter().enumerate() {
        write!(
            out,
            "<span class=\"item\"><span class=\"chip o{k}\"></span>{}</span>",
            o.label()
        )?;
    }
    out.push_str("</p>\n<p class=\"legend\"><b>问题数</b>");
    for (k, l) in super::SEVERITY_LABELS.iter().enumerate() {
        write!(
            out,
            "<span class=\"item\"><span class=\"chip sev{k}\"></span>{l}（有则标色）</span>"
        )?;
    }
    if continued {
        out.push_str(
            "<span class=\"item\"><span class=\"badge\">新</span> 上次检查没有的问题</span>",
        );
    }
    out.push_str("</p>\n");
    Ok(())
}
