//! The reader against files written by other programs (openpyxl, LibreOffice, Python's csv
//! in GBK and UTF-8 with BOM). Each test asserts the exact records read: names, dates and the
//! cells they came from. The fixtures and what they hold: tests/fixtures/EXPECTED.md.

mod common;

use common::*;
use orglife::model::schema::SheetKind;
use orglife::model::*;

fn names(members: &[Member]) -> Vec<&str> {
    members.iter().map(|m| m.name.value.as_str()).collect()
}

#[test]
fn openpyxl_merged_title_and_two_row_merged_header() {
    let (model, _) = ingest_at(&fixture("township"), "2024-09-10");
    let b = branch(&model, "红星村");
    assert_eq!(
        names(&b.roster),
        [
            "李建军",
            "王芳",
            "陈志强",
            "买买提·艾力",
            "刘德厚",
            "赵小龙",
            "孙桂兰",
            "周明"
        ]
    );
    let m = |n: &str| b.roster.iter().find(|m| m.name.value == n).unwrap();

    // 王　芳: the padding is gone, the cell is where it was written.
    assert_eq!(at(&model, m("王芳").name.at), "党员花名册!B5");
    assert_eq!(ymd(&m("王芳").birth.as_ref().unwrap().value), "1980-11-02");
    assert_eq!(ymd(&m("王芳").joined.as_ref().unwrap().value), "2003-06");
    assert_eq!(
        at(&model, m("王芳").joined.as_ref().unwrap().at),
        "党员花名册!E5"
    );
    assert_eq!(m("王芳").role.value, Role::DeputySecretary);

    assert_eq!(ymd(&m("陈志强").birth.as_ref().unwrap().value), "1975-03");
    assert_eq!(ymd(&m("陈志强").joined.as_ref().unwrap().value), "1999-06");
    assert_eq!(ymd(&m("孙桂兰").birth.as_ref().unwrap().value), "1968-05");

    // The bullet is a middle dot; the lower-case x is an X and the ID is valid.
    let mm = m("买买提·艾力");
    assert_eq!(mm.id_number.as_ref().unwrap().value, "65310119850920069X");
    assert!(mm.id_valid);
    assert_eq!(
        at(&model, mm.id_number.as_ref().unwrap().at),
        "党员花名册!J7"
    );

    assert_eq!(m("刘德厚").role.value, Role::Member);
    let specials: Vec<Special> = m("刘德厚").special.iter().map(|s| s.value).collect();
    assert_eq!(specials, [Special::Elderly, Special::Hardship]);
    assert_eq!(m("赵小龙").special[0].value, Special::Migrant);
    assert_eq!(
        m("周明").category.as_ref().unwrap().value,
        MemberCategory::Probationary
    );
    assert_eq!(m("李建军").phone.as_ref().unwrap().value, "15837136651");
    assert_eq!(m("李建军").group.as_ref().unwrap().value, "第一党小组");

    let f = file(&model, "青林镇红星村党支部专题组织生活会台账.xlsx");
    let roster = f.sheets.iter().find(|s| s.name == "党员花名册").unwrap();
    assert_eq!(roster.kind, Some(SheetKind::Roster));
    assert_eq!(roster.header_rows, Some((1, 2)));
    // 8 members read; the title, the 序号-only row and the two footers are skipped.
    assert_eq!(
        (
            roster.read,
            roster.accepted,
            roster.rejected,
            roster.skipped
        ),
        (8, 8, 0, 4)
    );
}

#[test]
fn openpyxl_meetings_in_every_date_form() {
    let (model, findings) = ingest_at(&fixture("township"), "2024-09-10");
    let b = branch(&model, "红星村");
    let got: Vec<(MeetingKind, String, String)> = b
        .meetings
        .iter()
        .map(|m| (m.kind.value, ymd(&m.date.value), at(&model, m.date.at)))
        .collect();
    assert_eq!(
        got,
        [
            (
                MeetingKind::Study,
                "2024-07-10".into(),
                "会议记录!C3".into()
            ),
            (
                MeetingKind::ThemeDay,
                "2024-07-15".into(),
                "会议记录!C4".into()
            ),
            (
                MeetingKind::PartyLecture,
                "2024-07-20".into(),
                "会议记录!C5".into()
            ),
            (
                MeetingKind::Group,
                "2024-07-25".into(),
                "会议记录!C7".into()
            ),
            (
                MeetingKind::Committee,
                "2024-08-03".into(),
                "会议记录!C8".into()
            ),
            (
                MeetingKind::General,
                "2024-08-12".into(),
                "会议记录!C9".into()
            ),
        ]
    );
    let committee = &b.meetings[4];
    assert_eq!(
        committee.supervisors.as_ref().unwrap().value.join("、"),
        "吴海燕"
    );
    assert_eq!(
        committee.supervisor_ranks.as_ref().unwrap().value,
        [Some(Rank::DeputySection)]
    );
    assert!(committee.commented.as_ref().unwrap().value);
    assert_eq!(committee.sent_by.as_ref().unwrap().value, "青林镇党委");
    let general = &b.meetings[5];
    assert!(general.supervisor_ranks.is_none());
    assert_eq!(general.attendees.as_ref().unwrap().value.len(), 7);
    assert!(
        general
            .attendees
            .as_ref()
            .unwrap()
            .value
            .iter()
            .any(|a| a == "买买提·艾力")
    );
    assert!(b.meetings[3].commented.is_none());

    // Row 6 (待定) and row 10 (no date) are rejected with one finding each at the cell.
    let meetings = file(&model, "青林镇红星村党支部专题组织生活会台账.xlsx")
        .sheets
        .iter()
        .find(|s| s.name == "会议记录")
        .unwrap();
    assert_eq!(
        (meetings.read, meetings.accepted, meetings.rejected),
        (8, 6, 2)
    );
    assert_eq!(meetings.rejected_rows, [5, 9]);
    let at_cell = |code: &str, cell: (u32, u32)| {
        findings
            .iter()
            .filter(|f| {
                f.code == code
                    && f.loc.sheet == "会议记录"
                    && f.loc.file.contains("红星村")
                    && f.loc.cell == Some(cell)
            })
            .count()
    };
    assert_eq!(at_cell("D002", (5, 2)), 1);
    assert_eq!(
        at_cell("D001", (5, 2)),
        0,
        "an unreadable date is D002 alone"
    );
    assert_eq!(at_cell("D001", (9, 2)), 1);
    assert_eq!(at_cell("D003", (6, 2)), 1, "the year-less range is noted");
}

#[test]
fn openpyxl_key_value_info_and_talks() {
    let (model, _) = ingest_at(&fixture("township"), "2024-09-10");
    let b = branch(&model, "红星村");
    let info = b.info.as_ref().unwrap();
    assert_eq!(info.name.as_ref().unwrap().value, "青林镇红星村党支部");
    assert_eq!(ymd(&info.report_date.as_ref().unwrap().value), "2024-08-20");
    assert_eq!(ymd(&info.publicised.as_ref().unwrap().value), "2024-08-18");
    assert_eq!(
        at(&model, info.publicised.as_ref().unwrap().at),
        "基本情况!B6"
    );
    assert_eq!(ymd(&info.filed.as_ref().unwrap().value), "2024-08-22");
    assert_eq!(info.publicised_scope.as_ref().unwrap().value, "村务公开栏");
    // A talk dated in Chinese numerals, and a group talk naming two partners.
    assert!(b.talks.iter().any(|t| ymd(&t.date.value) == "2024-07-18"));
    assert!(b.talks.iter().any(|t| t.partners.value.len() >= 2));
    let deadlines: Vec<&orglife::model::Deadline> =
        b.rectifications.iter().map(|r| &r.deadline.value).collect();
    use orglife::model::Deadline;
    assert!(deadlines.contains(&&Deadline::AtOnce));
    assert!(deadlines.contains(&&Deadline::Ongoing));
    assert!(
        deadlines.contains(&&Deadline::Date(date("2024-09-30"))),
        "9月底前 is the end of September"
    );
}

#[test]
fn libreoffice_xls_with_roster_named_sheet1() {
    let (model, _) = ingest_at(&fixture("township"), "2024-09-10");
    let f = file(&model, "东风社区台账.xls");
    let sheet1 = f.sheets.iter().find(|s| s.name == "Sheet1").unwrap();
    assert_eq!(
        sheet1.kind,
        Some(SheetKind::Roster),
        "recognised by its header"
    );
    assert_eq!(sheet1.header_rows, Some((1, 1)));
    let b = branch(&model, "东风社区");
    assert_eq!(b.roster.len(), 9);
    let first = &b.roster[0];
    assert_eq!(first.name.value, "张丽华");
    assert_eq!(at(&model, first.name.at), "Sheet1!B3");
    assert_eq!(ymd(&first.birth.as_ref().unwrap().value), "1976-02-11");
    assert_eq!(ymd(&first.joined.as_ref().unwrap().value), "2001-07-01");
    assert_eq!(first.category.as_ref().unwrap().value, MemberCategory::Full);
    assert_eq!(
        first.id_number.as_ref().unwrap().value,
        "420682197602110627"
    );
    assert_eq!(first.phone.as_ref().unwrap().value, "19998069124");
    // 基本情况 as a one-row table, dates as BIFF date cells.
    let info = b.info.as_ref().unwrap();
    assert_eq!(info.reporter.as_ref().unwrap().value, "张丽华");
    assert_eq!(ymd(&info.report_date.as_ref().unwrap().value), "2024-08-21");
    assert_eq!(
        at(&model, info.report_date.as_ref().unwrap().at),
        "基本情况!C2"
    );
    assert_eq!(ymd(&info.filed.as_ref().unwrap().value), "2024-08-23");
}

#[test]
fn libreoffice_ods_and_its_empty_sheet() {
    let (model, findings) = ingest_at(&fixture("township"), "2024-09-10");
    let b = branch(&model, "财政所");
    assert_eq!(names(&b.roster), ["杨文斌", "周建国", "许静", "冯涛"]);
    assert_eq!(
        ymd(&b.roster[1].birth.as_ref().unwrap().value),
        "1970-09-12"
    );
    assert_eq!(
        at(&model, b.roster[3].joined.as_ref().unwrap().at),
        "党员花名册!E5"
    );
    assert_eq!(
        ymd(&b.info.as_ref().unwrap().report_date.as_ref().unwrap().value),
        "2024-08-23"
    );
    let f = file(&model, "财政所党支部.ods");
    let empty = f.sheets.iter().find(|s| s.name == "Sheet2").unwrap();
    assert_eq!(empty.kind, None);
    assert!(
        !findings.iter().any(|x| x.loc.sheet == "Sheet2"),
        "an empty sheet is skipped silently"
    );
}

#[test]
fn gbk_csv_and_utf8_bom_csv_read_the_same_records() {
    for name in ["single/gbk.csv", "single/utf8_bom.csv"] {
        let (model, findings) = ingest_at(&fixture(name), "2024-09-10");
        assert!(
            findings.iter().all(|f| f.code != "S002"),
            "{name}: {findings:?}"
        );
        let sheet = &model.files[0].sheets[0];
        assert_eq!(sheet.kind, Some(SheetKind::Roster), "{name}");
        assert_eq!((sheet.read, sheet.accepted, sheet.rejected), (3, 3, 0));
        // With no register, the records still land in a branch named after the file.
        let b = &model.branches[0];
        assert_eq!(names(&b.roster), ["王喆", "陈啟明", "刘秀珍"], "{name}");
        assert_eq!(
            ymd(&b.roster[1].birth.as_ref().unwrap().value),
            "1979-11-20"
        );
        assert_eq!(
            b.roster[0].id_number.as_ref().unwrap().value,
            "420682198604030350"
        );
        assert_eq!(
            b.roster[2].category.as_ref().unwrap().value,
            MemberCategory::Probationary
        );
        assert_eq!(
            at(&model, b.roster[1].name.at).split('!').nth(1),
            Some("A3")
        );
    }
}

#[test]
fn gbk_csv_in_a_return_split_over_several_files() {
    let (model, findings) = ingest_at(&fixture("township"), "2024-09-10");
    let b = branch(&model, "青山村");
    assert_eq!(
        b.files.len(),
        3,
        "roster csv, meetings csv and the three-lists workbook"
    );
    assert_eq!(b.roster[0].name.value, "高永福");
    assert_eq!(
        ymd(&b.roster[0].birth.as_ref().unwrap().value),
        "1965-04-12"
    );
    assert_eq!(at(&model, b.roster[0].name.at), "青山村党支部花名册!B3");
    // Excel's mangled ID: kept as written, flagged, the member kept.
    let wang = b.roster.iter().find(|m| m.name.value == "汪海").unwrap();
    assert_eq!(wang.id_number.as_ref().unwrap().value, "4.20682E+17");
    assert!(!wang.id_valid);
    assert!(
        findings
            .iter()
            .any(|f| f.code == "D006" && f.subject == "汪海" && f.loc.cell_a1() == "I7")
    );
    // UTF-8-BOM meetings, with the supervisor's rank written on the row.
    let kinds: Vec<(MeetingKind, String)> = b
        .meetings
        .iter()
        .map(|m| (m.kind.value, ymd(&m.date.value)))
        .collect();
    assert_eq!(
        kinds,
        [
            (MeetingKind::Study, "2024-07-12".into()),
            (MeetingKind::PartyLecture, "2024-07-19".into()),
            (MeetingKind::Committee, "2024-08-02".into()),
            (MeetingKind::General, "2024-08-09".into()),
        ]
    );
    assert_eq!(b.meetings[3].expected.as_ref().unwrap().value, 7);
    for kind in [
        SheetKind::Roster,
        SheetKind::Meetings,
        SheetKind::Talks,
        SheetKind::Problems,
        SheetKind::Rectifications,
        SheetKind::Results,
    ] {
        assert_eq!(*b.presence(kind), Presence::Present, "{kind:?}");
    }
    assert_eq!(*b.presence(SheetKind::Info), Presence::Missing);
}

#[test]
fn libreoffice_xls_ods_and_openpyxl_xlsx_agree() {
    let mut all = Vec::new();
    for name in [
        "single/libreoffice.xls",
        "single/libreoffice.ods",
        "single/libreoffice.xlsx",
    ] {
        let (model, _) = ingest_at(&fixture(name), "2024-09-10");
        let b = &model.branches[0];
        let got: Vec<(MeetingKind, String, String, String)> = b
            .meetings
            .iter()
            .map(|m| {
                (
                    m.kind.value,
                    ymd(&m.date.value),
                    m.date.at.a1(),
                    m.host.as_ref().unwrap().value.to_string(),
                )
            })
            .collect();
        all.push(got);
    }
    assert_eq!(
        all[0][0],
        (
            MeetingKind::Study,
            "2024-07-09".into(),
            "B2".into(),
            "李建军".into()
        )
    );
    assert_eq!(
        all[0][3],
        (
            MeetingKind::General,
            "2024-08-12".into(),
            "B5".into(),
            "李建军".into()
        )
    );
    assert_eq!(all[0], all[1]);
    assert_eq!(all[0], all[2]);
}

#[test]
fn workbook_in_the_1904_date_system() {
    let (model, _) = ingest_at(&fixture("single/date_1904.xlsx"), "2024-09-10");
    let b = &model.branches[0];
    assert_eq!(ymd(&b.meetings[0].date.value), "2024-07-10");
}

#[test]
fn openpyxl_single_roster_with_merged_header() {
    let (model, findings) = ingest_at(&fixture("single/openpyxl_merged.xlsx"), "2024-09-10");
    let s = &model.files[0].sheets[0];
    assert_eq!(s.kind, Some(SheetKind::Roster));
    assert_eq!(s.header_rows, Some((1, 2)));
    assert_eq!((s.read, s.accepted, s.rejected), (3, 3, 0));
    let b = &model.branches[0];
    assert!(
        b.roster
            .iter()
            .all(|m| m.birth.is_some() && m.joined.is_some()),
        "{findings:?}"
    );
}

#[test]
fn tables_not_starting_at_a1_keep_absolute_addresses() {
    for name in [
        "single/offset.xls",
        "single/offset.ods",
        "single/offset.xlsx",
    ] {
        let (model, _) = ingest_at(&fixture(name), "2024-09-10");
        let s = &model.files[0].sheets[0];
        assert_eq!(s.header_rows, Some((3, 3)), "{name}");
        let b = &model.branches[0];
        let got: Vec<(String, String, String)> = b
            .meetings
            .iter()
            .map(|m| (m.kind.at.a1(), m.date.at.a1(), ymd(&m.date.value)))
            .collect();
        assert_eq!(
            got,
            [
                ("C5".into(), "D5".into(), "2024-07-20".into()),
                ("C6".into(), "D6".into(), "2024-08-03".into())
            ],
            "{name}"
        );
        assert_eq!(b.meetings[1].host.as_ref().unwrap().at.a1(), "E6", "{name}");
    }
}
