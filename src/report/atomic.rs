//! Outputs appear whole or not at all: written to a temporary file beside the target, then
//! renamed over it (SPEC §5).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |file| Ok(file.write_all(bytes)?))
}

/// [`write_atomic`] for a writer that streams: `fill` writes into the temporary file, so a
/// large output (a county's 汇总.xlsx is 100 MB) is never held in memory whole.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let shown = path.display();
    let mut builder = tempfile::Builder::new();
    builder.prefix(".orglife-").suffix(".tmp");
    // Temporary files are private (0600); an output is an ordinary file others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let tmp = builder.tempfile_in(dir).with_context(|| {
        format!(
            "无法在 {} 中写入输出文件（{}）",
            dir.display(),
            "没有写入权限或磁盘已满"
        )
    })?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file());
    fill(&mut out)
        .and_then(|_| Ok(out.flush()?))
        .and_then(|_| Ok(tmp.as_file().sync_all()?))
        .with_context(|| format!("写入 {shown} 失败（磁盘已满或没有权限）"))?;
    drop(out);
    tmp.persist(path).map_err(|e| e.error).with_context(|| {
        format!("无法保存 {shown}（文件可能正被 Excel/WPS 打开，请关闭后重试）")
    })?;
    Ok(())
}

/// Remove what a killed run left in `dir`: hidden temporary files and folders of ours
/// (`.orglife-*`, `.<name>-*`) older than ten minutes, so that a run still writing next door
/// is never disturbed. The outputs themselves were never touched by the killed run.
pub fn clean_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(600);
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with(".orglife-")
            || name.starts_with(".反馈-")
            || name.starts_with(".催办-");
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < cutoff);
        if ours && old {
            let _ = if e.path().is_dir() {
                std::fs::remove_dir_all(e.path())
            } else {
                std::fs::remove_file(e.path())
            };
        }
    }
}

/// Build a folder of outputs beside `target`, then swap it in, so that readers see the old
/// set or the new one, never a mix, and files of branches no longer concerned do not linger.
pub fn replace_dir<T>(target: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let parent = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}-"))
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "无法在 {} 中写入输出（没有写入权限或磁盘已满）",
                parent.display()
            )
        })?;
    let value = fill(tmp.path())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755));
    }
    let old = parent.join(format!(".{name}-old-{}", std::process::id()));
    if target.exists() {
        std::fs::rename(target, &old).with_context(|| {
            format!(
                "无法替换 {}（其中的文件可能正被打开，请关闭后重试）",
                target.display()
            )
        })?;
    }
    let fresh = tmp.keep();
    std::fs::rename(&fresh, target).with_context(|| format!("无法保存 {}", target.display()))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("findings.csv");
        write_atomic(&p, b"old").unwrap();
        write_atomic(&p, b"new content").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new content");
        let folder = dir.path().join("反馈");
        replace_dir(&folder, |d| Ok(std::fs::write(d.join("a.txt"), "1")?)).unwrap();
        replace_dir(&folder, |d| Ok(std::fs::write(d.join("b.txt"), "2")?)).unwrap();
        let names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["b.txt"], "the old set is gone");
        std::fs::remove_dir_all(&folder).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode & 0o044,
                0o044,
                "readable by others like any file: {mode:o}"
            );
        }
    }
}
