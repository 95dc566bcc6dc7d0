//! The house's shape, held by a test that reads the source: data flows one way (face →
//! ingest → model → rules → report, with the campaign beside them), no module reaches back up
//! the chain, no two modules import each other, and files and functions stay a size a person
//! can read. A rule importing ingest, or a report importing the reader's internals, fails here.
//!
//! Imports are read from the code itself (every `crate::…`, `super::…` and grouped
//! `use crate::{…}` path), with comments, strings and test code set aside: tests may reach
//! anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module may import. The floors, lowest first: `text` (string helpers),
/// `finding` (codes and findings), `history` (rounds between checks: it sees findings only),
/// `model` (the shared words and the records), `campaign` (the notice as data); then `ingest`
/// and `rules`, which never see each other; `analysis` (one run); `report` (writers only); and
/// the faces `cli`, `cmd`.
const ALLOWED: &[(&str, &[&str])] = &[
    ("text", &[]),
    ("finding", &["text"]),
    ("history", &["finding", "text"]),
    ("model", &["finding", "text"]),
    ("campaign", &["model", "finding", "text"]),
    ("ingest", &["campaign", "model", "finding", "text"]),
    ("rules", &["campaign", "model", "finding", "text"]),
    (
        "analysis",
        &[
            "ingest", "rules", "history", "campaign", "model", "finding", "text",
        ],
    ),
    (
        "report",
        &[
            "analysis", "rules", "history", "campaign", "model", "finding", "text",
        ],
    ),
    ("cli", &[]),
    (
        "cmd",
        &[
            "cli", "report", "analysis", "rules", "history", "campaign", "model", "finding", "text",
        ],
    ),
];

/// Imports across the floors above that are allowed, each with its reason.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "report::feedback::regenerate",
    "ingest",
    "a feedback copy of a branch's .xls/.ods/.csv is rebuilt from its own cells, read again",
)];

/// The format readers of ingest see the cell types, never the dispatcher that calls them.
const READERS: &[&str] = &[
    "xlsx_fast",
    "xlsx_merges",
    "xls_guard",
    "ods_guard",
    "csv_file",
];

const MAX_FILE_LINES: usize = 1_000;
const MAX_FN_LINES: usize = 150;

#[derive(Debug)]
struct Import {
    /// Absolute path of the item imported, as segments (`["ingest", "cell", "Cell"]`).
    path: Vec<String>,
    line: usize,
}

struct SourceFile {
    /// Module path (`["ingest", "cell"]`; the crate root is empty).
    module: Vec<String>,
    rel: PathBuf,
    /// The code with comments and literals blanked and test code removed, line by line.
    code: Vec<String>,
    imports: Vec<Import>,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The text with comments, string and char literals replaced by spaces (line breaks kept),
/// so that a path in a doc comment or a message is not taken for an import.
fn blank_comments_and_literals(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    while i < c.len() {
        let at = |k: usize| c.get(k).copied();
        if c[i] == '/' && at(i + 1) == Some('/') {
            while i < c.len() && c[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c[i] == '/' && at(i + 1) == Some('*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == Some('*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == Some('/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
        } else if (c[i] == 'r' || (c[i] == 'b' && at(i + 1) == Some('r')))
            && !c
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
            && {
                let mut k = i + if c[i] == 'b' { 2 } else { 1 };
                while c.get(k) == Some(&'#') {
                    k += 1;
                }
                c.get(k) == Some(&'"')
            }
        {
            // Raw string: r"…", r#"…"#, br"…".
            let mut k = i + if c[i] == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c[k] == '#' {
                hashes += 1;
                k += 1;
            }
            for _ in i..=k {
                out.push(' ');
            }
            i = k + 1;
            while i < c.len() {
                if c[i] == '"' && (0..hashes).all(|h| c.get(i + 1 + h) == Some(&'#')) {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(c[i]));
                i += 1;
            }
        } else if c[i] == '"' {
            out.push(' ');
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < c.len() {
                    out.push(blank(c[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c[i] == '\'' {
            // A char literal ('x', '\n', '\u{3000}', '"'); otherwise a lifetime.
            let end = if at(i + 1) == Some('\\') {
                (i + 2..c.len().min(i + 12)).find(|&k| c[k] == '\'')
            } else if at(i + 2) == Some('\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    for _ in i..=e {
                        out.push(' ');
                    }
                    i = e + 1;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// The last line of the item starting at line `start`: where its braces close, or its `;`
/// when it has no body.
fn item_end(lines: &[String], start: usize) -> usize {
    let (mut depth, mut opened) = (0i32, false);
    for (j, line) in lines.iter().enumerate().skip(start) {
        for ch in line.chars() {
            match ch {
                '{' => {
                    depth += 1;
                    opened = true;
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
        if (opened && depth == 0) || (!opened && line.trim_end().ends_with(';')) {
            return j;
        }
    }
    lines.len().saturating_sub(1)
}

/// Blank every item marked `#[cfg(test)]` (the test module, test helpers): tests may import
/// what they like.
fn drop_test_items(lines: &mut [String]) {
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            let end = item_end(lines, i);
            lines[i..=end].iter_mut().for_each(String::clear);
            i = end + 1;
        } else {
            i += 1;
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path starting at `crate::`, `super::` or `self::` in a line, made absolute. A group
/// (`crate::{a, b::c}`) gives one path per member; a group spanning lines is followed to its
/// end.
fn paths_in(code: &[String], module: &[String]) -> Vec<Import> {
    let text: String = code.join("\n");
    let c: Vec<char> = text.chars().collect();
    let line_at = |pos: usize| c[..pos].iter().filter(|&&ch| ch == '\n').count() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        let starts = |word: &str| {
            word.chars()
                .enumerate()
                .all(|(k, w)| c.get(i + k) == Some(&w))
                && !c
                    .get(i.wrapping_sub(1))
                    .is_some_and(|&p| is_ident(p) || p == ':')
        };
        let base: Option<(Vec<String>, usize)> = if starts("crate::") {
            Some((Vec::new(), 7))
        } else if starts("super::") || starts("self::") {
            // `super::super::x` climbs twice; `self::x` stays. A file's module is itself.
            let mut m = module.to_vec();
            let mut k = i;
            loop {
                if c[k..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                    m.pop();
                    k += 7;
                } else if c[k..].starts_with(&['s', 'e', 'l', 'f', ':', ':']) {
                    k += 6;
                } else {
                    break;
                }
            }
            Some((m, k - i))
        } else {
            None
        };
        let Some((prefix, skip)) = base else {
            i += 1;
            continue;
        };
        let line = line_at(i);
        let mut k = i + skip;
        collect_tree(&c, &mut k, prefix, line, &mut out);
        i = k.max(i + 1);
    }
    out
}

/// Reads `a::b::{c, d::e}` from `k`, pushing each full path.
fn collect_tree(
    c: &[char],
    k: &mut usize,
    mut prefix: Vec<String>,
    line: usize,
    out: &mut Vec<Import>,
) {
    loop {
        while c.get(*k).is_some_and(|ch| ch.is_whitespace()) {
            *k += 1;
        }
        if c.get(*k) == Some(&'{') {
            *k += 1;
            loop {
                collect_tree(c, k, prefix.clone(), line, out);
                while c.get(*k).is_some_and(|ch| ch.is_whitespace()) {
                    *k += 1;
                }
                match c.get(*k) {
                    Some(',') => *k += 1,
                    Some('}') => {
                        *k += 1;
                        return;
                    }
                    _ => return,
                }
                while c.get(*k).is_some_and(|ch| ch.is_whitespace()) {
                    *k += 1;
                }
                if c.get(*k) == Some(&'}') {
                    *k += 1;
                    return;
                }
            }
        }
        let start = *k;
        while c.get(*k).is_some_and(|&ch| is_ident(ch)) {
            *k += 1;
        }
        if start == *k {
            if !prefix.is_empty() {
                out.push(Import { path: prefix, line });
            }
            return;
        }
        prefix.push(c[start..*k].iter().collect());
        if c.get(*k) == Some(&':') && c.get(*k + 1) == Some(&':') {
            *k += 2;
        } else {
            out.push(Import { path: prefix, line });
            return;
        }
    }
}

fn read_sources() -> Vec<SourceFile> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap().to_path_buf();
            let module = module_of(&rel);
            let text = std::fs::read_to_string(&p).unwrap();
            let mut code: Vec<String> = blank_comments_and_literals(&text)
                .split('\n')
                .map(str::to_string)
                .collect();
            // A file that is itself a test module (`#[cfg(test)] mod tests;`) is test code.
            if module.last().is_some_and(|m| m == "tests") {
                code.iter_mut().for_each(String::clear);
            }
            drop_test_items(&mut code);
            let imports = paths_in(&code, &module);
            SourceFile {
                module,
                rel,
                code,
                imports,
            }
        })
        .collect()
}

fn top(module: &[String]) -> &str {
    module.first().map_or("", String::as_str)
}

/// The top-level modules each module imports, with one place each was seen.
fn top_level_edges(files: &[SourceFile]) -> BTreeMap<(String, String), String> {
    let mut edges = BTreeMap::new();
    for f in files {
        let from = top(&f.module);
        if from.is_empty() || f.rel.to_string_lossy() == "main.rs" {
            continue;
        }
        for imp in &f.imports {
            let to = top(&imp.path);
            if to != from && !to.is_empty() {
                edges
                    .entry((from.to_string(), to.to_string()))
                    .or_insert_with(|| format!("{}:{}", f.rel.display(), imp.line));
            }
        }
    }
    edges
}

#[test]
fn every_floor_imports_only_the_floors_below_it() {
    let files = read_sources();
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for f in &files {
        let from = top(&f.module);
        if from.is_empty() {
            continue;
        }
        let may = allowed
            .get(from)
            .unwrap_or_else(|| panic!("module `{from}` has no floor in ALLOWED"));
        let here = f.module.join("::");
        for imp in &f.imports {
            let to = top(&imp.path);
            if to == from || to.is_empty() || may.contains(&to) {
                continue;
            }
            let excused = EXCEPTIONS
                .iter()
                .any(|(m, target, _)| *m == here && *target == to);
            if !excused {
                wrong.push(format!(
                    "{}:{}: `{here}` imports `{}`",
                    f.rel.display(),
                    imp.line,
                    imp.path.join("::")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports across the floors:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_top_level_modules_import_each_other() {
    let edges = top_level_edges(&read_sources());
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        graph.entry(from).or_default().insert(to);
    }
    // Depth-first search for a cycle, reporting its path.
    fn visit<'a>(
        n: &'a str,
        graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        stack: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(at) = stack.iter().position(|s| *s == n) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(n);
            return Some(cycle);
        }
        if !done.insert(n) {
            return None;
        }
        stack.push(n);
        for next in graph.get(n).into_iter().flatten() {
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    for n in graph.keys() {
        if let Some(cycle) = visit(n, &graph, &mut Vec::new(), &mut done) {
            let places: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    format!(
                        "{} → {} ({})",
                        w[0],
                        w[1],
                        edges[&(w[0].to_string(), w[1].to_string())]
                    )
                })
                .collect();
            panic!("a cycle between modules:\n{}", places.join("\n"));
        }
    }
}

#[test]
fn format_readers_see_the_cells_not_the_dispatcher() {
    let files = read_sources();
    let mut wrong = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.module.first().is_some_and(|m| m == "ingest"))
    {
        let Some(sub) = f.module.get(1).map(String::as_str) else {
            continue;
        };
        let reader = READERS.contains(&sub);
        for imp in &f.imports {
            let target = imp.path.get(1).map(String::as_str);
            let bad = if top(&imp.path) != "ingest" || target == Some(sub) {
                false
            } else if sub == "cell" {
                // The cell types know no reader and nothing above them.
                true
            } else if reader {
                !matches!(target, Some("cell")) && !target.is_some_and(|t| READERS.contains(&t))
            } else {
                false
            };
            if bad {
                wrong.push(format!(
                    "{}:{}: `ingest::{sub}` imports `{}`",
                    f.rel.display(),
                    imp.line,
                    imp.path.join("::")
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The number of lines of a file before its test module.
fn lines_before_tests(f: &SourceFile) -> usize {
    let text = std::fs::read_to_string(src().join(&f.rel)).unwrap();
    text.lines()
        .position(|l| l.trim() == "#[cfg(test)]")
        .unwrap_or_else(|| text.lines().count())
}

#[test]
fn no_source_file_passes_a_thousand_lines_before_its_tests() {
    let files = read_sources();
    let long: Vec<String> = files
        .iter()
        .filter(|f| f.module.last().is_none_or(|m| m != "tests"))
        .map(|f| (lines_before_tests(f), f))
        .filter(|(n, _)| *n > MAX_FILE_LINES)
        .map(|(n, f)| format!("{}: {n} lines", f.rel.display()))
        .collect();
    assert!(
        long.is_empty(),
        "split these along their seams:\n{}",
        long.join("\n")
    );
}

/// A function longer than [`MAX_FN_LINES`] says why at its head: a comment line starting
/// `// Long:` among the lines just above it (with its doc and attributes).
#[test]
fn no_function_passes_150_lines_without_saying_why() {
    let mut long = Vec::new();
    for f in read_sources() {
        let raw: Vec<String> = std::fs::read_to_string(src().join(&f.rel))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        for (i, line) in f.code.iter().enumerate() {
            let t = line.trim_start();
            let is_fn = t.starts_with("fn ")
                || t.starts_with("pub fn ")
                || t.starts_with("pub(crate) fn ")
                || t.starts_with("pub(super) fn ")
                || t.starts_with("pub(in ")
                || t.starts_with("const fn ")
                || t.starts_with("pub const fn ");
            if !is_fn || !t.contains("fn ") {
                continue;
            }
            let end = item_end(&f.code, i);
            let n = end - i + 1;
            if n <= MAX_FN_LINES {
                continue;
            }
            let head = raw[i.saturating_sub(12)..i]
                .iter()
                .rev()
                .take_while(|l| {
                    let l = l.trim_start();
                    l.starts_with("//") || l.starts_with("#[")
                })
                .any(|l| l.trim_start().starts_with("// Long:"));
            if !head {
                long.push(format!("{}:{}: {n} lines", f.rel.display(), i + 1));
            }
        }
    }
    assert!(
        long.is_empty(),
        "split these, or say why at their head (`// Long: …`):\n{}",
        long.join("\n")
    );
}

/// The lines of `raw` (1-based) that write a finding code as a string literal (`"T800"`)
/// outside comments and test code: a code is `finding::Code`, and a string compared with one
/// would go on compiling after a typo.
fn string_codes(raw: &str) -> Vec<usize> {
    let before: Vec<String> = blank_comments_and_literals(raw)
        .split('\n')
        .map(str::to_string)
        .collect();
    let mut code = before.clone();
    drop_test_items(&mut code);
    raw.lines()
        .enumerate()
        .filter(|(i, _)| before.get(*i) == code.get(*i))
        .filter(|(_, line)| {
            let line = line.split("//").next().unwrap_or("");
            let b = line.as_bytes();
            b.windows(6).any(|w| {
                w[0] == b'"'
                    && b"SDTCVM".contains(&w[1])
                    && w[2..5].iter().all(u8::is_ascii_digit)
                    && w[5] == b'"'
            })
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[test]
fn finding_codes_are_never_written_as_text() {
    let mut wrong = Vec::new();
    for f in read_sources() {
        let declared = f.module == ["finding", "catalog"];
        if declared || f.module.last().is_some_and(|m| m == "tests") {
            continue;
        }
        let raw = std::fs::read_to_string(src().join(&f.rel)).unwrap();
        for line in string_codes(&raw) {
            wrong.push(format!("{}:{line}", f.rel.display()));
        }
    }
    assert!(
        wrong.is_empty(),
        "write finding::Code::X, not its text:\n{}",
        wrong.join("\n")
    );
    let planted = "fn f(x: &Finding) -> bool {\n    x.code == \"T800\" // \"D001\"\n}\n#[cfg(test)]\nmod tests {\n    const C: &str = \"S001\";\n}\n";
    assert_eq!(string_codes(planted), [2]);
}

/// The reader of this test is itself tested: a planted import of ingest from a rule is found,
/// whatever the form it takes, and paths in comments and strings are not.
#[test]
fn the_import_reader_finds_every_form_of_path() {
    let module = vec!["rules".to_string(), "coverage".to_string()];
    let text = r##"
use crate::ingest::cell::Cell;
use crate::{finding::Finding, ingest::{read, header_index::HEADER_INDEX}};
use super::super::ingest::dates;
use self::inner::Thing;
// use crate::report::summary;
const S: &str = "crate::report::x";
const R: &str = r#"crate::report::y"#;
fn f() { let c = '"'; let d = crate::model::location(files, p); }
#[cfg(test)]
mod tests {
    use crate::report::summary;
}
"##;
    let mut code: Vec<String> = blank_comments_and_literals(text)
        .split('\n')
        .map(str::to_string)
        .collect();
    drop_test_items(&mut code);
    let found: Vec<String> = paths_in(&code, &module)
        .iter()
        .map(|i| i.path.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "ingest::cell::Cell",
            "finding::Finding",
            "ingest::read",
            "ingest::header_index::HEADER_INDEX",
            "ingest::dates",
            "rules::coverage::inner::Thing",
            "model::location",
        ]
    );
}
