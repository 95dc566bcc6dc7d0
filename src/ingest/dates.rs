//! Dates as party branches actually write them (SPEC §3, §6; DOMAIN §3).
//!
//! Every function here is total: whatever a cell holds, the answer is a value or `None`,
//! never a panic, because these run on every cell of files nobody here controls. Parsing is
//! a small hand-written cursor over `char`s (after NFKC), not regex, so that each accepted
//! form is visible in one place and nothing is sliced by byte offset.

use chrono::{Datelike, Days, NaiveDate};

use crate::model::dates::{Deadline, PDate, Precision, YearMonth};

/// Something about how a date was written that the branch should know (becomes a D003 note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateNote {
    /// `7月31日`, `7.31`: no year, the campaign year was assumed.
    YearAssumed,
    /// `2005.1` as a number: Excel turned `2005.10` into `2005.1`; month read as 1 but may be 10.
    MonthMaybeTen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub value: PDate,
    pub note: Option<DateNote>,
}

/// Years outside this window are typing mistakes in a party return, not dates: nobody alive
/// joined or was born before 1900, and no campaign runs past 2100. Rejecting them turns a typo
/// into a D002 the branch must fix instead of a silently absurd date.
const YEAR_MIN: i32 = 1900;
const YEAR_MAX: i32 = 2100;
/// Excel's largest serial, 9999-12-31.
const SERIAL_MAX: f64 = 2_958_465.0;
/// Smallest plain number read as a serial by `parse_date_number`. Below it lies Excel's
/// 1900 leap-year bug and nothing any return is dated in; a bare `7` or `31` in an
/// unformatted date cell is a day or month typed alone, not 1900-01-31.
const SERIAL_MIN_PLAIN: f64 = 61.0;

// ---------------------------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------------------------

/// Text in a date cell. Does its own NFKC folding and trimming.
///
/// The date must start the cell; after it only a time of day, a weekday, a bracketed remark,
/// the rest of a range (the first date is taken) or trailing punctuation may follow.
pub fn parse_date_text(s: &str, campaign_year: i32) -> Option<ParsedDate> {
    let chars = fold(s);
    let full = parse_full(&chars, campaign_year)?;
    Some(ParsedDate {
        value: full.value,
        note: full.note,
    })
}

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

/// 整改时限 (SPEC §3.2): a date, `X月底前` (end of month X of the campaign year; X may be in
/// Chinese numerals; also `2024年9月底前`, `9月底`, `年底前` = Dec 31), `立行立改` (AtOnce),
/// `长期坚持` (also `长期`, `持续推进`, `常态化` → Ongoing), or any date form above (a date with
/// `前` after it such as `9月30日前` is that date).
///
/// Decisions: a month without a day (`2024年9月`, `9月前`) is the end of that month; a range
/// is due at its end; `上旬`/`中旬`/`下旬` are the 10th/20th/last day; text naming both
/// (`立行立改并长期坚持`) is Ongoing. Only a date that lacked its year carries a note: `X月底前`
/// means the campaign year by definition.
pub fn parse_deadline_text(s: &str, campaign_year: i32) -> Option<(Deadline, Option<DateNote>)> {
    let chars = fold(s);
    let compact: String = chars.iter().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    // Long-term wins over "at once" when both are written: such an item is never closed by
    // a single date, so flagging it overdue (T800) would be wrong.
    if ONGOING_WORDS.iter().any(|w| compact.contains(w)) {
        return Some((Deadline::Ongoing, None));
    }
    if AT_ONCE_WORDS.iter().any(|w| compact.starts_with(w)) {
        return Some((Deadline::AtOnce, None));
    }
    let core = strip_deadline_affixes(&chars);
    let core_compact: Vec<char> = core
        .iter()
        .copied()
        .filter(|c| !c.is_whitespace())
        .collect();
    if let Some(date) = month_end_form(&core_compact, campaign_year) {
        return Some((Deadline::Date(date), None));
    }
    let full = parse_full(core, campaign_year)?;
    let due = full.end.unwrap_or(full.value);
    let date = match due.precision {
        Precision::Day => due.date,
        Precision::Month => last_day_of_month(due.date.year(), due.date.month())?,
    };
    Some((Deadline::Date(date), full.note))
}

/// A 报送月份 cell's text: `2024-08`, `2024年8月`, `2024年08月`, `202408`, `2024.8`, `2024/08`,
/// `2024年8月份`; a bare `8月` → campaign year. None when not a month (a full date is not).
pub fn parse_period_text(s: &str, campaign_year: i32) -> Option<YearMonth> {
    let chars = fold(s);
    if let Some(month) = bare_month(&chars) {
        return Some(YearMonth {
            year: campaign_year,
            month,
        });
    }
    if chars.len() == 6 && chars.iter().all(char::is_ascii_digit) {
        let v = digits_value(&chars);
        return year_month((v / 100) as i32, v % 100);
    }
    let full = parse_full(&chars, campaign_year)?;
    if full.value.precision != Precision::Month || full.end.is_some() {
        return None;
    }
    year_month(full.value.date.year(), full.value.date.month())
}

/// A month written inside a file or folder name such as `光明村2024年8月台账`, `2024-08`,
/// `202408_光明村`, `8月台账` (→ campaign year). Must NOT take a full date (`20240805`,
/// `2024年8月5日报`) or a bare year as a month; when several months appear, None (ambiguous).
///
/// A bare month after a year written elsewhere in the name takes that year (`2024年度8月`).
/// Chinese-numeral months count only after a year (`二〇二四年八月`), because place names
/// such as 三月街 contain them.
pub fn find_period_in_name(s: &str, campaign_year: i32) -> Option<YearMonth> {
    let chars = fold(s);
    let mut found: Vec<YearMonth> = Vec::new();
    let mut context_year: Option<i32> = None;
    let mut cur = Cursor::new(&chars);
    while !cur.at_end() {
        let start = cur.pos;
        let Some(first) = cur.number() else {
            cur.bump();
            continue;
        };
        if first.chinese {
            // Only a positional Chinese year followed by 年 is trusted in a name.
            if first.digits == 4 && cur.peek() == Some('年') {
                cur.bump();
                let year = first.value as i32;
                name_month_after_year(&mut cur, year, &mut found, &mut context_year);
            }
            continue;
        }
        match first.digits {
            8 => {} // YYYYMMDD: a date, never a month.
            6 => {
                if let Some(ym) = year_month((first.value / 100) as i32, first.value % 100) {
                    found.push(ym);
                }
            }
            4 | 2 if cur.peek() == Some('年') => {
                cur.bump();
                let year = year_of(first).unwrap_or(i32::MIN);
                name_month_after_year(&mut cur, year, &mut found, &mut context_year);
            }
            4 => {
                let year = first.value as i32;
                if !(YEAR_MIN..=YEAR_MAX).contains(&year) {
                    continue;
                }
                context_year = Some(year);
                let after_year = cur.pos;
                if let Some(sep) = cur.eat_any(&['-', '.', '_'])
                    && let Some(m) = cur.number().filter(|m| !m.chinese && m.digits <= 2)
                {
                    if cur.peek() == Some('月') {
                        name_month_tail(&mut cur, year, m, &mut found);
                        continue;
                    }
                    let save = cur.pos;
                    if cur.eat(sep) && cur.number().is_some_and(|d| !d.chinese) {
                        // `2024-08-05`: a full date, not a month. Its day stays consumed so
                        // that it is not read again as a month of its own.
                        continue;
                    }
                    cur.pos = save;
                    if eat_range_sep(&mut cur)
                        && let Some(m2) = cur.number().filter(|n| !n.chinese && n.digits <= 2)
                    {
                        // `2024.10-11月`: a span of months, which is no single period.
                        cur.eat('月');
                        found.extend(year_month(year, m.value));
                        found.extend(year_month(year, m2.value));
                        continue;
                    }
                    cur.pos = save;
                    found.extend(year_month(year, m.value));
                    continue;
                }
                cur.pos = after_year;
            }
            1 | 2 => {
                let year = context_year.unwrap_or(campaign_year);
                name_month_tail(&mut cur, year, first, &mut found);
            }
            _ => {}
        }
        // Guarantee progress whatever the branch above did.
        if cur.pos <= start {
            cur.pos = start + 1;
        }
    }
    let first = *found.first()?;
    found.iter().all(|ym| *ym == first).then_some(first)
}

// ---------------------------------------------------------------------------------------------
// Folding and the cursor
// ---------------------------------------------------------------------------------------------

/// NFKC (full-width digits and punctuation to ASCII), then trim white space and the invisible
/// characters Excel and WeChat copy-paste leave around values.
fn fold(s: &str) -> Vec<char> {
    crate::text::nfkc(s)
        .trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
        .chars()
        .collect()
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

/// A number as written: ASCII digits, or Chinese numerals (`二〇二四`, `三十一`).
#[derive(Debug, Clone, Copy)]
struct Num {
    /// Saturates at `u32::MAX` for absurdly long digit runs, which every check then rejects.
    value: u32,
    /// Digits as written; a tens-form Chinese numeral (`三十一`) counts as 2.
    digits: usize,
    chinese: bool,
}

struct Cursor<'a> {
    chars: &'a [char],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(chars: &'a [char]) -> Self {
        Cursor { chars, pos: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn bump(&mut self) {
        if self.pos < self.chars.len() {
            self.pos += 1;
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn rest(&self) -> &'a [char] {
        self.chars.get(self.pos..).unwrap_or(&[])
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_any(&mut self, set: &[char]) -> Option<char> {
        let c = self.peek().filter(|c| set.contains(c))?;
        self.pos += 1;
        Some(c)
    }

    fn eat_str(&mut self, s: &str) -> bool {
        let mut k = 0;
        for c in s.chars() {
            if self.peek_at(k) != Some(c) {
                return false;
            }
            k += 1;
        }
        self.pos += k;
        true
    }

    fn eat_any_str(&mut self, words: &[&str]) -> bool {
        words.iter().any(|w| self.eat_str(w))
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn number(&mut self) -> Option<Num> {
        let start = self.pos;
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let mut value: u32 = 0;
            let mut digits = 0;
            while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(d))
                    .unwrap_or(u32::MAX);
                digits += 1;
                self.pos += 1;
            }
            return Some(Num {
                value,
                digits,
                chinese: false,
            });
        }
        while self.peek().is_some_and(is_cn_numeral) {
            self.pos += 1;
        }
        let run = self.chars.get(start..self.pos).unwrap_or(&[]);
        match cn_value(run) {
            Some((value, digits)) => Some(Num {
                value,
                digits,
                chinese: true,
            }),
            None => {
                self.pos = start;
                None
            }
        }
    }

    /// A month number, also `元` as in 元月 (January).
    fn month_number(&mut self) -> Option<Num> {
        if self.peek() == Some('元') && self.peek_at(1) == Some('月') {
            self.pos += 1;
            return Some(Num {
                value: 1,
                digits: 1,
                chinese: true,
            });
        }
        self.number()
    }
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        // ○ (U+25CB) is what most input methods offer for 〇.
        '〇' | '○' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || matches!(c, '十' | '廿' | '卅')
}

/// Value of a run of Chinese numerals: positional (`二〇二四`) or tens form (`三十一`, `廿五`).
fn cn_value(run: &[char]) -> Option<(u32, usize)> {
    if run.is_empty() {
        return None;
    }
    let Some(tens_at) = run.iter().position(|&c| matches!(c, '十' | '廿' | '卅')) else {
        let mut value: u32 = 0;
        for &c in run {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(cn_digit(c).unwrap_or(0)))
                .unwrap_or(u32::MAX);
        }
        return Some((value, run.len()));
    };
    let marker = *run.get(tens_at)?;
    let tens = match (marker, tens_at) {
        ('十', 0) => 1,
        ('十', 1) => cn_digit(*run.first()?).filter(|d| *d > 0)?,
        ('廿', 0) => 2,
        ('卅', 0) => 3,
        _ => return None,
    };
    let units = match run.get(tens_at + 1..)? {
        [] => 0,
        [c] => cn_digit(*c).filter(|d| *d > 0)?,
        _ => return None,
    };
    Some((tens * 10 + units, 2))
}

fn digits_value(chars: &[char]) -> u32 {
    chars.iter().fold(0u32, |acc, c| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(c.to_digit(10).unwrap_or(0)))
            .unwrap_or(u32::MAX)
    })
}

// ---------------------------------------------------------------------------------------------
// Date grammar
// ---------------------------------------------------------------------------------------------

/// A date's parts before validation; `day: None` is month precision.
#[derive(Debug, Clone, Copy)]
struct Raw {
    year: Option<i32>,
    month: u32,
    day: Option<u32>,
}

struct Full {
    value: PDate,
    note: Option<DateNote>,
    /// The last date of a range, when the cell held one.
    end: Option<PDate>,
}

const DATE_SEPS: [char; 4] = ['.', '/', '-', '。'];
const DAY_UNITS: [char; 2] = ['日', '号'];

fn parse_full(chars: &[char], campaign_year: i32) -> Option<Full> {
    let mut cur = Cursor::new(chars);
    let raw = date_prefix(&mut cur)?;
    let (value, note) = finish(raw, campaign_year)?;
    let end = tail(&mut cur, value)?;
    Some(Full { value, note, end })
}

/// Validates parts into a date, filling a missing year from the campaign.
fn finish(raw: Raw, campaign_year: i32) -> Option<(PDate, Option<DateNote>)> {
    let (year, note) = match raw.year {
        Some(y) => (y, None),
        None => (campaign_year, Some(DateNote::YearAssumed)),
    };
    if !(YEAR_MIN..=YEAR_MAX).contains(&year) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, raw.month, raw.day.unwrap_or(1))?;
    let precision = if raw.day.is_some() {
        Precision::Day
    } else {
        Precision::Month
    };
    Some((PDate { date, precision }, note))
}

/// 4 digits are a year as written, 2 digits are 20YY (SPEC §3: `24.7.31`).
fn year_of(n: Num) -> Option<i32> {
    match n.digits {
        4 => i32::try_from(n.value).ok(),
        2 => i32::try_from(n.value).ok().map(|v| 2000 + v),
        _ => None,
    }
}

fn year_month(year: i32, month: u32) -> Option<YearMonth> {
    ((YEAR_MIN..=YEAR_MAX).contains(&year) && (1..=12).contains(&month))
        .then_some(YearMonth { year, month })
}

/// The date at the start of the cursor; leaves the cursor untouched when there is none.
fn date_prefix(cur: &mut Cursor) -> Option<Raw> {
    let start = cur.pos;
    let found = date_prefix_inner(cur);
    if found.is_none() {
        cur.pos = start;
    }
    found
}

fn date_prefix_inner(cur: &mut Cursor) -> Option<Raw> {
    let first = cur.month_number()?;
    let after_first = cur.pos;
    cur.skip_ws();
    match cur.peek() {
        Some('年') => {
            cur.bump();
            let year = year_of(first)?;
            cur.skip_ws();
            let month = cur.month_number()?;
            cur.skip_ws();
            if !cur.eat('月') {
                return None;
            }
            Some(day_after_month(cur, Some(year), month.value))
        }
        Some('月') => {
            cur.bump();
            let raw = day_after_month(cur, None, first.value);
            // A month with neither year nor day is not a date.
            raw.day.is_some().then_some(raw)
        }
        Some(c) if DATE_SEPS.contains(&c) && !first.chinese => {
            cur.bump();
            numeric_form(cur, first, c)
        }
        _ => {
            cur.pos = after_first;
            if first.chinese || first.digits != 8 {
                return None;
            }
            let v = first.value;
            Some(Raw {
                year: Some((v / 10_000) as i32),
                month: (v / 100) % 100,
                day: Some(v % 100),
            })
        }
    }
}

/// After `…月`: an optional day (`31日`, `31号`, or a bare `31`).
fn day_after_month(cur: &mut Cursor, year: Option<i32>, month: u32) -> Raw {
    let save = cur.pos;
    cur.skip_ws();
    if let Some(d) = cur.number().filter(|d| d.digits <= 2) {
        let after_day = cur.pos;
        cur.skip_ws();
        if cur.eat_any(&DAY_UNITS).is_none() {
            cur.pos = after_day;
        }
        return Raw {
            year,
            month,
            day: Some(d.value),
        };
    }
    cur.pos = save;
    Raw {
        year,
        month,
        day: None,
    }
}

/// `2024.7.31`, `24/7/31`, `2024-07`, `7.31`; the separator must not change mid-date.
fn numeric_form(cur: &mut Cursor, first: Num, sep: char) -> Option<Raw> {
    cur.skip_ws();
    let second = cur.number().filter(|n| !n.chinese && n.digits <= 2)?;
    let after_second = cur.pos;
    cur.skip_ws();
    if cur.eat(sep) {
        cur.skip_ws();
        if let Some(third) = cur.number().filter(|n| !n.chinese && n.digits <= 2) {
            // Three numbers: only year-month-day is meaningful.
            return Some(Raw {
                year: Some(year_of(first)?),
                month: second.value,
                day: Some(third.value),
            });
        }
    }
    cur.pos = after_second;
    match first.digits {
        4 => Some(Raw {
            year: i32::try_from(first.value).ok(),
            month: second.value,
            day: None,
        }),
        1 | 2 => Some(Raw {
            year: None,
            month: first.value,
            day: Some(second.value),
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// What may follow a date
// ---------------------------------------------------------------------------------------------

const RANGE_DASHES: [char; 8] = ['-', '~', '〜', '—', '–', '―', '‐', '−'];
const DAY_PERIODS: [&str; 15] = [
    "上午", "下午", "中午", "晚上", "早上", "凌晨", "傍晚", "夜间", "夜里", "全天", "白天", "午后",
    "晚", "早", "午",
];
const TRAILING_PUNCT: [char; 8] = ['.', '。', ',', ';', '、', '!', '?', ':'];

/// Checks the rest of the cell after a date; `Some(end)` when acceptable, where `end` is the
/// last date of a range if there was one.
fn tail(cur: &mut Cursor, start: PDate) -> Option<Option<PDate>> {
    let mut end: Option<PDate> = None;
    loop {
        cur.skip_ws();
        if cur.at_end() {
            return Some(end);
        }
        if start.precision == Precision::Day && (clock_phrase(cur) || weekday(cur)) {
            continue;
        }
        if start.precision == Precision::Month && cur.eat('份') {
            continue;
        }
        if bracketed(cur) {
            continue;
        }
        if end.is_none() {
            match range_end(cur, start) {
                RangeEnd::NotRange => {}
                RangeEnd::Bad => return None,
                RangeEnd::End(e) => {
                    end = Some(e);
                    continue;
                }
            }
        }
        let rest_is_punct = cur
            .rest()
            .iter()
            .all(|c| TRAILING_PUNCT.contains(c) || c.is_whitespace());
        return rest_is_punct.then_some(end);
    }
}

enum RangeEnd {
    NotRange,
    Bad,
    End(PDate),
}

fn eat_range_sep(cur: &mut Cursor) -> bool {
    if cur.eat_any(&['至', '到']).is_some() {
        return true;
    }
    let mut any = false;
    while cur.eat_any(&RANGE_DASHES).is_some() {
        any = true;
    }
    any
}

/// `-31日`, `至31日`, `-7.31`, `~8月2日`, `-2024.8.2`: the range's end, completed from its start.
fn range_end(cur: &mut Cursor, start: PDate) -> RangeEnd {
    let save = cur.pos;
    if !eat_range_sep(cur) {
        cur.pos = save;
        return RangeEnd::NotRange;
    }
    cur.skip_ws();
    if let Some(raw) = date_prefix(cur) {
        let raw = Raw {
            year: Some(raw.year.unwrap_or(start.date.year())),
            ..raw
        };
        return match finish(raw, start.date.year()) {
            Some((end, _)) => RangeEnd::End(end),
            None => RangeEnd::Bad,
        };
    }
    let Some(n) = cur.number().filter(|n| n.digits <= 2) else {
        return RangeEnd::Bad;
    };
    cur.skip_ws();
    let raw = match start.precision {
        Precision::Day => {
            cur.eat_any(&DAY_UNITS);
            Raw {
                year: Some(start.date.year()),
                month: start.date.month(),
                day: Some(n.value),
            }
        }
        Precision::Month => {
            cur.eat('月');
            Raw {
                year: Some(start.date.year()),
                month: n.value,
                day: None,
            }
        }
    };
    match finish(raw, start.date.year()) {
        Some((end, _)) => RangeEnd::End(end),
        None => RangeEnd::Bad,
    }
}

/// `上午`, ` 9:00`, `T09:30:00`, `00:00:00.000`, `下午3点半`, `9:00-11:30`.
fn clock_phrase(cur: &mut Cursor) -> bool {
    let period = cur.eat_any_str(&DAY_PERIODS);
    cur.skip_ws();
    let time = clock(cur);
    if time {
        let save = cur.pos;
        cur.skip_ws();
        let ranged = eat_range_sep(cur) && {
            cur.skip_ws();
            cur.eat_any_str(&DAY_PERIODS);
            cur.skip_ws();
            clock(cur)
        };
        if !ranged {
            cur.pos = save;
        }
    }
    period || time
}

fn clock(cur: &mut Cursor) -> bool {
    let save = cur.pos;
    if cur.peek() == Some('T') && cur.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
        cur.bump();
    }
    let ok = clock_inner(cur);
    if !ok {
        cur.pos = save;
    }
    ok
}

fn clock_inner(cur: &mut Cursor) -> bool {
    if cur
        .number()
        .filter(|h| h.digits <= 2 && h.value <= 24)
        .is_none()
    {
        return false;
    }
    let two_digits = |cur: &mut Cursor, max: u32| {
        cur.number()
            .is_some_and(|n| !n.chinese && n.digits == 2 && n.value <= max)
    };
    if cur.eat(':') {
        if !two_digits(cur, 59) {
            return false;
        }
        if cur.eat(':') {
            if !two_digits(cur, 60) {
                return false;
            }
            if cur.eat('.') {
                while cur.peek().is_some_and(|c| c.is_ascii_digit()) {
                    cur.bump();
                }
            }
        }
        // ISO time zone, as some exporters write it; a `-` offset would read as a range.
        if !cur.eat('Z')
            && cur.peek() == Some('+')
            && cur.peek_at(1).is_some_and(|c| c.is_ascii_digit())
        {
            cur.bump();
            let _ = cur.number();
            if cur.eat(':') {
                let _ = cur.number();
            }
        }
        return true;
    }
    if cur.eat_any(&['点', '时']).is_some() {
        if cur.eat('半') || cur.eat('整') {
            return true;
        }
        let save = cur.pos;
        if cur.number().is_some_and(|m| m.digits <= 2 && m.value <= 59) {
            cur.eat('分');
        } else {
            cur.pos = save;
        }
        return true;
    }
    false
}

/// `星期三`, `周三`, `礼拜天`.
fn weekday(cur: &mut Cursor) -> bool {
    let save = cur.pos;
    if cur.eat_any_str(&["星期", "礼拜", "周"])
        && cur
            .eat_any(&['一', '二', '三', '四', '五', '六', '日', '天', '七'])
            .is_some()
    {
        return true;
    }
    cur.pos = save;
    false
}

/// A bracketed remark, `（星期三）`, `(补录)`, `【上午】`: the date before it stands.
fn bracketed(cur: &mut Cursor) -> bool {
    const PAIRS: [(char, char); 4] = [('(', ')'), ('[', ']'), ('【', '】'), ('〔', '〕')];
    let Some(open) = cur.peek() else {
        return false;
    };
    let Some(&(_, close)) = PAIRS.iter().find(|(o, _)| *o == open) else {
        return false;
    };
    match cur.rest().iter().skip(1).position(|&c| c == close) {
        Some(k) => {
            cur.pos += k + 2;
            true
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers, deadlines, months
// ---------------------------------------------------------------------------------------------

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

const ONGOING_WORDS: [&str; 3] = ["长期", "持续", "常态"];
const AT_ONCE_WORDS: [&str; 7] = [
    "立行立改",
    "立即",
    "即知即改",
    "即行即改",
    "马上",
    "立改",
    "当即",
];

/// Drops the words around a deadline that do not change it: `截至…`, `…前`, `…之前完成`.
fn strip_deadline_affixes(chars: &[char]) -> &[char] {
    const PREFIXES: [&str; 4] = ["截止", "截至", "于", "在"];
    const SUFFIXES: [&str; 10] = [
        "整改到位",
        "整改完成",
        "完成整改",
        "到位",
        "完成",
        "之前",
        "以前",
        "为止",
        "前",
        "止",
    ];
    let mut s = chars;
    for p in PREFIXES {
        let p: Vec<char> = p.chars().collect();
        if let Some(rest) = s.strip_prefix(p.as_slice()) {
            s = trim_ws(rest);
            break;
        }
    }
    'outer: loop {
        for suffix in SUFFIXES {
            let suffix: Vec<char> = suffix.chars().collect();
            if let Some(rest) = s.strip_suffix(suffix.as_slice())
                && !rest.is_empty()
            {
                s = trim_ws(rest);
                continue 'outer;
            }
        }
        return s;
    }
}

fn trim_ws(s: &[char]) -> &[char] {
    let start = s.iter().position(|c| !c.is_whitespace()).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(start, |e| e + 1);
    s.get(start..end).unwrap_or(&[])
}

/// `9月底`, `九月底`, `2024年9月`, `9月中旬`, `年底`, `2024年底`; the core with 前 removed.
fn month_end_form(chars: &[char], campaign_year: i32) -> Option<NaiveDate> {
    let mut cur = Cursor::new(chars);
    let mut year = campaign_year;
    if cur.eat_any_str(&["今年", "本年", "当年"]) {
        // The campaign's own year, said in words.
        cur.eat('度');
        if let Some(d) = year_end(&mut cur, year) {
            return Some(d);
        }
    } else if cur.eat_any_str(&["年底", "年末", "年内", "年度内"]) {
        return cur
            .at_end()
            .then(|| NaiveDate::from_ymd_opt(year, 12, 31))
            .flatten();
    } else if let Some(n) = cur.number()
        && cur.eat('年')
    {
        year = year_of(n)?;
        cur.eat('度');
        if let Some(d) = year_end(&mut cur, year) {
            return Some(d);
        }
    } else {
        cur.pos = 0;
    }
    if !(YEAR_MIN..=YEAR_MAX).contains(&year) {
        return None;
    }
    let month = cur.month_number().filter(|m| m.digits <= 2)?.value;
    if !cur.eat('月') {
        return None;
    }
    let day = match cur.rest() {
        [] | ['底'] | ['末'] | ['份'] | ['内'] | ['下', '旬'] | ['份', '底'] => None,
        ['上', '旬'] => Some(10),
        ['中', '旬'] => Some(20),
        _ => return None,
    };
    match day {
        Some(d) => NaiveDate::from_ymd_opt(year, month, d),
        None => last_day_of_month(year, month),
    }
}

/// After a year: `底`, `末`, `年底`, `内` → Dec 31 of it.
fn year_end(cur: &mut Cursor, year: i32) -> Option<NaiveDate> {
    let save = cur.pos;
    if cur.eat_any_str(&["年底", "年末", "底", "末", "内"]) && cur.at_end() {
        if !(YEAR_MIN..=YEAR_MAX).contains(&year) {
            return None;
        }
        return NaiveDate::from_ymd_opt(year, 12, 31);
    }
    cur.pos = save;
    None
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month.checked_add(1)?)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// `8月`, `08月份`, `八月`: a month with nothing else.
fn bare_month(chars: &[char]) -> Option<u32> {
    let mut cur = Cursor::new(chars);
    let m = cur.month_number().filter(|m| m.digits <= 2)?;
    cur.skip_ws();
    if !cur.eat('月') {
        return None;
    }
    cur.eat('份');
    cur.skip_ws();
    (cur.at_end() && (1..=12).contains(&m.value)).then_some(m.value)
}

/// In a name, after `2024年`: `8月` (not `8月5日`), `1-3月` (two months), or nothing.
fn name_month_after_year(
    cur: &mut Cursor,
    year: i32,
    found: &mut Vec<YearMonth>,
    context_year: &mut Option<i32>,
) {
    if (YEAR_MIN..=YEAR_MAX).contains(&year) {
        *context_year = Some(year);
    }
    cur.eat('度');
    let save = cur.pos;
    let Some(m) = cur.month_number().filter(|m| m.digits <= 2) else {
        cur.pos = save;
        return;
    };
    name_month_tail(cur, year, m, found);
}

/// After a month number in a name: `月` then no day (`8月`, not `8月5日`) is a month;
/// `1-3月` is a span, recorded as both ends so that the name reads as ambiguous.
fn name_month_tail(cur: &mut Cursor, year: i32, m: Num, found: &mut Vec<YearMonth>) {
    if cur.eat('月') {
        if !day_follows(cur)
            && let Some(ym) = year_month(year, m.value)
        {
            found.push(ym);
        }
        return;
    }
    let save = cur.pos;
    if eat_range_sep(cur)
        && let Some(m2) = cur.month_number().filter(|n| n.digits <= 2)
        && cur.eat('月')
    {
        for v in [m.value, m2.value] {
            if let Some(ym) = year_month(year, v) {
                found.push(ym);
            }
        }
        return;
    }
    cur.pos = save;
}

/// Whether a day follows a month (`8月5日`, `八月五日`), making it a date. Consumes nothing.
fn day_follows(cur: &mut Cursor) -> bool {
    let save = cur.pos;
    let follows = match cur.number() {
        Some(n) if !n.chinese => true,
        Some(_) => cur.peek().is_some_and(|c| DAY_UNITS.contains(&c)),
        None => false,
    };
    cur.pos = save;
    follows
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
