//! Personal numbers as a clerk types them: a 身份证号 or a phone number in any width (whatever
//! NFKC reads as a digit: `４`, `𝟒`, `①`) and with separators inside (`420682 19650728 3461`,
//! `138-0000-1234`, U+3000, dashes, dots, 间隔号). The writers mask what this finds.

/// What a run of digits is taken for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PiiKind {
    /// 18 digits, 17 + X, or an old 15-digit ID.
    Id,
    /// 11 digits starting 1[3-9], or 13 with the country code 86 in front.
    Mobile,
    /// 10–12 digits starting 0 (area code, then the local number).
    Landline,
}

/// One personal number found in a text: its byte range there and its digits as ASCII (an ID's
/// check character as `X`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PiiSpan {
    pub start: usize,
    pub end: usize,
    pub kind: PiiKind,
    pub digits: String,
}

/// The digit a character reads as under NFKC (`4`, `４`, `⁴`, `④`, `𝟒`), for one that does.
pub fn digit_value(c: char) -> Option<u8> {
    let v = match c {
        '0'..='9' => c as u32 - '0' as u32,
        '\u{ff10}'..='\u{ff19}' => c as u32 - 0xff10,
        '\u{b2}' => 2,
        '\u{b3}' => 3,
        '\u{b9}' => 1,
        '\u{2070}' => 0,
        '\u{2074}'..='\u{2079}' => c as u32 - 0x2070,
        '\u{2080}'..='\u{2089}' => c as u32 - 0x2080,
        '\u{2460}'..='\u{2468}' => c as u32 - 0x245f,
        '\u{24ea}' => 0,
        '\u{1d7ce}'..='\u{1d7ff}' => (c as u32 - 0x1d7ce) % 10,
        '\u{1ccf0}'..='\u{1ccf9}' => c as u32 - 0x1ccf0,
        '\u{1fbf0}'..='\u{1fbf9}' => c as u32 - 0x1fbf0,
        _ => return None,
    };
    Some(v as u8)
}

/// Whether a byte may begin a character [`digit_value`] knows: a quick skip over the Han text
/// around numbers, whose UTF-8 lead bytes are never these.
fn may_start_digit(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, 0xc2 | 0xe2 | 0xef | 0xf0)
}

/// A character typed between the digits of one number: spaces (U+3000 and the invisible ones
/// included), dashes, dots, 间隔号, and the `)` after an area code.
pub fn is_number_sep(c: char) -> bool {
    matches!(
        c,
        ' ' | '-'
            | '.'
            | ')'
            | '\u{a0}'
            | '\u{b7}'
            | '\u{2000}'..='\u{200d}'
            | '\u{2010}'..='\u{2015}'
            | '\u{2027}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{2060}'
            | '\u{2212}'
            | '\u{3000}'
            | '\u{30fb}'
            | '\u{fe58}'
            | '\u{fe63}'
            | '\u{feff}'
            | '\u{ff09}'
            | '\u{ff0d}'
            | '\u{ff0e}'
            | '\u{ff65}'
    )
}

/// An ID's check character: X in any width or style (`x`, `Ｘ`, `Ⅹ`).
fn is_check_x(c: char) -> bool {
    matches!(c, 'X' | 'x')
        || (!c.is_ascii() && matches!(&*super::nfkc(c.encode_utf8(&mut [0; 4])), "X" | "x"))
}

/// How many characters [`digit_value`] knows a text holds; stops counting at `enough`.
pub fn count_digits(s: &str, enough: usize) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    for (i, &x) in b.iter().enumerate() {
        // Non-ASCII digits are decoded only behind the few lead bytes they have.
        let wide = || {
            matches!(x, 0xc2 | 0xe2 | 0xef | 0xf0) && char_at(s, i).and_then(digit_value).is_some()
        };
        if x.is_ascii_digit() || wide() {
            n += 1;
        }
        if n >= enough {
            break;
        }
    }
    n
}

/// Fewer digits than this make no personal number: a text with fewer is skipped at once.
pub const MIN_DIGITS: usize = 10;

/// One group of digits with no separator inside.
#[derive(Clone, Copy)]
struct Group {
    start: usize,
    /// After the last digit.
    end: usize,
    /// After the check X, when one follows.
    end_x: Option<usize>,
    n: usize,
    /// Where its digits start in the run's digit buffer.
    off: usize,
    /// The separators before it hold a dot (a decimal point, perhaps).
    dot_before: bool,
}

fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

/// The groups of the run of digits and separators that starts at byte `i` (a digit), their
/// digits appended to `digits`; returns where the run ends.
fn read_run(s: &str, mut i: usize, groups: &mut Vec<Group>, digits: &mut String) -> usize {
    let mut dot_before = false;
    loop {
        let (start, off) = (i, digits.len());
        while let Some(c) = char_at(s, i)
            && let Some(d) = digit_value(c)
        {
            digits.push(char::from(b'0' + d));
            i += c.len_utf8();
        }
        let mut g = Group {
            start,
            end: i,
            end_x: None,
            n: digits.len() - off,
            off,
            dot_before,
        };
        if let Some(c) = char_at(s, i)
            && is_check_x(c)
        {
            g.end_x = Some(i + c.len_utf8());
            groups.push(g);
            return i + c.len_utf8();
        }
        groups.push(g);
        // Up to three separators (` - `) may sit between two groups of one number.
        let (mut j, mut seps) = (i, 0);
        dot_before = false;
        while seps < 3
            && let Some(c) = char_at(s, j)
            && is_number_sep(c)
        {
            dot_before |= matches!(c, '.' | '\u{ff0e}');
            j += c.len_utf8();
            seps += 1;
        }
        if seps == 0 || char_at(s, j).is_none_or(|c| digit_value(c).is_none()) {
            return i;
        }
        i = j;
    }
}

/// The longest personal number that starts with group `i`: (first and last group, kind,
/// with the X, digits).
fn longest_from(
    groups: &[Group],
    digits: &str,
    i: usize,
) -> Option<(usize, usize, PiiKind, bool, usize)> {
    let lead = &digits.as_bytes()[groups[i].off..];
    let mut best = None;
    let mut count = 0;
    for j in i..groups.len() {
        let g = &groups[j];
        // Within one number split by separators, every group but the last has 3 digits or
        // more and the last 2 or more; a dot joins only groups of 3 or more (not 0.5 or 3.14).
        if j > i && (groups[j - 1].n < 3 || g.n < 2 || (g.dot_before && g.n < 3)) {
            break;
        }
        count += g.n;
        if count > 18 {
            break;
        }
        let multi = j > i;
        let x = g.end_x.is_some();
        // A split ID starts with its 6-digit area code whole (`420682 19650728 3461`).
        let id_head = !multi || groups[i].n >= 6;
        let kind = if id_head && (count == 18 || (count == 17 && x) || (count == 15 && !x)) {
            Some((PiiKind::Id, count == 17 && x))
        } else if count == 11
            && lead[0] == b'1'
            && (b'3'..=b'9').contains(&lead[1])
            && (!multi || groups[i].n >= 3)
        {
            Some((PiiKind::Mobile, false))
        } else if (10..=12).contains(&count)
            && lead[0] == b'0'
            && lead[1] != b'0'
            && (!multi || (3..=4).contains(&groups[i].n))
        {
            Some((PiiKind::Landline, false))
        } else if !multi
            && count == 13
            && lead.starts_with(b"861")
            && (b'3'..=b'9').contains(&lead[3])
        {
            Some((PiiKind::Mobile, false))
        } else {
            None
        };
        if let Some((k, with_x)) = kind {
            best = Some((i, j, k, with_x, count));
        }
    }
    best
}

/// Every personal number in a text, in order. Digit runs of other lengths (dates such as
/// 2024-07-31 or 20240731, counts, 编号) are not personal data.
pub fn pii_spans(s: &str) -> Vec<PiiSpan> {
    let mut out = Vec::new();
    if count_digits(s, MIN_DIGITS) < MIN_DIGITS {
        return out;
    }
    let bytes = s.as_bytes();
    let (mut groups, mut digits) = (Vec::new(), String::new());
    let mut i = 0;
    while i < bytes.len() {
        if !may_start_digit(bytes[i]) || char_at(s, i).is_none_or(|c| digit_value(c).is_none()) {
            i += 1;
            continue;
        }
        groups.clear();
        digits.clear();
        let run_end = read_run(s, i, &mut groups, &mut digits);
        // Where two readings overlap (`420682 19650728 3461 138…` also holds a 15-digit run),
        // the longer number is taken.
        let mut found: Vec<(usize, usize, PiiKind, bool, usize)> = (0..groups.len())
            .filter_map(|k| longest_from(&groups, &digits, k))
            .collect();
        found.sort_by_key(|f| (std::cmp::Reverse(f.4), f.0));
        let mut taken: Vec<(usize, usize, PiiKind, bool)> = Vec::new();
        for (a, b, kind, x, _) in found {
            if taken.iter().all(|t| b < t.0 || a > t.1) {
                taken.push((a, b, kind, x));
            }
        }
        taken.sort_by_key(|t| t.0);
        out.extend(taken.into_iter().map(|t| span(&groups, &digits, t)));
        i = run_end.max(i + 1);
    }
    out
}

fn span(groups: &[Group], digits: &str, (a, b, kind, x): (usize, usize, PiiKind, bool)) -> PiiSpan {
    let last = &groups[b];
    let with_x = x && last.end_x.is_some();
    let mut d = digits[groups[a].off..last.off + last.n].to_string();
    if with_x {
        d.push('X');
    }
    PiiSpan {
        start: groups[a].start,
        end: if with_x {
            last.end_x.unwrap_or(last.end)
        } else {
            last.end
        },
        kind,
        digits: d,
    }
}
