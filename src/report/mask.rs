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

/// Mask every ID-like run (15 or 17 digits + digit/X, or 18 digits) and every mobile-like
/// run (11 digits starting 1[3-9]) inside a text. Digit runs of other lengths (dates such as
/// 20240731, counts, 编号) are left alone.
pub fn mask_text(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    if bytes.iter().filter(|b| b.is_ascii_digit()).count() < 11 {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut changed = false;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            let ch = s[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
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
        let run = &s[start..i];
        let masked = match (digits, with_x) {
            (17, true) | (18, false) | (15, false) => Some(mask_id(run)),
            (11, false) if bytes[start] == b'1' && (b'3'..=b'9').contains(&bytes[start + 1]) => {
                Some(mask_phone(run))
            }
            _ => None,
        };
        match masked {
            Some(m) => {
                out.push_str(&m);
                changed = true;
            }
            None => out.push_str(run),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(s)
    }
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
        assert_eq!(
            Pii { show: true }.text("420682197203150314"),
            "420682197203150314"
        );
    }
}
