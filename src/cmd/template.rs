//! `orglife template`: write the blank branch return and township register workbooks
//! (dropdowns, date validation, 填表说明) into --out, each file atomically.

use anyhow::{Result, anyhow, bail};

use crate::analysis::load_campaign;
use crate::campaign::io_reason;
use crate::cli::TemplateArgs;
use crate::model::SheetKind;
use crate::report::atomic::write_atomic;
use crate::report::template::{
    BRANCH_FILE, REGISTER_FILE, branch_tables, branch_workbook, register_workbook,
};

pub fn run(args: &TemplateArgs) -> Result<u8> {
    // The deadlines printed in 填表说明 are the campaign's: a township's own config shows its own.
    let (campaign, _) = load_campaign(args.config.as_deref())?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        anyhow!(
            "无法创建输出文件夹 {}（{}）",
            crate::text::shown::path(&args.out),
            io_reason(&e)
        )
    })?;
    let branch = args.out.join(BRANCH_FILE);
    let register = args.out.join(REGISTER_FILE);
    // A template may have been filled in since it was written: never replaced unasked.
    if !args.force {
        let there: Vec<String> = [&branch, &register]
            .iter()
            .filter(|p| p.exists())
            .map(|p| crate::text::shown::path(p))
            .collect();
        if !there.is_empty() {
            bail!(
                "{} 已存在（可能已经填写过），没有覆盖；确要重新生成请加 --force，或用 --out 写到别的文件夹",
                there.join("、")
            );
        }
    }
    write_atomic(
        &branch,
        &branch_workbook(&campaign, None).map_err(|e| anyhow!("生成支部报表模板失败：{e}"))?,
    )?;
    write_atomic(
        &register,
        &register_workbook(&campaign, None).map_err(|e| anyhow!("生成镇级名册模板失败：{e}"))?,
    )?;
    println!("已写出报表模板：");
    let sheets: Vec<&str> = std::iter::once(SheetKind::Info)
        .chain(branch_tables(&campaign))
        .map(SheetKind::label)
        .collect();
    println!(
        "  {}（发给各支部：{}）",
        crate::text::shown::path(&branch),
        sheets.join("、")
    );
    println!(
        "  {}（镇党委组织办填写：支部名册、督导人员）",
        crate::text::shown::path(&register)
    );
    println!("填好的报表放进一个文件夹，用 orglife check 文件夹 检查。");
    Ok(0)
}
