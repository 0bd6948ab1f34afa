#!/bin/sh
# Regenerates the length-delimited .pb files from the .textproto files (needs protoc, python3).
set -e
cd "$(dirname "$0")"
proto=../../../lib/textparse/metrics.proto
for t in *.textproto; do
  out="${t%.textproto}.pb"
  : > "$out"
  python3 - "$t" "$out" "$proto" <<'PY'
import subprocess, sys, os
src, out, proto = sys.argv[1:]
text = open(src).read()
docs = [d for d in text.split("\n---\n")]
with open(out, "wb") as f:
    for d in docs:
        body = "\n".join(l for l in d.splitlines() if not l.startswith("#"))
        enc = subprocess.run(["protoc", "--encode=io.prometheus.client.MetricFamily",
                              "-I", os.path.dirname(proto), "-I", "/usr/include",
                              os.path.basename(proto)],
                             input=body.encode(), capture_output=True, check=True).stdout
        n = len(enc); v = bytearray()
        while n >= 0x80:
            v.append((n & 0x7f) | 0x80); n >>= 7
        v.append(n)
        f.write(bytes(v) + enc)
PY
done
