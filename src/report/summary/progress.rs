//! 进展, what changed since the previous check (SPEC §8): per branch how many findings are new,
//! fixed (已改正) and still open, then every finding with the date it was first seen and how
//! many notices named it. It only formats `Analysis::progress`; the history decides.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use crate::analysis::Analysis;
use crate::finding::{Code, Severity, TOWNSHIP};
use crate::history::State;
use crate::report::mask::Pii;
use crate::report::xlsx_style::{
    Out, Tone, base, display_width, severity_label, severity_tone, table, title, tone, total,
};

/// Where a finding stands against the previous check.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Status {
    New,
    Open,
    Fixed,
    /// The first check of this folder and campaign: nothing to compare with yet.
    First,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::New => "新发现",
            Status::Open => "仍未改正",
            Status::Fixed => "已改正",
            Status::First => "首次检查",
        }
    }

    /// A finding that stood through a notice and is still there is the one to chase: red.
    /// A new one is yellow (just found, nobody has asked the branch yet), a fixed one green.
    fn tone(self) -> Tone {
        match self {
            Status::New => Tone::Neutral,
            Status::Open => Tone::Bad,
            Status::Fixed => Tone::Good,
            Status::First => Tone::Plain,
        }
    }
}

/// One row of the detail table: a current finding or a fixed one.
struct Item<'a> {
    branch: &'a str,
    status: Status,
    code: Code,
    severity: Severity,
    subject: &'a str,
    message: &'a str,
    first_seen: NaiveDate,
    reminded: u32,
}

/// Per branch: new, fixed, still open, of those open the 严重 ones, the earliest first-seen
/// date and the most notices among the open ones.
#[derive(Default)]
struct BranchProgress {
    new: usize,
    fixed: usize,
    open: usize,
    open_errors: usize,
    earliest: Option<NaiveDate>,
    most_reminded: u32,
}

/// The long texts last: the message column wraps at the right edge, and the per-branch table
/// above, whose columns these share, is not stretched by it.
const DETAIL: [&str; 9] = [
    "序号",
    "支部",
    "状态",
    "代码",
    "严重程度",
    "首次发现",
    "已催办次数",
    "对象",
    "问题说明",
];

const PER_BRANCH: [&str; 8] = [
    "序号",
    "支部",
    "新发现",
    "已改正",
    "仍未改正",
    "其中严重",
    "最早发现于",
    "最多催办次数",
];

/// 进展. The sheet is there in every state, so a clerk who looks for it always finds it and
/// reads on it why there is (or is not yet) a comparison:
/// - no history (`--no-history`, or the file could not be used): the headline and where the
///   findings are; a list here would only repeat 问题明细 with nothing to compare;
/// - the first check: the headline and this check's findings as 首次检查, the baseline the
///   next check is compared with (a per-branch table of new/fixed/open would be all zeros and
///   read as "nothing found");
/// - a later check: the per-branch table, then every finding, new, still open and fixed.
pub(super) fn write(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    // Written top to bottom, streamed to disk: the detail runs as long as 问题明细.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("进展")?;
    let p = &a.progress;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{}　检查进展（统计截止 {}）",
            a.campaign.name,
            a.as_of.format("%Y年%-m月%-d日")
        ),
        &title(),
    )?;
    ws.write_string_with_format(1, 0, pii.text(&p.headline()), &base().set_bold())?;
    let items = items(a);
    match p.state {
        State::Off | State::Unavailable(_) => {
            ws.write_string(
                2,
                0,
                "本次检查没有与以前的检查比较，无法列出新发现、已改正的问题；本次发现的全部问题见“问题明细”。",
            )?;
            crate::report::xlsx_style::print_setup(ws, 1)?;
            ws.set_repeat_rows(0, 1)?;
        }
        State::First => {
            ws.write_string(
                2,
                0,
                "下面是本次发现的全部问题，作为以后比较的起点；下次检查时，本表将按支部列出新发现、已改正和仍未改正的问题。",
            )?;
            let mut widths = Widths::default();
            detail(ws, 4, &items, &mut widths, pii)?;
            finish(ws, &widths)?;
        }
        State::Continued => {
            ws.write_string(
                2,
                0,
                "新发现：上次检查没有、本次查出的问题。仍未改正：上次检查已有、本次仍在的问题。已改正：上次检查有、本次没有了的问题（只算本次读到了报表的支部）。",
            )?;
            ws.write_string(
                3,
                0,
                "“其中严重”“最早发现于”“最多催办次数”只看仍未改正的问题；没有任何变化也没有未改正问题的支部不列出。",
            )?;
            ws.write_string(4, 1, "状态颜色：")?;
            let legend = [Status::New, Status::Open, Status::Fixed];
            for (k, s) in legend.iter().enumerate() {
                ws.write_string_with_format(4, 2 + k as u16, s.label(), &tone(s.tone()))?;
            }
            let mut widths = Widths::default();
            let end = per_branch(ws, 6, &items, &mut widths, pii)?;
            ws.write_string_with_format(end + 2, 0, "问题明细（按支部、状态排列）", &title())?;
            detail(ws, end + 3, &items, &mut widths, pii)?;
            finish(ws, &widths)?;
        }
    }
    Ok(())
}

/// Column widths from both tables (each `table` call sizes the columns for itself only), the
/// title rows and the branch column frozen, and the title rows repeated on printed pages.
///
/// Two tables share the sheet, so no header row can stay frozen for both: the title and the
/// headline do, and so do 序号 and 支部, which both tables start with.
fn finish(ws: &mut Worksheet, widths: &Widths) -> Result<(), XlsxError> {
    widths.apply(ws)?;
    ws.set_freeze_panes(2, 2)?;
    ws.set_repeat_rows(0, 1)?;
    Ok(())
}

/// Every current finding (new, still open, or 首次检查) and every fixed one, sorted by branch
/// (as 总览 lists them, 全镇 last), then status, code and subject.
fn items(a: &Analysis) -> Vec<Item<'_>> {
    let p = &a.progress;
    let first = p.state != State::Continued;
    let mut items: Vec<Item> = a
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let seen = p.seen(i);
            let status = match seen {
                _ if first => Status::First,
                Some(s) if !s.new => Status::Open,
                // A finding the history has no word on is new to it.
                _ => Status::New,
            };
            Item {
                branch: &f.branch,
                status,
                code: f.code,
                severity: f.severity,
                subject: &f.subject,
                message: &f.message,
                first_seen: seen.map_or(a.as_of, |s| s.first_seen),
                reminded: seen.map_or(0, |s| s.reminded),
            }
        })
        .collect();
    if !first {
        items.extend(p.fixed.iter().map(|f| Item {
            branch: &f.branch,
            status: Status::Fixed,
            code: f.code,
            severity: f.severity,
            subject: &f.subject,
            message: &f.message,
            first_seen: f.first_seen,
            reminded: f.reminded,
        }));
    }
    let rank: HashMap<&str, usize> = a
        .overview
        .branches
        .iter()
        .enumerate()
        .map(|(i, b)| (b.name.as_str(), i))
        .collect();
    // Branches 总览 does not list (a fixed finding of a branch since renamed) sort by name
    // after the listed ones; 全镇 comes last, as in 总览.
    let key = |b: &str| match rank.get(b) {
        Some(i) => (0, *i),
        None if b == TOWNSHIP => (2, 0),
        None => (1, 0),
    };
    items.sort_by(|x, y| {
        key(x.branch)
            .cmp(&key(y.branch))
            .then_with(|| x.branch.cmp(y.branch))
            .then_with(|| x.status.cmp(&y.status))
            .then_with(|| x.code.as_str().cmp(y.code.as_str()))
            .then_with(|| x.subject.cmp(y.subject))
    });
    items
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The per-branch table and its totals row; returns the row after the totals.
fn per_branch(
    ws: &mut Worksheet,
    top: u32,
    items: &[Item],
    widths: &mut Widths,
    pii: Pii,
) -> Result<u32, XlsxError> {
    // Items are sorted by branch: one group per branch, in that order.
    let mut groups: Vec<(&str, BranchProgress)> = Vec::new();
    for it in items {
        if groups.last().is_none_or(|(b, _)| *b != it.branch) {
            groups.push((it.branch, BranchProgress::default()));
        }
        let Some((_, g)) = groups.last_mut() else {
            continue;
        };
        match it.status {
            Status::New => g.new += 1,
            Status::Fixed => g.fixed += 1,
            Status::Open | Status::First => {
                g.open += 1;
                if it.severity == Severity::Error {
                    g.open_errors += 1;
                }
                g.earliest = Some(g.earliest.map_or(it.first_seen, |d| d.min(it.first_seen)));
                g.most_reminded = g.most_reminded.max(it.reminded);
            }
        }
    }
    let count = |n: usize, t: Tone| {
        if n == 0 {
            Out::Num(0.0)
        } else {
            Out::NumToned(n as f64, t)
        }
    };
    let mut rows = Vec::new();
    for h in PER_BRANCH.iter().enumerate() {
        widths.see(h.0, h.1);
    }
    for (i, (branch, g)) in groups.iter().enumerate() {
        widths.see(1, branch);
        rows.push(vec![
            Out::Num((i + 1) as f64),
            Out::text(*branch),
            count(g.new, Status::New.tone()),
            count(g.fixed, Status::Fixed.tone()),
            count(g.open, Status::Open.tone()),
            count(g.open_errors, Tone::Bad),
            g.earliest.map_or(Out::Empty, |d| Out::text(ymd(d))),
            if g.open == 0 {
                Out::Empty
            } else {
                Out::Num(f64::from(g.most_reminded))
            },
        ]);
    }
    let end = table(ws, top, &PER_BRANCH, rows, MESSAGE_WIDTH, pii)?;
    let tf = total();
    let sum = |f: fn(&BranchProgress) -> usize| groups.iter().map(|(_, g)| f(g)).sum::<usize>();
    ws.write_string_with_format(end, 0, "合计", &tf)?;
    ws.write_string_with_format(end, 1, format!("{} 个支部", groups.len()), &tf)?;
    let sums = [
        sum(|g| g.new),
        sum(|g| g.fixed),
        sum(|g| g.open),
        sum(|g| g.open_errors),
    ];
    for (k, n) in sums.iter().enumerate() {
        ws.write_number_with_format(end, 2 + k as u16, *n as f64, &tf)?;
    }
    let earliest = groups.iter().filter_map(|(_, g)| g.earliest).min();
    ws.write_string_with_format(end, 6, earliest.map(ymd).unwrap_or_default(), &tf)?;
    let most = groups
        .iter()
        .map(|(_, g)| g.most_reminded)
        .max()
        .unwrap_or(0);
    ws.write_number_with_format(end, 7, f64::from(most), &tf)?;
    Ok(end + 1)
}

/// The detail table: one row per finding, new, still open, fixed (or 首次检查).
fn detail(
    ws: &mut Worksheet,
    top: u32,
    items: &[Item],
    widths: &mut Widths,
    pii: Pii,
) -> Result<u32, XlsxError> {
    for h in DETAIL.iter().enumerate() {
        widths.see(h.0, h.1);
    }
    widths.see(5, "2024-09-10");
    // Rows are made as the sheet streams out, never all at once.
    let rows = items.iter().enumerate().map(|(i, it)| {
        widths.see(1, it.branch);
        widths.see(7, it.subject);
        widths.see(8, it.message);
        vec![
            Out::Num((i + 1) as f64),
            Out::text(it.branch),
            Out::toned(it.status.label(), it.status.tone()),
            Out::text(it.code.as_str()),
            Out::toned(severity_label(it.severity), severity_tone(it.severity)),
            Out::text(ymd(it.first_seen)),
            Out::Num(f64::from(it.reminded)),
            Out::text(it.subject),
            Out::text(it.message),
        ]
    });
    table(ws, top, &DETAIL, rows, MESSAGE_WIDTH, pii)
}

/// Long subjects and messages wrap at this width: the detail then prints one page wide at
/// about 9 pt.
const MESSAGE_WIDTH: usize = 40;

/// The widest text per column over both tables, capped where `table` wraps text.
#[derive(Default)]
struct Widths(Vec<usize>);

impl Widths {
    fn see(&mut self, col: usize, text: &str) {
        if col >= self.0.len() {
            self.0.resize(col + 1, 4);
        }
        self.0[col] = self.0[col].max(display_width(text));
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (i, w) in self.0.iter().enumerate() {
            ws.set_column_width(i as u16, (*w).clamp(4, MESSAGE_WIDTH) as f64 + 2.0)?;
        }
        Ok(())
    }
}
