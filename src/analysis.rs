//! One run of the pipeline shared by `check`, `remind` and `archive`: load the campaign,
//! read the input folder (ingest), judge it (rules). Reports are written by the caller.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::campaign::{Campaign, DEFAULT_TOML};
use crate::finding::{Finding, sort_findings};
use crate::ingest::{self, PlainSheets, dates};
use crate::model::Model;
use crate::rules::{self, overview::Overview};

/// What a run reads and how: plain values, whatever face (the command line, a test) gave them.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The returns folder (or one file).
    pub input: PathBuf,
    /// `campaign.toml`; `None` is the embedded 2024 campaign.
    pub config: Option<PathBuf>,
    /// The township register, when not found in the input.
    pub register: Option<PathBuf>,
    /// `--as-of` as typed; `None` is `default_as_of`.
    pub as_of: Option<String>,
    pub default_as_of: NaiveDate,
    /// Reading threads; `None` is one per CPU.
    pub jobs: Option<usize>,
    /// Folders never read (the output folder, when it lies inside the input).
    pub exclude: Vec<PathBuf>,
    /// `--reply-by` as typed; `None` is three days after the as-of date.
    pub reply_by: Option<String>,
}

/// Everything a report needs.
pub struct Analysis {
    pub model: Model,
    /// Sorted by branch, then code.
    pub findings: Vec<Finding>,
    pub campaign: Campaign,
    /// The config text used (the file given, or the embedded default), for the archive.
    pub campaign_text: String,
    pub as_of: NaiveDate,
    pub input: PathBuf,
    /// Per-branch status and coverage, as the rules see them.
    pub overview: Overview,
    /// Which sheets a feedback copy can keep as they are.
    pub plain: PlainSheets,
    /// This check against the previous ones (empty until the command reads its history).
    pub progress: crate::history::Progress,
    /// The date notices ask branches to resubmit by.
    pub reply_by: NaiveDate,
}

/// The township in numbers, as the screen, 报告.html and the history all count it: the
/// register's branches, those that returned something readable (`model::Returned`), findings
/// by severity (the township-wide ones included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tally {
    pub registered: usize,
    pub returned: usize,
    /// Registered branches whose only files could not be read.
    pub unreadable: usize,
    /// Every branch, registered or known only from its returns (without a register).
    pub listed: usize,
    pub has_register_sheet: bool,
    /// 严重, 一般, 提示.
    pub severity: [usize; 3],
}

impl Analysis {
    pub fn tally(&self) -> Tally {
        let (model, overview) = (&self.model, &self.overview.branches);
        let state = |r: crate::model::Returned| {
            model
                .branches
                .iter()
                .zip(overview)
                .filter(|(b, o)| b.reg.is_some() && o.returned == r)
                .count()
        };
        let mut severity = [0; 3];
        for f in &self.findings {
            severity[f.severity as usize] += 1;
        }
        Tally {
            registered: model.branches.iter().filter(|b| b.reg.is_some()).count(),
            returned: state(crate::model::Returned::Yes),
            unreadable: state(crate::model::Returned::Unreadable),
            listed: model.branches.len(),
            has_register_sheet: model.register.has_branch_sheet,
            severity,
        }
    }
}

/// `--as-of` as a full date; any date form a branch may write is accepted.
pub fn parse_as_of(text: &str, year: i32) -> Result<NaiveDate> {
    match dates::parse_date_text(text, year) {
        Some(p) if p.value.precision == crate::model::Precision::Day && p.note.is_none() => {
            Ok(p.value.date)
        }
        _ => bail!("--as-of 的日期“{text}”无法识别，请写成 2024-08-31 的形式"),
    }
}

/// How many days a notice gives a branch to resubmit, unless `--reply-by` says otherwise.
pub const REPLY_DAYS: i64 = 3;

/// `--reply-by` as a date not before the as-of date; three days after it when not given.
fn reply_by(text: Option<&str>, as_of: NaiveDate, year: i32) -> Result<NaiveDate> {
    let Some(t) = text else {
        return Ok(as_of + chrono::Duration::days(REPLY_DAYS));
    };
    let d = match dates::parse_date_text(t, year) {
        Some(p) if p.value.precision == crate::model::Precision::Day && p.note.is_none() => {
            p.value.date
        }
        _ => bail!("--reply-by 的日期“{t}”无法识别，请写成 2024-09-13 的形式"),
    };
    if d < as_of {
        bail!("--reply-by 的日期 {d} 早于统计截止日 {as_of}；补报日期应在统计截止日之后");
    }
    Ok(d)
}

/// The name a campaign file has when it sits at the top of the input folder (SPEC §7): used
/// when `--config` is not given, and never read as a return.
pub const CONFIG_IN_INPUT: &str = "campaign.toml";

/// The `campaign.toml` at the top of the input folder, if there is one.
pub fn config_in_input(input: &Path) -> Option<PathBuf> {
    let p = input.join(CONFIG_IN_INPUT);
    (input.is_dir() && p.is_file()).then_some(p)
}

/// The campaign and its text: the file given, or the embedded default.
pub fn load_campaign(config: Option<&Path>) -> Result<(Campaign, String)> {
    Ok(match config {
        Some(p) => Campaign::load_with_text(p)?,
        None => (Campaign::embedded(), DEFAULT_TOML.to_string()),
    })
}

/// Read and judge the input.
pub fn analyse(args: &Options, stages: &mut Stages) -> Result<Analysis> {
    let (campaign, campaign_text) = load_campaign(args.config.as_deref())?;
    let as_of = match &args.as_of {
        Some(t) => parse_as_of(t, campaign.year)?,
        None => args.default_as_of,
    };
    if let Some(w) = campaign.as_of_warning(as_of, args.as_of.is_some()) {
        eprintln!("{w}");
    }
    let reply_by = reply_by(args.reply_by.as_deref(), as_of, campaign.year)?;
    if !args.input.exists() {
        bail!(
            "输入文件夹 {} 不存在；请检查路径",
            crate::text::shown::path(&args.input)
        );
    }
    if let Some(r) = &args.register
        && !r.is_file()
    {
        bail!(
            "--register 指定的名册 {} 不存在",
            crate::text::shown::path(r)
        );
    }
    // One pool for the whole run, reading and writing (the feedback workbooks are written on
    // it too), sized by --jobs. The first analysis of a process sizes it (the CLI runs one;
    // tests run several, and may have used rayon's default pool already).
    static POOL: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let sized = POOL.get_or_init(|| {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(args.jobs.unwrap_or(0))
            .build_global()
        {
            Err(e) if !e.to_string().contains("already") => Err(e.to_string()),
            _ => Ok(()),
        }
    });
    if let Err(e) = sized {
        bail!("无法启动读取线程：{e}");
    }
    let progress = progress_bar();
    let tick = || progress.inc(1);
    let found = |n: usize| progress.set_length(n as u64);
    // The campaign file at the top of the input, and the one given, are configuration, not
    // returns, whichever config the run uses.
    let mut exclude = args.exclude.clone();
    exclude.extend(config_in_input(&args.input));
    exclude.extend(args.config.clone());
    exclude.extend(campaign.notice_path.clone());
    let opts = ingest::Options {
        input: &args.input,
        register: args.register.as_deref(),
        exclude,
        as_of,
        campaign: &campaign,
        on_found: &found,
        on_file: &tick,
    };
    let ingest::Ingested {
        model,
        mut findings,
        plain,
    } = ingest::ingest(&opts);
    progress.finish_and_clear();
    stages.lap("读取");
    no_returns_at_all(&args.input, &model)?;
    let cx = rules::Ctx::new(&model, &campaign, as_of);
    findings.extend(rules::judge_in(&cx));
    rules::settle(&campaign, &mut findings);
    sort_findings(&mut findings);
    let overview = rules::overview::overview(&cx, &findings);
    drop(cx);
    stages.lap("规则");
    Ok(Analysis {
        model,
        findings,
        campaign,
        campaign_text,
        as_of,
        input: args.input.clone(),
        overview,
        plain,
        progress: Default::default(),
        reply_by,
    })
}

/// Wall time per stage, printed to stderr when ORGLIFE_TIMINGS is set (for benchmarks).
pub struct Stages {
    /// ORGLIFE_TIMINGS is set: only then are laps measured and printed.
    on: bool,
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration, Option<u64>)>,
}

impl Default for Stages {
    fn default() -> Self {
        Stages {
            on: std::env::var_os("ORGLIFE_TIMINGS").is_some(),
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }
}

impl Stages {
    pub fn lap(&mut self, name: &'static str) {
        if !self.on {
            return;
        }
        let now = std::time::Instant::now();
        self.laps.push((name, now - self.last, peak_rss_mib()));
        self.last = now;
    }

    /// A part of the last lap measured on its own (one of two outputs written side by side).
    pub fn part(&mut self, name: &'static str, took: std::time::Duration) {
        if self.on {
            self.laps.push((name, took, None));
        }
    }

    pub fn report(&self) {
        if self.on {
            let parts: Vec<String> = self
                .laps
                .iter()
                .map(|(n, d, rss)| match rss {
                    Some(m) => format!("{n} {:.3}s（峰值内存 {m} MiB）", d.as_secs_f64()),
                    None => format!("{n} {:.3}s", d.as_secs_f64()),
                })
                .collect();
            eprintln!("用时：{}", parts.join("，"));
        }
    }
}

/// Peak resident memory so far (Linux `VmHWM`), for the benchmark's split by stage.
fn peak_rss_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024)
}

/// A bar on stderr when it is a terminal; silent otherwise (logs, pipes, tests).
fn progress_bar() -> ProgressBar {
    use std::io::IsTerminal;
    let pb = ProgressBar::no_length();
    if std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::stderr());
        let style =
            ProgressStyle::with_template("读取报表 [{bar:30}] {pos}/{len} 个文件 用时 {elapsed}")
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        pb.set_style(style);
    } else {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb
}

/// Before anything is written into `out`: refuse when it holds, under the names orglife
/// writes, files orglife did not write (a clerk's own 汇总.xlsx, notes put into 反馈/, which a
/// new check would replace or delete), and say on screen when earlier outputs are replaced.
pub fn guard_out(out: &Path) -> Result<()> {
    use crate::ingest::own_outputs::{findings_csv, marked, report_html};
    use crate::model::outputs::{FINDINGS_CSV, REMINDERS, REPORT_HTML, SUMMARY};
    if !out.is_dir() {
        return Ok(());
    }
    let ours_csv = findings_csv(&out.join(FINDINGS_CSV));
    let mut earlier: Vec<&str> = Vec::new();
    for name in [SUMMARY, FINDINGS_CSV, REMINDERS, REPORT_HTML] {
        let p = out.join(name);
        if !p.exists() {
            continue;
        }
        // A 汇总.xlsx from before the marker existed is known by the findings.csv beside it.
        let ours = match name {
            FINDINGS_CSV => ours_csv,
            SUMMARY => marked(&p) || ours_csv,
            REPORT_HTML => report_html(&p),
            _ => marked(&p),
        };
        if !ours {
            bail!(
                "{} 不是 orglife 写出的文件，为免覆盖，本次没有写出任何结果；请换一个 --out 文件夹，或先把该文件移走",
                crate::text::shown::path(&p)
            );
        }
        earlier.push(name);
    }
    for (dir, ext) in [("反馈", "xlsx"), ("催办", "txt")] {
        let d = out.join(dir);
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let ok = p.is_file() && p.extension().is_some_and(|x| x == ext);
            if !ok {
                bail!(
                    "{dir}/ 中的“{}”不是 orglife 写出的；重新检查会整个替换 {dir}/，为免删掉它，本次没有写出任何结果；请把它移到别处后重试，或换一个 --out 文件夹",
                    e.file_name().to_string_lossy()
                );
            }
        }
        earlier.push(dir);
    }
    if !earlier.is_empty() {
        println!(
            "将替换 {} 中上一次写出的结果（{}）",
            crate::text::shown::path(out),
            earlier.join("、")
        );
    }
    Ok(())
}

/// A folder with no spreadsheet at all (empty, or only Word and PDF files) is the wrong
/// folder, not a township where nobody returned: exit 2 naming what is there instead.
fn no_returns_at_all(input: &Path, model: &crate::model::Model) -> Result<()> {
    let ext = |p: &str| {
        p.rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default()
    };
    if model
        .files
        .iter()
        .any(|f| ingest::SHEET_EXTS.contains(&ext(&f.path).as_str()))
    {
        return Ok(());
    }
    let mut kinds: std::collections::BTreeMap<String, usize> = Default::default();
    for f in &model.files {
        let e = ext(&f.path);
        *kinds
            .entry(if e.is_empty() {
                "无扩展名".to_string()
            } else {
                format!(".{e}")
            })
            .or_default() += 1;
    }
    let found = if kinds.is_empty() {
        "文件夹是空的".to_string()
    } else {
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} 个 {k}")).collect();
        format!("只找到 {}", list.join("、"))
    };
    bail!(
        "文件夹里没有找到任何报表（Excel/WPS 表格 .xlsx .xls .et .ods 或 .csv）：{} {found}；请确认选对了文件夹",
        crate::text::shown::path(input)
    )
}
