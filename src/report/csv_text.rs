//! CSV fields a spreadsheet shows as text, never runs (OWASP "CSV injection"): Excel and WPS
//! read a field beginning with `=`, `+`, `-` or `@` (and, after a tab or carriage return, the
//! same) as a formula. Such a field is written with a leading apostrophe, which both show as a
//! plain character: the text is kept whole and nothing a branch typed can run.

use std::borrow::Cow;

/// Characters that make Excel or WPS read a CSV field as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The field as it must be written.
pub fn inert(field: &str) -> Cow<'_, str> {
    if field.starts_with(TRIGGERS) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_disarmed_and_nothing_else_changes() {
        for f in [
            "=1+2",
            "+86 138",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(inert(f), format!("'{f}"), "{f:?}");
        }
        for f in ["张三", "", "1-2", "a=b", " =1", "＝1"] {
            assert_eq!(inert(f), f);
        }
    }
}
