//! 催办/<支部>.txt: a short notice for each lagging branch, ready to paste into a chat group:
//! what is missing, the deadline, how many days overdue, who to contact.

use std::path::Path;

use anyhow::{Result, anyhow};

use super::mask::Pii;
use crate::analysis::Analysis;
use crate::rules::overview::{BranchOverview, Returned};

/// The notice for one branch (None when it has nothing to catch up on).
pub fn notice(a: &Analysis, b: &BranchOverview, pii: Pii) -> Option<String> {
    if b.lags.is_empty() {
        return None;
    }
    let mut t = String::new();
    t.push_str(&format!("【催办】{}：\n", b.name));
    if let Some(s) = &b.secretary {
        t.push_str(&format!("{s}同志：\n"));
    }
    t.push_str(&format!(
        "根据{}的安排，截至{}，你支部以下事项尚未完成：\n",
        a.campaign.name,
        a.as_of.format("%Y年%-m月%-d日")
    ));
    for (i, l) in b.lags.iter().enumerate() {
        let when = match l.deadline {
            Some(d) => format!("，应于{}前完成，已逾期{}天", d.format("%-m月%-d日"), l.days),
            None => String::new(),
        };
        t.push_str(&format!("{}. {}{when}；\n", i + 1, l.what));
    }
    if b.returned == Returned::Yes && b.counts[0] > 0 {
        t.push_str(&format!(
            "另外，已报送的材料中还有 {} 处严重问题需要改正，详见组织办发回的反馈表。\n",
            b.counts[0]
        ));
    }
    t.push_str("请抓紧完成，按要求补报材料。如有困难，请及时联系");
    // Everything above may quote what a branch typed (a 书记 with a phone after the name);
    // the contact line is the office's own, printed for branches to call, so it stays whole.
    let mut t = pii.text(&t).into_owned();
    t.push_str(&a.campaign.contact);
    t.push_str("。\n");
    Some(t)
}

/// Write one notice per lagging branch (UTF-8 with BOM and CRLF, so that Notepad on Windows
/// shows it right); returns how many.
pub fn write_notices(a: &Analysis, dir: &Path, pii: Pii) -> Result<usize> {
    let mut n = 0;
    for b in &a.overview.branches {
        if let Some(text) = notice(a, b, pii) {
            let name = super::feedback::file_name(&b.name).replace(".xlsx", ".txt");
            let body = format!("\u{feff}{}", text.replace('\n', "\r\n"));
            std::fs::write(dir.join(name), body).map_err(|e| anyhow!("写入催办通知失败：{e}"))?;
            n += 1;
        }
    }
    Ok(n)
}
