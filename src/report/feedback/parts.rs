//! The parts orglife adds to a branch's package: formats appended to its styles, the 问题清单
//! sheet, and the notes (a comments part and the VML drawing Excel shows them with).

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;

use super::package::Unpatchable;
use super::worksheet::{next_event, tag};
use super::{FindingsSheet, HEADERS, Mark};
use crate::report::xlsx_style::{FONT, Out, Tone, display_width};
use crate::text::{a1, col_letters};

/// A child list of the stylesheet (`<fonts>`, `<fills>`, `<borders>`, `<cellXfs>`).
struct Section {
    /// The start tag, as a byte range.
    open: (usize, usize),
    /// Where its end tag starts.
    close: usize,
    /// Children it already has.
    n: u32,
    added: Vec<String>,
}

/// The formats the 问题清单 sheet uses, as indices into the grown `cellXfs`.
pub struct FirstStyles {
    pub base: u32,
    pub title: u32,
    pub header: u32,
    pub wrap: u32,
    /// Bad, neutral, info, with wrapping.
    pub tones: [u32; 3],
}

/// The branch's stylesheet, grown with orglife's formats.
pub struct StyleBook<'a> {
    src: &'a str,
    fonts: Section,
    fills: Section,
    borders: Section,
    xfs: Section,
    xf_raw: Vec<(usize, usize)>,
    /// Fill index per tone slot (bad, neutral, info).
    tone_fills: [u32; 3],
    clones: HashMap<(u32, usize), u32>,
    pub first: FirstStyles,
}

fn slot(t: Tone) -> usize {
    match t {
        Tone::Bad => 0,
        Tone::Neutral => 1,
        _ => 2,
    }
}

/// (fill, font colour) per tone slot: Excel's own "bad / neutral" and a quiet blue for 提示.
const TONES: [(u32, u32); 3] = [
    (0xFFC7CE, 0x9C0006),
    (0xFFEB9C, 0x9C5700),
    (0xDDEBF7, 0x1F4E78),
];

fn font(bold: bool, size: u32, color: Option<u32>) -> String {
    let color = color.map_or_else(
        || "<color theme=\"1\"/>".to_string(),
        |c| format!("<color rgb=\"FF{c:06X}\"/>"),
    );
    format!(
        "<font>{}<sz val=\"{size}\"/>{color}<name val=\"{FONT}\"/><family val=\"2\"/><charset val=\"134\"/></font>",
        if bold { "<b/>" } else { "" }
    )
}

fn solid(rgb: u32) -> String {
    format!(
        "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FF{rgb:06X}\"/><bgColor indexed=\"64\"/></patternFill></fill>"
    )
}

/// What [`scan`] found in a stylesheet.
struct Scanned {
    /// The lists orglife grows, by tag name.
    sections: HashMap<&'static str, Section>,
    /// Each `cellXfs` entry's byte range.
    xf_raw: Vec<(usize, usize)>,
}

/// Where the stylesheet's lists (`<fonts>`, `<fills>`, `<borders>`, `<cellXfs>`) and each
/// `cellXfs` entry sit.
fn scan(src: &str) -> Result<Scanned, Unpatchable> {
    let mut r = Reader::from_str(src);
    let mut depth = 0usize;
    let mut sections: HashMap<&'static str, Section> = HashMap::new();
    let mut xf_raw = Vec::new();
    let mut xf_start = None;
    let mut current: Option<&'static str> = None;
    loop {
        let (start, ev, end) = next_event(&mut r, "样式表XML无法解析")?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.name();
                if depth == 0 && name.as_ref() != "styleSheet" {
                    return Err(Unpatchable("样式表带前缀"));
                }
                if depth == 1 {
                    let key = match name.as_ref() {
                        "fonts" => Some("fonts"),
                        "fills" => Some("fills"),
                        "borders" => Some("borders"),
                        "cellXfs" => Some("cellXfs"),
                        _ => None,
                    };
                    if let Some(key) = key {
                        if empty {
                            return Err(Unpatchable("样式表缺少必要部分"));
                        }
                        current = Some(key);
                        sections.insert(
                            key,
                            Section {
                                open: (start, end),
                                close: 0,
                                n: 0,
                                added: Vec::new(),
                            },
                        );
                    }
                }
                if depth == 2 {
                    if let Some(s) = current.and_then(|k| sections.get_mut(k)) {
                        s.n += 1;
                    }
                    if current == Some("cellXfs") {
                        if empty {
                            xf_raw.push((start, end));
                        } else {
                            xf_start = Some(start);
                        }
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 2
                    && current == Some("cellXfs")
                    && let Some(a) = xf_start.take()
                {
                    xf_raw.push((a, end));
                }
                if depth == 1
                    && let Some(s) = current.take().and_then(|k| sections.get_mut(k))
                {
                    s.close = start;
                }
            }
            _ => {}
        }
    }
    Ok(Scanned { sections, xf_raw })
}

impl<'a> StyleBook<'a> {
    pub fn parse(src: &'a str) -> Result<Self, Unpatchable> {
        let Scanned {
            mut sections,
            xf_raw,
        } = scan(src)?;
        let mut take = |k| sections.remove(k).ok_or(Unpatchable("样式表缺少必要部分"));
        let (mut fonts, mut fills, mut borders, mut xfs) = (
            take("fonts")?,
            take("fills")?,
            take("borders")?,
            take("cellXfs")?,
        );
        if xf_raw.is_empty() {
            return Err(Unpatchable("样式表缺少必要部分"));
        }
        // orglife's own fonts, fills and border.
        let f0 = fonts.n;
        fonts.added.push(font(false, 11, None));
        fonts.added.push(font(true, 11, None));
        fonts.added.push(font(true, 14, None));
        for (_, color) in TONES {
            fonts.added.push(font(false, 11, Some(color)));
        }
        let fill0 = fills.n;
        fills.added.push(solid(0xDDEBF7));
        for (fill, _) in TONES {
            fills.added.push(solid(fill));
        }
        let b0 = borders.n;
        borders.added.push(
            "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right><top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border>".to_string(),
        );
        let x0 = xfs.n;
        let xf = |font: u32, fill: u32, border: u32, align: &str| {
            format!(
                "<xf numFmtId=\"0\" fontId=\"{font}\" fillId=\"{fill}\" borderId=\"{border}\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment {align}/></xf>"
            )
        };
        let center = "vertical=\"center\"";
        let wrap = "vertical=\"center\" wrapText=\"1\"";
        xfs.added.push(xf(f0, 0, 0, center));
        xfs.added.push(xf(f0 + 2, 0, 0, center));
        xfs.added.push(xf(
            f0 + 1,
            fill0,
            b0,
            "horizontal=\"center\" vertical=\"center\" wrapText=\"1\"",
        ));
        xfs.added.push(xf(f0, 0, 0, wrap));
        for i in 0..3u32 {
            xfs.added.push(xf(f0 + 3 + i, fill0 + 1 + i, 0, wrap));
        }
        let first = FirstStyles {
            base: x0,
            title: x0 + 1,
            header: x0 + 2,
            wrap: x0 + 3,
            tones: [x0 + 4, x0 + 5, x0 + 6],
        };
        Ok(StyleBook {
            src,
            fonts,
            fills,
            borders,
            xfs,
            xf_raw,
            tone_fills: [fill0 + 1, fill0 + 2, fill0 + 3],
            clones: HashMap::new(),
            first,
        })
    }

    /// The format of a flagged cell: its own format (`original`) with the tone's fill.
    pub fn flagged(&mut self, original: u32, tone: Tone) -> u32 {
        let original = if (original as usize) < self.xf_raw.len() {
            original
        } else {
            0
        };
        let key = (original, slot(tone));
        if let Some(&x) = self.clones.get(&key) {
            return x;
        }
        let (a, b) = self.xf_raw[original as usize];
        let raw = &self.src[a..b];
        let fill = self.tone_fills[slot(tone)].to_string();
        let mut r = Reader::from_str(raw);
        let clone = match r.read_event() {
            Ok(Event::Start(e)) => {
                let head = r.buffer_position() as usize;
                format!(
                    "{}{}",
                    tag(&e, &[], &[("fillId", &fill), ("applyFill", "1")], false),
                    &raw[head..]
                )
            }
            Ok(Event::Empty(e)) => tag(&e, &[], &[("fillId", &fill), ("applyFill", "1")], true),
            _ => format!(
                "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"{fill}\" borderId=\"0\" xfId=\"0\" applyFill=\"1\"/>"
            ),
        };
        let index = self.xfs.n + self.xfs.added.len() as u32;
        self.xfs.added.push(clone);
        self.clones.insert(key, index);
        index
    }

    /// The grown stylesheet.
    pub fn finish(self) -> String {
        let mut sections = [self.fonts, self.fills, self.borders, self.xfs];
        sections.sort_by_key(|s| s.open.0);
        let mut out = String::with_capacity(self.src.len() + 4096);
        let mut last = 0;
        for s in &sections {
            let (a, b) = s.open;
            out.push_str(&self.src[last..a]);
            let mut r = Reader::from_str(&self.src[a..b]);
            let count = (s.n as usize + s.added.len()).to_string();
            match r.read_event() {
                Ok(Event::Start(e)) => out.push_str(&tag(&e, &[], &[("count", &count)], false)),
                _ => out.push_str(&self.src[a..b]),
            }
            out.push_str(&self.src[b..s.close]);
            for x in &s.added {
                out.push_str(x);
            }
            last = s.close;
        }
        out.push_str(&self.src[last..]);
        out
    }
}

fn text_cell(out: &mut String, row: u32, col: u32, style: u32, text: &str) {
    out.push_str(&format!(
        "<c r=\"{}\" s=\"{style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        a1(row, col),
        escape(text)
    ));
}

/// 问题清单's header row (zero-based): under the title, the summary line and the line asking
/// the branch to correct this workbook and send it back.
const TOP: u32 = 3;

/// The longest a 问题清单 column grows before its text wraps.
const MAX_WIDTH: usize = 70;

/// The 问题清单 sheet: title, summary, then a frozen, filtered table of the findings, printed
/// A4 landscape with the header on every page. Text is written inline: no shared strings to
/// merge into the branch's table.
pub fn findings_sheet(s: &FindingsSheet, st: &FirstStyles) -> String {
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| display_width(h)).collect();
    let mut data = String::new();
    data.push_str("<row r=\"1\">");
    text_cell(&mut data, 0, 0, st.title, &s.title);
    data.push_str("</row><row r=\"2\">");
    text_cell(&mut data, 1, 0, st.base, &s.summary);
    data.push_str("</row><row r=\"3\">");
    text_cell(
        &mut data,
        2,
        0,
        st.title,
        crate::model::outputs::FEEDBACK_ASK,
    );
    data.push_str("</row>");
    data.push_str(&format!("<row r=\"{}\">", TOP + 1));
    for (c, h) in HEADERS.iter().enumerate() {
        text_cell(&mut data, TOP, c as u32, st.header, h);
    }
    data.push_str("</row>");
    let mut r = TOP + 1;
    for row in &s.rows {
        data.push_str(&format!("<row r=\"{}\">", r + 1));
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Out::Text(t, tone) => {
                    let w = display_width(t);
                    if c < widths.len() {
                        widths[c] = widths[c].max(w);
                    }
                    let style = match tone {
                        Tone::Plain if w <= MAX_WIDTH => st.base,
                        Tone::Plain => st.wrap,
                        t => st.tones[slot(*t)],
                    };
                    text_cell(&mut data, r, c as u32, style, t);
                }
                Out::Num(n) | Out::NumToned(n, _) => data.push_str(&format!(
                    "<c r=\"{}\" s=\"{}\"><v>{n}</v></c>",
                    a1(r, c as u32),
                    st.base
                )),
                Out::Empty => {}
            }
        }
        data.push_str("</row>");
        r += 1;
    }
    let last = HEADERS.len() as u32 - 1;
    let cols: String = widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                "<col min=\"{0}\" max=\"{0}\" width=\"{1}\" customWidth=\"1\"/>",
                i + 1,
                (*w).clamp(4, MAX_WIDTH) + 2
            )
        })
        .collect();
    let filter = if r > TOP + 1 {
        format!(
            "<autoFilter ref=\"A{}:{}{}\"/>",
            TOP + 1,
            col_letters(last),
            r
        )
    } else {
        String::new()
    };
    let last_col = col_letters(last);
    let last_row = r.max(TOP + 1);
    let split = TOP + 1;
    let first_data = TOP + 2;
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr><dimension ref=\"A1:{last_col}{last_row}\"/>\
<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"><pane ySplit=\"{split}\" topLeftCell=\"A{first_data}\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\" activeCell=\"A{first_data}\" sqref=\"A{first_data}\"/></sheetView></sheetViews>\
<sheetFormatPr defaultRowHeight=\"14.25\"/><cols>{cols}</cols><sheetData>{data}</sheetData>{filter}\
<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>\
<pageSetup paperSize=\"9\" fitToHeight=\"0\" orientation=\"landscape\"/>\
<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter></worksheet>"
    )
}

/// The defined names 问题清单 needs (filter range, print titles), for sheet index 0.
pub fn findings_names(s: &FindingsSheet) -> String {
    let mut out = String::new();
    if !s.rows.is_empty() {
        out.push_str(&format!(
            "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">'问题清单'!$A${}:${}${}</definedName>",
            TOP + 1,
            col_letters(HEADERS.len() as u32 - 1),
            TOP + 1 + s.rows.len() as u32
        ));
    }
    out.push_str(&format!(
        "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'问题清单'!${0}:${0}</definedName>",
        TOP + 1
    ));
    out
}

/// The comments part of one sheet's notes.
pub fn comments(marks: &[Mark]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors><author>组织办</author></authors><commentList>",
    );
    for m in marks {
        out.push_str(&format!(
            "<comment ref=\"{}\" authorId=\"0\"><text><r><rPr><sz val=\"9\"/><rFont val=\"{FONT}\"/><charset val=\"134\"/></rPr><t xml:space=\"preserve\">{}</t></r></text></comment>",
            a1(m.row, m.col),
            escape(m.note.as_str())
        ));
    }
    out.push_str("</commentList></comments>");
    out
}

/// The VML drawing that places one sheet's notes (the `n`-th sheet with notes, from 1). Notes
/// are hidden until the cell is pointed at, like Excel's own; each box is about 360 × 160 px.
pub fn vml(marks: &[Mark], n: usize) -> String {
    let mut out = format!(
        "<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{n}\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/><v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"
    );
    for (i, m) in marks.iter().enumerate() {
        let top = m.row.saturating_sub(1);
        out.push_str(&format!(
            "<v:shape id=\"_x0000_s{}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:{}pt;margin-top:{}pt;width:270pt;height:120pt;z-index:{};visibility:hidden\" fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/><v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/><v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox><x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{}, 15, {top}, 10, {}, 15, {}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{}</x:Row><x:Column>{}</x:Column></x:ClientData></v:shape>",
            1024 * n + i + 1,
            (m.col + 1) * 54 + 11,
            top * 15 + 2,
            i + 1,
            m.col + 1,
            m.col + 6,
            top + 8,
            m.row,
            m.col
        ));
    }
    out.push_str("</xml>");
    out
}
