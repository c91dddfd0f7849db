#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# net_stack.py: a network boot test. Boots a server image (httpd or echo) with tools/mote-run
# under QEMU user networking, forwards a loopback port of this machine to it, and checks it
# with real clients: curl for httpd, sockets for echo. Only 127.0.0.1 is ever contacted.
import argparse
import concurrent.futures
import os
import re
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_guest import Guest, free_port  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py, on the path net_guest set)


def curl(port, *args, path="/"):
    run = subprocess.run(["curl", "-s", "-S", "-m", "30", "-i", *args, f"http://127.0.0.1:{port}{path}"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return run.returncode, run.stdout.decode(errors="replace")


def raw_request(port, data):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(data)
        reply = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return reply.decode(errors="replace")
            reply += chunk


def check_httpd(port, fail):
    rc, out = curl(port)
    if rc != 0 or not out.startswith("HTTP/1.1 200") or "Hello from Mote!" not in out:
        fail(f"GET / gave curl status {rc}: {out[:300]!r}")
    rc, out = curl(port, "-I", path="/hello.txt")
    if rc != 0 or not out.startswith("HTTP/1.1 200") or "Content-Length: 50" not in out \
            or "embedded at build time" in out:
        fail(f"HEAD /hello.txt: {out[:300]!r}")
    rc, out = curl(port, path="/missing.html")
    if rc != 0 or not out.startswith("HTTP/1.1 404"):
        fail(f"GET /missing.html: {out[:300]!r}")
    out = raw_request(port, b"NOT A REQUEST\r\n\r\n")
    if not out.startswith("HTTP/1.1 400"):
        fail(f"malformed request: {out[:300]!r}")
    out = raw_request(port, b"GET /../secret HTTP/1.1\r\n\r\n")
    if not out.startswith("HTTP/1.1 400"):
        fail(f"path above the root: {out[:300]!r}")
    # Keep-alive: two requests on one connection, then the server closes after the second.
    out = raw_request(port, b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    if out.count("HTTP/1.1 200 OK") != 2 or "Hello from Mote!" not in out:
        fail(f"two requests on one connection: {out[:400]!r}")
    # Still serving after the bad ones.
    rc, out = curl(port, path="/hello.txt")
    if rc != 0 or "embedded at build time" not in out:
        fail(f"GET after the malformed requests: {out[:300]!r}")
    # 50 clients at once, each answered in full.
    with concurrent.futures.ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda i: curl(port, path="/index.html" if i % 2 else "/hello.txt"), range(50)))
    good = sum(1 for i, (rc, out) in enumerate(results)
               if rc == 0 and out.startswith("HTTP/1.1 200")
               and ("Hello from Mote!" if i % 2 else "embedded at build time") in out)
    print(f"net_stack: {good} of 50 concurrent clients answered correctly")
    if good != 50:
        bad = [out[:200] for rc, out in results if rc != 0 or not out.startswith("HTTP/1.1 200")]
        fail(f"only {good} of 50 concurrent clients answered correctly; first failure: {bad[:1]!r}")


def check_echo(port, uport, fail):
    data = os.urandom(1 << 20)
    got = bytearray()
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        def send():
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        sender = threading.Thread(target=send)
        sender.start()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        sender.join()
    secs = time.monotonic() - start
    print(f"net_stack: TCP echo of {len(data)} random bytes: {len(got)} back in {secs:.2f} s")
    if bytes(got) != data:
        fail(f"TCP echo: {len(got)} bytes came back, "
             f"{'same' if bytes(got) == data[:len(got)] else 'different'} prefix")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(5)
        answered = 0
        for i in range(5):
            msg = os.urandom(512)
            u.sendto(msg, ("127.0.0.1", uport))
            try:
                reply, _ = u.recvfrom(2048)
                answered += reply == msg
            except socket.timeout:
                pass
        # User networking forwards UDP without loss on one machine, but allow one lost datagram.
        if answered < 4:
            fail(f"UDP echo: {answered} of 5 datagrams came back")


def run_pair(a, port):
    """Two Mote machines on one QEMU socket network (a TCP connection between the two QEMUs on
    this machine's loopback): the echo server at 10.0.0.1, the client image at 10.0.0.2."""
    server = Guest(a.runner, a.machine, a.image, ["net.ip=10.0.0.1/24", "--", "-p", "7"], a.log,
                   netdev=f"socket,id=n0,listen=127.0.0.1:{port}", memory=a.memory, timeout=a.timeout,
                   mac="52:54:00:00:00:01")
    failures = []
    client_out = ""
    try:
        if not server.wait_for(r"echo: TCP and UDP on port 7", 60):
            failures.append("the echo server did not start")
        else:
            client = Guest(a.runner, a.machine, a.peer, ["net.ip=10.0.0.2/24", "--", "10.0.0.1", "7"],
                           a.log + ".peer", netdev=f"socket,id=n0,connect=127.0.0.1:{port}",
                           memory=a.memory, timeout=a.timeout, mac="52:54:00:00:00:02")
            status = client.proc.wait(a.timeout + 30)
            client_out = client.stop()
            if status != 0:
                failures.append(f"the client exited with status {status}")
            for want in (r"net_peer: 1048576 bytes echoed by 10\.0\.0\.1, all equal",
                         r"net_peer: 10 of 10 datagrams echoed",
                         r"(?m)^4 passed, 0 failed$"):  # tests/image/net_peer.c's exact count
                if not re.search(want, client_out):
                    failures.append(f"the client printed no line matching {want!r}")
    finally:
        server_out = server.stop()
    if failures:
        print("--- server\n" + server_out[-2000:] + "\n--- client\n" + client_out[-2000:])
        for f in failures:
            print("net_stack: FAIL " + f)
        return 1
    print(client_out[-400:])
    print(f"net_stack: two Mote machines on {a.machine}: all checks passed")
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--memory", default="64M")
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=float, default=150)
    p.add_argument("--mode", choices=("httpd", "echo", "pair"), required=True)
    p.add_argument("--peer", help="pair mode: the client image, booted on a second machine")
    p.add_argument("--static", action="store_true", help="the image is given net.ip=10.0.2.15/24 net.gw=10.0.2.2")
    p.add_argument("--nic", choices=("e1000", "e1000e"), help="this QEMU NIC instead of virtio-net")
    p.add_argument("--expect", action="append", default=[], help="a regex the console must match (repeatable)")
    p.add_argument("--firmware", choices=("bios", "uefi"), help="a baremetal ISO's firmware (mote-run --firmware)")
    p.add_argument("image")
    p.add_argument("args", nargs=argparse.REMAINDER)
    a = p.parse_args()

    failures = []
    port, uport = free_port(), free_port()
    if a.mode == "pair":
        return run_pair(a, port)
    if a.mode == "httpd":
        fwd = [f"hostfwd=tcp:127.0.0.1:{port}-:80"]
        ready = r"httpd: serving \d+ files on port 80"
    else:
        fwd = [f"hostfwd=tcp:127.0.0.1:{port}-:7", f"hostfwd=udp:127.0.0.1:{uport}-:7"]
        ready = r"echo: TCP and UDP on port 7"
    guest = Guest(a.runner, a.machine, a.image, a.args, a.log, netdev="user,id=n0," + ",".join(fwd),
                  memory=a.memory, timeout=a.timeout, nic=a.nic, firmware=a.firmware)
    # The driver's netdev name: e1000-N and e1000e-N are Intel's, virtio-netN otherwise.
    devname = a.nic + "-" if a.nic else "virtio-net"
    try:
        if not guest.wait_for(ready, 60):
            failures.append(f"the server did not start: no line matching {ready!r}")
        else:
            how = "static" if a.static else "DHCP lease"
            for want in a.expect:
                if not re.search(want, guest.out):
                    failures.append(f"no line matching {want!r}")
            if not re.search(r"net: en\d+ \(" + devname + r"\d+\) IPv4 10\.0\.2\.15 netmask 255\.255\.255\.0 "
                             r"gateway 10\.0\.2\.2 \(" + how + r"\)", guest.out):
                failures.append(f"no {how} address 10.0.2.15 reported")
            if a.static and "net: DNS server 1: 10.0.2.3" not in guest.out:
                failures.append("the DNS server from net.dns=10.0.2.3 was not reported")
            # QEMU's user network advertises fec0::/64: SLAAC gives the interface an address.
            if not guest.wait_for(r"net: en\d+ IPv6 fec0:[0-9a-f:]+ \(SLAAC\)", 20):
                failures.append("no SLAAC address in fec0::/64 reported")
            if a.mode == "httpd":
                check_httpd(port, failures.append)
            else:
                check_echo(port, uport, failures.append)
    finally:
        out = guest.stop()
    return verdict("net_stack", out, failures, f"{a.mode} on {a.machine}: all checks passed")


if __name__ == "__main__":
    sys.exit(main())
