//! Paths as the clerk's own system writes them, for the screen only. Windows users see
//! `D:\报表\三道河村`, never a `/` that a typed path or a relative name (`三道河村/台账.xlsx`,
//! `/`-separated so that findings.csv is the same on every system) brought in.

use std::path::Path;

/// A path for the screen: on Windows every `/` shown as `\`; elsewhere as it is.
pub fn path(p: &Path) -> String {
    rel(&p.display().to_string())
}

/// A `/`-separated relative name (a file inside the input, a skipped folder) for the screen.
pub fn rel(s: &str) -> String {
    if cfg!(windows) {
        s.replace('/', "\\")
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_windows_turns_slashes() {
        let shown = super::rel("报表/三道河村/台账.xlsx");
        if cfg!(windows) {
            assert_eq!(shown, "报表\\三道河村\\台账.xlsx");
        } else {
            assert_eq!(shown, "报表/三道河村/台账.xlsx");
        }
    }
}
