//! The history file: where it lives, its schema (versioned migrations), and reading and
//! writing rounds. A file that cannot be used is a warning for the caller, never an error:
//! the check it belongs to goes on without a history.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::progress::Stored;
use super::{Round, RoundCounts};

/// Where a command keeps its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// `--no-history`.
    Off,
    /// The user's data folder, one file per input folder and campaign.
    Default,
    /// `--history FILE`.
    File(PathBuf),
}

/// The schema, one step per version (`PRAGMA user_version` is the number of steps applied).
/// Append only: a released step is never edited, a change is a new step.
const MIGRATIONS: &[&str] = &[
    // 1. A finding is stored once per scope (`items`, its latest text) and each round only
    //    notes which items it found (`seen`): a county's 100,000 findings rewritten in full
    //    every round made 28 MB a round, this makes 2.
    "CREATE TABLE scopes (
        id INTEGER PRIMARY KEY,
        scope TEXT NOT NULL UNIQUE
    );
    CREATE TABLE rounds (
        id INTEGER PRIMARY KEY,
        scope INTEGER NOT NULL REFERENCES scopes(id),
        run_at TEXT NOT NULL,
        as_of TEXT NOT NULL,
        command TEXT NOT NULL,
        input TEXT NOT NULL,
        campaign TEXT NOT NULL,
        branches INTEGER NOT NULL,
        returned INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        infos INTEGER NOT NULL,
        new INTEGER NOT NULL,
        fixed INTEGER NOT NULL
    );
    CREATE INDEX rounds_by_scope ON rounds(scope, id);
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        scope INTEGER NOT NULL REFERENCES scopes(id),
        key TEXT NOT NULL,
        branch TEXT NOT NULL,
        code TEXT NOT NULL,
        severity TEXT NOT NULL,
        subject TEXT NOT NULL,
        message TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        reminded_on TEXT NOT NULL,
        UNIQUE (scope, key)
    );
    CREATE TABLE seen (
        round INTEGER NOT NULL REFERENCES rounds(id),
        item INTEGER NOT NULL REFERENCES items(id),
        PRIMARY KEY (round, item)
    ) WITHOUT ROWID;
    CREATE TABLE notices (
        round INTEGER NOT NULL REFERENCES rounds(id),
        branch TEXT NOT NULL,
        PRIMARY KEY (round, branch)
    ) WITHOUT ROWID;",
];

/// An open history file and the scope (input folder and campaign) this check belongs to.
pub struct History {
    conn: Connection,
    pub path: PathBuf,
    scope: String,
    /// The previous round's items by key: their row ids and a digest of what was stored.
    /// What the next round finds again unchanged is only noted as seen, not written again
    /// (a digest, not a copy: a county's 100,000 findings held twice cost 40 MB).
    known: HashMap<String, (i64, u64)>,
}

/// A round to record.
pub struct NewRound<'a> {
    pub run_at: String,
    pub as_of: NaiveDate,
    pub command: &'a str,
    pub input: &'a Path,
    pub campaign: &'a str,
    pub counts: RoundCounts,
    pub findings: Vec<Stored>,
    /// The branches this check wrote a notice for.
    pub notices: Vec<String>,
}

/// The scope of a check: which folder, which campaign. The folder by its full path, so that
/// `报表` and `./报表/` are one.
pub fn scope(input: &Path, campaign: &str, year: i32) -> String {
    let full = std::fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
    format!("{}\n{campaign}\n{year}", full.display())
}

/// The default file for a scope: `<数据文件夹>/orglife/history/<文件夹名>-<8 位>.sqlite`.
pub fn default_path(input: &Path, scope: &str) -> Option<PathBuf> {
    let base = dirs::data_dir()?;
    let name: String = std::fs::canonicalize(input)
        .unwrap_or_else(|_| input.to_path_buf())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let hash: String = Sha256::digest(scope.as_bytes())
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect();
    Some(
        base.join("orglife")
            .join("history")
            .join(format!("{name}-{hash}.sqlite")),
    )
}

impl History {
    /// Open (creating when new) the history of a scope. `Err` is the warning to print.
    pub fn open(
        place: &Place,
        input: &Path,
        campaign: &str,
        year: i32,
    ) -> Result<Option<History>, String> {
        let scope = scope(input, campaign, year);
        let path = match place {
            Place::Off => return Ok(None),
            Place::File(p) => p.clone(),
            Place::Default => default_path(input, &scope).ok_or(
                "找不到本机的用户数据文件夹，本次检查未记入历史（可用 --history 指定历史文件）",
            )?,
        };
        Self::open_at(path, scope).map(Some)
    }

    fn open_at(path: PathBuf, scope: String) -> Result<History, String> {
        let shown = crate::text::shown::path(&path);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!(
                    "无法创建历史记录文件夹 {}（{e}），本次检查未记入历史",
                    crate::text::shown::path(dir)
                )
            })?;
        }
        let conn = Connection::open(&path).map_err(|e| unusable(&shown, &e))?;
        // Another check writing the same history (two windows, a scheduled run) waits its
        // turn for a while rather than failing at once.
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(|e| unusable(&shown, &e))?;
        let mut h = History {
            conn,
            path,
            scope,
            known: HashMap::new(),
        };
        if !h.migrate().map_err(|e| unusable(&shown, &e))? {
            return Err(format!(
                "注意：检查历史记录 {shown} 由更新版本的 orglife 写出，本版本不能读取；请使用新版本。{NOT_RECORDED}"
            ));
        }
        Ok(h)
    }

    /// Bring the schema up to date; `false` when the file is newer than this program.
    fn migrate(&mut self) -> rusqlite::Result<bool> {
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version as usize > MIGRATIONS.len() {
            return Ok(false);
        }
        for (i, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(step)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(true)
    }

    /// The last recorded round of this scope, with its findings.
    pub fn previous(&mut self) -> Result<Option<(Round, Vec<Stored>)>, String> {
        self.read_previous()
            .map_err(|e| unusable(&crate::text::shown::path(&self.path), &e))
    }

    fn read_previous(&mut self) -> rusqlite::Result<Option<(Round, Vec<Stored>)>> {
        let Some((id, round)) = self
            .conn
            .query_row(
                &format!(
                    "SELECT rounds.id, {ROUND_COLUMNS} FROM rounds JOIN scopes ON scopes.id = rounds.scope
                     WHERE scopes.scope = ?1 ORDER BY rounds.id DESC LIMIT 1"
                ),
                [&self.scope],
                |r| Ok((r.get::<_, i64>(0)?, round_of(r, 1)?)),
            )
            .optional()?
        else {
            return Ok(None);
        };
        let rows = self.items_seen(id)?;
        self.known = rows
            .iter()
            .map(|(item, s)| (s.key.clone(), (*item, digest(s))))
            .collect();
        Ok(Some((round, rows.into_iter().map(|(_, s)| s).collect())))
    }

    /// Per branch, the last round that sent it a notice: its as-of date and the branch's
    /// findings then that are not among `now` (the keys of this check): what is gone since.
    pub fn last_notices(
        &self,
        now: &HashSet<&str>,
    ) -> Result<BTreeMap<String, (NaiveDate, Vec<Stored>)>, String> {
        self.read_last_notices(now)
            .map_err(|e| unusable(&crate::text::shown::path(&self.path), &e))
    }

    fn read_last_notices(
        &self,
        now: &HashSet<&str>,
    ) -> rusqlite::Result<BTreeMap<String, (NaiveDate, Vec<Stored>)>> {
        let mut st = self.conn.prepare(
            "SELECT n.branch, MAX(n.round), r.as_of FROM notices n
             JOIN rounds r ON r.id = n.round JOIN scopes s ON s.id = r.scope
             WHERE s.scope = ?1 GROUP BY n.branch",
        )?;
        let last: Vec<(String, i64, String)> = st
            .query_map([&self.scope], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // One read per round that sent notices (usually one: the last round chased everyone
        // it had to), shared out by branch; a read per branch was quadratic in a county.
        let mut by_round: BTreeMap<i64, (String, Vec<String>)> = BTreeMap::new();
        for (branch, round, as_of) in last {
            by_round
                .entry(round)
                .or_insert_with(|| (as_of, Vec::new()))
                .1
                .push(branch);
        }
        let mut out = BTreeMap::new();
        for (round, (as_of, branches)) in by_round {
            let mut rows: HashMap<String, Vec<Stored>> = HashMap::new();
            for (_, s) in self.items_seen(round)? {
                if !now.contains(s.key.as_str()) {
                    rows.entry(s.branch.clone()).or_default().push(s);
                }
            }
            for b in branches {
                let mine = rows.remove(&b).unwrap_or_default();
                out.insert(b, (date(&as_of), mine));
            }
        }
        Ok(out)
    }

    /// The items a round found, with their row ids.
    fn items_seen(&self, round: i64) -> rusqlite::Result<Vec<(i64, Stored)>> {
        let mut st = self.conn.prepare(
            "SELECT i.id, i.key, i.branch, i.code, i.severity, i.subject, i.message, i.first_seen,
                    i.reminded_on
             FROM seen s JOIN items i ON i.id = s.item
             WHERE s.round = ?1",
        )?;
        st.query_map([round], |r| {
            let reminded: String = r.get(8)?;
            Ok((
                r.get(0)?,
                Stored {
                    key: r.get(1)?,
                    branch: r.get(2)?,
                    code: r.get(3)?,
                    severity: r.get(4)?,
                    subject: r.get(5)?,
                    message: r.get(6)?,
                    first_seen: date(&r.get::<_, String>(7)?),
                    reminded_on: reminded
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(date)
                        .collect(),
                },
            ))
        })?
        .collect()
    }

    /// Every round of this scope, oldest first.
    pub fn rounds(&self) -> Result<Vec<Round>, String> {
        let read = || -> rusqlite::Result<Vec<Round>> {
            let mut st = self.conn.prepare(&format!(
                "SELECT {ROUND_COLUMNS} FROM rounds JOIN scopes ON scopes.id = rounds.scope
                 WHERE scopes.scope = ?1 ORDER BY rounds.id"
            ))?;
            st.query_map([&self.scope], |r| round_of(r, 0))?.collect()
        };
        read().map_err(|e| unusable(&crate::text::shown::path(&self.path), &e))
    }

    /// Record a check: one transaction, so that a round is there whole or not at all.
    pub fn record(&mut self, round: &NewRound) -> Result<u32, String> {
        let shown = crate::text::shown::path(&self.path);
        self.write(round).map_err(|e| unusable(&shown, &e))
    }

    fn write(&mut self, n: &NewRound) -> rusqlite::Result<u32> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO scopes (scope) VALUES (?1) ON CONFLICT (scope) DO NOTHING",
            [&self.scope],
        )?;
        let scope: i64 = tx.query_row(
            "SELECT id FROM scopes WHERE scope = ?1",
            [&self.scope],
            |r| r.get(0),
        )?;
        let c = &n.counts;
        tx.execute(
            "INSERT INTO rounds (scope, run_at, as_of, command, input, campaign, branches, returned,
                errors, warnings, infos, new, fixed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                scope,
                n.run_at,
                n.as_of.to_string(),
                n.command,
                n.input.display().to_string(),
                n.campaign,
                c.branches,
                c.returned,
                c.by_severity[0],
                c.by_severity[1],
                c.by_severity[2],
                c.new,
                c.fixed
            ],
        )?;
        let round = tx.last_insert_rowid();
        {
            let mut upsert = tx.prepare(
                "INSERT INTO items (scope, key, branch, code, severity, subject, message,
                    first_seen, reminded_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (scope, key) DO UPDATE SET branch = excluded.branch,
                    code = excluded.code, severity = excluded.severity,
                    subject = excluded.subject, message = excluded.message,
                    first_seen = excluded.first_seen, reminded_on = excluded.reminded_on
                 RETURNING id",
            )?;
            let mut seen =
                tx.prepare("INSERT OR IGNORE INTO seen (round, item) VALUES (?1, ?2)")?;
            for s in &n.findings {
                let item = match self.known.get(&s.key) {
                    Some((id, before)) if *before == digest(s) => *id,
                    _ => {
                        let reminded: Vec<String> =
                            s.reminded_on.iter().map(|d| d.to_string()).collect();
                        upsert.query_row(
                            params![
                                scope,
                                s.key,
                                s.branch,
                                s.code,
                                s.severity,
                                s.subject,
                                s.message,
                                s.first_seen.to_string(),
                                reminded.join(",")
                            ],
                            |r| r.get(0),
                        )?
                    }
                };
                seen.execute(params![round, item])?;
            }
            let mut st = tx.prepare("INSERT INTO notices (round, branch) VALUES (?1, ?2)")?;
            for b in &n.notices {
                st.execute(params![round, b])?;
            }
        }
        let number: i64 = tx.query_row(
            "SELECT COUNT(*) FROM rounds WHERE scope = ?1 AND id <= ?2",
            params![scope, round],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(number as u32)
    }
}

/// A digest of everything stored of an item, to tell an unchanged one (not cryptographic:
/// a collision only means an item is not rewritten when its text changed).
fn digest(s: &Stored) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&s.branch, &s.code, &s.severity, &s.subject, &s.message).hash(&mut h);
    (s.first_seen, &s.reminded_on).hash(&mut h);
    h.finish()
}

const ROUND_COLUMNS: &str =
    "(SELECT COUNT(*) FROM rounds p WHERE p.scope = rounds.scope AND p.id <= rounds.id),
    run_at, as_of, command, branches, returned, errors, warnings, infos, new, fixed";

fn round_of(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Round> {
    let n = |i: usize| r.get::<_, u32>(at + i);
    Ok(Round {
        number: n(0)?,
        run_at: r.get(at + 1)?,
        as_of: date(&r.get::<_, String>(at + 2)?),
        command: r.get(at + 3)?,
        counts: RoundCounts {
            branches: n(4)?,
            returned: n(5)?,
            by_severity: [n(6)?, n(7)?, n(8)?],
            new: n(9)?,
            fixed: n(10)?,
        },
    })
}

/// Dates are written by this module as `2024-09-10`; anything else (a hand-edited file)
/// reads as the earliest date rather than failing the check.
fn date(s: &str) -> NaiveDate {
    s.parse().unwrap_or(NaiveDate::MIN)
}

const NOT_RECORDED: &str = "本次检查照常完成，但没有与上次比较，也未记入历史。";

/// The warning for a history file that cannot be used, saying what to do.
fn unusable(path: &str, e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    let why = match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                "正被另一个检查或程序占用；等它结束后再检查一次即可记入".to_string()
            }
            ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                "已损坏（不是有效的历史记录文件）；可把它改名保留，下次检查会新建".to_string()
            }
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly => {
                "无法打开或写入（没有权限，或路径有误）".to_string()
            }
            ErrorCode::DiskFull => "所在磁盘已满".to_string(),
            _ => format!("无法使用（{e}）"),
        },
        _ => format!("无法使用（{e}）"),
    };
    format!("注意：检查历史记录 {path} {why}。{NOT_RECORDED}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_round<'a>(
        input: &'a Path,
        as_of: NaiveDate,
        rows: Vec<Stored>,
        notices: Vec<String>,
    ) -> NewRound<'a> {
        NewRound {
            run_at: "2024-09-01 09:00".into(),
            as_of,
            command: "check",
            input,
            campaign: "测试",
            counts: RoundCounts {
                branches: 2,
                ..RoundCounts::default()
            },
            findings: rows,
            notices,
        }
    }

    fn row(key: &str, branch: &str, reminded: &[NaiveDate]) -> Stored {
        Stored {
            key: key.into(),
            branch: branch.into(),
            code: "C001".into(),
            severity: "error".into(),
            subject: "张三".into(),
            message: "身份证号 420682********0314 校验位不对".into(),
            first_seen: NaiveDate::from_ymd_opt(2024, 9, 1).unwrap(),
            reminded_on: reminded.to_vec(),
        }
    }

    #[test]
    fn rounds_are_kept_per_scope_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = Place::File(dir.path().join("h.sqlite"));
        let input = dir.path();
        let d1 = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
        let d2 = NaiveDate::from_ymd_opt(2024, 9, 8).unwrap();
        let mut h = History::open(&file, input, "测试", 2024).unwrap().unwrap();
        assert_eq!(h.previous().unwrap(), None);
        let n = h
            .record(&new_round(
                input,
                d1,
                vec![row("k1", "一支部", &[d1]), row("k2", "二支部", &[])],
                vec!["一支部".into()],
            ))
            .unwrap();
        assert_eq!(n, 1);
        let n = h
            .record(&new_round(
                input,
                d2,
                vec![row("k1", "一支部", &[d1])],
                vec![],
            ))
            .unwrap();
        assert_eq!(n, 2);
        drop(h);
        // Reopened: the schema is not applied twice, the rounds are there.
        let mut h = History::open(&file, input, "测试", 2024).unwrap().unwrap();
        let (round, rows) = h.previous().unwrap().unwrap();
        assert_eq!((round.number, round.as_of), (2, d2));
        assert_eq!(rows, vec![row("k1", "一支部", &[d1])]);
        let notices = h.last_notices(&HashSet::new()).unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!(notices["一支部"].0, d1);
        assert_eq!(notices["一支部"].1.len(), 1);
        assert_eq!(h.rounds().unwrap().len(), 2);
        // Another campaign in the same file has its own rounds.
        let mut other = History::open(&file, input, "另一活动", 2024)
            .unwrap()
            .unwrap();
        assert_eq!(other.previous().unwrap(), None);
        assert!(other.rounds().unwrap().is_empty());
    }

    #[test]
    fn a_damaged_file_is_a_warning_that_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h.sqlite");
        std::fs::write(
            &p,
            b"this is not a database, it is a clerk's note ".repeat(100),
        )
        .unwrap();
        let before = std::fs::read(&p).unwrap();
        let e = History::open(&Place::File(p.clone()), dir.path(), "测试", 2024)
            .err()
            .expect("a damaged file is refused");
        assert!(e.contains("已损坏") && e.contains("照常完成"), "{e}");
        // Never repaired or replaced behind the clerk's back.
        assert_eq!(std::fs::read(&p).unwrap(), before);
    }

    #[test]
    fn a_file_from_a_newer_version_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("h.sqlite");
        let c = Connection::open(&p).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let e = History::open(&Place::File(p), dir.path(), "测试", 2024)
            .err()
            .unwrap();
        assert!(e.contains("更新版本"), "{e}");
    }

    #[test]
    fn off_is_no_history_and_no_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            History::open(&Place::Off, dir.path(), "测试", 2024)
                .unwrap()
                .is_none()
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
