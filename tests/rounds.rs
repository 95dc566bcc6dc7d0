//! SPEC §8, rounds: the office checks the same folder again and again. Its own outputs are
//! never read back, a feedback workbook sent back reads as the branch's return, and a branch
//! whose files cannot be read is counted the same way everywhere.

mod common;

use std::path::Path;

use common::*;

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

    let rows = sheet_text(&out.path().join("汇总.xlsx"), "总览");
    let header = rows.iter().position(|r| r[0] == "序号").unwrap();
    let col = rows[header].iter().position(|h| h == "报送情况").unwrap();
    let row = rows.iter().find(|r| r[1].contains("坏文件村")).unwrap();
    assert_eq!(row[col], "报送的文件无法读取");
    let totals = rows.iter().find(|r| r[0] == "合计").unwrap();
    assert_eq!(totals[col], "已报送 2/3");

    let notice = out.path().join("催办/青林镇坏文件村党支部.txt");
    let notice = std::fs::read_to_string(notice).expect("the branch is chased");
    assert!(notice.contains("报送的文件无法读取"), "{notice}");
    let list = sheet_text(&out.path().join("汇总.xlsx"), "催办名单");
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

/// Every file under `from` copied to `to` (hidden files and lock files too: the reader skips
/// them itself).
fn check_into(input: &Path, out: &Path) -> String {
    let o = run(&[
        "check",
        &input.display().to_string(),
        "--as-of",
        "2024-09-10",
        "--out",
        &out.display().to_string(),
    ]);
    assert_quiet_success(&o);
    stdout(&o)
}

fn skip_lines(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("提示："))
        .collect()
}

/// SPEC §8: two rounds into two output folders inside the returns folder find the same as
/// a run whose output lies outside it; the earlier round's folder is named once and not read.
#[test]
fn outputs_inside_the_input_are_never_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("返回材料");
    copy_tree(&fixture("township"), &copy);
    let outside = tmp.path().join("外面");
    let first = copy.join("第一次检查");
    let second = copy.join("第二次检查");

    let screen = check_into(&copy, &outside);
    assert!(skip_lines(&screen).is_empty(), "{screen}");
    let screen = check_into(&copy, &first);
    assert!(skip_lines(&screen).is_empty(), "its own --out: {screen}");
    let screen = check_into(&copy, &second);
    assert_eq!(
        skip_lines(&screen),
        ["提示：“第一次检查/”是 orglife 之前生成的检查结果，不是支部报表，已跳过未读"],
        "{screen}"
    );
    let csv = |dir: &Path| std::fs::read(dir.join("findings.csv")).unwrap();
    assert_eq!(csv(&first), csv(&outside));
    assert_eq!(csv(&second), csv(&outside));
    assert!(orglife::ingest::own_outputs::marked(
        &second.join("汇总.xlsx")
    ));

    // An archive, a `--quick` folder, a `remind` folder and a 汇总.xlsx on its own, all in the
    // input: each named once, none read.
    let o = run(&[
        "archive",
        &copy.display().to_string(),
        "--year",
        "2024",
        "--as-of",
        "2024-09-10",
        "--out",
        &copy.join("归档").display().to_string(),
    ]);
    assert_quiet_success(&o);
    let quick = run(&[
        "check",
        &copy.display().to_string(),
        "--as-of",
        "2024-09-10",
        "--quick",
        "--out",
        &copy.join("快速复查").display().to_string(),
    ]);
    assert_quiet_success(&quick);
    let remind = run(&[
        "remind",
        &copy.display().to_string(),
        "--as-of",
        "2024-09-10",
        "--out",
        &copy.join("催办").display().to_string(),
    ]);
    assert_quiet_success(&remind);
    std::fs::copy(second.join("汇总.xlsx"), copy.join("其他/汇总.xlsx")).unwrap();
    let third = tmp.path().join("第三次");
    let screen = check_into(&copy, &third);
    assert_eq!(
        skip_lines(&screen),
        [
            "提示：“催办/”是 orglife 之前生成的催办结果，不是支部报表，已跳过未读",
            "提示：“其他/汇总.xlsx”是 orglife 之前生成的汇总表，不是支部报表，已跳过未读",
            "提示：“归档/”是 orglife 之前生成的归档，不是支部报表，已跳过未读",
            "提示：“快速复查/”是 orglife 之前生成的检查结果，不是支部报表，已跳过未读",
            "提示：“第一次检查/”是 orglife 之前生成的检查结果，不是支部报表，已跳过未读",
            "提示：“第二次检查/”是 orglife 之前生成的检查结果，不是支部报表，已跳过未读",
        ],
        "{screen}"
    );
    assert_eq!(csv(&third), csv(&outside));
    // 输入文件 names each skipped folder too.
    let rows = sheet_text(&third.join("汇总.xlsx"), "输入文件");
    let noted: Vec<&str> = rows
        .iter()
        .filter(|r| r[11].contains("已跳过未读"))
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(noted.len(), 6, "{noted:?}");
    assert!(noted.contains(&"归档/"));
}

/// findings.csv rows as their eight fields.
fn findings_rows(dir: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(dir.join("findings.csv")).unwrap();
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

const HONGXING: &str = "青林镇红星村党支部";
const HONGXING_RETURN: &str = "红星村/青林镇红星村党支部专题组织生活会台账.xlsx";

/// SPEC §8: a branch sends back, unchanged, the feedback workbook it got. It reads as that
/// branch's return: its 问题清单 and notes add nothing, masked values are not flagged, and it
/// supersedes the earlier return (S006 naming both); every other finding stays as it was.
#[test]
fn a_feedback_workbook_sent_back_reads_as_the_branchs_return() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("第一次");
    check_into(&fixture("township"), &first);
    let feedback = first.join("反馈").join(format!("{HONGXING}.xlsx"));
    let rows = sheet_text(&feedback, "问题清单");
    assert_eq!(
        rows[2][0],
        orglife::model::outputs::FEEDBACK_ASK,
        "the first sheet says to correct this workbook and send it back"
    );
    assert!(rows[2][0].contains("改好后将本工作簿报回组织办"));

    let copy = tmp.path().join("返回材料");
    copy_tree(&fixture("township"), &copy);
    let sent_back = format!("红星村/{HONGXING}.xlsx");
    std::fs::copy(&feedback, copy.join(&sent_back)).unwrap();
    let second = tmp.path().join("第二次");
    check_into(&copy, &second);

    let (code, subject, message, file) = (0, 3, 4, 5);
    let mut expected: Vec<Vec<String>> = findings_rows(&first)
        .into_iter()
        .map(|mut r| {
            if r[file] == HONGXING_RETURN {
                r[file] = sent_back.clone();
            }
            r
        })
        .collect();
    let (supersede, mut got): (Vec<_>, Vec<_>) = findings_rows(&second)
        .into_iter()
        .partition(|r| r[code] == "S006" && r[2] == HONGXING);
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "nothing new from the feedback workbook");
    // One S006 per kind of sheet, each naming the return set aside and the one used.
    assert_eq!(supersede.len(), 7, "{supersede:?}");
    for r in &supersede {
        assert_eq!(r[subject], HONGXING_RETURN);
        assert!(r[message].contains(&sent_back), "{r:?}");
    }
}

/// The feedback workbook keeps the branch's ID as sent; the township summary masks it.
#[test]
fn feedback_keeps_ids_unmasked_while_the_summary_masks_them() {
    let (o, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    assert_quiet_success(&o);
    let roster = sheet_text(
        &out.path().join("反馈").join(format!("{HONGXING}.xlsx")),
        "党员花名册",
    );
    let cells: Vec<&String> = roster.iter().flatten().collect();
    assert!(
        cells.iter().any(|c| *c == "420682197203150314"),
        "{roster:?}"
    );
    assert!(!cells.iter().any(|c| c.contains("********")));
    let members = sheet_text(&out.path().join("汇总.xlsx"), "党员汇总");
    let cells: Vec<&String> = members.iter().flatten().collect();
    assert!(cells.iter().any(|c| *c == "420682********0314"));
    assert!(!cells.iter().any(|c| *c == "420682197203150314"));
}
