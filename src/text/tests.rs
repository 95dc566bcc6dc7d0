//! Tests of `text`.

use super::*;

#[test]
fn inline_numbers_and_dates_print_as_format_does() {
    for n in [
        0.0,
        -0.0,
        1.0,
        -7.0,
        45476.0,
        2.5,
        -0.125,
        1e15,
        1e16,
        1e300,
        1e-7,
        0.1 + 0.2,
        f64::NAN,
        f64::INFINITY,
        999_999_999_999_999.0,
        4.2068219900315e17,
    ] {
        let want = if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            format!("{n}")
        };
        assert_eq!(number_compact(n), want, "{n}");
        assert_eq!(number_text(n), want, "{n}");
    }
}

#[test]
fn the_fast_path_agrees_with_nfkc() {
    for s in [
        "红星村党支部",
        "“讲认真”、《方案》。",
        "2024-07-31",
        "〇一二",
        "—…·",
        "（）",
        "ＡＢ",
        "王　芳",
        "﨑",
    ] {
        let full: String = s.nfkc().collect();
        assert_eq!(nfkc(s), full, "{s}");
    }
    for c in (0u32..0x10000)
        .filter_map(char::from_u32)
        .filter(|c| nfkc_stable(*c))
    {
        let one = c.to_string();
        assert_eq!(one.nfkc().collect::<String>(), one, "U+{:04X}", c as u32);
    }
}

#[test]
fn name_folding_removes_padding_and_unifies_dots() {
    assert_eq!(fold_name("王　芳"), "王芳");
    assert_eq!(fold_name(" 王 芳 "), "王芳");
    assert_eq!(fold_name("买买提•艾力"), "买买提·艾力");
    assert_eq!(fold_name("买买提・艾力"), "买买提·艾力");
    assert_eq!(fold_name("买买提･艾力"), "买买提·艾力");
    assert_eq!(fold_name("买买提.艾力"), "买买提·艾力");
    assert_eq!(fold_name("买买提‧艾力"), "买买提·艾力");
    assert_eq!(fold_name("买买提．艾力"), "买买提·艾力");
    assert_eq!(fold_name("ＡＢ"), "AB");
}

#[test]
fn folded_heads_and_names_agree_with_full_folding() {
    for s in [
        "合计",
        " 填 表 人：张三",
        "　注：本表",
        "ＡＢＣＤＥＦＧ",
        "e\u{301}abc",
        "abce\u{301}",
        "王 芳",
        "买买提.艾力",
        "买买提·艾力",
        "",
        "   ",
        "㈱株式",
    ] {
        let full: String = s.nfkc().filter(|c| !c.is_whitespace()).collect();
        for n in 0..8 {
            let head: String = full.chars().take(n).collect();
            assert_eq!(folded_head(s, n), head, "{s:?} {n}");
        }
        let name: String = s
            .nfkc()
            .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
            .map(|c| if is_name_dot(c) { '·' } else { c })
            .collect();
        assert_eq!(fold_name_cow(s), name, "{s:?}");
    }
    assert!(matches!(fold_name_cow("买买提·艾力"), Cow::Borrowed(_)));
    assert!(matches!(fold_name_cow("王芳"), Cow::Borrowed(_)));
}

#[test]
fn empty_marks_read_as_empty() {
    for s in ["无", "—", "-", "/", "  ", "－", "／", "暂无", "——"] {
        assert_eq!(clean_value(s), None, "{s:?}");
    }
    assert_eq!(clean_value(" 红星村 "), Some("红星村".into()));
    assert_eq!(clean_value("２０２４"), Some("2024".into()));
}

#[test]
fn headers_fold_marks_and_notes() {
    assert_eq!(fold_header("姓名*"), "姓名");
    assert_eq!(fold_header("姓 名＊"), "姓名");
    assert_eq!(fold_header("谈话\n日期（必填）"), "谈话日期");
    assert_eq!(fold_header("党龄（年）"), "党龄");
    assert_eq!(fold_header("支部名称："), "支部名称");
    for s in [
        "姓名*",
        "姓 名＊",
        "谈话\n日期（必填）",
        "党龄(年)",
        "支部名称:",
        "姓名",
        "ab",
    ] {
        assert_eq!(fold_header_cow(s), fold_header(s), "{s:?}");
    }
    assert!(matches!(fold_header_cow("谈话日期"), Cow::Borrowed(_)));
    assert_eq!(strip_paren_note("出生日期(年月)"), Some("出生日期"));
    assert_eq!(strip_paren_note("(年月)"), None);
}

#[test]
fn name_lists_split_on_separators_and_spaces_between_full_names() {
    assert_eq!(
        split_names("张三、李四,王五；赵六"),
        ["张三", "李四", "王五", "赵六"]
    );
    assert_eq!(split_names("张三 李四  王五"), ["张三", "李四", "王五"]);
    assert_eq!(split_names("王　芳、李四"), ["王芳", "李四"]);
    assert_eq!(split_names("王 芳"), ["王芳"]);
    assert!(split_names("无").is_empty());
}

#[test]
fn id_digits_are_spotted_in_every_written_form() {
    assert!(may_hold_id_digits(b"<v>15837136651</v>"));
    assert!(may_hold_id_digits(b"x15837136651"));
    assert!(may_hold_id_digits(b"<v>4.2E+17</v>"));
    assert!(may_hold_id_digits(b"<v>4.2068219720315e+17</v>"));
    assert!(may_hold_id_digits(b"<v>1e10</v>"));
    assert!(may_hold_id_digits(b"<t>&#52;20682197203150314</t>"));
    assert!(may_hold_id_digits(b"<t>&#x34;</t>"));
    assert!(!may_hold_id_digits(
        b"<c r=\"E12\"><v>45123.5</v></c><v>20240731</v><t>&#10;</t>"
    ));
    assert!(!may_hold_id_digits(
        "<t>EXCEL 表格 1234567890</t>".as_bytes()
    ));
    // Every alignment of an 11-digit run against the stride.
    for pad in 0..12 {
        let xml = format!("{}13812345678<", "<".repeat(pad));
        assert!(may_hold_id_digits(xml.as_bytes()), "{pad}");
        let short = format!("{}1381234567<", "<".repeat(pad));
        assert!(!may_hold_id_digits(short.as_bytes()), "{pad}");
    }
}

#[test]
fn a1_references() {
    assert_eq!(a1(0, 0), "A1");
    assert_eq!(a1(4, 25), "Z5");
    assert_eq!(a1(9, 26), "AA10");
    assert_eq!(a1(0, 16383), "XFD1");
}

/// `digit_value` knows exactly the characters NFKC turns into one ASCII digit.
#[test]
fn digit_value_is_nfkc() {
    use unicode_normalization::UnicodeNormalization;
    for c in (0..=0x10ffff).filter_map(char::from_u32) {
        let n: String = std::iter::once(c).nfkc().collect();
        let want = match n.as_bytes() {
            [d] if d.is_ascii_digit() => Some(d - b'0'),
            _ => None,
        };
        assert_eq!(pii::digit_value(c), want, "U+{:04X}", c as u32);
    }
}

#[test]
fn full_width_and_separated_digits_are_seen() {
    for xml in [
        "<t>４２０６８２１９６５０７２８３４６１</t>",
        "<t>420682 19650728 3461</t>",
        "<t>138-0000-1234</t>",
        "<t>0710-8321567</t>",
    ] {
        assert!(may_hold_id_digits(xml.as_bytes()), "{xml}");
    }
    assert!(!may_hold_id_digits(
        "<t>2024-07-31 至 2024-08-31，共 12 人</t>".as_bytes()
    ));
}
