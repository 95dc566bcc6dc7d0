//! `orglife remind`: only the reminders: 催办/ (one notice per lagging branch) and
//! 催办名单.xlsx, for a quick round of chasing without rewriting every workbook.

use anyhow::{Context, Result, anyhow};

use crate::analysis::{Stages, analyse};
use crate::cli::RemindArgs;
use crate::report::{
    atomic::{replace_dir, write_atomic},
    mask::Pii,
    remind, summary,
};

pub fn run(args: &RemindArgs) -> Result<u8> {
    let mut stages = Stages::default();
    let today = chrono::Local::now().date_naive();
    let a = analyse(&args.input, vec![args.out.clone()], today, &mut stages)?;
    // Only once the input is known to be there, so that a typo leaves no empty folder.
    std::fs::create_dir_all(&args.out).with_context(|| {
        format!(
            "无法创建输出文件夹 {}（没有权限或路径有误）",
            args.out.display()
        )
    })?;
    let pii = Pii {
        show: args.input.show_pii,
    };
    let n = replace_dir(&args.out.join("催办"), |dir| {
        remind::write_notices(&a, dir, pii)
    })?;
    let list = args.out.join("催办名单.xlsx");
    let mut wb = crate::report::xlsx_style::workbook();
    summary::reminders_sheet(wb.add_worksheet(), &a, pii)
        .map_err(|e| anyhow!("生成催办名单失败：{e}"))?;
    write_atomic(
        &list,
        &wb.save_to_buffer()
            .map_err(|e| anyhow!("生成催办名单失败：{e}"))?,
    )?;
    stages.lap("催办");
    stages.report();
    println!(
        "orglife 催办（统计截止 {}）：需要催办的支部 {n} 个",
        a.as_of.format("%Y-%m-%d")
    );
    println!(
        "  输出：{}、{}",
        args.out.join("催办").display(),
        list.display()
    );
    Ok(0)
}
