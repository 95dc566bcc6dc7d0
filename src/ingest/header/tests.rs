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
    assert_eq!(h.unused, [(3, "民族".to_string())]);
}

#[test]
fn text_without_a_header_is_not_a_sheet_kind() {
    let g = grid(&[&["说明"], &["请各支部于7月31日前报送。"]]);
    assert!(find_header(&g, None).is_none());
}

// Real systems' exports (tests/fixtures/SOURCES.md): what their headers make of a sheet.

#[test]
fn two_columns_every_list_of_people_has_make_no_roster() {
    // 民主评议结果 of an 组织工作 system's import template: 姓名 and 党籍状态 are no roster;
    // with 评议结果 they are the 民主评议 sheet (SPEC §7).
    let g = grid(&[
        &["学工号", "姓名", "党籍状态", "评议结果"],
        &["2019001", "王芳", "正式党员", "优秀"],
    ]);
    assert_eq!(find_header(&g, None).unwrap().kind, SheetKind::Evaluation);
    let g = grid(&[
        &["学工号", "姓名", "党籍状态"],
        &["2019001", "王芳", "正式党员"],
    ]);
    assert!(find_header(&g, None).is_none());
    // 委员分工 of a branch: 职务 and 姓名, spaced as printed forms space them.
    let g = grid(&[&["职  务", "姓  名"], &["党支部书记", "李明"]]);
    assert!(find_header(&g, None).is_none());
    // Three roster columns do make one.
    let g = grid(&[&["姓名", "性别", "人员类别"], &["王芳", "女", "正式党员"]]);
    assert_eq!(find_header(&g, None).unwrap().kind, SheetKind::Roster);
}

#[test]
fn roster_columns_are_decided_by_their_values() {
    let g = grid(&[
        &[
            "姓名",
            "性别",
            "人员类别",
            "人员状态",
            "是否流动党员",
            "是否困难党员",
        ],
        &["王芳", "女", "正式党员", "在职", "否", "是"],
        &["李明", "男", "预备党员", "离退", "是", ""],
    ]);
    let h = find_header(&g, None).unwrap();
    assert_eq!(h.kind, SheetKind::Roster);
    assert_eq!(h.col("党员类别"), Some(2));
    // 在职/离退 is no 特殊情况.
    assert_eq!(h.col("特殊情况"), None);
    assert!(h.unused.iter().any(|(c, l)| *c == 3 && l == "人员状态"));
    let special = spec(SheetKind::Roster)
        .columns
        .iter()
        .position(|c| c.name == "特殊情况")
        .unwrap();
    assert_eq!(
        h.flags,
        [(4, special, "流动党员"), (5, special, "困难党员")]
    );
    // 人员类别 holding 在职/离退 is no 党员类别; 人员状态 holding 流动党员 is 特殊情况.
    let g = grid(&[
        &["姓名", "性别", "人员类别", "人员状态"],
        &["王芳", "女", "农民", "流动党员"],
        &["李明", "男", "退休", ""],
    ]);
    let h = find_header(&g, None).unwrap();
    assert_eq!(h.col("党员类别"), None);
    assert_eq!(h.col("特殊情况"), Some(3));
}

#[test]
fn meeting_exports_name_their_columns_their_own_way() {
    // 三会一课 export: the type in 活动名称, 计划会议时间 beside 实际会议时间.
    let g = grid(&[
        &[
            "活动名称",
            "计划会议时间",
            "实际会议时间",
            "会议内容摘要",
            "列席人员",
        ],
        &["支部委员会", "2024/7/1", "2024/7/3  14:30", "研究…", "张三"],
    ]);
    let h = find_header(&g, None).unwrap();
    assert_eq!(h.kind, SheetKind::Meetings);
    assert_eq!(h.col("会议类型"), Some(0));
    assert_eq!(h.col("会议日期"), Some(2), "计划会议时间 never means held");
    assert_eq!(h.col("学习内容"), Some(3));
    assert_eq!(h.col("督导人员"), Some(4));
    // No type column: 会议主题 gives the type and the content both.
    let g = grid(&[
        &["会议主题", "实际时间", "主持人", "参会人员"],
        &[
            "主题党日：学习六中全会精神",
            "2024/7/3",
            "王芳",
            "王芳、李明",
        ],
    ]);
    let h = find_header(&g, None).unwrap();
    assert_eq!(h.kind, SheetKind::Meetings);
    assert_eq!(h.col("会议类型"), Some(0));
    assert_eq!(h.col("学习内容"), Some(0));
    assert_eq!(h.col("会议日期"), Some(1));
}
