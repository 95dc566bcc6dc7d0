//! `orglife init`: write a campaign.toml, commented in Chinese: the default (the 2024
//! campaign) or a preset for a known kind of campaign (`--preset 民主评议`).

use anyhow::{Result, bail};

use crate::campaign::{PRESETS, preset};
use crate::cli::InitArgs;
use crate::report::atomic::write_atomic;

pub fn run(args: &InitArgs) -> Result<u8> {
    let name = args.preset.as_deref().unwrap_or(PRESETS[0].0);
    let Some(text) = preset(name) else {
        let known: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        bail!(
            "没有“{name}”这个预设；可用的预设：{}（如 orglife init --preset 民主评议）",
            known.join("、")
        );
    };
    if args.out.exists() && !args.force {
        bail!(
            "{} 已存在，未覆盖；如确需覆盖，请加 --force",
            crate::text::shown::path(&args.out)
        );
    }
    write_atomic(&args.out, text.as_bytes())?;
    println!(
        "已写出活动配置 {}（{name}）；按本年度活动修改后，放在报表文件夹最上层，或用 orglife check 文件夹 --config {} 检查。",
        crate::text::shown::path(&args.out),
        crate::text::shown::path(&args.out)
    );
    Ok(0)
}
