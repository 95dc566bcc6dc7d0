//! `orglife rules`: every finding code in a table; `orglife rules CODE`: one code explained,
//! with the clause of the notice it enforces.

use anyhow::{Result, bail};

use crate::cli::RulesArgs;
use crate::finding::Severity;
use crate::finding::{CATALOG, Code, CodeDoc};
use crate::report::xlsx_style::display_width;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "严重",
        Severity::Warning => "一般",
        Severity::Info => "提示",
    }
}

fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Cut a long text to `width` display columns, with an ellipsis (the full text is in the
/// explanation of the code).
fn clip(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if display_width(&out) + display_width(&c.to_string()) > width - 2 {
            break;
        }
        out.push(c);
    }
    out + "…"
}

pub fn table() -> String {
    let mut out = String::from("代码  程度  说明                                    何时检查\n");
    for d in CATALOG {
        out.push_str(&format!(
            "{}  {}  {}{}\n",
            d.code,
            severity(d.severity),
            pad(d.title, 40),
            clip(d.due, 44)
        ));
    }
    out.push_str(&format!(
        "\n共 {} 个代码。运行 orglife rules 代码（如 orglife rules C001）查看详细说明。\n",
        CATALOG.len()
    ));
    out
}

pub fn explain(d: &CodeDoc) -> String {
    format!(
        "{} {}（{}）\n\n检查什么：{}\n\n依据：{}\n\n为什么重要：{}\n\n怎么改：{}\n\n何时检查：{}\n",
        d.code,
        d.title,
        severity(d.severity),
        d.what,
        d.clause,
        d.why,
        d.fix,
        d.due
    )
}

pub fn run(args: &RulesArgs) -> Result<u8> {
    match &args.code {
        None => print!("{}", table()),
        Some(code) => match Code::parse(&code.trim().to_uppercase()) {
            Some(c) => print!("{}", explain(c.doc())),
            None => bail!("没有“{code}”这个代码；运行 orglife rules 查看全部代码"),
        },
    }
    Ok(0)
}
