//! Real-system layouts (issue 14): tests/fixtures/real_systems/ holds one township (石桥镇)
//! whose branches return what real party-work systems export (see tests/fixtures/SOURCES.md),
//! with a known set of planted problems. The binary is run exactly as the README says and the
//! (branch, code, subject) set of findings.csv must equal tests/fixtures/real_systems.expected.tsv.
mod common;

use std::collections::BTreeSet;

use common::{check, copy_tree, fixture, read_findings_csv};

type Key = (String, String, String);

fn expected() -> (BTreeSet<Key>, std::collections::BTreeMap<Key, String>) {
    let text = std::fs::read_to_string(fixture("real_systems.expected.tsv")).unwrap();
    let mut set = BTreeSet::new();
    let mut why = std::collections::BTreeMap::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "four tab-separated columns: {line}");
        let key = (
            cols[0].to_string(),
            cols[1].to_string(),
            cols[2].to_string(),
        );
        assert!(set.insert(key.clone()), "listed twice: {line}");
        why.insert(key, cols[3].to_string());
    }
    (set, why)
}

#[test]
fn real_system_layouts_give_exactly_the_planted_findings() {
    let (want, why) = expected();
    let (out, dir) = check(&fixture("real_systems"), &["--as-of", "2024-09-10"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = read_findings_csv(dir.path());
    let got: BTreeSet<Key> = rows
        .iter()
        .map(|r| (r["branch"].clone(), r["code"].clone(), r["subject"].clone()))
        .collect();
    let hit = want.intersection(&got).count();
    let missed: Vec<&Key> = want.difference(&got).collect();
    let unexpected: Vec<&Key> = got.difference(&want).collect();
    let recall = hit as f64 / want.len().max(1) as f64;
    let precision = hit as f64 / got.len().max(1) as f64;
    println!(
        "real_systems: expected {}, found {}, matched {hit}; recall {:.3} ({hit}/{}), precision {:.3} ({hit}/{})",
        want.len(),
        got.len(),
        recall,
        want.len(),
        precision,
        got.len()
    );
    for k in &missed {
        println!("MISSED     {}\t{}\t{}\t({})", k.0, k.1, k.2, why[*k]);
    }
    for k in &unexpected {
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
        println!("UNEXPECTED {}\t{}\t{}\t{}", k.0, k.1, k.2, msg);
    }
    assert!(
        missed.is_empty() && unexpected.is_empty(),
        "recall {recall:.3}, precision {precision:.3}: {} missed, {} unexpected (listed above)",
        missed.len(),
        unexpected.len()
    );
}

fn keys(dir: &std::path::Path) -> Vec<(String, String, String, String)> {
    read_findings_csv(dir)
        .iter()
        .map(|r| {
            (
                r["branch"].clone(),
                r["code"].clone(),
                r["subject"].clone(),
                r["message"].clone(),
            )
        })
        .collect()
}

/// Issue 14: run as the clerk runs it week after week. The register named by hand changes
/// nothing; two rounds written into the returns folder find what the first found; and the
/// feedback workbooks of two branches that sent several files, sent back unchanged, read as
/// those branches' returns, adding only the S006 notes that they supersede the first ones.
#[test]
fn real_system_returns_read_the_same_round_after_round() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("报表");
    copy_tree(&fixture("real_systems"), &input);
    let round = |out: &std::path::Path, extra: &[&str]| {
        let (i, o) = (input.display().to_string(), out.display().to_string());
        let mut args = vec!["check", &i, "--as-of", "2024-09-10", "--out", &o];
        args.extend_from_slice(extra);
        let r = common::run(&args);
        common::assert_quiet_success(&r);
        keys(out)
    };
    let first = round(&input.join("第一次检查"), &[]);
    let register = input
        .join("石桥镇基层党组织名册.xlsx")
        .display()
        .to_string();
    let named = round(&tmp.path().join("指定名册"), &["--register", &register]);
    assert_eq!(named, first);
    let second = round(&input.join("第二次检查"), &[]);
    assert_eq!(second, first);

    for (branch, folder) in [
        ("石桥镇柳湾村党支部", "柳湾村"),
        ("湖北石桥建材有限公司党支部", "湖北石桥建材有限公司"),
    ] {
        let name = format!("{branch}.xlsx");
        std::fs::copy(
            input.join("第一次检查/反馈").join(&name),
            input.join(folder).join(&name),
        )
        .unwrap();
    }
    let third = round(&tmp.path().join("第三次"), &[]);
    let (notes, rest): (Vec<_>, Vec<_>) = third.into_iter().partition(|k| k.1 == "S006");
    assert_eq!(rest, first);
    // One note per sheet kind each branch sent (委员分工 included), naming the feedback copy.
    assert_eq!(notes.len(), 16, "{notes:#?}");
    assert!(
        notes.iter().all(|k| k.3.contains("党支部.xlsx")),
        "{notes:#?}"
    );
}
