//! The XML scanner: a byte cursor over a part's text (tags, plain text, rich text), attributes
//! read on text or bytes, text decoded as quick-xml hands it to calamine.
//!
//! Also quick-xml configured as calamine configures it, for the small workbook-level parts and
//! for the prologue of a sheet or the shared strings (up to where the scanner takes over).

use memchr::memchr;
use quick_xml::events::Event;

use super::{Fast, OrFallback, Stop};

/// quick-xml configured as calamine configures it (`xml_reader`).
pub(super) fn xml_reader(text: &str) -> quick_xml::Reader<&[u8]> {
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
pub(super) fn next_event<'a>(xml: &mut quick_xml::Reader<&'a [u8]>) -> Fast<Event<'a>> {
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
pub(super) fn attr<'a>(e: &'a quick_xml::events::BytesStart<'_>, key: &str) -> Option<&'a str> {
    Attrs(e.attributes_raw()).find_map(|(k, v)| (k == Ok(key)).then_some(v))
}

pub(super) fn decode_attr(v: &str) -> Fast<String> {
    Ok(quick_xml::escape::unescape(v).ok().or_fall()?.into_owned())
}

/// Attributes `key="value"` (or `'value'`) separated by whitespace. A malformed one yields
/// `Err(())` as key and ends the iteration.
pub(super) struct Attrs<'a>(pub(super) &'a str);

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
pub(super) struct RawAttrs<'a>(pub(super) &'a [u8]);

impl<'a> Iterator for RawAttrs<'a> {
    type Item = (Result<&'a [u8], ()>, &'a [u8]);

    #[inline]
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

pub(super) fn is_space_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Kind {
    Start,
    Empty,
    End,
}

/// A tag: its kind, name and raw attributes.
pub(super) struct Tag<'a> {
    pub(super) kind: Kind,
    pub(super) name: &'a str,
    pub(super) attrs: &'a str,
}

/// A byte cursor over an XML part's text.
pub(super) struct Scanner<'a> {
    text: &'a str,
    pos: usize,
    /// Elements open (from the document's root).
    depth: usize,
}

impl<'a> Scanner<'a> {
    /// Skip whitespace up to the next `<`; any other text between elements (which calamine
    /// ignores, entities and all) is left to calamine.
    #[inline]
    pub(super) fn blank_to_tag(&mut self) -> Option<()> {
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
    pub(super) fn tag(&mut self) -> Option<Tag<'a>> {
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
    pub(super) fn plain_text(&mut self, open: &[u8], close: &[u8]) -> Option<&'a str> {
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
    pub(super) fn text_until_end(&mut self, name: &str) -> Option<&'a str> {
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
    pub(super) fn rich_text(
        &mut self,
        closing: &str,
        out: &mut String,
        scratch: &mut String,
    ) -> Option<()> {
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
#[inline]
pub(super) fn push_t(
    raw: &str,
    preserve: bool,
    out: &mut String,
    scratch: &mut String,
) -> Option<()> {
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
pub(super) fn attr_value<'a>(attrs: &'a str, key: &str) -> Option<Option<&'a str>> {
    match raw_attr_value(attrs.as_bytes(), key.as_bytes())? {
        // Cut at ASCII quotes out of text: always UTF-8.
        Some(v) => Some(Some(std::str::from_utf8(v).ok()?)),
        None => Some(None),
    }
}

/// Element text as quick-xml hands it to calamine: each run between references with its line
/// ends normalised (`\r\n` and `\r` become `\n`, `xml10_content`), references resolved
/// (`unescape_entity_to_buffer`: the five XML entities and `&#…;`/`&#x…;`, nothing else).
#[inline]
pub(super) fn decode_text(raw: &str, out: &mut String) -> Option<()> {
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
pub(super) fn resolve_ref(name: &str) -> Option<Result<&'static str, char>> {
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
pub(super) fn push_unescaped(original: &str, out: &mut String) {
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

#[inline]
pub(super) fn find_escape(original: &str, mut start: usize) -> Option<(usize, u16)> {
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

/// Read with quick-xml, configured as calamine's, up to the start of `element` (`<sst>`,
/// `<sheetData>`), handing every start tag before it to `check`; then a scanner after it, or
/// `Some(None)` when the element is empty (`<sheetData/>`). The scanner knows how many
/// elements are open: quick-xml refuses an end tag with none open, so the scanner does too.
pub(super) fn prologue<'a>(
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
pub(super) fn raw_attr_value<'a>(attrs: &'a [u8], key: &[u8]) -> Option<Option<&'a [u8]>> {
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
