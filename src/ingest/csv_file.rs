//! CSV as Excel on Chinese Windows writes it: UTF-8 with or without BOM, UTF-16 with BOM
//! ("Unicode 文本"), or GBK/GB18030 ("CSV (逗号分隔)"), comma- or tab-separated.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use super::cell::{Grid, ReadError, grid_from_text_rows};

/// Decode by BOM, else strict UTF-8, else strict GB18030 (a superset of GBK); anything
/// else is refused rather than read as mojibake.
pub fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(str::to_string)
            .map_err(|_| bad_encoding());
    }
    for (bom, enc) in [(&b"\xFF\xFE"[..], UTF_16LE), (&b"\xFE\xFF"[..], UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return enc
                .decode_without_bom_handling_and_without_replacement(rest)
                .map(|s| s.into_owned())
                .ok_or_else(bad_encoding);
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| s.into_owned())
        .ok_or_else(bad_encoding)
}

fn bad_encoding() -> ReadError {
    ReadError::Unreadable(
        "CSV 文件的编码无法识别（既不是 UTF-8 也不是 GBK/GB18030）；请用 Excel 另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后报送"
            .to_string(),
    )
}

/// The separator used by the first line: tab for "Unicode 文本" exports, else comma.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.matches(c).count();
    if count('\t') > count(',') {
        b'\t'
    } else if count(';') > count(',') {
        b';'
    } else {
        b','
    }
}

/// Line breaks in a run of `\r` and `\n` (`\r\n` counts once).
fn line_breaks(run: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < run.len() {
        i += if run[i] == b'\r' && run.get(i + 1) == Some(&b'\n') {
            2
        } else {
            1
        };
        n += 1;
    }
    n
}

fn is_line_break(b: &u8) -> bool {
    matches!(b, b'\r' | b'\n')
}

pub fn read_csv(bytes: &[u8]) -> Result<Grid, ReadError> {
    let text = decode(bytes)?;
    let raw = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(raw);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut record = csv::StringRecord::new();
    // Where the previous record's content ended (before its line break).
    let mut prev_end: Option<usize> = None;
    loop {
        let before = reader.position().byte() as usize;
        let more = reader.read_record(&mut record).map_err(|e| {
            ReadError::Unreadable(format!(
                "CSV 文件第 {} 行格式有误（引号不配对等），无法读取；请用 Excel 打开后重新另存为 CSV",
                e.position().map_or(0, |p| p.line())
            ))
        })?;
        if !more {
            break;
        }
        // The parser passes over empty lines, but Excel shows each as a blank row: keep them,
        // or every cell below one is cited a row too high. A record never starts with a line
        // break, so the breaks between two records' contents are the lines between them.
        let after = (reader.position().byte() as usize).clamp(before, raw.len());
        let span = &raw[before..after];
        let start = before + span.iter().take_while(|b| is_line_break(b)).count();
        let end = after
            - raw[start..after]
                .iter()
                .rev()
                .take_while(|b| is_line_break(b))
                .count();
        let breaks = line_breaks(&raw[prev_end.unwrap_or(0)..start]);
        let blank = match prev_end {
            None => breaks,
            Some(_) => breaks.saturating_sub(1),
        };
        rows.extend(std::iter::repeat_with(Vec::new).take(blank));
        rows.push(record.iter().map(str::to_string).collect());
        prev_end = Some(end);
    }
    Ok(grid_from_text_rows("", rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_decodes() {
        let (bytes, _, _) = GB18030.encode("姓名,性别\r\n王喆,男\r\n");
        assert_eq!(decode(&bytes).unwrap(), "姓名,性别\r\n王喆,男\r\n");
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(decode("\u{feff}姓名".as_bytes()).unwrap(), "姓名");
    }

    #[test]
    fn utf16_with_bom_decodes() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("姓名\t性别".encode_utf16().flat_map(u16::to_le_bytes));
        let g = read_csv(&bytes).unwrap();
        assert_eq!(g.rows[0].cells.len(), 2);
    }

    /// (row, text of its first cell) of each non-empty grid row.
    fn rows_of(text: &str) -> Vec<(u32, String)> {
        read_csv(text.as_bytes())
            .unwrap()
            .rows
            .iter()
            .map(|r| (r.row, r.cells[0].1.display().into_owned()))
            .collect()
    }

    #[test]
    fn empty_lines_keep_the_rows_excel_shows() {
        let want = |rows: &[(u32, &str)]| -> Vec<(u32, String)> {
            rows.iter().map(|(r, s)| (*r, s.to_string())).collect()
        };
        assert_eq!(
            rows_of("标题\n\n姓名,性别\n王芳,女\n\n\n李明,男\n"),
            want(&[(0, "标题"), (2, "姓名"), (3, "王芳"), (6, "李明")])
        );
        assert_eq!(
            rows_of("标题\r\n\r\n姓名,性别\r\n王芳,女\r\n"),
            want(&[(0, "标题"), (2, "姓名"), (3, "王芳")])
        );
        assert_eq!(
            rows_of("\n\n姓名\n王芳\n"),
            want(&[(2, "姓名"), (3, "王芳")])
        );
        // A line break inside a quoted cell is no row of its own; one ending the cell neither.
        assert_eq!(
            rows_of("姓名,内容\n王芳,\"一\n\n二\n\"\n\n李明,三\n"),
            want(&[(0, "姓名"), (1, "王芳"), (3, "李明")])
        );
        // A line of commas is a row too.
        assert_eq!(
            rows_of("姓名,性别\n,\n王芳,女\n"),
            want(&[(0, "姓名"), (2, "王芳")])
        );
    }

    #[test]
    fn neither_utf8_nor_gb18030_is_refused() {
        // 0xFF is never a valid byte in GB18030 or UTF-8.
        assert!(decode(b"a\xFFb,c").is_err());
    }
}
