//! This check against the rounds before it: which findings are new, which are gone (已改正),
//! since when each has stood and how often a notice named it. Pure: the store reads the
//! rounds, this decides.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::{Fixed, Progress, Round, Seen, SinceNotice, State};
use crate::finding::{Code, Finding, Severity};

/// One finding as a round stored it (its text masked).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub key: String,
    pub branch: String,
    pub code: String,
    pub severity: String,
    pub subject: String,
    pub message: String,
    pub first_seen: NaiveDate,
    /// The 统计截止 dates of the checks whose notices named it, each once.
    pub reminded_on: Vec<NaiveDate>,
}

/// The identity of each finding across rounds: branch, code and subject, plus which of the
/// findings with those three it is (the second identical one is a second finding, not the
/// first seen twice). Hashed, so that the key holds no personal data.
pub fn keys(findings: &[Finding]) -> Vec<String> {
    let mut times: HashMap<(&str, Code, &str), u32> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let n = times
                .entry((f.branch.as_str(), f.code, f.subject.as_str()))
                .or_insert(0);
            *n += 1;
            let mut h = Sha256::new();
            for part in [f.branch.as_str(), f.code.as_str(), f.subject.as_str()] {
                h.update(part.as_bytes());
                h.update([0u8]);
            }
            h.update(n.to_le_bytes());
            h.finalize()
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect()
}

/// What the previous round and the branches' last notices say about `findings`.
///
/// `read(branch)` says whether the branch's returns were read this time: only then can what
/// is gone be called fixed.
pub fn compare(
    previous: Option<(Round, Vec<Stored>)>,
    last_notices: BTreeMap<String, (NaiveDate, Vec<Stored>)>,
    findings: &[Finding],
    keys: &[String],
    as_of: NaiveDate,
    read: &dyn Fn(&str) -> bool,
) -> Progress {
    let now: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let gone = |rows: &[Stored]| -> Vec<Fixed> {
        rows.iter()
            .filter(|s| !now.contains(s.key.as_str()) && read(&s.branch))
            .map(fixed)
            .collect()
    };
    let mut reminded_on = vec![Vec::new(); keys.len()];
    let (state, previous, seen, fixed) = match previous {
        None => (
            State::First,
            None,
            findings
                .iter()
                .map(|_| Seen {
                    first_seen: as_of,
                    reminded: 0,
                    new: false,
                })
                .collect(),
            Vec::new(),
        ),
        Some((round, rows)) => {
            let by_key: HashMap<&str, &Stored> = rows.iter().map(|s| (s.key.as_str(), s)).collect();
            let mut seen = Vec::with_capacity(keys.len());
            for (k, dates) in keys.iter().zip(&mut reminded_on) {
                seen.push(match by_key.get(k.as_str()) {
                    Some(s) => {
                        dates.clone_from(&s.reminded_on);
                        Seen {
                            first_seen: s.first_seen.min(as_of),
                            // A re-run on the same day has not chased anyone again.
                            reminded: dates.iter().filter(|d| **d != as_of).count() as u32,
                            new: false,
                        }
                    }
                    None => Seen {
                        first_seen: as_of,
                        reminded: 0,
                        new: true,
                    },
                });
            }
            let fixed = gone(&rows);
            (State::Continued, Some(round), seen, fixed)
        }
    };
    let since_notice = last_notices
        .into_iter()
        .map(|(branch, (date, rows))| {
            let fixed = gone(&rows);
            (branch, SinceNotice { as_of: date, fixed })
        })
        .collect();
    Progress {
        state,
        previous,
        seen,
        fixed,
        since_notice,
        keys: keys.to_vec(),
        reminded_on,
    }
}

fn fixed(s: &Stored) -> Fixed {
    Fixed {
        branch: s.branch.clone(),
        code: Code::parse(&s.code).unwrap_or(Code::S001),
        severity: match s.severity.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => Severity::Info,
        },
        subject: s.subject.clone(),
        message: s.message.clone(),
        first_seen: s.first_seen,
        reminded: s.reminded_on.len() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::RoundCounts;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 9, day).unwrap()
    }

    fn f(branch: &str, code: Code, subject: &str) -> Finding {
        Finding::new(
            code,
            branch,
            subject,
            format!("{subject}有问题"),
            Default::default(),
        )
    }

    fn stored(f: &Finding, key: &str, first: NaiveDate, reminded: &[NaiveDate]) -> Stored {
        Stored {
            key: key.to_string(),
            branch: f.branch.clone(),
            code: f.code.as_str().to_string(),
            severity: f.severity.english().to_string(),
            subject: f.subject.clone(),
            message: f.message.clone(),
            first_seen: first,
            reminded_on: reminded.to_vec(),
        }
    }

    fn round(as_of: NaiveDate) -> Round {
        Round {
            number: 1,
            run_at: "2024-09-01 09:00".into(),
            as_of,
            command: "check".into(),
            counts: RoundCounts::default(),
        }
    }

    #[test]
    fn identity_is_branch_code_subject_never_the_cell() {
        let mut a = f("一支部", Code::C001, "张三");
        let mut b = a.clone();
        a.loc.cell = Some((3, 1));
        b.loc.cell = Some((9, 4));
        b.message = "另一种说法".into();
        assert_eq!(keys(&[a.clone()]), keys(&[b]));
        let other = f("二支部", Code::C001, "张三");
        assert_ne!(keys(&[a.clone()]), keys(&[other]));
        // Two identical findings are two: the second is not the first seen again.
        let k = keys(&[a.clone(), a]);
        assert_ne!(k[0], k[1]);
    }

    #[test]
    fn new_fixed_and_open_against_the_previous_round() {
        let open = f("一支部", Code::C001, "张三");
        let gone = f("一支部", Code::S004, "谈心谈话");
        let unread = f("二支部", Code::C001, "李四");
        let fresh = f("一支部", Code::T501, "支委会");
        let old = keys(&[open.clone(), gone.clone(), unread.clone()]);
        let rows = vec![
            stored(&open, &old[0], d(1), &[d(1), d(5)]),
            stored(&gone, &old[1], d(1), &[d(1)]),
            stored(&unread, &old[2], d(1), &[]),
        ];
        let now = vec![open.clone(), fresh];
        let k = keys(&now);
        let p = compare(
            Some((round(d(5)), rows)),
            BTreeMap::new(),
            &now,
            &k,
            d(10),
            &|b| b == "一支部",
        );
        assert_eq!(p.state, State::Continued);
        assert_eq!(
            p.seen,
            vec![
                Seen {
                    first_seen: d(1),
                    reminded: 2,
                    new: false
                },
                Seen {
                    first_seen: d(10),
                    reminded: 0,
                    new: true
                }
            ]
        );
        // 二支部's finding is gone because its file was not read: not fixed.
        assert_eq!(p.fixed.len(), 1);
        assert_eq!(p.fixed[0].subject, "谈心谈话");
        assert_eq!(p.fixed[0].code, Code::S004);
        assert_eq!(p.fixed[0].reminded, 1);
    }

    #[test]
    fn a_notice_on_the_same_day_is_not_counted_twice() {
        let open = f("一支部", Code::C001, "张三");
        let k = keys(std::slice::from_ref(&open));
        let rows = vec![stored(&open, &k[0], d(1), &[d(1), d(10)])];
        let p = compare(
            Some((round(d(10)), rows)),
            BTreeMap::new(),
            &[open],
            &k,
            d(10),
            &|_| true,
        );
        assert_eq!(p.seen[0].reminded, 1);
    }

    #[test]
    fn first_round_has_nothing_new_or_fixed_and_what_the_last_notice_named() {
        let open = f("一支部", Code::C001, "张三");
        let gone = f("一支部", Code::S004, "谈心谈话");
        let k = keys(&[open.clone(), gone.clone()]);
        let p = compare(
            None,
            BTreeMap::new(),
            std::slice::from_ref(&open),
            &k[..1],
            d(3),
            &|_| true,
        );
        assert_eq!(p.state, State::First);
        assert!(!p.seen[0].new && p.fixed.is_empty());
        let notices = BTreeMap::from([(
            "一支部".to_string(),
            (
                d(1),
                vec![
                    stored(&open, &k[0], d(1), &[d(1)]),
                    stored(&gone, &k[1], d(1), &[d(1)]),
                ],
            ),
        )]);
        let p = compare(None, notices, &[open], &k[..1], d(3), &|_| true);
        let since = &p.since_notice["一支部"];
        assert_eq!(since.as_of, d(1));
        assert_eq!(since.fixed.len(), 1);
        assert_eq!(since.fixed[0].subject, "谈心谈话");
    }
}
