//! A faster reader for ordinary .xlsx files: each sheet is inflated once and its XML scanned
//! directly (memchr over the bytes, no event parser, no per-cell allocation for short text),
//! the shared strings kept in one buffer.
//!
//! Reading is the bottleneck of a run, and calamine's general XML parse of every sheet (after
//! [`super::xlsx_merges::unpack`] had already inflated it once to find the merges) was about
//! half of it. This module produces *exactly* the grids the calamine path produces — the same
//! cells, dates, errors, whitespace, positions, merges and `xml_plain` — for the files that
//! real writers (Excel, WPS, LibreOffice, openpyxl, xlsxwriter) make. Its rules are calamine
//! 0.38's, read from its source (`xlsx/mod.rs`, `xlsx/cells_reader.rs`, `formats.rs`,
//! `utils.rs`): where these files say "as calamine does", that is where the rule comes from.
//!
//! Anything it does not fully understand — a namespace prefix, a strict-OOXML workbook, an
//! unknown cell type, a shared-string index out of range, a comment or CDATA where text was
//! expected, a number it cannot parse the way calamine would, an entity calamine would refuse,
//! a chartsheet, a duplicate sheet name, a case-colliding zip member, sheets larger than
//! unpack's cap — makes [`read`] answer `None`, and the caller reads the file the old way
//! (unpack + calamine). So calamine remains the reader for everything unusual, including every
//! file calamine itself refuses: the fast path never turns a refusal into a reading.
//!
//! This file holds the entry ([`read`]), the fallback plumbing ([`Stop`], [`Fast`]) and the
//! zip access; the rest is split by job:
//! - [`meta`]: the workbook-level parts (package and workbook relationships, the sheet list,
//!   the 1904 flag, the styles' number formats, the shared strings);
//! - [`scanner`]: the XML reading itself (the byte scanner, attributes, text decoding,
//!   references and Excel's `_xHHHH_` escapes, quick-xml configured as calamine's);
//! - [`values`]: a worksheet's cells, scanned in document order, and each `<v>` turned into a
//!   cell as calamine would.

mod meta;
mod scanner;
#[cfg(test)]
mod tests;
mod values;

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use memchr::memmem;

use super::cell::{CellBudget, Grid, GridBuilder, ReadError};
use super::xlsx_merges;
use crate::campaign::Limits;
use crate::text::may_hold_id_digits;
use meta::Book;
use values::scan_sheet;

/// Why the fast path stopped: the file is read the old way, or it is refused (the cell budget
/// ran out, with exactly the error the old path gives at the same cell).
enum Stop {
    Fallback,
    Refused(ReadError),
}

impl From<ReadError> for Stop {
    fn from(e: ReadError) -> Self {
        Stop::Refused(e)
    }
}

type Fast<T> = Result<T, Stop>;

/// `?` on an `Option` inside a [`Fast`] function: `None` means "read it the old way".
trait OrFallback<T> {
    fn or_fall(self) -> Fast<T>;
}

impl<T> OrFallback<T> for Option<T> {
    fn or_fall(self) -> Fast<T> {
        self.ok_or(Stop::Fallback)
    }
}

/// Read every worksheet of an .xlsx the fast way; `None` when the file must be read the old
/// way (nothing of `budget` is spent then). `Some(Err)` only for the cell budget running out,
/// at the same cell and with the same words as the old path.
pub(super) fn read(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut CellBudget,
) -> Option<Result<Vec<Grid>, ReadError>> {
    // Spent on a copy: a fallback half-way through must leave the old path the whole budget.
    let mut local = budget.clone();
    // Inflated sheets, and the shared strings, each within unpack's cap and the campaign's.
    let cap = xlsx_merges::MAX_UNPACKED.min(limits.max_inflated_bytes);
    match read_book(bytes, cap, &mut local) {
        Ok(grids) => {
            *budget = local;
            Some(Ok(grids))
        }
        Err(Stop::Refused(e)) => Some(Err(e)),
        Err(Stop::Fallback) => None,
    }
}

fn read_book(bytes: &[u8], cap: u64, budget: &mut CellBudget) -> Fast<Vec<Grid>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok().or_fall()?;
    let names = ZipNames::new(&zip)?;
    let book = Book::read(&mut zip, &names, cap)?;

    // The same cap as unpack, on the same declared sizes: a workbook unpack would leave to the
    // streaming path is left to it here too (and memory stays bounded however sizes lie).
    let unpack_paths = xlsx_merges::sheet_paths(&mut zip).or_fall()?;
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).ok().or_fall()?;
        if unpack_paths.contains_key(f.name().ok().or_fall()?.as_ref()) {
            declared = declared.saturating_add(f.size());
        }
    }
    if declared > cap {
        return Err(Stop::Fallback);
    }
    // Merges and `xml_plain` are keyed by the names unpack finds: they must be calamine's.
    for (name, path) in &book.sheets {
        if unpack_paths.get(path) != Some(name) {
            return Err(Stop::Fallback);
        }
    }

    let mut left = cap;
    let mut xml = SCRATCH.with(|b| std::mem::take(&mut *b.borrow_mut()));
    let mut grids = Vec::with_capacity(book.sheets.len());
    let mut outcome = Ok(());
    for (name, path) in &book.sheets {
        match read_sheet(&mut zip, &book, name, path, &mut left, &mut xml, budget) {
            Ok(g) => grids.push(g),
            Err(e) => {
                outcome = Err(e);
                break;
            }
        }
    }
    // Kept initialised (not cleared) for the next file: see `read_all`.
    if xml.capacity() <= MAX_KEPT_SCRATCH {
        SCRATCH.with(|b| *b.borrow_mut() = xml);
    }
    outcome.map(|()| grids)
}

/// Read all of `r` into the start of `buf`, growing it as needed; the length read. `buf` stays
/// initialised from file to file: std's `read_to_end` zeroes a vector's spare room before
/// every read into it, which was 3 % of a run.
fn read_all(mut r: impl Read, buf: &mut Vec<u8>, hint: usize) -> std::io::Result<usize> {
    if buf.len() < hint {
        buf.resize(hint, 0);
    }
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            // Full: a few bytes more tell the end from a part larger than its size says.
            let mut probe = [0u8; 64];
            let n = loop {
                match r.read(&mut probe) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    other => break other?,
                }
            };
            if n == 0 {
                return Ok(filled);
            }
            buf.truncate(filled);
            buf.extend_from_slice(&probe[..n]);
            filled += n;
            buf.resize((filled * 2).max(4096), 0);
        }
        match r.read(&mut buf[filled..]) {
            Ok(0) => return Ok(filled),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

thread_local! {
    /// This reader thread's buffer for one inflated sheet, reused from file to file.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A sheet buffer larger than this is freed after use rather than kept for the next file.
const MAX_KEPT_SCRATCH: usize = 16 << 20;

fn read_sheet<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    book: &Book,
    name: &str,
    path: &str,
    left: &mut u64,
    buf: &mut Vec<u8>,
    budget: &mut CellBudget,
) -> Fast<Grid> {
    let len = {
        let mut f = zip.by_name(path).ok().or_fall()?;
        let hint = f.size().min(*left).min(MAX_KEPT_SCRATCH as u64) as usize;
        read_all((&mut f).take(*left + 1), buf, hint)
            .ok()
            .or_fall()?
    };
    let xml = &buf[..len];
    *left = left.checked_sub(len as u64).or_fall()?;
    let text = utf8_xml(xml).or_fall()?;
    let mut b = GridBuilder::new(name, book.is_1904);
    scan_sheet(text, book, name, budget, &mut b)?;
    let mut grid = b.finish(xlsx_merges::merge_refs(xml), budget)?;
    // As unpack decides it (see `Unpacked::plain`).
    grid.xml_plain = !may_hold_id_digits(xml) && memmem::find(xml, b"tabSelected").is_none();
    Ok(grid)
}

/// The part as text, if it is UTF-8 and says nothing else: calamine's quick-xml decodes a
/// declared `encoding="GBK"` (or a UTF-16 BOM) its own way, which is left to it.
fn utf8_xml(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match body.strip_prefix("<?xml") {
        Some(decl) => {
            let decl = &decl[..decl.find("?>")?];
            if let Some(i) = decl.find("encoding") {
                let rest = decl[i + "encoding".len()..]
                    .trim_start()
                    .strip_prefix('=')?
                    .trim_start();
                let quote = rest.chars().next().filter(|q| matches!(q, '"' | '\''))?;
                let value = rest[1..].split(quote).next()?;
                if !value.eq_ignore_ascii_case("utf-8") {
                    return None;
                }
            }
        }
        // A declaration anywhere but first is quick-xml's to judge.
        None if body.contains("<?xml") => return None,
        None => {}
    }
    Some(text)
}

/// The zip's member names as calamine looks them up: lowercased, `\` as `/`. A package where
/// two members collide that way is left to calamine (which one it opens is its business).
struct ZipNames(HashMap<String, String>);

impl ZipNames {
    fn new<R: Read + Seek>(zip: &zip::ZipArchive<R>) -> Fast<Self> {
        let mut map = HashMap::with_capacity(zip.len());
        for name in zip.file_names() {
            let name = name.ok().or_fall()?;
            let key = name.replace('\\', "/").to_ascii_lowercase();
            if map.insert(key, name.to_string()).is_some() {
                return Err(Stop::Fallback);
            }
        }
        if map.len() != zip.len() {
            return Err(Stop::Fallback);
        }
        Ok(ZipNames(map))
    }

    /// The member calamine opens for `path` (`cached_zip_path`).
    fn resolve<'a>(&'a self, path: &'a str) -> &'a str {
        self.0
            .get(&path.to_ascii_lowercase())
            .map_or(path, String::as_str)
    }
}

/// A small part, inflated; `Ok(None)` when absent (calamine's `FileNotFound`).
fn read_part<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    names: &ZipNames,
    path: &str,
    cap: u64,
) -> Fast<Option<Vec<u8>>> {
    let mut f = match zip.by_name(names.resolve(path)) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(_) => return Err(Stop::Fallback),
    };
    let mut buf = Vec::with_capacity(f.size().min(cap) as usize);
    (&mut f)
        .take(cap + 1)
        .read_to_end(&mut buf)
        .ok()
        .or_fall()?;
    if buf.len() as u64 > cap {
        return Err(Stop::Fallback);
    }
    Ok(Some(buf))
}
