#!/usr/bin/env bash
# Benchmark orglife against the read floor, side by side in one run (issue: speed is measured,
# never asserted in a test). Not run in CI.
#
#   bash bench/run.sh N [JOBS]        e.g. bash bench/run.sh 2000 2
#
# Uses the shared bench kit (../shared/bench, or $ORGLIFE_BENCH_KIT): gen_scale.py makes the
# corpus /tmp/orglife-bench-N once; floor/ is built into /tmp/orglife-floor-target. Needs
# GNU time and python3 (with xlsxwriter for the generator). RUNS=5 interleaved rounds by default.
# Prints a Markdown table: median wall time, ratio to the floor, peak RSS, time per branch,
# and orglife's split by stage (ORGLIFE_TIMINGS).
set -euo pipefail
N=${1:-200}
JOBS=${2:-2}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=${ORGLIFE_BENCH_KIT:-$ROOT/../shared/bench}
CORPUS=/tmp/orglife-bench-$N
OUT=/tmp/orglife-bench-out-$N
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [ ! -d "$CORPUS" ]; then
  if [ "$N" -le 8000 ]; then
    (cd "$KIT" && python3 gen_scale.py --branches "$N" --out "$CORPUS" --seed 2024 >&2)
  else
    # gen_scale.py sizes its unique 身份证号 for 8,192 branches × 128 members (2^20 IDs). Past
    # 8,000 branches a temporary copy widens the space to 2^21 (birth dates drawn in 38-day
    # instead of 77-day windows, still 1950–2004), so the corpus stays clean: 0 findings.
    WIDE=$WORK/gen_scale_wide.py
    python3 - "$KIT/gen_scale.py" "$WIDE" <<'PY'
import sys
src, dst = sys.argv[1], sys.argv[2]
s = open(src).read()
for a, b in [("h = g & 0xFFFFF", "h = g & 0x1FFFFF"),
             ("h = (h * 0x9E3B5) & 0xFFFFF", "h = (h * 0x9E3B5) & 0x1FFFFF"),
             ("bucket * 77 + birth_rng.randrange(77)", "bucket * 38 + birth_rng.randrange(38)"),
             ("if not (1 <= a.branches <= 8000):", "if not (1 <= a.branches <= 16000):")]:
    assert s.count(a) == 1, a
    s = s.replace(a, b)
open(dst, "w").write(s)
PY
    (cd "$KIT" && python3 "$WIDE" --branches "$N" --out "$CORPUS" --seed 2024 >&2)
  fi
fi
(cd "$ROOT" && cargo build --release -q)
(cd "$KIT/floor" && CARGO_TARGET_DIR=/tmp/orglife-floor-target cargo build --release -q)
FLOOR=/tmp/orglife-floor-target/release/floor
BIN=${ORGLIFE_BIN:-$ROOT/target/release/orglife}

declare -A CMD=(
  [floor]="$FLOOR $CORPUS --threads $JOBS"
  [quick]="$BIN check $CORPUS --as-of 2024-12-31 --out $OUT-quick --jobs $JOBS --quick"
  [check]="$BIN check $CORPUS --as-of 2024-12-31 --out $OUT --jobs $JOBS"
)
ORDER=(floor quick check)

# Rounds interleave the three commands (floor, quick, check, floor, …): this guest's speed drifts
# by tens of percent within minutes, so each ratio is taken within a round, and the table reports
# the median time and the median per-round ratio. Round 0 warms the page cache and is discarded.
for r in $(seq 0 "$RUNS"); do
  for k in "${ORDER[@]}"; do
    /usr/bin/time -f "%e %M" -o "$WORK/t-$k-$r" ${CMD[$k]} >/dev/null 2>&1
  done
  echo "round $r of $RUNS done" >&2
done
ORGLIFE_TIMINGS=1 ${CMD[check]} 2>"$WORK/stages" >/dev/null

python3 - "$WORK" "$N" "$JOBS" "$RUNS" <<'PY'
import sys, statistics
work, n, jobs, runs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
def read(k, r):
    wall, rss_kib = open(f"{work}/t-{k}-{r}").read().split()[-2:]
    return float(wall), int(rss_kib) / 1024
rounds = range(1, runs + 1)
t = {k: [read(k, r)[0] for r in rounds] for k in ("floor", "quick", "check")}
rss = {k: max(read(k, r)[1] for r in rounds) for k in t}
print(f"N = {n} branches, {jobs} threads, {runs} interleaved rounds (medians)\n")
print("| command | median (s) | min–max (s) | × floor (median of rounds) | peak RSS (MiB) | ms per branch |")
print("|---|---:|---:|---:|---:|---:|")
for k in ("floor", "quick", "check"):
    ratio = statistics.median(a / f for a, f in zip(t[k], t["floor"]))
    med = statistics.median(t[k])
    print(f"| {k} | {med:.2f} | {min(t[k]):.2f}–{max(t[k]):.2f} | {ratio:.2f} | {rss[k]:.0f} | {1000 * med / n:.2f} |")
stages = open(f"{work}/stages").read().strip().splitlines()
print("\norglife check by stage: " + (stages[-1] if stages else "(none)"))
PY
