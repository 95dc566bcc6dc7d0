//! What orglife's own outputs look like, shared by the writers that make them and the reader
//! that must never take them for a branch's return (SPEC §8: own outputs are never inputs).

/// The township summary of `check` and `archive`.
pub const SUMMARY: &str = "汇总.xlsx";
/// `check`'s (and `check --quick`'s) finding list.
pub const FINDINGS_CSV: &str = "findings.csv";
/// Its header line, as written (after the BOM): no branch's return starts so.
pub const FINDINGS_CSV_HEADER: &str = "code,severity,branch,subject,message,file,sheet,cell";
/// `check`'s page to look at (SPEC §8), written beside 汇总.xlsx.
pub const REPORT_HTML: &str = "报告.html";
/// The page's `<meta name="generator">`: how a later run knows the page is ours.
pub const GENERATOR: &str = "orglife";
/// That meta element as the page writes it, near its top.
pub const REPORT_HTML_MARK: &str = "<meta name=\"generator\" content=\"orglife\">";
/// The archive's manifest; `tool` in it names orglife.
pub const MANIFEST: &str = "manifest.json";
/// `remind`'s workbook.
pub const REMINDERS: &str = "催办名单.xlsx";
/// The custom document property (文件属性 › 自定义) every township-wide workbook orglife writes
/// carries; its value says which output it is. Feedback workbooks and templates do not carry
/// it: they are meant to come back filled in.
pub const MARKER: &str = "orglife-output";

/// The first sheet of a feedback workbook (反馈/<支部>.xlsx).
pub const FEEDBACK_SHEET: &str = "问题清单";
/// Its header row, which tells it from a branch's own 问题清单 (a 查摆问题清单).
pub const FEEDBACK_HEADERS: [&str; 9] = [
    "序号",
    "代码",
    "严重程度",
    "问题",
    "对象",
    "说明及怎么改",
    "文件",
    "工作表",
    "单元格",
];
/// The line on 问题清单 that tells the branch what to do with the workbook.
pub const FEEDBACK_ASK: &str = "请直接在本工作簿中改正标色的单元格（批注说明了问题），改好后将本工作簿报回组织办；本表“问题清单”不必删除，重新检查时会自动略过。";

/// A folder (or a loose file) of orglife's own outputs found in the input, skipped unread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Relative to the input folder, `/`-separated; a folder ends with `/`.
    pub path: String,
    /// What it was taken for: “检查结果”, “归档”, “催办结果”.
    pub what: &'static str,
}

impl Skipped {
    /// The one 提示 line naming it (screen and 输入文件).
    pub fn note(&self) -> String {
        format!(
            "提示：“{}”是 orglife 之前生成的{}，不是支部报表，已跳过未读",
            self.path, self.what
        )
    }
}
