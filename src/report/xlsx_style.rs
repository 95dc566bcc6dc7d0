//! Shared look of the workbooks: a font that renders Chinese in Excel and WPS, header and
//! total rows, and column widths measured in display columns (a Han character is two).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

pub const FONT: &str = "宋体";

pub fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(11)
        .set_align(FormatAlign::VerticalCenter)
}

pub fn header() -> Format {
    base()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

pub fn total() -> Format {
    base()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border_top(FormatBorder::Thin)
}

pub fn warn() -> Format {
    base().set_font_color(Color::RGB(0xC00000))
}

/// Width of text in Excel's column units.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Tracks the widest text per column, then sets widths (capped, so long messages wrap).
pub struct Widths(Vec<usize>);

impl Widths {
    pub fn new(headers: &[&str]) -> Self {
        Widths(headers.iter().map(|h| display_width(h)).collect())
    }

    pub fn see(&mut self, col: usize, text: &str) {
        if col >= self.0.len() {
            self.0.resize(col + 1, 4);
        }
        self.0[col] = self.0[col].max(display_width(text));
    }

    pub fn apply(
        &self,
        ws: &mut rust_xlsxwriter::Worksheet,
        max: usize,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        for (i, w) in self.0.iter().enumerate() {
            ws.set_column_width(i as u16, (*w).clamp(4, max) as f64 + 2.0)?;
        }
        Ok(())
    }
}
