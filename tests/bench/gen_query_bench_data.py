#!/usr/bin/env python3
# Writes the PromQL benchmark data set as OpenMetrics (for `tsdb create-blocks-from openmetrics`):
# 4,200 series over the 6 hours before END (unix seconds, default: the current hour) at 15 s,
# about 6M samples: request counters, a classic histogram, gauges, CPU counters, an info metric.
# usage: gen_query_bench_data.py [END] > data.om
import sys, time, math, random
end = int(sys.argv[1]) if len(sys.argv) > 1 else int(time.time()) // 3600 * 3600
start = end - 6 * 3600
step = 15
random.seed(1)
out = sys.stdout
insts = [f"10.0.{i//10}.{i%10}:9100" for i in range(50)]
ts = list(range(start, end, step))
def family(name, typ, series, suffix=""):
    out.write(f"# TYPE {name} {typ}\n")
    for lbls, fn in series:
        for i, t in enumerate(ts):
            out.write(f"{name}{suffix}{{{lbls}}} {fn(i)} {t}\n")
# counters: 50 inst x 4 methods x 3 codes = 600
series = []
for inst in insts:
    for m in ("GET", "POST", "PUT", "DELETE"):
        for c in ("200", "404", "500"):
            r = random.uniform(0.5, 20)
            series.append((f'instance="{inst}",job="api",method="{m}",code="{c}"', (lambda r: lambda i: round(i * r * step))(r)))
family("http_requests", "counter", [(l, f) for l, f in series], "_total")
# histogram: 50 inst x 5 routes x (11 buckets + sum + count)
bounds = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "+Inf"]
hs = []
for inst in insts:
    for route in ("/a", "/b", "/c", "/d", "/e"):
        base = random.uniform(1, 10)
        for k, le in enumerate(bounds):
            frac = (k + 1) / len(bounds)
            hs.append((f'instance="{inst}",job="api",route="{route}",le="{le}"', (lambda b, fr: lambda i: round(i * b * fr * step))(base, frac)))
out.write("# TYPE http_request_duration_seconds histogram\n")
for lbls, fn in hs:
    for i, t in enumerate(ts):
        out.write(f"http_request_duration_seconds_bucket{{{lbls}}} {fn(i)} {t}\n")
# gauges: 50 inst x 8 areas = 400 ; cpu counters 50 x 8 modes = 400
gs = []
for inst in insts:
    for a in range(8):
        ph = random.uniform(0, 6.28)
        gs.append((f'instance="{inst}",job="api",area="a{a}"', (lambda ph: lambda i: round(1e6 * (2 + math.sin(ph + i / 40.0)), 1))(ph)))
family("app_memory_bytes", "gauge", gs)
cs = []
for inst in insts:
    for mode in ("user", "system", "idle", "iowait", "irq", "softirq", "steal", "nice"):
        r = random.uniform(0.01, 1)
        cs.append((f'instance="{inst}",job="node",mode="{mode}"', (lambda r: lambda i: round(i * r * step, 2))(r)))
family("node_cpu_seconds", "counter", cs, "_total")
# info metric for joins: 50
family("app_build_info", "gauge", [(f'instance="{inst}",job="api",version="v1.{i%3}"', lambda i: 1) for i, inst in enumerate(insts)])
out.write("# EOF\n")
