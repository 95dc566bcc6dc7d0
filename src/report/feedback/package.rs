//! A feedback workbook made from an xlsx package: the branch's own return (or one orglife
//! wrote from it) with 问题清单 put first and only the parts that must change rewritten.
//!
//! Parts that do not change are copied still compressed, so a clean return costs a copy, not
//! a parse and a deflate of every cell: this was two thirds of a full check's time when every
//! cell was read again and written anew. A package holding anything this module does not
//! understand (drawings, comments, links, macros, a prefixed or strict namespace) is refused
//! with a reason, and the caller writes the workbook from the cells instead.

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read, Write};

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;
use zip::read::ZipFile;
use zip::write::SimpleFileOptions;

use super::parts::{StyleBook, comments, findings_names, findings_sheet, vml};
use super::worksheet::{SheetEdit, mask_shared_strings, next_event, rewrite, tag, unselect};
use super::{FindingsSheet, Mark};
use crate::model::outputs::FEEDBACK_SHEET;
use crate::report::mask::has_pii_in_markup;
use crate::text::may_hold_id_digits;

/// Why a package was not patched (the caller falls back to writing every cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unpatchable(pub &'static str);

/// Where the package came from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The branch's own file: 问题清单 is inserted before its sheets, and no part may keep an
    /// ID or phone unmasked (checked on every part, whatever it is).
    Original,
    /// Written by orglife from the cells, masked already, with an empty first sheet that
    /// 问题清单 replaces.
    Generated,
}

/// What goes into the workbook besides the package.
pub struct Patch<'a> {
    pub first: &'a FindingsSheet,
    /// Marks by sheet name, each list sorted by (row, col), one per cell.
    pub marks: &'a HashMap<String, Vec<Mark>>,
    /// Sheets the reader found plain (no ID-like digits, not the selected tab) in this very
    /// file: without marks they are copied still compressed, not even inflated.
    pub plain: &'a HashSet<String>,
    pub mask: bool,
}

/// All parts together may not inflate past this (the reader's own cap on a workbook).
const MAX_INFLATED: u64 = 64 << 20;

const NS_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const T_SHEET: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
const CT_SHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_COMMENTS: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";

struct Rel {
    id: String,
    kind: String,
    target: String,
    external: bool,
}

fn unreadable<E>(_: E) -> Unpatchable {
    Unpatchable("工作簿结构无法解析")
}

fn relationships(xml: &str) -> Result<Vec<Rel>, Unpatchable> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match r.read_event().map_err(unreadable)? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().into_inner() == "Relationship" => {
                let mut rel = Rel {
                    id: String::new(),
                    kind: String::new(),
                    target: String::new(),
                    external: false,
                };
                for a in e.attributes().flatten() {
                    let v = attr_text(&a)?;
                    match a.key.into_inner() {
                        "Id" => rel.id = v,
                        "Type" => rel.kind = v,
                        "Target" => rel.target = v,
                        "TargetMode" => rel.external = v == "External",
                        _ => {}
                    }
                }
                out.push(rel);
            }
            _ => {}
        }
    }
    Ok(out)
}

fn rels_xml(rels: &[Rel]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for r in rels {
        s.push_str(&format!(
            "<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"{}/>",
            escape(r.id.as_str()),
            escape(r.kind.as_str()),
            escape(r.target.as_str()),
            if r.external {
                " TargetMode=\"External\""
            } else {
                ""
            }
        ));
    }
    s.push_str("</Relationships>");
    s
}

/// A workbook relationship's target as a part name ("worksheets/sheet1.xml" → "xl/worksheets/…").
fn part_name(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("xl/{target}"),
    }
}

/// The sheets of workbook.xml in order: (name, relationship id).
struct WorkbookInfo {
    sheets: Vec<(String, String)>,
    max_id: u64,
}

fn workbook_info(xml: &str) -> Result<WorkbookInfo, Unpatchable> {
    let mut r = Reader::from_str(xml);
    let mut sheets = Vec::new();
    let mut max_id = 0;
    let mut depth = 0;
    loop {
        match r.read_event().map_err(unreadable)? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if depth == 0 || e.name().into_inner() == "sheet" => {
                if depth == 0 {
                    if e.name().into_inner() != "workbook" {
                        return Err(Unpatchable("工作簿带前缀或为严格格式"));
                    }
                    // Strict OOXML and unusual prefixes are left to the cell writer.
                    let ns_ok = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.into_inner() == "xmlns:r" && a.value == NS_REL);
                    if !ns_ok {
                        return Err(Unpatchable("工作簿命名空间不常见"));
                    }
                    depth = 1;
                    continue;
                }
                let mut name = String::new();
                let mut id = String::new();
                for a in e.attributes().flatten() {
                    match a.key.into_inner() {
                        "name" => name = attr_text(&a)?,
                        "r:id" => id = attr_text(&a)?,
                        "sheetId" => {
                            let n: u64 = a.value.parse().unwrap_or(0);
                            max_id = max_id.max(n);
                        }
                        _ => {}
                    }
                }
                sheets.push((name, id));
            }
            _ => {}
        }
    }
    Ok(WorkbookInfo { sheets, max_id })
}

/// workbook.xml with 问题清单 first (inserted, or already there as the placeholder), opened on
/// it, the sheet-local defined names shifted when a sheet was inserted, and 问题清单's own names
/// added.
fn edit_workbook(
    xml: &str,
    insert: Option<(u64, &str)>,
    names: &str,
) -> Result<String, Unpatchable> {
    let mut r = Reader::from_str(xml);
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut last = 0;
    let mut depth = 0usize;
    let mut names_done = false;
    let shift = u32::from(insert.is_some());
    let push = |out: &mut String, last: &mut usize, start: usize, end: usize, with: &str| {
        out.push_str(&xml[*last..start]);
        out.push_str(with);
        *last = end;
    };
    loop {
        let (start, ev, end) = next_event(&mut r, "工作簿结构无法解析")?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                match e.name().into_inner() {
                    "sheets" if depth == 1 && !empty => {
                        if let Some((id, rel)) = insert {
                            let sheet = format!(
                                "{}<sheet name=\"问题清单\" sheetId=\"{id}\" r:id=\"{}\"/>",
                                &xml[start..end],
                                escape(rel)
                            );
                            push(&mut out, &mut last, start, end, &sheet);
                        }
                    }
                    "workbookView" => {
                        let t = tag(e, &["activeTa", "firstSheet"], &[], empty);
                        push(&mut out, &mut last, start, end, &t);
                    }
                    "definedName" if shift > 0 => {
                        let local = e
                            .attributes()
                            .flatten()
                            .find(|a| a.key.into_inner() == "localSheetId")
                            .and_then(|a| a.value.parse::<u32>().ok());
                        // A sheet index past u32 (no workbook has that many sheets) is left
                        // as written rather than wrapped onto another sheet.
                        if let Some(k) = local.and_then(|k| k.checked_add(shift)) {
                            let t = tag(e, &[], &[("localSheetId", &k.to_string())], empty);
                            push(&mut out, &mut last, start, end, &t);
                        }
                    }
                    "definedNames" if empty => {
                        push(
                            &mut out,
                            &mut last,
                            start,
                            end,
                            &format!("<definedNames>{names}</definedNames>"),
                        );
                        names_done = true;
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                if e.name().into_inner() == "definedNames" {
                    push(&mut out, &mut last, start, start, names);
                    names_done = true;
                }
            }
            _ => {}
        }
    }
    out.push_str(&xml[last..]);
    if !names_done {
        // No <definedNames>: it goes right after </sheets> (nothing may sit between them that
        // this module lets through: externalReferences would need parts it refuses).
        let at = out
            .find("</sheets>")
            .ok_or(Unpatchable("工作簿结构无法解析"))?
            + "</sheets>".len();
        out.insert_str(at, &format!("<definedNames>{names}</definedNames>"));
    }
    Ok(out)
}

/// [Content_Types].xml rebuilt: every Default kept (plus vml when notes are added), every
/// Override kept except the dropped and renamed parts, then the new parts.
fn content_types(
    xml: &str,
    drop: &HashSet<String>,
    add: &[(String, &str)],
    vml: bool,
) -> Result<String, Unpatchable> {
    let mut r = Reader::from_str(xml);
    let mut defaults = Vec::new();
    let mut overrides = Vec::new();
    loop {
        match r.read_event().map_err(unreadable)? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let get = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.into_inner() == k)
                        .and_then(|a| attr_text(&a).ok())
                        .unwrap_or_default()
                };
                match e.name().into_inner() {
                    "Default" => defaults.push((get("Extension"), get("ContentType"))),
                    "Override" => overrides.push((get("PartName"), get("ContentType"))),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if vml && !defaults.iter().any(|(e, _)| e.eq_ignore_ascii_case("vml")) {
        defaults.push(("vml".to_string(), CT_VML.to_string()));
    }
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    );
    for (e, t) in &defaults {
        s.push_str(&format!(
            "<Default Extension=\"{}\" ContentType=\"{}\"/>",
            escape(e.as_str()),
            escape(t.as_str())
        ));
    }
    for (p, t) in &overrides {
        if drop.contains(p.trim_start_matches('/')) {
            continue;
        }
        s.push_str(&format!(
            "<Override PartName=\"{}\" ContentType=\"{}\"/>",
            escape(p.as_str()),
            escape(t.as_str())
        ));
    }
    for (p, t) in add {
        s.push_str(&format!(
            "<Override PartName=\"/{}\" ContentType=\"{t}\"/>",
            escape(p.as_str())
        ));
    }
    s.push_str("</Types>");
    Ok(s)
}

/// No ID-like or phone-like digit run anywhere in a part (decimal fractions aside).
fn pii_free(text: &str) -> bool {
    !has_pii_in_markup(text)
}

/// The branch's package as it is read: its files by name, and how much may still be inflated.
struct Source<'p> {
    zip: zip::ZipArchive<Cursor<&'p [u8]>>,
    index: HashMap<String, usize>,
    /// All parts read as text together may not inflate past [`MAX_INFLATED`].
    left: u64,
}

impl<'p> Source<'p> {
    /// Open `package` and index its files, refused when they declare more than [`MAX_INFLATED`].
    fn open(package: &'p [u8]) -> Result<Self, Unpatchable> {
        let mut zip = zip::ZipArchive::new(Cursor::new(package)).map_err(unreadable)?;
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut declared = 0u64;
        for i in 0..zip.len() {
            let f = zip.by_index_raw(i).map_err(unreadable)?;
            if f.is_dir() {
                continue;
            }
            declared = declared.saturating_add(f.size());
            index.insert(f.name().map_err(unreadable)?.into_owned(), i);
        }
        if declared > MAX_INFLATED {
            return Err(Unpatchable("工作簿太大"));
        }
        Ok(Source {
            zip,
            index,
            left: MAX_INFLATED,
        })
    }

    /// A part inflated as UTF-8 text (a leading BOM dropped), counted against the budget.
    fn text(&mut self, name: &str) -> Result<String, Unpatchable> {
        let i = *self
            .index
            .get(name)
            .ok_or(Unpatchable("工作簿缺少必要部分"))?;
        let f = self.zip.by_index(i).map_err(unreadable)?;
        let mut bytes = Vec::with_capacity(f.size().min(self.left) as usize);
        f.take(self.left + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > self.left {
            return Err(Unpatchable("工作簿太大"));
        }
        self.left -= bytes.len() as u64;
        let mut s = String::from_utf8(bytes).map_err(|_| Unpatchable("部件不是UTF-8编码"))?;
        if s.starts_with('\u{feff}') {
            s.drain(..3);
        }
        Ok(s)
    }

    /// A part still compressed, to be copied as it is.
    fn raw(&mut self, name: &str) -> Result<ZipFile<'_, Cursor<&'p [u8]>>, Unpatchable> {
        let i = *self
            .index
            .get(name)
            .ok_or(Unpatchable("工作簿缺少工作表的组成部分"))?;
        self.zip.by_index_raw(i).map_err(unreadable)
    }
}

/// The feedback package as it is written: new and rewritten parts deflated, others copied raw.
struct Sink {
    zip: zip::ZipWriter<Cursor<Vec<u8>>>,
    opts: SimpleFileOptions,
}

impl Sink {
    /// An empty package with room for about as much as the branch's own.
    fn new(size: usize) -> Self {
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(3));
        Sink {
            zip: zip::ZipWriter::new(Cursor::new(Vec::with_capacity(size + 16384))),
            opts,
        }
    }

    /// Write the part `name` with `body`.
    fn put(&mut self, name: &str, body: &str) -> Result<(), Unpatchable> {
        self.zip.start_file(name, self.opts).map_err(unreadable)?;
        self.zip.write_all(body.as_bytes()).map_err(unreadable)
    }
}

/// The workbook's own parts, as named by its relationships.
struct WorkbookParts {
    /// Worksheet part by relationship id.
    sheets: HashMap<String, String>,
    styles: String,
    strings: Option<String>,
    /// Parts left out of the feedback workbook (the calculation chain).
    dropped: HashSet<String>,
}

/// The workbook's relationships, its XML and its sheets, after checking the package's root
/// points at `xl/workbook.xml`.
fn read_workbook(src: &mut Source) -> Result<(Vec<Rel>, String, WorkbookInfo), Unpatchable> {
    let root = relationships(&src.text("_rels/.rels")?)?;
    let office = root
        .iter()
        .find(|r| r.kind.ends_with("/officeDocument"))
        .ok_or(Unpatchable("工作簿缺少必要部分"))?;
    // Root relationships are relative to the package root.
    if office.target.trim_start_matches('/') != "xl/workbook.xml" {
        return Err(Unpatchable("工作簿位置不常见"));
    }
    let wb_rels = relationships(&src.text("xl/_rels/workbook.xml.rels")?)?;
    let workbook = src.text("xl/workbook.xml")?;
    let info = workbook_info(&workbook)?;
    Ok((wb_rels, workbook, info))
}

/// The workbook's parts by kind, refused when the package holds any part this module does not
/// understand; the calculation chain's relationship is taken out of `wb_rels`.
fn workbook_parts(
    wb_rels: &mut Vec<Rel>,
    index: &HashMap<String, usize>,
) -> Result<WorkbookParts, Unpatchable> {
    // Every part must be one this module understands.
    let mut sheet_part: HashMap<String, String> = HashMap::new();
    let mut styles_part = None;
    let mut strings_part = None;
    let mut dropped: HashSet<String> = HashSet::new();
    for r in wb_rels.iter() {
        if r.external {
            return Err(Unpatchable("工作簿含外部链接"));
        }
        let part = part_name(&r.target);
        let kind = r.kind.rsplit('/').next().unwrap_or("");
        match kind {
            "worksheet" => {
                sheet_part.insert(r.id.clone(), part);
            }
            "styles" => styles_part = Some(part),
            "sharedStrings" => strings_part = Some(part),
            // Excel rebuilds the calculation chain; a stale one (formulas dropped by masking)
            // would make it report the file as damaged.
            "calcChain" => {
                dropped.insert(part);
            }
            "theme" => {}
            _ => return Err(Unpatchable("工作簿含图表、外部链接等部件")),
        }
    }
    wb_rels.retain(|r| !r.kind.ends_with("/calcChain"));
    let styles_part = styles_part.ok_or(Unpatchable("工作簿缺少样式表"))?;
    for name in index.keys() {
        let known = name == "[Content_Types].xml"
            || name == "_rels/.rels"
            || name == "xl/workbook.xml"
            || name == "xl/_rels/workbook.xml.rels"
            || *name == styles_part
            || strings_part.as_ref() == Some(name)
            || dropped.contains(name)
            || sheet_part.values().any(|p| p == name)
            || (name.starts_with("docProps/")
                && name.ends_with(".xml")
                && !name[9..].contains('/'))
            || (name.starts_with("xl/theme/")
                && name.ends_with(".xml")
                && !name[9..].contains('/'));
        if !known {
            return Err(Unpatchable("工作簿含批注、图片或其他部件"));
        }
    }
    Ok(WorkbookParts {
        sheets: sheet_part,
        styles: styles_part,
        strings: strings_part,
        dropped,
    })
}

/// The sheets in workbook order: (name, part).
fn sheet_order(
    info: &WorkbookInfo,
    sheet_part: &HashMap<String, String>,
) -> Result<Vec<(String, String)>, Unpatchable> {
    let order: Vec<(String, String)> = info
        .sheets
        .iter()
        .map(|(name, id)| {
            sheet_part
                .get(id)
                .map(|part| (name.clone(), part.clone()))
                .ok_or(Unpatchable("工作簿结构无法解析"))
        })
        .collect::<Result<_, _>>()?;
    if order.is_empty() {
        return Err(Unpatchable("工作簿没有工作表"));
    }
    Ok(order)
}

/// What writing the branch's sheets left for the workbook and the content types.
struct SheetsWritten {
    /// Overrides to add to the content types, 问题清单's own first.
    new_types: Vec<(String, &'static str)>,
    /// Each sheet's new part name by its old one.
    renamed: HashMap<String, String>,
    /// How many sheets got notes.
    notes: usize,
}

/// The branch's own sheets, as sheet2.xml on in workbook order: copied still compressed when
/// nothing changes, else rewritten, each with its notes when it has marks.
fn write_sheets(
    src: &mut Source,
    out: &mut Sink,
    own: &[(String, String)],
    p: &Patch,
    styles: &mut StyleBook,
    guard: bool,
) -> Result<SheetsWritten, Unpatchable> {
    // Written at the end, once every part is known; the zip order does not matter to readers.
    let mut new_types: Vec<(String, &str)> =
        vec![("xl/worksheets/sheet1.xml".to_string(), CT_SHEET)];
    let mut renamed: HashMap<String, String> = HashMap::new();
    let mut notes = 0usize;
    let no_marks = Vec::new();
    for (k, (name, part)) in own.iter().enumerate() {
        let new_name = format!("xl/worksheets/sheet{}.xml", k + 2);
        renamed.insert(part.clone(), new_name.clone());
        new_types.push((new_name.clone(), CT_SHEET));
        let marks = p.marks.get(name).unwrap_or(&no_marks);
        if marks.is_empty() && p.plain.contains(name) {
            let f = src.raw(part)?;
            out.zip
                .raw_copy_file_rename(f, &new_name)
                .map_err(unreadable)?;
            continue;
        }
        let xml = src.text(part)?;
        let body = sheet_body(&xml, marks, p.mask, styles)?;
        if guard && !pii_free(body.as_deref().unwrap_or(&xml)) {
            return Err(Unpatchable("工作表中有未能遮蔽的身份证号或手机号"));
        }
        match body {
            Some(body) => out.put(&new_name, &body)?,
            None => {
                let f = src.raw(part)?;
                out.zip
                    .raw_copy_file_rename(f, &new_name)
                    .map_err(unreadable)?;
            }
        }
        if !marks.is_empty() {
            notes += 1;
            put_notes(out, marks, notes, k, &mut new_types)?;
        }
    }
    Ok(SheetsWritten {
        new_types,
        renamed,
        notes,
    })
}

/// A sheet's new XML (marks coloured, IDs masked, no longer the selected tab), or `None` when
/// it stays as it is.
fn sheet_body(
    xml: &str,
    marks: &[Mark],
    mask: bool,
    styles: &mut StyleBook,
) -> Result<Option<String>, Unpatchable> {
    let rel = (!marks.is_empty()).then_some("rIdOrglifeNotes");
    let digits = mask && may_hold_id_digits(xml.as_bytes());
    let selected = xml.contains("tabSelected");
    Ok(if marks.is_empty() && !digits && selected {
        Some(unselect(xml))
    } else if !marks.is_empty() || digits || selected {
        let edit = SheetEdit {
            marks,
            mask,
            notes_rel: rel,
        };
        Some(rewrite(xml, &edit, &mut |s, t| styles.flagged(s, t))?)
    } else {
        None
    })
}

/// The `notes`th sheet's notes (a comments part and its VML drawing) and the relationships
/// that tie them to sheet `k` + 2.
fn put_notes(
    out: &mut Sink,
    marks: &[Mark],
    notes: usize,
    k: usize,
    new_types: &mut Vec<(String, &'static str)>,
) -> Result<(), Unpatchable> {
    let c = format!("xl/comments{notes}.xml");
    let v = format!("xl/drawings/vmlDrawing{notes}.vml");
    out.put(&c, &comments(marks))?;
    out.put(&v, &vml(marks, notes))?;
    new_types.push((c, CT_COMMENTS));
    let rels = [
        Rel {
            id: "rIdOrglifeNotes".into(),
            kind: format!("{NS_REL}/vmlDrawing"),
            target: format!("../drawings/vmlDrawing{notes}.vml"),
            external: false,
        },
        Rel {
            id: "rIdOrglifeComments".into(),
            kind: format!("{NS_REL}/comments"),
            target: format!("../comments{notes}.xml"),
            external: false,
        },
    ];
    out.put(
        &format!("xl/worksheets/_rels/sheet{}.xml.rels", k + 2),
        &rels_xml(&rels),
    )
}

/// The shared strings, masked (copied still compressed when nothing changes).
fn put_shared_strings(
    src: &mut Source,
    out: &mut Sink,
    part: &str,
    mask: bool,
    guard: bool,
) -> Result<(), Unpatchable> {
    let xml = src.text(part)?;
    let masked = if mask && may_hold_id_digits(xml.as_bytes()) {
        mask_shared_strings(&xml)?
    } else {
        None
    };
    if guard && !pii_free(masked.as_deref().unwrap_or(&xml)) {
        return Err(Unpatchable("共享字符串中有未能遮蔽的身份证号或手机号"));
    }
    match masked {
        Some(body) => out.put(part, &body)?,
        None => {
            let f = src.raw(part)?;
            out.zip.raw_copy_file(f).map_err(unreadable)?;
        }
    }
    Ok(())
}

/// The workbook's relationships pointed at the sheets' new parts, and at 问题清单 when it is
/// inserted; returns the relationship id 问题清单 gets.
fn retarget_workbook_rels(
    wb_rels: &mut Vec<Rel>,
    renamed: &HashMap<String, String>,
    first_part: Option<&str>,
    base: Base,
) -> String {
    let rel_id = (1..)
        .map(|n| format!("rIdOrglife{n}"))
        .find(|id| !wb_rels.iter().any(|r| &r.id == id))
        .unwrap_or_default();
    for r in wb_rels.iter_mut() {
        if r.kind.ends_with("/worksheet") {
            let part = part_name(&r.target);
            if let Some(new) = renamed.get(&part) {
                r.target = new.trim_start_matches("xl/").to_string();
            } else if first_part == Some(part.as_str()) {
                r.target = "worksheets/sheet1.xml".to_string();
            }
        }
    }
    if base == Base::Original {
        wb_rels.push(Rel {
            id: rel_id.clone(),
            kind: T_SHEET.to_string(),
            target: "worksheets/sheet1.xml".to_string(),
            external: false,
        });
    }
    rel_id
}

/// Everything else as it was: document properties and the theme.
fn copy_rest(src: &mut Source, out: &mut Sink, guard: bool) -> Result<(), Unpatchable> {
    let rest: Vec<String> = src
        .index
        .keys()
        .filter(|n| *n == "_rels/.rels" || n.starts_with("docProps/") || n.starts_with("xl/theme/"))
        .cloned()
        .collect();
    for name in rest {
        if guard && !pii_free(&src.text(&name)?) {
            return Err(Unpatchable("文档属性中有身份证号或手机号"));
        }
        let f = src.raw(&name)?;
        out.zip.raw_copy_file(f).map_err(unreadable)?;
    }
    Ok(())
}

/// Build the feedback workbook from `package`.
pub fn build(package: &[u8], base: Base, p: &Patch) -> Result<Vec<u8>, Unpatchable> {
    let mut src = Source::open(package)?;
    let (mut wb_rels, workbook, info) = read_workbook(&mut src)?;
    let parts = workbook_parts(&mut wb_rels, &src.index)?;
    let order = sheet_order(&info, &parts.sheets)?;
    // 问题清单 is inserted by that name: a sheet of the branch's called so would make two, and
    // Excel refuses a workbook with two sheets of one name (ignoring case), as the branch's own
    // may already hold. The cell writer names them apart.
    if base == Base::Original {
        if order.iter().any(|(name, _)| name == FEEDBACK_SHEET) {
            return Err(Unpatchable("工作簿中已有名为问题清单的工作表"));
        }
        let mut seen = HashSet::new();
        if !order
            .iter()
            .all(|(name, _)| seen.insert(name.to_lowercase()))
        {
            return Err(Unpatchable("工作簿中有同名的工作表"));
        }
    }

    let styles_text = src.text(&parts.styles)?;
    let mut styles = StyleBook::parse(&styles_text)?;
    let guard = base == Base::Original && p.mask;

    // New names: 问题清单 is sheet1.xml, the branch's sheets follow in workbook order.
    let (own, first_part) = match base {
        Base::Original => (&order[..], None),
        Base::Generated => (&order[1..], Some(order[0].1.clone())),
    };
    let mut out = Sink::new(package.len());
    let written = write_sheets(&mut src, &mut out, own, p, &mut styles, guard)?;
    out.put(
        "xl/worksheets/sheet1.xml",
        &findings_sheet(p.first, &styles.first),
    )?;
    if let Some(part) = &parts.strings {
        put_shared_strings(&mut src, &mut out, part, p.mask, guard)?;
    }

    // The workbook, its relationships and the content types.
    let rel_id =
        retarget_workbook_rels(&mut wb_rels, &written.renamed, first_part.as_deref(), base);
    let insert = (base == Base::Original).then(|| (info.max_id + 1, rel_id.as_str()));
    let wb = edit_workbook(&workbook, insert, &findings_names(p.first))?;
    out.put("xl/workbook.xml", &wb)?;
    out.put("xl/_rels/workbook.xml.rels", &rels_xml(&wb_rels))?;
    out.put(&parts.styles, &styles.finish())?;

    let mut drop: HashSet<String> = parts.dropped.clone();
    drop.extend(order.iter().map(|(_, part)| part.clone()));
    let types = content_types(
        &src.text("[Content_Types].xml")?,
        &drop,
        &written.new_types,
        written.notes > 0,
    )?;
    out.put("[Content_Types].xml", &types)?;

    copy_rest(&mut src, &mut out, guard)?;
    if guard && !pii_free(&workbook) {
        return Err(Unpatchable("工作簿中有未能遮蔽的身份证号或手机号"));
    }
    out.zip.finish().map(Cursor::into_inner).map_err(unreadable)
}

fn attr_text(a: &quick_xml::events::attributes::Attribute) -> Result<String, Unpatchable> {
    quick_xml::escape::unescape(&a.value)
        .map(|v| v.into_owned())
        .map_err(unreadable)
}

#[cfg(test)]
mod tests;
