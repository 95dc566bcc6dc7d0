//! The annual archive's own writings (SPEC §5 "Other commands"): the normalised records, one
//! CSV per kind, the manifest that fingerprints every archived file, and its verification.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Component, Path};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::csv_text::inert;
use super::mask::Pii;
use super::summary::{id_shown, phone_shown};
use crate::analysis::Analysis;
use crate::campaign::io_reason;
use crate::finding::{Severity, TOWNSHIP};
use crate::model::schema::{SheetKind, spec};
use crate::model::{Model, Names, Prov, Text, Val};
use crate::model::{PDate, Returned};

/// The manifest's file name, at the archive's root; it is the one file it does not list.
pub const MANIFEST: &str = crate::model::outputs::MANIFEST;

/// Where the inputs are copied, and where the normalised records go.
pub const ORIGINALS: &str = "原始报表";
pub const RECORDS: &str = "记录";

/// The provenance columns closing every record row.
const PROV_HEADER: [&str; 3] = ["来源文件", "工作表", "单元格"];

/// A records CSV's columns before the provenance: 支部 (the canonical branch), then the kind's
/// columns as the column table names them, in its order; the register's own 支部名称 is that
/// 支部, and 基本情况 keeps the items no column names in 其他事项.
pub fn header(kind: SheetKind) -> Vec<&'static str> {
    let columns = spec(kind)
        .columns
        .iter()
        .map(|c| c.name)
        .filter(move |n| !(kind == SheetKind::Branches && *n == "支部名称"));
    let mut header: Vec<&str> = std::iter::once("支部").chain(columns).collect();
    if kind == SheetKind::Info {
        header.push("其他事项");
    }
    header
}

/// One normalised CSV: its file name (without `.csv`), its bytes and how many records it holds.
pub struct RecordFile {
    pub kind: &'static str,
    pub bytes: Vec<u8>,
    pub rows: usize,
}

/// Every record kind as a normalised CSV, in the order of SPEC §3, then 民主评议 when the
/// campaign reads that sheet (SPEC §7). `sources[i]` is how file `i` of the model is named in
/// the 来源文件 column: its path under 原始报表/.
pub fn records(a: &Analysis, pii: Pii, sources: &[String]) -> Vec<RecordFile> {
    let model = &a.model;
    let r = Records {
        model,
        sources,
        pii,
    };
    let mut files = vec![
        r.register_branches(),
        r.leaders(),
        r.infos(),
        r.roster(),
        r.meetings(),
        r.talks(),
        r.problems(),
        r.rectifications(),
        r.results(),
    ];
    if a.campaign.reads(SheetKind::Evaluation) {
        files.push(r.appraisals());
    }
    files
}

struct Records<'a> {
    model: &'a Model,
    sources: &'a [String],
    pii: Pii,
}

fn yes_no(b: bool) -> &'static str {
    if b { "是" } else { "否" }
}

fn text<T: AsRef<str>>(v: &Option<Val<T>>) -> String {
    v.as_ref()
        .map(|v| v.value.as_ref().to_string())
        .unwrap_or_default()
}

fn date(v: &Option<Val<PDate>>) -> String {
    v.as_ref().map(|v| v.value.iso()).unwrap_or_default()
}

fn count(v: &Option<Val<u32>>) -> String {
    v.as_ref().map(|v| v.value.to_string()).unwrap_or_default()
}

fn label<T: Copy>(v: &Option<Val<T>>, f: impl Fn(T) -> &'static str) -> String {
    v.as_ref()
        .map(|v| f(v.value).to_string())
        .unwrap_or_default()
}

fn list(v: &Option<Val<Names>>) -> String {
    v.as_ref().map(|v| v.value.join("、")).unwrap_or_default()
}

impl Records<'_> {
    /// 来源文件, 工作表, 单元格 of a value.
    fn place(&self, at: Prov) -> [String; 3] {
        let file = self.sources.get(at.file() as usize).cloned();
        let sheet = self
            .model
            .files
            .get(at.file() as usize)
            .and_then(|f| f.sheets.get(usize::from(at.sheet())))
            .map(|s| s.name.clone());
        [file.unwrap_or_default(), sheet.unwrap_or_default(), at.a1()]
    }

    /// The CSV: BOM (so Excel/WPS open it as UTF-8), CRLF, the Chinese header ([`header`]),
    /// then the rows with every data cell passed through the PII mask; the provenance is left
    /// as is.
    fn csv(&self, kind: SheetKind, rows: Vec<(Vec<String>, Prov)>) -> RecordFile {
        let header = header(kind);
        let count = rows.len();
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(&mut bytes);
            // Writing into a Vec cannot fail.
            let _ = w.write_record(header.iter().chain(PROV_HEADER.iter()));
            for (cells, at) in rows {
                debug_assert_eq!(cells.len(), header.len(), "{}", kind.label());
                let mut row: Vec<String> = cells
                    .iter()
                    .map(|c| inert(&self.pii.text(c)).into_owned())
                    .collect();
                row.extend(self.place(at).iter().map(|p| inert(p).into_owned()));
                let _ = w.write_record(&row);
            }
            let _ = w.flush();
        }
        RecordFile {
            kind: kind.label(),
            bytes,
            rows: count,
        }
    }

    fn register_branches(&self) -> RecordFile {
        let rows = self
            .model
            .register
            .branches
            .iter()
            .map(|b| {
                let cells = vec![
                    b.name.value.to_string(),
                    label(&b.category, |c| c.label()),
                    yes_no(b.has_committee).to_string(),
                    text(&b.secretary),
                    count(&b.member_count),
                    self.phone(&b.phone),
                ];
                (cells, b.name.at)
            })
            .collect();
        self.csv(SheetKind::Branches, rows)
    }

    /// 督导人员 belong to the township, not to a branch: their 支部 is 全镇, as for findings
    /// about the register; the branch where a cadre is a member is 所在支部.
    fn leaders(&self) -> RecordFile {
        let rows = self
            .model
            .register
            .leaders
            .iter()
            .map(|l| {
                let cells = vec![
                    TOWNSHIP.to_string(),
                    l.name.value.to_string(),
                    text(&l.title),
                    label(&l.rank, |r| r.label()),
                    yes_no(l.town_committee).to_string(),
                    text(&l.home_branch),
                ];
                (cells, l.name.at)
            })
            .collect();
        self.csv(SheetKind::Leaders, rows)
    }

    /// One row per branch that sent a 基本情况; items the tool has no column for are kept in
    /// 其他事项 as `项目：内容`, separated by `；` (values may themselves hold 、).
    fn infos(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            let Some(i) = &b.info else { continue };
            // Merged from several returns, an info has no single row: the first item present
            // stands for it.
            let first = [
                i.name.as_ref().map(|v| v.at),
                i.reporter.as_ref().map(|v| v.at),
                i.report_date.as_ref().map(|v| v.at),
                i.period.as_ref().map(|v| v.at),
                i.publicised.as_ref().map(|v| v.at),
                i.publicised_scope.as_ref().map(|v| v.at),
                i.filed.as_ref().map(|v| v.at),
                i.category.as_ref().map(|v| v.at),
                i.secretary.as_ref().map(|v| v.at),
                i.member_count.as_ref().map(|v| v.at),
                i.phone.as_ref().map(|v| v.at),
            ]
            .into_iter()
            .flatten()
            .chain(i.extra.iter().map(|(_, v)| v.at))
            .next();
            let Some(at) = first else { continue };
            let extra: Vec<String> = i
                .extra
                .iter()
                .map(|(k, v)| format!("{k}：{}", v.value))
                .collect();
            let period = i
                .period
                .as_ref()
                .map(|p| format!("{:04}-{:02}", p.value.year, p.value.month))
                .unwrap_or_default();
            let cells = vec![
                b.name.clone(),
                text(&i.name),
                text(&i.reporter),
                date(&i.report_date),
                period,
                date(&i.publicised),
                text(&i.publicised_scope),
                date(&i.filed),
                text(&i.category),
                text(&i.secretary),
                count(&i.member_count),
                self.phone(&i.phone),
                extra.join("；"),
            ];
            rows.push((cells, at));
        }
        self.csv(SheetKind::Info, rows)
    }

    fn roster(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            for m in &b.roster {
                let special: Vec<&str> = m.special.iter().map(|s| s.value.label()).collect();
                let id = m
                    .id_number
                    .as_ref()
                    .map(|v| id_shown(&v.value, self.pii))
                    .unwrap_or_default();
                let cells = vec![
                    b.name.clone(),
                    m.name.value.to_string(),
                    label(&m.gender, |g| g.label()),
                    date(&m.birth),
                    date(&m.joined),
                    label(&m.category, |c| c.label()),
                    m.role.value.label().to_string(),
                    special.join("、"),
                    text(&m.group),
                    id,
                    self.phone(&m.phone),
                ];
                rows.push((cells, m.name.at));
            }
        }
        self.csv(SheetKind::Roster, rows)
    }

    fn meetings(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            for m in &b.meetings {
                // Position by position with 督导人员; a rank the reader could not place keeps
                // its position as 未识别 (the D003 at that cell says what was written).
                let ranks = m
                    .supervisor_ranks
                    .as_ref()
                    .map(|v| {
                        v.value
                            .iter()
                            .map(|r| r.map_or("未识别", |r| r.label()))
                            .collect::<Vec<_>>()
                            .join("、")
                    })
                    .unwrap_or_default();
                let cells = vec![
                    b.name.clone(),
                    m.kind.value.label().to_string(),
                    m.date.value.iso(),
                    count(&m.expected),
                    count(&m.present),
                    text(&m.host),
                    list(&m.attendees),
                    text(&m.content),
                    list(&m.supervisors),
                    ranks,
                    text(&m.sent_by),
                    label(&m.commented, yes_no),
                    text(&m.group),
                ];
                rows.push((cells, m.kind.at));
            }
        }
        self.csv(SheetKind::Meetings, rows)
    }

    fn talks(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            for t in &b.talks {
                let cells = vec![
                    b.name.clone(),
                    t.date.value.iso(),
                    t.talker.value.to_string(),
                    t.partners.value.join("、"),
                    label(&t.target, |x| x.label()),
                    label(&t.mode, |x| x.label()),
                    text(&t.content),
                ];
                rows.push((cells, t.date.at));
            }
        }
        self.csv(SheetKind::Talks, rows)
    }

    fn problems(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            for p in &b.problems {
                let cells = vec![
                    b.name.clone(),
                    p.id.value.to_string(),
                    p.owner.value.to_string(),
                    text(&p.category),
                    p.description.value.to_string(),
                    p.date.value.iso(),
                ];
                rows.push((cells, p.id.at));
            }
        }
        self.csv(SheetKind::Problems, rows)
    }

    fn rectifications(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            for r in &b.rectifications {
                let deadline = r.deadline.value.text();
                let cells = vec![
                    b.name.clone(),
                    r.id.value.to_string(),
                    r.problem_ids.value.join("、"),
                    r.item.value.to_string(),
                    r.measure.value.to_string(),
                    r.owner.value.to_string(),
                    deadline,
                ];
                rows.push((cells, r.id.at));
            }
        }
        self.csv(SheetKind::Rectifications, rows)
    }

    fn results(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            for r in &b.results {
                let cells = vec![
                    b.name.clone(),
                    r.rect_id.value.to_string(),
                    r.status.value.label().to_string(),
                    date(&r.done),
                    label(&r.publicised, yes_no),
                ];
                rows.push((cells, r.rect_id.at));
            }
        }
        self.csv(SheetKind::Results, rows)
    }

    /// 民主评议: one row per member graded (or not), the grade as the campaign names it.
    fn appraisals(&self) -> RecordFile {
        let mut rows = Vec::new();
        for b in &self.model.branches {
            for x in &b.appraisals {
                let mut cells = vec![
                    b.name.clone(),
                    x.name.value.to_string(),
                    label(&x.category, |c| c.label()),
                    text(&x.grade),
                ];
                cells.extend(x.votes.iter().map(count));
                cells.extend([x.date.value.iso(), date(&x.told), text(&x.handling)]);
                rows.push((cells, x.name.at));
            }
        }
        self.csv(SheetKind::Evaluation, rows)
    }

    fn phone(&self, v: &Option<Val<Text>>) -> String {
        v.as_ref()
            .map(|v| phone_shown(&v.value, self.pii))
            .unwrap_or_default()
    }
}

/// manifest.json: what the archive holds and how to prove it unchanged.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub tool: &'static str,
    pub version: &'static str,
    pub year: i32,
    pub as_of: String,
    /// Local time, RFC 3339.
    pub created: String,
    /// The input folder as given on the command line.
    pub input: String,
    /// Whether 身份证号 and 联系电话 appear in full (--show-pii) in the archive's outputs.
    pub pii_shown: bool,
    pub counts: Counts,
    /// Every file of the archive but manifest.json, sorted by path.
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Serialize)]
pub struct Counts {
    /// Input files archived under 原始报表/.
    pub files: usize,
    pub branches: usize,
    /// Branches that returned usable material ([`crate::model::Returned::Yes`]).
    pub returned: usize,
    pub findings: FindingCounts,
    /// Rows of each normalised CSV under 记录/, by its name.
    pub records: BTreeMap<&'static str, usize>,
}

/// Findings by severity, keyed as findings.csv writes the severity.
#[derive(Debug, Serialize)]
pub struct FindingCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Input,
    Output,
}

#[derive(Debug, Serialize)]
pub struct ManifestFile {
    /// Relative to the archive, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub role: Role,
    /// For inputs: what the run made of the file.
    #[serde(flatten)]
    pub input: Option<InputFacts>,
}

#[derive(Debug, Serialize)]
pub struct InputFacts {
    /// Canonical branch name, 镇级名册 for the register, empty when unmatched.
    pub branch: String,
    pub rows: RowCounts,
}

#[derive(Debug, Default, Serialize)]
pub struct RowCounts {
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
}

/// Counts for the manifest, from the same analysis the outputs were written from, with the
/// rows of the `records` written from it.
pub fn counts(a: &Analysis, records: &[RecordFile]) -> Counts {
    let n = |s: Severity| a.findings.iter().filter(|f| f.severity == s).count();
    Counts {
        files: a.model.files.len(),
        branches: a.model.branches.len(),
        returned: a
            .overview
            .branches
            .iter()
            .filter(|b| b.returned == Returned::Yes)
            .count(),
        findings: FindingCounts {
            error: n(Severity::Error),
            warning: n(Severity::Warning),
            info: n(Severity::Info),
        },
        records: records.iter().map(|r| (r.kind, r.rows)).collect(),
    }
}

/// Rows of one input file, summed over its sheets.
pub fn row_counts(entry: &crate::model::FileEntry) -> RowCounts {
    entry
        .sheets
        .iter()
        .fold(RowCounts::default(), |t, s| RowCounts {
            read: t.read + u64::from(s.read),
            accepted: t.accepted + u64::from(s.accepted),
            rejected: t.rejected + u64::from(s.rejected),
        })
}

pub fn manifest_json(m: &Manifest) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(m).context("无法生成 manifest.json")?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 and size of bytes already in memory.
pub fn digest(bytes: &[u8]) -> (String, u64) {
    (hex(&Sha256::digest(bytes)), bytes.len() as u64)
}

/// Stream `from` into `to` (when given) while hashing, so that a large file is never held
/// whole in memory and the hash is of the very bytes written. Returns (SHA-256, size).
pub fn hash_stream(
    mut from: impl Read,
    mut to: Option<&mut dyn Write>,
) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
        if let Some(w) = to.as_mut() {
            w.write_all(&buf[..n])?;
        }
        total += n as u64;
    }
    Ok((hex(&h.finalize()), total))
}

/// What `--verify` reads back: the manifest's list, nothing more, so that fields added to
/// the manifest later do not break verification of older archives.
#[derive(Debug, Deserialize)]
struct Listing {
    files: Vec<Listed>,
}

#[derive(Debug, Deserialize)]
struct Listed {
    path: String,
    sha256: String,
    bytes: u64,
}

/// One disagreement between an archive and its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Listed, present, but its content differs (size or SHA-256).
    Changed(String),
    /// Listed, not present.
    Missing(String),
    /// Present, not listed.
    Extra(String),
    /// Present but could not be read, so it cannot be vouched for.
    Unreadable(String, String),
}

impl Problem {
    pub fn path(&self) -> &str {
        match self {
            Problem::Changed(p) | Problem::Missing(p) | Problem::Extra(p) => p,
            Problem::Unreadable(p, _) => p,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Changed(p) => write!(f, "已改动：{p}"),
            Problem::Missing(p) => write!(f, "缺失：{p}"),
            Problem::Extra(p) => write!(f, "多出：{p}"),
            Problem::Unreadable(p, why) => write!(f, "无法读取：{p}（{why}）"),
        }
    }
}

/// The outcome of verifying an archive whose manifest could be read.
#[derive(Debug)]
pub struct Verification {
    /// Files the manifest lists.
    pub listed: usize,
    /// Sorted by path.
    pub problems: Vec<Problem>,
}

/// A manifest path must stay inside the archive: a tampered manifest must not make the
/// verifier read files elsewhere on the machine.
fn is_archive_path(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Recompute every listed file's size and SHA-256 and look for files the manifest does not
/// list. `Err` only when there is nothing to verify against (no readable manifest).
pub fn verify(dir: &Path) -> Result<Verification> {
    if !dir.is_dir() {
        bail!(
            "归档文件夹 {} 不存在或不是文件夹",
            crate::text::shown::path(dir)
        );
    }
    let mpath = dir.join(MANIFEST);
    let text = match std::fs::read(&mpath) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{} 中没有 manifest.json：这不是 orglife 生成的归档，或校验清单已丢失，无法校验",
            crate::text::shown::path(dir)
        ),
        Err(e) => bail!(
            "无法读取 {}（{}），无法校验",
            crate::text::shown::path(&mpath),
            io_reason(&e)
        ),
    };
    let listing: Listing = serde_json::from_slice(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} 已损坏，无法解析（第 {} 行）：校验清单不可信，无法校验",
            crate::text::shown::path(&mpath),
            e.line()
        )
    })?;
    let mut listed: BTreeMap<&str, &Listed> = BTreeMap::new();
    for f in &listing.files {
        if !is_archive_path(&f.path) || f.path == MANIFEST {
            bail!(
                "{} 中的路径“{}”不是归档内的文件：校验清单已损坏，无法校验",
                crate::text::shown::path(&mpath),
                f.path
            );
        }
        listed.insert(&f.path, f);
    }
    let mut problems = Vec::new();
    for (path, f) in &listed {
        let full = dir.join(path);
        match std::fs::File::open(&full) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                problems.push(Problem::Missing(path.to_string()));
            }
            Err(e) => problems.push(Problem::Unreadable(path.to_string(), io_reason(&e))),
            Ok(file) => {
                if file.metadata().is_ok_and(|m| m.is_dir()) {
                    problems.push(Problem::Changed(path.to_string()));
                    continue;
                }
                match hash_stream(file, None) {
                    Ok((sha, bytes)) => {
                        if bytes != f.bytes || !sha.eq_ignore_ascii_case(&f.sha256) {
                            problems.push(Problem::Changed(path.to_string()));
                        }
                    }
                    Err(e) => problems.push(Problem::Unreadable(path.to_string(), io_reason(&e))),
                }
            }
        }
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().min_depth(1) {
        match entry {
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => {
                let rel = e.path().strip_prefix(dir).unwrap_or(e.path());
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if rel != MANIFEST && !listed.contains_key(rel.as_str()) {
                    problems.push(Problem::Extra(rel));
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let why = err
                    .io_error()
                    .map(io_reason)
                    .unwrap_or_else(|| err.to_string());
                problems.push(Problem::Unreadable(path, why));
            }
        }
    }
    problems.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(Verification {
        listed: listed.len(),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_paths_stay_inside() {
        assert!(is_archive_path("原始报表/红星村/台账.xlsx"));
        assert!(is_archive_path("汇总.xlsx"));
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "./a", "a\\..\\b"] {
            assert!(!is_archive_path(bad), "{bad}");
        }
    }

    #[test]
    fn hashing_a_stream_copies_it_exactly() {
        let data = vec![7u8; 200_000];
        let mut out = Vec::new();
        let (sha, n) = hash_stream(&data[..], Some(&mut out)).unwrap();
        assert_eq!(n, 200_000);
        assert_eq!(out, data);
        assert_eq!((sha, n), digest(&data));
        assert_eq!(
            digest(b"").0,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
