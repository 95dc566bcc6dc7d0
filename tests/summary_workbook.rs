//! 汇总.xlsx read back with calamine: the 输入文件 sheet lists every file and sheet with its
//! branch, kind, row accounting and SHA-256.

mod common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;
use sha2::{Digest, Sha256};

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn input_files_sheet_accounts_for_every_file() {
    let input = fixture("township");
    let (o, out) = check(&input, &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0));
    let mut wb: Xlsx<_> = open_workbook(out.path().join("汇总.xlsx")).unwrap();
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
    let range = wb.worksheet_range("输入文件").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
    let header = &rows[0];
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (file, branch, sheet, kind, read, accepted, rejected, sha) = (
        col("文件"),
        col("支部"),
        col("工作表"),
        col("识别为"),
        col("读入行"),
        col("接收行"),
        col("退回行"),
        col("SHA-256"),
    );

    let (model, _) = ingest_at(&input, "2024-09-10");
    let expected_rows: usize = model.files.iter().map(|f| f.sheets.len().max(1)).sum();
    assert_eq!(
        rows.len(),
        1 + expected_rows + 1,
        "header, one row per sheet, totals"
    );

    // Every input file appears, with its real SHA-256.
    for f in &model.files {
        let r = rows
            .iter()
            .find(|r| r[file] == f.path)
            .unwrap_or_else(|| panic!("{} missing", f.path));
        let bytes = std::fs::read(input.join(&f.path)).unwrap();
        let hex: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(r[sha], hex, "{}", f.path);
    }
    // A sheet row: read = accepted + rejected, as written.
    let meetings = rows
        .iter()
        .find(|r| {
            r[file].ends_with("青林镇红星村党支部专题组织生活会台账.xlsx") && r[sheet] == "会议记录"
        })
        .unwrap();
    assert_eq!(
        (
            meetings[kind].as_str(),
            meetings[read].as_str(),
            meetings[accepted].as_str(),
            meetings[rejected].as_str()
        ),
        ("会议记录", "8", "6", "2")
    );
    assert_eq!(meetings[branch], "青林镇红星村党支部");
    let sheet1 = rows.iter().find(|r| r[sheet] == "Sheet1").unwrap();
    assert_eq!(sheet1[kind], "党员花名册");
    // Totals.
    let last = rows.last().unwrap();
    assert_eq!(last[0], "合计");
    let sum = |c: usize| {
        rows[1..rows.len() - 1]
            .iter()
            .map(|r| r[c].parse::<f64>().unwrap_or(0.0))
            .sum::<f64>()
    };
    assert_eq!(last[read].parse::<f64>().unwrap(), sum(read));
    assert_eq!(
        last[read].parse::<f64>().unwrap(),
        last[accepted].parse::<f64>().unwrap() + last[rejected].parse::<f64>().unwrap()
    );
}

/// The annual campaign's 民主评议汇总 (SPEC §7): one row per branch that returned, its numbers
/// those the E findings give, a totals row; 白云村 sent nothing and has no row.
#[test]
fn evaluation_summary_agrees_with_the_findings() {
    use common::base_town::{INFO, ROSTER, write_annual_town};
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    // 红星村: 赵丽 not graded (E001), 王芳 not told (E005), 2 of 3 优秀 (E003).
    let red = "姓名,评定等次,评议日期,告知日期\n\
李明,优秀,2024-08-12,2024-08-13\n\
王芳,优秀,2024-08-12,\n\
张强,合格,2024-08-12,2024-08-13\n";
    let config = write_annual_town(&input, red, &dir.path().join("campaign.toml"));
    std::fs::write(
        input.join("名册/支部名册.csv"),
        "支部名称,支部类别,设支委会,党员人数\n青林镇红星村党支部,村,是,4\n\
青林镇青山村党支部,村,是,4\n青林镇白云村党支部,村,是,4\n",
    )
    .unwrap();
    // 青山村: the same branch, 赵丽 a 预备党员 (not graded), 1 of 3 优秀, everyone told.
    for name in ["会议记录", "谈心谈话记录"] {
        std::fs::create_dir_all(input.join("青山村")).unwrap();
        std::fs::copy(
            input.join(format!("红星村/{name}.csv")),
            input.join(format!("青山村/{name}.csv")),
        )
        .unwrap();
    }
    std::fs::write(
        input.join("青山村/基本情况.csv"),
        INFO.replace("红星村", "青山村"),
    )
    .unwrap();
    let roster: Vec<String> = ROSTER
        .lines()
        .map(|l| match l.split_once(',') {
            Some(("姓名", rest)) => format!("姓名,党员类别,{rest}"),
            Some(("赵丽", rest)) => format!("赵丽,预备党员,{rest}"),
            Some((n, rest)) => format!("{n},正式党员,{rest}"),
            None => l.to_string(),
        })
        .collect();
    std::fs::write(input.join("青山村/党员花名册.csv"), roster.join("\n")).unwrap();
    std::fs::write(
        input.join("青山村/民主评议.csv"),
        "姓名,评定等次,评议日期,告知日期\n李明,优秀,2024-08-12,2024-08-13\n\
王芳,合格,2024-08-12,2024-08-13\n张强,合格,2024-08-12,2024-08-13\n赵丽,,2024-08-12,\n",
    )
    .unwrap();

    let config = config.to_str().unwrap();
    let (o, out) = check(&input, &["--as-of", "2024-09-10", "--config", config]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let findings = read_findings_csv(out.path());
    let n = |branch: &str, code: &str| {
        findings
            .iter()
            .filter(|f| f["code"] == code && f["branch"].contains(branch))
            .count()
    };
    assert_eq!(
        (
            n("红星村", "E001"),
            n("红星村", "E005"),
            n("红星村", "E003")
        ),
        (1, 1, 1),
        "{findings:#?}"
    );
    assert_eq!(
        (
            n("青山村", "E001"),
            n("青山村", "E005"),
            n("青山村", "E003")
        ),
        (0, 0, 0)
    );

    let path = out.path().join("汇总.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    let at = names.iter().position(|s| s == "民主评议汇总").unwrap();
    assert_eq!(names[at - 1], "谈心谈话覆盖");
    // No three lists in this campaign: no 三张清单汇总 either.
    assert!(!names.iter().any(|s| s == "三张清单汇总"), "{names:?}");
    let range = wb.worksheet_range("民主评议汇总").unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(text).collect()).collect();
    assert!(rows[0][0].contains("民主评议党员汇总"), "{:?}", rows[0]);
    assert_eq!(
        rows[2],
        [
            "支部",
            "正式党员",
            "已评定",
            "优秀",
            "合格",
            "基本合格",
            "不合格",
            "优秀比例",
            "未评定",
            "未告知"
        ]
    );
    assert_eq!(
        rows.len(),
        6,
        "title, note, header, two branches, totals: {rows:#?}"
    );
    let num = |r: &[String], c: usize| r[c].parse::<f64>().unwrap();
    let red = rows.iter().find(|r| r[0].contains("红星村")).unwrap();
    assert_eq!(red[1..7], ["4", "3", "2", "1", "0", "0"]);
    assert!((num(red, 7) - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(num(red, 8) as usize, n("红星村", "E001"));
    assert_eq!(num(red, 9) as usize, n("红星村", "E005"));
    let green = rows.iter().find(|r| r[0].contains("青山村")).unwrap();
    assert_eq!(
        green[1..7],
        ["3", "3", "1", "2", "0", "0"],
        "the 预备党员 not counted"
    );
    assert!(
        (num(green, 7) - 1.0 / 3.0).abs() < 1e-9,
        "1 of 3 is within 1/3"
    );
    assert_eq!(green[8..10], ["0", "0"]);
    assert!(!rows.iter().any(|r| r[0].contains("白云村")));
    let totals = &rows[5];
    assert!(totals[0].starts_with("合计"), "{totals:?}");
    assert_eq!(totals[1..7], ["7", "6", "3", "3", "0", "0"]);
    assert_eq!(num(totals, 7), 0.5);
    assert_eq!(totals[8..10], ["1", "1"]);

    // Frozen header, autofilter, a percentage format, the over-limit share in red.
    let xml = {
        use std::io::Read;
        let bytes = std::fs::read(&path).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        (
            read(&format!("xl/worksheets/sheet{}.xml", at + 1)),
            read("xl/styles.xml"),
        )
    };
    assert!(xml.0.contains("<autoFilter ref=\"A3:J5\"/>"), "{}", xml.0);
    assert!(xml.0.contains("ySplit=\"3\""));
    assert!(xml.1.contains("formatCode=\"0.0%\""));

    // Before the step is due the rules have not judged: 未评定 and 未告知 say “—”, not 0.
    let (_, out) = check(&input, &["--as-of", "2024-08-20", "--config", config]);
    let mut wb: Xlsx<_> = open_workbook(out.path().join("汇总.xlsx")).unwrap();
    let range = wb.worksheet_range("民主评议汇总").unwrap();
    let red: Vec<String> = range
        .rows()
        .find(|r| text(&r[0]).contains("红星村"))
        .unwrap()
        .iter()
        .map(text)
        .collect();
    assert_eq!(red[8..10], ["—", "—"]);
    assert_eq!(red[2], "3", "counted all the same");
}

/// A 2024 run has no 民主评议汇总: the campaign has no evaluation step.
#[test]
fn no_evaluation_summary_without_an_evaluation_step() {
    let (o, out) = check(&fixture("clean_township"), &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0));
    let wb: Xlsx<_> = open_workbook(out.path().join("汇总.xlsx")).unwrap();
    assert!(!wb.sheet_names().iter().any(|s| s == "民主评议汇总"));
}
