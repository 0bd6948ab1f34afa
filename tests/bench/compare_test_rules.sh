#!/usr/bin/env bash
# Compares `promkit test rules` with Debian's `promtool test rules` on a generated suite of
# 200 alert tests (10 test groups of 600 input series each, evaluated every minute for an hour;
# see gen_test_rules_suite.sh), using hyperfine. Both must pass the suite before timing counts.
# Prints both means and the speed-up.
#
# usage: tests/bench/compare_test_rules.sh [PROMKIT_BINARY] [GROUPS] [HOSTS]
set -euo pipefail

here="$(cd "$(dirname "$0")/../.." && pwd)"
promkit="${1:-$here/build/promkit}"
groups="${2:-10}"
hosts="${3:-300}"
promtool="${PROMTOOL:-/usr/bin/promtool}"
for tool in "$promkit" "$promtool" hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (run install-deps.sh)" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/tests/bench/gen_test_rules_suite.sh" "$work" "$groups" "$hosts"
suite="$work/tests.yml"

# Same verdict first: both must pass.
set +e
"$promkit" test rules "$suite" >"$work/promkit.out" 2>&1; pk=$?
"$promtool" test rules "$suite" >"$work/promtool.out" 2>&1; pt=$?
set -e
echo "exit codes: promkit $pk, promtool $pt"
if [ "$pk" != 0 ] || [ "$pt" != 0 ]; then
  echo "both must pass the suite; promkit said:" >&2
  head -40 "$work/promkit.out" >&2
  exit 1
fi

hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$work/h.json" \
  -n promkit "$promkit test rules $suite" \
  -n promtool "$promtool test rules $suite"

python3 - "$work/h.json" <<'PY'
import json, sys
res = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
pk, pt = res["promkit"], res["promtool"]
cpu = lambda r: r["user"] + r["system"]
print(f"promkit {pk['mean']:.3f} s wall / {cpu(pk):.3f} s CPU, "
      f"promtool {pt['mean']:.3f} s wall / {cpu(pt):.3f} s CPU, "
      f"speed-up {pt['mean'] / pk['mean']:.2f}x wall, {cpu(pt) / cpu(pk):.2f}x CPU (target >= 2x)")
PY
