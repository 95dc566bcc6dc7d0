//! Personal data in outputs (DOMAIN.md §5): 身份证号 shown as `420682********0314` and mobile
//! numbers as `158****6651` unless `--show-pii`. Applied to every text a writer emits, so an
//! ID quoted in a message or typed into a free-text cell is masked too.

use std::borrow::Cow;

use crate::text::pii::{PiiKind, PiiSpan, pii_spans};

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

/// `071****1567` for a landline (area code and number, as digits).
fn mask_landline(digits: &str) -> String {
    let n = digits.len();
    if n <= 7 {
        return "*".repeat(n);
    }
    format!("{}{}{}", &digits[..3], "*".repeat(n - 7), &digits[n - 4..])
}

fn masked(span: &PiiSpan) -> String {
    let d = span.digits.as_str();
    match span.kind {
        PiiKind::Id => mask_id(d),
        PiiKind::Mobile if d.len() == 13 => format!("{}{}", &d[..2], mask_phone(&d[2..])),
        PiiKind::Mobile => mask_phone(d),
        PiiKind::Landline => mask_landline(d),
    }
}

/// Mask every ID and phone number inside a text, however it is typed (full-width digits,
/// spaces or dashes inside): the masked form is written in ASCII digits, separators dropped.
pub fn mask_text(s: &str) -> Cow<'_, str> {
    let spans = pii_spans(s);
    if spans.is_empty() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for sp in &spans {
        out.push_str(&s[last..sp.start]);
        out.push_str(&masked(sp));
        last = sp.end;
    }
    out.push_str(&s[last..]);
    Cow::Owned(out)
}

/// Whether a text holds anything [`mask_text`] would mask.
pub fn has_pii(s: &str) -> bool {
    !pii_spans(s).is_empty()
}

/// Whether markup holds an ID-like or phone-like run outside a decimal fraction: the digits
/// after "0." in a page margin (0.511811023622047) or a measured width are not personal data.
pub fn has_pii_in_markup(s: &str) -> bool {
    let b = s.as_bytes();
    pii_spans(s)
        .iter()
        .any(|sp| !(sp.start >= 2 && b[sp.start - 1] == b'.' && b[sp.start - 2].is_ascii_digit()))
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
        // Dates and 编号 are not personal data; a landline is.
        assert_eq!(
            mask_text("2024-07-31 20240731 ZG12 2024.7.31 0710-8321567"),
            "2024-07-31 20240731 ZG12 2024.7.31 071****1567"
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

    /// Issue 16: the forms a clerk types an ID or a phone in.
    #[test]
    fn ids_and_phones_are_masked_however_they_are_typed() {
        for (typed, shown) in [
            ("４２０６８２１９６５０７２８３４６１", "420682********3461"),
            ("420682 19650728 3461", "420682********3461"),
            ("420682-19650728-3461", "420682********3461"),
            ("420682\u{3000}19650728\u{3000}3461", "420682********3461"),
            ("420682–19650728—346x", "420682********346X"),
            ("420682 19850920 069Ｘ", "420682********069X"),
            ("４２０６８２４９１２３１００２", "420682******002"),
            ("𝟒𝟐𝟎𝟔𝟖𝟐𝟏𝟗𝟔𝟓𝟎𝟕𝟐𝟖𝟑𝟒𝟔𝟏", "420682********3461"),
            ("138-0000-1234", "138****1234"),
            ("138 0000 1234", "138****1234"),
            ("138.0000.1234", "138****1234"),
            ("１３８·００００·１２３４", "138****1234"),
            ("+86 138 0000 1234", "+86 138****1234"),
            ("8613800001234", "86138****1234"),
            ("(0710)8321567", "(071****1567"),
            ("010 - 8765 4321", "010****4321"),
        ] {
            assert_eq!(mask_text(typed), shown, "{typed}");
            let quoted = format!("身份证号“{typed}”有误");
            assert_eq!(mask_text(&quoted), format!("身份证号“{shown}”有误"));
        }
        // An ID beside a date or a phone: each masked, the date kept.
        assert_eq!(
            mask_text("2024-07-31 420682 19650728 3461 138 0000 1234"),
            "2024-07-31 420682********3461 138****1234"
        );
        assert_eq!(
            mask_text("2024 420682 19650728 3461"),
            "2024 420682********3461"
        );
        // Numbers that only look long: decimals, lists, dates with spaces.
        for kept in [
            "3.14159265358979",
            "1 2 3 4 5 6 7 8 9 10 11 12",
            "2024.07.31 2024.08.01 2024.09.01",
            "第1、2、3条 13800",
        ] {
            assert_eq!(mask_text(kept), kept);
        }
    }
}
