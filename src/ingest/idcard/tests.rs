//! Tests of `idcard`.

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
