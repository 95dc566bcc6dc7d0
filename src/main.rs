//! Entry point: parse the command line, run the subcommand, map the outcome to an exit code
//! (0 done, 1 with --strict when 严重 findings exist, 2 usage/config/output errors, 3 an
//! internal error: a panic that escaped, reported in one Chinese line with its details in a
//! file).

use std::process::ExitCode;

use clap::Parser;
use orglife::cli::{Cli, Command, dropped_folder, usage_error};
use orglife::cmd::{self, desktop};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_transparent_huge_pages();
    // Panics are caught per file during ingest and reported as findings; never print a Rust
    // backtrace at the user. The hook only remembers the last one, for the report below.
    std::panic::set_hook(Box::new(|info| {
        let bt = std::backtrace::Backtrace::force_capture();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{info}\n\n{bt}"));
        }
    }));
    let console = desktop::Console::attach();
    let code = run(&console);
    // A window of our own (a double-click or a drop on Windows) closes when we exit: keep it
    // until the clerk has read the result or the error.
    console.pause_if_own();
    code
}

fn run(console: &desktop::Console) -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // Double-clicked (a window of our own, someone at it) with nothing dropped: help, and a
    // folder picker instead of a usage error that the closing window would take away.
    if args.len() == 1 && console.own() && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        match desktop::ask_for_folder() {
            Some(folder) => args.push(folder.into_os_string()),
            None => return ExitCode::SUCCESS,
        }
    }
    let (args, dropped) = dropped_folder(args);
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if dropped.is_some() && e.kind() == ErrorKind::UnknownArgument {
                // Several folders dropped on the icon at once arrive as several arguments.
                eprintln!(
                    "orglife：一次只能检查一个文件夹，请把各支部的报表放进同一个文件夹后再拖入。"
                );
            } else {
                eprintln!("{}", usage_error(&e));
            }
            return ExitCode::from(2);
        }
    };
    // A panic that escapes the command (a defect: rules, reports, feedback) ends the run with
    // one line; outputs are written through temp files, so none is left half-written.
    let result = std::panic::catch_unwind(|| match cli.command {
        Command::Check(args) => match dropped {
            Some(mode) => desktop::run_dropped(args, mode),
            None => cmd::check::run(&args),
        },
        Command::Remind(args) => cmd::remind::run(&args),
        Command::Archive(args) => cmd::archive::run(&args),
        Command::Template(args) => cmd::template::run(&args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Rules(args) => cmd::rules::run(&args),
        Command::History(args) => cmd::history::run(&args),
    });
    match result {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            eprintln!("orglife：{e:#}");
            ExitCode::from(2)
        }
        Err(_) => {
            let details = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut l| l.take())
                .unwrap_or_default();
            let where_ = match write_report(&details) {
                Ok(path) => format!(
                    "详细信息已写入 {}，请把该文件发给维护人员",
                    orglife::text::shown::path(&path)
                ),
                Err(_) => "详细信息无法写入临时文件夹".to_string(),
            };
            eprintln!(
                "orglife 内部出错（程序缺陷，不是报表的问题），本次运行已中止，之前的输出保持原样；{where_}。"
            );
            ExitCode::from(INTERNAL_ERROR)
        }
    }
}

/// The exit status of a run ended by an internal error (documented in the README).
const INTERNAL_ERROR: u8 = 3;

/// The last panic's message, place and backtrace (the hook fills it; only an escaped one is
/// reported).
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Write the details of an internal error to the temp folder; returns the file.
fn write_report(details: &str) -> std::io::Result<std::path::PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let path = std::env::temp_dir().join(format!("orglife-错误报告-{stamp}.txt"));
    let args: Vec<String> = std::env::args().collect();
    let text = format!(
        "orglife {} 内部错误报告\n命令行：{}\n\n{details}\n",
        env!("CARGO_PKG_VERSION"),
        args.join(" ")
    );
    std::fs::write(&path, text)?;
    Ok(path)
}

/// mimalloc asks Linux for transparent huge pages on its arenas; a 2 MiB page is then resident
/// whole however little of it the model uses, which cost a tenth of the peak memory of a large
/// run and no measurable speed. This is mimalloc's own `allow_thp=0`, which it can only read
/// from the environment before `main`, so it is set here on the process (checked at each page
/// fault, so it covers the arena mimalloc reserved already). Best effort: an older kernel says
/// no and nothing changes.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}
