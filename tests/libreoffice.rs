//! Our workbooks open in a real spreadsheet program, not only in our own reader: LibreOffice
//! (headless) converts 汇总.xlsx and a feedback workbook, and the key values survive.
//! CI installs LibreOffice (.ci/run) and sets ORGLIFE_REQUIRE_SOFFICE=1, so there the test
//! cannot be skipped; elsewhere it is skipped with a visible message when soffice is absent.

mod common;

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;

/// Convert `src` to xlsx with LibreOffice into `out`; returns the converted file.
fn convert(soffice: &str, src: &Path, out: &Path) -> std::path::PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(out)
        .arg(src)
        .output()
        .unwrap();
    let converted = out.join(src.file_name().unwrap());
    assert!(
        converted.exists(),
        "LibreOffice failed on {}: {}{}",
        src.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    converted
}

fn cell(path: &Path, sheet: &str, row: usize, col: usize) -> String {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    match r.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

#[test]
fn summary_and_feedback_open_in_libreoffice() {
    let Some(soffice) = soffice("the round-trip test") else {
        return;
    };
    let (o, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0));
    let conv = tempfile::tempdir().unwrap();
    // LibreOffice names its output after the input: copy to ASCII names in their own folders.
    let src = tempfile::tempdir().unwrap();
    let summary = src.path().join("summary.xlsx");
    std::fs::copy(out.path().join("汇总.xlsx"), &summary).unwrap();
    let feedback = src.path().join("feedback.xlsx");
    std::fs::copy(
        out.path().join("反馈").join("青林镇红星村党支部.xlsx"),
        &feedback,
    )
    .unwrap();

    let s = convert(&soffice, &summary, conv.path());
    let mut wb: Xlsx<_> = open_workbook(&s).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "总览",
            "进展",
            "问题明细",
            "催办名单",
            "督导覆盖",
            "谈心谈话覆盖",
            "三张清单汇总",
            "党员汇总",
            "输入文件",
            "规则说明"
        ]
    );
    let range = wb.worksheet_range("总览").unwrap();
    let names: Vec<String> = range
        .rows()
        .filter_map(|r| r.get(1).map(|d| d.to_string()))
        .collect();
    assert!(names.iter().any(|n| n == "青林镇红星村党支部"), "{names:?}");
    assert_eq!(cell(&s, "问题明细", 0, 2), "代码");
    assert_eq!(cell(&s, "规则说明", 1, 0), "S001");

    // 红星村 sent one xlsx: its own package, patched. LibreOffice reads the notes we added.
    let conv2 = tempfile::tempdir().unwrap();
    let f = convert(&soffice, &feedback, conv2.path());
    assert_eq!(cell(&f, "问题清单", 3, 1), "代码");
    assert_eq!(cell(&f, "党员花名册", 0, 0), "青林镇红星村党支部党员花名册");
    let notes = part_texts(&f, "comments");
    assert!(
        notes.contains("严重") || notes.contains("一般") || notes.contains("提示"),
        "LibreOffice kept no note: {notes}"
    );

    // 东风社区 sent an .xls: its cells written into a fresh package, then patched the same way.
    let xls = src.path().join("xls_feedback.xlsx");
    std::fs::copy(
        out.path().join("反馈").join("青林镇东风社区党支部.xlsx"),
        &xls,
    )
    .unwrap();
    let conv3 = tempfile::tempdir().unwrap();
    let g = convert(&soffice, &xls, conv3.path());
    assert_eq!(cell(&g, "问题清单", 3, 1), "代码");
    let wb: Xlsx<_> = open_workbook(&g).unwrap();
    assert!(wb.sheet_names().len() > 1, "{:?}", wb.sheet_names());
}

/// The text of every part of an xlsx whose name contains `kind`.
fn part_texts(path: &Path, kind: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.contains(kind)) {
            f.read_to_string(&mut all).unwrap();
        }
    }
    all
}
