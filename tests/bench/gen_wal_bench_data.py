#!/usr/bin/env python3
"""Writes a synthetic Prometheus data directory whose data is all in the WAL, for timing
`tsdb dump` over a head replay: SERIES series (50 metric names x hosts), SAMPLES samples each,
15 s apart, as Prometheus lays out a scrape: one series record, then one samples record per
scrape, split into fragments over 32 KiB pages, 128 MiB segments. Records are not compressed
(Python has no snappy in the standard library).

usage: tests/bench/gen_wal_bench_data.py OUT_DIR [SERIES] [SAMPLES]
"""
import os
import struct
import sys

PAGE = 32 * 1024
SEGMENT = 128 * 1024 * 1024


def crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def uvarint(x):
    out = bytearray()
    while x >= 0x80:
        out.append((x & 0x7F) | 0x80)
        x >>= 7
    out.append(x)
    return bytes(out)


def varint(x):
    return uvarint((x << 1) if x >= 0 else ((~x) << 1) | 1)


class Wal:
    def __init__(self, dir):
        self.dir = dir
        self.index = 0
        self.buf = bytearray()
        os.makedirs(dir, exist_ok=True)

    def add(self, rec):
        left_in_segment = SEGMENT - len(self.buf)
        if len(rec) + (len(rec) // PAGE + 2) * 7 > left_in_segment:
            self.flush()
            self.index += 1
        first = True
        while first or rec:
            used = len(self.buf) % PAGE
            if used and PAGE - used < 7:
                self.buf += bytes(PAGE - used)
                used = 0
            n = min(len(rec), PAGE - used - 7)
            part, rec = rec[:n], rec[n:]
            kind = (1 if not rec else 2) if first else (4 if not rec else 3)
            self.buf += struct.pack(">BHI", kind, len(part), crc32c(part)) + part
            first = False

    def flush(self):
        with open(os.path.join(self.dir, "%08d" % self.index), "wb") as f:
            f.write(self.buf)
        self.buf = bytearray()


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    s = int(sys.argv[3]) if len(sys.argv) > 3 else 1500
    wal = Wal(os.path.join(out, "wal"))
    rec = bytearray(b"\x01")
    for i in range(n):
        labels = [(b"__name__", b"metric_%d" % (i % 50)), (b"instance", b"host-%d" % (i // 50)),
                  (b"job", b"bench")]
        rec += struct.pack(">Q", i + 1) + uvarint(len(labels))
        for name, value in labels:
            rec += uvarint(len(name)) + name + uvarint(len(value)) + value
    wal.add(bytes(rec))
    t0 = 1700000000000
    for k in range(s):
        rec = bytearray(b"\x02") + struct.pack(">Qq", 1, t0 + k * 15000)
        for i in range(n):
            rec += varint(i) + varint(i % 7) + struct.pack(">d", ((k * 31 + i) % 1000) / 4)
        wal.add(bytes(rec))
    wal.flush()


if __name__ == "__main__":
    main()
