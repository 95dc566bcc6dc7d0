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
//! `utils.rs`): where this file says "as calamine does", that is where the rule comes from.
//!
//! Anything it does not fully understand — a namespace prefix, a strict-OOXML workbook, an
//! unknown cell type, a shared-string index out of range, a comment or CDATA where text was
//! expected, a number it cannot parse the way calamine would, an entity calamine would refuse,
//! a chartsheet, a duplicate sheet name, a case-colliding zip member, sheets larger than
//! unpack's cap — makes [`read`] answer `None`, and the caller reads the file the old way
//! (unpack + calamine). So calamine remains the reader for everything unusual, including every
//! file calamine itself refuses: the fast path never turns a refusal into a reading.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read, Seek};

use calamine::{DataRef, ExcelDateTime, ExcelDateTimeType};
use compact_str::CompactString;
use memchr::{memchr, memmem};
use quick_xml::events::Event;

use super::grid::{Cell, CellBudget, Grid, GridBuilder, Limits, ReadError, convert};
use super::xlsx_merges;
use crate::text::may_hold_id_digits;

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

/// Workbook-level parts (rels, workbook, styles) are a few kilobytes; larger ones are odd.
const MAX_SMALL_PART: u64 = 16 << 20;

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

/// A cell style's number format, as calamine classifies it (`CellFormat`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Other,
    DateTime,
    TimeDelta,
}

/// What calamine's `Xlsx::new` knows about a workbook, as far as cells need it.
struct Book {
    is_1904: bool,
    /// Worksheets in workbook order: name, zip member.
    sheets: Vec<(String, String)>,
    /// By cell style index (`s=`).
    formats: Vec<Format>,
    strings: Strings,
}

impl Book {
    /// Mirrors `Xlsx::new`: package rels, shared strings, styles, workbook rels, workbook.
    fn read<R: Read + Seek>(
        zip: &mut zip::ZipArchive<R>,
        names: &ZipNames,
        cap: u64,
    ) -> Fast<Book> {
        let rels = read_part(zip, names, "_rels/.rels", MAX_SMALL_PART)?.or_fall()?;
        let xl_path = office_document(utf8_xml(&rels).or_fall()?)?;
        // unpack (whose merges and plain sheets are used) assumes the usual "xl/" layout.
        if xl_path != "xl/workbook.xml" {
            return Err(Stop::Fallback);
        }
        let strings = match read_part(zip, names, "xl/sharedStrings.xml", cap)? {
            Some(x) => shared_strings(utf8_xml(&x).or_fall()?).or_fall()?,
            None => Strings::default(),
        };
        let formats = match read_part(zip, names, "xl/styles.xml", MAX_SMALL_PART)? {
            Some(x) => styles(utf8_xml(&x).or_fall()?)?,
            None => Vec::new(),
        };
        let rels =
            read_part(zip, names, "xl/_rels/workbook.xml.rels", MAX_SMALL_PART)?.or_fall()?;
        let relationships = relationships(utf8_xml(&rels).or_fall()?)?;
        let Some(workbook) = read_part(zip, names, "xl/workbook.xml", MAX_SMALL_PART)? else {
            // calamine reads such a package as one without sheets; rare enough to leave to it.
            return Err(Stop::Fallback);
        };
        let workbook = utf8_xml(&workbook).or_fall()?;
        // Strict OOXML: calamine ignores namespaces, but its other differences are its to handle.
        if workbook.contains("purl.oclc.org/ooxml") {
            return Err(Stop::Fallback);
        }
        let (sheets, is_1904) = workbook_sheets(workbook, &relationships)?;
        // A sheet opened by name twice (calamine opens the first) is left to calamine.
        let mut seen = HashSet::new();
        for (name, path) in &sheets {
            if !seen.insert(name.as_str()) || names.resolve(path) != path {
                return Err(Stop::Fallback);
            }
        }
        Ok(Book {
            is_1904,
            sheets,
            formats,
            strings,
        })
    }
}

/// quick-xml configured as calamine configures it (`xml_reader`).
fn xml_reader(text: &str) -> quick_xml::Reader<&[u8]> {
    let mut r = quick_xml::Reader::from_str(text);
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// The next event of a small part whose every element's attributes are well formed (strictly:
/// calamine would refuse some of what is refused here, never the other way round).
fn next_event<'a>(xml: &mut quick_xml::Reader<&'a [u8]>) -> Fast<Event<'a>> {
    let event = xml.read_event().ok().or_fall()?;
    if let Event::Start(e) = &event {
        let raw = e.attributes_raw();
        let mut keys: Vec<&str> = Vec::new();
        for (k, v) in Attrs(raw) {
            let k = k.map_err(|()| Stop::Fallback)?;
            if keys.contains(&k) || quick_xml::escape::unescape(v).is_err() {
                return Err(Stop::Fallback);
            }
            keys.push(k);
        }
    }
    Ok(event)
}

/// An attribute of an element whose attributes [`next_event`] checked.
fn attr<'a>(e: &'a quick_xml::events::BytesStart<'_>, key: &str) -> Option<&'a str> {
    Attrs(e.attributes_raw()).find_map(|(k, v)| (k == Ok(key)).then_some(v))
}

fn decode_attr(v: &str) -> Fast<String> {
    Ok(quick_xml::escape::unescape(v).ok().or_fall()?.into_owned())
}

/// Attributes `key="value"` (or `'value'`) separated by whitespace. A malformed one yields
/// `Err(())` as key and ends the iteration.
struct Attrs<'a>(&'a str);

impl<'a> Iterator for Attrs<'a> {
    type Item = (Result<&'a str, ()>, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let all = self.0;
        let mut raw = RawAttrs(all.as_bytes());
        let (key, value) = raw.next()?;
        // Every delimiter is ASCII, so each piece found starts and ends on a char boundary.
        // (An empty piece may be a static one, from outside `all`.)
        let piece = |p: &[u8]| {
            if p.is_empty() {
                return "";
            }
            let at = (p.as_ptr() as usize).wrapping_sub(all.as_ptr() as usize);
            at.checked_add(p.len())
                .and_then(|end| all.get(at..end))
                .unwrap_or_default()
        };
        self.0 = piece(raw.0);
        Some((key.map(piece), piece(value)))
    }
}

/// [`Attrs`] on bytes, for the attributes of every cell and row: one pass over each attribute,
/// no text slicing (bounds-checked `str` slicing was a tenth of reading).
struct RawAttrs<'a>(&'a [u8]);

impl<'a> Iterator for RawAttrs<'a> {
    type Item = (Result<&'a [u8], ()>, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.0;
        let start = b.iter().position(|&c| !is_space_byte(c))?;
        self.0 = &[];
        let bad = Some((Err(()), &b""[..]));
        // The key runs to `=`, and holds no space, quote or markup.
        let mut eq = start;
        loop {
            match b.get(eq) {
                Some(b'=') => break,
                Some(&c)
                    if !is_space_byte(c)
                        && !matches!(c, b'"' | b'\'' | b'<' | b'>' | b'/' | b'&') =>
                {
                    eq += 1
                }
                _ => return bad,
            }
        }
        if eq == start {
            return bad;
        }
        let quote = match b.get(eq + 1) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return bad,
        };
        // The value runs to the same quote, and holds no `<`.
        let mut end = eq + 2;
        loop {
            match b.get(end) {
                Some(&c) if c == quote => break,
                Some(b'<') | None => return bad,
                Some(_) => end += 1,
            }
        }
        let after = &b[end + 1..];
        if after.first().is_some_and(|&c| !is_space_byte(c)) {
            return bad;
        }
        self.0 = after;
        Some((Ok(&b[start..eq]), &b[eq + 2..end]))
    }
}

fn is_space_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The workbook part named by the package relationships (`read_package_relationships`).
fn office_document(rels: &str) -> Fast<String> {
    let mut xml = xml_reader(rels);
    loop {
        match next_event(&mut xml)? {
            Event::Start(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return Err(Stop::Fallback),
            _ => {}
        }
    }
    let mut target = None;
    loop {
        match next_event(&mut xml)? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let typ = attr(&e, "Type");
                if typ.is_some_and(|t| t.ends_with("/relationships/officeDocument"))
                    && let Some(t) = attr(&e, "Target")
                {
                    target = Some(decode_attr(t)?);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return Err(Stop::Fallback),
            _ => {}
        }
    }
    let target = target.or_fall()?;
    Ok(target.strip_prefix('/').unwrap_or(&target).to_string())
}

/// Relationship id → (target, type), both raw (`read_relationships`).
fn relationships(rels: &str) -> Fast<HashMap<String, (String, String)>> {
    let mut xml = xml_reader(rels);
    let mut out = HashMap::new();
    loop {
        match next_event(&mut xml)? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                if let Some(id) = attr(&e, "Id") {
                    let target = attr(&e, "Target").unwrap_or_default().to_string();
                    let typ = attr(&e, "Type").unwrap_or_default().to_string();
                    out.insert(id.to_string(), (target, typ));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => return Ok(out),
            Event::Eof => return Err(Stop::Fallback),
            _ => {}
        }
    }
}

/// Worksheets (name, member) in workbook order and the 1904 flag (`read_workbook`). Any other
/// kind of sheet is left to calamine.
fn workbook_sheets(
    workbook: &str,
    rels: &HashMap<String, (String, String)>,
) -> Fast<(Vec<(String, String)>, bool)> {
    let mut xml = xml_reader(workbook);
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    loop {
        match next_event(&mut xml)? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                let mut name = String::new();
                let mut rel_id = "";
                for (k, v) in Attrs(e.attributes_raw()) {
                    match k.ok().or_fall()? {
                        "name" => name = decode_attr(v)?,
                        "state" if !matches!(v, "visible" | "hidden" | "veryHidden") => {
                            return Err(Stop::Fallback);
                        }
                        "state" => {}
                        k if k == "id" || k.ends_with(":id") => rel_id = v,
                        _ => {}
                    }
                }
                let (target, typ) = rels.get(rel_id).or_fall()?;
                let path = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                if typ.split('/').next_back() != Some("worksheet") {
                    return Err(Stop::Fallback);
                }
                sheets.push((name, path));
            }
            Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                if let Some(v) = attr(&e, "date1904") {
                    is_1904 = v == "1" || v == "true";
                }
            }
            Event::Start(e)
                if e.local_name().as_ref() == "definedName" && attr(&e, "name").is_some() =>
            {
                // Only read for calamine's refusals: an entity it cannot resolve.
                let end = e.name().as_ref().to_string();
                loop {
                    match next_event(&mut xml)? {
                        Event::GeneralRef(r) if resolve_ref(&r).is_none() => {
                            return Err(Stop::Fallback);
                        }
                        Event::End(x) if x.name().as_ref() == end => break,
                        Event::Eof => return Err(Stop::Fallback),
                        _ => {}
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == "workbook" => break,
            Event::Eof => return Err(Stop::Fallback),
            _ => {}
        }
    }
    Ok((sheets, is_1904))
}

/// Each cell style's number format, as calamine's `read_styles` classifies it. The whole part
/// must be well formed with balanced tags (calamine's font, fill and border readers would
/// otherwise refuse what is not read here).
fn styles(text: &str) -> Fast<Vec<Format>> {
    enum In {
        Top,
        NumFmts,
        CellXfs,
        Xf,
        /// Inside fonts, fills or borders (their own readers consume them): depth left.
        Skipped(usize),
    }
    let mut xml = xml_reader(text);
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut formats = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut at = In::Top;
    loop {
        let event = next_event(&mut xml)?;
        match &event {
            Event::Start(e) => open.push(e.name().as_ref().to_string()),
            Event::End(e) if open.pop().as_deref() != Some(e.name().as_ref()) => {
                return Err(Stop::Fallback);
            }
            Event::Eof => return Err(Stop::Fallback),
            _ => {}
        }
        at = match (at, event) {
            (In::Skipped(depth), Event::Start(_)) => In::Skipped(depth + 1),
            (In::Skipped(0), Event::End(_)) => In::Top,
            (In::Skipped(depth), Event::End(_)) => In::Skipped(depth - 1),
            (In::Top, Event::Start(e)) => match e.local_name().as_ref() {
                "numFmts" => In::NumFmts,
                "cellXfs" => In::CellXfs,
                "fonts" | "fills" | "borders" => In::Skipped(0),
                _ => In::Top,
            },
            (In::Top, Event::End(e)) if e.local_name().as_ref() == "styleSheet" => {
                return Ok(formats);
            }
            (In::NumFmts, Event::Start(e)) if e.local_name().as_ref() == "numFmt" => {
                if let (Some(id), Some(code)) = (attr(&e, "numFmtId"), attr(&e, "formatCode")) {
                    custom.insert(id.to_string(), decode_attr(code)?);
                }
                In::NumFmts
            }
            (In::NumFmts, Event::End(e)) if e.local_name().as_ref() == "numFmts" => In::Top,
            (In::CellXfs, Event::Start(e)) if e.local_name().as_ref() == "xf" => {
                formats.push(match attr(&e, "numFmtId") {
                    None => Format::Other,
                    Some(id) => match custom.get(id) {
                        Some(code) => custom_format(code),
                        None => builtin_format(id),
                    },
                });
                In::Xf
            }
            (In::CellXfs, Event::End(e)) if e.local_name().as_ref() == "cellXfs" => In::Top,
            (In::Xf, Event::End(e)) if e.local_name().as_ref() == "xf" => In::CellXfs,
            (at, _) => at,
        };
    }
}

/// calamine's `detect_custom_number_format` (formats.rs, MIT), kept character for character:
/// which custom format codes make a number a date (`yyyy"年"m"月"d"日"`) or a duration (`[h]:mm`).
fn custom_format(format: &str) -> Format {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return Format::Other,
            ('[', ..) => brackets = brackets.wrapping_add(1),
            (']', .., 1) if hms => return Format::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return Format::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return Format::DateTime;
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    Format::Other
}

/// calamine's `builtin_format_by_id`, on the attribute as written (`"014"` is not 14 there).
fn builtin_format(id: &str) -> Format {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" => {
            Format::DateTime
        }
        "27" | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51"
        | "52" | "53" | "54" | "55" | "56" | "57" | "58" => Format::DateTime,
        "46" => Format::TimeDelta,
        _ => Format::Other,
    }
}

/// The shared-string table, all in one buffer.
#[derive(Default)]
struct Strings {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<usize>,
}

impl Strings {
    fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }
}

/// The table as calamine's `read_shared_strings` builds it; `None` for anything unusual.
fn shared_strings(text: &str) -> Option<Strings> {
    let mut out = Strings::default();
    let Some(mut s) = prologue(text, "sst", |_| Some(()))? else {
        return Some(out); // <sst/>
    };
    let mut scratch = String::new();
    loop {
        s.blank_to_tag()?;
        let tag = s.tag()?;
        match (tag.kind, tag.name) {
            (Kind::Start, "si") => {
                match s.plain_text(b"<t>", b"</t></si>") {
                    // As `rich_text` reads a lone `<t>` without attributes.
                    Some(raw) => push_t(raw, false, &mut out.text, &mut scratch)?,
                    None => s.rich_text("si", &mut out.text, &mut scratch)?,
                }
                out.ends.push(out.text.len());
            }
            (Kind::Empty, "si") => out.ends.push(out.text.len()),
            (Kind::End, "sst") => return Some(out),
            _ => return None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Start,
    Empty,
    End,
}

/// A tag: its kind, name and raw attributes.
struct Tag<'a> {
    kind: Kind,
    name: &'a str,
    attrs: &'a str,
}

/// A byte cursor over an XML part's text.
struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    /// Elements open (from the document's root).
    depth: usize,
}

impl<'a> Scanner<'a> {
    /// Skip whitespace up to the next `<`; any other text between elements (which calamine
    /// ignores, entities and all) is left to calamine.
    #[inline]
    fn blank_to_tag(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let rest = bytes.get(self.pos..)?;
        let i = memchr(b'<', rest)?;
        if !rest[..i]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            return None;
        }
        self.pos += i;
        Some(())
    }

    /// The tag at the cursor (which is on its `<`), moving past it. Comments, CDATA,
    /// processing instructions and prefixed names are not tags here.
    #[inline]
    fn tag(&mut self) -> Option<Tag<'a>> {
        let text = self.text;
        let bytes = text.as_bytes();
        let start = self.pos + 1;
        let (kind, name_at) = match bytes.get(start)? {
            b'/' => (Kind::End, start + 1),
            b'!' | b'?' => return None,
            _ => (Kind::Start, start),
        };
        let name_len = bytes
            .get(name_at..)?
            .iter()
            .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))?;
        let name = text.get(name_at..name_at + name_len)?;
        if name.is_empty()
            || name
                .bytes()
                .any(|c| matches!(c, b':' | b'<' | b'"' | b'\'' | b'&' | b'='))
        {
            return None;
        }
        let after = name_at + name_len;
        if kind == Kind::End {
            self.depth = self.depth.checked_sub(1)?;
            let close = after + memchr(b'>', bytes.get(after..)?)?;
            if !text.get(after..close)?.chars().all(is_xml_space) {
                return None;
            }
            self.pos = close + 1;
            return Some(Tag {
                kind,
                name,
                attrs: "",
            });
        }
        // The closing `>`, outside quoted values.
        let mut i = after;
        let mut quote = None;
        loop {
            let b = *bytes.get(i)?;
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), b) if b == q => quote = None,
                (None, b'>') => break,
                (None, b'<') => return None,
                _ => {}
            }
            i += 1;
        }
        self.pos = i + 1;
        let (kind, attrs_end) = if i > after && bytes[i - 1] == b'/' {
            (Kind::Empty, i - 1)
        } else {
            self.depth += 1;
            (Kind::Start, i)
        };
        Some(Tag {
            kind,
            name,
            attrs: text.get(after..attrs_end)?,
        })
    }

    /// Just after an opening tag, at `<inner>text</inner></outer>`: the text, with the cursor
    /// moved past `</outer>`, which closes the element the opening tag opened. The shape of
    /// nearly every cell with a value (`<v>`, `</c>`) and shared string (`<t>`, `</si>`), read
    /// without its three tags. `None`, the cursor unmoved, for any other shape, which the tag
    /// by tag reading takes. `open` and `close` are `<inner>` and `</inner></outer>`.
    #[inline]
    fn plain_text(&mut self, open: &[u8], close: &[u8]) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if !bytes.get(self.pos..)?.starts_with(open) {
            return None;
        }
        let start = self.pos + open.len();
        let lt = start + memchr(b'<', bytes.get(start..)?)?;
        if !bytes[lt..].starts_with(close) {
            return None;
        }
        let raw = self.text.get(start..lt)?;
        self.depth = self.depth.checked_sub(1)?;
        self.pos = lt + close.len();
        Some(raw)
    }

    /// Text up to the next `<`, which must open `</name>`; the cursor ends after it.
    #[inline]
    fn text_until_end(&mut self, name: &str) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let lt = start + memchr(b'<', bytes.get(start..)?)?;
        let content = self.text.get(start..lt)?;
        self.pos = lt;
        let tag = self.tag()?;
        (tag.kind == Kind::End && tag.name == name).then_some(content)
    }

    /// The concatenated `<t>` text of an `<si>` or `<is>` (plain or rich runs, phonetic runs
    /// skipped), appended to `out`, as calamine's `read_string_with_bufs` makes it. The cursor
    /// is after the opening tag and ends after `</closing>`.
    fn rich_text(&mut self, closing: &str, out: &mut String, scratch: &mut String) -> Option<()> {
        let mut phonetic = false;
        loop {
            self.blank_to_tag()?;
            let tag = self.tag()?;
            match (tag.kind, tag.name) {
                (Kind::End, name) if name == closing => return Some(()),
                (Kind::End, "rPh") => phonetic = false,
                (Kind::Start, "rPh") => phonetic = true,
                (Kind::Start, "t") if phonetic => {
                    let raw = self.text_until_end("t")?;
                    // Not read by calamine, but checked as it would be tokenized.
                    scratch.clear();
                    decode_text(raw, scratch)?;
                }
                (Kind::Empty, "t") if phonetic => {}
                (Kind::Start | Kind::Empty, "t") => {
                    let preserve = attr_value(tag.attrs, "xml:space")? == Some("preserve");
                    let raw = match tag.kind {
                        Kind::Start => self.text_until_end("t")?,
                        _ => "",
                    };
                    push_t(raw, preserve, out, scratch)?;
                }
                // Nesting calamine would read oddly.
                (_, "si" | "is" | "sst" | "c" | "row" | "sheetData" | "t") => return None,
                // Run properties and the like: no text of their own.
                (Kind::Start | Kind::Empty, _) => {
                    if Attrs(tag.attrs).any(|(k, _)| k.is_err()) {
                        return None;
                    }
                }
                (Kind::End, _) => {}
            }
        }
    }
}

/// A `<t>`'s raw text appended to `out` as calamine reads it: references resolved, trimmed
/// unless `xml:space="preserve"`, Excel's `_xHHHH_` escapes undone.
fn push_t(raw: &str, preserve: bool, out: &mut String, scratch: &mut String) -> Option<()> {
    // Most texts hold no reference and no carriage return: nothing to decode.
    let text = if raw.bytes().any(|b| matches!(b, b'&' | b'\r')) {
        scratch.clear();
        decode_text(raw, scratch)?;
        scratch.as_str()
    } else {
        raw
    };
    let value = if preserve {
        text
    } else {
        text.trim_matches([' ', '\t', '\r', '\n'])
    };
    push_unescaped(value, out);
    Some(())
}

/// An attribute's raw value; `None` when the attributes are malformed or repeat the key.
#[inline]
fn attr_value<'a>(attrs: &'a str, key: &str) -> Option<Option<&'a str>> {
    match raw_attr_value(attrs.as_bytes(), key.as_bytes())? {
        // Cut at ASCII quotes out of text: always UTF-8.
        Some(v) => Some(Some(std::str::from_utf8(v).ok()?)),
        None => Some(None),
    }
}

/// Element text as quick-xml hands it to calamine: each run between references with its line
/// ends normalised (`\r\n` and `\r` become `\n`, `xml10_content`), references resolved
/// (`unescape_entity_to_buffer`: the five XML entities and `&#…;`/`&#x…;`, nothing else).
fn decode_text(raw: &str, out: &mut String) -> Option<()> {
    let mut rest = raw;
    loop {
        let amp = rest.find('&').unwrap_or(rest.len());
        push_normalized(&rest[..amp], out);
        if amp == rest.len() {
            return Some(());
        }
        let after = &rest[amp + 1..];
        let semi = after.find(';')?;
        let name = &after[..semi];
        match resolve_ref(name)? {
            Ok(s) => out.push_str(s),
            Err(c) => out.push(c),
        }
        rest = &after[semi + 1..];
    }
}

fn push_normalized(text: &str, out: &mut String) {
    if !text.contains('\r') {
        out.push_str(text);
        return;
    }
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
}

/// A reference's content (between `&` and `;`) as calamine resolves it: `Ok` for the five
/// XML entities, `Err(char)` for a character reference, `None` for what it refuses.
fn resolve_ref(name: &str) -> Option<Result<&'static str, char>> {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(name) {
        return Some(Ok(s));
    }
    let num = name.strip_prefix('#')?;
    let code = match num.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()?
        }
        None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => num.parse().ok()?,
        _ => return None,
    };
    if code == 0 {
        return None;
    }
    char::from_u32(code).map(Err)
}

/// calamine's `unescape_xml` (utils.rs, MIT): Excel's `_xHHHH_` escapes of UTF-16 code units
/// (`_x000D_` for a carriage return; a surrogate pair as two escapes; an unpaired surrogate
/// becomes U+FFFD), appended to `out`.
fn push_unescaped(original: &str, out: &mut String) {
    const LEN: usize = 7;
    let Some((mut index, mut unit)) = find_escape(original, 0) else {
        out.push_str(original);
        return;
    };
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..index]);
        index += LEN;
        match unit {
            0xD800..=0xDBFF => match parse_escape(original, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += LEN;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find_escape(original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
}

fn find_escape(original: &str, mut start: usize) -> Option<(usize, u16)> {
    while let Some(offset) = original.get(start..)?.find('_') {
        let index = start + offset;
        if let Some(unit) = parse_escape(original, index) {
            return Some((index, unit));
        }
        start = index + 1;
    }
    None
}

fn parse_escape(original: &str, index: usize) -> Option<u16> {
    let bytes = original.as_bytes().get(index..index + 7)?;
    if bytes[0] != b'_' || bytes[1] != b'x' || bytes[6] != b'_' {
        return None;
    }
    let hex = &bytes[2..6];
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

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
fn scan_sheet(
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

/// Read with quick-xml, configured as calamine's, up to the start of `element` (`<sst>`,
/// `<sheetData>`), handing every start tag before it to `check`; then a scanner after it, or
/// `Some(None)` when the element is empty (`<sheetData/>`). The scanner knows how many
/// elements are open: quick-xml refuses an end tag with none open, so the scanner does too.
fn prologue<'a>(
    text: &'a str,
    element: &str,
    mut check: impl FnMut(&quick_xml::events::BytesStart<'_>) -> Option<()>,
) -> Option<Option<Scanner<'a>>> {
    let mut xml = xml_reader(text);
    let mut depth = 0usize;
    loop {
        match xml.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == element => {
                if e.name().as_ref() != element
                    || Attrs(e.attributes_raw()).any(|(k, _)| k.is_err())
                {
                    return None;
                }
                let at = usize::try_from(xml.buffer_position()).ok()?;
                return Some((!text.get(..at)?.ends_with("/>")).then_some(Scanner {
                    text,
                    pos: at,
                    depth: depth + 1,
                }));
            }
            Event::Start(e) => {
                check(&e)?;
                depth += 1;
            }
            Event::End(_) => depth = depth.checked_sub(1)?,
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// An attribute's raw bytes; `None` when the attributes are malformed or repeat the key.
#[inline]
fn raw_attr_value<'a>(attrs: &'a [u8], key: &[u8]) -> Option<Option<&'a [u8]>> {
    let mut found = None;
    for (k, v) in RawAttrs(attrs) {
        if k.ok()? == key {
            if found.is_some() {
                return None;
            }
            found = Some(v);
        }
    }
    Some(found)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::grid::{Format as FileFormat, declared_shared_strings, sniff};
    use std::io::Write;
    use std::path::{Path, PathBuf};

    fn budget() -> CellBudget {
        CellBudget::new(Limits::default().max_cells)
    }

    /// The fast path's answer and the calamine path's.
    type Both = (
        Option<Result<Vec<Grid>, ReadError>>,
        Result<Vec<Grid>, ReadError>,
    );

    /// Both paths on one file: `None` when it is no xlsx the old path would be handed.
    fn both(bytes: &[u8]) -> Option<Both> {
        let limits = Limits::default();
        if !matches!(sniff(bytes, "xlsx", &limits), Ok(FileFormat::Xlsx))
            || declared_shared_strings(bytes) > limits.max_cells
        {
            return None;
        }
        let fast = read(bytes, &Limits::default(), &mut budget());
        let old = super::super::grid::read_xlsx_calamine(bytes, &mut budget());
        Some((fast, old))
    }

    fn same_grids(a: &[Grid], b: &[Grid], what: &str) {
        assert_eq!(a.len(), b.len(), "{what}: sheet count");
        for (x, y) in a.iter().zip(b) {
            let at = format!("{what} › {}", y.name);
            assert_eq!(x.name, y.name, "{at}");
            assert_eq!(x.is_1904, y.is_1904, "{at}: is_1904");
            assert_eq!(x.rows.len(), y.rows.len(), "{at}: rows");
            for (r, s) in x.rows.iter().zip(&y.rows) {
                // Debug text: NaN equals NaN, -0 differs from 0.
                assert_eq!(format!("{r:?}"), format!("{s:?}"), "{at}");
            }
            assert_eq!(x.merges, y.merges, "{at}: merges");
            assert_eq!(x.truncated, y.truncated, "{at}: truncated");
            assert_eq!(x.xml_plain, y.xml_plain, "{at}: xml_plain");
        }
    }

    /// Fast or fallen back; when fast, the same grids (or the same refusal) as calamine's.
    fn differential(path: &Path, bytes: &[u8]) -> Option<bool> {
        let (fast, old) = both(bytes)?;
        let what = path.display().to_string();
        match (fast, old) {
            (None, _) => Some(false),
            (Some(Ok(a)), Ok(b)) => {
                same_grids(&a, &b, &what);
                Some(true)
            }
            (Some(Err(a)), Err(b)) => {
                assert_eq!(a.to_string(), b.to_string(), "{what}");
                Some(true)
            }
            (Some(a), b) => panic!("{what}: fast {:?}, calamine {:?}", a.err(), b.err()),
        }
    }

    fn xlsx_under(root: &Path) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.path().to_path_buf())
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn fixtures_read_as_calamine_reads_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let (mut fast, mut fell_back, mut hostile_fast, mut hostile_back) = (0, 0, 0, 0);
        for p in xlsx_under(&root) {
            let bytes = std::fs::read(&p).unwrap();
            let odd = ["hostile", "broken"]
                .iter()
                .any(|w| p.to_string_lossy().contains(w));
            match (differential(&p, &bytes), odd) {
                (Some(true), false) => fast += 1,
                (Some(false), false) => {
                    println!("fell back: {}", p.display());
                    fell_back += 1;
                }
                (Some(true), true) => hostile_fast += 1,
                (Some(false), true) => {
                    println!("fell back (hostile/broken): {}", p.display());
                    hostile_back += 1;
                }
                (None, _) => println!("not an xlsx to read: {}", p.display()),
            }
        }
        println!(
            "fixtures: {fast} fast, {fell_back} fell back; hostile/broken: {hostile_fast} fast, {hostile_back} fell back"
        );
        assert!(
            fast >= 15 && fast > 4 * fell_back,
            "{fast} fast, {fell_back} fell back"
        );
    }

    #[test]
    fn benchmark_sample_reads_as_calamine_reads_it() {
        let root = Path::new("/tmp/orglife-bench-200/returns");
        if !root.is_dir() {
            println!("{} absent: skipped", root.display());
            return;
        }
        let files = xlsx_under(root);
        let (mut fast, mut fell_back) = (0, 0);
        for p in files.iter().step_by(8) {
            let bytes = std::fs::read(p).unwrap();
            match differential(p, &bytes) {
                Some(true) => fast += 1,
                _ => {
                    println!("fell back: {}", p.display());
                    fell_back += 1;
                }
            }
        }
        println!("benchmark sample: {fast} fast, {fell_back} fell back");
        assert!(
            fast > 0 && fell_back == 0,
            "{fast} fast, {fell_back} fell back"
        );
    }

    // ---- Small hand-written packages -------------------------------------------------------

    const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="177" formatCode="[h]:mm"/></numFmts><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" xfId="0"/><xf numFmtId="14" fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="177" fontId="0" xfId="0" applyNumberFormat="1"><alignment horizontal="center"/></xf><xf numFmtId="22" fontId="0" xfId="0"/><xf numFmtId="2" fontId="0" xfId="0"/></cellXfs></styleSheet>"#;

    /// A package with one sheet (`sheet_data` inside `<sheetData>`) and the given strings.
    fn package(sheet_data: &str, strings: &[&str], date1904: bool) -> Vec<u8> {
        package_with(sheet_data, strings, date1904, |_, x| x)
    }

    fn package_with(
        sheet_data: &str,
        strings: &[&str],
        date1904: bool,
        edit: impl Fn(&str, String) -> String,
    ) -> Vec<u8> {
        let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let sst: String = strings.iter().map(|s| format!("<si>{s}</si>")).collect();
        let members = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string(),
            ),
            (
                "_rels/.rels",
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
            ),
            (
                "xl/workbook.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}"><workbookPr{}/><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
                    if date1904 { r#" date1904="1""# } else { "" }
                ),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
            ),
            ("xl/styles.xml", STYLES.to_string()),
            (
                "xl/sharedStrings.xml",
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="{0}" uniqueCount="{0}">{sst}</sst>"#, strings.len()),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}" xmlns:r="{rel}"><dimension ref="A1:C3"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>{sheet_data}</sheetData><mergeCells count="1"><mergeCell ref="A5:B5"/></mergeCells></worksheet>"#),
            ),
        ];
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in members {
            out.start_file(name, opts).unwrap();
            out.write_all(edit(name, text).as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// The grid read the fast way, after checking calamine reads the same.
    fn fast_grid(bytes: &[u8]) -> Grid {
        let (fast, old) = both(bytes).expect("an xlsx");
        let fast = fast.expect("read the fast way").unwrap();
        same_grids(&fast, &old.unwrap(), "hand-written");
        fast.into_iter().next().unwrap()
    }

    fn falls_back(bytes: &[u8]) -> bool {
        read(bytes, &Limits::default(), &mut budget()).is_none()
    }

    fn cell(g: &Grid, row: u32, col: u32) -> Option<&Cell> {
        g.rows.iter().find(|r| r.row == row)?.get(col)
    }

    fn text(s: &str) -> Option<Cell> {
        Some(Cell::Text(s.into()))
    }

    fn date(y: i32, m: u32, d: u32) -> Option<Cell> {
        Some(Cell::Date(
            chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(),
        ))
    }

    #[test]
    fn shared_and_inline_strings_rich_runs_and_phonetics() {
        let strings = [
            "<t>张三</t>",
            r#"<r><rPr><b/><sz val="11"/><rFont val="宋体"/></rPr><t>红星</t></r><r><t xml:space="preserve"> 村 </t></r><rPh sb="0" eb="2"><t>ホン</t></rPh><phoneticPr fontId="1"/>"#,
            "<t>  trimmed\r\n</t>",
            "<t/>",
        ];
        let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><r><t>党员</t></r><r><rPr><i/></rPr><t xml:space="preserve"> 大会</t></r><rPh sb="0" eb="1"><t>トウ</t></rPh></is></c><c r="B2" t="inlineStr"><is><t>a_x000D_b</t></is></c><c r="C2" t="inlineStr"><is/></c></row>"#;
        let g = fast_grid(&package(data, &strings, false));
        assert_eq!(cell(&g, 0, 0).cloned(), text("张三"));
        assert_eq!(cell(&g, 0, 1).cloned(), text("红星 村 "));
        assert_eq!(cell(&g, 0, 2).cloned(), text("trimmed"));
        assert_eq!(cell(&g, 0, 3), None);
        assert_eq!(cell(&g, 1, 0).cloned(), text("党员 大会"));
        assert_eq!(cell(&g, 1, 1).cloned(), text("a\rb"));
        assert_eq!(cell(&g, 1, 2), None);
    }

    #[test]
    fn entities_and_character_references() {
        let strings = [
            "<t>A&amp;B &lt;1&gt; &quot;x&quot; &apos;y&apos; &#24352;&#x4E09;</t>",
            "<t>&#10;line&#13;</t>",
        ];
        let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="str"><f>"a"&amp;"b"</f><v>a&amp;b&#x41;&#13;&#10;x&#xD;</v></c></row>"#;
        let g = fast_grid(&package(data, &strings, false));
        assert_eq!(cell(&g, 0, 0).cloned(), text("A&B <1> \"x\" 'y' 张三"));
        assert_eq!(cell(&g, 0, 1).cloned(), text("line"));
        assert_eq!(cell(&g, 0, 2).cloned(), text("a&bA\r\nx\r"));
        // An entity calamine cannot resolve is its to refuse.
        let bad = package(
            r#"<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>"#,
            &[],
            false,
        );
        assert!(falls_back(&bad));
        let upper_x = package(
            r#"<row r="1"><c r="A1" t="str"><v>&#X41;</v></c></row>"#,
            &[],
            false,
        );
        assert!(falls_back(&upper_x));
    }

    #[test]
    fn formulas_booleans_errors_and_iso_dates() {
        let data = r#"<row r="1"><c r="A1" t="str"><f>CONCAT(B1,"x")</f><v>结果</v></c><c r="B1" t="b"><v>1</v></c><c r="C1" t="b"><v>0</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E1" t="e"><v>#N/A</v></c><c r="F1"><f>1+1</f><v>2</v></c><c r="G1" t="d"><v>2024-07-31T00:00:00</v></c><c r="H1" t="d"><v>不是日期</v></c><c r="I1"><v>1</v><f>1</f></c><c r="J1" t="str"><f>""</f><v></v></c></row>"#;
        let g = fast_grid(&package(data, &[], false));
        assert_eq!(cell(&g, 0, 0).cloned(), text("结果"));
        assert_eq!(cell(&g, 0, 1), Some(&Cell::Bool(true)));
        assert_eq!(cell(&g, 0, 2), Some(&Cell::Bool(false)));
        assert_eq!(cell(&g, 0, 3), Some(&Cell::Error("#DIV/0!".into())));
        assert_eq!(cell(&g, 0, 4), Some(&Cell::Error("#N/A".into())));
        assert_eq!(cell(&g, 0, 5), Some(&Cell::Number(2.0)));
        assert_eq!(cell(&g, 0, 6).cloned(), date(2024, 7, 31));
        assert_eq!(cell(&g, 0, 7).cloned(), text("不是日期"));
        // A formula after the value empties the cell, as calamine reads it.
        assert_eq!(cell(&g, 0, 8), None);
        assert_eq!(cell(&g, 0, 9), None);
        let odd_error = package(
            r#"<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c></row>"#,
            &[],
            false,
        );
        assert!(falls_back(&odd_error));
    }

    #[test]
    fn date_styles_and_number_styles() {
        // Styles: 1 builtin 14, 2 yyyy"年"m"月"d"日", 3 [h]:mm, 4 builtin 22, 5 "0.00".
        let data = r#"<row r="1"><c r="A1" s="1"><v>45504</v></c><c r="B1" s="2"><v>45504.75</v></c><c r="C1" s="3"><v>1.5</v></c><c r="D1" s="4"><v>45505.5</v></c><c r="E1" s="5"><v>45504</v></c><c r="F1"><v>3.25</v></c><c r="G1" s="99"><v>7</v></c><c r="H1" s="1"><v>1e300</v></c><c r="I1" s="0"><v>-0</v></c></row>"#;
        let g = fast_grid(&package(data, &[], false));
        assert_eq!(cell(&g, 0, 0).cloned(), date(2024, 7, 31));
        assert_eq!(cell(&g, 0, 1).cloned(), date(2024, 7, 31));
        assert_eq!(cell(&g, 0, 2), Some(&Cell::Number(1.5)));
        assert_eq!(cell(&g, 0, 3).cloned(), date(2024, 8, 1));
        assert_eq!(cell(&g, 0, 4), Some(&Cell::Number(45504.0)));
        assert_eq!(cell(&g, 0, 5), Some(&Cell::Number(3.25)));
        assert_eq!(cell(&g, 0, 6), Some(&Cell::Number(7.0)));
        assert_eq!(cell(&g, 0, 7), Some(&Cell::Number(1e300)));
        assert_eq!(format!("{:?}", cell(&g, 0, 8)), "Some(Number(-0.0))");
        // 1904: the same serial is four years and a day later.
        let g = fast_grid(&package(
            r#"<row r="1"><c r="A1" s="1"><v>44042</v></c></row>"#,
            &[],
            true,
        ));
        assert!(g.is_1904);
        assert_eq!(cell(&g, 0, 0).cloned(), date(2024, 7, 31));
    }

    #[test]
    fn rows_and_cells_without_references() {
        let data = r#"<row><c><v>1</v></c><c t="inlineStr"><is><t>b</t></is></c></row><row r="4" spans="1:3"><c><v>2</v></c><c r="C4"><v>3</v></c><c><v>4</v></c></row><row/><row><c r="B9"><v>5</v></c><c/><c><v>6</v></c></row><row r="12"><c r="a12"><v>7</v></c></row>"#;
        let g = fast_grid(&package(data, &[], false));
        assert_eq!(cell(&g, 0, 0), Some(&Cell::Number(1.0)));
        assert_eq!(cell(&g, 0, 1).cloned(), text("b"));
        assert_eq!(cell(&g, 3, 0), Some(&Cell::Number(2.0)));
        assert_eq!(cell(&g, 3, 2), Some(&Cell::Number(3.0)));
        assert_eq!(cell(&g, 3, 3), Some(&Cell::Number(4.0)));
        // <row/> is row 5; the next row without r is 6, its cell placed by its own r.
        assert_eq!(cell(&g, 8, 1), Some(&Cell::Number(5.0)));
        assert_eq!(cell(&g, 5, 3), Some(&Cell::Number(6.0)));
        assert_eq!(cell(&g, 11, 0), Some(&Cell::Number(7.0)));
        // The merge A5:B5 declared after the cells.
        assert_eq!(g.merges.len(), 1);
    }

    #[test]
    fn what_is_not_understood_falls_back() {
        let plain = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
        assert!(!falls_back(&package(plain, &["<t>x</t>"], false)));
        // A shared-string index out of range: calamine refuses the file.
        assert!(falls_back(&package(plain, &[], false)));
        // Prefixed elements (read by calamine through local names).
        let prefixed = r#"<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>"#;
        assert!(falls_back(&package(prefixed, &[], false)));
        let prefixed_sst = package(plain, &["<x:t>x</x:t>"], false);
        assert!(falls_back(&prefixed_sst));
        // Unknown cell types, odd numbers, comments, CDATA, stray text.
        for data in [
            r#"<row r="1"><c r="A1" t="zz"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v> 1</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v>.5</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v>abc</v></c></row>"#,
            r#"<row r="1"><!-- note --><c r="A1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="str"><v><![CDATA[x]]></v></c></row>"#,
            r#"<row r="1">x<c r="A1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" r="B1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1"><extLst/></c></row>"#,
        ] {
            assert!(falls_back(&package(data, &[], false)), "{data}");
        }
        // A declared encoding other than UTF-8, and strict OOXML.
        let gbk = package_with(plain, &["<t>x</t>"], false, |name, x| {
            if name == "xl/worksheets/sheet1.xml" {
                x.replace("encoding=\"UTF-8\"", "encoding=\"GBK\"")
            } else {
                x
            }
        });
        assert!(falls_back(&gbk));
        let strict = package_with(plain, &["<t>x</t>"], false, |name, x| {
            if name == "xl/workbook.xml" {
                x.replace(
                    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    "http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
            } else {
                x
            }
        });
        assert!(falls_back(&strict));
    }

    #[test]
    fn a_fallback_leaves_the_budget_whole_and_a_refusal_matches() {
        // Three cells, then an unknown type: nothing of the budget may be spent.
        let data = r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c><c r="D1" t="zz"><v>1</v></c></row>"#;
        let mut b = CellBudget::new(10);
        assert!(read(&package(data, &[], false), &Limits::default(), &mut b).is_none());
        assert_eq!(format!("{:?}", b), format!("{:?}", CellBudget::new(10)));
        // Out of budget at the third cell: the same words as the calamine path.
        let data = r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c></row>"#;
        let bytes = package(data, &[], false);
        let fast = read(&bytes, &Limits::default(), &mut CellBudget::new(2))
            .unwrap()
            .unwrap_err();
        let old =
            super::super::grid::read_xlsx_calamine(&bytes, &mut CellBudget::new(2)).unwrap_err();
        assert_eq!(fast.to_string(), old.to_string());
    }

    #[test]
    fn custom_formats_classified_as_calamine_does() {
        for (code, want) in [
            ("yyyy\"年\"m\"月\"d\"日\"", Format::DateTime),
            ("[h]:mm", Format::TimeDelta),
            ("[h]:mm:ss", Format::TimeDelta),
            ("0.00", Format::Other),
            ("\"$\"#,##0_);[Red](\"$\"#,##0)", Format::Other),
            ("#,##0*y", Format::Other),
            ("[$-404]e\"\\xfc\"m", Format::DateTime),
            ("h:mm AM/PM", Format::DateTime),
            ("@", Format::Other),
        ] {
            assert_eq!(custom_format(code), want, "{code}");
        }
        assert_eq!(builtin_format("14"), Format::DateTime);
        assert_eq!(builtin_format("014"), Format::Other);
        assert_eq!(builtin_format("46"), Format::TimeDelta);
    }

    /// Fast and equal to calamine, or fallen back; panics on a difference. `true` when fast.
    fn agrees(bytes: &[u8], what: &str) -> bool {
        match both(bytes) {
            Some((Some(Ok(a)), Ok(b))) => {
                same_grids(&a, &b, what);
                true
            }
            Some((Some(Err(a)), Err(b))) => {
                assert_eq!(a.to_string(), b.to_string(), "{what}");
                true
            }
            Some((None, _)) | None => false,
            Some((Some(a), b)) => panic!("{what}: fast {:?}, calamine {:?}", a.err(), b.err()),
        }
    }

    #[test]
    fn odd_but_valid_sheets_read_as_calamine() {
        let strings = ["<t>x</t>", "<t xml:space=\"preserve\">  </t>"];
        for data in [
            "",
            "<row r=\"1\"/>",
            "<row r=\"1\"><c r=\"A1\" s=\"1\"/></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v></v></c><c r=\"B1\" t=\"s\"><v>000</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"n\"><v>1.5E+3</v></c><c r=\"B1\"><v>-12.25e-2</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"b\"><v> TRUE </v></c><c r=\"B1\" t=\"b\"><v/></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"str\"><v/></c><c r=\"B1\" t=\"d\"><v/></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><v>ignored</v><is><t>kept</t></is></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>kept</t></is><v>ignored</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" t='s'><v>0</v></c></row>",
            "<row r=\"1\">\n  <c r=\"A1\" t=\"s\" >\n    <v>0</v>\n  </c>\n</row>",
            "<row r=\"3\"><c r=\"A1\"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>2958466</v></c><c r=\"B1\" s=\"3\"><v>45504</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>-1</v></c><c r=\"B1\" s=\"1\"><v>0</v></c><c r=\"C1\" s=\"1\"><v>60</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"str\"><v>a_x005F_x000D_b\r\nc\rd</v></c></row>",
            "<row r=\"1\"><c r=\"A1\" t=\"e\"><v></v></c><c r=\"B1\" t=\"e\"><v>#REF!</v></c></row>",
            "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" ref=\"A2:A3\" si=\"0\">B2*2</f><v>4</v></c></row><row r=\"3\"><c r=\"A3\"><f t=\"shared\" si=\"0\"/><v>6</v></c></row>",
        ] {
            assert!(
                agrees(&package(data, &strings, false), data),
                "fell back: {data}"
            );
        }
    }

    /// Random damage to a real sheet and shared-string table: the fast path never panics, and
    /// whatever it reads, calamine reads the same.
    #[test]
    fn damaged_parts_read_as_calamine_or_fall_back() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/single/libreoffice.xlsx");
        let original = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(&original[..])).unwrap();
        let mut members = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut text = Vec::new();
            f.read_to_end(&mut text).unwrap();
            members.push((f.name().unwrap().into_owned(), text));
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: &[u8] = b"<>/\"'&;=: _x0123456789AZvcrstf#\r\n";
        let (mut fast, mut total) = (0, 0);
        // XLSX_FAST_ROUNDS=20000 for a longer search.
        let rounds = std::env::var("XLSX_FAST_ROUNDS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(400);
        for round in 0..rounds {
            let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            let target = if round % 3 == 0 {
                "xl/sharedStrings.xml"
            } else {
                "xl/worksheets/sheet1.xml"
            };
            for (name, text) in &members {
                let mut text = text.clone();
                if name == target && !text.is_empty() {
                    for _ in 0..1 + next() % 3 {
                        let at = (next() % text.len() as u64) as usize;
                        match next() % 3 {
                            0 => {
                                text.remove(at);
                            }
                            1 => {
                                text.insert(at, alphabet[(next() % alphabet.len() as u64) as usize])
                            }
                            _ => text[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                        }
                    }
                }
                out.start_file(name.as_str(), opts).unwrap();
                out.write_all(&text).unwrap();
            }
            let bytes = out.finish().unwrap().into_inner();
            total += 1;
            if let Some(dir) = std::env::var_os("XLSX_FAST_DUMP") {
                std::fs::write(Path::new(&dir).join(format!("{round}.xlsx")), &bytes).unwrap();
            }
            if agrees(&bytes, &format!("round {round} ({target})")) {
                fast += 1;
            }
        }
        println!("damaged: {fast} of {total} read the fast way");
        assert!(fast > total / 4, "{fast} of {total}");
    }

    #[test]
    fn attributes_read_on_bytes_as_on_text() {
        /// The attribute reader as it was on text (char boundaries checked at every slice).
        struct Reference<'a>(&'a str);
        impl<'a> Iterator for Reference<'a> {
            type Item = (Result<&'a str, ()>, &'a str);

            // On bytes: every delimiter is ASCII, so each index found is a char boundary. This runs
            // for every attribute of every cell (it was a tenth of a run as a char-by-char search).
            fn next(&mut self) -> Option<Self::Item> {
                let all = self.0;
                let b = all.as_bytes();
                let start = b.iter().position(|&c| !is_space_byte(c))?;
                self.0 = "";
                let bad = Some((Err(()), ""));
                // Plain loops, not memchr: an attribute is a few bytes, shorter than memchr's setup.
                let Some(eq) = b[start..]
                    .iter()
                    .position(|&c| c == b'=')
                    .map(|i| start + i)
                else {
                    return bad;
                };
                let key = &b[start..eq];
                if key.is_empty()
                    || key.iter().any(|&c| {
                        is_space_byte(c) || matches!(c, b'"' | b'\'' | b'<' | b'>' | b'/' | b'&')
                    })
                {
                    return bad;
                }
                let quote = match b.get(eq + 1) {
                    Some(&q @ (b'"' | b'\'')) => q,
                    _ => return bad,
                };
                let Some(end) = b[eq + 2..]
                    .iter()
                    .position(|&c| c == quote)
                    .map(|i| eq + 2 + i)
                else {
                    return bad;
                };
                let value = &all[eq + 2..end];
                let after = &all[end + 1..];
                if value.bytes().any(|c| c == b'<')
                    || after.as_bytes().first().is_some_and(|&c| !is_space_byte(c))
                {
                    return bad;
                }
                self.0 = after;
                Some((Ok(&all[start..eq]), value))
            }
        }
        let cases = [
            "",
            "  ",
            " r=\"A1\"",
            " r='A1' s=\"2\" t=\"s\"",
            " r=\"A1\"s=\"2\"",
            " =\"x\"",
            " r=A1",
            " r=\"A<1\"",
            " r=\"A1",
            " a b=\"1\"",
            " r=\"\" s=\"1\"",
            "\tr=\"1\"\n spans=\"1:7\" ht=\"27.75\" customHeight=\"1\" ",
            " xml:space=\"preserve\"",
            " r=\"A1\" r=\"B1\"",
            " k&=\"1\"",
            " 名=\"值\" r=\"A1\"",
            " r=\"A1\" /",
            " r=\"A1\" s",
        ];
        for case in cases {
            let want: Vec<_> = Reference(case).collect();
            assert_eq!(Attrs(case).collect::<Vec<_>>(), want, "{case:?}");
            let raw: Vec<_> = RawAttrs(case.as_bytes()).collect();
            let text: Vec<_> = want
                .iter()
                .map(|(k, v)| (k.map(str::as_bytes), v.as_bytes()))
                .collect();
            assert_eq!(raw, text, "{case:?}");
        }
    }

    #[test]
    fn cells_read_whole_still_close_their_element() {
        // Plain cells (read without their tags) then more end tags than elements are open:
        // calamine's reader refuses the extra one, so the fast reader must not read past it.
        let strings = ["<t>x</t>", "<t>y</t>"];
        let cells = "<c r=\"A1\"><v>1</v></c><c r=\"B1\" t=\"s\"><v>0</v></c>";
        for extra in 0..5 {
            let data = format!("<row r=\"1\">{cells}</row>{}", "</row>".repeat(extra));
            let bytes = package(&data, &strings, false);
            let read = agrees(&bytes, &data);
            eprintln!(
                "{extra} extra end tags: {}",
                if read { "read alike" } else { "fell back" }
            );
            if extra == 0 {
                assert!(read, "{data}");
            }
        }
    }

    #[test]
    fn read_all_reads_every_byte_whatever_the_hint_and_the_buffer() {
        /// Hands out at most `step` bytes per read, with an interruption now and then.
        struct Trickle<'a> {
            data: &'a [u8],
            step: usize,
            calls: usize,
        }
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                self.calls += 1;
                if self.calls.is_multiple_of(5) {
                    return Err(std::io::ErrorKind::Interrupted.into());
                }
                let n = self.step.min(out.len()).min(self.data.len());
                out[..n].copy_from_slice(&self.data[..n]);
                self.data = &self.data[n..];
                Ok(n)
            }
        }
        let mut buf = vec![0xAA; 100];
        for len in [0, 1, 63, 64, 65, 100, 4096, 5000, 70_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            for hint in [0, len / 2, len, len + 10] {
                for step in [1, 7, 64, 100_000] {
                    if len > 5000 && step < 64 {
                        continue;
                    }
                    let r = Trickle {
                        data: &data,
                        step,
                        calls: 0,
                    };
                    let n = read_all(r, &mut buf, hint).unwrap();
                    assert_eq!(&buf[..n], &data[..], "len {len} hint {hint} step {step}");
                }
            }
        }
    }

    #[test]
    fn underscore_escapes_as_calamine() {
        let mut out = String::new();
        push_unescaped(
            "a_x000D_b_x005F_x000D__xD83D__xDCF7_c_xD800_d_xDC00_",
            &mut out,
        );
        assert_eq!(out, "a\rb_x000D_\u{1F4F7}c\u{FFFD}d\u{FFFD}");
    }
}
