//! Property tests of the reader (SPEC §3, §6; DOMAIN.md §3–§4). Random branch data — a
//! roster, meetings, talks, problems, rectifications and results — is laid out the way real
//! returns lay it out, written both as one xlsx workbook (rust_xlsxwriter) and as one CSV per
//! sheet (UTF-8 with or without BOM, GBK, GB18030; LF or CRLF), read back through
//! `orglife::ingest::ingest` (a folder with a register CSV naming the branch), and compared
//! with what was generated:
//!
//! * every generated data row is read exactly once and accepted (read = accepted + rejected,
//!   accepted = rows generated, none rejected, no D001/D002/D008/S002/S003/S005/S007);
//! * the rows skipped are exactly the non-data rows written (title, subtitle, 序号-only and
//!   footer rows);
//! * every value equals the generated one after the documented folding: names folded (spaces,
//!   middle dots), dates as dates (day or month precision), vocabulary values as their standard
//!   label, 编号 after NFKC, phones and 身份证号 normalised, free text trimmed but kept as written;
//! * every value's provenance is the file, sheet and cell it was written in;
//! * D006 is raised exactly at the invalid 身份证号 written.
//!
//! Quirks applied at random, per sheet: sheet-name aliases, with or without the branch's name;
//! a merged title row, a subtitle and a blank row above the header; a two-row header with a
//! group label over some columns (merged in xlsx); header aliases from `schema.rs`, `*`/`＊`,
//! （必填）/（选填）, stray spaces, U+3000, line breaks and full-width forms in headers; optional
//! columns left out; a 序号 column (Arabic or full-width numbers); blank rows (a line of commas
//! or an empty line in CSV) and 序号-only rows between and after the data; 合计/填表人/填表日期
//! footers; empty optional cells left blank or written 无/—/-//; dates in every written form of
//! SPEC §3 / DOMAIN §3 (text forms, two-digit years, no year, Chinese numerals, full-width digits,
//! a time of day, a weekday, a range, Excel date cells in five formats, serial numbers, 8-digit
//! numbers, 6-digit and YYYY.MM month forms); 身份证号 valid or not, with a lower-case x,
//! full-width digits, spaces or a leading `'`; phones as numbers, with +86, spaces or hyphens.
//!
//! Not generated, on purpose: a range in 整改时限 (a deadline range means its end), a YYYY.10
//! month stored as the number YYYY.1 and a 身份证号 stored as a number (both unrecoverable,
//! DOMAIN §3–§4), and a group label over every header column (then it is a title row).
//!
//! `PROPTEST_CASES=2000 cargo test --test properties` hunts longer. Failures are kept in
//! `tests/properties.proptest-regressions` and replayed first; the regression tests at the end
//! pin the reader bugs the properties found.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use common::*;
use orglife::finding::Finding;
use orglife::model::*;
use orglife::model::{Deadline, PDate};
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

/// The campaign year of the embedded default (dates written without a year take it).
const YEAR: i32 = 2024;
const AS_OF: &str = "2024-12-31";
const BRANCH: &str = "青林镇红星村党支部";
const FOLDER: &str = "红星村";
const WORKBOOK: &str = "红星村/专题组织生活会台账.xlsx";

// ---------------------------------------------------------------------------------------------
// Written cells
// ---------------------------------------------------------------------------------------------

/// A cell as written into the file.
#[derive(Clone, Debug, PartialEq)]
enum W {
    /// Text.
    T(String),
    /// A number cell (in a CSV: the number as Excel's General format shows it).
    N(f64),
    /// A date cell with its number format (in a CSV: the date as that format shows it).
    D(NaiveDate, DateFmt),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum DateFmt {
    Iso,
    Chinese,
    Slash,
    /// Built-in format 14 (m/d/yyyy, shown as 2024/7/31 on Chinese Windows).
    Builtin14,
    /// Built-in format 31, one of the locale-dependent CJK ids (yyyy"年"m"月"d"日").
    Builtin31,
}

fn t(s: impl Into<String>) -> W {
    W::T(s.into())
}

impl W {
    /// The cell as a CSV saved by Excel holds it.
    fn csv_text(&self) -> String {
        match self {
            W::T(s) => s.clone(),
            W::N(n) => general(*n),
            W::D(d, fmt) => match fmt {
                DateFmt::Iso => d.format("%Y-%m-%d").to_string(),
                DateFmt::Chinese | DateFmt::Builtin31 => {
                    format!("{}年{}月{}日", d.year(), d.month(), d.day())
                }
                DateFmt::Slash | DateFmt::Builtin14 => {
                    format!("{}/{}/{}", d.year(), d.month(), d.day())
                }
            },
        }
    }
}

/// A number as Excel's General format shows it.
fn general(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Vocabularies: each standard value and ways branches write it
// ---------------------------------------------------------------------------------------------

type Vocab = &'static [(&'static str, &'static [&'static str])];

const GENDERS: Vocab = &[("男", &["男", "男性"]), ("女", &["女", "女性"])];
const CATEGORIES: Vocab = &[
    ("正式党员", &["正式党员", "正式", "中共党员"]),
    ("预备党员", &["预备党员", "预备", "中共预备党员"]),
];
/// `""` is a blank cell (blank = 党员).
const ROLES: Vocab = &[
    (
        "书记",
        &[
            "书记",
            "支书",
            "支部书记",
            "党支部书记",
            "第一书记",
            "书记、主任",
        ],
    ),
    ("副书记", &["副书记", "支部副书记"]),
    ("组织委员", &["组织委员"]),
    ("宣传委员", &["宣传委员"]),
    ("纪检委员", &["纪检委员", "纪律检查委员"]),
    ("青年委员", &["青年委员"]),
    ("委员", &["委员", "支委", "统战委员", "保密委员"]),
    ("党员", &["党员", "普通党员", "党小组长", ""]),
];
const SPECIALS: Vocab = &[
    ("流动党员", &["流动党员", "外出务工", "流动"]),
    ("困难党员", &["困难党员", "生活困难党员"]),
    ("年老体弱党员", &["年老体弱党员", "年老体弱", "行动不便"]),
];
const MEETING_KINDS: Vocab = &[
    ("集中学习", &["集中学习", "理论学习", "学习"]),
    ("主题党日", &["主题党日", "主题党日活动", "固定党日"]),
    ("党课", &["党课", "专题党课"]),
    ("支委会", &["支委会", "支部委员会", "支委会议"]),
    ("党员大会", &["党员大会", "支部党员大会", "全体党员大会"]),
    ("党小组会", &["党小组会", "第一党小组会"]),
];
const TARGETS: Vocab = &[
    ("班子成员", &["班子成员", "支委"]),
    ("党员", &["党员", "普通党员"]),
    ("流动党员", &["流动党员"]),
    ("困难党员", &["困难党员", "生活困难党员"]),
    ("年老体弱党员", &["年老体弱党员", "老党员"]),
    ("群众", &["群众", "村民代表"]),
    ("服务对象", &["服务对象"]),
];
const MODES: Vocab = &[
    ("面谈", &["面谈", "个别谈话", "当面"]),
    ("电话", &["电话"]),
    ("视频", &["视频", "视频通话"]),
    ("上门走访", &["上门走访", "走访", "入户走访"]),
];
const STATUSES: Vocab = &[
    ("已完成", &["已完成", "已整改", "已销号"]),
    ("基本完成", &["基本完成"]),
    ("推进中", &["推进中", "正在整改", "整改中"]),
    ("长期坚持", &["长期坚持"]),
    ("未完成", &["未完成"]),
];
const YES_NO: Vocab = &[("是", &["是", "√"]), ("否", &["否", "×"])];
const COMMENTED: Vocab = &[("是", &["是", "√", "已点评"]), ("否", &["否", "未点评"])];

/// A vocabulary value and how it is written.
#[derive(Clone, Copy, Debug)]
struct GV {
    value: usize,
    written: usize,
    padded: bool,
}

fn gv(vocab: Vocab) -> impl Strategy<Value = GV> {
    (0..vocab.len(), any::<usize>(), any::<bool>()).prop_map(move |(value, w, padded)| GV {
        value,
        written: w % vocab[value].1.len(),
        padded,
    })
}

impl GV {
    fn label(&self, vocab: Vocab) -> String {
        vocab[self.value].0.to_string()
    }
    fn text(&self, vocab: Vocab) -> String {
        let w = vocab[self.value].1[self.written];
        if self.padded && !w.is_empty() {
            format!(" {w}\u{3000}")
        } else {
            w.to_string()
        }
    }
    fn cell(&self, vocab: Vocab) -> Option<W> {
        let s = self.text(vocab);
        (!s.is_empty()).then(|| t(s))
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// Two-character names, compound surnames, characters rare in GBK, characters outside GBK
/// (written through GB18030 in a "GBK" CSV) and minority names with the middle dot.
const NAMES: &[&str] = &[
    "王芳",
    "李明",
    "张强",
    "赵丽",
    "刘洋",
    "陈静",
    "李建军",
    "王秀英",
    "张志强",
    "欧阳明月",
    "诸葛晓东",
    "王喆",
    "李堃",
    "张玥",
    "刘赟",
    "陈淼",
    "孙垚",
    "钱龑",
    "吴犇",
    "王䶮",
    "李鿏",
    "吉𠮷祥",
    "买买提·艾力",
    "阿依古丽·吐尔逊",
    "热合曼·阿不都",
    "古丽娜尔·托合提",
];
const DOTS: &[char] = &['•', '・', '･', '‧', '．', '.', '·'];

#[derive(Clone, Copy, Debug)]
struct GName {
    idx: usize,
    style: u8,
}

fn gname() -> impl Strategy<Value = GName> {
    (0..NAMES.len(), any::<u8>()).prop_map(|(idx, style)| GName { idx, style })
}

impl GName {
    fn canonical(&self) -> &'static str {
        NAMES[self.idx]
    }
    /// As written; `space_list`: one of several names separated by white space, where padding
    /// would split a name (SPEC: `张三 李四` is two people).
    fn written(&self, space_list: bool) -> String {
        let n = self.canonical();
        let style = if space_list {
            self.style % 2
        } else {
            self.style % 5
        };
        match style {
            1 if n.contains('·') => {
                let dot = DOTS[usize::from(self.style / 5) % DOTS.len()];
                n.replace('·', &dot.to_string())
            }
            2 if n.chars().count() == 2 => {
                let mut c = n.chars();
                let (a, b) = (c.next().unwrap_or(' '), c.next().unwrap_or(' '));
                format!("{a}\u{3000}{b}")
            }
            3 => format!(" {n} "),
            4 if n.chars().count() == 2 => {
                let mut c = n.chars();
                let (a, b) = (c.next().unwrap_or(' '), c.next().unwrap_or(' '));
                format!("{a} {b}")
            }
            _ => n.to_string(),
        }
    }
}

/// Several names in one cell.
#[derive(Clone, Debug)]
struct GNames {
    names: Vec<GName>,
    sep: u8,
}

const NAME_SEPS: &[&str] = &["、", ",", "，", ";", "；", "/", "\n", " "];

fn gnames(min: usize, max: usize) -> impl Strategy<Value = GNames> {
    (proptest::collection::vec(gname(), min..=max), any::<u8>())
        .prop_map(|(names, sep)| GNames { names, sep })
}

impl GNames {
    fn sep(&self) -> &'static str {
        NAME_SEPS[usize::from(self.sep) % NAME_SEPS.len()]
    }
    fn written(&self) -> String {
        let sep = self.sep();
        let space = sep.trim().is_empty() && sep != "\n";
        self.names
            .iter()
            .map(|n| n.written(space))
            .collect::<Vec<_>>()
            .join(sep)
    }
    fn expected(&self) -> String {
        self.names
            .iter()
            .map(GName::canonical)
            .collect::<Vec<_>>()
            .join("|")
    }
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
struct GDate {
    date: NaiveDate,
    month_only: bool,
    form: u8,
}

fn event_date() -> impl Strategy<Value = GDate> {
    (0u64..420, any::<u8>()).prop_map(|(off, form)| GDate {
        date: ymd_date(2023, 11, 1) + chrono::Days::new(off),
        month_only: false,
        form,
    })
}

/// 出生/入党 dates: any day from `from` to `to`, sometimes to the month only.
fn life_date(from: i32, to: i32) -> impl Strategy<Value = GDate> {
    (from..=to, 1u32..=12, 1u32..=31, any::<bool>(), any::<u8>()).prop_map(
        |(y, m, d, month_only, form)| {
            let d = d.min(days_in_month(y, m));
            GDate {
                date: ymd_date(y, m, d),
                month_only,
                form,
            }
        },
    )
}

fn ymd_date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        ymd_date(y + 1, 1, 1)
    } else {
        ymd_date(y, m + 1, 1)
    };
    next.pred_opt().expect("date").day()
}

const CN_DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

fn cn_positional(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| CN_DIGITS[c.to_digit(10).unwrap_or(0) as usize])
        .collect()
}

fn cn_tens(n: u32) -> String {
    match n {
        0..=9 => CN_DIGITS[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", CN_DIGITS[(n - 10) as usize]),
        _ if n.is_multiple_of(10) => format!("{}十", CN_DIGITS[(n / 10) as usize]),
        _ => format!(
            "{}十{}",
            CN_DIGITS[(n / 10) as usize],
            CN_DIGITS[(n % 10) as usize]
        ),
    }
}

fn serial(d: NaiveDate) -> f64 {
    (d - ymd_date(1899, 12, 30)).num_days() as f64
}

const DAY_FORMS: u8 = 21;
const MONTH_FORMS: u8 = 10;

impl GDate {
    fn expected(&self) -> String {
        if self.month_only {
            self.date.format("%Y-%m").to_string()
        } else {
            self.date.format("%Y-%m-%d").to_string()
        }
    }

    /// The date in one of the written forms of SPEC §3 / DOMAIN §3. `deadline`: a 整改时限,
    /// where a range means its end, so no range is written.
    fn cell(&self, deadline: bool) -> W {
        let (y, m, d) = (self.date.year(), self.date.month(), self.date.day());
        if self.month_only {
            return match self.form % MONTH_FORMS {
                0 => t(format!("{y}年{m}月")),
                1 => t(format!("{y}.{m:02}")),
                2 => t(format!("{y}-{m:02}")),
                3 => t(format!("{y}/{m:02}")),
                4 => t(format!("{y}{m:02}")),
                5 => W::N(f64::from(y * 100) + f64::from(m)),
                // 2005.10 would be stored as 2005.1 and read as January (DOMAIN §3 trap).
                6 if m != 10 => W::N(f64::from(y) + f64::from(m) / 100.0),
                7 => t(format!("{}年{}月", cn_positional(y as u32), cn_tens(m))),
                8 => t(full_width(&format!("{y}年{m}月"))),
                9 => t(format!("{y}年{m}月份")),
                _ => t(format!("{y}年{m}月")),
            };
        }
        let last = days_in_month(y, m);
        let form = self.form % DAY_FORMS;
        let form = if deadline && matches!(form, 16 | 17) {
            1
        } else {
            form
        };
        match form {
            0 => t(format!("{y}-{m:02}-{d:02}")),
            1 => t(format!("{y}年{m}月{d}日")),
            2 => t(format!("{y}年{m:02}月{d:02}日")),
            3 => t(format!("{y}.{m}.{d}")),
            4 => t(format!("{y}.{m:02}.{d:02}")),
            5 => t(format!("{y}/{m}/{d}")),
            6 => t(format!("{y}{m:02}{d:02}")),
            7 => W::N(f64::from(y * 10_000 + (m * 100 + d) as i32)),
            8 => {
                let fmt = [
                    DateFmt::Iso,
                    DateFmt::Chinese,
                    DateFmt::Slash,
                    DateFmt::Builtin14,
                    DateFmt::Builtin31,
                ][(self.form / DAY_FORMS) as usize % 5];
                W::D(self.date, fmt)
            }
            9 => W::N(serial(self.date)),
            10 if (2000..=2099).contains(&y) => t(format!("{:02}.{m}.{d}", y % 100)),
            11 if y == YEAR => t(format!("{m}月{d}日")),
            12 if y == YEAR => t(format!("{m}.{d}")),
            13 => t(format!(
                "{}年{}月{}日",
                cn_positional(y as u32),
                cn_tens(m),
                cn_tens(d)
            )),
            14 => t(full_width(&format!("{y}年{m}月{d}日"))),
            15 => t([
                format!("{y}年{m}月{d}日上午"),
                format!("{y}年{m}月{d}日 14:30"),
                format!("{y}-{m:02}-{d:02} 09:00:00"),
                format!("{y}年{m}月{d}日下午3点"),
            ][(self.form / DAY_FORMS) as usize % 4]
                .clone()),
            16 => t(format!("{y}年{m}月{d}日-{}日", (d + 2).min(last))),
            17 if y == YEAR => t(format!("{m}月{d}日-{}日", (d + 2).min(last))),
            18 => {
                let wd = ["一", "二", "三", "四", "五", "六", "日"]
                    [self.date.weekday().num_days_from_monday() as usize];
                t(format!("{y}年{m}月{d}日（星期{wd}）"))
            }
            19 => t(format!("{y}年{m}月{d}号")),
            20 => t(full_width(&format!("{y}-{m:02}-{d:02}"))),
            _ => t(format!("{y}年{m}月{d}日")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 身份证号, phones, counts, free text
// ---------------------------------------------------------------------------------------------

const AREAS: &[&str] = &["420682", "110101", "653101", "320102", "440305"];
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

#[derive(Clone, Copy, Debug)]
struct GId {
    area: usize,
    birth: (i32, u32, u32),
    seq: u32,
    valid: bool,
    /// Search a sequence code whose check character is X, written as a lower-case x.
    lower_x: bool,
    style: u8,
}

fn gid() -> impl Strategy<Value = GId> {
    (
        0..AREAS.len(),
        (1940i32..=2003, 1u32..=12, 1u32..=28),
        0u32..1000,
        prop::bool::weighted(0.75),
        prop::bool::weighted(0.3),
        any::<u8>(),
    )
        .prop_map(|(area, birth, seq, valid, lower_x, style)| GId {
            area,
            birth,
            seq,
            valid,
            lower_x,
            style,
        })
}

fn check_char(body: &str) -> u8 {
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

impl GId {
    /// The ID as normalised (upper-case X, ASCII digits).
    fn canonical(&self) -> String {
        let (y, m, d) = self.birth;
        let mut seq = self.seq;
        let body = |seq: u32| format!("{}{y:04}{m:02}{d:02}{seq:03}", AREAS[self.area]);
        if self.lower_x {
            for k in 0..1000 {
                let s = (self.seq + k) % 1000;
                if check_char(&body(s)) == b'X' {
                    seq = s;
                    break;
                }
            }
        }
        let b = body(seq);
        let mut c = check_char(&b);
        if !self.valid {
            c = CHECK[(CHECK.iter().position(|x| *x == c).unwrap_or(0) + 3) % 11];
        }
        format!("{b}{}", c as char)
    }
    fn cell(&self) -> W {
        let id = self.canonical();
        let id = if self.lower_x {
            id.replace('X', "x")
        } else {
            id
        };
        t(match self.style % 5 {
            1 => full_width(&id),
            2 => format!("{} {} {}", &id[..6], &id[6..14], &id[14..]),
            3 => format!("'{id}"),
            4 => format!(" {id} "),
            _ => id,
        })
    }
}

#[derive(Clone, Copy, Debug)]
struct GPhone {
    digits: u64,
    style: u8,
}

fn gphone() -> impl Strategy<Value = GPhone> {
    (
        prop::sample::select(vec![13u64, 15, 17, 18, 19]),
        0u64..1_000_000_000,
        any::<u8>(),
    )
        .prop_map(|(p, rest, style)| GPhone {
            digits: p * 1_000_000_000 + rest,
            style,
        })
}

impl GPhone {
    fn canonical(&self) -> String {
        format!("{:011}", self.digits)
    }
    fn cell(&self) -> W {
        let s = self.canonical();
        match self.style % 6 {
            1 => W::N(self.digits as f64),
            2 => t(format!("{}-{}-{}", &s[..3], &s[3..7], &s[7..])),
            3 => t(format!("{} {} {}", &s[..3], &s[3..7], &s[7..])),
            4 => t(format!("+86 {s}")),
            5 => t(full_width(&s)),
            _ => t(s),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct GCount {
    n: u32,
    style: u8,
}

fn gcount() -> impl Strategy<Value = GCount> {
    (1u32..80, any::<u8>()).prop_map(|(n, style)| GCount { n, style })
}

impl GCount {
    fn cell(&self) -> W {
        match self.style % 4 {
            1 => W::N(f64::from(self.n)),
            2 => t(format!("{}人", self.n)),
            3 => t(full_width(&self.n.to_string())),
            _ => t(self.n.to_string()),
        }
    }
}

/// Free text, kept as written (trimmed): full-width punctuation, line breaks and all.
const TEXTS: &[&str] = &[
    "学习六中全会精神",
    "学习《讲认真》行动方案，开展讨论。",
    "班子成员开展批评和自我批评",
    "通报整改落实情况；党员之间开展批评",
    "理论学习不够深入",
    "联系群众不够紧密（已初步整改）",
    "工作作风不够扎实\n需要加强",
    "Ａ类问题：制度执行不严",
    "带头作用发挥不够",
    "每月集中学习一次",
    "建立台账，逐项销号",
];

#[derive(Clone, Copy, Debug)]
struct GText {
    idx: usize,
    padded: bool,
}

fn gtext() -> impl Strategy<Value = GText> {
    (0..TEXTS.len(), any::<bool>()).prop_map(|(idx, padded)| GText { idx, padded })
}

impl GText {
    fn cell(&self) -> W {
        let s = TEXTS[self.idx];
        t(if self.padded {
            format!("  {s} \n")
        } else {
            s.to_string()
        })
    }
    fn expected(&self) -> String {
        TEXTS[self.idx].to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct GMember {
    name: GName,
    gender: Option<GV>,
    birth: Option<GDate>,
    joined: Option<GDate>,
    category: Option<GV>,
    role: GV,
    special: Vec<GV>,
    special_sep: u8,
    group: Option<(u8, bool)>,
    id: Option<GId>,
    phone: Option<GPhone>,
}

fn gmember() -> impl Strategy<Value = GMember> {
    (
        (
            proptest::option::of(gv(GENDERS)),
            proptest::option::of(life_date(1940, 2003)),
            proptest::option::of(life_date(1965, 2024)),
            proptest::option::of(gv(CATEGORIES)),
            gv(ROLES),
        ),
        (
            proptest::sample::subsequence(vec![0usize, 1, 2], 0..=3),
            any::<u8>(),
            any::<u8>(),
            proptest::option::of((0u8..3, any::<bool>())),
            proptest::option::of(gid()),
            proptest::option::of(gphone()),
        ),
    )
        .prop_map(
            |(
                (gender, birth, joined, category, role),
                (special, shuffle, special_sep, group, id, phone),
            )| {
                let mut special: Vec<GV> = special
                    .into_iter()
                    .map(|value| GV {
                        value,
                        written: usize::from(shuffle) % SPECIALS[value].1.len(),
                        padded: false,
                    })
                    .collect();
                if shuffle % 2 == 1 {
                    special.reverse();
                }
                GMember {
                    name: GName { idx: 0, style: 0 },
                    gender,
                    birth,
                    joined,
                    category,
                    role,
                    special,
                    special_sep,
                    group,
                    id,
                    phone,
                }
            },
        )
}

/// A roster of distinct people.
fn groster() -> impl Strategy<Value = Vec<GMember>> {
    (
        proptest::sample::subsequence((0..NAMES.len()).collect::<Vec<_>>(), 1..=7).prop_shuffle(),
        proptest::collection::vec((gmember(), any::<u8>()), 7),
    )
        .prop_map(|(idx, members)| {
            idx.into_iter()
                .zip(members)
                .map(|(i, (mut m, style))| {
                    m.name = GName { idx: i, style };
                    m
                })
                .collect()
        })
}

const SPECIAL_SEPS: &[&str] = &["、", ",", "，", ";", "；", "/", " "];
const GROUPS: &[&str] = &["第一党小组", "第二党小组", "老党员党小组"];

#[derive(Clone, Debug)]
struct GMeeting {
    kind: GV,
    date: GDate,
    expected: Option<GCount>,
    present: Option<GCount>,
    host: Option<GName>,
    attendees: Option<GNames>,
    content: Option<GText>,
    supervisors: Option<GNames>,
    commented: Option<GV>,
}

fn gmeeting() -> impl Strategy<Value = GMeeting> {
    (
        gv(MEETING_KINDS),
        event_date(),
        proptest::option::of(gcount()),
        proptest::option::of(gcount()),
        proptest::option::of(gname()),
        proptest::option::of(gnames(1, 4)),
        proptest::option::of(gtext()),
        proptest::option::of(gnames(1, 2)),
        proptest::option::of(gv(COMMENTED)),
    )
        .prop_map(
            |(kind, date, expected, present, host, attendees, content, supervisors, commented)| {
                GMeeting {
                    kind,
                    date,
                    expected,
                    present,
                    host,
                    attendees,
                    content,
                    supervisors,
                    commented,
                }
            },
        )
}

#[derive(Clone, Debug)]
struct GTalk {
    date: GDate,
    talker: GName,
    partners: GNames,
    target: Option<GV>,
    mode: Option<GV>,
    content: Option<GText>,
}

fn gtalk() -> impl Strategy<Value = GTalk> {
    (
        event_date(),
        gname(),
        gnames(1, 3),
        proptest::option::of(gv(TARGETS)),
        proptest::option::of(gv(MODES)),
        proptest::option::of(gtext()),
    )
        .prop_map(|(date, talker, partners, target, mode, content)| GTalk {
            date,
            talker,
            partners,
            target,
            mode,
            content,
        })
}

/// How a sheet writes its 编号: a prefix, zero padding, and per cell full-width or a number.
#[derive(Clone, Copy, Debug)]
struct IdStyle {
    prefix: usize,
    pad: bool,
}

impl IdStyle {
    fn canonical(&self, prefixes: &[&str], n: usize) -> String {
        let p = prefixes[self.prefix % prefixes.len()];
        if self.pad {
            format!("{p}{n:02}")
        } else {
            format!("{p}{n}")
        }
    }
    /// `cell_style`: 0 as is, 1 full-width, 2 a number cell where the 编号 is a bare number.
    fn cell(&self, prefixes: &[&str], n: usize, cell_style: u8) -> W {
        let id = self.canonical(prefixes, n);
        match cell_style % 3 {
            1 => t(full_width(&id)),
            2 if id.bytes().all(|b| b.is_ascii_digit()) && !self.pad => W::N(n as f64),
            _ => t(id),
        }
    }
}

const PROBLEM_PREFIXES: &[&str] = &["P", "WT", "问题", ""];
const RECT_PREFIXES: &[&str] = &["R", "ZG-", "整改", ""];

#[derive(Clone, Debug)]
struct GProblem {
    id_style: u8,
    /// `None`: 支部班子.
    owner: Option<GName>,
    category: Option<GText>,
    description: GText,
    date: GDate,
}

fn gproblem() -> impl Strategy<Value = GProblem> {
    (
        any::<u8>(),
        proptest::option::of(gname()),
        proptest::option::of(gtext()),
        gtext(),
        event_date(),
    )
        .prop_map(|(id_style, owner, category, description, date)| GProblem {
            id_style,
            owner,
            category,
            description,
            date,
        })
}

#[derive(Clone, Copy, Debug)]
enum GDeadline {
    Date(GDate),
    /// `X月底前`, in Arabic or Chinese numerals, with or without the year.
    MonthEnd(u32, u8),
    AtOnce,
    Ongoing,
}

fn gdeadline() -> impl Strategy<Value = GDeadline> {
    prop_oneof![
        3 => event_date().prop_map(GDeadline::Date),
        1 => (7u32..=12, any::<u8>()).prop_map(|(m, s)| GDeadline::MonthEnd(m, s)),
        1 => Just(GDeadline::AtOnce),
        1 => Just(GDeadline::Ongoing),
    ]
}

impl GDeadline {
    fn cell(&self) -> W {
        match self {
            GDeadline::Date(d) => d.cell(true),
            GDeadline::MonthEnd(m, s) => t(match s % 4 {
                1 => format!("{}月底前", cn_tens(*m)),
                2 => format!("{YEAR}年{m}月底前"),
                3 => format!("{m}月底"),
                _ => format!("{m}月底前"),
            }),
            GDeadline::AtOnce => t("立行立改"),
            GDeadline::Ongoing => t("长期坚持"),
        }
    }
    fn expected(&self) -> String {
        match self {
            GDeadline::Date(d) => d.expected(),
            GDeadline::MonthEnd(m, _) => ymd_date(YEAR, *m, days_in_month(YEAR, *m))
                .format("%Y-%m-%d")
                .to_string(),
            GDeadline::AtOnce => "立行立改".to_string(),
            GDeadline::Ongoing => "长期坚持".to_string(),
        }
    }
}

#[derive(Clone, Debug)]
struct GRect {
    id_style: u8,
    /// Indices of the problems it answers (modulo their number).
    problems: Vec<usize>,
    problems_sep: u8,
    item: GText,
    measure: GText,
    owner: Option<GName>,
    deadline: GDeadline,
}

fn grect() -> impl Strategy<Value = GRect> {
    (
        any::<u8>(),
        proptest::collection::vec(0usize..8, 1..=3),
        any::<u8>(),
        gtext(),
        gtext(),
        proptest::option::of(gname()),
        gdeadline(),
    )
        .prop_map(
            |(id_style, problems, problems_sep, item, measure, owner, deadline)| GRect {
                id_style,
                problems,
                problems_sep,
                item,
                measure,
                owner,
                deadline,
            },
        )
}

#[derive(Clone, Debug)]
struct GResult {
    rect: usize,
    id_style: u8,
    status: GV,
    done: Option<GDate>,
    publicised: Option<GV>,
}

fn gresult() -> impl Strategy<Value = GResult> {
    (
        0usize..8,
        any::<u8>(),
        gv(STATUSES),
        event_date(),
        any::<bool>(),
        proptest::option::of(gv(YES_NO)),
    )
        .prop_map(|(rect, id_style, status, date, dated, publicised)| {
            // 已完成 needs its date (SPEC §6); the others may have one.
            let done = (status.value == 0 || dated).then_some(date);
            GResult {
                rect,
                id_style,
                status,
                done,
                publicised,
            }
        })
}

// ---------------------------------------------------------------------------------------------
// Layout quirks (SPEC §3), chosen per sheet
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Layout {
    sheet_name: usize,
    /// The sheet (or CSV file) name starts with the branch's name.
    name_prefix: bool,
    title: bool,
    subtitle: bool,
    blank_after_title: bool,
    /// A two-row header: a group label over columns `start..start+len` (of the fields).
    two_row: Option<(usize, usize, usize)>,
    /// Per column: marks, spaces, line breaks, full-width forms in the header text.
    noise: Vec<u8>,
    /// Per column: which of its header names (standard or alias).
    alias: Vec<usize>,
    /// Per optional column: present?
    optional: Vec<bool>,
    /// A 序号 column and its header, numbers full-width or not.
    seq: Option<(usize, bool)>,
    /// Before each data row: bit 0 a blank row, bit 1 a 序号-only row.
    gaps: Vec<u8>,
    trailing_seq_rows: usize,
    /// bit 0 合计, bit 1 填表人/审核人, bit 2 填表日期.
    footer: u8,
    /// 0: optional empty cells blank; else written as an empty mark.
    empty_style: u8,
    /// CSV: blank rows as empty lines rather than a line of commas.
    empty_lines: bool,
}

fn glayout() -> impl Strategy<Value = Layout> {
    (
        (
            any::<usize>(),
            any::<bool>(),
            any::<bool>(),
            prop::bool::weighted(0.2),
            any::<bool>(),
            proptest::option::of((0usize..12, 1usize..5, 0usize..3)),
        ),
        (
            proptest::collection::vec(any::<u8>(), 12),
            proptest::collection::vec(any::<usize>(), 12),
            proptest::collection::vec(prop::bool::weighted(0.85), 12),
            proptest::option::of((0usize..6, any::<bool>())),
        ),
        (
            proptest::collection::vec(prop_oneof![3 => Just(0u8), 1 => 1u8..4], 1..6),
            0usize..3,
            0u8..8,
            any::<u8>(),
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |(
                (sheet_name, name_prefix, title, subtitle, blank_after_title, two_row),
                (noise, alias, optional, seq),
                (gaps, trailing_seq_rows, footer, empty_style, empty_lines),
            )| Layout {
                sheet_name,
                name_prefix,
                title,
                subtitle,
                blank_after_title,
                two_row,
                noise,
                alias,
                optional,
                seq,
                gaps,
                trailing_seq_rows,
                footer,
                empty_style,
                empty_lines,
            },
        )
}

const GROUP_LABELS: &[&str] = &["基本信息", "有关情况", "其他事项"];
const SEQ_HEADERS: &[&str] = &["序号", "序", "No", "NO", "no", "编号序号"];
const EMPTY_MARKS: &[&str] = &["无", "—", "/", "-", "——", "暂无", "／", "－"];

/// A header text with the noise real templates carry (SPEC §3: trimming, spaces, line breaks,
/// `*`/（必填） marks, full-width forms).
fn noisy_header(h: &str, noise: u8, required: bool) -> String {
    let mid = |sep: &str| {
        let chars: Vec<char> = h.chars().collect();
        let k = chars.len() / 2;
        let (a, b): (String, String) = (chars[..k].iter().collect(), chars[k..].iter().collect());
        format!("{a}{sep}{b}")
    };
    match noise % 12 {
        1 => format!("{h}*"),
        2 => format!("＊{h}"),
        3 if required => format!("{h}（必填）"),
        3 => format!("{h}（选填）"),
        4 => mid(" "),
        5 => mid("\n"),
        6 => format!(" {h}\u{3000}"),
        7 => full_width(h),
        8 => format!("{}\n（必填）", full_width(h)),
        9 => mid("\u{3000}"),
        10 => format!("*{}", mid("\r\n")),
        _ => h.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Laying a sheet out
// ---------------------------------------------------------------------------------------------

/// One field of a row: the cell written (None: left empty) and the value expected back
/// (None: the field must read as empty).
struct FieldOut {
    field: &'static str,
    cell: Option<W>,
    expect: Option<String>,
}

fn field(field: &'static str, cell: Option<W>, expect: Option<String>) -> FieldOut {
    FieldOut {
        field,
        cell,
        expect,
    }
}

/// (field, value, "path›sheet!A1")
type Exp = (&'static str, String, String);

/// (field, value, (row, col)) as laid out.
type CellExp = (&'static str, String, (u32, u32));

/// A laid-out sheet.
struct Sheet {
    kind: orglife::model::schema::SheetKind,
    name: String,
    cells: BTreeMap<(u32, u32), W>,
    /// (first row, first col, last row, last col); the value is the top-left cell's.
    merges: Vec<(u32, u32, u32, u32)>,
    ncols: u32,
    nrows: u32,
    /// Per data row, the projection expected back (cells as (row, col)).
    expect: Vec<Vec<CellExp>>,
    data_rows: u32,
    skipped: u32,
    invalid_ids: Vec<(u32, u32)>,
    empty_lines: bool,
}

fn lay_out(
    kind: orglife::model::schema::SheetKind,
    used: &[&str],
    rows: &[Vec<FieldOut>],
    lay: &Layout,
    force: &[&str],
) -> Sheet {
    use orglife::model::schema::spec;
    let spec = spec(kind);
    let label = spec.label;
    // Columns: the 序号 column, then each field present, in the kind's order.
    let fields: Vec<(&'static str, bool, Vec<&'static str>)> = spec
        .columns
        .iter()
        .filter(|c| used.contains(&c.name))
        .enumerate()
        .filter(|(i, c)| c.required || force.contains(&c.name) || lay.optional[i % 12])
        .map(|(_, c)| {
            let mut names = vec![c.name];
            names.extend(c.aliases.iter().copied().filter(|a| {
                // With a 序号 column, 序号 is that column's header, not another's.
                !(lay.seq.is_some() && *a == "序号")
            }));
            (c.name, c.required, names)
        })
        .collect();
    let seq_col = lay.seq.map(|_| 0u32);
    let first_field_col = u32::from(seq_col.is_some());
    let ncols = first_field_col + fields.len() as u32;
    let col_of = |f: &str| -> Option<u32> {
        fields
            .iter()
            .position(|(n, _, _)| *n == f)
            .map(|i| first_field_col + i as u32)
    };
    let sheet_alias = spec.sheet_aliases[lay.sheet_name % spec.sheet_aliases.len()];
    let name = if lay.name_prefix {
        format!("红星村{sheet_alias}")
    } else {
        sheet_alias.to_string()
    };
    let mut s = Sheet {
        kind,
        name,
        cells: BTreeMap::new(),
        merges: Vec::new(),
        ncols,
        nrows: 0,
        expect: Vec::new(),
        data_rows: 0,
        skipped: 0,
        invalid_ids: Vec::new(),
        empty_lines: lay.empty_lines,
    };
    let mut r = 0u32;
    if lay.title {
        s.cells
            .insert((r, 0), t(format!("{BRANCH}{label}（2024年）")));
        if ncols > 1 {
            s.merges.push((r, 0, r, ncols - 1));
        }
        r += 1;
        s.skipped += 1;
    }
    if lay.subtitle {
        s.cells.insert(
            (r, 0),
            t(format!("填报单位：{BRANCH}　　统计时间：2024年7月至9月")),
        );
        r += 1;
        s.skipped += 1;
    }
    if lay.blank_after_title && (lay.title || lay.subtitle) {
        r += 1;
    }
    // Header, one or two rows.
    let header_texts: Vec<String> = fields
        .iter()
        .enumerate()
        .map(|(i, (_, required, names))| {
            let h = names[lay.alias[i % 12] % names.len()];
            noisy_header(h, lay.noise[i % 12], *required)
        })
        .collect();
    // The group label spans some columns, never all: a label row over every column names none
    // of them and is read as a title row above a one-row header.
    let group = lay.two_row.and_then(|(start, len, label)| {
        if fields.len() < 2 {
            return None;
        }
        let start = start % fields.len();
        let end = (start + len).min(fields.len());
        let (start, end) = if end - start == fields.len() {
            (start + 1, end)
        } else {
            (start, end)
        };
        Some((start, end, GROUP_LABELS[label % GROUP_LABELS.len()]))
    });
    if let Some((seq_h, _)) = lay.seq {
        s.cells
            .insert((r, 0), t(SEQ_HEADERS[seq_h % SEQ_HEADERS.len()]));
        if group.is_some() {
            s.merges.push((r, 0, r + 1, 0));
        }
    }
    match group {
        None => {
            for (i, h) in header_texts.iter().enumerate() {
                s.cells
                    .insert((r, first_field_col + i as u32), t(h.clone()));
            }
            r += 1;
        }
        Some((start, end, glabel)) => {
            for (i, h) in header_texts.iter().enumerate() {
                let c = first_field_col + i as u32;
                if (start..end).contains(&i) {
                    s.cells.insert((r + 1, c), t(h.clone()));
                } else {
                    s.cells.insert((r, c), t(h.clone()));
                    s.merges.push((r, c, r + 1, c));
                }
            }
            let (c0, c1) = (
                first_field_col + start as u32,
                first_field_col + end as u32 - 1,
            );
            s.cells.insert((r, c0), t(glabel));
            if c1 > c0 {
                s.merges.push((r, c0, r, c1));
            }
            r += 2;
        }
    }
    // Data rows, with blank and 序号-only rows between them.
    let mut seq_no = 0u32;
    let seq_cell = |n: u32| -> W {
        match lay.seq {
            Some((_, true)) => t(full_width(&n.to_string())),
            _ => W::N(f64::from(n)),
        }
    };
    for (i, row) in rows.iter().enumerate() {
        let gap = lay.gaps[i % lay.gaps.len()];
        if gap & 1 != 0 {
            r += 1;
        }
        if gap & 2 != 0 && seq_col.is_some() {
            seq_no += 1;
            s.cells.insert((r, 0), seq_cell(seq_no));
            s.skipped += 1;
            r += 1;
        }
        if seq_col.is_some() {
            seq_no += 1;
            s.cells.insert((r, 0), seq_cell(seq_no));
        }
        let mut exp = Vec::new();
        let mut k = 0usize;
        for f in row {
            let Some(c) = col_of(f.field) else {
                // 党内职务 absent reads as 党员, placed at 姓名.
                if f.field == "党内职务" {
                    exp.push((
                        "党内职务",
                        "党员".to_string(),
                        (r, col_of("姓名").unwrap_or(0)),
                    ));
                }
                continue;
            };
            match &f.cell {
                Some(w) => {
                    s.cells.insert((r, c), w.clone());
                }
                None if !lay.empty_style.is_multiple_of(3) => {
                    k += 1;
                    let mark = EMPTY_MARKS[(usize::from(lay.empty_style) + k) % EMPTY_MARKS.len()];
                    s.cells.insert((r, c), t(mark));
                }
                None => {}
            }
            if let Some(v) = &f.expect {
                exp.push((f.field, v.clone(), (r, c)));
            }
            if f.field == "身份证号"
                && let Some(W::T(id)) = &f.cell
                && !id_valid_expected(id)
            {
                s.invalid_ids.push((r, c));
            }
        }
        s.expect.push(exp);
        s.data_rows += 1;
        r += 1;
    }
    if seq_col.is_some() {
        for _ in 0..lay.trailing_seq_rows {
            seq_no += 1;
            s.cells.insert((r, 0), seq_cell(seq_no));
            s.skipped += 1;
            r += 1;
        }
    }
    // Footers (DOMAIN §0).
    if lay.footer & 1 != 0 {
        s.cells.insert((r, 0), t("合计"));
        if ncols > 1 {
            s.cells
                .insert((r, ncols - 1), t(format!("共{}条", rows.len())));
        }
        s.skipped += 1;
        r += 1;
    }
    if lay.footer & 2 != 0 {
        s.cells.insert((r, 0), t("填表人：王芳　　审核人：李明"));
        s.skipped += 1;
        r += 1;
    }
    if lay.footer & 4 != 0 {
        s.cells.insert((r, 0), t("填表日期：2024年8月20日"));
        s.skipped += 1;
        r += 1;
    }
    s.nrows = r;
    s
}

/// What the generator meant by an ID cell: valid when its check character is right.
fn id_valid_expected(written: &str) -> bool {
    let id: String = orglife::ingest::idcard::normalize_id(written);
    id.len() == 18 && id.as_bytes()[17] == check_char(&id[..17])
}

// ---------------------------------------------------------------------------------------------
// Records to rows
// ---------------------------------------------------------------------------------------------

fn opt_cell<T>(
    v: &Option<T>,
    cell: impl Fn(&T) -> W,
    expect: impl Fn(&T) -> String,
) -> (Option<W>, Option<String>) {
    match v {
        Some(x) => (Some(cell(x)), Some(expect(x))),
        None => (None, None),
    }
}

fn member_row(m: &GMember) -> Vec<FieldOut> {
    let mut out = vec![field(
        "姓名",
        Some(t(m.name.written(false))),
        Some(m.name.canonical().to_string()),
    )];
    let (c, e) = opt_cell(&m.gender, |v| t(v.text(GENDERS)), |v| v.label(GENDERS));
    out.push(field("性别", c, e));
    let (c, e) = opt_cell(&m.birth, |d| d.cell(false), GDate::expected);
    out.push(field("出生日期", c, e));
    let (c, e) = opt_cell(&m.joined, |d| d.cell(false), GDate::expected);
    out.push(field("入党日期", c, e));
    let (c, e) = opt_cell(
        &m.category,
        |v| t(v.text(CATEGORIES)),
        |v| v.label(CATEGORIES),
    );
    out.push(field("党员类别", c, e));
    out.push(field(
        "党内职务",
        m.role.cell(ROLES),
        Some(m.role.label(ROLES)),
    ));
    let sep = SPECIAL_SEPS[usize::from(m.special_sep) % SPECIAL_SEPS.len()];
    let special = (!m.special.is_empty()).then(|| {
        m.special
            .iter()
            .map(|v| v.text(SPECIALS))
            .collect::<Vec<_>>()
            .join(sep)
    });
    let special_exp = (!m.special.is_empty()).then(|| {
        m.special
            .iter()
            .map(|v| v.label(SPECIALS))
            .collect::<Vec<_>>()
            .join("|")
    });
    out.push(field("特殊情况", special.map(t), special_exp));
    let (c, e) = opt_cell(
        &m.group,
        |(g, pad)| {
            let g = GROUPS[usize::from(*g)];
            t(if *pad {
                format!(" {g} ")
            } else {
                g.to_string()
            })
        },
        |(g, _)| GROUPS[usize::from(*g)].to_string(),
    );
    out.push(field("党小组", c, e));
    let (c, e) = opt_cell(&m.id, GId::cell, GId::canonical);
    out.push(field("身份证号", c, e));
    let (c, e) = opt_cell(&m.phone, GPhone::cell, GPhone::canonical);
    out.push(field("联系电话", c, e));
    out
}

fn meeting_row(m: &GMeeting) -> Vec<FieldOut> {
    let names = |n: &Option<GNames>| opt_cell(n, |n| t(n.written()), GNames::expected);
    let mut out = vec![
        field(
            "会议类型",
            m.kind.cell(MEETING_KINDS),
            Some(m.kind.label(MEETING_KINDS)),
        ),
        field(
            "会议日期",
            Some(m.date.cell(false)),
            Some(m.date.expected()),
        ),
    ];
    let (c, e) = opt_cell(&m.expected, GCount::cell, |c| c.n.to_string());
    out.push(field("应到人数", c, e));
    let (c, e) = opt_cell(&m.present, GCount::cell, |c| c.n.to_string());
    out.push(field("实到人数", c, e));
    let (c, e) = opt_cell(
        &m.host,
        |n| t(n.written(false)),
        |n| n.canonical().to_string(),
    );
    out.push(field("主持人", c, e));
    let (c, e) = names(&m.attendees);
    out.push(field("参会人员", c, e));
    let (c, e) = opt_cell(&m.content, GText::cell, GText::expected);
    out.push(field("学习内容", c, e));
    let (c, e) = names(&m.supervisors);
    out.push(field("督导人员", c, e));
    let (c, e) = opt_cell(
        &m.commented,
        |v| t(v.text(COMMENTED)),
        |v| v.label(COMMENTED),
    );
    out.push(field("是否点评", c, e));
    out
}

fn talk_row(x: &GTalk) -> Vec<FieldOut> {
    let mut out = vec![
        field(
            "谈话日期",
            Some(x.date.cell(false)),
            Some(x.date.expected()),
        ),
        field(
            "谈话人",
            Some(t(x.talker.written(false))),
            Some(x.talker.canonical().to_string()),
        ),
        field(
            "谈话对象",
            Some(t(x.partners.written())),
            Some(x.partners.expected()),
        ),
    ];
    let (c, e) = opt_cell(&x.target, |v| t(v.text(TARGETS)), |v| v.label(TARGETS));
    out.push(field("对象类别", c, e));
    let (c, e) = opt_cell(&x.mode, |v| t(v.text(MODES)), |v| v.label(MODES));
    out.push(field("谈话方式", c, e));
    let (c, e) = opt_cell(&x.content, GText::cell, GText::expected);
    out.push(field("主要内容", c, e));
    out
}

fn owner(o: &Option<GName>) -> (W, String) {
    match o {
        Some(n) => (t(n.written(false)), n.canonical().to_string()),
        None => (t("支部班子"), "支部班子".to_string()),
    }
}

fn problem_row(p: &GProblem, i: usize, ids: IdStyle) -> Vec<FieldOut> {
    let (oc, oe) = owner(&p.owner);
    let mut out = vec![
        field(
            "编号",
            Some(ids.cell(PROBLEM_PREFIXES, i + 1, p.id_style)),
            Some(ids.canonical(PROBLEM_PREFIXES, i + 1)),
        ),
        field("责任主体", Some(oc), Some(oe)),
    ];
    let (c, e) = opt_cell(&p.category, GText::cell, GText::expected);
    out.push(field("问题类别", c, e));
    out.push(field(
        "问题描述",
        Some(p.description.cell()),
        Some(p.description.expected()),
    ));
    out.push(field(
        "查摆日期",
        Some(p.date.cell(false)),
        Some(p.date.expected()),
    ));
    out
}

const ID_SEPS: &[&str] = &["、", ",", "，", "；", " ", "/"];

fn rect_row(x: &GRect, i: usize, ids: IdStyle, pids: IdStyle, nproblems: usize) -> Vec<FieldOut> {
    let refs: Vec<usize> = x
        .problems
        .iter()
        .map(|p| p % nproblems.max(1) + 1)
        .collect();
    let sep = ID_SEPS[usize::from(x.problems_sep) % ID_SEPS.len()];
    let refs_cell = if refs.len() == 1 {
        pids.cell(PROBLEM_PREFIXES, refs[0], x.id_style)
    } else {
        t(refs
            .iter()
            .map(|n| match pids.cell(PROBLEM_PREFIXES, *n, x.id_style) {
                W::T(s) => s,
                other => other.csv_text(),
            })
            .collect::<Vec<_>>()
            .join(sep))
    };
    let refs_exp = refs
        .iter()
        .map(|n| pids.canonical(PROBLEM_PREFIXES, *n))
        .collect::<Vec<_>>()
        .join("|");
    let (oc, oe) = owner(&x.owner);
    vec![
        field(
            "编号",
            Some(ids.cell(RECT_PREFIXES, i + 1, x.id_style / 3)),
            Some(ids.canonical(RECT_PREFIXES, i + 1)),
        ),
        field("问题编号", Some(refs_cell), Some(refs_exp)),
        field("整改事项", Some(x.item.cell()), Some(x.item.expected())),
        field(
            "整改措施",
            Some(x.measure.cell()),
            Some(x.measure.expected()),
        ),
        field("责任人", Some(oc), Some(oe)),
        field(
            "整改时限",
            Some(x.deadline.cell()),
            Some(x.deadline.expected()),
        ),
    ]
}

fn result_row(x: &GResult, rids: IdStyle, nrects: usize) -> Vec<FieldOut> {
    let n = x.rect % nrects.max(1) + 1;
    let mut out = vec![
        field(
            "整改编号",
            Some(rids.cell(RECT_PREFIXES, n, x.id_style)),
            Some(rids.canonical(RECT_PREFIXES, n)),
        ),
        field(
            "完成情况",
            x.status.cell(STATUSES),
            Some(x.status.label(STATUSES)),
        ),
    ];
    let (c, e) = opt_cell(&x.done, |d| d.cell(false), GDate::expected);
    out.push(field("完成日期", c, e));
    let (c, e) = opt_cell(&x.publicised, |v| t(v.text(YES_NO)), |v| v.label(YES_NO));
    out.push(field("是否公示", c, e));
    out
}

// ---------------------------------------------------------------------------------------------
// A whole case
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Enc {
    Utf8Bom,
    Utf8,
    /// GBK as Excel writes it; text GBK cannot hold goes through GB18030 (its superset).
    Gbk,
    Gb18030,
}

#[derive(Clone, Debug)]
struct Case {
    roster: Vec<GMember>,
    meetings: Vec<GMeeting>,
    talks: Vec<GTalk>,
    problems: Vec<GProblem>,
    rects: Vec<GRect>,
    results: Vec<GResult>,
    /// 编号 styles: problems, rectifications.
    ids: (IdStyle, IdStyle),
    layouts: Vec<Layout>,
    enc: Enc,
    crlf: bool,
}

fn gcase() -> impl Strategy<Value = Case> {
    (
        (
            groster(),
            proptest::collection::vec(gmeeting(), 0..5),
            proptest::collection::vec(gtalk(), 0..5),
            proptest::collection::vec(gproblem(), 0..5),
            proptest::collection::vec(grect(), 0..5),
            proptest::collection::vec(gresult(), 0..5),
        ),
        (
            (0usize..4, any::<bool>()),
            (0usize..4, any::<bool>()),
            proptest::collection::vec(glayout(), 6),
            prop_oneof![
                Just(Enc::Utf8Bom),
                Just(Enc::Utf8),
                Just(Enc::Gbk),
                Just(Enc::Gb18030)
            ],
            any::<bool>(),
        ),
    )
        .prop_map(
            |((roster, meetings, talks, problems, rects, results), (p, r, layouts, enc, crlf))| {
                Case {
                    roster,
                    meetings,
                    talks,
                    problems,
                    rects,
                    results,
                    ids: (
                        IdStyle {
                            prefix: p.0,
                            pad: p.1,
                        },
                        IdStyle {
                            prefix: r.0,
                            pad: r.1,
                        },
                    ),
                    layouts,
                    enc,
                    crlf,
                }
            },
        )
}

const ROSTER_FIELDS: &[&str] = &[
    "姓名",
    "性别",
    "出生日期",
    "入党日期",
    "党员类别",
    "党内职务",
    "特殊情况",
    "党小组",
    "身份证号",
    "联系电话",
];
const MEETINGS_FIELDS: &[&str] = &[
    "会议类型",
    "会议日期",
    "应到人数",
    "实到人数",
    "主持人",
    "参会人员",
    "学习内容",
    "督导人员",
    "是否点评",
];
const TALKS_FIELDS: &[&str] = &[
    "谈话日期",
    "谈话人",
    "谈话对象",
    "对象类别",
    "谈话方式",
    "主要内容",
];
const PROBLEMS_FIELDS: &[&str] = &["编号", "责任主体", "问题类别", "问题描述", "查摆日期"];
const RECTS_FIELDS: &[&str] = &[
    "编号",
    "问题编号",
    "整改事项",
    "整改措施",
    "责任人",
    "整改时限",
];
const RESULTS_FIELDS: &[&str] = &["整改编号", "完成情况", "完成日期", "是否公示"];

fn sheets(case: &Case) -> Vec<Sheet> {
    use orglife::model::schema::SheetKind as K;
    let (pids, rids) = case.ids;
    let roster: Vec<_> = case.roster.iter().map(member_row).collect();
    let meetings: Vec<_> = case.meetings.iter().map(meeting_row).collect();
    let talks: Vec<_> = case.talks.iter().map(talk_row).collect();
    let problems: Vec<_> = case
        .problems
        .iter()
        .enumerate()
        .map(|(i, p)| problem_row(p, i, pids))
        .collect();
    let rects: Vec<_> = case
        .rects
        .iter()
        .enumerate()
        .map(|(i, x)| rect_row(x, i, rids, pids, case.problems.len()))
        .collect();
    let results: Vec<_> = case
        .results
        .iter()
        .map(|x| result_row(x, rids, case.rects.len()))
        .collect();
    let any_done = case.results.iter().any(|x| x.status.value == 0);
    vec![
        lay_out(K::Roster, ROSTER_FIELDS, &roster, &case.layouts[0], &[]),
        lay_out(
            K::Meetings,
            MEETINGS_FIELDS,
            &meetings,
            &case.layouts[1],
            &[],
        ),
        lay_out(K::Talks, TALKS_FIELDS, &talks, &case.layouts[2], &[]),
        lay_out(
            K::Problems,
            PROBLEMS_FIELDS,
            &problems,
            &case.layouts[3],
            &[],
        ),
        lay_out(
            K::Rectifications,
            RECTS_FIELDS,
            &rects,
            &case.layouts[4],
            &[],
        ),
        lay_out(
            K::Results,
            RESULTS_FIELDS,
            &results,
            &case.layouts[5],
            if any_done { &["完成日期"] } else { &[] },
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------------

fn write_xlsx(path: &Path, sheets: &[Sheet]) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let plain = Format::new();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).expect("sheet name");
        let merged_tl: Vec<(u32, u32)> = s.merges.iter().map(|m| (m.0, m.1)).collect();
        for &(r1, c1, r2, c2) in &s.merges {
            let text = match s.cells.get(&(r1, c1)) {
                Some(w) => w.csv_text(),
                None => String::new(),
            };
            ws.merge_range(r1, c1 as u16, r2, c2 as u16, &text, &plain)
                .expect("merge");
        }
        for (&(r, c), w) in &s.cells {
            if merged_tl.contains(&(r, c)) {
                continue;
            }
            let col = c as u16;
            match w {
                W::T(text) => {
                    ws.write_string(r, col, text).expect("write");
                }
                W::N(n) => {
                    ws.write_number(r, col, *n).expect("write");
                }
                W::D(d, fmt) => {
                    let format = match fmt {
                        DateFmt::Iso => Format::new().set_num_format("yyyy-mm-dd"),
                        DateFmt::Chinese => {
                            Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"")
                        }
                        DateFmt::Slash => Format::new().set_num_format("yyyy/m/d"),
                        DateFmt::Builtin14 => Format::new().set_num_format_index(14),
                        DateFmt::Builtin31 => Format::new().set_num_format_index(31),
                    };
                    let dt =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .expect("date");
                    ws.write_datetime_with_format(r, col, &dt, &format)
                        .expect("write");
                }
            }
        }
    }
    wb.save(path).expect("save xlsx");
}

fn csv_bytes(s: &Sheet, enc: Enc, crlf: bool) -> Vec<u8> {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    for r in 0..s.nrows {
        let row: Vec<String> = (0..s.ncols)
            .map(|c| s.cells.get(&(r, c)).map(W::csv_text).unwrap_or_default())
            .collect();
        if row.iter().all(String::is_empty) && s.empty_lines {
            text.push_str(nl);
            continue;
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        w.write_record(&row).expect("csv row");
        let bytes = w.into_inner().expect("csv");
        text.push_str(std::str::from_utf8(&bytes).expect("utf-8"));
    }
    match enc {
        Enc::Utf8Bom => {
            let mut b = b"\xEF\xBB\xBF".to_vec();
            b.extend(text.as_bytes());
            b
        }
        Enc::Utf8 => text.into_bytes(),
        Enc::Gbk => {
            let (b, _, errors) = encoding_rs::GBK.encode(&text);
            if errors {
                encoding_rs::GB18030.encode(&text).0.into_owned()
            } else {
                b.into_owned()
            }
        }
        Enc::Gb18030 => encoding_rs::GB18030.encode(&text).0.into_owned(),
    }
}

const REGISTER: &str = "支部名称,支部类别,设支委会,党员人数\n青林镇红星村党支部,村,是,4\n";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Xlsx,
    Csv,
}

/// Write the case as files, read it back; returns the model and findings.
fn write_and_read(
    case: &Case,
    sheets: &[Sheet],
    format: Format,
) -> (tempfile::TempDir, orglife::model::Model, Vec<Finding>) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("支部名册.csv"), REGISTER).expect("register");
    let folder = dir.path().join(FOLDER);
    std::fs::create_dir_all(&folder).expect("folder");
    match format {
        Format::Xlsx => write_xlsx(&dir.path().join(WORKBOOK), sheets),
        Format::Csv => {
            for s in sheets {
                std::fs::write(
                    folder.join(format!("{}.csv", s.name)),
                    csv_bytes(s, case.enc, case.crlf),
                )
                .expect("csv");
            }
        }
    }
    let (model, findings) = ingest_at(dir.path(), AS_OF);
    (dir, model, findings)
}

fn sheet_path(s: &Sheet, format: Format) -> (String, String) {
    match format {
        Format::Xlsx => (WORKBOOK.to_string(), s.name.clone()),
        Format::Csv => (format!("{FOLDER}/{}.csv", s.name), s.name.clone()),
    }
}

// ---------------------------------------------------------------------------------------------
// Projections of what was read
// ---------------------------------------------------------------------------------------------

fn loc(model: &Model, p: Prov) -> String {
    let (path, sheet, cell) = place(model, p);
    format!("{path}›{sheet}!{cell}")
}

fn put<T>(
    out: &mut Vec<Exp>,
    model: &Model,
    f: &'static str,
    v: &Option<Val<T>>,
    show: impl Fn(&T) -> String,
) {
    if let Some(v) = v {
        out.push((f, show(&v.value), loc(model, v.at)));
    }
}

fn put1<T>(
    out: &mut Vec<Exp>,
    model: &Model,
    f: &'static str,
    v: &Val<T>,
    show: impl Fn(&T) -> String,
) {
    out.push((f, show(&v.value), loc(model, v.at)));
}

fn names_list(v: &orglife::model::Names) -> String {
    v.iter().collect::<Vec<_>>().join("|")
}

fn deadline_text(d: &Deadline) -> String {
    match d {
        Deadline::Date(d) => d.format("%Y-%m-%d").to_string(),
        Deadline::AtOnce => "立行立改".to_string(),
        Deadline::Ongoing => "长期坚持".to_string(),
    }
}

fn pd(p: &PDate) -> String {
    ymd(p)
}

fn project_member(model: &Model, m: &Member) -> Vec<Exp> {
    let mut o = Vec::new();
    put1(&mut o, model, "姓名", &m.name, |s| s.to_string());
    put(&mut o, model, "性别", &m.gender, |g| {
        g.label().to_string()
    });
    put(&mut o, model, "出生日期", &m.birth, pd);
    put(&mut o, model, "入党日期", &m.joined, pd);
    put(&mut o, model, "党员类别", &m.category, |c| {
        c.label().to_string()
    });
    put1(&mut o, model, "党内职务", &m.role, |r| {
        r.label().to_string()
    });
    if let Some(first) = m.special.first() {
        assert!(m.special.iter().all(|s| s.at == first.at));
        let labels: Vec<&str> = m.special.iter().map(|s| s.value.label()).collect();
        o.push(("特殊情况", labels.join("|"), loc(model, first.at)));
    }
    put(&mut o, model, "党小组", &m.group, |s| s.to_string());
    put(&mut o, model, "身份证号", &m.id_number, |s| {
        s.to_string()
    });
    put(&mut o, model, "联系电话", &m.phone, |s| s.to_string());
    o
}

fn project_meeting(model: &Model, m: &Meeting) -> Vec<Exp> {
    let mut o = Vec::new();
    put1(&mut o, model, "会议类型", &m.kind, |k| {
        k.label().to_string()
    });
    put1(&mut o, model, "会议日期", &m.date, pd);
    put(&mut o, model, "应到人数", &m.expected, u32::to_string);
    put(&mut o, model, "实到人数", &m.present, u32::to_string);
    put(&mut o, model, "主持人", &m.host, |s| s.to_string());
    put(&mut o, model, "参会人员", &m.attendees, |v| {
        names_list(v)
    });
    put(&mut o, model, "学习内容", &m.content, |s| s.to_string());
    put(&mut o, model, "督导人员", &m.supervisors, |v| {
        names_list(v)
    });
    put(&mut o, model, "是否点评", &m.commented, |b| {
        if *b { "是" } else { "否" }.to_string()
    });
    o
}

fn project_talk(model: &Model, x: &Talk) -> Vec<Exp> {
    let mut o = Vec::new();
    put1(&mut o, model, "谈话日期", &x.date, pd);
    put1(&mut o, model, "谈话人", &x.talker, |s| s.to_string());
    put1(&mut o, model, "谈话对象", &x.partners, |v| {
        names_list(v)
    });
    put(&mut o, model, "对象类别", &x.target, |v| {
        v.label().to_string()
    });
    put(&mut o, model, "谈话方式", &x.mode, |v| {
        v.label().to_string()
    });
    put(&mut o, model, "主要内容", &x.content, |s| s.to_string());
    o
}

fn project_problem(model: &Model, x: &Problem) -> Vec<Exp> {
    let mut o = Vec::new();
    put1(&mut o, model, "编号", &x.id, |s| s.to_string());
    put1(&mut o, model, "责任主体", &x.owner, |s| s.to_string());
    put(&mut o, model, "问题类别", &x.category, |s| {
        s.to_string()
    });
    put1(&mut o, model, "问题描述", &x.description, |s| {
        s.to_string()
    });
    put1(&mut o, model, "查摆日期", &x.date, pd);
    o
}

fn project_rect(model: &Model, x: &Rectification) -> Vec<Exp> {
    let mut o = Vec::new();
    put1(&mut o, model, "编号", &x.id, |s| s.to_string());
    put1(&mut o, model, "问题编号", &x.problem_ids, |v| {
        v.join("|")
    });
    put1(&mut o, model, "整改事项", &x.item, |s| s.to_string());
    put1(&mut o, model, "整改措施", &x.measure, |s| s.to_string());
    put1(&mut o, model, "责任人", &x.owner, |s| s.to_string());
    put1(&mut o, model, "整改时限", &x.deadline, deadline_text);
    o
}

fn project_result(model: &Model, x: &RectResult) -> Vec<Exp> {
    let mut o = Vec::new();
    put1(&mut o, model, "整改编号", &x.rect_id, |s| s.to_string());
    put1(&mut o, model, "完成情况", &x.status, |s| {
        s.label().to_string()
    });
    put(&mut o, model, "完成日期", &x.done, pd);
    put(&mut o, model, "是否公示", &x.publicised, |b| {
        if *b { "是" } else { "否" }.to_string()
    });
    o
}

// ---------------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------------

fn expected_projection(s: &Sheet, format: Format) -> Vec<Vec<Exp>> {
    let (path, sheet) = sheet_path(s, format);
    s.expect
        .iter()
        .map(|row| {
            row.iter()
                .map(|(f, v, (r, c))| {
                    (
                        *f,
                        v.clone(),
                        format!("{path}›{sheet}!{}", orglife::text::a1(*r, *c)),
                    )
                })
                .collect()
        })
        .collect()
}

/// Everything the property says about one format; `Err` describes the first difference.
fn check(case: &Case, format: Format) -> Result<(), TestCaseError> {
    use orglife::model::schema::SheetKind as K;
    let sheets = sheets(case);
    let (_dir, model, findings) = write_and_read(case, &sheets, format);
    let ctx = format!("{format:?} {:?}", case.enc);
    for code in ["S002", "S003", "S005", "S007", "D001", "D002", "D008"] {
        let hits: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
        prop_assert!(hits.is_empty(), "{ctx}: unexpected {code}: {hits:#?}");
    }
    let b = model
        .branches
        .iter()
        .find(|b| b.name == BRANCH)
        .ok_or_else(|| TestCaseError::fail("branch not in the model"))?;
    for s in &sheets {
        let (path, name) = sheet_path(s, format);
        let file = model
            .files
            .iter()
            .find(|f| f.path == path)
            .ok_or_else(|| TestCaseError::fail(format!("{ctx}: no file {path}")))?;
        prop_assert_eq!(&file.branch, BRANCH, "{}: {} matched to", ctx, path);
        let entry = file
            .sheets
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| TestCaseError::fail(format!("{ctx}: no sheet {name} in {path}")))?;
        prop_assert_eq!(entry.kind, Some(s.kind), "{}: {}›{} kind", ctx, path, name);
        prop_assert_eq!(
            (entry.read, entry.accepted, entry.rejected, entry.skipped),
            (s.data_rows, s.data_rows, 0, s.skipped),
            "{}: {}›{} rows (read, accepted, rejected, skipped)",
            ctx,
            path,
            name
        );
        prop_assert_eq!(entry.read, entry.accepted + entry.rejected);
        let got: Vec<Vec<Exp>> = match s.kind {
            K::Roster => b.roster.iter().map(|m| project_member(&model, m)).collect(),
            K::Meetings => b
                .meetings
                .iter()
                .map(|m| project_meeting(&model, m))
                .collect(),
            K::Talks => b.talks.iter().map(|x| project_talk(&model, x)).collect(),
            K::Problems => b
                .problems
                .iter()
                .map(|x| project_problem(&model, x))
                .collect(),
            K::Rectifications => b
                .rectifications
                .iter()
                .map(|x| project_rect(&model, x))
                .collect(),
            K::Results => b
                .results
                .iter()
                .map(|x| project_result(&model, x))
                .collect(),
            _ => Vec::new(),
        };
        let want = expected_projection(s, format);
        prop_assert_eq!(got.len(), want.len(), "{}: {}›{} records", ctx, path, name);
        for (g, w) in got.iter().zip(&want) {
            prop_assert_eq!(g, w, "{}: {}›{}", ctx, path, name);
        }
        // D006 exactly at the invalid IDs written.
        if s.kind == K::Roster {
            let mut want: Vec<(u32, u32)> = s.invalid_ids.clone();
            want.sort_unstable();
            let mut got: Vec<(u32, u32)> = findings
                .iter()
                .filter(|f| f.code == "D006" && f.loc.file == path && f.loc.sheet == name)
                .filter_map(|f| f.loc.cell)
                .collect();
            got.sort_unstable();
            prop_assert_eq!(got, want, "{}: D006 cells", ctx);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        // PROPTEST_CASES=… for a longer hunt.
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64),
        max_shrink_iters: 2048,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    })]

    /// Every generated row comes back once, with its values and cells, from an xlsx workbook.
    #[test]
    fn xlsx_returns_read_back_exactly(case in gcase()) {
        check(&case, Format::Xlsx)?;
    }

    /// The same from one CSV per sheet, in UTF-8 (with or without BOM), GBK or GB18030.
    #[test]
    fn csv_returns_read_back_exactly(case in gcase()) {
        check(&case, Format::Csv)?;
    }
}

// ---------------------------------------------------------------------------------------------
// The generator's own assumptions
// ---------------------------------------------------------------------------------------------

#[test]
fn the_generator_writes_names_in_their_folded_form() {
    for n in NAMES {
        assert_eq!(orglife::text::fold_name(n), *n);
    }
    for (h, _) in GROUP_LABELS
        .iter()
        .map(|g| (orglife::text::fold_header(g), g))
    {
        assert!(
            !orglife::ingest::header_index::HEADER_INDEX.contains_key(&h),
            "{h} names a column"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Regression tests: the smallest inputs of the failures the properties found
// ---------------------------------------------------------------------------------------------

/// Write the register and these branch CSV files (name → text), read the folder.
fn read_branch_csvs(files: &[(&str, &str)]) -> (tempfile::TempDir, Model, Vec<Finding>) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("支部名册.csv"), REGISTER).expect("register");
    std::fs::create_dir_all(dir.path().join(FOLDER)).expect("folder");
    for (name, text) in files {
        std::fs::write(dir.path().join(FOLDER).join(name), text).expect("csv");
    }
    let (model, findings) = ingest_at(dir.path(), AS_OF);
    (dir, model, findings)
}

fn sheet_counts(model: &Model, path: &str) -> (u32, u32, u32, u32) {
    let s = &file(model, path).sheets[0];
    (s.read, s.accepted, s.rejected, s.skipped)
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings
        .iter()
        .map(|f| f.code.as_str())
        .filter(|c| c.starts_with(['D', 'S']))
        .collect()
}

/// An empty line in a CSV is a blank row in Excel: the cells below it keep the rows Excel
/// shows (the parser passes over empty lines, which put every reference a row too high).
#[test]
fn a_csv_empty_line_is_a_blank_row_as_excel_shows_it() {
    let (_d, model, _) = read_branch_csvs(&[(
        "查摆问题清单.csv",
        "填报单位：青林镇红星村党支部\n\n编号,责任主体,问题描述,查摆日期\n\nP1,支部班子,学习不够深入,2024-07-20\n",
    )]);
    let b = branch(&model, "红星村");
    let p = &b.problems[0];
    assert_eq!(at(&model, p.id.at), "查摆问题清单!A5");
    assert_eq!(at(&model, p.date.at), "查摆问题清单!D5");
    assert_eq!(sheet_counts(&model, "查摆问题清单.csv"), (1, 1, 0, 1));
}

/// 问题清单's 编号 may be headed 序号, but beside a 问题编号 column the 序号 column only
/// numbers the rows: the 编号 is 问题编号's, and a row holding only a 序号 is blank.
#[test]
fn a_seq_column_beside_a_problem_id_column_only_numbers_the_rows() {
    let (_d, model, findings) = read_branch_csvs(&[(
        "查摆问题清单.csv",
        "序号,问题编号,责任主体,问题描述,查摆日期\n1,P1,支部班子,学习不够深入,2024-07-20\n2,,,,\n",
    )]);
    let b = branch(&model, "红星村");
    assert_eq!(b.problems.len(), 1);
    assert_eq!(b.problems[0].id.value, "P1");
    assert_eq!(at(&model, b.problems[0].id.at), "查摆问题清单!B2");
    assert_eq!(sheet_counts(&model, "查摆问题清单.csv"), (1, 1, 0, 1));
    assert!(!codes(&findings).contains(&"D001"), "{findings:#?}");
}

/// A group label over some header columns: the two header rows name every column, even
/// when the upper row alone names a few that only 问题清单 has (序号, 方面, 问题). Before,
/// that upper row won as the header: 责任主体 under the label went missing (S005, every row
/// lost), or the lower header row was read as a data row.
#[test]
fn a_group_label_over_header_columns_hides_none_of_them() {
    let (_d, model, findings) = read_branch_csvs(&[(
        "查摆问题清单.csv",
        "序号,基本信息,,方面,问题,日期\n,编号,责任人,,,\n1,P1,支部班子,学习,学习不够深入,2024-07-20\n",
    )]);
    let b = branch(&model, "红星村");
    assert_eq!(b.problems.len(), 1, "{findings:#?}");
    assert_eq!(b.problems[0].owner.value, "支部班子");
    assert_eq!(at(&model, b.problems[0].owner.at), "查摆问题清单!C3");
    assert_eq!(sheet_counts(&model, "查摆问题清单.csv"), (1, 1, 0, 0));

    let (_d, model, findings) = read_branch_csvs(&[(
        "查摆问题清单.csv",
        "序号,有关情况,责任主体,问题描述,查摆日期\n,问题编号,,,\n1,P1,支部班子,学习不够深入,2024-07-20\n",
    )]);
    let b = branch(&model, "红星村");
    assert_eq!(b.problems.len(), 1, "{findings:#?}");
    assert_eq!(at(&model, b.problems[0].id.at), "查摆问题清单!B3");
    assert_eq!(sheet_counts(&model, "查摆问题清单.csv"), (1, 1, 0, 0));
    assert!(!codes(&findings).contains(&"D001"), "{findings:#?}");
}

/// An Excel serial saved into a CSV (`45565`) is a date in 整改时限 as in every other date
/// column; it was D002 and the rectification row was lost.
#[test]
fn a_serial_number_as_text_is_a_rectification_deadline() {
    let (_d, model, findings) = read_branch_csvs(&[(
        "整改台账.csv",
        "编号,问题编号,整改事项,整改措施,责任人,整改时限\nR1,P1,加强学习,每月集中学习,李明,45565\nR2,P1,加强学习,每月集中学习,李明,20240930\n",
    )]);
    let b = branch(&model, "红星村");
    let got: Vec<String> = b
        .rectifications
        .iter()
        .map(|r| deadline_text(&r.deadline.value))
        .collect();
    assert_eq!(got, ["2024-09-30", "2024-09-30"], "{findings:#?}");
    assert!(!codes(&findings).contains(&"D002"), "{findings:#?}");
}
