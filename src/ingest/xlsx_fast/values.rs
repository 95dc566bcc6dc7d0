//! A worksheet's cells: `<sheetData>` scanned row by row and cell by cell, in document order,
//! each `<v>` turned into a cell (number, date, text, bool, error) exactly as calamine would.
//!
//! The hottest code of a run: every cell of every sheet passes through [`scan_sheet`].

use calamine::{DataRef, ExcelDateTime, ExcelDateTimeType};
use compact_str::CompactString;

use super::meta::{Book, Format};
use super::scanner::{
    Kind, RawAttrs, Scanner, attr_value, decode_text, find_escape, prologue, push_unescaped,
    raw_attr_value,
};
use super::{Fast, OrFallback, Stop};
use crate::ingest::cell::{Cell, CellBudget, GridBuilder, convert};

/// A cell type (`t=`) this reader knows.
#[derive(Clone, Copy, PartialEq)]
enum Type {
    Number,
    Shared,
    Str,
    Inline,
    Bool,
    Error,
    Date,
}

fn cell_type(t: Option<&[u8]>) -> Option<Type> {
    Some(match t {
        None | Some(b"n") => Type::Number,
        Some(b"s") => Type::Shared,
        Some(b"str") => Type::Str,
        Some(b"inlineStr") => Type::Inline,
        Some(b"b") => Type::Bool,
        Some(b"e") => Type::Error,
        Some(b"d") => Type::Date,
        // "is" and anything unknown: calamine's.
        Some(_) => return None,
    })
}

/// The cells of one worksheet, pushed in document order as calamine's `next_cell` yields them
/// (each non-empty one charged to the budget first, as `xlsx_grids` does).
pub(super) fn scan_sheet(
    text: &str,
    book: &Book,
    name: &str,
    budget: &mut CellBudget,
    b: &mut GridBuilder,
) -> Fast<()> {
    let Some(start) = sheet_data(text) else {
        return Err(Stop::Fallback);
    };
    let Some(mut s) = start else {
        return Ok(()); // <sheetData/>
    };
    let mut row_index: u32 = 0;
    let mut col_index: u32 = 0;
    let mut scratch = String::new();
    // An inline string's text, reused from cell to cell.
    let mut inline = String::new();
    loop {
        s.blank_to_tag().or_fall()?;
        let tag = s.tag().or_fall()?;
        match (tag.kind, tag.name) {
            (Kind::Start | Kind::Empty, "row") => {
                if let Some(r) = raw_attr_value(tag.attrs.as_bytes(), b"r").or_fall()? {
                    row_index = row_number(r).or_fall()?;
                }
                if tag.kind == Kind::Empty {
                    row_index = row_index.checked_add(1).or_fall()?;
                    col_index = 0;
                }
            }
            (Kind::End, "row") => {
                row_index = row_index.checked_add(1).or_fall()?;
                col_index = 0;
            }
            (Kind::Start | Kind::Empty, "c") => {
                let (r, style, typ) = cell_attrs(tag.attrs.as_bytes()).or_fall()?;
                let typ = cell_type(typ).or_fall()?;
                let pos = match r {
                    Some(r) => {
                        let (row, col) = cell_ref(r).or_fall()?;
                        col_index = col;
                        (row, col)
                    }
                    None => (row_index, col_index),
                };
                let mut value = None;
                if tag.kind == Kind::Start
                    && let Some(raw) = s.plain_text(b"<v>", b"</v></c>")
                {
                    value = v_value(raw, typ, style, book, &mut scratch).or_fall()?;
                } else if tag.kind == Kind::Start {
                    loop {
                        s.blank_to_tag().or_fall()?;
                        let child = s.tag().or_fall()?;
                        // The last child decides, as in calamine (a `<f>` after `<v>` empties it).
                        value = match (child.kind, child.name) {
                            (Kind::End, "c") => break,
                            (Kind::Start, "v") => {
                                let raw = s.text_until_end("v").or_fall()?;
                                v_value(raw, typ, style, book, &mut scratch).or_fall()?
                            }
                            (Kind::Empty, "v") => match typ {
                                // read as an empty text, which is a cell (kept out later).
                                Type::Str => Some(Cell::Text(CompactString::default())),
                                Type::Date => convert(DataRef::DateTimeIso(String::new())),
                                _ => None,
                            },
                            (Kind::Start, "f") => {
                                let raw = s.text_until_end("f").or_fall()?;
                                scratch.clear();
                                decode_text(raw, &mut scratch).or_fall()?;
                                None
                            }
                            (Kind::Empty, "f") => None,
                            (Kind::Start, "is") => {
                                inline.clear();
                                s.rich_text("is", &mut inline, &mut scratch).or_fall()?;
                                Some(Cell::Text(inline.as_str().into()))
                            }
                            (Kind::Empty, "is") => Some(Cell::Text(CompactString::default())),
                            _ => return Err(Stop::Fallback),
                        };
                    }
                }
                col_index = col_index.checked_add(1).or_fall()?;
                if let Some(cell) = value {
                    budget.take(name)?;
                    b.push(pos.0, pos.1, cell);
                }
            }
            (Kind::End, "sheetData") => return Ok(()),
            _ => return Err(Stop::Fallback),
        }
    }
}

/// Where the rows begin: the prologue is read with quick-xml exactly as calamine's
/// `XlsxCellReader::new` reads it (a `<dimension>` it cannot parse refuses the sheet there).
/// `Some(None)` for an empty `<sheetData/>`; `None` to leave the sheet to calamine.
fn sheet_data(text: &str) -> Option<Option<Scanner<'_>>> {
    prologue(text, "sheetData", |e| {
        if e.local_name().as_ref() == "dimension" {
            let r = attr_value(e.attributes_raw(), "ref")??;
            let mut parts = 0;
            for part in r.split(':') {
                cell_ref(part.as_bytes())?;
                parts += 1;
            }
            if parts > 2 {
                return None;
            }
        }
        Some(())
    })
}

/// The bytes of a cell's `r`, `s` and `t`, each at most once.
type CellAttrs<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, Option<&'a [u8]>);

/// A cell's `r`, `s` and `t`, each at most once.
#[inline]
fn cell_attrs(attrs: &[u8]) -> Option<CellAttrs<'_>> {
    let (mut r, mut s, mut t) = (None, None, None);
    for (k, v) in RawAttrs(attrs) {
        let slot = match k.ok()? {
            b"r" => &mut r,
            b"s" => &mut s,
            b"t" => &mut t,
            _ => continue,
        };
        if slot.replace(v).is_some() {
            return None;
        }
    }
    Some((r, s, t))
}

/// A `<v>`'s value as calamine's `read_value`/`read_v` turn it into a cell (`None` for what it
/// makes `Empty`); `None` outside, to leave the sheet to calamine.
#[inline]
fn v_value(
    raw: &str,
    typ: Type,
    style: Option<&[u8]>,
    book: &Book,
    scratch: &mut String,
) -> Option<Option<Cell>> {
    // Plain ASCII types read raw by calamine (its first text event only): any reference
    // would cut that short, which is left to it.
    if matches!(typ, Type::Number | Type::Shared | Type::Bool | Type::Error) && raw.contains('&') {
        return None;
    }
    Some(match typ {
        Type::Inline => {
            // Ignored (the value is in <is>), but checked as quick-xml would tokenize it.
            scratch.clear();
            decode_text(raw, scratch)?;
            None
        }
        Type::Shared if raw.is_empty() => None,
        Type::Shared => Some(Cell::Text(book.strings.get(index(raw.as_bytes())?)?.into())),
        Type::Bool => match raw.trim() {
            "" => None,
            "0" => Some(Cell::Bool(false)),
            "1" => Some(Cell::Bool(true)),
            v if v.eq_ignore_ascii_case("false") => Some(Cell::Bool(false)),
            v if v.eq_ignore_ascii_case("true") => Some(Cell::Bool(true)),
            _ => return None,
        },
        Type::Error if raw.is_empty() => None,
        Type::Error => match raw {
            "#DIV/0!" | "#N/A" | "#NAME?" | "#NULL!" | "#NUM!" | "#REF!" | "#VALUE!" => {
                Some(Cell::Error(raw.to_string()))
            }
            _ => return None,
        },
        Type::Number if raw.is_empty() => None,
        Type::Number => {
            let n = plain_number(raw)?;
            let format = match style {
                None => Format::Other,
                Some(s) => book
                    .formats
                    .get(index(s)?)
                    .copied()
                    .unwrap_or(Format::Other),
            };
            match format {
                Format::Other => Some(Cell::Number(n)),
                Format::DateTime => date_cell(n, ExcelDateTimeType::DateTime, book.is_1904),
                Format::TimeDelta => date_cell(n, ExcelDateTimeType::TimeDelta, book.is_1904),
            }
        }
        Type::Str => {
            scratch.clear();
            decode_text(raw, scratch)?;
            let mut s = CompactString::default();
            if find_escape(scratch, 0).is_some() {
                let mut out = String::new();
                push_unescaped(scratch, &mut out);
                s.push_str(&out);
            } else {
                s.push_str(scratch);
            }
            Some(Cell::Text(s))
        }
        Type::Date => {
            scratch.clear();
            decode_text(raw, scratch)?;
            convert(DataRef::DateTimeIso(scratch.clone()))
        }
    })
}

/// A number in a date or duration style, turned into a cell exactly as the calamine path's
/// `convert` turns calamine's `DateTime` value.
fn date_cell(n: f64, typ: ExcelDateTimeType, is_1904: bool) -> Option<Cell> {
    convert(DataRef::DateTime(ExcelDateTime::new(n, typ, is_1904)))
}

/// A decimal index (shared string, style) as calamine's `atoi_simd` reads it, leading zeros
/// and all; what it would read otherwise (signs, spaces, overflow → 0) is left to it.
#[inline]
fn index(s: &[u8]) -> Option<usize> {
    let zeros = s.iter().take_while(|&&b| b == b'0').count();
    if s.is_empty() || s.len() - zeros > 18 {
        return None;
    }
    decimal(&s[zeros..]).and_then(|n| usize::try_from(n).ok())
}

/// Digits only (none at all is 0), at most 18 of them so that nothing overflows.
#[inline]
fn decimal(digits: &[u8]) -> Option<u64> {
    if digits.len() > 18 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

/// A number in the form both calamine's parser (fast-float2) and Rust's read alike, correctly
/// rounded by both: `-?d+(.d+)?([eE][+-]?d+)?`. `inf`, `.5`, `+1`, spaces are left to calamine.
#[inline]
fn plain_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse().ok()
}

/// A row's `r` (digits only; calamine would also take a cell reference there).
#[inline]
fn row_number(r: &[u8]) -> Option<u32> {
    if r.is_empty() || r.len() > 7 {
        return None;
    }
    u32::try_from(decimal(r)?).ok()?.checked_sub(1)
}

/// `B12` → (11, 1), as calamine's `get_row_column` (which also takes lowercase letters);
/// longer than `XFD1048576`-ish references are left to it.
#[inline]
fn cell_ref(b: &[u8]) -> Option<(u32, u32)> {
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if !(1..=3).contains(&letters) {
        return None;
    }
    let digits = &b[letters..];
    if digits.is_empty() || digits.len() > 7 {
        return None;
    }
    let row = u32::try_from(decimal(digits)?).ok()?;
    let mut col = 0u32;
    for c in &b[..letters] {
        col = col * 26 + u32::from(c.to_ascii_uppercase() - b'A') + 1;
    }
    Some((row.checked_sub(1)?, col - 1))
}
