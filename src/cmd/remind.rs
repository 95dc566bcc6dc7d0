//! `orglife remind`: only the reminders: 催办/ (one notice per lagging branch) and
//! 催办名单.xlsx, for a quick round of chasing without rewriting every workbook.

use anyhow::{Result, anyhow};

use crate::analysis::Stages;
use crate::cli::RemindArgs;
use crate::report::{
    atomic::{replace_dir, write_atomic},
    remind, summary,
};

pub fn run(args: &RemindArgs) -> Result<u8> {
    let mut stages = Stages::default();
    let mut run = super::analyse_into(&args.input, &args.round, &args.out, &mut stages)?;
    let (a, pii) = (&run.a, run.pii);
    let sent = replace_dir(&args.out.join("催办"), |dir| {
        remind::write_notices(a, dir, pii)
    })?;
    let list = args.out.join("催办名单.xlsx");
    let mut wb = crate::report::xlsx_style::workbook();
    crate::report::xlsx_style::mark_own_output(&mut wb, "催办名单");
    summary::reminders_sheet(wb.add_worksheet(), a, pii)
        .map_err(|e| anyhow!("生成催办名单失败：{e}"))?;
    write_atomic(
        &list,
        &wb.save_to_buffer()
            .map_err(|e| anyhow!("生成催办名单失败：{e}"))?,
    )?;
    stages.lap("催办");
    println!(
        "orglife 催办（统计截止 {}）：需要催办的支部 {} 个，要求 {} 前补报",
        a.as_of.format("%Y-%m-%d"),
        sent.len(),
        a.reply_by.format("%Y-%m-%d")
    );
    super::print_skipped(a);
    println!(
        "  输出：{}、{}",
        crate::text::shown::path(&args.out.join("催办")),
        crate::text::shown::path(&list)
    );
    super::hint_contact(a, &sent);
    run.record("remind", &sent);
    stages.lap("记入历史");
    stages.report();
    Ok(0)
}
