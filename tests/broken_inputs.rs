//! A bad file never stops the run: a truncated xlsx, a zero-byte file and a text file named
//! .xls among two valid branches give exit 0, one S002 per bad file naming it, and the valid
//! branches read in full.

mod common;

use common::*;

#[test]
fn bad_files_are_one_s002_each_and_the_rest_is_read() {
    let (out, dir) = check(&fixture("broken"), &["--as-of", "2024-09-10"]);
    assert_quiet_success(&out);
    let rows = read_findings_csv(dir.path());
    let s002: Vec<_> = rows.iter().filter(|r| r["code"] == "S002").collect();
    let files: Vec<&str> = s002.iter().map(|r| r["file"].as_str()).collect();
    assert_eq!(
        files,
        ["空文件.xlsx", "说明文字.xls", "坏文件村/坏文件村台账.xlsx"]
    );
    for r in &s002 {
        assert_eq!(r["severity"], "error");
        assert_eq!(r["subject"], r["file"], "the subject names the file");
        assert!(
            r["message"].contains("请"),
            "the message says what to do: {}",
            r["message"]
        );
    }
    assert!(s002[0]["message"].contains("0 字节"));
    assert!(s002[1]["message"].contains("不是 Excel"));
    assert!(s002[2]["message"].contains("损坏或不完整"));
    // Matched by its folder and file name, the truncated file is charged to its branch.
    assert_eq!(s002[2]["branch"], "青林镇坏文件村党支部");
    assert_eq!(s002[0]["branch"], "全镇");

    // The two valid branches are read in full, with nothing rejected.
    let (model, findings) = ingest_at(&fixture("broken"), "2024-09-10");
    for name in ["红星村", "东风社区"] {
        let b = branch(&model, name);
        assert!(
            !b.roster.is_empty() && !b.meetings.is_empty() && !b.talks.is_empty(),
            "{name}"
        );
        assert!(
            !b.problems.is_empty() && !b.rectifications.is_empty() && !b.results.is_empty(),
            "{name}"
        );
        assert!(b.info.is_some(), "{name}");
        for f in &b.files {
            let f = &model.files[*f as usize];
            assert!(f.error.is_empty());
            for s in &f.sheets {
                assert_eq!(s.rejected, 0, "{} {}", f.path, s.name);
                assert_eq!(s.read, s.accepted);
            }
        }
        assert!(
            !findings
                .iter()
                .any(|f| f.branch.contains(name) && f.code.as_str().starts_with('S')),
            "{name}: {findings:?}"
        );
    }
}

#[test]
fn nothing_panics_on_garbage_of_every_extension() {
    let dir = tempfile::tempdir().unwrap();
    let junk: &[(&str, &[u8])] = &[
        ("a.xlsx", b"PK\x03\x04garbage"),
        ("b.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not really ole"),
        ("c.ods", b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
        ("d.xlsb", b"\0\0\0\0"),
        ("e.csv", b"\xFF\xFE\xFF"),
        ("f.et", b"WPS junk"),
        ("g.xlsm", b""),
    ];
    for (name, bytes) in junk {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let (out, o) = check(dir.path(), &["--as-of", "2024-09-10"]);
    assert_quiet_success(&out);
    let rows = read_findings_csv(o.path());
    for (name, _) in junk {
        assert_eq!(
            rows.iter()
                .filter(|r| r["code"] == "S002" && r["file"] == *name)
                .count(),
            1,
            "{name}: {rows:?}"
        );
    }
    let et = rows.iter().find(|r| r["file"] == "f.et").unwrap();
    assert!(et["message"].contains("另存为"), "{}", et["message"]);
}
