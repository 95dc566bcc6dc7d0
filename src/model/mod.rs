//! The typed model every later stage reads: the register, each branch's merged records and
//! every input file's accounting. Every value keeps its provenance (file, sheet, cell).

pub mod vocab;

use std::collections::BTreeSet;

use crate::ingest::dates::{Deadline, PDate, YearMonth};
use crate::ingest::schema::SheetKind;
use crate::text::a1;
pub use vocab::*;

/// Index of an input file in [`Model::files`] (sorted by path).
pub type FileId = u32;

/// Where a value was read: file, sheet (index in the file's sheets) and zero-based cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prov {
    pub file: FileId,
    pub sheet: u16,
    pub row: u32,
    pub col: u32,
}

impl Prov {
    pub fn a1(&self) -> String {
        a1(self.row, self.col)
    }
}

/// A value and the cell it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Val<T> {
    pub value: T,
    pub at: Prov,
}

impl<T> Val<T> {
    pub fn new(value: T, at: Prov) -> Self {
        Val { value, at }
    }
}

/// 支部名册 row.
#[derive(Clone, Debug)]
pub struct RegBranch {
    /// 支部名称 as the register writes it.
    pub name: Val<String>,
    /// The folded name returns are matched on (SPEC §6).
    pub key: String,
    pub category: Option<Val<Category>>,
    /// 设支委会 (blank = 是).
    pub has_committee: bool,
    pub secretary: Option<Val<String>>,
    pub member_count: Option<Val<u32>>,
    pub phone: Option<Val<String>>,
}

/// 督导人员 row.
#[derive(Clone, Debug)]
pub struct Leader {
    pub name: Val<String>,
    pub title: Option<Val<String>>,
    /// `None` when the 职级 text is not on the ladder (a D003 says so).
    pub rank: Option<Val<Rank>>,
    /// 镇党委班子成员 (blank = 否).
    pub town_committee: bool,
    /// 所在支部: the branch where the cadre is an ordinary member.
    pub home_branch: Option<Val<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct Register {
    pub branches: Vec<RegBranch>,
    pub leaders: Vec<Leader>,
    /// Files the register was read from.
    pub files: Vec<FileId>,
    pub has_branch_sheet: bool,
    pub has_leader_sheet: bool,
}

/// 基本情况: one value per item; the key/value and table layouts read the same.
#[derive(Clone, Debug, Default)]
pub struct BranchInfo {
    pub name: Option<Val<String>>,
    pub reporter: Option<Val<String>>,
    pub report_date: Option<Val<PDate>>,
    pub period: Option<Val<YearMonth>>,
    pub publicised: Option<Val<PDate>>,
    pub publicised_scope: Option<Val<String>>,
    pub filed: Option<Val<PDate>>,
    pub category: Option<Val<String>>,
    pub secretary: Option<Val<String>>,
    pub member_count: Option<Val<u32>>,
    pub phone: Option<Val<String>>,
    /// Items the tool has no use for, kept so that nothing sent is dropped unseen.
    pub extra: Vec<(String, Val<String>)>,
}

/// 党员花名册 row.
#[derive(Clone, Debug)]
pub struct Member {
    pub name: Val<String>,
    pub gender: Option<Val<Gender>>,
    pub birth: Option<Val<PDate>>,
    pub joined: Option<Val<PDate>>,
    pub category: Option<Val<MemberCategory>>,
    /// 党内职务; blank reads as 党员.
    pub role: Val<Role>,
    pub special: Vec<Val<Special>>,
    pub group: Option<Val<String>>,
    /// 身份证号 as text, normalised (`x` → `X`); validity was reported as D006.
    pub id_number: Option<Val<String>>,
    pub id_valid: bool,
    pub phone: Option<Val<String>>,
    pub fp: u64,
}

/// 会议记录 row (a row naming several types becomes one meeting per type).
#[derive(Clone, Debug)]
pub struct Meeting {
    pub kind: Val<MeetingKind>,
    pub date: Val<PDate>,
    pub expected: Option<Val<u32>>,
    pub present: Option<Val<u32>>,
    pub host: Option<Val<String>>,
    pub attendees: Option<Val<Vec<String>>>,
    pub content: Option<Val<String>>,
    pub supervisors: Option<Val<Vec<String>>>,
    /// 督导人员职级, position by position with `supervisors`; `None` where unreadable.
    pub supervisor_ranks: Option<Val<Vec<Option<Rank>>>>,
    pub sent_by: Option<Val<String>>,
    pub commented: Option<Val<bool>>,
    pub group: Option<Val<String>>,
    pub fp: u64,
}

/// 谈心谈话记录 row.
#[derive(Clone, Debug)]
pub struct Talk {
    pub date: Val<PDate>,
    pub talker: Val<String>,
    pub partners: Val<Vec<String>>,
    pub target: Option<Val<TalkTarget>>,
    pub mode: Option<Val<TalkMode>>,
    pub content: Option<Val<String>>,
    pub fp: u64,
}

/// 查摆问题清单 row.
#[derive(Clone, Debug)]
pub struct Problem {
    pub id: Val<String>,
    /// 责任主体: 支部班子 or a member's name.
    pub owner: Val<String>,
    pub category: Option<Val<String>>,
    pub description: Val<String>,
    pub date: Val<PDate>,
    pub fp: u64,
}

/// 整改项目清单 row.
#[derive(Clone, Debug)]
pub struct Rectification {
    pub id: Val<String>,
    pub problem_ids: Val<Vec<String>>,
    pub item: Val<String>,
    pub measure: Val<String>,
    pub owner: Val<String>,
    pub deadline: Val<Deadline>,
    pub fp: u64,
}

/// 落实结果清单 row.
#[derive(Clone, Debug)]
pub struct RectResult {
    pub rect_id: Val<String>,
    pub status: Val<ResultStatus>,
    pub done: Option<Val<PDate>>,
    pub publicised: Option<Val<bool>>,
    pub fp: u64,
}

/// The state of one sheet kind for a branch after merging its returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Read (possibly with no data rows: an empty sheet is judged as empty).
    Present,
    /// No sheet of this kind in any return (S004).
    Missing,
    /// Present, but a required column is missing (S005): nothing can be judged from it.
    Unusable,
}

/// A registered branch (or, with no register, a branch as its returns name it) and everything
/// its returns hold, merged across monthly returns.
#[derive(Clone, Debug)]
pub struct Branch {
    /// Canonical name: the register's 支部名称.
    pub name: String,
    /// Index into [`Register::branches`]; `None` when the run has no register.
    pub reg: Option<usize>,
    pub files: Vec<FileId>,
    pub info: Option<BranchInfo>,
    pub roster: Vec<Member>,
    pub meetings: Vec<Meeting>,
    pub talks: Vec<Talk>,
    pub problems: Vec<Problem>,
    pub rectifications: Vec<Rectification>,
    pub results: Vec<RectResult>,
    /// Presence per kind, in [`SheetKind::RETURN_KINDS`] order.
    pub presence: [Presence; 7],
    /// Periods (报送月份) of the returns merged here.
    pub periods: BTreeSet<YearMonth>,
}

impl Branch {
    pub fn returned(&self) -> bool {
        !self.files.is_empty()
    }

    pub fn presence(&self, kind: SheetKind) -> &Presence {
        let i = SheetKind::RETURN_KINDS
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(0);
        &self.presence[i]
    }
}

/// How one sheet of an input file was read.
#[derive(Clone, Debug, Default)]
pub struct SheetEntry {
    pub name: String,
    pub kind: Option<SheetKind>,
    /// Zero-based header row(s), when a header was found.
    pub header_rows: Option<(u32, u32)>,
    /// Data rows below the header (blank, 合计 and 填表人 rows excluded).
    pub read: u32,
    pub accepted: u32,
    pub rejected: u32,
    /// Blank, 序号-only, title, repeated-header and footer rows.
    pub skipped: u32,
    /// Zero-based rows rejected one by one, each with a finding at that row (D001, D002, D008).
    pub rejected_rows: Vec<u32>,
    /// The whole sheet was set aside by a sheet-level finding (S005, S006): every row read
    /// counts as rejected.
    pub rejected_by: Option<&'static str>,
    /// Headers that name no column of the kind (kept visible on 输入文件).
    pub unused_columns: Vec<String>,
    /// Where each of the kind's columns is (standard name, zero-based column), so that a
    /// finding about an empty field can still point at its cell.
    pub columns: Vec<(&'static str, u32)>,
    /// A note for 输入文件 (空表已略过, 未识别, 缺少列…).
    pub note: String,
}

impl SheetEntry {
    /// Reject one more row after reading (a duplicate 编号 found when merging).
    pub fn reject_row(&mut self, row: u32) {
        if self.rejected_by.is_none() && !self.rejected_rows.contains(&row) {
            self.rejected_rows.push(row);
            self.rejected_rows.sort_unstable();
            self.accepted = self.accepted.saturating_sub(1);
            self.rejected += 1;
        }
    }

    /// Set the whole sheet aside.
    pub fn reject_sheet(&mut self, code: &'static str, note: String) {
        self.rejected_by = Some(code);
        self.accepted = 0;
        self.rejected = self.read;
        self.note = note;
    }
}

/// One input file and what became of it.
#[derive(Clone, Debug, Default)]
pub struct FileEntry {
    /// Path relative to the input folder, `/`-separated.
    pub path: String,
    pub size: u64,
    pub sha256: String,
    pub modified: Option<std::time::SystemTime>,
    /// Canonical branch name, 镇级名册 for the register, empty when unmatched.
    pub branch: String,
    pub period: Option<YearMonth>,
    pub report_date: Option<PDate>,
    pub sheets: Vec<SheetEntry>,
    /// Why the file was not read (S002/S007), empty when it was.
    pub error: String,
}

/// Everything ingest produced.
#[derive(Debug, Default)]
pub struct Model {
    pub files: Vec<FileEntry>,
    pub register: Register,
    /// In register order; with no register, in order of first appearance by path.
    pub branches: Vec<Branch>,
    /// Every period carried by any return of the township.
    pub periods: BTreeSet<YearMonth>,
}
