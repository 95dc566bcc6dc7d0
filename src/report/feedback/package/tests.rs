//! Tests of `package`.

use super::*;
use crate::report::mask::mask_text;
use crate::report::xlsx_style::{Out, Tone};
use calamine::{Data, Reader, Xlsx};

fn fixture(path: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::read(root.join(path)).unwrap()
}

fn findings() -> FindingsSheet {
    FindingsSheet {
        title: "红星村党支部　反馈".into(),
        summary: "发现问题 1 条".into(),
        rows: vec![vec![
            Out::Num(1.0),
            Out::text("C005"),
            Out::toned("严重", Tone::Bad),
            Out::text("问题"),
            Out::text("王芳"),
            Out::text("请补充"),
            Out::text("a.xlsx"),
            Out::text("Sheet1"),
            Out::text("B2"),
        ]],
    }
}

fn sheets(bytes: &[u8]) -> Vec<(String, calamine::Range<Data>)> {
    let mut wb = Xlsx::new(Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let r = wb.worksheet_range(&n).unwrap();
            (n, r)
        })
        .collect()
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// Shown as the branch sent it, IDs and phones masked.
fn shown(d: &Data) -> String {
    match d {
        Data::String(s) => mask_text(s).into_owned(),
        Data::Float(f) => {
            crate::report::mask::mask_number(*f).unwrap_or_else(|| crate::text::number_text(*f))
        }
        Data::Int(i) => crate::report::mask::mask_number(*i as f64).unwrap_or(i.to_string()),
        other => other.to_string(),
    }
}

#[test]
fn returns_from_real_writers_are_patched_and_read_back_as_sent() {
    for path in [
        "single/libreoffice.xlsx",
        "single/openpyxl_merged.xlsx",
        "single/date_1904.xlsx",
        "single/offset.xlsx",
        "township/红星村/青林镇红星村党支部专题组织生活会台账.xlsx",
        "clean_township/竹林桥镇基层党组织名册.xlsx",
    ] {
        let bytes = fixture(path);
        let before = sheets(&bytes);
        let target = before[0].0.clone();
        let marks = HashMap::from([(
            target.clone(),
            vec![
                Mark {
                    row: 1,
                    col: 1,
                    tone: Tone::Bad,
                    note: "C005 严重：请补充".into(),
                },
                Mark {
                    row: 60,
                    col: 3,
                    tone: Tone::Info,
                    note: "远处的空单元格".into(),
                },
            ],
        )]);
        let first = findings();
        let plain = HashSet::new();
        let patch = Patch {
            first: &first,
            marks: &marks,
            mask: true,
            plain: &plain,
        };
        let out = build(&bytes, Base::Original, &patch).unwrap_or_else(|e| panic!("{path}: {e:?}"));
        let after = sheets(&out);
        assert_eq!(after[0].0, "问题清单", "{path}");
        assert_eq!(
            after[0].1.get_value((0, 0)),
            Some(&Data::String(first.title.clone()))
        );
        assert_eq!(
            after[0].1.get_value((3, 1)),
            Some(&Data::String("代码".into()))
        );
        assert_eq!(after.len(), before.len() + 1, "{path}");
        for ((name, a), (name2, b)) in before.iter().zip(&after[1..]) {
            assert_eq!(name, name2, "{path}");
            for (r, c, d) in a.used_cells() {
                let (r, c) = (
                    r as u32 + a.start().unwrap().0,
                    c as u32 + a.start().unwrap().1,
                );
                let got = b.get_value((r, c)).map(shown).unwrap_or_default();
                assert_eq!(got, shown(d), "{path} {name} ({r},{c})");
            }
        }
        // The note, where Excel looks for it.
        let rels = part(&out, "xl/worksheets/_rels/sheet2.xml.rels");
        assert!(
            rels.contains("../comments1.xml") && rels.contains("vmlDrawing1.vml"),
            "{rels}"
        );
        let comments = part(&out, "xl/comments1.xml");
        assert!(comments.contains(r#"ref="B2""#) && comments.contains("C005 严重：请补充"));
        assert!(comments.contains(r#"ref="D61""#));
        let types = part(&out, "[Content_Types].xml");
        assert!(types.contains("/xl/comments1.xml") && types.contains("Extension=\"vml\""));
        // The flagged cell's format has the red fill.
        let sheet = part(&out, "xl/worksheets/sheet2.xml");
        let cell = sheet.split("<c r=\"B2\"").nth(1).unwrap();
        let s = number_after(cell, "s=\"");
        let styles = part(&out, "xl/styles.xml");
        let xfs = styles.split("<cellXfs").nth(1).unwrap();
        let xf = xfs.split("<xf ").nth(s + 1).unwrap();
        let fill = number_after(xf, "fillId=\"");
        let fills = styles.split("<fills").nth(1).unwrap();
        assert!(
            fills
                .split("<fill>")
                .nth(fill + 1)
                .unwrap()
                .contains("FFFFC7CE"),
            "{path}"
        );
        // Nothing personal left anywhere.
        let mut zip = zip::ZipArchive::new(Cursor::new(&out[..])).unwrap();
        for i in 0..zip.len() {
            let mut s = String::new();
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            f.read_to_string(&mut s).unwrap();
            assert!(pii_free(&s), "{path} {name}");
        }
    }
}

/// The number right after the first `key` in `s` (`s="12"` → 12).
fn number_after(s: &str, key: &str) -> usize {
    let rest = s.split(key).nth(1).unwrap();
    rest.split('"').next().unwrap().parse().unwrap()
}

/// A copy of `bytes` with one more part.
fn with_part(bytes: &[u8], name: &str, body: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        out.raw_copy_file(zip.by_index_raw(i).unwrap()).unwrap();
    }
    out.start_file(name, SimpleFileOptions::default()).unwrap();
    out.write_all(body.as_bytes()).unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn parts_it_does_not_rewrite_send_the_return_to_the_cell_writer() {
    let bytes = fixture("single/openpyxl_merged.xlsx");
    let first = findings();
    let marks = HashMap::new();
    let plain = HashSet::new();
    let patch = Patch {
        first: &first,
        marks: &marks,
        mask: true,
        plain: &plain,
    };
    assert!(build(&bytes, Base::Original, &patch).is_ok());
    let drawing = with_part(&bytes, "xl/drawings/drawing1.xml", "<xdr:wsDr/>");
    assert!(build(&drawing, Base::Original, &patch).is_err());
    // A phone where no cell is (here the document properties) is not let through.
    let props = with_part(
        &bytes,
        "docProps/custom.xml",
        "<Properties>13812345678</Properties>",
    );
    assert!(build(&props, Base::Original, &patch).is_err());
    assert!(build(b"not a zip", Base::Original, &patch).is_err());
}

/// `bytes` with workbook.xml edited by `f`.
fn with_workbook(bytes: &[u8], f: impl Fn(String) -> String) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut m = zip.by_index(i).unwrap();
        let name = m.name().unwrap().to_string();
        let mut body = Vec::new();
        m.read_to_end(&mut body).unwrap();
        if name == "xl/workbook.xml" {
            body = f(String::from_utf8(body).unwrap()).into_bytes();
        }
        out.start_file(name, SimpleFileOptions::default()).unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Found by the fuzz target `feedback_xlsx` (its check that sheet names stay distinct): a
/// return with a sheet of its own called 问题清单 (here LibreOffice's 会议记录 renamed) came back
/// with two sheets of that name, which Excel refuses to open; so did a return already holding
/// two sheets of one name (calamine reads both). Both go to the cell writer.
#[test]
fn a_sheet_already_called_the_findings_sheet_sends_the_return_to_the_cell_writer() {
    let bytes = fixture("single/libreoffice.xlsx");
    let xml = part(&bytes, "xl/workbook.xml");
    assert!(xml.contains("name=\"会议记录\""));
    let renamed = with_workbook(&bytes, |x| {
        x.replace("name=\"会议记录\"", "name=\"问题清单\"")
    });
    let rid = xml
        .split("r:id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let twice = with_workbook(&bytes, |x| {
        x.replace(
            "</sheets>",
            &format!("<sheet name=\"会议记录\" sheetId=\"9\" r:id=\"{rid}\"/></sheets>"),
        )
    });
    let first = findings();
    let marks = HashMap::new();
    let plain = HashSet::new();
    let patch = Patch {
        first: &first,
        marks: &marks,
        mask: false,
        plain: &plain,
    };
    assert!(build(&bytes, Base::Original, &patch).is_ok());
    assert_eq!(
        build(&renamed, Base::Original, &patch).unwrap_err(),
        Unpatchable("工作簿中已有名为问题清单的工作表")
    );
    assert_eq!(
        build(&twice, Base::Original, &patch).unwrap_err(),
        Unpatchable("工作簿中有同名的工作表")
    );
}
