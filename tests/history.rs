//! Rounds (SPEC §8 “History”, “Who is chased”): a clerk checks the same folder again and
//! again; each check is compared with the previous one and recorded, notices say what was
//! fixed since the last one, and a history file that cannot be used never costs a check.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;

const SAMPLE: &str = "sample_data/柳林镇2024";

fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(SAMPLE),
        &dir.path().join("报表"),
    );
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The dates notices named a finding on, as the history holds them after the last round.
fn reminded_on(history: &Path, subject: &str) -> String {
    let c = rusqlite::Connection::open(history).unwrap();
    c.query_row(
        "SELECT reminded_on FROM items WHERE subject = ?1",
        [subject],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn rounds_remember_what_was_fixed_and_who_was_chased() {
    let dir = sample_copy();
    let input = dir.path().join("报表");
    let history = dir.path().join("历史.sqlite");
    let o = check_round(&input, &dir.path().join("第1次"), &history, "2024-09-10");
    assert!(stdout(&o).contains("第 1 次检查"), "{}", stdout(&o));

    // Between the rounds: 杨湾村 corrects its roster; 商会 (nothing wrong before) takes its
    // returns back, so that nothing of it can be read.
    correct_yangwan_roster(&input);
    std::fs::remove_dir_all(input.join("商会")).unwrap();
    let out = dir.path().join("第2次");
    let o = check_round(&input, &out, &history, "2024-09-12");
    let said = stdout(&o);
    assert!(
        said.contains("与第 1 次检查") && said.contains("新发现 1 条，已改正 1 条，仍未改正 40 条"),
        "{said}"
    );

    // 杨湾村 still has a 严重 finding (林梦瑶's talk row), so it is chased again, and told
    // what it fixed since the notice of 9月10日.
    let notice = std::fs::read_to_string(out.join("催办/柳林镇杨湾村党支部.txt")).unwrap();
    assert!(
        notice.contains("自上次通知（9月10日）以来已改正（1 处）")
            && notice.contains("流动、困难、年老体弱党员未谈话：谭永福")
            && notice.contains("必填项为空：林梦瑶")
            && notice.contains("请于2024年9月15日前办结"),
        "{notice}"
    );
    let list = sheet_text(&out.join("汇总.xlsx"), "催办名单");
    let yangwan = list.iter().find(|r| r[1] == "柳林镇杨湾村党支部").unwrap();
    assert_eq!(yangwan.last().unwrap(), "1 处（9月10日通知）");
    // 商会 sent nothing readable this time: a new S001, and nothing of it counted as fixed.
    let group = std::fs::read_to_string(out.join("催办/群通知.txt")).unwrap();
    assert!(group.contains("柳林镇商会党支部"), "{group}");

    // The clerk runs the same check again the same day: a third round, but no one has been
    // chased twice (notices on the same as-of date count once).
    check_round(&input, &dir.path().join("第3次"), &history, "2024-09-12");
    assert_eq!(reminded_on(&history, "林梦瑶"), "2024-09-10,2024-09-12");

    let o = run(&[
        "history",
        input.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
    ]);
    assert_quiet_success(&o);
    let table = stdout(&o);
    let rows: Vec<&str> = table.lines().filter(|l| l.contains("2024-09-1")).collect();
    assert_eq!(rows.len(), 3, "{table}");
    let cols = |l: &str| -> Vec<String> { l.split_whitespace().map(str::to_string).collect() };
    // 次数 日期 时间 统计截止 命令 已报送 严重 一般 提示 新发现 已改正
    assert_eq!(cols(rows[0])[9..], ["—", "—"]);
    assert_eq!(cols(rows[1])[5], "22/25");
    assert_eq!(cols(rows[1])[9..], ["1", "1"]);
    assert_eq!(cols(rows[2])[9..], ["0", "0"]);
}

#[test]
fn a_damaged_history_is_a_warning_never_a_lost_check() {
    let dir = sample_copy();
    let history = dir.path().join("历史.sqlite");
    let junk = "这不是检查历史，是组织办的备忘录。".repeat(300);
    std::fs::write(&history, &junk).unwrap();
    let out = dir.path().join("结果");
    let o = round_output(&dir.path().join("报表"), &out, &history, "2024-09-10");
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("已损坏") && err.contains("照常完成"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line, no debug dump: {err}");
    assert!(out.join("汇总.xlsx").is_file() && out.join("催办/群通知.txt").is_file());
    assert_eq!(
        std::fs::read_to_string(&history).unwrap(),
        junk,
        "left as it was"
    );
}

#[test]
fn a_locked_history_is_waited_for_then_a_warning() {
    let dir = sample_copy();
    let input = dir.path().join("报表");
    let history = dir.path().join("历史.sqlite");
    check_round(&input, &dir.path().join("第1次"), &history, "2024-09-10");
    // Another program holds the file (a second window checking the same folder).
    let holder = rusqlite::Connection::open(&history).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = dir.path().join("第2次");
    let o = round_output(&input, &out, &history, "2024-09-12");
    assert_eq!(o.status.code(), Some(0));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("占用"), "{err}");
    assert!(out.join("汇总.xlsx").is_file());
    holder.execute_batch("ROLLBACK").unwrap();
    let rounds: i64 = holder
        .query_row("SELECT COUNT(*) FROM rounds", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rounds, 1, "the locked-out check was not recorded");
}

/// Without `--history` the history lives in the user's data folder, one per input folder and
/// campaign; `--no-history` neither reads nor writes one.
#[test]
fn the_default_history_is_per_folder_and_campaign() {
    let dir = sample_copy();
    let input = dir.path().join("报表");
    let data = dir.path().join("数据");
    let run_as_of = |as_of: &str, extra: &[&str], out: &str| {
        let o = orglife()
            .env("XDG_DATA_HOME", &data)
            .args(["check", input.to_str().unwrap(), "--as-of", as_of])
            .arg("--out")
            .arg(dir.path().join(out))
            .args(extra)
            .output()
            .unwrap();
        assert_quiet_success(&o);
        stdout(&o)
    };
    let run_with = |extra: &[&str], out: &str| run_as_of("2024-09-10", extra, out);
    assert!(run_with(&[], "o1").contains("第 1 次检查"));
    assert!(run_with(&[], "o2").contains("与第 1 次检查"));
    let files: Vec<_> = walkdir::WalkDir::new(data.join("orglife"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    // Another campaign over the same folder starts its own history.
    let config = dir.path().join("民主评议.toml");
    let o = run(&[
        "init",
        "--preset",
        "民主评议",
        "--out",
        config.to_str().unwrap(),
    ]);
    assert_quiet_success(&o);
    let annual = run_as_of("2027-01-10", &["--config", config.to_str().unwrap()], "o3");
    assert!(annual.contains("第 1 次检查"), "{annual}");
    let said = run_with(&["--no-history"], "o4");
    assert!(
        !said.contains("检查历史") && !said.contains("进展"),
        "{said}"
    );
    let o = orglife()
        .env("XDG_DATA_HOME", &data)
        .args(["history", input.to_str().unwrap()])
        .output()
        .unwrap();
    assert_quiet_success(&o);
    let rows = stdout(&o)
        .lines()
        .filter(|l| l.contains("2024-09-10"))
        .count();
    assert_eq!(
        rows, 2,
        "the two checks of the default campaign, not --no-history's"
    );
}

#[test]
fn reply_by_sets_the_date_notices_ask_for() {
    let dir = sample_copy();
    let input = dir.path().join("报表");
    let out = dir.path().join("结果");
    let args = |reply: &str| {
        run(&[
            "remind",
            input.to_str().unwrap(),
            "--as-of",
            "2024-09-10",
            "--out",
            out.to_str().unwrap(),
            "--no-history",
            "--reply-by",
            reply,
        ])
    };
    let o = args("2024年9月20日");
    assert_quiet_success(&o);
    assert!(
        stdout(&o).contains("要求 2024-09-20 前补报"),
        "{}",
        stdout(&o)
    );
    let group = std::fs::read_to_string(out.join("催办/群通知.txt")).unwrap();
    assert!(group.contains("请于9月20日前办结"), "{group}");
    for (bad, says) in [("2024-09-01", "早于统计截止日"), ("下周五", "无法识别")] {
        let o = args(bad);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--reply-by") && err.contains(says), "{err}");
    }
}

/// A branch whose only file cannot be read has returned nothing usable: it is chased like a
/// branch that sent nothing, late from the first deadline it missed, and told what to do.
#[test]
fn a_branch_with_only_an_unreadable_file_is_chased() {
    let dir = sample_copy();
    let input = dir.path().join("报表");
    let xls = input.join("龙王庙村/龙王庙村党支部组织生活会台账.xls");
    std::fs::write(&xls, b"\xd0\xcf\x11\xe0 truncated in a WeChat download").unwrap();
    let out = dir.path().join("结果");
    let o = run(&[
        "check",
        input.to_str().unwrap(),
        "--as-of",
        "2024-09-10",
        "--out",
        out.to_str().unwrap(),
        "--no-history",
    ]);
    assert_quiet_success(&o);
    let notice = std::fs::read_to_string(out.join("催办/柳林镇龙王庙村党支部.txt")).unwrap();
    assert!(
        notice.contains("报送的文件无法读取") && notice.contains("已逾期41天"),
        "{notice}"
    );
    let list = sheet_text(&out.join("汇总.xlsx"), "催办名单");
    let row = list
        .iter()
        .find(|r| r[1] == "柳林镇龙王庙村党支部")
        .unwrap();
    assert_eq!(row[6], "41", "{row:?}");
    let group = std::fs::read_to_string(out.join("催办/群通知.txt")).unwrap();
    assert!(group.contains("柳林镇龙王庙村党支部（书记 "), "{group}");
}
