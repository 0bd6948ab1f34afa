#!/bin/sh
# Regenerates testdata/tsdb/wal_live/ (a Prometheus data directory with blocks, a WAL checkpoint,
# WAL segments, m-mapped head chunks and a WAL tombstone) and wal_live.dump (what Debian's
# promtool 2.42 `tsdb dump` prints for it). Needs Debian's prometheus, promtool and curl.
#
# Prometheus scrapes itself every 100ms, keeping a few series, with 20s blocks so that about a
# minute of running sees a head compaction, a WAL truncation and a checkpoint. It is started
# six times (each start begins a new WAL segment; a checkpoint needs at least four), stopped
# with SIGTERM three times (which flushes m-mapped chunks to chunks_head/; the fifth run, after
# the compaction, cuts chunks the head still needs) and finally killed with SIGKILL, so the
# WAL ends as a crash leaves it. Half-way through the fifth run, go_goroutines is deleted over
# the past three seconds through the admin API (a tombstones record).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/wal_live"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 100ms
  scrape_timeout: 90ms
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:$port']
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: 'go_goroutines|prometheus_tsdb_head_series'
        action: keep
EOF

run() { # seconds signal [delete]
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
    --web.listen-address="127.0.0.1:$port" --web.enable-admin-api \
    --storage.tsdb.min-block-duration=20s --storage.tsdb.max-block-duration=20s \
    >>"$work/log" 2>&1 &
  pid=$!
  if [ "${3:-}" = delete ]; then
    sleep "$1"
    now=$(date +%s)
    curl -fsS -X POST -g "http://127.0.0.1:$port/api/v1/admin/tsdb/delete_series?match[]=go_goroutines&start=$((now - 3))&end=$now"
  fi
  sleep "$1"
  kill "-$2" "$pid"
  wait "$pid" || true
}

run 7 TERM
run 7 KILL
run 7 TERM
run 7 KILL
run 12 TERM delete
run 5 KILL

rm -f "$work/data/queries.active" "$work/data/lock"
ls "$work/data/wal" | grep -q '^checkpoint\.' || { echo "no checkpoint made" >&2; exit 1; }
# promtool 2.42 may write into what it reads: dump copies.
cp -a "$work/data" "$work/copy"
promtool tsdb dump "$work/copy" >"$work/full.dump"
rm -rf "$out"
cp -a "$work/data" "$out"
# chunks_head files are preallocated (128 KiB of zeros past the chunks): keep the fixture small
# by cutting the zeros, which readers take as the end of the chunks either way.
for f in "$out"/chunks_head/*; do
  python3 -c 'import sys; p=sys.argv[1]; b=open(p,"rb").read(); open(p,"wb").write(b[:max(8,len(b.rstrip(b"\0")))])' "$f"
done
cp -a "$out" "$work/copy2"
promtool tsdb dump "$work/copy2" >"$here/wal_live.dump"
cmp "$work/full.dump" "$here/wal_live.dump"
du -sh --apparent-size "$out"
