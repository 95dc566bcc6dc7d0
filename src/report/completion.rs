//! How many branches stand where in each configured step: the one count behind 总览's chart
//! and 报告.html's, so the workbook and the page can never disagree.

use crate::rules::overview::BranchOverview;
use crate::rules::phase::Status;

/// The buckets a step's status falls into, in the charts' order.
pub const LABELS: [&str; 6] = [
    "按时完成",
    "逾期完成",
    "逾期未完成",
    "未到期",
    "缺表/未报送",
    "不适用",
];

/// The bucket (an index into [`LABELS`]) of one branch's status in a step; `None` is a
/// branch with no readable return, which has no step states at all.
pub fn bucket(status: Option<Status>) -> usize {
    match status {
        Some(Status::OnTime) => 0,
        Some(Status::Late(_)) => 1,
        Some(Status::Overdue) => 2,
        Some(Status::NotDue) => 3,
        Some(Status::MissingSheet) | None => 4,
        Some(Status::NotApplicable) => 5,
    }
}

/// Per step: branches in each bucket of [`LABELS`].
pub fn phase_counts(branches: &[BranchOverview], steps: usize) -> Vec<[usize; 6]> {
    (0..steps)
        .map(|p| {
            let mut c = [0usize; 6];
            for b in branches {
                c[bucket(b.phases.get(p).map(|s| s.status))] += 1;
            }
            c
        })
        .collect()
}
