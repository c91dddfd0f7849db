#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# promises.py: boot tests that need more than boot_test.py's output patterns: a console fed
# through a terminal, the host CPU time of an idle guest, the order and timing of net.wait, and
# the numbers mote.boottime prints. Each subcommand boots one image with tools/mote-run.
import argparse
import os
import pty
import re
import select
import socket
import subprocess
import sys
import time


def fail(why, out=""):
    print(out)
    print("FAILED: " + why)
    return 1


def run(a, cmdline, **kw):
    """mote-run IMAGE CMDLINE..., its output captured; returns (status, output)."""
    cmd = [sys.executable, a.runner, "--machine", a.machine, "--timeout", "120", "--log", a.log]
    cmd += a.runner_arg + [a.image, *cmdline]
    got = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=kw.pop("stdin", subprocess.DEVNULL), **kw)
    return got.returncode, got.stdout.decode(errors="replace").replace("\r\n", "\n")


def boottime(a):
    """mote.boottime prints the cycle counter at entry and at main(): both present, entry
    before main, and the two less than a minute of a 10 GHz counter apart (a boot takes
    milliseconds; garbage or a swapped pair would not pass)."""
    status, out = run(a, ["mote.boottime", "--"])
    m = re.search(r"mote: boot: entry at tsc ([0-9]+), main at tsc ([0-9]+)\n", out)
    if status != 0 or not m:
        return fail(f"status {status}, or no 'boot: entry at tsc X, main at tsc Y' line", out)
    entry, main = int(m.group(1)), int(m.group(2))
    if not 0 < entry < main or main - entry > 60 * 10**10:
        return fail(f"entry {entry}, main {main}: not 0 < entry < main within 6e11 cycles", out)
    if out.index(m.group(0)) > out.index("Hello from Mote!"):
        return fail("the boot time line comes after main() started", out)
    print(out)
    print(f"ok: entry at {entry}, main at {main}, {main - entry} cycles apart")
    return 0


def console(a):
    """Feeds two lines to the guest's serial console through a terminal (mote-run gives QEMU
    its own stdin when that is a terminal) once the guest says it waits for them ("console_test:
    send"); the guest must print both back, its summary and each --expect pattern."""
    master, slave = pty.openpty()
    cmd = [sys.executable, a.runner, "--machine", a.machine, "--timeout", "120", "--log", a.log,
           *a.runner_arg, a.image]
    proc = subprocess.Popen(cmd, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    os.close(slave)
    out, sent = b"", False
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout, master], [], [], 1.0)
        if master in ready:
            try:
                os.read(master, 4096)  # the terminal's echo before QEMU sets it raw
            except OSError:
                pass
        if proc.stdout in ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
            if not sent and b"console_test: send\n" in out.replace(b"\r", b""):
                time.sleep(0.5)  # the guest is inside poll() by now: POLLIN must wake it
                os.write(master, b"hello mote\nsecond line\n")
                sent = True
    else:
        proc.kill()
    status = proc.wait()
    os.close(master)
    text = out.decode(errors="replace").replace("\r\n", "\n")
    expect = a.expect or [r"poll with no input returned 0 after [0-9]+ ms",
                          r"poll returned 1, revents 0x1 \(POLLIN\)"]
    for pattern in expect + [r"got 'hello mote'\n", r"got 'second line'\n", rf"\b{a.count} passed, 0 failed"]:
        if not re.search(pattern, text):
            return fail(f"missing output matching: {pattern}", text)
    if not sent:
        return fail("the guest never asked for input ('console_test: send')", text)
    # The console must sleep on its input interrupt, not fall back to looking every millisecond.
    if "FAIL" in text or "no input interrupt" in text or status != 0:
        return fail(f"status {status}, expected 0 (or a FAIL or 'no input interrupt' line)", text)
    print(text)
    print("ok: the guest waited for input, then read both lines")
    return 0


def cpu_seconds(pid):
    """User + system CPU time of a process and its threads, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def qemu_pid(runner_pid):
    """mote-run's child: QEMU."""
    for task in os.listdir(f"/proc/{runner_pid}/task"):
        with open(f"/proc/{runner_pid}/task/{task}/children") as f:
            kids = f.read().split()
        if kids:
            return int(kids[0])
    return None


def idle(a):
    """While the guest sleeps (between its 'sleeping' and 'awake' lines), QEMU's CPU time must
    stay under a quarter of the wall time. A guest that polled in its idle loop would keep
    TCG's vCPU thread busy, about 100%; a halted vCPU costs QEMU next to nothing, so a quarter
    leaves room for QEMU's own housekeeping and a slow, loaded host without blurring the two."""
    cmd = [sys.executable, a.runner, "--machine", a.machine, "--timeout", "120", "--log", a.log,
           *a.runner_arg, a.image, "--", str(a.seconds)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, marks = b"", {}
    while True:
        chunk = os.read(proc.stdout.fileno(), 4096)
        if not chunk:
            break
        out += chunk
        for mark in (b"idle_test: sleeping", b"idle_test: awake"):
            if mark in out and mark not in marks:
                pid = qemu_pid(proc.pid)
                marks[mark] = (time.monotonic(), cpu_seconds(pid) if pid else None)
    status = proc.wait()
    text = out.decode(errors="replace").replace("\r\n", "\n")
    if status != 0 or len(marks) != 2 or None in (m[1] for m in marks.values()):
        return fail(f"status {status}; both marks seen with QEMU running: {len(marks) == 2}", text)
    (w0, c0), (w1, c1) = marks[b"idle_test: sleeping"], marks[b"idle_test: awake"]
    wall, cpu = w1 - w0, c1 - c0
    print(text)
    print(f"idle: QEMU used {cpu:.2f} s of CPU in {wall:.2f} s of wall time ({100 * cpu / wall:.0f}%)")
    if wall < a.seconds * 0.9:
        return fail(f"the sleep took {wall:.2f} s, less than {a.seconds} s")
    if cpu > wall / 4:
        return fail(f"QEMU used {cpu:.2f} s of CPU, more than a quarter of {wall:.2f} s")
    print("ok: the idle guest left the host CPU alone")
    return 0


def net_wait(a):
    """With DHCP (QEMU user networking), the lease is logged before main() starts and main's
    first connection to the host has 10.0.2.15 as its address; with no DHCP server (a NIC on
    a hub with nobody else), main() starts after net.wait ms with the documented warning."""
    if a.dhcp:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        status, out = run(a, [f"net.wait={a.wait_ms}", "--", str(port)])
        listener.close()
        lease = re.search(r"net: en1 \(.*\) IPv4 10\.0\.2\.15 ", out)
        first = out.find("net_wait_test: main() at")
        if status != 0 or not lease or first < 0 or lease.start() > first:
            return fail(f"status {status}; the lease must be logged before main() starts", out)
        if "net_wait_test: my address is 10.0.2.15\n" not in out:
            return fail("main() did not see its address 10.0.2.15", out)
        if "no DHCP lease after" in out:
            return fail("net.wait gave up although QEMU's DHCP server answers", out)
        print(out)
        print("ok: the lease came before main(), which saw 10.0.2.15")
        return 0
    status, out = run(a, [f"net.wait={a.wait_ms}", "--"])
    m = re.search(r"net_wait_test: main\(\) at ([0-9]+) ms", out)
    warning = f"net: no DHCP lease after {a.wait_ms} ms; main() starts, the lease may follow"
    if status != 0 or not m or warning not in out or out.index(warning) > m.start():
        return fail(f"status {status}; expected '{warning}' before main()'s first line", out)
    # The guest's clock counts from at or before boot, so main() at MS or later proves the
    # wait; MS + 4 s bounds it from above well below the 5000 ms default.
    at = int(m.group(1))
    if not a.wait_ms <= at <= a.wait_ms + 4000:
        return fail(f"main() started at {at} ms, not within {a.wait_ms}-{a.wait_ms + 4000} ms", out)
    print(out)
    print(f"ok: no lease, main() started at {at} ms after the warning")
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", default="q35")
    p.add_argument("--log", required=True)
    p.add_argument("--runner-arg", action="append", default=[], help="passed to mote-run as it is")
    sub = p.add_subparsers(dest="what", required=True)
    sub.add_parser("boottime").add_argument("image")
    c = sub.add_parser("console")
    c.add_argument("--count", type=int, required=True, help="the in-image checks that must pass")
    c.add_argument("--expect", action="append", default=[],
                   help="a pattern the output must have (default: console_test's poll lines)")
    c.add_argument("image")
    i = sub.add_parser("idle")
    i.add_argument("--seconds", type=int, default=5)
    i.add_argument("image")
    n = sub.add_parser("net-wait")
    n.add_argument("--wait-ms", type=int, required=True)
    n.add_argument("--dhcp", action="store_true", help="QEMU user networking answers DHCP")
    n.add_argument("image")
    a = p.parse_args()
    return {"boottime": boottime, "console": console, "idle": idle, "net-wait": net_wait}[a.what](a)


if __name__ == "__main__":
    sys.exit(main())
