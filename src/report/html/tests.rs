use chrono::NaiveDate;

use super::*;
use crate::analysis::{Options, Stages, analyse};
use crate::finding::{Code, Location, Severity};
use crate::history::{Round, RoundCounts, Seen};

fn township() -> Analysis {
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/township");
    let opts = Options {
        input,
        as_of: Some("2024-09-10".to_string()),
        default_as_of: date("2024-09-10"),
        ..Options::default()
    };
    analyse(&opts, &mut Stages::default()).expect("the fixture township reads")
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The index of the first branch that has findings, and its name.
fn branch_with_findings(a: &Analysis) -> (usize, String) {
    let i = a
        .overview
        .branches
        .iter()
        .position(|b| b.counts.iter().sum::<usize>() > 0)
        .unwrap();
    (i, a.overview.branches[i].name.clone())
}

const ID: &str = "420682197203150314";

#[test]
fn what_a_branch_typed_never_runs_and_ids_stay_masked() {
    let mut a = township();
    let (i, name) = branch_with_findings(&a);
    let evil = format!("<script>alert(1)</script>红星村{ID}党支部");
    a.overview.branches[i].name = evil.clone();
    for f in a.findings.iter_mut().filter(|f| f.branch == name) {
        f.branch = evil.clone();
        f.subject = format!("<img src=x onerror=alert(2)>{ID}");
        f.message = format!("身份证号“{ID}”有误</script><script>alert(3)</script>'\"&");
        f.loc.file = format!("<b>{ID}</b>.xlsx");
    }
    a.findings.push(Finding::new(
        Code::S003,
        crate::finding::TOWNSHIP,
        format!("</script><script>alert(4)</script>{ID}"),
        format!("<svg onload=alert(5)>{ID}"),
        Location::file("x.xlsx"),
    ));
    let page = render(&a, Pii::default());
    assert!(!page.contains(ID), "a full ID survived");
    assert!(page.contains("420682********0314"));
    // Only our own two script elements (the data blob and the script) open anywhere.
    assert_eq!(page.matches("<script").count(), 2, "{page}");
    assert_eq!(page.matches("</script>").count(), 2);
    for markup in ["<img", "<svg onload", "<b>420682", "alert(1)</script>"] {
        assert!(!page.contains(markup), "{markup} survived as markup");
    }
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;红星村420682********0314党支部"));
    // In the blob, markup characters are JSON escapes JSON.parse turns back into text.
    assert!(page.contains("\\u003c/script\\u003e\\u003cscript\\u003ealert(3)"));
    // --show-pii shows the ID, and still escapes it all.
    let shown = render(&a, Pii { show: true });
    assert!(shown.contains(ID));
    assert_eq!(shown.matches("<script").count(), 2);
}

#[test]
fn counts_equal_the_screen_summary() {
    let a = township();
    let page = render(&a, Pii::default());
    let t = a.tally();
    assert!(t.registered > 0);
    let count = |s: Severity| a.findings.iter().filter(|f| f.severity == s).count();
    let card =
        |n: usize, label: &str| format!("<div class=\"n\">{n}</div><div class=\"l\">{label}</div>");
    assert!(page.contains(&card(t.registered, "名册支部")));
    assert!(page.contains(&card(t.returned, "已报送")));
    assert!(page.contains(&card(t.registered - t.returned, "未报送")));
    assert!(page.contains(&card(a.findings.len(), "发现问题")));
    assert!(page.contains(&card(count(Severity::Error), "严重")));
    assert!(page.contains(&card(count(Severity::Warning), "一般")));
    assert!(page.contains(&card(count(Severity::Info), "提示")));
    // One row per branch; the township's findings in their own section.
    assert_eq!(
        page.matches("<tr class=\"b\"").count(),
        a.overview.branches.len()
    );
    let township = a.findings.iter().filter(|f| f.branch == "全镇").count();
    assert!(township > 0);
    assert!(page.contains(&format!("全镇性问题（{township} 条）")));
    // Without a history the headline stands in for the comparison.
    assert!(page.contains(&a.progress.headline()));
    assert!(!page.contains("与上次相比"));
    assert!(page.contains("<meta name=\"generator\" content=\"orglife\">"));
}

#[test]
fn a_previous_check_marks_new_findings_and_lists_fixed_ones() {
    let mut a = township();
    let (i, name) = branch_with_findings(&a);
    let mine: Vec<usize> = (0..a.findings.len())
        .filter(|&k| a.findings[k].branch == name)
        .collect();
    a.progress = Progress {
        state: State::Continued,
        previous: Some(Round {
            number: 1,
            run_at: "2024-09-03 10:00".to_string(),
            as_of: date("2024-09-03"),
            command: "check".to_string(),
            counts: RoundCounts::default(),
        }),
        seen: (0..a.findings.len())
            .map(|k| Seen {
                first_seen: date(if k == mine[0] {
                    "2024-09-10"
                } else {
                    "2024-09-03"
                }),
                reminded: 1,
                new: k == mine[0],
            })
            .collect(),
        fixed: vec![Fixed {
            branch: name.clone(),
            code: Code::D006,
            severity: Severity::Warning,
            subject: "秦刚".to_string(),
            message: format!("身份证号“{ID}”校验位不正确，已改正的<i>问题</i>"),
            first_seen: date("2024-09-03"),
            reminded: 2,
        }],
        ..Progress::default()
    };
    let page = render(&a, Pii::default());
    assert!(page.contains("与第 1 次检查（2024-09-03 10:00，统计截止 2024-09-03）相比"));
    assert!(page.contains("<th>与上次相比</th>"));
    let open = mine.len() - 1;
    assert!(
        page.contains(&format!("新 1 · 已改正 1 · 未改 {open}")),
        "branch {i}"
    );
    assert!(page.contains("<div class=\"n\">1</div><div class=\"l\">新发现</div>"));
    assert!(page.contains("<div class=\"n\">1</div><div class=\"l\">已改正</div>"));
    // The blob: history columns on, the fixed finding listed (masked), the new one flagged.
    assert!(page.contains("\"hist\":true"));
    assert!(page.contains("已改正的\\u003ci\\u003e问题\\u003c/i\\u003e"));
    assert!(!page.contains(ID));
    assert!(
        page.contains(",1,\"2024-09-10\",1]"),
        "the new finding, flagged"
    );
}

/// 2,000 branches with 20 findings each: the page is written in well under a second (in a
/// release build; this debug test allows more) and stays a reasonable size.
#[test]
fn a_county_renders_fast_and_small() {
    let mut a = township();
    let base_branches = a.overview.branches.clone();
    let base: Vec<Finding> = a
        .findings
        .iter()
        .filter(|f| f.branch != "全镇")
        .cloned()
        .collect();
    a.overview.branches.clear();
    a.findings.clear();
    for n in 0..2000 {
        let mut b = base_branches[n % base_branches.len()].clone();
        b.name = format!("第{n}号党支部");
        for k in 0..20 {
            let mut f = base[(n + k) % base.len()].clone();
            f.branch = b.name.clone();
            f.loc.file = format!("第{n}号/台账.xlsx");
            a.findings.push(f);
        }
        a.overview.branches.push(b);
    }
    let t = std::time::Instant::now();
    let page = render(&a, Pii::default());
    let took = t.elapsed();
    eprintln!(
        "2,000 branches, {} findings: {:.1} MB in {:.3} s",
        a.findings.len(),
        page.len() as f64 / 1e6,
        took.as_secs_f64()
    );
    assert_eq!(page.matches("<tr class=\"b\"").count(), 2000);
    assert!(page.len() < 20_000_000, "{} bytes", page.len());
    assert!(took.as_secs_f64() < 10.0, "{took:?}");
}
