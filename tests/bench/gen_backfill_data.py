#!/usr/bin/env python3
"""Writes a synthetic OpenMetrics file for timing `tsdb create-blocks-from openmetrics`, laid
out as a backfill export usually is: family by family, series by series, each series' samples
in time order. SERIES series (metric names x instances, counters and gauges), SAMPLES samples
each, 15 s apart with a few ms of jitter, starting at a fixed time, so the input spans
SAMPLES*15 s (several 2h blocks for the default 20,000 samples = 3.5 days).

usage: tests/bench/gen_backfill_data.py OUT_FILE [SERIES] [SAMPLES]
"""
import random
import sys

START_MS = 1700000000000


def main():
    out = sys.argv[1]
    series = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    samples = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    rng = random.Random(42)
    names = 50
    per_name = max(1, series // names)
    with open(out, "w") as f:
        for n in range(names):
            counter = n % 2 == 0
            fam = f"app_metric_{n}"
            f.write(f"# HELP {fam} Synthetic metric {n}.\n")
            f.write(f"# TYPE {fam} {'counter' if counter else 'gauge'}\n")
            name = fam + ("_total" if counter else "")
            for i in range(per_name):
                labels = f'{name}{{instance="host-{i:04d}:9100",job="node",zone="z{i % 3}"}}'
                v = 0.0
                t = START_MS + rng.randrange(1000)
                lines = []
                for _ in range(samples):
                    if counter:
                        v += rng.randrange(10)
                        value = f"{v:.0f}"
                    else:
                        value = f"{rng.random() * 100:.3f}"
                    lines.append(f"{labels} {value} {t // 1000}.{t % 1000:03d}\n")
                    t += 15000 + rng.randrange(-5, 6)
                f.write("".join(lines))
        f.write("# EOF\n")


if __name__ == "__main__":
    main()
