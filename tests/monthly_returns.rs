//! Monthly returns (SPEC §3.2, §6): returns of different 报送月份 merge, a row repeated
//! identically is kept once, and a correction for the same month supersedes the earlier file
//! with one S006 per sheet kind.

mod common;

use common::*;
use orglife::model::MeetingKind;
use orglife::model::YearMonth;

#[test]
fn two_months_merge_and_the_correction_supersedes() {
    let (model, findings) = ingest_at(&fixture("township"), "2024-09-10");
    let b = branch(&model, "光明村");
    let got: Vec<(MeetingKind, String)> = b
        .meetings
        .iter()
        .map(|m| (m.kind.value, ymd(&m.date.value)))
        .collect();
    assert_eq!(
        got,
        [
            (MeetingKind::Committee, "2024-07-03".into()),
            (MeetingKind::Study, "2024-07-08".into()),
            (MeetingKind::ThemeDay, "2024-07-15".into()),
            (MeetingKind::PartyLecture, "2024-07-22".into()),
            (MeetingKind::Committee, "2024-08-06".into()),
            (MeetingKind::ThemeDay, "2024-08-12".into()),
            (MeetingKind::General, "2024-08-14".into()),
            (MeetingKind::PartyLecture, "2024-08-28".into()),
        ],
        "July's rows, then the corrected August rows; the repeated July 党课 once"
    );
    // The August rows come from the correction, not from the file it corrects.
    let aug = &b.meetings[4];
    assert!(
        model.files[aug.date.at.file() as usize]
            .path
            .ends_with("8月台账（更正）.xlsx")
    );
    // The roster sent in July and again, unchanged, with the correction is one roster.
    assert_eq!(b.roster.len(), 5);
    assert_eq!(
        b.periods.iter().copied().collect::<Vec<_>>(),
        [
            YearMonth {
                year: 2024,
                month: 7
            },
            YearMonth {
                year: 2024,
                month: 8
            }
        ]
    );
    // 基本情况 of the latest period wins item by item.
    assert_eq!(
        ymd(&b.info.as_ref().unwrap().report_date.as_ref().unwrap().value),
        "2024-09-05"
    );

    let s006: Vec<_> = findings
        .iter()
        .filter(|f| f.code == "S006" && f.branch.contains("光明村"))
        .collect();
    assert_eq!(s006.len(), 2, "one per superseded sheet kind: {s006:?}");
    for f in &s006 {
        assert_eq!(
            f.subject, "光明村/2024年8月/光明村党支部8月台账.xlsx",
            "the subject is the file set aside"
        );
        assert!(
            f.message.contains("光明村党支部8月台账（更正）.xlsx"),
            "the message names the file used: {}",
            f.message
        );
    }
    // The superseded sheets count as rejected, whole.
    let old = file(&model, "2024年8月/光明村党支部8月台账.xlsx");
    for s in &old.sheets {
        assert_eq!(
            (
                s.accepted,
                s.rejected,
                s.rejected_by.map(orglife::finding::Code::as_str)
            ),
            (0, s.read, Some("S006")),
            "{}",
            s.name
        );
    }
    assert!(model.periods.contains(&YearMonth {
        year: 2024,
        month: 7
    }));
}
