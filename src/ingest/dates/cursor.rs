//! The char cursor the date grammar walks with, and the numbers it reads: ASCII digits or
//! Chinese numerals; also the folding (NFKC, trimming) every entry point starts with.

/// NFKC (full-width digits and punctuation to ASCII), then trim white space and the invisible
/// characters Excel and WeChat copy-paste leave around values.
#[inline]
pub(super) fn fold(s: &str) -> Vec<char> {
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
pub(super) struct Num {
    /// Saturates at `u32::MAX` for absurdly long digit runs, which every check then rejects.
    pub(super) value: u32,
    /// Digits as written; a tens-form Chinese numeral (`三十一`) counts as 2.
    pub(super) digits: usize,
    pub(super) chinese: bool,
}

pub(super) struct Cursor<'a> {
    chars: &'a [char],
    pub(super) pos: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    pub(super) fn new(chars: &'a [char]) -> Self {
        Cursor { chars, pos: 0 }
    }

    #[inline]
    pub(super) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    #[inline]
    pub(super) fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    #[inline]
    pub(super) fn bump(&mut self) {
        if self.pos < self.chars.len() {
            self.pos += 1;
        }
    }

    #[inline]
    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    #[inline]
    pub(super) fn rest(&self) -> &'a [char] {
        self.chars.get(self.pos..).unwrap_or(&[])
    }

    #[inline]
    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    pub(super) fn eat_any(&mut self, set: &[char]) -> Option<char> {
        let c = self.peek().filter(|c| set.contains(c))?;
        self.pos += 1;
        Some(c)
    }

    #[inline]
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

    #[inline]
    pub(super) fn eat_any_str(&mut self, words: &[&str]) -> bool {
        words.iter().any(|w| self.eat_str(w))
    }

    #[inline]
    pub(super) fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    #[inline]
    pub(super) fn number(&mut self) -> Option<Num> {
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
    #[inline]
    pub(super) fn month_number(&mut self) -> Option<Num> {
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

#[inline]
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

#[inline]
fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || matches!(c, '十' | '廿' | '卅')
}

/// Value of a run of Chinese numerals: positional (`二〇二四`) or tens form (`三十一`, `廿五`).
#[inline]
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
