//! The command line (clap derive), in Chinese: one variant per subcommand, with examples.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{ArgAction, Args, Parser, Subcommand};

const HELP_TEMPLATE: &str = "\
{before-help}{about}

用法：{usage}

{all-args}{after-help}";

const EXAMPLES: &str = "\
示例：
  orglife 报表文件夹                          同 check，结果写到报表文件夹旁边的“报表文件夹-检查结果-日期”，并打开报告
  orglife check 报表文件夹                    检查文件夹中的全部报表，结果写入 out/
  orglife check 报表 --as-of 2024-08-31       按 8 月 31 日的进度检查
  orglife check 报表 --register 名册.xlsx     指定镇级支部名册
  orglife check 报表 --reply-by 2024-09-13    催办通知要求 9 月 13 日前补报
  orglife history 报表                        列出历次检查：新发现多少、已改正多少
  orglife archive 报表 --year 2024 --out 归档 年度归档：原始报表、汇总、记录和校验清单
  orglife archive --verify 归档               核对归档是否完好（有无改动、缺失、多出）
  orglife template --out 模板                 写出支部报表模板和镇级名册模板（带下拉选项和填表说明）
  orglife init                                写出默认活动配置 campaign.toml，按需修改
  orglife init --preset 民主评议              写出年度组织生活会和民主评议党员的配置，改日期后使用
  orglife rules C001                          查看问题代码 C001 的说明和通知依据
";

#[derive(Debug, Parser)]
#[command(
    name = "orglife",
    version,
    about = "orglife：基层党支部专题组织生活会报表汇总检查工具（镇党委组织办用）",
    after_help = EXAMPLES,
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    subcommand_value_name = "命令"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true, help_heading = "选项")]
    help: Option<bool>,
    /// 显示版本
    #[arg(short = 'V', long = "version", action = ArgAction::Version, help_heading = "选项")]
    version: Option<bool>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 检查文件夹中全部支部报表，生成问题清单 findings.csv 和汇总表 汇总.xlsx
    #[command(help_template = HELP_TEMPLATE, after_help = EXAMPLES, override_usage = "orglife check <输入文件夹> [选项]")]
    Check(CheckArgs),
    /// 只生成催办通知（催办/）和催办名单（催办名单.xlsx）
    #[command(help_template = HELP_TEMPLATE, override_usage = "orglife remind <输入文件夹> [选项]")]
    Remind(RemindArgs),
    /// 年度归档：原始报表原样复制，连同汇总表、问题清单、规范化记录和校验清单；--verify 核对已有归档
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = EXAMPLES,
        override_usage = "orglife archive <输入文件夹> --year 年度 --out 归档文件夹 [选项]\n      orglife archive --verify 归档文件夹"
    )]
    Archive(ArchiveArgs),
    /// 写出空白的支部报表模板和镇级名册模板（带下拉选项、日期校验和填表说明）
    #[command(help_template = HELP_TEMPLATE, override_usage = "orglife template [--out 文件夹] [--config 文件] [--force]")]
    Template(TemplateArgs),
    /// 写出带中文注释的活动配置文件 campaign.toml（默认 2024 年“讲认真”；--preset 民主评议 为年度民主评议）
    #[command(help_template = HELP_TEMPLATE, override_usage = "orglife init [--preset 预设] [--out 文件] [--force]")]
    Init(InitArgs),
    /// 列出本文件夹、本次活动的历次检查（统计截止、问题数、新发现、已改正）
    #[command(help_template = HELP_TEMPLATE, override_usage = "orglife history <输入文件夹> [--config 文件] [--history 文件]")]
    History(HistoryArgs),
    /// 列出全部问题代码；加代码（如 C001）显示该规则的详细说明和通知依据
    #[command(help_template = HELP_TEMPLATE, override_usage = "orglife rules [代码] [--config 文件]")]
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct RulesArgs {
    /// 问题代码，如 T501
    #[arg(value_name = "代码", help_heading = "参数")]
    pub code: Option<String>,
    /// 活动配置文件：按本次活动列出（哪些不检查、严重程度、期限，依据引用本次通知）
    #[arg(long, value_name = "文件")]
    pub config: Option<PathBuf>,
}

/// What every command that reads the returns takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct InputArgs {
    /// 报表所在文件夹（含子文件夹；也可以是单个文件）
    #[arg(value_name = "输入文件夹", help_heading = "参数")]
    pub input: PathBuf,
    /// 活动配置文件（不写则用输入文件夹最上层的 campaign.toml，没有时用内置的 2024 年默认配置）
    #[arg(long, value_name = "文件")]
    pub config: Option<PathBuf>,
    /// 镇级支部名册（不写则在输入文件夹中自动查找）
    #[arg(long, value_name = "文件")]
    pub register: Option<PathBuf>,
    /// 统计截止日期，如 2024-08-31（不写则为今天）
    #[arg(long = "as-of", value_name = "日期")]
    pub as_of: Option<String>,
    /// 同时读取的文件数（默认为 CPU 核数）
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// 输出中显示完整的身份证号和手机号（默认只显示前后几位）
    #[arg(long = "show-pii")]
    pub show_pii: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// 输出文件夹（默认 out）
    #[arg(
        long,
        value_name = "文件夹",
        default_value = "out",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// 有“严重”问题时以退出码 1 结束（供脚本判断）
    #[arg(long)]
    pub strict: bool,
    /// 快速复查：只写 findings.csv（支部补报后快速看问题是否已改正）
    #[arg(long)]
    pub quick: bool,
    #[command(flatten)]
    pub round: RoundArgs,
}

/// What `check` and `remind` share: the history between checks and the notices' reply date.
#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct RoundArgs {
    /// 检查历史记录文件（不写则存放在本机的用户数据文件夹，按输入文件夹和活动分开）
    #[arg(long, value_name = "文件")]
    pub history: Option<PathBuf>,
    /// 不与上次检查比较，也不记入检查历史
    #[arg(long = "no-history", conflicts_with = "history")]
    pub no_history: bool,
    /// 催办通知要求补报的日期，如 2024-09-13（不写则为统计截止日后 3 天）
    #[arg(long = "reply-by", value_name = "日期")]
    pub reply_by: Option<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct HistoryArgs {
    /// 报表所在文件夹（与检查时写的相同）
    #[arg(value_name = "输入文件夹", help_heading = "参数")]
    pub input: PathBuf,
    /// 活动配置文件（与检查时用的相同；不写则用输入文件夹中的 campaign.toml 或内置默认配置）
    #[arg(long, value_name = "文件")]
    pub config: Option<PathBuf>,
    /// 检查历史记录文件（检查时用 --history 指定过的，这里也要指定）
    #[arg(long, value_name = "文件")]
    pub history: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct RemindArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub round: RoundArgs,
    /// 输出文件夹（默认 out）
    #[arg(
        long,
        value_name = "文件夹",
        default_value = "out",
        hide_default_value = true
    )]
    pub out: PathBuf,
}

/// `archive` takes either the input and its options, or `--verify` alone. Everything is
/// optional to clap so that `archive --verify DIR` parses; `cmd::archive` checks the two
/// forms by hand and says in one Chinese line what is missing or extra.
#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct ArchiveArgs {
    /// 报表所在文件夹（含子文件夹；也可以是单个文件）
    #[arg(value_name = "输入文件夹", help_heading = "参数")]
    pub input: Option<PathBuf>,
    /// 归档年度，如 2024
    #[arg(long, value_name = "年度")]
    pub year: Option<i32>,
    /// 归档文件夹：必须是新的或空的文件夹，归档从不覆盖
    #[arg(long, value_name = "文件夹")]
    pub out: Option<PathBuf>,
    /// 活动配置文件（不写则用输入文件夹最上层的 campaign.toml，没有时用内置的 2024 年默认配置）
    #[arg(long, value_name = "文件")]
    pub config: Option<PathBuf>,
    /// 镇级支部名册（不写则在输入文件夹中自动查找）
    #[arg(long, value_name = "文件")]
    pub register: Option<PathBuf>,
    /// 统计截止日期（不写则为今天与该年 12 月 31 日中较早的一天）
    #[arg(long = "as-of", value_name = "日期")]
    pub as_of: Option<String>,
    /// 同时读取的文件数（默认为 CPU 核数）
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// 归档中显示完整的身份证号和手机号（默认只显示前后几位）
    #[arg(long = "show-pii")]
    pub show_pii: bool,
    /// 核对已有的归档：逐个重算文件的 SHA-256 和大小，与 manifest.json 比对
    #[arg(long, value_name = "归档文件夹")]
    pub verify: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct TemplateArgs {
    /// 模板写到哪个文件夹（默认 模板）
    #[arg(
        long,
        value_name = "文件夹",
        default_value = "模板",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// 活动配置文件：填表说明中的各环节时限取自这里（不写则用内置的 2024 年默认配置）
    #[arg(long, value_name = "文件")]
    pub config: Option<PathBuf>,
    /// 文件夹里已有模板（可能已经填写过）时也覆盖
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "选项")]
pub struct InitArgs {
    /// 预设：讲认真2024（默认，2024 年“讲认真”专题组织生活会）、民主评议（年度组织生活会和民主评议党员）
    #[arg(long, value_name = "预设")]
    pub preset: Option<String>,
    /// 写到哪个文件（默认 campaign.toml）
    #[arg(
        long,
        value_name = "文件",
        default_value = "campaign.toml",
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// 文件已存在时覆盖
    #[arg(long)]
    pub force: bool,
}

/// A parse failure as one Chinese line plus a hint (clap's own messages are English).
pub fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        _ => String::new(),
    };
    let line = match e.kind() {
        ErrorKind::UnknownArgument => format!("不认识的参数：{}", ctx(ContextKind::InvalidArg)),
        ErrorKind::InvalidSubcommand => format!(
            "没有“{}”这个命令；可用的命令：check、remind、history、archive、template、init、rules",
            ctx(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}", ctx(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令；可用的命令：check、remind、history、archive、template、init、rules"
                .to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!(
                "参数 {} 的值“{}”无效",
                ctx(ContextKind::InvalidArg),
                ctx(ContextKind::InvalidValue)
            )
        }
        ErrorKind::TooManyValues | ErrorKind::ArgumentConflict => {
            format!("多余或冲突的参数：{}", ctx(ContextKind::InvalidArg))
        }
        _ => "命令行参数有误".to_string(),
    };
    format!("orglife：{line}。运行 orglife --help 查看用法。")
}

/// `orglife FOLDER` with no command: what Windows runs when a folder is dropped on the
/// program's icon (`orglife.exe "D:\\…\\报表"`). It is `check FOLDER` with the defaults, its
/// outputs beside the folder (see `cmd::desktop`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    /// `--no-open` was given: do not open the report at the end.
    pub no_open: bool,
    /// `--out` was given: write there rather than beside the folder.
    pub out_given: bool,
}

/// The command line to parse: `args` as given, or, when the first argument is a folder or
/// file rather than a command (it exists, or is written as a path), `check` inserted before
/// it and `--no-open` taken out (only this form opens anything). Commands win over a folder
/// of the same name; a word that is neither (`orglife chek`) stays an unknown command.
pub fn dropped_folder(args: Vec<OsString>) -> (Vec<OsString>, Option<Dropped>) {
    let Some(first) = args.get(1) else {
        return (args, None);
    };
    let text = first.to_string_lossy();
    let command = Cli::command_names().any(|c| c == text.as_ref());
    let written_as_path = text.contains(['/', '\\']) || Path::new(first).exists();
    if text.starts_with('-') || command || !written_as_path {
        return (args, None);
    }
    let mut out = Vec::with_capacity(args.len() + 1);
    let mut mode = Dropped {
        no_open: false,
        out_given: false,
    };
    for (i, a) in args.into_iter().enumerate() {
        if i == 1 {
            out.push(OsString::from("check"));
        }
        if a == "--no-open" {
            mode.no_open = true;
            continue;
        }
        let t = a.to_string_lossy();
        if t == "--out" || t.starts_with("--out=") {
            mode.out_given = true;
        }
        out.push(a);
    }
    (out, Some(mode))
}

impl Cli {
    /// The names of the commands, as clap knows them.
    fn command_names() -> impl Iterator<Item = String> {
        use clap::CommandFactory;
        Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }
}
