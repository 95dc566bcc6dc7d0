//! A finding: one thing a branch (or the township) must look at, with a stable code, a
//! severity, a Chinese message that says what to do, and where it was seen.

use std::cmp::Ordering;

use crate::model::{FileEntry, Prov};
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

/// A stable code with its severity and one-line title (SPEC §4). Codes are never reused.
pub struct Code {
    pub code: &'static str,
    pub severity: Severity,
    pub title: &'static str,
}

const fn c(code: &'static str, severity: Severity, title: &'static str) -> Code {
    Code {
        code,
        severity,
        title,
    }
}

use Severity::{Error as E, Info as I, Warning as W};

pub const CODES: &[Code] = &[
    c("S001", E, "支部未报送任何材料"),
    c("S002", E, "文件无法读取"),
    c("S003", E, "报送材料无法对应到名册中的支部"),
    c("S004", E, "缺少必报的表"),
    c("S005", E, "表中缺少必填列"),
    c("S006", W, "同一支部同一类表重复报送"),
    c("S007", I, "未识别的工作表或文件，已略过"),
    c("D001", E, "必填项为空"),
    c("D002", E, "日期无法识别"),
    c("D003", W, "填写内容不在规定范围内"),
    c("D004", W, "花名册中同名重复"),
    c("D005", W, "同一人出现在两个支部的花名册中"),
    c("D006", W, "身份证号无效"),
    c("D007", W, "日期晚于统计截止日"),
    c("D008", E, "编号重复"),
    c("D009", E, "引用的编号不存在"),
    c("D010", W, "花名册人数与名册党员人数不符"),
    c("D011", I, "人员不在花名册或名册中"),
    c("T101", E, "集中学习逾期未完成"),
    c("T102", W, "集中学习逾期完成"),
    c("T201", E, "谈心谈话逾期未完成"),
    c("T202", W, "谈心谈话逾期完成"),
    c("T301", E, "三张清单逾期未建立"),
    c("T302", W, "三张清单逾期建立"),
    c("T401", E, "支委会逾期未召开"),
    c("T402", W, "支委会逾期召开"),
    c("T501", E, "党员大会逾期未召开"),
    c("T502", W, "党员大会逾期召开"),
    c("T601", E, "整改清单逾期未备案"),
    c("T602", W, "整改清单逾期备案"),
    c("T700", W, "环节顺序颠倒"),
    c("T800", W, "整改事项超过时限仍未完成"),
    c("C001", E, "班子成员之间未谈心谈话"),
    c("C002", W, "党员未与任何班子成员谈话"),
    c("C003", E, "流动、困难、年老体弱党员未谈话"),
    c("C004", W, "未征求群众或服务对象意见"),
    c("C005", E, "党员未查摆问题"),
    c("C006", E, "支部班子未查摆问题"),
    c("C007", E, "问题没有对应的整改事项"),
    c("C008", W, "党员未作整改承诺"),
    c("C009", W, "党员大会缺少规定议程"),
    c("C010", W, "党小组未召开党小组会"),
    c("C011", E, "整改清单未公示"),
    c("C012", I, "学习内容未涉及规定材料"),
    c("V001", E, "村（社区）支部无副科级以上干部督导"),
    c("V002", E, "支部无上级党组织派员督导"),
    c("V003", E, "镇党委班子成员未参加督导"),
    c("V004", W, "督导未点评"),
    c("V005", W, "领导干部未参加所在支部党员大会"),
    c("V006", W, "督导人员职级无法确定"),
    c("M001", W, "当月未召开支委会"),
    c("M002", W, "党小组当月未召开党小组会"),
    c("M003", W, "当季度未召开党员大会"),
    c("M004", W, "当季度未上党课"),
];

pub fn code_info(code: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.code == code)
}

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

    pub fn at(files: &[FileEntry], p: Prov) -> Self {
        let file = &files[p.file as usize];
        Location {
            file: file.path.clone(),
            sheet: file
                .sheets
                .get(p.sheet as usize)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            cell: Some((p.row, p.col)),
        }
    }

    pub fn cell_a1(&self) -> String {
        self.cell.map(|(r, c)| a1(r, c)).unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub branch: String,
    pub subject: String,
    pub message: String,
    pub loc: Location,
}

impl Finding {
    /// A finding with the severity its code carries. Unknown codes are a programming error
    /// caught by the catalog test, so they fall back to 严重 rather than panic.
    pub fn new(
        code: &'static str,
        branch: impl Into<String>,
        subject: impl Into<String>,
        message: impl Into<String>,
        loc: Location,
    ) -> Self {
        let severity = code_info(code).map_or(Severity::Error, |c| c.severity);
        Finding {
            code,
            severity,
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
            .then_with(|| self.code.cmp(other.code))
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
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "duplicate {}", c.code);
            assert_eq!(c.code.len(), 4);
            assert!(!c.title.is_empty());
        }
    }

    #[test]
    fn severity_comes_from_the_code() {
        let f = Finding::new("S006", "红星村党支部", "a.xlsx", "m", Location::default());
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            Finding::new("S007", "", "", "", Location::default()).severity,
            Severity::Info
        );
    }
}
