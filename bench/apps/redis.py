#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/apps/redis.py: redis-benchmark (Debian's redis-tools) GET and SET, 50 clients, pipelining 1
# and 16, against Mote's redis-server image and Debian's redis-server in the bench Linux guest
# (linux-redis-guest.sh), same QEMU options. Prints requests/s, p50 and p99, the image's size,
# whether it serves with -m 16M, and the ratio to Linux beside the 1.75x target: figures, no check.
# The guests are reached through a tap device in a private network namespace (--net tap, the
# default), not QEMU user networking: slirp's host-side listener has a backlog of 1, so 50 clients
# connecting at once get in two at a time over minutes, whatever the guest (--net user keeps it).
import argparse
import csv
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

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


TAP_HOST, TAP_GUEST = "10.0.2.2", "10.0.2.15"  # the tap's end and the guest, in our own namespace


def enter_private_netns(script, extra=()):
    """Run `script` (this one, or redis_profile.py) again inside a new network namespace, with
    --in-netns and `extra` after its own arguments (as root: `unshare --net`; as another user: with
    a user namespace that maps it to root, where the kernel allows one)."""
    unshare = shutil.which("unshare")
    if not unshare:
        sys.exit(f"{os.path.basename(script)}: unshare (util-linux) is needed for a tap in a namespace")
    cmd = [unshare, "--net"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    os.execv(unshare, cmd + ["--", sys.executable, os.path.abspath(script), "--in-netns", *sys.argv[1:], *extra])


def prepare_linux_guest(cache_dir):
    """linux-redis-guest.sh's KEY=path lines (vmlinuz, initramfs), or None when it failed."""
    r = subprocess.run(["sh", os.path.join(HERE, "linux-redis-guest.sh"), cache_dir],
                       stdout=subprocess.PIPE, text=True)
    guest = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    return guest if r.returncode == 0 and "initramfs" in guest else None


def make_tap():
    """tap0 at 10.0.2.2/24 in this namespace, which holds nothing else but lo."""
    for cmd in (["ip", "link", "set", "lo", "up"], ["ip", "tuntap", "add", "tap0", "mode", "tap"],
                ["ip", "addr", "add", f"{TAP_HOST}/24", "dev", "tap0"], ["ip", "link", "set", "tap0", "up"]):
        subprocess.run(cmd, check=True)


class Target:
    """Where redis-benchmark reaches a guest: the guest's own address on the tap, or a loopback
    port QEMU user networking forwards to the guest's 6379."""

    def __init__(self, net):
        self.net = net
        self.host, self.port = (TAP_GUEST, 6379) if net == "tap" else ("127.0.0.1", free_port())

    def netdev(self):
        if self.net == "tap":
            # vnet_hdr=off: the device offers what it offers on user networking (no offloads).
            return "tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=off"
        return f"user,id=n0,hostfwd=tcp:127.0.0.1:{self.port}-:6379"

    def mote_net_args(self):
        return [f"net.ip={TAP_GUEST}/24"] if self.net == "tap" else []


def qemu(args, memory, target, kernel, initrd, append):
    cmd = [args.qemu, "-M", args.machine, *mote_accel.qemu_options(args.accel), "-m", memory,
           *boot_bench.QEMU_COMMON, "-netdev", target.netdev(),
           "-device", "virtio-net-pci,netdev=n0", "-kernel", kernel]
    if initrd:
        cmd += ["-initrd", initrd]
    return ConsoleProcess(cmd + ["-append", append], own_group=True)


def mote_append(target, extra=()):
    return " ".join([*target.mote_net_args(), *extra, "--", *(a or "''" for a in SERVER_ARGS)])


def ping(target):
    for _ in range(30):
        r = subprocess.run(["redis-cli", "-h", target.host, "-p", str(target.port), "PING"], capture_output=True,
                           text=True, timeout=30)
        if r.stdout.strip() == "PONG":
            return True
        time.sleep(1)
    return False


def bench(target, test, pipeline, requests):
    """redis-benchmark's CSV row for one test: rps, p50 and p99 in ms."""
    r = subprocess.run(["redis-benchmark", "-h", target.host, "-p", str(target.port), "-c", "50", "-P", str(pipeline),
                        "-n", str(requests), "-t", test, "--csv"], capture_output=True, text=True, timeout=600)
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    if not rows:
        return None
    return float(rows[0]["rps"]), float(rows[0]["p50_latency_ms"]), float(rows[0]["p99_latency_ms"])


def measure(name, guest, target, args, results, rnd):
    if not guest.wait_for(args.ready[name], 300):
        print(f"{name}: did not start:\n{guest.tail()}")
        return False
    if not ping(target):
        print(f"{name}: no PONG")
        return False
    for test in ("get", "set"):
        for pipeline in (1, 16):
            load = os.getloadavg()[0]
            try:
                got = bench(target, test, pipeline, args.requests * pipeline)
            except subprocess.TimeoutExpired:
                got = None
            results.setdefault((name, test, pipeline), []).append(got)
            print(f"round {rnd} {name} {test.upper()} -P {pipeline}: " +
                  (f"{got[0]:.0f} requests/s, p50 {got[1]:.3f} ms, p99 {got[2]:.3f} ms" if got else "no figures") +
                  f" (load average {load:.1f})", flush=True)
    return True


def summary(runs):
    """The median of each figure over the rounds that gave one, and how many did."""
    ok = [r for r in runs or [] if r]
    if not ok:
        return None
    return tuple(statistics.median(r[k] for r in ok) for k in range(3)) + (len(ok),)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--image", required=True, help="Mote's redis-server image (examples/ports/redis)")
    p.add_argument("--cache-dir", required=True, help="the Linux guest's cache (bench-net's)")
    p.add_argument("--machine", default="q35")
    p.add_argument("--memory", default="256M")
    p.add_argument("--requests", type=int, default=20000, help="per run at -P 1 (x16 at -P 16)")
    p.add_argument("--rounds", type=int, default=2, help="Mote then Linux, this many times")
    p.add_argument("--net", choices=("tap", "user"), default="tap")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--accel", default=os.environ.get("MOTE_ACCEL", "auto"))
    p.add_argument("--no-linux", action="store_true")
    p.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--linux-guest", nargs="*", help=argparse.SUPPRESS)  # KEY=path, from outside the namespace
    args = p.parse_args()
    if args.net == "tap" and not args.in_netns:
        # The private namespace has no route out: fetch and build the Linux guest (apt-get
        # download) here, and hand its paths to the copy of this script that runs inside.
        extra = []
        if not args.no_linux and not args.linux_guest:
            guest = prepare_linux_guest(args.cache_dir)
            extra = ["--linux-guest", *(f"{k}={v}" for k, v in guest.items())] if guest else ["--no-linux"]
            if guest is None:
                print("Linux guest not run: linux-redis-guest.sh failed", flush=True)
        enter_private_netns(__file__, extra)
    if args.net == "tap":
        make_tap()
    args.accel = mote_accel.choose(mote_accel.requested(args.accel), args.qemu).accel
    print(f"accelerator: {args.accel}; network: {args.net}; {args.rounds} rounds, each Mote then Linux")
    args.ready = {"Mote": "Ready to accept connections", "Linux": "LINUX-REDIS: ready"}
    results = {}

    size = os.path.getsize(args.image)
    loaded = subprocess.run(["size", args.image], capture_output=True, text=True).stdout.splitlines()[-1].split()
    print(f"Mote redis-server image: {size} bytes ({size / 1048576:.2f} MiB) file; "
          f"text {int(loaded[0])}, data {int(loaded[1])}, bss {int(loaded[2])} bytes (target: under 2 MiB)")

    # The smallest memory named by the target: does it start and answer? Redis's three 4 MiB
    # background-thread stacks do not fit, so they are capped (docs/porting.md, "Redis at -m 16M").
    t = Target(args.net)
    g = qemu(args, "16M", t, args.image, None, mote_append(t, ["mote.stack_max=256K"]))
    ok16 = g.wait_for(args.ready["Mote"], 300) and ping(t)
    g.stop()
    print(f"Mote with -m 16M mote.stack_max=256K: {'serves (PING answered)' if ok16 else 'does not serve'}",
          flush=True)

    linux = None
    if args.linux_guest:
        linux = dict(kv.split("=", 1) for kv in args.linux_guest)
    elif not args.no_linux:
        linux = prepare_linux_guest(args.cache_dir)
    if not args.no_linux and linux is None:
        print("Linux guest not run: linux-redis-guest.sh failed")

    for rnd in range(1, args.rounds + 1):
        t = Target(args.net)
        g = qemu(args, args.memory, t, args.image, None, mote_append(t))
        try:
            measure("Mote", g, t, args, results, rnd)
        finally:
            g.stop()
        if linux:
            t = Target(args.net)
            g = qemu(args, args.memory, t, linux["vmlinuz"], linux["initramfs"], "console=ttyS0 quiet")
            try:
                measure("Linux", g, t, args, results, rnd)
            finally:
                g.stop()

    print(f"\nmedians over {args.rounds} rounds (runs with figures in brackets where fewer)")
    print("| test | Mote req/s | p50 ms | p99 ms | Linux req/s | p50 ms | p99 ms | Mote/Linux |")
    print("|---|---|---|---|---|---|---|---|")

    def cells(m):
        if not m:
            return "- | - | -"
        n = f" [{m[3]}]" if m[3] < args.rounds else ""
        return f"{m[0]:.0f}{n} | {m[1]:.3f} | {m[2]:.3f}"

    for test in ("get", "set"):
        for pipeline in (1, 16):
            m, lx = summary(results.get(("Mote", test, pipeline))), summary(results.get(("Linux", test, pipeline)))
            ratio = f"{m[0] / lx[0]:.2f}x (target {TARGET}x)" if m and lx else "-"
            print(f"| {test.upper()} -P {pipeline} | {cells(m)} | {cells(lx)} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
