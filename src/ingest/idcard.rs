//! 公民身份号码 (GB 11643-1999) and phone numbers as branches write them (DOMAIN §4, §5).
//!
//! Total functions only: a roster cell can hold anything, and a bad ID is a finding (D006),
//! never a crash. Hand-written checks instead of regex keep the crate's dependencies small.

use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdStatus {
    Valid,
    /// Neither 18 nor 15 characters.
    BadLength,
    /// Something other than digits, or an X anywhere but the 18th place.
    BadChars,
    /// The embedded birth date is not a calendar date.
    BadBirthDate,
    /// The 18th character is not the ISO 7064 MOD 11-2 check character.
    BadChecksum,
    /// Stored as a number (`4.20682E+17`): Excel kept only 15 digits, the rest is gone.
    DigitsLost,
}

/// Weights of the first 17 digits, ISO 7064 MOD 11-2 as GB 11643 applies it.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder of the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
/// Birth years outside this window are typing mistakes, not people; a birth date in the
/// future is left to the caller's cross-check against `--as-of`.
const BIRTH_YEAR_MIN: i32 = 1800;
const BIRTH_YEAR_MAX: i32 = 2100;
/// Doubles hold every integer below 10^15 exactly, and Excel keeps 15 significant digits:
/// from 16 digits on, what a number cell holds is no longer what the branch typed.
const EXACT_LIMIT: f64 = 1e15;

/// Normalise as written: NFKC, remove all whitespace, strip a leading `'`, lower-case x → X.
///
/// The Chinese quotes `‘’` are stripped too: an input method in Chinese mode types them for `'`.
pub fn normalize_id(s: &str) -> String {
    let compact: String = crate::text::nfkc(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .collect();
    compact
        .trim_start_matches(['\'', '‘', '’'])
        .chars()
        .map(|c| if c == 'x' { 'X' } else { c })
        .collect()
}

/// GB 11643-1999 check of a normalised ID: 18 chars (17 digits + digit/X, valid birth date,
/// ISO 7064 MOD 11-2 check char with weights 7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2 and '10X98765432'),
/// or the old 15-digit form (digits, valid 19YYMMDD birth date, no check char) → Valid.
/// Scientific notation text like `4.20682E+17` or `1.10101e17` → DigitsLost.
///
/// Normalises again itself, so a raw cell text gives the same answer.
pub fn check_id(id: &str) -> IdStatus {
    let id = normalize_id(id);
    if is_scientific(&id) {
        return IdStatus::DigitsLost;
    }
    let chars: Vec<char> = id.chars().collect();
    let last = chars.len().saturating_sub(1);
    let chars_ok = chars
        .iter()
        .enumerate()
        .all(|(i, &c)| c.is_ascii_digit() || (c == 'X' && i == last));
    if !chars_ok {
        return IdStatus::BadChars;
    }
    match chars.len() {
        18 => {
            if birth_date_18(&chars).is_none() {
                return IdStatus::BadBirthDate;
            }
            match (check_char(&chars), chars.get(17)) {
                (Some(expected), Some(&found)) if expected == found => IdStatus::Valid,
                _ => IdStatus::BadChecksum,
            }
        }
        // The old form has no check character, so an X can only be a mistake.
        15 if chars.contains(&'X') => IdStatus::BadChars,
        15 => {
            if birth_date_15(&chars).is_some() {
                IdStatus::Valid
            } else {
                IdStatus::BadBirthDate
            }
        }
        _ => IdStatus::BadLength,
    }
}

/// An ID stored as a number cell: a 15-digit integer is exact (return its digits, Valid/…);
/// ≥16 digits cannot be exact in a double → (text as Excel would show it, e.g. "4.20682E+17", DigitsLost).
///
/// Shorter, negative, fractional or non-finite numbers come back as written with the status
/// `check_id` gives that text (BadLength or BadChars).
pub fn id_from_number(n: f64) -> (String, IdStatus) {
    if !n.is_finite() {
        return (String::new(), IdStatus::BadChars);
    }
    if n.abs() >= EXACT_LIMIT {
        return (excel_general_scientific(n), IdStatus::DigitsLost);
    }
    let text = if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    };
    let status = check_id(&text);
    (text, status)
}

/// Birth date and sex encoded in a valid ID (for cross-checks): (date, is_male).
pub fn id_birth_and_sex(id: &str) -> Option<(NaiveDate, bool)> {
    if check_id(id) != IdStatus::Valid {
        return None;
    }
    let chars: Vec<char> = normalize_id(id).chars().collect();
    // The sequence code's last digit is odd for men (GB 11643 §5.3).
    let (date, sex_digit) = match chars.len() {
        18 => (birth_date_18(&chars)?, chars.get(16)?),
        15 => (birth_date_15(&chars)?, chars.get(14)?),
        _ => return None,
    };
    let is_male = sex_digit.to_digit(10)? % 2 == 1;
    Some((date, is_male))
}

/// Phone: strip +86 / 86- / spaces / hyphens inside mobile numbers; true for ^1[3-9]\d{9}$ or a landline ^0\d{2,3}-?\d{7,8}$.
///
/// A landline keeps its hyphen; `(0710)1234567` becomes `0710-1234567`. Anything else is
/// returned folded but otherwise as written, so that a report can quote it.
pub fn normalize_phone(s: &str) -> String {
    let compact: String = crate::text::nfkc(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !is_invisible(*c))
        .collect();
    let mut t = compact.trim_start_matches(['\'', '‘', '’']);
    for prefix in ["+86-", "(+86)", "(86)", "+86", "0086-", "0086", "86-"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest;
            break;
        }
    }
    let unhyphenated: String = t.chars().filter(|&c| c != '-').collect();
    if is_mobile(&unhyphenated) {
        return unhyphenated;
    }
    // `8613800138000`: the country code glued on without a sign.
    if let Some(rest) = unhyphenated.strip_prefix("86")
        && is_mobile(rest)
    {
        return rest.to_string();
    }
    if let Some(inner) = t.strip_prefix('(')
        && let Some((area, local)) = inner.split_once(')')
        && area.starts_with('0')
        && area.chars().all(|c| c.is_ascii_digit())
    {
        return format!("{area}-{}", local.trim_start_matches('-'));
    }
    t.to_string()
}

pub fn phone_ok(s: &str) -> bool {
    let p = normalize_phone(s);
    is_mobile(&p) || is_landline(&p)
}

/// A phone stored as a number cell (13800138000.0 → "13800138000").
pub fn phone_from_number(n: f64) -> String {
    if !n.is_finite() {
        return String::new();
    }
    if n.fract() == 0.0 && n.abs() < EXACT_LIMIT {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// `4.20682E+17`, `1.10101e17`, `4E+17`: what Excel shows for a long number, or a CSV holds.
fn is_scientific(s: &str) -> bool {
    let Some((mantissa, exponent)) = s.split_once(['e', 'E']) else {
        return false;
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let all_digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    all_digits(int) && all_digits(frac) && all_digits(exponent)
}

/// Excel's General format for a number too long for its cell: six significant digits,
/// trailing zeros dropped, `E+NN` (`420682199001011234` → `4.20682E+17`).
fn excel_general_scientific(n: f64) -> String {
    let formatted = format!("{n:.5E}");
    let Some((mantissa, exponent)) = formatted.split_once('E') else {
        return formatted;
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exponent),
    };
    format!("{mantissa}E{sign}{digits:0>2}")
}

fn digits_u32(chars: &[char]) -> Option<u32> {
    chars.iter().try_fold(0u32, |acc, c| {
        acc.checked_mul(10)?.checked_add(c.to_digit(10)?)
    })
}

fn birth_date(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    let year = i32::try_from(year).ok()?;
    if !(BIRTH_YEAR_MIN..=BIRTH_YEAR_MAX).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Characters 7–14 of an 18-character ID: YYYYMMDD.
fn birth_date_18(chars: &[char]) -> Option<NaiveDate> {
    birth_date(
        digits_u32(chars.get(6..10)?)?,
        digits_u32(chars.get(10..12)?)?,
        digits_u32(chars.get(12..14)?)?,
    )
}

/// Characters 7–12 of a 15-digit ID: YYMMDD, always in the 1900s (issued before 2000).
fn birth_date_15(chars: &[char]) -> Option<NaiveDate> {
    birth_date(
        1900 + digits_u32(chars.get(6..8)?)?,
        digits_u32(chars.get(8..10)?)?,
        digits_u32(chars.get(10..12)?)?,
    )
}

/// The check character the first 17 digits call for.
fn check_char(chars: &[char]) -> Option<char> {
    let body = chars.get(..17)?;
    let mut sum: u32 = 0;
    for (c, w) in body.iter().zip(WEIGHTS) {
        sum += c.to_digit(10)? * w;
    }
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// `^1[3-9]\d{9}$`
fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b.first() == Some(&b'1')
        && b.get(1).is_some_and(|c| (b'3'..=b'9').contains(c))
        && b.iter().all(u8::is_ascii_digit)
}

/// `^0\d{2,3}-?\d{7,8}$`
fn is_landline(s: &str) -> bool {
    let all_digits = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
    if !s.starts_with('0') {
        return false;
    }
    match s.split_once('-') {
        Some((area, local)) => {
            (3..=4).contains(&area.len())
                && all_digits(area)
                && (7..=8).contains(&local.len())
                && all_digits(local)
        }
        None => (10..=12).contains(&s.len()) && all_digits(s),
    }
}

#[cfg(test)]
mod tests;
