#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/apps/sqlite.py: SQLite's speedtest1 in guest instructions, Mote's image (built by
# examples/ports/sqlite through the installed SDK) beside the same source and options built
# statically for Linux in the bench/boot Linux guest; the images' sizes; the shell's smallest -m.
"""usage: sqlite.py --build-dir BUILD --source SRC [options]

Under QEMU's -icount shift=0 (bench/boot/run.py's icount_options) every guest instruction
advances the virtual clock by 1 ns, and both kernels' clocks follow it, so speedtest1's TOTAL
in seconds is guest instructions / 1e9, counted the same way for both (to its 1 ms resolution,
1e6 instructions). The database is in /tmp on both: ramfs on Mote, the initramfs on Linux.
Prints figures, never judges them: the exit status is non-zero only when the benchmark itself
cannot run. Target (issue 13): Mote at most 0.8x Linux's instructions."""
import argparse
import datetime
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import run as boot_bench  # noqa: E402  (bench/boot/run.py: QEMU options, boot(), the Linux guest)

TOTAL_RE = re.compile(rb"TOTAL\.+\s+([0-9.]+)s")
DONE = b"TOTAL"
TARGET_RATIO = 0.8
SHELL_MARKER = b"shell-ran-42"


def build_mote(build, source, work):
    """Installs BUILD's SDK and builds the port with it; returns the images' folder."""
    sdk = os.path.join(work, "sdk")
    subprocess.run(["cmake", "--install", build, "--prefix", sdk], check=True, stdout=subprocess.DEVNULL)
    dest = os.path.join(work, "sqlite")
    subprocess.run(["sh", os.path.join(source, "examples", "ports", "sqlite", "build.sh"), sdk, "kvm", dest],
                   check=True)
    return dest


def linux_initramfs(cache, ports, size):
    """A busybox initramfs whose /init runs speedtest1 built statically for Linux with the same
    compile-time options as the port, then leaves QEMU."""
    root = boot_bench.busybox_root(cache, "sqlite", ("bin", "dev", "proc", "sys", "tmp"))
    if root is None:
        return None, "linux-guest.sh failed"
    src = [d for d in os.listdir(ports) if d.startswith("sqlite3-") and os.path.isdir(os.path.join(ports, d))]
    if not src:
        return None, f"no SQLite source in {ports}"
    opts = ["-O2", "-DSQLITE_THREADSAFE=0", "-DSQLITE_OMIT_LOAD_EXTENSION", '-DSQLITE_DEFAULT_UNIX_VFS="unix-none"',
            "-DSQLITE_MAX_MMAP_SIZE=0"]
    r = subprocess.run(["gcc", *opts, "-static", "-I", os.path.join(ports, "gen"), "-o",
                        os.path.join(root, "bin", "speedtest1"),
                        os.path.join(ports, src[0], "test", "speedtest1.c"), os.path.join(ports, "gen", "sqlite3.c")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"gcc could not build speedtest1 for Linux:\n{r.stderr}"
    return boot_bench.pack_initramfs(cache, root, "sqlite", f"/bin/speedtest1 --size {size} /tmp/speed.db")


def total_instructions(b):
    m = TOTAL_RE.search(b.out)
    return round(float(m.group(1)) * 1e9) if m else None


def shell_min_memory(qemu, common, shell):
    """Smallest -m (whole MiB) with which the shell runs a query, by bisection."""
    def runs(mib):
        cmd = [qemu, "-M", "microvm", "-m", f"{mib}M", *common, "-kernel", shell, "-append",
               "-- :memory: SELECT(char(115,104,101,108,108,45,114,97,110,45))||(6*7)"]  # no spaces or quotes
        return boot_bench.boot(cmd, SHELL_MARKER, 120.0, grace=1.0).reached
    lo, hi = 1, 64
    if not runs(hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if runs(mid):
            hi = mid
        else:
            lo = mid
    return hi


def main():
    p = argparse.ArgumentParser(usage="sqlite.py --build-dir BUILD --source SRC [options]",
                                description=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--source", required=True, help="Mote's source tree")
    p.add_argument("--cache-dir", help="the Linux guest's cache (default BUILD/bench-cache)")
    p.add_argument("--size", type=int, default=10, help="speedtest1 --size (default 10)")
    p.add_argument("--ports", help="a folder examples/ports/sqlite/build.sh already filled (default: build one)")
    p.add_argument("--no-linux", action="store_true", help="Mote only")
    p.add_argument("--output", help="also write the report to this file")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    args = p.parse_args()

    build = os.path.abspath(args.build_dir)
    cache = os.path.abspath(args.cache_dir or os.path.join(build, "bench-cache"))
    work = os.path.join(build, "bench-apps-sqlite")
    qv = boot_bench.qemu_version(args.qemu)
    if qv is None:
        print(f"sqlite.py: needs {args.qemu}", file=sys.stderr)
        return 1
    ports = os.path.abspath(args.ports) if args.ports else build_mote(build, os.path.abspath(args.source), work)
    common = boot_bench.accel_options("tcg") + boot_bench.QEMU_COMMON
    icount = boot_bench.icount_options(0)
    notes = []

    print(f"Mote: speedtest1 --size {args.size} on microvm, -icount shift=0", flush=True)
    cmd = [args.qemu, "-M", "microvm", "-m", "256M", *common, *icount, "-kernel",
           os.path.join(ports, "speedtest1"), "-append", f"-- --size {args.size} /tmp/speed.db"]
    mb = boot_bench.boot(cmd, DONE, 3600.0, grace=30.0)
    mote = total_instructions(mb)
    if mote is None:
        print("sqlite.py: Mote's speedtest1 did not finish:\n" + mb.console_tail(), file=sys.stderr)
        return 1

    linux = None
    if not args.no_linux:
        print(f"Linux: assembling the guest in {cache}", flush=True)
        paths, err = linux_initramfs(cache, ports, args.size)
        if err:
            notes.append(f"Linux guest not run: {err}")
        else:
            print("Linux: speedtest1 on microvm, -icount shift=0 (boots the kernel first)", flush=True)
            cmd = [args.qemu, "-M", "microvm,acpi=off", "-m", "256M", *common, *icount, "-kernel", paths[0],
                   "-initrd", paths[1], "-append", "console=ttyS0 quiet panic=-1"]
            lb = boot_bench.boot(cmd, DONE, 3600.0, grace=30.0)
            linux = total_instructions(lb)
            if linux is None:
                notes.append("Linux's speedtest1 did not finish:\n" + lb.console_tail())

    print("Mote: the shell's smallest -m", flush=True)
    floor = shell_min_memory(args.qemu, common, os.path.join(ports, "sqlite3"))
    ratio = f"{mote / linux:.3f}" if linux else "-"
    verdict = ("met" if mote / linux <= TARGET_RATIO else "NOT met") if linux else "-"
    rows = [["speedtest1 TOTAL, guest instructions", f"{mote:,}", f"{linux:,}" if linux else "-", ratio,
             f"<= {TARGET_RATIO}: {verdict}"]]
    sizes = [[name, f"{os.path.getsize(os.path.join(ports, name)):,} bytes"] for name in ("sqlite3", "speedtest1")]
    lines = [f"bench/apps/sqlite, {datetime.datetime.now():%Y-%m-%d %H:%M}, QEMU {qv} TCG -icount shift=0, "
             f"-M microvm, speedtest1 --size {args.size}, database in /tmp",
             "",
             boot_bench.table(rows, ["figure", "Mote", "Linux guest", "Mote/Linux", "target"]),
             "",
             boot_bench.table(sizes, ["image", "file size"]),
             "",
             f"smallest -m the sqlite3 shell runs a query with (microvm, whole MiB): "
             f"{floor if floor else 'not found (not even 64)'} MiB",
             ""]
    lines += notes
    text = "\n".join(lines)
    boot_bench.emit(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
