//! Numbers in date columns: Excel serials (1900 and 1904 systems), `20240731`, `2024.07`
//! and `7.31` typed as numbers.

use chrono::{Datelike, Days, NaiveDate};

use super::text::{Raw, finish};
use super::{DateNote, ParsedDate, YEAR_MAX, YEAR_MIN};
use crate::model::dates::{PDate, Precision};

/// Excel's largest serial, 9999-12-31.
const SERIAL_MAX: f64 = 2_958_465.0;
/// Smallest plain number read as a serial by `parse_date_number`. Below it lies Excel's
/// 1900 leap-year bug and nothing any return is dated in; a bare `7` or `31` in an
/// unformatted date cell is a day or month typed alone, not 1900-01-31.
const SERIAL_MIN_PLAIN: f64 = 61.0;

/// A number in a date column (no date format on the cell): an Excel serial (1900 or 1904 system),
/// an 8-digit 20240731, or a year.month number like 2024.07 / 1975.3 (month precision).
///
/// Also `7.31` typed as a number (month.day, campaign year assumed) when the day is not in doubt.
pub fn parse_date_number(n: f64, is_1904: bool, campaign_year: i32) -> Option<ParsedDate> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    let int = n.trunc();
    let frac = n - int;
    if frac == 0.0 {
        if (10_000_000.0..=99_999_999.0).contains(&n) {
            // Range-checked above, so the cast is exact.
            let v = n as u32;
            let raw = Raw {
                year: Some((v / 10_000) as i32),
                month: (v / 100) % 100,
                day: Some(v % 100),
            };
            let (value, note) = finish(raw, campaign_year)?;
            return Some(ParsedDate { value, note });
        }
        // A bare year is not a date, though Excel would show it as one in 1905.
        if (f64::from(YEAR_MIN)..=f64::from(YEAR_MAX)).contains(&n) {
            return None;
        }
    } else if (f64::from(YEAR_MIN)..=f64::from(YEAR_MAX)).contains(&int) {
        // YYYY.MM: the digits after the point as Excel shows them are the month.
        let (month, dropped_zero) = two_decimals(frac)?;
        let note = (dropped_zero && month == 1).then_some(DateNote::MonthMaybeTen);
        let date = NaiveDate::from_ymd_opt(int as i32, month, 1)?;
        return Some(ParsedDate {
            value: PDate {
                date,
                precision: Precision::Month,
            },
            note,
        });
    } else if (1.0..13.0).contains(&n) {
        // M.DD: Excel drops a trailing zero, so `7.3` may have been `7.30`. Take the day only
        // when exactly one of the two readings is a real date.
        let month = int as u32;
        let (hundredths, dropped_zero) = two_decimals(frac)?;
        let candidates: &[u32] = if dropped_zero {
            &[hundredths, hundredths * 10]
        } else {
            &[hundredths]
        };
        let valid: Vec<NaiveDate> = candidates
            .iter()
            .filter_map(|&d| NaiveDate::from_ymd_opt(campaign_year, month, d))
            .collect();
        if valid.len() != 1 || !(YEAR_MIN..=YEAR_MAX).contains(&campaign_year) {
            return None;
        }
        let date = *valid.first()?;
        return Some(ParsedDate {
            value: PDate {
                date,
                precision: Precision::Day,
            },
            note: Some(DateNote::YearAssumed),
        });
    }
    if n < SERIAL_MIN_PLAIN {
        return None;
    }
    let date = serial_to_date(n, is_1904)?;
    if !(YEAR_MIN..=YEAR_MAX).contains(&date.year()) {
        return None;
    }
    Some(ParsedDate {
        value: PDate {
            date,
            precision: Precision::Day,
        },
        note: None,
    })
}

/// Excel serial to date; time of day ignored. 1900 system: serial > 60 → 1899-12-30 + serial
/// (45504 = 2024-07-31), serials 1..=59 → 1899-12-31 + serial, 60 (the fake 1900-02-29) → None;
/// 1904 system: 1904-01-01 + serial. Out of range (< 1 or > 2958465, NaN) → None.
pub fn serial_to_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    if !serial.is_finite() || serial < 1.0 {
        return None;
    }
    let whole = serial.trunc();
    if whole > SERIAL_MAX {
        return None;
    }
    // 1..=2958465 after the checks above, so the cast is exact.
    let days = whole as u64;
    let date = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_days(Days::new(days))?
    } else if days == 60 {
        return None;
    } else if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?.checked_add_days(Days::new(days))?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(days))?
    };
    // The 1904 system would otherwise run four years past Excel's own last day.
    (date.year() <= 9999).then_some(date)
}

/// The fractional part as the (at most two) decimals Excel shows: `.07` → (7, false),
/// `.3` → (3, true) where `true` says a trailing zero may have been dropped (`.30`).
/// None when more decimals are present, which no year.month or month.day number has.
fn two_decimals(frac: f64) -> Option<(u32, bool)> {
    let hundredths = frac * 100.0;
    let rounded = hundredths.round();
    if (hundredths - rounded).abs() > 1e-6 || !(1.0..=99.0).contains(&rounded) {
        return None;
    }
    // 1..=99 after the check above, so the cast is exact.
    let h = rounded as u32;
    Some(if h.is_multiple_of(10) {
        (h / 10, true)
    } else {
        (h, false)
    })
}
