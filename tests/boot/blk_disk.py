#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# blk_disk.py: a virtio-blk boot test with real disk images. Makes blk0 (writable, filled with
# 0xee) and blk1 (read-only, a pattern the guest checks), boots tests/image/blk_test.c through
# boot_test.py, then checks that blk0's file holds what the guest wrote at the right offsets
# (and 0xee in the gaps), and that blk1's file is unchanged.
import argparse
import hashlib
import os
import subprocess
import sys

KIB, MIB = 1024, 1024 * 1024
BLK0_BYTES, BLK1_BYTES = 8 * MIB, 1 * MIB
# What blk_test.c writes, as (offset, length); the R3 gaps stay 0xee.
REGIONS = [(0, 4 * KIB), (1 * MIB, 1 * MIB), (5 * MIB, 8 * KIB)] + \
    [(3 * MIB + i * 8 * KIB, 4 * KIB) for i in range(64)]
GAPS = [(3 * MIB + i * 8 * KIB + 4 * KIB, 4 * KIB) for i in range(64)] + [(4 * KIB, 4 * KIB)]


def pattern(off, length, salt):
    """blk_test.c's fill(): a byte's value depends on its 512-byte unit and place in it."""
    return bytes(((o // 512) * 37 + (o % 512) * 11 + salt) & 0xff for o in range(off, off + length))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--boot-test", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--device", required=True, help="virtio-blk-pci or virtio-blk-device")
    p.add_argument("--device-opts", default="", help="extra ,key=value options for each disk")
    p.add_argument("--qemu-extra", default="")
    p.add_argument("--sector-size", type=int, default=512)
    p.add_argument("--passed", type=int, required=True)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--log", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("image")
    a = p.parse_args()

    os.makedirs(a.workdir, exist_ok=True)
    d0, d1 = os.path.join(a.workdir, "blk0.img"), os.path.join(a.workdir, "blk1.img")
    with open(d0, "wb") as f:
        f.write(b"\xee" * BLK0_BYTES)
    ro = pattern(0, BLK1_BYTES, 0xa5)
    with open(d1, "wb") as f:
        f.write(ro)
    opts = a.device_opts
    qemu = (f"-drive file={d0},if=none,format=raw,id=d0 -device {a.device},drive=d0{opts} "
            f"-drive file={d1},if=none,format=raw,id=d1,readonly=on -device {a.device},drive=d1{opts} "
            f"{a.qemu_extra}").strip()
    cmd = [sys.executable, a.boot_test, "--runner", a.runner, "--machine", a.machine,
           "--status", "0", "--passed", str(a.passed), "--log", a.log, "--timeout", "150",
           "--reject", "FAIL", "--reject", "device dropped", "--qemu-arg=" + qemu]
    for e in a.expect:
        cmd += ["--expect", e]
    cmd += [a.image, "mote.log=debug", "--", str(a.sector_size), str(BLK0_BYTES), str(BLK1_BYTES)]
    status = subprocess.run(cmd).returncode

    failures = []
    with open(d0, "rb") as f:
        disk = f.read()
    if len(disk) != BLK0_BYTES:
        failures.append(f"blk0.img is {len(disk)} bytes, not {BLK0_BYTES}")
    for off, length in REGIONS:
        if disk[off:off + length] != pattern(off, length, 0x5a):
            failures.append(f"blk0.img: the guest's pattern is not at {off:#x} (+{length:#x})")
    for off, length in GAPS:
        if disk[off:off + length] != b"\xee" * length:
            failures.append(f"blk0.img: bytes at {off:#x} (+{length:#x}) changed, the guest never wrote there")
    with open(d1, "rb") as f:
        if hashlib.sha256(f.read()).digest() != hashlib.sha256(ro).digest():
            failures.append("blk1.img (read-only) changed")
    if failures:
        print("FAILED (disk images):\n  " + "\n  ".join(failures))
        return 1
    if status != 0:
        return status
    print(f"ok: blk0.img holds the guest's {len(REGIONS)} regions, gaps untouched; blk1.img unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
