//! M rules, the routine 三会一课 of monthly returns (SPEC §6): a 支委会 every month, a 党小组会
//! every month for every 党小组, a 党员大会 and a 党课 every quarter.

use chrono::{Datelike, NaiveDate};

use super::{Ctx, meeting_of_group};
use crate::finding::{Code, Finding, Location};
use crate::model::MeetingKind;
use crate::model::SheetKind;
use crate::model::YearMonth;

fn next(m: YearMonth) -> YearMonth {
    if m.month == 12 {
        YearMonth {
            year: m.year + 1,
            month: 1,
        }
    } else {
        YearMonth {
            year: m.year,
            month: m.month + 1,
        }
    }
}

fn month_end(m: YearMonth) -> Option<NaiveDate> {
    let n = next(m);
    NaiveDate::from_ymd_opt(n.year, n.month, 1)?.pred_opt()
}

/// The months judged: from the earliest to the latest period of any return, those wholly
/// before `--as-of`.
pub fn judged_months(cx: &Ctx) -> Vec<YearMonth> {
    let (Some(first), Some(last)) = (cx.model.periods.first(), cx.model.periods.last()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut m = *first;
    while m <= *last && out.len() < 1200 {
        if month_end(m).is_some_and(|end| end < cx.as_of) {
            out.push(m);
        }
        m = next(m);
    }
    out
}

fn quarter(m: YearMonth) -> (i32, u32) {
    (m.year, (m.month - 1) / 3 + 1)
}

pub fn routine(cx: &Ctx, out: &mut Vec<Finding>) {
    let months = judged_months(cx);
    if months.is_empty() {
        return;
    }
    // Quarters with all three months judged.
    let mut quarters: Vec<(i32, u32)> = months.iter().map(|m| quarter(*m)).collect();
    quarters.dedup();
    quarters.retain(|q| months.iter().filter(|m| quarter(**m) == *q).count() == 3);
    for b in &cx.branches {
        if b.b.periods.is_empty() || !b.present(SheetKind::Meetings) {
            continue; // only branches that send monthly returns, with their meetings, are judged
        }
        let held = |kind: MeetingKind, pred: &dyn Fn(NaiveDate) -> bool| {
            b.all_meetings
                .iter()
                .any(|m| m.kind.value == kind && pred(m.date.value.date))
        };
        let in_month =
            |m: YearMonth| move |d: NaiveDate| d.year() == m.year && d.month() == m.month;
        let mut groups: Vec<&str> = b
            .members
            .iter()
            .filter_map(|m| m.group.as_ref().map(|g| g.value.as_str()))
            .collect();
        groups.sort_unstable();
        groups.dedup();
        for &m in &months {
            if b.has_committee && !held(MeetingKind::Committee, &in_month(m)) {
                out.push(Finding::new(
                    Code::M001,
                    b.name(),
                    m.to_string(),
                    format!("{m}没有召开支委会的记录；支委会应每月召开一次"),
                    Location::default(),
                ));
            }
            for g in &groups {
                let ok = b.all_meetings.iter().any(|x| {
                    x.kind.value == MeetingKind::Group
                        && in_month(m)(x.date.value.date)
                        && meeting_of_group(x, g, groups.len() == 1)
                });
                if !ok {
                    out.push(Finding::new(
                        Code::M002,
                        b.name(),
                        format!("{m} {g}"),
                        format!("{g}{m}没有召开党小组会的记录；党小组会应每月召开一次"),
                        Location::default(),
                    ));
                }
            }
        }
        for &(y, q) in &quarters {
            let in_quarter = |d: NaiveDate| d.year() == y && (d.month() - 1) / 3 + 1 == q;
            let label = format!("{y}年第{q}季度");
            if !held(MeetingKind::General, &in_quarter) {
                out.push(Finding::new(
                    Code::M003,
                    b.name(),
                    label.clone(),
                    format!("{label}没有召开党员大会的记录；党员大会应每季度召开一次"),
                    Location::default(),
                ));
            }
            if !held(MeetingKind::PartyLecture, &in_quarter) {
                out.push(Finding::new(
                    Code::M004,
                    b.name(),
                    label.clone(),
                    format!("{label}没有上党课的记录；党课应每季度至少一次"),
                    Location::default(),
                ));
            }
        }
    }
}
