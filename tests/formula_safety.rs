//! Nothing a branch typed runs as a formula in an output (issue 16): every CSV field that
//! begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading
//! apostrophe, and no xlsx orglife writes holds a formula.

mod common;

use std::io::Read;
use std::path::Path;

use common::base_town::{
    INFO, LEADERS, MEETINGS, PROBLEMS, RECTS, REGISTER, RESULTS, ROSTER, TALKS,
};
use common::*;

/// The base township with hostile text planted where a branch types freely.
fn hostile_town(dir: &Path) {
    let roster = ROSTER
        .replace("赵丽,女", "=HYPERLINK(\"http://x\"；\"点我\"),女")
        .replace("张强,男", "@SUM(A1),男");
    let problems = PROBLEMS
        .replace("学习不够深入", "-2+3")
        .replace("工作不够细致", "+86 13800000000")
        .replace("参加组织生活少", "\t=1+1");
    for (p, c) in [
        ("名册/支部名册.csv", REGISTER.to_string()),
        ("名册/督导人员.csv", LEADERS.to_string()),
        ("红星村/基本情况.csv", INFO.to_string()),
        ("红星村/党员花名册.csv", roster),
        ("红星村/会议记录.csv", MEETINGS.to_string()),
        ("红星村/谈心谈话记录.csv", TALKS.to_string()),
        ("红星村/查摆问题清单.csv", problems),
        ("红星村/整改项目清单.csv", RECTS.to_string()),
        ("红星村/落实结果清单.csv", RESULTS.to_string()),
    ] {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// Every field of a CSV file (BOM stripped).
fn fields(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn assert_inert(path: &Path) -> usize {
    let mut planted = 0;
    for f in fields(path) {
        assert!(
            !f.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{}: a field a spreadsheet would run: {f:?}",
            path.display()
        );
        if f.starts_with('\'') {
            planted += 1;
        }
    }
    planted
}

/// No `<f>` (formula) element in any sheet of an xlsx.
fn assert_no_formula(path: &Path) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        if !name.starts_with("xl/worksheets/") {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        assert!(
            !xml.contains("<f>") && !xml.contains("<f "),
            "{} › {} holds a formula",
            path.display(),
            name
        );
    }
}

#[test]
fn typed_formulas_reach_every_output_as_text() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("报表");
    hostile_town(&input);
    let out = tmp.path().join("结果");
    let o = run(&[
        "check",
        &input.display().to_string(),
        "--as-of",
        "2024-09-10",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The hostile names are subjects of findings (they were never talked with, etc.).
    let planted = assert_inert(&out.join("findings.csv"));
    assert!(
        planted >= 2,
        "the planted names are in findings.csv as text"
    );
    let csv = std::fs::read_to_string(out.join("findings.csv")).unwrap();
    assert!(csv.contains("'=HYPERLINK("), "{csv}");
    assert!(csv.contains("'@SUM(A1)"), "{csv}");
    assert_no_formula(&out.join("汇总.xlsx"));
    // The branch sent CSV: its feedback workbook is written from the cells, as text.
    for e in std::fs::read_dir(out.join("反馈")).unwrap() {
        assert_no_formula(&e.unwrap().path());
    }

    let arch = tmp.path().join("归档");
    let o = run(&[
        "archive",
        &input.display().to_string(),
        "--year",
        "2024",
        "--as-of",
        "2024-09-10",
        "--out",
        &arch.display().to_string(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut planted = 0;
    for e in walkdir::WalkDir::new(arch.join("记录")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "csv") {
            planted += assert_inert(e.path());
        }
    }
    // 2 names + 3 problem descriptions, each once at least.
    assert!(planted >= 5, "{planted}");
    let problems = std::fs::read_to_string(arch.join("记录/查摆问题清单.csv")).unwrap();
    assert!(
        problems.contains("'-2+3") && problems.contains("'+86 138"),
        "{problems}"
    );
    // The archive still verifies: the apostrophe is part of what was written and hashed.
    let o = run(&["archive", "--verify", &arch.display().to_string()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
