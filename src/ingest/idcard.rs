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
mod tests {
    use super::*;

    /// Completes a 17-digit body with its check character, for building test IDs.
    fn with_check(body: &str) -> String {
        let chars: Vec<char> = body.chars().collect();
        let check = check_char(&chars).expect("17 digits");
        format!("{body}{check}")
    }

    #[test]
    fn checksum_valid_ids_pass() {
        for id in [
            "11010519491231002X",
            "440524188001010014",
            "420682199001011235",
            "320106198503150022",
            "510108197202290017",
            "410305199908081230",
        ] {
            assert_eq!(check_id(id), IdStatus::Valid, "{id}");
        }
        // The helper agrees with the independently computed vectors above.
        assert_eq!(with_check("11010519491231002"), "11010519491231002X");
        assert_eq!(with_check("42068219900101123"), "420682199001011235");
    }

    #[test]
    fn wrong_check_digit_is_bad_checksum() {
        assert_eq!(check_id("110105194912310021"), IdStatus::BadChecksum);
        assert_eq!(check_id("420682199001011234"), IdStatus::BadChecksum);
        // One digit of the body typed wrong changes the check character.
        assert_eq!(check_id("420682199001011335"), IdStatus::BadChecksum);
    }

    #[test]
    fn lower_case_x_and_written_noise_are_normalised() {
        assert_eq!(normalize_id("11010519491231002x"), "11010519491231002X");
        assert_eq!(check_id("11010519491231002x"), IdStatus::Valid);
        assert_eq!(normalize_id("'420682199001011235"), "420682199001011235");
        assert_eq!(
            normalize_id(" 4206 8219 9001 0112 35 "),
            "420682199001011235"
        );
        assert_eq!(
            normalize_id("４２０６８２１９９００１０１１２３５"),
            "420682199001011235"
        );
        assert_eq!(
            normalize_id("\u{3000}11010519491231002ｘ"),
            "11010519491231002X"
        );
        assert_eq!(check_id("‘420682199001011235"), IdStatus::Valid);
    }

    #[test]
    fn old_fifteen_digit_ids() {
        assert_eq!(check_id("110105491231002"), IdStatus::Valid);
        assert_eq!(check_id("110105490231002"), IdStatus::BadBirthDate);
        assert_eq!(check_id("11010549123100X"), IdStatus::BadChars);
        assert_eq!(
            id_birth_and_sex("110105491231002"),
            Some((NaiveDate::from_ymd_opt(1949, 12, 31).expect("date"), false))
        );
    }

    #[test]
    fn impossible_birth_dates_are_bad_birth_date() {
        // February 30th, with a correct check character so only the date is wrong.
        let feb30 = with_check("42068219900230123");
        assert_eq!(check_id(&feb30), IdStatus::BadBirthDate);
        assert_eq!(
            check_id(&with_check("42068219901301123")),
            IdStatus::BadBirthDate
        );
        assert_eq!(
            check_id(&with_check("42068217001010123")),
            IdStatus::BadBirthDate
        );
        // 1972 was a leap year.
        assert_eq!(check_id("510108197202290017"), IdStatus::Valid);
        assert_eq!(
            check_id(&with_check("51010819730229001")),
            IdStatus::BadBirthDate
        );
    }

    #[test]
    fn lengths_and_characters() {
        assert_eq!(check_id(""), IdStatus::BadLength);
        assert_eq!(check_id("11010519491231002"), IdStatus::BadLength);
        assert_eq!(check_id("11010519491231002X1"), IdStatus::BadChars);
        assert_eq!(check_id("1101051949123100211"), IdStatus::BadLength);
        assert_eq!(check_id("1101051949123X0021"), IdStatus::BadChars);
        assert_eq!(check_id("110105-19491231-002X"), IdStatus::BadChars);
        assert_eq!(check_id("无"), IdStatus::BadChars);
        assert_eq!(check_id("X"), IdStatus::BadLength);
    }

    #[test]
    fn scientific_notation_is_digits_lost() {
        for s in [
            "4.20682E+17",
            "1.10101e17",
            "1.10101E+17",
            "4E+17",
            " 4.20682Ｅ+17 ",
        ] {
            assert_eq!(check_id(s), IdStatus::DigitsLost, "{s}");
        }
        assert_eq!(check_id("E+17"), IdStatus::BadChars);
        assert_eq!(check_id("4.2.1E17"), IdStatus::BadChars);
    }

    #[test]
    fn ids_stored_as_numbers() {
        assert_eq!(
            id_from_number(420_682_199_001_011_235.0),
            ("4.20682E+17".to_string(), IdStatus::DigitsLost)
        );
        assert_eq!(
            id_from_number(110_105_194_912_310_020.0),
            ("1.10105E+17".to_string(), IdStatus::DigitsLost)
        );
        assert_eq!(
            id_from_number(1e17),
            ("1E+17".to_string(), IdStatus::DigitsLost)
        );
        assert_eq!(
            id_from_number(1_234_567_890_123_456.0).1,
            IdStatus::DigitsLost
        );
        assert_eq!(
            id_from_number(110_105_491_231_002.0),
            ("110105491231002".to_string(), IdStatus::Valid)
        );
        assert_eq!(
            id_from_number(110_105_490_231_002.0).1,
            IdStatus::BadBirthDate
        );
        assert_eq!(
            id_from_number(12345.0),
            ("12345".to_string(), IdStatus::BadLength)
        );
    }

    #[test]
    fn birth_and_sex_come_from_valid_ids_only() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).expect("date");
        // 17th digit 2: female.
        assert_eq!(
            id_birth_and_sex("11010519491231002X"),
            Some((d(1949, 12, 31), false))
        );
        // 17th digit 3: male.
        assert_eq!(
            id_birth_and_sex("420682199001011235"),
            Some((d(1990, 1, 1), true))
        );
        assert_eq!(
            id_birth_and_sex("11010519491231002x"),
            Some((d(1949, 12, 31), false))
        );
        assert_eq!(id_birth_and_sex("110105194912310021"), None);
        assert_eq!(id_birth_and_sex("4.20682E+17"), None);
    }

    #[test]
    fn phones_are_normalised() {
        for s in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+86-13800138000",
            "86-13800138000",
            "8613800138000",
            "(+86)13800138000",
            "１３８００１３８０００",
            "'13800138000",
        ] {
            assert_eq!(normalize_phone(s), "13800138000", "{s}");
            assert!(phone_ok(s), "{s}");
        }
        assert_eq!(normalize_phone("0710-1234567"), "0710-1234567");
        assert_eq!(normalize_phone("(0710)1234567"), "0710-1234567");
        assert_eq!(normalize_phone("（0710）1234567"), "0710-1234567");
    }

    #[test]
    fn phone_validity() {
        for ok in [
            "0710-1234567",
            "07101234567",
            "010-12345678",
            "01012345678",
            "19912345678",
        ] {
            assert!(phone_ok(ok), "{ok}");
        }
        for bad in [
            "",
            "12345678901",
            "1380013800",
            "138001380001",
            "0710-123456",
            "710-1234567",
            "0710-12345678-1",
            "无",
            "13800138000/13900139000",
        ] {
            assert!(!phone_ok(bad), "{bad}");
        }
    }

    #[test]
    fn phones_stored_as_numbers() {
        assert_eq!(phone_from_number(13_800_138_000.0), "13800138000");
        assert_eq!(phone_from_number(7_101_234_567.0), "7101234567");
        assert_eq!(phone_from_number(f64::NAN), "");
        assert_eq!(phone_from_number(1.5), "1.5");
    }

    #[test]
    fn odd_input_never_panics() {
        let huge = "9".repeat(100_000);
        let odd = [
            "",
            " ",
            "-",
            "'",
            "''''",
            "x",
            "X",
            "😀",
            "😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀",
            "9999年99月99日",
            "NaN",
            "inf",
            "e",
            "1e",
            ".e+",
            "1.e17",
            "+86",
            "86",
            "(",
            "()",
            "(0",
            "000000000000000000",
            "99999999999999999X",
            huge.as_str(),
        ];
        for s in odd {
            let _ = normalize_id(s);
            let _ = check_id(s);
            let _ = id_birth_and_sex(s);
            let _ = normalize_phone(s);
            let _ = phone_ok(s);
        }
        assert_eq!(check_id("000000000000000000"), IdStatus::BadBirthDate);
        assert_eq!(check_id(&huge), IdStatus::BadLength);
        for n in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            -1.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            1e20,
            -1e20,
            999_999_999_999_999.0,
        ] {
            let _ = id_from_number(n);
            let _ = phone_from_number(n);
        }
        assert_eq!(id_from_number(f64::NAN).1, IdStatus::BadChars);
        assert_eq!(id_from_number(f64::MAX).1, IdStatus::DigitsLost);
    }
}
