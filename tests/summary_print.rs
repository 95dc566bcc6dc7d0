//! 汇总.xlsx › 总览 as people see it on screen and on paper (issue 17): one landscape page wide
//! and as many tall as needed with the header row on each page, the branch column frozen, a
//! colour legend, and totals that are the screen's numbers (全镇 findings included).

mod common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The worksheet part of a sheet: our workbooks number their parts in sheet order.
fn sheet_part(path: &Path, sheet: &str) -> String {
    let wb = part(path, "xl/workbook.xml");
    let names: Vec<&str> = wb
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    let i = names.iter().position(|n| *n == sheet).unwrap() + 1;
    part(path, &format!("xl/worksheets/sheet{i}.xml"))
}

/// A township of `n` registered branches that sent nothing: one 总览 row each.
fn many_branches(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    let mut csv = String::from("支部名称,支部类别\n");
    for i in 1..=n {
        csv.push_str(&format!("青林镇第{i}村党支部,村\n"));
    }
    std::fs::write(input.join("支部名册.csv"), csv).unwrap();
    (dir, input)
}

#[test]
fn report_sheets_print_one_page_wide_with_the_header_on_every_page() {
    let (_d, input) = many_branches(120);
    let (o, out) = check(&input, &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0));
    let path = out.path().join("汇总.xlsx");
    let wb = part(&path, "xl/workbook.xml");
    for sheet in ["总览", "问题明细", "催办名单"] {
        let xml = sheet_part(&path, sheet);
        assert!(
            xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "{sheet}: fit to pages"
        );
        // rust_xlsxwriter leaves out fitToWidth="1", Excel's default.
        assert!(
            xml.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape""#),
            "{sheet}: A4 landscape, one page wide, as many tall as needed: {xml}"
        );
        assert!(
            xml.contains(r#"<pageMargins left="0.4" right="0.4""#),
            "{sheet}"
        );
        assert!(xml.contains("<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"));
        assert!(xml.contains("<oddHeader>"), "{sheet}: a title on each page");
    }
    // The header rows repeat on every printed page: 总览's is its third row.
    assert!(
        wb.contains(
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="0">总览!$3:$3</definedName>"#
        ),
        "{wb}"
    );
    assert!(wb.contains("问题明细!$1:$1</definedName>"), "{wb}");
    assert!(wb.contains("催办名单!$1:$1</definedName>"), "{wb}");
    // 总览 keeps its header and its 序号 and 支部 columns in sight.
    let overview = sheet_part(&path, "总览");
    assert!(
        overview.contains(r#"<pane xSplit="2" ySplit="3" topLeftCell="C4" activePane="bottomRight" state="frozen"/>"#),
        "{overview}"
    );
    assert!(
        overview.contains("进度总览"),
        "the page header names the sheet"
    );
}

#[test]
fn overview_has_a_colour_legend() {
    let (o, out) = check(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024"),
        &["--as-of", "2024-09-10"],
    );
    assert_eq!(o.status.code(), Some(0));
    let rows = sheet_text(&out.path().join("汇总.xlsx"), "总览");
    let at = rows.iter().position(|r| r[0] == "颜色说明").unwrap();
    let legend: Vec<(&str, &str)> = rows[at + 1..at + 7]
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    let names: Vec<&str> = legend.iter().map(|l| l.0).collect();
    assert_eq!(names, ["绿色", "黄色", "红色", "白色", "灰色", "蓝色"]);
    assert!(legend[0].1.contains("按时完成"), "{legend:?}");
    assert!(legend[2].1.contains("逾期未完成") && legend[2].1.contains("未报送"));
    // The legend sits between the totals and the chart's data.
    let totals = rows.iter().position(|r| r[0] == "合计").unwrap();
    let chart = rows
        .iter()
        .position(|r| r[0] == "各环节完成情况（支部数）")
        .unwrap();
    assert!(totals < at && at < chart);
}

/// 总览's 严重/一般/提示 totals are the screen's: every finding, the township-wide ones (全镇)
/// included, on a row of their own above 合计.
#[test]
fn overview_totals_count_the_township_findings_as_the_screen_does() {
    let (o, out) = check(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024"),
        &["--as-of", "2024-09-10"],
    );
    assert_eq!(o.status.code(), Some(0));
    let screen = String::from_utf8_lossy(&o.stdout);
    let findings = read_findings_csv(out.path());
    let count = |sev: &str| findings.iter().filter(|f| f["severity"] == sev).count();
    let township = |sev: &str| {
        findings
            .iter()
            .filter(|f| f["branch"] == "全镇" && f["severity"] == sev)
            .count()
    };
    assert!(township("error") > 0, "the sample has 全镇 findings");
    assert!(
        screen.contains(&format!(
            "严重 {} · 一般 {} · 提示 {}",
            count("error"),
            count("warning"),
            count("info")
        )),
        "{screen}"
    );
    let rows = sheet_text(&out.path().join("汇总.xlsx"), "总览");
    let header = &rows[2];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let total = rows.iter().find(|r| r[0] == "合计").unwrap();
    let whole = rows.iter().find(|r| r[1] == "全镇").unwrap();
    for (name, sev) in [("严重", "error"), ("一般", "warning"), ("提示", "info")] {
        assert_eq!(total[col(name)], count(sev).to_string(), "合计 {name}");
        assert_eq!(whole[col(name)], township(sev).to_string(), "全镇 {name}");
    }
}

/// `src` with 总览 its only sheet, so that every page of its PDF is 总览's.
fn overview_only(src: &Path, dst: &Path) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        if !f.name().is_ok_and(|n| n == "xl/workbook.xml") {
            w.raw_copy_file(f).unwrap();
        }
    }
    let wb = part(src, "xl/workbook.xml");
    let (head, rest) = wb.split_at(wb.find("<sheets>").unwrap());
    let tail = &rest[rest.find("</definedNames>").unwrap()..];
    let sheets = &rest[..rest.find("</sheets>").unwrap()];
    let first = &sheets[..sheets.find("/>").unwrap() + 2];
    let names: String = rest
        .split("<definedName ")
        .skip(1)
        .filter(|d| d.contains(r#"localSheetId="0""#))
        .map(|d| {
            format!(
                "<definedName {}",
                &d[..d.find("</definedName>").unwrap() + 14]
            )
        })
        .collect();
    let xml = format!("{head}{first}</sheets><definedNames>{names}{tail}");
    w.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(xml.as_bytes()).unwrap();
    w.finish().unwrap();
}

/// Pages of a PDF, and how many are landscape A4.
fn pdf_pages(pdf: &[u8]) -> (usize, usize) {
    // LibreOffice writes each page object as `/Type/Page/Parent …/MediaBox[0 0 841.88…`.
    let text = String::from_utf8_lossy(pdf);
    let pages = text.matches("/Type/Page/").count();
    let landscape = text.matches("/MediaBox[0 0 841.8").count();
    (pages, landscape)
}

/// 120 branches print on several landscape pages, each one page wide: the header row, which
/// runs from 序号 to 总体状态, is on every page.
#[test]
fn overview_of_many_branches_prints_several_pages_tall_one_wide() {
    let Some(soffice) = soffice("the printing test") else {
        return;
    };
    let (_d, input) = many_branches(120);
    let (o, out) = check(&input, &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0));
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("overview.xlsx");
    overview_only(&out.path().join("汇总.xlsx"), &src);
    let profile = tempfile::tempdir().unwrap();
    let o = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(work.path())
        .arg(&src)
        .output()
        .unwrap();
    let pdf = std::fs::read(work.path().join("overview.pdf")).unwrap_or_else(|_| {
        panic!(
            "LibreOffice made no PDF: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let (pages, landscape) = pdf_pages(&pdf);
    // 120 single-line rows at a readable size need 3–5 pages; squeezed onto one page they
    // would be unreadable, printed at full width two pages wide they would need twice as many.
    assert!(
        (2..=6).contains(&pages),
        "总览 printed on {pages} pages (landscape: {landscape})"
    );
    assert_eq!(landscape, pages, "every page A4 landscape");
    // Where a text extractor is at hand (and LibreOffice had a Chinese font to write with),
    // each page carries the whole header row: the sheet is one page wide.
    if let Ok(t) = Command::new("pdftotext")
        .args(["-layout"])
        .arg(work.path().join("overview.pdf"))
        .arg("-")
        .output()
    {
        let t = String::from_utf8_lossy(&t.stdout);
        let per_page: Vec<&str> = t.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        if per_page.first().is_some_and(|p| p.contains("序号")) {
            assert_eq!(per_page.len(), pages);
            for (i, p) in per_page.iter().enumerate() {
                assert!(
                    p.contains("序号") && p.contains("总体状态"),
                    "page {}: {p}",
                    i + 1
                );
            }
        } else {
            eprintln!("no Chinese text in the PDF (no CJK font?): header check skipped");
        }
    }
}
