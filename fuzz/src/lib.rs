//! What the fuzz targets share: feed bytes through the reader exactly as `orglife check`
//! reads one file (`ingest::file::parse_file`), and check the promise of SPEC §6: no input
//! panics or hangs, and a file that cannot be read becomes one S002 with a Chinese reason.
//!
//! A panic inside calamine is tolerated here, because `ingest::read_one` catches it per file
//! and reports the file as S002 (tests/hostile_inputs.rs checks that it does). Every other
//! panic (in orglife's own code, in zip, quick-xml, csv, toml, …) aborts: it is a crash to
//! fix. Set `ORGLIFE_FUZZ_CALAMINE_PANICS=/some/file` to collect where calamine panicked,
//! to see which of those an input check before calamine could avoid.

use std::io::{Cursor, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use chrono::NaiveDate;
use orglife::campaign::Campaign;
use orglife::ingest::file::{ReadCtx, parse_file};
use orglife::campaign::Limits;
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
