//! Turn the data rows under a header into typed records, one kind at a time. Every cell that
//! cannot be used becomes a D-finding at its A1 cell; a row missing a required value is
//! rejected (D001/D002) and counted, never dropped silently (SPEC §6 "Reading").

mod classify;
mod evaluation;
mod lists;
mod meetings;
mod register;
mod roster;
mod talks;

use std::borrow::Cow;

use chrono::NaiveDate;

use super::cell::{Cell, Grid, GridRow};
use super::dates::{self, DateNote};
use super::header::Header;
use crate::finding::{Code, Finding, Location};
use crate::model::schema::{SheetKind, spec};
use crate::model::*;
use crate::model::{PDate, Precision};
use crate::text::{clean_cow, clean_value, fold_name_cow, split_names};
use crate::text::{number_compact, number_text};
use classify::{RowClass, classify};
use evaluation::appraisal;
use lists::{problem, rectification, result};
use meetings::meetings;
use register::{leader, reg_branch};
use roster::{member, seat};
use talks::talk;

/// What every row of one sheet shares.
pub struct SheetCtx<'a> {
    pub path: &'a str,
    pub sheet: &'a str,
    pub file: FileId,
    pub sheet_idx: u16,
    pub year: i32,
    pub as_of: NaiveDate,
    pub is_1904: bool,
    pub campaign: &'a crate::campaign::Campaign,
    pub findings: &'a mut Vec<Finding>,
}

impl SheetCtx<'_> {
    pub fn prov(&self, row: u32, col: u32) -> Prov {
        Prov::new(self.file, self.sheet_idx, row, col)
    }

    pub fn find(&mut self, code: Code, subject: &str, message: String, row: u32, col: u32) {
        let loc = Location {
            file: self.path.to_string(),
            sheet: self.sheet.to_string(),
            cell: Some((row, col)),
        };
        // The branch is filled in once the file has been matched to one.
        self.findings
            .push(Finding::new(code, "", subject, message, loc));
    }
}

/// The records of one sheet, by kind.
#[derive(Debug)]
pub enum Records {
    Branches(Vec<RegBranch>),
    Leaders(Vec<Leader>),
    Info(Box<BranchInfo>),
    Roster(Vec<Member>),
    Meetings(Vec<Meeting>),
    Talks(Vec<Talk>),
    Problems(Vec<Problem>),
    Rectifications(Vec<Rectification>),
    Results(Vec<RectResult>),
    Committee(Vec<Seat>),
    Evaluation(Vec<Appraisal>),
}

impl Records {
    /// Give back what a sheet's rows did not use (skipped and rejected rows were counted in).
    fn shrink_to_fit(&mut self) {
        match self {
            Records::Branches(v) => v.shrink_to_fit(),
            Records::Leaders(v) => v.shrink_to_fit(),
            Records::Info(_) => {}
            Records::Roster(v) => v.shrink_to_fit(),
            Records::Meetings(v) => v.shrink_to_fit(),
            Records::Talks(v) => v.shrink_to_fit(),
            Records::Problems(v) => v.shrink_to_fit(),
            Records::Rectifications(v) => v.shrink_to_fit(),
            Records::Results(v) => v.shrink_to_fit(),
            Records::Committee(v) => v.shrink_to_fit(),
            Records::Evaluation(v) => v.shrink_to_fit(),
        }
    }
}

/// Row accounting of one sheet.
#[derive(Debug, Default)]
pub struct Tally {
    pub read: u32,
    pub accepted: u32,
    pub rejected_rows: Vec<u32>,
    pub skipped: u32,
    /// 填表日期 written in a footer row: ranks returns like 填报日期 when 基本情况 has none.
    pub footer_date: Option<PDate>,
    /// Values of a 支部 column (the branch the rows say they belong to).
    pub branch_names: Vec<String>,
}
fn is_ditto(s: &str) -> bool {
    matches!(s.trim(), "同上" | "〃" | "\"" | "''" | "々")
}

/// One data row being read.
struct Row<'r> {
    cells: &'r GridRow,
    prev: Option<&'r GridRow>,
    header: &'r Header,
    row: u32,
    rejected: bool,
    /// What the row is about, for findings; worked out on the first finding (most rows have
    /// none).
    subject: std::cell::OnceCell<String>,
}

impl<'r> Row<'r> {
    #[inline]
    fn subject(&self) -> &str {
        self.subject.get_or_init(|| subject(self, self.header.kind))
    }

    /// The cell under a field; `同上`/`〃` take the cell above (DOMAIN.md §4.5).
    #[inline]
    fn cell(&self, field: &str) -> Option<(&'r Cell, u32)> {
        let col = self.header.col(field)?;
        let cell = self.cells.get(col)?;
        if let Cell::Text(t) = cell
            && is_ditto(t)
        {
            return self.prev.and_then(|p| p.get(col)).map(|c| (c, col));
        }
        Some((cell, col))
    }

    #[inline]
    fn col(&self, field: &str) -> u32 {
        self.header.col(field).unwrap_or(0)
    }

    /// A cell's cleaned text; formula errors are reported (D003) and read as empty.
    #[inline]
    fn text(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        let (cell, col) = self.cell(field)?;
        let text: Text = match cell {
            Cell::Error(e) => {
                cx.find(
                    Code::D003,
                    self.subject(),
                    format!("「{field}」是公式错误 {e}，已按空值处理；请改为实际填写的内容"),
                    self.row,
                    col,
                );
                return None;
            }
            Cell::Number(n) => number_compact(*n),
            Cell::Text(t) => Text::from(clean_cow(t)?.as_ref()),
            other => Text::from(clean_cow(&other.display())?.as_ref()),
        };
        Some(Val::new(text, cx.prov(self.row, col)))
    }

    #[inline]
    fn name(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        self.text(cx, field)
            .map(|v| match fold_name_cow(&v.value) {
                Cow::Borrowed(_) => v,
                Cow::Owned(folded) => Val::new(Text::from(folded), v.at),
            })
            .filter(|v| !v.value.is_empty())
    }

    #[inline]
    fn missing(&mut self, cx: &mut SheetCtx, field: &str, what: &str) {
        self.rejected = true;
        let col = self.col(field);
        cx.find(
            Code::D001,
            self.subject(),
            format!("「{field}」未填写，本行未读入；请补填{what}后重新报送"),
            self.row,
            col,
        );
    }

    /// Free text (学习内容, 问题描述…) kept as written, full-width punctuation and all: it is
    /// shown back to people, and rules fold it themselves when they search it.
    #[inline]
    fn free_text(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        match self.cell(field)? {
            (Cell::Text(t), col) => {
                let t = t.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
                // Only a short text can be one of the "empty" marks; long ones skip the folding.
                if t.is_empty() || (t.len() <= 8 && clean_value(t).is_none()) {
                    return None;
                }
                Some(Val::new(Text::from(t), cx.prov(self.row, col)))
            }
            _ => self.text(cx, field),
        }
    }

    #[inline]
    fn required_free_text(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        let v = self.free_text(cx, field);
        if v.is_none() {
            self.missing(cx, field, field);
        }
        v
    }

    #[inline]
    fn required_text(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        let v = self.text(cx, field);
        if v.is_none() {
            self.missing(cx, field, field);
        }
        v
    }

    #[inline]
    fn required_name(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        let v = self.name(cx, field);
        if v.is_none() {
            self.missing(cx, field, field);
        }
        v
    }

    /// A date. `month_ok` for 出生/入党 dates; `event` dates after `--as-of` raise D007.
    #[inline]
    fn date(
        &mut self,
        cx: &mut SheetCtx,
        field: &str,
        required: bool,
        month_ok: bool,
        event: bool,
    ) -> Option<Val<PDate>> {
        let Some((cell, col)) = self.cell(field) else {
            if required {
                self.missing(cx, field, field);
            }
            return None;
        };
        let need = DateNeed {
            required,
            month_ok,
            event,
        };
        let subject = || self.subject().to_string();
        match cell_date(cx, &subject, field, cell, (self.row, col), need) {
            DateRead::Ok(v) => Some(v),
            DateRead::Empty => {
                if required {
                    self.missing(cx, field, field);
                }
                None
            }
            DateRead::Bad => {
                self.rejected |= required;
                None
            }
        }
    }

    /// A value of a closed vocabulary; an unknown value raises D003 saying what was expected.
    fn vocab<T>(
        &mut self,
        cx: &mut SheetCtx,
        field: &str,
        parse: fn(&str) -> Option<T>,
        fallback: &str,
    ) -> Option<Val<T>> {
        let v = self.text(cx, field)?;
        match parse(&v.value) {
            Some(x) => Some(Val::new(x, v.at)),
            None => {
                cx.find(
                    Code::D003,
                    self.subject(),
                    format!(
                        "「{field}」的“{}”不在规定范围内（应为：{}），{fallback}",
                        v.value,
                        self.allowed(field)
                    ),
                    v.at.row(),
                    v.at.col(),
                );
                None
            }
        }
    }

    /// The labels a vocabulary column takes, as a D003 lists them (from the column table).
    pub(super) fn allowed(&self, field: &str) -> String {
        spec(self.header.kind)
            .column(field)
            .and_then(|c| c.choices)
            .map(|c| c.labels.join("、"))
            .unwrap_or_default()
    }

    #[inline]
    fn count(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<u32>> {
        let v = self.text(cx, field)?;
        let digits = v.value.trim_end_matches(['人', '名']).trim();
        match digits.parse::<f64>() {
            Ok(n) if n >= 0.0 && n.fract() == 0.0 && n < 1e6 => Some(Val::new(n as u32, v.at)),
            _ => {
                cx.find(
                    Code::D003,
                    self.subject(),
                    format!(
                        "「{field}」的“{}”不是人数，已按空值处理；请填写整数",
                        v.value
                    ),
                    v.at.row(),
                    v.at.col(),
                );
                None
            }
        }
    }

    #[inline]
    fn names(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Names>> {
        let v = self.text(cx, field)?;
        let list: Names = split_names(&v.value).into_iter().collect();
        (!list.is_empty()).then(|| Val::new(list, v.at))
    }

    /// Fingerprint of the row's cleaned cells in mapped columns: two rows with the same
    /// fingerprint are the same row sent twice (merging monthly returns, SPEC §3.2).
    fn fingerprint(&self) -> u64 {
        // A multiply-xor hash over each mapped cell's trimmed text as written, eight bytes at a
        // time: a row copied from one return into the next is byte-identical, and hashing it
        // needs no folding or allocation. Only compared within one run.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            let mut chunks = bytes.chunks_exact(8);
            for c in &mut chunks {
                let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
                h = (h ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
            }
            let rest = chunks.remainder();
            let mut tail = [0u8; 8];
            tail[..rest.len()].copy_from_slice(rest);
            h = (h ^ u64::from_le_bytes(tail) ^ ((rest.len() as u64) << 59))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        };
        for (i, col) in self.header.columns.iter().enumerate() {
            if let Some(col) = col {
                eat(&(i as u32).to_le_bytes());
                if let Some(cell) = self.cells.get(*col) {
                    cell.with_display(|shown| {
                        let t = shown.trim();
                        // The conventional "empty" marks count as empty, as they read.
                        if t.len() > 8 || clean_cow(t).is_some() {
                            eat(t.as_bytes());
                        }
                    });
                }
                eat(&[0xff]);
            }
        }
        h
    }
}

/// Dates before this are typing slips, not dates (see `cell_date`).
const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1920, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// What a date cell must be.
#[derive(Clone, Copy)]
pub struct DateNeed {
    pub required: bool,
    /// 出生/入党 dates may be written to the month only.
    pub month_ok: bool,
    /// An event's date: after `--as-of` it raises D007.
    pub event: bool,
}

pub enum DateRead {
    Ok(Val<PDate>),
    Empty,
    /// Unreadable; a D002 (or D003 for a formula error) was raised.
    Bad,
}

/// Read a date cell, raising D002/D003/D007 at it as SPEC §3 and §6 say. `subject` is asked
/// for only when a finding is raised.
pub fn cell_date(
    cx: &mut SheetCtx,
    subject: &dyn Fn() -> String,
    field: &str,
    cell: &Cell,
    (row, col): (u32, u32),
    need: DateNeed,
) -> DateRead {
    let parsed = match cell {
        Cell::Date(d) => Some(dates::ParsedDate {
            value: PDate {
                date: *d,
                precision: Precision::Day,
            },
            note: None,
        }),
        Cell::Number(n) => year_month_number(&number_text(*n), need)
            .or_else(|| dates::parse_date_number(*n, cx.is_1904, cx.year)),
        Cell::Text(t) => year_month_number(t.trim(), need).or_else(|| text_date(t.trim(), cx)),
        Cell::Bool(_) => None,
        Cell::Error(e) => {
            cx.find(
                Code::D003,
                &subject(),
                format!("「{field}」是公式错误 {e}，已按空值处理；请改为实际日期"),
                row,
                col,
            );
            return DateRead::Empty;
        }
    };
    // As written, for messages (and to tell an empty cell): most dates need neither.
    let written = || cell.display();
    if parsed.is_none() && clean_cow(&written()).is_none() {
        return DateRead::Empty;
    }
    let tail = if need.required {
        "本行未读入"
    } else {
        "已按空值处理"
    };
    let Some(p) = parsed else {
        cx.find(
            Code::D002,
            &subject(),
            format!(
                "「{field}」的“{}”无法识别为日期，{tail}；请写成“2024年7月31日”或“2024-07-31”",
                written()
            ),
            row,
            col,
        );
        return DateRead::Bad;
    };
    if p.value.precision == Precision::Month && !need.month_ok {
        cx.find(
            Code::D002,
            &subject(),
            format!(
                "「{field}」的“{}”只写到月，缺少日，{tail}；请写成“2024年7月31日”或“2024-07-31”",
                written()
            ),
            row,
            col,
        );
        return DateRead::Bad;
    }
    // No party member alive was born, joined or met before 1920: such a "date" is a number
    // typed into a date cell (930 reads as an Excel serial in 1902), never read silently.
    if p.value.date < EARLIEST_DATE {
        cx.find(Code::D002, &subject(), format!("「{field}」的“{}”读出来是 {}，不像真实日期，{tail}；请写成“2024年7月31日”或“2024-07-31”", written(), p.value.date.format("%Y-%m-%d")), row, col);
        return DateRead::Bad;
    }
    let mut p = p;
    if p.note == Some(DateNote::YearAssumed) {
        p.value.date = cx.campaign.place_yearless(p.value.date);
    }
    let year = p.value.date.format("%Y");
    match p.note {
        Some(DateNote::YearAssumed) => cx.find(
            Code::D003,
            &subject(),
            format!("「{field}」的“{}”没有写年份，已按{year}年计；请补全年份", written()),
            row,
            col,
        ),
        Some(DateNote::MonthMaybeTen) => cx.find(
            Code::D003,
            &subject(),
            format!("「{field}」的“{}”按{year}年1月读入，但可能原为10月（Excel 会把 2005.10 存成 2005.1）；请把该列设为文本后写成“{year}年10月”或“{year}年1月”", written()),
            row,
            col,
        ),
        None => {}
    }
    if need.event && p.value.date > cx.as_of {
        cx.find(
            Code::D007,
            &subject(),
            format!(
                "「{field}」{} 晚于统计截止日 {}，请核对；该记录暂不计入各项检查",
                p.value.date.format("%Y-%m-%d"),
                cx.as_of.format("%Y-%m-%d")
            ),
            row,
            col,
        );
    }
    DateRead::Ok(Val::new(p.value, cx.prov(row, col)))
}

/// `197808` in a 出生/入党 column: a year and month written as six digits (a common habit),
/// never a date, since those columns may stop at the month.
fn year_month_number(t: &str, need: DateNeed) -> Option<dates::ParsedDate> {
    let t = crate::text::nfkc(t);
    let t = t.trim();
    if !need.month_ok || t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m) = (t[..4].parse::<i32>().ok()?, t[4..].parse::<u32>().ok()?);
    let date = NaiveDate::from_ymd_opt(y, m, 1).filter(|_| (1900..=2100).contains(&y))?;
    Some(dates::ParsedDate {
        value: PDate {
            date,
            precision: Precision::Month,
        },
        note: None,
    })
}

/// A date written as text. Whole numbers (a CSV's 20240731 or 45504) read as the number they
/// show; `2005.1` is the text Excel writes for the number 2005.10, so it carries the same
/// "may be October" note as the number would.
fn text_date(t: &str, cx: &SheetCtx) -> Option<dates::ParsedDate> {
    if !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Some(p) = t
            .parse::<f64>()
            .ok()
            .and_then(|n| dates::parse_date_number(n, cx.is_1904, cx.year))
    {
        return Some(p);
    }
    let mut p = dates::parse_date_text(t, cx.year)?;
    let looks_cut = t.len() == 6
        && t.as_bytes()[4] == b'.'
        && t.ends_with('1')
        && t[..4].bytes().all(|b| b.is_ascii_digit());
    if looks_cut && p.value.precision == Precision::Month {
        p.note = Some(DateNote::MonthMaybeTen);
    }
    Some(p)
}
/// Read every row under `header`; returns the records and the sheet's tally.
pub fn read_rows(grid: &Grid, header: &Header, cx: &mut SheetCtx) -> (Records, Tally) {
    let mut tally = Tally::default();
    let data: Vec<&GridRow> = grid.rows.iter().filter(|r| r.row > header.rows.1).collect();
    // Sized once from the rows below the header: the records live until the last output is
    // written, and growth slack kept through the read was a sixth of the peak.
    let n = data.len();
    let mut records = match header.kind {
        SheetKind::Branches => Records::Branches(Vec::with_capacity(n)),
        SheetKind::Leaders => Records::Leaders(Vec::with_capacity(n)),
        SheetKind::Info => Records::Info(Box::default()),
        SheetKind::Roster => Records::Roster(Vec::with_capacity(n)),
        SheetKind::Meetings => Records::Meetings(Vec::with_capacity(n)),
        SheetKind::Talks => Records::Talks(Vec::with_capacity(n)),
        SheetKind::Problems => Records::Problems(Vec::with_capacity(n)),
        SheetKind::Rectifications => Records::Rectifications(Vec::with_capacity(n)),
        SheetKind::Results => Records::Results(Vec::with_capacity(n)),
        SheetKind::Committee => Records::Committee(Vec::with_capacity(n)),
        SheetKind::Evaluation => Records::Evaluation(Vec::with_capacity(n)),
    };
    let mut prev: Option<&GridRow> = None;
    for cells in data {
        match classify(grid, header, cells, cx.year) {
            RowClass::Skip => {
                tally.skipped += 1;
                continue;
            }
            RowClass::Footer(date) => {
                tally.skipped += 1;
                tally.footer_date = tally.footer_date.or(date);
                continue;
            }
            RowClass::Data => {}
        }
        tally.read += 1;
        if let Some(col) = header.branch_col
            && let Some(cell) = cells.get(col)
        {
            cell.with_display(|shown| {
                if let Some(name) = clean_cow(shown)
                    && !tally.branch_names.iter().any(|n| *n == name)
                {
                    tally.branch_names.push(name.into_owned());
                }
            });
        }
        let mut row = Row {
            cells,
            prev,
            header,
            row: cells.row,
            rejected: false,
            subject: std::cell::OnceCell::new(),
        };
        let ok = match &mut records {
            Records::Branches(v) => push(v, reg_branch(&mut row, cx)),
            Records::Leaders(v) => push(v, leader(&mut row, cx)),
            Records::Info(_) => true,
            Records::Roster(v) => push(v, member(&mut row, cx)),
            Records::Meetings(v) => match meetings(&mut row, cx) {
                Some(ms) => {
                    v.extend(ms);
                    true
                }
                None => false,
            },
            Records::Talks(v) => push(v, talk(&mut row, cx)),
            Records::Problems(v) => push(v, problem(&mut row, cx)),
            Records::Rectifications(v) => push(v, rectification(&mut row, cx)),
            Records::Results(v) => push(v, result(&mut row, cx)),
            Records::Committee(v) => push(v, seat(&mut row, cx)),
            Records::Evaluation(v) => push(v, appraisal(&mut row, cx)),
        };
        if ok && !row.rejected {
            tally.accepted += 1;
        } else {
            tally.rejected_rows.push(cells.row);
        }
        prev = Some(cells);
    }
    records.shrink_to_fit();
    (records, tally)
}

fn push<T>(v: &mut Vec<T>, item: Option<T>) -> bool {
    match item {
        Some(x) => {
            v.push(x);
            true
        }
        None => false,
    }
}

/// What a row is about, for the finding's subject: a name, a 编号, else the row number.
fn subject(row: &Row, kind: SheetKind) -> String {
    let field = match kind {
        SheetKind::Branches => "支部名称",
        SheetKind::Leaders | SheetKind::Roster | SheetKind::Committee | SheetKind::Evaluation => {
            "姓名"
        }
        SheetKind::Meetings => "会议类型",
        SheetKind::Talks => "谈话人",
        SheetKind::Problems | SheetKind::Rectifications => "编号",
        SheetKind::Results => "整改编号",
        SheetKind::Info => "",
    };
    let text = row.cell(field).and_then(|(c, _)| clean_value(&c.display()));
    match (kind, text) {
        (
            SheetKind::Leaders | SheetKind::Roster | SheetKind::Committee | SheetKind::Evaluation,
            Some(t),
        ) => fold_name_cow(&t).into_owned(),
        (_, Some(t)) => t,
        (_, None) => format!("第{}行", row.row + 1),
    }
}
