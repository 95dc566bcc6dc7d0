//! The cells every reader produces: a sparse grid per sheet, with absolute positions and merged
//! regions filled, text as written; the budget that keeps a hostile file cheap; and the builder
//! the format readers (`read`, `xlsx_fast`, `csv_file`) fill it with.

use compact_str::CompactString;
use std::collections::HashMap;

use calamine::{Data, DataRef, Dimensions};
use chrono::NaiveDate;

use crate::model::dates::{iso_date_compact, iso_date_text};
use crate::text::{number_compact, number_text};

/// Excel's own limit on a cell's length (SPEC §6); longer text is cut with a D003.
pub const MAX_CELL_CHARS: usize = 32_767;

/// A merged region larger than this is not filled cell by cell: no real return merges that
/// many cells, and filling a hostile A1:XFD1048576 merge would cost gigabytes.
pub const MAX_MERGE_FILL: u64 = 10_000;

/// Merges kept per row for lookups; a real row has a handful.
pub const MAX_MERGES_PER_ROW: usize = 64;

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Inline up to 24 bytes: most cells (names, dates, categories) need no allocation of their
    /// own while a sheet is read.
    Text(CompactString),
    Number(f64),
    Bool(bool),
    /// A cell formatted as a date (any date system already applied).
    Date(NaiveDate),
    /// A formula error such as `#REF!`.
    Error(String),
}

impl Cell {
    /// The cell as text, the way a person would read it in the sheet.
    pub fn display(&self) -> std::borrow::Cow<'_, str> {
        use std::borrow::Cow;
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Error(s) => Cow::Borrowed(s),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::Bool(b) => Cow::Borrowed(if *b { "是" } else { "否" }),
            Cell::Date(d) => Cow::Owned(iso_date_text(*d)),
        }
    }

    /// `f` of [`Cell::display`], with numbers and dates formatted inline rather than on the
    /// heap (for code that runs on every cell).
    pub fn with_display<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            Cell::Number(n) => f(&number_compact(*n)),
            Cell::Date(d) => f(&iso_date_compact(*d)),
            other => f(&other.display()),
        }
    }
}

/// One non-empty row: its zero-based index and its cells sorted by column.
#[derive(Debug, Default)]
pub struct GridRow {
    pub row: u32,
    pub cells: Vec<(u32, Cell)>,
}

impl GridRow {
    pub fn get(&self, col: u32) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&col, |(c, _)| *c)
            .ok()
            .map(|i| &self.cells[i].1)
    }
}

/// One sheet as read.
#[derive(Debug, Default)]
pub struct Grid {
    pub name: String,
    pub rows: Vec<GridRow>,
    /// Merged regions (absolute, zero-based) as the file declares them, less the malformed
    /// (backwards), the single cells, the huge (over [`MAX_MERGE_FILL`] cells) and repeats.
    pub merges: Vec<Dimensions>,
    /// For each row, the merges covering it (indices into `merges`, at most
    /// [`MAX_MERGES_PER_ROW`]): lookups stay cheap however many merges a file declares.
    merge_rows: HashMap<u32, Vec<u32>>,
    /// Workbook uses the 1904 date system (matters for raw serial numbers in date columns).
    pub is_1904: bool,
    /// Cells whose text was cut to [`MAX_CELL_CHARS`].
    pub truncated: Vec<(u32, u32)>,
    /// xlsx only: see [`crate::ingest::PlainSheets`].
    pub xml_plain: bool,
}

impl Grid {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The merged region covering (row, col), if any.
    pub fn merge_at(&self, row: u32, col: u32) -> Option<&Dimensions> {
        self.merge_rows.get(&row)?.iter().find_map(|&i| {
            let d = &self.merges[i as usize];
            (d.start.1..=d.end.1).contains(&col).then_some(d)
        })
    }

    /// Is (row, col) inside a merged region spanning more than one column?
    pub fn horizontal_merge_at(&self, row: u32, col: u32) -> Option<&Dimensions> {
        self.merge_at(row, col).filter(|d| d.start.1 != d.end.1)
    }
}

/// Why a file could not be read: becomes the S002 message, so it says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Unreadable(String),
}

pub(super) fn unreadable(msg: impl Into<String>) -> ReadError {
    ReadError::Unreadable(msg.into())
}

/// The largest sheet range (rows × columns) handed to calamine's dense readers (.xls, .ods):
/// an old .xls sheet's own size, 65536 rows × 256 columns, under 1 GB in calamine's ranges.
/// A return is a few thousand cells; only a broken or hostile file asks for more.
pub const MAX_SHEET_RANGE: u64 = 65_536 * 256;

pub(super) fn huge_sheet() -> ReadError {
    unreadable(
        "工作表的使用范围超过 65536 行 × 256 列的面积，远超正常报表（多半是在表格远处误输入了内容，或文件已损坏），读取会耗尽内存，已拒绝；请删除表格远处多余的内容，或用 Excel、WPS 打开确认后另存为 .xlsx 再报送",
    )
}

#[derive(Clone, Debug)]
pub(super) struct CellBudget {
    left: u64,
    limit: u64,
}

impl CellBudget {
    pub(super) fn new(cells: u64) -> Self {
        CellBudget {
            left: cells,
            limit: cells,
        }
    }

    /// For a cell filled, or a row spanned, by a merged region.
    fn take_merged(&mut self, sheet: &str) -> Result<(), ReadError> {
        self.spend(|limit| {
            format!(
                "工作表“{sheet}”的合并单元格展开后超过 {limit} 个单元格，远超正常报表，文件可能已损坏或是恶意文件，已拒绝读取；请取消不必要的合并后重新报送"
            )
        })
    }

    pub(super) fn take(&mut self, sheet: &str) -> Result<(), ReadError> {
        self.spend(|limit| {
            format!(
                "工作表“{sheet}”的非空单元格超过 {limit} 个，远超正常报表，已拒绝读取；请检查是否误填了整列"
            )
        })
    }

    /// One cell of the budget; once it is spent, the file is refused with `why(limit)`.
    fn spend(&mut self, why: impl FnOnce(u64) -> String) -> Result<(), ReadError> {
        if self.left == 0 {
            return Err(unreadable(why(self.limit)));
        }
        self.left -= 1;
        Ok(())
    }
}

/// Excel's last date, 9999-12-31, as a serial number (1900 date system).
const MAX_DATE_SERIAL: f64 = 2_958_465.0;

/// Turn a calamine value into ours; `None` for empty cells.
pub(super) fn convert(value: DataRef<'_>) -> Option<Cell> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::SharedString(s) => Cell::Text(CompactString::from(s)),
        DataRef::String(s) => Cell::Text(s.into()),
        DataRef::Int(i) => Cell::Number(i as f64),
        DataRef::Float(f) => Cell::Number(f),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(dt) => {
            // Beyond Excel's last date (serial 2958465, 9999-12-31) calamine's as_datetime
            // overflows chrono's TimeDelta and panics (a fuzzed 1e300 in a date cell): such a
            // serial is kept as the number it is.
            let serial = dt.as_f64();
            if dt.is_duration() || !serial.is_finite() || serial.abs() > MAX_DATE_SERIAL {
                Cell::Number(dt.as_f64())
            } else {
                match dt.as_datetime() {
                    Some(d) => Cell::Date(d.date()),
                    None => Cell::Number(dt.as_f64()),
                }
            }
        }
        DataRef::DateTimeIso(s) => match iso_date(&s) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(s.into()),
        },
        DataRef::DurationIso(s) => Cell::Text(s.into()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
    })
}

pub(super) fn convert_owned(value: &Data) -> Option<Cell> {
    let r: DataRef<'_> = match value {
        Data::Empty => DataRef::Empty,
        Data::String(s) => DataRef::SharedString(s),
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(d) => DataRef::DateTime(*d),
        Data::DateTimeIso(s) => DataRef::DateTimeIso(s.clone()),
        Data::DurationIso(s) => DataRef::DurationIso(s.clone()),
        Data::Error(e) => DataRef::Error(e.clone()),
    };
    convert(r)
}

fn iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// Collects cells in any order, then folds text, fills merges and sorts into rows.
pub(super) struct GridBuilder {
    grid: Grid,
    cells: Vec<(u32, u32, Cell)>,
}

impl GridBuilder {
    pub(super) fn new(name: &str, is_1904: bool) -> Self {
        GridBuilder {
            grid: Grid {
                name: name.to_string(),
                is_1904,
                ..Grid::default()
            },
            cells: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, row: u32, col: u32, cell: Cell) {
        let cell = match cell {
            // Text is kept as written (the feedback workbook shows it so); readers fold it
            // (NFKC) where they compare it.
            Cell::Text(mut s) => {
                if s.trim().is_empty() {
                    return;
                }
                if s.len() > MAX_CELL_CHARS
                    && let Some((i, _)) = s.char_indices().nth(MAX_CELL_CHARS)
                {
                    s.truncate(i);
                    self.grid.truncated.push((row, col));
                }
                Cell::Text(s)
            }
            other => other,
        };
        self.cells.push((row, col, cell));
    }

    /// Sort the cells into rows and fill the merges. Each cell a merge fills, and each row a
    /// merge spans, is charged to the budget: a file declaring millions of overlapping merges
    /// is refused rather than filled (filling and looking them up was unbounded).
    pub(super) fn finish(
        mut self,
        merges: Vec<Dimensions>,
        budget: &mut CellBudget,
    ) -> Result<Grid, ReadError> {
        // Writers store cells in order; a stable sort only for those that do not.
        if !self.cells.is_sorted_by_key(|(r, c, _)| (*r, *c)) {
            self.cells.sort_by_key(|(r, c, _)| (*r, *c));
        }
        let mut merges: Vec<Dimensions> = merges
            .into_iter()
            .filter(|m| {
                // A file may declare a merge backwards ("B2:A1"): dropped before subtracting.
                m.start.0 <= m.end.0
                    && m.start.1 <= m.end.1
                    && (2..=MAX_MERGE_FILL).contains(
                        &((u64::from(m.end.0 - m.start.0) + 1)
                            * (u64::from(m.end.1 - m.start.1) + 1)),
                    )
            })
            .collect();
        merges.sort_by_key(|m| (m.start, m.end));
        merges.dedup();
        for (i, m) in merges.iter().enumerate() {
            for r in m.start.0..=m.end.0 {
                budget.take_merged(&self.grid.name)?;
                let at = self.grid.merge_rows.entry(r).or_default();
                if at.len() < MAX_MERGES_PER_ROW {
                    at.push(i as u32);
                }
            }
        }
        if !merges.is_empty() {
            self.fill_merges(&merges, budget)?;
        }
        self.grid.merges = merges;
        // Each row's cells in one allocation of the right size.
        let runs: Vec<(u32, usize)> = self
            .cells
            .chunk_by(|a, b| a.0 == b.0)
            .map(|run| (run[0].0, run.len()))
            .collect();
        let mut cells = self.cells.into_iter();
        self.grid.rows = runs
            .into_iter()
            .map(|(row, len)| GridRow {
                row,
                cells: cells
                    .by_ref()
                    .take(len)
                    .map(|(_, c, cell)| (c, cell))
                    .collect(),
            })
            .collect();
        Ok(self.grid)
    }

    /// Copy each merged region's top-left value into its other cells (a 会议日期 merged
    /// over three meetings belongs to all three).
    fn fill_merges(
        &mut self,
        merges: &[Dimensions],
        budget: &mut CellBudget,
    ) -> Result<(), ReadError> {
        let mut extra = Vec::new();
        for m in merges {
            let Ok(i) = self
                .cells
                .binary_search_by_key(&m.start, |(r, c, _)| (*r, *c))
            else {
                continue;
            };
            let value = self.cells[i].2.clone();
            for r in m.start.0..=m.end.0 {
                for c in m.start.1..=m.end.1 {
                    if (r, c) != m.start
                        && self
                            .cells
                            .binary_search_by_key(&(r, c), |(r, c, _)| (*r, *c))
                            .is_err()
                    {
                        budget.take_merged(&self.grid.name)?;
                        extra.push((r, c, value.clone()));
                    }
                }
            }
        }
        if !extra.is_empty() {
            self.cells.extend(extra);
            // Stable: a cell two overlapping merges both fill keeps the first copy only.
            self.cells.sort_by_key(|(r, c, _)| (*r, *c));
            self.cells.dedup_by_key(|(r, c, _)| (*r, *c));
        }
        Ok(())
    }
}

/// Build a grid from plain rows of text (CSV).
pub fn grid_from_text_rows(name: &str, rows: Vec<Vec<String>>) -> Grid {
    let mut b = GridBuilder::new(name, false);
    for (r, row) in rows.into_iter().enumerate() {
        for (c, v) in row.into_iter().enumerate() {
            b.push(r as u32, c as u32, Cell::Text(v.into()));
        }
    }
    let mut unlimited = CellBudget {
        left: u64::MAX,
        limit: u64::MAX,
    };
    b.finish(Vec::new(), &mut unlimited)
        .expect("no merges, no budget to exceed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backwards_merge_is_not_filled() {
        // "B2:A1" as a file may declare it: start after end. Skipped, not subtracted.
        let mut b = GridBuilder::new("会议记录", false);
        b.push(1, 1, Cell::Text("2024-07-15".into()));
        let backwards = Dimensions {
            start: (1, 1),
            end: (0, 0),
        };
        let g = b.finish(vec![backwards], &mut budget(100)).unwrap();
        assert_eq!(g.rows.len(), 1);
        assert_eq!(g.rows[0].cells.len(), 1);
        assert!(g.merges.is_empty() && g.merge_at(0, 0).is_none());
    }

    fn budget(n: u64) -> CellBudget {
        CellBudget { left: n, limit: n }
    }

    fn dims(r0: u32, c0: u32, r1: u32, c1: u32) -> Dimensions {
        Dimensions {
            start: (r0, c0),
            end: (r1, c1),
        }
    }

    #[test]
    fn date_serial_beyond_excel_is_a_number() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = |v: f64| {
            convert(DataRef::DateTime(ExcelDateTime::new(
                v,
                ExcelDateTimeType::DateTime,
                false,
            )))
        };
        assert_eq!(
            date(45_504.0),
            Some(Cell::Date(NaiveDate::from_ymd_opt(2024, 7, 31).unwrap()))
        );
        // read_xlsb found an RK date cell of about 1e300: calamine's as_datetime panicked.
        for v in [1e300, -1e300, 1e12, f64::INFINITY] {
            assert_eq!(date(v), Some(Cell::Number(v)), "{v}");
        }
        assert!(matches!(date(f64::NAN), Some(Cell::Number(n)) if n.is_nan()));
    }

    #[test]
    fn merges_fill_and_are_found_by_row() {
        let mut b = GridBuilder::new("会议记录", false);
        b.push(1, 0, Cell::Text("2024-07-15".into()));
        b.push(0, 0, Cell::Text("红星村党支部会议记录".into()));
        // The same merge twice, a title across A1:F1, a date down A2:A4.
        let g = b
            .finish(
                vec![dims(1, 0, 3, 0), dims(0, 0, 0, 5), dims(1, 0, 3, 0)],
                &mut budget(100),
            )
            .unwrap();
        assert_eq!(g.merges.len(), 2);
        assert_eq!(g.rows.len(), 4);
        assert_eq!(g.rows[3].get(0), Some(&Cell::Text("2024-07-15".into())));
        assert_eq!(g.horizontal_merge_at(0, 4), Some(&dims(0, 0, 0, 5)));
        assert_eq!(g.horizontal_merge_at(2, 0), None);
        assert_eq!(g.merge_at(2, 0), Some(&dims(1, 0, 3, 0)));
    }

    #[test]
    fn overlapping_merges_cannot_multiply_cells() {
        // 300 distinct merges over the same 100 × 100 block, each with the value at A1:
        // filled one by one, they made 1.5 million copies of it. Now each cell is kept once
        // and every fill is charged to the cell budget.
        let overlapping: Vec<Dimensions> = (0..300)
            .map(|i| dims(0, 0, 99 - i / 100, 99 - i % 100))
            .collect();
        let mut b = GridBuilder::new("党员花名册", false);
        b.push(0, 0, Cell::Text("x".into()));
        let g = b
            .finish(overlapping.clone(), &mut budget(2_000_000))
            .unwrap();
        assert_eq!(g.rows.iter().map(|r| r.cells.len()).sum::<usize>(), 10_000);
        let mut b = GridBuilder::new("党员花名册", false);
        b.push(0, 0, Cell::Text("x".into()));
        let e = b.finish(overlapping, &mut budget(20_000)).unwrap_err();
        assert!(e.to_string().contains("合并单元格"), "{e}");
    }
}
