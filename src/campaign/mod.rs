//! The campaign being checked: its steps and deadlines, thresholds, study materials, agenda,
//! grades and reading limits (SPEC §2, §7). The embedded default is the 2024 campaign of SPEC §2; `campaign.toml`
//! overrides it, and `orglife init` writes the same text with Chinese comments.

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::finding::{Code, Severity};
use crate::model::{Category, MeetingKind, Rank, SheetKind};

/// The default config, commented, exactly as `orglife init` writes it.
pub const DEFAULT_TOML: &str = include_str!("讲认真2024.toml");

/// The presets `orglife init --preset NAME` writes (SPEC §7), the default first: each a
/// commented file for a known kind of campaign.
pub const PRESETS: [(&str, &str); 2] = [
    ("讲认真2024", DEFAULT_TOML),
    ("民主评议", include_str!("民主评议.toml")),
];

/// The text of the preset called `name`.
pub fn preset(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(n, _)| *n == name.trim())
        .map(|(_, text)| *text)
}

mod file;
pub mod view;

pub use file::StepKind;

/// A campaign as the rules read it: `campaign.toml` (or the embedded default) resolved, with
/// the 2024 `[phases.*]` form turned into its six steps.
#[derive(Clone, Debug)]
pub struct Campaign {
    pub name: String,
    pub year: i32,
    pub township: String,
    pub start: NaiveDate,
    /// The campaign's last day: `end`, else the last deadline.
    pub end: NaiveDate,
    /// Whether `end` was written: only then do dates without a year take the year that puts
    /// them inside [start, end] (else `year` completes them, as in 2024).
    pub end_given: bool,
    pub party_group_threshold: u32,
    /// Who a lagging branch contacts (催办通知 ends with it).
    pub contact: String,
    /// The notice's own text (`notice = "…"`), quoted by `rules CODE` and 规则说明.
    pub notice: Option<String>,
    /// Where that text was read from (never read as a return when it lies in the input).
    pub notice_path: Option<std::path::PathBuf>,
    /// The sheets whose absence is S004.
    pub required_sheets: Vec<SheetKind>,
    /// Meeting types a branch may write, added to the built-in ones (`组织生活会` = 党员大会):
    /// folded spelling and the type it means.
    pub meeting_aliases: Vec<(String, MeetingKind)>,
    /// The steps, in the order they must happen.
    pub steps: Vec<Step>,
    pub evaluation: Evaluation,
    pub supervision: Supervision,
    /// Codes never raised, and severity overrides.
    pub off: Vec<Code>,
    pub severity: Vec<(Code, Severity)>,
    pub materials: Vec<Material>,
    pub agenda: Vec<AgendaItem>,
    pub limits: LimitsConfig,
}

/// One step of the campaign: a kind of evidence, its name, its deadline and (for the meeting
/// steps) which meeting types count.
#[derive(Clone, Debug)]
pub struct Step {
    pub kind: StepKind,
    pub name: String,
    pub deadline: NaiveDate,
    pub meetings: Vec<MeetingKind>,
}

#[derive(Clone, Debug)]
pub struct Evaluation {
    pub grades: Vec<String>,
    /// 优秀 may be at most this share (numerator, denominator) of the graded 正式党员.
    pub excellent_max_ratio: (u32, u32),
    pub probationary_graded: bool,
}

#[derive(Clone, Debug)]
pub struct Supervision {
    /// Categories that need a supervisor of `min_rank` (V001); the others an envoy (V002).
    pub rank_categories: Vec<Category>,
    pub min_rank: Rank,
    /// V003: every 镇党委班子成员 supervises at least one branch.
    pub committee_each: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    pub keywords: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct AgendaItem {
    pub name: String,
    pub keywords: Vec<String>,
    pub only_with_committee: bool,
    /// The meeting the item belongs to (default 党员大会).
    pub meeting: MeetingKind,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub max_file_mb: u64,
    pub max_inflated_mb: u64,
    pub max_cells: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let l = Limits::default();
        LimitsConfig {
            max_file_mb: l.max_file_bytes >> 20,
            max_inflated_mb: l.max_inflated_bytes >> 20,
            max_cells: l.max_cells,
        }
    }
}

/// A config that cannot be used: one clear Chinese line (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("读不到配置文件 {path}：{reason}")]
    Io { path: String, reason: String },
    #[error("配置文件 {path} 有误：{reason}")]
    Invalid { path: String, reason: String },
}

impl Campaign {
    pub fn embedded() -> Campaign {
        // The embedded text is tested to parse (see tests); failing here would be a build defect.
        Campaign::parse(DEFAULT_TOML, "内置默认配置").unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn parse(text: &str, path: &str) -> Result<Campaign, ConfigError> {
        Campaign::parse_in(text, path, None)
    }

    /// Parse `text`; a `notice = "…"` file is read relative to `dir`.
    fn parse_in(text: &str, path: &str, dir: Option<&Path>) -> Result<Campaign, ConfigError> {
        let invalid = |reason: String| ConfigError::Invalid {
            path: path.to_string(),
            reason,
        };
        let raw: file::CampaignFile =
            toml::from_str(text).map_err(|e| invalid(file::toml_reason(&e, text)))?;
        let c = raw.resolve(dir).map_err(invalid)?;
        c.validate().map_err(invalid)?;
        Ok(c)
    }

    pub fn load(path: &Path) -> Result<Campaign, ConfigError> {
        Campaign::load_with_text(path).map(|(c, _)| c)
    }

    /// The campaign and the exact text it was parsed from (archived as used).
    pub fn load_with_text(path: &Path) -> Result<(Campaign, String), ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
            path: shown.clone(),
            reason: io_reason(&e),
        })?;
        let c = Campaign::parse_in(&text, &shown, path.parent())?;
        Ok((c, text))
    }

    fn validate(&self) -> Result<(), String> {
        if !(2000..=2100).contains(&self.year) {
            return Err(format!("year = {} 不是合理的年份", self.year));
        }
        for st in &self.steps {
            if st.deadline < self.start {
                return Err(format!(
                    "环节“{}”的时限 {} 早于活动开始日期 {}",
                    st.name, st.deadline, self.start
                ));
            }
        }
        if self.end < self.start {
            return Err(format!(
                "end = {} 早于活动开始日期 {}",
                self.end, self.start
            ));
        }
        if self.limits.max_file_mb == 0
            || self.limits.max_inflated_mb == 0
            || self.limits.max_cells == 0
        {
            return Err("limits 中的上限必须大于 0".to_string());
        }
        Ok(())
    }

    /// The configured step of `kind`, if the campaign has one.
    pub fn step(&self, kind: StepKind) -> Option<&Step> {
        self.steps.iter().find(|s| s.kind == kind)
    }

    /// Whether sheets of `kind` are read in this campaign: 民主评议 only where the campaign
    /// has an evaluation step or requires the sheet; every other kind always.
    pub fn reads(&self, kind: SheetKind) -> bool {
        kind != SheetKind::Evaluation
            || self.step(StepKind::Evaluation).is_some()
            || self.required_sheets.contains(&kind)
    }

    /// A date written without a year, read in `year`, placed where the campaign is (SPEC §7):
    /// with an `end`, the year (of the year before, that one, the year after) that puts it
    /// inside [start, end], else the one nearest to it; without, as read (the campaign year).
    pub fn place_yearless(&self, read: NaiveDate) -> NaiveDate {
        if !self.end_given {
            return read;
        }
        let distance = |d: NaiveDate| {
            if d < self.start {
                (self.start - d).num_days()
            } else if d > self.end {
                (d - self.end).num_days()
            } else {
                0
            }
        };
        [-1, 0, 1]
            .iter()
            .filter_map(|dy| {
                use chrono::Datelike;
                // 2月29日 exists only in some years; the last day of February stands in.
                NaiveDate::from_ymd_opt(read.year() + dy, read.month(), read.day()).or_else(|| {
                    NaiveDate::from_ymd_opt(read.year() + dy, read.month(), read.day() - 1)
                })
            })
            .min_by_key(|d| distance(*d))
            .unwrap_or(read)
    }

    /// A warning when `as_of` lies outside the campaign: before its start, or more than 60 days
    /// after its end (SPEC §7; nothing is due before, everything long overdue after).
    /// `given`: whether the clerk wrote `--as-of` (else it is today).
    pub fn as_of_warning(&self, as_of: NaiveDate, given: bool) -> Option<String> {
        let late = self.end + chrono::Duration::days(60);
        if as_of >= self.start && as_of <= late {
            return None;
        }
        let ymd = |d: NaiveDate| d.format("%Y年%-m月%-d日").to_string();
        let how = if given {
            "请核对 --as-of"
        } else {
            "没有写 --as-of，按今天计；请用 --as-of 写明统计截止日，或用 --config 指定本次活动的配置"
        };
        Some(format!(
            "注意：统计截止日 {} 不在本次活动“{}”的时间内（{} 至 {}）；{how}",
            ymd(as_of),
            self.name,
            ymd(self.start),
            ymd(self.end)
        ))
    }

    /// The name of the step of `kind` (empty when it is not configured).
    pub fn step_name(&self, kind: StepKind) -> &str {
        self.step(kind).map_or("", |s| s.name.as_str())
    }

    /// The deadline of the step of `kind`, if configured.
    pub fn deadline(&self, kind: StepKind) -> Option<NaiveDate> {
        self.step(kind).map(|s| s.deadline)
    }

    /// When a required sheet must be there (S004): at the deadline of its kind's step, at the
    /// last deadline when the campaign has no step of that kind; `None` for the kinds no step
    /// stands for (基本情况, 花名册, 会议记录), due from the start (SPEC §6, §7).
    pub fn sheet_due(&self, kind: SheetKind) -> Option<NaiveDate> {
        StepKind::of_sheet(kind).map(|k| self.deadline(k).unwrap_or_else(|| self.last_deadline()))
    }

    /// The last deadline of all steps (the start when there are none).
    pub fn last_deadline(&self) -> NaiveDate {
        self.steps
            .iter()
            .map(|s| s.deadline)
            .max()
            .unwrap_or(self.start)
    }

    /// Whether the campaign judges `code`: not switched off, and its step (if it belongs to
    /// one) configured (SPEC §7).
    pub fn judges(&self, code: Code) -> bool {
        !self.off.contains(&code) && StepKind::of_code(code).is_none_or(|k| self.step(k).is_some())
    }

    /// The severity `code` has in this campaign.
    pub fn severity(&self, code: Code) -> Severity {
        self.severity
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(code.severity(), |(_, s)| *s)
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.limits.max_file_mb.saturating_mul(1 << 20),
            max_inflated_bytes: self.limits.max_inflated_mb.saturating_mul(1 << 20),
            max_cells: self.limits.max_cells,
        }
    }

    /// The lowest rank a supervisor of a 村/社区 branch must hold.
    pub fn min_rank(&self) -> Rank {
        self.supervision.min_rank
    }

    /// The township name used when folding branch names; `None` lets the 镇/乡/街道 rule guess.
    pub fn township(&self) -> Option<&str> {
        let t = self.township.trim();
        (!t.is_empty()).then_some(t)
    }
}

/// Limits that keep a hostile file cheap (SPEC §6; configurable in campaign.toml).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_inflated_bytes: u64,
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 100 << 20,
            max_inflated_bytes: 256 << 20,
            max_cells: 2_000_000,
        }
    }
}

/// An I/O error as a Chinese reason.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "文件或文件夹不存在".to_string(),
        PermissionDenied => "没有权限".to_string(),
        AlreadyExists => "已存在".to_string(),
        NotADirectory => "路径中有一段是文件而不是文件夹".to_string(),
        ReadOnlyFilesystem => "磁盘只读".to_string(),
        StorageFull => "磁盘已满".to_string(),
        _ => format!("{e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Code;

    #[test]
    fn embedded_default_is_the_2024_campaign() {
        let c = Campaign::embedded();
        assert_eq!(c.year, 2024);
        assert_eq!(c.start, NaiveDate::from_ymd_opt(2024, 7, 1).unwrap());
        let d = |k| c.deadline(k).unwrap();
        assert_eq!(
            d(StepKind::Study),
            NaiveDate::from_ymd_opt(2024, 7, 31).unwrap()
        );
        assert_eq!(
            d(StepKind::Committee),
            NaiveDate::from_ymd_opt(2024, 8, 7).unwrap()
        );
        assert_eq!(
            d(StepKind::General),
            NaiveDate::from_ymd_opt(2024, 8, 15).unwrap()
        );
        assert_eq!(
            d(StepKind::Rectify),
            NaiveDate::from_ymd_opt(2024, 8, 25).unwrap()
        );
        assert_eq!(c.steps.len(), 6);
        assert_eq!(c.end, NaiveDate::from_ymd_opt(2024, 8, 25).unwrap());
        assert!(!c.end_given);
        assert_eq!(c.required_sheets, SheetKind::RETURN_KINDS.to_vec());
        assert_eq!(c.party_group_threshold, 30);
        assert_eq!(c.materials.len(), 4);
        assert_eq!(c.agenda.len(), 3);
        assert_eq!(c.limits().max_cells, 2_000_000);
    }

    #[test]
    fn every_preset_parses() {
        for (name, text) in PRESETS {
            let c = Campaign::parse(text, name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!c.steps.is_empty(), "{name}");
        }
        assert_eq!(preset("讲认真2024"), Some(DEFAULT_TOML));
        assert_eq!(preset("民主评议党员"), None);
    }

    #[test]
    fn the_annual_preset_is_the_annual_campaign() {
        let c = Campaign::parse(preset("民主评议").unwrap(), "民主评议").unwrap();
        let kinds: Vec<StepKind> = c.steps.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                StepKind::Study,
                StepKind::Talks,
                StepKind::Committee,
                StepKind::General,
                StepKind::Evaluation
            ]
        );
        assert_eq!(
            c.step(StepKind::General).unwrap().meetings,
            [MeetingKind::General, MeetingKind::Group]
        );
        assert!(c.end_given && c.start < c.end);
        assert!(c.required_sheets.contains(&SheetKind::Evaluation));
        assert!(!c.required_sheets.contains(&SheetKind::Problems));
        assert!(
            c.meeting_aliases
                .contains(&("组织生活会".to_string(), MeetingKind::General))
        );
        assert_eq!(c.evaluation.excellent_max_ratio, (1, 3));
        assert!(!c.evaluation.probationary_graded);
        assert!(!c.judges(Code::C005) && !c.judges(Code::T601) && c.judges(Code::E001));
        assert!(c.reads(SheetKind::Evaluation));
        // Placeholder dates a clerk must change are marked.
        assert!(preset("民主评议").unwrap().contains("【请修改】"));
    }

    #[test]
    fn bare_toml_dates_are_accepted() {
        let text = DEFAULT_TOML.replace("start = \"2024-07-01\"", "start = 2024-07-02");
        assert_eq!(
            Campaign::parse(&text, "x").unwrap().start,
            NaiveDate::from_ymd_opt(2024, 7, 2).unwrap()
        );
    }

    #[test]
    fn bad_config_gives_a_chinese_reason() {
        let text = DEFAULT_TOML.replace(
            "min_supervisor_rank = \"副科级\"",
            "min_supervisor_rank = \"很高\"",
        );
        let e = Campaign::parse(&text, "c.toml").unwrap_err().to_string();
        assert!(e.contains("c.toml") && e.contains("很高"), "{e}");
        let e = Campaign::parse("year = ", "c.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("配置文件 c.toml 有误"), "{e}");
        let text = DEFAULT_TOML.replace("year = 2024", "year = 2024\nyaer = 1");
        let e = Campaign::parse(&text, "c.toml").unwrap_err().to_string();
        let line = text.lines().position(|l| l.starts_with("yaer")).unwrap() + 1;
        assert!(
            e.contains(&format!("第 {line} 行")) && e.contains("“yaer”不是可用的设置项"),
            "{e}"
        );
    }

    const STEPS: &str = r#"
name = "2025年度组织生活会和民主评议党员"
year = 2025
start = "2025-12-20"
end = "2026-03-31"
contact = "镇党委组织办，电话 0710-1234567"
required_sheets = ["基本情况", "党员花名册", "会议记录", "民主评议"]

[meeting_aliases]
"组织生活会" = "党员大会"

[[steps]]
kind = "study"
name = "深化学习"
deadline = "2026-01-10"
meetings = ["集中学习", "主题党日", "党课"]

[[steps]]
kind = "general"
name = "召开组织生活会"
deadline = "2026-01-20"
meetings = ["党员大会", "党小组会"]

[[steps]]
kind = "evaluation"
name = "民主评议党员"
deadline = "2026-01-20"

[evaluation]
grades = ["优秀", "合格", "基本合格", "不合格"]
excellent_max_ratio = "1/3"
probationary_graded = false

[supervision]
rank_categories = ["村", "社区"]
min_rank = "副科级"
committee_each = true

[rules]
off = ["C011"]
severity = { C012 = "info" }

[[agenda]]
meeting = "党员大会"
name = "书记代表支部班子对照检查"
keywords = ["对照检查", "述职"]
"#;

    #[test]
    fn the_steps_form_of_spec_section_7_reads() {
        let c = Campaign::parse(STEPS, "c.toml").unwrap();
        assert_eq!(c.steps.len(), 3);
        assert_eq!(
            c.step(StepKind::General).unwrap().meetings,
            [MeetingKind::General, MeetingKind::Group]
        );
        assert!(c.step(StepKind::Lists).is_none());
        assert!(c.end_given && c.end == NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert_eq!(
            c.required_sheets,
            [
                SheetKind::Info,
                SheetKind::Roster,
                SheetKind::Meetings,
                SheetKind::Evaluation
            ]
        );
        assert_eq!(
            c.meeting_aliases,
            [("组织生活会".to_string(), MeetingKind::General)]
        );
        assert_eq!(c.evaluation.excellent_max_ratio, (1, 3));
        assert!(!c.judges(Code::C011), "switched off");
        assert!(!c.judges(Code::C005), "no lists step");
        assert!(c.judges(Code::E001) && c.judges(Code::D001));
        assert_eq!(c.severity(Code::C012), Severity::Info);
        assert_eq!(c.severity(Code::C009), Severity::Warning);
        assert_eq!(c.agenda[0].meeting, MeetingKind::General);
        assert!(c.reads(SheetKind::Evaluation));
        assert!(!Campaign::embedded().reads(SheetKind::Evaluation));
    }

    #[test]
    fn an_as_of_outside_the_campaign_is_warned_about() {
        let c = Campaign::embedded();
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(c.as_of_warning(d("2024-09-10"), true), None);
        assert_eq!(c.as_of_warning(d("2024-10-20"), true), None);
        let w = c.as_of_warning(d("2023-09-10"), true).unwrap();
        assert!(
            w.contains("2023年9月10日") && w.contains("2024年7月1日 至 2024年8月25日"),
            "{w}"
        );
        let w = c.as_of_warning(d("2026-12-07"), false).unwrap();
        assert!(w.contains("没有写 --as-of"), "{w}");
    }

    #[test]
    fn the_steps_form_refuses_what_it_cannot_mean() {
        let bad = |from: &str, to: &str| {
            assert!(STEPS.contains(from), "{from}");
            Campaign::parse(&STEPS.replacen(from, to, 1), "c.toml")
                .unwrap_err()
                .to_string()
        };
        let e = bad("kind = \"study\"", "kind = \"general\"");
        assert!(e.contains("出现了两次"), "{e}");
        let e = bad("kind = \"study\"", "kind = \"review\"");
        assert!(e.contains("第 ") && e.contains("review"), "{e}");
        let e = bad("\"党员大会\", \"党小组会\"", "\"党员大会\", \"座谈会\"");
        assert!(e.contains("座谈会") && e.contains("不是会议类型"), "{e}");
        let e = bad("\"民主评议\"]", "\"民主测评表\"]");
        assert!(e.contains("民主测评表") && e.contains("不是表名"), "{e}");
        let e = bad("off = [\"C011\"]", "off = [\"X011\"]");
        assert!(e.contains("X011"), "{e}");
        let e = bad("C012 = \"info\"", "C012 = \"low\"");
        assert!(e.contains("low"), "{e}");
        let e = bad(
            "excellent_max_ratio = \"1/3\"",
            "excellent_max_ratio = \"3/1\"",
        );
        assert!(e.contains("3/1"), "{e}");
        let both = format!(
            "{STEPS}\n[phases.study]\nname = \"x\"\ndeadline = \"2026-01-10\"\n[phases.talks]\nname = \"x\"\ndeadline = \"2026-01-10\"\n[phases.lists]\nname = \"x\"\ndeadline = \"2026-01-10\"\n[phases.committee]\nname = \"x\"\ndeadline = \"2026-01-10\"\n[phases.general]\nname = \"x\"\ndeadline = \"2026-01-10\"\n[phases.rectify]\nname = \"x\"\ndeadline = \"2026-01-10\"\n"
        );
        let e = Campaign::parse(&both, "c.toml").unwrap_err().to_string();
        assert!(e.contains("只能用一种写法"), "{e}");
    }
}
