//! A finding code as a campaign sees it (SPEC §7): whether it is judged, its severity, when it
//! is due by the configured steps, and the clause of the configured notice it enforces. The
//! catalog's texts quote the 2024 notice; a campaign with its own `notice` quotes that one
//! where a sentence about the rule is found in it.

use std::borrow::Cow;

use super::{Campaign, StepKind};
use crate::finding::{Code, CodeDoc, Severity};

/// Whether a campaign judges a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judged {
    Yes,
    /// `[rules] off`.
    Off,
    /// The campaign has no step of this kind.
    NoStep(StepKind),
}

pub struct CodeView<'a> {
    pub doc: &'static CodeDoc,
    pub severity: Severity,
    pub judged: Judged,
    pub clause: Cow<'a, str>,
    pub due: Cow<'a, str>,
}

/// What a sentence of a notice must contain to be the clause a rule enforces: alternatives,
/// each a set of words all present. Codes not listed (data checks) have no clause of their
/// own in a notice.
fn terms(code: Code) -> &'static [&'static [&'static str]] {
    use Code::*;
    match code {
        S001 | S002 | S003 | S004 | S005 | S006 | S007 | S008 => &[&["报送"], &["材料"]],
        T101 | T102 | C012 => &[&["集中学习"], &["学习", "材料"], &["专题学习"]],
        T201 | T202 | C002 => &[&["谈心谈话"]],
        C001 => &[&["班子成员之间", "谈"], &["谈心谈话"]],
        C003 => &[&["流动党员"], &["困难党员"], &["年老体弱"]],
        C004 => &[&["征求意见"], &["群众"]],
        T301 | T302 | C005 => &[&["查摆问题"], &["问题清单"]],
        C006 => &[&["班子", "查摆"]],
        C007 => &[&["整改"]],
        T401 | T402 => &[&["支委会"], &["支部委员会"]],
        T501 | T502 => &[&["党员大会"], &["组织生活会"]],
        C009 => &[&["议程"], &["报告工作"], &["批评和自我批评"]],
        C010 => &[&["党小组"]],
        T601 | T602 | T800 => &[&["整改清单"], &["整改"]],
        C008 => &[&["承诺"], &["整改"]],
        C011 => &[&["公示"]],
        V001 | V002 | V006 => &[&["督导"], &["指导"]],
        V003 | V004 => &[&["点评"], &["督导"], &["指导"]],
        V005 => &[&["双重组织生活"], &["普通党员身份"]],
        M001 | M002 | M003 | M004 => &[&["三会一课"]],
        T901 | T902 => &[&["民主评议"]],
        E001 => &[&["每名党员"], &["评定", "等次"]],
        E002 => &[&["预备党员"]],
        E003 => &[&["优秀", "三分之一"], &["优秀", "比例"]],
        E004 => &[&["不合格"], &["基本合格"]],
        E005 => &[&["反馈"], &["告知"]],
        E006 => &[&["全体党员"], &["评议"]],
        _ => &[],
    }
}

/// The first sentence of `notice` holding every word of one alternative, tried in order.
pub fn sentence_about(notice: &str, code: Code) -> Option<&str> {
    let sentences: Vec<&str> = notice
        .split(['。', '；', ';', '\n'])
        .map(str::trim)
        .filter(|s| s.chars().count() >= 6)
        .collect();
    terms(code).iter().find_map(|alt| {
        sentences
            .iter()
            .find(|s| alt.iter().all(|t| s.contains(t)))
            .copied()
    })
}

impl Campaign {
    /// `code` as this campaign judges, dates and explains it.
    pub fn view(&self, code: Code) -> CodeView<'_> {
        let doc = code.doc();
        let judged = if self.off.contains(&code) {
            Judged::Off
        } else {
            match StepKind::of_code(code) {
                Some(k) if self.step(k).is_none() => Judged::NoStep(k),
                _ => Judged::Yes,
            }
        };
        let clause = match &self.notice {
            None => Cow::Borrowed(doc.clause),
            Some(text) => match sentence_about(text, code) {
                Some(s) => Cow::Owned(format!("本次活动通知：“{s}。”")),
                None => Cow::Owned(format!(
                    "（本次活动通知中没有找到对应条文；以下是 2024 年通知的依据）{}",
                    doc.clause
                )),
            },
        };
        // A rule due at its step's deadline names the configured step and date.
        let due = match StepKind::of_code(code).and_then(|k| self.step(k)) {
            Some(step) if doc.due.contains("环节期限") && !doc.due.starts_with("每项") => {
                Cow::Owned(format!(
                    "“{}”环节期限（{}）过后",
                    step.name,
                    step.deadline.format("%Y年%-m月%-d日")
                ))
            }
            _ => Cow::Borrowed(doc.due),
        };
        CodeView {
            doc,
            severity: self.severity(code),
            judged,
            clause,
            due,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTICE: &str = include_str!("../finding/notice_evaluation.txt");

    #[test]
    fn a_configured_notice_is_quoted_where_it_speaks_of_the_rule() {
        let s = sentence_about(NOTICE, Code::E003).unwrap();
        assert!(s.contains("三分之一"), "{s}");
        let s = sentence_about(NOTICE, Code::E002).unwrap();
        assert!(s.starts_with("预备党员参加民主评议"), "{s}");
        assert_eq!(sentence_about(NOTICE, Code::D006), None);
    }

    #[test]
    fn the_view_follows_the_campaign() {
        let mut c = Campaign::embedded();
        // The embedded 2024 campaign: the catalog's own texts.
        let v = c.view(Code::C001);
        assert_eq!(v.clause, Code::C001.doc().clause);
        assert_eq!(v.judged, Judged::Yes);
        assert_eq!(v.due, "“开展谈心谈话”环节期限（2024年7月31日）过后");
        assert_eq!(
            c.view(Code::E001).judged,
            Judged::NoStep(StepKind::Evaluation)
        );
        c.notice = Some(NOTICE.to_string());
        c.off = vec![Code::C011];
        c.severity = vec![(Code::C012, Severity::Info), (Code::C009, Severity::Error)];
        let v = c.view(Code::E005);
        assert!(
            v.clause.starts_with("本次活动通知：“") && v.clause.contains("反馈"),
            "{}",
            v.clause
        );
        assert!(
            c.view(Code::D006)
                .clause
                .starts_with("（本次活动通知中没有找到对应条文")
        );
        assert_eq!(c.view(Code::C011).judged, Judged::Off);
        assert_eq!(c.view(Code::C009).severity, Severity::Error);
    }
}
