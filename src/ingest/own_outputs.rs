//! orglife's own outputs lying in the input folder (SPEC §8): an earlier `--out` folder, an
//! archive, a `remind` folder, or a marked 汇总.xlsx on its own. They are recognised cheaply,
//! by what orglife writes (a marked workbook, findings.csv's header, the manifest's `tool`),
//! never read as returns, and named once each in [`Skipped`].

use std::io::Read;
use std::path::Path;

use crate::model::outputs::{
    FINDINGS_CSV, FINDINGS_CSV_HEADER, MANIFEST, MARKER, REMINDERS, REPORT_HTML, REPORT_HTML_MARK,
    SUMMARY, Skipped,
};

/// What an output folder holds, when `dir` is one: an archive (our manifest.json), a `check`
/// folder (our findings.csv, written by every `check`, `--quick` too) or a `remind` folder (a
/// marked 催办名单.xlsx beside 催办/). A marked workbook alone does not make its folder ours:
/// someone may have dropped a 汇总.xlsx among the returns ([`file`] skips it by itself).
pub fn folder(dir: &Path) -> Option<&'static str> {
    if manifest_is_ours(&dir.join(MANIFEST)) {
        Some("归档")
    } else if findings_csv(&dir.join(FINDINGS_CSV)) {
        Some("检查结果")
    } else if dir.join("催办").is_dir() && marked(&dir.join(REMINDERS)) {
        Some("催办结果")
    } else {
        None
    }
}

/// What a loose file is, when it is a marked workbook of ours (a 汇总.xlsx copied on its own).
pub fn file(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_string_lossy();
    if name == SUMMARY && marked(path) {
        Some("汇总表")
    } else if name == REMINDERS && marked(path) {
        Some("催办名单")
    } else if name == REPORT_HTML && report_html(path) {
        Some("检查报告")
    } else {
        None
    }
}

/// A skipped folder or file, relative to the input.
pub fn skipped(rel: String, is_dir: bool, what: &'static str) -> Skipped {
    Skipped {
        path: if is_dir { format!("{rel}/") } else { rel },
        what,
    }
}

/// The first bytes of a file, at most `n`.
fn head(path: &Path, n: u64) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    f.take(n).read_to_end(&mut buf).ok()?;
    Some(buf)
}

/// manifest.json written by `orglife archive`: `"tool": "orglife"` near its top.
fn manifest_is_ours(path: &Path) -> bool {
    head(path, 512).is_some_and(|b| {
        let t = String::from_utf8_lossy(&b);
        let t: String = t.split_whitespace().collect();
        t.starts_with('{') && t.contains(&format!("\"tool\":\"{}\"", env!("CARGO_PKG_NAME")))
    })
}

/// findings.csv as `check` writes it: BOM, then exactly our header.
pub fn findings_csv(path: &Path) -> bool {
    head(path, 128).is_some_and(|b| {
        let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&b);
        b.starts_with(FINDINGS_CSV_HEADER.as_bytes())
            && matches!(b.get(FINDINGS_CSV_HEADER.len()), Some(b'\r' | b'\n'))
    })
}

/// 报告.html as `check` writes it: our generator mark in its first lines. (Not a spreadsheet,
/// it would otherwise be read as a stray file, an S007.)
pub fn report_html(path: &Path) -> bool {
    head(path, 512).is_some_and(|b| String::from_utf8_lossy(&b).contains(REPORT_HTML_MARK))
}

/// An xlsx whose custom document properties hold [`MARKER`]. Only the zip directory and one
/// small part are read.
pub fn marked(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(f)) else {
        return false;
    };
    let Ok(part) = zip.by_name("docProps/custom.xml") else {
        return false;
    };
    let mut xml = String::new();
    if part.take(64 * 1024).read_to_string(&mut xml).is_err() {
        return false;
    }
    xml.contains(&format!("name=\"{MARKER}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_with_our_findings_csv_is_an_output() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(folder(dir.path()), None);
        let csv = dir.path().join(FINDINGS_CSV);
        std::fs::write(&csv, "code,severity\r\n").unwrap();
        assert_eq!(folder(dir.path()), None, "another program's findings.csv");
        std::fs::write(&csv, format!("\u{feff}{FINDINGS_CSV_HEADER}\r\n")).unwrap();
        assert_eq!(folder(dir.path()), Some("检查结果"));
    }

    #[test]
    fn a_folder_with_our_manifest_is_an_archive() {
        let dir = tempfile::tempdir().unwrap();
        let m = dir.path().join(MANIFEST);
        std::fs::write(&m, "{\n  \"tool\": \"other\"\n}").unwrap();
        assert_eq!(folder(dir.path()), None);
        std::fs::write(&m, "{\n  \"tool\": \"orglife\",\n  \"version\": \"0\"\n}").unwrap();
        assert_eq!(folder(dir.path()), Some("归档"));
    }

    #[test]
    fn a_report_page_is_ours_only_with_our_mark() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(REPORT_HTML);
        std::fs::write(&p, "<!DOCTYPE html><html><head><title>报告</title>").unwrap();
        assert_eq!(file(&p), None, "someone else's 报告.html");
        std::fs::write(&p, format!("<!DOCTYPE html><html><head>{REPORT_HTML_MARK}")).unwrap();
        assert_eq!(file(&p), Some("检查报告"));
    }

    #[test]
    fn an_unmarked_workbook_is_not_ours() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(SUMMARY);
        std::fs::write(&p, b"PK\x03\x04 not really").unwrap();
        assert!(!marked(&p));
        assert_eq!(file(&p), None);
    }
}
