//! The reading decisions of SPEC §6, each pinned on the smallest input that shows it.
//! Inputs are written as CSV (and, for the limits, as xlsx) into a temporary folder.

mod common;

use std::path::Path;

use common::*;
use orglife::campaign::{Campaign, DEFAULT_TOML};
use orglife::finding::{Code, Finding};
use orglife::model::schema::SheetKind;
use orglife::model::*;

const REGISTER: &str =
    "支部名称,支部类别,设支委会\n青林镇红星村党支部,村,是\n青林镇东风社区党支部,社区,是\n";
const LEADERS: &str = "姓名,职务,职级,镇党委班子成员\n周建国,镇党委书记,正科级,是\n";
const ROSTER: &str = "姓名,性别,出生日期,党内职务,身份证号\n李建军,男,1972-03-15,书记,420682197203150314\n王芳,女,1980-11-02,副书记,\n";

/// A township folder: the register, and `files` (path → content) for the branches.
fn township(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "名册/支部名册.csv", REGISTER);
    write(dir.path(), "名册/督导人员.csv", LEADERS);
    for (p, c) in files {
        write(dir.path(), p, c);
    }
    dir
}

fn write(root: &Path, rel: &str, content: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn codes(findings: &[Finding], code: &str) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.code == code)
        .cloned()
        .collect()
}

#[test]
fn names_fold_before_they_compare() {
    let dir = township(&[(
        "红星村/花名册.csv",
        "姓名,身份证号\n 王　芳 ,\n买买提•艾力,\nＡ李,\n",
    )]);
    let (model, _) = ingest_at(dir.path(), "2024-12-31");
    let names: Vec<&str> = branch(&model, "红星村")
        .roster
        .iter()
        .map(|m| m.name.value.as_str())
        .collect();
    assert_eq!(names, ["王芳", "买买提·艾力", "A李"]);
}

#[test]
fn returns_match_exactly_then_by_unique_containment_else_s003() {
    let dir = township(&[
        ("a/中共青林镇红星村党支部委员会.csv", ROSTER),
        (
            "东风社区/会议记录.csv",
            "会议类型,会议日期\n党课,2024-07-20\n",
        ),
        ("b/红星村与东风社区联合台账.csv", ROSTER),
        ("c/花名册.csv", ROSTER),
    ]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    assert_eq!(
        file(&model, "中共青林镇红星村党支部委员会.csv").branch,
        "青林镇红星村党支部",
        "exact after folding"
    );
    assert_eq!(
        file(&model, "东风社区/会议记录.csv").branch,
        "青林镇东风社区党支部",
        "by its folder"
    );
    let s003 = codes(&findings, "S003");
    let subjects: Vec<&str> = s003.iter().map(|f| f.subject.as_str()).collect();
    assert_eq!(
        subjects,
        ["b/红星村与东风社区联合台账.csv", "c/花名册.csv"],
        "ambiguous and unnamed returns"
    );
    assert!(s003.iter().all(|f| f.branch == "全镇"));
    // An unmatched return feeds no branch.
    assert_eq!(branch(&model, "红星村").roster.len(), 2);
}

#[test]
fn header_only_sheet_is_present_and_empty_sheet_is_skipped_silently() {
    let dir = township(&[
        ("红星村/花名册.csv", ROSTER),
        ("红星村/谈心谈话记录.csv", "谈话日期,谈话人,谈话对象\n"),
        ("红星村/空白.csv", ",,\r\n,,\r\n"),
        ("红星村/笔记.csv", "今天开了会\n大家都很认真\n"),
    ]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let b = branch(&model, "红星村");
    assert_eq!(*b.presence(SheetKind::Talks), Presence::Present);
    assert!(b.talks.is_empty());
    assert!(
        !findings
            .iter()
            .any(|f| f.code == "S004" && f.subject == "谈心谈话记录")
    );
    assert!(
        !findings.iter().any(|f| f.loc.file.ends_with("空白.csv")),
        "an empty sheet raises nothing"
    );
    let s007 = codes(&findings, "S007");
    assert_eq!(s007.len(), 1);
    assert_eq!(s007[0].loc.file, "红星村/笔记.csv");
}

#[test]
fn seq_only_rows_are_blank_and_8_digit_numbers_are_dates_and_x_is_upper() {
    let dir = township(&[(
        "红星村/花名册.csv",
        "序号,姓名,出生日期,身份证号\n1,李建军,19720315,42068219461003013x\n2,,,\n3,王芳,1980-11-02,\n",
    )]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let b = branch(&model, "红星村");
    assert_eq!(b.roster.len(), 2);
    assert_eq!(
        ymd(&b.roster[0].birth.as_ref().unwrap().value),
        "1972-03-15"
    );
    assert_eq!(
        b.roster[0].id_number.as_ref().unwrap().value,
        "42068219461003013X"
    );
    let s = &file(&model, "花名册.csv").sheets[0];
    assert_eq!((s.read, s.accepted, s.rejected, s.skipped), (2, 2, 0, 1));
    assert!(codes(&findings, "D001").is_empty());
}

#[test]
fn which_findings_reject_a_row() {
    let talks = "谈话日期,谈话人,谈话对象,谈话方式\n\
                 2024-07-10,李建军,王芳,面谈\n\
                 ,李建军,王芳,面谈\n\
                 某日,李建军,王芳,面谈\n\
                 2024-07-11,李建军,王芳,微信\n\
                 2025-01-05,李建军,王芳,面谈\n";
    let results =
        "整改编号,完成情况,完成日期\n1,已完成,2024-08-01\n2,已完成,\n3,推进中,\n4,已完成,八月底\n";
    let dir = township(&[
        (
            "红星村/花名册.csv",
            "姓名,身份证号\n李建军,420682197203150315\n",
        ),
        ("红星村/谈心谈话记录.csv", talks),
        ("红星村/落实结果清单.csv", results),
    ]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let b = branch(&model, "红星村");
    // Kept: the good row, the D003 row (微信) and the D007 row (after --as-of).
    assert_eq!(b.talks.len(), 3);
    let talk_file = file(&model, "谈心谈话记录.csv");
    assert_eq!(talk_file.sheets[0].rejected_rows, [2, 3]);
    let at_row = |code: &str, row: u32| {
        findings
            .iter()
            .filter(|f| {
                f.code == code
                    && f.loc.cell.map(|c| c.0) == Some(row)
                    && f.loc.file.ends_with("谈心谈话记录.csv")
            })
            .count()
    };
    assert_eq!(at_row("D001", 2), 1);
    assert_eq!(
        (at_row("D002", 3), at_row("D001", 3)),
        (1, 0),
        "an unreadable required date is D002 alone"
    );
    assert_eq!(at_row("D003", 4), 1);
    assert_eq!(at_row("D007", 5), 1);
    // 已完成 without 完成日期: D001, rejected; 推进中 without a date is fine.
    assert_eq!(b.results.len(), 2);
    // An unreadable date on an 已完成 row: D002 alone, rejected too.
    assert_eq!(
        file(&model, "落实结果清单.csv").sheets[0].rejected_rows,
        [2, 4]
    );
    let at_result = |code: &str, row: u32| {
        findings
            .iter()
            .filter(|f| {
                f.code == code
                    && f.loc.cell.map(|c| c.0) == Some(row)
                    && f.loc.file.ends_with("落实结果清单.csv")
            })
            .count()
    };
    assert_eq!(
        (
            at_result("D001", 2),
            at_result("D002", 4),
            at_result("D001", 4)
        ),
        (1, 1, 0)
    );
    // An invalid ID keeps its member.
    assert_eq!(b.roster.len(), 1);
    assert_eq!(codes(&findings, "D006").len(), 1);
}

#[test]
fn duplicate_numbers_keep_the_first_row() {
    let problems = "编号,责任主体,问题描述,查摆日期\nP1,支部班子,学习不深入,2024-07-20\nP2,李建军,带头不够,2024-07-20\nP1,王芳,重复的编号,2024-07-21\n";
    let dir = township(&[("红星村/查摆问题清单.csv", problems)]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let b = branch(&model, "红星村");
    let kept: Vec<(&str, &str)> = b
        .problems
        .iter()
        .map(|p| (p.id.value.as_str(), p.owner.value.as_str()))
        .collect();
    assert_eq!(kept, [("P1", "支部班子"), ("P2", "李建军")]);
    let d008 = codes(&findings, "D008");
    assert_eq!(d008.len(), 1);
    assert_eq!(d008[0].loc.cell_a1(), "A4");
    let s = &file(&model, "查摆问题清单.csv").sheets[0];
    assert_eq!((s.read, s.accepted, s.rejected), (3, 2, 1));
}

#[test]
fn a_cell_longer_than_excel_allows_is_cut_with_d003() {
    let long = "很".repeat(40_000);
    let dir = township(&[(
        "红星村/会议记录.csv",
        &format!("会议类型,会议日期,学习内容\n党课,2024-07-20,{long}\n"),
    )]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let content = &branch(&model, "红星村").meetings[0]
        .content
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(content.chars().count(), 32_767);
    let d003 = codes(&findings, "D003");
    assert_eq!(d003.len(), 1);
    assert_eq!(d003[0].loc.cell_a1(), "C2");
}

fn tiny_limits(file_mb: u64, inflated_mb: u64, cells: u64) -> Campaign {
    let text = DEFAULT_TOML
        .replace("max_file_mb = 100", &format!("max_file_mb = {file_mb}"))
        .replace(
            "max_inflated_mb = 256",
            &format!("max_inflated_mb = {inflated_mb}"),
        )
        .replace("max_cells = 2000000", &format!("max_cells = {cells}"));
    Campaign::parse(&text, "test").unwrap()
}

fn big_xlsx(path: &Path, rows: u32) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("会议记录").unwrap();
    ws.write_string(0, 0, "会议类型").unwrap();
    ws.write_string(0, 1, "会议日期").unwrap();
    for r in 1..=rows {
        ws.write_string(r, 0, "党课").unwrap();
        ws.write_string(r, 1, "2024-07-20").unwrap();
        ws.write_string(r, 2, format!("{r}{}", "长内容".repeat(200)))
            .unwrap();
    }
    wb.save(path).unwrap();
}

#[test]
fn hostile_file_limits_refuse_with_a_reason() {
    let dir = township(&[]);
    std::fs::create_dir_all(dir.path().join("红星村")).unwrap();
    big_xlsx(&dir.path().join("红星村/会议记录.xlsx"), 3000);
    // Over the cell cap (3 cells a row).
    let (model, findings) = ingest_with(dir.path(), "2024-12-31", &tiny_limits(100, 256, 5000));
    let s002 = codes(&findings, "S002");
    assert_eq!(s002.len(), 1, "{findings:?}");
    assert!(s002[0].message.contains("5000"), "{}", s002[0].message);
    assert_eq!(s002[0].branch, "青林镇红星村党支部");
    assert!(branch(&model, "红星村").meetings.is_empty());
    // Over the inflated size (the sheet XML is several MB, the file much smaller).
    let (_, findings) = ingest_with(dir.path(), "2024-12-31", &tiny_limits(100, 1, 2_000_000));
    assert!(
        codes(&findings, "S002")[0]
            .message
            .contains("解压后超过 1 MB")
    );
    // Over the file size: refused before reading.
    let big = "姓名\n".to_string() + &"张三\n".repeat(200_000);
    write(dir.path(), "红星村/花名册.csv", &big);
    let (_, findings) = ingest_with(dir.path(), "2024-12-31", &tiny_limits(1, 256, 2_000_000));
    assert!(
        codes(&findings, "S002")
            .iter()
            .any(|f| f.loc.file == "红星村/花名册.csv" && f.message.contains("超过 1 MB"))
    );
    // Within the defaults, the same files read normally.
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    assert!(codes(&findings, "S002").is_empty());
    assert_eq!(branch(&model, "红星村").meetings.len(), 3000);
}

#[test]
fn csv_in_neither_utf8_nor_gb18030_is_s002() {
    let dir = township(&[]);
    let mut bytes = "姓名\n".as_bytes().to_vec();
    bytes.extend([0xFF, 0xFF, b'\n']);
    std::fs::create_dir_all(dir.path().join("红星村")).unwrap();
    std::fs::write(dir.path().join("红星村/花名册.csv"), bytes).unwrap();
    let (_, findings) = ingest_at(dir.path(), "2024-12-31");
    let s002 = codes(&findings, "S002");
    assert_eq!(s002.len(), 1);
    assert!(s002[0].message.contains("编码"));
}

#[test]
fn dates_after_as_of_are_d007_for_events_only() {
    let rects =
        "编号,问题编号,整改事项,整改措施,责任人,整改时限\nR1,P1,事项,措施,李建军,2025-03-31\n";
    let dir = township(&[
        (
            "红星村/会议记录.csv",
            "会议类型,会议日期\n党课,2024-09-20\n",
        ),
        ("红星村/整改项目清单.csv", rects),
    ]);
    let (model, findings) = ingest_at(dir.path(), "2024-09-10");
    let d007 = codes(&findings, "D007");
    assert_eq!(
        d007.len(),
        1,
        "the 整改时限 in 2025 is not an event: {d007:?}"
    );
    assert!(d007[0].loc.file.ends_with("会议记录.csv"));
    assert_eq!(
        branch(&model, "红星村").meetings.len(),
        1,
        "the record is kept"
    );
}

#[test]
fn s006_ranks_by_report_date_then_modification_time_then_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "名册/支部名册.csv", REGISTER);
    // Three corrections of the same (unset) period, written as xlsx with two sheets each.
    let make = |name: &str, report: Option<&str>, date: &str| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("基本情况").unwrap();
        ws.write_string(0, 0, "支部名称").unwrap();
        ws.write_string(0, 1, "青林镇红星村党支部").unwrap();
        if let Some(r) = report {
            ws.write_string(1, 0, "填报日期").unwrap();
            ws.write_string(1, 1, r).unwrap();
        }
        let ws = wb.add_worksheet();
        ws.set_name("会议记录").unwrap();
        ws.write_string(0, 0, "会议类型").unwrap();
        ws.write_string(0, 1, "会议日期").unwrap();
        ws.write_string(1, 0, "党课").unwrap();
        ws.write_string(1, 1, date).unwrap();
        wb.save(dir.path().join(name)).unwrap();
    };
    make("a_有填报日期.xlsx", Some("2024-08-20"), "2024-07-01");
    make("b_更晚的填报日期.xlsx", Some("2024-08-25"), "2024-07-02");
    make("c_没有填报日期但最新.xlsx", None, "2024-07-03");
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let b = branch(&model, "红星村");
    assert_eq!(
        ymd(&b.meetings[0].date.value),
        "2024-07-02",
        "the later 填报日期 wins, a file without one ranks below"
    );
    let s006 = codes(&findings, "S006");
    assert_eq!(s006.len(), 4, "two files set aside × two kinds");
    assert!(
        s006.iter()
            .all(|f| f.message.contains("b_更晚的填报日期.xlsx"))
    );

    // Without 填报日期 anywhere: the later modification time, then the later path.
    let dir2 = tempfile::tempdir().unwrap();
    write(dir2.path(), "名册/支部名册.csv", REGISTER);
    write(
        dir2.path(),
        "红星村/z_会议记录.csv",
        "会议类型,会议日期\n党课,2024-07-01\n",
    );
    write(
        dir2.path(),
        "红星村/a_会议记录.csv",
        "会议类型,会议日期\n党课,2024-07-02\n",
    );
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(dir2.path().join("红星村/z_会议记录.csv"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let (model, _) = ingest_at(dir2.path(), "2024-12-31");
    assert_eq!(
        ymd(&branch(&model, "红星村").meetings[0].date.value),
        "2024-07-02",
        "newer file wins over later path"
    );
    let same = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for f in ["红星村/z_会议记录.csv", "红星村/a_会议记录.csv"] {
        std::fs::File::options()
            .write(true)
            .open(dir2.path().join(f))
            .unwrap()
            .set_modified(same)
            .unwrap();
    }
    let (model, _) = ingest_at(dir2.path(), "2024-12-31");
    assert_eq!(
        ymd(&branch(&model, "红星村").meetings[0].date.value),
        "2024-07-01",
        "same time: the later path wins"
    );
}

#[test]
fn branch_field_of_reading_findings() {
    let dir = township(&[("红星村/花名册.xlsx", "not a workbook"), ("乱码.xlsx", "")]);
    write(
        dir.path(),
        "名册/支部名册.csv",
        &(REGISTER.to_string() + "青林镇红星村党支部,村,是\n"),
    );
    let (_, findings) = ingest_at(dir.path(), "2024-12-31");
    let s002 = codes(&findings, "S002");
    let by_file = |f: &str| {
        s002.iter()
            .find(|x| x.loc.file == f)
            .unwrap()
            .branch
            .clone()
    };
    assert_eq!(by_file("红星村/花名册.xlsx"), "青林镇红星村党支部");
    assert_eq!(by_file("乱码.xlsx"), "全镇");
    let d008 = codes(&findings, "D008");
    assert_eq!(d008.len(), 1);
    assert_eq!(
        d008[0].branch, "全镇",
        "register problems are township-wide"
    );
}

#[test]
fn missing_returns_and_sheets_and_when_s004_is_due() {
    let dir = township(&[
        (
            "红星村/基本情况.csv",
            "支部名称,填报日期\n红星村党支部,2024-07-20\n",
        ),
        ("红星村/花名册.csv", ROSTER),
        (
            "红星村/会议记录.csv",
            "会议类型,会议日期\n党课,2024-07-20\n",
        ),
    ]);
    let s004 = |as_of: &str| {
        let (_, findings) = ingest_at(dir.path(), as_of);
        let mut v: Vec<String> = codes(&findings, "S004")
            .into_iter()
            .filter(|f| f.branch.contains("红星村"))
            .map(|f| f.subject)
            .collect();
        v.sort();
        (v, findings)
    };
    let (before, findings) = s004("2024-07-31");
    assert!(
        before.is_empty(),
        "nothing is due on the deadline itself: {before:?}"
    );
    // The branch that sent nothing: S001, and nothing else.
    let east: Vec<&str> = findings
        .iter()
        .filter(|f| f.branch.contains("东风社区"))
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(east, ["S001"]);
    let (after_lists, _) = s004("2024-08-01");
    assert_eq!(after_lists, ["查摆问题清单", "谈心谈话记录"]);
    let (after_rectify, _) = s004("2024-08-26");
    assert_eq!(
        after_rectify,
        [
            "整改项目清单",
            "查摆问题清单",
            "落实结果清单",
            "谈心谈话记录"
        ]
    );
}

#[test]
fn missing_required_column_is_s005_and_the_rows_are_counted() {
    let dir = township(&[(
        "红星村/谈心谈话记录.csv",
        "谈话日期,谈话人\n2024-07-10,李建军\n2024-07-11,王芳\n",
    )]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let s005 = codes(&findings, "S005");
    assert_eq!(s005.len(), 1);
    assert!(
        s005[0].message.contains("谈话对象") && s005[0].message.contains("共 2 行"),
        "{}",
        s005[0].message
    );
    let s = &file(&model, "谈心谈话记录.csv").sheets[0];
    assert_eq!(
        (
            s.read,
            s.accepted,
            s.rejected,
            s.rejected_by.map(Code::as_str)
        ),
        (2, 0, 2, Some("S005"))
    );
    assert_eq!(
        *branch(&model, "红星村").presence(SheetKind::Talks),
        Presence::Unusable
    );
    assert!(
        !codes(&findings, "S004")
            .iter()
            .any(|f| f.subject == "谈心谈话记录"),
        "S005 explains it; no S004 too"
    );
}

#[test]
fn a_second_register_is_set_aside_and_register_flag_picks_one() {
    let dir = township(&[("红星村/花名册.csv", ROSTER)]);
    write(
        dir.path(),
        "旧名册/支部名册2023.csv",
        "支部名称,支部类别\n青林镇旧村党支部,村\n",
    );
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    assert_eq!(
        model.register.branches.len(),
        2,
        "the first register by path is used"
    );
    let s006 = codes(&findings, "S006");
    assert_eq!(s006.len(), 1);
    assert_eq!(
        (s006[0].branch.as_str(), s006[0].subject.as_str()),
        ("全镇", "旧名册/支部名册2023.csv")
    );
    let old = file(&model, "支部名册2023.csv");
    assert_eq!(old.sheets[0].rejected_by.map(Code::as_str), Some("S006"));
    assert!(
        codes(&findings, "S003").is_empty(),
        "a register is never taken for a return"
    );

    // --register names a register outside the input folder.
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "名册.csv",
        "支部名称,支部类别\n青林镇红星村党支部,村\n",
    );
    let campaign = Campaign::embedded();
    let (noop, found) = (|| {}, |_: usize| {});
    let only_returns = tempfile::tempdir().unwrap();
    write(only_returns.path(), "红星村/花名册.csv", ROSTER);
    let reg = outside.path().join("名册.csv");
    let opts = orglife::ingest::Options {
        input: only_returns.path(),
        register: Some(&reg),
        exclude: Vec::new(),
        as_of: date("2024-12-31"),
        campaign: &campaign,
        on_found: &found,
        on_file: &noop,
    };
    let model = orglife::ingest::ingest(&opts).model;
    assert_eq!(model.register.branches.len(), 1);
    assert_eq!(branch(&model, "红星村").roster.len(), 2);
    assert!(
        model
            .files
            .iter()
            .any(|f| f.path.ends_with("名册.csv") && f.branch == "镇级名册")
    );
}

#[test]
fn a_non_spreadsheet_file_is_noted_for_its_branch() {
    let dir = township(&[
        ("红星村/花名册.csv", ROSTER),
        ("红星村/会议照片说明.docx", "PK fake"),
    ]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let s007 = codes(&findings, "S007");
    assert_eq!(s007.len(), 1);
    assert_eq!(s007[0].branch, "青林镇红星村党支部");
    assert_eq!(
        branch(&model, "红星村").files.len(),
        1,
        "it adds nothing to the return"
    );
}

#[test]
fn an_unnamed_one_row_info_table_is_not_a_register() {
    let dir = township(&[(
        "红星村/Sheet1.csv",
        "支部名称,支部类别,填报日期\n青林镇红星村党支部,村,2024-08-20\n",
    )]);
    let (model, _) = ingest_at(dir.path(), "2024-12-31");
    assert_eq!(
        file(&model, "Sheet1.csv").sheets[0].kind,
        Some(SheetKind::Info)
    );
    assert_eq!(
        ymd(&branch(&model, "红星村")
            .info
            .as_ref()
            .unwrap()
            .report_date
            .as_ref()
            .unwrap()
            .value),
        "2024-08-20"
    );
}

#[test]
fn year_month_habits_in_birth_and_join_columns() {
    let roster = "姓名,出生日期,入党日期\n甲,197808,2003.10\n乙,1975.03,2005.1\n丙,200007,200811\n";
    let dir = township(&[("红星村/花名册.csv", roster)]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let r = &branch(&model, "红星村").roster;
    let got: Vec<(String, String)> = r
        .iter()
        .map(|m| {
            (
                ymd(&m.birth.as_ref().unwrap().value),
                ymd(&m.joined.as_ref().unwrap().value),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("1978-08".into(), "2003-10".into()),
            ("1975-03".into(), "2005-01".into()),
            ("2000-07".into(), "2008-11".into())
        ]
    );
    // Only the text Excel writes for the number 2005.10 carries the "may be October" note.
    let d003 = codes(&findings, "D003");
    assert_eq!(d003.len(), 1, "{d003:?}");
    assert_eq!(d003[0].loc.cell_a1(), "C3");
    assert!(codes(&findings, "D002").is_empty());
    // In an event column six digits are not a month: a meeting needs its day.
    let dir = township(&[("红星村/会议记录.csv", "会议类型,会议日期\n党课,202407\n")]);
    let (_, findings) = ingest_at(dir.path(), "2024-12-31");
    assert_eq!(codes(&findings, "D002").len(), 1);
}

#[test]
fn numbers_that_only_look_like_serials_are_not_dates() {
    let dir = township(&[
        (
            "红星村/会议记录.csv",
            "会议类型,会议日期\n党课,930\n党课,45493\n",
        ),
        (
            "红星村/整改项目清单.csv",
            "编号,问题编号,整改事项,整改措施,责任人,整改时限\nR1,P1,事项,措施,李建军,930\nR2,P1,事项,措施,李建军,45565\n",
        ),
    ]);
    let (model, findings) = ingest_at(dir.path(), "2024-12-31");
    let b = branch(&model, "红星村");
    // 930 would be 1902-07-18 as an Excel serial: a slip, D002, never a silent 1902 meeting.
    assert_eq!(b.meetings.len(), 1);
    assert_eq!(ymd(&b.meetings[0].date.value), "2024-07-20");
    assert_eq!(b.rectifications.len(), 1);
    let d002: Vec<String> = codes(&findings, "D002")
        .into_iter()
        .map(|f| f.loc.cell_a1())
        .collect();
    assert_eq!(d002, ["B2", "F2"]);
}
