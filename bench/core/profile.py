#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/core/profile.py: where one core_bench loop's guest instructions go, per function and per
# instruction, from QEMU's translation-block execution log. A tool for reading bench-core's
# figures (docs/bench.md); it prints counts and judges nothing.
"""usage: profile.py --image core_bench.kvm LOOP [--rounds N] [--annotate FUNC ...]

Runs the image twice under -icount with only LOOP (a BENCH name: mutex_handoff, condvar_pingpong,
...), with N and 2N rounds, each logging every translation block it executes (-d in_asm,exec,
nochain). The difference between the two runs is what N more rounds cost, so boot, warm-up
bookkeeping and the loop's set-up drop out; divided by the extra operations it is guest
instructions per operation, split by function (symbols from nm). --annotate prints FUNC's
instructions with how often each ran per operation."""
import argparse
import collections
import bisect
import os
import re
import subprocess
import sys
import tempfile

BENCH_RE = re.compile(r"BENCH (\w+) ops=(\d+) tsc=(\d+)")
TRACE_RE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")
INSN_RE = re.compile(r"^0x([0-9a-f]+):\s+(.*)$")


def symbols(image):
    out = subprocess.run(["nm", "-n", image], capture_output=True, text=True, check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def run(args, rounds, log):
    cmd = [args.qemu, "-M", "microvm", "-m", "64M", "-nodefaults", "-no-user-config", "-display", "none",
           "-no-reboot", "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
           "-accel", "tcg", "-cpu", "max", "-icount", "shift=0,sleep=off", "-rtc",
           "base=2000-01-01T00:00:00,clock=vm", "-seed", "1", "-d", "in_asm,exec,nochain", "-D", log,
           "-kernel", args.image, "-append", f"-- {rounds} {args.loop}"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    m = BENCH_RE.search(r.stdout)
    if not m:
        sys.exit(f"profile.py: the image printed no BENCH line:\n{r.stdout[-2000:]}")
    return int(m.group(2)), int(m.group(3))


def count(log):
    """Executions of each instruction address: every logged block execution runs every
    instruction of the block as last translated at that address."""
    blocks, pending, execs = {}, None, collections.Counter()
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                pending = []
                continue
            if pending is not None:
                m = INSN_RE.match(line)
                if m:
                    pending.append((int(m.group(1), 16), m.group(2).strip()))
                    continue
                if pending:
                    blocks[pending[0][0]] = pending
                pending = None
            m = TRACE_RE.match(line)
            if m:
                execs[int(m.group(1), 16)] += 1
    insns, text = collections.Counter(), {}
    for pc, n in execs.items():
        for addr, asm in blocks.get(pc, []):
            insns[addr] += n
            text[addr] = asm
    return insns, text


def main():
    p = argparse.ArgumentParser(usage=__doc__.split("\n")[0][7:])
    p.add_argument("--image", required=True)
    p.add_argument("loop")
    p.add_argument("--rounds", type=int, default=200)
    p.add_argument("--annotate", nargs="*", default=[])
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--timeout", type=float, default=600.0)
    args = p.parse_args()
    addrs, names = symbols(args.image)

    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for rounds in (args.rounds, 2 * args.rounds):
            log = os.path.join(tmp, f"{rounds}.log")
            ops, tsc = run(args, rounds, log)
            results.append((ops, tsc, *count(log)))
            os.unlink(log)
    (ops1, tsc1, insns1, _), (ops2, tsc2, insns2, text) = results
    # Each run also does rounds/10 + 1 unmeasured warm-up rounds, so the extra operations are
    # the measured ones' difference scaled by 1.1 (to integer rounding).
    per_round = ops2 / (2 * args.rounds)
    extra_ops = (ops2 - ops1) + per_round * ((2 * args.rounds // 10 + 1) - (args.rounds // 10 + 1))
    print(f"{args.loop}: BENCH figure {tsc1 / ops1:.1f} ({args.rounds} rounds), {tsc2 / ops2:.1f} "
          f"({2 * args.rounds} rounds); from the log, per operation:")
    by_func = collections.Counter()
    for addr in set(insns1) | set(insns2):
        i = bisect.bisect_right(addrs, addr) - 1
        by_func[names[i] if i >= 0 else "?"] += insns2[addr] - insns1[addr]
    total = 0
    for name, n in by_func.most_common():
        if abs(n) / extra_ops >= 0.05:
            print(f"  {n / extra_ops:8.2f}  {name}")
        total += n
    print(f"  {total / extra_ops:8.2f}  total")
    for func in args.annotate:
        if func not in names:
            print(f"no function {func}")
            continue
        start = addrs[names.index(func)]
        end = addrs[names.index(func) + 1] if names.index(func) + 1 < len(addrs) else 1 << 64
        print(f"\n{func}:")
        for addr in sorted(a for a in text if start <= a < end):
            print(f"  {(insns2[addr] - insns1[addr]) / extra_ops:6.2f}  {addr:x}  {text[addr]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
