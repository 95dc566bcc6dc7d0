//! 基本情况: either a key/value sheet (项目 | 内容, possibly several pairs per row, or
//! `支部名称：XX` in one cell) or a table with one data row (SPEC §3.2).

use super::cell::{Cell, Grid, GridRow};
use super::dates;
use super::header_index::HEADER_INDEX;
use super::rows::{DateNeed, DateRead, SheetCtx, Tally, cell_date};
use crate::finding::Code;
use crate::model::YearMonth;
use crate::model::schema::{SheetKind, spec};
use crate::model::{BranchInfo, Val};
use crate::text::number_text;
use crate::text::{clean_value, fold_header, fold_name, strip_paren_note};

/// The info column a label names, by index into `spec(Info).columns`.
fn info_key(label: &str) -> Option<usize> {
    let folded = fold_header(label);
    [Some(folded.as_str()), strip_paren_note(&folded)]
        .into_iter()
        .flatten()
        .find_map(|k| {
            HEADER_INDEX
                .get(k)?
                .iter()
                .find(|h| h.kind == SheetKind::Info)
                .map(|h| h.column)
        })
}

fn is_key_cell(c: &Cell) -> bool {
    matches!(c, Cell::Text(t) if info_key(t).is_some())
}

/// Does the sheet look like 基本情况 (for a sheet whose name does not say so)? At least two
/// distinct info items written as keys.
pub fn looks_like_info(grid: &Grid) -> bool {
    let mut seen = Vec::new();
    for row in grid.rows.iter().take(30) {
        for (_, c) in &row.cells {
            if let Cell::Text(t) = c {
                let t = crate::text::nfkc(t);
                let key = info_key(&t).or_else(|| t.split_once(':').and_then(|(k, _)| info_key(k)));
                if let Some(k) = key.filter(|k| !seen.contains(k)) {
                    seen.push(k);
                }
            }
        }
    }
    seen.len() >= 2
}

/// Is an item of 基本情况 one only it has (a 支部名册 has 支部名称 and 支部类别 too)?
fn info_only(name: &str) -> bool {
    spec(SheetKind::Branches).column(name).is_none()
}

/// Does a sheet whose header reads as a 支部名册 carry items only 基本情况 has?
pub fn has_info_only_keys(grid: &Grid) -> bool {
    grid.rows
        .iter()
        .take(12)
        .flat_map(|r| &r.cells)
        .any(|(_, c)| {
            let Cell::Text(t) = c else { return false };
            let t = crate::text::nfkc(t);
            let key = t.split(':').next().unwrap_or(&t);
            info_key(key).is_some_and(|k| info_only(spec(SheetKind::Info).columns[k].name))
        })
}

/// A table layout's header row: two info keys side by side.
fn table_header(grid: &Grid) -> Option<usize> {
    grid.rows.iter().take(12).position(|row| {
        row.cells
            .windows(2)
            .any(|w| w[0].0 + 1 == w[1].0 && is_key_cell(&w[0].1) && is_key_cell(&w[1].1))
    })
}

pub fn read_info(grid: &Grid, cx: &mut SheetCtx) -> (BranchInfo, Tally, Option<(u32, u32)>) {
    let mut info = BranchInfo::default();
    let mut tally = Tally::default();
    if let Some(h) = table_header(grid) {
        let header = &grid.rows[h];
        tally.skipped = h as u32;
        let mut data_rows = grid.rows[h + 1..].iter();
        if let Some(data) = data_rows.next() {
            tally.read += 1;
            tally.accepted += 1;
            for (col, key_cell) in &header.cells {
                let Some(key) = info_key(&key_cell.display()) else {
                    continue;
                };
                if let Some(cell) = data.get(*col) {
                    set(&mut info, cx, key, cell, (data.row, *col));
                }
            }
        }
        tally.skipped += data_rows.count() as u32;
        return (info, tally, Some((header.row, header.row)));
    }
    for row in &grid.rows {
        if read_pairs(grid, row, &mut info, cx) {
            tally.read += 1;
            tally.accepted += 1;
        } else {
            tally.skipped += 1;
        }
    }
    (info, tally, None)
}

/// Read the key/value pairs of one row; false for rows holding none (titles, 项目|内容).
/// Read the key/value pairs of one row; false for rows holding none (titles, 项目|内容, an
/// item left blank).
fn read_pairs(grid: &Grid, row: &GridRow, info: &mut BranchInfo, cx: &mut SheetCtx) -> bool {
    // A title merged across the row is not an item (its copies fill the other cells).
    if row.cells.len() >= 2
        && row
            .cells
            .iter()
            .all(|(c, _)| grid.horizontal_merge_at(row.row, *c).is_some())
    {
        let first = row.cells[0].1.display();
        if row.cells.iter().all(|(_, c)| c.display() == first) {
            return false;
        }
    }
    let mut any = false;
    let mut i = 0;
    while i < row.cells.len() {
        let (col, cell) = &row.cells[i];
        let text = crate::text::nfkc(&cell.display()).into_owned();
        if let Some(key) = info_key(&text) {
            // The value is the next cell to the right that is not itself a key.
            if let Some((vcol, vcell)) = row.cells.get(i + 1).filter(|(_, c)| !is_key_cell(c)) {
                set(info, cx, key, vcell, (row.row, *vcol));
                any |= clean_value(&vcell.display()).is_some();
                i += 1;
            }
        } else if let Some((k, v)) = text.split_once(':').filter(|(k, _)| info_key(k).is_some()) {
            let key = info_key(k).unwrap_or(0);
            if let Some(v) = clean_value(v) {
                set(info, cx, key, &Cell::Text(v.into()), (row.row, *col));
                any = true;
            }
        } else if i == 0
            && row.cells.len() >= 2
            && !matches!(fold_header(&text).as_str(), "项目" | "内容" | "名称")
        {
            // An item the tool has no use for: kept, so that nothing sent goes unseen.
            let (vcol, vcell) = &row.cells[1];
            if let Some(v) = clean_value(&vcell.display()) {
                info.extra.push((
                    fold_header(&text),
                    Val::new(v.into(), cx.prov(row.row, *vcol)),
                ));
                any = true;
            }
            i += 1;
        }
        i += 1;
    }
    any
}

fn set(info: &mut BranchInfo, cx: &mut SheetCtx, key: usize, cell: &Cell, at: (u32, u32)) {
    let field = spec(SheetKind::Info).columns[key].name;
    let prov = cx.prov(at.0, at.1);
    let text = || match cell {
        Cell::Number(n) => Some(number_text(*n)),
        other => clean_value(&other.display()),
    };
    let date = |cx: &mut SheetCtx| match cell_date(
        cx,
        &|| "基本情况".to_string(),
        field,
        cell,
        at,
        DateNeed {
            required: false,
            month_ok: false,
            event: true,
        },
    ) {
        DateRead::Ok(v) => Some(v),
        _ => None,
    };
    match field {
        "支部名称" => info.name = text().map(|t| Val::new(t.into(), prov)),
        "填报人" => info.reporter = text().map(|t| Val::new(fold_name(&t).into(), prov)),
        "填报日期" => info.report_date = date(cx),
        "公示日期" => info.publicised = date(cx),
        "备案日期" => info.filed = date(cx),
        "报送月份" => info.period = period(cell, cx, at).map(|p| Val::new(p, prov)),
        "公示范围" => info.publicised_scope = text().map(|t| Val::new(t.into(), prov)),
        "支部类别" => info.category = text().map(|t| Val::new(t.into(), prov)),
        "书记" => info.secretary = text().map(|t| Val::new(fold_name(&t).into(), prov)),
        "党员人数" => {
            info.member_count = text()
                .and_then(|t| t.trim_end_matches('人').trim().parse::<u32>().ok())
                .map(|n| Val::new(n, prov))
        }
        "联系电话" => info.phone = text().map(|t| Val::new(t.into(), prov)),
        _ => {}
    }
}

/// 报送月份: a month, written as text, a number (202408) or a date cell.
fn period(cell: &Cell, cx: &mut SheetCtx, at: (u32, u32)) -> Option<YearMonth> {
    use chrono::Datelike;
    let parsed = match cell {
        Cell::Date(d) => Some(YearMonth {
            year: d.year(),
            month: d.month(),
        }),
        Cell::Number(n) => dates::parse_period_text(&number_text(*n), cx.year),
        other => clean_value(&other.display()).and_then(|t| dates::parse_period_text(&t, cx.year)),
    };
    if parsed.is_none() && clean_value(&cell.display()).is_some() {
        cx.find(
            Code::D002,
            "基本情况",
            format!(
                "「报送月份」的“{}”无法识别为月份，已按未填处理；请写成“2024年8月”",
                cell.display()
            ),
            at.0,
            at.1,
        );
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::grid_from_text_rows;
    use chrono::NaiveDate;

    fn read(rows: &[&[&str]]) -> (BranchInfo, Tally, Vec<crate::finding::Finding>) {
        let g = grid_from_text_rows(
            "基本情况",
            rows.iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        );
        let mut findings = Vec::new();
        let campaign = crate::campaign::Campaign::embedded();
        let mut cx = SheetCtx {
            path: "a.xlsx",
            sheet: "基本情况",
            file: 0,
            sheet_idx: 0,
            year: 2024,
            as_of: NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
            is_1904: false,
            campaign: &campaign,
            findings: &mut findings,
        };
        let (info, tally, _) = read_info(&g, &mut cx);
        (info, tally, findings)
    }

    #[test]
    fn key_value_layout() {
        let (info, tally, f) = read(&[
            &["红星村党支部基本情况"],
            &["项目", "内容"],
            &["支部名称", "青林镇红星村党支部"],
            &["填报日期", "2024年8月20日"],
            &["报送月份", "2024年8月"],
            &["党员总数", "52"],
            &["联系人", "王芳"],
        ]);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(info.name.unwrap().value, "青林镇红星村党支部");
        assert_eq!(
            info.report_date.unwrap().value.date,
            NaiveDate::from_ymd_opt(2024, 8, 20).unwrap()
        );
        assert_eq!(
            info.period.unwrap().value,
            YearMonth {
                year: 2024,
                month: 8
            }
        );
        assert_eq!(info.member_count.unwrap().value, 52);
        assert_eq!(info.extra.len(), 1);
        assert_eq!(tally.read, 5);
        assert_eq!(tally.skipped, 2);
    }

    #[test]
    fn table_layout_and_colon_cells() {
        let (info, tally, _) = read(&[
            &["支部名称", "填报人", "填报日期"],
            &["东风社区党支部", "李 明", "2024-08-21"],
        ]);
        assert_eq!(info.name.unwrap().value, "东风社区党支部");
        assert_eq!(info.reporter.unwrap().value, "李明");
        assert_eq!((tally.read, tally.accepted), (1, 1));
        let (info, _, _) = read(&[&["支部名称：白沙村党支部"], &["填报日期：2024.8.3"]]);
        assert_eq!(info.name.unwrap().value, "白沙村党支部");
        assert!(info.report_date.is_some());
    }
}
