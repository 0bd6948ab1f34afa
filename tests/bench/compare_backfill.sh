#!/usr/bin/env bash
# Compares `promkit tsdb create-blocks-from openmetrics` with Debian's promtool 2.42 on one
# generated input (gen_backfill_data.py: SERIES series x SAMPLES samples). Checks both write
# blocks with the same samples (promtool's dump of each), then times them with hyperfine (each
# run into a fresh output directory) and prints peak RSS and on-disk bytes per sample.
#
# usage: tests/bench/compare_backfill.sh [PROMKIT_BINARY] [SERIES] [SAMPLES]
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
python3 "$here/tests/bench/gen_backfill_data.py" "$work/in.om" "$series" "$samples"
ls -l "$work/in.om" | awk '{printf "input: %.1f MB\n", $5 / 1e6}'

"$promtool" tsdb create-blocks-from openmetrics -q "$work/in.om" "$work/theirs"
"$promkit" tsdb create-blocks-from openmetrics -q "$work/in.om" "$work/ours"
if [ "${CHECK:-1}" = 1 ]; then
  mkdir -p "$work/theirs/wal" "$work/ours/wal"  # promtool 2.42 opens read-only only with a wal/
  "$promtool" tsdb dump "$work/theirs" | sort >"$work/theirs.txt"
  "$promtool" tsdb dump "$work/ours" | sort >"$work/ours.txt"
  cmp "$work/theirs.txt" "$work/ours.txt"
  echo "same $(wc -l <"$work/ours.txt") samples"
  rm -f "$work/theirs.txt" "$work/ours.txt"
fi
n=$((series / 50 * 50 * samples))
for d in theirs ours; do
  bytes=$(du -sb --exclude=wal "$work/$d" | cut -f1)
  echo "$d: $(ls "$work/$d" | grep -c '^[0-9A-Z]\{26\}$') blocks, $bytes bytes, $(echo "scale=3; $bytes / $n" | bc) bytes/sample"
done

hyperfine --warmup 1 --runs "${RUNS:-3}" \
  --prepare "rm -rf $work/out" \
  -n promtool "$promtool tsdb create-blocks-from openmetrics -q $work/in.om $work/out" \
  -n promkit "$promkit tsdb create-blocks-from openmetrics -q $work/in.om $work/out"
for run in "promkit:$promkit" "promtool:$promtool"; do
  rm -rf "$work/out"
  /usr/bin/time -f "${run%%:*} peak RSS %M KB, %e s, %U s user" \
    "${run#*:}" tsdb create-blocks-from openmetrics -q "$work/in.om" "$work/out"
done
