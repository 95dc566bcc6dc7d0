//! Writers only: they format what ingest read and the rules found, and decide nothing.

pub mod atomic;
pub mod findings_csv;
pub mod summary;
pub mod xlsx_style;
