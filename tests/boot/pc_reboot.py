#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# pc_reboot.py: one reset test. Boots tests/image/power_test with "reboot" under QEMU's
# -no-reboot (tools/mote-run always passes it), where a reset of the machine ends QEMU with
# no exit status: that end, and not a timeout or a halt, is what passes.
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from boot_test import load_runner  # noqa: E402  (mote-run's own splitting of the image's words)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--firmware")
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("image")
    runner = load_runner(next((sys.argv[i + 1] for i, w in enumerate(sys.argv) if w == "--runner"), None))
    a = runner.parse_image_args(p, sys.argv[1:])

    cmd = [sys.executable, a.runner, "--machine", a.machine, "--no-debug-exit",
           "--timeout", str(a.timeout), "--log", a.log]
    if a.firmware:
        cmd += ["--firmware", a.firmware]
    cmd += [a.image, *a.cmdline]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = run.stdout.decode(errors="replace").replace("\r\n", "\n")
    console = "\n".join(line for line in out.split("\n") if not line.startswith("mote-run: "))
    failures = []
    # mote-run's verdict when QEMU ends by itself with status 0 and the image printed no
    # status: here, the reset. A timeout or QEMU failing says something else.
    if "mote-run: QEMU exited without a status from the image" not in out:
        failures.append("QEMU did not end by itself after the reset request")
    if "timed out" in out:
        failures.append("timed out: the machine did not reset")
    for pattern in ["power_test: resetting the machine", *a.expect]:
        if not re.search(pattern, console):
            failures.append(f"missing output matching: {pattern}")
    for pattern in ["could not reset", "exit status", *a.reject]:
        if re.search(pattern, console):
            failures.append(f"unexpected output matching: {pattern}")
    print(out)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("ok: the machine reset and QEMU ended")
    return 0


if __name__ == "__main__":
    sys.exit(main())
