//! Shared look of the workbooks: a font that renders Chinese in Excel and WPS, coloured status
//! and severity fills, column widths measured in display columns (a Han character is two),
//! and the print setup of a report meant for A4.

use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::mask::Pii;
use crate::finding::Severity;

pub const FONT: &str = "宋体";

pub fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_align(FormatAlign::VerticalCenter)
}

/// A workbook whose default cell format is [`base`], compressed at zip level 3.
///
/// With the default format set, a plain cell is written with no format at all: rust_xlsxwriter
/// hashes the whole `Format` on every `*_with_format` call, which was a tenth of a full check's
/// time. Level 3 instead of 6 takes a third off the compression for a file ~13% bigger
/// (../shared/bench/RESULTS.md). rust_xlsxwriter wants the default font's column width and row
/// height in pixels (from a fixed set of widths); 72 × 19 is our estimate for 宋体 11. It only
/// sets unsized columns and where notes sit: every column we fill is sized explicitly.
pub fn workbook() -> Workbook {
    let mut wb = Workbook::new();
    // Cannot fail: no worksheet yet, and 72 is a supported width.
    let _ = wb.set_default_format(&base(), 19, 72);
    wb.set_zip_compression_level(3);
    wb
}

/// Marks a township-wide workbook as orglife's own output (a custom document property, see
/// [`crate::model::outputs::MARKER`]), so that a later run finds it in the input and skips it.
/// Feedback workbooks and templates are not marked: they come back as returns.
pub fn mark_own_output(wb: &mut Workbook, what: &str) {
    let props = DocProperties::new()
        .set_comment("orglife 生成的输出，不是支部报表")
        .set_custom_property(crate::model::outputs::MARKER, what);
    wb.set_properties(&props);
}

pub fn header() -> Format {
    base()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

pub fn title() -> Format {
    base().set_bold().set_font_size(14)
}

pub fn total() -> Format {
    base()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border_top(FormatBorder::Thin)
}

pub fn wrap() -> Format {
    base().set_text_wrap().set_align(FormatAlign::Top)
}

pub fn warn() -> Format {
    base().set_font_color(Color::RGB(0xC00000))
}

/// Traffic-light fills (Excel's own "good / neutral / bad" colours).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Neutral,
    Bad,
    Grey,
    Plain,
    Info,
}

pub fn tone(t: Tone) -> Format {
    let (fill, font) = match t {
        Tone::Good => (0xC6EFCE, 0x006100),
        Tone::Neutral => (0xFFEB9C, 0x9C5700),
        Tone::Bad => (0xFFC7CE, 0x9C0006),
        Tone::Grey => (0xF2F2F2, 0x808080),
        Tone::Info => (0xDDEBF7, 0x1F4E78),
        Tone::Plain => return base(),
    };
    base()
        .set_background_color(Color::RGB(fill))
        .set_font_color(Color::RGB(font))
}

pub fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Error => Tone::Bad,
        Severity::Warning => Tone::Neutral,
        Severity::Info => Tone::Info,
    }
}

pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "严重",
        Severity::Warning => "一般",
        Severity::Info => "提示",
    }
}

/// Width of text in Excel's column units.
pub fn display_width(s: &str) -> usize {
    s.lines()
        .map(|l| l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .max()
        .unwrap_or(0)
}

/// Tracks the widest text per column, then sets widths (capped, so long messages wrap).
pub struct Widths(Vec<usize>);

impl Widths {
    pub fn new(headers: &[&str]) -> Self {
        Widths(headers.iter().map(|h| display_width(h)).collect())
    }

    /// Note a text in a column; returns its width.
    pub fn see(&mut self, col: usize, text: &str) -> usize {
        if col >= self.0.len() {
            self.0.resize(col + 1, 4);
        }
        let w = display_width(text);
        self.0[col] = self.0[col].max(w);
        w
    }

    pub fn apply(&self, ws: &mut Worksheet, max: usize) -> Result<(), XlsxError> {
        for (i, w) in self.0.iter().enumerate() {
            ws.set_column_width(i as u16, (*w).clamp(4, max) as f64 + 2.0)?;
        }
        Ok(())
    }
}

/// A cell to write: text with a look, or a number.
pub enum Out {
    Text(String, Tone),
    Num(f64),
    NumToned(f64, Tone),
    Empty,
}

impl Out {
    pub fn text(s: impl Into<String>) -> Out {
        Out::Text(s.into(), Tone::Plain)
    }
    pub fn toned(s: impl Into<String>, t: Tone) -> Out {
        Out::Text(s.into(), t)
    }
}

/// Write a header row at `top` and the rows under it; freeze the header, filter it, size the
/// columns, and set up printing (A4 landscape, fit to width, header repeated on every page).
/// Returns the row after the last one written. Every text cell is shown as `pii` allows: a
/// township-wide sheet masks an ID or phone typed anywhere (a name, a 学习内容, a file name).
pub fn table(
    ws: &mut Worksheet,
    top: u32,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<Out>>,
    max_width: usize,
    pii: Pii,
) -> Result<u32, XlsxError> {
    let hf = header();
    let mut widths = Widths::new(headers);
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &hf)?;
    }
    // Text longer than its (capped) column wraps, so messages stay readable and printable.
    let plain = base().set_text_wrap();
    let fmts: Vec<(Tone, Format)> = [Tone::Good, Tone::Neutral, Tone::Bad, Tone::Grey, Tone::Info]
        .into_iter()
        .map(|t| (t, tone(t).set_text_wrap()))
        .collect();
    let fmt = |t: Tone| -> &Format {
        fmts.iter()
            .find(|(x, _)| *x == t)
            .map_or(&plain, |(_, f)| f)
    };
    let mut r = top + 1;
    for row in rows {
        // Lines of the tallest wrapped cell: not every program grows a row to fit wrapped text
        // (LibreOffice keeps the default height, and the lines print over each other).
        let mut lines = 1;
        for (c, cell) in row.into_iter().enumerate() {
            match cell {
                Out::Text(s, t) => {
                    let masked = match pii.text(&s) {
                        std::borrow::Cow::Owned(m) => Some(m),
                        std::borrow::Cow::Borrowed(_) => None,
                    };
                    let s = masked.unwrap_or(s);
                    // Plain text no wider than the column's cap never wraps: it takes the
                    // workbook's default format (see `workbook`); numbers never wrap either.
                    let width = widths.see(c, &s);
                    if t == Tone::Plain && width <= max_width {
                        ws.write_string(r, c as u16, &s)?;
                    } else {
                        ws.write_string_with_format(r, c as u16, &s, fmt(t))?;
                        if width > max_width || s.contains('\n') {
                            lines = lines.max(wrapped_lines(&s, max_width));
                        }
                    }
                }
                Out::Num(x) => {
                    ws.write_number(r, c as u16, x)?;
                }
                Out::NumToned(x, t) => {
                    ws.write_number_with_format(r, c as u16, x, fmt(t))?;
                }
                Out::Empty => {}
            }
        }
        // Still the row being written: a sheet streamed to disk takes its height too. Only
        // the first rows of a sheet: rust_xlsxwriter keeps every sized row in memory to the
        // end (a county's 输入文件 and 党员汇总 sized row by row took 50 MB more), and a sheet
        // that long is filtered on screen, where Excel and WPS fit wrapped rows themselves,
        // rather than printed.
        if lines > 1 && r - top <= SIZED_ROWS {
            ws.set_row_height(r, row_height(lines))?;
        }
        r += 1;
    }
    widths.apply(ws, max_width)?;
    ws.set_freeze_panes(top + 1, 0)?;
    if r > top + 1 {
        ws.autofilter(top, 0, r - 1, (headers.len() - 1) as u16)?;
    }
    print_setup(ws, top)?;
    Ok(r)
}

/// How many rows of a table get a height for their wrapped text (see `table`).
const SIZED_ROWS: u32 = 5_000;

/// One line of [`base`] text, in points.
pub const LINE_HEIGHT: f64 = 15.0;

/// The height of a row of `lines` lines, in points.
pub fn row_height(lines: usize) -> f64 {
    LINE_HEIGHT * lines as f64 + 3.0
}

/// Lines `text` takes wrapped in a column of `width` display columns (a Han character is
/// two), each of its own lines wrapped on its own.
pub fn wrapped_lines(text: &str, width: usize) -> usize {
    let room = width.max(2);
    text.split('\n')
        .map(|l| display_width(l).div_ceil(room).max(1))
        .sum()
}

/// A share as a percentage with one decimal (0.25 shows as 25.0%), in the look of `t`: a
/// number, so that it sorts and filters.
pub fn percent(t: Tone) -> Format {
    tone(t).set_num_format("0.0%")
}

/// How every report sheet prints: A4 landscape, one page wide and as many tall as it takes
/// (never shrunk to fit one page), the header row `header_row` repeated on each page, narrow
/// margins, the sheet's name at the top of each page and “第 1 页，共 N 页” at the bottom.
pub fn print_setup(ws: &mut Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    // Inches: 1 cm left and right, room above and below for the page header and footer.
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_print_center_horizontally(true);
    ws.set_header("&C&A");
    ws.set_footer("&C第 &P 页，共 &N 页");
    Ok(())
}
