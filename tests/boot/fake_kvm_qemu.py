#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# fake_kvm_qemu.py: a test fixture standing in for qemu-system-x86_64 (mote-run --qemu) on a host
# whose KVM cannot run a Mote guest. Given `-accel kvm` it fails the way a broken nested KVM does;
# otherwise it runs the real QEMU. tests/boot/accel_test.py drives it.
"""$FAKE_KVM_FAILURE says how `-accel kvm` fails:
  msr       QEMU's abort when the host refuses an MSR (the report from Debian 12 under nested KVM)
  internal  "KVM internal error ... emulation failure", then QEMU exits
  pause     the same, then QEMU stays paused, as the real one does, until it is killed
  late      the guest starts under TCG, its first output comes through, then the internal error
$FAKE_QEMU_LOG, if set, gets one line per run: the accelerator asked for.
$FAKE_QEMU_SILENT=1 throws the console away, for a guest that prints nothing.
$FAKE_QEMU_REAL names the real QEMU (default qemu-system-x86_64 on $PATH)."""
import os
import signal
import subprocess
import sys
import time

# $FAKE_QEMU_REAL: the real QEMU, for when this script is installed as qemu-system-x86_64 in
# front of it on $PATH (to run a whole suite as on a host with a broken KVM).
REAL = os.environ.get("FAKE_QEMU_REAL", "qemu-system-x86_64")
INTERNAL_ERROR = ("KVM internal error. Suberror: 1\n"
                  "extra data[0]: 0x0000000000000000\n"
                  "emulation failure\n"
                  "RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000000\n")


def accel_of(argv):
    for i, word in enumerate(argv[:-1]):
        if word == "-accel":
            return argv[i + 1]
    return "default"


def as_tcg(argv):
    """The same command line under TCG, as mote-run would give it."""
    out = []
    for i, word in enumerate(argv):
        if i > 0 and argv[i - 1] == "-accel":
            word = "tcg"
        elif i > 0 and argv[i - 1] == "-cpu":
            word = "max"
        out.append(word)
    return out


def pause_forever():
    # A paused QEMU keeps running until it is killed; the test's own timeout catches a runner
    # that never kills it.
    while True:
        time.sleep(60)


def main():
    argv = sys.argv[1:]
    accel = accel_of(argv)
    if os.environ.get("FAKE_QEMU_LOG") and "--version" not in argv:
        with open(os.environ["FAKE_QEMU_LOG"], "a") as f:
            f.write(accel + "\n")
    silent = os.environ.get("FAKE_QEMU_SILENT") == "1"
    if accel != "kvm":
        if silent:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
        os.execvp(REAL, [REAL, *argv])
    mode = os.environ.get("FAKE_KVM_FAILURE", "msr")
    err = sys.stderr
    if mode == "msr":
        err.write("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\n"
                  "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3137: kvm_buf_set_msrs: "
                  "Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.\n")
        err.flush()
        signal.signal(signal.SIGABRT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGABRT)
    elif mode in ("internal", "pause"):
        err.write(INTERNAL_ERROR)
        err.flush()
        if mode == "pause":
            pause_forever()
        return 1
    elif mode == "late":
        qemu = subprocess.Popen([REAL, *as_tcg(argv)], stdout=subprocess.PIPE)
        first = qemu.stdout.read1(65536)
        qemu.kill()
        qemu.wait()
        sys.stdout.buffer.write(first)
        sys.stdout.flush()
        time.sleep(0.2)
        err.write(INTERNAL_ERROR)
        err.flush()
        pause_forever()
    err.write(f"fake_kvm_qemu.py: unknown FAKE_KVM_FAILURE {mode!r}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
