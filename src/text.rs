//! Text folding shared by every reader: NFKC, white space, the minority-name middle dot and
//! the conventional "empty" marks, and numbers as Excel shows them. Names are compared only in
//! their folded form.

pub mod pii;
pub mod shown;

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// NFKC without allocating when the text is already normal (the common case: ASCII and
/// plain CJK pass the quick check).
pub fn nfkc(s: &str) -> Cow<'_, str> {
    // Most cells are ASCII, common Han and the punctuation Chinese text uses, which NFKC never
    // changes; checking that is much cheaper than the general quick check.
    if s.chars().all(nfkc_stable) {
        return Cow::Borrowed(s);
    }
    match is_nfkc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => {
            let mut out = String::with_capacity(s.len());
            out.extend(s.nfkc());
            Cow::Owned(out)
        }
    }
}

/// Characters NFKC leaves alone whatever surrounds them: ASCII, CJK unified ideographs
/// (basic block and extension A) and common Chinese punctuation. Full-width forms, the
/// ideographic space and compatibility ideographs are not in the list.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || matches!(c,
            '\u{4e00}'..='\u{9fff}'
            | '\u{3400}'..='\u{4dbf}'
            | '\u{3001}'..='\u{3002}'
            | '\u{3008}'..='\u{3011}'
            | '\u{2018}'..='\u{201d}'
            | '\u{2014}'
            | '\u{00b7}'
            | '\u{3007}')
}

/// Marks that branches write for "nothing" (DOMAIN.md §4.5); compared after NFKC and trimming.
const EMPTY_MARKS: &[&str] = &[
    "无", "暂无", "—", "——", "-", "--", "/", "//", "―", "─", "空", "null", "NULL", "N/A",
];

/// True when a folded, trimmed value means "empty".
pub fn is_empty_mark(s: &str) -> bool {
    s.is_empty() || EMPTY_MARKS.contains(&s)
}

/// A cell's text as the tool keeps it: NFKC, trimmed, with line breaks kept but runs of
/// spaces left alone (free text keeps its shape). `None` for empty and the empty marks.
pub fn clean_value(s: &str) -> Option<String> {
    clean_cow(s).map(Cow::into_owned)
}

/// `clean_value` without allocating when the text needs no folding (most cells).
pub fn clean_cow(s: &str) -> Option<Cow<'_, str>> {
    let trim = |t: &str| -> (usize, usize) {
        let t2 = t.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        let start = t.len() - t2.len();
        let end = start
            + t2.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                .len();
        (start, end)
    };
    match nfkc(s) {
        Cow::Borrowed(b) => {
            let (a, z) = trim(b);
            (!is_empty_mark(&b[a..z])).then(|| Cow::Borrowed(&b[a..z]))
        }
        Cow::Owned(o) => {
            let (a, z) = trim(&o);
            (!is_empty_mark(&o[a..z])).then(|| Cow::Owned(o[a..z].to_string()))
        }
    }
}

/// The variants of the minority-name middle dot (DOMAIN.md §4.3), after NFKC.
fn is_name_dot(c: char) -> bool {
    matches!(c, '•' | '・' | '･' | '‧' | '.' | '·' | '．' | '∙' | '⋅')
}

/// A person's or group's name folded for comparison and display: NFKC, all white space
/// removed (`王　芳` is `王芳`), every middle-dot variant unified to U+00B7.
pub fn fold_name(s: &str) -> String {
    fold_name_cow(s).into_owned()
}

/// `fold_name` without allocating when the name is already folded (most are: plain Han).
pub fn fold_name_cow(s: &str) -> Cow<'_, str> {
    let folded = |c: char| nfkc_stable(c) && !c.is_whitespace() && (c == '·' || !is_name_dot(c));
    if s.chars().all(folded) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        nfkc(s)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
            .map(|c| if is_name_dot(c) { '·' } else { c })
            .collect(),
    )
}

/// The first `n` characters of `s` after NFKC with white space removed (what `fold_name`
/// would begin with, dots aside), folding no further than needed: a footer row is told by
/// its first words, and most rows are data whose long cells need no folding to tell.
pub fn folded_head(s: &str, n: usize) -> compact_str::CompactString {
    let mut out = compact_str::CompactString::default();
    let mut kept = 0;
    for c in s.chars() {
        if !nfkc_stable(c) {
            // NFKC may change this character, or join it to the one before: the general way.
            return s.nfkc().filter(|c| !c.is_whitespace()).take(n).collect();
        }
        // A stable character never joins the one before it, so the first `n` are final.
        if kept == n {
            break;
        }
        if !c.is_whitespace() {
            out.push(c);
            kept += 1;
        }
    }
    out
}

/// A header cell folded for alias lookup: NFKC, no white space or line breaks, no `*` marks,
/// no `(必填)`-style notes, no trailing colon (SPEC §3).
pub fn fold_header(s: &str) -> String {
    let mut out: String = nfkc(s)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '*' && *c != '\u{feff}')
        .collect();
    // Most headers have no note: one byte search spares five substring searches.
    if out.contains('(') {
        for note in ["(必填)", "(选填)", "(必选)", "(可选)", "(年)"] {
            if let Some(i) = out.find(note) {
                out.replace_range(i..i + note.len(), "");
            }
        }
    }
    while out.ends_with(':') {
        out.pop();
    }
    out
}

/// `fold_header` without allocating when the text is already folded (most cells are).
pub fn fold_header_cow(s: &str) -> Cow<'_, str> {
    let plain = |c: char| nfkc_stable(c) && !c.is_whitespace() && !matches!(c, '*' | '(');
    if s.chars().all(plain) && !s.ends_with(':') {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fold_header(s))
    }
}

/// The header with a trailing parenthetical removed (`出生日期(年月)` → `出生日期`), tried
/// when the full header matches no alias.
pub fn strip_paren_note(h: &str) -> Option<&str> {
    if !h.ends_with(')') {
        return None;
    }
    let open = h.rfind('(')?;
    (open > 0).then(|| &h[..open])
}

/// Separators between several names in one cell (SPEC §3.2: 、,，;；/).
fn is_list_sep(c: char) -> bool {
    matches!(c, '、' | ',' | ';' | '/' | '\n' | '\r' | '|')
}

/// Split a cell holding several names. Besides the listed separators, white space separates
/// names only when every piece is at least two characters long: `张三 李四` is two people,
/// `王　芳` (a name padded for alignment) is one.
pub fn split_names(s: &str) -> Vec<String> {
    let folded = nfkc(s);
    let mut out = Vec::new();
    for piece in folded.split(is_list_sep) {
        let words: Vec<&str> = piece.split_whitespace().collect();
        if words.len() > 1 && words.iter().all(|w| w.chars().count() >= 2) {
            out.extend(words.iter().map(|w| fold_name(w)));
        } else {
            out.push(fold_name(piece));
        }
    }
    out.retain(|n| !is_empty_mark(n));
    out
}

/// Split a cell holding several vocabulary values (特殊情况, 会议类型) on the list separators
/// and white space.
pub fn split_values(s: &str) -> Vec<String> {
    nfkc(s)
        .split(|c: char| is_list_sep(c) || c.is_whitespace() || c == '+')
        .map(str::trim)
        .filter(|p| !is_empty_mark(p))
        .map(str::to_string)
        .collect()
}

/// Han characters (CJK unified ideographs, with extension A).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// Whether XML may hold an ID or a phone, in any form a spreadsheet writes one: digits in any
/// width with separators inside (see [`pii`]), a number in exponent form
/// (4.2068219900315002E+17), or a digit written as a character reference (`&#52;`). A cheap
/// scan over raw bytes: most sheets of a return have none, and need no parsing to be shown
/// masked.
pub fn may_hold_id_digits(xml: &[u8]) -> bool {
    let digit = |i: usize| xml.get(i).is_some_and(u8::is_ascii_digit);
    // A personal number spans at least 10 bytes that are digits, separators or non-ASCII (a
    // full-width digit, U+3000): such a stretch covers a multiple of 10. Look there first,
    // then read the stretch.
    let within = |b: u8| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b')') || b >= 0x80;
    let mut i = 0;
    while i < xml.len() {
        if within(xml[i]) {
            let start = (0..i)
                .rev()
                .take_while(|&j| within(xml[j]))
                .last()
                .unwrap_or(i);
            let end = (i..xml.len())
                .find(|&j| !within(xml[j]))
                .unwrap_or(xml.len());
            if end - start >= pii::MIN_DIGITS {
                match std::str::from_utf8(&xml[start..end]) {
                    Ok(s) if pii::pii_spans(s).is_empty() => {}
                    _ => return true,
                }
            }
            i = end + 1;
            continue;
        }
        i += 10;
    }
    // 4.2E+17, 1e10: an exponent right after a digit ('e' is rare inside sheet data).
    for i in memchr::memchr2_iter(b'E', b'e', xml) {
        if i > 0
            && digit(i - 1)
            && (digit(i + 1) || (xml.get(i + 1) == Some(&b'+') && digit(i + 2)))
        {
            return true;
        }
    }
    memchr::memmem::find_iter(xml, b"&#").any(|i| {
        let rest = &xml[i + 2..xml.len().min(i + 10)];
        let end = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
        let code =
            std::str::from_utf8(&rest[..end])
                .ok()
                .and_then(|r| match r.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => r.parse().ok(),
                });
        code.is_some_and(|c| (0x30..=0x39).contains(&c))
    })
}

/// Column index to Excel letters (0 → A, 26 → AA).
pub fn col_letters(mut col: u32) -> String {
    let mut buf = Vec::new();
    loop {
        buf.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    buf.reverse();
    String::from_utf8(buf).unwrap_or_default()
}

/// Zero-based (row, col) to an A1 reference.
pub fn a1(row: u32, col: u32) -> String {
    format!("{}{}", col_letters(col), row + 1)
}

/// A number as Excel's General format would show it: integers without `.0`.
pub fn number_text(n: f64) -> String {
    number_compact(n).into_string()
}

/// [`number_text`] held inline (General format is at most 24 bytes for all but odd values).
pub fn number_compact(n: f64) -> compact_str::CompactString {
    use compact_str::ToCompactString;
    if n.fract() == 0.0 && n.abs() < 1e15 {
        (n as i64).to_compact_string()
    } else {
        compact_str::format_compact!("{n}")
    }
}

#[cfg(test)]
mod tests;
