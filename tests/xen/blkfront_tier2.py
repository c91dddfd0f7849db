#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# blkfront_tier2.py: blkfront in tier 2 (tools/xen-tier2), one dom0 boot. Makes the disk files the
# images' generated configs name (XEN_DISKS, tests/xen/CMakeLists.txt), runs tests/fs/fs_ops.c's
# seeded operations on a host folder, then boots: blkfront_test writing blk0 and checking the
# read-only blk1, blkfront_test again in a domain created after the first was destroyed (the
# data must be there), and fs_ops on a FAT32 disk mounted at /data, after which dom0 runs
# fsck.fat -n and compares the files. When QEMU has ended the host checks the same files again:
# blk0's image holds the pattern, blk1's is unchanged, the FAT32 image is fsck-clean and its tree
# (mtools) equals the host folder byte for byte.
import argparse
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fs"))
import fat_disk  # noqa: E402

MIB = 1 << 20
SALT, RO_SALT = 0x5A, 0xA5


def pattern(size, salt):
    """blkfront_test.c's fill(): byte o of the disk from its 512-byte unit u and the salt."""
    out = bytearray(size)
    row = bytes((o * 11) & 0xFF for o in range(512))
    for u in range(size // 512):
        base = (u * 37 + (u >> 8) * 101 + salt) & 0xFF
        out[u * 512:(u + 1) * 512] = bytes((base + b) & 0xFF for b in row)
    return bytes(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tier2", required=True, help="tools/xen-tier2")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--disks", required=True, help="the folder the generated configs' targets are in")
    ap.add_argument("--blkfront-test", required=True, help="blkfront_test.xen")
    ap.add_argument("--blkfront-passed", nargs=2, required=True, metavar=("WRITE", "VERIFY"))
    ap.add_argument("--fs-ops", required=True, help="fs_ops.xen")
    ap.add_argument("--fs-ops-host", required=True)
    ap.add_argument("--seed", type=int, default=2001)
    ap.add_argument("--ops", type=int, default=3000)
    ap.add_argument("--max-bytes", type=int, default=8 * MIB)
    a = ap.parse_args()

    shutil.rmtree(a.disks, ignore_errors=True)
    os.makedirs(a.disks)
    scratch, readonly, fat32 = (os.path.join(a.disks, n) for n in ("scratch.img", "readonly.img", "fat32.img"))
    with open(scratch, "wb") as f:
        f.truncate(16 * MIB)
    ro_data = pattern(4 * MIB, RO_SALT)
    with open(readonly, "wb") as f:
        f.write(ro_data)
    made = fat_disk.make_image(fat32, fat_disk.FAT_SIZES_MIB[32])
    if made != 32:
        print(f"FAIL: mkfs.fat made FAT{made}, expected FAT32")
        return 1
    host_root = os.path.join(a.disks, "host")
    os.makedirs(host_root)
    common = ["--seed", str(a.seed), "--ops", str(a.ops), "--max-bytes", str(a.max_bytes)]
    host = subprocess.run([a.fs_ops_host, *common, host_root], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    host_out = host.stdout.decode(errors="replace")
    failures = [f"host fs_ops: {f}" for f in fat_disk.summary_failures(host_out, host.returncode, a.ops + 1)]

    cmd = [sys.executable, a.tier2, "--cache", a.cache, "--log", a.log,
           "--disk", scratch, "--disk", readonly, "--disk", fat32,
           "--guest", a.blkfront_test, "0", f"-- write {SALT}",
           "--guest", a.blkfront_test, "0", f"-- verify {SALT}",
           "--guest", a.fs_ops, "0", "fs.mount=blk0:/data -- " + " ".join(common) + " /data",
           "--fat-check", "fs_ops", fat32, host_root,
           "--passed", "blkfront_test", a.blkfront_passed[0],
           "--passed", "blkfront_test-2", a.blkfront_passed[1],
           "--expect", "blkfront_test", r"blkfront0, 32768 sectors of 512 bytes, [0-9]+ per request, 16 in flight, flush",
           "--expect", "blkfront_test", r"16 requests of [0-9]+ sectors in flight at most",
           "--expect", "blkfront_test", r"16 MiB sequential, MiB/s: write [0-9.]+, read [0-9.]+",
           "--expect", "blkfront_test-2", "the previous domain's data is on blk0",
           "--passed", "fs_ops", str(a.ops + 1)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode(errors="replace")
    print(out)
    if r.returncode != 0:
        failures.append(f"xen-tier2 exited {r.returncode}")

    # The workload lines (operation counts, bytes) are the same on both sides.
    def workload(text):
        return [line for line in text.splitlines() if line.startswith("fs_ops: ") and " under " not in line]
    m = re.search(r"^== fs_ops \(Xen state.*?\n(.*?)(?=^== |^ok: |^FAILED:|\Z)", out, re.S | re.M)
    if not m or workload(m.group(1)) != workload(host_out):
        failures.append(f"the fs_ops workloads differ: host {workload(host_out)}, "
                        f"Mote {workload(m.group(1)) if m else 'no console'}")

    # The host's own look at the files, now that QEMU has ended.
    with open(scratch, "rb") as f:
        if f.read() != pattern(16 * MIB, SALT):
            failures.append("scratch.img does not hold blkfront_test's pattern")
    with open(readonly, "rb") as f:
        if f.read() != ro_data:
            failures.append("readonly.img changed")
    problem = fat_disk.fsck_clean(fat32)
    if problem:
        failures.append(f"host: {problem}")
    extracted = os.path.join(a.disks, "extracted")
    problem = fat_disk.extract(fat32, extracted)
    if problem:
        failures.append(f"host: {problem}")
    else:
        failures += [f"host: tree: {d}" for d in fat_disk.compare_trees(host_root, extracted)]
    for f in failures:
        print("FAIL:", f)
    if failures:
        print(f"blkfront_tier2: kept {a.disks} for inspection")
        return 1
    print("blkfront_tier2: blkfront_test twice, fs_ops on FAT32 checked by dom0 and the host")
    return 0


if __name__ == "__main__":
    sys.exit(main())
