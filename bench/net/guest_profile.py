#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# guest_profile.py: where a bulk echo's guest instructions go. Boots a Mote echo image under TCG
# with the guest_profile.c plugin, echoes 2 x 16 MiB through it as bench/net/run.py does, stops
# QEMU and prints guest instructions per KiB echoed by function (the image's symbols).
# usage: guest_profile.py ECHO.kvm [OUT.txt]
import argparse
import bisect
import collections
import importlib.util
import os
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_net_run", os.path.join(HERE, "run.py"))
R = importlib.util.module_from_spec(spec)
spec.loader.exec_module(R)
MIB, ROUNDS = 16, 2


def main():
    img = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="guest-profile-")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(tmp, "profile.txt")
    so = os.path.join(tmp, "guest_profile.so")
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", so, os.path.join(HERE, "guest_profile.c")], check=True)
    args = argparse.Namespace(qemu="qemu-system-x86_64", machine="q35", accel="tcg", nic="virtio-net-pci",
                              platform="kvm", bulk_mib=MIB)
    port = R.free_port()
    side = R.Side("Mote")
    err = side.boot(R.mote_cmd(args, "256M", [(port, 7)], img, ["--", "-p", "7"]) + ["-plugin", f"{so},out={out}"],
                    R.MOTE_ECHO_READY, 90, "echo")
    if err:
        print(err, file=sys.stderr)
        return 1
    payload = os.urandom(MIB << 20)
    notes = []
    for _ in range(ROUNDS):
        print(f"echo: {R.bulk_once(args, port, payload, notes, 'Mote')} MiB/s", notes)
    g = side.guests[0]
    g.proc.send_signal(signal.SIGTERM)  # a clean exit runs the plugin's atexit dump
    g.proc.wait(60)
    syms = []
    for line in subprocess.run(["nm", "-n", img], capture_output=True, text=True).stdout.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in "tTwW":
            syms.append((int(p[0], 16), p[2]))
    addrs = [a for a, _ in syms]
    per = collections.Counter()
    for line in open(out):
        vaddr, n, runs = line.split()
        i = bisect.bisect_right(addrs, int(vaddr, 16)) - 1
        per[syms[i][1] if i >= 0 else "?"] += int(n) * int(runs)
    total, kib = sum(per.values()), ROUNDS * MIB * 1024
    print(f"guest instructions per KiB echoed (boot included): {total / kib:.0f}")
    for name, c in per.most_common(30):
        print(f"{100 * c / total:6.2f}% {c / kib:8.0f}/KiB  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
