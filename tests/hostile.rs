//! Hostile and broken files among valid returns (tests/fixtures/hostile, made by
//! tests/fixtures/gen/make_hostile.py): each bad file is one S002 with a reason that says what
//! to do, the valid branches are read in full, and the run stays cheap in time and memory.

mod common;

use std::time::{Duration, Instant};

use common::*;

/// Peak resident memory (KiB) of the largest child process waited for so far.
fn children_peak_kib() -> i64 {
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given; RUSAGE_CHILDREN is always valid.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    u.ru_maxrss
}

#[test]
fn each_bad_file_is_one_s002_with_its_reason_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("hostile"), dir.path());
    // A file over the size cap: sparse, so it costs no disk; it is only hashed (streaming), never
    // held in memory or parsed.
    let big = std::fs::File::create(dir.path().join("红星村/超大文件.xlsx")).unwrap();
    big.set_len(101 << 20).unwrap();
    drop(big);

    let started = Instant::now();
    let (o, out) = check(dir.path(), &["--as-of", "2024-09-10"]);
    let took = started.elapsed();
    let peak_mib = children_peak_kib() / 1024;
    assert_quiet_success(&o);
    eprintln!(
        "hostile folder: {:.2} s, peak RSS {peak_mib} MiB (largest child so far)",
        took.as_secs_f64()
    );
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert!(
        peak_mib < 400,
        "peak RSS {peak_mib} MiB: a hostile file cost real memory"
    );

    let rows = read_findings_csv(out.path());
    let reason = |file: &str| -> String {
        let hits: Vec<_> = rows
            .iter()
            .filter(|r| r["code"] == "S002" && r["file"] == file)
            .collect();
        assert_eq!(hits.len(), 1, "{file}: {hits:?}");
        hits[0]["message"].clone()
    };
    for (file, words) in [
        ("加密村/加密村台账.xlsx", "密码"),
        ("炸弹村/炸弹村台账.xlsx", "解压后超过 256 MB"),
        ("情况说明.xlsx", "Word 文档"),
        ("WPS台账.et", "另存为"),
        ("乱码.csv", "编码"),
        ("远处单元格.ods", "远处"),
        ("红星村/超大文件.xlsx", "超过 100 MB"),
    ] {
        let m = reason(file);
        assert!(m.contains(words) && m.contains('请'), "{file}: {m}");
    }
    assert_eq!(
        rows.iter().filter(|r| r["code"] == "S002").count(),
        7,
        "one per bad file, nothing else"
    );
    // A matched bad file is charged to its branch; an unmatched one to 全镇.
    assert!(rows.iter().any(|r| r["code"] == "S002"
        && r["file"].starts_with("加密村")
        && r["branch"] == "青林镇加密村党支部"));

    // Formula errors are D003 at their cells, naming the error; the rows are kept.
    for (cell, err) in [("E2", "#REF!"), ("E3", "#N/A"), ("C4", "#VALUE!")] {
        assert!(
            rows.iter()
                .any(|r| r["code"] == "D003" && r["cell"] == cell && r["message"].contains(err)),
            "{cell} {err}"
        );
    }
    // The valid branches are read in full, the sheet claiming A1:XFD1048576 included.
    let (model, _) = ingest_at(dir.path(), "2024-09-10");
    for name in ["红星村", "东风社区"] {
        let b = branch(&model, name);
        assert_eq!(b.roster.len(), 2, "{name}");
        assert!(b.meetings.len() >= 2, "{name}");
    }
    assert_eq!(branch(&model, "红星村").meetings.len(), 3);
    let f = file(&model, "红星村台账.xlsx");
    let m = f.sheets.iter().find(|s| s.name == "会议记录").unwrap();
    assert_eq!((m.read, m.accepted, m.rejected), (3, 3, 0));
}

fn hash_tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    use sha2::{Digest, Sha256};
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().display().to_string(),
                Sha256::digest(std::fs::read(e.path()).unwrap()).to_vec(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn no_command_changes_its_inputs() {
    for folder in ["hostile", "township"] {
        let input = fixture(folder);
        let before = hash_tree(&input);
        let out = tempfile::tempdir().unwrap();
        let o = out.path().to_str().unwrap();
        let i = input.to_str().unwrap();
        for args in [
            vec!["check", i, "--out", o, "--as-of", "2024-09-10"],
            vec!["remind", i, "--out", o, "--as-of", "2024-09-10"],
            vec![
                "archive",
                i,
                "--year",
                "2024",
                "--out",
                &format!("{o}/归档"),
            ],
        ] {
            let r = run(&args);
            assert!(
                r.status.code().is_some_and(|c| c <= 1),
                "{args:?}: {}",
                String::from_utf8_lossy(&r.stderr)
            );
            assert_eq!(hash_tree(&input), before, "{args:?} changed {folder}");
        }
    }
}
