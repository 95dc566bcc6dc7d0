//! `orglife init`: write the default campaign.toml, commented in Chinese.

use anyhow::{Result, bail};

use crate::campaign::DEFAULT_TOML;
use crate::cli::InitArgs;
use crate::report::atomic::write_atomic;

pub fn run(args: &InitArgs) -> Result<u8> {
    if args.out.exists() && !args.force {
        bail!(
            "{} 已存在，未覆盖；如确需覆盖，请加 --force",
            args.out.display()
        );
    }
    write_atomic(&args.out, DEFAULT_TOML.as_bytes())?;
    println!(
        "已写出活动配置 {}；按本年度活动修改后，用 orglife check 文件夹 --config {} 检查。",
        args.out.display(),
        args.out.display()
    );
    Ok(0)
}
