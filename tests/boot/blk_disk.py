#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# blk_disk.py: virtio-blk boot tests with real disk images.
# --mode blk: makes blk0 (writable, filled with 0xee) and blk1 (read-only, a pattern the guest
# checks), boots tests/image/blk_test.c through boot_test.py, then checks that blk0's file holds
# what the guest wrote at the right offsets (and 0xee in the gaps), and that blk1's is unchanged.
# --mode bcache: one 16 MiB disk with a pattern (salt 0x11) for tests/image/bcache_test.c, then
# checks that the blocks the guest wrote through the cache reached the file.
import argparse
import hashlib
import os
import re
import subprocess
import sys

KIB, MIB = 1024, 1024 * 1024
BLK0_BYTES, BLK1_BYTES = 8 * MIB, 1 * MIB
# What blk_test.c writes, as (offset, length); the R3 gaps stay 0xee.
REGIONS = [(0, 4 * KIB), (1 * MIB, 1 * MIB), (5 * MIB, 8 * KIB), (6 * MIB, 2 * MIB)] + \
    [(3 * MIB + i * 8 * KIB, 4 * KIB) for i in range(64)]
GAPS = [(3 * MIB + i * 8 * KIB + 4 * KIB, 4 * KIB) for i in range(64)] + [(4 * KIB, 4 * KIB)]


def pattern(off, length, salt):
    """blk_test.c's fill(): a byte's value depends on its 512-byte unit and place in it."""
    return bytes(((o // 512) * 37 + (o % 512) * 11 + salt) & 0xff for o in range(off, off + length))


BCACHE_BYTES = 16 * MIB


def check_bcache(d0, log):
    """What bcache_test.c wrote: blocks 19-21 directly (salt 0x77), the pressure run (0x5a), the
    two threads' last rounds (0x22 and 0x32); the rest is still the host's pattern (0x11)."""
    with open(log, errors="replace") as f:
        m = re.search(r"bcache_test: ([0-9]+) blocks written through the cache from block ([0-9]+)", f.read())
    if not m:
        return ["the guest never said which blocks it wrote through the cache"]
    n, first = int(m.group(1)), int(m.group(2))
    with open(d0, "rb") as f:
        disk = f.read()
    failures = []
    if first + n > 2400:
        return [f"the pressure run ({first}+{n} blocks) overlaps the threads' blocks 2400-2899"]
    blk = 4096
    for off, length, salt in [(first * blk, n * blk, 0x5a), (19 * blk, 3 * blk, 0x77),
                              (0, 19 * blk, 0x11), (22 * blk, (first - 22) * blk, 0x11),
                              ((first + n) * blk, (2400 - first - n) * blk, 0x11),
                              (2400 * blk, 200 * blk, 0x22), (2600 * blk, 100 * blk, 0x11),
                              (2700 * blk, 200 * blk, 0x32),
                              (2900 * blk, BCACHE_BYTES - 2900 * blk, 0x11)]:
        if disk[off:off + length] != pattern(off, length, salt):
            failures.append(f"blk0.img: bytes at {off:#x} (+{length:#x}) are not pattern {salt:#x}")
    return failures


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["blk", "bcache"], default="blk")
    p.add_argument("--runner", required=True)
    p.add_argument("--boot-test", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--device", required=True, help="virtio-blk-pci or virtio-blk-device")
    p.add_argument("--device-opts", default="", help="extra ,key=value options for each disk")
    p.add_argument("--qemu-extra", default="")
    p.add_argument("--sector-size", type=int, default=512)
    p.add_argument("--queue-depth", type=int, default=32, help="what the driver makes of the ring")
    p.add_argument("--ioerr-byte", type=int, help="blk0's reads there fail (QEMU blkdebug)")
    p.add_argument("--passed", type=int, required=True)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("--log", required=True)
    p.add_argument("--workdir", required=True)
    p.add_argument("image")
    a = p.parse_args()

    os.makedirs(a.workdir, exist_ok=True)
    d0, d1 = os.path.join(a.workdir, "blk0.img"), os.path.join(a.workdir, "blk1.img")
    opts = a.device_opts
    if a.mode == "bcache":
        with open(d0, "wb") as f:
            f.write(pattern(0, BCACHE_BYTES, 0x11))
        qemu = f"-drive file={d0},if=none,format=raw,id=d0 -device {a.device},drive=d0{opts} {a.qemu_extra}"
        args = [str(BCACHE_BYTES)]
    else:
        with open(d0, "wb") as f:
            f.write(b"\xee" * BLK0_BYTES)
        ro = pattern(0, BLK1_BYTES, 0xa5)
        with open(d1, "wb") as f:
            f.write(ro)
        file0 = d0
        if a.ioerr_byte is not None:
            # blkdebug fails reads of that sector with EIO; rerror=report hands the error to
            # the guest (VIRTIO_BLK_S_IOERR) instead of stopping the machine.
            conf = os.path.join(a.workdir, "ioerr.conf")
            with open(conf, "w") as f:
                f.write(f'[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "{a.ioerr_byte // 512}"\n'
                        'once = "off"\n')
            file0 = f"blkdebug:{conf}:{d0},rerror=report"
        qemu = (f"-drive file={file0},if=none,format=raw,id=d0 -device {a.device},drive=d0{opts} "
                f"-drive file={d1},if=none,format=raw,id=d1,readonly=on -device {a.device},drive=d1{opts} "
                f"{a.qemu_extra}")
        args = [str(a.sector_size), str(BLK0_BYTES), str(BLK1_BYTES), str(a.queue_depth)]
        if a.ioerr_byte is not None:
            args.append(str(a.ioerr_byte))
    cmd = [sys.executable, a.boot_test, "--runner", a.runner, "--machine", a.machine,
           "--status", "0", "--passed", str(a.passed), "--log", a.log, "--timeout", "150",
           "--reject", "FAIL", "--reject", "device dropped", "--qemu-arg=" + qemu.strip()]
    for e in a.expect:
        cmd += ["--expect", e]
    cmd += [a.image, "mote.log=debug", "--", *args]
    status = subprocess.run(cmd).returncode

    if a.mode == "bcache":
        failures = check_bcache(d0, a.log)
        if failures:
            print("FAILED (disk image):\n  " + "\n  ".join(failures))
            return 1
        if status == 0:
            print("ok: blk0.img holds what the guest wrote through the cache")
        return status

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
