//! Tests of date parsing: every written form of a date, a deadline and a month that the
//! parsers accept or reject, and input that must never panic.

use chrono::NaiveDate;

use super::*;
use crate::model::dates::{Deadline, PDate, Precision, YearMonth};

const CY: i32 = 2024;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("test date")
}

fn day(y: i32, m: u32, d: u32) -> PDate {
    PDate {
        date: ymd(y, m, d),
        precision: Precision::Day,
    }
}

fn month(y: i32, m: u32) -> PDate {
    PDate {
        date: ymd(y, m, 1),
        precision: Precision::Month,
    }
}

fn text(s: &str) -> Option<(PDate, Option<DateNote>)> {
    parse_date_text(s, CY).map(|p| (p.value, p.note))
}

#[test]
fn full_dates_in_every_written_form() {
    for s in [
        "2024年7月31日",
        "2024年07月31日",
        "2024年7月31号",
        "2024.7.31",
        "2024.07.31",
        "2024/7/31",
        "2024-07-31",
        "2024-07-31 00:00:00",
        "2024-07-31T09:30:00",
        "2024-07-31T09:30:00.000Z",
        "20240731",
        "24.7.31",
        "24/7/31",
        "二〇二四年七月三十一日",
        "二零二四年七月三十一日",
        "二○二四年七月三十一日",
        "２０２４．７．３１",
        "２０２４年７月３１日",
        "  2024年7月31日\u{3000}",
        "2024 年 7 月 31 日",
        "2024年7月31",
    ] {
        assert_eq!(text(s), Some((day(2024, 7, 31), None)), "{s}");
    }
}

#[test]
fn dates_with_time_weekday_or_remark_after_them() {
    for s in [
        "2024年7月31日上午",
        "2024年7月31日 9:00",
        "2024年7月31日（星期三）",
        "2024年7月31日(周三)",
        "2024年7月31日星期三",
        "2024年7月31日下午3点半",
        "2024年7月31日上午9:00-11:30",
        "2024年7月31日（星期三）上午9时30分",
        "2024/7/31 0:00",
        // 实际时间 of a 三会一课 export: two spaces before the time.
        "2024/7/31  14:30",
        "2024-07-31 14:30:00",
        "2024年7月31日【补录】",
        "2024年7月31日。",
    ] {
        assert_eq!(text(s), Some((day(2024, 7, 31), None)), "{s}");
    }
}

#[test]
fn ranges_give_their_first_date() {
    assert_eq!(
        text("7月25日-31日"),
        Some((day(2024, 7, 25), Some(DateNote::YearAssumed)))
    );
    assert_eq!(
        text("7月25日至31日"),
        Some((day(2024, 7, 25), Some(DateNote::YearAssumed)))
    );
    assert_eq!(text("2024.7.25-7.31"), Some((day(2024, 7, 25), None)));
    assert_eq!(text("2024年7月25日~8月2日"), Some((day(2024, 7, 25), None)));
    assert_eq!(
        text("2024年7月25日——2024年8月2日"),
        Some((day(2024, 7, 25), None))
    );
    assert_eq!(text("2024.7.25-31"), Some((day(2024, 7, 25), None)));
    assert_eq!(text("2024.7-2024.8"), Some((month(2024, 7), None)));
}

#[test]
fn a_range_with_an_impossible_end_is_not_a_date() {
    assert_eq!(text("7月25日-32日"), None);
    assert_eq!(text("2024-07-31-会议"), None);
}

#[test]
fn missing_year_takes_campaign_year_with_note() {
    for s in ["7月31日", "7.31", "7/31", "七月三十一日", "7月31号"] {
        assert_eq!(
            text(s),
            Some((day(2024, 7, 31), Some(DateNote::YearAssumed))),
            "{s}"
        );
    }
    assert_eq!(
        parse_date_text("7月31日", 2023).map(|p| p.value),
        Some(day(2023, 7, 31))
    );
}

#[test]
fn month_precision_forms() {
    for s in [
        "2024年7月",
        "2024.07",
        "2024.7",
        "2024-07",
        "2024/7",
        "2024年7月份",
        "二〇二四年七月",
    ] {
        assert_eq!(text(s), Some((month(2024, 7), None)), "{s}");
    }
    assert_eq!(text("1975.3"), Some((month(1975, 3), None)));
    assert_eq!(text("2024年元月"), Some((month(2024, 1), None)));
}

#[test]
fn non_dates_are_rejected() {
    for s in [
        "待定",
        "无",
        "—",
        "-",
        "/",
        "2024年13月1日",
        "2024年2月30日",
        "2024",
        "31",
        "7月32日",
        "",
        "   ",
        "会议于2024年7月31日召开",
        "2024年7月31日召开",
        "7月",
        "2024年",
        "7.31.5",
        "24.7",
        "240731",
        "2024.7.315",
        "1850年1月1日",
        "2224年1月1日",
    ] {
        assert_eq!(text(s), None, "{s:?}");
    }
}

#[test]
fn leap_days_follow_the_calendar() {
    assert_eq!(text("2024年2月29日"), Some((day(2024, 2, 29), None)));
    assert_eq!(text("2023年2月29日"), None);
    assert_eq!(text("2月29日").map(|p| p.0), Some(day(2024, 2, 29)));
    assert_eq!(parse_date_text("2月29日", 2023), None);
}

#[test]
fn serials_in_both_systems() {
    assert_eq!(serial_to_date(45504.0, false), Some(ymd(2024, 7, 31)));
    assert_eq!(serial_to_date(45504.75, false), Some(ymd(2024, 7, 31)));
    assert_eq!(
        serial_to_date(45504.0 - 1462.0, true),
        Some(ymd(2024, 7, 31))
    );
    assert_eq!(serial_to_date(1.0, false), Some(ymd(1900, 1, 1)));
    assert_eq!(serial_to_date(59.0, false), Some(ymd(1900, 2, 28)));
    assert_eq!(serial_to_date(60.0, false), None);
    assert_eq!(serial_to_date(61.0, false), Some(ymd(1900, 3, 1)));
    assert_eq!(serial_to_date(2_958_465.0, false), Some(ymd(9999, 12, 31)));
    assert_eq!(serial_to_date(2_958_466.0, false), None);
    assert_eq!(serial_to_date(2_958_465.0, true), None);
    assert_eq!(serial_to_date(0.0, false), None);
    assert_eq!(serial_to_date(0.5, false), None);
    assert_eq!(serial_to_date(-1.0, false), None);
    assert_eq!(serial_to_date(f64::NAN, false), None);
    assert_eq!(serial_to_date(f64::INFINITY, true), None);
}

#[test]
fn numbers_in_date_columns() {
    let num = |n: f64| parse_date_number(n, false, CY).map(|p| (p.value, p.note));
    assert_eq!(num(45504.0), Some((day(2024, 7, 31), None)));
    assert_eq!(num(45504.75), Some((day(2024, 7, 31), None)));
    assert_eq!(
        parse_date_number(45504.0 - 1462.0, true, CY).map(|p| p.value),
        Some(day(2024, 7, 31))
    );
    assert_eq!(num(20240731.0), Some((day(2024, 7, 31), None)));
    assert_eq!(num(2024.07), Some((month(2024, 7), None)));
    assert_eq!(num(2024.12), Some((month(2024, 12), None)));
    assert_eq!(num(2024.11), Some((month(2024, 11), None)));
    assert_eq!(num(1975.3), Some((month(1975, 3), None)));
    assert_eq!(
        num(2005.1),
        Some((month(2005, 1), Some(DateNote::MonthMaybeTen)))
    );
    assert_eq!(num(2024.01), Some((month(2024, 1), None)));
    assert_eq!(num(2024.0), None);
    assert_eq!(num(2024.13), None);
    assert_eq!(num(2024.071), None);
    assert_eq!(num(0.0), None);
    assert_eq!(num(-45504.0), None);
    assert_eq!(num(1e20), None);
    assert_eq!(num(20241332.0), None);
    assert_eq!(num(31.0), None);
}

#[test]
fn month_day_numbers_only_when_the_day_is_certain() {
    let num = |n: f64| parse_date_number(n, false, CY).map(|p| (p.value, p.note));
    assert_eq!(
        num(7.31),
        Some((day(2024, 7, 31), Some(DateNote::YearAssumed)))
    );
    assert_eq!(
        num(7.05),
        Some((day(2024, 7, 5), Some(DateNote::YearAssumed)))
    );
    // 7.5 cannot have been 7.50.
    assert_eq!(
        num(7.5),
        Some((day(2024, 7, 5), Some(DateNote::YearAssumed)))
    );
    // 7.3 may have been 7.30.
    assert_eq!(num(7.3), None);
    // 2.3 cannot have been 2.30.
    assert_eq!(
        num(2.3),
        Some((day(2024, 2, 3), Some(DateNote::YearAssumed)))
    );
}

#[test]
fn deadlines_in_words() {
    let dl = |s: &str| parse_deadline_text(s, CY);
    assert_eq!(dl("立行立改"), Some((Deadline::AtOnce, None)));
    for s in [
        "长期坚持",
        "长期",
        "持续推进",
        "常态化",
        "立行立改并长期坚持",
    ] {
        assert_eq!(dl(s), Some((Deadline::Ongoing, None)), "{s}");
    }
    assert_eq!(
        dl("9月底前"),
        Some((Deadline::Date(ymd(2024, 9, 30)), None))
    );
    assert_eq!(
        dl("九月底前"),
        Some((Deadline::Date(ymd(2024, 9, 30)), None))
    );
    assert_eq!(
        dl("十二月底前"),
        Some((Deadline::Date(ymd(2024, 12, 31)), None))
    );
    assert_eq!(
        dl("2月底前"),
        Some((Deadline::Date(ymd(2024, 2, 29)), None))
    );
    assert_eq!(dl("9月底"), Some((Deadline::Date(ymd(2024, 9, 30)), None)));
    assert_eq!(
        dl("2024年9月底前"),
        Some((Deadline::Date(ymd(2024, 9, 30)), None))
    );
    assert_eq!(
        dl("2025年2月底前"),
        Some((Deadline::Date(ymd(2025, 2, 28)), None))
    );
    assert_eq!(
        dl("年底前"),
        Some((Deadline::Date(ymd(2024, 12, 31)), None))
    );
    assert_eq!(
        dl("2024年底前"),
        Some((Deadline::Date(ymd(2024, 12, 31)), None))
    );
    assert_eq!(
        dl("9月中旬前"),
        Some((Deadline::Date(ymd(2024, 9, 20)), None))
    );
    assert_eq!(
        dl("截至9月底"),
        Some((Deadline::Date(ymd(2024, 9, 30)), None))
    );
    assert_eq!(dl("9月前"), Some((Deadline::Date(ymd(2024, 9, 30)), None)));
}

#[test]
fn deadlines_as_dates() {
    let dl = |s: &str| parse_deadline_text(s, CY);
    assert_eq!(
        dl("9月30日前"),
        Some((
            Deadline::Date(ymd(2024, 9, 30)),
            Some(DateNote::YearAssumed)
        ))
    );
    assert_eq!(
        dl("2024年9月30日前完成"),
        Some((Deadline::Date(ymd(2024, 9, 30)), None))
    );
    assert_eq!(
        dl("2024-09-30"),
        Some((Deadline::Date(ymd(2024, 9, 30)), None))
    );
    assert_eq!(
        dl("2024-09-30 00:00:00"),
        Some((Deadline::Date(ymd(2024, 9, 30)), None))
    );
    assert_eq!(dl("2024.9"), Some((Deadline::Date(ymd(2024, 9, 30)), None)));
    // A span is due at its end.
    assert_eq!(
        dl("2024年8月1日-9月15日"),
        Some((Deadline::Date(ymd(2024, 9, 15)), None))
    );
    for s in ["", "待定", "无", "13月底前", "2024年9月31日前", "前"] {
        assert_eq!(dl(s), None, "{s:?}");
    }
}

#[test]
fn period_cells() {
    let p = |s: &str| parse_period_text(s, CY);
    let aug = Some(YearMonth {
        year: 2024,
        month: 8,
    });
    for s in [
        "2024-08",
        "2024年8月",
        "2024年08月",
        "202408",
        "2024.8",
        "2024/08",
        "2024年8月份",
        "２０２４年８月",
    ] {
        assert_eq!(p(s), aug, "{s}");
    }
    assert_eq!(p("8月"), aug);
    assert_eq!(p("8月份"), aug);
    assert_eq!(p("八月"), aug);
    assert_eq!(
        parse_period_text("8月", 2023),
        Some(YearMonth {
            year: 2023,
            month: 8
        })
    );
    for s in [
        "",
        "2024",
        "2024年8月5日",
        "20240805",
        "202413",
        "13月",
        "待定",
        "2024年7-8月",
    ] {
        assert_eq!(p(s), None, "{s:?}");
    }
}

#[test]
fn year_month_displays_in_chinese() {
    assert_eq!(
        YearMonth {
            year: 2024,
            month: 8
        }
        .to_string(),
        "2024年8月"
    );
}

#[test]
fn months_found_in_names() {
    let f = |s: &str| find_period_in_name(s, CY);
    let aug = Some(YearMonth {
        year: 2024,
        month: 8,
    });
    for s in [
        "光明村2024年8月台账",
        "2024-08",
        "202408_光明村",
        "8月台账",
        "光明村党支部8月份报表",
        "2024_08_光明村",
        "光明村（2024.8）",
        "二〇二四年八月光明村",
        "2024年8月台账（2024年9月5日报送）",
        "2024年8月/2024年8月光明村",
        "24年8月光明村",
    ] {
        assert_eq!(f(s), aug, "{s}");
    }
    assert_eq!(
        find_period_in_name("2023年度光明村8月台账", CY),
        Some(YearMonth {
            year: 2023,
            month: 8
        })
    );
}

#[test]
fn names_without_a_single_month_give_none() {
    let f = |s: &str| find_period_in_name(s, CY);
    for s in [
        "20240805光明村",
        "2024年8月5日报",
        "2024-08-05台账",
        "2024",
        "光明村2024年台账",
        "光明村7月、8月台账",
        "2024年1-3月台账",
        "2024年第三季度",
        "三月街社区台账",
        "光明村党支部",
        "",
    ] {
        assert_eq!(f(s), None, "{s:?}");
    }
}

#[test]
fn odd_input_never_panics() {
    let huge_digits = "9".repeat(10_000);
    let huge_cn = "九".repeat(10_000);
    let long_paren = format!("2024年7月31日({}", "啊".repeat(5_000));
    let odd: Vec<&str> = vec![
        "",
        " ",
        "\u{3000}",
        "-",
        "—",
        "年",
        "月",
        "日",
        "年月日",
        "9999年99月99日",
        "99999999999999999999年1月1日",
        "2024年99999999999月1日",
        "0年0月0日",
        "十十十",
        "廿卅",
        "一十一十",
        "😀",
        "2024年7月31日😀",
        "😀2024年7月31日",
        "NaN",
        "inf",
        "-inf",
        "1e308",
        "0.0.0",
        "....",
        "2024-",
        "2024-07-",
        "(",
        "2024年7月31日(",
        "2024年7月31日T",
        "2024-07-31T",
        "2024-07-31T99:99",
        "至至至",
        "7月25日-",
        "\u{feff}\u{200b}",
        "元",
        "元月",
        "年底前底前",
        "前前前",
        &huge_digits,
        &huge_cn,
        &long_paren,
    ];
    for s in &odd {
        let _ = parse_date_text(s, CY);
        let _ = parse_date_text(s, i32::MAX);
        let _ = parse_date_text(s, i32::MIN);
        let _ = parse_deadline_text(s, CY);
        let _ = parse_deadline_text(s, i32::MAX);
        let _ = parse_period_text(s, CY);
        let _ = find_period_in_name(s, CY);
        let _ = find_period_in_name(s, i32::MIN);
    }
    assert_eq!(parse_date_text("9999年99月99日", CY), None);
    assert_eq!(parse_date_text(&huge_digits, CY), None);
    for n in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.0,
        -0.0,
        f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        f64::EPSILON,
        1e20,
        -1e20,
        12.999_999_999,
        2_100.999_999_999_999,
        99_999_999.5,
        2_958_465.9,
    ] {
        for is_1904 in [false, true] {
            let _ = serial_to_date(n, is_1904);
            let _ = parse_date_number(n, is_1904, CY);
            let _ = parse_date_number(n, is_1904, i32::MAX);
            let _ = parse_date_number(n, is_1904, i32::MIN);
        }
    }
    assert_eq!(parse_date_number(f64::NAN, false, CY), None);
    assert_eq!(parse_date_number(f64::INFINITY, false, CY), None);
}
