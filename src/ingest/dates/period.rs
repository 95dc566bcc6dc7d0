//! Months: a 报送月份 cell (`2024年8月`, `202408`, `8月`) and a month written inside a file
//! or folder name (`光明村2024年8月台账`), where a full date or two months give none.

use chrono::Datelike;

use super::cursor::{Cursor, Num, fold};
use super::text::{DAY_UNITS, eat_range_sep, parse_full, year_of};
use super::{YEAR_MAX, YEAR_MIN};
use crate::model::dates::{Precision, YearMonth};

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

fn year_month(year: i32, month: u32) -> Option<YearMonth> {
    ((YEAR_MIN..=YEAR_MAX).contains(&year) && (1..=12).contains(&month))
        .then_some(YearMonth { year, month })
}

fn digits_value(chars: &[char]) -> u32 {
    chars.iter().fold(0u32, |acc, c| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(c.to_digit(10).unwrap_or(0)))
            .unwrap_or(u32::MAX)
    })
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
