#!/usr/bin/env bash
# outputs.sh BIN REPO OUTDIR — run every command of BIN on the sample and fixture folders of REPO
# and keep every output in OUTDIR, to prove a refactor changes nothing a clerk sees:
#
#   bash bench/outputs.sh /path/to/old/orglife . /tmp/before
#   bash bench/outputs.sh target/release/orglife . /tmp/after
#   python3 bench/compare_outputs.py /tmp/before /tmp/after     # "differences: 0"
#
# Run both binaries on the same checkout: 输入文件 and the archive record each input's time.
set -u
BIN=$1; REPO=$(cd "$2" && pwd); OUT=$3
rm -rf "$OUT"; mkdir -p "$OUT"
for d in sample_data/柳林镇2024 tests/fixtures/township tests/fixtures/broken tests/fixtures/clean_township tests/fixtures/hostile tests/fixtures/single; do
  n=$(echo "$d" | tr / _)
  for asof in 2024-09-10 2024-08-01; do
    "$BIN" check "$REPO/$d" --as-of $asof --out "$OUT/check_${n}_$asof" > "$OUT/check_${n}_$asof.stdout" 2> "$OUT/check_${n}_$asof.stderr"; echo "rc=$?" >> "$OUT/check_${n}_$asof.stdout"
  done
  "$BIN" check "$REPO/$d" --as-of 2024-09-10 --quick --out "$OUT/quick_$n" > "$OUT/quick_$n.stdout" 2>&1; echo "rc=$?" >> "$OUT/quick_$n.stdout"
  "$BIN" check "$REPO/$d" --as-of 2024-09-10 --show-pii --out "$OUT/pii_$n" > "$OUT/pii_$n.stdout" 2>&1; echo "rc=$?" >> "$OUT/pii_$n.stdout"
  "$BIN" remind "$REPO/$d" --as-of 2024-09-10 --out "$OUT/remind_$n" > "$OUT/remind_$n.stdout" 2>&1; echo "rc=$?" >> "$OUT/remind_$n.stdout"
  "$BIN" archive "$REPO/$d" --year 2024 --as-of 2024-09-10 --out "$OUT/archive_$n" > "$OUT/archive_$n.stdout" 2>&1; echo "rc=$?" >> "$OUT/archive_$n.stdout"
done
for f in "$REPO"/tests/fixtures/single/*; do
  n=$(basename "$f")
  "$BIN" check "$f" --as-of 2024-09-10 --out "$OUT/single_$n" > "$OUT/single_$n.stdout" 2>&1; echo "rc=$?" >> "$OUT/single_$n.stdout"
done
"$BIN" template --out "$OUT/template" > "$OUT/template.stdout" 2>&1
mkdir -p "$OUT/init"; "$BIN" init --out "$OUT/init/campaign.toml" > "$OUT/init.stdout" 2>&1
"$BIN" rules > "$OUT/rules.txt" 2>&1
for c in S001 S002 S003 S004 S005 S006 S007 D001 D002 D003 D004 D005 D006 D007 D008 D009 D010 D011 T101 T102 T201 T202 T301 T302 T401 T402 T501 T502 T601 T602 T700 T800 C001 C002 C003 C004 C005 C006 C007 C008 C009 C010 C011 C012 V001 V002 V003 V004 V005 V006 M001 M002 M003 M004 Z999 c001; do
  "$BIN" rules $c > "$OUT/rules_$c.txt" 2>&1; echo "rc=$?" >> "$OUT/rules_$c.txt"
done
"$BIN" --help > "$OUT/help.txt" 2>&1
for s in check remind archive template init rules; do "$BIN" $s --help > "$OUT/help_$s.txt" 2>&1; done
"$BIN" check /nonexistent > "$OUT/err_nonexist.txt" 2>&1; echo "rc=$?" >> "$OUT/err_nonexist.txt"
