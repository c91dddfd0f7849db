#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/core/run.py: the preemptive core's costs (thread create+join, yield, mutex handoff,
# condvar ping-pong) in guest instructions per operation, Mote beside a Linux guest, in one run.
# Both run bench/core/core_bench.c unchanged: as a Mote image, and as a static Linux binary in
# the bench/boot Linux guest. Prints figures, never judges them: the exit status is non-zero only
# when the benchmark itself cannot run.
"""usage: run.py --build-dir BUILD --image core_bench.kvm --source core_bench.c [options]

Under QEMU's -icount shift=0 every guest instruction advances the TSC by one, so the TSC ticks
core_bench reads around each loop are guest instructions, the same way for both kernels, and
identical run to run. Each figure is ticks / operations: instructions per create+join pair, per
switch of the yield ping-pong, per mutex handoff, per condvar pass, per uncontended lock+unlock.
docs/bench.md says how to read them."""
import argparse
import datetime
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import run as boot_bench  # noqa: E402  (bench/boot/run.py: QEMU options, boot(), the Linux guest)
import mote_accel  # noqa: E402  (tools/mote_accel.py, on the path bench/boot/run.py set)

BENCH_RE = re.compile(rb"BENCH (\w+) ops=(\d+) tsc=(\d+)")
DONE = b"core_bench: done"

# What each figure is compared with the target on (the issue's: at most 1/5 of Linux's).
OPS = [("create_join", "thread create + join", True),
       ("yield_switch", "yield ping-pong, per switch", True),
       ("mutex_handoff", "mutex handoff, per handoff", True),
       ("condvar_pingpong", "condvar ping-pong, per pass", True),
       ("mutex_uncontended", "mutex lock+unlock, uncontended", False)]
TARGET_RATIO = 0.2


def linux_initramfs(cache, source, rounds):
    """A busybox initramfs whose /init runs the Linux build of core_bench and leaves QEMU."""
    root = boot_bench.busybox_root(cache, "core")
    if root is None:
        return None, "linux-guest.sh failed"
    r = subprocess.run(["gcc", "-O2", "-static", "-pthread", "-o", os.path.join(root, "bin", "core_bench"),
                        source], capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"gcc could not build core_bench for Linux:\n{r.stderr}"
    return boot_bench.pack_initramfs(cache, root, "core", f"/bin/core_bench {rounds}")


def run_guest(cmd, timeout):
    b = boot_bench.boot(cmd, DONE, timeout, grace=30.0)
    figures = {}
    for name, ops, ticks in BENCH_RE.findall(b.out):
        figures[name.decode()] = (int(ticks) / max(int(ops), 1), int(ops))
    return b, figures


def main():
    p = argparse.ArgumentParser(usage="run.py --build-dir BUILD --image IMAGE --source C [options]",
                                description=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--image", required=True, help="core_bench.kvm")
    p.add_argument("--source", required=True, help="bench/core/core_bench.c, built for Linux")
    p.add_argument("--cache-dir", help="the Linux guest's cache (default BUILD/bench-cache, shared with bench-boot)")
    p.add_argument("--rounds", type=int, default=2000, help="iterations of each loop (default 2000)")
    p.add_argument("--machine", default="microvm", choices=["microvm", "pc"])
    p.add_argument("--no-linux", action="store_true", help="Mote only")
    p.add_argument("--output", help="also write the report to this file")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--accel", choices=mote_accel.CHOICES,
                   help="default $MOTE_ACCEL, else auto; both mean TCG here (-icount), and kvm is refused")
    args = p.parse_args()
    try:
        args.accel = mote_accel.requested(args.accel)
    except mote_accel.AccelError as e:
        p.error(str(e))

    cache = os.path.abspath(args.cache_dir or os.path.join(args.build_dir, "bench-cache"))
    qv = boot_bench.qemu_version(args.qemu)
    if qv is None or not os.path.isfile(args.image):
        print(f"run.py: needs {args.qemu} and the image {args.image}", file=sys.stderr)
        return 1
    icount = boot_bench.icount_options(0)
    # Every figure is counted by -icount, which only TCG has: both guests run under TCG whatever
    # --accel or $MOTE_ACCEL say (tools/mote_accel.py's choice is taken with that reason).
    choice = mote_accel.choose(args.accel, args.qemu, tcg_only="-icount counts instructions under TCG only")
    common = boot_bench.accel_options(choice.accel) + boot_bench.QEMU_COMMON
    notes = []
    if choice.accel != "tcg":
        print("run.py: -icount needs TCG: run bench/core with --accel auto or tcg", file=sys.stderr)
        return 1
    print(f"accelerator: {choice.accel.upper()} ({choice.why}), for Mote and Linux alike", flush=True)

    print(f"Mote: {os.path.basename(args.image)} on {args.machine}, -icount shift=0", flush=True)
    mote_cmd = [args.qemu, "-M", args.machine, "-m", "64M", *common, *icount, "-kernel", args.image,
                "-append", f"-- {args.rounds}"]
    b, mote = run_guest(mote_cmd, 600.0)
    if not b.reached:
        print("run.py: Mote's core_bench did not finish:\n" + b.console_tail(), file=sys.stderr)
        return 1

    linux = {}
    if not args.no_linux:
        print(f"Linux: assembling the guest in {cache}", flush=True)
        paths, err = linux_initramfs(cache, os.path.abspath(args.source), args.rounds)
        if err:
            notes.append(f"Linux guest not run: {err}")
        else:
            machine = "microvm,acpi=off" if args.machine == "microvm" else "pc"
            print(f"Linux: core_bench on {machine}, -icount shift=0 (boots the kernel first)", flush=True)
            cmd = [args.qemu, "-M", machine, "-m", "256M", *common, *icount, "-kernel", paths[0],
                   "-initrd", paths[1], "-append", "console=ttyS0 quiet panic=-1"]
            lb, linux = run_guest(cmd, 1800.0)
            if not lb.reached:
                notes.append("Linux's core_bench did not finish:\n" + lb.console_tail())

    rows = []
    for key, label, targeted in OPS:
        (m, mops), (lx, lops) = mote.get(key, (None, 0)), linux.get(key, (None, 0))
        ratio = f"{m / lx:.3f}" if m is not None and lx else "-"
        verdict = "-"
        if targeted and m is not None and lx:
            verdict = "met" if m / lx <= TARGET_RATIO else "NOT met"
            if lops * 2 < mops:  # the other kernel hardly switched: its figure is not a switch's cost
                verdict, ratio = "not comparable", "-"
        rows.append([label, f"{m:,.0f}" if m is not None else "missing", f"{mops:,}",
                     f"{lx:,.0f}" if lx is not None else "-", f"{lops:,}" if lx is not None else "-", ratio,
                     f"<= {TARGET_RATIO}: {verdict}" if targeted else "(no target)"])
    lines = [f"bench/core, {datetime.datetime.now():%Y-%m-%d %H:%M}, QEMU {qv} TCG -icount shift=0, "
             f"-M {args.machine}, {args.rounds} rounds per loop, guest instructions per operation",
             "",
             boot_bench.table(rows, ["operation", "Mote", "ops", "Linux guest", "ops", "Mote/Linux", "target"]),
             "",
             "ops: operations counted in the measured loop. For the yield ping-pong these are the switches",
             "each side saw: a yield that lets the caller go on is not a switch, and Linux's CFS mostly",
             "does that, switching at its tick instead, so its per-switch figure includes whole slices.",
             ""]
    lines += notes
    text = "\n".join(lines)
    boot_bench.emit(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
