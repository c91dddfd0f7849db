#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# net_burst.py: many clients connect at once, as redis-benchmark's 50 do, and each must get its
# echo. Runs in a private network namespace with a tap device, not QEMU user networking: slirp's
# host-side listener has a backlog of 1 and lets a burst in two connections at a time, so the guest
# would never see one (docs/bench.md, "bench-apps: Redis").
import argparse
import os
import selectors
import shutil
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_guest import Guest  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py, on the path net_guest set)

HOST, GUEST = "10.0.2.2", "10.0.2.15"  # the tap's end and the guest: this namespace's own addresses
PORT = 7
MESSAGE_LEN = 32


def enter_private_netns():
    """Run this script again inside a new network namespace (as root: `unshare --net`; as another
    user: with a user namespace that maps it to root, where the kernel allows one)."""
    unshare = shutil.which("unshare")
    if not unshare:
        sys.exit("net_burst: FAIL unshare (util-linux) is needed for a private network namespace")
    cmd = [unshare, "--net"]
    if os.geteuid() != 0:
        cmd.append("--map-root-user")
    os.execv(unshare, cmd + ["--", sys.executable, os.path.abspath(__file__), "--in-netns", *sys.argv[1:]])


def make_tap():
    """tap0 at 10.0.2.2/24 in this namespace, which holds nothing else but lo: no traffic from
    here reaches any address outside it."""
    names = [name for _, name in socket.if_nameindex()]
    if names != ["lo"]:
        sys.exit(f"net_burst: FAIL not in a private network namespace (interfaces {names})")
    for cmd in (["ip", "link", "set", "lo", "up"], ["ip", "tuntap", "add", "tap0", "mode", "tap"],
                ["ip", "addr", "add", f"{HOST}/24", "dev", "tap0"], ["ip", "link", "set", "tap0", "up"]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"net_burst: FAIL {' '.join(cmd)}: {r.stderr.strip()}")


def burst(clients, seconds):
    """Starts `clients` non-blocking connects back to back, then on each sends MESSAGE_LEN bytes
    of its own and reads them back. Returns {client: what went wrong} for those that did not get
    their bytes back exactly within `seconds`."""
    sel = selectors.DefaultSelector()
    state = {}
    for i in range(clients):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((GUEST, PORT))
        msg = bytes((i * 7 + j) & 0xff for j in range(MESSAGE_LEN))
        state[s] = {"i": i, "msg": msg, "sent": 0, "got": b""}
        sel.register(s, selectors.EVENT_WRITE)
    failed = {}
    deadline = time.monotonic() + seconds
    while state and time.monotonic() < deadline:
        for key, _ in sel.select(0.5):
            s, st = key.fileobj, state[key.fileobj]
            try:
                if st["sent"] < MESSAGE_LEN:
                    err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        raise OSError(err, os.strerror(err))
                    st["sent"] += s.send(st["msg"][st["sent"]:])
                    if st["sent"] == MESSAGE_LEN:
                        sel.modify(s, selectors.EVENT_READ)
                    continue
                data = s.recv(MESSAGE_LEN)
                if not data:
                    raise OSError("closed by the server")
                st["got"] += data
                if len(st["got"]) < MESSAGE_LEN:
                    continue
                if st["got"] != st["msg"]:
                    failed[st["i"]] = "wrong bytes echoed"
            except BlockingIOError:
                continue
            except OSError as e:
                failed[st["i"]] = f"{e.strerror or e} after {st['sent']} bytes sent, {len(st['got'])} received"
            sel.unregister(s)
            s.close()
            del state[s]
    for s, st in state.items():
        failed[st["i"]] = f"no echo within {seconds:.0f} s ({st['sent']} bytes sent, {len(st['got'])} received)"
        s.close()
    return failed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", default="q35")
    p.add_argument("--memory", default="64M")
    p.add_argument("--log", required=True)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--seconds", type=float, default=60, help="for the whole burst: catches a hang only")
    p.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("image")
    a = p.parse_args()
    if not a.in_netns:
        enter_private_netns()
    make_tap()

    failures = []
    # vnet_hdr=off: the device offers what it does on user networking (no offloads).
    guest = Guest(a.runner, a.machine, a.image, [f"net.ip={GUEST}/24", "--"], a.log,
                  netdev="tap,id=n0,ifname=tap0,script=no,downscript=no,vnet_hdr=off", memory=a.memory)
    try:
        if not guest.wait_for(r"echo: TCP and UDP on port 7", 120):
            failures.append("echo did not start")
        else:
            failed = burst(a.clients, a.seconds)
            for i in sorted(failed)[:10]:
                failures.append(f"client {i}: {failed[i]}")
            if failed:
                failures.append(f"{len(failed)} of {a.clients} clients were not echoed")
            else:
                print(f"net_burst: {a.clients} of {a.clients} clients echoed")
    finally:
        out = guest.stop()
    return verdict("net_burst", out, failures, f"{a.clients} clients at once, all echoed: 1 passed, 0 failed")


if __name__ == "__main__":
    sys.exit(main())
