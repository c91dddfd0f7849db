#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/xen/run.py: Xen frontends' figures in one tier-2 boot (tools/xen-tier2): wrk in dom0 against
# Mote's httpd domU and a Linux PV domU running the same httpd built statically, and bulk TCP echo
# through Mote's echo domU and the Linux domU's echo. Prints figures, never judges them.
"""usage: run.py --build-dir BUILD --httpd httpd.xen --echo echo.xen --httpd-kvm httpd.kvm
              --net-client net_client --source SRC [options]
       run.py --self-check     (parses a made-up dom0 log; status 0 when the figures come out right)

One QEMU (TCG, -smp 1) runs Xen 4.17, a Linux dom0 with netback and the bridge xenbr0
(tools/xen_tier2_net.py), and the guests: Mote's httpd.xen and echo.xen from their generated
NAME.xl.cfg, and a Linux PV domU (the kernel dom0 boots, Debian's xen-netfront module, busybox and
examples/httpd + examples/echo built with gcc -static by bench/net/run.py) at 10.99.0.5, which
runs from the first wrk round to the last echo. HTTP: wrk (the host's, copied into dom0 with its
libraries) -t1 -cN against each guest in turn, an unmeasured warm-up each, then interleaved rounds
(median run shown). Echo: tests/xen/net_client's byte-for-byte echo of M MiB, timed in dom0 with
/proc/uptime (10 ms steps), interleaved rounds. Every figure is dom0's clock under emulation: it
moves with the host's load, which the header prints."""
import argparse
import datetime
import gzip
import glob
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# bench/net/run.py (the Linux servers, wrk's output, sizes), loaded under its own name: both it and
# this script are called run.py, and it imports bench/boot/run.py (qemu_version(), table()) as `run`.
_spec = importlib.util.spec_from_file_location("net_bench", os.path.join(HERE, "..", "net", "run.py"))
net_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(net_bench)
boot_bench = net_bench.boot_bench

# The targets, printed beside the figures, never checked.
TARGET_RPS_RATIO = 2.0
TARGET_SIZE_DELTA = 40 * 1024
LINUX_IP = "10.99.0.5"
ECHO_IP = "10.99.0.3"
LINUX_MAC = "00:16:3e:5e:00:05"

# The Linux domU's /init: xen-netfront, a static address on the bridge's subnet, both servers.
LINUX_INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
insmod /lib/xen-netfront.ko || echo "LINUX-XEN: insmod xen-netfront failed"
i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ip link set lo up; ip link set eth0 up
ip addr add @IP@/24 dev eth0
# Started again when they die: user programs in a PV guest under QEMU's TCG now and then crash
# (malloc's checks, a general protection fault; dom0's busybox and xl too, docs/xen.md); each
# exit is printed and run.py counts them beside the figures.
serve() { while true; do "$@"; echo "LINUX-XEN: $1 exited with status $?"; sleep 0.2; done; }
serve /bin/httpd -p 80 &
serve /bin/echo-server -p 7 &
sleep 1
echo "LINUX-XEN: ready $(ip -4 addr show eth0 | grep -o 'inet [0-9./]*')"
while true; do sleep 3600; done
"""

# dom0's steps, after tools/xen_tier2_net.py's helpers (netstart, waitip, netstop). Every figure
# is printed between "bench-xen:" markers that run.py parses from the serial log.
DOM0_SCRIPT = r"""
bench_wait() {
  i=0
  until grep -q "$2" /var/log/xen/console/guest-$1.log 2>/dev/null || [ $i -ge 900 ]; do
    sleep 0.2; i=$((i+1))
  done
  grep -q "$2" /var/log/xen/console/guest-$1.log 2>/dev/null
}
# Under QEMU's TCG dom0's kernel calibrates the TSC wrongly (it "detects" a 20 GHz processor)
# and then keeps time by it, so its clock, and every figure timed by it (wrk's seconds, the
# echo's), runs several times slow. Xen's own clock (pvclock, calibrated by Xen) does not.
echo xen > /sys/devices/system/clocksource/clocksource0/current_clocksource ||
  echo "bench-xen: FAIL clocksource xen"
echo "bench-xen: dom0 clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
up() { cut -d' ' -f1 /proc/uptime; }
# Each domain's CPU seconds (xl list's Time(s)): where a run's time went, dom0 (wrk, netback, the
# bridge) or the guest. One vCPU runs them all, so the shares add up to the run's length.
cpu_times() {
  xl list 2>/dev/null | awk -v tag="$1" 'NR > 1 {print "bench-xen: cpu " tag " " $1 " " $6}'
}
echo "bench-xen: start linux"
xl create -q $LINUX_CFG || echo "bench-xen: xl create linux reported a failure"
netstart httpd httpd
mip=$(waitip httpd) || mip=
bench_wait linux "LINUX-XEN: ready" || echo "bench-xen: linux not ready"
echo "bench-xen: httpd mote $mip linux $LINUX_IP"
if [ -n "$mip" ]; then
  for ip in $mip $LINUX_IP; do wrk -t1 -c$CONNS -d${WARMUP}s http://$ip:80$URLPATH > /dev/null 2>&1; done
  r=1
  while [ $r -le $ROUNDS ]; do
    for who in mote linux; do
      ip=$mip; [ $who = linux ] && ip=$LINUX_IP
      cpu_times "$who $r before"
      echo "bench-xen: wrk $who $r begin"
      # wrk itself has died of the same user-space crashes (malloc's checks): run it again.
      for try in 1 2 3; do
        wrk -t1 -c$CONNS -d${DURATION}s --latency http://$ip:80$URLPATH > /tmp/wrk.out 2>&1
        grep -q Requests/sec /tmp/wrk.out && break
        echo "bench-xen: wrk against $who crashed or gave no figures, again"; cat /tmp/wrk.out
      done
      cat /tmp/wrk.out
      echo "bench-xen: wrk $who $r end"
      cpu_times "$who $r after"
    done
    r=$((r+1))
  done
fi
netstop httpd
netstart echo echo "cmdline=\"net.ip=$ECHO_IP/24 -- -p 7\""
if eip=$(waitip echo); then
  for ip in $eip $LINUX_IP; do net_client echo $ip 7 1048576 > /dev/null; done
  r=1
  while [ $r -le $ROUNDS ]; do
    for who in mote linux; do
      ip=$eip; [ $who = linux ] && ip=$LINUX_IP
      cpu_times "$who $r echo-before"
      t0=$(up); net_client echo $ip 7 $ECHO_BYTES; st=$?; t1=$(up)
      cpu_times "$who $r echo-after"
      echo "bench-xen: echo $who $r $t0 $t1 status $st"
    done
    r=$((r+1))
  done
fi
netstop echo
netstop linux
echo "bench-xen: done"
"""


def linux_domu(root, servers, work):
    """The Linux PV domU's kernel, initramfs and xl config (absolute paths; dom0 gets them at the
    same paths through xen-tier2's --file). Returns (cfg, [files])."""
    kver = os.path.basename(glob.glob(os.path.join(root, "lib/modules/*"))[0])
    vmlinuz = os.path.join(root, "boot", f"vmlinuz-{kver}")
    rd = os.path.join(work, "linux-domu-root")
    shutil.rmtree(rd, ignore_errors=True)
    for d in ("bin", "proc", "sys", "dev", "lib"):
        os.makedirs(os.path.join(rd, d))
    shutil.copy2(os.path.join(root, "bin/busybox"), os.path.join(rd, "bin/busybox"))
    shutil.copy2(os.path.join(root, "lib/modules", kver, "kernel/drivers/net/xen-netfront.ko"), os.path.join(rd, "lib"))
    shutil.copy2(servers[0], os.path.join(rd, "bin/httpd"))
    shutil.copy2(servers[1], os.path.join(rd, "bin/echo-server"))
    with open(os.path.join(rd, "init"), "w") as f:
        f.write(LINUX_INIT.replace("@IP@", LINUX_IP))
    os.chmod(os.path.join(rd, "init"), 0o755)
    initrd = os.path.join(work, "linux-domu.cpio.gz")
    names = subprocess.run(["find", "."], cwd=rd, stdout=subprocess.PIPE, check=True).stdout
    data = subprocess.run(["cpio", "-o", "-H", "newc", "-R", "0:0"], cwd=rd, input=names, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, check=True).stdout
    with gzip.open(initrd, "wb", compresslevel=6) as f:
        f.write(data)
    cfg = os.path.join(work, "linux.xl.cfg")
    with open(cfg, "w") as f:
        f.write(f'name = "linux"\ntype = "pv"\nkernel = "{vmlinuz}"\nramdisk = "{initrd}"\n'
                f'extra = "console=hvc0 loglevel=4"\nmemory = {LINUX_MEMORY_MIB}\nvcpus = 1\n'
                f"vif = ['bridge=xenbr0,mac={LINUX_MAC}']\n")
    return cfg, [vmlinuz, initrd, cfg]


LINUX_MEMORY_MIB = 128  # what the Linux domU boots and serves with comfortably (busybox in RAM)


def parse(log, rounds):
    """The wrk runs and echo timings from dom0's output: {who: {"http": [fig], "echo": [s]}}."""
    out = {who: {"http": [], "echo": [], "echo_fail": 0, "cpu": [], "echo_cpu": []} for who in ("mote", "linux")}
    for who, text in re.findall(r"^bench-xen: wrk (\w+) \d+ begin\n(.*?)^bench-xen: wrk \1 \d+ end$", log, re.M | re.S):
        out[who]["http"].append(net_bench.parse_wrk(text))
    # CPU seconds per domain around each wrk run and each echo: {(who, round): {when: {domain: s}}}.
    times = {}
    cpu_line = r"^bench-xen: cpu (\w+) (\d+) ((?:echo-)?(?:before|after)) (\S+) ([0-9.]+)$"
    for who, rnd, when, dom, secs in re.findall(cpu_line, log, re.M):
        times.setdefault((who, rnd), {}).setdefault(when, {})[dom] = float(secs)
    for (who, rnd), t in sorted(times.items()):
        for key, guest, before, after in (("cpu", "httpd", "before", "after"),
                                          ("echo_cpu", "echo", "echo-before", "echo-after")):
            guest = guest if who == "mote" else "linux"
            if before not in t or after not in t:
                continue
            delta = {d: t[after][d] - t[before][d] for d in t[after] if d in t[before]}
            if "Domain-0" in delta and guest in delta:
                rest = sum(v for d, v in delta.items() if d not in ("Domain-0", guest))
                out[who][key].append((delta["Domain-0"], delta[guest], rest))
    for who, t0, t1, st in re.findall(r"^bench-xen: echo (\w+) \d+ ([0-9.]+) ([0-9.]+) status (\d+)$", log, re.M):
        if st == "0" and float(t1) > float(t0):
            out[who]["echo"].append(float(t1) - float(t0))
        else:
            out[who]["echo_fail"] += 1
    return out


SELF_CHECK_LOG = """bench-xen: cpu mote 1 before Domain-0 10.5
bench-xen: cpu mote 1 before httpd 2.0
bench-xen: wrk mote 1 begin
Running 10s test @ http://10.99.0.100:80/hello.txt
  Latency Distribution
     50%    1.50ms
     99%   20.00ms
  1000 requests in 10.00s, 200.00KB read
Requests/sec:    100.00
bench-xen: wrk mote 1 end
bench-xen: cpu mote 1 after Domain-0 16.5
bench-xen: cpu mote 1 after httpd 6.0
bench-xen: echo mote 1 10.00 12.00 status 0
bench-xen: echo linux 1 12.00 12.50 status 1
"""


def self_check():
    """parse() on a made-up dom0 log: what the markers above must give (run.py --self-check)."""
    got = parse(SELF_CHECK_LOG, 1)
    want_http = (100.0, 1000, 1.5, 20.0)
    h = got["mote"]["http"]
    ok = (len(h) == 1 and (h[0]["rps"], h[0]["requests"], h[0]["p50"], h[0]["p99"]) == want_http and
          got["mote"]["cpu"] == [(6.0, 4.0, 0)] and got["mote"]["echo"] == [2.0] and
          got["linux"]["echo"] == [] and got["linux"]["echo_fail"] == 1 and got["linux"]["http"] == [])
    print("run.py: self-check " + ("passed" if ok else f"FAILED: {got}"))
    return 0 if ok else 1


def report(a, qv, sizes, figs, notes, load_before, load_after, log_text=""):
    mib = a.echo_bytes / (1 << 20)
    mh = net_bench.http_summary(figs["mote"]["http"], notes, "Mote")
    lh = net_bench.http_summary(figs["linux"]["http"], notes, "Linux")

    def get(h, key):
        return h.get(key) if h else None
    mrps, lrps = get(mh, "rps"), get(lh, "rps")
    verdict = "-"
    if mrps is not None and lrps:
        verdict = "met" if mrps >= TARGET_RPS_RATIO * lrps else "NOT met"
    me = [mib / s for s in figs["mote"]["echo"]]
    le = [mib / s for s in figs["linux"]["echo"]]
    mbulk = statistics.median(me) if me else None
    lbulk = statistics.median(le) if le else None
    xen_size, kvm_size = sizes
    delta = xen_size - kvm_size if xen_size is not None and kvm_size is not None else None
    size_verdict = "-" if delta is None else ("met" if delta <= TARGET_SIZE_DELTA else "NOT met")
    rows = [
        ["httpd.xen stripped (bytes)", net_bench.fmt(xen_size), "-", "-",
         f"<= httpd.kvm + {TARGET_SIZE_DELTA // 1024} KiB: {size_verdict}"],
        ["httpd.kvm stripped (bytes)", net_bench.fmt(kvm_size), "-", "-",
         "(xen - kvm: " + ("-" if delta is None else f"{delta:+,}") + ")"],
        [f"requests/s (wrk -t1 -c{a.connections}, keep-alive)", net_bench.fmt(mrps), net_bench.fmt(lrps),
         net_bench.ratio(mrps, lrps), f">= {TARGET_RPS_RATIO:g}x Linux domU: {verdict}"],
        ["latency p50 (ms)", net_bench.fmt(get(mh, "p50"), ".2f"), net_bench.fmt(get(lh, "p50"), ".2f"),
         net_bench.ratio(get(mh, "p50"), get(lh, "p50")), "(no target)"],
        ["latency p99 (ms)", net_bench.fmt(get(mh, "p99"), ".2f"), net_bench.fmt(get(lh, "p99"), ".2f"),
         net_bench.ratio(get(mh, "p99"), get(lh, "p99")), "(no target)"],
        ["HTTP errors (socket + non-2xx)", net_bench.fmt(get(mh, "errors")), net_bench.fmt(get(lh, "errors")),
         "-", "-"],
        [f"TCP echo, {mib:g} MiB each way (MiB/s)", net_bench.fmt(mbulk, ".2f"), net_bench.fmt(lbulk, ".2f"),
         net_bench.ratio(mbulk, lbulk), "(no target)"],
    ]
    lines = [f"bench/xen, {datetime.datetime.now():%Y-%m-%d %H:%M}, QEMU {qv} TCG (-M q35 -cpu max -smp 1 -m 2G), "
             f"Xen 4.17, Linux dom0 (512M, 1 vCPU, "
             f"clocksource {a.clocksource}) with netback and bridge xenbr0; host {os.cpu_count()} CPUs, "
             f"load average {load_before} before, {load_after} after",
             f"guests: Mote httpd.xen / echo.xen (their generated xl.cfg), Linux PV domU ({LINUX_MEMORY_MIB} MiB, "
             "1 vCPU, Debian's kernel and xen-netfront, busybox, the same httpd/echo built gcc -O2 -static); "
             "all in one tier-2 boot, the Linux domU up throughout",
             f"HTTP: GET {a.path} from dom0, wrk -t1 -c{a.connections}, {a.rounds} interleaved round(s) of "
             f"{a.duration} s after {a.warmup} s warm-up each (median run shown); echo: net_client's "
             f"byte-for-byte echo of {mib:g} MiB, {a.rounds} interleaved rounds (median), dom0's /proc/uptime",
             "",
             boot_bench.table(rows, ["figure", "Mote", "Linux domU", "Mote/Linux", "target"]),
             ""]
    for name, h in (("Mote", mh), ("Linux", lh)):
        if h:
            lines.append(f"requests/s of every run: {name} " + ", ".join(f"{x:,.0f}" for x in h["all_rps"]))
    for name, e, fails in (("Mote", me, figs["mote"]["echo_fail"]), ("Linux", le, figs["linux"]["echo_fail"])):
        if e or fails:
            lines.append(f"echo MiB/s of every run: {name} " + ", ".join(f"{x:.2f}" for x in e) +
                         (f" ({fails} failed)" if fails else ""))
    # Where the time of a request goes: each domain's CPU time over the runs' requests.
    for name, who, h in (("Mote", "mote", mh), ("Linux", "linux", lh)):
        # Only the runs that served (a run whose wrk crashed used CPU for nothing counted).
        runs = list(zip(figs[who]["cpu"], figs[who]["http"])) if len(figs[who]["cpu"]) == len(figs[who]["http"]) else []
        cpu = [c for c, r in runs if r["requests"]]
        reqs = sum(r["requests"] or 0 for _, r in runs)
        if cpu and reqs:
            d0, g, rest = (sum(c[i] for c in cpu) for i in range(3))
            lines.append(f"CPU seconds around the {name} runs that served ({reqs:,} requests; xl list's Time(s) "
                         f"before and after each wrk, so dom0's include the xl calls and wrk's start): dom0 {d0:.1f}, "
                         f"{name} domU {g:.1f} ({g * 1e6 / reqs:,.0f} us per request), the other domUs {rest:.1f}")
    for name, who in (("Mote", "mote"), ("Linux", "linux")):
        cpu = figs[who]["echo_cpu"]
        if cpu and figs[who]["echo"] and len(cpu) == len(figs[who]["echo"]):
            total = mib * len(cpu)
            lines.append(f"CPU seconds per MiB echoed, {name} runs: dom0 {sum(c[0] for c in cpu) / total:.2f}, "
                         f"{name} domU {sum(c[1] for c in cpu) / total:.2f}, the other domUs "
                         f"{sum(c[2] for c in cpu) / total:.2f}")
    retries = len(re.findall(r"^bench-xen: wrk against", log_text, re.M))
    if retries:
        lines.append(f"wrk runs made again after wrk crashed in dom0: {retries}")
    lines.append("blkfront sequential MiB/s: measured by xen.blkfront's blkfront_test (docs/bench.md), not here")
    return "\n".join(lines + [""] + notes)


def main():
    p = argparse.ArgumentParser(usage=__doc__.split("\n\n")[0][len("usage: "):],
                                description=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--httpd", required=True, help="httpd.xen (its httpd.xl.cfg beside it)")
    p.add_argument("--echo", required=True, help="echo.xen (its echo.xl.cfg beside it)")
    p.add_argument("--httpd-kvm", help="httpd.kvm of a PLATFORM=kvm tree, for the size row")
    p.add_argument("--net-client", required=True, help="tests/xen's net_client (static)")
    p.add_argument("--source", required=True, help="the source tree (its examples/ are built for Linux)")
    p.add_argument("--cache", help="tools/xen-tier2's cache (default BUILD/xen-cache/tier2)")
    p.add_argument("--path", default="/hello.txt", help="the file wrk asks for")
    p.add_argument("--connections", type=int, default=10)
    p.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (default 10)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--echo-mib", type=int, default=4)
    p.add_argument("--timeout", type=float, default=2400, help="seconds for the whole QEMU run")
    p.add_argument("--output", help="also write the report to this file")
    p.add_argument("--log", help="the whole serial log (default BUILD/bench-xen/serial.log)")
    p.add_argument("--reparse", metavar="LOG", help="no boot: the report of an earlier run's serial log")
    if "--self-check" in sys.argv[1:]:
        return self_check()
    a = p.parse_args()
    a.echo_bytes = a.echo_mib << 20
    build = os.path.abspath(a.build_dir)
    work = os.path.join(build, "bench-xen")
    os.makedirs(work, exist_ok=True)
    a.cache = os.path.abspath(a.cache or os.path.join(build, "xen-cache", "tier2"))
    a.log = os.path.abspath(a.log or os.path.join(work, "serial.log"))
    qv = boot_bench.qemu_version("qemu-system-x86_64")
    missing = [f for f in (a.httpd, a.echo, a.net_client) if not os.path.isfile(f)]
    if qv is None or missing:
        print(f"run.py: needs qemu-system-x86_64 and {', '.join(missing)}", file=sys.stderr)
        return 1
    if not net_bench.ensure_wrk():
        print("run.py: needs wrk (tools/deps.sh --only wrk)", file=sys.stderr)
        return 1
    root = os.path.join(a.cache, "root")
    if not os.path.isfile(os.path.join(a.cache, "fetched")):
        print(f"run.py: no tier-2 packages in {a.cache} (run a xen.domU test or tools/xen-tier2 once)",
              file=sys.stderr)
        return 1
    notes = []
    if a.reparse:
        with open(a.reparse, errors="replace") as f:
            return finish(a, qv, f.read(), 0, "", "?", "?", notes)
    servers = net_bench.build_linux_servers(a, os.path.join(work, "linux-servers"), notes)
    if servers is None:
        print("\n".join(notes), file=sys.stderr)
        return 1
    cfg, files = linux_domu(root, servers, work)
    script = os.path.join(work, "dom0.sh")
    with open(script, "w") as f:
        f.write("# SPDX-License-Identifier: MIT\n# bench-xen's dom0 steps, written by bench/xen/run.py\n")
        f.write(DOM0_SCRIPT)
    tier2 = os.path.join(HERE, "..", "..", "tools", "xen-tier2")
    cmd = [sys.executable, tier2, "--cache", a.cache, "--log", a.log, "--timeout", str(a.timeout),
           "--net-script", script, "--net-guest", a.httpd, "--net-guest", a.echo,
           "--net-tool", shutil.which("wrk"), "--net-tool", a.net_client]
    for f in files:
        cmd += ["--file", f]
    for kv in (f"LINUX_CFG={cfg}", f"LINUX_IP={LINUX_IP}", f"ECHO_IP={ECHO_IP}", f"URLPATH={a.path}",
               f"CONNS={a.connections}", f"DURATION={a.duration}", f"WARMUP={a.warmup}", f"ROUNDS={a.rounds}",
               f"ECHO_BYTES={a.echo_bytes}"):
        cmd += ["--net-var", kv]
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"bench-xen: one tier-2 boot, {a.rounds} rounds; serial log in {a.log}", flush=True)
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    log = open(a.log, errors="replace").read() if os.path.exists(a.log) else ""
    return finish(a, qv, log, r.returncode, r.stdout, load_before, load_after, notes)


def finish(a, qv, log, status, tier2_out, load_before, load_after, notes):
    """Notes from dom0's log, the sizes, and the report printed (and written to --output)."""
    if status != 0:
        notes.append("tools/xen-tier2 reported:\n" + "\n".join(tier2_out.splitlines()[-15:]))
    for line in re.findall(r"^bench-xen: (?:linux not ready|xl create .*|FAIL .*)$", log, re.M):
        notes.append(line)
    if "bench-xen: done" not in log:
        notes.append("dom0 did not finish the steps (see the serial log)")
    sizes = (net_bench.stripped_size(a.httpd), net_bench.stripped_size(a.httpd_kvm) if a.httpd_kvm and
             os.path.isfile(a.httpd_kvm) else None)
    if sizes[1] is None:
        notes.append("no httpd.kvm (--httpd-kvm): build it in a PLATFORM=kvm tree for the size row")
    exits = re.findall(r"^LINUX-XEN: (\S+) exited with status (\d+)", log, re.M)
    if exits:
        notes.append(f"the Linux domU's servers exited {len(exits)} time(s) and were started again: " +
                     ", ".join(f"{os.path.basename(p)} status {st}" for p, st in exits))
    m = re.search(r"^bench-xen: dom0 clocksource (\S*)", log, re.M)
    a.clocksource = m.group(1) if m else "?"
    text = report(a, qv, sizes, parse(log, a.rounds), notes, load_before, load_after, log)
    boot_bench.emit(text, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
