//! 整改时限: a date, `X月底前`, `年底前`, 立行立改 or 长期坚持, with the words around a
//! deadline that do not change it stripped first.

use chrono::{Datelike, NaiveDate};

use super::cursor::{Cursor, fold};
use super::text::{parse_full, year_of};
use super::{DateNote, YEAR_MAX, YEAR_MIN};
use crate::model::dates::{Deadline, Precision};

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
