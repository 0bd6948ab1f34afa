#!/usr/bin/env bash
# Compares `promkit check metrics` with Debian's `promtool check metrics` on a generated text
# exposition of about 50 MB (counters, gauges, histograms and summaries with realistic label
# sets, a few lint problems), using hyperfine. Prints both means and the speed-up.
#
# usage: tests/bench/compare_check_metrics.sh [PROMKIT_BINARY] [SIZE_MB]
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
promkit="${1:-$here/build/promkit}"
size_mb="${2:-50}"
promtool="${PROMTOOL:-/usr/bin/promtool}"
for tool in "$promkit" "$promtool" hyperfine awk; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (run install-deps.sh)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
input="$work/metrics.prom"

# One "block" of families per iteration; blocks repeat with a new index until the size is reached.
awk -v limit=$((size_mb * 1024 * 1024)) '
function labels(i, j) {
  return sprintf("instance=\"10.%d.%d.%d:9100\",job=\"node\",method=\"%s\",code=\"%d\"",
                 i % 256, j % 256, (i * 7 + j) % 256, (j % 3 == 0 ? "GET" : (j % 3 == 1 ? "POST" : "PUT")),
                 200 + (j % 5) * 100)
}
BEGIN {
  bytes = 0
  for (b = 0; bytes < limit; b++) {
    name = sprintf("app_http_requests_b%d_total", b)
    out = sprintf("# HELP %s Requests handled, by method and code.\n# TYPE %s counter\n", name, name)
    for (j = 0; j < 120; j++) out = out sprintf("%s{%s} %d\n", name, labels(b, j), b * 1000 + j)
    name = sprintf("app_queue_depth_b%d", b)
    out = out sprintf("# HELP %s Items waiting.\n# TYPE %s gauge\n", name, name)
    for (j = 0; j < 60; j++) out = out sprintf("%s{%s} %.3f\n", name, labels(b, j), j * 1.5)
    name = sprintf("app_request_duration_b%d_seconds", b)
    out = out sprintf("# HELP %s Latency.\n# TYPE %s histogram\n", name, name)
    for (j = 0; j < 12; j++) {
      c = 0
      split("0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10 +Inf", les, " ")
      for (k = 1; k <= 12; k++) {
        c += k
        out = out sprintf("%s_bucket{%s,le=\"%s\"} %d\n", name, labels(b, j), les[k], c)
      }
      out = out sprintf("%s_sum{%s} %.6f\n%s_count{%s} %d\n", name, labels(b, j), c * 0.37, name, labels(b, j), c)
    }
    name = sprintf("app_gc_pause_b%d_seconds", b)
    out = out sprintf("# HELP %s GC pauses.\n# TYPE %s summary\n", name, name)
    for (j = 0; j < 4; j++) {
      split("0 0.25 0.5 0.75 1", qs, " ")
      for (k = 1; k <= 5; k++) out = out sprintf("%s{instance=\"i%d\",quantile=\"%s\"} %.9f\n", name, j, qs[k], k * 0.0001)
      out = out sprintf("%s_sum{instance=\"i%d\"} 0.036134048\n%s_count{instance=\"i%d\"} 232\n", name, j, name, j)
    }
    # Lint fodder: no HELP, camelCase, non-base unit.
    out = out sprintf("appLegacyMilliseconds_b%d{shardId=\"%d\"} 1\n", b, b)
    printf "%s", out
    bytes += length(out)
  }
}' > "$input"

echo "input: $(du -m "$input" | cut -f1) MB, $(wc -l < "$input") lines"
# Both must agree on the exit code (3: lint problems) before timing means anything.
set +e
"$promkit" check metrics < "$input" 2>"$work/promkit.err"; pk=$?
"$promtool" check metrics < "$input" 2>"$work/promtool.err"; pt=$?
set -e
echo "exit codes: promkit $pk, promtool $pt; problems: promkit $(wc -l < "$work/promkit.err"), promtool $(wc -l < "$work/promtool.err")"

hyperfine --warmup 1 --runs "${RUNS:-5}" -i --export-json "$work/h.json" \
  -n promkit "$promkit check metrics < $input" \
  -n promtool "$promtool check metrics < $input"

python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"promkit {r['promkit']:.3f} s, promtool {r['promtool']:.3f} s, "
      f"speed-up {r['promtool'] / r['promkit']:.2f}x (target >= 3x)")
PY
