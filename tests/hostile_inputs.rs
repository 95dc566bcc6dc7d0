//! What fuzzing taught (fuzz/README.md): hostile files cost one S002 each, never the run.
//! Every file under tests/fixtures/fuzzed/ and every fuzz seed (fuzz/seeds/) is read here
//! on stable, so a crash the fuzzers found stays fixed without nightly.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use common::*;
use orglife::campaign::Campaign;
use orglife::campaign::Limits;
use orglife::ingest::file::{ParsedFile, ReadCtx, parse_file};
use orglife::model::FileEntry;

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn parse(bytes: &[u8], ext: &str) -> std::thread::Result<ParsedFile> {
    let limits = Limits::default();
    let campaign = orglife::campaign::Campaign::embedded();
    let cx = ReadCtx {
        year: 2024,
        as_of: date("2024-09-10"),
        limits: &limits,
        campaign: &campaign,
    };
    let entry = FileEntry {
        path: format!("x.{ext}"),
        ..FileEntry::default()
    };
    catch_unwind(AssertUnwindSafe(|| parse_file(entry, 0, bytes, ext, cx)))
}

#[test]
fn fuzz_seeds_read_without_a_finding_of_unreadability() {
    for (target, ext) in [
        ("read_xlsx", "xlsx"),
        ("read_xls", "xls"),
        ("read_ods", "ods"),
        ("read_xlsb", "xlsb"),
        ("read_csv", "csv"),
    ] {
        let files = files_in(&repo(&format!("fuzz/seeds/{target}")));
        assert!(!files.is_empty(), "{target} has seeds");
        for f in files {
            let p = parse(&std::fs::read(&f).unwrap(), ext)
                .unwrap_or_else(|_| panic!("{} panicked", f.display()));
            assert!(!p.unreadable, "{}: {:?}", f.display(), p.findings);
            assert!(!p.sheets.is_empty(), "{}", f.display());
        }
    }
    for f in files_in(&repo("fuzz/seeds/campaign_toml")) {
        let text = std::fs::read_to_string(&f).unwrap();
        Campaign::parse(&text, "campaign.toml").unwrap();
    }
}

#[test]
fn xlsb_huge_date_serial_does_not_panic() {
    // read_xlsb's crash: an RK cell in a date style holding about 1e300 made calamine's
    // as_datetime panic in chrono (grid::convert now keeps it a number). The fuzzer's input
    // is damaged further on, so it still ends as an S002, from calamine's error.
    let bytes = std::fs::read(fixture("fuzzed/xlsb_huge_date_serial.xlsb")).unwrap();
    let p = parse(&bytes, "xlsb").expect("no panic");
    assert!(p.unreadable);
}

#[test]
fn xlsb_seed_is_read_as_a_roster() {
    let bytes = std::fs::read(repo("fuzz/seeds/read_xlsb/roster.xlsb")).unwrap();
    let p = parse(&bytes, "xlsb").unwrap();
    assert_eq!(p.entry.sheets[0].name, "党员花名册");
    assert_eq!(p.entry.sheets[0].read, 2, "{:?}", p.entry.sheets[0]);
}

/// Inputs that once crashed, hung or exhausted a reader: each is one S002 with a Chinese
/// reason, and the run goes on (exit 0, nothing on stderr: main.rs keeps panics silent).
#[test]
fn hostile_files_are_one_s002_each() {
    let hostile = files_in(&fixture("fuzzed"));
    assert!(!hostile.is_empty());
    let dir = tempfile::tempdir().unwrap();
    for f in &hostile {
        std::fs::copy(f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    let (out, o) = check(dir.path(), &["--as-of", "2024-09-10"]);
    assert_quiet_success(&out);
    let rows = read_findings_csv(o.path());
    for f in &hostile {
        let name = f.file_name().unwrap().to_string_lossy();
        let s002: Vec<_> = rows
            .iter()
            .filter(|r| r["code"] == "S002" && r["file"] == name)
            .collect();
        assert_eq!(s002.len(), 1, "{name}: {rows:?}");
        let msg = &s002[0]["message"];
        assert!(msg.starts_with("无法读取：") && msg.contains("请"), "{msg}");
    }
}

/// calamine 0.38 panics (index out of bounds) on an .xlsb sheet naming a relationship the
/// workbook lacks; no check before calamine could see it short of parsing BIFF12 ourselves.
/// The per-file catch_unwind in ingest turns the panic into an S002.
#[test]
fn calamine_panic_becomes_s002() {
    let path = fixture("fuzzed/xlsb_unknown_relationship.xlsb");
    let bytes = std::fs::read(&path).unwrap();
    // The panic is real (this is what read_one catches)…
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let direct = parse(&bytes, "xlsb");
    std::panic::set_hook(hook);
    assert!(
        direct.is_err(),
        "calamine no longer panics here: update the test"
    );
    // …and ingest makes it one S002 for the file.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&path, dir.path().join("支部台账.xlsb")).unwrap();
    let (model, findings) = ingest_at(dir.path(), "2024-09-10");
    let s002 = codes_at(&findings, "S002");
    assert_eq!(s002.len(), 1, "{findings:?}");
    assert!(
        s002[0].message.contains("文件可能已损坏"),
        "{}",
        s002[0].message
    );
    assert!(!model.files[0].error.is_empty());
}
