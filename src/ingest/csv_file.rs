//! CSV as Excel on Chinese Windows writes it: UTF-8 with or without BOM, UTF-16 with BOM
//! ("Unicode 文本"), or GBK/GB18030 ("CSV (逗号分隔)"), comma- or tab-separated.

use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};

use super::grid::{Grid, ReadError, grid_from_text_rows};

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

pub fn read_csv(bytes: &[u8]) -> Result<Grid, ReadError> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            ReadError::Unreadable(format!(
                "CSV 文件第 {} 行格式有误（引号不配对等），无法读取；请用 Excel 打开后重新另存为 CSV",
                e.position().map_or(0, |p| p.line())
            ))
        })?;
        rows.push(record.iter().map(str::to_string).collect());
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

    #[test]
    fn neither_utf8_nor_gb18030_is_refused() {
        // 0xFF is never a valid byte in GB18030 or UTF-8.
        assert!(decode(b"a\xFFb,c").is_err());
    }
}
