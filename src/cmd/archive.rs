//! `orglife archive`: the year's returns copied byte for byte, with the summary, findings,
//! normalised records, the config used and a manifest of SHA-256s; `--verify` re-checks one.

use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;

use crate::analysis::{self, Analysis, Stages, analyse};
use crate::campaign::io_reason;
use crate::cli::ArchiveArgs;
use crate::model::FileEntry;
use crate::report::archive::{
    self as arch, InputFacts, MANIFEST, Manifest, ManifestFile, ORIGINALS, RECORDS, Role,
};
use crate::report::{findings_csv, mask::Pii, summary};

const HINT: &str = "运行 orglife archive --help 查看用法。";

pub fn run(args: &ArchiveArgs) -> Result<u8> {
    match &args.verify {
        Some(dir) => verify(args, dir),
        None => build(args),
    }
}

/// `--verify DIR`: exit 0 when every listed file is as recorded and nothing was added, 1
/// after listing every disagreement, 2 (an `Err`) when there is no manifest to trust.
fn verify(args: &ArchiveArgs, dir: &Path) -> Result<u8> {
    let extra: Vec<&str> = [
        (args.input.is_some(), "输入文件夹"),
        (args.year.is_some(), "--year"),
        (args.out.is_some(), "--out"),
        (args.config.is_some(), "--config"),
        (args.register.is_some(), "--register"),
        (args.as_of.is_some(), "--as-of"),
        (args.jobs.is_some(), "--jobs"),
        (args.show_pii, "--show-pii"),
    ]
    .into_iter()
    .filter_map(|(given, name)| given.then_some(name))
    .collect();
    if !extra.is_empty() {
        bail!(
            "--verify 只需要归档文件夹，不能同时给出 {}。{HINT}",
            extra.join("、")
        );
    }
    let v = arch::verify(dir)?;
    for p in &v.problems {
        println!("{p}");
    }
    if v.problems.is_empty() {
        println!("归档完好：共 {} 个文件，校验一致", v.listed);
        Ok(0)
    } else {
        println!("归档有 {} 处不一致", v.problems.len());
        Ok(1)
    }
}

fn build(args: &ArchiveArgs) -> Result<u8> {
    let Some(input) = &args.input else {
        bail!("缺少输入文件夹：orglife archive <输入文件夹> --year 年度 --out 归档文件夹。{HINT}");
    };
    let Some(year) = args.year else {
        bail!("缺少 --year（归档年度，如 --year 2024）。{HINT}");
    };
    let Some(out) = &args.out else {
        bail!("缺少 --out（归档文件夹，须为新的或空的文件夹）。{HINT}");
    };
    // The same bounds the campaign config accepts for its year.
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31)
        .filter(|_| (2000..=2100).contains(&year))
        .ok_or_else(|| anyhow!("--year 的值“{year}”不是合理的年度（如 2024）。{HINT}"))?;
    // Checked before the (long) analysis, and again by the final rename.
    refuse_existing(out)?;

    let mut stages = Stages::default();
    let today = chrono::Local::now().date_naive();
    let options = analysis::Options {
        input: input.clone(),
        config: super::config(input, args.config.as_ref()),
        register: args.register.clone(),
        as_of: args.as_of.clone(),
        default_as_of: today.min(year_end),
        jobs: args.jobs,
        exclude: vec![out.clone()],
        reply_by: None,
    };
    let a = analyse(&options, &mut stages)?;
    if a.campaign.year != year {
        eprintln!(
            "orglife：注意：归档年度 {year} 与活动配置的年度 {} 不同，请确认 --year 和 --config",
            a.campaign.year
        );
    }
    let pii = Pii {
        show: args.show_pii,
    };
    let places = placements(&a, input, args.register.as_deref())?;

    // Everything is built in a hidden folder beside DIR and renamed into place at the end:
    // a failed or killed run leaves no half archive at DIR (and the temporary folder is
    // removed on error, when it is dropped).
    let parent = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| {
        anyhow!(
            "无法创建归档文件夹所在的 {}（{}）",
            crate::text::shown::path(&parent),
            io_reason(&e)
        )
    })?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "archive".to_string());
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}-"))
        .tempdir_in(&parent)
        .map_err(|e| {
            anyhow!(
                "无法在 {} 中建立归档（{}）",
                crate::text::shown::path(&parent),
                io_reason(&e)
            )
        })?;
    let mut staging = Staging {
        root: tmp.path(),
        files: Vec::new(),
    };
    for (entry, place) in a.model.files.iter().zip(&places) {
        staging.copy_input(&place.src, &place.rel, entry)?;
    }
    stages.lap("原始报表");
    staging.put("findings.csv", &findings_csv::render(&a.findings, pii))?;
    let xlsx = summary::render(&a, pii).map_err(|e| anyhow!("生成汇总表失败：{e}"))?;
    staging.put("汇总.xlsx", &xlsx)?;
    stages.lap("汇总");
    let sources: Vec<String> = places.iter().map(|p| p.shown.clone()).collect();
    let records = arch::records(&a, pii, &sources);
    for r in &records {
        staging.put(&format!("{RECORDS}/{}.csv", r.kind), &r.bytes)?;
    }
    staging.put("campaign.toml", a.campaign_text.as_bytes())?;
    stages.lap("记录");

    let mut files = staging.files;
    files.sort_by(|x, y| x.path.cmp(&y.path));
    let total = files.len();
    let manifest = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        year,
        as_of: a.as_of.format("%Y-%m-%d").to_string(),
        created: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        input: input.display().to_string(),
        pii_shown: args.show_pii,
        counts: arch::counts(&a, &records),
        files,
    };
    write_synced(&tmp.path().join(MANIFEST), &arch::manifest_json(&manifest)?)?;
    // A temporary folder is private (0700); the archive is an ordinary folder.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755));
    }
    let staged = tmp.keep();
    if let Err(e) = move_into_place(&staged, out) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e);
    }
    stages.lap("归档");
    stages.report();
    print_summary(&a, &manifest.counts, out, year, total);
    Ok(0)
}

fn print_summary(a: &Analysis, c: &arch::Counts, out: &Path, year: i32, total: usize) {
    println!(
        "orglife 归档完成（{year} 年度，统计截止 {}）",
        a.as_of.format("%Y-%m-%d")
    );
    println!(
        "  原始报表 {} 个文件；汇总.xlsx、findings.csv、{RECORDS}/ {} 张记录表、campaign.toml；共 {total} 个文件，SHA-256 记入 {MANIFEST}",
        c.files,
        c.records.len()
    );
    super::print_skipped(a);
    println!(
        "  支部 {} 个（已报送 {}），发现问题：严重 {} · 一般 {} · 提示 {}",
        c.branches, c.returned, c.findings.error, c.findings.warning, c.findings.info
    );
    println!("  归档文件夹：{}", crate::text::shown::path(out));
    println!(
        "  日后核对：orglife archive --verify {}",
        crate::text::shown::path(out)
    );
}

/// An archive is never overwritten: DIR must not exist, or be an empty folder.
fn refuse_existing(out: &Path) -> Result<()> {
    if out.exists() && !out.is_dir() {
        bail!(
            "{} 已存在且不是文件夹：归档从不覆盖，请用 --out 指定一个新的文件夹",
            crate::text::shown::path(out)
        );
    }
    match std::fs::read_dir(out) {
        Ok(mut it) => {
            if it.next().is_some() {
                bail!(
                    "归档文件夹 {} 已存在且不为空：归档从不覆盖，请用 --out 指定一个新的文件夹",
                    crate::text::shown::path(out)
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => bail!(
            "无法查看归档文件夹 {}（{}）",
            crate::text::shown::path(out),
            io_reason(&e)
        ),
    }
}

/// Rename the finished archive to DIR. POSIX renames over an empty folder atomically and
/// refuses a non-empty one; Windows refuses both, so an empty DIR is removed first there.
fn move_into_place(staged: &Path, out: &Path) -> Result<()> {
    let Err(first) = std::fs::rename(staged, out) else {
        return Ok(());
    };
    let empty = std::fs::read_dir(out).is_ok_and(|mut it| it.next().is_none());
    if empty && std::fs::remove_dir(out).is_ok() && std::fs::rename(staged, out).is_ok() {
        return Ok(());
    }
    refuse_existing(out)?;
    bail!(
        "无法把归档移到 {}（{}）",
        crate::text::shown::path(out),
        io_reason(&first)
    )
}

/// Where an input file is read from and where it goes in the archive.
struct Placement {
    src: PathBuf,
    /// Relative to the archive: `原始报表/<path>`.
    rel: String,
    /// Relative to 原始报表/, as the records' 来源文件 column names it.
    shown: String,
}

/// Inputs keep their path under 原始报表/; a --register file from outside the input folder
/// (the model names it by the path as given) goes to 原始报表/名册/<file name>.
fn placements(a: &Analysis, input: &Path, register: Option<&Path>) -> Result<Vec<Placement>> {
    let mut out: Vec<Placement> = Vec::with_capacity(a.model.files.len());
    for entry in &a.model.files {
        let outside = register.filter(|r| is_outside_register(entry, input, r));
        let (src, shown) = match outside {
            Some(r) => {
                let file = r
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .ok_or_else(|| {
                        anyhow!("--register 指定的 {} 不是文件", crate::text::shown::path(r))
                    })?;
                (r.to_path_buf(), format!("名册/{file}"))
            }
            None => (entry.source_in(input), entry.path.clone()),
        };
        if out.iter().any(|p| p.shown == shown) {
            bail!(
                "输入文件夹中已有 {shown}，与 --register 指定的名册重名；请把其中一个改名后再归档"
            );
        }
        out.push(Placement {
            src,
            rel: format!("{ORIGINALS}/{shown}"),
            shown,
        });
    }
    Ok(out)
}

/// Ingest lists a --register file it did not find under the input folder by the path as
/// given; a file it did find has a plain relative path that leads to the register.
fn is_outside_register(entry: &FileEntry, input: &Path, register: &Path) -> bool {
    if entry.path != register.display().to_string() {
        return false;
    }
    let plain = Path::new(&entry.path)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    let found_inside = plain && same_file(&entry.source_in(input), register);
    !found_inside
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The archive being built, and the manifest entries of what is in it so far.
struct Staging<'a> {
    root: &'a Path,
    files: Vec<ManifestFile>,
}

impl Staging<'_> {
    fn target(&self, rel: &str) -> Result<PathBuf> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow!("无法建立归档中的文件夹 {rel}（{}）", io_reason(&e)))?;
        }
        Ok(path)
    }

    /// An output, hashed from the bytes written.
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_synced(&self.target(rel)?, bytes)?;
        let (sha256, n) = arch::digest(bytes);
        self.files.push(ManifestFile {
            path: rel.to_string(),
            sha256,
            bytes: n,
            role: Role::Output,
            input: None,
        });
        Ok(())
    }

    /// An input, copied byte for byte and hashed as it is copied. The hash must be the one
    /// ingest saw: otherwise the file changed after it was judged, and the summary beside it
    /// would describe other bytes than the ones archived.
    fn copy_input(&mut self, src: &Path, rel: &str, entry: &FileEntry) -> Result<()> {
        let fail = |e: std::io::Error| {
            anyhow!(
                "无法把输入文件 {} 复制进归档（{}），归档未生成",
                entry.path,
                io_reason(&e)
            )
        };
        let from = File::open(src).map_err(fail)?;
        let modified = from.metadata().and_then(|m| m.modified()).ok();
        let dst = self.target(rel)?;
        let mut to = File::create(&dst).map_err(fail)?;
        let (sha256, bytes) = arch::hash_stream(from, Some(&mut to)).map_err(fail)?;
        // Keeping the modification time keeps S006's tie-break (the later file wins) the same
        // when the archive's 原始报表 is checked again; a filesystem that cannot store it still
        // holds the right bytes.
        if let Some(t) = modified {
            let _ = to.set_modified(t);
        }
        to.sync_all().map_err(fail)?;
        if !entry.sha256.is_empty() && !sha256.eq_ignore_ascii_case(&entry.sha256) {
            bail!(
                "输入文件 {} 在归档过程中被改动（可能正被编辑或同步），归档未生成；请稍后重新归档",
                entry.path
            );
        }
        self.files.push(ManifestFile {
            path: rel.to_string(),
            sha256,
            bytes,
            role: Role::Input,
            input: Some(InputFacts {
                branch: entry.branch.clone(),
                rows: arch::row_counts(entry),
            }),
        });
        Ok(())
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = crate::text::shown::path(path);
    File::create(path)
        .and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        })
        .map_err(|e| anyhow!("写入 {shown} 失败（{}）", io_reason(&e)))
}
