//! Find a sheet's header among its first rows and map its columns to a kind's fields:
//! title rows above it, two-row headers, `*`/(必填) marks and aliases (SPEC §3, DOMAIN.md §0).

use std::borrow::Cow;

use super::cell::{Cell, Grid, GridRow};
use super::header_index::{HEADER_INDEX, HeaderHit, may_name_column};
use crate::model::schema::{BRANCH_ALIASES, SEQ_ALIASES, SPECS, SheetKind, spec};
use crate::text::{fold_header, fold_header_cow, strip_paren_note};

/// How many non-empty rows from the top may hold the header (title, subtitle, two header rows
/// and some slack).
const HEADER_SCAN_ROWS: usize = 12;

/// A sheet's header, resolved against one kind.
#[derive(Clone, Debug)]
pub struct Header {
    pub kind: SheetKind,
    /// First and last header row (zero-based, absolute); equal for a one-row header.
    pub rows: (u32, u32),
    /// Sheet column of each of the kind's columns, in `spec(kind).columns` order.
    pub columns: Vec<Option<u32>>,
    /// The header text of each mapped column (to spot a header repeated further down).
    pub texts: Vec<Option<String>>,
    pub seq_col: Option<u32>,
    pub branch_col: Option<u32>,
    /// Header cells naming nothing the kind has: (column, folded label).
    pub unused: Vec<(u32, String)>,
    /// 是/否 columns that add a label to a field when 是: (column, field index, label).
    pub flags: Vec<(u32, usize, &'static str)>,
    /// Mapped columns, and those among them whose header only this kind uses.
    pub hits: usize,
    pub distinctive: usize,
}

impl Header {
    pub fn col(&self, name: &str) -> Option<u32> {
        let i = spec(self.kind)
            .columns
            .iter()
            .position(|c| c.name == name)?;
        self.columns[i]
    }

    /// Required columns the header lacks (S005).
    pub fn missing_required(&self) -> Vec<&'static str> {
        spec(self.kind)
            .columns
            .iter()
            .zip(&self.columns)
            .filter(|(c, m)| c.required && m.is_none())
            .map(|(c, _)| c.name)
            .collect()
    }
}

/// Longest header text worth folding: real headers are short (`到会指导的上级领导` is 27
/// bytes); data rows among the first rows hold long free text that never names a column.
pub(super) const MAX_LABEL_BYTES: usize = 60;

/// The folded header text of every cell of a row, by column (borrowed from the sheet when
/// folding changes nothing, as for most cells).
type RowLabels<'g> = Vec<(u32, Cow<'g, str>)>;

fn row_labels(row: &GridRow) -> RowLabels<'_> {
    row.cells
        .iter()
        .filter_map(|(c, cell)| {
            let folded = match cell {
                Cell::Text(t) if t.len() <= MAX_LABEL_BYTES => fold_header_cow(t),
                Cell::Text(_) => return None,
                other => {
                    let text = other.display();
                    if text.len() > MAX_LABEL_BYTES {
                        return None;
                    }
                    Cow::Owned(fold_header(&text))
                }
            };
            (!folded.is_empty()).then_some((*c, folded))
        })
        .collect()
}

fn label_at<'r, 'g>(row: &'r RowLabels<'g>, col: u32) -> Option<&'r Cow<'g, str>> {
    row.binary_search_by_key(&col, |(c, _)| *c)
        .ok()
        .map(|i| &row[i].1)
}

/// A header text a column may carry, with what it can name: looked up once, then weighed
/// against every kind.
struct Label<'a> {
    text: Cow<'a, str>,
    /// Hits of the text itself, then of the text without its trailing note (`出生日期(年月)`).
    hits: [Option<&'static [HeaderHit]>; 2],
}

impl<'a> Label<'a> {
    fn new(text: Cow<'a, str>) -> Self {
        let look = |key: &str| HEADER_INDEX.get(key).map(Vec::as_slice);
        // Most cells of the first rows are data, which the first character rules out.
        let hits = if may_name_column(&text) {
            [look(&text), strip_paren_note(&text).and_then(look)]
        } else {
            [None, None]
        };
        Label { text, hits }
    }

    /// What the label names in `kind`: the text itself first, then without its note.
    fn hit(&self, kind: SheetKind) -> Option<&'static HeaderHit> {
        self.hits
            .iter()
            .flatten()
            .find_map(|hits| hits.iter().find(|h| h.kind == kind))
    }
}

/// One column's label candidates, best first.
type Labels<'a> = Vec<(u32, Vec<Label<'a>>)>;

/// Label candidates per column for a header of one row, or of two rows (upper, lower).
fn labels<'a>(upper: &'a RowLabels, lower: Option<&'a RowLabels>) -> Labels<'a> {
    let borrowed = |l: &'a Cow<str>| Label::new(Cow::Borrowed(l.as_ref()));
    let Some(lower) = lower else {
        return upper.iter().map(|(c, l)| (*c, vec![borrowed(l)])).collect();
    };
    let mut cols: Vec<u32> = upper.iter().chain(lower).map(|(c, _)| *c).collect();
    cols.sort_unstable();
    cols.dedup();
    let mut out = Vec::with_capacity(cols.len());
    let mut group: Option<&Cow<str>> = None;
    for c in cols {
        let up = label_at(upper, c);
        let low = label_at(lower, c);
        // A group title merged across several lower cells is only in its first column when
        // the file carries no merge information (ODS, CSV): carry it to the right.
        match (up, low) {
            (Some(u), Some(_)) => group = Some(u),
            (None, None) | (Some(_), None) => group = None,
            (None, Some(_)) => {}
        }
        let up = up.or_else(|| low.and(group));
        let mut cands: Vec<Label> = Vec::with_capacity(3);
        if let Some(l) = low {
            cands.push(borrowed(l));
        }
        // Upper and lower joined (基本信息 + 性别 is rarely a header; 出生 + 日期 may be):
        // only built when its first character, the upper's, can begin one.
        if let (Some(u), Some(l)) = (up, low)
            && u != l
            && may_name_column(u)
        {
            cands.push(Label::new(Cow::Owned(format!("{u}{l}"))));
        }
        if let Some(u) = up
            && !cands.iter().any(|c| c.text == *u)
        {
            cands.push(borrowed(u));
        }
        if !cands.is_empty() {
            out.push((c, cands));
        }
    }
    out
}

/// What a column's labels claim in `kind`: the field, the label claiming it and how strongly
/// (the standard name, then an alias, then a 序号-style header: 问题清单's 编号 may be headed
/// 序号, but beside a 问题编号 column the 序号 column only numbers the rows).
fn claim<'l>(kind: SheetKind, cands: &'l [Label]) -> Option<(&'static HeaderHit, &'l str, u8)> {
    let (hit, label) = cands
        .iter()
        .find_map(|cand| Some((cand.hit(kind)?, cand.text.as_ref())))?;
    let strength = if hit.standard {
        2
    } else if SEQ_ALIASES.contains(&label) {
        0
    } else {
        1
    };
    Some((hit, label, strength))
}

/// The most columns any kind has (checked in the tests).
const MAX_COLUMNS: usize = 24;

/// How many of a kind's fields the labels claim, and how many of those by a header only this
/// kind uses: what [`Claims`] would count, without keeping who claimed what. The search weighs
/// a dozen rows against every kind; only the winner is resolved.
fn weigh(kind: SheetKind, labels: &[(u32, Vec<Label>)]) -> (usize, usize) {
    // Best claim per field: (strength, distinctive).
    let mut best = [None::<(u8, bool)>; MAX_COLUMNS];
    for (_, cands) in labels {
        if let Some((hit, _, strength)) = claim(kind, cands) {
            let slot = &mut best[hit.column];
            if slot.is_none_or(|(held, _)| strength > held) {
                *slot = Some((strength, hit.distinctive));
            }
        }
    }
    let hits = best.iter().flatten().count();
    (hits, best.iter().flatten().filter(|b| b.1).count())
}

/// Which column claims each of a kind's fields, with borrowed labels.
struct Claims<'l> {
    /// Best claim per field: (strength, column, label, distinctive).
    best: Vec<Option<(u8, u32, &'l str, bool)>>,
    claimed: Vec<(u32, &'l str, usize)>,
    leftovers: Vec<(u32, &'l str)>,
}

impl Claims<'_> {
    fn hits(&self) -> usize {
        self.best.iter().flatten().count()
    }

    fn distinctive(&self) -> usize {
        self.best.iter().flatten().filter(|b| b.3).count()
    }
}

fn claims<'l>(kind: SheetKind, labels: &'l [(u32, Vec<Label>)]) -> Claims<'l> {
    let mut c = Claims {
        best: vec![None; spec(kind).columns.len()],
        claimed: Vec::new(),
        leftovers: Vec::new(),
    };
    for (col, cands) in labels {
        match claim(kind, cands) {
            Some((hit, label, strength)) => {
                let slot = &mut c.best[hit.column];
                if slot.is_none_or(|(held, _, _, _)| strength > held) {
                    *slot = Some((strength, *col, label, hit.distinctive));
                }
                c.claimed.push((*col, label, hit.column));
            }
            None => c.leftovers.push((*col, cands[0].text.as_ref())),
        }
    }
    c
}

/// Resolve labelled columns against one kind.
fn resolve(kind: SheetKind, rows: (u32, u32), labels: &[(u32, Vec<Label>)]) -> Header {
    let c = claims(kind, labels);
    let (hits, distinctive) = (c.hits(), c.distinctive());
    let Claims {
        best,
        claimed,
        mut leftovers,
    } = c;
    // Columns that lost their field to a better header fall back to the leftovers.
    for (col, label, field) in claimed {
        if best[field].as_ref().is_none_or(|b| b.1 != col) {
            leftovers.push((col, label));
        }
    }
    leftovers.sort();
    let mut header = Header {
        kind,
        rows,
        columns: best.iter().map(|b| b.as_ref().map(|b| b.1)).collect(),
        texts: best
            .iter()
            .map(|b| b.as_ref().map(|b| b.2.to_string()))
            .collect(),
        seq_col: None,
        branch_col: None,
        unused: Vec::new(),
        flags: Vec::new(),
        hits,
        distinctive,
    };
    let columns = spec(kind).columns;
    let takes_branch_col = !kind.is_register() && kind != SheetKind::Info;
    for (col, label) in leftovers {
        if header.seq_col.is_none() && SEQ_ALIASES.contains(&label) {
            header.seq_col = Some(col);
        } else if takes_branch_col && header.branch_col.is_none() && BRANCH_ALIASES.contains(&label)
        {
            header.branch_col = Some(col);
        } else if let Some((field, flag)) = flag_of(kind, label) {
            header.flags.push((col, field, flag));
        } else {
            header.unused.push((col, label.to_string()));
        }
    }
    // A field nothing names may be filled from a column that names something else.
    for (field, c) in columns.iter().enumerate() {
        if header.columns[field].is_some() || c.fallback.is_empty() {
            continue;
        }
        let found = labels.iter().find_map(|(col, cands)| {
            cands
                .iter()
                .find(|l| c.fallback.iter().any(|f| fold_header(f) == l.text))
                .map(|l| (*col, l.text.to_string()))
        });
        if let Some((col, text)) = found {
            header.columns[field] = Some(col);
            header.texts[field] = Some(text);
            header.unused.retain(|(u, _)| *u != col);
        }
    }
    header
}

/// The field and label a 是/否 flag header adds to (`是否流动党员` → 特殊情况, 流动党员).
fn flag_of(kind: SheetKind, label: &str) -> Option<(usize, &'static str)> {
    spec(kind).columns.iter().enumerate().find_map(|(i, c)| {
        c.flags
            .iter()
            .find(|(h, _)| fold_header(h) == label)
            .map(|(_, l)| (i, *l))
    })
}

/// How many data rows a column's values are sampled from to settle what it holds.
const VALUE_SAMPLE_ROWS: usize = 200;

/// Columns named by a header that means the field only by its values (`人员类别` holding
/// 正式党员/预备党员 is 党员类别; holding 在职/离退 it is not): keep the first whose values
/// are mostly the field's own, and leave the others unused.
fn settle_by_values(grid: &Grid, header: &mut Header) {
    for (field, c) in spec(header.kind).columns.iter().enumerate() {
        if c.by_value.is_empty() {
            continue;
        }
        let is_by_value = |label: &str| c.by_value.iter().any(|b| fold_header(b) == label);
        let mut cands: Vec<(u32, String)> = Vec::new();
        let current = header.columns[field].zip(header.texts[field].clone());
        if let Some((col, text)) = &current {
            if !is_by_value(text) {
                continue; // named by its own header or an alias: no doubt
            }
            cands.push((*col, text.clone()));
        }
        cands.extend(
            header
                .unused
                .iter()
                .filter(|(_, l)| is_by_value(l))
                .cloned(),
        );
        let chosen = cands
            .iter()
            .find(|(col, _)| values_fit(grid, header.rows.1, *col, c.name))
            .cloned();
        if let Some((col, _)) = &current
            && chosen.as_ref().is_none_or(|(c2, _)| c2 != col)
        {
            let text = header.texts[field].take().unwrap_or_default();
            header.unused.push((*col, text));
        }
        header.columns[field] = chosen.as_ref().map(|(col, _)| *col);
        header.texts[field] = chosen.as_ref().map(|(_, t)| t.clone());
        if let Some((col, _)) = chosen {
            header.unused.retain(|(u, _)| *u != col);
        }
    }
    header.unused.sort();
    header.hits = header.columns.iter().flatten().count();
}

/// Whether most non-empty values under the header in `col` are `field`'s own (an empty column
/// fits: it claims nothing).
fn values_fit(grid: &Grid, header_end: u32, col: u32, field: &str) -> bool {
    let (mut seen, mut fit) = (0usize, 0usize);
    for row in grid
        .rows
        .iter()
        .filter(|r| r.row > header_end)
        .take(VALUE_SAMPLE_ROWS)
    {
        let Some(cell) = row.get(col) else { continue };
        let shown = cell.display();
        let Some(text) = crate::text::clean_value(&shown) else {
            continue;
        };
        seen += 1;
        if crate::model::spelling::fits_column(field, &text) {
            fit += 1;
        }
    }
    fit * 2 > seen || seen == 0
}

/// Find the header. With `known` (the kind the sheet's name gave) only that kind is tried and
/// any mapped column will do; otherwise the header must name at least two columns, one of
/// them only the winning kind has.
pub fn find_header(grid: &Grid, known: Option<SheetKind>) -> Option<Header> {
    let kinds: Vec<SheetKind> = match known {
        Some(k) => vec![k],
        None => SPECS
            .iter()
            .map(|s| s.kind)
            .filter(|k| *k != SheetKind::Info)
            .collect(),
    };
    let top = &grid.rows[..grid.rows.len().min(HEADER_SCAN_ROWS)];
    // Candidates: (header, preference). Among equal scores a two-row header whose upper row
    // names columns on its own wins (vertical merges copy those names into the lower row),
    // then a one-row header, then a two-row header topped by a title.
    let folded: Vec<RowLabels> = top.iter().map(row_labels).collect();
    let singles: Vec<Labels> = folded.iter().map(|r| labels(r, None)).collect();
    // Each kind's header is the row (or rows) naming most of its columns, the preference
    // above breaking ties; only then do the columns that one kind alone has choose between
    // kinds. Ranking rows by those first would let an upper header row whose few names are
    // distinctive (序号, 方面) beat the two rows that name every column, and lose the columns
    // under a group label or read the lower header row as data.
    // Candidates are weighed by their claims; only the winner is resolved into a Header.
    // (hits, distinctive, preference, first row, two rows)
    type Cand = (usize, usize, u8, usize, bool);
    let doubles: Vec<Labels> = (0..top.len())
        .map(|i| match top.get(i + 1) {
            Some(n) if n.row == top[i].row + 1 => labels(&folded[i], Some(&folded[i + 1])),
            _ => Vec::new(),
        })
        .collect();
    let mut per_kind: Vec<Option<Cand>> = vec![None; kinds.len()];
    for (k, kind) in kinds.iter().enumerate() {
        let ones: Vec<(usize, usize)> = singles.iter().map(|l| weigh(*kind, l)).collect();
        for i in 0..top.len() {
            let mut cands: Vec<Cand> = vec![(ones[i].0, ones[i].1, 1, i, false)];
            if !doubles[i].is_empty() {
                let both_name_columns = ones[i].0 > 0 && ones[i + 1].0 > 0;
                let (hits, distinctive) = weigh(*kind, &doubles[i]);
                cands.push((
                    hits,
                    distinctive,
                    if both_name_columns { 2 } else { 0 },
                    i,
                    true,
                ));
            }
            for h in cands {
                let better = per_kind[k].as_ref().is_none_or(|b| (h.0, h.2) > (b.0, b.2));
                if better {
                    per_kind[k] = Some(h);
                }
            }
        }
    }
    let mut best: Option<(SheetKind, Cand)> = None;
    for (kind, h) in kinds.iter().zip(per_kind) {
        let Some(h) = h else { continue };
        let better = best
            .as_ref()
            .is_none_or(|(_, b)| ((h.1, h.0), h.2) > ((b.1, b.0), b.2));
        if better {
            best = Some((*kind, h));
        }
    }
    let (kind, (_, _, _, i, two)) = best?;
    let row = top[i].row;
    let mut h = if two {
        resolve(kind, (row, row + 1), &doubles[i])
    } else {
        resolve(kind, (row, row), &singles[i])
    };
    settle_by_values(grid, &mut h);
    let good = match known {
        Some(_) => h.hits >= 1,
        None => makes_kind(&h),
    };
    good.then_some(h)
}

/// Whether a header found without the sheet's name makes its kind: a column only this kind
/// has, and then three of its columns, or two that only it has, or all its required ones
/// when it requires two or more. Two columns any list of people has (姓名 and 党籍状态 of a
/// 民主评议结果 sheet, 姓名 and 职务 of a 委员分工 sheet) make no roster.
fn makes_kind(h: &Header) -> bool {
    let required = spec(h.kind).columns.iter().filter(|c| c.required).count();
    h.distinctive >= 1
        && (h.hits >= 3 || h.distinctive >= 2 || (required >= 2 && h.missing_required().is_empty()))
}

#[cfg(test)]
mod tests;
