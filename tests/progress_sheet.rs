//! 汇总.xlsx › 进展 (SPEC §8 “History”) read back with calamine: per branch new, fixed and
//! still open since the previous check, and each finding with the date first seen and how
//! many notices named it; with no history, or on a first check, the sheet says why.

mod common;

use std::path::{Path, PathBuf};

use calamine::{Reader, Xlsx, open_workbook, open_workbook_from_rs};
use common::*;
use orglife::analysis::{Analysis, Options, Stages, analyse};
use orglife::finding::{Code, Severity};
use orglife::history::{Fixed, Progress, Round, RoundCounts, Seen, State};
use orglife::report::mask::Pii;

const SAMPLE: &str = "sample_data/柳林镇2024";

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE)
}

fn analysis() -> Analysis {
    let opts = Options {
        input: sample(),
        as_of: Some("2024-09-10".into()),
        default_as_of: date("2024-09-10"),
        ..Options::default()
    };
    analyse(&opts, &mut Stages::default()).unwrap()
}

fn progress_rows(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[..2], ["总览", "进展"], "进展 right after 总览");
    let range = wb.worksheet_range("进展").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect()
}

/// The per-branch table (header row, rows up to 合计) and the detail table (header row, rows).
fn tables(rows: &[Vec<String>]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let heads: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.first().is_some_and(|c| c == "序号"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(heads.len(), 2, "two tables");
    let per_branch = rows[heads[0]..]
        .iter()
        .take_while(|r| r[0] != "合计")
        .cloned()
        .collect();
    let detail = rows[heads[1]..].to_vec();
    (per_branch, detail)
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn a_hand_built_progress_is_shown_per_branch_and_per_finding() {
    let mut a = analysis();
    let n = a.findings.len();
    // The first finding is new; every other stood since 9月1日 through two notices; and one
    // finding of the first finding's branch is fixed.
    let branch = a.findings[0].branch.clone();
    let seen = (0..n)
        .map(|i| Seen {
            first_seen: if i == 0 { a.as_of } else { date("2024-09-01") },
            reminded: if i == 0 { 0 } else { 2 },
            new: i == 0,
        })
        .collect();
    a.progress = Progress {
        state: State::Continued,
        previous: Some(Round {
            number: 1,
            run_at: "2024-09-01 09:00".into(),
            as_of: date("2024-09-01"),
            command: "check".into(),
            counts: RoundCounts::default(),
        }),
        seen,
        fixed: vec![Fixed {
            branch: branch.clone(),
            code: Code::C003,
            severity: Severity::Error,
            subject: "谭永福".into(),
            message: "流动、困难、年老体弱党员谭永福没有谈心谈话记录".into(),
            first_seen: date("2024-08-20"),
            reminded: 1,
        }],
        ..Progress::default()
    };
    let rows = progress_rows(orglife::report::summary::render(&a, Pii { show: false }).unwrap());
    assert!(
        rows[1][0].starts_with("与第 1 次检查（2024-09-01 09:00"),
        "{:?}",
        rows[1]
    );
    let (per_branch, detail) = tables(&rows);
    let h = &per_branch[0];
    // Every branch with findings has its row, its counts those of the findings.
    for r in &per_branch[1..] {
        let of = |f: &&orglife::finding::Finding| f.branch == r[col(h, "支部")];
        let current: Vec<(usize, &orglife::finding::Finding)> = a
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| of(f))
            .collect();
        let new = current.iter().filter(|(i, _)| *i == 0).count();
        let open = current.len() - new;
        let errors = current
            .iter()
            .filter(|(i, f)| *i != 0 && f.severity == Severity::Error)
            .count();
        let fixed = usize::from(r[col(h, "支部")] == branch);
        assert_eq!(
            (
                r[col(h, "新发现")].as_str(),
                r[col(h, "已改正")].as_str(),
                r[col(h, "仍未改正")].as_str(),
                r[col(h, "其中严重")].as_str()
            ),
            (
                new.to_string().as_str(),
                fixed.to_string().as_str(),
                open.to_string().as_str(),
                errors.to_string().as_str()
            ),
            "{r:?}"
        );
        if open > 0 {
            assert_eq!(r[col(h, "最早发现于")], "2024-09-01");
            assert_eq!(r[col(h, "最多催办次数")], "2");
        }
    }
    let listed: std::collections::BTreeSet<&str> = per_branch[1..]
        .iter()
        .map(|r| r[col(h, "支部")].as_str())
        .collect();
    let with_findings: std::collections::BTreeSet<&str> =
        a.findings.iter().map(|f| f.branch.as_str()).collect();
    assert_eq!(listed, with_findings);
    // The detail: every finding once, and the fixed one, with its first-seen date.
    let dh = &detail[0];
    assert_eq!(detail.len() - 1, n + 1);
    let fixed: Vec<&Vec<String>> = detail
        .iter()
        .filter(|r| r[col(dh, "状态")] == "已改正")
        .collect();
    assert_eq!(fixed.len(), 1);
    let f = fixed[0];
    assert_eq!(
        (
            f[col(dh, "支部")].as_str(),
            f[col(dh, "代码")].as_str(),
            f[col(dh, "严重程度")].as_str(),
            f[col(dh, "对象")].as_str(),
            f[col(dh, "首次发现")].as_str(),
            f[col(dh, "已催办次数")].as_str()
        ),
        (branch.as_str(), "C003", "严重", "谭永福", "2024-08-20", "1")
    );
    let new: Vec<&Vec<String>> = detail
        .iter()
        .filter(|r| r[col(dh, "状态")] == "新发现")
        .collect();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0][col(dh, "首次发现")], "2024-09-10");
    assert_eq!(
        detail
            .iter()
            .filter(|r| r[col(dh, "状态")] == "仍未改正")
            .count(),
        n - 1
    );
}

#[test]
fn without_history_the_sheet_says_why_and_lists_nothing() {
    let a = analysis();
    assert_eq!(a.progress.state, State::Off);
    let rows = progress_rows(orglife::report::summary::render(&a, Pii { show: false }).unwrap());
    assert_eq!(rows[1][0], a.progress.headline());
    assert!(rows[2][0].contains("问题明细"), "{:?}", rows[2]);
    assert!(rows.iter().all(|r| r.first().is_none_or(|c| c != "序号")));
}

#[test]
fn a_first_check_lists_its_findings_as_the_baseline() {
    let mut a = analysis();
    let n = a.findings.len();
    a.progress = Progress {
        state: State::First,
        seen: (0..n)
            .map(|_| Seen {
                first_seen: a.as_of,
                reminded: 0,
                new: false,
            })
            .collect(),
        ..Progress::default()
    };
    let rows = progress_rows(orglife::report::summary::render(&a, Pii { show: false }).unwrap());
    assert!(rows[1][0].contains("第 1 次检查"), "{:?}", rows[1]);
    let head = rows.iter().position(|r| r[0] == "序号").unwrap();
    let detail = &rows[head..];
    assert_eq!(detail.len() - 1, n);
    let s = col(&detail[0], "状态");
    assert!(detail[1..].iter().all(|r| r[s] == "首次检查"));
}

/// Two checks of one folder with one history file: between them 杨湾村 corrects its roster
/// (C003 for 谭永福 fixed) and 商会 takes its returns back (a new S001).
#[test]
fn two_rounds_show_what_was_fixed_and_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    copy_tree(&sample(), &input);
    let history = dir.path().join("历史.sqlite");
    let round = |out: &str, as_of: &str| {
        let out = dir.path().join(out);
        check_round(&input, &out, &history, as_of);
        out.join("汇总.xlsx")
    };
    let first = round("第1次", "2024-09-10");
    let mut wb: Xlsx<_> = open_workbook(&first).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range("进展")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    assert!(
        rows.iter()
            .any(|r| r.get(2).is_some_and(|s| s == "首次检查"))
    );

    let p = input.join("杨湾村/杨湾村党员花名册.csv");
    let raw = std::fs::read(&p).unwrap();
    let (t, _, _) = encoding_rs::GBK.decode(&raw);
    let corrected = t.replace(",年老体弱、困难党员,", ",无,");
    let (bytes, _, _) = encoding_rs::GBK.encode(&corrected);
    std::fs::write(&p, bytes).unwrap();
    std::fs::remove_dir_all(input.join("商会")).unwrap();
    let second = round("第2次", "2024-09-12");

    let mut wb: Xlsx<_> = open_workbook(&second).unwrap();
    let rows: Vec<Vec<String>> = wb
        .worksheet_range("进展")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    assert!(rows[1][0].starts_with("与第 1 次检查"), "{:?}", rows[1]);
    let (per_branch, detail) = tables(&rows);
    let dh = &detail[0];
    let find = |status: &str, code: &str| {
        detail
            .iter()
            .find(|r| r[col(dh, "状态")] == status && r[col(dh, "代码")] == code)
            .unwrap_or_else(|| panic!("no {status} {code}"))
    };
    let fixed = find("已改正", "C003");
    assert_eq!(fixed[col(dh, "支部")], "柳林镇杨湾村党支部");
    assert_eq!(fixed[col(dh, "首次发现")], "2024-09-10");
    let new = find("新发现", "S001");
    assert_eq!(new[col(dh, "支部")], "柳林镇商会党支部");
    assert_eq!(new[col(dh, "首次发现")], "2024-09-12");
    let open = find("仍未改正", "C002");
    assert_eq!(open[col(dh, "首次发现")], "2024-09-10");
    let h = &per_branch[0];
    let yangwan = per_branch
        .iter()
        .find(|r| r[col(h, "支部")] == "柳林镇杨湾村党支部")
        .unwrap();
    assert_eq!(yangwan[col(h, "已改正")], "1");
    assert_eq!(yangwan[col(h, "最早发现于")], "2024-09-10");
    let shanghui = per_branch
        .iter()
        .find(|r| r[col(h, "支部")] == "柳林镇商会党支部")
        .unwrap();
    assert_eq!(shanghui[col(h, "新发现")], "1");
}
