//! Tests of `header`.

use super::*;
use crate::ingest::cell::grid_from_text_rows;

fn grid(rows: &[&[&str]]) -> Grid {
    grid_from_text_rows(
        "t",
        rows.iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect(),
    )
}

#[test]
fn weighing_counts_what_the_claims_count() {
    for s in &SPECS {
        assert!(s.columns.len() <= MAX_COLUMNS, "{:?}", s.kind);
    }
    let g = grid(&[
        &[
            "序号",
            "姓名",
            "基本信息",
            "",
            "",
            "联系电话",
            "编号",
            "问题编号",
        ],
        &[
            "",
            "姓 名*",
            "性别",
            "出生日期(年月)",
            "入党时间",
            "",
            "序号",
            "整改事项",
        ],
        &[
            "1",
            "王芳",
            "女",
            "1980-01-02",
            "2005-07-01",
            "13800000000",
            "",
            "",
        ],
    ]);
    let rows: Vec<RowLabels> = g.rows.iter().map(row_labels).collect();
    let sets = [
        labels(&rows[0], None),
        labels(&rows[1], None),
        labels(&rows[0], Some(&rows[1])),
        labels(&rows[1], Some(&rows[2])),
    ];
    let mut hit = 0;
    for s in &SPECS {
        for l in &sets {
            let c = claims(s.kind, l);
            assert_eq!(
                weigh(s.kind, l),
                (c.hits(), c.distinctive()),
                "{:?}",
                s.kind
            );
            hit += c.hits();
        }
    }
    assert!(hit > 10, "the labels should claim fields: {hit}");
}

#[test]
fn every_header_text_passes_the_first_character_filter() {
    for key in HEADER_INDEX.keys() {
        assert!(may_name_column(key), "{key}");
        assert!(may_name_column(&format!("{key}(必填)")), "{key}");
    }
    assert!(!may_name_column(""));
}

#[test]
fn title_row_above_header() {
    let g = grid(&[
        &["红星村党支部谈心谈话记录"],
        &["序号", "谈话日期", "谈话人", "谈话对象"],
        &["1", "2024-07-01", "张三", "李四"],
    ]);
    let h = find_header(&g, None).unwrap();
    assert_eq!(h.kind, SheetKind::Talks);
    assert_eq!(h.rows, (1, 1));
    assert_eq!(h.col("谈话人"), Some(2));
    assert_eq!(h.seq_col, Some(0));
}

#[test]
fn two_row_header_with_group_title() {
    let g = grid(&[
        &["序号", "姓名", "基本信息", "", "", "联系电话"],
        &["", "", "性别", "出生日期", "入党日期", ""],
        &["1", "王芳", "女", "1980-01-02", "2005-07-01", "13800000000"],
    ]);
    let h = find_header(&g, None).unwrap();
    assert_eq!(h.kind, SheetKind::Roster);
    assert_eq!(h.rows, (0, 1));
    assert_eq!(h.col("性别"), Some(2));
    assert_eq!(h.col("入党日期"), Some(4));
    assert_eq!(h.col("姓名"), Some(1));
}

#[test]
fn standard_name_beats_alias_and_seq_falls_back() {
    let g = grid(&[&["序号", "编号", "责任主体", "问题描述", "查摆日期"]]);
    let h = find_header(&g, Some(SheetKind::Problems)).unwrap();
    assert_eq!(h.col("编号"), Some(1));
    assert_eq!(h.seq_col, Some(0));
    let g = grid(&[&["序号", "责任主体", "问题描述", "查摆日期"]]);
    let h = find_header(&g, Some(SheetKind::Problems)).unwrap();
    assert_eq!(h.col("编号"), Some(0));
}

#[test]
fn a_group_label_over_columns_does_not_hide_them() {
    // The upper row alone names 编号 (序号), 问题类别 (方面) and 问题描述 (问题), all
    // distinctive; the two rows name every column.
    let g = grid(&[
        &["序号", "基本信息", "", "方面", "问题", "日期"],
        &["", "编号", "责任人", "", "", ""],
        &["1", "P1", "支部班子", "学习", "不深入", "2024-07-20"],
    ]);
    for known in [Some(SheetKind::Problems), None] {
        let h = find_header(&g, known).unwrap();
        assert_eq!(h.kind, SheetKind::Problems);
        assert_eq!(h.rows, (0, 1));
        assert_eq!(h.col("编号"), Some(1));
        assert_eq!(h.col("责任主体"), Some(2));
        assert_eq!(h.seq_col, Some(0));
        assert!(h.missing_required().is_empty());
    }
}

#[test]
fn a_group_label_over_one_column_keeps_the_lower_row_in_the_header() {
    // 序号 alone could head 编号, so the upper row names every field by itself; the
    // lower row's 问题编号 is the 编号 and must not be read as a data row.
    let g = grid(&[
        &["序号", "有关情况", "责任主体", "问题描述", "查摆日期"],
        &["", "问题编号", "", "", ""],
        &["1", "P1", "支部班子", "不深入", "2024-07-20"],
    ]);
    for known in [Some(SheetKind::Problems), None] {
        let h = find_header(&g, known).unwrap();
        assert_eq!(h.rows, (0, 1));
        assert_eq!(h.col("编号"), Some(1));
        assert_eq!(h.seq_col, Some(0));
    }
}

#[test]
fn seq_header_yields_the_id_to_any_other_alias() {
    let g = grid(&[&["序号", "问题编号", "责任主体", "问题描述", "查摆日期"]]);
    let h = find_header(&g, Some(SheetKind::Problems)).unwrap();
    assert_eq!(h.col("编号"), Some(1));
    assert_eq!(h.seq_col, Some(0));
    assert!(h.unused.is_empty(), "{:?}", h.unused);
    // Whichever comes first.
    let g = grid(&[&["问题编号", "序号", "责任主体", "问题描述", "查摆日期"]]);
    let h = find_header(&g, Some(SheetKind::Problems)).unwrap();
    assert_eq!(h.col("编号"), Some(0));
    assert_eq!(h.seq_col, Some(1));
}

#[test]
fn marks_and_notes_in_headers() {
    let g = grid(&[&["姓名*", "出生日期(年月)", "身份证号（必填）", "民族"]]);
    let h = find_header(&g, None).unwrap();
    assert_eq!(h.kind, SheetKind::Roster);
    assert_eq!(h.col("出生日期"), Some(1));
    assert_eq!(h.col("身份证号"), Some(2));
    assert_eq!(h.unused, ["民族"]);
}

#[test]
fn text_without_a_header_is_not_a_sheet_kind() {
    let g = grid(&[&["说明"], &["请各支部于7月31日前报送。"]]);
    assert!(find_header(&g, None).is_none());
}
