//! Entry point: parse the command line, run the subcommand, map the outcome to an exit code
//! (0 done, 1 with --strict when 严重 findings exist, 2 usage/config/output errors).

use std::process::ExitCode;

use clap::Parser;
use orglife::cli::{Cli, Command, usage_error};
use orglife::cmd;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_transparent_huge_pages();
    // Panics are caught per file during ingest and reported as findings; never print a Rust
    // backtrace at the user.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            eprintln!("{}", usage_error(&e));
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(&args),
        Command::Remind(args) => cmd::remind::run(&args),
        Command::Archive(args) => cmd::archive::run(&args),
        Command::Template(args) => cmd::template::run(&args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Rules(args) => cmd::rules::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("orglife：{e:#}");
            ExitCode::from(2)
        }
    }
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
