//! A finding: one thing a branch (or the township) must look at, with a stable code, a
//! severity, a Chinese message that says what to do, and where it was seen. The lowest floor
//! above `text`: every stage raises or reads findings, and `catalog` declares their codes.

pub mod catalog;

use std::cmp::Ordering;

pub use catalog::{CATALOG, Code, CodeDoc};

use crate::text::a1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    /// As findings.csv writes it.
    pub fn english(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The branch field of township-wide findings (SPEC §4).
pub const TOWNSHIP: &str = "全镇";

/// Where a finding was seen. Paths and sheet names are resolved when the finding is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub sheet: String,
    /// Zero-based (row, col).
    pub cell: Option<(u32, u32)>,
}

impl Location {
    pub fn file(path: &str) -> Self {
        Location {
            file: path.to_string(),
            ..Location::default()
        }
    }

    pub fn sheet(path: &str, sheet: &str) -> Self {
        Location {
            file: path.to_string(),
            sheet: sheet.to_string(),
            cell: None,
        }
    }

    pub fn cell_a1(&self) -> String {
        self.cell.map(|(r, c)| a1(r, c)).unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub branch: String,
    pub subject: String,
    pub message: String,
    pub loc: Location,
}

impl Finding {
    /// A finding with the severity its code carries in the catalog.
    pub fn new(
        code: Code,
        branch: impl Into<String>,
        subject: impl Into<String>,
        message: impl Into<String>,
        loc: Location,
    ) -> Self {
        Finding {
            code,
            severity: code.severity(),
            branch: branch.into(),
            subject: subject.into(),
            message: message.into(),
            loc,
        }
    }

    /// The order of findings.csv: branch, code, then place, then text.
    pub fn sort_key_cmp(&self, other: &Self) -> Ordering {
        self.branch
            .cmp(&other.branch)
            .then_with(|| self.code.cmp(&other.code))
            .then_with(|| self.loc.file.cmp(&other.loc.file))
            .then_with(|| self.loc.sheet.cmp(&other.loc.sheet))
            .then_with(|| self.loc.cell.cmp(&other.loc.cell))
            .then_with(|| self.subject.cmp(&other.subject))
            .then_with(|| self.message.cmp(&other.message))
    }
}

pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(Finding::sort_key_cmp);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_comes_from_the_code() {
        let f = Finding::new(
            Code::S006,
            "红星村党支部",
            "a.xlsx",
            "m",
            Location::default(),
        );
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            Finding::new(Code::S007, "", "", "", Location::default()).severity,
            Severity::Info
        );
    }
}
