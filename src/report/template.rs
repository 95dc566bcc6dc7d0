//! The blank workbooks of `orglife template`: a branch return and the township register, laid
//! out with the reader's own standard sheet and column names so that a filled template reads
//! back exactly, with dropdowns, date validation, hints and a 填表说明 sheet first.
//!
//! The same writer fills a template with given rows ([`BranchFill`], [`RegisterFill`]), which is
//! how the tests prove that a filled template passes `orglife check` clean.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Worksheet, XlsxError,
};

use super::xlsx_style::{base, display_width, header, print_setup, title, wrap};
use crate::campaign::{Campaign, StepKind};
use crate::model::schema::{CampaignList, Choices, Column, Enforce, SheetKind, Value, spec};

/// File names `orglife template` writes.
pub const BRANCH_FILE: &str = "支部报表模板.xlsx";
pub const REGISTER_FILE: &str = "镇级名册模板.xlsx";
/// The first sheet of both workbooks.
pub const GUIDE_SHEET: &str = "填表说明";
/// Data rows prepared (validation, formats) below each header; a fill with more rows gets
/// validation over all of them.
pub const DATA_ROWS: u32 = 200;

const TITLE_ROW: u32 = 0;
const HEADER_ROW: u32 = 1;
const FIRST_DATA_ROW: u32 = 2;
/// The first column of every table sheet: a row number for the branch's own use.
pub const SEQ_COLUMN: &str = "序号";

/// The 基本情况 items the template lists (项目 | 内容), in the column table's order: those a
/// branch types (the register holds the others).
pub fn info_items() -> impl Iterator<Item = &'static Column> {
    spec(SheetKind::Info)
        .columns
        .iter()
        .filter(|c| c.in_template)
}

/// The table sheets of a branch return, after 基本情况: the campaign's `required_sheets` in
/// their order (the 2024 default's six), and 民主评议 wherever the campaign reads it (an
/// evaluation step whose sheet the file forgot to require still needs somewhere to be typed).
pub fn branch_tables(campaign: &Campaign) -> Vec<SheetKind> {
    let mut kinds: Vec<SheetKind> = Vec::new();
    let wanted = campaign.required_sheets.iter().copied().chain(
        campaign
            .reads(SheetKind::Evaluation)
            .then_some(SheetKind::Evaluation),
    );
    for k in wanted {
        if k != SheetKind::Info && !k.is_register() && !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    kinds
}

/// Rows typed into one table sheet: the columns they fill (standard names; a trailing `*` is
/// allowed) and the values, one `Vec` per row in `columns` order. Empty strings stay empty.
#[derive(Clone, Debug, Default)]
pub struct FillRows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// What a branch typed into its return.
#[derive(Clone, Debug, Default)]
pub struct BranchFill {
    /// 基本情况 as (项目, 内容); 项目 is an item the template lists.
    pub info: Vec<(String, String)>,
    pub roster: FillRows,
    pub meetings: FillRows,
    pub talks: FillRows,
    pub problems: FillRows,
    pub rectifications: FillRows,
    pub results: FillRows,
    /// 民主评议 (a campaign with an evaluation step).
    pub evaluation: FillRows,
    /// 委员分工 (a campaign that requires it).
    pub committee: FillRows,
}

impl BranchFill {
    fn table(&self, kind: SheetKind) -> Option<&FillRows> {
        Some(match kind {
            SheetKind::Roster => &self.roster,
            SheetKind::Meetings => &self.meetings,
            SheetKind::Talks => &self.talks,
            SheetKind::Problems => &self.problems,
            SheetKind::Rectifications => &self.rectifications,
            SheetKind::Results => &self.results,
            SheetKind::Evaluation => &self.evaluation,
            SheetKind::Committee => &self.committee,
            _ => return None,
        })
    }
}

/// What the organization office typed into the register.
#[derive(Clone, Debug, Default)]
pub struct RegisterFill {
    pub branches: FillRows,
    pub leaders: FillRows,
}

struct ColPlan<'a> {
    name: &'static str,
    required: bool,
    input: Value,
    /// The dropdown: the column table's vocabulary, or the campaign's (grades).
    choices: Option<(Vec<&'a str>, Enforce)>,
    hint: Option<String>,
    width: f64,
}

impl ColPlan<'_> {
    fn header_text(&self) -> String {
        if self.required {
            format!("{}*", self.name)
        } else {
            self.name.to_string()
        }
    }
}

/// The template's plan for one column, from the column table: its hint with the campaign's
/// numbers filled in, and a width that fits its kind of value.
fn plan_column<'a>(c: &Column, required: bool, campaign: &'a Campaign) -> ColPlan<'a> {
    let choices: Option<(Vec<&'a str>, Enforce)> = match (c.campaign_choices, c.choices) {
        (Some(CampaignList::Grades), _) => Some((
            campaign
                .evaluation
                .grades
                .iter()
                .map(String::as_str)
                .collect(),
            Enforce::Stop,
        )),
        (None, Some(Choices { labels, enforce })) => Some((labels.to_vec(), enforce)),
        (None, None) => None,
    };
    let hint = c.hint.map(|h| {
        h.replace(
            "{party_group_threshold}",
            &campaign.party_group_threshold.to_string(),
        )
    });
    let width = match c.value {
        Value::Long => 36.0,
        Value::Date | Value::Month => 13.0,
        Value::IdNumber => 22.0,
        Value::Digits => 15.0,
        Value::Count => 10.0,
        Value::Text => {
            let widest = choices
                .as_ref()
                .and_then(|(labels, _)| labels.iter().map(|s| display_width(s)).max())
                .unwrap_or(8);
            (display_width(c.name) + 2).max(widest).max(10) as f64 + 2.0
        }
    };
    ColPlan {
        name: c.name,
        required,
        input: c.value,
        choices,
        hint,
        width,
    }
}

/// The template's columns of a table sheet, in the reader's order, with the reader's names.
fn plan(kind: SheetKind, campaign: &Campaign) -> Vec<ColPlan<'_>> {
    spec(kind)
        .columns
        .iter()
        .map(|c| plan_column(c, c.required, campaign))
        .collect()
}

/// The header row of a table sheet as the template writes it: 序号, then each standard column
/// name, required ones marked `*` (the reader strips the mark).
pub fn header_texts(kind: SheetKind) -> Vec<String> {
    std::iter::once(SEQ_COLUMN.to_string())
        .chain(spec(kind).columns.iter().map(|c| {
            if c.required {
                format!("{}*", c.name)
            } else {
                c.name.to_string()
            }
        }))
        .collect()
}

/// The title row of a table sheet.
pub fn title_text(kind: SheetKind) -> String {
    format!("{}（标 * 的列为必填；每行填一条，从第3行起）", kind.label())
}

/// A blank (or filled) branch return: 填表说明, 基本情况, then the campaign's table sheets
/// ([`branch_tables`]). A fill with rows for a sheet the campaign does not ask for is an error.
pub fn branch_workbook(
    campaign: &Campaign,
    fill: Option<&BranchFill>,
) -> Result<Vec<u8>, XlsxError> {
    let tables = branch_tables(campaign);
    if let Some(f) = fill
        && let Some(kind) = SheetKind::RETURN_KINDS
            .into_iter()
            .chain([SheetKind::Evaluation, SheetKind::Committee])
            .find(|k| !tables.contains(k) && f.table(*k).is_some_and(|t| !t.rows.is_empty()))
    {
        return Err(XlsxError::ParameterError(format!(
            "本次活动的模板没有「{}」",
            kind.label()
        )));
    }
    let mut wb = super::xlsx_style::workbook();
    branch_guide(wb.add_worksheet(), campaign, &tables)?;
    info_sheet(
        wb.add_worksheet(),
        campaign,
        fill.map_or(&[][..], |f| &f.info),
    )?;
    for &kind in &tables {
        table_sheet(
            wb.add_worksheet(),
            kind,
            campaign,
            fill.and_then(|f| f.table(kind)),
        )?;
    }
    wb.save_to_buffer()
}

/// A blank (or filled) township register: 填表说明, 支部名册, 督导人员.
pub fn register_workbook(
    campaign: &Campaign,
    fill: Option<&RegisterFill>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::xlsx_style::workbook();
    register_guide(wb.add_worksheet(), campaign)?;
    table_sheet(
        wb.add_worksheet(),
        SheetKind::Branches,
        campaign,
        fill.map(|f| &f.branches),
    )?;
    table_sheet(
        wb.add_worksheet(),
        SheetKind::Leaders,
        campaign,
        fill.map(|f| &f.leaders),
    )?;
    wb.save_to_buffer()
}

/// The cell format of a column's data cells.
fn column_format(input: Value) -> Format {
    match input {
        Value::Date => base().set_num_format("yyyy-mm-dd"),
        Value::Month => base().set_num_format("yyyy\"年\"m\"月\""),
        // Excel's built-in 49 is the text format `@`, the one its own "文本" button sets.
        Value::Digits | Value::IdNumber => base().set_num_format_index(49),
        Value::Long => base().set_text_wrap(),
        Value::Text | Value::Count => base(),
    }
}

fn required_header() -> Format {
    header().set_font_color(Color::RGB(0xC00000))
}

/// The validation of a column's data cells (dropdown, date, number or length), carrying the
/// column's hint as its input message; `None` for a plain column without a hint.
fn validation(col: &ColPlan) -> Result<Option<DataValidation>, XlsxError> {
    let mut dv = match (&col.choices, col.input) {
        (Some((labels, enforce)), _) => {
            let dv = DataValidation::new().allow_list_strings(labels)?;
            let listed = labels.join("、");
            match enforce {
                Enforce::Stop => dv
                    .set_error_title("请从下拉列表中选择")?
                    .set_error_message(format!("「{}」只能填：{listed}", col.name))?,
                Enforce::Warn => dv
                    .set_error_style(DataValidationErrorStyle::Warning)
                    .set_error_title("不是下拉列表中的写法")?
                    .set_error_message(format!(
                        "「{}」一般填：{listed}。确认这样写无误的，点“是”保留",
                        col.name
                    ))?,
                Enforce::Hint => dv.show_error_message(false),
            }
        }
        (None, Value::Date) => DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(1900, 1, 1)?,
                ExcelDateTime::from_ymd(2100, 12, 31)?,
            ))
            .set_error_title("日期无法识别")?
            .set_error_message(format!(
                "「{}」请填写 1900-01-01 至 2100-12-31 之间的日期，如 2024-07-31 或 2024/7/31；只到月的写 2024年7月。不要写成 2024.7.31 或在日期后加文字",
                col.name
            ))?,
        (None, Value::Count) => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, 100_000))
            .set_error_title("请填写整数")?
            .set_error_message(format!("「{}」请填写人数（整数），如 12", col.name))?,
        (None, Value::IdNumber) => DataValidation::new()
            .allow_text_length(DataValidationRule::EqualTo(18))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("身份证号应为18位")?
            .set_error_message(
                "身份证号应为18位（末位X大写）。若显示成 4.20682E+17 这样的数字，说明本列不是文本格式，号码已无法恢复，请把单元格设为文本后重新输入",
            )?,
        (None, _) if col.hint.is_some() => DataValidation::new().allow_any_value(),
        (None, _) => return Ok(None),
    };
    if let Some(hint) = &col.hint {
        dv = dv.set_input_title(col.name)?.set_input_message(hint)?;
    }
    Ok(Some(dv))
}

/// Write one typed value the way a person typing it into Excel would leave it: a date column
/// holds a real date, a count a number, everything else text.
fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    input: Value,
    value: &str,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(());
    }
    match input {
        Value::Date => {
            if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d")
                && let (Ok(y), Ok(m), Ok(dd)) = (
                    u16::try_from(d.year()),
                    u8::try_from(d.month()),
                    u8::try_from(d.day()),
                )
            {
                ws.write_datetime_with_format(row, col, ExcelDateTime::from_ymd(y, m, dd)?, fmt)?;
                return Ok(());
            }
        }
        Value::Count => {
            if let Ok(n) = v.parse::<u32>() {
                ws.write_number_with_format(row, col, f64::from(n), fmt)?;
                return Ok(());
            }
        }
        _ => {}
    }
    ws.write_string_with_format(row, col, v, fmt)?;
    Ok(())
}

fn unknown_column(sheet: &str, name: &str) -> XlsxError {
    XlsxError::ParameterError(format!("模板的「{sheet}」没有“{name}”这一项"))
}

/// A table sheet: title row, header row, then the data rows with validation and formats.
fn table_sheet(
    ws: &mut Worksheet,
    kind: SheetKind,
    campaign: &Campaign,
    fill: Option<&FillRows>,
) -> Result<(), XlsxError> {
    ws.set_name(kind.label())?;
    let cols = plan(kind, campaign);
    ws.write_string_with_format(TITLE_ROW, 0, title_text(kind), &title())?;
    ws.set_row_height(TITLE_ROW, 24)?;
    let (plain, required) = (header(), required_header());
    ws.write_string_with_format(HEADER_ROW, 0, SEQ_COLUMN, &plain)?;
    ws.set_column_width(0, 6)?;
    ws.set_column_format(0, &base().set_align(FormatAlign::Center))?;
    let formats: Vec<Format> = cols.iter().map(|c| column_format(c.input)).collect();
    for (i, c) in cols.iter().enumerate() {
        let col = i as u16 + 1;
        let hf = if c.required { &required } else { &plain };
        ws.write_string_with_format(HEADER_ROW, col, c.header_text(), hf)?;
        ws.set_column_width(col, c.width)?;
        ws.set_column_format(col, &formats[i])?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;

    let filled = fill.map_or(0, |f| f.rows.len() as u32);
    if let Some(f) = fill {
        // Where each filled column goes in the template.
        let mut at = Vec::with_capacity(f.columns.len());
        for name in &f.columns {
            let key = name.trim().trim_end_matches('*');
            let i = cols
                .iter()
                .position(|c| c.name == key)
                .ok_or_else(|| unknown_column(kind.label(), name))?;
            at.push(i);
        }
        let seq = base().set_align(FormatAlign::Center);
        for (r, values) in f.rows.iter().enumerate() {
            let row = FIRST_DATA_ROW + r as u32;
            ws.write_number_with_format(row, 0, (r + 1) as f64, &seq)?;
            for (v, &i) in values.iter().zip(&at) {
                write_value(ws, row, i as u16 + 1, cols[i].input, v, &formats[i])?;
            }
        }
    }
    let last = FIRST_DATA_ROW + DATA_ROWS.max(filled) - 1;
    for (i, c) in cols.iter().enumerate() {
        if let Some(dv) = validation(c)? {
            let col = i as u16 + 1;
            ws.add_data_validation(FIRST_DATA_ROW, col, last, col, &dv)?;
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    print_setup(ws, HEADER_ROW)?;
    Ok(())
}

/// 基本情况 as 项目 | 内容, one item a row (the layout `ingest::info` reads as key/value).
fn info_sheet(
    ws: &mut Worksheet,
    campaign: &Campaign,
    fill: &[(String, String)],
) -> Result<(), XlsxError> {
    ws.set_name(SheetKind::Info.label())?;
    ws.write_string_with_format(TITLE_ROW, 0, "支部基本情况（标 * 的为必填）", &title())?;
    ws.set_row_height(TITLE_ROW, 24)?;
    let h = header();
    ws.write_string_with_format(HEADER_ROW, 0, "项目", &h)?;
    ws.write_string_with_format(HEADER_ROW, 1, "内容", &h)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 44)?;
    let label = base()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin);
    let label_required = label.clone().set_font_color(Color::RGB(0xC00000));
    for (i, column) in info_items().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        let item = column.name;
        // 支部名称 is what ties a return to its branch: the template asks for it.
        let required = item == "支部名称";
        let c = plan_column(column, required, campaign);
        let fmt = if required { &label_required } else { &label };
        ws.write_string_with_format(row, 0, c.header_text(), fmt)?;
        let value_format = column_format(c.input).set_border(FormatBorder::Thin);
        // Formats the cell even when nothing is written, so a typed date shows as a date.
        ws.write_blank(row, 1, &value_format)?;
        if let Some((_, v)) = fill
            .iter()
            .find(|(k, _)| k.trim().trim_end_matches('*') == item)
        {
            write_value(ws, row, 1, c.input, v, &value_format)?;
        }
        if let Some(dv) = validation(&c)? {
            ws.add_data_validation(row, 1, row, 1, &dv)?;
        }
        ws.set_row_height(row, 20)?;
    }
    if let Some((k, _)) = fill.iter().find(|(k, _)| {
        let k = k.trim().trim_end_matches('*');
        !info_items().any(|c| c.name == k)
    }) {
        return Err(unknown_column(SheetKind::Info.label(), k));
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    print_setup(ws, HEADER_ROW)?;
    ws.set_portrait();
    Ok(())
}

/// A small count as the guide writes it (七张表).
fn cn_count(n: usize) -> String {
    const DIGITS: [&str; 11] = [
        "零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十",
    ];
    DIGITS
        .get(n)
        .map_or_else(|| n.to_string(), |d| d.to_string())
}

fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// One sheet's line of the guide: what it is for, then its required, dropdown and date columns
/// (from the same plan the sheet is written with, so the two never disagree).
fn sheet_guide(kind: SheetKind, campaign: &Campaign, purpose: &str) -> String {
    let cols = plan(kind, campaign);
    let names = |f: &dyn Fn(&ColPlan) -> bool| -> String {
        cols.iter()
            .filter(|c| f(c))
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join("、")
    };
    let mut text = purpose.to_string();
    let required = names(&|c| c.required);
    if !required.is_empty() {
        text.push_str(&format!("\n必填列：{required}。"));
    }
    let lists = names(&|c| c.choices.is_some());
    if !lists.is_empty() {
        text.push_str(&format!("\n下拉选择：{lists}。"));
    }
    let dates = names(&|c| c.input == Value::Date);
    if !dates.is_empty() {
        text.push_str(&format!("\n日期列：{dates}。"));
    }
    text
}

/// 填表说明 as topic | text rows. Every text is a sentence, never a bare column name or an
/// `item：value` cell, so the reader cannot take this sheet for a table or for 基本情况.
fn guide(ws: &mut Worksheet, heading: &str, rows: &[(String, String)]) -> Result<(), XlsxError> {
    ws.set_name(GUIDE_SHEET)?;
    ws.write_string_with_format(0, 0, heading, &title())?;
    ws.set_row_height(0, 24)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 100)?;
    let topic = base()
        .set_bold()
        .set_align(FormatAlign::Top)
        .set_background_color(Color::RGB(0xF2F2F2));
    let text = wrap();
    for (i, (t, body)) in rows.iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_string_with_format(row, 0, t, &topic)?;
        ws.write_string_with_format(row, 1, body, &text)?;
        // Excel does not grow wrapped rows written by a library: size them for the text.
        let lines: usize = body
            .lines()
            .map(|l| display_width(l).div_ceil(96).max(1))
            .sum();
        ws.set_row_height(row, 16.0 * lines.max(1) as f64 + 4.0)?;
    }
    print_setup(ws, 0)?;
    ws.set_portrait();
    Ok(())
}

fn branch_guide(
    ws: &mut Worksheet,
    campaign: &Campaign,
    tables: &[SheetKind],
) -> Result<(), XlsxError> {
    let phases: Vec<(&crate::campaign::Step, String)> = campaign
        .steps
        .iter()
        .map(|st| {
            let types = || {
                st.meetings
                    .iter()
                    .map(|m| m.label())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            let what = match st.kind {
                StepKind::Study => format!("会议记录中有{}", types()),
                StepKind::Talks => "谈心谈话记录，以最后一次谈话的日期为准".to_string(),
                StepKind::Lists => "查摆问题清单，以最后一个问题的查摆日期为准".to_string(),
                StepKind::Committee => {
                    format!("会议记录中的{}，只限设支委会的支部", types())
                }
                StepKind::General => format!("会议记录中的{}", types()),
                StepKind::Rectify => {
                    "整改项目清单，并在基本情况中填写公示日期和备案日期".to_string()
                }
                StepKind::Evaluation => {
                    "民主评议表，每名正式党员一行，以最后的评议日期为准".to_string()
                }
            };
            (st, what)
        })
        .collect();
    let deadlines = phases
        .iter()
        .enumerate()
        .map(|(i, (ph, what))| {
            format!(
                "{}. {}，{}前完成（{what}）",
                i + 1,
                ph.name,
                cn_date(ph.deadline)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut rows: Vec<(String, String)> = vec![
        (
            "用途".into(),
            format!(
                "本工作簿供党支部填报“{}”的台账。镇党委组织办用 orglife 汇总检查全镇报表，请不要改动表名和表头，不要删除或调换列，可以在最右边增加本支部需要的列。",
                campaign.name
            ),
        ),
        (
            "报送方式".into(),
            format!(
                "每个支部报一个工作簿（本模板），{}张表都保留，没有内容的表留着表头即可。文件名建议写支部名称，如“红星村党支部台账.xlsx”。更正后重新报送时，请更新基本情况中的填报日期。",
                cn_count(tables.len() + 1)
            ),
        ),
        (
            "名称要求".into(),
            "基本情况中的支部名称必须与镇党委组织办的支部名册一致（镇名和“党支部”字样可以省略），否则报表对不上支部。人名在各表中的写法要与党员花名册一致。".into(),
        ),
        (
            "必填列".into(),
            "表头带 * 的列为必填，红色显示；必填项空着的行会被退回。其他列尽量填写。".into(),
        ),
        (
            "日期".into(),
            "日期列直接输入 2024-07-31 或 2024/7/31，Excel 会识别为日期；出生日期、入党日期只知道年月的，写 1985年7月。不要写成 2024.7.31，也不要在日期后面加“上午”等文字，否则会提示日期无法识别。".into(),
        ),
        (
            "身份证号".into(),
            "身份证号和联系电话两列已设为文本格式，请保持文本格式填写，身份证号18位、末位X大写。若号码显示成 4.20682E+17 这样的数字，说明被存成了数字，后几位已丢失，须把单元格设为文本后重新输入。".into(),
        ),
        (
            "空值".into(),
            "没有内容的单元格留空即可；填“无”或“—”也按空处理。".into(),
        ),
        (
            "多个值".into(),
            "一个单元格填多个人名或多项内容时，用顿号“、”分隔，如“李明、王芳”。".into(),
        ),
        ("时间要求".into(), deadlines),
    ];
    let purposes: [(SheetKind, &str); 9] = [
        (
            SheetKind::Info,
            "按“项目、内容”两列逐项填写，只填内容一列。支部名称必填；报送月份只在按月报送时填写；整改清单公示后填公示日期和公示范围，报上级党组织备案后填备案日期。",
        ),
        (
            SheetKind::Roster,
            "每名党员一行，包括预备党员。支部班子成员的党内职务选所任职务，其他党员选“党员”；流动党员、困难党员、年老体弱党员在特殊情况中注明。",
        ),
        (
            SheetKind::Meetings,
            "每次会议一行，包括集中学习、主题党日、党课、支委会、党员大会和党小组会。学习内容写明学习的材料或会议议程；支委会、党员大会要填督导人员、督导人员职级、派出单位和是否点评，党员大会的参会人员请写全。",
        ),
        (
            SheetKind::Talks,
            "每次谈话一行。班子成员之间要两两谈话，班子成员要与每名党员谈话，流动、困难、年老体弱党员都要谈到；征求群众意见的，对象类别选群众或服务对象。",
        ),
        (
            SheetKind::Problems,
            "每个问题一行，编号在本表内不重复（如 P1）。每名党员（含班子成员）都要有查摆出的问题，支部班子也要有。",
        ),
        (
            SheetKind::Rectifications,
            "每个整改事项一行，编号不重复（如 R1），问题编号填对应的查摆问题编号，每个问题都要有整改事项，每名党员都要作整改承诺。整改时限可填日期，或“立行立改”“长期坚持”“X月底前”。",
        ),
        (
            SheetKind::Results,
            "每个整改事项的落实情况一行，整改编号对应整改项目清单。完成情况为“已完成”的必须填写完成日期。",
        ),
        (
            SheetKind::Committee,
            "支部委员会成员每人一行，写明所任职务和分工；职务与党员花名册中的党内职务一致。",
        ),
        (
            SheetKind::Evaluation,
            "参加民主评议的党员每人一行，包括预备党员。正式党员都要评定等次，从下拉中选；预备党员参加评议、不评定等次，评定等次空着。评议结果告知本人后填告知日期；评为不合格或基本合格的，必须在处理情况中写明组织处置或帮教措施。",
        ),
    ];
    // In the order of the workbook's sheets.
    for kind in std::iter::once(SheetKind::Info).chain(tables.iter().copied()) {
        let purpose = purposes
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("", |(_, p)| *p);
        let text = if kind == SheetKind::Info {
            if campaign.step(StepKind::Rectify).is_some() {
                format!("{purpose}\n日期项：填报日期、公示日期、备案日期。")
            } else {
                // No rectification step: nothing to publicise or file in this campaign.
                "按“项目、内容”两列逐项填写，只填内容一列。支部名称必填；报送月份只在按月报送时填写。\n日期项：填报日期。".to_string()
            }
        } else {
            sheet_guide(kind, campaign, purpose)
        };
        rows.push((kind.label().to_string(), text));
    }
    guide(ws, &format!("{}报表填表说明", campaign.name), &rows)
}

fn register_guide(ws: &mut Worksheet, campaign: &Campaign) -> Result<(), XlsxError> {
    let min_rank = campaign.min_rank().label();
    let rows: Vec<(String, String)> = vec![
        (
            "用途".into(),
            "本工作簿由镇党委组织办填写：全镇党支部名册和督导人员名单。检查时把它放在报表文件夹中（或用 --register 指定），用来核对哪些支部未报送、报表属于哪个支部、督导人员的职级和督导情况。请不要改动表名和表头。".into(),
        ),
        (
            "必填列".into(),
            "表头带 * 的列为必填，红色显示；必填项空着的行会被退回。".into(),
        ),
        (
            "名称要求".into(),
            "支部名称写全称，每个支部一行，不要重复；各支部报表基本情况中的支部名称须与此一致（镇名和“党支部”字样可以省略）。督导人员的姓名要与各支部会议记录中的写法一致。".into(),
        ),
        (
            SheetKind::Branches.label().into(),
            sheet_guide(
                SheetKind::Branches,
                campaign,
                "全镇每个党支部一行。设支委会不填的按“是”处理；党员人数用于与支部花名册核对。",
            ),
        ),
        (
            SheetKind::Leaders.label().into(),
            sheet_guide(
                SheetKind::Leaders,
                campaign,
                &format!(
                    "镇党委班子成员和其他到支部督导的干部，每人一行。职级从下拉中选择（村、社区支部的督导人员须为{min_rank}以上）；镇党委班子成员每人至少督导一个支部；所在支部填本人以普通党员身份参加组织生活的支部。"
                ),
            ),
        ),
    ];
    guide(ws, &format!("{}镇级名册填表说明", campaign.name), &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_validation_is_within_excel_limits() {
        let c = Campaign::embedded();
        for s in crate::model::schema::SPECS.iter() {
            for col in plan(s.kind, &c) {
                validation(&col).unwrap_or_else(|e| panic!("{}: {e}", col.name));
            }
        }
    }

    #[test]
    fn headers_use_the_readers_standard_names() {
        assert_eq!(
            header_texts(SheetKind::Rectifications),
            [
                "序号",
                "编号*",
                "问题编号*",
                "整改事项*",
                "整改措施*",
                "责任人*",
                "整改时限*"
            ]
        );
        assert_eq!(header_texts(SheetKind::Results)[3], "完成日期");
    }

    #[test]
    fn vocabulary_columns_have_dropdowns() {
        let c = Campaign::embedded();
        let listed = |k: SheetKind| -> Vec<&str> {
            plan(k, &c)
                .into_iter()
                .filter(|p| p.choices.is_some())
                .map(|p| p.name)
                .collect()
        };
        assert_eq!(
            listed(SheetKind::Roster),
            ["性别", "党员类别", "党内职务", "特殊情况"]
        );
        assert_eq!(
            listed(SheetKind::Meetings),
            ["会议类型", "督导人员职级", "是否点评"]
        );
        assert_eq!(listed(SheetKind::Talks), ["对象类别", "谈话方式"]);
        assert_eq!(listed(SheetKind::Results), ["完成情况", "是否公示"]);
        assert_eq!(listed(SheetKind::Branches), ["支部类别", "设支委会"]);
        assert_eq!(listed(SheetKind::Leaders), ["职级", "镇党委班子成员"]);
        assert!(listed(SheetKind::Info).is_empty());
    }

    #[test]
    fn a_fill_naming_an_unknown_column_is_an_error() {
        let fill = BranchFill {
            roster: FillRows {
                columns: vec!["民族".into()],
                rows: vec![vec!["汉族".into()]],
            },
            ..BranchFill::default()
        };
        let e = branch_workbook(&Campaign::embedded(), Some(&fill)).unwrap_err();
        assert!(e.to_string().contains("民族"), "{e}");
    }
}
