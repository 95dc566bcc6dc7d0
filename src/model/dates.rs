//! Dates as the model holds them: a day or a month as written, a 整改时限, a reporting month,
//! and the one way they are printed (`2024-07-31`). Reading them from cells is `ingest::dates`.

use chrono::NaiveDate;
use compact_str::CompactString;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Month,
    Day,
}

/// A date as written: month-precision values carry the 1st of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PDate {
    pub date: NaiveDate,
    pub precision: Precision,
}

/// 整改时限 (SPEC §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    Date(NaiveDate),
    /// 立行立改: due at once, i.e. by the 整改清单's own deadline.
    AtOnce,
    /// 长期坚持 and the like: never overdue (no T800).
    Ongoing,
}

/// A reporting month (报送月份).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}年{}月", self.year, self.month)
    }
}

impl PDate {
    /// `2024-07-31`, or `2024-07` for a month.
    pub fn iso(&self) -> String {
        match self.precision {
            Precision::Day => iso_date_text(self.date),
            Precision::Month => self.date.format("%Y-%m").to_string(),
        }
    }
}

impl Deadline {
    /// As the summary and the archive print it.
    pub fn text(&self) -> String {
        match self {
            Deadline::Date(d) => iso_date_text(*d),
            Deadline::AtOnce => "立行立改".to_string(),
            Deadline::Ongoing => "长期坚持".to_string(),
        }
    }
}

/// `2024-07-31`: what chrono's `%Y-%m-%d` prints, without parsing a format string for each of
/// the half million date cells of a county (it showed in the profile).
pub fn iso_date_text(d: NaiveDate) -> String {
    iso_date_compact(d).into_string()
}

/// [`iso_date_text`] held inline.
pub fn iso_date_compact(d: NaiveDate) -> CompactString {
    use chrono::Datelike;
    if (0..=9999).contains(&d.year()) {
        let (y, m, day) = (d.year() as u32, d.month(), d.day());
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let text = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(day / 10),
            digit(day),
        ];
        // Ten ASCII bytes, inline.
        CompactString::from_utf8(text).unwrap_or_default()
    } else {
        compact_str::format_compact!("{}", d.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_date_inline_is_chronos_text() {
        for (y, m, d) in [
            (2024, 7, 31),
            (1, 1, 1),
            (9999, 12, 31),
            (1900, 2, 28),
            (-5, 3, 4),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_date_compact(date), date.format("%Y-%m-%d").to_string());
            assert_eq!(iso_date_text(date), date.format("%Y-%m-%d").to_string());
        }
    }

    #[test]
    fn iso_date_text_prints_what_chrono_prints() {
        let mut d = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap();
        while d < NaiveDate::from_ymd_opt(2101, 1, 10).unwrap() {
            assert_eq!(iso_date_text(d), d.format("%Y-%m-%d").to_string());
            d += chrono::TimeDelta::days(13);
        }
        for (y, m, dd) in [
            (1, 1, 1),
            (999, 2, 3),
            (9999, 12, 31),
            (-5, 6, 7),
            (10_000, 1, 1),
        ] {
            let d = NaiveDate::from_ymd_opt(y, m, dd).unwrap();
            assert_eq!(iso_date_text(d), d.format("%Y-%m-%d").to_string());
        }
    }
}
