#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/apps/redis_profile.py: where Mote's redis-server spends one redis-benchmark run. Boots the image
# under TCG with bench/net/guest_profile.c (counting from the benchmark's start, not the boot), runs
# redis-benchmark through a tap in a private namespace as redis.py does, and prints guest instructions
# per request by area (Redis, libc, socket layer, lwIP, driver, scheduler, idle, ...) and by function,
# with QEMU's CPU time over the run's wall time: a vCPU that halts shows as less than 100 %.
# usage: redis_profile.py --image redis-server [--test set] [--pipeline 16] [--requests 320000]
import argparse
import bisect
import collections
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import redis as R  # noqa: E402  (bench/apps/redis.py: the namespace, tap and QEMU helpers)

# Which area an object file of the SDK belongs to; anything not in the SDK's archives is Redis's.
AREAS = [
    ("socket layer", r"^(api_lib|api_msg|sockets|tcpip|netbuf|netifapi|net_sockets|sys_arch|net_port)\.c"),
    ("lwIP", r"^(tcp|tcp_in|tcp_out|ip4|ip|pbuf|mem|memp|timeouts|etharp|ethernet|inet_chksum|def|netif|"
             r"init|sys|udp|ip6|icmp|nd6|ethip6|altcp.*|net_.*)\.c"),
    ("driver", r"^(virtio.*|virtq.*|pci.*|netdev)\.c"),
    ("interrupts/traps", r"^(native_.*|trap|pc_apic|pc_pic|pc_ioapic|pvclock|pc_time|acpi_timers)\.(c|S)"),
    ("scheduler/threads", r"^(sched|runq|timerq|timer|thread|waitq|sync|context|tls|clock)\.(c|S)"),
    ("Mote libc (fd, poll, locks, pthread)", r"^libc_.*\.(c|S)"),
    ("newlib (malloc, stdio, string)", r"^lib_a-.*"),
]


def symbol_areas(sdk_lib):
    """{symbol: area} from the SDK archives' members; memory functions named apart."""
    area_of = {}
    for root, _, files in os.walk(sdk_lib):
        for f in files:
            if not f.endswith(".a"):
                continue
            member = None
            out = subprocess.run(["nm", "--defined-only", os.path.join(root, f)], capture_output=True, text=True).stdout
            for line in out.splitlines():
                if line.endswith(":") and not line.startswith(" "):
                    member = line[:-1]
                    continue
                p = line.split()
                if len(p) == 3 and p[1] in "tTwW" and member:
                    area = next((a for a, rx in AREAS if re.match(rx, member)), f"other ({f})")
                    area_of.setdefault(p[2], area)
    return area_of


def qemu_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vcpu_schedstat(pid):
    """(ns run, ns waiting for a host CPU) of QEMU's vCPU thread ("CPU 0/TCG"); the rest of the
    wall time it slept, which under TCG is the guest halted (idle)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            if "CPU" not in f.read():
                continue
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            run, wait, _ = f.read().split()
        return int(run), int(wait)
    return 0, 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--image", required=True)
    p.add_argument("--sdk-lib", help="the installed SDK's lib/mote/kvm (default: beside the image's build)")
    p.add_argument("--test", default="set")
    p.add_argument("--pipeline", type=int, default=16)
    p.add_argument("--requests", type=int, default=320000)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--memory", default="256M")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--no-plugin", action="store_true", help="time only (the plugin slows TCG down)")
    p.add_argument("--extra", default="", help="more kernel command-line words, before --")
    p.add_argument("--set-first", action="store_true",
                   help="SET the benchmark's key before counting (redis.py's GET runs find no key: a miss)")
    p.add_argument("--warm", action="store_true",
                   help="first run what redis.py runs before SET -P 16 on the same boot (GET -P 1, GET -P 16, "
                        "SET -P 1), uncounted")
    p.add_argument("--pcap", help="capture the run's packets on the tap to this file (tcpdump)")
    p.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if not args.in_netns:
        R.enter_private_netns(__file__)
    R.make_tap()
    tmp = tempfile.mkdtemp(prefix="redis-profile-")
    out, snap, so = (os.path.join(tmp, n) for n in ("profile.txt", "snap", "guest_profile.so"))
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", so, os.path.join(HERE, "..", "net", "guest_profile.c"),
                    "-lpthread"], check=True)
    qa = argparse.Namespace(qemu="qemu-system-x86_64", machine="q35", accel="tcg")
    t = R.Target("tap")
    extra = args.extra.split() if args.extra else []
    # redis.py's qemu(), with the plugin added before QEMU starts.
    cmd = [qa.qemu, "-M", qa.machine, *R.mote_accel.qemu_options(qa.accel), "-m", args.memory,
           *R.boot_bench.QEMU_COMMON, "-netdev", t.netdev(), "-device", "virtio-net-pci,netdev=n0",
           "-name", "mote,debug-threads=on", "-kernel", args.image, "-append", R.mote_append(t, extra)]
    if not args.no_plugin:
        cmd += ["-plugin", f"{so},out={out},snap={snap}"]
    g = R.ConsoleProcess(cmd, own_group=True)
    if not g.wait_for("Ready to accept connections", 300) or not R.ping(t):
        print("redis-server did not start:\n" + g.tail())
        g.stop()
        return 1
    if args.set_first:
        subprocess.run(["redis-cli", "-h", t.host, "-p", str(t.port), "SET", "key:__rand_int__", "xxx"],
                       capture_output=True, timeout=30)
    if args.warm:
        for test, pipe, n in (("get", 1, 20000), ("get", 16, 320000), ("set", 1, 20000)):
            subprocess.run(["redis-benchmark", "-h", t.host, "-p", str(t.port), "-c", "50", "-P", str(pipe),
                            "-n", str(n), "-t", test, "--csv"], capture_output=True, timeout=1200)
    dump = None
    if args.pcap:
        dump = subprocess.Popen(["tcpdump", "-i", "tap0", "-s", "128", "-U", "-w", args.pcap],
                                stderr=subprocess.DEVNULL)
        time.sleep(1)
    open(snap, "w").close()
    time.sleep(0.2)
    cpu0, wall0, vs0 = qemu_cpu_seconds(g.proc.pid), time.monotonic(), vcpu_schedstat(g.proc.pid)
    r = subprocess.run(["redis-benchmark", "-h", t.host, "-p", str(t.port), "-c", str(args.clients), "-P",
                        str(args.pipeline), "-n", str(args.requests), "-t", args.test, "--csv"],
                       capture_output=True, text=True, timeout=1200)
    cpu1, wall1, vs1 = qemu_cpu_seconds(g.proc.pid), time.monotonic(), vcpu_schedstat(g.proc.pid)
    if dump:
        time.sleep(0.5)
        dump.terminate()
        dump.wait()
    print(f"{args.test.upper()} -P {args.pipeline} -c {args.clients} -n {args.requests}: "
          f"{r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-300:]}")
    print(f"wall {wall1 - wall0:.2f} s, QEMU CPU {cpu1 - cpu0:.2f} s ({100 * (cpu1 - cpu0) / (wall1 - wall0):.0f} %), "
          f"load average {os.getloadavg()[0]:.1f}")
    run, wait = (vs1[0] - vs0[0]) / 1e9, (vs1[1] - vs0[1]) / 1e9
    wall = wall1 - wall0
    print(f"vCPU thread: ran {run:.2f} s ({100 * run / wall:.0f} %), waited for a host CPU {wait:.2f} s "
          f"({100 * wait / wall:.0f} %), slept (guest halted) {wall - run - wait:.2f} s "
          f"({100 * (wall - run - wait) / wall:.0f} %)")
    g.proc.send_signal(signal.SIGTERM)  # a clean exit runs the plugin's dump
    try:
        g.proc.wait(60)
    except subprocess.TimeoutExpired:
        g.stop()
    if args.no_plugin:
        return 0
    syms = []
    for line in subprocess.run(["nm", "-n", args.image], capture_output=True, text=True).stdout.splitlines():
        q = line.split()
        if len(q) == 3 and q[1] in "tTwW":
            syms.append((int(q[0], 16), q[2]))
    addrs = [a for a, _ in syms]
    sdk_lib = args.sdk_lib or os.path.join(os.path.dirname(args.image), "..", "..", "..", "sdk", "lib", "mote", "kvm")
    area_of = symbol_areas(sdk_lib)
    per, idle_entries = collections.Counter(), 0
    for line in open(out):
        vaddr, n, runs = line.split()
        i = bisect.bisect_right(addrs, int(vaddr, 16)) - 1
        name = syms[i][1] if i >= 0 else "?"
        per[name] += int(n) * int(runs)
        if name == "hal_cpu_idle" and int(vaddr, 16) == syms[i][0]:
            idle_entries += int(runs)
    total, n = sum(per.values()), args.requests
    areas = collections.Counter()
    for name, c in per.items():
        areas["idle (hal_cpu_idle)" if name == "hal_cpu_idle" else area_of.get(name, "Redis")] += c
    print(f"guest instructions per request: {total / n:.0f} (idle entries per request: {idle_entries / n:.3f})")
    for a, c in areas.most_common():
        print(f"{100 * c / total:6.2f}% {c / n:8.1f}/request  {a}")
    print()
    for name, c in per.most_common(args.top):
        print(f"{100 * c / total:6.2f}% {c / n:8.1f}/request  {name}  [{area_of.get(name, 'Redis')}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
