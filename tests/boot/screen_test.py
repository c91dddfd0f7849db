#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# screen_test.py: one screen-console test of a baremetal ISO. Boots it with tools/mote-run
# --screendump (QEMU's VGA card; the screen saved when the image powers off), reads the text
# back from the PPM cell by cell against the same 8x16 font the image draws with
# (tools/mote_font.py), and checks the screen's size, the lines it must show, and the status.
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "tools"))
import mote_font  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--font-cache", required=True)
    p.add_argument("--machine", default="q35")
    p.add_argument("--firmware", default="bios")
    p.add_argument("--screen", help="the ISO's screen mode (mote-run --screen)")
    p.add_argument("--size", required=True, help="WIDTHxHEIGHT of the screendump in pixels")
    p.add_argument("--status", type=int, required=True)
    p.add_argument("--line", action="append", default=[],
                   help="a regular expression one whole line of the screen must match")
    p.add_argument("--absent", action="append", default=[],
                   help="a regular expression no line of the screen may match (scrolled away)")
    p.add_argument("--dump", required=True, help="where to keep the screendump (PPM)")
    p.add_argument("--log", required=True)
    p.add_argument("iso")
    # Every word after the ISO is its command line, "--" included (argparse would drop it).
    at = next((i for i, w in enumerate(sys.argv) if w.endswith(".iso")), len(sys.argv) - 1)
    a = p.parse_args(sys.argv[1:at + 1])
    a.cmdline = sys.argv[at + 1:]

    if os.path.exists(a.dump):
        os.remove(a.dump)
    cmd = [sys.executable, a.runner, "--machine", a.machine, "--firmware", a.firmware,
           "--timeout", "150", "--log", a.log, "--screendump", a.dump]
    if a.screen:
        cmd += ["--screen", a.screen]
    cmd += [a.iso, *a.cmdline]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = run.stdout.decode(errors="replace")
    failures = []
    if run.returncode != a.status:
        failures.append(f"exit status {run.returncode}, expected {a.status}")
    lines = []
    if not os.path.isfile(a.dump):
        failures.append("no screendump")
    else:
        width, height, _ = mote_font.read_ppm(a.dump)
        if f"{width}x{height}" != a.size:
            failures.append(f"the screen is {width}x{height} pixels, expected {a.size}")
        font = mote_font.latin1_table(mote_font.load(mote_font.fetch(a.font_cache)))
        lines = mote_font.read_screen(font, a.dump)
        for pattern in a.line:
            if not any(re.fullmatch(pattern, line) for line in lines):
                failures.append(f"no line of the screen matches: {pattern}")
        for pattern in a.absent:
            if any(re.fullmatch(pattern, line) for line in lines):
                failures.append(f"a line of the screen matches what should have scrolled away: {pattern}")
    if failures:
        print(out)
        print("--- the screen shows:")
        print("\n".join(lines).rstrip("\n"))
        print("---")
        for f in failures:
            print("FAIL: " + f)
        return 1
    print(f"screen {a.size}: {len(a.line)} line(s) found" + (f", {len(a.absent)} gone" if a.absent else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
