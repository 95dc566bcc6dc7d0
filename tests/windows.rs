//! The Windows program, run under wine beside the Linux build: the exe cross-compiled for
//! x86_64-pc-windows-gnu gives byte for byte the same findings.csv on the sample town, and a
//! folder dropped on it (`orglife.exe Z:\…\folder`, no command) is checked into a dated folder
//! beside it without waiting for Enter or opening a browser.
//!
//! Needs the rustup target, Debian's mingw-w64 and wine. CI installs them (.ci/run) and sets
//! ORGLIFE_REQUIRE_WINE=1, so there the test cannot be skipped; elsewhere it says SKIPPED.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

const TARGET: &str = "x86_64-pc-windows-gnu";
const MINGW_GCC: &str = "x86_64-w64-mingw32-gcc";
const AS_OF: &str = "2024-09-10";

fn answers(cmd: &str, arg: &str) -> bool {
    Command::new(cmd)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The Rust standard library for Windows, installed by `rustup target add`.
fn target_installed() -> bool {
    Command::new("rustc")
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .is_some_and(|d| d.is_dir() && std::fs::read_dir(&d).is_ok_and(|mut e| e.next().is_some()))
}

/// True when every tool is here; else SKIPPED (or a failure where CI requires them).
fn tools() -> bool {
    let missing: Vec<&str> = [
        ("wine", answers("wine", "--version")),
        (MINGW_GCC, answers(MINGW_GCC, "--version")),
        // util-linux's, to give the exe a terminal as a drop gives it a console window.
        ("script", answers("script", "--version")),
        (TARGET, target_installed()),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("ORGLIFE_REQUIRE_WINE").is_some() {
        panic!("wine, mingw-w64 and the {TARGET} target are required here; missing: {missing:?}");
    }
    eprintln!("SKIPPED: the Windows exe under wine did not run; missing: {missing:?}");
    false
}

/// The Linux build's target folder (the one `cargo test` built the binary into).
fn target_dir() -> PathBuf {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_orglife"));
    bin.ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Build orglife.exe. A target folder of its own, so that this cargo never waits on the lock
/// of the `cargo test` that runs us; the dev profile without debug info (the exe is 131 MB
/// with it), and the sample town is small enough that an unoptimised build checks it in
/// seconds even under wine. .ci/run builds it beforehand with this same command, so that in
/// CI this is a no-op and the suite's time holds only the runs.
fn build_exe() -> PathBuf {
    let dir = target_dir().join("wine");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let started = Instant::now();
    let o = Command::new(cargo)
        .args([
            "build", "--locked", "--quiet", "--bin", "orglife", "--target", TARGET,
        ])
        .arg("--target-dir")
        .arg(&dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .output()
        .expect("cargo runs");
    assert!(
        o.status.success(),
        "the Windows build failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    eprintln!("orglife.exe built in {:.0?}", started.elapsed());
    dir.join(TARGET).join("debug/orglife.exe")
}

/// Wine 8 (Debian 12) has no `ProcessPrng` in bcryptprimitives.dll, which Rust's std imports
/// on Windows for its random seeds (real Windows 10/11 has it). This stand-in, loaded from
/// beside the exe (WINEDLLOVERRIDES prefers it to wine's own), answers from RtlGenRandom
/// (SystemFunction036, in every wine). Test-only: it never ships.
const PRNG_SHIM: &str = r#"
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
"#;

fn build_shim(dir: &Path) {
    let src = dir.join("prng_shim.c");
    std::fs::write(&src, PRNG_SHIM).unwrap();
    let o = Command::new(MINGW_GCC)
        .args(["-shared", "-O2", "-o"])
        .arg(dir.join("bcryptprimitives.dll"))
        .arg(&src)
        .arg("-ladvapi32")
        .output()
        .expect("mingw gcc runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// A unix path as wine's Windows programs see it (drive Z: is the unix root).
fn wine_path(p: &Path) -> String {
    format!("Z:{}", p.display()).replace('/', "\\")
}

struct Wine {
    prefix: tempfile::TempDir,
    exe: PathBuf,
}

impl Wine {
    /// Run the exe under wine with stdin closed (nobody at the console, so no pause), stdout
    /// a pipe (so no browser), killed if it takes longer than a run can.
    fn run(&self, args: &[String]) -> Output {
        let mut child = Command::new("wine")
            .arg(&self.exe)
            .args(args)
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            // Our shim before wine's own; no Mono or Gecko installer at the prefix's first start.
            .env("WINEDLLOVERRIDES", "bcryptprimitives=n,b;mscoree=;mshtml=")
            // Wine turns the command line into UTF-16 with the unix locale: Chinese paths need
            // a UTF-8 one, whatever CI's environment has.
            .env("LC_ALL", "C.UTF-8")
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wine runs");
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            if child.try_wait().ok().flatten().is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("orglife.exe under wine did not finish in 300 s: {args:?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        child.wait_with_output().expect("wine output")
    }
}

impl Wine {
    /// Run the exe the way a drop starts it: in a terminal (util-linux `script` gives it a
    /// pty), where wine, like Windows for a drop or a double-click, gives the program a
    /// console of its own. Enter is pressed once the prompt shows (wine flushes keys typed
    /// earlier). Returns what the terminal showed, and whether the run ended (exit 0).
    fn run_at_a_console(&self, args: &[String]) -> (String, bool) {
        use std::io::{Read, Write};
        let quoted: Vec<String> = std::iter::once(self.exe.display().to_string())
            .chain(args.iter().cloned())
            .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
            .collect();
        let mut child = Command::new("script")
            .args(["-q", "-e", "-c"])
            .arg(format!("wine {}", quoted.join(" ")))
            .arg("/dev/null")
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "bcryptprimitives=n,b;mscoree=;mshtml=")
            .env("LC_ALL", "C.UTF-8")
            .env_remove("DISPLAY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script runs");
        let mut stdout = child.stdout.take().unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let reader = {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stdout.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    seen.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        };
        let shown = || String::from_utf8_lossy(&seen.lock().unwrap()).into_owned();
        let deadline = Instant::now() + Duration::from_secs(300);
        let mut pressed = false;
        let ended = loop {
            if let Ok(Some(status)) = child.try_wait() {
                break status.success();
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                break false;
            }
            if !pressed && shown().contains("按回车键关闭") {
                std::thread::sleep(Duration::from_millis(500));
                let _ = child.stdin.as_mut().unwrap().write_all(b"\r");
                pressed = true;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let _ = reader.join();
        (shown(), ended && pressed)
    }
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// orglife-windows.zip as the build script packs it around `exe`.
fn pack_zip(exe: &Path, dir: &Path) -> PathBuf {
    let zip = dir.join("orglife-windows.zip");
    let o = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/build-windows.sh"))
        .arg(&zip)
        .env("ORGLIFE_WINDOWS_EXE", exe)
        .env("ORGLIFE_CONTACT", "镇党委组织办 0710-0000000")
        .output()
        .expect("bash runs");
    assert!(o.status.success(), "{}", text(&o));
    zip
}

/// Unpack the zip into `to`, check what a clerk will open first, and return the exe.
fn unpack(zip: &Path, to: &Path) -> PathBuf {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    z.extract(to).unwrap();
    let guide = std::fs::read(to.join("orglife/使用说明.txt")).unwrap();
    assert!(guide.starts_with(b"\xEF\xBB\xBF"), "使用说明.txt has a BOM");
    let guide = String::from_utf8(guide).unwrap();
    assert!(
        guide.matches('\n').count() == guide.matches("\r\n").count(),
        "使用说明.txt has CRLF line ends only"
    );
    assert!(guide.contains("拖到 orglife.exe") && guide.contains("镇党委组织办 0710-0000000"));
    assert!(!guide.contains("{{"), "every placeholder filled");
    for sample in ["柳林镇2024", "桃源镇2025年度"] {
        assert!(
            to.join("orglife/示例")
                .join(sample)
                .join("README.md")
                .is_file(),
            "{sample}"
        );
    }
    to.join("orglife/orglife.exe")
}

#[test]
fn the_windows_exe_under_wine_finds_what_linux_finds() {
    if !tools() {
        return;
    }
    let exe = build_exe();
    let work = tempfile::tempdir().unwrap();
    std::fs::copy(&exe, work.path().join("orglife.exe")).unwrap();
    build_shim(work.path());
    let wine = Wine {
        prefix: tempfile::tempdir().unwrap(),
        exe: work.path().join("orglife.exe"),
    };
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024");

    // The Linux build, as the README's first command runs it.
    let (o, linux) = check(&sample, &["--as-of", AS_OF]);
    assert_quiet_success(&o);
    let linux_csv = std::fs::read(linux.path().join("findings.csv")).unwrap();

    // `check` with the same arguments on Windows. The file column holds paths relative to
    // the input, always `/`-separated (src/ingest/mod.rs), so the two files are equal byte
    // for byte, not only modulo separators.
    let started = Instant::now();
    let win_out = work.path().join("windows-out");
    let o = wine.run(&[
        "check".into(),
        wine_path(&sample),
        "--as-of".into(),
        AS_OF.into(),
        "--out".into(),
        wine_path(&win_out),
    ]);
    eprintln!(
        "first wine run (prefix created) in {:.0?}",
        started.elapsed()
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("orglife 检查完成（统计截止 2024-09-10）"),
        "{}",
        text(&o)
    );
    assert!(
        std::fs::read(win_out.join("findings.csv")).unwrap() == linux_csv,
        "findings.csv differs between Windows and Linux"
    );
    assert!(win_out.join("汇总.xlsx").is_file() && win_out.join("反馈").is_dir());

    // What a clerk gets: the zip as scripts/build-windows.sh packs it (with this exe, to spare
    // a release build), unpacked; then its sample folder dropped on its orglife.exe.
    let unpacked = work.path().join("解压");
    let exe = unpack(&pack_zip(&exe, work.path()), &unpacked);
    let wine = Wine {
        prefix: wine.prefix,
        exe: exe.clone(),
    };
    std::fs::copy(
        work.path().join("bcryptprimitives.dll"),
        unpacked.join("orglife/bcryptprimitives.dll"),
    )
    .unwrap();
    let town = unpacked.join("orglife/示例/柳林镇2024");
    let started = Instant::now();
    let o = wine.run(&[wine_path(&town), "--as-of".into(), AS_OF.into()]);
    eprintln!("dropped-folder wine run in {:.0?}", started.elapsed());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let beside = unpacked.join(format!("orglife/示例/柳林镇2024-检查结果-{AS_OF}"));
    assert!(
        std::fs::read(beside.join("findings.csv")).unwrap() == linux_csv,
        "{}",
        text(&o)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let shown = wine_path(&beside);
    assert!(
        stdout.contains(&format!("检查结果写到：{shown}")),
        "{}",
        text(&o)
    );
    assert!(
        stdout.contains(&format!("{shown}\\findings.csv")),
        "output paths with backslashes: {}",
        text(&o)
    );
    // Stdout is a pipe: nothing opened, and no pause with stdin closed.
    assert!(stdout.contains("请打开"), "{}", text(&o));
    assert!(!stdout.contains("按回车键关闭"), "{}", text(&o));

    // Dropped, with a console window of its own: the window waits for Enter, then closes.
    let again = unpacked.join("第二轮");
    copy_tree(&town, &again);
    let (shown, ended) = wine.run_at_a_console(&[
        wine_path(&again),
        "--as-of".into(),
        AS_OF.into(),
        "--no-open".into(),
    ]);
    assert!(shown.contains("按回车键关闭"), "{shown}");
    assert!(ended, "the run ended after Enter: {shown}");
    assert!(
        unpacked
            .join(format!("第二轮-检查结果-{AS_OF}/findings.csv"))
            .is_file(),
        "{shown}"
    );

    // No argument at all, not double-clicked: the one-line usage error, as on Linux.
    let o = wine.run(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("缺少命令"),
        "{}",
        text(&o)
    );
}
