#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# fs_diff.py: the storage differential test. Runs tests/fs/fs_ops.c's seeded operations on a host
# folder (the native build) and inside Mote on a fresh mkfs.fat disk, then requires fsck.fat -n to
# be clean and the disk's tree (extracted with mcopy) to equal the host folder byte for byte.
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fat_disk  # noqa: E402

# Bytes of file data the tree may hold at once, per FAT type: well inside each volume (files round
# up to clusters and every folder takes at least one), so ENOSPC never happens.
MAX_BYTES = {12: 4 << 20, 16: 20 << 20, 32: 24 << 20}


def workload_lines(out):
    """The lines fs_ops prints about its workload (same seed, same lines on both sides)."""
    return [l for l in out.splitlines() if l.startswith("fs_ops: ") and " under " not in l]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True, help="tools/mote-run")
    ap.add_argument("--machine", required=True)
    ap.add_argument("--host-binary", required=True, help="fs_ops built for the host")
    ap.add_argument("--fat", type=int, choices=(12, 16, 32), required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--ops", type=int, default=10000)
    ap.add_argument("--workdir", required=True, help="scratch folder (emptied first)")
    ap.add_argument("--timeout", type=int, default=400)
    ap.add_argument("image", help="fs_ops built as a Mote image")
    args = ap.parse_args()

    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    img, host_root, extracted = (os.path.join(work, n) for n in ("disk.img", "host", "extracted"))
    os.makedirs(host_root)

    size = fat_disk.FAT_SIZES_MIB[args.fat]
    made = fat_disk.make_image(img, size)
    if made != args.fat:
        print(f"FAIL: mkfs.fat made FAT{made} on {size} MiB, expected FAT{args.fat}")
        return 1
    common = ["--seed", str(args.seed), "--ops", str(args.ops), "--max-bytes", str(MAX_BYTES[args.fat])]

    t0 = time.monotonic()
    host = subprocess.run([args.host_binary, *common, host_root], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    host_out = host.stdout.decode(errors="replace")
    t1 = time.monotonic()
    failures = [f"host: {f}" for f in fat_disk.summary_failures(host_out, host.returncode, args.ops + 1)]
    if failures:
        print(host_out[-3000:])

    status, out = fat_disk.run_guest(args.runner, args.machine, args.image, [(img, False)],
                                     ["fs.mount=blk0:/data", "--", *common, "/data"],
                                     os.path.join(work, "guest.log"), memory="192M", timeout=args.timeout)
    t2 = time.monotonic()
    print(out[-4000:])
    print(f"fs_diff: FAT{args.fat} on {args.machine}, seed {args.seed}: host {t1 - t0:.1f} s, "
          f"Mote {t2 - t1:.1f} s")
    failures += [f"Mote: {f}" for f in fat_disk.summary_failures(out, status, args.ops + 1)]
    if workload_lines(out) != workload_lines(host_out):
        failures.append(f"the workloads differ: host {workload_lines(host_out)}, Mote {workload_lines(out)}")

    problem = fat_disk.fsck_clean(img)
    if problem:
        failures.append(problem)
    problem = fat_disk.extract(img, extracted)
    if problem:
        failures.append(problem)
    else:
        failures += [f"tree: {d}" for d in fat_disk.compare_trees(host_root, extracted)]

    for f in failures:
        print("FAIL:", f)
    if failures:
        print(f"fs_diff: kept {work} for inspection")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print(f"fs_diff: {args.ops} operations, fsck.fat clean, the trees are equal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
