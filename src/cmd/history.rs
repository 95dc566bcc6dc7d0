//! `orglife history`: the checks recorded for a folder and campaign, oldest first — when,
//! as of which date, how many findings, how many new and fixed.

use anyhow::{Result, anyhow};

use crate::cli::HistoryArgs;
use crate::history::{History, Place};

pub fn run(args: &HistoryArgs) -> Result<u8> {
    let config = super::config(&args.input, args.config.as_ref());
    let (campaign, _) = crate::analysis::load_campaign(config.as_deref())?;
    let place = match &args.history {
        Some(p) if !p.is_file() => {
            return Err(anyhow!(
                "检查历史记录文件 {} 不存在",
                crate::text::shown::path(p)
            ));
        }
        Some(p) => Place::File(p.clone()),
        None => Place::Default,
    };
    let h = History::open(&place, &args.input, &campaign.name, campaign.year)
        .map_err(|w| anyhow!("{w}"))?
        .ok_or_else(|| anyhow!("没有检查历史"))?;
    let rounds = h.rounds().map_err(|w| anyhow!("{w}"))?;
    println!(
        "{}（{}）的检查历史：{}",
        campaign.name,
        crate::text::shown::path(&args.input),
        crate::text::shown::path(&h.path)
    );
    if rounds.is_empty() {
        println!(
            "  还没有记录。每次 orglife check 都会记入一次；检查时用了 --history 的，这里也要用同一个文件。"
        );
        return Ok(0);
    }
    println!(
        "  次数  检查时间          统计截止    命令             已报送   严重  一般  提示  新发现  已改正"
    );
    for r in &rounds {
        let c = &r.counts;
        println!(
            "  {:>4}  {}  {}  {:<15}  {:>3}/{:<3}  {:>4}  {:>4}  {:>4}  {:>6}  {:>6}",
            r.number,
            r.run_at,
            r.as_of.format("%Y-%m-%d"),
            r.command,
            c.returned,
            c.branches,
            c.by_severity[0],
            c.by_severity[1],
            c.by_severity[2],
            if r.number == 1 {
                "—".to_string()
            } else {
                c.new.to_string()
            },
            if r.number == 1 {
                "—".to_string()
            } else {
                c.fixed.to_string()
            },
        );
    }
    Ok(0)
}
