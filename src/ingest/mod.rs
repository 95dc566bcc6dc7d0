//! Ingest: find every file under the input folder, read them in parallel (rayon), then
//! assemble the register, the branches and the row accounting into one immutable model.

pub mod assemble;
pub mod cell;
pub mod csv_file;
pub mod dates;
pub mod file;
pub mod header;
pub mod header_index;
pub mod idcard;
pub mod info;
pub mod ods_guard;
pub mod own_outputs;
pub mod read;
pub mod rows;
pub mod xls_guard;
mod xlsx_fast;
pub mod xlsx_merges;

use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::campaign::Campaign;
use crate::finding::{Code, Finding, Location, TOWNSHIP};
use crate::model::outputs::Skipped;
use crate::model::{FileEntry, FileId, Model};
use assemble::{AssembleCtx, assemble};
use file::{ParsedFile, ReadCtx, parse_file};

/// Extensions read as spreadsheets. `.et` (WPS) is opened too, so that it gets a clear
/// "save as .xlsx" reason rather than being passed over.
pub const SHEET_EXTS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods", "csv", "et"];

/// System clutter that is never a branch's return.
const CLUTTER: &[&str] = &["thumbs.db", "desktop.ini"];

pub struct Options<'a> {
    pub input: &'a Path,
    pub register: Option<&'a Path>,
    /// Folders never read (the output folder, when it lies inside the input).
    pub exclude: Vec<PathBuf>,
    pub as_of: NaiveDate,
    pub campaign: &'a Campaign,
    /// Called with the number of files found, then once per file read (progress).
    pub on_found: &'a (dyn Fn(usize) + Sync),
    pub on_file: &'a (dyn Fn() + Sync),
}

/// A file found under the input folder.
pub struct Found {
    pub path: PathBuf,
    /// Relative to the input folder, `/`-separated.
    pub rel: String,
}

fn is_hidden_or_lock(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || CLUTTER.contains(&name.to_lowercase().as_str())
}

/// Every file under `root`, sorted by path; hidden files, `~$` lock files and excluded
/// folders are skipped silently, orglife's own outputs (SPEC §8) with a note in `skipped`.
/// Folders that cannot be listed become findings.
pub fn discover(
    root: &Path,
    exclude: &[PathBuf],
    problems: &mut Vec<Finding>,
    skipped: &mut Vec<Skipped>,
) -> Vec<Found> {
    if root.is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return vec![Found {
            path: root.to_path_buf(),
            rel: name,
        }];
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            if e.depth() == 0 {
                return true;
            }
            if is_hidden_or_lock(&name) || exclude.iter().any(|x| same_path(e.path(), x)) {
                return false;
            }
            let is_dir = e.file_type().is_dir();
            let own = if is_dir {
                own_outputs::folder(e.path())
            } else {
                own_outputs::file(e.path())
            };
            if let Some(what) = own {
                skipped.push(own_outputs::skipped(rel_path(root, e.path()), is_dir, what));
            }
            own.is_none()
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                out.push(Found {
                    path: e.path().to_path_buf(),
                    rel: rel_path(root, e.path()),
                });
            }
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                problems.push(Finding::new(
                    Code::S002,
                    TOWNSHIP,
                    path.clone(),
                    "无法打开该文件夹或文件（没有权限或已损坏），其中的材料未读取；请检查后重试"
                        .to_string(),
                    Location::file(&path),
                ));
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `path` relative to `root`, `/`-separated.
fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Read one file: hash, then parse; oversized files are hashed by streaming and refused
/// before their bytes are held in memory.
fn read_one(found: &Found, id: FileId, cx: ReadCtx) -> ParsedFile {
    let mut entry = FileEntry {
        path: found.rel.clone(),
        ..FileEntry::default()
    };
    let ext = extension(&found.path);
    let fail = |mut entry: FileEntry, reason: String| {
        entry.error = reason.clone();
        let f = Finding::new(
            Code::S002,
            "",
            entry.path.clone(),
            format!("无法读取：{reason}"),
            Location::file(&entry.path),
        );
        ParsedFile {
            entry,
            sheets: Vec::new(),
            findings: vec![f],
            unreadable: true,
            plain: Vec::new(),
        }
    };
    let meta = match std::fs::metadata(&found.path) {
        Ok(m) => m,
        Err(e) => {
            return fail(
                entry,
                format!("无法打开文件（{}）", crate::campaign::io_reason(&e)),
            );
        }
    };
    entry.size = meta.len();
    entry.modified = meta.modified().ok();
    if !SHEET_EXTS.contains(&ext.as_str()) {
        // Hashed by streaming, whatever its size (a video in a branch folder costs no memory);
        // a file that cannot be read through has no hash rather than a partial one.
        match stream_sha256(&found.path) {
            Ok(h) => entry.sha256 = h,
            Err(e) => {
                return fail(
                    entry,
                    format!(
                        "无法完整读取文件（{}），未能核对",
                        crate::campaign::io_reason(&e)
                    ),
                );
            }
        }
        entry.error = "不是表格文件，未读取".to_string();
        let f = Finding::new(
            Code::S007,
            "",
            entry.path.clone(),
            format!(
                "“{}”不是表格文件（.{ext}），未读取；如其中有台账内容，请填入 Excel 表格后报送",
                entry.path
            ),
            Location::file(&entry.path),
        );
        return ParsedFile {
            entry,
            sheets: Vec::new(),
            findings: vec![f],
            unreadable: false,
            plain: Vec::new(),
        };
    }
    if entry.size > cx.limits.max_file_bytes {
        let mb = cx.limits.max_file_bytes >> 20;
        let hashed = stream_sha256(&found.path);
        let reason = match &hashed {
            Ok(_) => format!("文件超过 {mb} MB，远大于正常报表，已拒绝读取；请确认是否传错文件"),
            Err(e) => format!(
                "文件超过 {mb} MB，远大于正常报表，已拒绝读取，且无法完整读取（{}）；请确认是否传错文件",
                crate::campaign::io_reason(e)
            ),
        };
        entry.sha256 = hashed.unwrap_or_default();
        return fail(entry, reason);
    }
    let bytes = match std::fs::read(&found.path) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                entry,
                format!("无法打开文件（{}）", crate::campaign::io_reason(&e)),
            );
        }
    };
    entry.sha256 = hex(&Sha256::digest(&bytes));
    // A reader bug must cost one file, never the run.
    let fallback = entry.clone();
    match std::panic::catch_unwind(AssertUnwindSafe(|| parse_file(entry, id, &bytes, &ext, cx))) {
        Ok(p) => p,
        Err(_) => fail(
            fallback,
            "读取时遇到无法处理的内容（文件可能已损坏）；请用 Excel 或 WPS 打开后重新保存再报送"
                .to_string(),
        ),
    }
}

/// The SHA-256 of a file read in 64 KiB pieces: memory stays flat whatever the size, and a
/// read error is an error, never the hash of what was read before it.
pub fn stream_sha256(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(hex(&h.finalize()))
}

/// What reading produced: the model, the findings raised while reading, and what the feedback
/// writer may reuse of the files as they were read.
pub struct Ingested {
    pub model: Model,
    /// Sorted.
    pub findings: Vec<Finding>,
    pub plain: PlainSheets,
}

/// Per file (by [`FileId`]) and sheet: xlsx only, the sheet's XML holds nothing that could be
/// an ID or a phone and it is not the selected tab, so a feedback copy of the file needs no
/// change there unless a cell of it is flagged. Not part of the model: no rule reads it.
#[derive(Debug, Default)]
pub struct PlainSheets(Vec<Vec<bool>>);

impl PlainSheets {
    pub fn get(&self, file: FileId, sheet: usize) -> bool {
        self.0
            .get(file as usize)
            .and_then(|s| s.get(sheet))
            .copied()
            .unwrap_or(false)
    }
}

/// Read everything and build the model. Deterministic whatever the thread count: files are
/// read in parallel but kept in path order, and findings are sorted at the end.
pub fn ingest(opts: &Options) -> Ingested {
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    let mut found = discover(opts.input, &opts.exclude, &mut findings, &mut skipped);
    let mut register_path = None;
    if let Some(reg) = opts.register {
        let inside = found
            .iter()
            .find(|f| same_path(&f.path, reg))
            .map(|f| f.rel.clone());
        register_path = Some(inside.unwrap_or_else(|| {
            let rel = reg.display().to_string();
            found.push(Found {
                path: reg.to_path_buf(),
                rel: rel.clone(),
            });
            rel
        }));
    }
    (opts.on_found)(found.len());
    let limits = opts.campaign.limits();
    let cx = ReadCtx {
        year: opts.campaign.year,
        as_of: opts.as_of,
        limits: &limits,
        campaign: opts.campaign,
    };
    let mut parsed: Vec<ParsedFile> = found
        .par_iter()
        .enumerate()
        .map(|(i, f)| {
            let p = read_one(f, i as FileId, cx);
            (opts.on_file)();
            p
        })
        .collect();
    // In file order, as `assemble` keeps the files.
    let plain = PlainSheets(
        parsed
            .iter_mut()
            .map(|p| std::mem::take(&mut p.plain))
            .collect(),
    );
    let acx = AssembleCtx {
        campaign: opts.campaign,
        as_of: opts.as_of,
        register_path,
    };
    let (mut model, more) = assemble(parsed, &acx);
    model.skipped = skipped;
    findings.extend(more);
    crate::finding::sort_findings(&mut findings);
    Ingested {
        model,
        findings,
        plain,
    }
}
