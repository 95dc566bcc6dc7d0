//! `orglife FOLDER`, what Windows runs when a folder is dropped on the program: `check` with
//! the defaults, its outputs beside the folder named by the as-of date, and a second round
//! that does not read the first's outputs back even when the clerk moved them inside.

mod common;

use std::path::Path;
use std::process::{Output, Stdio};

use common::*;

const AS_OF: &str = "2024-09-10";

/// Run the binary as a drop would, with stdin closed (no one at the console).
fn dropped(args: &[&Path], extra: &[&str]) -> Output {
    orglife()
        .args(args)
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024")
}

#[test]
fn a_dropped_folder_is_checked_into_a_dated_folder_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    copy_tree(&sample(), &input);
    let o = dropped(&[&input], &["--as-of", AS_OF, "--no-open"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = dir.path().join(format!("报表-检查结果-{AS_OF}"));
    assert!(out.join("findings.csv").is_file(), "{stdout}");
    assert!(out.join("汇总.xlsx").is_file());
    assert!(out.join("反馈").is_dir() && out.join("催办").is_dir());
    assert!(stdout.contains("检查结果写到："), "{stdout}");
    // Nothing was opened (stdout is a pipe), and the screen says where to look.
    assert!(stdout.contains("请打开"), "{stdout}");

    // The same findings as `check` into a folder of its own.
    let (o, plain) = check(&sample(), &["--as-of", AS_OF]);
    assert_quiet_success(&o);
    assert_eq!(
        std::fs::read(out.join("findings.csv")).unwrap(),
        std::fs::read(plain.path().join("findings.csv")).unwrap()
    );
}

#[test]
fn a_second_round_skips_the_first_rounds_outputs_moved_inside() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    copy_tree(&sample(), &input);
    let o = dropped(&[&input], &["--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(0));
    let first = dir.path().join(format!("报表-检查结果-{AS_OF}"));
    let first_csv = std::fs::read(first.join("findings.csv")).unwrap();
    // The clerk tidies up: the results go into the returns folder.
    let moved = input.join(format!("报表-检查结果-{AS_OF}"));
    std::fs::rename(&first, &moved).unwrap();

    let o = dropped(&[&input], &["--as-of", AS_OF]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "“报表-检查结果-{AS_OF}/”是 orglife 之前生成的检查结果"
        )),
        "{stdout}"
    );
    let second = std::fs::read(first.join("findings.csv")).unwrap();
    assert_eq!(
        second, first_csv,
        "the moved outputs were not read as returns"
    );
}

#[test]
fn an_out_given_is_kept_and_commands_still_win() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("结果");
    let o = dropped(
        &[&sample()],
        &["--as-of", AS_OF, "--out", out.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(out.join("findings.csv").is_file());
    assert!(
        !sample()
            .parent()
            .unwrap()
            .join(format!("柳林镇2024-检查结果-{AS_OF}"))
            .exists(),
        "nothing written beside the sample"
    );

    // A word that is neither a command nor a path stays an unknown command.
    let o = run(&["chek"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("没有“chek”这个命令"));
}

#[test]
fn a_missing_or_second_folder_is_one_chinese_line() {
    let o = dropped(&[Path::new("/no/such/报表")], &["--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("不存在") && e.trim().lines().count() == 1, "{e}");

    let o = dropped(&[&sample(), &sample()], &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("一次只能检查一个文件夹"), "{e}");
}
