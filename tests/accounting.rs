//! Nothing a branch sent is lost silently: for every fixture file and sheet, rows read =
//! rows accepted + rows rejected, and every rejected row has a finding naming its file, sheet
//! and a cell in that row (or a sheet-level S005/S006 that set the whole sheet aside).

mod common;

use common::*;

fn check_accounting(folder: &str) -> usize {
    let (model, findings) = ingest_at(&fixture(folder), "2024-12-31");
    let mut sheets = 0;
    for f in &model.files {
        for s in &f.sheets {
            sheets += 1;
            assert_eq!(s.read, s.accepted + s.rejected, "{} › {}", f.path, s.name);
            match s.rejected_by {
                Some(code) => {
                    assert_eq!(s.rejected, s.read, "{} › {}", f.path, s.name);
                    let sheet_level = findings.iter().any(|x| {
                        x.code == code
                            && x.loc.file == f.path
                            && (x.loc.sheet == s.name || (code == "S006" && x.loc.sheet.is_empty()))
                    });
                    assert!(sheet_level, "{} › {}: no {code} finding", f.path, s.name);
                }
                None => {
                    assert_eq!(
                        s.rejected as usize,
                        s.rejected_rows.len(),
                        "{} › {}",
                        f.path,
                        s.name
                    );
                    for row in &s.rejected_rows {
                        let found = findings.iter().any(|x| {
                            x.loc.file == f.path
                                && x.loc.sheet == s.name
                                && x.loc.cell.map(|c| c.0) == Some(*row)
                                && matches!(x.code.as_str(), "D001" | "D002" | "D008")
                        });
                        assert!(
                            found,
                            "{} › {} row {}: rejected without a finding",
                            f.path,
                            s.name,
                            row + 1
                        );
                    }
                }
            }
        }
    }
    sheets
}

#[test]
fn every_row_of_the_township_fixture_is_accounted_for() {
    assert!(check_accounting("township") > 30);
}

#[test]
fn every_row_of_the_broken_fixture_is_accounted_for() {
    assert!(check_accounting("broken") > 10);
}

#[test]
fn every_row_of_the_single_fixtures_is_accounted_for() {
    for f in std::fs::read_dir(fixture("single")).unwrap() {
        let name = format!("single/{}", f.unwrap().file_name().to_string_lossy());
        check_accounting(&name);
    }
}

#[test]
fn every_row_of_sample_data_is_accounted_for() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024");
    let (model, _) = ingest_at(&dir, "2024-12-31");
    assert!(
        model.files.len() >= 10,
        "sample_data holds the demo township"
    );
    assert!(model.branches.iter().filter(|b| b.returned()).count() >= 5);
    for f in &model.files {
        for s in &f.sheets {
            assert_eq!(s.read, s.accepted + s.rejected, "{} › {}", f.path, s.name);
        }
    }
}

#[test]
fn rejected_rows_in_the_township_fixture_are_the_planted_ones() {
    let (model, _) = ingest_at(&fixture("township"), "2024-12-31");
    let mut rejected: Vec<(String, String, u32)> = Vec::new();
    for f in &model.files {
        for s in &f.sheets {
            for r in &s.rejected_rows {
                rejected.push((f.path.clone(), s.name.clone(), r + 1));
            }
        }
    }
    let hx = "红星村/青林镇红星村党支部专题组织生活会台账.xlsx".to_string();
    assert_eq!(
        rejected,
        [
            (
                "白沙村/白沙村台账.xlsx".to_string(),
                "查摆问题清单".to_string(),
                5
            ),
            (hx.clone(), "会议记录".to_string(), 6),
            (hx.clone(), "会议记录".to_string(), 10),
            (hx, "落实结果清单".to_string(), 5),
        ]
    );
}

#[test]
fn every_row_of_the_real_systems_fixture_is_accounted_for() {
    assert!(check_accounting("real_systems") > 30);
    // Every sheet with content was read as a kind or named as not read (S007, with its note).
    let (model, findings) = ingest_at(&fixture("real_systems"), "2024-12-31");
    for f in &model.files {
        for s in &f.sheets {
            let named = findings
                .iter()
                .any(|x| x.code == "S007" && x.loc.file == f.path && x.loc.sheet == s.name);
            assert!(
                s.kind.is_some() || named || s.note == "空表，已略过",
                "{} › {}: neither read nor named ({})",
                f.path,
                s.name,
                s.note
            );
        }
    }
}
