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
