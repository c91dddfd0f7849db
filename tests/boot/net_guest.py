# SPDX-License-Identifier: MIT
# net_guest.py: one Mote image booted by tools/mote-run with a virtio-net NIC on a QEMU
# network, its console collected in the background; shared by net_dns.py, net_ipv6.py and
# net_irq_preempt.py.
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from console_process import ConsoleProcess  # noqa: E402  (tools/console_process.py)

MAC = "52:54:00:12:34:56"


class Guest(ConsoleProcess):
    """`image` with `cmdline` under mote-run on `machine`, its NIC on the QEMU netdev `netdev`
    (id n0). `qemu_args` are more QEMU options, each one --qemu-arg."""

    def __init__(self, runner, machine, image, cmdline, log, netdev="user,id=n0", qemu_args=(),
                 memory="64M", timeout=150):
        dev = "virtio-net-device" if machine == "microvm" else "virtio-net-pci"
        self.log = log
        cmd = [sys.executable, runner, "--machine", machine, "--memory", memory, "--timeout", str(timeout),
               "--qemu-arg=-netdev " + netdev, f"--qemu-arg=-device {dev},netdev=n0,mac={MAC}"]
        if machine == "microvm":
            # Mote finds microvm's virtio-mmio devices on the command line, which QEMU writes
            # only with ACPI off (tests/boot/netdev.cmake).
            cmd.append("--qemu-arg=-machine acpi=off")
        cmd += ["--qemu-arg=" + q for q in qemu_args]
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
        os.makedirs(os.path.dirname(os.path.abspath(self.log)), exist_ok=True)
        with open(self.log, "w") as f:
            f.write(out)
        return out
