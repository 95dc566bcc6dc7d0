//! Outputs are atomic: a run killed at any moment leaves each output as it was or as a
//! finished run writes it, never half a file (SPEC §5: temp file + rename).

mod common;

use calamine::{Reader, Xlsx, open_workbook};
use common::*;

fn run_check(input: &std::path::Path, out: &std::path::Path, as_of: &str) -> std::process::Child {
    orglife()
        .args([
            "check",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            as_of,
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn whole_workbook(path: &std::path::Path) -> bool {
    open_workbook::<Xlsx<_>, _>(path).is_ok_and(|mut wb: Xlsx<_>| {
        let names = wb.sheet_names();
        !names.is_empty() && names.iter().all(|n| wb.worksheet_range(n).is_ok())
    })
}

#[test]
fn killing_a_run_never_leaves_half_an_output() {
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024");
    // What a finished run writes, for each --as-of used below.
    let reference = |as_of: &str| {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            run_check(&input, dir.path(), as_of)
                .wait()
                .unwrap()
                .success()
        );
        let csv = std::fs::read(dir.path().join("findings.csv")).unwrap();
        (dir, csv)
    };
    let (_old_dir, old_csv) = reference("2024-09-10");
    let started = std::time::Instant::now();
    let (_new_dir, new_csv) = reference("2024-12-31");
    // Kills are spread over one run's length, whatever this build's speed.
    let run = started.elapsed();
    assert_ne!(old_csv, new_csv);

    let out = tempfile::tempdir().unwrap();
    assert!(
        run_check(&input, out.path(), "2024-09-10")
            .wait()
            .unwrap()
            .success()
    );
    let mut killed_while_writing = 0;
    // Every round writes either the old or the new content, so no reset is needed between.
    for fraction in [0.1, 0.3, 0.5, 0.7, 0.9] {
        let delay = run.mul_f64(fraction);
        let mut child = run_check(&input, out.path(), "2024-12-31");
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed_while_writing += 1;
        }
        child.wait().unwrap();
        let csv = std::fs::read(out.path().join("findings.csv")).unwrap();
        assert!(
            csv == old_csv || csv == new_csv,
            "findings.csv is neither the old nor a whole new file after {delay:?}"
        );
        assert!(
            whole_workbook(&out.path().join("汇总.xlsx")),
            "汇总.xlsx after {delay:?}"
        );
        // The folder is swapped whole: the old set, the new set, or (killed between the two
        // renames) none; never a mix or a half workbook.
        if let Ok(entries) = std::fs::read_dir(out.path().join("反馈")) {
            for e in entries {
                let p = e.unwrap().path();
                assert!(whole_workbook(&p), "{} after {delay:?}", p.display());
            }
        }
    }
    eprintln!("{killed_while_writing} of 5 runs killed before they finished");
    assert!(
        killed_while_writing >= 3,
        "the runs finished too fast to be interrupted ({killed_while_writing})"
    );
    let _ = read_findings_csv(out.path());
}
