//! A look at an .xls (an OLE compound file holding BIFF records) before calamine opens it,
//! for the two things calamine cannot survive and a catch_unwind cannot catch:
//!
//! - a sector chain that loops: calamine follows chains until their declared length (for
//!   the directory, without any), so a loop of one sector grows memory without end;
//! - a sheet that claims or spans more cells than an .xls sheet can hold (65536 × 256,
//!   [`MAX_SHEET_RANGE`]): calamine reserves the DIMENSIONS record's area and fills the
//!   cells' bounding box with empty values, so a few hostile bytes ask for terabytes and
//!   the process aborts.
//!
//! The walk follows calamine 0.38's own reading (xls.rs, cfb.rs) so that it sees the same
//! bytes. Where the container is damaged in a way calamine would index out of bounds on (a
//! chain pointing past the allocation table, a truncated table, a sheet starting past the
//! stream), the file is refused here as damaged rather than left to panic. Faults inside a
//! sheet's records are left to calamine: its errors, and its panics through the per-file
//! catch_unwind in `ingest`, cost only the file (S002).

use super::cell::MAX_SHEET_RANGE;

#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The compound file's structure is broken where calamine would loop for ever, read on
    /// past the mini stream into whatever bytes follow, or index out of bounds: a sector
    /// chain that loops or points past the file or its allocation table, a truncated
    /// allocation table, a sheet that starts past the end of the workbook stream.
    Damaged,
    /// A sheet's declared or used range is larger than an .xls sheet can be.
    HugeSheet,
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

/// Sectors as calamine numbers them: sector `id` follows the header (one sector long).
struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    maxid: u32,
}

impl Sectors<'_> {
    /// `Ok(None)` where calamine returns an error (a sector id past `maxid`), `Damaged`
    /// where it panics (a sector starting past the end of the file).
    fn get(&self, id: u32) -> Result<Option<&[u8]>, Refusal> {
        if id > self.maxid {
            return Ok(None);
        }
        let start = (id as usize + 1) * self.size;
        let end = (start + self.size).min(self.data.len());
        self.data.get(start..end).map(Some).ok_or(Refusal::Damaged)
    }

    /// A sector of the allocation tables, read as u32s (calamine asserts whole u32s).
    fn get_u32s(&self, id: u32) -> Result<Option<Vec<u32>>, Refusal> {
        match self.get(id)? {
            Some(s) if s.len() % 4 != 0 => Err(Refusal::Damaged),
            Some(s) => Ok(Some(u32s(s).collect())),
            None => Ok(None),
        }
    }

    /// Follow a chain as calamine's `get_chain` does, but never for more steps than there
    /// are sectors: a longer chain must visit some sector twice.
    fn chain(&self, mut id: u32, fats: &[u32], len: u64) -> Result<Option<Vec<u8>>, Refusal> {
        let mut out = Vec::new();
        let mut steps: u64 = 0;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > u64::from(self.maxid) + 1 {
                return Err(Refusal::Damaged);
            }
            let Some(sector) = self.get(id)? else {
                return Ok(None);
            };
            let remaining = len.saturating_sub(out.len() as u64);
            let take = (sector.len() as u64).min(remaining) as usize;
            out.extend_from_slice(&sector[..take]);
            if out.len() as u64 >= len {
                break;
            }
            id = *fats.get(id as usize).ok_or(Refusal::Damaged)?;
        }
        Ok(Some(out))
    }
}

/// The mini stream's 64-byte sectors, as calamine reads them (from the loaded mini stream).
fn mini_chain(
    ministream: &[u8],
    mut id: u32,
    minifat: &[u32],
    len: u64,
    maxid: u32,
) -> Result<Option<Vec<u8>>, Refusal> {
    let mut out = Vec::new();
    let mut steps: u64 = 0;
    while id != ENDOFCHAIN {
        steps += 1;
        if steps > u64::from(maxid) + 1 {
            return Err(Refusal::Damaged);
        }
        if id > maxid {
            return Ok(None);
        }
        let start = id as usize * 64;
        let Some(sector) = ministream.get(start..start + 64) else {
            return Err(Refusal::Damaged);
        };
        let remaining = len.saturating_sub(out.len() as u64);
        out.extend_from_slice(&sector[..(sector.len() as u64).min(remaining) as usize]);
        if out.len() as u64 >= len {
            break;
        }
        id = *minifat.get(id as usize).ok_or(Refusal::Damaged)?;
    }
    Ok(Some(out))
}

struct Dir {
    name: String,
    start: u32,
    len: u64,
}

/// The Workbook (or BIFF5 "Book") stream, or `None` where calamine would fail anyway.
fn workbook_stream(bytes: &[u8]) -> Result<Option<Vec<u8>>, Refusal> {
    let Some(header) = bytes.get(..512) else {
        return Ok(None);
    };
    let size = match u16_at(header, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Ok(None),
    };
    let version = u16_at(header, 26).unwrap_or(0);
    let (Some(dir_start), Some(mini_fat_start), Some(mini_fat_len), Some(difat_start)) = (
        u32_at(header, 48),
        u32_at(header, 60),
        u32_at(header, 64),
        u32_at(header, 68),
    ) else {
        return Ok(None);
    };
    let maxid = (bytes.len() / size) as u32;
    let sectors = Sectors {
        data: bytes,
        size,
        maxid,
    };

    let mut difat: Vec<u32> = u32s(&header[76..512]).collect();
    let mut id = difat_start;
    let mut difat_sectors = 0u64;
    while id < RESERVED_SECTORS {
        difat_sectors += 1;
        if difat_sectors > u64::from(maxid) + 1 {
            return Ok(None); // calamine refuses this itself
        }
        let Some(s) = sectors.get_u32s(id)? else {
            return Ok(None);
        };
        difat.extend(s);
        let Some(next) = difat.pop() else {
            return Ok(None);
        };
        id = next;
    }
    let mut fats = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        let Some(s) = sectors.get_u32s(id)? else {
            return Ok(None);
        };
        fats.extend(s);
    }

    let Some(dir_bytes) = sectors.chain(dir_start, &fats, u64::MAX)? else {
        return Ok(None);
    };
    let dirs: Vec<Dir> = dir_bytes
        .chunks_exact(128)
        .map(|c| {
            let units: Vec<u16> = c[..64]
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]]))
                .collect();
            let mut name = String::from_utf16_lossy(&units);
            if let Some(l) = name.as_bytes().iter().position(|b| *b == 0) {
                name.truncate(l);
            }
            let len = if size == 512 {
                u64::from(u32_at(c, 120).unwrap_or(0))
            } else {
                u64::from_le_bytes(c[120..128].try_into().unwrap_or_default())
            };
            Dir {
                name,
                start: u32_at(c, 116).unwrap_or(0),
                len,
            }
        })
        .collect();
    if dirs.is_empty() || (version != 3 && dirs[0].start == ENDOFCHAIN) {
        return Ok(None);
    }
    let (minifat, ministream) = if mini_fat_len > 0 {
        let Some(ministream) = sectors.chain(dirs[0].start, &fats, dirs[0].len)? else {
            return Ok(None);
        };
        let minifat_len = u64::from(mini_fat_len).saturating_mul(size as u64);
        let Some(minifat) = sectors.chain(mini_fat_start, &fats, minifat_len)? else {
            return Ok(None);
        };
        (u32s(&minifat).collect::<Vec<_>>(), ministream)
    } else {
        (Vec::new(), Vec::new())
    };
    let find = |name: &str| {
        dirs.iter()
            .find(|d| d.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    };
    let Some(d) = find("Workbook").or_else(|| find("Book")) else {
        return Ok(None);
    };
    if d.len < 4096 {
        mini_chain(
            &ministream,
            d.start,
            &minifat,
            d.len,
            maxid.saturating_mul(8),
        )
    } else {
        sectors.chain(d.start, &fats, d.len)
    }
}

/// BIFF records as calamine's `RecordIter` splits them (CONTINUE records are skipped here:
/// they never hold a cell's position).
fn records(mut s: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let typ = u16_at(s, 0)?;
        let len = u16_at(s, 2)? as usize;
        let data = s.get(4..4 + len)?;
        s = &s[4 + len..];
        while u16_at(s, 0) == Some(0x003C) && s.len() > 4 {
            let l = u16_at(s, 2)? as usize;
            s = s.get(4 + l..)?;
        }
        Some((typ, data))
    })
}

/// calamine's DIMENSIONS reading (xls.rs `parse_dimensions`) and the area it then reserves,
/// with a release build's wrapping arithmetic.
fn dimensions_area(r: &[u8]) -> Option<u64> {
    let (rf, rl, mut cf, cl) = match r.len() {
        10 => (
            u32::from(u16_at(r, 0)?),
            u32::from(u16_at(r, 2)?),
            u32::from(u16_at(r, 4)?),
            u32::from(u16_at(r, 6)?),
        ),
        14 | 16 => (
            u32_at(r, 0)?,
            u32_at(r, 4)?,
            u32::from(u16_at(r, 8)?),
            u32::from(u16_at(r, 10)?),
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = end.0.wrapping_sub(start.0).wrapping_add(1);
    let cols = end.1.wrapping_sub(start.1).wrapping_add(1);
    Some(u64::from(rows) * u64::from(cols))
}

/// The cells a sheet's records span, as calamine's `Range::from_sparse` will fill them.
#[derive(Default)]
struct Span {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        let grow = |s: &mut Option<(u32, u32)>, v: u32| {
            *s = Some(match *s {
                None => (v, v),
                Some((a, b)) => (a.min(v), b.max(v)),
            })
        };
        grow(&mut self.rows, row);
        grow(&mut self.cols, col);
    }

    fn area(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => {
                u64::from(r1 - r0 + 1).saturating_mul(u64::from(c1 - c0 + 1))
            }
            _ => 0,
        }
    }
}

fn check_sheet(sheet: &[u8]) -> Result<(), Refusal> {
    let mut cells = Span::default();
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in records(sheet) {
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let pos = || Some((u32::from(u16_at(data, 0)?), u32::from(u16_at(data, 2)?)));
        match typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x0200 if dimensions_area(data).is_some_and(|a| a > MAX_SHEET_RANGE) => {
                return Err(Refusal::HugeSheet);
            }
            // Number, Label, RString, BoolErr, Rk, LabelSst, Formula
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                if let Some((r, c)) = pos() {
                    cells.add(r, c);
                }
            }
            // MulRk: first column at 2, last column in the record's last two bytes.
            0x00BD => {
                if let (Some((r, c)), Some(last)) = (
                    pos(),
                    data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                ) {
                    cells.add(r, c);
                    cells.add(r, u32::from(last));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    if cells.area() > MAX_SHEET_RANGE {
        return Err(Refusal::HugeSheet);
    }
    Ok(())
}

/// Check an .xls before calamine reads it.
pub fn check(bytes: &[u8]) -> Result<(), Refusal> {
    let Some(stream) = workbook_stream(bytes)? else {
        return Ok(());
    };
    // The workbook globals: each BoundSheet8 gives where its sheet's records start.
    let mut starts = Vec::new();
    for (typ, data) in records(&stream) {
        match typ {
            0x0085 => {
                if let Some(pos) = u32_at(data, 0) {
                    starts.push(pos as usize);
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    for pos in starts {
        check_sheet(stream.get(pos..).ok_or(Refusal::Damaged)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaign::Limits;
    use crate::ingest::read::read_grids;

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/single")
            .join(name);
        std::fs::read(path).unwrap()
    }

    fn find(bytes: &[u8], pat: &[u8]) -> usize {
        bytes.windows(pat.len()).position(|w| w == pat).unwrap()
    }

    fn refusal_reason(bytes: &[u8]) -> String {
        read_grids(bytes, "xls", &Limits::default())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn real_xls_files_pass_and_their_sheets_are_walked() {
        for name in ["libreoffice.xls", "offset.xls"] {
            let bytes = fixture(name);
            let stream = workbook_stream(&bytes).unwrap().expect(name);
            let sheets = records(&stream).filter(|(t, _)| *t == 0x0085).count();
            assert!(sheets >= 1, "{name}");
            assert_eq!(check(&bytes), Ok(()), "{name}");
        }
    }

    #[test]
    fn xls_dimensions_beyond_a_sheet_are_refused() {
        let good = fixture("offset.xls");
        // DIMENSIONS, BIFF8: type 0x0200, 14 bytes: first row, last row + 1 (u32), columns.
        let at = find(&good, b"\x00\x02\x0e\x00") + 4;

        // Four billion rows: calamine reserves them all before reading a cell.
        let mut huge = good.clone();
        huge[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(check(&huge), Err(Refusal::HugeSheet));

        // Last row before the first: calamine's row count wraps round to four billion.
        let mut backwards = good.clone();
        backwards[at..at + 4].copy_from_slice(&100u32.to_le_bytes());
        assert_eq!(check(&backwards), Err(Refusal::HugeSheet));
        let reason = refusal_reason(&backwards);
        assert!(
            reason.contains("65536 行") && reason.contains("请"),
            "{reason}"
        );
    }

    #[test]
    fn xls_cell_far_outside_a_sheet_is_refused() {
        let mut bytes = fixture("offset.xls");
        // LabelSst at row 3, col 2: move it to row 65535, column 65535. calamine would fill
        // the 65536 × 65534 cells between it and the others (137 GB) and abort.
        let at = find(&bytes, b"\xfd\x00\x0a\x00") + 4;
        bytes[at..at + 4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF]);
        assert_eq!(check(&bytes), Err(Refusal::HugeSheet));
        assert!(refusal_reason(&bytes).contains("65536 行"));
    }

    #[test]
    fn xls_looping_directory_chain_is_refused() {
        let mut bytes = fixture("offset.xls");
        // Point the directory's first sector at itself in the FAT: calamine would follow
        // the chain for ever, growing memory by a sector each time.
        let dir_start = u32_at(&bytes, 48).unwrap() as usize;
        let fat_sector = u32_at(&bytes, 76).unwrap() as usize;
        let at = (fat_sector + 1) * 512 + dir_start * 4;
        bytes[at..at + 4].copy_from_slice(&(dir_start as u32).to_le_bytes());
        assert_eq!(check(&bytes), Err(Refusal::Damaged));
        assert!(refusal_reason(&bytes).contains("损坏"));
    }

    #[test]
    fn xls_chain_into_a_sector_past_the_file_is_refused() {
        let mut bytes = fixture("offset.xls");
        // The directory chain goes on to the last sector id the file's length allows, which
        // starts past its end: calamine slices out of bounds (cfb.rs) and panics.
        let dir_start = u32_at(&bytes, 48).unwrap() as usize;
        let fat_sector = u32_at(&bytes, 76).unwrap() as usize;
        let last = (bytes.len() / 512) as u32;
        let at = (fat_sector + 1) * 512 + dir_start * 4;
        bytes[at..at + 4].copy_from_slice(&last.to_le_bytes());
        assert_eq!(check(&bytes), Err(Refusal::Damaged));
    }

    #[test]
    fn xls_sheet_starting_past_the_workbook_stream_is_refused() {
        let mut bytes = fixture("offset.xls");
        // BoundSheet8: the sheet's records start at this stream offset; calamine slices the
        // stream there without a check and panics.
        let at = find(&bytes, b"\x85\x00") + 4;
        bytes[at..at + 4].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        assert_eq!(check(&bytes), Err(Refusal::Damaged));
    }
}
