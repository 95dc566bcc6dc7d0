//! Personal data in outputs (DOMAIN.md §5): 身份证号 shown as `420682********0314` and mobile
//! numbers as `158****6651` unless `--show-pii`. Applied to every text a writer emits, so an
//! ID quoted in a message or typed into a free-text cell is masked too.

use std::borrow::Cow;

/// What the writers may show.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pii {
    pub show: bool,
}

impl Pii {
    /// `s` as it may be written out.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if self.show {
            Cow::Borrowed(s)
        } else {
            mask_text(s)
        }
    }
}

/// Keep the first 6 and last 4 characters of an 18-character ID (15: first 6, last 3).
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let (head, tail) = if chars.len() == 15 { (6, 3) } else { (6, 4) };
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A number as it may be shown when it is an integer of 11 digits or more: an ID or a phone
/// that Excel stored as a number (an 11-digit one is taken for a phone).
pub fn mask_number(n: f64) -> Option<String> {
    if n.fract() != 0.0 || n < 1e10 {
        return None;
    }
    let digits = crate::text::number_text(n);
    Some(if digits.len() == 11 {
        mask_phone(&digits)
    } else {
        mask_id(&digits)
    })
}

/// `138****5678` for a mobile number.
pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() != 11 {
        return mask_id(p);
    }
    let mut out: String = chars[..3].iter().collect();
    out.push_str("****");
    out.extend(&chars[7..]);
    out
}

enum Kind {
    Id,
    Phone,
}

/// Byte ranges of the ID-like runs (15 or 17 digits + digit/X, or 18 digits) and mobile-like
/// runs (11 digits starting 1[3-9]) of a text, in order. Digit runs of other lengths (dates
/// such as 20240731, counts, 编号) are not personal data.
fn sensitive_runs(s: &str) -> impl Iterator<Item = (usize, usize, Kind)> + '_ {
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            // A UTF-8 continuation byte is never an ASCII digit: stepping bytes is safe.
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            // A trailing X/x is part of an 18-character ID.
            let digits = i - start;
            let with_x = digits == 17 && i < bytes.len() && matches!(bytes[i], b'X' | b'x');
            if with_x {
                i += 1;
            }
            let kind = match (digits, with_x) {
                (17, true) | (18, false) | (15, false) => Some(Kind::Id),
                (11, false)
                    if bytes[start] == b'1' && (b'3'..=b'9').contains(&bytes[start + 1]) =>
                {
                    Some(Kind::Phone)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                return Some((start, i, kind));
            }
        }
        None
    })
}

/// Mask every ID-like and phone-like run inside a text.
pub fn mask_text(s: &str) -> Cow<'_, str> {
    let mut runs = sensitive_runs(s).peekable();
    if runs.peek().is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (a, b, kind) in runs {
        out.push_str(&s[last..a]);
        out.push_str(&match kind {
            Kind::Id => mask_id(&s[a..b]),
            Kind::Phone => mask_phone(&s[a..b]),
        });
        last = b;
    }
    out.push_str(&s[last..]);
    Cow::Owned(out)
}

/// Whether a text holds anything [`mask_text`] would mask.
pub fn has_pii(s: &str) -> bool {
    sensitive_runs(s).next().is_some()
}

/// Whether markup holds an ID-like or phone-like run outside a decimal fraction: the digits
/// after "0." in a page margin (0.511811023622047) or a measured width are not personal data.
pub fn has_pii_in_markup(s: &str) -> bool {
    let b = s.as_bytes();
    sensitive_runs(s)
        .any(|(start, _, _)| !(start >= 2 && b[start - 1] == b'.' && b[start - 2].is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_phones_are_masked_anywhere_in_a_text() {
        assert_eq!(mask_text("420682197203150314"), "420682********0314");
        assert_eq!(
            mask_text("身份证号“65310119850920069X”校验位不正确"),
            "身份证号“653101********069X”校验位不正确"
        );
        assert_eq!(mask_text("联系电话15837136651。"), "联系电话158****6651。");
        assert_eq!(mask_text("110101491231002"), "110101******002");
        // Dates, 编号 and landlines are not personal data.
        assert_eq!(
            mask_text("2024-07-31 20240731 ZG12 0710-8321567"),
            "2024-07-31 20240731 ZG12 0710-8321567"
        );
        assert_eq!(mask_text("12345678901"), "12345678901");
        assert!(matches!(mask_text("没有数字"), Cow::Borrowed(_)));
        assert!(has_pii("电话15837136651") && !has_pii("20240731 12345678901"));
        assert!(has_pii_in_markup("<t>110101491231002</t>"));
        assert!(!has_pii_in_markup(
            r#"<pageMargins header="0.511811023622047"/>"#
        ));
        assert_eq!(
            Pii { show: true }.text("420682197203150314"),
            "420682197203150314"
        );
    }
}
