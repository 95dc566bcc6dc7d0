//! `orglife archive` and `--verify`: the archive holds the inputs byte for byte, the outputs
//! and a manifest that catches any changed, missing or added file; it is never overwritten and
//! never touches the inputs.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use common::*;
use sha2::{Digest, Sha256};

const AS_OF: &str = "2024-09-10";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file under `root` (hidden ones too), by `/`-separated relative path.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap();
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for (rel, bytes) in tree(from) {
        let p = to.join(&rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

fn archive(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "archive".to_string(),
        input.display().to_string(),
        "--year".to_string(),
        "2024".to_string(),
        "--out".to_string(),
        out.display().to_string(),
        "--as-of".to_string(),
        AS_OF.to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&refs)
}

fn verify(dir: &Path) -> Output {
    run(&["archive", "--verify", dir.to_str().unwrap()])
}

/// One archive of a copy of the township fixture, shared by the tests that only read it or
/// tamper with their own copy of it (keeps the suite fast).
struct Shared {
    _dir: tempfile::TempDir,
    input: PathBuf,
    archive: PathBuf,
    input_before: BTreeMap<String, Vec<u8>>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let input = dir.path().join("报表");
        copy_tree(&fixture("township"), &input);
        let input_before = tree(&input);
        let archive_dir = dir.path().join("归档2024");
        let o = archive(&input, &archive_dir, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        Shared {
            _dir: dir,
            input,
            archive: archive_dir,
            input_before,
        }
    })
}

/// A private copy of the shared archive to tamper with.
fn tampered_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("归档");
    copy_tree(&shared().archive, &copy);
    (dir, copy)
}

/// The lines --verify printed.
fn lines(o: &Output) -> Vec<String> {
    stdout(o).lines().map(str::to_string).collect()
}

const RED_STAR: &str = "原始报表/红星村/青林镇红星村党支部专题组织生活会台账.xlsx";

#[test]
fn archive_then_verify_passes() {
    let s = shared();
    let listed = manifest(&s.archive)["files"].as_array().unwrap().len();
    let o = verify(&s.archive);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        lines(&o),
        [format!("归档完好：共 {listed} 个文件，校验一致")]
    );
}

#[test]
fn one_changed_byte_is_named_as_changed() {
    let (_d, copy) = tampered_copy();
    let p = copy.join(RED_STAR);
    let mut bytes = std::fs::read(&p).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&p, bytes).unwrap();
    let o = verify(&copy);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        lines(&o),
        [
            format!("已改动：{RED_STAR}"),
            "归档有 1 处不一致".to_string()
        ]
    );
}

#[test]
fn a_removed_file_is_named_as_missing() {
    let (_d, copy) = tampered_copy();
    std::fs::remove_file(copy.join("记录/会议记录.csv")).unwrap();
    let o = verify(&copy);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(lines(&o), ["缺失：记录/会议记录.csv", "归档有 1 处不一致"]);
}

#[test]
fn an_added_file_is_named_as_extra() {
    let (_d, copy) = tampered_copy();
    std::fs::write(copy.join("原始报表/红星村/补报.xlsx"), b"late").unwrap();
    let o = verify(&copy);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        lines(&o),
        ["多出：原始报表/红星村/补报.xlsx", "归档有 1 处不一致"]
    );
}

#[test]
fn every_problem_is_listed_by_path_before_the_count() {
    let (_d, copy) = tampered_copy();
    std::fs::write(copy.join("findings.csv"), b"edited").unwrap();
    std::fs::remove_file(copy.join("汇总.xlsx")).unwrap();
    std::fs::write(copy.join("说明.txt"), b"note").unwrap();
    let o = verify(&copy);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        lines(&o),
        [
            "已改动：findings.csv",
            "缺失：汇总.xlsx",
            "多出：说明.txt",
            "归档有 3 处不一致"
        ]
    );
}

#[test]
fn verify_without_a_readable_manifest_exits_2() {
    let (_d, copy) = tampered_copy();
    std::fs::write(copy.join("manifest.json"), b"{ not json").unwrap();
    let o = verify(&copy);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("manifest.json"), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim().lines().count(), 1);
    std::fs::remove_file(copy.join("manifest.json")).unwrap();
    let o = verify(&copy);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("没有 manifest.json"), "{}", stderr(&o));
}

#[test]
fn originals_are_byte_identical_to_the_inputs() {
    let s = shared();
    let originals = tree(&s.archive.join("原始报表"));
    // Every file ingest lists: lock files and hidden files are not returns.
    let expected: BTreeMap<&String, &Vec<u8>> = s
        .input_before
        .iter()
        .filter(|(rel, _)| {
            let name = rel.rsplit('/').next().unwrap();
            !name.starts_with('.') && !name.starts_with("~$")
        })
        .collect();
    assert_eq!(expected.len(), 12);
    assert_eq!(
        originals.keys().collect::<Vec<_>>(),
        expected.keys().copied().collect::<Vec<_>>()
    );
    for (rel, bytes) in expected {
        assert!(&originals[rel] == bytes, "{rel} differs");
    }
}

#[test]
fn the_input_folder_is_left_unchanged() {
    let s = shared();
    assert_eq!(tree(&s.input), s.input_before);
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn manifest_lists_every_file_with_its_hash() {
    let s = shared();
    let m = manifest(&s.archive);
    assert_eq!(m["tool"], "orglife");
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["year"], 2024);
    assert_eq!(m["as_of"], AS_OF);
    assert_eq!(m["input"], s.input.display().to_string());
    assert_eq!(m["counts"]["files"], 12);
    assert!(m["created"].as_str().unwrap().starts_with("20"));
    let files = m["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "sorted by path");
    let mut on_disk = tree(&s.archive);
    assert!(on_disk.remove("manifest.json").is_some());
    assert_eq!(
        paths,
        on_disk.keys().map(String::as_str).collect::<Vec<_>>(),
        "every file but manifest.json, and nothing else"
    );
    for f in files {
        let path = f["path"].as_str().unwrap();
        let bytes = &on_disk[path];
        assert_eq!(f["sha256"], sha(bytes), "{path}");
        assert_eq!(f["bytes"], bytes.len(), "{path}");
        if path.starts_with("原始报表/") {
            assert_eq!(f["role"], "input", "{path}");
            let rows = &f["rows"];
            assert_eq!(
                rows["read"].as_u64().unwrap(),
                rows["accepted"].as_u64().unwrap() + rows["rejected"].as_u64().unwrap(),
                "{path}"
            );
            assert!(f["branch"].is_string(), "{path}");
        } else {
            assert_eq!(f["role"], "output", "{path}");
            assert!(f.get("rows").is_none() && f.get("branch").is_none());
        }
    }
    let red = files.iter().find(|f| f["path"] == RED_STAR).unwrap();
    assert_eq!(red["branch"], "青林镇红星村党支部");
    assert!(red["rows"]["read"].as_u64().unwrap() > 0);
    for name in [
        "汇总.xlsx",
        "findings.csv",
        "campaign.toml",
        "记录/支部名册.csv",
        "记录/督导人员.csv",
        "记录/基本情况.csv",
        "记录/党员花名册.csv",
        "记录/会议记录.csv",
        "记录/谈心谈话记录.csv",
        "记录/查摆问题清单.csv",
        "记录/整改项目清单.csv",
        "记录/落实结果清单.csv",
    ] {
        assert!(paths.contains(&name), "{name}");
    }
}

#[test]
fn findings_and_config_are_those_check_writes() {
    let s = shared();
    let (o, out) = check(&s.input, &["--as-of", AS_OF]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read(s.archive.join("findings.csv")).unwrap(),
        std::fs::read(out.path().join("findings.csv")).unwrap()
    );
    use calamine::Reader;
    let sheets = |p: &Path| calamine::open_workbook_auto(p).unwrap().sheet_names();
    assert_eq!(
        sheets(&s.archive.join("汇总.xlsx")),
        sheets(&out.path().join("汇总.xlsx"))
    );
    let toml = std::fs::read_to_string(s.archive.join("campaign.toml")).unwrap();
    assert!(toml.contains("[phases.lists]"), "the embedded default");
}

/// A record CSV: checks BOM, CRLF and the provenance columns; returns header and rows.
fn records(dir: &Path, kind: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(dir.join(format!("记录/{kind}.csv"))).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{kind}: BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(
        text.split('\n').next().unwrap().ends_with('\r'),
        "{kind}: CRLF"
    );
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[0], "支部", "{kind}");
    assert_eq!(header[header.len() - 3..], ["来源文件", "工作表", "单元格"]);
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The roster as ingest reads it: (branch, name, 身份证号) for every member.
fn members(input: &Path) -> Vec<(String, String, Option<String>)> {
    let (model, _) = ingest_at(input, AS_OF);
    model
        .branches
        .iter()
        .flat_map(|b| {
            b.roster.iter().map(|m| {
                (
                    b.name.clone(),
                    m.name.value.to_string(),
                    m.id_number.as_ref().map(|v| v.value.to_string()),
                )
            })
        })
        .collect()
}

/// An 18-character ID in full: 17 digits and a digit or X.
fn has_full_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(18).any(|w| {
        w[..17].iter().all(u8::is_ascii_digit) && (w[17].is_ascii_digit() || w[17] == b'X')
    })
}

#[test]
fn roster_records_mask_ids_by_default() {
    let s = shared();
    let (header, rows) = records(&s.archive, "党员花名册");
    let expected = members(&s.input);
    assert!(expected.len() > 20);
    assert_eq!(rows.len(), expected.len());
    let id_col = header.iter().position(|h| h == "身份证号").unwrap();
    let phone_col = header.iter().position(|h| h == "联系电话").unwrap();
    for (row, (branch, name, _)) in rows.iter().zip(&expected) {
        assert_eq!((&row[0], &row[1]), (branch, name));
        assert!(!has_full_id(&row.join(",")), "{row:?}");
        // Provenance: a file under 原始报表/, its sheet, an A1 cell.
        let n = row.len();
        assert!(s.archive.join("原始报表").join(&row[n - 3]).is_file());
        assert!(!row[n - 2].is_empty());
        assert!(row[n - 1].starts_with(|c: char| c.is_ascii_uppercase()));
    }
    let red = rows.iter().find(|r| r[1] == "李建军").unwrap();
    assert_eq!(red[id_col], "420682********0314");
    assert_eq!(red[phone_col], "158****6651");
    assert_eq!(
        red[header.iter().position(|h| h == "出生日期").unwrap()],
        "1972-03-15"
    );
    let bytes = tree(&s.archive);
    for (path, b) in &bytes {
        if path.starts_with("记录/") || path == "findings.csv" {
            assert!(!has_full_id(&String::from_utf8_lossy(b)), "{path}");
        }
    }
}

#[test]
fn show_pii_keeps_full_ids_in_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("归档");
    let input = fixture("township");
    let o = archive(&input, &out, &["--show-pii"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(manifest(&out)["pii_shown"], true);
    let (header, rows) = records(&out, "党员花名册");
    let id_col = header.iter().position(|h| h == "身份证号").unwrap();
    let expected = members(&input);
    assert_eq!(rows.len(), expected.len());
    let full: Vec<&String> = rows
        .iter()
        .map(|r| &r[id_col])
        .filter(|id| has_full_id(id))
        .collect();
    assert!(full.len() > 10, "{full:?}");
    for (row, (_, _, id)) in rows.iter().zip(&expected) {
        assert_eq!(&row[id_col], id.as_deref().unwrap_or(""));
    }
    assert_eq!(verify(&out).status.code(), Some(0));
}

#[test]
fn every_record_kind_has_its_csv() {
    let s = shared();
    let (_, branches) = records(&s.archive, "支部名册");
    assert_eq!(branches.len(), 7);
    let (_, leaders) = records(&s.archive, "督导人员");
    assert!(leaders.iter().all(|r| r[0] == "全镇") && !leaders.is_empty());
    for kind in [
        "基本情况",
        "会议记录",
        "谈心谈话记录",
        "查摆问题清单",
        "整改项目清单",
        "落实结果清单",
    ] {
        let (_, rows) = records(&s.archive, kind);
        assert!(!rows.is_empty(), "{kind}");
    }
    // Vocabularies by their label, month-precision dates as YYYY-MM, lists joined with 、.
    let (h, rects) = records(&s.archive, "整改项目清单");
    let deadline = h.iter().position(|x| x == "整改时限").unwrap();
    assert!(rects.iter().any(|r| r[deadline] == "立行立改"));
    let (h, meetings) = records(&s.archive, "会议记录");
    let kind = h.iter().position(|x| x == "会议类型").unwrap();
    let people = h.iter().position(|x| x == "参会人员").unwrap();
    assert!(meetings.iter().any(|r| r[kind] == "党员大会"));
    assert!(meetings.iter().any(|r| r[people].contains('、')));
    let (h, roster) = records(&s.archive, "党员花名册");
    let joined = h.iter().position(|x| x == "入党日期").unwrap();
    assert!(
        roster.iter().any(|r| r[joined].len() == 7),
        "a YYYY-MM date"
    );
}

/// An annual campaign (SPEC §7) archives its 民主评议 as a tenth normalised CSV, its rows
/// counted in the manifest; a 2024 archive has none.
#[test]
fn an_annual_campaign_archives_its_evaluation_records() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    let evaluation = "姓名,党员类别,评定等次,优秀票,合格票,评议日期,告知日期,处理情况\n\
李明,正式党员,优秀,9,1,2024-08-12,2024-08-13,\n\
王芳,正式党员,合格,2,8,2024-08-12,2024-08-13,\n\
张强,正式党员,基本合格,0,4,2024-08-12,,谈心谈话帮助提高\n\
赵丽,,合格,1,9,2024-08-12,2024-08-13,\n";
    let config =
        common::base_town::write_annual_town(&input, evaluation, &dir.path().join("campaign.toml"));
    let out = dir.path().join("归档");
    let o = archive(&input, &out, &["--config", config.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("记录/ 10 张记录表"), "{}", stdout(&o));
    let (header, rows) = records(&out, "民主评议");
    assert_eq!(
        header,
        [
            "支部",
            "姓名",
            "党员类别",
            "评定等次",
            "优秀票",
            "合格票",
            "基本合格票",
            "不合格票",
            "评议日期",
            "告知日期",
            "处理情况",
            "来源文件",
            "工作表",
            "单元格"
        ]
    );
    assert_eq!(
        rows[2],
        [
            "青林镇红星村党支部",
            "张强",
            "正式党员",
            "基本合格",
            "0",
            "4",
            "",
            "",
            "2024-08-12",
            "",
            "谈心谈话帮助提高",
            "红星村/民主评议.csv",
            "民主评议",
            "A4"
        ]
    );
    assert_eq!(rows[3][2], "", "a category not written stays empty");
    let m = manifest(&out);
    let counts = &m["counts"]["records"];
    assert_eq!(counts["民主评议"], 4);
    assert_eq!(counts["党员花名册"], 4);
    assert_eq!(counts["查摆问题清单"], 0);
    assert_eq!(counts.as_object().unwrap().len(), 10);
    assert_eq!(verify(&out).status.code(), Some(0));

    // The 2024 default does not read 民主评议: no such CSV, nine counts, each its CSV's rows.
    let s = shared();
    assert!(!s.archive.join("记录/民主评议.csv").exists());
    let counts = manifest(&s.archive)["counts"]["records"].clone();
    let counts = counts.as_object().unwrap();
    assert_eq!(counts.len(), 9);
    for (kind, n) in counts {
        assert_eq!(
            records(&s.archive, kind).1.len() as u64,
            n.as_u64().unwrap(),
            "{kind}"
        );
    }
}

#[test]
fn a_non_empty_out_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("归档");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("旧.txt"), b"keep me").unwrap();
    let o = archive(&fixture("township"), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.starts_with("orglife：") && e.contains("不为空"), "{e}");
    assert_eq!(e.trim().lines().count(), 1);
    assert_eq!(tree(&out).len(), 1);
    assert_eq!(std::fs::read(out.join("旧.txt")).unwrap(), b"keep me");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary folder left beside it"
    );
}

#[test]
fn an_empty_out_folder_is_filled() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("归档");
    std::fs::create_dir(&out).unwrap();
    let input = dir.path().join("报表");
    copy_tree(&fixture("broken"), &input);
    let o = archive(&input, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("manifest.json").is_file());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "only the input and the archive"
    );
    // Unreadable and non-spreadsheet files are archived too.
    let originals = tree(&out.join("原始报表"));
    for (rel, bytes) in tree(&input) {
        let name = rel.rsplit('/').next().unwrap();
        if !name.starts_with('.') && !name.starts_with("~$") {
            assert!(originals.get(&rel) == Some(&bytes), "{rel}");
        }
    }
    assert_eq!(verify(&out).status.code(), Some(0));
}

#[test]
fn a_register_outside_the_input_goes_under_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    copy_tree(&fixture("township"), &input);
    let register = dir.path().join("镇名册.xlsx");
    std::fs::rename(input.join("青林镇基层党组织名册.xlsx"), &register).unwrap();
    let out = dir.path().join("归档");
    let o = archive(&input, &out, &["--register", register.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(out.join("原始报表/名册/镇名册.xlsx")).unwrap(),
        std::fs::read(&register).unwrap()
    );
    let (_, branches) = records(&out, "支部名册");
    assert_eq!(branches.len(), 7);
    assert!(
        branches
            .iter()
            .all(|r| r[r.len() - 3] == "名册/镇名册.xlsx")
    );
    assert_eq!(verify(&out).status.code(), Some(0));
}

#[test]
fn archive_arguments_are_checked_by_hand_in_one_chinese_line() {
    let input = fixture("township");
    let input = input.to_str().unwrap();
    for (args, says) in [
        (vec!["archive", input, "--out", "x"], "--year"),
        (vec!["archive", input, "--year", "2024"], "--out"),
        (
            vec!["archive", "--year", "2024", "--out", "x"],
            "输入文件夹",
        ),
        (
            vec!["archive", "--verify", "x", "--year", "2024"],
            "--verify",
        ),
        (vec!["archive", input, "--year", "24", "--out", "x"], "年度"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = stderr(&o);
        assert_eq!(e.trim().lines().count(), 1, "{args:?}: {e}");
        assert!(
            e.starts_with("orglife：") && e.contains(says),
            "{args:?}: {e}"
        );
    }
    assert!(!Path::new("x").exists());
}
