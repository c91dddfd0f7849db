#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# hostile_net.py: network boot tests with hostile clients (tests/boot/hostile_net.cmake). Boots
# httpd or echo under QEMU user networking with loopback ports forwarded, attacks it from this
# machine's loopback (only 127.0.0.1 is contacted), then checks a normal client is still served.
import argparse
import errno
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_guest import Guest, free_port  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py, on the path net_guest set)

HOGS = 5             # clients that send and never read (--hogs)
HOG_BLOCK = 64 << 10  # bytes per send
HOG_SECONDS = 3.0
SERVED_WITHIN = 1.0  # seconds a normal client may wait
SETTLE_MAX_SECONDS = 30.0  # for the guest to work off what the non-reading clients sent
# Idle seconds in a row that count as settled. One quiet second is not enough: at -m 4M the
# guest drops segments under memory pressure, and while slirp waits out its retransmission
# timer (1 s, then longer) the guest is quiet before it goes back to work (CI saw this: "idle
# 1.0 s after", then busy 3 s later, an ordinary backlog, not the endless ACK exchange).
SETTLED_SECONDS = 4
PROBE_SECONDS = 1.0  # then a little more, for lwIP's zero window probes to back off
IDLE_SECONDS = 2.0
IDLE_MAX_CPU = 0.25  # CPU seconds per second QEMU may use with no client sending (idle: about 0.01)


def hog(mode, port, stop, stats, i):
    """Connects and sends 64 KiB blocks until `stop`, never reading: to httpd, requests for /
    back to back (each draws a reply), to echo, bytes. A send that does not go through waits
    (the server's window is shut); the connection stays open until told."""
    if mode == "httpd":
        req = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        block = req * (HOG_BLOCK // len(req))
    else:
        block = bytes((i + j) & 0xff for j in range(HOG_BLOCK))
    s = socket.socket()
    # A small receive buffer, as a careful attacker sets it: the server's replies fill it within
    # the first second, and every window on the way back to the server shuts.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(5)
    try:
        s.connect(("127.0.0.1", port))
    except OSError as e:
        s.close()
        stats[i] = f"connect: {e}"
        return None
    s.setblocking(False)
    sent = 0
    while not stop.is_set():
        try:
            sent += s.send(block)
        except BlockingIOError:
            time.sleep(0.01)
        except OSError as e:  # the server may close or reset a client it will not serve
            stats[i] = f"{sent} bytes, then {e.__class__.__name__}"
            s.close()
            return None
    stats[i] = f"{sent} bytes"
    return s


def udp_flood(uport, stop, stats):
    """Datagrams of 1 KB as fast as this thread can send them, no reply read."""
    n = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        msg = os.urandom(1024)
        while not stop.is_set():
            try:
                u.sendto(msg, ("127.0.0.1", uport))
                n += 1
            except OSError:
                time.sleep(0.001)
    stats["udp"] = n


def read_to_eof(s):
    """Everything the peer sends on s until its EOF."""
    reply = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return reply
        reply += chunk


def http_get(port, timeout):
    """One GET / on its own connection (Connection: close): the elapsed seconds, or an error."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(max(0.05, timeout - (time.monotonic() - start)))
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = read_to_eof(s)
    except OSError as e:
        return f"{e.__class__.__name__} after {time.monotonic() - start:.2f} s"
    if not reply.startswith(b"HTTP/1.1 200") or b"Hello from Mote!" not in reply:
        return f"reply {reply[:80]!r}"
    return time.monotonic() - start


def tcp_echo(port, timeout, size=4096):
    """size random bytes echoed over a new connection, checked byte for byte."""
    data = os.urandom(size)
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(max(0.05, timeout - (time.monotonic() - start)))
            s.sendall(data)
            got = b""
            while len(got) < size:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
    except OSError as e:
        return f"{e.__class__.__name__} after {time.monotonic() - start:.2f} s"
    if got != data:
        return f"{len(got)} of {size} bytes came back{'' if got == data[:len(got)] else ', different'}"
    return time.monotonic() - start


def udp_echo(uport, size, timeout):
    """One datagram of `size` random bytes echoed: the elapsed seconds, or an error."""
    msg = os.urandom(size)
    start = time.monotonic()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        u.settimeout(timeout)
        u.sendto(msg, ("127.0.0.1", uport))
        try:
            while True:
                reply, _ = u.recvfrom(65536)
                if reply == msg:
                    return time.monotonic() - start
        except socket.timeout:
            return f"no echo of the {size}-byte datagram within {timeout} s"


def served(a, port, uport, what, fail):
    """A normal client is served within SERVED_WITHIN seconds."""
    if a.mode == "httpd":
        r = http_get(port, SERVED_WITHIN)
    else:
        r = tcp_echo(port, SERVED_WITHIN)
    if isinstance(r, str):
        fail(f"{what}: a normal client was not served within {SERVED_WITHIN} s: {r}")
    else:
        print(f"hostile_net: {what}: a normal client served in {r:.3f} s")
    if a.mode == "echo":
        r = udp_echo(uport, 512, SERVED_WITHIN)
        if isinstance(r, str):
            fail(f"{what}: UDP: {r}")
        else:
            print(f"hostile_net: {what}: a UDP datagram echoed in {r:.3f} s")


def qemu_pids(guest):
    """The QEMU processes under mote-run (its children)."""
    pids, todo = [], [guest.proc.pid]
    while todo:
        pid = todo.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
                todo += kids
                pids += kids
        except OSError:
            pass
    return pids


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


def wait_idle(guest, seconds):
    """Seconds until QEMU has spent SETTLED_SECONDS 1 s windows in a row under IDLE_MAX_CPU
    (counted to the first of them), or None."""
    pids = qemu_pids(guest)
    start = time.monotonic()
    quiet = 0
    while time.monotonic() - start < seconds:
        before = cpu_seconds(pids)
        time.sleep(1)
        quiet = quiet + 1 if cpu_seconds(pids) - before <= IDLE_MAX_CPU else 0
        if quiet == SETTLED_SECONDS:
            return time.monotonic() - start - SETTLED_SECONDS
    return None


def idle_check(guest, what, fail):
    """With no client sending, the guest should be idle: an endless exchange of ACKs keeps
    QEMU (the vCPU and the user network's thread) busy, about 2 CPU seconds a second."""
    pids = qemu_pids(guest)
    before = cpu_seconds(pids)
    time.sleep(IDLE_SECONDS)
    used = cpu_seconds(pids) - before
    print(f"hostile_net: {what}: QEMU used {used:.2f} CPU s in {IDLE_SECONDS:.0f} s")
    if not pids or used > IDLE_MAX_CPU * IDLE_SECONDS:
        fail(f"{what}: the guest is not idle: QEMU used {used:.2f} CPU s in {IDLE_SECONDS:.0f} s "
             f"(at most {IDLE_MAX_CPU * IDLE_SECONDS:.1f}); pids {pids}")


def attack_nonreading(a, guest, port, uport, fail):
    stop = threading.Event()
    stats = {}
    socks = [None] * a.hogs

    def run(i):
        socks[i] = hog(a.mode, port, stop, stats, i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(a.hogs)]
    # Against echo the flood reaches its UDP socket, whose replies nobody reads; against httpd a
    # port nothing listens on (lwIP answers each with an ICMP port unreachable).
    threads.append(threading.Thread(target=udp_flood, args=(uport, stop, stats)))
    for t in threads:
        t.start()
    time.sleep(a.hog_seconds)
    stop.set()
    for t in threads:
        t.join()
    print("hostile_net: %d clients sent and never read: %s" %
          (a.hogs, "; ".join(stats.get(i, "?") for i in range(a.hogs))))
    if "udp" in stats:
        print(f"hostile_net: {stats['udp']} UDP datagrams sent, no reply read")
    # The clients that never read are still connected. The guest first works off what they sent
    # (httpd answers every pipelined GET until their windows shut); then, with all windows shut
    # both ways and lwIP's zero window probes running, it must go idle and serve others.
    settled = wait_idle(guest, SETTLE_MAX_SECONDS)
    if settled is None:
        fail(f"the guest was still busy {SETTLE_MAX_SECONDS:.0f} s after the clients stopped sending")
    else:
        print(f"hostile_net: the guest went idle {settled:.1f} s after the clients stopped sending")
    # Idle must last: the ACK loop starts with the first zero window probes (1.5 s back-off).
    time.sleep(PROBE_SECONDS)
    idle_check(guest, "with the non-reading clients connected", fail)
    if a.hogs <= HOGS:
        served(a, port, uport, "with the non-reading clients connected", fail)
    else:
        # More clients than the memory budget holds windows for (net_mem.c sizes each window so
        # that HOGS of them fit with room to spare): what they hold may leave no memory for a new
        # connection. The guest must still stay idle (above) and recover once they leave (below):
        # their resets must get in although the budget is spent.
        print(f"hostile_net: {a.hogs} clients are more than the {HOGS} whose windows the budget "
              "holds: a new client is checked only after they leave")
    for s in socks:
        if s is not None:
            s.close()
    # The server may still be blocked writing to a client that left (slirp answers the guest's
    # probes with a shut window until it gives up), until its idle timeout closes the connection.
    time.sleep(a.leave_seconds)
    served(a, port, uport, "after they left", fail)
    idle_check(guest, "after they left", fail)


def attack_churn(a, port, fail):
    """a.churn short Connection: close requests from a.churn_threads threads, each timed: the slowest is
    reported and every one over SERVED_WITHIN seconds is a failure."""
    lock = threading.Lock()
    results = []
    nxt = [0]

    def worker():
        while True:
            with lock:
                if nxt[0] >= a.churn:
                    return
                nxt[0] += 1
            r = http_get(port, 5.0)
            with lock:
                results.append(r)
    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(a.churn_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.monotonic() - start
    times = sorted(r for r in results if not isinstance(r, str))
    errors = [r for r in results if isinstance(r, str)]
    slow = [t for t in times if t > SERVED_WITHIN]
    print(f"hostile_net: {len(results)} Connection: close requests in {secs:.1f} s "
          f"({len(results) / secs:.0f}/s), slowest {times[-1] if times else 0:.3f} s, "
          f"{len(slow)} over {SERVED_WITHIN} s, {len(errors)} failed")
    if errors:
        fail(f"{len(errors)} of {a.churn} requests failed; first: {errors[0]}")
    if slow:
        fail(f"{len(slow)} of {a.churn} requests took over {SERVED_WITHIN} s (slowest {slow[-1]:.2f} s)")
    served(a, port, None, "after the churn", fail)


def refused_request(port, src, timeout):
    """A request head httpd refuses (400), sent from source port src and read to httpd's EOF, then
    closed: httpd half-closes first and lingers for ours, so its end goes to TIME-WAIT while its
    thread has yet to close. None, or what went wrong."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", src))
            s.settimeout(timeout)
            s.connect(("127.0.0.1", port))
            break
        except OSError as e:
            s.close()
            # The last connection from src may still be closing on this side.
            if e.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL) or time.monotonic() > deadline:
                return f"connect from port {src}: {e}"
            time.sleep(0.001)
    try:
        with s:
            s.sendall(b"NOT HTTP\r\n\r\n")
            reply = read_to_eof(s)
    except OSError as e:
        return f"{e.__class__.__name__}: {e}"
    if not reply.startswith(b"HTTP/1.1 400"):
        return f"reply {reply[:80]!r}"
    return None


def attack_halfclose(a, port, fail):
    """a.rounds refused requests, each from the same source port the moment the last one closed: the
    new SYN ends the old pair's TIME-WAIT in the guest (net/lwip-patches/0002) while httpd's thread
    still holds that connection, and its close must not free the pcb a second time."""
    src = free_port()
    start = time.monotonic()
    for i in range(a.rounds):
        r = refused_request(port, src, 5.0)
        if r:
            fail(f"refused request {i + 1} of {a.rounds} from port {src}: {r}")
            return
    print(f"hostile_net: {a.rounds} refused requests from port {src} in {time.monotonic() - start:.1f} s")
    served(a, port, None, "after the half-closed connections", fail)


def attack_bigudp(a, uport, fail):
    for size in (1472, 14600, 30000, 65507):
        r = udp_echo(uport, size, 5.0)
        if isinstance(r, str):
            fail(r)
        else:
            print(f"hostile_net: a {size}-byte UDP datagram echoed byte for byte in {r:.3f} s")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", default="microvm")
    p.add_argument("--memory", default="64M")
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=float, default=150)
    p.add_argument("--mode", choices=("httpd", "echo"), required=True)
    p.add_argument("--attack", choices=("nonreading", "churn", "halfclose", "bigudp"), required=True)
    p.add_argument("--churn", type=int, default=5000)
    p.add_argument("--churn-threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=300, help="halfclose: requests from one port (default 300)")
    p.add_argument("--hog-seconds", type=float, default=HOG_SECONDS)
    p.add_argument("--hogs", type=int, default=HOGS, help="clients that never read (default 5)")
    p.add_argument("--leave-seconds", type=float, default=1.0,
                   help="wait after the clients leave before a normal client is checked (default 1)")
    p.add_argument("image")
    p.add_argument("args", nargs=argparse.REMAINDER)
    a = p.parse_args()

    failures = []
    port, uport = free_port(), free_port()
    if a.mode == "httpd":
        fwd = [f"hostfwd=tcp:127.0.0.1:{port}-:80", f"hostfwd=udp:127.0.0.1:{uport}-:9"]
        ready = r"httpd: serving \d+ files on port 80"
    else:
        fwd = [f"hostfwd=tcp:127.0.0.1:{port}-:7", f"hostfwd=udp:127.0.0.1:{uport}-:7"]
        ready = r"echo: TCP and UDP on port 7"
    guest = Guest(a.runner, a.machine, a.image, a.args, a.log, netdev="user,id=n0," + ",".join(fwd),
                  memory=a.memory, timeout=a.timeout)
    try:
        if not guest.wait_for(ready, 60):
            failures.append(f"the server did not start: no line matching {ready!r}")
        else:
            served(a, port, uport, "before the attack", failures.append)
            if a.attack == "nonreading":
                attack_nonreading(a, guest, port, uport, failures.append)
            elif a.attack == "churn":
                attack_churn(a, port, failures.append)
            elif a.attack == "halfclose":
                attack_halfclose(a, port, failures.append)
            else:
                attack_bigudp(a, uport, failures.append)
    finally:
        out = guest.stop()
    return verdict("hostile_net", out, failures,
                   f"{a.attack} against {a.mode} at -m {a.memory}: all checks passed")


if __name__ == "__main__":
    sys.exit(main())
