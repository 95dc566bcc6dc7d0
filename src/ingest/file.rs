//! Read one input file into sheets of records, with the file's own findings. Runs in
//! parallel, one file per task, and knows nothing of other files (branch matching and
//! merging come after, in `assemble`).

use chrono::NaiveDate;

use super::cell::Grid;
use super::header::{Header, find_header};
use super::header_index::kind_from_name;
use super::info::{has_info_only_keys, looks_like_info, read_info};
use super::read::read_grids;
use super::rows::{Records, SheetCtx, read_rows};
use crate::campaign::{Campaign, Limits};
use crate::finding::{Code, Finding, Location};
use crate::model::PDate;
use crate::model::outputs::{FEEDBACK_HEADERS, FEEDBACK_SHEET};
use crate::model::schema::{SheetKind, spec};
use crate::model::{FileEntry, FileId, SheetEntry};
use crate::text::a1;

/// What reading needs to know of the run.
#[derive(Clone, Copy)]
pub struct ReadCtx<'a> {
    pub year: i32,
    pub as_of: NaiveDate,
    pub limits: &'a Limits,
    pub campaign: &'a Campaign,
}

/// One sheet's records and the clues it gives about its branch.
#[derive(Debug)]
pub struct ParsedSheet {
    pub index: u16,
    pub kind: SheetKind,
    /// `None` when a required column is missing (S005): present, but nothing can be judged.
    pub records: Option<Records>,
    /// Text above the header (a title such as “XX村党支部党员花名册”).
    pub title: Option<String>,
    pub branch_names: Vec<String>,
    pub footer_date: Option<PDate>,
}

#[derive(Debug)]
pub struct ParsedFile {
    pub entry: FileEntry,
    pub sheets: Vec<ParsedSheet>,
    pub findings: Vec<Finding>,
    /// The file could not be read at all (S002 raised).
    pub unreadable: bool,
    /// Per sheet of `entry`: see [`super::PlainSheets`].
    pub plain: Vec<bool>,
}

/// Parse a file's bytes. `entry` arrives with path, size, hash and time filled in.
pub fn parse_file(
    mut entry: FileEntry,
    id: FileId,
    bytes: &[u8],
    ext: &str,
    cx: ReadCtx,
) -> ParsedFile {
    let mut findings = Vec::new();
    let grids = match read_grids(bytes, ext, cx.limits) {
        Ok(g) => g,
        Err(e) => {
            entry.error = e.to_string();
            findings.push(Finding::new(
                Code::S002,
                "",
                entry.path.clone(),
                format!("无法读取：{e}"),
                Location::file(&entry.path),
            ));
            return ParsedFile {
                entry,
                sheets: Vec::new(),
                findings,
                unreadable: true,
                plain: Vec::new(),
            };
        }
    };
    let mut sheets = Vec::new();
    let mut plain = Vec::new();
    let stem = file_stem(&entry.path);
    for (index, grid) in grids.into_iter().enumerate() {
        let index = index as u16;
        // A CSV has no sheet name: its file name stands in for one.
        let display_name = if grid.name.is_empty() {
            stem.clone()
        } else {
            grid.name.clone()
        };
        plain.push(grid.xml_plain);
        let mut sheet = SheetEntry {
            name: display_name.clone(),
            ..SheetEntry::default()
        };
        let mut scx = SheetCtx {
            path: &entry.path,
            sheet: &display_name,
            file: id,
            sheet_idx: index,
            year: cx.year,
            campaign: cx.campaign,
            as_of: cx.as_of,
            is_1904: grid.is_1904,
            findings: &mut findings,
        };
        for &(r, c) in &grid.truncated {
            scx.find(
                Code::D003,
                &display_name,
                format!(
                    "单元格 {} 超过 Excel 的上限 32767 个字符，已截断；请精简内容",
                    a1(r, c)
                ),
                r,
                c,
            );
        }
        if let Some(parsed) = parse_sheet(&grid, &mut sheet, &mut scx, index) {
            sheets.push(parsed);
        }
        entry.sheets.push(sheet);
    }
    ParsedFile {
        entry,
        sheets,
        findings,
        unreadable: false,
        plain,
    }
}

fn parse_sheet(
    grid: &Grid,
    sheet: &mut SheetEntry,
    cx: &mut SheetCtx,
    index: u16,
) -> Option<ParsedSheet> {
    if grid.is_empty() {
        // Excel's default Sheet2/Sheet3: skipped silently (SPEC §6).
        sheet.note = "空表，已略过".to_string();
        return None;
    }
    if is_feedback_sheet(grid) {
        // Our own 问题清单 on a feedback workbook sent back as a return (SPEC §8): not the
        // branch's data, and not a 查摆问题清单 either.
        sheet.note = "orglife 反馈表的问题清单，已略过".to_string();
        sheet.skipped = grid.rows.len() as u32;
        return None;
    }
    let by_name = kind_from_name(&grid.name).or_else(|| {
        if grid.name.is_empty() {
            kind_from_name(cx.sheet)
        } else {
            None
        }
    });
    let mut header = if by_name == Some(SheetKind::Info) {
        None
    } else {
        find_header(grid, by_name)
    };
    // An unnamed one-row 基本情况 table (支部名称 | 支部类别 | 填报日期) also reads as a 支部名册
    // header; its 填报-style items decide.
    if by_name.is_none()
        && header
            .as_ref()
            .is_some_and(|h| h.kind == SheetKind::Branches)
        && has_info_only_keys(grid)
    {
        header = None;
    }
    if by_name == Some(SheetKind::Info)
        || (by_name.is_none() && header.is_none() && looks_like_info(grid))
    {
        return Some(info_sheet(grid, sheet, cx, index));
    }
    let kind = header.as_ref().map(|h| h.kind).or(by_name);
    if let Some(kind) = kind.filter(|k| !cx.campaign.reads(*k)) {
        not_this_campaign(grid, sheet, cx, kind);
        return None;
    }
    let Some(header) = header else {
        return headerless_sheet(grid, sheet, cx, index, by_name);
    };
    Some(table_sheet(grid, sheet, cx, index, &header))
}

/// The 问题清单 orglife puts first on a feedback workbook: that name, and its header row
/// (exactly [`FEEDBACK_HEADERS`]) among the first rows. A branch's own 问题清单 (a 查摆问题清单)
/// has other columns.
fn is_feedback_sheet(grid: &Grid) -> bool {
    if crate::text::fold_header(&grid.name) != FEEDBACK_SHEET {
        return false;
    }
    grid.rows.iter().take(8).any(|r| {
        let texts: Vec<String> = r
            .cells
            .iter()
            .map(|(_, c)| c.display().trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        texts == FEEDBACK_HEADERS
    })
}

/// A 基本情况 sheet, read as items and values.
fn info_sheet(grid: &Grid, sheet: &mut SheetEntry, cx: &mut SheetCtx, index: u16) -> ParsedSheet {
    let (info, tally, header_rows) = read_info(grid, cx);
    sheet.kind = Some(SheetKind::Info);
    sheet.header_rows = header_rows;
    sheet.read = tally.read;
    sheet.accepted = tally.accepted;
    sheet.skipped = tally.skipped;
    ParsedSheet {
        index,
        kind: SheetKind::Info,
        records: Some(Records::Info(Box::new(info))),
        title: None,
        branch_names: Vec::new(),
        footer_date: None,
    }
}

/// A sheet of a kind this campaign does not check (a 民主评议 sheet in a campaign without
/// that step): not read, one S007 saying so.
fn not_this_campaign(grid: &Grid, sheet: &mut SheetEntry, cx: &mut SheetCtx, kind: SheetKind) {
    sheet.note = format!("本次活动不检查{}，已略过", kind.label());
    sheet.skipped = grid.rows.len() as u32;
    cx.findings.push(Finding::new(
        Code::S007,
        "",
        cx.sheet,
        format!(
            "工作表“{}”是{}表，本次活动（{}）不检查{}，未读取；无需处理",
            cx.sheet,
            kind.label(),
            cx.campaign.name,
            kind.label()
        ),
        Location::sheet(cx.path, cx.sheet),
    ));
}

/// A sheet without a header: named as a known kind (S005), our instructions sheet, or not a
/// sheet of any kind (S007).
fn headerless_sheet(
    grid: &Grid,
    sheet: &mut SheetEntry,
    cx: &mut SheetCtx,
    index: u16,
    by_name: Option<SheetKind>,
) -> Option<ParsedSheet> {
    match by_name {
        Some(kind) => {
            // Named as a known kind, but no column of it can be found.
            sheet.kind = Some(kind);
            let rows = grid.rows.len();
            sheet.read = rows as u32;
            sheet.reject_sheet(Code::S005, "找不到表头".to_string());
            let required: Vec<&str> = spec(kind)
                .columns
                .iter()
                .filter(|c| c.required)
                .map(|c| c.name)
                .collect();
            let msg = format!(
                "工作表名是“{}”，但找不到表头（应包含：{}），本表 {} 行均未读入；请按模板补上表头行",
                kind.label(),
                required.join("、"),
                rows
            );
            cx.findings.push(Finding::new(
                Code::S005,
                "",
                kind.label(),
                msg,
                Location::sheet(cx.path, cx.sheet),
            ));
            Some(ParsedSheet {
                index,
                kind,
                records: None,
                title: None,
                branch_names: Vec::new(),
                footer_date: None,
            })
        }
        // The instructions sheet of our own template (and of most others).
        None if matches!(
            crate::text::fold_header(&grid.name).as_str(),
            "填表说明" | "使用说明"
        ) =>
        {
            sheet.note = "填表说明，已略过".to_string();
            sheet.skipped = grid.rows.len() as u32;
            None
        }
        None => {
            sheet.note = "未识别，已略过".to_string();
            sheet.skipped = grid.rows.len() as u32;
            cx.findings.push(Finding::new(
                Code::S007,
                "",
                cx.sheet,
                format!("工作表“{}”不是规定的任何一种表（表名和表头都对不上），未读取；如其中有台账内容，请改用模板的表名和表头", cx.sheet),
                Location::sheet(cx.path, cx.sheet),
            ));
            None
        }
    }
}

/// A sheet with a header: its rows read into records, unless a required column is missing.
fn table_sheet(
    grid: &Grid,
    sheet: &mut SheetEntry,
    cx: &mut SheetCtx,
    index: u16,
    header: &Header,
) -> ParsedSheet {
    let kind = header.kind;
    sheet.kind = Some(kind);
    sheet.header_rows = Some(header.rows);
    sheet.unused_columns = header.unused.iter().map(|(_, l)| l.clone()).collect();
    sheet.columns = spec(kind)
        .columns
        .iter()
        .zip(&header.columns)
        .filter_map(|(c, col)| Some((c.name, (*col)?)))
        .chain(
            header
                .flags
                .iter()
                .map(|&(col, field, _)| (spec(kind).columns[field].name, col)),
        )
        .collect();
    let title = grid
        .rows
        .iter()
        .take_while(|r| r.row < header.rows.0)
        .filter_map(|r| r.cells.first().map(|(_, c)| c.display().into_owned()))
        .next();
    let missing = header.missing_required();
    if !missing.is_empty() {
        reject_missing_columns(grid, sheet, cx, header, &missing);
        return ParsedSheet {
            index,
            kind,
            records: None,
            title,
            branch_names: Vec::new(),
            footer_date: None,
        };
    }
    let (records, tally) = read_rows(grid, header, cx);
    sheet.read = tally.read;
    sheet.accepted = tally.accepted;
    sheet.rejected = tally.rejected_rows.len() as u32;
    sheet.rejected_rows = tally.rejected_rows;
    let above_header = grid.rows.iter().filter(|r| r.row < header.rows.0).count() as u32;
    sheet.skipped = above_header + tally.skipped;
    ParsedSheet {
        index,
        kind,
        records: Some(records),
        title,
        branch_names: tally.branch_names,
        footer_date: tally.footer_date,
    }
}

/// S005 for a header without some required column: none of the sheet's rows is read.
fn reject_missing_columns(
    grid: &Grid,
    sheet: &mut SheetEntry,
    cx: &mut SheetCtx,
    header: &Header,
    missing: &[&str],
) {
    let kind = header.kind;
    let rows: Vec<u32> = grid
        .rows
        .iter()
        .filter(|r| r.row > header.rows.1)
        .map(|r| r.row)
        .collect();
    sheet.read = rows.len() as u32;
    sheet.reject_sheet(Code::S005, format!("缺少列：{}", missing.join("、")));
    let span = match (rows.first(), rows.last()) {
        (Some(a), Some(b)) => format!("第{}至{}行共 {} 行", a + 1, b + 1, rows.len()),
        _ => "（无数据行）".to_string(),
    };
    let msg = format!(
        "{}缺少必填列“{}”（表头在第{}行），本表数据{}均未读入；请补上该列后重新报送",
        kind.label(),
        missing.join("”“"),
        header.rows.1 + 1,
        span
    );
    let loc = Location {
        file: cx.path.to_string(),
        sheet: cx.sheet.to_string(),
        cell: Some((header.rows.0, 0)),
    };
    cx.findings
        .push(Finding::new(Code::S005, "", kind.label(), msg, loc));
}

/// The file name without folders and extension.
pub fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_string(),
        _ => name.to_string(),
    }
}
