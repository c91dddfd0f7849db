#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/fs/run.py: file throughput and small-file operations/s, Mote's fs_bench image beside the
# same C program built statically for a Debian Linux guest, each on a fresh FAT32 disk image made
# the same way, under the same QEMU. Prints figures, never judges them: the exit status is
# non-zero only when the benchmark itself cannot run.
"""usage: run.py --build-dir BUILD --image fs_bench.kvm --hello hello.kvm --source SRC [options]

Both guests: -M q35, the same accelerator (TCG here: -smp 1,maxcpus=2), -m 256M, one
virtio-blk-pci disk (a 512 MiB sparse file, mkfs.fat's FAT32, QEMU's default cache=writeback,
so fsync reaches the host file with the device's flush). Mote runs three boots on one disk
(write, then read after a fresh boot, then the small files); Linux runs the same three steps in
one boot, dropping its page cache before the read. Rounds alternate Mote and Linux."""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import run as boot_bench  # noqa: E402  (bench/boot/run.py: QEMU options, qemu_version)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import mote_accel  # noqa: E402

FIGURES = [("write_mib_s", "sequential write 64 MiB + fsync (MiB/s)", 1.0),
           ("read_mib_s", "sequential read 64 MiB, cold (MiB/s)", 1.0),
           ("create_ops_s", "create+write 1 KiB+fsync+close (ops/s)", 2.0),
           ("stat_ops_s", "stat (ops/s)", 2.0),
           ("unlink_ops_s", "unlink, then one sync (ops/s)", 2.0),
           ("small_ops_s", "1,000 files, all three phases (ops/s)", 2.0)]


def qemu_cmd(args, img, kernel, initrd, append):
    cmd = [args.qemu, "-M", "q35", *mote_accel.qemu_options(args.accel), "-m", "256M",
           *boot_bench.QEMU_COMMON,
           "-drive", f"file={img},if=none,format=raw,id=d0", "-device", "virtio-blk-pci,drive=d0",
           "-kernel", kernel]
    if initrd:
        cmd += ["-initrd", initrd]
    return cmd + ["-append", append]


def run(cmd, log, timeout=900):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    out = r.stdout.decode(errors="replace")
    with open(log, "a") as f:
        f.write(out)
    return out


def figures(out):
    return {k: float(v) for k, v in re.findall(r"^fs_bench: (\w+) ([0-9.]+)\s*$", out, re.M)}


def fresh_disk(path):
    if os.path.exists(path):
        os.unlink(path)
    with open(path, "wb") as f:
        f.truncate(512 << 20)
    subprocess.run(["mkfs.fat", "-F", "32", path], check=True, stdout=subprocess.DEVNULL)


def mote_round(args, work, log):
    img = os.path.join(args.image_dir or work, "mote.img")
    fresh_disk(img)
    got, notes = {}, []
    for step in ("write", "read", "small"):
        out = run(qemu_cmd(args, img, args.image, None, f"fs.mount=blk0:/data -- {step} /data"), log)
        got.update(figures(out))
        if "FAIL" in out or "exit status 0" not in out:
            notes.append(f"Mote {step}: " + " | ".join(out.strip().splitlines()[-3:]))
    return got, notes


def linux_round(args, work, log, kernel, initrd):
    img = os.path.join(args.image_dir or work, "linux.img")
    fresh_disk(img)
    out = run(qemu_cmd(args, img, kernel, initrd, "console=ttyS0 quiet panic=-1"), log)
    notes = []
    if "FAIL" in out or "LINUX-FS: done" not in out or "cannot mount" in out:
        notes.append("Linux: " + " | ".join(out.strip().splitlines()[-3:]))
    return figures(out), notes


def stripped_size(image):
    tmp = image + ".bench-fs-stripped"
    try:
        subprocess.run(["strip", "-o", tmp, image], check=True, capture_output=True)
        return os.path.getsize(tmp)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def fs_symbols(image):
    """fs/ symbols (vfs_, fat_, bcache_, ramfs_, initrd_) linked into an image."""
    out = subprocess.run(["nm", image], capture_output=True, text=True).stdout
    return [l.split()[-1] for l in out.splitlines()
            if re.search(r" (vfs|fat|bcache|ramfs|initrd|virtio_blk)_\w+$", l)]


def fs_type(path):
    """The filesystem type holding path (tmpfs, ext4 ...), as df says; "?" when unknown."""
    r = subprocess.run(["df", "--output=fstype", path], capture_output=True, text=True)
    lines = r.stdout.split()
    return lines[-1] if r.returncode == 0 and len(lines) > 1 else "?"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--image", required=True, help="fs_bench.kvm")
    p.add_argument("--hello", required=True, help="hello.kvm, whose size is printed")
    p.add_argument("--source", required=True, help="bench/fs/fs_bench.c, built for Linux")
    p.add_argument("--cache-dir", help="the Linux guest's cache (default BUILD/bench-cache)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--image-dir", help="where the two disk images live (default BUILD/bench-fs; e.g. /dev/shm "
                   "to take the host's fdatasync out of each device flush)")
    p.add_argument("--no-linux", action="store_true")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--accel", default=os.environ.get("MOTE_ACCEL", "auto"))
    args = p.parse_args()
    # One accelerator for both guests (KVM only when it is usable and asked for or auto; this
    # script does not try KVM and fall back as bench/net does: TCG is what this host has).
    choice = mote_accel.choose(mote_accel.requested(args.accel), args.qemu)
    args.accel = choice.accel

    work = os.path.join(os.path.abspath(args.build_dir), "bench-fs")
    os.makedirs(work, exist_ok=True)
    if args.image_dir:
        args.image_dir = os.path.abspath(args.image_dir)
        os.makedirs(args.image_dir, exist_ok=True)
    log = os.path.join(work, "console.log")
    open(log, "w").close()
    notes = []
    linux = None
    if not args.no_linux:
        binary = os.path.join(work, "fs_bench")
        r = subprocess.run(["gcc", "-O2", "-static", "-o", binary, args.source], capture_output=True, text=True)
        cache = os.path.abspath(args.cache_dir or os.path.join(args.build_dir, "bench-cache"))
        g = subprocess.run(["sh", os.path.join(HERE, "linux-fs-guest.sh"), cache, binary], stdout=subprocess.PIPE,
                           text=True) if r.returncode == 0 else None
        paths = dict(l.split("=", 1) for l in g.stdout.splitlines() if "=" in l) if g and g.returncode == 0 else {}
        if "vmlinuz" in paths:
            linux = (paths["vmlinuz"], paths["initramfs"])
        else:
            notes.append("Linux guest not run: " + (r.stderr.strip() if r.returncode else "linux-fs-guest.sh failed"))

    mote_runs, linux_runs = [], []
    for i in range(args.rounds):
        got, n = mote_round(args, work, log)
        mote_runs.append(got)
        notes += n
        if linux:
            got, n = linux_round(args, work, log, *linux)
            linux_runs.append(got)
            notes += n
        print(f"bench/fs: round {i + 1} of {args.rounds} done", flush=True)

    def med(runs, key):
        xs = [r[key] for r in runs if key in r]
        return statistics.median(xs) if xs else None

    load = os.getloadavg()
    print(f"\nbench/fs, {datetime.datetime.now():%Y-%m-%d %H:%M}, QEMU {boot_bench.qemu_version(args.qemu)} "
          f"{args.accel.upper()}, -M q35 -m 256M, virtio-blk-pci on a 512 MiB FAT32 image (mkfs.fat) in "
          f"{args.image_dir or work} ({fs_type(args.image_dir or work)}); host "
          f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"median of {args.rounds} rounds, Mote and Linux in turn\n")
    rows = []
    for key, label, target in FIGURES:
        m, l = med(mote_runs, key), med(linux_runs, key)
        ratio = f"{m / l:.2f}" if m is not None and l else "-"
        rows.append([label, "-" if m is None else f"{m:,.1f}", "-" if l is None else f"{l:,.1f}", ratio,
                     f">= {target:g}x Linux" if key in ("write_mib_s", "read_mib_s", "small_ops_s") else ""])
    print(boot_bench.table(rows, ["figure", "Mote", "Linux guest", "Mote/Linux", "target (read, not checked)"]))
    for key, label, _ in FIGURES:
        print(f"{key} of every round: Mote {[r.get(key) for r in mote_runs]}; Linux {[r.get(key) for r in linux_runs]}")
    # Each round's own ratio: the two guests of a round ran minutes apart, so on a loaded host
    # these vary less than the figures themselves.
    for key in ("create_ops_s", "small_ops_s"):
        ratios = [round(m[key] / l[key], 2) for m, l in zip(mote_runs, linux_runs) if m.get(key) and l.get(key)]
        if ratios:
            print(f"{key} Mote/Linux in each round: {ratios} (median {statistics.median(ratios):.2f})")
    hello = stripped_size(args.hello)
    syms = fs_symbols(args.hello)
    print(f"\nhello.kvm stripped: {hello:,} bytes; fs/ and virtio-blk symbols in it: {len(syms)}"
          + (f" ({', '.join(syms[:5])} ...)" if syms else ""))
    print(f"fs_bench.kvm stripped: {stripped_size(args.image):,} bytes")
    for n in notes:
        print("note:", n)
    if args.image_dir:
        for name in ("mote.img", "linux.img"):  # 512 MiB each when full: do not leave them in RAM
            path = os.path.join(args.image_dir, name)
            if os.path.exists(path):
                os.unlink(path)
    print(f"consoles: {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
