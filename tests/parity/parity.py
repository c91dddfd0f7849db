#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# parity.py: one set of applications, built for kvm and for xen, must say the same thing on both.
# Each case boots the kvm image on q35 and the xen image as dom0, checks both exit statuses, and
# compares the consoles line for line after the normalizations in allowed.txt (and no others).
"""usage: parity.py --runner tools/mote-run --xen-cache DIR --kvm-build DIR --xen-build DIR
                 --allowed allowed.txt --logs DIR [--case NAME|XEN_IMAGE|STATUS|CMDLINE]...

The kvm image of a case is the xen image's path inside --xen-build, moved to --kvm-build, with
.kvm for .xen (both trees build the same targets in the same folders)."""
import argparse
import concurrent.futures
import difflib
import os
import re
import shlex
import subprocess
import sys


def load_allowed(path):
    """The (regex, replacement) pairs of allowed.txt, in order; a "drop REGEX" entry has None
    as its replacement: a line it matches is left out."""
    rules = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            m = re.fullmatch(r"sub (.+?) => (.*)", line) or re.fullmatch(r"drop (.+)", line)
            if not m:
                sys.exit(f"{path}:{number}: not 'sub REGEX => REPLACEMENT' or 'drop REGEX': {line!r}")
            try:
                rules.append((re.compile(m.group(1)), m.group(2) if m.re.groups == 2 else None))
            except re.error as e:
                sys.exit(f"{path}:{number}: bad regex: {e}")
    if not rules:
        sys.exit(f"{path}: no entries")
    return rules


def normalize(text, rules):
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        for regex, replacement in rules:
            if replacement is None:
                if regex.search(line):
                    line = None
                    break
            else:
                line = regex.sub(replacement, line)
        if line is not None:
            lines.append(line)
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def boot(a, machine, image, cmdline, log):
    cmd = [sys.executable, a.runner, "--machine", machine, "--memory", a.memory, "--timeout", "150",
           "--log", log]
    if machine == "dom0":
        cmd += ["--xen-cache", a.xen_cache]
    cmd += [image, *shlex.split(cmdline)]
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return run.returncode, run.stdout.decode(errors="replace")


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("--runner", required=True)
    p.add_argument("--xen-cache", required=True)
    p.add_argument("--kvm-build", required=True)
    p.add_argument("--xen-build", required=True)
    p.add_argument("--allowed", required=True)
    p.add_argument("--logs", required=True)
    p.add_argument("--memory", default="128M")
    p.add_argument("--case", action="append", default=[], metavar="NAME|XEN_IMAGE|STATUS|CMDLINE")
    a = p.parse_args()
    if not a.case:
        sys.exit("parity.py: no --case given")
    cases = []
    for case in a.case:
        fields = case.split("|", 3)
        if len(fields) != 4 or not fields[2].isdigit():
            sys.exit(f"parity.py: --case {case!r} is not NAME|XEN_IMAGE|STATUS|CMDLINE")
        cases.append(fields)
    a.case = cases
    rules = load_allowed(a.allowed)
    os.makedirs(a.logs, exist_ok=True)

    runs = {}  # (case name, platform) -> (machine, image, cmdline, log)
    missing = []
    for name, xen_image, _, cmdline in a.case:
        rel = os.path.relpath(xen_image, a.xen_build)
        if not xen_image.endswith(".xen") or rel.startswith(".."):
            sys.exit(f"parity.py: {name}: {xen_image} is not a .xen image inside {a.xen_build}")
        kvm_image = os.path.join(a.kvm_build, rel[:-len(".xen")] + ".kvm")
        for image in (xen_image, kvm_image):
            if not os.path.isfile(image):
                missing.append(image)
        runs[(name, "kvm")] = ("q35", kvm_image, cmdline, os.path.join(a.logs, f"{name}.kvm.log"))
        runs[(name, "xen")] = ("dom0", xen_image, cmdline, os.path.join(a.logs, f"{name}.xen.log"))
    if missing:
        print("FAILED: images missing (build both trees first, as tools/test does):\n  " + "\n  ".join(missing))
        return 1

    # Two boots at a time: this machine's two cores, and each case's pair finishes together.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {key: pool.submit(boot, a, *run) for key, run in runs.items()}
        results = {key: f.result() for key, f in futures.items()}

    passed = failed = 0
    for name, _, status, cmdline in a.case:
        problems = []
        outputs = {}
        for platform in ("kvm", "xen"):
            rc, out = results[(name, platform)]
            if rc != int(status):
                problems.append(f"{platform}: exit status {rc}, expected {status}")
            outputs[platform] = normalize(out, rules)
            if not outputs[platform]:
                problems.append(f"{platform}: no console output")
        diff = list(difflib.unified_diff(outputs["kvm"], outputs["xen"], "kvm (normalized)", "xen (normalized)",
                                         lineterm="", n=2))
        if diff:
            problems.append("the consoles differ:\n" + "\n".join("    " + d for d in diff))
        if problems:
            failed += 1
            print(f"FAIL {name} ({cmdline or 'no arguments'}):\n  " + "\n  ".join(problems))
        else:
            passed += 1
            print(f"ok   {name}: {len(outputs['kvm'])} lines the same, status {status} on both")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed != len(a.case) else 0


if __name__ == "__main__":
    sys.exit(main())
