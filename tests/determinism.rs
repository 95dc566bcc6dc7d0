//! The output does not depend on how many threads read the files.

mod common;

use common::*;

#[test]
fn jobs_1_and_jobs_2_write_identical_findings() {
    let input = fixture("township");
    let (a, da) = check(&input, &["--as-of", "2024-09-10", "--jobs", "1"]);
    let (b, db) = check(&input, &["--as-of", "2024-09-10", "--jobs", "2"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(b.status.code(), Some(0));
    let fa = std::fs::read(da.path().join("findings.csv")).unwrap();
    let fb = std::fs::read(db.path().join("findings.csv")).unwrap();
    assert!(fa.len() > 500);
    assert_eq!(fa, fb);
}
