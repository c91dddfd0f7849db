#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# hostile_httpd.py: examples/httpd against clients that hold connections without finishing a
# request (idle, half a head, a huge announced body), under QEMU user networking with a loopback
# port forwarded. Checks that a normal client is still served and the holders are closed.
# The case echo-idle checks examples/echo's idle timeout the same way.
import argparse
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_guest import Guest, free_port  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py, on the path net_guest set)

HOLDERS = 100
HALF_HEAD = b"GET / HTTP/1.1\r\nHost: x\r\n"


def open_holders(port, payload, fail):
    """HOLDERS connections, each sending `payload` (maybe nothing) and then nothing more."""
    socks = []
    for i in range(HOLDERS):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            if payload:
                s.sendall(payload)
            socks.append(s)
        except OSError as e:
            fail(f"holder {i}: {e}")
            break
    # Let user networking pass them all to the guest before the normal client comes: it sends
    # the SYNs the guest's stack drops in a burst again about every 0.8 s.
    time.sleep(3.0)
    return socks


def normal_request(port, bound):
    """A complete GET; returns (seconds, reply or error text). The socket timeout is the hang
    bound, well past `bound`, so a slow answer is reported with its time rather than as a hang."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=bound + 20) as s:
            s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return time.monotonic() - start, reply.decode(errors="replace")
    except OSError as e:
        return time.monotonic() - start, f"error: {e}"


def check_served(port, bound, what, fail):
    secs, reply = normal_request(port, bound)
    print(f"hostile_httpd: normal client after {HOLDERS} {what} connections: {secs:.2f} s")
    if not reply.startswith("HTTP/1.1 200") or "embedded at build time" not in reply:
        fail(f"normal client after {what} connections: {reply[:200]!r}")
    elif secs > bound:
        fail(f"normal client after {what} connections answered in {secs:.2f} s, over {bound} s")


def wait_closed(socks, seconds, what, fail, allowed_reply=None):
    """Every socket must see the server's EOF within `seconds`; what it received before must be
    nothing or match `allowed_reply`. Returns the last EOF's time."""
    deadline = time.monotonic() + seconds
    closed = 0
    for i, s in enumerate(socks):
        got = b""
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout()
                s.settimeout(left)
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        except socket.timeout:
            fail(f"{what} connection {i} still open after {seconds} s")
            return
        except OSError as e:
            fail(f"{what} connection {i}: {e} instead of an EOF")
            return
        text = got.decode(errors="replace")
        if got and (allowed_reply is None or not re.match(allowed_reply, text)):
            fail(f"{what} connection {i} got {text[:120]!r} before its EOF")
            return
        closed += 1
    print(f"hostile_httpd: all {closed} {what} connections closed by the server")


def close_all(socks):
    for s in socks:
        s.close()


def case_idle(port, a, fail):
    socks = open_holders(port, b"", fail)
    check_served(port, a.bound, "idle", fail)
    wait_closed(socks, a.idle_timeout + 15, "idle", fail)
    close_all(socks)


def case_half(port, a, fail):
    socks = open_holders(port, HALF_HEAD, fail)
    check_served(port, a.bound, "half-head", fail)
    # A head that times out may be answered 408 before the close.
    wait_closed(socks, a.header_timeout + 15, "half-head", fail, r"HTTP/1\.1 408 ")
    close_all(socks)


def read_reply(s, seconds):
    s.settimeout(seconds)
    got = b""
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return got.decode(errors="replace"), True
            got += chunk
    except socket.timeout:
        return got.decode(errors="replace"), False
    except OSError as e:
        return got.decode(errors="replace") + f" [{e}]", False


def trickle_until_closed(s, seconds):
    """Send a byte every 0.2 s until the server closes; returns (reply, closed, seconds)."""
    start = time.monotonic()
    s.settimeout(0.2)
    got = b""
    while time.monotonic() - start < seconds:
        try:
            s.send(b"x")
        except OSError:
            pass  # the server closed its side: read what it said
        try:
            chunk = s.recv(4096)
            if not chunk:
                return got.decode(errors="replace"), True, time.monotonic() - start
            got += chunk
        except socket.timeout:
            continue
        except OSError as e:
            return got.decode(errors="replace") + f" [{e}]", True, time.monotonic() - start
    return got.decode(errors="replace"), False, time.monotonic() - start


def case_body(port, a, fail):
    # 1 TiB announced, then trickled: refused at once with 413, never read.
    for method in ("POST", "GET"):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(f"{method} / HTTP/1.1\r\nHost: x\r\nContent-Length: 1099511627776\r\n\r\n".encode())
            reply, closed, secs = trickle_until_closed(s, 30)
            print(f"hostile_httpd: {method} with a 1 TiB body: closed={closed} after {secs:.2f} s")
            if not reply.startswith("HTTP/1.1 413 ") or not closed:
                fail(f"{method} with Content-Length 1 TiB: closed={closed}, reply {reply[:200]!r}")
    # A body within the limit that never completes: closed after the body timeout (408 first).
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\n")
        reply, closed, secs = trickle_until_closed(s, a.body_timeout + 15)
        print(f"hostile_httpd: trickled 4000-byte body: closed={closed} after {secs:.2f} s")
        if not closed or (reply and not reply.startswith("HTTP/1.1 408 ")):
            fail(f"trickled body: closed={closed} after {secs:.2f} s, reply {reply[:200]!r}")
        elif secs < a.body_timeout - 1:
            fail(f"trickled body closed after {secs:.2f} s, before the {a.body_timeout} s body timeout")
    # Many refused bodies in a row leave no thread behind: more than the connection cap.
    for i in range(70):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1099511627776\r\n\r\n")
            reply, closed = read_reply(s, 10)
            if not reply.startswith("HTTP/1.1 413 ") or not closed:
                fail(f"1 TiB body {i}: closed={closed}, reply {reply[:200]!r}")
                break
    check_served(port, a.bound, "refused-body", fail)


def echo_exchange(s, size):
    data = os.urandom(size)
    s.sendall(data)
    got = b""
    while len(got) < size:
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    return got == data


def case_echo_idle(port, a, fail):
    silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        # A client that talks, pausing less than the timeout between exchanges, is kept.
        for i in range(3):
            if i > 0:
                time.sleep(a.idle_timeout / 2)
            if not echo_exchange(s, 4096):
                fail(f"echo exchange {i} did not come back whole")
                break
        start = time.monotonic()
        reply, closed = read_reply(s, a.idle_timeout + 15)
        secs = time.monotonic() - start
        print(f"hostile_httpd: silent echo client closed={closed} after {secs:.2f} s")
        if not closed or reply:
            fail(f"echo client silent for {a.idle_timeout} s: closed={closed}, got {reply[:100]!r}")
        elif secs < a.idle_timeout - 1:
            fail(f"echo client closed after {secs:.2f} s, before its {a.idle_timeout} s timeout")
    wait_closed(silent, a.idle_timeout + 15, "silent echo", fail)
    close_all(silent)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--memory", default="64M")
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=float, default=150)
    p.add_argument("--case", choices=("idle", "half", "body", "echo-idle"), required=True)
    # Well under the timeouts below, so a client served in time was served because the server
    # made room, not because a holder timed out; typically 0.01 s, but user networking resends
    # a SYN the guest dropped in a burst only after about 0.8 s.
    p.add_argument("--bound", type=float, default=3.0, help="seconds a normal client may wait")
    p.add_argument("--idle-timeout", type=float, default=6)
    p.add_argument("--header-timeout", type=float, default=5)
    p.add_argument("--body-timeout", type=float, default=5)
    p.add_argument("image")
    a = p.parse_args()

    failures = []
    port = free_port()
    if a.case == "echo-idle":
        args = ["--", "-p", "80", "--idle-timeout", f"{a.idle_timeout:g}"]
        ready = r"echo: TCP and UDP on port 80"
    else:
        args = ["--", "-p", "80", "--idle-timeout", f"{a.idle_timeout:g}",
                "--header-timeout", f"{a.header_timeout:g}", "--body-timeout", f"{a.body_timeout:g}"]
        ready = r"httpd: serving \d+ files on port 80"
    guest = Guest(a.runner, a.machine, a.image, args, a.log,
                  netdev=f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80", memory=a.memory, timeout=a.timeout)
    try:
        if not guest.wait_for(ready, 60):
            failures.append("the server did not start")
        else:
            cases = {"idle": case_idle, "half": case_half, "body": case_body, "echo-idle": case_echo_idle}
            cases[a.case](port, a, failures.append)
    finally:
        out = guest.stop()
    return verdict("hostile_httpd", out, failures,
                   f"{a.case} on {a.machine} with {a.memory}: all checks passed")


if __name__ == "__main__":
    sys.exit(main())
