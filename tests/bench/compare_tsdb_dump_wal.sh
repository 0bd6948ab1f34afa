#!/usr/bin/env bash
# Compares `promkit tsdb dump` with Debian's `promtool tsdb dump` on a data directory whose
# samples are all in the WAL (gen_wal_bench_data.py: 2,000 series x 1,500 samples = 3M samples),
# so both replay the WAL into a head. Checks both print the same samples, then times them with
# hyperfine (promtool gets a fresh copy each run: it may write into what it reads) and prints
# their peak RSS.
#
# usage: tests/bench/compare_tsdb_dump_wal.sh [PROMKIT_BINARY] [SERIES] [SAMPLES]
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
promkit="${1:-$here/build/promkit}"
series="${2:-2000}"
samples="${3:-1500}"
promtool="${PROMTOOL:-/usr/bin/promtool}"
for tool in "$promkit" "$promtool" hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 "$here/tests/bench/gen_wal_bench_data.py" "$work/db" "$series" "$samples"
du -sh "$work/db/wal"

cp -a "$work/db" "$work/copy"
# --min-time=0: promtool 2.42 then keeps the head's order too (see tests/tsdb/wal_promtool_test.cpp).
"$promtool" tsdb dump --min-time=0 "$work/copy" >"$work/theirs.txt"
"$promkit" tsdb dump --min-time=0 "$work/db" >"$work/ours.txt"
cmp "$work/theirs.txt" "$work/ours.txt"
echo "same $(wc -l <"$work/ours.txt") lines"

hyperfine --warmup 1 --runs "${RUNS:-3}" \
  --prepare "rm -rf $work/copy && cp -a $work/db $work/copy" \
  -n promtool "$promtool tsdb dump --min-time=0 $work/copy >/dev/null" \
  -n promkit "$promkit tsdb dump --min-time=0 $work/db >/dev/null"
for run in "promkit:$promkit tsdb dump --min-time=0 $work/db" \
           "promtool:$promtool tsdb dump --min-time=0 $work/copy"; do
  /usr/bin/time -f "${run%%:*} peak RSS %M KB" sh -c "${run#*:} >/dev/null"
done
