//! The command line: the two commands work, errors are one clear Chinese line with exit 2,
//! outputs land in --out and the inputs are left alone.

mod common;

use common::*;
use sha2::{Digest, Sha256};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_is_in_chinese() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("用法") && text.contains("check") && text.contains("示例"),
        "{text}"
    );
    let o = run(&["check", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("--as-of"));
}

#[test]
fn usage_errors_are_one_chinese_line_with_exit_2() {
    for args in [
        vec!["check"],
        vec!["chek", "x"],
        vec!["check", "x", "--bogus"],
        vec![],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert_eq!(e.trim().lines().count(), 1, "{args:?}: {e}");
        assert!(
            e.starts_with("orglife：") && e.contains("orglife --help"),
            "{args:?}: {e}"
        );
    }
}

#[test]
fn operational_errors_exit_2_with_a_reason() {
    let o = run(&["check", "/no/such/folder"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不存在"), "{}", stderr(&o));

    let (o, _) = check(&fixture("broken"), &["--as-of", "明天"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--as-of"), "{}", stderr(&o));

    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "year = \"二〇二四\"\n").unwrap();
    let (o, _) = check(&fixture("broken"), &["--config", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("orglife：配置文件"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stderr(&o).trim().lines().count(), 1);

    // An output folder that cannot be created.
    let blocker = dir.path().join("a_file");
    std::fs::write(&blocker, "x").unwrap();
    let o = run(&[
        "check",
        fixture("broken").to_str().unwrap(),
        "--out",
        blocker.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("无法创建输出文件夹"), "{}", stderr(&o));
}

#[test]
fn init_writes_the_commented_default_and_check_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("campaign.toml");
    let o = run(&["init", "--out", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(text.contains("# 六个环节及完成时限") && text.contains("deadline = \"2024-08-15\""));
    // Refuses to overwrite without --force.
    let o = run(&["init", "--out", cfg.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"));
    assert_eq!(
        run(&["init", "--out", cfg.to_str().unwrap(), "--force"])
            .status
            .code(),
        Some(0)
    );
    // An edited config changes the judgement: a later talks deadline makes S004 not yet due.
    let edited = text.replacen(
        "deadline = \"2024-07-31\"\n\n[phases.lists]",
        "deadline = \"2024-09-30\"\n\n[phases.lists]",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(&cfg, edited).unwrap();
    let (o, out) = check(
        &fixture("township"),
        &["--as-of", "2024-09-10", "--config", cfg.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_findings_csv(out.path());
    assert!(
        !rows
            .iter()
            .any(|r| r["code"] == "S004" && r["subject"] == "谈心谈话记录")
    );
    let (_, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    assert!(
        read_findings_csv(out.path())
            .iter()
            .any(|r| r["code"] == "S004" && r["subject"] == "谈心谈话记录")
    );
}

fn hash_tree(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            (
                e.path().display().to_string(),
                format!("{:x?}", Sha256::digest(&bytes).as_slice()),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn check_writes_its_outputs_and_leaves_inputs_untouched() {
    let input = fixture("township");
    let before = hash_tree(&input);
    let (o, out) = check(&input, &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(hash_tree(&input), before);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("检查完成") && stdout.contains("发现问题"),
        "{stdout}"
    );
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        ["findings.csv", "催办", "反馈", "汇总.xlsx"],
        "no temporary files left behind"
    );
}

#[test]
fn the_output_folder_inside_the_input_is_not_read_back() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture("broken"), dir.path());
    let out = dir.path().join("out");
    for _ in 0..2 {
        let o = run(&[
            "check",
            dir.path().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2024-09-10",
        ]);
        assert_eq!(o.status.code(), Some(0));
    }
    let rows = read_findings_csv(&out);
    assert!(
        !rows.iter().any(|r| r["file"].starts_with("out/")),
        "{rows:?}"
    );
}

#[test]
fn rules_lists_every_code_and_explains_one() {
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let table = String::from_utf8_lossy(&o.stdout);
    for code in ["S001", "D011", "T101", "T800", "C012", "V006", "M004"] {
        assert!(table.contains(code), "{code}");
    }
    let o = run(&["rules", "c001"]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("C001 班子成员之间未谈心谈话（严重）"),
        "{text}"
    );
    assert!(
        text.contains("依据：") && text.contains("必谈"),
        "quotes the notice: {text}"
    );
    let o = run(&["rules", "X999"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("X999"));
}

/// `orglife rules` as a clerk sees it: every code of SPEC §4 in its order, with its severity,
/// title and when it is due. The declarations in `src/finding/catalog.rs` are the only list of
/// codes; this file holds what they print. After adding or changing a rule, regenerate it with
/// `ORGLIFE_BLESS=1 cargo test --test cli rules_table` and read the diff.
#[test]
fn rules_table_is_the_spec_table() {
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/rules.txt");
    let o = run(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    if std::env::var_os("ORGLIFE_BLESS").is_some() {
        std::fs::write(&golden, &o.stdout).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    let got = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        got,
        want,
        "`orglife rules` differs from {}",
        golden.display()
    );
    assert_eq!(
        got.lines()
            .filter(|l| l.len() > 4
                && l.as_bytes()[4] == b' '
                && l.starts_with(|c: char| c.is_ascii_uppercase()))
            .count(),
        63
    );
}

#[test]
fn quick_writes_only_findings() {
    let (full_out, full_dir) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    let (o, dir) = check(&fixture("township"), &["--as-of", "2024-09-10", "--quick"]);
    assert_eq!(
        (full_out.status.code(), o.status.code()),
        (Some(0), Some(0))
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["findings.csv"]);
    assert_eq!(
        std::fs::read(dir.path().join("findings.csv")).unwrap(),
        std::fs::read(full_dir.path().join("findings.csv")).unwrap(),
        "the same findings as a full check"
    );
}

/// `orglife rules --config`: the campaign's view of each code (SPEC §7), quoting its notice.
#[test]
fn rules_follow_the_configured_campaign() {
    let dir = tempfile::tempdir().unwrap();
    let notice =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/finding/notice_evaluation.txt");
    std::fs::copy(&notice, dir.path().join("通知.txt")).unwrap();
    let config = dir.path().join("campaign.toml");
    std::fs::write(
        &config,
        r#"name = "2025年度组织生活会和民主评议党员"
year = 2025
start = "2025-12-20"
end = "2026-03-31"
notice = "通知.txt"
[[steps]]
kind = "general"
name = "召开组织生活会"
deadline = "2026-01-20"
[[steps]]
kind = "evaluation"
name = "民主评议党员"
deadline = "2026-01-20"
[rules]
off = ["V004"]
severity = { E003 = "error" }
"#,
    )
    .unwrap();
    let cfg = config.display().to_string();
    let o = run(&["rules", "--config", &cfg]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    let line = |code: &str| {
        text.lines()
            .find(|l| l.starts_with(code))
            .unwrap_or_else(|| panic!("no {code} in {text}"))
            .to_string()
    };
    assert!(line("C005").contains("本次活动不检查（没有该环节）"));
    assert!(line("V004").contains("本次活动不检查（已关闭）"));
    assert!(line("E003").contains("严重"), "{}", line("E003"));
    assert!(
        line("E001").contains("“民主评议党员”环节期限（2026年1月"),
        "{}",
        line("E001")
    );
    let o = run(&["rules", "E003", "--config", &cfg]);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        text.contains("依据：本次活动通知：“") && text.contains("三分之一"),
        "{text}"
    );
    // Without --config, the catalog's own texts (the 2024 notice).
    let o = run(&["rules", "C001"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("依据：通知第二部分"));
}

/// An --as-of outside the campaign is a warning on screen, not a silent run (SPEC §7).
#[test]
fn an_as_of_outside_the_campaign_is_warned_about() {
    let (o, _dir) = check(&fixture("township"), &["--as-of", "2023-09-10"]);
    assert_eq!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(
        err.contains("注意：统计截止日 2023年9月10日 不在本次活动")
            && err.contains("2024年7月1日 至 2024年8月25日"),
        "{err}"
    );
    let (o, _dir) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    assert!(!stderr(&o).contains("注意：统计截止日"), "{}", stderr(&o));
}

/// The configuration in the returns folder is not a return: campaign.toml and the notice it
/// names are read as configuration, never as a branch's file (no S007 for them).
#[test]
fn the_campaign_files_in_the_input_are_not_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("报表");
    copy_tree(&fixture("township"), &input);
    let text = orglife::campaign::DEFAULT_TOML.replace(
        "contact = \"镇党委组织办\"",
        "contact = \"镇党委组织办\"\nnotice = \"通知.txt\"",
    );
    std::fs::write(input.join("campaign.toml"), text).unwrap();
    std::fs::write(input.join("通知.txt"), "各党支部：……谈心谈话……").unwrap();
    let (o, dir) = check(&input, &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_findings_csv(dir.path());
    assert!(
        !rows
            .iter()
            .any(|r| r["file"] == "campaign.toml" || r["file"] == "通知.txt"),
        "{rows:?}"
    );
}

/// A panic that escapes (a defect in a writer, here forced by a debug-only switch) ends the
/// run with exit 3 and one Chinese line naming the file with the details; the earlier
/// outputs in the folder are left as they were, and no temp file remains.
#[test]
fn an_internal_error_is_one_line_and_exit_3() {
    let out = tempfile::tempdir().unwrap();
    let input = fixture("township").display().to_string();
    let dir = out.path().display().to_string();
    let o = run(&["check", &input, "--as-of", "2024-09-10", "--out", &dir]);
    assert_eq!(o.status.code(), Some(0));
    let before = std::fs::read(out.path().join("汇总.xlsx")).unwrap();
    let o = orglife()
        .args(["check", &input, "--as-of", "2024-09-10", "--out", &dir])
        .env("ORGLIFE_TEST_PANIC", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("orglife 内部出错"), "{err}");
    let report = lines[0]
        .split("详细信息已写入 ")
        .nth(1)
        .and_then(|r| r.split('，').next())
        .unwrap();
    let details = std::fs::read_to_string(report).unwrap();
    assert!(details.contains("ORGLIFE_TEST_PANIC"), "{details}");
    let _ = std::fs::remove_file(report);
    assert_eq!(std::fs::read(out.path().join("汇总.xlsx")).unwrap(), before);
    for e in std::fs::read_dir(out.path()).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            !name.starts_with('.') && !name.contains("tmp"),
            "left behind: {name}"
        );
    }
}

/// A filled-in template is never replaced unasked; a second check says it replaces the first
/// one's outputs, and refuses to delete what orglife did not write (issue 16).
#[test]
fn outputs_are_replaced_only_when_they_are_orglifes_own() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().join("模板");
    let dir = t.display().to_string();
    assert_eq!(run(&["template", "--out", &dir]).status.code(), Some(0));
    let o = run(&["template", "--out", &dir]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(
        run(&["template", "--out", &dir, "--force"]).status.code(),
        Some(0)
    );

    let out = tmp.path().join("结果");
    let input = fixture("township").display().to_string();
    let o_dir = out.display().to_string();
    let check = || run(&["check", &input, "--as-of", "2024-09-10", "--out", &o_dir]);
    let o = check();
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("将替换"));
    let o = check();
    assert_eq!(o.status.code(), Some(0));
    let screen = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        screen.contains("将替换") && screen.contains("反馈"),
        "{screen}"
    );
    // A note the clerk put into 反馈/ would be deleted: refused, nothing written.
    std::fs::write(out.join("反馈/给书记的话.docx"), "x").unwrap();
    let before = std::fs::read(out.join("汇总.xlsx")).unwrap();
    let o = check();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("给书记的话.docx"), "{}", stderr(&o));
    assert!(out.join("反馈/给书记的话.docx").exists());
    assert_eq!(std::fs::read(out.join("汇总.xlsx")).unwrap(), before);
    // A 汇总.xlsx that is not orglife's is not overwritten either.
    let other = tmp.path().join("别的");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("汇总.xlsx"), "我自己的汇总").unwrap();
    let other_dir = other.display().to_string();
    let o = run(&[
        "check",
        &input,
        "--as-of",
        "2024-09-10",
        "--out",
        &other_dir,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(other.join("汇总.xlsx")).unwrap(),
        "我自己的汇总"
    );
}

/// The wrong folder is not a quiet success (issue 16): no spreadsheet at all is exit 2 with
/// one line naming what was found instead.
#[test]
fn a_folder_without_any_return_is_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("空");
    std::fs::create_dir_all(&empty).unwrap();
    let (o, _d) = check(&empty, &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("文件夹里没有找到任何报表") && err.contains("文件夹是空的"),
        "{err}"
    );
    let docs = tmp.path().join("文档");
    std::fs::create_dir_all(docs.join("红星村")).unwrap();
    std::fs::write(docs.join("红星村/总结.docx"), "x").unwrap();
    std::fs::write(docs.join("通知.pdf"), "x").unwrap();
    std::fs::write(docs.join("照片.PDF"), "x").unwrap();
    let (o, _d) = check(&docs, &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("只找到 1 个 .docx、2 个 .pdf"), "{err}");
}
