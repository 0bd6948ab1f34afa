#!/usr/bin/env bash
# Generates a rule unit-test suite for benchmarking `test rules`: a rule file (alerting rules
# with `for`, templated labels and annotations, recording rules feeding an alert) and one test
# file with GROUPS test groups, each loading 2*HOSTS input series over an hour at 1m and
# asserting 20 alert_rule_test cases (4 alerts at 5 eval times): GROUPS=10 gives 200 alert
# tests over 600 series per group. Every expectation holds under promtool 2.42, 3.x and promkit
# (no range-boundary or 3.x-only features), so both tools must pass it.
#
# usage: tests/bench/gen_test_rules_suite.sh OUT_DIR [GROUPS] [HOSTS]
# writes OUT_DIR/rules.yml and OUT_DIR/tests.yml
set -euo pipefail

out="${1:?usage: $0 OUT_DIR [GROUPS] [HOSTS]}"
groups="${2:-10}"
hosts="${3:-300}"
mkdir -p "$out"

cat > "$out/rules.yml" <<'EOF'
groups:
  - name: alerts
    rules:
      - alert: HostDown
        expr: node_up == 0
        for: 5m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} down"
          description: "{{ $labels.instance }} of job {{ $labels.job }} has been down for more than 5 minutes (value {{ $value }})."
      - alert: HighLoad
        expr: node_load > 2
        for: 10m
        labels:
          severity: warning
        annotations:
          summary: "load {{ $value | humanize }} on {{ $labels.instance }}"
      - alert: TeamHostsDown
        expr: count by (team) (node_up == 0) > 3
        for: 2m
        annotations:
          summary: "{{ $value }} hosts down in {{ $labels.team }}"
      - alert: LoadRecorded
        expr: instance:node_load:max > 4
        for: 1m
  - name: records
    rules:
      - record: instance:node_load:max
        expr: max by (instance) (node_load)
      - record: team:node_up:sum
        expr: sum by (team) (node_up)
EOF

python3 - "$out/tests.yml" "$groups" "$hosts" <<'PY'
import sys

path, groups, hosts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
minutes = 60
eval_times = [5, 15, 30, 45, 60]
lines = ["rule_files:", "  - rules.yml", "", "evaluation_interval: 1m", "", "tests:"]
w = lines.append

for g in range(groups):
    down = [i for i in range(hosts) if (i + g) % 10 == 0]      # node_up 0 from minute 10
    loaded = [i for i in range(hosts) if i % 7 == g % 7]         # node_load 5 throughout
    teams_down = sorted({f"t{i % 5}" for i in down})
    w(f"  - name: group {g}")
    w("    interval: 1m")
    w("    input_series:")
    for i in range(hosts):
        values = "1x9 0x50" if i in down else f"1x{minutes}"
        w(f"      - series: 'node_up{{instance=\"host-{i}\", job=\"node\", team=\"t{i % 5}\"}}'")
        w(f"        values: '{values}'")
        w(f"      - series: 'node_load{{instance=\"host-{i}\", job=\"node\"}}'")
        w(f"        values: '{'5' if i in loaded else '0.5'}x{minutes}'")
    w("    alert_rule_test:")
    for t in eval_times:
        # HostDown: active from 10m, firing from 15m.
        w(f"      - eval_time: {t}m")
        w("        alertname: HostDown")
        if t < 15:
            w("        exp_alerts: []")
        else:
            w("        exp_alerts:")
            for i in down:
                w(f"          - exp_labels: {{instance: host-{i}, job: node, team: t{i % 5}, severity: page}}")
                w(f"            exp_annotations:")
                w(f"              summary: \"host-{i} down\"")
                w(f"              description: \"host-{i} of job node has been down for more than 5 minutes (value 0).\"")
        # HighLoad: active from 0, firing from 10m.
        w(f"      - eval_time: {t}m")
        w("        alertname: HighLoad")
        if t < 10:
            w("        exp_alerts: []")
        else:
            w("        exp_alerts:")
            for i in loaded:
                w(f"          - exp_labels: {{instance: host-{i}, job: node, severity: warning}}")
                w(f"            exp_annotations: {{summary: \"load 5 on host-{i}\"}}")
        # TeamHostsDown: active from 10m, firing from 12m.
        w(f"      - eval_time: {t}m")
        w("        alertname: TeamHostsDown")
        if t < 12 or not teams_down:
            w("        exp_alerts: []")
        else:
            w("        exp_alerts:")
            for team in teams_down:
                n = sum(1 for i in down if f"t{i % 5}" == team)
                w(f"          - exp_labels: {{team: {team}}}")
                w(f"            exp_annotations: {{summary: \"{n} hosts down in {team}\"}}")
        # LoadRecorded: the recording group runs after the alerts, so the alert sees the
        # record of the evaluation before: active from 1m, firing from 2m.
        w(f"      - eval_time: {t}m")
        w("        alertname: LoadRecorded")
        w("        exp_alerts:")
        for i in loaded:
            w(f"          - exp_labels: {{instance: host-{i}}}")

with open(path, "w") as f:
    f.write("\n".join(lines) + "\n")
PY

echo "$out/tests.yml: $groups test groups, $((groups * 20)) alert tests, $((2 * hosts)) series per group"
