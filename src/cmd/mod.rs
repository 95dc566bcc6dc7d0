//! One module per subcommand. Each `run` returns the exit code, or an operational error
//! (bad config, unwritable output) that `main` prints as one line with exit 2.

pub mod archive;
pub mod check;
pub mod desktop;
pub mod history;
pub mod init;
pub mod remind;
pub mod rounds;
pub mod rules;
pub mod template;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;

use crate::analysis::{self, Analysis, Stages, analyse};
use crate::cli::{InputArgs, RoundArgs};
use crate::report::mask::Pii;

/// The run the command line asks for. `out` is never read as input; `default_as_of` applies
/// when `--as-of` is not given.
pub fn options(args: &InputArgs, out: &Path, default_as_of: NaiveDate) -> analysis::Options {
    analysis::Options {
        input: args.input.clone(),
        config: config(&args.input, args.config.as_ref()),
        register: args.register.clone(),
        as_of: args.as_of.clone(),
        default_as_of,
        jobs: args.jobs,
        exclude: vec![out.to_path_buf()],
        reply_by: None,
    }
}

/// The campaign file of a run: `--config` when given, else the input folder's own
/// `campaign.toml` (said on screen, so that the clerk knows which campaign was checked).
pub fn config(input: &Path, given: Option<&PathBuf>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.clone());
    }
    let found = analysis::config_in_input(input)?;
    println!(
        "使用输入文件夹中的活动配置 {}（不用它时请用 --config 指定其他配置文件）",
        crate::text::shown::path(&found)
    );
    Some(found)
}

/// What `check` and `remind` share: read and judge the input as of today (unless `--as-of`),
/// compare it with the previous check (unless `--no-history`), then make the output folder.
pub fn analyse_into(
    args: &InputArgs,
    round: &RoundArgs,
    out: &Path,
    stages: &mut Stages,
) -> Result<rounds::Run> {
    crate::analysis::guard_out(out)?;
    let today = chrono::Local::now().date_naive();
    let mut options = options(args, out, today);
    options.reply_by = round.reply_by.clone();
    let mut a = analyse(&options, stages)?;
    let history = rounds::begin(&rounds::place(round), &mut a);
    stages.lap("与上次比较");
    // Only once the input is known to be there, so that a typo leaves no empty folder.
    std::fs::create_dir_all(out).with_context(|| {
        format!(
            "无法创建输出文件夹 {}（没有权限或路径有误）",
            crate::text::shown::path(out)
        )
    })?;
    Ok(rounds::Run {
        a,
        pii: Pii {
            show: args.show_pii,
        },
        history,
    })
}

/// One line per folder of orglife's own outputs found in the input and skipped (SPEC §8).
pub fn print_skipped(a: &Analysis) {
    for s in &a.model.skipped {
        let on_screen = crate::model::outputs::Skipped {
            path: crate::text::shown::rel(&s.path),
            what: s.what,
        };
        println!("  {}", on_screen.note());
    }
}

/// Notices end with the office's contact line; one without a number gives a branch nobody to
/// call (the embedded 2024 campaign cannot know the township's phone).
pub fn hint_contact(a: &Analysis, sent: &[crate::report::remind::Sent]) {
    if !sent.is_empty() && !a.campaign.contact.chars().any(|c| c.is_ascii_digit()) {
        println!(
            "  提醒：催办通知末尾的联系方式“{}”没有电话号码；请在活动配置 campaign.toml 的 contact 中写上组织办的电话（orglife init 可写出配置文件）",
            a.campaign.contact
        );
    }
}
