//! 各环节完成情况 as inline SVG: one horizontal bar per configured step, split by how many
//! branches stand in each bucket (the same counts as 总览's chart), and the legend under it.

use std::fmt::{self, Write};

use super::assets::BUCKET_COLORS;
use super::esc;
use crate::report::completion::LABELS;

const LABEL_W: f64 = 170.0;
const BAR_W: f64 = 560.0;
const RIGHT_W: f64 = 130.0;
const ROW_H: f64 = 30.0;
const BAR_H: f64 = 20.0;

/// `counts[p]` are step `p`'s branches per bucket; `total` the branches listed.
pub fn steps(out: &mut String, names: &[&str], counts: &[[usize; 6]], total: usize) -> fmt::Result {
    out.push_str("<section id=\"steps\" class=\"chart\">\n<h2>各环节完成情况（支部数）</h2>\n");
    if names.is_empty() || total == 0 {
        out.push_str("<p>没有可统计的环节或支部。</p>\n</section>\n");
        return Ok(());
    }
    let width = LABEL_W + BAR_W + RIGHT_W;
    let height = ROW_H * names.len() as f64 + 8.0;
    writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"各环节完成情况\">"
    )?;
    for (p, (name, c)) in names.iter().zip(counts).enumerate() {
        let y = 4.0 + ROW_H * p as f64;
        let mid = y + BAR_H / 2.0 + 5.0;
        write!(
            out,
            "<text x=\"{}\" y=\"{mid}\" text-anchor=\"end\">",
            LABEL_W - 8.0
        )?;
        esc(out, name);
        out.push_str("</text>\n");
        let mut x = LABEL_W;
        for (k, &n) in c.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let w = BAR_W * n as f64 / total as f64;
            write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{BAR_H}\" fill=\"{}\" stroke=\"#9e9e9e\" stroke-width=\"0.6\"><title>",
                BUCKET_COLORS[k]
            )?;
            esc(out, name);
            writeln!(out, "：{} {n} 个支部</title></rect>", LABELS[k])?;
            // A count fits inside a segment wide enough for its digits.
            if w >= 9.0 * n.to_string().len() as f64 + 6.0 {
                writeln!(
                    out,
                    "<text x=\"{:.1}\" y=\"{mid}\" text-anchor=\"middle\">{n}</text>",
                    x + w / 2.0
                )?;
            }
            x += w;
        }
        let done = c[0] + c[1];
        writeln!(
            out,
            "<text x=\"{}\" y=\"{mid}\">完成 {done}/{total}</text>",
            LABEL_W + BAR_W + 10.0
        )?;
    }
    out.push_str("</svg>\n<p class=\"legend\"><b>图例</b>");
    for (k, l) in LABELS.iter().enumerate() {
        write!(
            out,
            "<span class=\"item\"><span class=\"chip k{k}\"></span>{l}</span>"
        )?;
    }
    out.push_str("</p>\n</section>\n");
    Ok(())
}
