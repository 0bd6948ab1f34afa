#!/usr/bin/env python3
# Times `promkit repl DIR` on a pseudo-terminal: from exec to the first prompt, then a Tab
# completion of a metric name (PREFIX, until EXPECT shows), of a label value and the first
# query. Prints milliseconds.
# usage: repl_startup.py PROMKIT DIR PREFIX EXPECT [RUNS]
#   e.g. repl_startup.py build/promkit /tmp/bench bench_m etric_ 5
import os, pty, select, sys, termios, time

def run(binary, db, prefix, expect):
    env = dict(os.environ, HOME=os.environ.get("TMPDIR", "/tmp"), TERM="xterm", NO_COLOR="1")
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "repl", db], env)
    buf = b""

    def wait(needle, start):
        nonlocal buf
        while needle not in buf[start:]:
            r, _, _ = select.select([fd], [], [], 30)
            if not r:
                raise SystemExit(f"timeout waiting for {needle!r}: {buf[-300:]!r}")
            buf += os.read(fd, 65536)
        return time.monotonic()

    def raw():
        # libedit prints the prompt, then puts the terminal in raw mode: keys sent before
        # that would go through the line discipline.
        while termios.tcgetattr(fd)[3] & termios.ICANON:
            time.sleep(0.0005)
        return time.monotonic()

    wait(b"promql> ", 0)
    t_prompt = raw()
    # A Tab on "bench_m" extends it to the longest common prefix of the 200 metric names.
    mark = len(buf)
    t1 = time.monotonic()
    os.write(fd, prefix.encode() + b"\t")
    t_metric = wait(expect.encode(), mark)
    os.write(fd, b"001")
    mark = len(buf)
    t2 = time.monotonic()
    os.write(fd, b'{job="ca\t')
    wait(b'che"', mark)
    t_value = time.monotonic()
    mark = len(buf)
    t3 = time.monotonic()
    os.write(fd, b"}\n")
    wait(b"promql> ", mark)
    t_query = raw()
    os.write(fd, b"\x04")
    os.waitpid(pid, 0)
    return ((t_prompt - t0) * 1e3, (t_metric - t1) * 1e3, (t_value - t2) * 1e3,
            (t_query - t3) * 1e3)

def main():
    binary, db, prefix, expect = sys.argv[1:5]
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 5
    rows = [run(binary, db, prefix, expect) for _ in range(runs)]
    names = ["first prompt", "metric completion", "label value completion", "first query"]
    for i, n in enumerate(names):
        vals = sorted(r[i] for r in rows)
        print(f"{n:24s} median {vals[len(vals) // 2]:8.1f} ms  min {vals[0]:8.1f}  max {vals[-1]:8.1f}")

main()
