//! `orglife check`: read and judge the input folder, then write every output into --out:
//! findings.csv, 汇总.xlsx, 反馈/ (one workbook per branch) and 催办/ (reminder notices).

use anyhow::Result;

use crate::analysis::{Analysis, Stages};
use crate::cli::CheckArgs;
use crate::finding::{Code, Severity};
use crate::model::Returned;
use crate::report;

pub fn run(args: &CheckArgs) -> Result<u8> {
    let mut stages = Stages::default();
    let mut run = super::analyse_into(&args.input, &args.round, &args.out, &mut stages)?;
    let (a, pii) = (&run.a, run.pii);
    let (written, sent) = if args.quick {
        (
            report::write_quick(a, &args.out, pii, &mut stages)?,
            Vec::new(),
        )
    } else {
        report::write_check(a, &args.out, pii, &mut stages)?
    };
    print_summary(a, &written);
    super::hint_contact(a, &sent);
    run.record(if args.quick { "check --quick" } else { "check" }, &sent);
    stages.lap("记入历史");
    stages.report();
    let a = run.a;
    let has_error = a.findings.iter().any(|f| f.severity == Severity::Error);
    // The process ends here: freeing a county's model one record at a time would only keep
    // the clerk waiting (a tenth of a second at 2,000 branches), the system takes it back whole.
    std::mem::forget(a);
    Ok(if args.strict && has_error { 1 } else { 0 })
}

/// A few lines a clerk reads on the screen; the workbooks hold the rest.
pub fn print_summary(a: &Analysis, outputs: &[String]) {
    let (model, findings) = (&a.model, &a.findings);
    let sheets: usize = model
        .files
        .iter()
        .map(|f| f.sheets.iter().filter(|s| s.kind.is_some()).count())
        .sum();
    let (read, accepted, rejected) =
        model
            .files
            .iter()
            .flat_map(|f| &f.sheets)
            .fold((0u64, 0u64, 0u64), |t, s| {
                (
                    t.0 + u64::from(s.read),
                    t.1 + u64::from(s.accepted),
                    t.2 + u64::from(s.rejected),
                )
            });
    let unreadable = findings.iter().filter(|f| f.code == Code::S002).count();
    let unmatched = findings.iter().filter(|f| f.code == Code::S003).count();
    // The one count of “returned” (model::Returned) and of findings, as 报告.html and the
    // history count them.
    let t = a.tally();
    let (registered, returned, unusable) = (t.registered, t.returned, t.unreadable);
    println!(
        "orglife 检查完成（统计截止 {}）",
        a.as_of.format("%Y-%m-%d")
    );
    println!(
        "  读取文件 {} 个：工作表 {sheets} 张，数据 {read} 行（接收 {accepted}，退回 {rejected}）",
        model.files.len()
    );
    super::print_skipped(a);
    if registered > 0 {
        let why = if unusable > 0 {
            format!("（其中 {unusable} 个{}）", Returned::Unreadable.label())
        } else {
            String::new()
        };
        println!(
            "  名册支部 {registered} 个：已报送 {returned}，未报送 {}{why}",
            registered - returned
        );
    } else {
        let why = if model.register.has_branch_sheet {
            "支部名册中没有支部"
        } else {
            "未找到支部名册"
        };
        println!(
            "  {why}：按报送材料自带的支部名称汇总（{} 个）",
            model.branches.len()
        );
    }
    if unreadable + unmatched > 0 {
        println!("  无法读取的文件 {unreadable} 个，对不上支部的材料 {unmatched} 份");
    }
    println!(
        "  发现问题 {} 条：严重 {} · 一般 {} · 提示 {}",
        findings.len(),
        t.severity[0],
        t.severity[1],
        t.severity[2]
    );
    println!("  输出：{}", outputs.join("、"));
    print_progress(&a.progress);
}

/// The history's line: what changed since the previous check.
fn print_progress(p: &crate::history::Progress) {
    use crate::history::State;
    match p.state {
        State::Continued => {
            let new = p.seen.iter().filter(|s| s.new).count();
            println!(
                "  进展：{}，新发现 {new} 条，已改正 {} 条，仍未改正 {} 条",
                p.headline(),
                p.fixed.len(),
                p.seen.len() - new
            );
        }
        State::First => println!("  进展：{}", p.headline()),
        // Off says nothing; Unavailable was said as a warning when it happened.
        State::Off | State::Unavailable(_) => {}
    }
}
