//! Every output read back and checked against findings.csv: 总览's counts equal the findings,
//! every finding is on 问题明细, each feedback workbook carries a note on each flagged cell,
//! reminders say what is missing, and no full 身份证号 or phone number appears anywhere
//! unless --show-pii.

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); r0 as usize];
    rows.extend(range.rows().map(|r| {
        let mut v = vec![String::new(); c0 as usize];
        v.extend(r.iter().map(text));
        v
    }));
    rows
}

fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

#[test]
fn overview_counts_equal_the_findings() {
    let (o, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    assert_eq!(o.status.code(), Some(0));
    let findings = read_findings_csv(out.path());
    let rows = sheet(&out.path().join("汇总.xlsx"), "总览");
    let header = &rows[2];
    let (branch, e, w, i) = (
        col(header, "支部"),
        col(header, "严重"),
        col(header, "一般"),
        col(header, "提示"),
    );
    let mut seen = 0;
    for r in rows.iter().skip(3).take_while(|r| r[0] != "合计") {
        let count = |sev: &str| {
            findings
                .iter()
                .filter(|f| f["branch"] == r[branch] && f["severity"] == sev)
                .count()
                .to_string()
        };
        assert_eq!(
            (r[e].clone(), r[w].clone(), r[i].clone()),
            (count("error"), count("warning"), count("info")),
            "{}",
            r[branch]
        );
        seen += 1;
    }
    // One row per registered branch, then the 全镇 row (its findings counted like a branch's).
    assert_eq!(seen, 8, "one row per registered branch and 全镇");
    assert!(rows.iter().any(|r| r[branch] == "全镇"));
    // 合计 counts every finding, 全镇 included: the numbers the screen prints.
    let total = rows.iter().find(|r| r[0] == "合计").unwrap();
    for (c, sev) in [(e, "error"), (w, "warning"), (i, "info")] {
        let n = findings.iter().filter(|f| f["severity"] == sev).count();
        assert_eq!(total[c], n.to_string(), "{sev}");
    }
    // Phase statuses as the rules decided them.
    let baisha = rows.iter().find(|r| r[branch].contains("白沙村")).unwrap();
    assert_eq!(baisha[col(header, "召开党员大会")], "逾期未完成");
    let hongxing = rows.iter().find(|r| r[branch].contains("红星村")).unwrap();
    assert_eq!(
        hongxing[col(header, "召开党员大会")],
        "按时完成\n（8月12日）"
    );
    assert_eq!(
        rows.iter().find(|r| r[branch].contains("汉江")).unwrap()[col(header, "报送情况")],
        "未报送"
    );
}

#[test]
fn every_finding_is_on_the_detail_sheet() {
    let (_, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    let findings = read_findings_csv(out.path());
    let rows = sheet(&out.path().join("汇总.xlsx"), "问题明细");
    let h = &rows[0];
    let got: Vec<(String, String, String, String, String)> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[col(h, "代码")].clone(),
                r[col(h, "支部")].clone(),
                r[col(h, "对象")].clone(),
                r[col(h, "文件")].clone(),
                r[col(h, "单元格")].clone(),
            )
        })
        .collect();
    let want: Vec<(String, String, String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].clone(),
                f["branch"].clone(),
                f["subject"].clone(),
                f["file"].clone(),
                f["cell"].clone(),
            )
        })
        .collect();
    assert_eq!(got, want);
}

/// (sheet name, A1 cell) → note text, for every note of an xlsx written by rust_xlsxwriter.
fn notes(path: &Path) -> HashMap<(String, String), String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut read = |name: &str| -> Option<String> {
        let mut f = zip.by_name(name).ok()?;
        let mut s = String::new();
        f.read_to_string(&mut s).ok()?;
        Some(s)
    };
    let workbook = read("xl/workbook.xml").unwrap();
    let names: Vec<String> = workbook
        .split("<sheet ")
        .skip(1)
        .map(|s| attr(s, "name"))
        .collect();
    let mut out = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        let Some(rels) = read(&format!("xl/worksheets/_rels/sheet{}.xml.rels", i + 1)) else {
            continue;
        };
        let Some(target) = rels
            .split("<Relationship ")
            .map(|r| attr(r, "Target"))
            .find(|t| t.contains("comments"))
        else {
            continue;
        };
        let file = format!("xl/{}", target.trim_start_matches("../"));
        let xml = read(&file).unwrap();
        for c in xml.split("<comment ").skip(1) {
            let cell = attr(c, "ref");
            let body: String = c
                .split("<t")
                .skip(1)
                .filter_map(|t| {
                    t.split_once('>')
                        .map(|(_, rest)| rest.split("</t>").next().unwrap_or(""))
                })
                .collect();
            out.insert((unescape(name), cell), unescape(&body));
        }
    }
    out
}

fn attr(s: &str, name: &str) -> String {
    let key = format!("{name}=\"");
    s.split(&key)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("")
        .to_string()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[test]
fn each_feedback_workbook_has_a_note_on_each_flagged_cell() {
    let (_, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    let findings = read_findings_csv(out.path());
    let dir = out.path().join("反馈");
    let mut books: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    books.sort();
    assert_eq!(
        books.len(),
        6,
        "every branch that returned anything: {books:?}"
    );
    let mut checked = 0;
    for book in &books {
        let branch = book.trim_end_matches(".xlsx");
        let path = dir.join(book);
        let notes = notes(&path);
        let first = sheet(&path, "问题清单");
        let mine: Vec<_> = findings.iter().filter(|f| f["branch"] == branch).collect();
        // The first sheet lists every finding of the branch.
        let listed = first
            .iter()
            .skip(4)
            .filter(|r| !r.iter().all(String::is_empty))
            .count();
        assert_eq!(listed, mine.len(), "{branch}");
        for f in mine
            .iter()
            .filter(|f| !f["cell"].is_empty() && !f["sheet"].is_empty())
        {
            let hit = notes.iter().any(|((s, c), t)| {
                (s == &f["sheet"] || s.starts_with(&format!("{}(", f["sheet"])))
                    && c == &f["cell"]
                    && t.contains(&f["code"])
            });
            assert!(
                hit,
                "{branch}: no note for {} at {}!{}",
                f["code"], f["sheet"], f["cell"]
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
    // The branch's own rows are there as sent: 红星村's roster, title row included.
    let roster = sheet(&dir.join("青林镇红星村党支部.xlsx"), "党员花名册");
    assert_eq!(roster[0][0], "青林镇红星村党支部党员花名册");
    assert_eq!(roster[4][1], "王　芳", "as sent, not folded");
}

fn all_output_text(dir: &Path) -> String {
    let mut all = String::new();
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let bytes = std::fs::read(e.path()).unwrap();
        if e.path().extension().is_some_and(|x| x == "xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..zip.len() {
                let mut s = String::new();
                let _ = zip.by_index(i).unwrap().read_to_string(&mut s);
                all.push_str(&s);
            }
        } else {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    all
}

fn has_full_id_or_phone(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let n = i - start;
            let x = i < chars.len() && matches!(chars[i], 'X' | 'x');
            let run: String = chars[start..i].iter().collect();
            if n == 18
                || (n == 17 && x)
                || (n == 11 && run.starts_with('1') && "3456789".contains(chars[start + 1]))
            {
                return Some(run);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// The text as a reader of it would take a number: NFKC (full-width and styled digits become
/// ASCII), and the spaces, dashes and dots a clerk types inside a number taken out.
fn glued(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let chars: Vec<char> = text.nfkc().collect();
    let sep = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '-' | '.' | '·' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | '・' | ')' | '\u{200b}'
            )
    };
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if sep(c) {
            let before = out.chars().last().is_some_and(|p: char| p.is_ascii_digit());
            let after = chars[i + 1..]
                .iter()
                .find(|&&n| !sep(n))
                .is_some_and(char::is_ascii_digit);
            if before && after {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// Issue 16: the 身份证号 and phones planted in two branches' returns, in every form a clerk
/// types them, as (typed, digits). Each is a full number nowhere outside the branch's own
/// feedback workbook.
const PLANTED: &[(&str, &str)] = &[
    ("４２０６８２１９７２０３１５０３１４", "420682197203150314"),
    ("420682 19801102 0421", "420682198011020421"),
    ("420682-19650728-3461", "420682196507283461"),
    ("420682680521026", "420682680521026"),
    ("138-0000-1234", "13800001234"),
    ("139 0000 5678", "13900005678"),
    ("137\u{3000}0000\u{3000}9999", "13700009999"),
    ("0710-8321567", "07108321567"),
    ("186–1234–5678", "18612345678"),
    ("420682 19910417 0757", "420682199104170757"),
    ("420682197203150314", "420682197203150314"),
    ("13811112222", "13811112222"),
];

/// 红星村 (the base branch) with its IDs and phones typed in those forms, in the roster and in
/// free text; 白沙村 has 李明 too (D005 in both).
fn planted_town(dir: &Path) {
    use common::base_town::*;
    let roster = "姓名,性别,出生日期,党内职务,特殊情况,党小组,身份证号,联系电话\n\
李明,男,1972-03-15,书记,,,４２０６８２１９７２０３１５０３１４,138-0000-1234\n\
王芳,女,1980-11-02,组织委员,,,420682 19801102 0421,139 0000 5678\n\
张强,男,1991-04-17,党员,流动党员,,420682-19650728-3461,137\u{3000}0000\u{3000}9999\n\
赵丽,女,1968-05-21,党员,,,420682680521026,0710-8321567\n";
    let problems = PROBLEMS.replace("学习不够深入", "学习不够深入，联系人电话186–1234–5678");
    let talks = TALKS.replace(
        "2024-07-16,李明,张强,流动党员,电话,交流",
        "2024-07-16,李明,张强,流动党员,电话,核对身份证号420682 19910417 0757",
    );
    let register = format!("{REGISTER}青林镇白沙村党支部,村,否,1\n");
    for (p, c) in [
        ("名册/支部名册.csv", register.as_str()),
        ("名册/督导人员.csv", LEADERS),
        ("红星村/基本情况.csv", INFO),
        ("红星村/党员花名册.csv", roster),
        ("红星村/会议记录.csv", MEETINGS),
        ("红星村/谈心谈话记录.csv", &talks),
        ("红星村/查摆问题清单.csv", &problems),
        ("红星村/整改项目清单.csv", RECTS),
        ("红星村/整改落实情况.csv", RESULTS),
        (
            "白沙村/党员花名册.csv",
            "姓名,性别,出生日期,党内职务,身份证号,联系电话\n李明,男,1972-03-15,书记,420682197203150314,13811112222\n",
        ),
    ] {
        let path = dir.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
}

/// The planted numbers found whole in a text, however it is written there.
fn planted_in(text: &str) -> Vec<&'static str> {
    let text = glued(text);
    PLANTED
        .iter()
        .filter(|(_, digits)| text.contains(digits))
        .map(|(typed, _)| *typed)
        .collect()
}

/// Township-wide outputs mask IDs and phones however they are typed (full-width, spaces or
/// dashes inside, 15-digit, landlines); feedback workbooks go only to the branch that sent
/// the data and keep its values as sent, but not another branch's (D005) (SPEC §8).
#[test]
fn no_full_id_or_phone_in_any_output_unless_show_pii() {
    let (_, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    let mut township: String = ["汇总.xlsx", "findings.csv", "催办"]
        .iter()
        .map(|p| all_output_text(&out.path().join(p)))
        .collect();
    assert!(township.len() > 100_000);
    // One exception, by design (SPEC §8): 催办名单 shows the register's phones whole, the
    // office's own list of whom to call. They are the register's (not a member's), and
    // nothing else carries them: once set aside, no full number is left anywhere.
    let register = all_output_text(&fixture("township/青林镇基层党组织名册.xlsx"));
    let called: Vec<String> = sheet(&out.path().join("汇总.xlsx"), "催办名单")[1..]
        .iter()
        .map(|r| r[4].clone())
        .filter(|p| !p.is_empty())
        .collect();
    assert!(called.len() >= 4, "{called:?}");
    for p in &called {
        assert!(register.contains(p.as_str()), "{p} is the register's");
        township = township.replace(p.as_str(), "");
    }
    assert_eq!(has_full_id_or_phone(&township), None);
    assert_eq!(has_full_id_or_phone(&glued(&township)), None);
    let feedback = all_output_text(&out.path().join("反馈"));
    assert!(feedback.contains("420682197203150314"), "feedback unmasked");
    let (_, out) = check(
        &fixture("township"),
        &["--as-of", "2024-09-10", "--show-pii"],
    );
    let members = sheet(&out.path().join("汇总.xlsx"), "党员汇总");
    assert!(
        members
            .iter()
            .any(|r| r.iter().any(|c| c == "420682197203150314")),
        "--show-pii shows them"
    );

    // Issue 16: each form planted in a return.
    let input = tempfile::tempdir().unwrap();
    planted_town(input.path());
    let (o, out) = check(input.path(), &["--as-of", "2024-09-10"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let township: String = ["汇总.xlsx", "findings.csv", "催办"]
        .iter()
        .map(|p| all_output_text(&out.path().join(p)))
        .collect();
    assert_eq!(planted_in(&township), Vec::<&str>::new());
    assert_eq!(has_full_id_or_phone(&glued(&township)), None);
    // The numbers did reach the outputs, masked: D006 quotes the dashed ID.
    let rows = read_findings_csv(out.path());
    let d006: Vec<&str> = rows
        .iter()
        .filter(|r| r["code"] == "D006")
        .map(|r| r["message"].as_str())
        .collect();
    assert!(
        d006.iter().any(|m| m.contains("420682********3461")),
        "{d006:?}"
    );
    let members = sheet(&out.path().join("汇总.xlsx"), "党员汇总");
    for shown in [
        "420682********0314",
        "420682******026",
        "138****1234",
        "071****1567",
    ] {
        assert!(
            members.iter().any(|r| r.contains(&shown.to_string())),
            "{shown}"
        );
    }
    let problems = sheet(&out.path().join("汇总.xlsx"), "三张清单汇总");
    assert!(
        problems
            .iter()
            .flatten()
            .any(|c| c.contains("联系人电话186****5678")),
        "free text masked"
    );

    // 红星村's feedback shows its own values as sent; D005's text about 白沙村 stays masked.
    let mine = out.path().join("反馈/青林镇红星村党支部.xlsx");
    let own = all_output_text(&mine);
    for typed in [
        "４２０６８２１９７２０３１５０３１４",
        "138-0000-1234",
        "420682-19650728-3461",
    ] {
        assert!(own.contains(typed), "own value as sent: {typed}");
    }
    let list = sheet(&mine, "问题清单");
    let header = list
        .iter()
        .position(|r| r.iter().any(|c| c == "问题代码" || c == "代码"))
        .unwrap_or(0);
    let d005: Vec<String> = list[header..]
        .iter()
        .filter(|r| r.iter().any(|c| c == "D005"))
        .map(|r| r.join(" "))
        .collect();
    assert_eq!(d005.len(), 1, "{list:?}");
    assert!(
        d005[0].contains("白沙村") && d005[0].contains("420682********0314"),
        "{}",
        d005[0]
    );
    assert_eq!(planted_in(&d005[0]), Vec::<&str>::new(), "{}", d005[0]);
    let d005_notes: Vec<String> = notes(&mine)
        .into_values()
        .filter(|n| n.contains("D005"))
        .collect();
    assert_eq!(d005_notes.len(), 1);
    assert_eq!(
        planted_in(&d005_notes[0]),
        Vec::<&str>::new(),
        "{}",
        d005_notes[0]
    );

    // The archive: its summary, findings and every record CSV (the returns themselves are
    // copied byte for byte and are no output).
    let archive = tempfile::tempdir().unwrap();
    let dest = archive.path().join("归档");
    let r = run(&[
        "archive",
        input.path().to_str().unwrap(),
        "--year",
        "2024",
        "--out",
        dest.to_str().unwrap(),
    ]);
    assert!(
        r.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let archived: String = ["汇总.xlsx", "findings.csv", "记录"]
        .iter()
        .map(|p| all_output_text(&dest.join(p)))
        .collect();
    assert!(
        archived.contains("420682********3461"),
        "records hold the roster, masked"
    );
    assert_eq!(planted_in(&archived), Vec::<&str>::new());

    // --show-pii shows them.
    let (_, out) = check(input.path(), &["--as-of", "2024-09-10", "--show-pii"]);
    let rows = read_findings_csv(out.path());
    assert!(
        rows.iter()
            .any(|r| r["code"] == "D006" && r["message"].contains("420682-19650728-3461"))
    );
}

#[test]
fn reminders_say_what_is_missing_and_how_late() {
    let (_, out) = check(&fixture("township"), &["--as-of", "2024-09-10"]);
    let dir = out.path().join("催办");
    let read = |name: &str| String::from_utf8(std::fs::read(dir.join(name)).unwrap()).unwrap();
    let baisha = read("青林镇白沙村党支部.txt");
    assert!(
        baisha.starts_with('\u{feff}') && baisha.contains("\r\n"),
        "Notepad-friendly"
    );
    assert!(
        baisha.contains("召开党员大会（应于8月15日前完成，已逾期26天）"),
        "{baisha}"
    );
    assert!(baisha.contains("镇党委组织办"), "who to contact");
    let none = read("湖北汉江机械有限公司党支部.txt");
    assert!(
        none.contains("报送2024年基层党支部“讲认真”专题组织生活会全部台账（基本情况、党员花名册、会议记录、谈心谈话记录、查摆问题清单、整改项目清单、落实结果清单）"),
        "{none}"
    );
    let guangming = read("青林镇光明村党支部.txt");
    assert!(guangming.contains("补报「谈心谈话记录」"), "{guangming}");
    assert!(
        baisha.contains("请于2024年9月13日前办结"),
        "resubmit by as-of + 3 days"
    );
    // Nothing overdue, but 严重 findings: chased too, each named (SPEC §8 “Who is chased”).
    let hongxing = read("青林镇红星村党支部.txt");
    assert!(
        hongxing.contains("需要改正的严重问题（共 3 处") && !hongxing.contains("尚未完成"),
        "{hongxing}"
    );
    assert!(
        none.contains("已逾期41天"),
        "days from the first deadline missed: {none}"
    );
    let group = read("群通知.txt");
    assert!(
        group.contains("湖北汉江机械有限公司党支部（书记 钱立新）：尚未报送任何台账，已逾期41天"),
        "{group}"
    );
    // 催办名单 lists the same branches, and the days from the earliest deadline missed.
    let rows = sheet(&out.path().join("汇总.xlsx"), "催办名单");
    let hanjiang = rows
        .iter()
        .find(|r| r[1] == "湖北汉江机械有限公司党支部")
        .unwrap();
    assert_eq!(hanjiang[6], "41");
    let rows = sheet(&out.path().join("汇总.xlsx"), "催办名单");
    let listed: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".txt")
                .to_string()
        })
        .filter(|n| n != "群通知")
        .collect();
    files.sort();
    let mut listed_sorted: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
    listed_sorted.sort();
    assert_eq!(listed_sorted, files);
}

#[test]
fn remind_writes_only_the_reminders() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "remind",
        fixture("township").to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--as-of",
        "2024-09-10",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["催办", "催办名单.xlsx"]);
    // Five branches must act (see reminders_say_what_is_missing_and_how_late), and the
    // group message.
    assert_eq!(
        std::fs::read_dir(out.path().join("催办")).unwrap().count(),
        6
    );
}
