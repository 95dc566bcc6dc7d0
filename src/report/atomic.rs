//! Outputs appear whole or not at all: written to a temporary file beside the target, then
//! renamed over it (SPEC §5).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
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
    let mut tmp = builder.tempfile_in(dir).with_context(|| {
        format!(
            "无法在 {} 中写入输出文件（{}）",
            dir.display(),
            "没有写入权限或磁盘已满"
        )
    })?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("写入 {shown} 失败（磁盘已满或没有权限）"))?;
    tmp.persist(path).map_err(|e| e.error).with_context(|| {
        format!("无法保存 {shown}（文件可能正被 Excel/WPS 打开，请关闭后重试）")
    })?;
    Ok(())
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
