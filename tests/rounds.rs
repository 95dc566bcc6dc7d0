//! SPEC §8, rounds: the office checks the same folder again and again. Its own outputs are
//! never read back, a feedback workbook sent back reads as the branch's return, and a branch
//! whose files cannot be read is counted the same way everywhere.

mod common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.iter().map(text).collect()).collect()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A branch that sent only an unreadable file has not returned: 未报送 on the screen, in 总览
/// (shown as 报送的文件无法读取), in the archive's counts, and it is chased (催办).
#[test]
fn a_branch_with_only_unreadable_files_counts_as_not_returned_everywhere() {
    let input = fixture("broken");
    let (o, out) = check(&input, &["--as-of", "2024-09-10"]);
    assert_quiet_success(&o);
    let screen = stdout(&o);
    assert!(
        screen.contains("名册支部 3 个：已报送 2，未报送 1（其中 1 个报送的文件无法读取）"),
        "{screen}"
    );

    let rows = sheet_rows(&out.path().join("汇总.xlsx"), "总览");
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    let col = rows[header].iter().position(|h| h == "报送情况").unwrap();
    let row = rows.iter().find(|r| r[1].contains("坏文件村")).unwrap();
    assert_eq!(row[col], "报送的文件无法读取");
    let totals = rows.iter().find(|r| r[0] == "合计").unwrap();
    assert_eq!(totals[col], "已报送 2/3");

    let notice = out.path().join("催办/青林镇坏文件村党支部.txt");
    let notice = std::fs::read_to_string(notice).expect("the branch is chased");
    assert!(notice.contains("报送的文件无法读取"), "{notice}");
    let list = sheet_rows(&out.path().join("汇总.xlsx"), "催办名单");
    assert!(list.iter().any(|r| r[1].contains("坏文件村")));

    let archive = tempfile::tempdir().unwrap();
    let dir = archive.path().join("归档");
    let o = run(&[
        "archive",
        &input.display().to_string(),
        "--year",
        "2024",
        "--as-of",
        "2024-09-10",
        "--out",
        &dir.display().to_string(),
    ]);
    assert_quiet_success(&o);
    assert!(stdout(&o).contains("已报送 2"), "{}", stdout(&o));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["returned"], 2);
}
