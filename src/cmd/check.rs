//! `orglife check`: read the input folder, then write findings.csv and 汇总.xlsx into --out.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::campaign::Campaign;
use crate::cli::CheckArgs;
use crate::finding::{Finding, Severity, sort_findings};
use crate::ingest::{self, Options, dates};
use crate::model::Model;
use crate::report::{atomic::write_atomic, findings_csv, summary};
use crate::rules;

/// `--as-of` as a full date; any date form a branch may write is accepted.
pub fn parse_as_of(text: &str, year: i32) -> Result<NaiveDate> {
    match dates::parse_date_text(text, year) {
        Some(p) if p.value.precision == dates::Precision::Day && p.note.is_none() => {
            Ok(p.value.date)
        }
        _ => bail!("--as-of 的日期“{text}”无法识别，请写成 2024-08-31 的形式"),
    }
}

pub fn load_campaign(config: Option<&Path>) -> Result<Campaign> {
    Ok(match config {
        Some(p) => Campaign::load(p)?,
        None => Campaign::embedded(),
    })
}

pub fn run(args: &CheckArgs) -> Result<u8> {
    let campaign = load_campaign(args.config.as_deref())?;
    let as_of = match &args.as_of {
        Some(t) => parse_as_of(t, campaign.year)?,
        None => chrono::Local::now().date_naive(),
    };
    if !args.input.exists() {
        bail!("输入文件夹 {} 不存在；请检查路径", args.input.display());
    }
    if let Some(r) = &args.register
        && !r.is_file()
    {
        bail!("--register 指定的名册 {} 不存在", r.display());
    }
    std::fs::create_dir_all(&args.out).with_context(|| {
        format!(
            "无法创建输出文件夹 {}（没有权限或路径有误）",
            args.out.display()
        )
    })?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| anyhow!("无法启动读取线程：{e}"))?;
    let progress = progress_bar();
    let tick = || progress.inc(1);
    let found = |n: usize| progress.set_length(n as u64);
    let opts = Options {
        input: &args.input,
        register: args.register.as_deref(),
        exclude: vec![args.out.clone()],
        as_of,
        campaign: &campaign,
        on_found: &found,
        on_file: &tick,
    };
    let mut clock = Stages::start();
    let (model, mut findings) = pool.install(|| ingest::ingest(&opts));
    progress.finish_and_clear();
    clock.lap("读取");
    findings.extend(rules::judge(&model, &campaign, as_of));
    sort_findings(&mut findings);
    clock.lap("规则");

    let csv_path = args.out.join("findings.csv");
    write_atomic(&csv_path, &findings_csv::render(&findings))?;
    clock.lap("findings.csv");
    let xlsx_path = args.out.join("汇总.xlsx");
    let xlsx = summary::render(&model).map_err(|e| anyhow!("生成汇总表失败：{e}"))?;
    write_atomic(&xlsx_path, &xlsx)?;
    clock.lap("汇总.xlsx");
    clock.report();

    print_summary(&model, &findings, as_of, &[csv_path, xlsx_path]);
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    Ok(if args.strict && has_error { 1 } else { 0 })
}

/// Wall time per stage, printed to stderr when ORGLIFE_TIMINGS is set (for benchmarks).
struct Stages {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Stages {
    fn start() -> Self {
        Stages {
            last: std::time::Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }

    fn report(&self) {
        if std::env::var_os("ORGLIFE_TIMINGS").is_some() {
            let parts: Vec<String> = self
                .laps
                .iter()
                .map(|(n, d)| format!("{n} {:.3}s", d.as_secs_f64()))
                .collect();
            eprintln!("用时：{}", parts.join("，"));
        }
    }
}

fn progress_bar() -> ProgressBar {
    use std::io::IsTerminal;
    let pb = ProgressBar::no_length();
    if std::io::stderr().is_terminal() {
        pb.set_draw_target(ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("读取报表 {pos} 个文件 {spinner} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
    } else {
        pb.set_draw_target(ProgressDrawTarget::hidden());
    }
    pb
}

fn print_summary(model: &Model, findings: &[Finding], as_of: NaiveDate, outputs: &[PathBuf]) {
    let sheets: usize = model
        .files
        .iter()
        .map(|f| f.sheets.iter().filter(|s| s.kind.is_some()).count())
        .sum();
    let (read, accepted, rejected) =
        model
            .files
            .iter()
            .flat_map(|f| &f.sheets)
            .fold((0, 0, 0), |a, s| {
                (
                    a.0 + s.read as u64,
                    a.1 + s.accepted as u64,
                    a.2 + s.rejected as u64,
                )
            });
    let unreadable = findings.iter().filter(|f| f.code == "S002").count();
    let unmatched = findings.iter().filter(|f| f.code == "S003").count();
    let registered = model.branches.iter().filter(|b| b.reg.is_some()).count();
    let returned = model
        .branches
        .iter()
        .filter(|b| b.reg.is_some() && b.returned())
        .count();
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    println!("orglife 检查完成（统计截止 {}）", as_of.format("%Y-%m-%d"));
    println!(
        "  读取文件 {} 个：工作表 {sheets} 张，数据 {read} 行（接收 {accepted}，退回 {rejected}）",
        model.files.len()
    );
    if registered > 0 {
        println!(
            "  名册支部 {registered} 个：已报送 {returned}，未报送 {}",
            registered - returned
        );
    } else {
        println!(
            "  未找到支部名册：按报送材料自带的支部名称汇总（{} 个）",
            model.branches.len()
        );
    }
    if unreadable + unmatched > 0 {
        println!("  无法读取的文件 {unreadable} 个，对不上支部的材料 {unmatched} 份");
    }
    println!(
        "  发现问题 {} 条：严重 {} · 一般 {} · 提示 {}",
        findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    let shown: Vec<String> = outputs.iter().map(|p| p.display().to_string()).collect();
    println!("  输出：{}", shown.join("、"));
}
