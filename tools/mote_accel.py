# SPDX-License-Identifier: MIT
# mote_accel.py: which QEMU accelerator (KVM or TCG) tools/mote-run, bench/ and tools/xen-tier2
# use, and the remembered verdict of a host whose /dev/kvm exists but cannot run a Mote guest.
# docs/running.md describes the behaviour; this is its one implementation.
"""Run as a program, prints the QEMU accelerator options for shell scripts (bench/net/soak.sh):
    python3 tools/mote_accel.py [--accel auto|kvm|tcg] [--qemu QEMU] [--probe IMAGE]"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CHOICES = ("auto", "kvm", "tcg")
DEFAULT_KVM_DEVICE = "/dev/kvm"

# QEMU before 8.1 drops a TCG guest's memory barriers when the machine can have only one CPU
# (upstream commit c914d46d fixed it), yet its device threads run beside the vCPU: virtio's
# notification handshakes then lose an interrupt or a kick now and then, and a device stalls.
# A second possible (never started) CPU makes TCG honour the barriers.
TCG_SMP = ["-smp", "1,maxcpus=2"]

# What QEMU prints when KVM stops a running guest ("KVM internal error. Suberror: 1" and
# "emulation failure" from a nested hypervisor that cannot emulate an instruction): QEMU then
# pauses the machine instead of exiting, so whoever runs it must watch its stderr and end it.
KVM_STOPPED_RE = re.compile(rb"KVM internal error|emulation failure|KVM: entry failed|kvm run failed")
# The lines that name KVM's refusal best, also at start, where QEMU exits by itself (a nested
# hypervisor refusing an ioctl makes QEMU abort: "failed to set MSR 0x10a to 0x69").
KVM_FAILURE_RE = re.compile(KVM_STOPPED_RE.pattern + rb"|failed to set MSR|failed to initialize kvm")


class AccelError(Exception):
    """A bad --accel or MOTE_ACCEL value."""


def requested(value=None):
    """The accelerator asked for: `value` (a command-line option), else $MOTE_ACCEL, else tcg when
    the older $MOTE_NO_KVM is set, else auto."""
    if value is None:
        value = os.environ.get("MOTE_ACCEL") or None
        origin = "MOTE_ACCEL"
        if value is None:
            return "tcg" if os.environ.get("MOTE_NO_KVM") else "auto"
    else:
        origin = "--accel"
    if value not in CHOICES:
        raise AccelError(f"{origin}={value!r}: expected one of {', '.join(CHOICES)}")
    return value


def kvm_device(path=None):
    """The KVM device to look at. $MOTE_KVM_DEVICE (like mote-run's --kvm-device) exists for
    tests: pointing it at any writable file makes auto try KVM on a machine without /dev/kvm."""
    return path or os.environ.get("MOTE_KVM_DEVICE") or DEFAULT_KVM_DEVICE


def kvm_usable(device):
    return os.access(device, os.R_OK | os.W_OK)


def qemu_options(accel, cpu="max", tcg_smp=True):
    """QEMU's accelerator and CPU options. Under KVM the guest gets the host's CPU (and then uses
    kvmclock); under TCG `cpu`, and TCG_SMP unless the caller sets -smp itself."""
    if accel == "kvm":
        return ["-accel", "kvm", "-cpu", "host"]
    return ["-accel", "tcg", "-cpu", cpu] + (TCG_SMP if tcg_smp else [])


def first_error_line(err, code=None):
    """The line of QEMU's stderr that says why it stopped: the first naming a KVM failure, else the
    first that is not a warning, else a description of how QEMU ended."""
    lines = [line.strip() for line in err.decode(errors="replace").splitlines() if line.strip()]
    for line in lines:
        if KVM_FAILURE_RE.search(line.encode()):
            return line
    for line in lines:
        if "warning:" not in line:
            return line
    if code is not None and code < 0:
        return f"QEMU killed by signal {-code} before the guest's first output"
    return f"QEMU exited with code {code} before the guest's first output"


def has_error(err):
    """Whether QEMU's stderr holds an error, not just warnings. isa-debug-exit leaves it empty."""
    return any(line.strip() and "warning:" not in line for line in err.decode(errors="replace").splitlines())


def guest_exit(code, err):
    """Whether a QEMU that ended before any console output was ended by the guest itself (a silent
    guest's isa-debug-exit gives an odd code, an ACPI poweroff 0) rather than by an error."""
    return code is not None and code >= 0 and (code & 1 or code == 0) and not has_error(err)


# The verdict cache ------------------------------------------------------------------------
# One small JSON file per user: {key: {"reason": ..., "time": ...}} for each (host boot, QEMU
# binary and version, KVM device) whose KVM could not run a Mote guest. Only failures are kept:
# a working KVM costs nothing to try. A file that is missing, unreadable or malformed counts as
# empty, and one that cannot be written is left alone: the cache only saves time.

def cache_path():
    """$MOTE_ACCEL_CACHE (tests point it at their own file), else a file in $XDG_RUNTIME_DIR or
    the temporary folder, which a reboot empties anyway."""
    if os.environ.get("MOTE_ACCEL_CACHE"):
        return os.environ["MOTE_ACCEL_CACHE"]
    folder = os.environ.get("XDG_RUNTIME_DIR")
    if not folder or not os.path.isdir(folder):
        folder = tempfile.gettempdir()
    return os.path.join(folder, f"mote-accel-{os.getuid()}.json")


def _boot_id():
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            return f.read().strip()
    except OSError:
        return "no-boot-id"


def _qemu_version(qemu):
    try:
        out = subprocess.run([qemu, "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, timeout=30).stdout
        return out.decode(errors="replace").splitlines()[0].strip() if out.strip() else "unknown"
    except (OSError, subprocess.SubprocessError, IndexError):
        return "unknown"


def cache_key(qemu, device):
    binary = shutil.which(qemu) or qemu
    return " | ".join([_boot_id(), os.path.realpath(binary), _qemu_version(qemu), device])


def _load(path):
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def cached_failure(key):
    """The reason recorded for `key`, or None."""
    entry = _load(cache_path()).get(key)
    if isinstance(entry, dict) and isinstance(entry.get("reason"), str):
        return entry["reason"]
    return None


def record_failure(key, reason):
    path = cache_path()
    data = _load(path)
    # Entries of earlier boots can never match again.
    boot = key.split(" | ", 1)[0]
    data = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith(boot + " | ")}
    data[key] = {"reason": reason, "time": time.strftime("%Y-%m-%d %H:%M:%S")}
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".mote-accel-")
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, path)  # atomic: a parallel reader sees the old file or the new one
    except OSError:
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


# The choice -------------------------------------------------------------------------------

class Choice:
    """What to run under: `accel` is "kvm" or "tcg"; `tentative` means auto is trying KVM and
    falls back to TCG if KVM cannot run the guest; `why` says how the choice was made; `key` is
    the cache key when tentative."""

    def __init__(self, accel, why, tentative=False, key=None):
        self.accel, self.why, self.tentative, self.key = accel, why, tentative, key


def choose(request, qemu, device=None, tcg_only=None):
    """The accelerator for `request` (from requested()). With tcg_only (a reason), auto means TCG."""
    device = kvm_device(device)
    if request == "tcg":
        return Choice("tcg", "asked for TCG")
    if request == "kvm":
        return Choice("kvm", "asked for KVM")
    if tcg_only:
        return Choice("tcg", tcg_only)
    if not kvm_usable(device):
        return Choice("tcg", f"no usable {device}")
    key = cache_key(qemu, device)
    reason = cached_failure(key)
    if reason is not None:
        return Choice("tcg", f"KVM could not run a guest earlier on this host boot ({reason}); "
                             f"remembered in {cache_path()}")
    return Choice("kvm", f"{device} is usable", tentative=True, key=key)


def fallback_line(who, reason):
    return f"{who}: KVM cannot run this guest ({reason}); using TCG"


def watch(cmd, timeout):
    """Runs QEMU until its guest's first console byte (then ends it), its exit, a KVM failure on
    its stderr, or `timeout` seconds. Returns (started, code, stderr bytes)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = b""
    started = False
    deadline = time.monotonic() + timeout
    fds = [proc.stdout, proc.stderr]
    while fds and not started and time.monotonic() < deadline:
        ready, _, _ = select.select(fds, [], [], max(0.0, deadline - time.monotonic()))
        for f in ready:
            chunk = os.read(f.fileno(), 65536)
            if not chunk:
                fds.remove(f)
            elif f is proc.stdout:
                started = True
            else:
                err += chunk
                if KVM_STOPPED_RE.search(err):
                    fds = []
                    break
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    code = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    return started, code, err


def settle(choice, who, command, timeout=60.0):
    """For tools that start QEMU themselves (bench/): turns a tentative choice into a final one by
    booting `command("kvm")` to its first console byte. When KVM cannot, and the same boot under
    TCG can, prints the fallback line, remembers the verdict and returns TCG; when neither starts,
    the trouble is not KVM's and the choice stays (the tool's own run then reports it)."""
    if not choice.tentative:
        return choice
    started, code, err = watch(command("kvm"), timeout)
    if started:
        return Choice("kvm", choice.why + "; a guest started under KVM")
    reason = first_error_line(err, code)
    tcg_started, _, _ = watch(command("tcg"), timeout)
    if not tcg_started:
        return choice
    print(fallback_line(who, reason), file=sys.stderr, flush=True)
    record_failure(choice.key, reason)
    return Choice("tcg", f"KVM cannot run this guest ({reason})")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--accel", choices=CHOICES, help="default: $MOTE_ACCEL, else auto")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--probe", metavar="IMAGE", help="a Mote .kvm image that auto boots to its first output "
                   "under KVM before choosing it")
    p.add_argument("--machine", default="q35", help="QEMU -M for the probe (default q35)")
    p.add_argument("--who", default="mote_accel", help="the name the fallback line starts with")
    a = p.parse_args()
    try:
        choice = choose(requested(a.accel), a.qemu)
    except AccelError as e:
        print(f"{a.who}: {e}", file=sys.stderr)
        return 2
    if choice.tentative:
        if not a.probe:
            print(f"{a.who}: auto needs --probe IMAGE to try KVM", file=sys.stderr)
            return 2
        choice = settle(choice, a.who, lambda accel: [
            a.qemu, "-M", a.machine, *qemu_options(accel), "-m", "64M", "-nodefaults", "-no-user-config",
            "-display", "none", "-no-reboot", "-serial", "stdio", "-kernel", a.probe,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"])
    print(" ".join(qemu_options(choice.accel)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
