//! Every supported file format turned into the same thing, [`Grid`]s: what a file's bytes say
//! it is, then the reader for it. Only this module and the format readers (`xlsx_fast`,
//! `xlsx_merges`, `xls_guard`, `ods_guard`, `csv_file`) know calamine and CSV.

use std::io::{Cursor, Read, Seek};

use calamine::{Data, Ods, Reader, SheetType, Xls, Xlsb, Xlsx};

use calamine::Dimensions;

use super::cell::{
    CellBudget, Grid, GridBuilder, MAX_SHEET_RANGE, ReadError, convert, convert_owned, huge_sheet,
    unreadable,
};
use crate::campaign::Limits;

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

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
}
