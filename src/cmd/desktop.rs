//! The program as a clerk meets it on a Windows desktop: a folder dropped on the icon
//! (`orglife FOLDER`), a double-click with nothing dropped, a console window that must stay
//! open long enough to be read, and the report opened at the end.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::cli::{CheckArgs, Dropped, InputArgs};
use crate::model::outputs::{REPORT_HTML, SUMMARY};
use crate::text::shown;

/// `orglife FOLDER`: `check FOLDER` with the defaults, its outputs in a folder beside the
/// returns named by the as-of date (`报表-检查结果-2024-09-10`), then the report opened when
/// someone is looking at a screen.
pub fn run_dropped(mut args: CheckArgs, mode: Dropped) -> Result<u8> {
    if !mode.out_given {
        args.out = beside(&args.input.input, as_of(&args.input));
    }
    println!("检查报表文件夹：{}", shown::path(&args.input.input));
    println!("检查结果写到：{}", shown::path(&args.out));
    let code = super::check::run(&args)?;
    let target = to_open(&args.out);
    // Only a person at a desktop wants a browser: not a script, a scheduled task or a test
    // whose output goes to a file or a pipe.
    let opened = !mode.no_open && std::io::stdout().is_terminal() && open(&target);
    if opened {
        println!("已打开 {}", shown::path(&target));
    } else {
        println!("请打开 {} 查看结果", shown::path(&target));
    }
    Ok(code)
}

/// The output folder beside `input`: `<name>-检查结果-<as-of>`. A drive's root has no name
/// and nothing beside it, so its results go inside it (skipped there by later checks, as any
/// folder of our outputs is: SPEC §8).
pub fn beside(input: &Path, as_of: NaiveDate) -> PathBuf {
    let input = std::path::absolute(input).unwrap_or_else(|_| input.to_path_buf());
    let date = as_of.format("%Y-%m-%d");
    let name = if input.is_file() {
        input.file_stem()
    } else {
        input.file_name()
    };
    match (name, input.parent()) {
        (Some(name), Some(parent)) => {
            parent.join(format!("{}-检查结果-{date}", name.to_string_lossy()))
        }
        _ => input.join(format!("orglife-检查结果-{date}")),
    }
}

/// The as-of date the run will use, known before it reads anything so that the folder can be
/// named: `--as-of` read as `check` reads it (its campaign's year completes a date written
/// without one), else today. A bad date or config is left for the run itself to report.
fn as_of(args: &InputArgs) -> NaiveDate {
    let today = chrono::Local::now().date_naive();
    let Some(text) = &args.as_of else {
        return today;
    };
    let config = args
        .config
        .clone()
        .or_else(|| crate::analysis::config_in_input(&args.input));
    let year = crate::analysis::load_campaign(config.as_deref())
        .map(|(c, _)| c.year)
        .unwrap_or_else(|_| chrono::Datelike::year(&today));
    crate::analysis::parse_as_of(text, year).unwrap_or(today)
}

/// What to open when the run is done: the page the clerk reads first, else (`--quick` writes
/// none) the summary workbook, else the folder.
pub fn to_open(out: &Path) -> PathBuf {
    [out.join(REPORT_HTML), out.join(SUMMARY)]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| out.to_path_buf())
}

/// Open a file or folder with the program the system associates with it. Windows asks the
/// shell directly (ShellExecuteW: no `cmd /c start`, whose own parsing breaks on `&` or `^`
/// in a folder name); elsewhere `xdg-open` (`open` on macOS), its path as one argument, never
/// through a shell. False when nothing could be started.
pub fn open(path: &Path) -> bool {
    #[cfg(windows)]
    {
        use std::os::windows::ffi::OsStrExt;
        use windows_sys::Win32::UI::Shell::ShellExecuteW;
        use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;
        let wide = |s: &std::ffi::OsStr| s.encode_wide().chain([0]).collect::<Vec<u16>>();
        let file = wide(path.as_os_str());
        let verb = wide("open".as_ref());
        // SAFETY: both strings are NUL-terminated UTF-16 buffers that outlive the call; the
        // other pointers may be null per the API.
        let r = unsafe {
            ShellExecuteW(
                std::ptr::null_mut(),
                verb.as_ptr(),
                file.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                SW_SHOWNORMAL,
            )
        };
        // The result is not a real handle: above 32 means success (documented so).
        r as usize > 32
    }
    #[cfg(not(windows))]
    {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        std::process::Command::new(opener)
            .arg(path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok()
    }
}

/// The console window this process runs in. On Windows, a program started by a double-click
/// or a drop gets a console of its own that closes the moment it exits, taking every line
/// with it; one started from cmd or PowerShell shares theirs. Windows counts the processes
/// attached to a console: 1 means the window is ours alone.
pub struct Console {
    own: bool,
    /// The output code page to put back at exit (Windows), when it was changed.
    previous_code_page: Option<u32>,
}

impl Console {
    /// Look at the console, and on Windows switch its output to UTF-8. Rust's std already
    /// writes to a console as UTF-16 (WriteConsoleW), so orglife's own lines are right either
    /// way; the code page matters for bytes that reach the console another way (C code such
    /// as SQLite's, a redirected child) and for a clerk's console left in GBK by an old tool.
    pub fn attach() -> Console {
        #[cfg(windows)]
        {
            use windows_sys::Win32::System::Console::{
                GetConsoleOutputCP, GetConsoleProcessList, SetConsoleOutputCP,
            };
            const UTF8: u32 = 65001;
            let mut ids = [0u32; 4];
            // SAFETY: the buffer holds `ids.len()` entries, as the call is told.
            let count = unsafe { GetConsoleProcessList(ids.as_mut_ptr(), ids.len() as u32) };
            // SAFETY: plain integer calls on this process's console (0 when there is none).
            let previous = unsafe { GetConsoleOutputCP() };
            let previous_code_page =
                (previous != 0 && previous != UTF8 && unsafe { SetConsoleOutputCP(UTF8) } != 0)
                    .then_some(previous);
            Console {
                own: count == 1,
                previous_code_page,
            }
        }
        #[cfg(not(windows))]
        Console {
            own: false,
            previous_code_page: None,
        }
    }

    /// Started by a double-click or a drop: nobody will see the output once we exit.
    pub fn own(&self) -> bool {
        self.own
    }

    /// Keep an own console window open until the clerk has read it. Not when input does not
    /// come from the console (a script feeding it, a test): it would only wait on nothing.
    pub fn pause_if_own(&self) {
        if !self.own || !std::io::stdin().is_terminal() {
            return;
        }
        print!("\n按回车键关闭");
        let _ = std::io::stdout().flush();
        let _ = std::io::stdin().lock().read_line(&mut String::new());
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        #[cfg(windows)]
        if let Some(cp) = self.previous_code_page {
            // SAFETY: a plain integer call; the console's code page is put back as found so
            // that the cmd window we shared reads its own tools' output as before.
            unsafe {
                windows_sys::Win32::System::Console::SetConsoleOutputCP(cp);
            }
        }
        #[cfg(not(windows))]
        let _ = self.previous_code_page;
    }
}

/// Double-clicked with nothing dropped: say in a few lines how the program is used, then
/// offer a folder picker (Windows). The folder chosen, if any.
pub fn ask_for_folder() -> Option<PathBuf> {
    println!("orglife：基层党支部组织生活会报表检查工具");
    println!();
    println!("用法：把装有各支部报表的文件夹（可以有子文件夹）拖到 orglife.exe 的图标上松开。");
    println!("检查结果写在该文件夹旁边的“文件夹名-检查结果-日期”文件夹里：");
    println!("  报告.html（先看这个）、汇总.xlsx、反馈（发给各支部）、催办（发到微信群）。");
    println!("检查完会自动打开报告。也可以在下面弹出的窗口里选择报表文件夹。");
    println!();
    let picked = pick_folder();
    if picked.is_none() {
        println!("没有选择文件夹。请把报表文件夹拖到 orglife.exe 的图标上。");
    }
    picked
}

/// The system's own folder picker (Windows' IFileOpenDialog, through `rfd`).
#[cfg(windows)]
fn pick_folder() -> Option<PathBuf> {
    rfd::FileDialog::new()
        .set_title("选择报表文件夹")
        .pick_folder()
}

/// No picker elsewhere: a double-click is only recognised on Windows.
#[cfg(not(windows))]
fn pick_folder() -> Option<PathBuf> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn results_go_beside_the_folder_named_by_date() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("报表");
        std::fs::create_dir(&input).unwrap();
        assert_eq!(
            beside(&input, day("2024-09-10")),
            dir.path().join("报表-检查结果-2024-09-10")
        );
        let file = dir.path().join("三道河村.xlsx");
        std::fs::write(&file, b"x").unwrap();
        assert_eq!(
            beside(&file, day("2024-09-10")),
            dir.path().join("三道河村-检查结果-2024-09-10")
        );
    }

    #[test]
    fn the_page_is_opened_first_then_the_summary_then_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(to_open(dir.path()), dir.path());
        std::fs::write(dir.path().join(SUMMARY), b"x").unwrap();
        assert_eq!(to_open(dir.path()), dir.path().join(SUMMARY));
        std::fs::write(dir.path().join(REPORT_HTML), b"x").unwrap();
        assert_eq!(to_open(dir.path()), dir.path().join(REPORT_HTML));
    }
}
