//! Workbook metadata, read as calamine's `Xlsx::new` reads it: the package and workbook
//! relationships, the worksheets in order, the 1904 flag, each cell style's number format and
//! the shared-string table (all in one buffer).

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};

use quick_xml::events::Event;

use super::scanner::{
    Attrs, Kind, attr, decode_attr, next_event, prologue, push_t, resolve_ref, xml_reader,
};
use super::{Fast, OrFallback, Stop, ZipNames, read_part, utf8_xml};

/// Workbook-level parts (rels, workbook, styles) are a few kilobytes; larger ones are odd.
const MAX_SMALL_PART: u64 = 16 << 20;

/// A cell style's number format, as calamine classifies it (`CellFormat`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Format {
    Other,
    DateTime,
    TimeDelta,
}

/// What calamine's `Xlsx::new` knows about a workbook, as far as cells need it.
pub(super) struct Book {
    pub(super) is_1904: bool,
    /// Worksheets in workbook order: name, zip member.
    pub(super) sheets: Vec<(String, String)>,
    /// By cell style index (`s=`).
    pub(super) formats: Vec<Format>,
    pub(super) strings: Strings,
}

impl Book {
    /// Mirrors `Xlsx::new`: package rels, shared strings, styles, workbook rels, workbook.
    pub(super) fn read<R: Read + Seek>(
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
pub(super) fn custom_format(format: &str) -> Format {
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
pub(super) fn builtin_format(id: &str) -> Format {
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
pub(super) struct Strings {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<usize>,
}

impl Strings {
    #[inline]
    pub(super) fn get(&self, i: usize) -> Option<&str> {
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
