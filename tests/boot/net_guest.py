# SPDX-License-Identifier: MIT
# net_guest.py: one Mote image booted by tools/mote-run with a NIC (virtio-net unless told) on a
# QEMU network, its console collected in the background; shared by every network boot-test script.
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from console_process import ConsoleProcess  # noqa: E402  (tools/console_process.py)

MAC = "52:54:00:12:34:56"


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port (TCP, or UDP with SOCK_DGRAM) nothing uses now, for a hostfwd or a
    socket netdev."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def suite_failures(out, status, passed):
    """What is wrong with the end of an in-image suite: exit status 0 and exactly one whole line
    "PASSED passed, 0 failed", as tests/boot/boot_test.py's --passed requires."""
    failures = []
    if status != 0:
        failures.append(f"the image exited with status {status}, expected 0")
    summaries = re.findall(r"^[0-9]+ passed, [0-9]+ failed$", out, re.M)
    if summaries != [f"{passed} passed, 0 failed"]:
        failures.append(f"expected exactly one line '{passed} passed, 0 failed', got: {summaries or 'none'}")
    return failures


class Guest(ConsoleProcess):
    """`image` with `cmdline` under mote-run on `machine`, its NIC on the QEMU netdev `netdev`
    (id n0) with address `mac`. `nic` is the QEMU device model (e1000, e1000e ...); None gives
    virtio-net (virtio-net-device on microvm). `qemu_args` are more QEMU options, each one
    --qemu-arg; `firmware` is mote-run's --firmware for a baremetal ISO."""

    def __init__(self, runner, machine, image, cmdline, log, netdev="user,id=n0", qemu_args=(),
                 memory="64M", timeout=150, mac=MAC, nic=None, firmware=None):
        dev = nic or ("virtio-net-device" if machine == "microvm" else "virtio-net-pci")
        self.log = log
        cmd = [sys.executable, runner, "--machine", machine, "--memory", memory, "--timeout", str(timeout),
               "--qemu-arg=-netdev " + netdev, f"--qemu-arg=-device {dev},netdev=n0,mac={mac}"]
        if machine == "microvm":
            # Mote finds microvm's virtio-mmio devices on the command line, which QEMU writes
            # only with ACPI off (tests/boot/netdev.cmake).
            cmd.append("--qemu-arg=-machine acpi=off")
        cmd += ["--qemu-arg=" + q for q in qemu_args]
        if firmware:
            cmd += ["--firmware", firmware]  # a baremetal ISO's: bios (SeaBIOS) or uefi (OVMF)
        # mote-run and its QEMU are one process group of their own, ended together.
        super().__init__(cmd + [image, *cmdline], own_group=True)

    def finish(self, seconds):
        """Wait up to `seconds` for the image to exit; returns its status (None if it had to be
        stopped) and writes the console to the log."""
        try:
            status = self.proc.wait(seconds)
        except subprocess.TimeoutExpired:
            status = None
        self.stop()
        return status

    def stop(self):
        out = super().stop()
        # mote-run is stopped by a signal, before it could write a log of its own.
        os.makedirs(os.path.dirname(os.path.abspath(self.log)), exist_ok=True)
        with open(self.log, "w") as f:
            f.write(out)
        return out
