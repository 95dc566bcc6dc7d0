//! A compliant township raises nothing: six branches of every kind, every requirement met on
//! time, written by Python's xlsxwriter (the bench corpus generator, `gen_scale.py --branches 6
//! --seed 2024`, in ../shared/bench; regenerate there, never from here).

mod common;

use common::*;
use orglife::campaign::Campaign;
use orglife::rules::{self, phase};

#[test]
fn a_compliant_township_has_no_finding_at_all() {
    let campaign = Campaign::embedded();
    let (model, mut findings) = ingest_with(&fixture("clean_township"), "2024-12-31", &campaign);
    findings.extend(rules::judge(&model, &campaign, date("2024-12-31")));
    assert!(findings.is_empty(), "{findings:#?}");
    assert_eq!(model.branches.iter().filter(|b| b.returned()).count(), 6);
    // Every phase of every branch is done on time (支委会 is 不适用 where there is none).
    let cx = rules::Ctx::new(&model, &campaign, date("2024-12-31"));
    for b in &cx.branches {
        for s in phase::states(&cx, b) {
            let ok = s.status == phase::Status::OnTime
                || (s.status == phase::Status::NotApplicable && !b.has_committee);
            assert!(ok, "{} {:?}: {:?}", b.name(), s.key, s.status);
        }
    }
}

#[test]
fn strict_exits_1_only_when_an_error_exists() {
    let (o, _) = check(
        &fixture("clean_township"),
        &["--as-of", "2024-12-31", "--strict"],
    );
    assert_eq!(o.status.code(), Some(0));
    let (o, out) = check(&fixture("township"), &["--as-of", "2024-09-10", "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        read_findings_csv(out.path())
            .iter()
            .any(|r| r["severity"] == "error"),
        "the outputs are still written"
    );
    let (o, _) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "without --strict the run just completes"
    );
}
