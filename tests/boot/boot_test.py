#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# boot_test.py: one boot test. Boots an image with tools/mote-run and checks its exit status
# and console output (regular expressions that must, or must not, appear).
import argparse
import re
import sys

from boot_common import add_common_args, boot, check_patterns, parse_args, report


def main():
    p = argparse.ArgumentParser()
    add_common_args(p, timeout=120)
    p.add_argument("--memory", default="64M")
    p.add_argument("--status", type=int, required=True)
    # An in-image suite's exact count: a run that skipped checks prints a smaller N and fails.
    p.add_argument("--passed", type=int)
    p.add_argument("--no-debug-exit", action="store_true")
    p.add_argument("--raw-cmdline")
    p.add_argument("--qemu-arg", action="append", default=[])
    p.add_argument("--module")
    p.add_argument("--xen-cache")
    p.add_argument("--boot", help="a baremetal ISO's drive (mote-run --boot: cdrom or usb)")
    a = parse_args(p, sys.argv[1:])

    options = ["--memory", a.memory, "--print-command"]
    if a.no_debug_exit:
        options.append("--no-debug-exit")
    for extra in a.qemu_arg:
        # One word with "=": a value such as "-machine acpi=off" would otherwise be read as
        # mote-run's own -m option.
        options.append("--qemu-arg=" + extra)
    if a.raw_cmdline is not None:
        options += ["--raw-cmdline", a.raw_cmdline]
    if a.module:
        options += ["--module", a.module]
    if a.xen_cache:
        options += ["--xen-cache", a.xen_cache]
    if a.boot:
        options += ["--boot", a.boot]
    status, out, console = boot(a, options)
    failures = []
    if status != a.status:
        failures.append(f"exit status {status}, expected {a.status}")
    failures += check_patterns(console, a.expect, [])
    if a.passed is not None:
        summaries = re.findall(r"^([0-9]+) passed, ([0-9]+) failed$", console, re.M)
        if summaries != [(str(a.passed), "0")]:
            got = "; ".join(f"{p} passed, {f} failed" for p, f in summaries) or "no summary line"
            failures.append(f"expected exactly one line \"{a.passed} passed, 0 failed\", got: {got}")
    failures += check_patterns(console, [], a.reject)
    return report(out, failures, f"ok: status {status}, {len(a.expect)} expected patterns found")


if __name__ == "__main__":
    sys.exit(main())
