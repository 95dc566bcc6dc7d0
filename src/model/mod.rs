//! The typed model every later stage reads: the register, each branch's merged records and
//! every input file's accounting. Every value keeps its provenance (file, sheet, cell).
//!
//! The model is also the floor of shared words: dates, sheet kinds and their columns, the
//! closed vocabularies and their spellings, branch names. Ingest builds them; rules and
//! reports read them; nothing here knows a spreadsheet.

pub mod branch_name;
pub mod dates;
pub mod outputs;
pub mod schema;
pub mod spelling;
pub mod vocab;

use std::collections::BTreeSet;

pub use dates::{Deadline, PDate, Precision, YearMonth};
pub use schema::SheetKind;
pub use vocab::*;

use crate::finding::{Code, Location};
use crate::text::a1;

/// Text read from a cell: inline up to 24 bytes (a name, an ID number, a phone, an 编号),
/// so the million short values of a county cost no allocation of their own.
pub type Text = compact_str::CompactString;

/// The names one cell lists (参会人员, 督导人员, 谈话对象), kept as one text with a line break
/// between names. A line break always separates names when a cell is split (and white space
/// is folded out of each name), so no name can hold one. Three names fit inline; as a
/// `Vec<Text>` every list cost 24 bytes a name on the heap, a twentieth of a county's model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Names(Text);

impl Names {
    pub fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.split_terminator('\n')
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|n| n == name)
    }

    /// The names as a person writes them, e.g. joined by `、`.
    pub fn join(&self, sep: &str) -> String {
        self.0.replace('\n', sep)
    }
}

impl<S: AsRef<str>> FromIterator<S> for Names {
    /// Empty names are dropped; a line break inside a name (never made by the reader) would
    /// read as two names, so it is asserted against in tests.
    fn from_iter<I: IntoIterator<Item = S>>(names: I) -> Self {
        let mut text = Text::default();
        for n in names {
            let n = n.as_ref();
            debug_assert!(!n.contains('\n'), "a name with a line break: {n:?}");
            if n.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(n);
        }
        Names(text)
    }
}

/// Index of an input file in [`Model::files`] (sorted by path).
pub type FileId = u32;

/// Where a value was read: file, sheet (index in the file's sheets) and zero-based cell.
///
/// Millions of values carry one, so it is packed into 8 bytes (16 unpacked, a third of a
/// typical field): from the high bits, file 18 bits, sheet 10, row 22, column 14; the order of
/// the packed number is the order of (file, sheet, row, column). Every spreadsheet cell fits
/// (1,048,576 rows × 16,384 columns); only a CSV line beyond 4 million rows or 16,384 fields, a
/// workbook's 1,024th sheet or a folder's 262,144th file would saturate to the last value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Prov(u64);

const FILE_BITS: u32 = 18;
const SHEET_BITS: u32 = 10;
const ROW_BITS: u32 = 22;
const COL_BITS: u32 = 14;

fn field(value: u64, bits: u32) -> u64 {
    value.min((1 << bits) - 1)
}

impl Prov {
    pub fn new(file: FileId, sheet: u16, row: u32, col: u32) -> Self {
        let packed = (field(u64::from(file), FILE_BITS) << (SHEET_BITS + ROW_BITS + COL_BITS))
            | (field(u64::from(sheet), SHEET_BITS) << (ROW_BITS + COL_BITS))
            | (field(u64::from(row), ROW_BITS) << COL_BITS)
            | field(u64::from(col), COL_BITS);
        Prov(packed)
    }

    pub fn file(&self) -> FileId {
        (self.0 >> (SHEET_BITS + ROW_BITS + COL_BITS)) as FileId
    }

    pub fn sheet(&self) -> u16 {
        ((self.0 >> (ROW_BITS + COL_BITS)) & ((1 << SHEET_BITS) - 1)) as u16
    }

    pub fn row(&self) -> u32 {
        ((self.0 >> COL_BITS) & ((1 << ROW_BITS) - 1)) as u32
    }

    pub fn col(&self) -> u32 {
        (self.0 & ((1 << COL_BITS) - 1)) as u32
    }

    /// The same place in another column (a finding about an empty field points at its cell).
    pub fn with_col(&self, col: u32) -> Self {
        Prov::new(self.file(), self.sheet(), self.row(), col)
    }

    pub fn a1(&self) -> String {
        a1(self.row(), self.col())
    }
}

impl std::fmt::Debug for Prov {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Prov(file {}, sheet {}, {})",
            self.file(),
            self.sheet(),
            self.a1()
        )
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
    pub name: Val<Text>,
    /// The folded name returns are matched on (SPEC §6).
    pub key: String,
    pub category: Option<Val<Category>>,
    /// 设支委会 (blank = 是).
    pub has_committee: bool,
    pub secretary: Option<Val<Text>>,
    pub member_count: Option<Val<u32>>,
    pub phone: Option<Val<Text>>,
}

/// 督导人员 row.
#[derive(Clone, Debug)]
pub struct Leader {
    pub name: Val<Text>,
    pub title: Option<Val<Text>>,
    /// `None` when the 职级 text is not on the ladder (a D003 says so).
    pub rank: Option<Val<Rank>>,
    /// 镇党委班子成员 (blank = 否).
    pub town_committee: bool,
    /// 所在支部: the branch where the cadre is an ordinary member.
    pub home_branch: Option<Val<Text>>,
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
    pub name: Option<Val<Text>>,
    pub reporter: Option<Val<Text>>,
    pub report_date: Option<Val<PDate>>,
    pub period: Option<Val<YearMonth>>,
    pub publicised: Option<Val<PDate>>,
    pub publicised_scope: Option<Val<Text>>,
    pub filed: Option<Val<PDate>>,
    pub category: Option<Val<Text>>,
    pub secretary: Option<Val<Text>>,
    pub member_count: Option<Val<u32>>,
    pub phone: Option<Val<Text>>,
    /// Items the tool has no use for, kept so that nothing sent is dropped unseen.
    pub extra: Vec<(String, Val<Text>)>,
}

/// 党员花名册 row.
#[derive(Clone, Debug)]
pub struct Member {
    pub name: Val<Text>,
    pub gender: Option<Val<Gender>>,
    pub birth: Option<Val<PDate>>,
    pub joined: Option<Val<PDate>>,
    pub category: Option<Val<MemberCategory>>,
    /// 党内职务; blank reads as 党员.
    pub role: Val<Role>,
    pub special: Vec<Val<Special>>,
    pub group: Option<Val<Text>>,
    /// 身份证号 as text, normalised (`x` → `X`); validity was reported as D006.
    pub id_number: Option<Val<Text>>,
    pub id_valid: bool,
    pub phone: Option<Val<Text>>,
    pub fp: u64,
}

/// 民主评议 row: one member's grade (SPEC §7). The grade is one of the campaign's grades,
/// as configured (checked when read: D003 otherwise).
#[derive(Clone, Debug)]
pub struct Appraisal {
    pub name: Val<Text>,
    pub category: Option<Val<MemberCategory>>,
    pub grade: Option<Val<Text>>,
    pub date: Val<PDate>,
    pub told: Option<Val<PDate>>,
    pub handling: Option<Val<Text>>,
    /// 优秀票, 合格票, 基本合格票, 不合格票 as counted (optional; kept for the archive).
    pub votes: [Option<Val<u32>>; 4],
    pub fp: u64,
}

/// 委员分工 row: a committee post and who holds it.
#[derive(Clone, Debug)]
pub struct Seat {
    pub name: Val<Text>,
    pub role: Val<Role>,
    pub fp: u64,
}

/// 会议记录 row (a row naming several types becomes one meeting per type).
#[derive(Clone, Debug)]
pub struct Meeting {
    pub kind: Val<MeetingKind>,
    pub date: Val<PDate>,
    pub expected: Option<Val<u32>>,
    pub present: Option<Val<u32>>,
    pub host: Option<Val<Text>>,
    pub attendees: Option<Val<Names>>,
    pub content: Option<Val<Text>>,
    pub supervisors: Option<Val<Names>>,
    /// 督导人员职级, position by position with `supervisors`; `None` where unreadable.
    pub supervisor_ranks: Option<Val<Vec<Option<Rank>>>>,
    pub sent_by: Option<Val<Text>>,
    pub commented: Option<Val<bool>>,
    pub group: Option<Val<Text>>,
    pub fp: u64,
}

/// 谈心谈话记录 row.
#[derive(Clone, Debug)]
pub struct Talk {
    pub date: Val<PDate>,
    pub talker: Val<Text>,
    pub partners: Val<Names>,
    pub target: Option<Val<TalkTarget>>,
    pub mode: Option<Val<TalkMode>>,
    pub content: Option<Val<Text>>,
    pub fp: u64,
}

/// 查摆问题清单 row.
#[derive(Clone, Debug)]
pub struct Problem {
    pub id: Val<Text>,
    /// 责任主体: 支部班子 or a member's name.
    pub owner: Val<Text>,
    pub category: Option<Val<Text>>,
    pub description: Val<Text>,
    pub date: Val<PDate>,
    pub fp: u64,
}

/// 整改项目清单 row.
#[derive(Clone, Debug)]
pub struct Rectification {
    pub id: Val<Text>,
    pub problem_ids: Val<Vec<Text>>,
    pub item: Val<Text>,
    pub measure: Val<Text>,
    pub owner: Val<Text>,
    pub deadline: Val<Deadline>,
    pub fp: u64,
}

/// 落实结果清单 row.
#[derive(Clone, Debug)]
pub struct RectResult {
    pub rect_id: Val<Text>,
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
    pub appraisals: Vec<Appraisal>,
    /// Presence per kind, in [`SheetKind::RETURN_KINDS`] order, then 民主评议.
    pub presence: [Presence; 8],
    /// Periods (报送月份) of the returns merged here.
    pub periods: BTreeSet<YearMonth>,
}

/// Whether a branch has returned usable material: the one definition the screen, 总览, 催办
/// and the archive all count by (SPEC §8, issue 14). Files that could not be read are not a
/// return: such a branch counts with those that returned nothing, shown apart as
/// “报送的文件无法读取”.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returned {
    /// No file names this branch.
    No,
    /// Files came, none could be read (each an S002).
    Unreadable,
    /// At least one file was read.
    Yes,
}

impl Returned {
    /// As 总览 and the screen name it.
    pub fn label(self) -> &'static str {
        match self {
            Returned::Yes => "已报送",
            Returned::No => "未报送",
            Returned::Unreadable => "报送的文件无法读取",
        }
    }
}

impl Branch {
    /// Some file names this branch, read or not (its feedback workbook lists the S002s).
    pub fn returned(&self) -> bool {
        !self.files.is_empty()
    }

    /// Whether it returned usable material; see [`Returned`]. `files` is [`Model::files`].
    pub fn return_state(&self, files: &[FileEntry]) -> Returned {
        if self.files.is_empty() {
            Returned::No
        } else if self
            .files
            .iter()
            .any(|&f| files.get(f as usize).is_some_and(|e| e.error.is_empty()))
        {
            Returned::Yes
        } else {
            Returned::Unreadable
        }
    }

    pub fn presence(&self, kind: SheetKind) -> &Presence {
        &self.presence[presence_index(kind).unwrap_or(0)]
    }
}

/// Where a kind's presence is kept in [`Branch::presence`]: the seven kinds of a 2024 return,
/// then 民主评议 (required by campaigns with an evaluation step).
pub fn presence_index(kind: SheetKind) -> Option<usize> {
    SheetKind::RETURN_KINDS
        .iter()
        .position(|k| *k == kind)
        .or((kind == SheetKind::Evaluation).then_some(SheetKind::RETURN_KINDS.len()))
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
    pub rejected_by: Option<Code>,
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
    pub fn reject_sheet(&mut self, code: Code, note: String) {
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

impl FileEntry {
    /// Where the file is on disk, given the checked input: the input itself when a single
    /// file was checked, else the input folder joined with [`FileEntry::path`].
    pub fn source_in(&self, input: &std::path::Path) -> std::path::PathBuf {
        if input.is_file() {
            input.to_path_buf()
        } else {
            input.join(&self.path)
        }
    }
}

/// Where a value was read, for a finding: the file's path and the sheet's name.
pub fn location(files: &[FileEntry], p: Prov) -> Location {
    let file = &files[p.file() as usize];
    Location {
        file: file.path.clone(),
        sheet: file
            .sheets
            .get(p.sheet() as usize)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        cell: Some((p.row(), p.col())),
    }
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
    /// orglife's own outputs found in the input and not read (SPEC §8), in path order.
    pub skipped: Vec<outputs::Skipped>,
}

#[cfg(test)]
mod tests {
    use super::{Names, Prov};

    #[test]
    fn names_keep_order_and_skip_empty_pieces() {
        let n: Names = ["张三", "", "欧阳·娜娜", "李四"].into_iter().collect();
        assert_eq!(n.iter().collect::<Vec<_>>(), ["张三", "欧阳·娜娜", "李四"]);
        assert_eq!(
            (n.len(), n.join("、")),
            (3, "张三、欧阳·娜娜、李四".to_string())
        );
        assert!(n.contains("李四") && !n.contains("李"));
        let none: Names = std::iter::empty::<&str>().collect();
        assert!(none.is_empty() && none.iter().next().is_none());
        assert_eq!(none.len(), 0);
    }

    #[test]
    fn provenance_packs_every_spreadsheet_cell_exactly() {
        for (file, sheet, row, col) in [
            (0, 0, 0, 0),
            (9_999, 6, 41, 12),
            (262_143, 1_023, 1_048_575, 16_383),
        ] {
            let p = Prov::new(file, sheet, row, col);
            assert_eq!(
                (p.file(), p.sheet(), p.row(), p.col()),
                (file, sheet, row, col)
            );
        }
        assert_eq!(Prov::new(3, 1, 1_048_575, 16_383).a1(), "XFD1048576");
        assert_eq!(std::mem::size_of::<Prov>(), 8);
    }

    #[test]
    fn packed_order_is_file_sheet_row_col() {
        let order = [
            Prov::new(0, 5, 9, 9),
            Prov::new(1, 0, 0, 0),
            Prov::new(1, 0, 0, 1),
            Prov::new(1, 0, 1, 0),
            Prov::new(1, 1, 0, 0),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn beyond_the_fields_saturates_instead_of_wrapping() {
        // A CSV line past 4 million rows or 16,384 fields: the last row/column, never row 0.
        let p = Prov::new(2, 1, 5_000_000, 20_000);
        assert_eq!(
            (p.file(), p.sheet(), p.row(), p.col()),
            (2, 1, 4_194_303, 16_383)
        );
        assert_eq!(Prov::new(7, 3, 4, 5).with_col(9), Prov::new(7, 3, 4, 9));
    }
}
