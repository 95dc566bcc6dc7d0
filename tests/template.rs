//! `orglife template`: the blank workbooks read back with the reader's own names, carry their
//! dropdowns and date validation, and — the point of a template — a branch that fills them
//! with a compliant campaign passes `orglife check` without an error or a warning.

mod common;

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};
use common::base_town::{
    ANNUAL_CONFIG, ANNUAL_EVALUATION, INFO, LEADERS, MEETINGS, PROBLEMS, RECTS, REGISTER, RESULTS,
    ROSTER, TALKS,
};
use common::*;
use orglife::campaign::Campaign;
use orglife::model::schema::{SheetKind, spec};
use orglife::report::template::{
    BRANCH_FILE, BranchFill, FillRows, GUIDE_SHEET, REGISTER_FILE, RegisterFill, branch_workbook,
    header_texts, info_items, register_workbook, title_text,
};

const BRANCH_SHEETS: [&str; 8] = [
    "填表说明",
    "基本情况",
    "党员花名册",
    "会议记录",
    "谈心谈话记录",
    "查摆问题清单",
    "整改项目清单",
    "落实结果清单",
];

fn cell_text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Row `r` (zero-based, absolute) of a sheet as text, trailing empties dropped.
fn row_texts(path: &Path, sheet: &str, r: u32) -> Vec<String> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let width = range.end().map_or(0, |(_, c)| c + 1);
    let mut v: Vec<String> = (0..width)
        .map(|c| cell_text(range.get_value((r, c))))
        .collect();
    while v.last().is_some_and(String::is_empty) {
        v.pop();
    }
    v
}

fn sheet_xml(bytes: &[u8], n: usize) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap();
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// The list validations of a sheet's XML, as their quoted value lists.
fn lists(xml: &str) -> Vec<String> {
    xml.split("<dataValidation ")
        .skip(1)
        .filter(|v| v.starts_with("type=\"list\""))
        .filter_map(|v| {
            let f = v.split("<formula1>").nth(1)?;
            Some(f.split("</formula1>").next()?.trim_matches('"').to_string())
        })
        .collect()
}

#[test]
fn blank_templates_read_back_with_the_readers_names() {
    let dir = tempfile::tempdir().unwrap();
    let campaign = Campaign::embedded();
    let branch = dir.path().join(BRANCH_FILE);
    std::fs::write(&branch, branch_workbook(&campaign, None).unwrap()).unwrap();
    let register = dir.path().join(REGISTER_FILE);
    std::fs::write(&register, register_workbook(&campaign, None).unwrap()).unwrap();

    let wb = open_workbook_auto(&branch).unwrap();
    assert_eq!(wb.sheet_names(), BRANCH_SHEETS);
    let wb = open_workbook_auto(&register).unwrap();
    assert_eq!(wb.sheet_names(), ["填表说明", "支部名册", "督导人员"]);

    for kind in [
        SheetKind::Roster,
        SheetKind::Meetings,
        SheetKind::Talks,
        SheetKind::Problems,
        SheetKind::Rectifications,
        SheetKind::Results,
    ] {
        let sheet = kind.label();
        assert_eq!(row_texts(&branch, sheet, 0), [title_text(kind)], "{sheet}");
        let header = row_texts(&branch, sheet, 1);
        assert_eq!(header, header_texts(kind), "{sheet}");
        // Every standard column, in the reader's order, required ones marked.
        let names: Vec<String> = spec(kind)
            .columns
            .iter()
            .map(|c| format!("{}{}", c.name, if c.required { "*" } else { "" }))
            .collect();
        assert_eq!(header[0], "序号");
        assert_eq!(header[1..], names[..], "{sheet}");
    }
    assert_eq!(
        row_texts(&register, "支部名册", 1),
        [
            "序号",
            "支部名称*",
            "支部类别*",
            "设支委会",
            "书记",
            "党员人数",
            "联系电话"
        ]
    );
    assert_eq!(
        row_texts(&register, "督导人员", 1),
        [
            "序号",
            "姓名*",
            "职务",
            "职级*",
            "镇党委班子成员",
            "所在支部"
        ]
    );
    assert_eq!(
        row_texts(&branch, "党员花名册", 1)[..3],
        ["序号", "姓名*", "性别"]
    );
    // 基本情况 is key/value: 项目 | 内容, one item a row, 支部名称 marked.
    assert_eq!(row_texts(&branch, "基本情况", 1), ["项目", "内容"]);
    let items: Vec<String> = (2..2 + info_items().count() as u32)
        .map(|r| row_texts(&branch, "基本情况", r)[0].clone())
        .collect();
    assert_eq!(
        items,
        [
            "支部名称*",
            "填报人",
            "填报日期",
            "报送月份",
            "公示日期",
            "公示范围",
            "备案日期"
        ]
    );
    // The guide names the deadlines of the campaign.
    let mut wb = open_workbook_auto(&branch).unwrap();
    let guide = wb.worksheet_range(GUIDE_SHEET).unwrap();
    let text: String = guide.cells().map(|(_, _, d)| cell_text(Some(d))).collect();
    for needle in [
        "2024年7月31日前",
        "2024年8月7日前",
        "2024年8月15日前",
        "2024年8月25日前",
        "身份证号",
        "文本",
        "“无”或“—”",
        "支部名册一致",
        "必填列：姓名",
    ] {
        assert!(text.contains(needle), "填表说明 lacks {needle}");
    }

    // Dropdowns: every vocabulary column of each sheet, in column order.
    let bytes = std::fs::read(&branch).unwrap();
    assert_eq!(
        lists(&sheet_xml(&bytes, 2)),
        Vec::<String>::new(),
        "基本情况"
    );
    assert_eq!(
        lists(&sheet_xml(&bytes, 3)),
        [
            "男,女",
            "正式党员,预备党员",
            "书记,副书记,组织委员,宣传委员,纪检委员,青年委员,委员,党员",
            "流动党员,困难党员,年老体弱党员",
        ]
    );
    let ladder = "办事员,科员,副科级,正科级,副处级,正处级,副厅级,正厅级";
    assert_eq!(
        lists(&sheet_xml(&bytes, 4)),
        [
            "集中学习,主题党日,党课,支委会,党员大会,党小组会",
            ladder,
            "是,否"
        ]
    );
    assert_eq!(
        lists(&sheet_xml(&bytes, 5)),
        [
            "班子成员,党员,流动党员,困难党员,年老体弱党员,群众,服务对象",
            "面谈,电话,视频,上门走访"
        ]
    );
    assert_eq!(
        lists(&sheet_xml(&bytes, 8)),
        ["已完成,基本完成,推进中,长期坚持,未完成", "是,否"]
    );
    // 特殊情况 is a hint (several values may be joined with 、): no error message.
    let roster = sheet_xml(&bytes, 3);
    let special = roster
        .split("<dataValidation ")
        .find(|v| v.contains("流动党员,困难党员"))
        .unwrap();
    assert!(!special.contains("showErrorMessage"), "{special}");
    // Date validation on every date column, 1900-01-01 (serial 1) to 2100-12-31, in Chinese.
    let dates = |xml: &str| {
        xml.split("<dataValidation ")
            .filter(|v| v.starts_with("type=\"date\""))
            .map(|v| {
                assert!(v.contains("<formula1>1</formula1><formula2>73415</formula2>"));
                assert!(v.contains("error=\"「"), "{v}");
                v.split("sqref=\"").nth(1).unwrap()[..7].to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(dates(&roster), ["D3:D202", "E3:E202"]);
    assert_eq!(dates(&sheet_xml(&bytes, 4)), ["C3:C202"]);
    assert_eq!(dates(&sheet_xml(&bytes, 5)), ["B3:B202"]);
    assert_eq!(dates(&sheet_xml(&bytes, 6)), ["F3:F202"]);
    assert_eq!(dates(&sheet_xml(&bytes, 8)), ["D3:D202"]);
    assert_eq!(
        dates(&sheet_xml(&bytes, 2)).len(),
        3,
        "填报、公示、备案日期"
    );
    // 整改时限 takes words too: a hint, no date validation.
    let rects = sheet_xml(&bytes, 7);
    assert!(dates(&rects).is_empty());
    assert!(rects.contains("立行立改"));
    // 身份证号 with its hint; 身份证号 and 联系电话 columns formatted as text (@ is id 49).
    assert!(roster.contains("prompt=\"请先把本列设为文本"));
    let styles = {
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let mut s = String::new();
        zip.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    assert!(styles.contains("numFmtId=\"49\""), "a text (@) format");

    let bytes = std::fs::read(&register).unwrap();
    assert_eq!(
        lists(&sheet_xml(&bytes, 2)),
        ["村,社区,机关,事业单位,非公企业,社会组织", "是,否"]
    );
    assert!(sheet_xml(&bytes, 2).contains("type=\"whole\""), "党员人数");
    assert_eq!(lists(&sheet_xml(&bytes, 3)), [ladder, "是,否"]);
}

/// CSV text as the rows a person types into a template sheet.
fn rows(csv_text: &str) -> FillRows {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    FillRows {
        columns: r.headers().unwrap().iter().map(str::to_string).collect(),
        rows: r
            .records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
            .collect(),
    }
}

/// The compliant branch of `rules.rs` typed into both templates, written as a township folder.
fn filled_township(dir: &Path) {
    let info = rows(INFO);
    let branch = BranchFill {
        info: info
            .columns
            .iter()
            .cloned()
            .zip(info.rows[0].iter().cloned())
            .collect(),
        roster: rows(ROSTER),
        meetings: rows(MEETINGS),
        talks: rows(TALKS),
        problems: rows(PROBLEMS),
        rectifications: rows(RECTS),
        results: rows(RESULTS),
        ..BranchFill::default()
    };
    write_township(dir, &Campaign::embedded(), &branch);
}

/// The same branch under the annual campaign: no three lists, a 民主评议 instead.
fn filled_annual_township(dir: &Path) {
    let info = rows(INFO);
    let branch = BranchFill {
        info: info
            .columns
            .iter()
            .cloned()
            .zip(info.rows[0].iter().cloned())
            .collect(),
        roster: rows(ROSTER),
        meetings: rows(MEETINGS),
        talks: rows(TALKS),
        evaluation: rows(ANNUAL_EVALUATION),
        ..BranchFill::default()
    };
    write_township(dir, &annual(), &branch);
}

fn annual() -> Campaign {
    Campaign::parse(ANNUAL_CONFIG, "campaign.toml").unwrap()
}

fn write_township(dir: &Path, campaign: &Campaign, branch: &BranchFill) {
    let register = RegisterFill {
        branches: rows(REGISTER),
        leaders: rows(LEADERS),
    };
    std::fs::create_dir_all(dir.join("红星村")).unwrap();
    std::fs::write(
        dir.join("镇级名册.xlsx"),
        register_workbook(campaign, Some(&register)).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("红星村/红星村台账.xlsx"),
        branch_workbook(campaign, Some(branch)).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_filled_template_reads_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    filled_township(dir.path());
    let (model, _) = ingest_at(dir.path(), "2024-09-10");
    let b = branch(&model, "红星村");
    assert_eq!(b.name, "青林镇红星村党支部", "matched to the register");
    let counts = (
        b.roster.len(),
        b.meetings.len(),
        b.talks.len(),
        b.problems.len(),
        b.rectifications.len(),
        b.results.len(),
    );
    assert_eq!(counts, (4, 3, 4, 5, 5, 5));
    let info = b.info.as_ref().unwrap();
    assert_eq!(info.name.as_ref().unwrap().value, "红星村党支部");
    assert_eq!(
        ymd(&info.filed.as_ref().unwrap().value),
        "2024-08-22",
        "a date cell"
    );
    assert_eq!(
        b.roster[0].id_number.as_ref().unwrap().value,
        "420682197203150314",
        "身份证号 kept as text"
    );
    assert!(b.roster.iter().all(|m| m.id_valid));
    assert_eq!(model.register.branches.len(), 1);
    assert_eq!(model.register.leaders.len(), 1);
    // Nothing rejected, and every sheet but 填表说明 read as its kind.
    for f in &model.files {
        for s in &f.sheets {
            assert_eq!(s.rejected, 0, "{} {}", f.path, s.name);
            assert_eq!(s.read, s.accepted, "{} {}", f.path, s.name);
            assert_eq!(
                s.kind.map(|k| k.label()),
                (s.name != GUIDE_SHEET).then_some(s.name.as_str()),
                "{} {}",
                f.path,
                s.name
            );
        }
    }
}

/// THE point of a template: a compliant branch that fills it in passes the check with no
/// error and no warning.
#[test]
fn a_filled_template_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    filled_township(dir.path());
    let (o, out) = check(dir.path(), &["--as-of", "2024-09-10"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let findings = read_findings_csv(out.path());
    // Nothing at all: not even the template's own 填表说明 sheet is reported.
    assert!(findings.is_empty(), "{findings:#?}");
}

/// An annual campaign's template: its own sheets (民主评议, no three lists), the grades of
/// `[evaluation]` as a dropdown that holds, dates validated, and the guide saying so.
#[test]
fn an_annual_template_has_the_evaluation_sheet_with_the_campaigns_grades() {
    let dir = tempfile::tempdir().unwrap();
    let branch = dir.path().join(BRANCH_FILE);
    std::fs::write(&branch, branch_workbook(&annual(), None).unwrap()).unwrap();
    let wb = open_workbook_auto(&branch).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "填表说明",
            "基本情况",
            "党员花名册",
            "会议记录",
            "谈心谈话记录",
            "民主评议"
        ]
    );
    let kind = SheetKind::Evaluation;
    assert_eq!(row_texts(&branch, "民主评议", 0), [title_text(kind)]);
    assert_eq!(row_texts(&branch, "民主评议", 1), header_texts(kind));
    assert_eq!(
        header_texts(kind)[1..],
        spec(kind)
            .columns
            .iter()
            .map(|c| format!("{}{}", c.name, if c.required { "*" } else { "" }))
            .collect::<Vec<_>>()[..]
    );
    let bytes = std::fs::read(&branch).unwrap();
    let xml = sheet_xml(&bytes, 6);
    assert_eq!(
        lists(&xml),
        ["正式党员,预备党员", "优秀,合格,基本合格,不合格"]
    );
    let grade = xml
        .split("<dataValidation ")
        .find(|v| v.contains("优秀,合格"))
        .unwrap();
    assert!(
        grade.contains("showErrorMessage=\"1\"") && !grade.contains("errorStyle"),
        "a stop: {grade}"
    );
    assert!(grade.contains("sqref=\"D3:D202\""), "{grade}");
    let dates: Vec<&str> = xml
        .split("<dataValidation ")
        .filter(|v| v.starts_with("type=\"date\""))
        .map(|v| &v.split("sqref=\"").nth(1).unwrap()[..7])
        .collect();
    assert_eq!(dates, ["I3:I202", "J3:J202"], "评议日期, 告知日期");
    let mut wb = open_workbook_auto(&branch).unwrap();
    let guide = wb.worksheet_range(GUIDE_SHEET).unwrap();
    let text: String = guide.cells().map(|(_, _, d)| cell_text(Some(d))).collect();
    for needle in [
        "年度组织生活会和民主评议党员",
        "民主评议党员，2024年8月31日前完成",
        "五张表都保留",
        "预备党员参加评议、不评定等次",
        "下拉选择：党员类别、评定等次。",
        "日期列：评议日期、告知日期。",
    ] {
        assert!(text.contains(needle), "填表说明 lacks {needle}: {text}");
    }
    assert!(!text.contains("查摆问题清单"), "no three lists: {text}");

    // Grades are the campaign's: a township's own four words are its dropdown.
    let own =
        format!("{ANNUAL_CONFIG}\n[evaluation]\ngrades = [\"好\", \"较好\", \"一般\", \"差\"]\n");
    let own = Campaign::parse(&own, "campaign.toml").unwrap();
    let bytes = branch_workbook(&own, None).unwrap();
    assert_eq!(lists(&sheet_xml(&bytes, 6))[1], "好,较好,一般,差");
    // A fill for a sheet the campaign does not ask for is refused, not dropped.
    let fill = BranchFill {
        problems: rows(PROBLEMS),
        ..BranchFill::default()
    };
    let e = branch_workbook(&annual(), Some(&fill)).unwrap_err();
    assert!(e.to_string().contains("查摆问题清单"), "{e}");
}

/// The annual campaign's template, filled by a compliant branch, checks clean with that
/// campaign (`--config`): every sheet read as its kind, nothing rejected, no finding.
#[test]
fn a_filled_annual_template_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    filled_annual_township(&input);
    let config = dir.path().join("campaign.toml");
    std::fs::write(&config, ANNUAL_CONFIG).unwrap();
    let (model, _) = ingest_with(&input, "2024-09-10", &annual());
    let b = branch(&model, "红星村");
    assert_eq!(b.appraisals.len(), 4);
    for f in &model.files {
        for s in &f.sheets {
            assert_eq!(
                (s.rejected, s.read),
                (0, s.accepted),
                "{} {}",
                f.path,
                s.name
            );
            assert_eq!(
                s.kind.map(|k| k.label()),
                (s.name != GUIDE_SHEET).then_some(s.name.as_str()),
            );
        }
    }
    let (o, out) = check(
        &input,
        &[
            "--as-of",
            "2024-09-10",
            "--config",
            config.to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let findings = read_findings_csv(out.path());
    assert!(findings.is_empty(), "{findings:#?}");
    // The same workbook under the 2024 default is not clean: its lists are missing (S004).
    let (_, out) = check(&input, &["--as-of", "2024-09-10"]);
    assert!(
        read_findings_csv(out.path())
            .iter()
            .any(|f| f["code"] == "S004"),
        "the campaign decides"
    );
}

#[test]
fn template_command_follows_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("campaign.toml");
    std::fs::write(&config, ANNUAL_CONFIG).unwrap();
    let out = dir.path().join("模板");
    let o = run(&[
        "template",
        "--out",
        out.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("基本情况、党员花名册、会议记录、谈心谈话记录、民主评议"),
        "{said}"
    );
    let wb = open_workbook_auto(out.join(BRANCH_FILE)).unwrap();
    assert_eq!(wb.sheet_names().last().unwrap(), "民主评议");
    // Without --config: the 2024 template, as before.
    let plain = dir.path().join("模板2024");
    let o = run(&["template", "--out", plain.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let wb = open_workbook_auto(plain.join(BRANCH_FILE)).unwrap();
    assert_eq!(wb.sheet_names(), BRANCH_SHEETS);
}

#[test]
fn template_command_writes_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("模板");
    let o = run(&["template", "--out", out.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for name in [BRANCH_FILE, REGISTER_FILE] {
        let p = out.join(name);
        assert!(p.is_file(), "{name}");
        let wb = open_workbook_auto(&p).unwrap();
        assert_eq!(wb.sheet_names()[0], GUIDE_SHEET);
    }
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file left: {left:?}");
}

#[test]
fn template_into_an_unwritable_folder_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // A path through a regular file cannot be created, whoever runs the test.
    let blocker = dir.path().join("不是文件夹");
    std::fs::write(&blocker, "x").unwrap();
    let out = blocker.join("模板");
    let o = run(&["template", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("orglife：无法创建输出文件夹") && err.contains("不是文件夹"),
        "{err}"
    );
    assert!(
        !err.contains("os error"),
        "no English system message: {err}"
    );
    assert!(o.stdout.is_empty());
}
