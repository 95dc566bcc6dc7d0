//! Merged regions of every sheet of an xlsx, found by inflating each sheet once and searching
//! its bytes for `<mergeCell ref=…>`: several times cheaper than calamine's way (a second full
//! XML parse of the sheet), and merges are needed on every sheet (titles, two-row headers,
//! cells merged over several rows). While a sheet is inflated, it is also noted whether it is
//! plain (see [`Unpacked::plain`]).

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};

use calamine::Dimensions;
use memchr::memmem;

use crate::text::may_hold_id_digits;

/// Sheet name → its merged regions.
pub type Merges = HashMap<String, Vec<Dimensions>>;

/// Sheets bigger than this in all (inflated) are left to the streaming path: the copy below
/// holds a workbook's inflated sheets in memory at once.
pub(super) const MAX_UNPACKED: u64 = 64 << 20;

/// The package with its sheets stored uncompressed, and each sheet's merged regions found
/// while they were inflated; `None` when the package cannot be understood this way (the
/// caller then uses [`merges_by_sheet`] on the original).
///
/// calamine reads cells and never merges; finding merges meant inflating every sheet a second
/// time, a quarter of the read floor. Here each sheet is inflated once: its bytes are searched
/// for merges, then handed to calamine as a stored entry (a copy and a CRC, no inflate). Every
/// other part is copied as it is, still compressed.
///
/// The package is built in `buf` (cleared first) and returned in it: a reader thread reuses one
/// buffer from file to file instead of asking the system for fresh zeroed pages each time.
pub fn unpack(bytes: &[u8], buf: Vec<u8>) -> Option<Unpacked> {
    unpack_within(bytes, MAX_UNPACKED, buf)
}

/// What [`unpack`] gives.
pub struct Unpacked {
    pub package: Vec<u8>,
    pub merges: Merges,
    /// Sheets whose XML holds nothing that could be an ID or a phone (no long digit run, no
    /// number in exponent form, no digit as a character reference) and that are not the
    /// selected tab: the feedback workbook can copy them as they are, without inflating them
    /// again to check.
    pub plain: HashSet<String>,
}

fn unpack_within(bytes: &[u8], cap: u64, mut buf: Vec<u8>) -> Option<Unpacked> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let sheets = sheet_paths(&mut zip)?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).ok()?;
        if sheets.contains_key(f.name().ok()?.as_ref()) {
            total = total.saturating_add(f.size());
        }
    }
    if total > cap {
        return None;
    }
    buf.clear();
    buf.reserve(bytes.len() + total as usize);
    let mut out = zip::ZipWriter::new(Cursor::new(buf));
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    let mut merges = HashMap::new();
    let mut plain = HashSet::new();
    // Declared sizes may lie: what is actually inflated is counted against the same cap.
    let mut left = cap;
    let mut xml = Vec::new();
    for i in 0..zip.len() {
        let name = zip.by_index_raw(i).ok()?.name().ok()?.to_string();
        match sheets.get(&name) {
            Some(sheet) => {
                let mut f = zip.by_index(i).ok()?;
                xml.clear();
                xml.reserve(f.size().min(left) as usize);
                (&mut f).take(left + 1).read_to_end(&mut xml).ok()?;
                left = left.checked_sub(xml.len() as u64)?;
                merges.insert(sheet.clone(), merge_refs(&xml));
                if !may_hold_id_digits(&xml) && memmem::find(&xml, b"tabSelected").is_none() {
                    plain.insert(sheet.clone());
                }
                out.start_file(name, stored).ok()?;
                std::io::Write::write_all(&mut out, &xml).ok()?;
            }
            None => out.raw_copy_file(zip.by_index_raw(i).ok()?).ok()?,
        }
    }
    Some(Unpacked {
        package: out.finish().ok()?.into_inner(),
        merges,
        plain,
    })
}

/// Sheet part path (as named in the zip) → sheet name.
pub(super) fn sheet_paths<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> Option<HashMap<String, String>> {
    let mut read = |name: &str| -> Option<Vec<u8>> {
        let mut f = zip.by_name(name).ok()?;
        let mut buf = Vec::with_capacity(f.size().min(64 << 20) as usize);
        f.read_to_end(&mut buf).ok()?;
        Some(buf)
    };
    let workbook = read("xl/workbook.xml")?;
    let rels = read("xl/_rels/workbook.xml.rels")?;
    let targets: HashMap<String, String> = tags(&rels, b"<Relationship ")
        .filter_map(|t| Some((attr(t, b" Id=\"")?, attr(t, b" Target=\"")?)))
        .collect();
    let mut out = HashMap::new();
    for tag in tags(&workbook, b"<sheet ") {
        let name = attr(tag, b" name=\"")?;
        let id = attr(tag, b":id=\"")?;
        let target = targets.get(&id)?;
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{}", target.trim_start_matches("./")),
        };
        out.insert(path, name);
    }
    Some(out)
}

/// Sheet name → merged regions; `None` when the package cannot be understood this way (the
/// caller then asks calamine).
pub fn merges_by_sheet(bytes: &[u8]) -> Option<Merges> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = HashMap::new();
    for (path, name) in sheet_paths(&mut zip)? {
        let Ok(mut f) = zip.by_name(&path) else {
            continue;
        };
        let mut xml = Vec::with_capacity(f.size().min(64 << 20) as usize);
        if f.read_to_end(&mut xml).is_ok() {
            out.insert(name, merge_refs(&xml));
        }
    }
    Some(out)
}

/// The inside of every tag that starts with `open` (up to its `>`).
fn tags<'a>(xml: &'a [u8], open: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    memmem::find_iter(xml, open).filter_map(move |i| {
        let rest = &xml[i + open.len() - 1..];
        let end = memchr::memchr(b'>', rest)?;
        Some(&rest[..end])
    })
}

/// An attribute's value (entities resolved), given `key` as ` name="`.
fn attr(tag: &[u8], key: &[u8]) -> Option<String> {
    let i = memmem::find(tag, key)? + key.len();
    let end = memchr::memchr(b'"', &tag[i..])?;
    let raw = std::str::from_utf8(&tag[i..i + end]).ok()?;
    if !raw.contains('&') {
        return Some(raw.to_string());
    }
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

pub(super) fn merge_refs(xml: &[u8]) -> Vec<Dimensions> {
    tags(xml, b"<mergeCell ")
        .filter_map(|t| attr(t, b"ref=\""))
        .filter_map(|r| {
            let (a, b) = r.split_once(':')?;
            Some(Dimensions {
                start: cell_ref(a)?,
                end: cell_ref(b)?,
            })
        })
        .collect()
}

/// `B12` → (11, 1), zero-based.
fn cell_ref(s: &str) -> Option<(u32, u32)> {
    let s = s.trim_start_matches('$');
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.split_at(split);
    let digits = digits.trim_start_matches('$');
    let letters = letters.trim_end_matches('$');
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters.bytes() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        col = col * 26 + u32::from(c - b'A') + 1;
    }
    let row: u32 = digits.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("$K$15"), Some((14, 10)));
        assert_eq!(cell_ref("AA3"), Some((2, 26)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref("1A"), None);
        assert_eq!(cell_ref("A0"), None);
    }

    /// Every .xlsx under tests/fixtures (real writers: LibreOffice, openpyxl, xlsxwriter…).
    fn fixture_xlsx() -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .map(|e| e.path().to_path_buf())
            .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect()
    }

    #[test]
    fn agrees_with_calamine_on_real_files() {
        use calamine::{Reader, Xlsx};
        let mut checked = 0;
        for (p, bytes) in fixture_xlsx() {
            if p.to_string_lossy().contains("hostile") {
                continue;
            }
            let Ok(mut book) = Xlsx::new(Cursor::new(bytes.as_slice())) else {
                continue;
            };
            let ours = merges_by_sheet(&bytes).unwrap();
            for name in book.sheet_names() {
                let mut theirs = book.merge_cells_by_sheet_name(&name).unwrap();
                let mut mine = ours[&name].clone();
                theirs.sort_by_key(|d| (d.start, d.end));
                mine.sort_by_key(|d| (d.start, d.end));
                assert_eq!(mine, theirs, "{} › {name}", p.display());
                checked += 1;
            }
        }
        assert!(checked > 30, "{checked}");
    }

    /// A workbook whose sheets inflate past the cap is left to the streaming path (None), so
    /// unpacking never holds more than the cap whatever the sizes the zip declares.
    #[test]
    fn unpacking_stops_at_the_cap() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/single/libreoffice.xlsx");
        let bytes = std::fs::read(path).unwrap();
        let package = unpack_within(&bytes, MAX_UNPACKED, Vec::new())
            .unwrap()
            .package;
        let mut zip = zip::ZipArchive::new(Cursor::new(package.as_slice())).unwrap();
        let sheets: u64 = sheet_paths(&mut zip)
            .unwrap()
            .keys()
            .map(|p| zip.by_name(p).unwrap().size())
            .sum();
        assert!(sheets > 100);
        assert!(unpack_within(&bytes, sheets, Vec::new()).is_some());
        assert!(unpack_within(&bytes, sheets - 1, Vec::new()).is_none());
    }

    /// The unpacked package (sheets stored) reads exactly as the original, cell for cell and
    /// merge for merge, on every real xlsx fixture (LibreOffice, openpyxl, xlsxwriter…).
    #[test]
    fn unpacked_package_reads_as_the_original() {
        use calamine::{Reader, Xlsx};
        let mut checked = 0;
        for (p, bytes) in fixture_xlsx() {
            let Ok(mut original) = Xlsx::new(Cursor::new(bytes.as_slice())) else {
                continue;
            };
            let Some(Unpacked {
                package, merges, ..
            }) = unpack(&bytes, Vec::new())
            else {
                continue;
            };
            let mut unpacked = Xlsx::new(Cursor::new(package.as_slice())).unwrap();
            assert_eq!(merges_by_sheet(&bytes).unwrap(), merges, "{}", p.display());
            for name in original.sheet_names() {
                let (Ok(a), Ok(b)) = (
                    original.worksheet_range(&name),
                    unpacked.worksheet_range(&name),
                ) else {
                    continue;
                };
                assert_eq!(a, b, "{} › {name}", p.display());
                checked += 1;
            }
        }
        assert!(checked > 30, "{checked}");
    }
}
