//! The history around one check (SPEC §8): read it before the outputs are written, so that
//! they can say what changed; record the check after they are, so that a check whose
//! outputs failed is not remembered. A history that cannot be used is a warning only.

use std::collections::HashSet;

use chrono::Local;

use crate::analysis::Analysis;
use crate::cli::RoundArgs;
use crate::history::progress::{Stored, keys};
use crate::history::store::NewRound;
use crate::history::{History, Place, RoundCounts, State, compare};
use crate::model::Returned;
use crate::report::mask::Pii;
use crate::report::remind::Sent;

/// A judged check on its way to the outputs, with its history.
pub struct Run {
    pub a: Analysis,
    pub pii: Pii,
    pub history: Option<History>,
}

/// Where the command line keeps the history.
pub fn place(args: &RoundArgs) -> Place {
    match (&args.history, args.no_history) {
        (_, true) => Place::Off,
        (Some(p), false) => Place::File(p.clone()),
        (None, false) => Place::Default,
    }
}

/// Open the history of this folder and campaign and compare the check with it (into
/// `a.progress`). `None` when there is none to keep.
pub fn begin(place: &Place, a: &mut Analysis) -> Option<History> {
    let unavailable = |a: &mut Analysis, warning: String| {
        eprintln!("{warning}");
        a.progress.state = State::Unavailable(warning);
    };
    let mut h = match History::open(place, &a.input, &a.campaign.name, a.campaign.year) {
        Ok(Some(h)) => h,
        Ok(None) => return None,
        Err(w) => {
            unavailable(a, w);
            return None;
        }
    };
    // Keys only once there is a history to compare with (--no-history hashes nothing).
    let k = keys(&a.findings);
    let now: HashSet<&str> = k.iter().map(String::as_str).collect();
    let (previous, notices) = match h.previous().and_then(|p| Ok((p, h.last_notices(&now)?))) {
        Ok(x) => x,
        Err(w) => {
            unavailable(a, w);
            return None;
        }
    };
    let read: HashSet<&str> = a
        .overview
        .branches
        .iter()
        .filter(|o| o.returned == Returned::Yes)
        .map(|o| o.name.as_str())
        .collect();
    a.progress = compare(previous, notices, &a.findings, &k, a.as_of, &|b| {
        read.contains(b)
    });
    Some(h)
}

impl Run {
    /// Record the check, once its outputs are written. `sent` are the notices it wrote.
    pub fn record(&mut self, command: &str, sent: &[Sent]) {
        let Some(h) = self.history.as_mut() else {
            return;
        };
        let (a, p) = (&self.a, &self.a.progress);
        let masked = Pii { show: false };
        let mut named = vec![false; a.findings.len()];
        for s in sent {
            for &i in &s.named {
                named[i] = true;
            }
        }
        let findings = a
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut reminded_on = p.reminded_on.get(i).cloned().unwrap_or_default();
                if named[i] && !reminded_on.contains(&a.as_of) {
                    reminded_on.push(a.as_of);
                }
                Stored {
                    key: p.keys[i].clone(),
                    branch: f.branch.clone(),
                    code: f.code.as_str().to_string(),
                    severity: f.severity.english().to_string(),
                    subject: masked.text(&f.subject).into_owned(),
                    message: masked.text(&f.message).into_owned(),
                    first_seen: p.seen[i].first_seen,
                    reminded_on,
                }
            })
            .collect();
        let t = a.tally();
        // Without a register every branch is known from its returns: count those read.
        let (branches, returned) = if t.registered > 0 {
            (t.registered, t.returned)
        } else {
            let read = a.overview.branches.iter();
            (
                t.listed,
                read.filter(|b| b.returned == Returned::Yes).count(),
            )
        };
        let counts = RoundCounts {
            branches: branches as u32,
            returned: returned as u32,
            by_severity: t.severity.map(|n| n as u32),
            new: p.seen.iter().filter(|s| s.new).count() as u32,
            fixed: p.fixed.len() as u32,
        };
        let round = NewRound {
            run_at: Local::now().format("%Y-%m-%d %H:%M").to_string(),
            as_of: a.as_of,
            command,
            input: &a.input,
            campaign: &a.campaign.name,
            counts,
            findings,
            notices: sent.iter().map(|s| s.branch.clone()).collect(),
        };
        match h.record(&round) {
            Ok(n) => println!(
                "  检查历史：第 {n} 次检查已记入 {}（orglife history 查看历次）",
                crate::text::shown::path(&h.path)
            ),
            Err(w) => eprintln!("{w}"),
        }
    }
}
