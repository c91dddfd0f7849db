#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# hostile_boot.py: boots a kvm image the way a careless or hostile user would (far too little
# RAM, command lines far too long) and checks that every boot ends cleanly: booted, or stopped
# with the documented status and message, within a time limit. One line per boot, then a total.
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import time

NO_FIT = "the image does not fit in RAM"
TOO_LONG = re.compile(r"command line (is )?longer than [0-9]+ bytes")
BAD_CMDLINE = 121
NO_MEMORY = 126


def run(cmd, limit):
    """Run cmd with a hard wall-clock limit; returns (exit code or None on timeout, output, s)."""
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=limit)
        code, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        code, out = None, e.stdout or b""
    return code, out.decode(errors="replace").replace("\r\n", "\n"), time.monotonic() - start


def tail(out, n=3):
    lines = [l for l in out.splitlines() if l.strip()]
    return " | ".join(lines[-n:])[-300:]


def check_memory(a, machine, kib):
    """One boot with `kib` KiB of RAM: hello must say hello and exit 0, or stop with 126 and
    the does-not-fit message; anything else (a hang, a fault, a silent QEMU exit) fails."""
    cmd = [sys.executable, a.runner, "--machine", machine, "--memory", f"{kib}K",
           "--timeout", str(a.limit), a.image, "--", "ram"]
    code, out, secs = run(cmd, a.limit + 5)
    if code == 0 and "Hello from Mote!" in out and secs <= a.limit:
        return True, f"booted in {secs:.1f} s"
    if code == NO_MEMORY and NO_FIT in out and secs <= a.limit:
        return True, f"refused (126) in {secs:.1f} s"
    return False, f"status {code} after {secs:.1f} s: {tail(out)}"


def long_line(kib):
    """A command line of exactly `kib` KiB that would be valid if it were short: no options,
    then application arguments."""
    size = kib * 1024
    words = "-- " + " ".join(["abcdefg"] * (size // 8))
    return (words + "x" * size)[:size]


def check_cmdline_runner(a, machine, kib):
    """Through mote-run: refused before QEMU starts. The QEMU given to mote-run does not exist,
    so starting it would fail with another status and no refusal message."""
    line = long_line(kib)
    cmd = [sys.executable, a.runner, "--machine", machine, "--qemu", "/nonexistent/qemu-for-hostile-test",
           "--raw-cmdline", line, a.image]
    code, out, secs = run(cmd, a.limit)
    if code == BAD_CMDLINE and re.search(r"mote-run: .*command line of [0-9]+ bytes", out):
        return True, f"refused by mote-run in {secs:.1f} s"
    return False, f"status {code} after {secs:.1f} s: {tail(out)}"


def check_longest_line(a, machine, _):
    """The longest line the image takes (4095 bytes) passes mote-run and reaches main() whole."""
    arg = "x" * (4095 - 3)
    cmd = [sys.executable, a.runner, "--machine", machine, "--timeout", str(a.limit),
           "--raw-cmdline", "-- " + arg, a.image]
    code, out, secs = run(cmd, a.limit + 5)
    if code == 0 and f'argv[1] = "{arg}"' in out:
        return True, f"booted with the whole line in {secs:.1f} s"
    return False, f"status {code} after {secs:.1f} s: {tail(out)[:200]}"


def check_cmdline_qemu(a, machine, kib):
    """Straight to QEMU's -append, bypassing mote-run: the image itself must stop with 121."""
    cmd = [a.qemu, "-M", machine, "-accel", "tcg", "-cpu", "max", "-m", "64M", "-nodefaults",
           "-no-user-config", "-display", "none", "-no-reboot", "-serial", "stdio",
           "-kernel", a.image, "-append", long_line(kib),
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    code, out, secs = run(cmd, a.limit)
    status = code >> 1 if code is not None and code & 1 else None
    if status == BAD_CMDLINE and TOO_LONG.search(out):
        return True, f"image stopped with 121 in {secs:.1f} s"
    return False, f"QEMU exit {code} (status {status}) after {secs:.1f} s: {tail(out)}"


def damaged_copy(image, where, workdir):
    """A copy of `image` with one byte changed in the middle of its loaded part `where`
    ("rodata" or "data": the second or third PT_LOAD segment), as firmware that wrote over
    the image would leave it."""
    data = bytearray(open(image, "rb").read())
    phoff = int.from_bytes(data[0x20:0x28], "little")
    loads = []
    for i in range(int.from_bytes(data[0x38:0x3a], "little")):
        ph = data[phoff + 56 * i:phoff + 56 * (i + 1)]
        if int.from_bytes(ph[0:4], "little") == 1:
            loads.append((int.from_bytes(ph[8:16], "little"), int.from_bytes(ph[32:40], "little")))
    offset, filesz = loads[{"rodata": 1, "data": 2}[where]]
    data[offset + filesz // 2] ^= 0x40
    path = os.path.join(workdir, f"damaged-{where}.kvm")
    with open(path, "wb") as f:
        f.write(data)
    return path


def check_damaged(a, machine, where):
    """An image changed after it was sealed must stop with 126 and say it is damaged."""
    cmd = [sys.executable, a.runner, "--machine", machine, "--timeout", str(a.limit),
           damaged_copy(a.image, where, a.workdir), "--", "damaged"]
    code, out, secs = run(cmd, a.limit + 5)
    if code == NO_MEMORY and "the image in RAM is not the one built" in out and "Hello" not in out:
        return True, f"refused (126) in {secs:.1f} s"
    return False, f"status {code} after {secs:.1f} s: {tail(out)}"


def check_module(a, machine, _):
    """A 3 MB boot module with 4 MiB of RAM: QEMU places it at the top of RAM, which reaches down
    over the image (QEMU does not check), and the firmware copies it there after the image was
    loaded. The image must stop with 126 and the does-not-fit message."""
    module = os.path.join(a.workdir, "module-3mb.bin")
    with open(module, "wb") as f:
        f.write(bytes(range(256)) * (3_000_000 // 256))
    cmd = [sys.executable, a.runner, "--machine", machine, "--memory", "4M", "--timeout", str(a.limit),
           "--module", module, a.image, "--", "module"]
    code, out, secs = run(cmd, a.limit + 5)
    if code == NO_MEMORY and NO_FIT in out and "Hello" not in out:
        return True, f"refused (126) in {secs:.1f} s"
    return False, f"status {code} after {secs:.1f} s: {tail(out)}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("memory", "cmdline", "damaged"))
    p.add_argument("--workdir", default=".", help="where damaged copies of the image go")
    p.add_argument("--runner", required=True, help="tools/mote-run")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--machines", required=True, help="comma-separated QEMU machines")
    p.add_argument("--from-kib", type=int, default=1024)
    p.add_argument("--to-kib", type=int, default=2048)
    p.add_argument("--step-kib", type=int, default=8)
    p.add_argument("--sizes-kib", default="4,8,16,32,64", help="command-line sizes (cmdline mode)")
    p.add_argument("--raw-max-kib", action="append", default=[], metavar="MACHINE=KIB",
                   help="largest line sent straight to QEMU on MACHINE (see hostile_boot.cmake)")
    p.add_argument("--limit", type=float, default=10, help="seconds each boot may take")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--expect", type=int, required=True, help="exact number of checks")
    p.add_argument("image")
    a = p.parse_args()
    if not os.path.isfile(a.image):
        sys.exit(f"hostile_boot.py: no such image: {a.image}")

    raw_max = {m: int(k) for m, k in (w.split("=") for w in a.raw_max_kib)}
    jobs = []
    for machine in a.machines.split(","):
        if a.mode == "memory":
            for kib in range(a.from_kib, a.to_kib + 1, a.step_kib):
                jobs.append((f"{machine} -m {kib}K", check_memory, machine, kib))
        elif a.mode == "damaged":
            for where in ("rodata", "data"):
                jobs.append((f"{machine} image with a byte changed in {where}", check_damaged, machine, where))
            if machine == "microvm":
                jobs.append(("microvm 3 MB boot module with -m 4M", check_module, machine, None))
        else:
            jobs.append((f"{machine} 4095-byte line", check_longest_line, machine, None))
            for kib in (int(s) for s in a.sizes_kib.split(",")):
                jobs.append((f"{machine} {kib} KiB line via mote-run", check_cmdline_runner, machine, kib))
                if kib <= raw_max.get(machine, kib):
                    jobs.append((f"{machine} {kib} KiB line via QEMU -append", check_cmdline_qemu, machine, kib))
    start = time.monotonic()
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        futures = [pool.submit(fn, a, machine, arg) for _, fn, machine, arg in jobs]
        for (name, *_), f in zip(jobs, futures):
            ok, what = f.result()
            passed += ok
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {what}", flush=True)
    print(f"{passed} passed, {failed} failed in {time.monotonic() - start:.0f} s")
    if passed + failed != a.expect:
        print(f"hostile_boot.py: ran {passed + failed} checks, expected {a.expect}")
        return 1
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
