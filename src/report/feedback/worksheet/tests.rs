//! Tests of `worksheet`.

use super::*;

fn mark(row: u32, col: u32, tone: Tone) -> Mark {
    Mark {
        row,
        col,
        tone,
        note: String::new(),
    }
}

/// Formats handed out as 100 + original × 10 + tone slot, so each test can see which
/// original format a flagged cell kept.
fn fake_xf(s: u32, t: Tone) -> u32 {
    100 + s * 10
        + match t {
            Tone::Bad => 0,
            Tone::Neutral => 1,
            _ => 2,
        }
}

fn run(xml: &str, marks: &[Mark], mask: bool, notes: bool) -> Result<String, Unpatchable> {
    let edit = SheetEdit {
        marks,
        mask,
        notes_rel: notes.then_some("rIdN"),
    };
    rewrite(xml, &edit, &mut fake_xf)
}

const SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C3"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="1" spans="1:3"><c r="A1" s="2" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row><row r="3"><c r="B3"><v>42</v></c></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><extLst><ext uri="x"/></extLst></worksheet>"#;

#[test]
fn a_flagged_cell_keeps_its_value_and_format_and_gains_a_fill() {
    let out = run(SHEET, &[mark(0, 0, Tone::Bad)], false, false).unwrap();
    assert!(
        out.contains(r#"<c r="A1" s="120" t="s"><v>0</v></c>"#)
            || out.contains(r#"<c r="A1" t="s" s="120"><v>0</v></c>"#),
        "{out}"
    );
    // Untouched cells are byte for byte the same.
    assert!(out.contains(r#"<c r="C1" t="s"><v>1</v></c>"#));
    assert!(out.contains(r#"<c r="B3"><v>42</v></c>"#));
}

#[test]
fn missing_flagged_cells_and_rows_are_added_in_order() {
    let marks = [
        mark(0, 1, Tone::Neutral), // B1, between A1 and C1
        mark(0, 5, Tone::Info),    // F1, after C1
        mark(1, 0, Tone::Bad),     // A2, a row that is not there
        mark(2, 0, Tone::Bad),     // A3, before B3
        mark(9, 2, Tone::Bad),     // C10, after the last row
    ];
    let out = run(SHEET, &marks, false, true).unwrap();
    let data = &out[out.find("<sheetData>").unwrap()..out.find("</sheetData>").unwrap()];
    let refs: Vec<&str> = data
        .split("<c r=\"")
        .skip(1)
        .map(|c| c.split('"').next().unwrap())
        .collect();
    assert_eq!(refs, ["A1", "B1", "C1", "F1", "A2", "A3", "B3", "C10"]);
    assert!(data.contains(r#"<c r="B1" s="101"/>"#), "{data}");
    assert!(
        data.contains(r#"<row r="2"><c r="A2" s="100"/></row>"#),
        "{data}"
    );
    assert!(
        data.contains(r#"<row r="10"><c r="C10" s="100"/></row>"#),
        "{data}"
    );
    // A row that gains cells loses its spans hint; the dimension takes in every mark.
    assert!(!out.contains("spans="), "{out}");
    assert!(out.contains(r#"<dimension ref="A1:F10"/>"#), "{out}");
    // The notes are drawn: legacyDrawing sits before extLst, as the schema orders them.
    let legacy = out.find("<legacyDrawing").unwrap();
    assert!(legacy > out.find("<pageMargins").unwrap() && legacy < out.find("<extLst").unwrap());
    assert!(!out.contains("tabSelected"), "问题清单 is the selected tab");
}

#[test]
fn marks_on_an_empty_sheet_make_its_rows() {
    let xml = r#"<worksheet xmlns="m"><sheetData/></worksheet>"#;
    let out = run(xml, &[mark(3, 1, Tone::Bad)], false, true).unwrap();
    assert_eq!(
        out,
        r#"<worksheet xmlns="m"><sheetData><row r="4"><c r="B4" s="100"/></row></sheetData><legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdN"/></worksheet>"#
    );
}

#[test]
fn ids_and_phones_are_masked_in_every_kind_of_cell() {
    let xml = r#"<worksheet xmlns="m"><sheetData><row r="1"><c r="A1"><v>420682197203150314</v></c><c r="B1" s="3"><v>4.2068219720315002E+17</v></c><c r="C1"><v>15837136651</v></c><c r="D1" t="inlineStr"><is><t>电话15837136651</t></is></c><c r="E1" t="str"><f>A1&amp;""</f><v>420682197203150314</v></c><c r="F1"><v>20240731</v></c><c r="G1"><f>SUM(F1)</f><v>20240731</v></c></row></sheetData></worksheet>"#;
    let out = run(xml, &[], true, false).unwrap();
    assert!(
        out.contains(
            r#"<c r="A1" t="inlineStr"><is><t xml:space="preserve">420682********0314</t></is></c>"#
        ),
        "{out}"
    );
    // Excel's exponent form is the same number; the cell keeps its format.
    assert!(out.contains(r#"<c r="B1" s="3" t="inlineStr"><is><t xml:space="preserve">420682********0000</t></is></c>"#), "{out}");
    assert!(out.contains("158****6651</t>"), "{out}");
    assert!(out.contains("电话158****6651"), "{out}");
    // A formula would compute the ID again: it goes, the masked value stays.
    assert!(
        out.contains(
            r#"<c r="E1" t="inlineStr"><is><t xml:space="preserve">420682********0314</t></is></c>"#
        ),
        "{out}"
    );
    // Dates and other numbers, and their formulas, are left as they are.
    assert!(
        out.contains(r#"<c r="F1"><v>20240731</v></c><c r="G1"><f>SUM(F1)</f><v>20240731</v></c>"#),
        "{out}"
    );
    assert!(!has_pii_run(&out), "{out}");
    // --show-pii: nothing changes.
    assert_eq!(run(xml, &[], false, false).unwrap(), xml);
}

fn has_pii_run(s: &str) -> bool {
    crate::report::mask::has_pii(s)
}

#[test]
fn unselecting_touches_only_the_sheet_views() {
    let xml = r#"<worksheet><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>tabSelected="1"</t></is></c></row></sheetData></worksheet>"#;
    let out = unselect(xml);
    assert_eq!(out, xml.replacen(" tabSelected=\"1\"", "", 1));
    assert!(out.contains(r#"<t>tabSelected="1"</t>"#));
    assert_eq!(
        unselect("<worksheet><sheetData/></worksheet>"),
        "<worksheet><sheetData/></worksheet>"
    );
}

#[test]
fn a_shared_formula_that_computes_an_id_is_refused() {
    let xml = r#"<worksheet xmlns="m"><sheetData><row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1*1</f><v>420682197203150314</v></c></row></sheetData></worksheet>"#;
    assert!(run(xml, &[], true, false).is_err());
}

#[test]
fn a_prefixed_sheet_is_refused() {
    let xml = r#"<x:worksheet xmlns:x="m"><x:sheetData/></x:worksheet>"#;
    assert!(run(xml, &[], true, false).is_err());
}

#[test]
fn shared_strings_are_masked_even_across_rich_text_runs() {
    let xml = r#"<sst xmlns="m" count="4" uniqueCount="4"><si><t>王芳</t></si><si><t>420682197203150314</t></si><si><r><t>4206821972</t></r><r><rPr><b/></rPr><t>03150314</t></r></si><si><t>电话 158&amp;37136651</t><rPh sb="0" eb="1"><t>13800000000</t></rPh></si></sst>"#;
    let out = mask_shared_strings(xml).unwrap().unwrap();
    assert!(out.starts_with(r#"<sst xmlns="m" count="4" uniqueCount="4"><si><t>王芳</t></si>"#));
    assert_eq!(out.matches("420682********0314").count(), 2, "{out}");
    assert!(
        !out.contains("<r>"),
        "the split ID became one plain string: {out}"
    );
    // Phonetic runs are not part of the text; '&' breaks the digit run.
    assert!(out.contains("158&amp;37136651"), "{out}");
    assert_eq!(
        mask_shared_strings(r#"<sst xmlns="m"><si><t>王芳</t></si></sst>"#).unwrap(),
        None
    );
}

/// Found by the fuzz target `feedback_xlsx`: a workbookView whose attributes were mangled
/// (`showHorizontalScroll"=" 1…`) was written back with unbalanced quotes, and calamine could
/// no longer open the feedback workbook of a return it had read. The mangled ones are left out.
#[test]
fn a_tag_rebuilt_from_mangled_attributes_stays_well_formed() {
    let xml = r#"<workbookView visibility="visible" showHorizontalScroll"=" 1showVerticalScroll="1" showSheetTabs="1" firstSheet="0" actiab="evT0"/>"#;
    let mut r = quick_xml::Reader::from_str(xml);
    let quick_xml::events::Event::Empty(e) = r.read_event().unwrap() else {
        panic!("an empty tag")
    };
    let out = tag(&e, &["activeTa", "firstSheet"], &[], true);
    assert_eq!(
        out,
        r#"<workbookView visibility="visible" showSheetTabs="1" actiab="evT0"/>"#
    );
    let mut r = quick_xml::Reader::from_str(&out);
    let quick_xml::events::Event::Empty(e) = r.read_event().unwrap() else {
        panic!("an empty tag")
    };
    assert!(e.attributes().all(|a| a.is_ok()));
}
