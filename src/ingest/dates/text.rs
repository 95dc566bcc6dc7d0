//! A date written as text: the date itself (`2024年7月31日`, `2024.7.31`, `7.31`, `20240731`)
//! and what may follow it in the cell (a range, a time of day, a weekday, a bracketed remark).

use chrono::{Datelike, NaiveDate};

use super::cursor::{Cursor, Num, fold};
use super::{DateNote, ParsedDate, YEAR_MAX, YEAR_MIN};
use crate::model::dates::{PDate, Precision};

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

// ---------------------------------------------------------------------------------------------
// Date grammar
// ---------------------------------------------------------------------------------------------

/// A date's parts before validation; `day: None` is month precision.
#[derive(Debug, Clone, Copy)]
pub(super) struct Raw {
    pub(super) year: Option<i32>,
    pub(super) month: u32,
    pub(super) day: Option<u32>,
}

pub(super) struct Full {
    pub(super) value: PDate,
    pub(super) note: Option<DateNote>,
    /// The last date of a range, when the cell held one.
    pub(super) end: Option<PDate>,
}

const DATE_SEPS: [char; 4] = ['.', '/', '-', '。'];
pub(super) const DAY_UNITS: [char; 2] = ['日', '号'];

#[inline]
pub(super) fn parse_full(chars: &[char], campaign_year: i32) -> Option<Full> {
    let mut cur = Cursor::new(chars);
    let raw = date_prefix(&mut cur)?;
    let (value, note) = finish(raw, campaign_year)?;
    let end = tail(&mut cur, value)?;
    Some(Full { value, note, end })
}

/// Validates parts into a date, filling a missing year from the campaign.
#[inline]
pub(super) fn finish(raw: Raw, campaign_year: i32) -> Option<(PDate, Option<DateNote>)> {
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
#[inline]
pub(super) fn year_of(n: Num) -> Option<i32> {
    match n.digits {
        4 => i32::try_from(n.value).ok(),
        2 => i32::try_from(n.value).ok().map(|v| 2000 + v),
        _ => None,
    }
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

#[inline]
pub(super) fn eat_range_sep(cur: &mut Cursor) -> bool {
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
