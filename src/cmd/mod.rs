//! One module per subcommand. Each `run` returns the exit code, or an operational error
//! (bad config, unwritable output) that `main` prints as one line with exit 2.

pub mod archive;
pub mod check;
pub mod init;
pub mod remind;
pub mod rules;
pub mod template;
