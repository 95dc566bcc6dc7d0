//! Every supported file format turned into the same thing: a sparse grid of cells per sheet,
//! with absolute positions and merged regions filled; text as written. Only this module
//! knows calamine and CSV (and xlsx_fast.rs, its faster reader for ordinary .xlsx files).

use compact_str::CompactString;
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use calamine::{Data, DataRef, Dimensions, Ods, Reader, SheetType, Xls, Xlsb, Xlsx};
use chrono::NaiveDate;

use crate::model::dates::{iso_date_compact, iso_date_text};

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

/// A number as Excel's General format would show it: integers without `.0`.
pub fn number_text(n: f64) -> String {
    number_compact(n).into_string()
}

/// [`number_text`] held inline (General format is at most 24 bytes for all but odd values).
pub fn number_compact(n: f64) -> CompactString {
    use compact_str::ToCompactString;
    if n.fract() == 0.0 && n.abs() < 1e15 {
        (n as i64).to_compact_string()
    } else {
        compact_str::format_compact!("{n}")
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
    /// xlsx only: see [`crate::model::SheetEntry::xml_plain`].
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

fn unreadable(msg: impl Into<String>) -> ReadError {
    ReadError::Unreadable(msg.into())
}

/// The largest sheet range (rows × columns) handed to calamine's dense readers (.xls, .ods):
/// an old .xls sheet's own size, 65536 rows × 256 columns, under 1 GB in calamine's ranges.
/// A return is a few thousand cells; only a broken or hostile file asks for more.
pub const MAX_SHEET_RANGE: u64 = 65_536 * 256;

fn huge_sheet() -> ReadError {
    unreadable(
        "工作表的使用范围超过 65536 行 × 256 列的面积，远超正常报表（多半是在表格远处误输入了内容，或文件已损坏），读取会耗尽内存，已拒绝；请删除表格远处多余的内容，或用 Excel、WPS 打开确认后另存为 .xlsx 再报送",
    )
}

/// Limits that keep a hostile file cheap (SPEC §6; configurable in campaign.toml).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_inflated_bytes: u64,
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 << 20,
            max_inflated_bytes: 256 << 20,
            max_cells: 2_000_000,
        }
    }
}

/// What a file's bytes say it is, whatever its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
    Csv,
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decide the reader from the content: branches rename files freely (an .xlsx saved as .xls
/// by WPS is common), so the extension only picks CSV and breaks ties.
pub fn sniff(bytes: &[u8], ext: &str, limits: &Limits) -> Result<Format, ReadError> {
    if bytes.is_empty() {
        return Err(unreadable(
            "文件是空的（0 字节），可能传输或保存失败；请重新保存后报送",
        ));
    }
    // WPS's own format: whatever is inside, ask for a standard workbook (its layout is not
    // documented, and a half-understood file would lose rows silently).
    if ext == "et" {
        return Err(unreadable(
            "这是 WPS 表格专用格式（.et）；请在 WPS 中“另存为” Excel 工作簿（.xlsx）后报送",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes, limits);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        if contains_utf16(bytes, "EncryptedPackage") {
            return Err(unreadable(
                "工作簿设置了打开密码（已加密），无法读取；请取消密码后重新报送",
            ));
        }
        if contains_utf16(bytes, "WordDocument") {
            return Err(unreadable(
                "这是 Word 文档（.doc），不是电子表格；请把台账填入 Excel 表格后报送",
            ));
        }
        return Ok(Format::Xls);
    }
    if ext == "csv" {
        return Ok(Format::Csv);
    }
    Err(unreadable(format!(
        "文件内容不是 Excel 工作簿（扩展名为 .{ext}，但内容像是文本或其他格式）；请用 Excel 或 WPS 打开后“另存为” .xlsx 再报送"
    )))
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pat: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(pat.len()).any(|w| w == pat.as_slice())
}

fn sniff_zip(bytes: &[u8], limits: &Limits) -> Result<Format, ReadError> {
    let corrupt = || unreadable("文件已损坏或不完整（可能传输中断），无法打开；请重新保存后报送");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| corrupt())?;
    let mut total: u64 = 0;
    let (mut xlsx, mut xlsb, mut ods, mut docx) = (false, false, false, false);
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| corrupt())?;
        total = total.saturating_add(f.size());
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        match name.as_str() {
            "xl/workbook.xml" => xlsx = true,
            "xl/workbook.bin" => xlsb = true,
            "mimetype" | "content.xml" => ods = true,
            "word/document.xml" => docx = true,
            _ => {}
        }
    }
    if total > limits.max_inflated_bytes {
        return Err(unreadable(format!(
            "文件解压后超过 {} MB，超出正常报表的大小，已拒绝读取（可能是损坏或恶意文件）；请检查后重新报送",
            limits.max_inflated_bytes >> 20
        )));
    }
    if xlsx {
        Ok(Format::Xlsx)
    } else if xlsb {
        Ok(Format::Xlsb)
    } else if ods {
        Ok(Format::Ods)
    } else if docx {
        Err(unreadable(
            "这是 Word 文档，不是电子表格；请把台账填入 Excel 表格后报送",
        ))
    } else {
        Err(unreadable(
            "文件是压缩包而不是 Excel 工作簿；请解压后报送其中的表格",
        ))
    }
}

/// Read every sheet of a file. One bad sheet fails the file: a half-read workbook would
/// silently lose rows.
pub fn read_grids(bytes: &[u8], ext: &str, limits: &Limits) -> Result<Vec<Grid>, ReadError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(unreadable(format!(
            "文件超过 {} MB，远大于正常报表，已拒绝读取；请确认是否传错文件",
            limits.max_file_bytes >> 20
        )));
    }
    let mut budget = CellBudget::new(limits.max_cells);
    match sniff(bytes, ext, limits)? {
        Format::Csv => crate::ingest::csv_file::read_csv(bytes).map(|g| vec![g]),
        Format::Xlsx => read_xlsx(bytes, limits, &mut budget),
        Format::Xlsb => read_xlsb(bytes, &mut budget),
        Format::Xls => read_xls(bytes, &mut budget),
        Format::Ods => read_ods(bytes, limits, &mut budget),
    }
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

fn broken(err: impl std::fmt::Display) -> ReadError {
    let text = err.to_string();
    // The reader library's own words, for whoever maintains this tool; never shown otherwise.
    if std::env::var_os("ORGLIFE_DEBUG").is_some() {
        eprintln!("orglife debug: {text}");
    }
    if text.to_lowercase().contains("password") || text.contains("encrypt") {
        return unreadable("工作簿设置了密码（已加密），无法读取；请取消密码后重新报送");
    }
    if text.contains("Cell limit exceeded") {
        return unreadable(
            "工作表的使用范围大得异常（有单元格远在几万行、几千列之外，多半是误输入），读取会耗尽内存，已拒绝；请删除表格远处多余的内容后重新保存再报送",
        );
    }
    unreadable("文件已损坏或格式不完整，无法读取；请用 Excel 或 WPS 打开确认后重新保存再报送")
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

fn convert_owned(value: &Data) -> Option<Cell> {
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

fn worksheet_names<RS: Read + Seek, R: Reader<RS>>(book: &R) -> Vec<String> {
    book.sheets_metadata()
        .iter()
        .filter(|s| matches!(s.typ, SheetType::WorkSheet))
        .map(|s| s.name.clone())
        .collect()
}

/// The largest `uniqueCount` an .xlsx's shared-string tables declare. calamine reserves
/// that many strings up front, so a hostile count (a few digits) makes the allocation fail
/// and the process abort. Every member named like `sharedStrings.xml` is looked at (calamine
/// finds the table through the package's relationships), up to its `<sst>` element only.
pub(super) fn declared_shared_strings(bytes: &[u8]) -> u64 {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return 0;
    };
    let mut largest = 0;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index(i) else { continue };
        let named = f.name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if !named.ends_with("sharedstrings.xml") {
            continue;
        }
        let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(f));
        xml.config_mut().check_end_names = false;
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                    if e.local_name().as_ref() == "sst" =>
                {
                    let n = e
                        .try_get_attribute("uniqueCount")
                        .ok()
                        .flatten()
                        .and_then(|a| a.value.trim_start_matches('+').parse::<u64>().ok());
                    largest = largest.max(n.unwrap_or(0));
                    break;
                }
                Ok(quick_xml::events::Event::Eof) | Err(_) => break,
                _ => buf.clear(),
            }
        }
    }
    largest
}

fn read_xlsx(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut CellBudget,
) -> Result<Vec<Grid>, ReadError> {
    let strings = declared_shared_strings(bytes);
    if strings > limits.max_cells {
        return Err(unreadable(format!(
            "工作簿声明了 {strings} 个不同的文字内容，远超正常报表（上限 {}），文件可能已损坏或是恶意文件，已拒绝读取；请用 Excel 或 WPS 打开确认后重新保存再报送",
            limits.max_cells
        )));
    }
    // Ordinary files: the sheets scanned directly (xlsx_fast.rs); anything unusual, calamine.
    if let Some(grids) = super::xlsx_fast::read(bytes, limits, budget) {
        return grids;
    }
    read_xlsx_calamine(bytes, budget)
}

/// The calamine path: every .xlsx the fast path leaves alone, and its reference in tests.
pub(super) fn read_xlsx_calamine(
    bytes: &[u8],
    budget: &mut CellBudget,
) -> Result<Vec<Grid>, ReadError> {
    // Sheets inflated once, merges found on the way; else the original and a second pass.
    let scratch = PACKAGE.with(|b| std::mem::take(&mut *b.borrow_mut()));
    let (package, mut merges, plain) = match super::xlsx_merges::unpack(bytes, scratch) {
        Some(u) => (Some(u.package), u.merges, u.plain),
        None => (
            None,
            super::xlsx_merges::merges_by_sheet(bytes).unwrap_or_default(),
            Default::default(),
        ),
    };
    let mut grids = xlsx_grids(package.as_deref().unwrap_or(bytes), &mut merges, budget);
    if let Ok(grids) = &mut grids {
        for g in grids {
            g.xml_plain = plain.contains(&g.name);
        }
    }
    // The buffer goes back to this thread for its next file, unless a huge one grew it.
    if let Some(p) = package.filter(|p| p.capacity() <= MAX_KEPT_PACKAGE) {
        PACKAGE.with(|b| *b.borrow_mut() = p);
    }
    grids
}

thread_local! {
    /// This reader thread's buffer for [`super::xlsx_merges::unpack`].
    static PACKAGE: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A package buffer larger than this is freed after use rather than kept for the next file.
const MAX_KEPT_PACKAGE: usize = 16 << 20;

fn xlsx_grids(
    package: &[u8],
    merges: &mut super::xlsx_merges::Merges,
    budget: &mut CellBudget,
) -> Result<Vec<Grid>, ReadError> {
    let mut book = Xlsx::new(Cursor::new(package)).map_err(broken)?;
    let is_1904 = book.has_1904_epoch();
    let mut grids = Vec::new();
    for name in worksheet_names(&book) {
        let mut b = GridBuilder::new(&name, is_1904);
        {
            let mut reader = book.worksheet_cells_reader(&name).map_err(broken)?;
            while let Some(cell) = reader.next_cell().map_err(broken)? {
                let (row, col) = cell.get_position();
                if let Some(v) = convert(cell.get_value().clone()) {
                    budget.take(&name)?;
                    b.push(row, col, v);
                }
            }
        }
        let regions = match merges.remove(&name) {
            Some(m) => m,
            None => book.merge_cells_by_sheet_name(&name).map_err(broken)?,
        };
        grids.push(b.finish(regions, budget)?);
    }
    Ok(grids)
}

fn read_xlsb(bytes: &[u8], budget: &mut CellBudget) -> Result<Vec<Grid>, ReadError> {
    let mut book = Xlsb::new(Cursor::new(bytes)).map_err(broken)?;
    let is_1904 = book.has_1904_epoch();
    let mut grids = Vec::new();
    for name in worksheet_names(&book) {
        let mut b = GridBuilder::new(&name, is_1904);
        let mut reader = book.worksheet_cells_reader(&name).map_err(broken)?;
        while let Some(cell) = reader.next_cell().map_err(broken)? {
            let (row, col) = cell.get_position();
            if let Some(v) = convert(cell.get_value().clone()) {
                budget.take(&name)?;
                b.push(row, col, v);
            }
        }
        grids.push(b.finish(Vec::new(), budget)?);
    }
    Ok(grids)
}

fn read_xls(bytes: &[u8], budget: &mut CellBudget) -> Result<Vec<Grid>, ReadError> {
    // What calamine cannot survive (a looping sector chain, a sheet asking for terabytes)
    // must be refused before it starts: an allocation failure aborts the whole run. The
    // compound-file damage it would panic on is refused here too.
    match crate::ingest::xls_guard::check(bytes) {
        Ok(()) => {}
        Err(crate::ingest::xls_guard::Refusal::Damaged) => {
            return Err(broken("damaged compound file"));
        }
        Err(crate::ingest::xls_guard::Refusal::HugeSheet) => return Err(huge_sheet()),
    }
    let mut book = Xls::new(Cursor::new(bytes)).map_err(broken)?;
    let is_1904 = book.has_1904_epoch();
    let mut grids = Vec::new();
    for name in worksheet_names(&book) {
        let range = book.worksheet_range(&name).map_err(broken)?;
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        grids.push(range_grid(&name, &range, merges, is_1904, budget)?);
    }
    Ok(grids)
}

fn read_ods(
    bytes: &[u8],
    limits: &Limits,
    budget: &mut CellBudget,
) -> Result<Vec<Grid>, ReadError> {
    // What calamine cannot survive must be refused before it starts (ods_guard.rs): a
    // table never closed (it loops for ever), repeats expanding into gigabytes.
    if let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes))
        && let Ok(content) = zip.by_name("content.xml")
    {
        use crate::ingest::ods_guard::{Scan, scan};
        match scan(content.take(limits.max_inflated_bytes)) {
            Scan::Hangs => return Err(broken("unclosed table")),
            Scan::Reads { cells, .. } if cells > MAX_SHEET_RANGE => return Err(huge_sheet()),
            Scan::Reads { text_bytes, .. } if text_bytes > limits.max_inflated_bytes => {
                return Err(unreadable(format!(
                    "工作表中重复填写的单元格展开后内容超过 {} MB，远超正常报表，文件可能已损坏或是恶意文件，已拒绝读取；请用 Excel 或 WPS 打开确认后另存为 .xlsx 再报送",
                    limits.max_inflated_bytes >> 20
                )));
            }
            Scan::Reads { .. } | Scan::Fails => {}
        }
    }
    let mut book = Ods::new(Cursor::new(bytes)).map_err(broken)?;
    let mut grids = Vec::new();
    for name in worksheet_names(&book) {
        let range = book.worksheet_range(&name).map_err(broken)?;
        grids.push(range_grid(&name, &range, Vec::new(), false, budget)?);
    }
    Ok(grids)
}

/// A calamine range is relative to its start: add it back, or every address is off for
/// sheets that do not begin at A1.
fn range_grid(
    name: &str,
    range: &calamine::Range<Data>,
    merges: Vec<Dimensions>,
    is_1904: bool,
    budget: &mut CellBudget,
) -> Result<Grid, ReadError> {
    let mut b = GridBuilder::new(name, is_1904);
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        if let Some(cell) = convert_owned(v) {
            budget.take(name)?;
            b.push(r0 + r as u32, c0 + c as u32, cell);
        }
    }
    b.finish(merges, budget)
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
    use std::io::Write;

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

    /// An .xlsx fixture with one member's text replaced.
    fn xlsx_with(member: &str, from: &str, to: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/single/libreoffice.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().into_owned();
            let mut text = Vec::new();
            f.read_to_end(&mut text).unwrap();
            if name == member {
                let t = String::from_utf8(text).unwrap();
                assert!(t.contains(from), "{member} has {from}");
                text = t.replace(from, to).into_bytes();
            }
            out.start_file(name, opts).unwrap();
            out.write_all(&text).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn xlsx_huge_shared_string_count_is_refused() {
        let limits = Limits::default();
        let fine = xlsx_with(
            "xl/sharedStrings.xml",
            "uniqueCount=\"14\"",
            "uniqueCount=\"14\"",
        );
        assert_eq!(declared_shared_strings(&fine), 14);
        assert!(read_grids(&fine, "xlsx", &limits).is_ok());
        // calamine would reserve 10^12 strings (24 TB): the allocation fails and aborts.
        let huge = xlsx_with(
            "xl/sharedStrings.xml",
            "uniqueCount=\"14\"",
            "uniqueCount=\"1000000000000\"",
        );
        let e = read_grids(&huge, "xlsx", &limits).unwrap_err().to_string();
        assert!(e.contains("1000000000000") && e.contains("请"), "{e}");
    }

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
