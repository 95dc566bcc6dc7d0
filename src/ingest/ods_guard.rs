//! A look at an .ods's `content.xml` before calamine reads it, for what calamine 0.38 cannot
//! survive and a catch_unwind cannot catch:
//!
//! - a table that is never closed: calamine's `read_table` ignores end of file and loops for
//!   ever (found by fuzzing: a truncated content.xml hangs the run);
//! - a sheet that expands into gigabytes: calamine multiplies out
//!   `table:number-rows-repeated` × `table:number-columns-repeated` into a dense value range
//!   and a formula range (about 56 bytes a cell, refused only above 100 million cells), and
//!   clones every repeated cell's text and formula, so a 1 KB file can ask for terabytes.
//!
//! The walk is calamine's own (ods.rs `parse_content` → `read_table` → `read_row` →
//! `get_datatype`, attributes read as its `RawAttrIter` reads them, the XML reader configured
//! as it configures it), so that a hostile file cannot be read one way here and another there.
//! It streams and keeps no cell. Where calamine would stop with an error, so does the walk
//! (`Scan::Fails`): the file is then refused by calamine itself.

use std::io::{BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// calamine's caps on a sheet (ods.rs `MAX_ROWS`, `MAX_COLUMNS`).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// What calamine would build from a content.xml.
#[derive(Debug, PartialEq, Eq)]
pub enum Scan {
    /// It reads to the end: the largest range (rows × columns) of any sheet, and the most
    /// bytes of text and formulas any sheet's cells would hold once repeats are cloned.
    Reads { cells: u64, text_bytes: u64 },
    /// It stops with an error of its own (nothing to guard against).
    Fails,
    /// A table is never closed: calamine would loop at end of file for ever.
    Hangs,
}

/// Attributes as calamine's `RawAttrIter` splits them: `key="value"` or `key='value'`; a
/// malformed one is an error, and iteration stops there.
struct RawAttrs<'a> {
    raw: &'a str,
    pos: usize,
}

impl<'a> Iterator for RawAttrs<'a> {
    type Item = Result<(&'a str, &'a str), Stop>;

    fn next(&mut self) -> Option<Self::Item> {
        let (raw, bytes) = (self.raw, self.raw.as_bytes());
        let mut pos = self.pos;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            self.pos = pos;
            return None;
        }
        let key_start = pos;
        while pos < bytes.len() && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= bytes.len() {
            self.pos = bytes.len();
            return Some(Err(Stop::Fails));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match bytes.get(pos) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => {
                self.pos = bytes.len();
                return Some(Err(Stop::Fails));
            }
        };
        pos += 1;
        let val_start = pos;
        while pos < bytes.len() && bytes[pos] != quote {
            pos += 1;
        }
        let value = &raw[val_start..pos];
        if pos < bytes.len() {
            pos += 1;
        }
        self.pos = pos;
        Some(Ok((key, value)))
    }
}

fn raw_attrs<'a>(e: &'a BytesStart<'_>) -> RawAttrs<'a> {
    RawAttrs {
        raw: e.attributes_raw(),
        pos: 0,
    }
}

/// calamine's `raw_attr`: the first attribute with this key, an error only if a malformed
/// one comes before it.
fn raw_attr<'a>(e: &'a BytesStart<'_>, key: &str) -> Result<Option<&'a str>, Stop> {
    for item in raw_attrs(e) {
        let (k, v) = item?;
        if k == key {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// A count as calamine parses it (`decode_attr(v)?.parse()?` when `unescaped`).
fn count(v: &str, unescaped: bool) -> Result<u64, Stop> {
    let text = if unescaped {
        quick_xml::escape::unescape(v).map_err(|_| Stop::Fails)?
    } else {
        std::borrow::Cow::Borrowed(v)
    };
    text.parse::<u64>().map_err(|_| Stop::Fails)
}

/// One sheet's rows as calamine collects them.
#[derive(Default)]
struct Table {
    /// Per row element: its (capped) repeats, the cells pushed, whether one is filled, and the
    /// bytes of text and formula its pushed cells hold.
    rows: Vec<(u64, u64, bool, u64)>,
    total_rows: u64,
}

impl Table {
    /// calamine's `get_range` spans the first to the last row holding a filled cell (with
    /// the repeats of every row between) and, at most, the widest such row.
    fn measure(&self) -> (u64, u64) {
        let first = self.rows.iter().position(|r| r.2);
        let last = self.rows.iter().rposition(|r| r.2);
        let (Some(first), Some(last)) = (first, last) else {
            return (0, 0);
        };
        let span = &self.rows[first..=last];
        let rows: u64 = span.iter().map(|r| r.0).fold(0, u64::saturating_add);
        let width = span.iter().filter(|r| r.2).map(|r| r.1).max().unwrap_or(0);
        let text = span
            .iter()
            .map(|r| r.0.saturating_mul(r.3))
            .fold(0, u64::saturating_add);
        (rows.saturating_mul(width), text)
    }
}

enum Stop {
    Fails,
    Hangs,
}

type Xml<R> = Reader<BufReader<R>>;

/// Walk a content.xml as calamine would read it.
pub fn scan<R: Read>(content: R) -> Scan {
    let mut xml = Reader::from_reader(BufReader::new(content));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    match parse_content(&mut xml) {
        Ok((cells, text_bytes)) => Scan::Reads { cells, text_bytes },
        Err(Stop::Fails) => Scan::Fails,
        Err(Stop::Hangs) => Scan::Hangs,
    }
}

fn parse_content<R: Read>(xml: &mut Xml<R>) -> Result<(u64, u64), Stop> {
    let mut buf = Vec::new();
    let (mut cells, mut text) = (0u64, 0u64);
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table" => {
                // calamine looks up the style first: a malformed attribute before it fails.
                raw_attr(&e, "table:style-name")?;
                if raw_attr(&e, "table:name")?.is_some() {
                    let (c, t) = read_table(xml)?.measure();
                    cells = cells.max(c);
                    text = text.max(t);
                }
            }
            Ok(Event::Eof) => return Ok((cells, text)),
            Err(_) => return Err(Stop::Fails),
            _ => {}
        }
        buf.clear();
    }
}

fn read_table<R: Read>(xml: &mut Xml<R>) -> Result<Table, Stop> {
    let mut table = Table::default();
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.name().as_ref() == "table:table-row" => {
                let asked = match raw_attr(&e, "table:number-rows-repeated")? {
                    Some(v) => count(v, true)?,
                    None => 1,
                };
                let repeats = asked.min(MAX_ROWS.saturating_sub(table.total_rows));
                table.total_rows = table.total_rows.saturating_add(repeats);
                let (width, filled, text) = read_row(xml)?;
                table.rows.push((repeats, width, filled, text));
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table" => return Ok(table),
            // calamine's loop has no arm for the end of the file: it reads Eof for ever.
            Ok(Event::Eof) => return Err(Stop::Hangs),
            Err(_) => return Err(Stop::Fails),
            _ => {}
        }
        buf.clear();
    }
}

/// One row: the cells calamine pushes, whether one is filled, the text bytes they hold.
fn read_row<R: Read>(xml: &mut Xml<R>) -> Result<(u64, bool, u64), Stop> {
    let mut buf = Vec::new();
    let (mut width, mut pending, mut filled, mut text) = (0u64, 0u64, false, 0u64);
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e))
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                let repeats = match raw_attr(&e, "table:number-columns-repeated")? {
                    Some(v) => count(v, false)?,
                    None => 1,
                };
                let (has_value, bytes) = cell_value(xml, &e)?;
                width = (width + pending).min(MAX_COLUMNS);
                pending = 0;
                let repeats = repeats.min(MAX_COLUMNS - width);
                if has_value {
                    width += repeats;
                    filled = true;
                    text = text.saturating_add(repeats.saturating_mul(bytes));
                } else {
                    pending = repeats;
                }
            }
            Ok(Event::End(e)) if e.name().as_ref() == "table:table-row" => {
                return Ok((width, filled, text));
            }
            // calamine refuses anything else inside a row (a mismatch, or end of file).
            _ => return Err(Stop::Fails),
        }
        buf.clear();
    }
}

/// calamine's `get_datatype`: whether the cell holds a value or a formula, and how many
/// bytes of text and formula it carries. Consumes the cell's content as calamine does.
fn cell_value<R: Read>(xml: &mut Xml<R>, e: &BytesStart<'_>) -> Result<(bool, u64), Stop> {
    let mut value_set = false;
    let mut is_string = false;
    let mut is_error = false;
    let mut empty_string_value = false;
    let mut has_value = false;
    let mut bytes = 0u64;
    for item in raw_attrs(e) {
        let (key, value) = item?;
        match key {
            "office:value"
            | "office:string-value"
            | "office:date-value"
            | "office:time-value"
            | "office:boolean-value"
                if !value_set =>
            {
                value_set = true;
                has_value = true;
                empty_string_value = key == "office:string-value" && value.is_empty();
                bytes = bytes.saturating_add(value.len() as u64);
            }
            "office:value-type" if !value_set => is_string = value == "string",
            "calcext:value-type" => is_error = value == "error",
            "table:formula" => {
                if !value.is_empty() {
                    has_value = true;
                }
                bytes = bytes.saturating_add(value.len() as u64);
            }
            _ => {}
        }
    }
    let mut buf = Vec::new();
    if (!value_set && is_string) || (is_error && empty_string_value) {
        // The text is the cell's content, up to the first end of a cell.
        has_value = true;
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Text(t)) => bytes = bytes.saturating_add(t.len() as u64),
                Ok(Event::GeneralRef(r)) => bytes = bytes.saturating_add(r.len() as u64 + 2),
                Ok(Event::End(e))
                    if matches!(
                        e.name().as_ref(),
                        "table:table-cell" | "table:covered-table-cell"
                    ) =>
                {
                    return Ok((has_value, bytes));
                }
                Ok(Event::Start(e)) if e.name().as_ref() == "office:annotation" => loop {
                    match xml.read_event_into(&mut buf) {
                        Ok(Event::End(e)) if e.name().as_ref() == "office:annotation" => break,
                        // Nor has this loop of calamine's an arm for the end of the file.
                        Ok(Event::Eof) => return Err(Stop::Hangs),
                        Err(_) => return Err(Stop::Fails),
                        _ => {}
                    }
                },
                Ok(Event::Start(e)) if e.name().as_ref() == "text:s" => {
                    let spaces = match raw_attr(&e, "text:c")? {
                        Some(v) => count(v, true)?,
                        None => 1,
                    };
                    bytes = bytes.saturating_add(spaces);
                }
                Ok(Event::Start(e))
                    if matches!(e.name().as_ref(), "text:p" | "text:tab" | "text:line-break") =>
                {
                    bytes = bytes.saturating_add(1);
                }
                Ok(Event::Eof) | Err(_) => return Err(Stop::Fails),
                _ => {}
            }
            buf.clear();
        }
    }
    // Otherwise calamine skips the content to the matching end tag.
    xml.read_to_end_into(e.name(), &mut buf)
        .map_err(|_| Stop::Fails)?;
    Ok((has_value, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn cells(body: &str) -> u64 {
        match scan(content(body).as_bytes()) {
            Scan::Reads { cells, .. } => cells,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn plain_table_spans_its_filled_cells() {
        // 3 rows × 5 columns; LibreOffice's trailing empty rows and columns do not count.
        assert_eq!(
            cells(
                r#"<table:table table:name="会议记录"><table:table-row><table:table-cell office:value-type="string"><text:p>会议名称</text:p></table:table-cell><table:table-cell table:number-columns-repeated="3"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row><table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#
            ),
            15
        );
    }

    #[test]
    fn repeated_filled_cells_are_multiplied_out() {
        assert_eq!(
            cells(
                r#"<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="60000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#
            ),
            60_000 * 16_384
        );
    }

    #[test]
    fn empty_cells_between_filled_ones_count() {
        assert_eq!(
            cells(
                r#"<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="10000"><table:table-cell table:formula="of:=1"/><table:table-cell table:number-columns-repeated="16000"/><table:table-cell office:value-type="string" office:string-value="x"/></table:table-row></table:table>"#
            ),
            10_000 * 16_002
        );
    }

    #[test]
    fn repeated_text_is_counted_as_cloned() {
        // 2000 rows × 100 columns of one cell holding a million spaces (text:s): 200k cells,
        // but 200 GB of text once calamine clones it.
        let xml = content(
            r#"<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="2000"><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p><text:s text:c="1000000"/></text:p></table:table-cell></table:table-row></table:table>"#,
        );
        let Scan::Reads { cells, text_bytes } = scan(xml.as_bytes()) else {
            panic!()
        };
        assert_eq!(cells, 200_000);
        assert!(text_bytes >= 200_000 * 1_000_000, "{text_bytes}");
    }

    #[test]
    fn unclosed_table_hangs_calamine() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
        assert_eq!(scan(xml.as_bytes()), Scan::Hangs);
        // A table without a name is not read by calamine at all.
        let unnamed = r#"<office:document-content><table:table><table:table-row>"#;
        assert_ne!(scan(unnamed.as_bytes()), Scan::Hangs);
    }

    fn hostile(name: &str) -> Scan {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fuzzed")
            .join(name);
        let bytes = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        scan(zip.by_name("content.xml").unwrap())
    }

    #[test]
    fn fuzzer_found_unclosed_table_hangs_calamine() {
        // read_ods timed out on it: `</table:table>` mangled, calamine spun at end of file.
        assert_eq!(hostile("ods_unclosed_table.ods"), Scan::Hangs);
    }

    #[test]
    fn hostile_repeated_cells_span_more_than_a_sheet() {
        let Scan::Reads { cells, .. } = hostile("ods_repeated_cells.ods") else {
            panic!()
        };
        assert_eq!(cells, 6000 * 16384);
        assert!(cells > crate::ingest::cell::MAX_SHEET_RANGE);
    }

    #[test]
    fn unclosed_annotation_in_a_text_cell_hangs_calamine() {
        let xml = r#"<office:document-content><table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>批注</text:p>"#;
        assert_eq!(scan(xml.as_bytes()), Scan::Hangs);
    }

    #[test]
    fn a_cell_ended_early_is_read_as_calamine_reads_it() {
        // calamine ends a string cell at the first end of any cell, then reads what follows
        // as more cells of the row: the walk must see those 16384 columns too.
        assert_eq!(
            cells(
                r#"<table:table table:name="Sheet1"><table:table-row table:number-rows-repeated="5000"><table:table-cell office:value-type="string"><table:table-cell/><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16383"/></table:table-row></table:table>"#
            ),
            5_000 * 16_384
        );
    }
}
