use super::meta::{Format, builtin_format, custom_format};
use super::scanner::{Attrs, RawAttrs, is_space_byte, push_unescaped};
use super::*;
use crate::ingest::cell::Cell;
use crate::ingest::read::{Format as FileFormat, declared_shared_strings, sniff};
use std::io::Write;
use std::path::{Path, PathBuf};

fn budget() -> CellBudget {
    CellBudget::new(Limits::default().max_cells)
}

/// The fast path's answer and the calamine path's.
type Both = (
    Option<Result<Vec<Grid>, ReadError>>,
    Result<Vec<Grid>, ReadError>,
);

/// Both paths on one file: `None` when it is no xlsx the old path would be handed.
fn both(bytes: &[u8]) -> Option<Both> {
    let limits = Limits::default();
    if !matches!(sniff(bytes, "xlsx", &limits), Ok(FileFormat::Xlsx))
        || declared_shared_strings(bytes) > limits.max_cells
    {
        return None;
    }
    let fast = read(bytes, &Limits::default(), &mut budget());
    let old = crate::ingest::read::read_xlsx_calamine(bytes, &mut budget());
    Some((fast, old))
}

fn same_grids(a: &[Grid], b: &[Grid], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: sheet count");
    for (x, y) in a.iter().zip(b) {
        let at = format!("{what} › {}", y.name);
        assert_eq!(x.name, y.name, "{at}");
        assert_eq!(x.is_1904, y.is_1904, "{at}: is_1904");
        assert_eq!(x.rows.len(), y.rows.len(), "{at}: rows");
        for (r, s) in x.rows.iter().zip(&y.rows) {
            // Debug text: NaN equals NaN, -0 differs from 0.
            assert_eq!(format!("{r:?}"), format!("{s:?}"), "{at}");
        }
        assert_eq!(x.merges, y.merges, "{at}: merges");
        assert_eq!(x.truncated, y.truncated, "{at}: truncated");
        assert_eq!(x.xml_plain, y.xml_plain, "{at}: xml_plain");
    }
}

/// Fast or fallen back; when fast, the same grids (or the same refusal) as calamine's.
fn differential(path: &Path, bytes: &[u8]) -> Option<bool> {
    let (fast, old) = both(bytes)?;
    let what = path.display().to_string();
    match (fast, old) {
        (None, _) => Some(false),
        (Some(Ok(a)), Ok(b)) => {
            same_grids(&a, &b, &what);
            Some(true)
        }
        (Some(Err(a)), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{what}");
            Some(true)
        }
        (Some(a), b) => panic!("{what}: fast {:?}, calamine {:?}", a.err(), b.err()),
    }
}

fn xlsx_under(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx"))
        .collect();
    v.sort();
    v
}

#[test]
fn fixtures_read_as_calamine_reads_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let (mut fast, mut fell_back, mut hostile_fast, mut hostile_back) = (0, 0, 0, 0);
    for p in xlsx_under(&root) {
        let bytes = std::fs::read(&p).unwrap();
        let odd = ["hostile", "broken"]
            .iter()
            .any(|w| p.to_string_lossy().contains(w));
        match (differential(&p, &bytes), odd) {
            (Some(true), false) => fast += 1,
            (Some(false), false) => {
                println!("fell back: {}", p.display());
                fell_back += 1;
            }
            (Some(true), true) => hostile_fast += 1,
            (Some(false), true) => {
                println!("fell back (hostile/broken): {}", p.display());
                hostile_back += 1;
            }
            (None, _) => println!("not an xlsx to read: {}", p.display()),
        }
    }
    println!(
        "fixtures: {fast} fast, {fell_back} fell back; hostile/broken: {hostile_fast} fast, {hostile_back} fell back"
    );
    assert!(
        fast >= 15 && fast > 4 * fell_back,
        "{fast} fast, {fell_back} fell back"
    );
}

/// How many of `files` were read fast, as calamine reads them, and how many fell back.
fn fast_and_fallen_back<'a>(files: impl Iterator<Item = &'a PathBuf>) -> (usize, usize) {
    let (mut fast, mut fell_back) = (0, 0);
    for p in files {
        let bytes = std::fs::read(p).unwrap();
        match differential(p, &bytes) {
            Some(true) => fast += 1,
            _ => {
                println!("fell back: {}", p.display());
                fell_back += 1;
            }
        }
    }
    (fast, fell_back)
}

/// The bundled sample township (its openpyxl-written .xlsx returns): every workbook read
/// fast, cell for cell as calamine reads it. Runs in CI with the fixtures above.
#[test]
fn sample_data_reads_as_calamine_reads_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024");
    let (fast, fell_back) = fast_and_fallen_back(xlsx_under(&root).iter());
    println!("sample_data: {fast} fast, {fell_back} fell back");
    assert!(
        fast >= 15 && fell_back == 0,
        "{fast} fast, {fell_back} fell back"
    );
}

#[test]
fn benchmark_sample_reads_as_calamine_reads_it() {
    let root = Path::new("/tmp/orglife-bench-200/returns");
    if !root.is_dir() {
        println!("{} absent: skipped", root.display());
        return;
    }
    let (fast, fell_back) = fast_and_fallen_back(xlsx_under(root).iter().step_by(8));
    println!("benchmark sample: {fast} fast, {fell_back} fell back");
    assert!(
        fast > 0 && fell_back == 0,
        "{fast} fast, {fell_back} fell back"
    );
}

// ---- Small hand-written packages -------------------------------------------------------

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="177" formatCode="[h]:mm"/></numFmts><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" xfId="0"/><xf numFmtId="14" fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="176" fontId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="177" fontId="0" xfId="0" applyNumberFormat="1"><alignment horizontal="center"/></xf><xf numFmtId="22" fontId="0" xfId="0"/><xf numFmtId="2" fontId="0" xfId="0"/></cellXfs></styleSheet>"#;

/// A package with one sheet (`sheet_data` inside `<sheetData>`) and the given strings.
fn package(sheet_data: &str, strings: &[&str], date1904: bool) -> Vec<u8> {
    package_with(sheet_data, strings, date1904, |_, x| x)
}

fn package_with(
    sheet_data: &str,
    strings: &[&str],
    date1904: bool,
    edit: impl Fn(&str, String) -> String,
) -> Vec<u8> {
    let ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let sst: String = strings.iter().map(|s| format!("<si>{s}</si>")).collect();
    let members = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}"><workbookPr{}/><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
                if date1904 { r#" date1904="1""# } else { "" }
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/styles" Target="styles.xml"/><Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ),
        ("xl/styles.xml", STYLES.to_string()),
        (
            "xl/sharedStrings.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="{0}" uniqueCount="{0}">{sst}</sst>"#, strings.len()),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}" xmlns:r="{rel}"><dimension ref="A1:C3"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>{sheet_data}</sheetData><mergeCells count="1"><mergeCell ref="A5:B5"/></mergeCells></worksheet>"#),
        ),
    ];
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in members {
        out.start_file(name, opts).unwrap();
        out.write_all(edit(name, text).as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The grid read the fast way, after checking calamine reads the same.
fn fast_grid(bytes: &[u8]) -> Grid {
    let (fast, old) = both(bytes).expect("an xlsx");
    let fast = fast.expect("read the fast way").unwrap();
    same_grids(&fast, &old.unwrap(), "hand-written");
    fast.into_iter().next().unwrap()
}

fn falls_back(bytes: &[u8]) -> bool {
    read(bytes, &Limits::default(), &mut budget()).is_none()
}

fn cell(g: &Grid, row: u32, col: u32) -> Option<&Cell> {
    g.rows.iter().find(|r| r.row == row)?.get(col)
}

fn text(s: &str) -> Option<Cell> {
    Some(Cell::Text(s.into()))
}

fn date(y: i32, m: u32, d: u32) -> Option<Cell> {
    Some(Cell::Date(
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap(),
    ))
}

#[test]
fn shared_and_inline_strings_rich_runs_and_phonetics() {
    let strings = [
        "<t>张三</t>",
        r#"<r><rPr><b/><sz val="11"/><rFont val="宋体"/></rPr><t>红星</t></r><r><t xml:space="preserve"> 村 </t></r><rPh sb="0" eb="2"><t>ホン</t></rPh><phoneticPr fontId="1"/>"#,
        "<t>  trimmed\r\n</t>",
        "<t/>",
    ];
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><r><t>党员</t></r><r><rPr><i/></rPr><t xml:space="preserve"> 大会</t></r><rPh sb="0" eb="1"><t>トウ</t></rPh></is></c><c r="B2" t="inlineStr"><is><t>a_x000D_b</t></is></c><c r="C2" t="inlineStr"><is/></c></row>"#;
    let g = fast_grid(&package(data, &strings, false));
    assert_eq!(cell(&g, 0, 0).cloned(), text("张三"));
    assert_eq!(cell(&g, 0, 1).cloned(), text("红星 村 "));
    assert_eq!(cell(&g, 0, 2).cloned(), text("trimmed"));
    assert_eq!(cell(&g, 0, 3), None);
    assert_eq!(cell(&g, 1, 0).cloned(), text("党员 大会"));
    assert_eq!(cell(&g, 1, 1).cloned(), text("a\rb"));
    assert_eq!(cell(&g, 1, 2), None);
}

#[test]
fn entities_and_character_references() {
    let strings = [
        "<t>A&amp;B &lt;1&gt; &quot;x&quot; &apos;y&apos; &#24352;&#x4E09;</t>",
        "<t>&#10;line&#13;</t>",
    ];
    let data = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="str"><f>"a"&amp;"b"</f><v>a&amp;b&#x41;&#13;&#10;x&#xD;</v></c></row>"#;
    let g = fast_grid(&package(data, &strings, false));
    assert_eq!(cell(&g, 0, 0).cloned(), text("A&B <1> \"x\" 'y' 张三"));
    assert_eq!(cell(&g, 0, 1).cloned(), text("line"));
    assert_eq!(cell(&g, 0, 2).cloned(), text("a&bA\r\nx\r"));
    // An entity calamine cannot resolve is its to refuse.
    let bad = package(
        r#"<row r="1"><c r="A1" t="str"><v>&nbsp;</v></c></row>"#,
        &[],
        false,
    );
    assert!(falls_back(&bad));
    let upper_x = package(
        r#"<row r="1"><c r="A1" t="str"><v>&#X41;</v></c></row>"#,
        &[],
        false,
    );
    assert!(falls_back(&upper_x));
}

#[test]
fn formulas_booleans_errors_and_iso_dates() {
    let data = r#"<row r="1"><c r="A1" t="str"><f>CONCAT(B1,"x")</f><v>结果</v></c><c r="B1" t="b"><v>1</v></c><c r="C1" t="b"><v>0</v></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E1" t="e"><v>#N/A</v></c><c r="F1"><f>1+1</f><v>2</v></c><c r="G1" t="d"><v>2024-07-31T00:00:00</v></c><c r="H1" t="d"><v>不是日期</v></c><c r="I1"><v>1</v><f>1</f></c><c r="J1" t="str"><f>""</f><v></v></c></row>"#;
    let g = fast_grid(&package(data, &[], false));
    assert_eq!(cell(&g, 0, 0).cloned(), text("结果"));
    assert_eq!(cell(&g, 0, 1), Some(&Cell::Bool(true)));
    assert_eq!(cell(&g, 0, 2), Some(&Cell::Bool(false)));
    assert_eq!(cell(&g, 0, 3), Some(&Cell::Error("#DIV/0!".into())));
    assert_eq!(cell(&g, 0, 4), Some(&Cell::Error("#N/A".into())));
    assert_eq!(cell(&g, 0, 5), Some(&Cell::Number(2.0)));
    assert_eq!(cell(&g, 0, 6).cloned(), date(2024, 7, 31));
    assert_eq!(cell(&g, 0, 7).cloned(), text("不是日期"));
    // A formula after the value empties the cell, as calamine reads it.
    assert_eq!(cell(&g, 0, 8), None);
    assert_eq!(cell(&g, 0, 9), None);
    let odd_error = package(
        r#"<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c></row>"#,
        &[],
        false,
    );
    assert!(falls_back(&odd_error));
}

#[test]
fn date_styles_and_number_styles() {
    // Styles: 1 builtin 14, 2 yyyy"年"m"月"d"日", 3 [h]:mm, 4 builtin 22, 5 "0.00".
    let data = r#"<row r="1"><c r="A1" s="1"><v>45504</v></c><c r="B1" s="2"><v>45504.75</v></c><c r="C1" s="3"><v>1.5</v></c><c r="D1" s="4"><v>45505.5</v></c><c r="E1" s="5"><v>45504</v></c><c r="F1"><v>3.25</v></c><c r="G1" s="99"><v>7</v></c><c r="H1" s="1"><v>1e300</v></c><c r="I1" s="0"><v>-0</v></c></row>"#;
    let g = fast_grid(&package(data, &[], false));
    assert_eq!(cell(&g, 0, 0).cloned(), date(2024, 7, 31));
    assert_eq!(cell(&g, 0, 1).cloned(), date(2024, 7, 31));
    assert_eq!(cell(&g, 0, 2), Some(&Cell::Number(1.5)));
    assert_eq!(cell(&g, 0, 3).cloned(), date(2024, 8, 1));
    assert_eq!(cell(&g, 0, 4), Some(&Cell::Number(45504.0)));
    assert_eq!(cell(&g, 0, 5), Some(&Cell::Number(3.25)));
    assert_eq!(cell(&g, 0, 6), Some(&Cell::Number(7.0)));
    assert_eq!(cell(&g, 0, 7), Some(&Cell::Number(1e300)));
    assert_eq!(format!("{:?}", cell(&g, 0, 8)), "Some(Number(-0.0))");
    // 1904: the same serial is four years and a day later.
    let g = fast_grid(&package(
        r#"<row r="1"><c r="A1" s="1"><v>44042</v></c></row>"#,
        &[],
        true,
    ));
    assert!(g.is_1904);
    assert_eq!(cell(&g, 0, 0).cloned(), date(2024, 7, 31));
}

#[test]
fn rows_and_cells_without_references() {
    let data = r#"<row><c><v>1</v></c><c t="inlineStr"><is><t>b</t></is></c></row><row r="4" spans="1:3"><c><v>2</v></c><c r="C4"><v>3</v></c><c><v>4</v></c></row><row/><row><c r="B9"><v>5</v></c><c/><c><v>6</v></c></row><row r="12"><c r="a12"><v>7</v></c></row>"#;
    let g = fast_grid(&package(data, &[], false));
    assert_eq!(cell(&g, 0, 0), Some(&Cell::Number(1.0)));
    assert_eq!(cell(&g, 0, 1).cloned(), text("b"));
    assert_eq!(cell(&g, 3, 0), Some(&Cell::Number(2.0)));
    assert_eq!(cell(&g, 3, 2), Some(&Cell::Number(3.0)));
    assert_eq!(cell(&g, 3, 3), Some(&Cell::Number(4.0)));
    // <row/> is row 5; the next row without r is 6, its cell placed by its own r.
    assert_eq!(cell(&g, 8, 1), Some(&Cell::Number(5.0)));
    assert_eq!(cell(&g, 5, 3), Some(&Cell::Number(6.0)));
    assert_eq!(cell(&g, 11, 0), Some(&Cell::Number(7.0)));
    // The merge A5:B5 declared after the cells.
    assert_eq!(g.merges.len(), 1);
}

#[test]
fn what_is_not_understood_falls_back() {
    let plain = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    assert!(!falls_back(&package(plain, &["<t>x</t>"], false)));
    // A shared-string index out of range: calamine refuses the file.
    assert!(falls_back(&package(plain, &[], false)));
    // Prefixed elements (read by calamine through local names).
    let prefixed = r#"<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>"#;
    assert!(falls_back(&package(prefixed, &[], false)));
    let prefixed_sst = package(plain, &["<x:t>x</x:t>"], false);
    assert!(falls_back(&prefixed_sst));
    // Unknown cell types, odd numbers, comments, CDATA, stray text.
    for data in [
        r#"<row r="1"><c r="A1" t="zz"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v> 1</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v>.5</v></c></row>"#,
        r#"<row r="1"><c r="A1"><v>abc</v></c></row>"#,
        r#"<row r="1"><!-- note --><c r="A1"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1" t="str"><v><![CDATA[x]]></v></c></row>"#,
        r#"<row r="1">x<c r="A1"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1" r="B1"><v>1</v></c></row>"#,
        r#"<row r="1"><c r="A1"><extLst/></c></row>"#,
    ] {
        assert!(falls_back(&package(data, &[], false)), "{data}");
    }
    // A declared encoding other than UTF-8, and strict OOXML.
    let gbk = package_with(plain, &["<t>x</t>"], false, |name, x| {
        if name == "xl/worksheets/sheet1.xml" {
            x.replace("encoding=\"UTF-8\"", "encoding=\"GBK\"")
        } else {
            x
        }
    });
    assert!(falls_back(&gbk));
    let strict = package_with(plain, &["<t>x</t>"], false, |name, x| {
        if name == "xl/workbook.xml" {
            x.replace(
                "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                "http://purl.oclc.org/ooxml/spreadsheetml/main",
            )
        } else {
            x
        }
    });
    assert!(falls_back(&strict));
}

#[test]
fn a_fallback_leaves_the_budget_whole_and_a_refusal_matches() {
    // Three cells, then an unknown type: nothing of the budget may be spent.
    let data = r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c><c r="D1" t="zz"><v>1</v></c></row>"#;
    let mut b = CellBudget::new(10);
    assert!(read(&package(data, &[], false), &Limits::default(), &mut b).is_none());
    assert_eq!(format!("{:?}", b), format!("{:?}", CellBudget::new(10)));
    // Out of budget at the third cell: the same words as the calamine path.
    let data =
        r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c></row>"#;
    let bytes = package(data, &[], false);
    let fast = read(&bytes, &Limits::default(), &mut CellBudget::new(2))
        .unwrap()
        .unwrap_err();
    let old = crate::ingest::read::read_xlsx_calamine(&bytes, &mut CellBudget::new(2)).unwrap_err();
    assert_eq!(fast.to_string(), old.to_string());
}

#[test]
fn custom_formats_classified_as_calamine_does() {
    for (code, want) in [
        ("yyyy\"年\"m\"月\"d\"日\"", Format::DateTime),
        ("[h]:mm", Format::TimeDelta),
        ("[h]:mm:ss", Format::TimeDelta),
        ("0.00", Format::Other),
        ("\"$\"#,##0_);[Red](\"$\"#,##0)", Format::Other),
        ("#,##0*y", Format::Other),
        ("[$-404]e\"\\xfc\"m", Format::DateTime),
        ("h:mm AM/PM", Format::DateTime),
        ("@", Format::Other),
    ] {
        assert_eq!(custom_format(code), want, "{code}");
    }
    assert_eq!(builtin_format("14"), Format::DateTime);
    assert_eq!(builtin_format("014"), Format::Other);
    assert_eq!(builtin_format("46"), Format::TimeDelta);
}

/// Fast and equal to calamine, or fallen back; panics on a difference. `true` when fast.
fn agrees(bytes: &[u8], what: &str) -> bool {
    match both(bytes) {
        Some((Some(Ok(a)), Ok(b))) => {
            same_grids(&a, &b, what);
            true
        }
        Some((Some(Err(a)), Err(b))) => {
            assert_eq!(a.to_string(), b.to_string(), "{what}");
            true
        }
        Some((None, _)) | None => false,
        Some((Some(a), b)) => panic!("{what}: fast {:?}, calamine {:?}", a.err(), b.err()),
    }
}

#[test]
fn odd_but_valid_sheets_read_as_calamine() {
    let strings = ["<t>x</t>", "<t xml:space=\"preserve\">  </t>"];
    for data in [
        "",
        "<row r=\"1\"/>",
        "<row r=\"1\"><c r=\"A1\" s=\"1\"/></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v></v></c><c r=\"B1\" t=\"s\"><v>000</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"n\"><v>1.5E+3</v></c><c r=\"B1\"><v>-12.25e-2</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"b\"><v> TRUE </v></c><c r=\"B1\" t=\"b\"><v/></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"str\"><v/></c><c r=\"B1\" t=\"d\"><v/></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><v>ignored</v><is><t>kept</t></is></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>kept</t></is><v>ignored</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" t='s'><v>0</v></c></row>",
        "<row r=\"1\">\n  <c r=\"A1\" t=\"s\" >\n    <v>0</v>\n  </c>\n</row>",
        "<row r=\"3\"><c r=\"A1\"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>2958466</v></c><c r=\"B1\" s=\"3\"><v>45504</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>-1</v></c><c r=\"B1\" s=\"1\"><v>0</v></c><c r=\"C1\" s=\"1\"><v>60</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"str\"><v>a_x005F_x000D_b\r\nc\rd</v></c></row>",
        "<row r=\"1\"><c r=\"A1\" t=\"e\"><v></v></c><c r=\"B1\" t=\"e\"><v>#REF!</v></c></row>",
        "<row r=\"2\"><c r=\"A2\"><f t=\"shared\" ref=\"A2:A3\" si=\"0\">B2*2</f><v>4</v></c></row><row r=\"3\"><c r=\"A3\"><f t=\"shared\" si=\"0\"/><v>6</v></c></row>",
    ] {
        assert!(
            agrees(&package(data, &strings, false), data),
            "fell back: {data}"
        );
    }
}

/// Random damage to a real sheet and shared-string table: the fast path never panics, and
/// whatever it reads, calamine reads the same.
#[test]
fn damaged_parts_read_as_calamine_or_fall_back() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/single/libreoffice.xlsx");
    let original = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(&original[..])).unwrap();
    let mut members = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = Vec::new();
        f.read_to_end(&mut text).unwrap();
        members.push((f.name().unwrap().into_owned(), text));
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet: &[u8] = b"<>/\"'&;=: _x0123456789AZvcrstf#\r\n";
    let (mut fast, mut total) = (0, 0);
    // XLSX_FAST_ROUNDS=20000 for a longer search.
    let rounds = std::env::var("XLSX_FAST_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(400);
    for round in 0..rounds {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let target = if round % 3 == 0 {
            "xl/sharedStrings.xml"
        } else {
            "xl/worksheets/sheet1.xml"
        };
        for (name, text) in &members {
            let mut text = text.clone();
            if name == target && !text.is_empty() {
                for _ in 0..1 + next() % 3 {
                    let at = (next() % text.len() as u64) as usize;
                    match next() % 3 {
                        0 => {
                            text.remove(at);
                        }
                        1 => text.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
                        _ => text[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                    }
                }
            }
            out.start_file(name.as_str(), opts).unwrap();
            out.write_all(&text).unwrap();
        }
        let bytes = out.finish().unwrap().into_inner();
        total += 1;
        if let Some(dir) = std::env::var_os("XLSX_FAST_DUMP") {
            std::fs::write(Path::new(&dir).join(format!("{round}.xlsx")), &bytes).unwrap();
        }
        if agrees(&bytes, &format!("round {round} ({target})")) {
            fast += 1;
        }
    }
    println!("damaged: {fast} of {total} read the fast way");
    assert!(fast > total / 4, "{fast} of {total}");
}

#[test]
fn attributes_read_on_bytes_as_on_text() {
    /// The attribute reader as it was on text (char boundaries checked at every slice).
    struct Reference<'a>(&'a str);
    impl<'a> Iterator for Reference<'a> {
        type Item = (Result<&'a str, ()>, &'a str);

        // On bytes: every delimiter is ASCII, so each index found is a char boundary. This runs
        // for every attribute of every cell (it was a tenth of a run as a char-by-char search).
        fn next(&mut self) -> Option<Self::Item> {
            let all = self.0;
            let b = all.as_bytes();
            let start = b.iter().position(|&c| !is_space_byte(c))?;
            self.0 = "";
            let bad = Some((Err(()), ""));
            // Plain loops, not memchr: an attribute is a few bytes, shorter than memchr's setup.
            let Some(eq) = b[start..]
                .iter()
                .position(|&c| c == b'=')
                .map(|i| start + i)
            else {
                return bad;
            };
            let key = &b[start..eq];
            if key.is_empty()
                || key.iter().any(|&c| {
                    is_space_byte(c) || matches!(c, b'"' | b'\'' | b'<' | b'>' | b'/' | b'&')
                })
            {
                return bad;
            }
            let quote = match b.get(eq + 1) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => return bad,
            };
            let Some(end) = b[eq + 2..]
                .iter()
                .position(|&c| c == quote)
                .map(|i| eq + 2 + i)
            else {
                return bad;
            };
            let value = &all[eq + 2..end];
            let after = &all[end + 1..];
            if value.bytes().any(|c| c == b'<')
                || after.as_bytes().first().is_some_and(|&c| !is_space_byte(c))
            {
                return bad;
            }
            self.0 = after;
            Some((Ok(&all[start..eq]), value))
        }
    }
    let cases = [
        "",
        "  ",
        " r=\"A1\"",
        " r='A1' s=\"2\" t=\"s\"",
        " r=\"A1\"s=\"2\"",
        " =\"x\"",
        " r=A1",
        " r=\"A<1\"",
        " r=\"A1",
        " a b=\"1\"",
        " r=\"\" s=\"1\"",
        "\tr=\"1\"\n spans=\"1:7\" ht=\"27.75\" customHeight=\"1\" ",
        " xml:space=\"preserve\"",
        " r=\"A1\" r=\"B1\"",
        " k&=\"1\"",
        " 名=\"值\" r=\"A1\"",
        " r=\"A1\" /",
        " r=\"A1\" s",
    ];
    for case in cases {
        let want: Vec<_> = Reference(case).collect();
        assert_eq!(Attrs(case).collect::<Vec<_>>(), want, "{case:?}");
        let raw: Vec<_> = RawAttrs(case.as_bytes()).collect();
        let text: Vec<_> = want
            .iter()
            .map(|(k, v)| (k.map(str::as_bytes), v.as_bytes()))
            .collect();
        assert_eq!(raw, text, "{case:?}");
    }
}

#[test]
fn cells_read_whole_still_close_their_element() {
    // Plain cells (read without their tags) then more end tags than elements are open:
    // calamine's reader refuses the extra one, so the fast reader must not read past it.
    let strings = ["<t>x</t>", "<t>y</t>"];
    let cells = "<c r=\"A1\"><v>1</v></c><c r=\"B1\" t=\"s\"><v>0</v></c>";
    for extra in 0..5 {
        let data = format!("<row r=\"1\">{cells}</row>{}", "</row>".repeat(extra));
        let bytes = package(&data, &strings, false);
        let read = agrees(&bytes, &data);
        eprintln!(
            "{extra} extra end tags: {}",
            if read { "read alike" } else { "fell back" }
        );
        if extra == 0 {
            assert!(read, "{data}");
        }
    }
}

#[test]
fn read_all_reads_every_byte_whatever_the_hint_and_the_buffer() {
    /// Hands out at most `step` bytes per read, with an interruption now and then.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
        calls: usize,
    }
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.calls += 1;
            if self.calls.is_multiple_of(5) {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }
    let mut buf = vec![0xAA; 100];
    for len in [0, 1, 63, 64, 65, 100, 4096, 5000, 70_000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        for hint in [0, len / 2, len, len + 10] {
            for step in [1, 7, 64, 100_000] {
                if len > 5000 && step < 64 {
                    continue;
                }
                let r = Trickle {
                    data: &data,
                    step,
                    calls: 0,
                };
                let n = read_all(r, &mut buf, hint).unwrap();
                assert_eq!(&buf[..n], &data[..], "len {len} hint {hint} step {step}");
            }
        }
    }
}

#[test]
fn underscore_escapes_as_calamine() {
    let mut out = String::new();
    push_unescaped(
        "a_x000D_b_x005F_x000D__xD83D__xDCF7_c_xD800_d_xDC00_",
        &mut out,
    );
    assert_eq!(out, "a\rb_x000D_\u{1F4F7}c\u{FFFD}d\u{FFFD}");
}
