#!/usr/bin/env bash
# Compares promkit's PromQL engine with Debian's Prometheus 2.42 on the same promtool-written
# blocks: 4,200 series over 6 h at 15 s (about 6M samples, tests/bench/gen_query_bench_data.py),
# heavy 6-hour range queries at step 15 s. Prometheus's figure is execTotalTime from stats=all on
# a warm server (best of 3); promkit's is the engine time of build/tests/bench/promql_range_query
# (best of 3). Then whole commands, best of 3 wall times: curl against the warm server, and
# `promkit query range --tsdb.path` (which opens the blocks, evaluates and prints the API's JSON),
# with promkit's peak RSS against the Prometheus process's resident memory (VmHWM) after serving
# the queries. Needs python3, promtool, prometheus, curl.
#
# usage: tests/bench/compare_query_range.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$here/build}"
tool="$build/tests/bench/promql_range_query"
promkit="$build/promkit"
for t in "$tool" promtool prometheus curl python3; do
  command -v "$t" >/dev/null || { echo "missing: $t" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'kill "${prom_pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
end=$(( $(date +%s) / 3600 * 3600 ))
start=$(( end - 6 * 3600 ))
python3 "$here/tests/bench/gen_query_bench_data.py" "$end" > "$work/data.om"
mkdir -p "$work/db"
promtool tsdb create-blocks-from openmetrics -q "$work/data.om" "$work/db"
rm -f "$work/data.om"
printf 'global:\n  scrape_interval: 15s\n' > "$work/prom.yml"
prometheus --config.file="$work/prom.yml" --storage.tsdb.path="$work/db" \
  --storage.tsdb.retention.time=10y --web.listen-address=127.0.0.1:19099 >"$work/prom.log" 2>&1 &
prom_pid=$!
until curl -sf 127.0.0.1:19099/-/ready >/dev/null; do sleep 1; done
queries=(
  'sum by (method) (rate(http_requests_total[5m]))'
  'histogram_quantile(0.9, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m])))'
  'topk(5, sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m])))'
  'quantile_over_time(0.95, app_memory_bytes[30m])'
  'max_over_time(rate(http_requests_total[5m])[30m:1m])'
  'sum by (instance, version) (rate(http_requests_total[5m]) * on (instance) group_left (version) app_build_info)'
  'label_replace(avg by (instance) (app_memory_bytes), "host", "$1", "instance", "(.*):.*")'
)
for q in "${queries[@]}"; do
  best=""
  for _ in 1 2 3; do
    t=$(curl -s 127.0.0.1:19099/api/v1/query_range --data-urlencode "query=$q" -d start="$start" \
        -d end="$end" -d step=15 -d stats=all |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["stats"]["timings"]["execTotalTime"])')
    best=$(python3 -c "print(min(float('${best:-inf}'), $t))")
  done
  printf 'prometheus %8.3f s  %s\n' "$best" "$q"
done
"$tool" "$work/db" "$end" "${queries[@]}" | sed 's/^/promkit    /'

# Whole commands: wall seconds (best of 3) and, for promkit, peak RSS in MB.
run_best() {  # prints "<best wall s> <max rss MB>" of the command in "$@", output discarded
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
best = float("inf")
for _ in range(3):
    t0 = time.monotonic()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
    best = min(best, time.monotonic() - t0)
print(f"{best:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
PY
}
printf '%-10s %10s %10s %12s  %s\n' "" "curl (s)" "promkit(s)" "promkit MB" "query"
for q in "${queries[@]}"; do
  read -r ct _ < <(run_best curl -s 127.0.0.1:19099/api/v1/query_range --data-urlencode "query=$q" \
      -d start="$start" -d end="$end" -d step=15)
  read -r pt pm < <(run_best "$promkit" query range -o json --tsdb.path "$work/db" \
      --start "$start" --end "$end" --step 15s "$q")
  printf '%-10s %10s %10s %12s  %s\n' "command" "$ct" "$pt" "$pm" "$q"
done
printf 'prometheus process VmHWM after the queries: %s MB\n' \
  "$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$prom_pid/status")"
