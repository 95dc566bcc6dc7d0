//! History between checks (SPEC §8): every check records its findings in a SQLite file, so
//! that the next one can say, per branch, what is new, what was fixed (已改正), what still
//! stands and since when, and how many notices have named it.
//!
//! A finding keeps its identity across rounds by branch, code and subject (never its cell:
//! a branch that inserts a row above must not turn every finding into a new one). Only masked
//! text is stored: the history is a township-wide file.
//!
//! `store` owns the file (where it lives, its migrations, reading and writing rounds);
//! `progress` compares this check with the rounds before it and decides nothing else.

pub mod progress;
pub mod store;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::finding::{Code, Severity};

pub use progress::compare;
pub use store::{History, Place};

/// What the history says about this check; empty (and `state` says why) when there is none.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    pub state: State,
    /// The check before this one, of the same input folder and campaign.
    pub previous: Option<Round>,
    /// One per finding of the check, in the same order as `Analysis::findings`.
    pub seen: Vec<Seen>,
    /// Findings of the previous check not found now, for branches whose returns were read
    /// this time (a branch whose file became unreadable has not fixed anything).
    pub fixed: Vec<Fixed>,
    /// Per branch name: the last notice it got before this check, and what of it is fixed.
    pub since_notice: BTreeMap<String, SinceNotice>,
    /// For recording this check, parallel to the findings: each one's identity, and the
    /// dates notices named it before.
    pub keys: Vec<String>,
    pub reminded_on: Vec<Vec<NaiveDate>>,
}

/// Why there is or is not a comparison.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum State {
    /// `--no-history`, or a command that keeps none.
    #[default]
    Off,
    /// The file could not be used (damaged, locked, newer than this program): the warning
    /// that was printed. The check itself went on.
    Unavailable(String),
    /// The first check of this folder and campaign.
    First,
    /// There is a previous check to compare with.
    Continued,
}

/// One recorded check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    /// 1 for the first check of this folder and campaign.
    pub number: u32,
    /// Local time the check ran, `2024-09-10 14:03`.
    pub run_at: String,
    pub as_of: NaiveDate,
    /// `check`, `check --quick` or `remind`.
    pub command: String,
    pub counts: RoundCounts,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RoundCounts {
    pub branches: u32,
    pub returned: u32,
    /// 严重, 一般, 提示.
    pub by_severity: [u32; 3],
    /// Not in the previous check (0 for the first).
    pub new: u32,
    /// In the previous check, gone now (已改正).
    pub fixed: u32,
}

/// What the history knows of one current finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The 统计截止 date of the first check that found it.
    pub first_seen: NaiveDate,
    /// How many notices have named it before this check (notices sent on the same as-of
    /// date count once: a clerk who re-runs a check has not chased anyone twice).
    pub reminded: u32,
    /// Not found by the previous check (false on a first check: nothing to compare with).
    pub new: bool,
}

/// A finding of an earlier check that is gone now, as that check stored it (masked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fixed {
    pub branch: String,
    pub code: Code,
    pub severity: Severity,
    pub subject: String,
    pub message: String,
    pub first_seen: NaiveDate,
    pub reminded: u32,
}

/// The last notice a branch got, and which of the findings it was sent with are fixed now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SinceNotice {
    /// The 统计截止 date of the check that wrote the notice.
    pub as_of: NaiveDate,
    pub fixed: Vec<Fixed>,
}

impl Progress {
    /// What the history knows of `findings[i]`; `None` without a history.
    pub fn seen(&self, i: usize) -> Option<&Seen> {
        self.seen.get(i)
    }

    /// The fixed findings of one branch.
    pub fn fixed_of<'a>(&'a self, branch: &'a str) -> impl Iterator<Item = &'a Fixed> + 'a {
        self.fixed.iter().filter(move |f| f.branch == branch)
    }

    /// One line for the screen and the pages: what this check is compared with.
    pub fn headline(&self) -> String {
        match (&self.state, &self.previous) {
            (State::Off, _) => "未记录检查历史（--no-history）".to_string(),
            (State::Unavailable(why), _) => why.clone(),
            (State::First, _) | (State::Continued, None) => {
                "这是本文件夹、本次活动的第 1 次检查，下次检查起显示进展".to_string()
            }
            (State::Continued, Some(p)) => format!(
                "与第 {} 次检查（{}，统计截止 {}）相比",
                p.number,
                p.run_at,
                p.as_of.format("%Y-%m-%d")
            ),
        }
    }
}
