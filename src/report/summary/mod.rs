//! 汇总.xlsx, the township summary workbook (SPEC §5, §8): 总览 with a chart, 进展, 问题明细, 催办名单,
//! 督导覆盖, 谈心谈话覆盖, 民主评议汇总 (a campaign with an evaluation step), 三张清单汇总,
//! 党员汇总, 输入文件 and 规则说明.
//!
//! This module assembles the workbook and holds the helpers its sheets share; each sheet is
//! written by its own module, named after what the sheet shows.

mod evaluation;
mod findings;
mod input_files;
mod members;
mod overview;
mod progress;
mod reminders;
mod rules_sheet;
mod supervision;
mod talks;
mod three_lists;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::mask::Pii;
use crate::analysis::Analysis;
use crate::campaign::StepKind;

pub use reminders::reminders_sheet;

pub fn render(a: &Analysis, pii: Pii) -> Result<Vec<u8>, XlsxError> {
    build(a, pii)?.save_to_buffer()
}

/// [`render`] straight into `out`: a county's summary is 100 MB, not worth holding (twice,
/// while the buffer grows) next to the model.
pub fn render_to(a: &Analysis, pii: Pii, out: impl std::io::Write + Send) -> Result<(), XlsxError> {
    // Debug builds only: the tests' way to make a writer fail as a defect would (a panic on a
    // writing thread), to prove the run ends with one line and no half-written output.
    #[cfg(debug_assertions)]
    if std::env::var_os("ORGLIFE_TEST_PANIC").is_some() {
        panic!("ORGLIFE_TEST_PANIC");
    }
    build(a, pii)?.save_to_writer(out)
}

fn build(a: &Analysis, pii: Pii) -> Result<Workbook, XlsxError> {
    let mut wb = super::xlsx_style::workbook();
    super::xlsx_style::mark_own_output(&mut wb, "汇总");
    overview::write(&mut wb, a, pii)?;
    // Right after 总览: on a re-check, what changed is the first thing the office asks.
    progress::write(&mut wb, a, pii)?;
    findings::write(&mut wb, a, pii)?;
    reminders_sheet(wb.add_worksheet(), a, pii)?;
    supervision::write(&mut wb, a, pii)?;
    talks::write(&mut wb, a, pii)?;
    evaluation::write(&mut wb, a, pii)?;
    // Only a campaign with the three lists (or their rectification step) has them to show.
    let c = &a.campaign;
    if c.step(StepKind::Lists).is_some() || c.step(StepKind::Rectify).is_some() {
        three_lists::write(&mut wb, a, pii)?;
    }
    members::write(&mut wb, &a.model, pii)?;
    input_files::write(&mut wb, &a.model, pii)?;
    rules_sheet::write(&mut wb, &a.campaign)?;
    Ok(wb)
}

fn md(d: chrono::NaiveDate) -> String {
    d.format("%-m月%-d日").to_string()
}

/// An ID as shown: masked unless --show-pii, whatever its shape.
pub fn id_shown(id: &str, pii: Pii) -> String {
    if pii.show {
        id.to_string()
    } else {
        super::mask::mask_id(id)
    }
}

/// A phone as shown: masked unless --show-pii (a landline too: `071****1567`).
pub fn phone_shown(p: &str, pii: Pii) -> String {
    if pii.show {
        p.to_string()
    } else {
        match super::mask::mask_text(p) {
            std::borrow::Cow::Owned(m) => m,
            std::borrow::Cow::Borrowed(_) => super::mask::mask_phone(p),
        }
    }
}
