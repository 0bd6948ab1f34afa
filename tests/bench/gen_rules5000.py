#!/usr/bin/env python3
"""Writes the rule file of BENCHMARKS.md's `check rules` comparison to stdout: 100 groups of 50
rules, alternately a recording rule (a ratio of two rate sums) and an alert (histogram_quantile,
`for`, labels and a templated annotation).

    tests/bench/gen_rules5000.py > /tmp/rules5000.yml
"""
import sys


def main():
    out = ["groups:"]
    for g in range(100):
        out.append(f"  - name: group_{g}")
        out.append("    rules:")
        for r in range(50):
            if r % 2 == 0:
                out.append(f"      - record: job:metric_{g}_{r}:rate5m")
                out.append(
                    "        expr: sum by (job, instance) (rate(http_requests_total"
                    f'{{job="j{g}",code=~"5.."}}[5m])) / sum by (job, instance) '
                    f'(rate(http_requests_total{{job="j{g}"}}[5m]))')
                out.append("        labels:")
                out.append(f"          team: t{r}")
            else:
                out.append(f"      - alert: Alert_{g}_{r}")
                out.append(
                    "        expr: histogram_quantile(0.99, sum by (le, job) "
                    f'(rate(req_duration_seconds_bucket{{job="j{g}"}}[5m]))) > 0.5')
                out.append("        for: 10m")
                out.append("        labels:")
                out.append("          severity: page")
                out.append("        annotations:")
                out.append('          summary: "{{ $labels.job }} is slow: '
                           '{{ $value | humanizeDuration }}"')
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
