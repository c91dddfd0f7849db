#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# accel_test.py: tools/mote-run's choice of accelerator (docs/running.md), one case per ctest
# entry (tests/boot/accel.cmake). The KVM fallback is exercised without KVM through
# fake_kvm_qemu.py, which fails `-accel kvm` as a broken nested KVM does, and --kvm-device.
"""usage: accel_test.py --runner tools/mote-run --case CASE --image IMAGE [--clock-image IMAGE]"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE_QEMU = os.path.join(HERE, "fake_kvm_qemu.py")
SKIP = 77  # ctest SKIP_RETURN_CODE
FALLBACK_RE = r"mote-run: KVM cannot run this guest \((.*)\); using TCG"
MSR_LINE = "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69"
INTERNAL_LINE = "KVM internal error. Suberror: 1"
HELLO_OUT = ['Hello from Mote!', 'argv[1] = "--exit=7"', "mote: exit status 7"]


class Case:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.failures = []
        self.device = os.path.join(tmp, "kvm")  # any writable file stands for a usable /dev/kvm
        open(self.device, "w").close()
        self.cache = os.path.join(tmp, "accel-cache.json")
        self.qemu_log = os.path.join(tmp, "qemu-runs")

    def run(self, options, words, env=None, image=None):
        """mote-run with `options`, the image and its command-line `words`: (status, stdout, stderr)."""
        cmd = [sys.executable, self.args.runner, "--timeout", "90", *options, image or self.args.image, *words]
        e = dict(os.environ, MOTE_ACCEL_CACHE=self.cache, FAKE_QEMU_LOG=self.qemu_log)
        for name in ("MOTE_ACCEL", "MOTE_NO_KVM", "MOTE_KVM_DEVICE", "FAKE_KVM_FAILURE", "FAKE_QEMU_SILENT"):
            e.pop(name, None)
        e.update(env or {})
        if os.path.exists(self.qemu_log):
            os.unlink(self.qemu_log)
        print("$ " + " ".join(cmd) + "".join(f"  [{k}={v}]" for k, v in (env or {}).items()), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=e,
                           timeout=300)
        out, err = (x.decode(errors="replace").replace("\r\n", "\n") for x in (p.stdout, p.stderr))
        print(f"status {p.returncode}\n--- stdout\n{out}--- stderr\n{err}---", flush=True)
        return p.returncode, out, err

    def qemu_runs(self):
        """The accelerators the fake QEMU was started with, in order."""
        try:
            with open(self.qemu_log) as f:
                return f.read().split()
        except OSError:
            return []

    def check(self, ok, what):
        if not ok:
            self.failures.append(what)

    def fake(self, mode, extra=()):
        return ["--qemu", FAKE_QEMU, "--kvm-device", self.device, *extra], {"FAKE_KVM_FAILURE": mode}

    def fallback(self, mode, reason, status=7, words=("--", "--exit=7"), expect=HELLO_OUT, silent=False):
        """auto with a KVM that fails as `mode`: the guest's status, one fallback line naming
        `reason`, the guest's output once, and KVM tried once then TCG."""
        options, env = self.fake(mode)
        if silent:
            env["FAKE_QEMU_SILENT"] = "1"
        code, out, err = self.run(["--accel", "auto", *options], list(words), env)
        self.check(code == status, f"status {code}, expected the guest's {status}")
        lines = re.findall(FALLBACK_RE, err)
        self.check(lines == [reason], f"fallback lines naming {lines}, expected one naming {reason!r}")
        self.check(len(err.strip().splitlines()) == 1, "stderr holds more than the one fallback line")
        for text in expect:
            self.check(out.count(text) == 1, f"{text!r} {out.count(text)} times in the output, expected once")
        self.check(self.qemu_runs() == ["kvm", "tcg"], f"QEMU runs {self.qemu_runs()}, expected kvm then tcg")


def case_qemu_error(c):
    """QEMU refusing its command line is QEMU's failure (255, its message shown), not status 0."""
    for accel in ("tcg", "auto"):
        code, out, err = c.run(["--accel", accel, "--qemu-arg", "-device no-such-device"], [])
        c.check(code == 255, f"--accel {accel}: status {code}, expected 255")
        c.check("'no-such-device' is not a valid device model name" in err, f"--accel {accel}: QEMU's message missing")
        c.check("mote-run: QEMU failed with exit code 1 before the guest started" in err,
                f"--accel {accel}: mote-run's line missing")
    # The same through the fake QEMU, with KVM "usable": fails under TCG as under KVM, so it is
    # not KVM's fault: no fallback line, nothing remembered.
    options, env = c.fake("msr")
    code, out, err = c.run(["--accel", "auto", *options, "--qemu-arg", "-device no-such-device"], [], env)
    c.check(code == 255, f"fake KVM: status {code}, expected 255")
    c.check("'no-such-device' is not a valid device model name" in err, "fake KVM: QEMU's message missing")
    c.check(not re.search(FALLBACK_RE, err), "fake KVM: a fallback line blamed KVM for QEMU's error")
    c.check(not os.path.exists(c.cache), "fake KVM: a verdict was remembered for QEMU's own error")


def case_fallback_msr(c):
    c.fallback("msr", MSR_LINE)


def case_fallback_internal(c):
    c.fallback("internal", INTERNAL_LINE)


def case_fallback_pause(c):
    c.fallback("pause", INTERNAL_LINE)  # QEMU paused, not exited: mote-run must end it


def case_fallback_late(c):
    """KVM stops the guest after its first output: one fallback line, then the whole run under TCG."""
    options, env = c.fake("late")
    code, out, err = c.run(["--accel", "auto", *options], ["--", "--exit=7"], env)
    c.check(code == 7, f"status {code}, expected 7")
    c.check(re.findall(FALLBACK_RE, err) == [INTERNAL_LINE], "not exactly one fallback line naming the internal error")
    for text in HELLO_OUT:
        c.check(out.count(text) == 1, f"{text!r} {out.count(text)} times in the output, expected once")
    c.check(c.qemu_runs() == ["kvm", "tcg"], f"QEMU runs {c.qemu_runs()}, expected kvm then tcg")


def case_fallback_cache(c):
    """The verdict is remembered: the next run goes straight to TCG, silently; a broken cache
    file is as good as none."""
    c.fallback("msr", MSR_LINE)
    options, env = c.fake("msr")
    code, out, err = c.run(["--accel", "auto", "--verbose", *options], ["--", "--exit=7"], env)
    c.check(code == 7, f"cached: status {code}, expected 7")
    c.check(c.qemu_runs() == ["tcg"], f"cached: QEMU runs {c.qemu_runs()}, expected tcg alone")
    c.check(not re.search(FALLBACK_RE, err), "cached: the fallback line again")
    c.check("ran under TCG (KVM could not run a guest earlier on this host boot" in err,
            "cached: --verbose does not say why TCG")
    for junk in (b"{not json", b"[1, 2]", b'{"x": 5}', b"\xff\xfe"):
        with open(c.cache, "wb") as f:
            f.write(junk)
        c.fallback("msr", MSR_LINE)
    os.unlink(c.cache)
    os.mkdir(c.cache)  # cannot be read or replaced: still only a lost verdict
    c.fallback("msr", MSR_LINE)


def case_kvm_no_fallback(c):
    """--accel kvm fails with QEMU's message instead of falling back."""
    for mode, line in (("msr", MSR_LINE), ("pause", INTERNAL_LINE)):
        options, env = c.fake(mode)
        code, out, err = c.run(["--accel", "kvm", *options], ["--", "--exit=7"], env)
        c.check(code == 255, f"{mode}: status {code}, expected 255")
        c.check(line in err, f"{mode}: QEMU's message missing")
        c.check(not re.search(FALLBACK_RE, err), f"{mode}: fell back")
        c.check(c.qemu_runs() == ["kvm"], f"{mode}: QEMU runs {c.qemu_runs()}, expected kvm alone")
    # tcg never touches KVM, whatever the device says.
    options, env = c.fake("msr")
    code, out, err = c.run(["--accel", "tcg", *options], ["--", "--exit=7"], env)
    c.check(code == 7 and c.qemu_runs() == ["tcg"], f"--accel tcg: status {code}, QEMU runs {c.qemu_runs()}")
    code, out, err = c.run([], [], {"MOTE_ACCEL": "fast"})
    c.check(code == 255 and "MOTE_ACCEL='fast': expected one of auto, kvm, tcg" in err, "MOTE_ACCEL=fast accepted")


def case_silent_guest(c):
    """A guest that prints nothing and exits 0: its status, not QEMU's failure, also after a
    KVM fallback (where nothing but QEMU's exit tells the guest ran)."""
    code, out, err = c.run(["--accel", "tcg", "--qemu", FAKE_QEMU], ["--", "--exit=0"], {"FAKE_QEMU_SILENT": "1"})
    c.check(code == 0, f"status {code}, expected 0")
    c.check(err == "", "stderr not empty")
    c.fallback("msr", MSR_LINE, status=0, words=("--", "--exit=0"), expect=(), silent=True)


def case_clock(c, accel):
    """The clock source: kvmclock under KVM, a calibrated TSC under TCG."""
    code, out, err = c.run(["--accel", accel, "--verbose"], ["mote.log=debug", "--"], image=c.args.clock_image)
    used = re.search(r"mote-run: the guest ran under (KVM|TCG) \((.*)\)", err)
    c.check(used is not None, "mote-run --verbose did not say which accelerator it used")
    if accel == "auto" and used and used.group(1) == "TCG":
        print(f"SKIP: KVM is not usable here ({used.group(2)}): kvmclock cannot be checked")
        return SKIP
    c.check(code == 0, f"status {code}, expected 0")
    if used and used.group(1) == "KVM":
        c.check(re.search(r"mote: pc: kvmclock, TSC at [0-9]+ Hz", out), "no kvmclock line under KVM")
    else:
        c.check(re.search(r"mote: pc: TSC at [0-9]+ Hz from ", out), "no TSC calibration line under TCG")
        c.check("kvmclock" not in out, "kvmclock under TCG")
    return None


CASES = {"qemu-error": case_qemu_error, "fallback-msr": case_fallback_msr,
         "fallback-internal": case_fallback_internal, "fallback-pause": case_fallback_pause,
         "fallback-late": case_fallback_late, "fallback-cache": case_fallback_cache,
         "kvm-no-fallback": case_kvm_no_fallback, "silent-guest": case_silent_guest,
         "clock-tcg": lambda c: case_clock(c, "tcg"), "clock-kvm": lambda c: case_clock(c, "auto")}


def main():
    p = argparse.ArgumentParser(usage=__doc__)
    p.add_argument("--runner", required=True)
    p.add_argument("--case", required=True, choices=sorted(CASES))
    p.add_argument("--image", required=True, help="hello.kvm")
    p.add_argument("--clock-image", help="an image that reads the clock (the clock cases)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        c = Case(args, tmp)
        result = CASES[args.case](c)
    if result == SKIP:
        return SKIP
    if c.failures:
        print("FAILED:\n  " + "\n  ".join(c.failures))
        return 1
    print(f"ok: {args.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
