//! The findings of each branch as one JSON blob the page's script reads when a row is clicked:
//! far smaller than a hidden table per branch, and inert (`type="application/json"` is never
//! run, and `<`, `>`, `&` are written as `\u003c`… so no text can close the element).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;

use super::{Groups, is_new};
use crate::analysis::Analysis;
use crate::report::mask::Pii;

/// One finding: code, severity, subject, message, file (index into `files`, -1 none), sheet,
/// cell, new since the previous check (0/1), first seen, notices that named it.
type Row<'a> = (
    &'static str,
    u8,
    Cow<'a, str>,
    Cow<'a, str>,
    i64,
    Cow<'a, str>,
    String,
    u8,
    String,
    u32,
);

/// One fixed finding: code, severity, subject, message, first seen.
type FixedRow<'a> = (&'static str, u8, Cow<'a, str>, Cow<'a, str>, String);

#[derive(Serialize, Default)]
struct BranchData<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    f: Vec<Row<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    x: Vec<FixedRow<'a>>,
    /// What it must still do (催办), one line each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    l: Vec<String>,
}

#[derive(Serialize)]
struct Data<'a> {
    /// A previous check to compare with: the script shows the 新 and 首次发现 columns.
    hist: bool,
    /// Code → its title (问题), once each.
    codes: BTreeMap<&'static str, &'static str>,
    /// File names, once each (a branch's findings mostly point into the same few files).
    files: Vec<Cow<'a, str>>,
    /// Parallel to the table's rows.
    b: Vec<BranchData<'a>>,
}

pub fn blob(out: &mut String, a: &Analysis, pii: Pii, g: &Groups) -> fmt::Result {
    let mut codes = BTreeMap::new();
    let mut files: Vec<Cow<str>> = Vec::new();
    let mut file_index: HashMap<&str, i64> = HashMap::new();
    let mut b = Vec::with_capacity(a.overview.branches.len());
    for (i, br) in a.overview.branches.iter().enumerate() {
        let mut d = BranchData::default();
        for &fi in &g.of_branch[i] {
            let Some(f) = a.findings.get(fi) else {
                continue;
            };
            codes.insert(f.code.as_str(), f.code.title());
            let file = if f.loc.file.is_empty() {
                -1
            } else {
                *file_index.entry(f.loc.file.as_str()).or_insert_with(|| {
                    files.push(pii.text(&f.loc.file));
                    files.len() as i64 - 1
                })
            };
            let seen = a.progress.seen(fi);
            d.f.push((
                f.code.as_str(),
                f.severity as u8,
                pii.text(&f.subject),
                pii.text(&f.message),
                file,
                pii.text(&f.loc.sheet),
                f.loc.cell_a1(),
                u8::from(is_new(&a.progress, fi)),
                seen.map(|s| s.first_seen.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                seen.map_or(0, |s| s.reminded),
            ));
        }
        for f in &g.fixed_of_branch[i] {
            d.x.push((
                f.code.as_str(),
                f.severity as u8,
                pii.text(&f.subject),
                pii.text(&f.message),
                f.first_seen.format("%Y-%m-%d").to_string(),
            ));
        }
        d.l = br
            .lags
            .iter()
            .map(|l| {
                let when = match l.deadline {
                    Some(d) => format!("（期限 {}，已逾期 {} 天）", d.format("%-m月%-d日"), l.days),
                    None => String::new(),
                };
                pii.text(&format!("{}{when}", l.what)).into_owned()
            })
            .collect();
        b.push(d);
    }
    let data = Data {
        hist: g.continued,
        codes,
        files,
        b,
    };
    // Serialising plain strings and numbers cannot fail; were it to, the page still opens
    // (every row then says it has no findings) rather than the check failing.
    let json = serde_json::to_string(&data).unwrap_or_else(|_| "{\"b\":[]}".to_string());
    out.push_str("<script type=\"application/json\" id=\"orglife-data\">");
    inert_json(out, &json);
    out.push_str("</script>\n");
    Ok(())
}

/// JSON that no HTML parser can end early: `<`, `>` and `&` (only ever inside strings) as
/// `\u` escapes, which JSON.parse reads back as the same characters.
fn inert_json(out: &mut String, json: &str) {
    let mut last = 0;
    for (i, c) in json.char_indices() {
        let rep = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.push_str(&json[last..i]);
        out.push_str(rep);
        last = i + c.len_utf8();
    }
    out.push_str(&json[last..]);
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_cannot_close_its_script_element() {
        let mut out = String::new();
        super::inert_json(&mut out, r#"{"m":"</script><b>&amp;"}"#);
        assert_eq!(out, r#"{"m":"\u003c/script\u003e\u003cb\u003e\u0026amp;"}"#);
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["m"], "</script><b>&amp;");
    }
}
