//! The two sample townships of sample_data/, run exactly as their README.md says (from the
//! repository root, the path as typed there), must give exactly their documented findings:
//! 桃源镇2025年度 (the annual 民主评议 campaign, set up by its own campaign.toml) and
//! 柳林镇2024 (the embedded 2024 default). Also: the input's own campaign.toml is used when
//! `--config` is not given and said on screen, and is never read as a return; `init --preset`.
mod common;

use std::path::Path;
use std::process::Output;

use common::orglife;

/// (branch, code, subject) of a finding.
type Key = (String, String, String);
/// findings.csv rows as maps keyed by the header.
type Rows = Vec<std::collections::HashMap<String, String>>;

/// (branch, code, subject, fourth column) rows of an expected-findings TSV, sorted.
fn expected(name: &str) -> Vec<Key> {
    let text = std::fs::read_to_string(common::fixture(name)).unwrap();
    let mut rows: Vec<Key> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 4, "four tab-separated columns: {l}");
            (cols[0].into(), cols[1].into(), cols[2].into())
        })
        .collect();
    rows.sort();
    rows
}

/// `orglife ARGS` run from the repository root, as the READMEs have the clerk type it.
fn run_in_repo(args: &[&str]) -> Output {
    orglife()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

/// Findings of `check DIR --as-of AS_OF` run as the README says, as sorted (branch, code,
/// subject), with the whole rows for the report of a mismatch.
fn check_as_documented(dir: &str, as_of: &str) -> (Output, Vec<Key>, Rows) {
    let out = tempfile::tempdir().unwrap();
    let o = run_in_repo(&[
        "check",
        dir,
        "--as-of",
        as_of,
        "--out",
        &out.path().display().to_string(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows = common::read_findings_csv(out.path());
    let mut got: Vec<Key> = rows
        .iter()
        .map(|r| (r["branch"].clone(), r["code"].clone(), r["subject"].clone()))
        .collect();
    got.sort();
    (o, got, rows)
}

/// Misses and extras, printed; the test fails on either.
fn compare(what: &str, want: &[Key], got: &[Key], rows: &Rows) {
    let mut extra: Vec<&Key> = Vec::new();
    let mut left: Vec<&Key> = want.iter().collect();
    for g in got {
        match left.iter().position(|w| *w == g) {
            Some(i) => {
                left.remove(i);
            }
            None => extra.push(g),
        }
    }
    println!(
        "{what}: expected {}, found {}, missed {}, unexpected {}",
        want.len(),
        got.len(),
        left.len(),
        extra.len()
    );
    for k in &left {
        println!("MISSED     {}\t{}\t{}", k.0, k.1, k.2);
    }
    for k in &extra {
        let msg = rows
            .iter()
            .find(|r| r["branch"] == k.0 && r["code"] == k.1 && r["subject"] == k.2)
            .map(|r| {
                format!(
                    "{} [{} {} {}]",
                    r["message"], r["file"], r["sheet"], r["cell"]
                )
            })
            .unwrap_or_default();
        println!("UNEXPECTED {}\t{}\t{}\t{msg}", k.0, k.1, k.2);
    }
    assert!(
        left.is_empty() && extra.is_empty(),
        "{what}: {} missed, {} unexpected (listed above)",
        left.len(),
        extra.len()
    );
}

#[test]
fn annual_sample_gives_exactly_the_documented_findings() {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/桃源镇2025年度/README.md"),
    )
    .unwrap();
    assert!(
        readme
            .contains("cargo run --release -- check sample_data/桃源镇2025年度 --as-of 2026-02-10")
    );
    let want = expected("annual_sample.expected.tsv");
    assert!(readme.contains(&format!("应当**正好**报出下文列出的 {} 条问题", want.len())));
    let (o, got, rows) = check_as_documented("sample_data/桃源镇2025年度", "2026-02-10");
    let stdout = String::from_utf8_lossy(&o.stdout);
    // The folder's own campaign.toml was used, and the clerk is told so in one line.
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("使用输入文件夹中的活动配置") && l.contains("campaign.toml"))
            .count(),
        1,
        "{stdout}"
    );
    compare("桃源镇2025年度", &want, &got, &rows);
    assert!(
        !rows.iter().any(|r| r["subject"].contains("campaign.toml")),
        "campaign.toml is configuration, not a return"
    );
}

#[test]
fn the_2024_sample_still_gives_its_41_findings() {
    let want = expected("sample_2024.expected.tsv");
    assert_eq!(want.len(), 41);
    let (o, got, rows) = check_as_documented("sample_data/柳林镇2024", "2024-09-10");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(!stdout.contains("使用输入文件夹中的活动配置"), "{stdout}");
    assert!(
        stdout.contains("发现问题 41 条：严重 13 · 一般 22 · 提示 6"),
        "{stdout}"
    );
    compare("柳林镇2024", &want, &got, &rows);
}

/// The annual sample copied where a test may add to it.
fn annual_copy() -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/桃源镇2025年度");
    let to = tempfile::tempdir().unwrap();
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let p = to.path().join(e.path().strip_prefix(&from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&p).unwrap();
        } else {
            std::fs::copy(e.path(), &p).unwrap();
        }
    }
    to
}

#[test]
fn a_campaign_toml_in_the_input_is_never_read_as_a_return() {
    let dir = annual_copy();
    // --config given: that file rules, and the folder's campaign.toml is still no return.
    let config = dir.path().join("另一个配置.toml");
    std::fs::copy(dir.path().join("campaign.toml"), &config).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = common::run(&[
        "check",
        &dir.path().display().to_string(),
        "--as-of",
        "2026-02-10",
        "--config",
        &config.display().to_string(),
        "--out",
        &out.path().display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&o.stdout).contains("使用输入文件夹中的活动配置"));
    let rows = common::read_findings_csv(out.path());
    let s007: Vec<&str> = rows
        .iter()
        .filter(|r| r["code"] == "S007")
        .map(|r| r["subject"].as_str())
        .collect();
    // Neither the config given (it lies in the input) nor the folder's own is a return.
    assert_eq!(s007, ["README.md"]);
    // remind and archive use the folder's campaign.toml too, and say so.
    let out = tempfile::tempdir().unwrap();
    let o = common::run(&[
        "remind",
        &dir.path().display().to_string(),
        "--as-of",
        "2026-02-10",
        "--out",
        &out.path().display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("使用输入文件夹中的活动配置"));
    let arch = tempfile::tempdir().unwrap();
    let target = arch.path().join("归档");
    let o = common::run(&[
        "archive",
        &dir.path().display().to_string(),
        "--year",
        "2025",
        "--as-of",
        "2026-02-10",
        "--out",
        &target.display().to_string(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("使用输入文件夹中的活动配置"));
    // No 年度 warning: the archive used the 2025 campaign, not the 2024 default.
    assert!(!String::from_utf8_lossy(&o.stderr).contains("不同"));
}

#[test]
fn init_writes_the_presets_and_refuses_an_unknown_one() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("campaign.toml");
    let o = common::run(&[
        "init",
        "--preset",
        "民主评议",
        "--out",
        &f.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains("kind = \"evaluation\"") && text.contains("【请修改】"));
    let d = dir.path().join("default.toml");
    let o = common::run(&["init", "--out", &d.display().to_string()]);
    assert_eq!(o.status.code(), Some(0));
    let e = dir.path().join("explicit.toml");
    let o = common::run(&[
        "init",
        "--preset",
        "讲认真2024",
        "--out",
        &e.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read(&d).unwrap(), std::fs::read(&e).unwrap());
    let o = common::run(&[
        "init",
        "--preset",
        "党史学习",
        "--out",
        &dir.path().join("x.toml").display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("党史学习") && err.contains("讲认真2024、民主评议"),
        "{err}"
    );
    assert!(!dir.path().join("x.toml").exists());
}
