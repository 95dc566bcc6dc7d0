//! Dates as party branches actually write them (SPEC §3, §6; DOMAIN §3).
//!
//! Every function here is total: whatever a cell holds, the answer is a value or `None`,
//! never a panic, because these run on every cell of files nobody here controls. Parsing is
//! a small hand-written cursor over `char`s (after NFKC), not regex, so that each accepted
//! form is visible in one place and nothing is sliced by byte offset.

mod cursor;
mod deadline;
mod period;
mod serial;
mod text;

pub use deadline::parse_deadline_text;
pub use period::{find_period_in_name, parse_period_text};
pub use serial::{parse_date_number, serial_to_date};
pub use text::parse_date_text;

use crate::model::dates::PDate;

/// Something about how a date was written that the branch should know (becomes a D003 note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateNote {
    /// `7月31日`, `7.31`: no year, the campaign year was assumed.
    YearAssumed,
    /// `2005.1` as a number: Excel turned `2005.10` into `2005.1`; month read as 1 but may be 10.
    MonthMaybeTen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub value: PDate,
    pub note: Option<DateNote>,
}

/// Years outside this window are typing mistakes in a party return, not dates: nobody alive
/// joined or was born before 1900, and no campaign runs past 2100. Rejecting them turns a typo
/// into a D002 the branch must fix instead of a silently absurd date.
const YEAR_MIN: i32 = 1900;
const YEAR_MAX: i32 = 2100;

#[cfg(test)]
mod tests;
