#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# net_dns.py: name resolution end to end. Runs the project's DNS server (dns_server.py) on port
# 53 of 127.0.0.1 and boots tests/image/net_dns_test.c under QEMU user networking with
# net.dns=10.0.2.2 (slirp hands guest traffic for 10.0.2.2 to this machine's loopback), then
# compares the addresses the image prints with the records and the queries the server saw.
# Port 53 may be taken on this machine, so the server and QEMU run in a private network
# namespace of their own (unshare --net) holding only its own loopback: nothing can leave it.
import argparse
import collections
import fcntl
import ipaddress
import os
import random
import re
import shutil
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dns_server import DnsServer, TYPE_A, TYPE_AAAA, TYPE_NAMES, RCODE_NXDOMAIN  # noqa: E402
from net_guest import Guest, suite_failures  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py, on the path net_guest set)

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def enter_private_netns():
    """Run this script again inside a new network namespace (as root: `unshare --net`; as
    another user: with a user namespace that maps it to root, where the kernel allows one)."""
    unshare = shutil.which("unshare")
    if not unshare:
        sys.exit("net_dns: FAIL unshare (util-linux) is needed for a private network namespace")
    # A mount namespace too, so this run can give QEMU a resolver of its own (own_resolver()).
    cmd = [unshare, "--net", "--mount"]
    if os.geteuid() != 0:
        cmd.append("--map-root-user")
    os.execv(unshare, cmd + ["--", sys.executable, os.path.abspath(__file__), "--in-netns", *sys.argv[1:]])


def loopback_only():
    """Bring up `lo` in this (new) namespace and make sure it is the only interface, so no
    traffic from here can reach any other address."""
    names = [name for _, name in socket.if_nameindex()]
    if names != ["lo"]:
        sys.exit(f"net_dns: FAIL not in a private network namespace (interfaces {names})")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(s, SIOCGIFFLAGS, req))[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def own_resolver():
    """QEMU's user network forwards the guest's queries to 10.0.2.3 to the host's resolver. If
    that were 127.0.0.1, our server would answer them too, and an image that ignored net.dns
    would still pass. Inside this mount namespace /etc/resolv.conf names 127.0.0.2, where
    nothing listens (the server binds 127.0.0.1 only), so only net.dns=10.0.2.2 can reach it."""
    import subprocess
    import tempfile
    conf = tempfile.NamedTemporaryFile("w", prefix="net_dns-resolv.", delete=False)
    conf.write("# net_dns.py: no resolver reachable but the test's own, through net.dns\nnameserver 127.0.0.2\n")
    conf.close()
    target = os.path.realpath("/etc/resolv.conf")
    if not os.path.exists(target):
        return  # no resolver at all: QEMU has nowhere to forward to
    done = subprocess.run(["mount", "--bind", conf.name, target], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"net_dns: FAIL cannot give QEMU a resolver of its own: {done.stderr.strip()}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--passed", type=int, required=True, help="the image's exact count of passed checks")
    p.add_argument("image")
    a = p.parse_args()
    if not a.in_netns:
        enter_private_netns()
    loopback_only()
    own_resolver()

    # Names and addresses picked afresh for each run, so no cache or constant can pass. The
    # addresses are in QEMU's user-network ranges and are only ever printed, never contacted.
    tag = "%08x" % random.getrandbits(32)
    name, v6name, missing = f"mote-{tag}.test", f"v6only-{tag}.test", f"missing-{tag}.test"
    a4 = f"10.0.2.{random.randint(100, 250)}"
    a6 = str(ipaddress.ip_address(f"fec0::{random.randint(1, 0xffff):x}:{random.randint(1, 0xffff):x}"))
    v6 = str(ipaddress.ip_address(f"fec0::1:{random.randint(1, 0xffff):x}"))
    server = DnsServer("127.0.0.1", 53, {name: {TYPE_A: [a4], TYPE_AAAA: [a6]}, v6name: {TYPE_AAAA: [v6]}}).start()
    guest = Guest(a.runner, a.machine, a.image, ["net.dns=10.0.2.2", "--", name, v6name, missing], a.log)
    status = guest.finish(200)
    server.stop()
    out = guest.out

    failures = suite_failures(out, status, a.passed)
    if "net: DNS server 1: 10.0.2.2" not in out:
        failures.append("net.dns=10.0.2.2 was not reported as DNS server 1")
    nx = r"error -?\d+ \(Name or service not known\)"
    for label, want in (("any", a4), ("A", a4), ("AAAA", a6)):
        if f"net_dns_test: {name} {label} {want}\n" not in out:
            failures.append(f"{name} ({label}) did not resolve to {want}")
    if f"net_dns_test: {v6name} any {v6}\n" not in out:
        failures.append(f"{v6name} (any) did not fall back to its AAAA record {v6}")
    for host, label in ((v6name, "A"), (missing, "A"), (missing, "AAAA")):
        if not re.search(rf"net_dns_test: {re.escape(host)} {label} {nx}", out):
            failures.append(f"{host} ({label}) did not fail with EAI_NONAME")
    if "net_dns_test: 10.0.2.2 numeric 10.0.2.2\n" not in out:
        failures.append("the numeric host 10.0.2.2 did not come back as itself")

    # What the guest asked: each type of each name (lwIP's cache answers the repeats), and the
    # missing name at most twice per type: NXDOMAIN was taken at its first answer. (lwIP sends
    # again at its next one-second DNS tick, which may come before the answer does; a client
    # that ignored NXDOMAIN would ask DNS_MAX_RETRIES = 4 times.)
    seen = server.seen()
    asked = collections.Counter((n, t) for n, t, _ in seen)
    print("net_dns: the server answered: "
          + ", ".join(f"{n} {TYPE_NAMES.get(t, t)}: rcode {r}" for n, t, r in seen))
    expected = {(name, TYPE_A), (name, TYPE_AAAA), (v6name, TYPE_A), (v6name, TYPE_AAAA),
                (missing, TYPE_A), (missing, TYPE_AAAA)}
    if set(asked) != expected:
        failures.append(f"the server was asked {sorted(asked, key=str)}, expected {sorted(expected, key=str)}")
    for t in (TYPE_A, TYPE_AAAA):
        if not 1 <= asked[(missing, t)] <= 2:
            failures.append(f"{missing} {TYPE_NAMES[t]} was asked {asked[(missing, t)]} times, expected once or twice")
    if not all(r == RCODE_NXDOMAIN for n, _, r in seen if n == missing):
        failures.append("the server did not answer the missing name with NXDOMAIN")

    return verdict("net_dns", out, failures,
                   f"{name} -> {a4} and {a6}, {v6name} -> {v6}, {missing}: NXDOMAIN; all checks passed",
                   keep=("net_dns_test:",), tail=4000)


if __name__ == "__main__":
    sys.exit(main())
