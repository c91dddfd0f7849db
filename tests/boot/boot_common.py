# SPDX-License-Identifier: MIT
# boot_common.py: what the boot-test scripts share (boot_test.py, pc_reboot.py): their common
# options, booting an image through tools/mote-run, and checking the console against patterns.
import importlib.machinery
import importlib.util
import re
import subprocess
import sys


def load_runner(path):
    """tools/mote-run as a module, for its command-line splitting."""
    if not path:
        sys.exit("boot test: --runner is required")
    loader = importlib.machinery.SourceFileLoader("mote_run", path)
    spec = importlib.util.spec_from_loader("mote_run", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def add_common_args(p, timeout):
    """The options every boot test takes; the script adds its own."""
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--timeout", type=float, default=timeout)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--firmware")
    p.add_argument("image")


def parse_args(p, argv):
    """Parse as mote-run does: the image's own words (kernel options, -- and the
    application's arguments) follow the image and land in .cmdline."""
    runner = load_runner(next((argv[i + 1] for i, w in enumerate(argv[:-1]) if w == "--runner"), None))
    return runner.parse_image_args(p, argv)


def boot(a, options):
    """Boot a.image with mote-run and the given extra options. Returns (status, everything
    printed, the console alone): the patterns are about what the image printed, so the
    runner's own lines (the QEMU command line, which holds the image's arguments, a timeout)
    must not satisfy an --expect."""
    cmd = [sys.executable, a.runner, "--machine", a.machine, "--timeout", str(a.timeout),
           "--log", a.log, *options]
    if a.firmware:
        cmd += ["--firmware", a.firmware]
    cmd += [a.image, *a.cmdline]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    out = run.stdout.decode(errors="replace").replace("\r\n", "\n")
    console = "\n".join(line for line in out.split("\n") if not line.startswith("mote-run: "))
    return run.returncode, out, console


def check_patterns(console, expect, reject):
    """The failures: an expected pattern missing, a rejected one present."""
    failures = [f"missing output matching: {p}" for p in expect if not re.search(p, console)]
    failures += [f"unexpected output matching: {p}" for p in reject if re.search(p, console)]
    return failures


def report(out, failures, ok):
    """Print the run and the verdict; the script's exit status."""
    print(out)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print(ok)
    return 0
