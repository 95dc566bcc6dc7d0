//! Which registered branch a return belongs to: branch names folded as SPEC §6 says, then an
//! exact match, else a unique containment match.

use crate::text::{fold_name, is_han};

/// Suffixes dropped from branch names, longest first (SPEC §6); only one is dropped.
const SUFFIXES: &[&str] = &[
    "党总支部委员会",
    "党支部委员会",
    "总支部委员会",
    "支部委员会",
    "党总支部",
    "党总支",
    "党支部",
    "总支",
    "支部",
];

/// Drop a leading township: the configured name, else the first run of 1–6 Han characters
/// ending in 镇, 乡 or 街道. Never leaves an empty name.
fn drop_township<'a>(s: &'a str, township: Option<&str>) -> &'a str {
    if let Some(t) = township {
        let t = fold_name(t);
        return match s.strip_prefix(t.as_str()) {
            Some(rest) if !rest.is_empty() => rest,
            _ => s,
        };
    }
    for (han, (i, c)) in s.char_indices().enumerate() {
        if !is_han(c) || han >= 7 {
            break;
        }
        let end = i + c.len_utf8();
        let is_end = matches!(c, '镇' | '乡') || (c == '道' && s[..i].ends_with('街'));
        if is_end && end < s.len() {
            return &s[end..];
        }
    }
    s
}

/// The folded form branch names are compared in: NFKC, no white space, no 中共/中国共产党,
/// no township, no 党支部-style suffix.
pub fn branch_key(name: &str, township: Option<&str>) -> String {
    let mut s = fold_name(name);
    for p in ["中国共产党", "中共"] {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest.to_string();
        }
    }
    let s = drop_township(&s, township).to_string();
    for suffix in SUFFIXES {
        if let Some(rest) = s.strip_suffix(suffix)
            && !rest.is_empty()
        {
            return rest.to_string();
        }
    }
    s
}

/// Matches text that names a branch (a 支部名称 cell, a title, a file or folder name) to the
/// register.
pub struct Matcher {
    keys: Vec<String>,
    township: Option<String>,
}

impl Matcher {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>, township: Option<&str>) -> Self {
        Matcher {
            keys: names.into_iter().map(|n| branch_key(n, township)).collect(),
            township: township.map(str::to_string),
        }
    }

    /// Index of the registered branch `text` names: an exact match of the folded names, else
    /// the one key contained in the text (or containing it). When several keys are contained,
    /// the longest wins if it contains all the others (`新红星村` over `红星村`); otherwise
    /// the text is ambiguous and matches nothing.
    pub fn find(&self, text: &str) -> Option<usize> {
        let key = branch_key(text, self.township.as_deref());
        if key.is_empty() {
            return None;
        }
        if let Some(i) = self.keys.iter().position(|k| *k == key) {
            return Some(i);
        }
        let short = key.chars().count() < 2;
        let cands: Vec<usize> = (0..self.keys.len())
            .filter(|&i| {
                let k = &self.keys[i];
                !k.is_empty() && (key.contains(k.as_str()) || (!short && k.contains(key.as_str())))
            })
            .collect();
        match cands.as_slice() {
            [] => None,
            [one] => Some(*one),
            many => {
                let longest = *many.iter().max_by_key(|&&i| self.keys[i].len())?;
                let all_inside = many
                    .iter()
                    .all(|&i| self.keys[longest].contains(self.keys[i].as_str()));
                let unique_longest = many
                    .iter()
                    .filter(|&&i| self.keys[i].len() == self.keys[longest].len())
                    .count()
                    == 1;
                (all_inside && unique_longest).then_some(longest)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_names_fold_as_spec_says() {
        assert_eq!(
            branch_key("中共青林镇红星村党支部", Some("青林镇")),
            "红星村"
        );
        assert_eq!(branch_key("青林镇红星村党支部", None), "红星村");
        assert_eq!(branch_key("红星村 党总支", None), "红星村");
        assert_eq!(branch_key("红星村支部委员会", None), "红星村");
        assert_eq!(branch_key("红星村党总支部委员会", None), "红星村");
        assert_eq!(branch_key("中国共产党白沙村支部", None), "白沙村");
        assert_eq!(branch_key("城关街道东风社区党支部", None), "东风社区");
        assert_eq!(branch_key("ＡＢ街道东风社区党支部", None), "AB街道东风社区");
        assert_eq!(branch_key("青林乡财政所党支部", None), "财政所");
        // Only one suffix goes: 总支 stays when 支部 was dropped.
        assert_eq!(branch_key("机关总支支部", None), "机关总支");
        // A name that is only a township keeps it.
        assert_eq!(branch_key("青林镇", None), "青林镇");
        // A configured township is the only one dropped.
        assert_eq!(
            branch_key("青林镇红星村党支部", Some("柳林镇")),
            "青林镇红星村"
        );
    }

    #[test]
    fn exact_then_unique_containment() {
        let m = Matcher::new(
            [
                "青林镇红星村党支部",
                "青林镇新红星村党支部",
                "财政所党支部",
                "白沙村党支部",
            ],
            None,
        );
        assert_eq!(m.find("红星村"), Some(0));
        assert_eq!(m.find("中共青林镇红星村党支部委员会"), Some(0));
        assert_eq!(m.find("青林镇红星村党支部党员花名册"), Some(0));
        assert_eq!(m.find("新红星村台账"), Some(1));
        assert_eq!(m.find("财政所"), Some(2));
        assert_eq!(m.find("2024年8月"), None);
        assert_eq!(m.find("白沙村与红星村联合台账"), None);
        assert_eq!(m.find("村"), None);
    }
}
