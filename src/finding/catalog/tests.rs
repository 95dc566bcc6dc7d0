//! Tests of `catalog`.

use super::*;

const NOTICE: &str = include_str!("../notice.txt");
/// The 民主评议 codes quote a real notice of the annual 民主评议党员 (its source on its first
/// line): the 2024 notice has no such step.
const NOTICE_EVALUATION: &str = include_str!("../notice_evaluation.txt");

/// The top-level “…” quotations of a text. The notice's own quotation marks nest inside
/// a quoted clause (“……“讲认真”……”), so the marks are matched as brackets.
fn quotations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for ch in text.chars() {
        match ch {
            '“' => {
                if depth > 0 {
                    cur.push(ch);
                }
                depth += 1;
            }
            '”' => {
                assert!(depth > 0, "unbalanced ” in {text}");
                depth -= 1;
                if depth == 0 {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.push(ch);
                }
            }
            _ if depth > 0 => cur.push(ch),
            _ => {}
        }
    }
    assert_eq!(depth, 0, "unbalanced “ in {text}");
    out
}

/// Whether every piece of a quotation (split at “……” elisions) occurs in the notice, in
/// the order quoted.
fn in_notice(quote: &str) -> bool {
    in_text(NOTICE, quote)
}

fn in_text(text: &str, quote: &str) -> bool {
    let mut from = 0;
    for piece in quote.split("……").filter(|p| !p.is_empty()) {
        match text[from..].find(piece) {
            Some(at) => from += at + piece.len(),
            None => return false,
        }
    }
    true
}

/// SPEC §4's order: the families S, D, T, C, V, M, each numbered upwards. (The codes'
/// severities and titles as a clerk sees them are held by `tests/golden/rules.txt`.)
#[test]
fn codes_are_declared_in_spec_order() {
    let family = |c: Code| "SDTCVME".find(&c.as_str()[..1]).unwrap();
    for w in Code::ALL.windows(2) {
        let (a, b) = (w[0], w[1]);
        assert!(
            family(a) < family(b) || (family(a) == family(b) && a.as_str() < b.as_str()),
            "{a} before {b}"
        );
    }
    assert_eq!(Code::ALL.len(), CATALOG.len());
    for (i, d) in CATALOG.iter().enumerate() {
        assert_eq!(d.code as usize, i, "{}", d.code);
        assert_eq!(d.code.as_str().len(), 4, "{}", d.code);
    }
}

#[test]
fn every_field_is_filled_and_titles_are_short() {
    for d in CATALOG {
        for (name, text) in [
            ("title", d.title),
            ("what", d.what),
            ("clause", d.clause),
            ("why", d.why),
            ("fix", d.fix),
            ("due", d.due),
        ] {
            assert!(!text.trim().is_empty(), "{} {name} is empty", d.code);
        }
        assert!(d.title.chars().count() <= 20, "{} title too long", d.code);
    }
}

#[test]
fn every_clause_quotes_the_notice_verbatim() {
    for d in CATALOG {
        let source = if d.clause.starts_with("民主评议通知") {
            NOTICE_EVALUATION
        } else {
            assert!(
                d.clause.starts_with("通知"),
                "{} clause must say where it is",
                d.code
            );
            NOTICE
        };
        let quotes = quotations(d.clause);
        assert!(!quotes.is_empty(), "{} clause quotes nothing", d.code);
        for q in &quotes {
            assert!(
                in_text(source, q),
                "{} quotes text not in the notice: “{q}”",
                d.code
            );
        }
        let longest = quotes
            .iter()
            .flat_map(|q| q.split("……"))
            .map(|p| p.chars().count())
            .max()
            .unwrap_or(0);
        assert!(longest >= 8, "{} quotes too little of the notice", d.code);
    }
}

#[test]
fn the_quotation_check_rejects_what_is_not_in_the_notice() {
    assert!(in_notice("①基层党支部班子成员之间必谈……征求意见。"));
    assert!(!in_notice("基层党支部班子成员之间必须谈"));
    // Elided pieces must come in the notice's order.
    assert!(!in_notice("征求意见。……①基层党支部班子成员之间必谈"));
    assert_eq!(
        quotations("甲：“召开“讲认真”专题”；乙：“丙”"),
        vec!["召开“讲认真”专题".to_string(), "丙".to_string()]
    );
}

#[test]
fn due_is_always_or_names_a_deadline() {
    for d in CATALOG {
        assert!(
            d.due.starts_with(ALWAYS) || d.due.contains("过后"),
            "{} due: {}",
            d.code,
            d.due
        );
    }
    // Phase codes are due at their own phase's deadline.
    for (prefix, due) in [
        ("T1", DUE_STUDY),
        ("T2", DUE_TALKS),
        ("T3", DUE_LISTS),
        ("T4", DUE_COMMITTEE),
        ("T5", DUE_GENERAL),
        ("T6", DUE_RECTIFY),
        ("V", DUE_GENERAL),
    ] {
        for d in CATALOG
            .iter()
            .filter(|d| d.code.as_str().starts_with(prefix))
        {
            assert_eq!(d.due, due, "{}", d.code);
        }
    }
}

/// User-facing text is Chinese: the only Latin letters allowed are the letters of codes,
/// file and encoding names, and what a clerk sees in a cell (x in an ID, E+17, XX村).
#[test]
fn no_english_in_the_text() {
    const ALLOWED: &[&str] = &[
        "S", "D", "T", "C", "V", "M", "Excel", "WPS", "xlsx", "csv", "CSV", "UTF", "GBK", "GB",
        "MB", "x", "X", "XX", "E",
    ];
    for d in CATALOG {
        for text in [d.title, d.what, d.clause, d.why, d.fix, d.due] {
            let words = text
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| !w.is_empty());
            for w in words {
                assert!(ALLOWED.contains(&w), "{}: English word “{w}”", d.code);
            }
        }
    }
}

#[test]
fn a_code_is_found_by_its_text() {
    assert_eq!(
        Code::parse("C001").map(Code::title),
        Some("班子成员之间未谈心谈话")
    );
    assert_eq!(
        Code::parse("S006").map(Code::severity),
        Some(Severity::Warning)
    );
    assert!(Code::parse("Z999").is_none());
    assert!(Code::C001 < Code::D001 && Code::D001 < Code::S001);
    assert!(Code::T800 == "T800");
}
