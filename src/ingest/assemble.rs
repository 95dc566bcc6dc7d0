//! From parsed files to the model: find the register, match every return to a branch, merge
//! monthly returns, let a correction supersede what it corrects (S006), and account for every
//! row (SPEC §3.2, §6). Sequential and deterministic: files arrive sorted by path.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use std::time::SystemTime;

use chrono::NaiveDate;

use super::dates;
use super::file::{ParsedFile, ParsedSheet, file_stem};
use super::rows::Records;
use crate::campaign::Campaign;
use crate::finding::{Code, Finding, Location, TOWNSHIP};
use crate::model::SheetKind;
use crate::model::YearMonth;
use crate::model::branch_name::{Matcher, branch_key};
use crate::model::*;
use crate::text::fold_name;

pub struct AssembleCtx<'a> {
    pub campaign: &'a Campaign,
    pub as_of: NaiveDate,
    /// Path (relative, as in `FileEntry::path`) of the file `--register` named.
    pub register_path: Option<String>,
}

/// The branch field of 输入文件 for the register's own files.
pub const REGISTER_LABEL: &str = "镇级名册";

/// What a parsed file brings besides its entry.
struct FileParts {
    sheets: Vec<ParsedSheet>,
    findings: Vec<Finding>,
    /// Could not be read at all (S002).
    unreadable: bool,
}

pub fn assemble(parsed: Vec<ParsedFile>, cx: &AssembleCtx) -> (Model, Vec<Finding>) {
    let mut model = Model::default();
    let mut findings = Vec::new();
    let mut per_file: Vec<FileParts> = Vec::new();
    for p in parsed {
        model.files.push(p.entry);
        per_file.push(FileParts {
            sheets: p.sheets,
            findings: p.findings,
            unreadable: p.unreadable,
        });
    }

    let register_files = pick_register(&mut model.files, &mut per_file, cx, &mut findings);
    build_register(
        &mut model,
        &mut per_file,
        &register_files,
        cx,
        &mut findings,
    );
    let names: Vec<String> = model
        .register
        .branches
        .iter()
        .map(|b| b.name.value.to_string())
        .collect();
    let matcher = Matcher::new(names.iter().map(String::as_str), cx.campaign.township());
    let no_register = model.register.branches.is_empty();
    for (i, b) in names.iter().enumerate() {
        model.branches.push(new_branch(b.clone(), Some(i)));
    }

    // Match each return to its branch; unmatched returns feed nothing else (S003).
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut owner: Vec<Option<usize>> = vec![None; model.files.len()];
    for id in 0..model.files.len() {
        // A register file is used or set aside (S006), never a return.
        if register_files.contains(id) || register_files.set_aside.contains(&id) {
            model.files[id].branch = REGISTER_LABEL.to_string();
            continue;
        }
        let hints = branch_hints(&model.files[id], &per_file[id].sheets);
        let not_a_spreadsheet = !model.files[id].error.is_empty() && !per_file[id].unreadable;
        if not_a_spreadsheet {
            // Its S007 goes to the branch whose folder or name it carries, but it adds nothing.
            owner[id] = if no_register {
                None
            } else {
                hints.iter().find_map(|h| matcher.find(h))
            };
            continue;
        }
        let matched = if no_register {
            // With nothing to match against, trust the names a return states (基本情况, a 支部
            // column) and then where it was filed, not a sheet title.
            let own = own_name(&model.files[id], &per_file[id].sheets);
            own.as_ref().or(hints.first()).map(|h| {
                let key = branch_key(h, cx.campaign.township());
                *by_name.entry(key).or_insert_with(|| {
                    model.branches.push(new_branch(h.clone(), None));
                    model.branches.len() - 1
                })
            })
        } else {
            hints.iter().find_map(|h| matcher.find(h))
        };
        match matched {
            Some(b) => {
                owner[id] = Some(b);
                model.files[id].branch = model.branches[b].name.clone();
                model.branches[b].files.push(id as FileId);
            }
            None if !per_file[id].unreadable => {
                let path = model.files[id].path.clone();
                let said = hints.first().cloned().unwrap_or_default();
                findings.push(Finding::new(
                    Code::S003,
                    TOWNSHIP,
                    path.clone(),
                    format!("报送材料写的支部“{said}”与支部名册中的任何支部都对不上，本文件未计入任何支部；请核对支部全称（或在支部名册中补充该支部）后重新报送"),
                    Location::file(&path),
                ));
            }
            None => {}
        }
    }

    // Every finding of a file belongs to the file's branch, or to 全镇 when it has none.
    for (id, parts) in per_file.iter_mut().enumerate() {
        let branch = owner[id].map_or(TOWNSHIP.to_string(), |b| model.branches[b].name.clone());
        for mut f in parts.findings.drain(..) {
            if f.branch.is_empty() {
                f.branch = branch.clone();
            }
            findings.push(f);
        }
    }

    // Periods and report dates of the readable returns, then merge each branch's returns.
    for id in 0..model.files.len() {
        if owner[id].is_some() && model.files[id].error.is_empty() {
            let (period, report) =
                period_and_report_date(&model.files[id], &per_file[id].sheets, cx.campaign.year);
            model.files[id].period = period;
            model.files[id].report_date = report;
            if let Some(p) = period {
                model.periods.insert(p);
            }
        }
    }
    let mut sheets_by_file: Vec<Vec<ParsedSheet>> =
        per_file.into_iter().map(|p| p.sheets).collect();
    for b in 0..model.branches.len() {
        merge_branch(&mut model, b, &mut sheets_by_file, cx, &mut findings);
    }
    drop_superseded_findings(&model, &mut findings);
    (model, findings)
}

/// A return's sheet set aside by a later one (S006) is not judged, so what reading it raised
/// (a D001 on a row the correction filled in) goes with it; its S006 says why. Otherwise a
/// correction, or the feedback workbook sent back, would repeat every finding of the first.
fn drop_superseded_findings(model: &Model, findings: &mut Vec<Finding>) {
    let set_aside: HashSet<(&str, &str)> = model
        .files
        .iter()
        .filter(|f| f.branch != REGISTER_LABEL)
        .flat_map(|f| {
            f.sheets
                .iter()
                .filter(|s| s.rejected_by == Some(Code::S006))
                .map(move |s| (f.path.as_str(), s.name.as_str()))
        })
        .collect();
    if !set_aside.is_empty() {
        findings.retain(|f| {
            f.code == Code::S006
                || !set_aside.contains(&(f.loc.file.as_str(), f.loc.sheet.as_str()))
        });
    }
}

fn new_branch(name: String, reg: Option<usize>) -> Branch {
    Branch {
        name,
        reg,
        files: Vec::new(),
        info: None,
        roster: Vec::new(),
        meetings: Vec::new(),
        talks: Vec::new(),
        problems: Vec::new(),
        rectifications: Vec::new(),
        results: Vec::new(),
        appraisals: Vec::new(),
        presence: std::array::from_fn(|_| Presence::Missing),
        periods: Default::default(),
    }
}

/// Which files the register is read from, and the other register files (S006).
struct RegisterFiles {
    branches: Option<usize>,
    leaders: Option<usize>,
    set_aside: Vec<usize>,
}

impl RegisterFiles {
    fn contains(&self, id: usize) -> bool {
        self.branches == Some(id) || self.leaders == Some(id)
    }
}

/// The register: the file `--register` names, else the register file listing the most
/// branches, and for 督导人员 that file if it has one, else the one listing the most cadres.
/// A register is chosen by what it is, never from a branch's return: a file that also holds
/// a return's sheets, or that sits in a registered branch's folder or names one, is a return,
/// and its list-like sheets (a 委员分工, say) are not read (S007). Every other register sheet is
/// set aside with S006 naming the one used.
fn pick_register(
    files: &mut [FileEntry],
    per_file: &mut [FileParts],
    cx: &AssembleCtx,
    findings: &mut Vec<Finding>,
) -> RegisterFiles {
    let n = files.len();
    let named = cx
        .register_path
        .as_ref()
        .and_then(|p| files.iter().position(|f| &f.path == p));
    let holds_return = |i: usize| {
        per_file[i]
            .sheets
            .iter()
            .any(|s| SheetKind::RETURN_KINDS.contains(&s.kind))
    };
    let mut is_return: Vec<bool> = (0..n)
        .map(|i| Some(i) != named && holds_return(i))
        .collect();
    // The register listing the most (first by path among equals).
    let most = |k: SheetKind, is_return: &[bool]| {
        (0..n)
            .filter(|&i| !is_return[i])
            .filter_map(|i| Some((register_rows(&per_file[i], k)?, i)))
            .max_by_key(|&(count, i)| (count, std::cmp::Reverse(i)))
            .map(|(_, i)| i)
    };
    let branches = named.or_else(|| most(SheetKind::Branches, &is_return));
    // A list in a registered branch's folder, or named after one, is that branch's.
    if let Some(b) = branches {
        let names: Vec<String> = per_file[b]
            .sheets
            .iter()
            .filter_map(|s| match &s.records {
                Some(Records::Branches(v)) => Some(v.iter().map(|r| r.name.value.to_string())),
                _ => None,
            })
            .flatten()
            .collect();
        let matcher = Matcher::new(names.iter().map(String::as_str), cx.campaign.township());
        // Only files holding a list are in question (matching every file's path twice cost a
        // tenth of reading).
        let lists = |i: &usize| per_file[*i].sheets.iter().any(|s| s.kind.is_register());
        for i in (0..n).filter(|&i| i != b && Some(i) != named).filter(lists) {
            let (stem, folders) = path_hints(&files[i].path);
            if folders
                .iter()
                .chain([&stem])
                .any(|h| matcher.find(h).is_some())
            {
                is_return[i] = true;
            }
        }
    }
    let leaders = named
        .or_else(|| branches.filter(|&i| register_rows(&per_file[i], SheetKind::Leaders).is_some()))
        .or_else(|| most(SheetKind::Leaders, &is_return));
    let mut set_aside = Vec::new();
    for i in 0..n {
        let register_sheets: Vec<usize> = per_file[i]
            .sheets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind.is_register())
            .map(|(j, _)| j)
            .collect();
        if register_sheets.is_empty() || Some(i) == branches || Some(i) == leaders {
            continue;
        }
        if is_return[i] {
            not_a_register(&files[i], &mut per_file[i], &register_sheets);
            for j in register_sheets {
                let idx = per_file[i].sheets[j].index as usize;
                if let Some(entry) = files[i].sheets.get_mut(idx) {
                    entry.reject_sheet(Code::S007, "支部报表中的名单，未读取".to_string());
                }
            }
            per_file[i].sheets.retain(|s| !s.kind.is_register());
            continue;
        }
        set_aside.push(i);
    }
    for (kind, used) in [
        (SheetKind::Branches, branches),
        (SheetKind::Leaders, leaders),
    ] {
        let used_path = used.map(|u| files[u].path.clone()).unwrap_or_default();
        for &i in set_aside
            .iter()
            .filter(|&&i| register_rows(&per_file[i], kind).is_some() && Some(i) != used)
        {
            findings.push(Finding::new(
                Code::S006,
                TOWNSHIP,
                files[i].path.clone(),
                format!("发现多份{}，本次使用“{used_path}”，此文件中的{}未使用；如需改用此文件，请用 --register 指定", kind.label(), kind.label()),
                Location::file(&files[i].path),
            ));
            for s in per_file[i].sheets.iter().filter(|s| s.kind == kind) {
                if let Some(entry) = files[i].sheets.get_mut(s.index as usize) {
                    entry.reject_sheet(Code::S006, format!("未使用，以“{used_path}”为准"));
                }
            }
        }
    }
    // A file used for one register kind whose other kind's sheet was set aside is still the
    // register's own file, not an extra one.
    set_aside.retain(|&i| Some(i) != branches && Some(i) != leaders);
    RegisterFiles {
        branches,
        leaders,
        set_aside,
    }
}

/// How many rows a file's register sheets of kind `k` hold, if it has any.
fn register_rows(parts: &FileParts, k: SheetKind) -> Option<usize> {
    let mut sheets = parts.sheets.iter().filter(|s| s.kind == k).peekable();
    sheets.peek()?;
    Some(
        sheets
            .map(|s| match &s.records {
                Some(Records::Branches(v)) => v.len(),
                Some(Records::Leaders(v)) => v.len(),
                _ => 0,
            })
            .sum(),
    )
}

/// A branch's return holding list-like sheets (a 委员分工 read as 督导人员, say): they are not
/// the township register, and what reading them as one raised is withdrawn; one S007 each.
fn not_a_register(file: &FileEntry, parts: &mut FileParts, register_sheets: &[usize]) {
    for &j in register_sheets {
        let idx = parts.sheets[j].index as usize;
        let Some(name) = file.sheets.get(idx).map(|e| e.name.clone()) else {
            continue;
        };
        parts
            .findings
            .retain(|f| !(f.loc.file == file.path && f.loc.sheet == name));
        parts.findings.push(Finding::new(
            Code::S007,
            "",
            name.clone(),
            format!("工作表“{name}”在支部报表中，像是一份名单（如委员分工），不是规定的台账表，未读取；镇级名册由组织办提供，支部无需报送"),
            Location::sheet(&file.path, &name),
        ));
    }
}

/// A file's stem and its folders (nearest first), as branch names may be written there.
fn path_hints(path: &str) -> (String, Vec<String>) {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    let folders = parts.iter().rev().map(|s| s.to_string()).collect();
    (file_stem(path), folders)
}

fn build_register(
    model: &mut Model,
    per_file: &mut [FileParts],
    reg: &RegisterFiles,
    cx: &AssembleCtx,
    findings: &mut Vec<Finding>,
) {
    model.register.files = [reg.branches, reg.leaders]
        .into_iter()
        .flatten()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|i| i as FileId)
        .collect();
    let mut seen: HashMap<String, String> = HashMap::new();
    for &id in &model.register.files.clone() {
        let id = id as usize;
        for sheet in per_file[id].sheets.iter_mut() {
            let records = sheet.records.take();
            match records {
                Some(Records::Branches(rows)) if reg.branches == Some(id) => {
                    model.register.has_branch_sheet = true;
                    for mut b in rows {
                        b.key = branch_key(&b.name.value, cx.campaign.township());
                        if let Some(first) = seen.get(&b.key) {
                            let at = b.name.at;
                            findings.push(Finding::new(
                                Code::D008,
                                TOWNSHIP,
                                b.name.value.clone(),
                                format!("支部名册中“{}”与“{first}”是同一个支部（名称重复），此行未读入；请删除重复行", b.name.value),
                                location(&model.files, at),
                            ));
                            model.files[at.file() as usize].sheets[at.sheet() as usize]
                                .reject_row(at.row());
                            continue;
                        }
                        seen.insert(b.key.clone(), b.name.value.to_string());
                        model.register.branches.push(b);
                    }
                }
                Some(Records::Leaders(rows)) if reg.leaders == Some(id) => {
                    model.register.has_leader_sheet = true;
                    model.register.leaders.extend(rows);
                }
                // A register sheet of the other kind in a file used only for one kind was
                // already set aside by S006; a branch sheet in the register file is not read.
                Some(Records::Branches(_) | Records::Leaders(_)) | None => {}
                Some(_) => {
                    let f = &model.files[id];
                    let name = f.sheets[sheet.index as usize].name.clone();
                    findings.push(Finding::new(
                        Code::S007,
                        TOWNSHIP,
                        name.clone(),
                        format!(
                            "工作表“{name}”在镇级名册文件中，不是名册，未读取；支部台账请单独报送"
                        ),
                        Location::sheet(&f.path, &name),
                    ));
                }
            }
        }
    }
    if !model.register.has_branch_sheet {
        findings.push(Finding::new(
            Code::S004,
            TOWNSHIP,
            "支部名册",
            "没有找到支部名册（含“支部名称”“支部类别”列的表），无法核对哪些支部未报送、报送材料属于哪个支部；请把镇级名册放入输入文件夹，或用 --register 指定".to_string(),
            Location::default(),
        ));
    }
    if !model.register.has_leader_sheet {
        findings.push(Finding::new(
            Code::S004,
            TOWNSHIP,
            "督导人员",
            "没有找到督导人员名单（含“姓名”“职级”列的表），无法核对督导人员的职级和镇党委班子成员的督导情况；请在镇级名册中补充该表".to_string(),
            Location::default(),
        ));
    }
}

/// Texts that may name a file's branch, in the order SPEC §3.2 trusts them: 基本情况's
/// 支部名称, a 支部 column, a title row, the file name, then the folders (nearest first).
fn branch_hints(file: &FileEntry, sheets: &[ParsedSheet]) -> Vec<String> {
    let mut hints = Vec::new();
    for s in sheets {
        if let Some(Records::Info(info)) = &s.records {
            hints.extend(info.name.as_ref().map(|v| v.value.to_string()));
        }
    }
    for s in sheets {
        if s.branch_names.len() == 1 {
            hints.push(s.branch_names[0].clone());
        }
    }
    hints.extend(sheets.iter().filter_map(|s| s.title.clone()));
    hints.push(file_stem(&file.path));
    let mut folders: Vec<&str> = file.path.split('/').collect();
    folders.pop();
    hints.extend(folders.iter().rev().map(|s| s.to_string()));
    hints.retain(|h| !h.trim().is_empty());
    hints
}

/// The branch name a return gives without a register to match: its 基本情况 or 支部 column,
/// else its folder (when not the input folder itself), else its file name.
fn own_name(file: &FileEntry, sheets: &[ParsedSheet]) -> Option<String> {
    let stated = sheets.iter().find_map(|s| match &s.records {
        Some(Records::Info(info)) => info.name.as_ref().map(|v| v.value.to_string()),
        _ => None,
    });
    let column = sheets
        .iter()
        .find(|s| s.branch_names.len() == 1)
        .map(|s| s.branch_names[0].clone());
    let folder = file
        .path
        .rsplit_once('/')
        .map(|(dir, _)| dir.rsplit('/').next().unwrap_or(dir).to_string());
    stated
        .or(column)
        .or(folder)
        .or_else(|| Some(file_stem(&file.path)))
}

/// A return's period (报送月份, else a month in the file name, else in the nearest folder)
/// and 填报日期 (基本情况, else a 填表日期 footer).
fn period_and_report_date(
    file: &FileEntry,
    sheets: &[ParsedSheet],
    year: i32,
) -> (Option<YearMonth>, Option<PDate>) {
    let info = sheets.iter().find_map(|s| match &s.records {
        Some(Records::Info(i)) => Some(i),
        _ => None,
    });
    let mut period = info.and_then(|i| i.period.as_ref().map(|v| v.value));
    if period.is_none() {
        let mut parts: Vec<String> = file.path.split('/').map(str::to_string).collect();
        if let Some(last) = parts.last_mut() {
            *last = file_stem(last);
        }
        period = parts
            .iter()
            .rev()
            .find_map(|p| dates::find_period_in_name(p, year));
    }
    let report = info
        .and_then(|i| i.report_date.as_ref().map(|v| v.value))
        .or_else(|| sheets.iter().find_map(|s| s.footer_date));
    (period, report)
}

/// A record that can be merged: two records with the same fingerprint are the same row.
trait Rec {
    fn fp(&self) -> u64;
}

macro_rules! rec {
    ($($t:ty),*) => {$(
        impl Rec for $t {
            fn fp(&self) -> u64 {
                self.fp
            }
        }
    )*};
}
rec!(
    Member,
    Seat,
    Meeting,
    Talk,
    Problem,
    Rectification,
    RectResult,
    Appraisal
);

/// One return's contribution to one sheet kind of a branch.
struct Cand<T> {
    file: FileId,
    sheets: Vec<u16>,
    period: Option<YearMonth>,
    rank: (Option<NaiveDate>, Option<SystemTime>, String),
    rows: T,
}

/// The rows of one variant of [`Records`] (for [`BranchMerge::rows`]); `None` for any other
/// variant, which makes the sheet unusable.
macro_rules! rows_of {
    ($variant:ident) => {
        |r| match r {
            Records::$variant(v) => Some(v),
            _ => None,
        }
    };
}

fn merge_branch(
    model: &mut Model,
    b: usize,
    sheets_by_file: &mut [Vec<ParsedSheet>],
    cx: &AssembleCtx,
    findings: &mut Vec<Finding>,
) {
    let branch_name = model.branches[b].name.clone();
    let files = model.branches[b].files.clone();
    let readable: Vec<FileId> = files
        .iter()
        .copied()
        .filter(|&f| model.files[f as usize].error.is_empty())
        .collect();
    if files.is_empty() {
        if model.branches[b].reg.is_some() {
            findings.push(Finding::new(
                Code::S001,
                branch_name.clone(),
                branch_name.clone(),
                "该支部没有报送任何材料；请督促支部按时报送".to_string(),
                Location::default(),
            ));
        }
        return;
    }
    let mut m = BranchMerge {
        branch: &branch_name,
        readable: &readable,
        sheets_by_file,
        presence: std::array::from_fn(|_| Presence::Missing),
    };

    if let Some(info) = m.info(model, findings) {
        model.branches[b].info = Some(info);
    }
    let mut roster = m.rows(SheetKind::Roster, rows_of!(Roster), model, findings);
    let seats = m.rows(SheetKind::Committee, rows_of!(Committee), model, findings);
    seat_roles(&mut roster, &seats, readable.as_slice(), model);
    let meetings = m.rows(SheetKind::Meetings, rows_of!(Meetings), model, findings);
    let talks = m.rows(SheetKind::Talks, rows_of!(Talks), model, findings);
    let problems = m.rows(SheetKind::Problems, rows_of!(Problems), model, findings);
    let problems = unique_ids(
        problems,
        |p| &p.id,
        "查摆问题清单",
        &branch_name,
        model,
        findings,
    );
    let rects = m.rows(
        SheetKind::Rectifications,
        rows_of!(Rectifications),
        model,
        findings,
    );
    let rects = unique_ids(
        rects,
        |r| &r.id,
        "整改项目清单",
        &branch_name,
        model,
        findings,
    );
    let results = m.rows(SheetKind::Results, rows_of!(Results), model, findings);
    let appraisals = m.rows(SheetKind::Evaluation, rows_of!(Evaluation), model, findings);
    let presence = m.presence;

    if !readable.is_empty() {
        missing_sheets(&presence, &branch_name, cx, findings);
    }
    let periods = readable
        .iter()
        .filter_map(|&f| model.files[f as usize].period)
        .collect();
    // The records live until the last output is written: no growth slack kept (it was a
    // sixth of the model's memory).
    let br = &mut model.branches[b];
    br.roster = tight(roster);
    br.meetings = tight(meetings);
    br.talks = tight(talks);
    br.problems = tight(problems);
    br.rectifications = tight(rects);
    br.results = tight(results);
    br.appraisals = tight(appraisals);
    br.presence = presence;
    br.periods = periods;
}

/// A roster sent without 党内职务 takes the committee posts from the branch's 委员分工 sheet
/// (as real systems' exports split them); a roster with the column keeps its own.
fn seat_roles(roster: &mut [Member], seats: &[Seat], readable: &[FileId], model: &Model) {
    if seats.is_empty() {
        return;
    }
    let roster_has_roles = readable.iter().any(|&f| {
        model.files[f as usize].sheets.iter().any(|s| {
            s.kind == Some(SheetKind::Roster)
                && s.rejected_by.is_none()
                && s.columns.iter().any(|(n, _)| *n == "党内职务")
        })
    });
    if roster_has_roles {
        return;
    }
    for m in roster.iter_mut() {
        if let Some(seat) = seats.iter().find(|s| s.name.value == m.name.value) {
            m.role = seat.role.clone();
        }
    }
}

/// One branch's readable returns while they are merged, kind by kind, and which kinds they
/// held.
struct BranchMerge<'a> {
    branch: &'a str,
    readable: &'a [FileId],
    sheets_by_file: &'a mut [Vec<ParsedSheet>],
    presence: [Presence; 8],
}

impl BranchMerge<'_> {
    /// Whether the returns held `kind`: present, present but unusable, or missing (only the
    /// required kinds are tracked).
    fn set_presence(&mut self, kind: SheetKind, got: bool, unusable: bool) {
        let Some(i) = presence_index(kind) else {
            return;
        };
        self.presence[i] = if got {
            Presence::Present
        } else if unusable {
            Presence::Unusable
        } else {
            Presence::Missing
        };
    }

    /// 基本情况: one value per item, the latest period's first.
    fn info(&mut self, model: &mut Model, findings: &mut Vec<Finding>) -> Option<BranchInfo> {
        let mut infos: Vec<Cand<BranchInfo>> = Vec::new();
        for &f in self.readable {
            for s in self.sheets_by_file[f as usize]
                .iter_mut()
                .filter(|s| s.kind == SheetKind::Info)
            {
                if let Some(Records::Info(i)) = s.records.take() {
                    infos.push(cand(&model.files[f as usize], f, vec![s.index], *i));
                }
            }
        }
        self.set_presence(SheetKind::Info, !infos.is_empty(), false);
        let infos = supersede(infos, SheetKind::Info, self.branch, model, findings);
        if infos.is_empty() {
            return None;
        }
        let mut merged = BranchInfo::default();
        for c in infos.into_iter().rev() {
            merge_info(&mut merged, c.rows);
        }
        Some(merged)
    }

    /// One kind's rows: its sheets gathered from the returns, its presence noted, the returns
    /// of one period superseded by the latest (S006), and the winners' rows combined.
    fn rows<T: Rec>(
        &mut self,
        kind: SheetKind,
        take: impl Fn(Records) -> Option<Vec<T>>,
        model: &mut Model,
        findings: &mut Vec<Finding>,
    ) -> Vec<T> {
        let (c, u) = self.gather(kind, take, &model.files);
        self.set_presence(kind, !c.is_empty(), u);
        combine(supersede(c, kind, self.branch, model, findings))
    }

    /// The sheets of `kind` in each readable return, one candidate per return; `true` besides
    /// when a sheet of that kind had no records to give (S005: no header, or required columns
    /// missing).
    fn gather<T>(
        &mut self,
        kind: SheetKind,
        take: impl Fn(Records) -> Option<Vec<T>>,
        files: &[FileEntry],
    ) -> (Vec<Cand<Vec<T>>>, bool) {
        let mut cands: Vec<Cand<Vec<T>>> = Vec::new();
        let mut unusable = false;
        for &f in self.readable {
            let mut rows = Vec::new();
            let mut idx = Vec::new();
            for s in self.sheets_by_file[f as usize]
                .iter_mut()
                .filter(|s| s.kind == kind)
            {
                match s.records.take().and_then(&take) {
                    Some(r) => {
                        if rows.is_empty() {
                            rows = r;
                        } else {
                            rows.extend(r);
                        }
                        idx.push(s.index);
                    }
                    None => unusable = true,
                }
            }
            if !idx.is_empty() {
                cands.push(cand(&files[f as usize], f, idx, rows));
            }
        }
        (cands, unusable)
    }
}

fn tight<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

fn cand<T>(file: &FileEntry, id: FileId, sheets: Vec<u16>, rows: T) -> Cand<T> {
    Cand {
        file: id,
        sheets,
        period: file.period,
        rank: (
            file.report_date.map(|d| d.date),
            file.modified,
            file.path.clone(),
        ),
        rows,
    }
}

/// Among returns of one kind and period, the one with the later 填报日期 wins (a return
/// without one ranks below any that has one), then the later modification time, then the
/// later path; the others are set aside with one S006 each (SPEC §6). Winners come back in
/// period order (no period first).
fn supersede<T>(
    cands: Vec<Cand<T>>,
    kind: SheetKind,
    branch: &str,
    model: &mut Model,
    findings: &mut Vec<Finding>,
) -> Vec<Cand<T>> {
    let mut groups: BTreeMap<Option<YearMonth>, Vec<Cand<T>>> = BTreeMap::new();
    for c in cands {
        groups.entry(c.period).or_default().push(c);
    }
    let mut winners = Vec::new();
    for (_, mut group) in groups {
        group.sort_by(|a, b| a.rank.cmp(&b.rank));
        let Some(winner) = group.pop() else { continue };
        let used = model.files[winner.file as usize].path.clone();
        for loser in group {
            let path = model.files[loser.file as usize].path.clone();
            let why = match (loser.rank.0, winner.rank.0) {
                (Some(a), Some(b)) if a != b => format!(
                    "填报日期 {} 晚于 {}",
                    b.format("%Y-%m-%d"),
                    a.format("%Y-%m-%d")
                ),
                (None, Some(_)) => "它写有填报日期".to_string(),
                _ => "它的修改时间更晚".to_string(),
            };
            findings.push(Finding::new(
                Code::S006,
                branch,
                path.clone(),
                format!("{}重复报送：本次使用“{used}”（{why}），此文件中的{}未采用；如有误，请只保留正确的一份", kind.label(), kind.label()),
                Location::file(&path),
            ));
            for s in loser.sheets {
                if let Some(entry) = model.files[loser.file as usize].sheets.get_mut(s as usize) {
                    entry.reject_sheet(Code::S006, format!("已被“{used}”取代"));
                }
            }
        }
        winners.push(winner);
    }
    winners
}

/// Records of the winning returns together; a row identical in every cell to one taken from
/// another return is kept once (a July meeting repeated in the August return).
fn combine<T: Rec>(mut winners: Vec<Cand<Vec<T>>>) -> Vec<T> {
    // One return (the usual case): its rows as they are; duplicates within a file are kept.
    if winners.len() == 1 {
        return winners.pop().map(|c| c.rows).unwrap_or_default();
    }
    let mut out = Vec::new();
    let mut taken: HashMap<u64, FileId> = HashMap::new();
    for c in winners {
        let mut mine: HashSet<u64> = HashSet::new();
        for r in c.rows {
            let fp = r.fp();
            match taken.get(&fp) {
                Some(&f) if f != c.file && !mine.contains(&fp) => continue,
                _ => {}
            }
            taken.entry(fp).or_insert(c.file);
            mine.insert(fp);
            out.push(r);
        }
    }
    out
}

fn merge_info(into: &mut BranchInfo, from: BranchInfo) {
    macro_rules! take {
        ($($f:ident),*) => { $( if into.$f.is_none() { into.$f = from.$f; } )* };
    }
    take!(
        name,
        reporter,
        report_date,
        period,
        publicised,
        publicised_scope,
        filed,
        category,
        secretary,
        member_count,
        phone
    );
    for (k, v) in from.extra {
        if !into.extra.iter().any(|(k2, _)| *k2 == k) {
            into.extra.push((k, v));
        }
    }
}

/// 编号 unique in the branch (SPEC §6): the first row keeps it, each later one is rejected
/// with D008.
fn unique_ids<T>(
    rows: Vec<T>,
    id: impl Fn(&T) -> &Val<Text>,
    sheet: &str,
    branch: &str,
    model: &mut Model,
    findings: &mut Vec<Finding>,
) -> Vec<T> {
    let mut first: HashMap<String, Prov> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let v = id(&r);
        let key = fold_name(&v.value);
        if let Some(p) = first.get(&key) {
            let at = v.at;
            let where_first = location(&model.files, *p);
            findings.push(Finding::new(
                Code::D008,
                branch,
                v.value.clone(),
                format!(
                    "{sheet}的编号“{}”重复（首次出现在{} {}），此行未读入；请给每条记录不同的编号",
                    v.value,
                    where_first.sheet,
                    where_first.cell_a1()
                ),
                location(&model.files, at),
            ));
            model.files[at.file() as usize].sheets[at.sheet() as usize].reject_row(at.row());
            continue;
        }
        first.insert(key, v.at);
        out.push(r);
    }
    out
}

/// S004 for each missing required kind, once it is due: at the deadline of its kind's step,
/// at the last deadline when the campaign has no step of that kind, always for the kinds no
/// step stands for (基本情况, 花名册, 会议记录; SPEC §6 "When each rule is due", §7).
fn missing_sheets(
    presence: &[Presence; 8],
    branch: &str,
    cx: &AssembleCtx,
    findings: &mut Vec<Finding>,
) {
    let c = cx.campaign;
    for kind in &c.required_sheets {
        let Some(i) = presence_index(*kind) else {
            continue;
        };
        if presence[i] != Presence::Missing {
            continue;
        }
        let due = c.sheet_due(*kind);
        if due.is_some_and(|d| cx.as_of <= d) {
            continue;
        }
        let when = due.map_or(String::new(), |d| {
            format!("（应于 {} 前完成）", d.format("%-m月%-d日"))
        });
        findings.push(Finding::new(
            Code::S004,
            branch,
            kind.label(),
            format!("报送材料中没有「{}」{when}；请按模板补报该表", kind.label()),
            Location::default(),
        ));
    }
}
