//! `campaign.toml` as written (SPEC §7), and how it becomes a [`Campaign`]: the 2024
//! `[phases.*]` form and the `[[steps]]` list both read, every name checked against what the
//! tool knows, unknown keys an error naming the key and its line.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use super::{AgendaItem, Campaign, Evaluation, LimitsConfig, Material, Step, Supervision};
use crate::finding::{Code, Severity};
use crate::model::schema::{SPECS, SheetKind};
use crate::model::{MeetingKind, spelling};

/// The kinds of evidence a step can be (SPEC §7): each rule belongs to one, and a rule whose
/// kind is not configured is not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    Study,
    Talks,
    Lists,
    Committee,
    General,
    Rectify,
    Evaluation,
}

impl StepKind {
    pub const ALL: [StepKind; 7] = [
        StepKind::Study,
        StepKind::Talks,
        StepKind::Lists,
        StepKind::Committee,
        StepKind::General,
        StepKind::Rectify,
        StepKind::Evaluation,
    ];

    /// As `campaign.toml` writes it.
    pub fn key(self) -> &'static str {
        match self {
            StepKind::Study => "study",
            StepKind::Talks => "talks",
            StepKind::Lists => "lists",
            StepKind::Committee => "committee",
            StepKind::General => "general",
            StepKind::Rectify => "rectify",
            StepKind::Evaluation => "evaluation",
        }
    }

    /// The meeting types that count for a meeting step when the file lists none.
    pub fn default_meetings(self) -> &'static [MeetingKind] {
        match self {
            StepKind::Study => &[
                MeetingKind::Study,
                MeetingKind::ThemeDay,
                MeetingKind::PartyLecture,
            ],
            StepKind::Committee => &[MeetingKind::Committee],
            StepKind::General => &[MeetingKind::General],
            _ => &[],
        }
    }

    /// The sheet that shows whether the step was done.
    pub fn sheet(self) -> SheetKind {
        match self {
            StepKind::Study | StepKind::Committee | StepKind::General => SheetKind::Meetings,
            StepKind::Talks => SheetKind::Talks,
            StepKind::Lists => SheetKind::Problems,
            StepKind::Rectify => SheetKind::Rectifications,
            StepKind::Evaluation => SheetKind::Evaluation,
        }
    }

    /// The step's (overdue, late) codes.
    pub fn codes(self) -> (Code, Code) {
        match self {
            StepKind::Study => (Code::T101, Code::T102),
            StepKind::Talks => (Code::T201, Code::T202),
            StepKind::Lists => (Code::T301, Code::T302),
            StepKind::Committee => (Code::T401, Code::T402),
            StepKind::General => (Code::T501, Code::T502),
            StepKind::Rectify => (Code::T601, Code::T602),
            StepKind::Evaluation => (Code::T901, Code::T902),
        }
    }

    /// The step a rule belongs to (SPEC §7); `None` for the rules every campaign runs.
    pub fn of_code(code: Code) -> Option<StepKind> {
        use Code::*;
        Some(match code {
            T101 | T102 | C012 => StepKind::Study,
            T201 | T202 | C001 | C002 | C003 | C004 => StepKind::Talks,
            T301 | T302 | C005 | C006 | C007 => StepKind::Lists,
            T401 | T402 => StepKind::Committee,
            T501 | T502 | C009 | C010 | V001 | V002 | V003 | V004 | V005 | V006 => {
                StepKind::General
            }
            T601 | T602 | C008 | C011 | T800 => StepKind::Rectify,
            T901 | T902 | E001 | E002 | E003 | E004 | E005 | E006 => StepKind::Evaluation,
            _ => return None,
        })
    }

    /// The sheet kinds whose absence is judged at this step's deadline (S004).
    pub fn of_sheet(kind: SheetKind) -> Option<StepKind> {
        Some(match kind {
            SheetKind::Talks => StepKind::Talks,
            SheetKind::Problems => StepKind::Lists,
            SheetKind::Rectifications | SheetKind::Results => StepKind::Rectify,
            SheetKind::Evaluation => StepKind::Evaluation,
            _ => return None,
        })
    }
}

/// `campaign.toml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CampaignFile {
    name: String,
    year: i32,
    #[serde(default)]
    township: String,
    #[serde(deserialize_with = "date")]
    start: NaiveDate,
    #[serde(default, deserialize_with = "opt_date")]
    end: Option<NaiveDate>,
    #[serde(default = "default_threshold")]
    party_group_threshold: u32,
    /// The 2024 key; `[supervision] min_rank` is the new one.
    min_supervisor_rank: Option<String>,
    contact: Option<String>,
    notice: Option<String>,
    required_sheets: Option<Vec<String>>,
    #[serde(default)]
    meeting_aliases: BTreeMap<String, String>,
    phases: Option<Phases>,
    steps: Option<Vec<StepFile>>,
    evaluation: Option<EvaluationFile>,
    supervision: Option<SupervisionFile>,
    rules: Option<RulesFile>,
    #[serde(default)]
    materials: Vec<Material>,
    #[serde(default)]
    agenda: Vec<AgendaFile>,
    #[serde(default)]
    limits: LimitsConfig,
}

fn default_threshold() -> u32 {
    30
}

/// The 2024 form: six fixed steps.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Phases {
    study: Phase,
    talks: Phase,
    lists: Phase,
    committee: Phase,
    general: Phase,
    rectify: Phase,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Phase {
    name: String,
    #[serde(deserialize_with = "date")]
    deadline: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    kind: StepKind,
    name: String,
    #[serde(deserialize_with = "date")]
    deadline: NaiveDate,
    meetings: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluationFile {
    grades: Option<Vec<String>>,
    excellent_max_ratio: Option<Ratio>,
    probationary_graded: Option<bool>,
}

/// `"1/3"` or a number such as `0.3`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Ratio {
    Text(String),
    Number(f64),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SupervisionFile {
    rank_categories: Option<Vec<String>>,
    min_rank: Option<String>,
    committee_each: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    off: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgendaFile {
    name: String,
    keywords: Vec<String>,
    #[serde(default)]
    only_with_committee: bool,
    meeting: Option<String>,
}

/// The default grades of 民主评议 (the 2023–2025 notices all use these four).
const GRADES: [&str; 4] = ["优秀", "合格", "基本合格", "不合格"];

impl CampaignFile {
    pub(super) fn resolve(self, dir: Option<&Path>) -> Result<Campaign, String> {
        let steps = resolve_steps(self.phases, self.steps)?;
        let required_sheets = resolve_sheets(self.required_sheets)?;
        let meeting_aliases = self
            .meeting_aliases
            .iter()
            .map(|(written, means)| {
                Ok((
                    crate::text::fold_header(written),
                    meeting(&format!("[meeting_aliases] “{written}”"), means)?,
                ))
            })
            .collect::<Result<_, String>>()?;
        let evaluation = self
            .evaluation
            .map_or(Ok(Evaluation::default()), |e| e.resolve())?;
        let supervision = resolve_supervision(self.supervision, self.min_supervisor_rank)?;
        let (off, severity) = match self.rules {
            None => (Vec::new(), Vec::new()),
            Some(r) => r.resolve()?,
        };
        let agenda = self
            .agenda
            .into_iter()
            .map(|a| {
                let meeting = match &a.meeting {
                    None => MeetingKind::General,
                    Some(m) => meeting(&format!("议程“{}”的 meeting", a.name), m)?,
                };
                Ok(AgendaItem {
                    name: a.name,
                    keywords: a.keywords,
                    only_with_committee: a.only_with_committee,
                    meeting,
                })
            })
            .collect::<Result<_, String>>()?;
        let notice_path = self
            .notice
            .as_ref()
            .map(|f| dir.map_or_else(|| Path::new(f).to_path_buf(), |d| d.join(f)));
        let notice = match (&self.notice, &notice_path) {
            (Some(f), Some(path)) => Some(std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "notice = \"{f}\" 读不到（{}）；请把通知全文存成 UTF-8 文本放在配置文件旁边",
                    super::io_reason(&e)
                )
            })?),
            _ => None,
        };
        let last = steps.iter().map(|s| s.deadline).max().unwrap_or(self.start);
        Ok(Campaign {
            name: self.name,
            year: self.year,
            township: self.township,
            start: self.start,
            end: self.end.unwrap_or(last),
            end_given: self.end.is_some(),
            party_group_threshold: self.party_group_threshold,
            contact: self.contact.unwrap_or_else(|| "镇党委组织办".to_string()),
            notice,
            notice_path,
            required_sheets,
            meeting_aliases,
            steps,
            evaluation,
            supervision,
            off,
            severity,
            materials: self.materials,
            agenda,
            limits: self.limits,
        })
    }
}

/// A meeting type as a file names it (a built-in type, not 其他).
fn meeting(what: &str, s: &str) -> Result<MeetingKind, String> {
    spelling::meeting_kind(s)
        .filter(|k| *k != MeetingKind::Other)
        .ok_or_else(|| {
            format!("{what}的“{s}”不是会议类型（应为：集中学习、主题党日、党课、支委会、党员大会、党小组会）")
        })
}

/// The steps: the 2024 `[phases.*]` form (its six steps) or the `[[steps]]` list.
fn resolve_steps(phases: Option<Phases>, list: Option<Vec<StepFile>>) -> Result<Vec<Step>, String> {
    Ok(match (phases, list) {
        (Some(_), Some(_)) => {
            return Err("[phases] 与 [[steps]] 只能用一种写法；新写法请只用 [[steps]]".into());
        }
        (Some(p), None) => [
            (StepKind::Study, p.study),
            (StepKind::Talks, p.talks),
            (StepKind::Lists, p.lists),
            (StepKind::Committee, p.committee),
            (StepKind::General, p.general),
            (StepKind::Rectify, p.rectify),
        ]
        .into_iter()
        .map(|(kind, ph)| Step {
            kind,
            name: ph.name,
            deadline: ph.deadline,
            meetings: kind.default_meetings().to_vec(),
        })
        .collect(),
        (None, Some(list)) => {
            let mut steps: Vec<Step> = Vec::new();
            for s in list {
                if steps.iter().any(|x| x.kind == s.kind) {
                    return Err(format!(
                        "[[steps]] 中 kind = \"{}\" 出现了两次；每种环节只能有一个",
                        s.kind.key()
                    ));
                }
                let meetings = match s.meetings {
                    None => s.kind.default_meetings().to_vec(),
                    Some(_) if s.kind.sheet() != SheetKind::Meetings => {
                        return Err(format!(
                            "环节“{}”（{}）不是会议环节，不能写 meetings",
                            s.name,
                            s.kind.key()
                        ));
                    }
                    Some(list) => list
                        .iter()
                        .map(|m| meeting(&format!("环节“{}”的 meetings", s.name), m))
                        .collect::<Result<_, _>>()?,
                };
                steps.push(Step {
                    kind: s.kind,
                    name: s.name,
                    deadline: s.deadline,
                    meetings,
                });
            }
            steps
        }
        (None, None) => {
            return Err("缺少活动环节：请写 [[steps]]（或 2024 年写法 [phases.*]）".into());
        }
    })
}

/// The sheets whose absence is S004 (default: the seven of 2024).
fn resolve_sheets(names: Option<Vec<String>>) -> Result<Vec<SheetKind>, String> {
    Ok(match names {
        None => SheetKind::RETURN_KINDS.to_vec(),
        Some(names) => names
            .iter()
            .map(|n| {
                crate::model::schema::kind_named(n)
                    .filter(|k| !k.is_register())
                    .ok_or_else(|| {
                        let known: Vec<&str> = SPECS
                            .iter()
                            .filter(|s| !s.kind.is_register())
                            .map(|s| s.label)
                            .collect();
                        format!(
                            "required_sheets 中的“{n}”不是表名（应为：{}）",
                            known.join("、")
                        )
                    })
            })
            .collect::<Result<_, _>>()?,
    })
}

impl Default for Evaluation {
    fn default() -> Self {
        Evaluation {
            grades: GRADES.iter().map(|g| g.to_string()).collect(),
            excellent_max_ratio: (1, 3),
            probationary_graded: false,
        }
    }
}

impl EvaluationFile {
    fn resolve(self) -> Result<Evaluation, String> {
        let mut e = Evaluation::default();
        if let Some(g) = self.grades {
            if g.is_empty() {
                return Err("[evaluation] grades 不能为空".into());
            }
            e.grades = g;
        }
        if let Some(r) = self.excellent_max_ratio {
            e.excellent_max_ratio = parse_ratio(&r)?;
        }
        if let Some(p) = self.probationary_graded {
            e.probationary_graded = p;
        }
        Ok(e)
    }
}

fn parse_ratio(r: &Ratio) -> Result<(u32, u32), String> {
    let bad =
        |t: &str| format!("excellent_max_ratio 的“{t}”应写成“1/3”这样的分数或 0.3 这样的小数");
    match r {
        Ratio::Text(t) => {
            let (a, b) = t.split_once('/').ok_or_else(|| bad(t))?;
            let (a, b) = (a.trim().parse::<u32>(), b.trim().parse::<u32>());
            match (a, b) {
                (Ok(a), Ok(b)) if b > 0 && a <= b => Ok((a, b)),
                _ => Err(bad(t)),
            }
        }
        Ratio::Number(x) if (0.0..=1.0).contains(x) => Ok(((x * 1000.0).round() as u32, 1000)),
        Ratio::Number(x) => Err(bad(&x.to_string())),
    }
}

fn resolve_supervision(
    s: Option<SupervisionFile>,
    min_supervisor_rank: Option<String>,
) -> Result<Supervision, String> {
    let rank_text = s
        .as_ref()
        .and_then(|s| s.min_rank.clone())
        .or(min_supervisor_rank)
        .unwrap_or_else(|| "副科级".to_string());
    let min_rank = spelling::rank(&rank_text)
        .ok_or_else(|| format!("min_rank 的“{rank_text}”不是规范职级（如“副科级”）"))?;
    let rank_categories = match s.as_ref().and_then(|s| s.rank_categories.clone()) {
        None => vec![crate::model::Category::Village, crate::model::Category::Community],
        Some(list) => list
            .iter()
            .map(|c| {
                spelling::category(c).ok_or_else(|| {
                    format!("rank_categories 中的“{c}”不是支部类别（应为：村、社区、机关、事业单位、非公企业、社会组织）")
                })
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(Supervision {
        rank_categories,
        min_rank,
        committee_each: s.and_then(|s| s.committee_each).unwrap_or(true),
    })
}

/// `[rules]`: the codes switched off, and the severity overrides.
type RuleSettings = (Vec<Code>, Vec<(Code, Severity)>);

impl RulesFile {
    fn resolve(self) -> Result<RuleSettings, String> {
        let code = |c: &str| {
            Code::parse(c.trim()).ok_or_else(|| {
                format!("[rules] 中的“{c}”不是问题代码（运行 orglife rules 查看全部代码）")
            })
        };
        let off = self.off.iter().map(|c| code(c)).collect::<Result<_, _>>()?;
        let severity = self
            .severity
            .iter()
            .map(|(c, s)| {
                let sev = match s.trim() {
                    "error" | "严重" => Severity::Error,
                    "warning" | "一般" => Severity::Warning,
                    "info" | "提示" => Severity::Info,
                    other => {
                        return Err(format!(
                            "[rules] severity 中 {c} 的“{other}”应为 error/warning/info（严重/一般/提示）"
                        ));
                    }
                };
                Ok((code(c)?, sev))
            })
            .collect::<Result<_, String>>()?;
        Ok((off, severity))
    }
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

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    date(d).map(Some)
}

/// A TOML error as one Chinese line: the line it is on, and for an unknown key, its name.
pub(super) fn toml_reason(e: &toml::de::Error, text: &str) -> String {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    let at = line.map_or(String::new(), |l| format!("第 {l} 行："));
    let msg = e.message().trim().replace('\n', " ");
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((key, _)) = rest.split_once('`')
    {
        return format!(
            "{at}“{key}”不是可用的设置项（拼写错了，或放错了位置）；可用的设置项见 orglife init 生成的示例文件"
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field `")
        && let Some((key, _)) = rest.split_once('`')
    {
        return format!("{at}缺少设置项“{key}”");
    }
    format!("{at}{msg}")
}
