#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/apps/redis.py: redis-benchmark (Debian's redis-tools) GET and SET, 50 clients, pipelining 1
# and 16, against Mote's redis-server image and Debian's redis-server in the bench Linux guest
# (linux-redis-guest.sh), same QEMU options. Prints requests/s, p50 and p99, the image's size,
# whether it serves with -m 16M, and the ratio to Linux beside the 1.75x target: figures, no check.
import argparse
import csv
import io
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import run as boot_bench  # noqa: E402  (bench/boot/run.py: the common QEMU options)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from console_process import ConsoleProcess  # noqa: E402
import mote_accel  # noqa: E402

TARGET = 1.75  # Mote's requests/s over Linux's (Unikraft's published GET ratio on KVM: 1.74x)
SERVER_ARGS = ["--save", "", "--appendonly", "no", "--protected-mode", "no"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu(args, memory, port, kernel, initrd, append):
    cmd = [args.qemu, "-M", args.machine, *mote_accel.qemu_options(args.accel), "-m", memory,
           *boot_bench.QEMU_COMMON, "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:6379",
           "-device", "virtio-net-pci,netdev=n0", "-kernel", kernel]
    if initrd:
        cmd += ["-initrd", initrd]
    return ConsoleProcess(cmd + ["-append", append], own_group=True)


def ping(port):
    r = subprocess.run(["redis-cli", "-p", str(port), "PING"], capture_output=True, text=True, timeout=30)
    return r.stdout.strip() == "PONG"


def bench(port, test, pipeline, requests):
    """redis-benchmark's CSV row for one test: rps, p50 and p99 in ms."""
    r = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", "50", "-P", str(pipeline),
                        "-n", str(requests), "-t", test, "--csv"], capture_output=True, text=True, timeout=1800)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    if not rows:
        return None
    return float(rows[0]["rps"]), float(rows[0]["p50_latency_ms"]), float(rows[0]["p99_latency_ms"])


def measure(name, guest, port, args, results):
    if not guest.wait_for(args.ready[name], 300):
        print(f"{name}: did not start:\n{guest.tail()}")
        return False
    for test in ("get", "set"):
        for pipeline in (1, 16):
            got = bench(port, test, pipeline, args.requests * pipeline)
            results[(name, test, pipeline)] = got
            print(f"{name} {test.upper()} -P {pipeline}: " +
                  (f"{got[0]:.0f} requests/s, p50 {got[1]:.3f} ms, p99 {got[2]:.3f} ms" if got else "no figures"),
                  flush=True)
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--image", required=True, help="Mote's redis-server image (examples/ports/redis)")
    p.add_argument("--cache-dir", required=True, help="the Linux guest's cache (bench-net's)")
    p.add_argument("--machine", default="q35")
    p.add_argument("--memory", default="256M")
    p.add_argument("--requests", type=int, default=20000, help="per run at -P 1 (x16 at -P 16)")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--accel", default=os.environ.get("MOTE_ACCEL", "auto"))
    p.add_argument("--no-linux", action="store_true")
    args = p.parse_args()
    args.accel = mote_accel.choose(mote_accel.requested(args.accel), args.qemu).accel
    print(f"accelerator: {args.accel}")
    args.ready = {"Mote": "Ready to accept connections", "Linux": "LINUX-REDIS: ready"}
    results = {}

    size = os.path.getsize(args.image)
    loaded = subprocess.run(["size", args.image], capture_output=True, text=True).stdout.splitlines()[-1].split()
    print(f"Mote redis-server image: {size} bytes ({size / 1048576:.2f} MiB) file; "
          f"text {int(loaded[0])}, data {int(loaded[1])}, bss {int(loaded[2])} bytes (target: under 2 MiB)")

    # The smallest memory named by the target: does it start and answer?
    port = free_port()
    g = qemu(args, "16M", port, args.image, None, "-- " + " ".join(a or "''" for a in SERVER_ARGS))
    ok16 = g.wait_for(args.ready["Mote"], 300) and ping(port)
    g.stop()
    print(f"Mote with -m 16M: {'serves (PING answered)' if ok16 else 'does not serve'}", flush=True)

    port = free_port()
    g = qemu(args, args.memory, port, args.image, None, "-- " + " ".join(a or "''" for a in SERVER_ARGS))
    try:
        measure("Mote", g, port, args, results)
    finally:
        g.stop()

    if not args.no_linux:
        r = subprocess.run(["sh", os.path.join(HERE, "linux-redis-guest.sh"), args.cache_dir],
                           stdout=subprocess.PIPE, text=True)
        paths = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
        if r.returncode != 0 or "initramfs" not in paths:
            print("Linux guest not run: linux-redis-guest.sh failed")
        else:
            port = free_port()
            g = qemu(args, args.memory, port, paths["vmlinuz"], paths["initramfs"], "console=ttyS0 quiet")
            try:
                measure("Linux", g, port, args, results)
            finally:
                g.stop()

    print("\n| test | Mote req/s | p50 ms | p99 ms | Linux req/s | p50 ms | p99 ms | Mote/Linux |")
    print("|---|---|---|---|---|---|---|---|")
    for test in ("get", "set"):
        for pipeline in (1, 16):
            m, lx = results.get(("Mote", test, pipeline)), results.get(("Linux", test, pipeline))
            ratio = f"{m[0] / lx[0]:.2f}x (target {TARGET}x)" if m and lx else "-"
            fm = f"{m[0]:.0f} | {m[1]:.3f} | {m[2]:.3f}" if m else "- | - | -"
            fl = f"{lx[0]:.0f} | {lx[1]:.3f} | {lx[2]:.3f}" if lx else "- | - | -"
            print(f"| {test.upper()} -P {pipeline} | {fm} | {fl} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
