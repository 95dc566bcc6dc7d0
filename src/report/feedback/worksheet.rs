//! One worksheet's XML (or the shared-string table) rewritten in a single pass. Flagged cells
//! get their colour (an existing cell keeps its own format plus a fill; a missing one becomes an
//! empty coloured cell), IDs and phones are masked wherever a cell holds them, the sheet stops
//! being the selected tab (问题清单 is), and it points at its notes. Every byte not named here
//! is copied as it was: the branch's fonts, widths, number formats and merges stay theirs.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::escape::{escape, unescape};
use quick_xml::events::{BytesEnd, BytesStart, Event};

use super::Mark;
use super::package::Unpatchable;
use crate::report::mask::{mask_id, mask_number, mask_phone, mask_text};
use crate::report::xlsx_style::Tone;
use crate::text::a1;

/// What to change in one sheet.
pub struct SheetEdit<'a> {
    /// Flagged cells, sorted by (row, col), one per cell.
    pub marks: &'a [Mark],
    pub mask: bool,
    /// The relationship id of the sheet's notes, when it has marks.
    pub notes_rel: Option<&'a str>,
}

/// Worksheet children that must come after `<legacyDrawing>` (ECMA-376 CT_Worksheet order).
const AFTER_LEGACY_DRAWING: [&str; 7] = [
    "legacyDrawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
];

const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Text edits applied in document order: the output is the source with ranges replaced.
struct Edits<'a> {
    src: &'a str,
    out: String,
    last: usize,
}

impl<'a> Edits<'a> {
    fn new(src: &'a str) -> Self {
        Edits {
            src,
            out: String::with_capacity(src.len() + 4096),
            last: 0,
        }
    }

    fn replace(&mut self, start: usize, end: usize, with: &str) {
        self.out.push_str(&self.src[self.last..start]);
        self.out.push_str(with);
        self.last = end;
    }

    fn insert(&mut self, at: usize, with: &str) {
        self.replace(at, at, with);
    }

    fn finish(mut self) -> String {
        self.out.push_str(&self.src[self.last..]);
        self.out
    }
}

/// The next event with the byte range it spans in the source (`from_str` readers only).
pub fn next_event<'a>(
    r: &mut Reader<&'a [u8]>,
    why: &'static str,
) -> Result<(usize, Event<'a>, usize), Unpatchable> {
    let start = r.buffer_position() as usize;
    let ev = r.read_event().map_err(|_| Unpatchable(why))?;
    Ok((start, ev, r.buffer_position() as usize))
}

const BAD: &str = "表格XML无法解析";

fn attr<'e>(e: &'e BytesStart, name: &str) -> Option<Cow<'e, str>> {
    e.attributes()
        .flatten()
        .find(|a| a.key.into_inner() == name)
        .map(|a| a.value)
}

fn attr_str(e: &BytesStart, name: &str) -> Option<String> {
    attr(e, name).map(Cow::into_owned)
}

/// The start tag `e` rebuilt with some attributes dropped and others set (values escaped by
/// the caller); every other attribute keeps its bytes, except one quick-xml could not split
/// cleanly, which is left out (written back, `a"="b` made the quotes unbalanced and the part
/// unreadable).
pub fn tag(e: &BytesStart, drop: &[&str], set: &[(&str, &str)], empty: bool) -> String {
    let mut s = String::with_capacity(64);
    s.push('<');
    s.push_str(e.name().into_inner());
    for a in e.attributes().flatten() {
        let k = a.key.into_inner();
        if drop.contains(&k) || set.iter().any(|(n, _)| *n == k) || !xml_name(k) {
            continue;
        }
        s.push(' ');
        s.push_str(k);
        s.push_str("=\"");
        s.push_str(&a.value.replace('"', "&quot;"));
        s.push('"');
    }
    for (k, v) in set {
        s.push(' ');
        s.push_str(k);
        s.push_str("=\"");
        s.push_str(v);
        s.push('"');
    }
    s.push_str(if empty { "/>" } else { ">" });
    s
}

/// Whether `k` can stand as an attribute's name (letters, digits, `:_-.`, anything not ASCII).
fn xml_name(k: &str) -> bool {
    !k.is_empty()
        && k.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.') || b >= 0x80
        })
}

/// "AB12" → zero-based (row 11, col 27).
fn parse_ref(r: &[u8]) -> Option<(u32, u32)> {
    let split = r.iter().position(u8::is_ascii_digit)?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col = 0u32;
    for &b in letters {
        if !b.is_ascii_uppercase() {
            return None;
        }
        col = col * 26 + u32::from(b - b'A' + 1);
    }
    let row: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

fn row_number(e: &BytesStart) -> Option<u32> {
    let v = attr(e, "r")?;
    let n: u32 = v.trim().parse().ok()?;
    n.checked_sub(1)
}

fn changed(s: &str) -> Option<String> {
    match mask_text(s) {
        Cow::Owned(m) if m != s => Some(m),
        _ => None,
    }
}

fn inline_cell(r: &str, s: Option<&str>, text: &str) -> String {
    let style = s.map(|s| format!(" s=\"{s}\"")).unwrap_or_default();
    format!(
        "<c r=\"{r}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        escape(text)
    )
}

/// The `<legacyDrawing>` that points a sheet at its notes.
fn legacy(rel: &str) -> String {
    format!("<legacyDrawing xmlns:r=\"{REL_NS}\" r:id=\"{rel}\"/>")
}

/// Rewrite a worksheet. `xf(original, tone)` gives the format index of a flagged cell.
pub fn rewrite(
    xml: &str,
    edit: &SheetEdit,
    xf: &mut dyn FnMut(u32, Tone) -> u32,
) -> Result<String, Unpatchable> {
    let mut r = Reader::from_str(xml);
    let mut pass = SheetPass {
        xml,
        ed: Edits::new(xml),
        marks: edit.marks,
        mask: edit.mask,
        notes_rel: edit.notes_rel,
        xf,
        m: 0,
        depth: 0,
        row: 0,
        next_row: 0,
        next_col: 0,
        drawing_done: edit.notes_rel.is_none(),
    };
    loop {
        let (start, ev, end) = next_event(&mut r, BAD)?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                pass.start_tag(&mut r, e, start, end, empty)?;
            }
            Event::End(ref e) => pass.end_tag(e, start),
            _ => {}
        }
    }
    pass.finish()
}

/// [`rewrite`]'s state as it reads a sheet once: the edits so far, the next mark to place and
/// where in the sheet the reader stands.
struct SheetPass<'a, 'f> {
    xml: &'a str,
    ed: Edits<'a>,
    /// Flagged cells, sorted by (row, col), one per cell.
    marks: &'a [Mark],
    mask: bool,
    notes_rel: Option<&'a str>,
    xf: &'f mut dyn FnMut(u32, Tone) -> u32,
    /// The next mark not yet placed.
    m: usize,
    depth: usize,
    row: u32,
    next_row: u32,
    next_col: u32,
    drawing_done: bool,
}

impl SheetPass<'_, '_> {
    /// Empty coloured cells for the marks before `stop` in row `row`.
    fn cells_before(&mut self, row: u32, stop: u32) -> String {
        let marks = self.marks;
        let mut s = String::new();
        while self.m < marks.len() && marks[self.m].row == row && marks[self.m].col < stop {
            let k = &marks[self.m];
            s.push_str(&format!(
                "<c r=\"{}\" s=\"{}\"/>",
                a1(k.row, k.col),
                (self.xf)(0, k.tone)
            ));
            self.m += 1;
        }
        s
    }

    /// Whole new rows for the marks in rows before `stop`.
    fn rows_before(&mut self, stop: u32) -> String {
        let marks = self.marks;
        let mut s = String::new();
        while self.m < marks.len() && marks[self.m].row < stop {
            let rr = marks[self.m].row;
            s.push_str(&format!("<row r=\"{}\">", rr + 1));
            s.push_str(&self.cells_before(rr, u32::MAX));
            s.push_str("</row>");
        }
        s
    }

    /// A start or empty tag: the notes' drawing put before what must follow it, the dimension
    /// widened to the marks, the tab unselected, and rows and cells handed on.
    fn start_tag(
        &mut self,
        r: &mut Reader<&[u8]>,
        e: &BytesStart,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), Unpatchable> {
        let marks = self.marks;
        let name = e.name();
        let name = name.as_ref();
        if self.depth == 0 && name != "worksheet" {
            return Err(Unpatchable("工作表XML带前缀或根元素不对"));
        }
        if self.depth == 1 && !self.drawing_done && AFTER_LEGACY_DRAWING.contains(&name) {
            self.ed
                .insert(start, &legacy(self.notes_rel.unwrap_or_default()));
            self.drawing_done = true;
        }
        if self.depth == 1 && name == "legacyDrawing" && self.notes_rel.is_some() {
            return Err(Unpatchable("工作表已有批注"));
        }
        match name {
            "dimension" if self.depth == 1 && !marks.is_empty() => {
                if let Some(d) = attr_str(e, "ref") {
                    let widened = widen(&d, marks);
                    if widened != d {
                        self.ed
                            .replace(start, end, &tag(e, &[], &[("ref", &widened)], empty));
                    }
                }
            }
            "sheetView" if attr(e, "tabSelected").is_some() => {
                self.ed
                    .replace(start, end, &tag(e, &["tabSelected"], &[], empty));
            }
            "sheetData" if empty && self.m < marks.len() => {
                let rows = self.rows_before(u32::MAX);
                self.ed
                    .replace(start, end, &format!("<sheetData>{rows}</sheetData>"));
            }
            "row" if self.depth == 2 => self.row_start(e, start, end, empty),
            // The depth stays: an empty cell has no children, and a full one is read to its
            // end tag.
            "c" if self.depth == 3 => return self.cell(r, e, start, end, empty),
            _ => {}
        }
        if !empty {
            self.depth += 1;
        }
        Ok(())
    }

    /// A `<row>`: the new rows for marks before it go first, and it loses its `spans` when
    /// marked cells will be added to it.
    fn row_start(&mut self, e: &BytesStart, start: usize, end: usize, empty: bool) {
        let marks = self.marks;
        let row = row_number(e).unwrap_or(self.next_row);
        self.row = row;
        self.next_row = row + 1;
        self.next_col = 0;
        let before = self.rows_before(row);
        let here = self.m < marks.len() && marks[self.m].row == row;
        if empty {
            let cells = self.cells_before(row, u32::MAX);
            let tag_text = if here {
                format!("{}{cells}</row>", tag(e, &["spans"], &[], false))
            } else {
                self.xml[start..end].to_string()
            };
            self.ed.replace(start, end, &format!("{before}{tag_text}"));
        } else if here {
            // Cells may be added to this row: its `spans` hint would be wrong.
            self.ed.replace(
                start,
                end,
                &format!("{before}{}", tag(e, &["spans"], &[], false)),
            );
        } else if !before.is_empty() {
            self.ed.insert(start, &before);
        }
    }

    /// A `<c>`: the empty marked cells before it go first; it gets its mark's format, its
    /// value masked, and loses a formula that would compute the unmasked value again.
    fn cell(
        &mut self,
        r: &mut Reader<&[u8]>,
        e: &BytesStart,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), Unpatchable> {
        let (xml, marks) = (self.xml, self.marks);
        let (rr, cc) = attr(e, "r")
            .and_then(|v| parse_ref(v.as_bytes()))
            .unwrap_or((self.row, self.next_col));
        self.next_col = cc + 1;
        let missing = self.cells_before(rr, cc);
        let tone = if self.m < marks.len() && (marks[self.m].row, marks[self.m].col) == (rr, cc) {
            self.m += 1;
            Some(marks[self.m - 1].tone)
        } else {
            None
        };
        let orig_s: u32 = attr_str(e, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
        let new_s = tone.map(|t| (self.xf)(orig_s, t).to_string());
        if empty {
            let text = match &new_s {
                Some(s) => tag(e, &[], &[("s", s)], true),
                None => xml[start..end].to_string(),
            };
            if new_s.is_some() || !missing.is_empty() {
                self.ed.replace(start, end, &format!("{missing}{text}"));
            }
            return Ok(());
        }
        let cell = read_cell(r)?;
        let cell_end = r.buffer_position() as usize;
        let t = attr_str(e, "t").unwrap_or_default();
        let shown = if self.mask {
            cell.masked_with(xml, &t)
        } else {
            None
        };
        let f_text = cell.formula.map(|(a, b)| &xml[a..b]);
        // A formula would compute the unmasked value again on opening.
        let drop_formula =
            shown.is_some() || (self.mask && f_text.is_some_and(|f| changed(f).is_some()));
        let drop_formula = drop_formula && cell.formula.is_some();
        if drop_formula && cell.formula_has_ref {
            return Err(Unpatchable("共享公式含身份证号"));
        }
        let s_attr = new_s.clone().or_else(|| attr_str(e, "s"));
        let text = if let Some(shown) = shown {
            Some(inline_cell(&a1(rr, cc), s_attr.as_deref(), &shown))
        } else if drop_formula {
            let (a, b) = cell.formula.unwrap_or_default();
            let head = match &new_s {
                Some(s) => tag(e, &[], &[("s", s)], false),
                None => xml[start..end].to_string(),
            };
            Some(format!("{head}{}{}", &xml[end..a], &xml[b..cell_end]))
        } else {
            new_s
                .as_ref()
                .map(|s| format!("{}{}", tag(e, &[], &[("s", s)], false), &xml[end..cell_end]))
        };
        match text {
            Some(text) => self
                .ed
                .replace(start, cell_end, &format!("{missing}{text}")),
            None if !missing.is_empty() => self.ed.insert(start, &missing),
            None => {}
        }
        Ok(())
    }

    /// An end tag: the marks left in a row or after the last row added before it closes, and
    /// the notes' drawing put last when nothing came that must follow it.
    fn end_tag(&mut self, e: &BytesEnd, start: usize) {
        self.depth = self.depth.saturating_sub(1);
        match e.name().into_inner() {
            "row" if self.depth == 2 => {
                let cells = self.cells_before(self.row, u32::MAX);
                if !cells.is_empty() {
                    self.ed.insert(start, &cells);
                }
            }
            "sheetData" if self.depth == 1 => {
                let rows = self.rows_before(u32::MAX);
                if !rows.is_empty() {
                    self.ed.insert(start, &rows);
                }
            }
            "worksheet" if self.depth == 0 && !self.drawing_done => {
                self.ed
                    .insert(start, &legacy(self.notes_rel.unwrap_or_default()));
                self.drawing_done = true;
            }
            _ => {}
        }
    }

    /// The rewritten sheet; refused when the XML ended before its notes' drawing was placed.
    fn finish(self) -> Result<String, Unpatchable> {
        if !self.drawing_done {
            return Err(Unpatchable("工作表XML不完整"));
        }
        Ok(self.ed.finish())
    }
}

/// Read the children of a `<c>` up to its end tag.
fn read_cell(r: &mut Reader<&[u8]>) -> Result<CellView, Unpatchable> {
    let mut parts = CellView::default();
    let mut depth = 1usize;
    let mut in_v: Option<usize> = None;
    let mut in_t: Option<usize> = None;
    let mut f_start: Option<usize> = None;
    loop {
        let (start, ev, end) = next_event(r, BAD)?;
        match ev {
            Event::Eof => return Err(Unpatchable("工作表XML不完整")),
            Event::Start(ref e) => {
                match e.name().into_inner() {
                    "v" if depth == 1 => in_v = Some(end),
                    "f" if depth == 1 => {
                        f_start = Some(start);
                        parts.formula_has_ref = attr(e, "ref").is_some();
                    }
                    "t" if depth >= 2 => in_t = Some(end),
                    _ => {}
                }
                depth += 1;
            }
            Event::Empty(ref e) if e.name().into_inner() == "f" && depth == 1 => {
                parts.formula = Some((start, end));
                parts.formula_has_ref = attr(e, "ref").is_some();
            }
            Event::End(ref e) => {
                depth -= 1;
                match e.name().into_inner() {
                    "c" if depth == 0 => return Ok(parts),
                    "v" if depth == 1 => parts.value = in_v.take().map(|a| (a, start)),
                    "f" if depth == 1 => parts.formula = f_start.take().map(|a| (a, end)),
                    "t" if depth >= 2 => {
                        if let Some(a) = in_t.take() {
                            parts.inline.push((a, start));
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// What [`read_cell`] found: the parts of a `<c>` that masking looks at, as ranges of the
/// sheet's text (`<v>` and `<t>` contents, the whole `<f>` element).
#[derive(Default)]
struct CellView {
    value: Option<(usize, usize)>,
    formula: Option<(usize, usize)>,
    formula_has_ref: bool,
    inline: Vec<(usize, usize)>,
}

impl CellView {
    fn masked_with(&self, xml: &str, t: &str) -> Option<String> {
        let text = |(a, b): (usize, usize)| -> Cow<'_, str> {
            unescape(&xml[a..b]).unwrap_or(Cow::Borrowed(&xml[a..b]))
        };
        match t {
            "s" | "b" | "e" | "d" => None,
            "inlineStr" => {
                let all: String = self.inline.iter().map(|&p| text(p)).collect();
                changed(&all)
            }
            "str" => self.value.and_then(|p| changed(&text(p))),
            _ => self.value.and_then(|p| {
                let v = text(p);
                let v = v.trim();
                // Digits as written keep every one of them (an 18-digit ID is past f64's
                // precision); other forms (4.2E+17) go through the number.
                if v.len() >= 11 && v.bytes().all(|b| b.is_ascii_digit()) && !v.starts_with('0') {
                    Some(if v.len() == 11 {
                        mask_phone(v)
                    } else {
                        mask_id(v)
                    })
                } else {
                    v.parse().ok().and_then(mask_number)
                }
            }),
        }
    }
}

/// The sheet no longer the selected tab, when that is all that changes: the attribute is taken
/// out of the `<sheetView>` tags before the data, with no parse of the rest.
pub fn unselect(xml: &str) -> String {
    let data = xml.find("<sheetData").unwrap_or(xml.len());
    let mut out = String::with_capacity(xml.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(i) = xml[from..data].find("<sheetView") {
        let start = from + i;
        let end = xml[start..data].find('>').map_or(data, |e| start + e);
        for attr in [" tabSelected=\"1\"", " tabSelected=\"true\""] {
            if let Some(a) = xml[start..end].find(attr) {
                out.push_str(&xml[last..start + a]);
                last = start + a + attr.len();
            }
        }
        from = end;
    }
    out.push_str(&xml[last..]);
    out
}

/// A dimension reference widened to take in every mark.
fn widen(d: &str, marks: &[Mark]) -> String {
    let (a, b) = d.split_once(':').unwrap_or((d, d));
    let (Some((r0, c0)), Some((r1, c1))) = (parse_ref(a.as_bytes()), parse_ref(b.as_bytes()))
    else {
        return d.to_string();
    };
    let (mut r0, mut c0, mut r1, mut c1) = (r0, c0, r1, c1);
    for k in marks {
        r0 = r0.min(k.row);
        c0 = c0.min(k.col);
        r1 = r1.max(k.row);
        c1 = c1.max(k.col);
    }
    format!("{}:{}", a1(r0, c0), a1(r1, c1))
}

/// The shared-string table with every ID and phone masked; `None` when nothing changes. A
/// rich-text string that needs masking becomes plain text: the run boundaries could split an
/// ID in two, which run-by-run masking would miss.
pub fn mask_shared_strings(xml: &str) -> Result<Option<String>, Unpatchable> {
    // Without rich text or character references, every run of digits in the table's text is
    // a run of the raw XML too (markup and entities break runs in both), and the only numbers
    // in its markup are counts: masking the raw text is masking each string. A masked number
    // never takes in markup (no separator is `<`, `>` or `&`), so the XML stays well formed.
    if !xml.contains("<r>") && !xml.contains("<r ") && !xml.contains("&#") {
        return Ok(match mask_text(xml) {
            Cow::Owned(m) => Some(m),
            Cow::Borrowed(_) => None,
        });
    }
    let mut r = Reader::from_str(xml);
    let mut ed = Edits::new(xml);
    let mut depth = 0usize;
    let mut si: Option<usize> = None;
    let mut texts: Vec<(usize, usize)> = Vec::new();
    let mut t_open: Option<usize> = None;
    let mut in_phonetic = 0usize;
    let mut any = false;
    loop {
        let (start, ev, end) = next_event(&mut r, BAD)?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) => {
                match e.name().into_inner() {
                    "sst" if depth == 0 => {}
                    _ if depth == 0 => return Err(Unpatchable("共享字符串表带前缀")),
                    "si" if depth == 1 => {
                        si = Some(start);
                        texts.clear();
                    }
                    "rPh" => in_phonetic += 1,
                    "t" if in_phonetic == 0 => t_open = Some(end),
                    _ => {}
                }
                depth += 1;
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                match e.name().into_inner() {
                    "rPh" => in_phonetic = in_phonetic.saturating_sub(1),
                    "t" => {
                        if let Some(a) = t_open.take() {
                            texts.push((a, start));
                        }
                    }
                    "si" if depth == 1 => {
                        if let Some(s0) = si.take() {
                            let all: String = texts
                                .iter()
                                .map(|&(a, b)| {
                                    unescape(&xml[a..b]).unwrap_or(Cow::Borrowed(&xml[a..b]))
                                })
                                .collect();
                            if let Some(m) = changed(&all) {
                                ed.replace(
                                    s0,
                                    end,
                                    &format!(
                                        "<si><t xml:space=\"preserve\">{}</t></si>",
                                        escape(&m)
                                    ),
                                );
                                any = true;
                            }
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(any.then(|| ed.finish()))
}

#[cfg(test)]
mod tests;
