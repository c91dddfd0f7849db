#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# boot_test.py: one boot test. Boots an image with tools/mote-run and checks its exit status
# and console output (regular expressions that must, or must not, appear).
import argparse
import importlib.machinery
import importlib.util
import re
import subprocess
import sys


def load_runner(path):
    """tools/mote-run as a module, for its command-line splitting."""
    if not path:
        sys.exit("boot_test.py: --runner is required")
    loader = importlib.machinery.SourceFileLoader("mote_run", path)
    spec = importlib.util.spec_from_loader("mote_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--memory", default="64M")
    p.add_argument("--status", type=int, required=True)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--reject", action="append", default=[])
    # An in-image suite's exact count: a run that skipped checks prints a smaller N and fails.
    p.add_argument("--passed", type=int)
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--no-debug-exit", action="store_true")
    p.add_argument("--raw-cmdline")
    p.add_argument("--qemu-arg", action="append", default=[])
    p.add_argument("--module")
    p.add_argument("--xen-cache")
    p.add_argument("--firmware")
    p.add_argument("--boot", help="a baremetal ISO's drive (mote-run --boot: cdrom or usb)")
    p.add_argument("image")
    runner = load_runner(next((sys.argv[i + 1] for i, w in enumerate(sys.argv) if w == "--runner"), None))
    a = runner.parse_image_args(p, sys.argv[1:])

    cmd = [sys.executable, a.runner, "--machine", a.machine, "--memory", a.memory,
           "--timeout", str(a.timeout), "--log", a.log, "--print-command"]
    if a.no_debug_exit:
        cmd.append("--no-debug-exit")
    for extra in a.qemu_arg:
        # One word with "=": a value such as "-machine acpi=off" would otherwise be read as
        # mote-run's own -m option.
        cmd.append("--qemu-arg=" + extra)
    if a.raw_cmdline is not None:
        cmd += ["--raw-cmdline", a.raw_cmdline]
    if a.module:
        cmd += ["--module", a.module]
    if a.xen_cache:
        cmd += ["--xen-cache", a.xen_cache]
    if a.firmware:
        cmd += ["--firmware", a.firmware]
    if a.boot:
        cmd += ["--boot", a.boot]
    cmd += [a.image, *a.cmdline]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = run.stdout.decode(errors="replace").replace("\r\n", "\n")
    # The patterns are about what the image printed: the runner's own lines (the QEMU command
    # line, which holds the image's arguments, a timeout) must not satisfy an --expect.
    console = "\n".join(line for line in out.split("\n") if not line.startswith("mote-run: "))
    failures = []
    if run.returncode != a.status:
        failures.append(f"exit status {run.returncode}, expected {a.status}")
    for pattern in a.expect:
        if not re.search(pattern, console):
            failures.append(f"missing output matching: {pattern}")
    if a.passed is not None:
        summaries = re.findall(r"^([0-9]+) passed, ([0-9]+) failed$", console, re.M)
        if summaries != [(str(a.passed), "0")]:
            got = "; ".join(f"{p} passed, {f} failed" for p, f in summaries) or "no summary line"
            failures.append(f"expected exactly one line \"{a.passed} passed, 0 failed\", got: {got}")
    for pattern in a.reject:
        if re.search(pattern, console):
            failures.append(f"unexpected output matching: {pattern}")
    print(out)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"ok: status {run.returncode}, {len(a.expect)} expected patterns found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
