//! `orglife rules`: every finding code in a table; `orglife rules CODE`: one code explained,
//! with the clause of the notice it enforces.

use anyhow::{Result, bail};

use crate::campaign::Campaign;
use crate::campaign::view::{CodeView, Judged};
use crate::cli::RulesArgs;
use crate::finding::Severity;
use crate::finding::{CATALOG, Code};
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

/// The table of every code; with a campaign, as that campaign judges it (severity, due date,
/// and which codes it does not judge).
pub fn table(campaign: Option<&Campaign>) -> String {
    let mut out = String::from("代码  程度  说明                                    何时检查\n");
    let mut skipped = 0;
    for d in CATALOG {
        let line = match campaign {
            None => format!(
                "{}  {}  {}{}",
                d.code,
                severity(d.severity),
                pad(d.title, 40),
                clip(d.due, 44)
            ),
            Some(c) => {
                let v = c.view(d.code);
                let due = match v.judged {
                    Judged::Yes => clip(&v.due, 44),
                    Judged::Off => {
                        skipped += 1;
                        "本次活动不检查（已关闭）".to_string()
                    }
                    Judged::NoStep(_) => {
                        skipped += 1;
                        "本次活动不检查（没有该环节）".to_string()
                    }
                };
                format!(
                    "{}  {}  {}{}",
                    d.code,
                    severity(v.severity),
                    pad(d.title, 40),
                    due
                )
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    let whose = match campaign {
        Some(c) => format!("（按“{}”，其中 {skipped} 个本次不检查）", c.name),
        None => String::new(),
    };
    out.push_str(&format!(
        "\n共 {} 个代码{whose}。运行 orglife rules 代码（如 orglife rules C001）查看详细说明。\n",
        CATALOG.len()
    ));
    out
}

pub fn explain(v: &CodeView) -> String {
    let d = v.doc;
    let judged = match v.judged {
        Judged::Yes => String::new(),
        Judged::Off => "\n本次活动不检查本项（配置中已关闭）。\n".to_string(),
        Judged::NoStep(k) => format!("\n本次活动没有该环节（{}），不检查本项。\n", k.key()),
    };
    format!(
        "{} {}（{}）\n{judged}\n检查什么：{}\n\n依据：{}\n\n为什么重要：{}\n\n怎么改：{}\n\n何时检查：{}\n",
        d.code,
        d.title,
        severity(v.severity),
        d.what,
        v.clause,
        d.why,
        d.fix,
        v.due
    )
}

pub fn run(args: &RulesArgs) -> Result<u8> {
    let campaign = match &args.config {
        Some(path) => Some(Campaign::load(path)?),
        None => None,
    };
    match &args.code {
        None => print!("{}", table(campaign.as_ref())),
        Some(code) => match Code::parse(&code.trim().to_uppercase()) {
            Some(c) => {
                let shown = campaign.unwrap_or_else(Campaign::embedded);
                let mut v = shown.view(c);
                if args.config.is_none() {
                    // Without a campaign, the catalog's own text (its due names the defaults).
                    v.due = std::borrow::Cow::Borrowed(c.doc().due);
                }
                print!("{}", explain(&v))
            }
            None => bail!("没有“{code}”这个代码；运行 orglife rules 查看全部代码"),
        },
    }
    Ok(0)
}
