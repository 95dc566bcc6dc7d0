//! What the fuzz targets share: feed bytes through the reader exactly as `orglife check`
//! reads one file (`ingest::file::parse_file`), and check the promise of SPEC §6: no input
//! panics or hangs, and a file that cannot be read becomes one S002 with a Chinese reason.
//!
//! A panic inside calamine is tolerated here, because `ingest::read_one` catches it per file
//! and reports the file as S002 (tests/hostile_inputs.rs checks that it does). Every other
//! panic (in orglife's own code, in zip, quick-xml, csv, toml, …) aborts: it is a crash to
//! fix. Set `ORGLIFE_FUZZ_CALAMINE_PANICS=/some/file` to collect where calamine panicked,
//! to see which of those an input check before calamine could avoid.

use std::collections::HashSet;
use std::io::{Cursor, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use chrono::NaiveDate;
use orglife::campaign::Campaign;
use orglife::campaign::Limits;
use orglife::ingest::file::{ReadCtx, parse_file};
use orglife::model::FileEntry;

static HOOK: Once = Once::new();

fn in_calamine(file: &str) -> bool {
    file.contains("/calamine-")
}

/// Wrap libfuzzer-sys's hook (which aborts on any panic, even a caught one) so that a
/// panic located in calamine unwinds to our `catch_unwind`, as it does in production.
fn install_hook() {
    HOOK.call_once(|| {
        let fuzzer_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let file = info.location().map(|l| l.file()).unwrap_or("");
            if in_calamine(file) {
                if let Some(log) = std::env::var_os("ORGLIFE_FUZZ_CALAMINE_PANICS") {
                    let loc = info.location().map(|l| l.to_string()).unwrap_or_default();
                    let msg = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    if let Ok(mut f) = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(log)
                    {
                        let _ = writeln!(f, "{loc}\t{}", msg.replace('\n', " "));
                    }
                }
                return;
            }
            fuzzer_hook(info);
        }));
    });
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// One file's bytes, read as if found under the input folder with extension `ext`.
pub fn read_file(data: &[u8], ext: &str) {
    install_hook();
    let limits = Limits::default();
    // Parsed once: the embedded campaign is the same for every input.
    static CAMPAIGN: std::sync::LazyLock<orglife::campaign::Campaign> =
        std::sync::LazyLock::new(orglife::campaign::Campaign::embedded);
    let cx = ReadCtx {
        year: 2024,
        as_of: NaiveDate::from_ymd_opt(2024, 9, 10).unwrap(),
        limits: &limits,
        campaign: &CAMPAIGN,
    };
    let entry = FileEntry {
        path: format!("坏文件村/fuzz.{ext}"),
        size: data.len() as u64,
        ..FileEntry::default()
    };
    let parsed = panic::catch_unwind(AssertUnwindSafe(|| parse_file(entry, 0, data, ext, cx)));
    let Ok(parsed) = parsed else {
        // A calamine panic (any other aborted in the hook): read_one makes it an S002.
        return;
    };
    if parsed.unreadable {
        assert!(
            !parsed.entry.error.is_empty(),
            "an unreadable file says why"
        );
        let s002: Vec<_> = parsed
            .findings
            .iter()
            .filter(|f| f.code == "S002")
            .collect();
        assert_eq!(s002.len(), 1, "one S002 per unreadable file");
        assert!(
            has_chinese(&s002[0].message),
            "the reason is in Chinese: {}",
            s002[0].message
        );
        assert!(parsed.sheets.is_empty());
    }
}

/// A campaign.toml: parsed, or refused with a Chinese reason naming the file.
pub fn parse_campaign(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Campaign::parse(text, "campaign.toml") {
        Ok(c) => {
            let l = c.limits();
            assert!(l.max_file_bytes > 0 && l.max_inflated_bytes > 0 && l.max_cells > 0);
            let _ = c.township();
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.contains("campaign.toml") && has_chinese(&msg), "{msg}");
        }
    }
}

/// Structure-aware mutation for the zip-based formats (xlsx, xlsb, ods): most of the time
/// unzip the input, let libFuzzer mutate one member (the sheet XML, shared strings, styles,
/// content.xml, the BIFF12 records …) and zip it again with correct sizes and CRCs, so the
/// mutations reach calamine's parsers instead of dying in the deflate stream. One time in
/// four, or when the input is not a zip, the raw bytes are mutated as usual (the zip layer
/// and the sniffing are fuzzed too).
pub fn mutate_zip(data: &mut [u8], size: usize, max_size: usize, seed: u32) -> usize {
    if seed.is_multiple_of(4) {
        return libfuzzer_sys::fuzzer_mutate(data, size, max_size);
    }
    match mutate_member(&data[..size], max_size, seed) {
        Some(out) => {
            data[..out.len()].copy_from_slice(&out);
            out.len()
        }
        None => libfuzzer_sys::fuzzer_mutate(data, size, max_size),
    }
}

fn mutate_member(input: &[u8], max_size: usize, seed: u32) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(input)).ok()?;
    let mut members = Vec::new();
    let mut total = 0usize;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).ok()?;
        let name = f.name().ok()?.to_string();
        let mut bytes = Vec::new();
        f.by_ref().take(1 << 20).read_to_end(&mut bytes).ok()?;
        total += bytes.len();
        if total > 4 << 20 {
            return None;
        }
        members.push((name, bytes));
    }
    if members.is_empty() {
        return None;
    }
    let pick = (seed as usize / 4) % members.len();
    let member = &mut members[pick].1;
    let len = member.len();
    let cap = len + len / 4 + 64;
    member.resize(cap, 0);
    let new_len = libfuzzer_sys::fuzzer_mutate(member, len, cap);
    member.truncate(new_len);

    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1));
    for (name, bytes) in &members {
        out.start_file(name.as_str(), opts).ok()?;
        out.write_all(bytes).ok()?;
    }
    let out = out.finish().ok()?.into_inner();
    (out.len() <= max_size).then_some(out)
}

/// A branch's .xlsx through the feedback patcher (`report::feedback::package::build`), as
/// `report::feedback::workbook` calls it for a branch that sent one plain xlsx: the branch's own
/// package as the base (`Base::Original`), 问题清单 to put first, and marks on cells of the
/// sheets a quick read of the same bytes names (the production marks come from findings on the
/// reader's sheets). Which sheets get marks, whether unmarked sheets count as plain (copied still
/// compressed) and whether values are masked follow the input's length, so every input takes
/// one of those paths and mutation visits them all.
///
/// It must not panic or hang. A refusal is an `Unpatchable` with a Chinese reason (the caller
/// then writes the workbook from the cells). A workbook it returns is a zip whose every member
/// inflates, and, when calamine could open the branch's file, one calamine opens too: 问题清单
/// first, holding the title, then the branch's sheets, the names all distinct (Excel refuses a
/// workbook with two sheets of one name).
pub fn feedback_xlsx(data: &[u8]) {
    use orglife::report::feedback::package::{Base, Patch, build};
    use orglife::report::feedback::{FindingsSheet, Mark};
    use orglife::report::xlsx_style::{Out, Tone};
    use std::collections::HashMap;

    install_hook();
    // The reader's view of the same bytes: which sheets there are.
    let before = calamine_sheets(data);
    let names: Vec<String> = match &before {
        Some(n) => n.clone(),
        // calamine could not read it (production would not get here): guess the usual names.
        None => vec!["Sheet1".into(), "Sheet2".into(), "问题清单".into()],
    };

    let k = data.len();
    let mask = k & 1 == 1;
    let plain_unmarked = k & 2 == 2;
    let cells: &[(u32, u32)] = match (k >> 2) % 4 {
        0 => &[],
        1 => &[(0, 0)],
        2 => &[(0, 1), (1, 0), (1, 1), (2, 3), (5, 2), (40, 0)],
        // Excel's last row and column, and a cell past any a small sheet has.
        _ => &[(1, 1), (300, 26), ((1 << 20) - 1, (1 << 14) - 1)],
    };
    let mut marks: HashMap<String, Vec<Mark>> = HashMap::new();
    for (i, name) in names.iter().enumerate() {
        // Every other sheet, starting with the first or the second.
        if (i + (k >> 4)) % 2 == 1 {
            continue;
        }
        let list = cells
            .iter()
            .enumerate()
            .map(|(j, &(row, col))| Mark {
                row,
                col,
                tone: [Tone::Bad, Tone::Neutral, Tone::Info][j % 3],
                note: format!("C005 严重：第{j}条 <&\"'>\n张三 420682197203150314"),
            })
            .collect::<Vec<_>>();
        if !list.is_empty() {
            marks.insert(name.clone(), list);
        }
    }
    let plain: HashSet<String> = if plain_unmarked {
        names
            .iter()
            .filter(|n| !marks.contains_key(*n))
            .cloned()
            .collect()
    } else {
        HashSet::new()
    };
    let title = "坏文件村党支部　专题组织生活会反馈".to_string();
    let first = FindingsSheet {
        title: title.clone(),
        summary: "统计截止 2024年9月10日。发现问题 1 条".into(),
        rows: vec![vec![
            Out::Num(1.0),
            Out::text("C005"),
            Out::toned("严重", Tone::Bad),
            Out::text("问题"),
            Out::text("王芳"),
            Out::text("=1+1 <b>&amp;"),
            Out::text("坏文件村/fuzz.xlsx"),
            Out::text("Sheet1"),
            Out::text("B2"),
        ]],
    };
    let patch = Patch {
        first: &first,
        marks: &marks,
        plain: &plain,
        mask,
    };

    match build(data, Base::Original, &patch) {
        Err(e) => assert!(has_chinese(e.0), "a refusal says why in Chinese: {}", e.0),
        Ok(out) => check_feedback(&out, data, before.as_deref(), &title),
    }
}

/// The sheet names calamine reads from an xlsx, or `None` when it cannot open it (or panics).
fn calamine_sheets(data: &[u8]) -> Option<Vec<String>> {
    use calamine::{Reader, Xlsx};
    panic::catch_unwind(AssertUnwindSafe(|| {
        Xlsx::new(Cursor::new(data)).ok().map(|wb| wb.sheet_names())
    }))
    .ok()
    .flatten()
}

/// Whether every member of a zip inflates with a good CRC.
fn members_inflate(bytes: &[u8]) -> bool {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return false;
    };
    (0..zip.len()).all(|i| {
        zip.by_index(i)
            .is_ok_and(|mut f| std::io::copy(&mut f, &mut std::io::sink()).is_ok())
    })
}

fn check_feedback(out: &[u8], input: &[u8], before: Option<&[String]>, title: &str) {
    use calamine::{Data, Reader, Xlsx};
    zip::ZipArchive::new(Cursor::new(out)).expect("the feedback workbook is a zip");
    // Parts it does not change are copied still compressed, damage and all (a theme whose
    // deflate stream is broken stays broken, as the branch sent it): only a sound input
    // promises a sound output.
    if members_inflate(input) {
        assert!(
            members_inflate(out),
            "every member of the feedback workbook inflates"
        );
    }
    let Some(before) = before else {
        // calamine could not open the branch's file: nothing to compare with.
        return;
    };
    let got = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut wb = Xlsx::new(Cursor::new(out)).map_err(|e| e.to_string())?;
        let names = wb.sheet_names();
        let first = names.first().cloned().unwrap_or_default();
        let range = wb
            .worksheet_range(&first)
            .map_err(|e| format!("{first}: {e}"))?;
        Ok::<_, String>((names, range.get_value((0, 0)).cloned()))
    }));
    let Ok(got) = got else {
        // A calamine panic on the output: the hook let only calamine's through.
        return;
    };
    let (names, a1) = got.unwrap_or_else(|e| panic!("calamine opens the feedback workbook: {e}"));
    assert_eq!(
        names.first().map(String::as_str),
        Some("问题清单"),
        "{names:?}"
    );
    assert_eq!(
        a1,
        Some(Data::String(title.to_string())),
        "问题清单 starts with the title"
    );
    assert_eq!(
        &names[1..],
        before,
        "the branch's sheets follow, as they were"
    );
    let mut seen = HashSet::new();
    for n in &names {
        assert!(
            seen.insert(n.to_lowercase()),
            "two sheets named {n} (Excel refuses the workbook): {names:?}"
        );
    }
}
