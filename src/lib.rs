//! orglife: reads the Excel returns of a township's party branches, checks them against the
//! campaign's rules and writes the township's summary. Data flows one way:
//! ingest → model → rules → report.

pub mod analysis;
pub mod campaign;
pub mod cli;
pub mod cmd;
pub mod finding;
pub mod history;
pub mod ingest;
pub mod model;
pub mod report;
pub mod rules;
pub mod text;
