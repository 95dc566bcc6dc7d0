//! 汇总.xlsx, the township summary workbook (SPEC §5): 总览 with a chart, 问题明细, 催办名单,
//! 督导覆盖, 谈心谈话覆盖, 三张清单汇总, 党员汇总, 输入文件 and 规则说明.

use std::collections::{HashMap, HashSet};

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartSolidFill, ChartType, Color, Workbook, Worksheet, XlsxError,
};

use super::mask::Pii;
use super::xlsx_style::{
    Out, Tone, Widths, base, header, print_setup, severity_label, severity_tone, table, title,
    tone, total, warn, wrap,
};
use crate::analysis::Analysis;
use crate::finding::catalog::CATALOG;
use crate::finding::{Code, Severity};
use crate::model::PDate;
use crate::model::{Model, ResultStatus};
use crate::rules::overview::{BranchOverview, Overall, Returned};
use crate::rules::phase::{PhaseKey, Status};

pub fn render(a: &Analysis, pii: Pii) -> Result<Vec<u8>, XlsxError> {
    build(a, pii)?.save_to_buffer()
}

/// [`render`] straight into `out`: a county's summary is 100 MB, not worth holding (twice,
/// while the buffer grows) next to the model.
pub fn render_to(a: &Analysis, pii: Pii, out: impl std::io::Write + Send) -> Result<(), XlsxError> {
    build(a, pii)?.save_to_writer(out)
}

fn build(a: &Analysis, pii: Pii) -> Result<Workbook, XlsxError> {
    let mut wb = super::xlsx_style::workbook();
    overview(&mut wb, a, pii)?;
    findings(&mut wb, a, pii)?;
    reminders_sheet(wb.add_worksheet(), a, pii)?;
    supervision(&mut wb, a)?;
    talks(&mut wb, a)?;
    three_lists(&mut wb, a, pii)?;
    members(&mut wb, &a.model, pii)?;
    input_files(&mut wb, &a.model)?;
    rules_sheet(&mut wb)?;
    Ok(wb)
}

fn md(d: chrono::NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

fn pdate(d: &PDate) -> String {
    d.iso()
}

fn status_tone(s: Status) -> Tone {
    match s {
        Status::OnTime => Tone::Good,
        Status::Late(_) => Tone::Neutral,
        Status::Overdue | Status::MissingSheet => Tone::Bad,
        Status::NotApplicable => Tone::Grey,
        Status::NotDue => Tone::Plain,
    }
}

fn overall_tone(o: Overall) -> Tone {
    match o {
        Overall::NotReturned | Overall::Errors => Tone::Bad,
        Overall::Warnings => Tone::Neutral,
        Overall::OnTrack => Tone::Plain,
        Overall::Done => Tone::Good,
    }
}

fn returned_label(r: Returned) -> (&'static str, Tone) {
    match r {
        Returned::Yes => ("已报送", Tone::Plain),
        Returned::No => ("未报送", Tone::Bad),
        Returned::Unreadable => ("无法读取", Tone::Bad),
    }
}

/// 总览: one row per branch, each phase coloured by status, totals, and a chart of completion.
fn overview(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("总览")?;
    let phases: Vec<&str> = PhaseKey::ALL
        .iter()
        .map(|k| match k {
            PhaseKey::Study => "集中学习",
            PhaseKey::Talks => "谈心谈话",
            PhaseKey::Lists => "三张清单",
            PhaseKey::Committee => "支委会",
            PhaseKey::General => "党员大会",
            PhaseKey::Rectify => "整改备案",
        })
        .collect();
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{}　进度总览（统计截止 {}）",
            a.campaign.name,
            a.as_of.format("%Y年%-m月%-d日")
        ),
        &title(),
    )?;
    let mut headers = vec!["序号", "支部", "类别", "党员数", "报送情况"];
    headers.extend(&phases);
    headers.extend(["督导", "严重", "一般", "提示", "总体状态"]);
    let mut rows = Vec::new();
    for (i, b) in a.overview.branches.iter().enumerate() {
        let (ret, ret_tone) = returned_label(b.returned);
        let mut row = vec![
            Out::Num((i + 1) as f64),
            Out::text(&b.name),
            Out::text(b.category.map_or("", |c| c.label())),
            b.members.map_or(Out::Empty, |m| Out::Num(m as f64)),
            Out::toned(ret, ret_tone),
        ];
        if b.phases.is_empty() {
            row.extend((0..6).map(|_| Out::toned("—", Tone::Grey)));
        } else {
            for s in &b.phases {
                let text = match s.date {
                    Some(d) => format!("{}（{}）", s.status.label(), md(d)),
                    None => s.status.label(),
                };
                row.push(Out::toned(text, status_tone(s.status)));
            }
        }
        let sup = pii.text(&b.supervisors.join("、")).into_owned();
        row.push(match b.supervision_ok {
            Some(false) => Out::toned(
                if sup.is_empty() {
                    "无符合要求的督导".to_string()
                } else {
                    format!("不符合要求：{sup}")
                },
                Tone::Bad,
            ),
            Some(true) => Out::toned(sup, Tone::Good),
            None => Out::text(sup),
        });
        for (k, n) in b.counts.iter().enumerate() {
            let t = if *n == 0 {
                Tone::Plain
            } else {
                severity_tone([Severity::Error, Severity::Warning, Severity::Info][k])
            };
            row.push(Out::NumToned(*n as f64, t));
        }
        row.push(Out::toned(b.overall.label(), overall_tone(b.overall)));
        rows.push(row);
    }
    let top = 2;
    let end = table(ws, top, &headers, rows, 40)?;
    // Totals.
    let tf = total();
    let n = a.overview.branches.len();
    let returned = a
        .overview
        .branches
        .iter()
        .filter(|b| b.returned == Returned::Yes)
        .count();
    ws.write_string_with_format(end, 0, "合计", &tf)?;
    ws.write_string_with_format(end, 1, format!("{n} 个支部"), &tf)?;
    ws.write_string_with_format(end, 2, "", &tf)?;
    let members: usize = a.overview.branches.iter().filter_map(|b| b.members).sum();
    ws.write_number_with_format(end, 3, members as f64, &tf)?;
    ws.write_string_with_format(end, 4, format!("已报送 {returned}/{n}"), &tf)?;
    let counts = phase_counts(&a.overview.branches);
    for (p, c) in counts.iter().enumerate() {
        let mut text = format!("完成 {}", c[0] + c[1]);
        if c[2] > 0 {
            text.push_str(&format!("，逾期未完成 {}", c[2]));
        }
        ws.write_string_with_format(end, 5 + p as u16, text, &tf)?;
    }
    ws.write_string_with_format(end, 11, "", &tf)?;
    for k in 0..3 {
        let sum: usize = a.overview.branches.iter().map(|b| b.counts[k]).sum();
        ws.write_number_with_format(end, 12 + k as u16, sum as f64, &tf)?;
    }
    let done = a
        .overview
        .branches
        .iter()
        .filter(|b| b.overall == Overall::Done)
        .count();
    ws.write_string_with_format(end, 15, format!("全部完成 {done}"), &tf)?;

    // The chart's data: branches per status per phase, below the table.
    let data_top = end + 3;
    ws.write_string_with_format(data_top - 1, 0, "各环节完成情况（支部数）", &title())?;
    let labels = [
        "按时完成",
        "逾期完成",
        "逾期未完成",
        "未到期",
        "缺表/未报送",
        "不适用",
    ];
    let hf = header();
    ws.write_string_with_format(data_top, 1, "环节", &hf)?;
    for (j, l) in labels.iter().enumerate() {
        ws.write_string_with_format(data_top, 2 + j as u16, *l, &hf)?;
    }
    let bf = base();
    for (p, name) in phases.iter().enumerate() {
        ws.write_string_with_format(data_top + 1 + p as u32, 1, *name, &bf)?;
        for (j, v) in counts[p].iter().enumerate() {
            ws.write_number_with_format(data_top + 1 + p as u32, 2 + j as u16, *v as f64, &bf)?;
        }
    }
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name("各环节完成情况");
    let colors = [0x70AD47, 0xFFC000, 0xC00000, 0xA5A5A5, 0x7F7F7F, 0xD9D9D9];
    for (j, l) in labels.iter().enumerate() {
        chart
            .add_series()
            .set_name(*l)
            .set_categories(("总览", data_top + 1, 1, data_top + 6, 1))
            .set_values((
                "总览",
                data_top + 1,
                2 + j as u16,
                data_top + 6,
                2 + j as u16,
            ))
            .set_format(
                ChartFormat::new()
                    .set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(colors[j]))),
            );
    }
    chart.y_axis().set_min(0).set_name("支部数");
    chart.set_width(720).set_height(320);
    ws.insert_chart(data_top + 8, 1, &chart)?;
    Ok(())
}

/// Per phase: [按时, 逾期完成, 逾期未完成, 未到期, 缺表或未报送, 不适用].
fn phase_counts(branches: &[BranchOverview]) -> Vec<[usize; 6]> {
    (0..6)
        .map(|p| {
            let mut c = [0usize; 6];
            for b in branches {
                let i = match b.phases.get(p).map(|s| s.status) {
                    Some(Status::OnTime) => 0,
                    Some(Status::Late(_)) => 1,
                    Some(Status::Overdue) => 2,
                    Some(Status::NotDue) => 3,
                    Some(Status::MissingSheet) | None => 4,
                    Some(Status::NotApplicable) => 5,
                };
                c[i] += 1;
            }
            c
        })
        .collect()
}

/// 问题明细: every finding, filterable, with its file, sheet and cell.
fn findings(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a county's 问题明细 runs to 100,000 rows.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("问题明细")?;
    let headers = [
        "序号",
        "支部",
        "代码",
        "严重程度",
        "问题",
        "对象",
        "说明",
        "文件",
        "工作表",
        "单元格",
    ];
    // Rows are made as the sheet streams out, never all findings' at once.
    let rows = a.findings.iter().enumerate().map(|(i, f)| {
        let title = f.code.title();
        vec![
            Out::Num((i + 1) as f64),
            Out::text(&f.branch),
            Out::text(f.code.as_str()),
            Out::toned(severity_label(f.severity), severity_tone(f.severity)),
            Out::text(title),
            Out::text(pii.text(&f.subject)),
            Out::text(pii.text(&f.message)),
            Out::text(&f.loc.file),
            Out::text(&f.loc.sheet),
            Out::text(f.loc.cell_a1()),
        ]
    });
    table(ws, 0, &headers, rows, 60)?;
    ws.set_column_format(6, &wrap())?;
    Ok(())
}

/// 催办名单: the branches that must still act, with what and how late.
pub fn reminders_sheet(ws: &mut Worksheet, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    ws.set_name("催办名单")?;
    let headers = [
        "序号",
        "支部",
        "类别",
        "书记",
        "联系电话",
        "未完成事项",
        "最长逾期（天）",
        "严重问题",
    ];
    let rows: Vec<Vec<Out>> = a
        .overview
        .branches
        .iter()
        .filter(|b| !b.lags.is_empty())
        .enumerate()
        .map(|(i, b)| {
            let items: Vec<String> = b
                .lags
                .iter()
                .map(|l| match l.deadline {
                    Some(d) => format!("{}（应于{}前完成，逾期{}天）", l.what, md(d), l.days),
                    None => l.what.clone(),
                })
                .collect();
            let days = b.lags.iter().map(|l| l.days).max().unwrap_or(0);
            vec![
                Out::Num((i + 1) as f64),
                Out::text(&b.name),
                Out::text(b.category.map_or("", |c| c.label())),
                Out::text(b.secretary.clone().unwrap_or_default()),
                Out::text(pii.text(b.phone.as_deref().unwrap_or(""))),
                Out::toned(items.join("；"), Tone::Bad),
                Out::Num(days as f64),
                Out::Num(b.counts[0] as f64),
            ]
        })
        .collect();
    table(ws, 0, &headers, rows, 70)?;
    Ok(())
}

/// 督导覆盖: branches × supervisors, what each supervised and whether they commented.
fn supervision(wb: &mut Workbook, a: &Analysis) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("督导覆盖")?;
    let sups = &a.overview.supervisors;
    let names: Vec<String> = sups
        .iter()
        .map(|s| {
            let mut h = s.name.clone();
            if !s.rank.is_empty() {
                h.push_str(&format!("\n{}", s.rank));
            }
            if s.town_committee {
                h.push_str("\n班子成员");
            }
            h
        })
        .collect();
    let mut headers: Vec<&str> = vec!["支部", "类别", "督导是否符合要求"];
    headers.extend(names.iter().map(String::as_str));
    let mut rows = Vec::new();
    for b in a
        .overview
        .branches
        .iter()
        .filter(|b| b.returned == Returned::Yes)
    {
        let mut row = vec![
            Out::text(&b.name),
            Out::text(b.category.map_or("", |c| c.label())),
            match b.supervision_ok {
                Some(true) => Out::toned("符合", Tone::Good),
                Some(false) => Out::toned("不符合", Tone::Bad),
                None => Out::toned("未到期或无法判断", Tone::Grey),
            },
        ];
        for s in sups {
            row.push(match s.visits.get(&b.name) {
                None => Out::Empty,
                Some(v) => {
                    let all_commented = v.iter().all(|(_, c)| *c);
                    let mut text: Vec<String> = Vec::new();
                    for (k, c) in v {
                        let t = if *c {
                            format!("{}（点评）", k.label())
                        } else {
                            format!("{}（未点评）", k.label())
                        };
                        if !text.contains(&t) {
                            text.push(t);
                        }
                    }
                    Out::toned(
                        text.join("、"),
                        if all_commented {
                            Tone::Good
                        } else {
                            Tone::Neutral
                        },
                    )
                }
            });
        }
        rows.push(row);
    }
    let end = table(ws, 0, &headers, rows, 28)?;
    ws.set_row_height(0, 45)?;
    let tf = total();
    ws.write_string_with_format(end, 0, "督导支部数", &tf)?;
    ws.write_string_with_format(end, 1, "", &tf)?;
    ws.write_string_with_format(end, 2, "", &tf)?;
    for (j, s) in sups.iter().enumerate() {
        let n = s.visits.len();
        let f = if n == 0 && s.town_committee {
            tone(Tone::Bad)
        } else {
            total()
        };
        ws.write_number_with_format(end, 3 + j as u16, n as f64, &f)?;
    }
    ws.set_freeze_panes(1, 1)?;
    Ok(())
}

/// 谈心谈话覆盖: per branch, how much of the required talking happened.
fn talks(wb: &mut Workbook, a: &Analysis) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("谈心谈话覆盖")?;
    let headers = [
        "支部",
        "班子成员两两谈话",
        "未谈的班子成员",
        "党员与班子成员谈话",
        "流动困难年老体弱党员谈话",
        "征求群众意见",
    ];
    let ratio = |(d, t): (usize, usize)| {
        Out::toned(
            format!("{d}/{t}"),
            if d == t { Tone::Good } else { Tone::Bad },
        )
    };
    let rows: Vec<Vec<Out>> = a
        .overview
        .branches
        .iter()
        .filter(|b| b.returned == Returned::Yes)
        .map(|b| match &b.talks {
            None => vec![
                Out::text(&b.name),
                Out::toned("缺表", Tone::Bad),
                Out::Empty,
                Out::Empty,
                Out::Empty,
                Out::Empty,
            ],
            Some(t) => vec![
                Out::text(&b.name),
                t.pairs.map_or(Out::toned("不适用", Tone::Grey), ratio),
                Out::text(t.missing_pairs.join("；")),
                ratio(t.members),
                ratio(t.special),
                if t.masses {
                    Out::toned("是", Tone::Good)
                } else {
                    Out::toned("否", Tone::Bad)
                },
            ],
        })
        .collect();
    table(ws, 0, &headers, rows, 50)?;
    Ok(())
}

/// 三张清单汇总: problem → rectification → result, linked by 编号; overdue items marked.
fn three_lists(wb: &mut Workbook, a: &Analysis, pii: Pii) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a county's 三张清单汇总 runs to 100,000 rows.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("三张清单汇总")?;
    let headers = [
        "支部",
        "问题编号",
        "责任主体",
        "问题描述",
        "查摆日期",
        "整改编号",
        "整改事项",
        "整改措施",
        "责任人",
        "整改时限",
        "完成情况",
        "完成日期",
        "状态",
    ];
    let overdue: HashSet<(&str, &str)> = a
        .findings
        .iter()
        .filter(|f| f.code == Code::T800)
        .map(|f| (f.branch.as_str(), f.subject.as_str()))
        .collect();
    let fold = |s: &str| crate::text::fold_name(s);
    // Rows are made branch by branch as the sheet is written (never the whole township's at
    // once), and each branch's links are looked up in maps, not by scanning every pair.
    let rows = a.model.branches.iter().flat_map(|b| {
        let mut rows: Vec<Vec<Out>> = Vec::new();
        let mut last_result: HashMap<String, &crate::model::RectResult> = HashMap::new();
        for x in &b.results {
            last_result.insert(fold(&x.rect_id.value), x);
        }
        let mut rects_of: HashMap<String, Vec<&crate::model::Rectification>> = HashMap::new();
        for r in &b.rectifications {
            let mut seen = HashSet::new();
            for pid in &r.problem_ids.value {
                let key = fold(pid);
                if seen.insert(key.clone()) {
                    rects_of.entry(key).or_default().push(r);
                }
            }
        }
        let rect_row = |r: &crate::model::Rectification| -> Vec<Out> {
            let result = last_result.get(&fold(&r.id.value)).copied();
            let deadline = r.deadline.value.text();
            let (state, t) = if overdue.contains(&(b.name.as_str(), r.id.value.as_str())) {
                ("逾期未完成", Tone::Bad)
            } else {
                match result.map(|x| x.status.value) {
                    Some(ResultStatus::Done) => ("已完成", Tone::Good),
                    Some(ResultStatus::Ongoing) => ("长期坚持", Tone::Plain),
                    Some(_) => ("推进中", Tone::Plain),
                    None => ("未登记结果", Tone::Neutral),
                }
            };
            vec![
                Out::text(r.id.value.as_str()),
                Out::text(pii.text(&r.item.value)),
                Out::text(pii.text(&r.measure.value)),
                Out::text(r.owner.value.as_str()),
                Out::text(deadline),
                Out::text(result.map_or("", |x| x.status.value.label())),
                Out::text(
                    result
                        .and_then(|x| x.done.as_ref())
                        .map(|d| pdate(&d.value))
                        .unwrap_or_default(),
                ),
                Out::toned(state, t),
            ]
        };
        let mut used = HashSet::new();
        for p in &b.problems {
            let head = || {
                vec![
                    Out::text(&b.name),
                    Out::text(p.id.value.as_str()),
                    Out::text(p.owner.value.as_str()),
                    Out::text(pii.text(&p.description.value)),
                    Out::text(pdate(&p.date.value)),
                ]
            };
            let rects = rects_of
                .get(&fold(&p.id.value))
                .map_or(&[][..], |v| v.as_slice());
            if rects.is_empty() {
                let mut row = head();
                row.extend([
                    Out::Empty,
                    Out::Empty,
                    Out::Empty,
                    Out::Empty,
                    Out::Empty,
                    Out::Empty,
                    Out::Empty,
                    Out::toned("无整改事项", Tone::Bad),
                ]);
                rows.push(row);
            }
            for r in rects {
                used.insert(r.id.value.as_str());
                let mut row = head();
                row.extend(rect_row(r));
                rows.push(row);
            }
        }
        for r in b
            .rectifications
            .iter()
            .filter(|r| !used.contains(r.id.value.as_str()))
        {
            let mut row = vec![
                Out::text(&b.name),
                Out::text(r.problem_ids.value.join("、")),
                Out::Empty,
                Out::toned("（找不到对应的问题）", Tone::Neutral),
                Out::Empty,
            ];
            row.extend(rect_row(r));
            rows.push(row);
        }
        rows
    });
    table(ws, 0, &headers, rows, 40)?;
    Ok(())
}

/// 党员汇总: every roster, 身份证号 and 电话 masked unless --show-pii.
fn members(wb: &mut Workbook, model: &Model, pii: Pii) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a county's 党员汇总 runs to 100,000 rows.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("党员汇总")?;
    let headers = [
        "序号",
        "支部",
        "姓名",
        "性别",
        "出生日期",
        "入党日期",
        "党员类别",
        "党内职务",
        "特殊情况",
        "党小组",
        "身份证号",
        "联系电话",
    ];
    // Rows are made as the sheet is written, never the whole township's at once.
    let rows = model
        .branches
        .iter()
        .flat_map(|b| b.roster.iter().map(move |m| (b, m)))
        .enumerate()
        .map(|(i, (b, m))| {
            let special: Vec<&str> = m.special.iter().map(|s| s.value.label()).collect();
            vec![
                Out::Num((i + 1) as f64),
                Out::text(&b.name),
                Out::text(m.name.value.as_str()),
                Out::text(m.gender.as_ref().map_or("", |g| g.value.label())),
                Out::text(
                    m.birth
                        .as_ref()
                        .map(|d| pdate(&d.value))
                        .unwrap_or_default(),
                ),
                Out::text(
                    m.joined
                        .as_ref()
                        .map(|d| pdate(&d.value))
                        .unwrap_or_default(),
                ),
                Out::text(m.category.as_ref().map_or("", |c| c.value.label())),
                Out::text(m.role.value.label()),
                Out::text(special.join("、")),
                Out::text(m.group.as_ref().map_or("", |g| g.value.as_str())),
                Out::text(
                    m.id_number
                        .as_ref()
                        .map(|v| id_shown(&v.value, pii))
                        .unwrap_or_default(),
                ),
                Out::text(
                    m.phone
                        .as_ref()
                        .map(|v| phone_shown(&v.value, pii))
                        .unwrap_or_default(),
                ),
            ]
        });
    table(ws, 0, &headers, rows, 30)?;
    Ok(())
}

/// An ID as shown: masked unless --show-pii, whatever its shape.
pub fn id_shown(id: &str, pii: Pii) -> String {
    if pii.show {
        id.to_string()
    } else {
        super::mask::mask_id(id)
    }
}

pub fn phone_shown(p: &str, pii: Pii) -> String {
    if pii.show {
        p.to_string()
    } else {
        super::mask::mask_phone(p)
    }
}

const INPUT_HEADERS: [&str; 15] = [
    "序号",
    "文件",
    "支部",
    "报送月份",
    "填报日期",
    "工作表",
    "识别为",
    "读入行",
    "接收行",
    "退回行",
    "略过行",
    "说明",
    "大小(KB)",
    "修改时间",
    "SHA-256",
];

/// 输入文件: every file and sheet read, what it was taken for, and its row accounting.
fn input_files(wb: &mut Workbook, model: &Model) -> Result<(), XlsxError> {
    // Written row by row, streamed to disk: a row per sheet read, 80,000 for a prefecture.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name("输入文件")?;
    let (hf, bf, tf, wf) = (header(), base(), total(), warn());
    let mut widths = Widths::new(&INPUT_HEADERS);
    for (c, h) in INPUT_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &hf)?;
    }
    let mut r = 1u32;
    let mut sums = [0u64; 4];
    for (i, f) in model.files.iter().enumerate() {
        let period = f.period.map(|p| p.to_string()).unwrap_or_default();
        let report = f
            .report_date
            .map(|d| d.date.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let modified = f
            .modified
            .map(|t| {
                chrono::DateTime::<chrono::Local>::from(t)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let branch = if f.branch.is_empty() && f.error.is_empty() {
            "（未对应到支部）".to_string()
        } else {
            f.branch.clone()
        };
        let sheets: Vec<Option<&crate::model::SheetEntry>> = if f.sheets.is_empty() {
            vec![None]
        } else {
            f.sheets.iter().map(Some).collect()
        };
        for s in sheets {
            let texts: [String; 7] = [
                (i + 1).to_string(),
                f.path.clone(),
                branch.clone(),
                period.clone(),
                report.clone(),
                s.map(|s| s.name.clone()).unwrap_or_default(),
                s.and_then(|s| s.kind)
                    .map(|k| k.label().to_string())
                    .unwrap_or_default(),
            ];
            for (c, t) in texts.iter().enumerate() {
                if c == 0 {
                    ws.write_number_with_format(r, 0, (i + 1) as f64, &bf)?;
                } else {
                    ws.write_string_with_format(r, c as u16, t, &bf)?;
                }
                widths.see(c, t);
            }
            if let Some(s) = s {
                let counts = [s.read, s.accepted, s.rejected, s.skipped];
                for (k, n) in counts.iter().enumerate() {
                    ws.write_number_with_format(r, 7 + k as u16, f64::from(*n), &bf)?;
                    sums[k] += u64::from(*n);
                }
            }
            let mut note = match s {
                Some(s) => {
                    let mut n = s.note.clone();
                    if !s.unused_columns.is_empty() {
                        if !n.is_empty() {
                            n.push('；');
                        }
                        n.push_str(&format!("未使用的列：{}", s.unused_columns.join("、")));
                    }
                    n
                }
                None => String::new(),
            };
            if !f.error.is_empty() {
                note = f.error.clone();
            }
            let bad = !f.error.is_empty() || s.is_some_and(|s| s.rejected > 0);
            ws.write_string_with_format(r, 11, &note, if bad { &wf } else { &bf })?;
            widths.see(11, &note);
            ws.write_number_with_format(
                r,
                12,
                (f.size as f64 / 1024.0 * 10.0).round() / 10.0,
                &bf,
            )?;
            ws.write_string_with_format(r, 13, &modified, &bf)?;
            ws.write_string_with_format(r, 14, &f.sha256, &bf)?;
            widths.see(13, &modified);
            widths.see(14, &f.sha256);
            r += 1;
        }
    }
    ws.write_string_with_format(r, 0, "合计", &tf)?;
    ws.write_string_with_format(r, 1, format!("{} 个文件", model.files.len()), &tf)?;
    for c in 2..INPUT_HEADERS.len() as u16 {
        if (7..=10).contains(&c) {
            ws.write_number_with_format(r, c, sums[(c - 7) as usize] as f64, &tf)?;
        } else {
            ws.write_string_with_format(r, c, "", &tf)?;
        }
    }
    widths.apply(ws, 60)?;
    ws.set_column_width(0, 6)?;
    ws.set_freeze_panes(1, 2)?;
    ws.autofilter(
        0,
        0,
        r.saturating_sub(1).max(1),
        (INPUT_HEADERS.len() - 1) as u16,
    )?;
    print_setup(ws, 0)?;
    Ok(())
}

/// 规则说明: every code, what it checks and the clause of the notice it enforces.
fn rules_sheet(wb: &mut Workbook) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("规则说明")?;
    let headers = [
        "代码",
        "严重程度",
        "名称",
        "检查什么",
        "依据（通知原文）",
        "怎么改",
        "何时检查",
    ];
    let rows: Vec<Vec<Out>> = CATALOG
        .iter()
        .map(|d| {
            vec![
                Out::text(d.code.as_str()),
                Out::toned(severity_label(d.severity), severity_tone(d.severity)),
                Out::text(d.title),
                Out::text(d.what),
                Out::text(d.clause),
                Out::text(d.fix),
                Out::text(d.due),
            ]
        })
        .collect();
    table(ws, 0, &headers, rows, 50)?;
    for c in 3..=6 {
        ws.set_column_format(c, &wrap())?;
    }
    Ok(())
}
