//! A look at an .ods's `content.xml` before calamine reads it. calamine builds each sheet
//! as a dense range (value and formula per cell, about 56 bytes) after expanding
//! `table:number-rows-repeated` × `table:number-columns-repeated`, and only refuses above
//! 100 million cells: a 1 KB file can ask for 5 GB. Here the range each table would span is
//! worked out from the same attributes, streaming, without keeping any cell.
//!
//! The bound is an over-estimate of calamine 0.38's `read_table`/`get_range` (ods.rs): a cell
//! counts as filled when it carries a value, a value type or a formula; rows between the
//! first and last filled row count with their repeats; the width is the widest filled row.

use std::io::{BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// calamine's caps on a sheet (ods.rs `MAX_ROWS`, `MAX_COLUMNS`).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// A repeat count, unescaped as calamine reads it; `None` when absent or not a number
/// (calamine then refuses the file itself).
fn attr_u64(e: &BytesStart<'_>, name: &str) -> Option<u64> {
    let a = e.try_get_attribute(name).ok()??;
    quick_xml::escape::unescape(&a.value).ok()?.parse().ok()
}

fn is_filled(e: &BytesStart<'_>) -> bool {
    e.attributes().with_checks(false).flatten().any(|a| {
        let k: &str = a.key.as_ref();
        (k.starts_with("office:") && (k.ends_with("value") || k.ends_with("value-type")))
            || (k == "table:formula" && !a.value.is_empty())
    })
}

/// One table's rows as they are read.
#[derive(Default)]
struct Table {
    rows: u64,
    first_filled: Option<u64>,
    end_filled: u64,
    width: u64,
}

impl Table {
    fn area(&self) -> u64 {
        match self.first_filled {
            Some(first) => (self.end_filled - first).saturating_mul(self.width),
            None => 0,
        }
    }
}

/// The largest range (rows × columns) calamine would build for any table of `content`, or
/// `None` when the XML cannot be followed (calamine then fails on it too).
pub fn largest_range<R: Read>(content: R) -> Option<u64> {
    let mut xml = Reader::from_reader(BufReader::new(content));
    // As calamine configures it: a hostile file must not read differently here.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    let mut largest = 0u64;
    let mut table: Option<Table> = None;
    // Within a row: its repeat count, the columns pushed so far, the empty columns pending,
    // whether a filled cell was seen.
    let mut row: Option<(u64, u64, u64, bool)> = None;
    loop {
        let ev = xml.read_event_into(&mut buf).ok()?;
        let (e, empty) = match &ev {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-row" => {
                        if let (Some(t), Some((repeats, width, _, filled))) = (table.as_mut(), row)
                        {
                            if filled {
                                t.first_filled.get_or_insert(t.rows);
                                t.end_filled = t.rows + repeats;
                                t.width = t.width.max(width);
                            }
                            t.rows += repeats;
                        }
                        row = None;
                    }
                    "table:table" => {
                        if let Some(t) = table.take() {
                            largest = largest.max(t.area());
                        }
                    }
                    _ => {}
                }
                (None, false)
            }
            Event::Eof => break,
            _ => (None, false),
        };
        if let Some(e) = e {
            match e.name().as_ref() {
                "table:table" if !empty => table = Some(Table::default()),
                "table:table-row" if table.is_some() => {
                    let t = table.as_ref()?;
                    let asked = attr_u64(e, "table:number-rows-repeated").unwrap_or(1);
                    let repeats = asked.min(MAX_ROWS.saturating_sub(t.rows));
                    if empty {
                        // An empty row element: nothing filled, only its rows.
                        if let Some(t) = table.as_mut() {
                            t.rows += repeats;
                        }
                    } else {
                        row = Some((repeats, 0, 0, false));
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some((_, width, pending, filled)) = row.as_mut() {
                        let repeats = attr_u64(e, "table:number-columns-repeated").unwrap_or(1);
                        if is_filled(e) {
                            *width = (*width + *pending).min(MAX_COLUMNS);
                            *width = (*width + repeats).min(MAX_COLUMNS);
                            *pending = 0;
                            *filled = true;
                        } else {
                            *pending = (*pending + repeats).min(MAX_COLUMNS);
                        }
                    }
                    if !empty {
                        // The cell's paragraphs, annotations and any table inside it.
                        let end = e.to_end().into_owned();
                        xml.read_to_end_into(end.name(), &mut skip).ok()?;
                    }
                }
                _ => {}
            }
        }
        buf.clear();
    }
    Some(largest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        )
    }

    #[test]
    fn plain_table_spans_its_filled_cells() {
        let xml = content(
            r#"<table:table table:name="会议记录">
            <table:table-row><table:table-cell office:value-type="string"><text:p>会议名称</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>
            <table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>
            <table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
            </table:table>"#,
        );
        // 3 rows × 5 columns; LibreOffice's trailing empty rows and columns do not count.
        assert_eq!(largest_range(xml.as_bytes()), Some(15));
    }

    #[test]
    fn repeated_filled_cells_are_multiplied_out() {
        let xml = content(
            r#"<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="60000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        );
        assert_eq!(largest_range(xml.as_bytes()), Some(60_000 * 16_384));
    }

    #[test]
    fn empty_cells_between_filled_ones_count() {
        let xml = content(
            r#"<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="10000"><table:table-cell table:formula="of:=1"/><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="string" office:string-value="x"/></table:table-row></table:table>"#,
        );
        assert_eq!(largest_range(xml.as_bytes()), Some(10_000 * 16_002));
    }
}
