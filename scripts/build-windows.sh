#!/usr/bin/env bash
# Builds orglife-windows.zip for the township offices: orglife.exe (x86_64-pc-windows-gnu,
# cross-compiled here with Debian's mingw-w64), 使用说明.txt for the clerks (UTF-8 with BOM
# and CRLF, so that Notepad on any Windows shows it right) and the sample folders.
#
#   scripts/build-windows.sh [OUT.zip]        default: target/orglife-windows.zip
#   ORGLIFE_CONTACT="组织办 张三 0710-1234567" scripts/build-windows.sh   fills in whom to call
#   ORGLIFE_WINDOWS_EXE=path/orglife.exe scripts/build-windows.sh         packs that exe, no build
#                                               (tests/windows.rs packs its quicker dev build)
#
# Needs: rustup target add x86_64-pc-windows-gnu; apt-get install mingw-w64 (the C compiler
# builds the bundled SQLite and mimalloc for Windows). python3 writes the zip: it marks
# Chinese file names as UTF-8, which Windows 10/11's own "全部解压缩" reads correctly.
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
out=${1:-target/orglife-windows.zip}
exe=${ORGLIFE_WINDOWS_EXE:-}
if [ -z "$exe" ]; then
  if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    echo "缺少 Rust 目标 $target：请先运行 rustup target add $target" >&2
    exit 2
  fi
  if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    echo "缺少 mingw-w64 交叉编译器：请先运行 apt-get install mingw-w64" >&2
    exit 2
  fi
  cargo build --release --locked --target "$target"
  exe="${CARGO_TARGET_DIR:-target}/$target/release/orglife.exe"
fi
contact=${ORGLIFE_CONTACT:-"（由分发本程序的同志填写姓名和电话）"}
python3 - "$exe" "$out" "$contact" <<'PY'
import pathlib, sys, zipfile
exe, out, contact = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
guide = pathlib.Path("scripts/windows/使用说明.txt").read_text(encoding="utf-8")
guide = guide.replace("{{CONTACT}}", contact)
# Notepad before Windows 10 1903 needs both the BOM and CRLF; later ones are happy either way.
guide_bytes = b"\xef\xbb\xbf" + guide.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
out.parent.mkdir(parents=True, exist_ok=True)
tmp = out.with_name(out.name + ".tmp")
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    z.write(exe, "orglife/orglife.exe")
    z.writestr("orglife/使用说明.txt", guide_bytes)
    for sample in sorted(pathlib.Path("sample_data").iterdir()):
        if not sample.is_dir():
            continue
        for f in sorted(sample.rglob("*")):
            if f.is_file():
                z.write(f, "orglife/示例/" + f.relative_to("sample_data").as_posix())
tmp.replace(out)
print(f"已写出 {out}（{out.stat().st_size // 1024} KB）")
PY
