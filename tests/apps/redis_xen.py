#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Redis 7.0 from Debian's source (examples/ports/redis) built through the installed xen SDK and
# run as a Xen PV domU with netfront in tier 2 (tools/xen-tier2, a Linux dom0 under Xen under
# QEMU): dom0's tests/apps/redis_client.c checks exact replies, then SHUTDOWN NOSAVE's exit.
#   redis_xen.py SRC BUILD WORK CLIENT
import os
import re
import subprocess
import sys
import time

IP = "10.99.0.5"
# The image's xl config (written beside it, as add_unikernel() does for NAME.xen): a static
# address on the tier-2 bridge, no saving (there is no fork), clients from the bridge.
CFG = """# Written by tests/apps/redis_xen.py: `xl create redis-server.xl.cfg` boots redis-server.
name = "redis-server"
type = "pv"
kernel = "{image}"
memory = 64
vcpus = 1
cmdline = "net.ip={ip}/24 -- --save '' --appendonly no --protected-mode no"
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "preserve"
vif = [ 'bridge=xenbr0' ]
"""
# dom0's steps (tests/apps/redis_xen.sh), each "ok" exactly once: Redis listening, then a
# section of tests/apps/redis-xen.steps each.
STEPS = ["server ready", "ping", "set-get", "incr", "list", "lua", "shutdown"]
# What the domain's console must show: netfront and the static address, Redis's own start and
# end, and the image's clean exit after SHUTDOWN NOSAVE.
CONSOLE = [
    ("netfront", r"netfront0: [0-9a-f:]+, mtu 1500, backend domain 0"),
    ("static address", r"IPv4 10\.99\.0\.5 netmask 255\.255\.255\.0 .*\(static\)"),
    ("Redis's shutdown", r"Redis is now ready to exit, bye bye"),
    ("exit status 0", r"mote: exit status 0$"),
]
CHECKS = 1 + len(STEPS) + len(CONSOLE)  # the build, dom0's steps, the console's lines


def main():
    src, build, work, client = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    sdk = os.path.join(work, "sdk")
    subprocess.run(["cmake", "--install", build, "--prefix", sdk], check=True, stdout=subprocess.DEVNULL)
    start = time.monotonic()
    r = subprocess.run(["sh", os.path.join(src, "examples", "ports", "redis", "build.sh"), sdk, "xen",
                        os.path.join(work, "redis")])
    if r.returncode != 0:
        print(f"FAIL: building Redis for xen\n0 passed, {CHECKS} failed")
        return 1
    tree = [os.path.join(work, "redis", d) for d in os.listdir(os.path.join(work, "redis"))
            if d.startswith("redis-7.0") and os.path.isdir(os.path.join(work, "redis", d))][0]
    image = os.path.join(tree, "src", "redis-server")
    print(f"redis_xen: built {image} ({os.path.getsize(image)} bytes) in {time.monotonic() - start:.0f} s")
    with open(image + ".xl.cfg", "w") as f:
        f.write(CFG.format(image=image, ip=IP))
    steps = os.path.join(src, "tests", "apps", "redis-xen.steps")
    cmd = [sys.executable, os.path.join(src, "tools", "xen-tier2"), "--cache", os.path.join(build, "xen-cache", "tier2"),
           "--log", os.path.join(work, "redis-xen.log"), "--net-script", os.path.join(src, "tests", "apps", "redis_xen.sh"),
           "--net-guest", image, "--net-tool", client, "--net-var", f"STEPS={steps}", "--file", steps]
    for what in STEPS:
        cmd += ["--net-ok", what]
    for _, pattern in CONSOLE:
        cmd += ["--net-expect", "redis-server", pattern]
    start = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = r.stdout
    print(out, end="")
    print(f"redis_xen: tier 2 (QEMU, Xen, dom0, the domU) took {time.monotonic() - start:.0f} s")
    # The same verdicts xen-tier2 gave, counted one by one for the summary line.
    with open(os.path.join(work, "redis-xen.log")) as f:
        log = f.read().replace("\r", "")
    oks = re.findall(r"^tier2-net: ok (.*)$", log, re.M)
    passed = 1 + sum(oks.count(what) == 1 for what in STEPS)
    m = re.search(r"tier2: console of redis-server\n(.*?)tier2: end of redis-server\n", log, re.S)
    console = m.group(1) if m else ""
    passed += sum(bool(re.search(p, console, re.M)) for _, p in CONSOLE)
    failures = []
    for bad in ("panic", "fatal:"):
        if bad in console:
            failures.append(f"redis-server's console shows {bad!r}")
    for line in re.findall(r"^redis_client: .*$", log, re.M):
        print(line)
    if r.returncode != 0:
        failures.append("tools/xen-tier2 reported failures (above)")
    for f in failures:
        print(f"FAIL: {f}")
    failed = CHECKS - passed
    if failures and failed == 0:
        failed = 1
        passed -= 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failures or failed else 0


if __name__ == "__main__":
    sys.exit(main())
