//! findings.csv exactly as SPEC §5 says: UTF-8 with BOM (so Excel/WPS open it in Chinese),
//! header `code,severity,branch,subject,message,file,sheet,cell`, one row per finding.

use super::csv_text::inert;
use super::mask::Pii;
use crate::finding::Finding;

pub const HEADER: [&str; 8] = [
    "code", "severity", "branch", "subject", "message", "file", "sheet", "cell",
];

/// The file's bytes; findings must already be sorted (branch, then code).
pub fn render(findings: &[Finding], pii: Pii) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        // Writing into a Vec cannot fail.
        let _ = w.write_record(HEADER);
        for f in findings {
            let cell = f.loc.cell_a1();
            let (subject, message) = (pii.text(&f.subject), pii.text(&f.message));
            // Branch, subject, message, file and sheet may carry what a branch typed.
            let _ = w.write_record([
                f.code.as_str(),
                f.severity.english(),
                &inert(&f.branch),
                &inert(&subject),
                &inert(&message),
                &inert(&pii.text(&f.loc.file)),
                &inert(&pii.text(&f.loc.sheet)),
                &cell,
            ]);
        }
        let _ = w.flush();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Code, Location};

    #[test]
    fn bom_header_and_quoting() {
        let f = Finding::new(
            Code::D001,
            "红星村党支部",
            "张三",
            "「姓名」未填写，请补填",
            Location {
                file: "a/b.xlsx".into(),
                sheet: "花名册".into(),
                cell: Some((4, 1)),
            },
        );
        let text = String::from_utf8(render(&[f], Pii::default())).unwrap();
        assert!(
            text.starts_with("\u{feff}code,severity,branch,subject,message,file,sheet,cell\r\n")
        );
        // The reader knows an earlier --out folder by this line (SPEC §8).
        assert!(text.starts_with(&format!(
            "\u{feff}{}\r\n",
            crate::model::outputs::FINDINGS_CSV_HEADER
        )));
        assert!(
            text.contains(
                "D001,error,红星村党支部,张三,「姓名」未填写，请补填,a/b.xlsx,花名册,B5\r\n"
            ),
            "{text}"
        );
    }
}
