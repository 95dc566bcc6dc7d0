//! The campaign being checked: phases and deadlines, thresholds, study materials, agenda and
//! reading limits. The embedded default is the 2024 campaign of SPEC §2; `campaign.toml`
//! overrides it, and `orglife init` writes the same text with Chinese comments.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::model::{Rank, spelling};

/// The default config, commented, exactly as `orglife init` writes it.
pub const DEFAULT_TOML: &str = include_str!("campaign.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    pub name: String,
    pub year: i32,
    #[serde(default)]
    pub township: String,
    #[serde(deserialize_with = "date")]
    pub start: NaiveDate,
    pub party_group_threshold: u32,
    pub min_supervisor_rank: String,
    /// Who a lagging branch contacts (催办通知 ends with it).
    #[serde(default = "default_contact")]
    pub contact: String,
    pub phases: Phases,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub limits: LimitsConfig,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phases {
    pub study: Phase,
    pub talks: Phase,
    pub lists: Phase,
    pub committee: Phase,
    pub general: Phase,
    pub rectify: Phase,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: String,
    #[serde(deserialize_with = "date")]
    pub deadline: NaiveDate,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Material {
    pub name: String,
    pub keywords: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub name: String,
    pub keywords: Vec<String>,
    #[serde(default)]
    pub only_with_committee: bool,
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

fn default_contact() -> String {
    "镇党委组织办".to_string()
}

/// A date written as a string ("2024-07-31") or as a bare TOML date (2024-07-31).
fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let text = match Repr::deserialize(d)? {
        Repr::Text(s) => s,
        Repr::Toml(dt) => dt.to_string(),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| serde::de::Error::custom(format!("日期“{text}”应写成 2024-07-31 的形式")))
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
        let c: Campaign = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_string(),
            reason: e.to_string().trim().replace('\n', " "),
        })?;
        c.validate().map_err(|reason| ConfigError::Invalid {
            path: path.to_string(),
            reason,
        })?;
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
        let c = Campaign::parse(&text, &shown)?;
        Ok((c, text))
    }

    fn validate(&self) -> Result<(), String> {
        if spelling::rank(&self.min_supervisor_rank).is_none() {
            return Err(format!(
                "min_supervisor_rank 的“{}”不是规范职级（如“副科级”）",
                self.min_supervisor_rank
            ));
        }
        if !(2000..=2100).contains(&self.year) {
            return Err(format!("year = {} 不是合理的年份", self.year));
        }
        let p = &self.phases;
        for ph in [
            &p.study,
            &p.talks,
            &p.lists,
            &p.committee,
            &p.general,
            &p.rectify,
        ] {
            if ph.deadline < self.start {
                return Err(format!(
                    "环节“{}”的时限 {} 早于活动开始日期 {}",
                    ph.name, ph.deadline, self.start
                ));
            }
        }
        if self.limits.max_file_mb == 0
            || self.limits.max_inflated_mb == 0
            || self.limits.max_cells == 0
        {
            return Err("limits 中的上限必须大于 0".to_string());
        }
        Ok(())
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self.limits.max_file_mb.saturating_mul(1 << 20),
            max_inflated_bytes: self.limits.max_inflated_mb.saturating_mul(1 << 20),
            max_cells: self.limits.max_cells,
        }
    }

    /// The lowest rank a supervisor of a 村/社区 branch must hold (checked when loaded).
    pub fn min_rank(&self) -> Rank {
        spelling::rank(&self.min_supervisor_rank).unwrap_or(Rank::DeputySection)
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

    #[test]
    fn embedded_default_is_the_2024_campaign() {
        let c = Campaign::embedded();
        assert_eq!(c.year, 2024);
        assert_eq!(c.start, NaiveDate::from_ymd_opt(2024, 7, 1).unwrap());
        assert_eq!(
            c.phases.study.deadline,
            NaiveDate::from_ymd_opt(2024, 7, 31).unwrap()
        );
        assert_eq!(
            c.phases.committee.deadline,
            NaiveDate::from_ymd_opt(2024, 8, 7).unwrap()
        );
        assert_eq!(
            c.phases.general.deadline,
            NaiveDate::from_ymd_opt(2024, 8, 15).unwrap()
        );
        assert_eq!(
            c.phases.rectify.deadline,
            NaiveDate::from_ymd_opt(2024, 8, 25).unwrap()
        );
        assert_eq!(c.party_group_threshold, 30);
        assert_eq!(c.materials.len(), 4);
        assert_eq!(c.agenda.len(), 3);
        assert_eq!(c.limits().max_cells, 2_000_000);
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
        assert!(Campaign::parse(&text, "c.toml").is_err());
    }
}
