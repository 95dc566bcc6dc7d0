#!/usr/bin/env bash
# Render 汇总.xlsx › 总览 of the demo township as a person sees it (LibreOffice → PDF → PNG),
# for the README. Needs soffice and pdftoppm (Debian: libreoffice-calc, poppler-utils).
#   bash docs/render_overview.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo run --release -q -- check sample_data/柳林镇2024 --as-of 2024-09-10 --no-history --out "$work/out" >/dev/null
cp "$work/out/汇总.xlsx" "$work/summary.xlsx"
soffice -env:UserInstallation="file://$work/profile" --headless --convert-to pdf --outdir "$work" "$work/summary.xlsx" >/dev/null
pdftoppm -png -r 150 -f 1 -l 1 -singlefile "$work/summary.pdf" "$work/page"
# Crop the white page margin away.
python3 - "$work/page.png" docs/overview.png <<'PY'
import sys
from PIL import Image, ImageChops
im = Image.open(sys.argv[1]).convert("RGB")
box = ImageChops.difference(im, Image.new("RGB", im.size, "white")).getbbox()
im.crop((max(box[0] - 20, 0), max(box[1] - 20, 0), box[2] + 20, box[3] + 20)).save(sys.argv[2], optimize=True)
PY
echo "docs/overview.png"
