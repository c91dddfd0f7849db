#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# notify_count.py: the host-side cost of a bulk echo through virtio-net: kicks (guest writes to a
# queue's notify register) and interrupts QEMU injected, per queue and per MiB echoed, from QEMU's
# own trace events, and MiB/s and MiB per QEMU CPU-second from untraced runs, images interleaved
# (with --linux, bench/net/run.py's Linux guest too, booted once, for the echo ratio).
# usage: notify_count.py [--mib N] [--rounds N] [--linux --build-dir B --source S] ECHO.kvm ...
import argparse
import collections
import importlib.util
import os
import re
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_net_run", os.path.join(HERE, "run.py"))
R = importlib.util.module_from_spec(spec)
spec.loader.exec_module(R)


def boot(args, img, extra):
    port = R.free_port()
    side = R.Side(os.path.basename(img))
    side.echo_port = port
    err = side.boot(R.mote_cmd(args, "256M", [(port, 7)], img, ["--", "-p", "7"]) + extra, R.MOTE_ECHO_READY,
                    120, "echo")
    if err:
        sys.exit(err)
    R.bulk_once(args, port, os.urandom(1 << 20), [], side.name)  # warm-up: TCG's translations
    return side


def counts(args, img, payload, tmp):
    """Kicks and interrupts per queue for one echo of payload (the warm-up's taken off)."""
    log = os.path.join(tmp, os.path.basename(img) + ".trace")
    side = boot(args, img, ["-trace", "virtio_queue_notify", "-trace", "virtio_notify", "-D", log])
    with open(log) as f:
        skip = len(f.readlines())
    notes = []
    if R.bulk_once(args, side.echo_port, payload, notes, side.name) is None:
        sys.exit("\n".join(notes))
    side.stop()
    queue_of, kicks, irqs = {}, collections.Counter(), collections.Counter()
    with open(log) as f:
        lines = f.readlines()
    for line in lines:  # the queue numbers, from every kick (the warm-up's included)
        m = re.search(r"virtio_queue_notify vdev \S+ n (\d+) vq (\S+)", line)
        if m:
            queue_of[m.group(2)] = int(m.group(1))
    for line in lines[skip:]:
        m = re.search(r"virtio_queue_notify vdev \S+ n (\d+)", line)
        if m:
            kicks[int(m.group(1))] += 1
        m = re.search(r"virtio_notify vdev \S+ vq (\S+)", line)
        if m:
            irqs[queue_of.get(m.group(1), -1)] += 1
    return kicks, irqs


def timing(args, img, payload):
    """MiB/s and MiB per QEMU CPU-second of one untraced echo."""
    side = boot(args, img, [])
    c0 = side.cpu()
    rate = R.bulk_once(args, side.echo_port, payload, [], side.name)
    cpu = side.cpu() - c0
    side.stop()
    return rate, (args.bulk_mib / cpu if rate and cpu else None)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("images", nargs="+")
    p.add_argument("--mib", type=int, default=16)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--machine", default="q35")
    p.add_argument("--linux", action="store_true", help="time run.py's Linux guest in the same rounds")
    p.add_argument("--build-dir", default="build", help="with --linux: where its servers are built")
    p.add_argument("--source", default=".", help="with --linux: the source tree")
    p.add_argument("--cache-dir", help="with --linux: the Linux guest's cache (default BUILD/bench-cache)")
    a = p.parse_args()
    args = argparse.Namespace(qemu="qemu-system-x86_64", machine=a.machine, accel="tcg", nic="virtio-net-pci",
                              platform="kvm", bulk_mib=a.mib, build_dir=a.build_dir, source=a.source,
                              cache_dir=a.cache_dir)
    linux = None
    if a.linux:
        notes = []
        paths = R.linux_guest(args, notes)
        if not paths:
            sys.exit("\n".join(notes))
        linux = R.Side("Linux")
        linux.echo_port = R.free_port()
        err = linux.boot(R.qemu_cmd(args, "256M", [(linux.echo_port, 7)], paths["vmlinuz"], paths["initramfs"],
                                    "console=ttyS0 quiet panic=-1"), R.LINUX_READY, 180, "guest")
        if err:
            sys.exit(err)
        R.bulk_once(args, linux.echo_port, os.urandom(1 << 20), [], "Linux")
    payload = os.urandom(a.mib << 20)
    tmp = tempfile.mkdtemp(prefix="notify-count-")
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    for img in a.images:
        kicks, irqs = counts(args, img, payload, tmp)
        per = {k: v / a.mib for k, v in kicks.items()}
        print(f"{img}: per MiB echoed: kicks rx {per.get(0, 0):.0f} tx {per.get(1, 0):.0f}; interrupts "
              f"rx {irqs.get(0, 0) / a.mib:.0f} tx {irqs.get(1, 0) / a.mib:.0f}"
              + (f" other {irqs[-1] / a.mib:.0f}" if irqs.get(-1) else ""), flush=True)
    rates = collections.defaultdict(list)
    names = a.images + (["Linux"] if linux else [])
    for _ in range(a.rounds):
        for img in names:
            if img == "Linux":  # up all along, as in run.py: its CPU seconds over the transfer alone
                c0 = linux.cpu()
                rate = R.bulk_once(args, linux.echo_port, payload, [], "Linux")
                cpu = linux.cpu() - c0
                rates[img].append((rate, a.mib / cpu if rate and cpu else None))
            else:
                rates[img].append(timing(args, img, payload))
            print(f"{img}: {rates[img][-1][0] or 0:.2f} MiB/s, {rates[img][-1][1] or 0:.1f} MiB per QEMU CPU-s, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
    if linux:
        linux.stop()
    for img in names:
        good = [r for r in rates[img] if r[0] and r[1]]
        if good:
            print(f"{img}: median {statistics.median(r[0] for r in good):.2f} MiB/s, "
                  f"{statistics.median(r[1] for r in good):.1f} MiB per QEMU CPU-s ({len(good)} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
