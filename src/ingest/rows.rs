//! Turn the data rows under a header into typed records, one kind at a time. Every cell that
//! cannot be used becomes a D-finding at its A1 cell; a row missing a required value is
//! rejected (D001/D002) and counted, never dropped silently (SPEC §6 "Reading").

use std::borrow::Cow;

use chrono::NaiveDate;

use super::cell::{Cell, Grid, GridRow, number_compact, number_text};
use super::dates::{self, DateNote};
use super::header::{Header, MAX_LABEL_BYTES};
use super::idcard::{self, IdStatus};
use crate::finding::{Code, Finding, Location};
use crate::model::SheetKind;
use crate::model::spelling;
use crate::model::*;
use crate::model::{Deadline, PDate, Precision};
use crate::text::{clean_cow, clean_value, fold_name_cow, split_names, split_values};

/// What every row of one sheet shares.
pub struct SheetCtx<'a> {
    pub path: &'a str,
    pub sheet: &'a str,
    pub file: FileId,
    pub sheet_idx: u16,
    pub year: i32,
    pub as_of: NaiveDate,
    pub is_1904: bool,
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

/// Words that open a footer or note row below the data (DOMAIN.md §0).
/// (At most [`FOOTER_HEAD_CHARS`] characters each.)
const FOOTER_PREFIXES: &[&str] = &[
    "合计",
    "小计",
    "总计",
    "填表人",
    "填报人",
    "审核人",
    "审核",
    "填表日期",
    "填报日期",
    "制表人",
    "制表",
    "负责人",
    "注:",
    "注:",
    "说明:",
    "备注:",
    "填表说明",
    "单位负责人",
    "联系人",
];

/// The longest of [`FOOTER_PREFIXES`], in characters.
const FOOTER_HEAD_CHARS: usize = 5;

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
    fn subject(&self) -> &str {
        self.subject.get_or_init(|| subject(self, self.header.kind))
    }

    /// The cell under a field; `同上`/`〃` take the cell above (DOMAIN.md §4.5).
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

    fn col(&self, field: &str) -> u32 {
        self.header.col(field).unwrap_or(0)
    }

    /// A cell's cleaned text; formula errors are reported (D003) and read as empty.
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

    fn name(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        self.text(cx, field)
            .map(|v| match fold_name_cow(&v.value) {
                Cow::Borrowed(_) => v,
                Cow::Owned(folded) => Val::new(Text::from(folded), v.at),
            })
            .filter(|v| !v.value.is_empty())
    }

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

    fn required_free_text(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        let v = self.free_text(cx, field);
        if v.is_none() {
            self.missing(cx, field, field);
        }
        v
    }

    fn required_text(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        let v = self.text(cx, field);
        if v.is_none() {
            self.missing(cx, field, field);
        }
        v
    }

    fn required_name(&mut self, cx: &mut SheetCtx, field: &str) -> Option<Val<Text>> {
        let v = self.name(cx, field);
        if v.is_none() {
            self.missing(cx, field, field);
        }
        v
    }

    /// A date. `month_ok` for 出生/入党 dates; `event` dates after `--as-of` raise D007.
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
        allowed: &str,
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
                        "「{field}」的“{}”不在规定范围内（应为：{allowed}），{fallback}",
                        v.value
                    ),
                    v.at.row(),
                    v.at.col(),
                );
                None
            }
        }
    }

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
    let year = p.value.date.format("%Y");
    match p.note {
        Some(DateNote::YearAssumed) => cx.find(
            Code::D003,
            &subject(),
            format!(
                "「{field}」的“{}”没有写年份，已按{}年计；请补全年份",
                written(),
                cx.year
            ),
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

/// How a row under the header is classified before it is read.
enum RowClass {
    Data,
    Skip,
    Footer(Option<PDate>),
}

fn classify(grid: &Grid, header: &Header, row: &GridRow, year: i32) -> RowClass {
    // Runs on every row: nothing is allocated for an ordinary data row.
    let content = || row.cells.iter().filter(|(c, _)| Some(*c) != header.seq_col);
    let mut cells = content();
    let Some((first_col, first)) = cells.next() else {
        // Blank, or holding nothing but a 序号 (SPEC §6).
        return RowClass::Skip;
    };
    let single = cells.next().is_none();
    // Only text can open a footer or a subtitle (numbers, dates and 是/否 never do).
    let first_text = match first {
        Cell::Text(t) => Some(t.as_str()),
        _ => None,
    };
    let head = first_text.map(|t| crate::text::folded_head(t, FOOTER_HEAD_CHARS));
    let seq = header.seq_col.and_then(|c| match row.get(c) {
        Some(Cell::Text(t)) => Some(crate::text::nfkc(t)),
        _ => None,
    });
    if FOOTER_PREFIXES.iter().any(|p| {
        head.as_ref().is_some_and(|h| h.starts_with(p))
            || seq.as_ref().is_some_and(|s| s.starts_with(p))
    }) {
        let date = footer_date(
            &row.cells
                .iter()
                .map(|(_, c)| c.display())
                .collect::<Vec<_>>()
                .join(" "),
            year,
        );
        return RowClass::Footer(date);
    }
    // A group subtitle: one merged cell across the row, or one short cell such as
    // `一、正式党员` / `第一党小组`.
    if let Some(m) = grid.horizontal_merge_at(row.row, *first_col)
        && content().all(|(c, _)| (m.start.1..=m.end.1).contains(c))
    {
        return RowClass::Skip;
    }
    if single && let Some(t) = first_text {
        let folded: String = crate::text::nfkc(t)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if is_subtitle(&folded) {
            return RowClass::Skip;
        }
    }
    // The header repeated (printed pages): mapped columns hold their own header texts. The
    // first mapped column decides cheaply for ordinary rows.
    let first_mapped = header
        .columns
        .iter()
        .zip(&header.texts)
        .find_map(|(c, t)| Some((row.get((*c)?), t.as_ref()?)));
    // A cell longer than any header label (see `header::row_labels`) repeats no header.
    let maybe_header = match first_mapped {
        Some((Some(Cell::Text(t)), h)) => {
            t.len() <= MAX_LABEL_BYTES && crate::text::fold_header_cow(t) == h.as_str()
        }
        _ => false,
    };
    if !maybe_header {
        return RowClass::Data;
    }
    let repeats = header
        .columns
        .iter()
        .zip(&header.texts)
        .filter_map(|(c, t)| Some((row.get((*c)?)?, t.as_ref()?)))
        .filter(|(cell, t)| crate::text::fold_header(&cell.display()) == **t)
        .count();
    if repeats >= 2 {
        return RowClass::Skip;
    }
    RowClass::Data
}

fn is_subtitle(s: &str) -> bool {
    let mut chars = s.chars();
    let first = chars.next().unwrap_or(' ');
    let numbered = "一二三四五六七八九十".contains(first) && s.contains(['、', '.']);
    let group =
        s.starts_with('第') && (s.ends_with("党小组") || s.ends_with("小组") || s.ends_with('组'));
    numbered || group
}

fn footer_date(text: &str, year: i32) -> Option<PDate> {
    let text = crate::text::nfkc(text);
    let i = text.find("填表日期").or_else(|| text.find("填报日期"))?;
    let rest = text[i + "填表日期".len()..].trim_start_matches([':', ' ']);
    // The date ends where the next label (审核人…) begins.
    let end = rest
        .char_indices()
        .find(|(_, c)| crate::text::is_han(*c) && !"年月日号〇零一二三四五六七八九十".contains(*c))
        .map_or(rest.len(), |(i, _)| i);
    dates::parse_date_text(rest[..end].trim(), year).map(|p| p.value)
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
        SheetKind::Leaders | SheetKind::Roster => "姓名",
        SheetKind::Meetings => "会议类型",
        SheetKind::Talks => "谈话人",
        SheetKind::Problems | SheetKind::Rectifications => "编号",
        SheetKind::Results => "整改编号",
        SheetKind::Info => "",
    };
    let text = row.cell(field).and_then(|(c, _)| clean_value(&c.display()));
    match (kind, text) {
        (SheetKind::Leaders | SheetKind::Roster, Some(t)) => fold_name_cow(&t).into_owned(),
        (_, Some(t)) => t,
        (_, None) => format!("第{}行", row.row + 1),
    }
}

fn reg_branch(row: &mut Row, cx: &mut SheetCtx) -> Option<RegBranch> {
    let name = row.required_text(cx, "支部名称");
    let category_text = row.required_text(cx, "支部类别");
    let category = category_text.and_then(|v| match spelling::category(&v.value) {
        Some(c) => Some(Val::new(c, v.at)),
        None => {
            cx.find(Code::D003, row.subject(), format!("「支部类别」的“{}”不在规定范围内（应为：村、社区、机关、事业单位、非公企业、社会组织），该支部的督导要求无法判断；请改为其中之一", v.value), v.at.row(), v.at.col());
            None
        }
    });
    let has_committee = row
        .vocab(cx, "设支委会", spelling::yes_no, "是、否", "已按“是”处理")
        .is_none_or(|v| v.value);
    let secretary = row.name(cx, "书记");
    let member_count = row.count(cx, "党员人数");
    let phone = row.text(cx, "联系电话");
    let name = name?;
    let key = String::new();
    (!row.rejected).then_some(RegBranch {
        name,
        key,
        category,
        has_committee,
        secretary,
        member_count,
        phone,
    })
}

fn leader(row: &mut Row, cx: &mut SheetCtx) -> Option<Leader> {
    let name = row.required_name(cx, "姓名");
    let title = row.text(cx, "职务");
    let rank_text = row.required_text(cx, "职级");
    let rank = rank_text.and_then(|v| match spelling::rank(&v.value) {
        Some(r) => Some(Val::new(r, v.at)),
        None => {
            cx.find(Code::D003, row.subject(), format!("「职级」的“{}”不在职级序列中（办事员、科员、副科级、正科级、副处级、正处级、副厅级、正厅级或对应职级），无法判断是否达到督导要求；请改为规范职级", v.value), v.at.row(), v.at.col());
            None
        }
    });
    let town_committee = row
        .vocab(
            cx,
            "镇党委班子成员",
            spelling::yes_no,
            "是、否",
            "已按“否”处理",
        )
        .is_some_and(|v| v.value);
    let home_branch = row.text(cx, "所在支部");
    let name = name?;
    (!row.rejected).then_some(Leader {
        name,
        title,
        rank,
        town_committee,
        home_branch,
    })
}

fn member(row: &mut Row, cx: &mut SheetCtx) -> Option<Member> {
    let fp = row.fingerprint();
    let name = row.required_name(cx, "姓名");
    let gender = row.vocab(cx, "性别", spelling::gender, "男、女", "已按空值处理");
    let birth = row.date(cx, "出生日期", false, true, true);
    let joined = row.date(cx, "入党日期", false, true, true);
    let category = row.vocab(
        cx,
        "党员类别",
        spelling::member_category,
        "正式党员、预备党员",
        "已按空值处理；入党申请人、积极分子、发展对象不应列入党员花名册",
    );
    let role = match row.vocab(
        cx,
        "党内职务",
        spelling::role,
        "书记、副书记、组织委员、宣传委员、纪检委员、青年委员、委员、党员",
        "已按“党员”处理",
    ) {
        Some(r) => r,
        None => Val::new(
            Role::Member,
            cx.prov(
                row.row,
                row.header
                    .col("党内职务")
                    .or(row.header.col("姓名"))
                    .unwrap_or(0),
            ),
        ),
    };
    let mut special = Vec::new();
    if let Some(v) = row.text(cx, "特殊情况") {
        for piece in split_values(&v.value) {
            match spelling::special(&piece) {
                Some(Some(s)) => special.push(Val::new(s, v.at)),
                Some(None) => {}
                None => cx.find(Code::D003, row.subject(), format!("「特殊情况」的“{piece}”不在规定范围内（应为：流动党员、困难党员、年老体弱党员），已忽略"), v.at.row(), v.at.col()),
            }
        }
    }
    let group = row.name(cx, "党小组");
    let (id_number, id_valid) = match row.cell("身份证号") {
        None => (None, false),
        Some((cell, col)) => {
            let (text, status) = match cell {
                Cell::Number(n) => idcard::id_from_number(*n),
                other => {
                    let t = idcard::normalize_id(&other.display());
                    let s = idcard::check_id(&t);
                    (t, s)
                }
            };
            if text.is_empty() || clean_value(&text).is_none() {
                (None, false)
            } else {
                if status != IdStatus::Valid {
                    let why = match status {
                        IdStatus::DigitsLost => "以数字形式保存，后几位已被 Excel 丢失，无法恢复；请把该列设为“文本”格式后重新录入".to_string(),
                        IdStatus::BadChecksum => "校验位不正确，可能有数字录错；请对照身份证核对".to_string(),
                        IdStatus::BadBirthDate => "其中的出生日期不存在；请对照身份证核对".to_string(),
                        IdStatus::BadLength => "位数不对（应为18位）；请对照身份证核对".to_string(),
                        _ => "含有不应出现的字符；请对照身份证核对".to_string(),
                    };
                    cx.find(
                        Code::D006,
                        row.subject(),
                        format!("身份证号“{text}”{why}"),
                        row.row,
                        col,
                    );
                }
                (
                    Some(Val::new(Text::from(text), cx.prov(row.row, col))),
                    status == IdStatus::Valid,
                )
            }
        }
    };
    let phone = phone(row, cx);
    let name = name?;
    (!row.rejected).then_some(Member {
        name,
        gender,
        birth,
        joined,
        category,
        role,
        special,
        group,
        id_number,
        id_valid,
        phone,
        fp,
    })
}

fn phone(row: &mut Row, cx: &mut SheetCtx) -> Option<Val<Text>> {
    let (cell, col) = row.cell("联系电话")?;
    let text = match cell {
        Cell::Number(n) => idcard::phone_from_number(*n),
        other => idcard::normalize_phone(&clean_value(&other.display())?),
    };
    if !idcard::phone_ok(&text) {
        cx.find(
            Code::D003,
            row.subject(),
            format!("「联系电话」“{text}”不是有效的手机号或固定电话，请核对"),
            row.row,
            col,
        );
    }
    Some(Val::new(Text::from(text), cx.prov(row.row, col)))
}

/// A row may name several types (`党员大会、党课`): one meeting per type, same cells.
fn meetings(row: &mut Row, cx: &mut SheetCtx) -> Option<Vec<Meeting>> {
    let fp = row.fingerprint();
    let kind_text = row.required_text(cx, "会议类型");
    let date = row.date(cx, "会议日期", true, false, true);
    let expected = row.count(cx, "应到人数");
    let present = row.count(cx, "实到人数");
    let host = row.name(cx, "主持人");
    let attendees = row.names(cx, "参会人员");
    let content = row.free_text(cx, "学习内容");
    let supervisors = row.names(cx, "督导人员");
    let supervisor_ranks = row.text(cx, "督导人员职级").map(|v| {
        let ranks = split_values(&v.value)
            .iter()
            .map(|piece| {
                let r = spelling::rank(piece);
                if r.is_none() {
                    cx.find(Code::D003, row.subject(), format!("「督导人员职级」的“{piece}”不在职级序列中，无法判断督导人员职级；请改为规范职级（如“副科级”“四级主任科员”）"), v.at.row(), v.at.col());
                }
                r
            })
            .collect();
        Val::new(ranks, v.at)
    });
    let sent_by = row.text(cx, "派出单位");
    let commented = row.vocab(
        cx,
        "是否点评",
        spelling::commented,
        "是、否",
        "已按“未点评”处理",
    );
    let group = row.name(cx, "党小组");
    let kind_text = kind_text?;
    let date = date?;
    let mut kinds = Vec::new();
    for piece in split_values(&kind_text.value) {
        match spelling::meeting_kind(&piece) {
            Some(k) if !kinds.contains(&k) => kinds.push(k),
            Some(_) => {}
            None => {
                let hint = if piece.contains("民主生活会") {
                    "民主生活会是领导班子的会议，支部应填“党员大会”或“支委会”"
                } else {
                    "如是专题组织生活会，请注明召开的是“支委会”还是“党员大会”"
                };
                cx.find(Code::D003, row.subject(), format!("「会议类型」的“{piece}”不在规定范围内（应为：集中学习、主题党日、党课、支委会、党员大会、党小组会），本条不计入任何环节；{hint}"), kind_text.at.row(), kind_text.at.col());
                if !kinds.contains(&MeetingKind::Other) {
                    kinds.push(MeetingKind::Other);
                }
            }
        }
    }
    if kinds.is_empty() {
        kinds.push(MeetingKind::Other);
    }
    if row.rejected {
        return None;
    }
    Some(
        kinds
            .into_iter()
            .map(|k| Meeting {
                kind: Val::new(k, kind_text.at),
                date: date.clone(),
                expected: expected.clone(),
                present: present.clone(),
                host: host.clone(),
                attendees: attendees.clone(),
                content: content.clone(),
                supervisors: supervisors.clone(),
                supervisor_ranks: supervisor_ranks.clone(),
                sent_by: sent_by.clone(),
                commented: commented.clone(),
                group: group.clone(),
                fp,
            })
            .collect(),
    )
}

fn talk(row: &mut Row, cx: &mut SheetCtx) -> Option<Talk> {
    let fp = row.fingerprint();
    let date = row.date(cx, "谈话日期", true, false, true);
    let talker = row.required_name(cx, "谈话人");
    let partners = row.names(cx, "谈话对象");
    if partners.is_none() {
        row.missing(cx, "谈话对象", "谈话对象");
    }
    let target = row.vocab(
        cx,
        "对象类别",
        spelling::talk_target,
        "班子成员、党员、流动党员、困难党员、年老体弱党员、群众、服务对象",
        "已按空值处理",
    );
    let mode = row.vocab(
        cx,
        "谈话方式",
        spelling::talk_mode,
        "面谈、电话、视频、上门走访",
        "已按空值处理",
    );
    let content = row.free_text(cx, "主要内容");
    let (date, talker, partners) = (date?, talker?, partners?);
    (!row.rejected).then_some(Talk {
        date,
        talker,
        partners,
        target,
        mode,
        content,
        fp,
    })
}

fn problem(row: &mut Row, cx: &mut SheetCtx) -> Option<Problem> {
    let fp = row.fingerprint();
    let id = row.required_text(cx, "编号");
    let owner = row.required_name(cx, "责任主体");
    let category = row.free_text(cx, "问题类别");
    let description = row.required_free_text(cx, "问题描述");
    let date = row.date(cx, "查摆日期", true, false, true);
    let (id, owner, description, date) = (id?, owner?, description?, date?);
    (!row.rejected).then_some(Problem {
        id,
        owner,
        category,
        description,
        date,
        fp,
    })
}

fn rectification(row: &mut Row, cx: &mut SheetCtx) -> Option<Rectification> {
    let fp = row.fingerprint();
    let id = row.required_text(cx, "编号");
    let problem_ids = row.required_text(cx, "问题编号").map(|v| {
        let ids = split_values(&v.value).into_iter().map(Text::from).collect();
        Val::new(ids, v.at)
    });
    let item = row.required_free_text(cx, "整改事项");
    let measure = row.required_free_text(cx, "整改措施");
    let owner = row.required_name(cx, "责任人");
    let deadline = deadline(row, cx);
    let (id, problem_ids, item, measure, owner, deadline) =
        (id?, problem_ids?, item?, measure?, owner?, deadline?);
    (!row.rejected).then_some(Rectification {
        id,
        problem_ids,
        item,
        measure,
        owner,
        deadline,
        fp,
    })
}

/// 整改时限: a date, `X月底前`, 立行立改 or 长期坚持.
fn deadline(row: &mut Row, cx: &mut SheetCtx) -> Option<Val<Deadline>> {
    let field = "整改时限";
    let Some((cell, col)) = row.cell(field) else {
        row.missing(cx, field, field);
        return None;
    };
    let number = |n: f64| {
        dates::parse_date_number(n, cx.is_1904, cx.year)
            .filter(|p| p.value.precision == Precision::Day && p.value.date >= EARLIEST_DATE)
            .map(|p| (Deadline::Date(p.value.date), p.note))
    };
    let parsed = match cell {
        Cell::Date(d) => Some((Deadline::Date(*d), None)),
        Cell::Number(n) => number(*n),
        other => {
            let Some(t) = clean_value(&other.display()) else {
                row.missing(cx, field, field);
                return None;
            };
            // A whole number as text (a CSV's 45565 or 20240930) reads as the number it
            // shows, as in every other date column.
            let whole = t.bytes().all(|b| b.is_ascii_digit());
            whole
                .then(|| t.parse::<f64>().ok().and_then(number))
                .flatten()
                .or_else(|| dates::parse_deadline_text(&t, cx.year))
        }
    };
    let Some((d, note)) = parsed else {
        row.rejected = true;
        cx.find(Code::D002, row.subject(), format!("「整改时限」的“{}”无法识别，本行未读入；请写具体日期、“X月底前”、“立行立改”或“长期坚持”", cell.display()), row.row, col);
        return None;
    };
    if note == Some(DateNote::YearAssumed) {
        cx.find(
            Code::D003,
            row.subject(),
            format!(
                "「整改时限」的“{}”没有写年份，已按{}年计；请补全年份",
                cell.display(),
                cx.year
            ),
            row.row,
            col,
        );
    }
    Some(Val::new(d, cx.prov(row.row, col)))
}

fn result(row: &mut Row, cx: &mut SheetCtx) -> Option<RectResult> {
    let fp = row.fingerprint();
    let rect_id = row.required_text(cx, "整改编号");
    let status = row.required_text(cx, "完成情况").map(|v| match spelling::result_status(&v.value) {
        Some(s) => Val::new(s, v.at),
        None => {
            cx.find(
                Code::D003,
                row.subject(),
                format!("「完成情况」的“{}”不在规定范围内（应为：已完成、基本完成、推进中、长期坚持、未完成），已按“未完成”处理；请改为其中之一", v.value),
                v.at.row(),
                v.at.col(),
            );
            Val::new(ResultStatus::NotDone, v.at)
        }
    });
    // 已完成 needs its date (SPEC §6): missing, D001; unreadable, D002; either rejects the row.
    let finished = status
        .as_ref()
        .is_some_and(|s| s.value == ResultStatus::Done);
    let blank = row
        .cell("完成日期")
        .is_none_or(|(c, _)| clean_value(&c.display()).is_none());
    let done = if finished && blank {
        row.rejected = true;
        let col = row
            .header
            .col("完成日期")
            .or(status.as_ref().map(|s| s.at.col()))
            .unwrap_or(0);
        cx.find(
            Code::D001,
            row.subject(),
            "「完成情况」为已完成，但「完成日期」未填写，本行未读入；请补填完成日期".to_string(),
            row.row,
            col,
        );
        None
    } else {
        row.date(cx, "完成日期", finished, false, true)
    };
    let publicised = row.vocab(cx, "是否公示", spelling::yes_no, "是、否", "已按空值处理");
    let (rect_id, status) = (rect_id?, status?);
    (!row.rejected).then_some(RectResult {
        rect_id,
        status,
        done,
        publicised,
        fp,
    })
}
