//! The model's column table as the reader looks it up: which kind and column a folded header
//! text can name, and which kind a sheet name says.

use std::sync::LazyLock;

use crate::model::schema::{SPECS, SheetKind};
use crate::text::fold_header;

/// What a folded header text can mean in a kind: a column (by index into `columns`), and
/// whether it was the standard name (preferred over an alias when both appear).
#[derive(Clone, Copy, Debug)]
pub struct HeaderHit {
    pub kind: SheetKind,
    pub column: usize,
    pub standard: bool,
    /// The text names this column in no other kind, so it tells the kind of a sheet.
    pub distinctive: bool,
}

/// Folded header text → every (kind, column) it can name.
/// Looked up for every cell of a sheet's first rows, against our own keys: a fast hasher
/// (SipHash was a twentieth of reading).
pub static HEADER_INDEX: LazyLock<foldhash::HashMap<String, Vec<HeaderHit>>> =
    LazyLock::new(|| {
        let mut map: foldhash::HashMap<String, Vec<HeaderHit>> = foldhash::HashMap::default();
        for s in &SPECS {
            for (i, c) in s.columns.iter().enumerate() {
                // Headers that name the field only by their values are looked up like
                // aliases; `header::settle_by_values` then keeps or drops them.
                let names = std::iter::once((c.name, true))
                    .chain(c.aliases.iter().chain(c.by_value).map(|a| (*a, false)));
                for (name, standard) in names {
                    let entry = map.entry(fold_header(name)).or_default();
                    if !entry.iter().any(|h| h.kind == s.kind && h.column == i) {
                        entry.push(HeaderHit {
                            kind: s.kind,
                            column: i,
                            standard,
                            distinctive: false,
                        });
                    }
                }
            }
        }
        // 基本情况 is recognised by its own layout (key/value), so its keys do not make a table
        // header ambiguous: 支部名称 still tells a 支部名册.
        for hits in map.values_mut() {
            let mut kinds = hits
                .iter()
                .map(|h| h.kind)
                .filter(|k| *k != SheetKind::Info);
            let single_kind = kinds.next().is_some_and(|first| kinds.all(|k| k == first));
            for h in hits.iter_mut() {
                h.distinctive = single_kind && h.kind != SheetKind::Info;
            }
        }
        map
    });

/// Whether a folded text may be (or, less a trailing note, be) a key of [`HEADER_INDEX`], by
/// its first character: a bitmap of the keys' first characters, so that the data cells among
/// a sheet's first rows are ruled out without hashing them. (False positives only cost a
/// lookup.)
pub fn may_name_column(text: &str) -> bool {
    static FIRST: LazyLock<[u64; 16]> = LazyLock::new(|| {
        let mut bits = [0u64; 16];
        for key in HEADER_INDEX.keys() {
            if let Some(c) = key.chars().next() {
                let b = c as usize % 1024;
                bits[b / 64] |= 1 << (b % 64);
            }
        }
        bits
    });
    text.chars().next().is_some_and(|c| {
        let b = c as usize % 1024;
        FIRST[b / 64] & (1 << (b % 64)) != 0
    })
}

/// The kind a sheet (or CSV file stem) name says, if any: an exact alias, else the longest
/// alias the name contains (`红星村党员花名册` → 党员花名册, not 基本信息).
pub fn kind_from_name(name: &str) -> Option<SheetKind> {
    let folded = fold_header(name);
    let folded = folded
        .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | '、' | '-' | '_'));
    let mut best: Option<(usize, SheetKind)> = None;
    for s in &SPECS {
        for alias in s.sheet_aliases {
            if folded == *alias {
                return Some(s.kind);
            }
            if folded.contains(alias) && best.is_none_or(|(len, _)| alias.len() > len) {
                best = Some((alias.len(), s.kind));
            }
        }
    }
    best.map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::SheetKind;

    #[test]
    fn sheet_names_give_kinds() {
        assert_eq!(kind_from_name("党员花名册"), Some(SheetKind::Roster));
        assert_eq!(kind_from_name("1.党员花名册"), Some(SheetKind::Roster));
        assert_eq!(
            kind_from_name("红星村党员基本信息"),
            Some(SheetKind::Roster)
        );
        assert_eq!(kind_from_name("基本信息"), Some(SheetKind::Info));
        assert_eq!(kind_from_name("整改落实情况"), Some(SheetKind::Results));
        assert_eq!(kind_from_name("查摆问题清单"), Some(SheetKind::Problems));
        assert_eq!(
            kind_from_name("整改项目清单"),
            Some(SheetKind::Rectifications)
        );
        assert_eq!(kind_from_name("青山村会议记录"), Some(SheetKind::Meetings));
        assert_eq!(kind_from_name("Sheet1"), None);
        assert_eq!(kind_from_name("说明"), None);
    }

    #[test]
    fn distinctive_headers_name_one_kind_only() {
        let hit = |h: &str| HEADER_INDEX.get(h).map(|v| v[0].distinctive);
        assert_eq!(hit("谈话对象"), Some(true));
        assert_eq!(hit("日期"), Some(false));
        assert_eq!(hit("编号"), Some(false));
        assert_eq!(hit("整改时限"), Some(true));
    }
}
