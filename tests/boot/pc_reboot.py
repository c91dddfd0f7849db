#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# pc_reboot.py: one reset test. Boots tests/image/power_test with "reboot" under QEMU's
# -no-reboot (tools/mote-run always passes it), where a reset of the machine ends QEMU with
# no exit status: that end, and not a timeout or a halt, is what passes.
import argparse
import sys

from boot_common import add_common_args, boot, check_patterns, parse_args, report


def main():
    p = argparse.ArgumentParser()
    add_common_args(p, timeout=60)
    a = parse_args(p, sys.argv[1:])

    _, out, console = boot(a, ["--no-debug-exit"])
    failures = []
    # mote-run's verdict when QEMU ends by itself with status 0 and the image printed no
    # status: here, the reset. A timeout or QEMU failing says something else.
    if "mote-run: QEMU exited without a status from the image" not in out:
        failures.append("QEMU did not end by itself after the reset request")
    if "timed out" in out:
        failures.append("timed out: the machine did not reset")
    failures += check_patterns(console, ["power_test: resetting the machine", *a.expect],
                               ["could not reset", "exit status", *a.reject])
    return report(out, failures, "ok: the machine reset and QEMU ended")


if __name__ == "__main__":
    sys.exit(main())
