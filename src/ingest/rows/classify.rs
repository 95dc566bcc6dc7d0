//! Which rows under a header hold data: blank rows, group subtitles, a header repeated on a
//! printed page and footers (合计, 填表人…, whose 填表日期 is kept) are not records.

use crate::ingest::cell::{Cell, Grid, GridRow};
use crate::ingest::dates;
use crate::ingest::header::{Header, MAX_LABEL_BYTES};
use crate::model::PDate;

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
/// How a row under the header is classified before it is read.
pub(super) enum RowClass {
    Data,
    Skip,
    Footer(Option<PDate>),
}

pub(super) fn classify(grid: &Grid, header: &Header, row: &GridRow, year: i32) -> RowClass {
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
