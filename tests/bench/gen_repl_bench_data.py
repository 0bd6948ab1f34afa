#!/usr/bin/env python3
# Writes the repl's startup benchmark data set as OpenMetrics (for `promtool tsdb
# create-blocks-from openmetrics`): 100,000 series (200 metric families x 500 series, labels
# job, instance, shard) with 8 samples each over the 2 hours before END (unix seconds, default:
# the current hour), 800k samples in one block.
# usage: gen_repl_bench_data.py [END] > data.om
import sys, time
end = int(sys.argv[1]) if len(sys.argv) > 1 else int(time.time()) // 3600 * 3600
ts = [end - 7200 + i * 900 for i in range(8)]
out = sys.stdout
jobs = ["api", "db", "cache", "queue", "web"]
for m in range(200):
    name = f"bench_metric_{m:03d}"
    out.write(f"# TYPE {name} gauge\n")
    lines = []
    for s in range(500):
        lbls = f'job="{jobs[s % 5]}",instance="10.0.{s // 100}.{s % 100}:9100",shard="{s % 7}"'
        for i, t in enumerate(ts):
            out.write(f"{name}{{{lbls}}} {(m * 31 + s * 7 + i) % 1000} {t}\n")
out.write("# EOF\n")
