#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/xen/boot.py: how fast hello.xen starts as a domU that xl creates, in tier 2 (Xen 4.17, a
# Linux dom0 and xl, all under QEMU): bench-boot's Xen domU row. Prints figures, never judges them.
"""usage: boot.py --image hello.xen [--rounds N] [--no-icount] [--output FILE]

One tier-2 boot (tools/xen-tier2) under -icount shift=0,sleep=off, so every clock in it (Xen's,
dom0's with clocksource=xen, the guests' TSC) counts virtual ns (1 instruction = 1 ns) and idle time
costs nothing. dom0 starts hello.xen N times from its generated hello.xl.cfg with the command line
`mote.boottime -- ` and reads, per round:
  create -> line   dom0's clock from just before `xl create` to the first time "Hello from Mote!"
                   is in the guest's console log (xenconsoled's file, looked at every 1 ms)
  xl create        how long `xl create -q` itself took (it returns once the domain runs)
  entry -> main    the guest's own `mote: boot: entry at tsc X, main at tsc Y` line, Y - X
dom0's kernel keeps time by the `xen` clocksource here: under TCG it calibrates its TSC wrongly and
its own clock runs several times slow (docs/bench.md, bench-xen)."""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TIER2 = os.path.join(HERE, "..", "..", "tools", "xen-tier2")

# dom0's steps (tools/xen_tier2_net.py runs them after its own set-up; `finish` is xen-tier2's).
# $EPOCHREALTIME is read without a fork, so reading the clock costs the guest no CPU time, and
# `seen` reads the log with the shell's own `read`. "%" is not in the guest's lines.
DOM0_SCRIPT = r"""
echo xen > /sys/devices/system/clocksource/clocksource0/current_clocksource ||
  echo "bench-xenboot: FAIL clocksource xen"
echo "bench-xenboot: dom0 clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
seen() {
  [ -f "$1" ] || return 1
  while IFS= read -r l; do case "$l" in *"$2"*) return 0;; esac; done < "$1"
  return 1
}
r=1
while [ $r -le $ROUNDS ]; do
  n=xboot$r
  t0=$EPOCHREALTIME
  xl create -q /guests/$CFG.xl.cfg "name=\"$n\"" 'cmdline="mote.boottime -- "' ||
    echo "bench-xenboot: xl create $n reported a failure"
  t1=$EPOCHREALTIME
  i=0
  until seen /var/log/xen/console/guest-$n.log "$MARKER" || [ $i -ge 20000 ]; do usleep 1000; i=$((i+1)); done
  t2=$EPOCHREALTIME
  echo "bench-xenboot: round $r create $t0 created $t1 seen $t2"
  finish $n 60
  r=$((r+1))
done
echo "bench-xenboot: done"
"""

ROUND_RE = re.compile(r"^bench-xenboot: round (\d+) create ([0-9.]+) created ([0-9.]+) seen ([0-9.]+)$", re.M)
BOOT_RE = re.compile(r"mote: boot: entry at tsc (\d+), main at tsc (\d+)")


def parse(log):
    """Per round: (create->line ms, xl create ms, entry->main ticks or None); and the notes."""
    rounds, notes = [], []
    for m in ROUND_RE.finditer(log):
        r, t0, t1, t2 = m.group(1), float(m.group(2)), float(m.group(3)), float(m.group(4))
        con = re.search(rf"tier2: console of xboot{r}\n(.*?)tier2: end of xboot{r}\n", log[m.end():], re.S)
        boot = BOOT_RE.search(con.group(1)) if con else None
        if not con or "Hello from Mote!" not in con.group(1):
            notes.append(f"round {r}: the guest's console has no \"Hello from Mote!\" (see the log)")
            continue
        rounds.append(((t2 - t0) * 1e3, (t1 - t0) * 1e3,
                       int(boot.group(2)) - int(boot.group(1)) if boot else None))
    for line in re.findall(r"^bench-xenboot: (?:FAIL|xl create).*$", log, re.M):
        notes.append(line)
    m = re.search(r"^bench-xenboot: dom0 clocksource (\S*)", log, re.M)
    notes.append(f"dom0 clocksource: {m.group(1) if m else '?'}")
    return rounds, notes


LINE_LABEL = 'xl create -> "Hello from Mote!" (ms)'


def med(values, fmt):
    return f"{fmt(statistics.median(values))} [{fmt(min(values))}-{fmt(max(values))}]" if values else "-"


def report(rounds, notes, icount):
    unit = "virtual" if icount else "host (TCG, no icount)"
    lines = [f"bench-xen-boot: hello.xen as an xl-created PV domU (64 MiB) in tier 2, {len(rounds)} rounds, "
             f"{unit} time; median [min-max]",
             f"{'figure':<40}  {'median [min-max]':<28}",
             f"{'-' * 40}  {'-' * 28}",
             f"{LINE_LABEL:<40}  {med([r[0] for r in rounds], lambda v: f'{v:.1f}')}",
             f"{'xl create -q itself (ms)':<40}  {med([r[1] for r in rounds], lambda v: f'{v:.1f}')}",
             f"{'entry -> main (guest TSC)':<40}  "
             f"{med([r[2] for r in rounds if r[2] is not None], lambda v: f'{v:,.0f}')}"]
    lines += [f"round {i + 1}: {a:.1f} ms, xl create {b:.1f} ms, entry -> main {c if c is None else f'{c:,}'}"
              for i, (a, b, c) in enumerate(rounds)]
    lines += [f"note: {n}" for n in notes]
    return "\n".join(lines)


def measure(image, rounds, log, cache=None, icount=True, timeout=1800):
    """One tier-2 boot with `rounds` xl creates of `image`; the serial log's text, or None (with a
    message) when the image or tier 2's packages are missing. bench/boot/run.py calls it too."""
    image = os.path.abspath(image)
    build = image
    while build != "/" and not os.path.isdir(os.path.join(build, "xen-cache")):
        build = os.path.dirname(build)
    cache = os.path.abspath(cache or os.path.join(build, "xen-cache", "tier2"))
    if not os.path.isfile(os.path.join(cache, "fetched")) or not os.path.isfile(image):
        print(f"bench-xen-boot: needs {image} and tier-2 packages in {cache} (run xen.domU once)", file=sys.stderr)
        return None
    cfg = os.path.basename(image).rsplit(".", 1)[0]
    with tempfile.TemporaryDirectory() as work:
        script = os.path.join(work, "dom0.sh")
        with open(script, "w") as f:
            f.write(DOM0_SCRIPT)
        cmd = [sys.executable, TIER2, "--cache", cache, "--log", log, "--timeout", str(timeout),
               "--net-script", script, "--net-guest", image, "--net-var", f"ROUNDS={rounds}",
               "--net-var", f"CFG={cfg}", "--net-var", "MARKER=Hello from Mote!"]
        if icount:
            cmd.append("--icount")
        subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    with open(log, errors="replace") as f:
        return f.read()


def main():
    p = argparse.ArgumentParser(usage=__doc__.split("\n\n")[0][len("usage: "):],
                                description=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image", required=True, help="hello.xen of a PLATFORM=xen tree (hello.xl.cfg beside it)")
    p.add_argument("--cache", help="tools/xen-tier2's cache (default: xen-cache/tier2 of the image's build tree)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--no-icount", action="store_true", help="plain TCG: figures in host time")
    p.add_argument("--timeout", type=float, default=1800, help="seconds for the whole QEMU run")
    p.add_argument("--log", help="the serial log (default: bench-xen-boot.log beside the image)")
    p.add_argument("--output", help="also write the report to this file")
    p.add_argument("--reparse", metavar="LOG", help="no boot: the report of an earlier run's serial log")
    a = p.parse_args()
    image = os.path.abspath(a.image)
    if a.reparse:
        with open(a.reparse, errors="replace") as f:
            rounds, notes = parse(f.read())
        print(report(rounds, notes, not a.no_icount))
        return 0 if rounds else 1
    log = os.path.abspath(a.log or os.path.join(os.path.dirname(image), "bench-xen-boot.log"))
    print(f"bench-xen-boot: one tier-2 boot, {a.rounds} rounds; serial log in {log}", flush=True)
    text = measure(image, a.rounds, log, cache=a.cache, icount=not a.no_icount, timeout=a.timeout)
    if text is None:
        return 1
    rounds, notes = parse(text)
    text = report(rounds, notes, not a.no_icount)
    print(text)
    if a.output:
        with open(a.output, "w") as f:
            f.write(text + "\n")
    return 0 if rounds else 1


if __name__ == "__main__":
    sys.exit(main())
