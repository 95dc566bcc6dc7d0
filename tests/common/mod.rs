//! Shared helpers for the integration tests: run ingest on a fixture folder, run the built
//! binary in a temporary output folder, read findings.csv back.
#![allow(dead_code)]

pub mod base_town;

use std::path::{Path, PathBuf};
use std::process::Output;

use chrono::NaiveDate;
use orglife::campaign::Campaign;
use orglife::finding::Finding;
use orglife::ingest::{Options, ingest};
use orglife::model::PDate;
use orglife::model::{Branch, FileEntry, Model, Prov};

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Copy a folder's files (and folders) into `to`, e.g. a fixture into a temp folder a test
/// may change.
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let p = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&p).unwrap();
        } else {
            std::fs::copy(e.path(), &p).unwrap();
        }
    }
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn ingest_at(input: &Path, as_of: &str) -> (Model, Vec<Finding>) {
    ingest_with(input, as_of, &Campaign::embedded())
}

pub fn ingest_with(input: &Path, as_of: &str, campaign: &Campaign) -> (Model, Vec<Finding>) {
    let noop = || {};
    let found = |_: usize| {};
    let opts = Options {
        input,
        register: None,
        exclude: Vec::new(),
        as_of: date(as_of),
        campaign,
        on_found: &found,
        on_file: &noop,
    };
    let read = ingest(&opts);
    (read.model, read.findings)
}

pub fn branch<'a>(model: &'a Model, key: &str) -> &'a Branch {
    model
        .branches
        .iter()
        .find(|b| b.name.contains(key))
        .unwrap_or_else(|| panic!("no branch {key}"))
}

pub fn file<'a>(model: &'a Model, suffix: &str) -> &'a FileEntry {
    model
        .files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no file {suffix}"))
}

/// (file path, sheet name, A1) of a provenance.
pub fn place(model: &Model, p: Prov) -> (String, String, String) {
    let f = &model.files[p.file() as usize];
    (
        f.path.clone(),
        f.sheets[p.sheet() as usize].name.clone(),
        p.a1(),
    )
}

/// (sheet, A1) of a provenance: enough when the file is known.
pub fn at(model: &Model, p: Prov) -> String {
    let (_, sheet, cell) = place(model, p);
    format!("{sheet}!{cell}")
}

pub fn ymd(p: &PDate) -> String {
    match p.precision {
        orglife::model::Precision::Day => p.date.format("%Y-%m-%d").to_string(),
        orglife::model::Precision::Month => p.date.format("%Y-%m").to_string(),
    }
}

pub fn codes_at<'a>(findings: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

/// The built binary, with a data folder of its own: its default history (SPEC §8, kept in
/// the user's data folder) starts empty for every run, so that tests running the same input
/// side by side neither see each other's rounds nor write into the developer's own folder.
/// Tests of the history name a file with `--history`.
pub fn orglife() -> std::process::Command {
    static DATA: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let base = DATA.get_or_init(|| tempfile::tempdir().unwrap());
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_orglife"));
    c.env("XDG_DATA_HOME", base.path().join(n.to_string()));
    c
}

/// Run the built binary; returns its output.
pub fn run(args: &[&str]) -> Output {
    orglife().args(args).output().expect("binary runs")
}

/// Run `orglife check INPUT --out <tmp> ARGS…`; returns the output and the temp dir.
/// The run finished (exit 0) and printed nothing on stderr: no panic, no debug dump.
pub fn assert_quiet_success(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(out.stderr.is_empty(), "no panic or debug output: {stderr}");
}

pub fn check(input: &Path, extra: &[&str]) -> (Output, tempfile::TempDir) {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec![
        "check".to_string(),
        input.display().to_string(),
        "--out".to_string(),
        out.path().display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    (run(&refs), out)
}

/// findings.csv rows as string maps keyed by the header.
pub fn read_findings_csv(dir: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = std::fs::read(dir.join("findings.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "findings.csv starts with a UTF-8 BOM"
    );
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A sheet of an output workbook as text, row by row (numbers as written, whole ones without
/// a decimal point).
pub fn sheet_text(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

/// A cell of an output workbook as text (a whole number without a decimal point).
pub fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// `check INPUT --as-of AS_OF --out OUT --history HISTORY`: one of a clerk's rounds, as it
/// ended (see [`check_round`] for one that must end cleanly).
pub fn round_output(input: &Path, out: &Path, history: &Path, as_of: &str) -> Output {
    run(&[
        "check",
        input.to_str().unwrap(),
        "--as-of",
        as_of,
        "--out",
        out.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
    ])
}

/// One of a clerk's rounds, which must end cleanly.
pub fn check_round(input: &Path, out: &Path, history: &Path, as_of: &str) -> Output {
    let o = round_output(input, out, history, as_of);
    assert_quiet_success(&o);
    o
}

/// 杨湾村's roster (GBK CSV, as a village clerk's Excel saves it) no longer marks 谭永福 as
/// 年老体弱、困难党员: C003 (a special member nobody talked with) is fixed; C002 (no
/// committee member talked with him) stands.
pub fn correct_yangwan_roster(input: &Path) {
    let p = input.join("杨湾村/杨湾村党员花名册.csv");
    let bytes = std::fs::read(&p).unwrap();
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad);
    assert!(text.contains(",年老体弱、困难党员,"));
    let fixed = text.replace(",年老体弱、困难党员,", ",无,");
    let (bytes, _, _) = encoding_rs::GBK.encode(&fixed);
    std::fs::write(&p, bytes).unwrap();
}

/// LibreOffice's command, when installed. Without it the calling test is SKIPPED (said on
/// stderr, naming `what` did not run), unless ORGLIFE_REQUIRE_SOFFICE (set by `.ci/run` once
/// it installed LibreOffice) makes that a failure.
pub fn soffice(what: &str) -> Option<String> {
    for cand in ["soffice", "libreoffice"] {
        if std::process::Command::new(cand)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(cand.to_string());
        }
    }
    if std::env::var_os("ORGLIFE_REQUIRE_SOFFICE").is_some() {
        panic!("LibreOffice (soffice) is required here but was not found");
    }
    eprintln!("SKIPPED: LibreOffice (soffice) not installed; {what} did not run");
    None
}
