//! Files are never read whole before their size is known (issue 16): a 200 MB file that is no
//! spreadsheet (a video in a branch's folder) is hashed by streaming, and peak memory stays
//! far below its size. Its own test binary: the children's peak memory is this test's alone.

mod common;

use common::*;

#[test]
fn a_large_file_that_is_no_spreadsheet_costs_no_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("报表");
    copy_tree(&fixture("broken"), &input);
    let video = input.join("红星村/会议录像.mp4");
    let f = std::fs::File::create(&video).unwrap();
    f.set_len(200 << 20).unwrap(); // sparse: cheap to make, 200 MB to read
    drop(f);
    let (o, dir) = check(&input, &["--as-of", "2024-09-10"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // SAFETY: getrusage fills the struct it is given.
    let peak_kib = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut u);
        u.ru_maxrss
    };
    assert!(
        peak_kib < 120 * 1024,
        "peak {} MiB for a 200 MB file that is no spreadsheet",
        peak_kib / 1024
    );
    // Named once (S007), with its full hash in 输入文件.
    let rows = read_findings_csv(dir.path());
    assert!(
        rows.iter()
            .any(|r| r["code"] == "S007" && r["file"] == "红星村/会议录像.mp4")
    );
}
