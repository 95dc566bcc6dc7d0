#!/usr/bin/env bash
# Run one fuzz target for a while: ./fuzz/run.sh read_xlsx 900
# The committed seeds (fuzz/seeds/<target>/) start the corpus; what the fuzzer finds grows in
# fuzz/corpus/<target>/ (not committed); crashes land in fuzz/artifacts/<target>/.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: run.sh TARGET [SECONDS]}
secs=${2:-600}
mkdir -p "corpus/$target"
# The zip formats are mutated member by member and zipped again: give them room to grow.
case "$target" in
  read_xlsx | read_xlsb | read_ods | feedback_xlsx) max_len=65536 ;;
  *) max_len=32768 ;;
esac
exec cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
  -max_total_time="$secs" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
