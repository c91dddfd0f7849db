#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# fs_disk.py: the storage system tests around tests/fs/fs_disk_test.c: prepares the FAT disks of
# one scenario with mkfs.fat and mtools, boots the guest with them, and checks the disks on the
# host afterwards (fsck.fat, contents through mtools, a read-only image unchanged).
import argparse
import hashlib
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fat_disk  # noqa: E402

HELLO = b"hello from the host\n"
BLOCK = 4096
TABLE = [bytes((i * 31 + c) & 0xFF for i in range(BLOCK)) for c in range(256)]


def block(b, tag):
    """Block b of a file tagged `tag`, as fs_disk_test.c's make_block() writes it."""
    return struct.pack("<I", b & 0xFFFFFFFF) + TABLE[(b * 7 + tag * 101) & 0xFF][4:]


def tagged_problem(stream, tag, size):
    """None when the binary stream holds exactly `size` bytes of tag's contents, else what differs."""
    off = 0
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        want = b"".join(block(b, tag) for b in range(off // BLOCK, (off + len(chunk) + BLOCK - 1) // BLOCK))
        if chunk != want[:len(chunk)]:
            i = next(k for k in range(len(chunk)) if chunk[k] != want[k])
            return f"differs at byte {off + i}"
        off += len(chunk)
    return None if off == size else f"{off} bytes, expected {size}"


def file_problem(path, tag, size):
    with open(path, "rb") as f:
        return tagged_problem(f, tag, size)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def with_hello(img, size_mib, work):
    """A FAT image holding hello.txt and an empty folder sub/, put there by mtools."""
    src = os.path.join(work, "src-" + os.path.basename(img))
    os.makedirs(os.path.join(src, "sub"))
    with open(os.path.join(src, "hello.txt"), "wb") as f:
        f.write(HELLO)
    fat_disk.make_image(img, size_mib)
    fat_disk.put_files(img, src)


def listing(root):
    """Every file and folder under root, relative, folders ending in '/'."""
    out = []
    for dirpath, dirs, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        out += [os.path.normpath(os.path.join(rel, d)) + "/" for d in dirs]
        out += [os.path.normpath(os.path.join(rel, f)) for f in files]
    return sorted(out)


def check_tree(img, work, expected, failures, what):
    """fsck.fat -n is clean and the image holds exactly `expected`: {path: (tag, size)} for files,
    {path/: None} for folders."""
    problem = fat_disk.fsck_clean(img)
    if problem:
        failures.append(f"{what}: {problem}")
    out = os.path.join(work, "extracted-" + os.path.basename(img))
    problem = fat_disk.extract(img, out)
    if problem:
        failures.append(f"{what}: {problem}")
        return
    got = listing(out)
    if got != sorted(expected):
        failures.append(f"{what}: the disk holds {got}, expected {sorted(expected)}")
        return
    for path, spec in expected.items():
        if spec is not None:
            p = file_problem(os.path.join(out, path), *spec)
            if p:
                failures.append(f"{what}: {path}: {p}")


def corrupt_boot_sector(img):
    """Bytes per sector 0: no FAT driver may accept it."""
    with open(img, "r+b") as f:
        f.seek(11)
        f.write(b"\0\0")


def break_chain(img, name):
    """Points the second cluster of FAT16 file `name` (in the root) past the volume's last cluster."""
    with open(img, "r+b") as f:
        bs = f.read(512)
        bps, spc, rsv, nfats, root_ents, tot16, fatsz = struct.unpack_from("<HBHBHH", bs, 11) + (
            struct.unpack_from("<H", bs, 22)[0],)
        tot = tot16 or struct.unpack_from("<I", bs, 32)[0]
        root_sec = rsv + nfats * fatsz
        data_sec = root_sec + (root_ents * 32 + bps - 1) // bps
        clusters = (tot - data_sec) // spc
        f.seek(root_sec * bps)
        root = f.read(root_ents * 32)
        short = name.upper().split(".")
        want = short[0].ljust(8).encode() + short[1].ljust(3).encode()
        for k in range(0, len(root), 32):
            if root[k:k + 11] == want:
                first = struct.unpack_from("<H", root, k + 26)[0]
                break
        else:
            raise RuntimeError(f"{name} not in the root")
        for i in range(nfats):
            base = (rsv + i * fatsz) * bps
            f.seek(base + first * 2)
            f.write(struct.pack("<H", clusters + 10))  # a cluster number beyond the volume


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--machine", default="q35")
    ap.add_argument("--scenario", required=True, choices=("readonly-option", "readonly-device", "full",
                                                           "corrupt", "two", "big"))
    ap.add_argument("--passed", type=int, required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("image")
    args = ap.parse_args()

    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log = os.path.join(work, "guest.log")
    failures = []
    sc = args.scenario

    def boot(disks, cmdline, **kw):
        status, out = fat_disk.run_guest(args.runner, args.machine, args.image, disks, cmdline, log, **kw)
        print(out[-3000:])
        failures.extend(fat_disk.summary_failures(out, status, args.passed))
        return out

    if sc.startswith("readonly"):
        img = os.path.join(work, "ro.img")
        with_hello(img, 16, work)
        before = sha256(img)
        if sc == "readonly-option":
            boot([(img, False)], ["fs.mount=blk0:/ro:ro", "--", "readonly", "/ro"])
        else:
            boot([(img, True)], ["fs.mount=blk0:/ro", "--", "readonly", "/ro"])
        if sha256(img) != before:
            failures.append("the read-only disk changed")
    elif sc == "full":
        img = os.path.join(work, "full.img")
        if fat_disk.make_image(img, 16) != 16:
            failures.append("mkfs.fat did not make FAT16 on 16 MiB")
        out = boot([(img, False)], ["fs.mount=blk0:/data", "--", "full", "/data"])
        files = re.findall(r"^file (\S+) ([0-9]+) ([0-9]+)$", out, re.M)
        if not files:
            failures.append("the guest listed no files")
        check_tree(img, work, {n: (int(t), int(s)) for n, t, s in files}, failures, "full disk")
    elif sc == "corrupt":
        bad, mid, data = (os.path.join(work, n) for n in ("bad.img", "mid.img", "data.img"))
        with_hello(bad, 8, work)
        corrupt_boot_sector(bad)
        src = os.path.join(work, "src-mid")
        os.makedirs(src)
        with open(os.path.join(src, "good.txt"), "wb") as f:
            f.write(HELLO)
        with open(os.path.join(src, "broken.bin"), "wb") as f:
            f.write(b"".join(block(b, 3) for b in range(16)))  # 64 KiB: several clusters
        fat_disk.make_image(mid, 16)
        fat_disk.put_files(mid, src)
        break_chain(mid, "broken.bin")
        fat_disk.make_image(data, 8)
        out = boot([(bad, False), (mid, False), (data, False)],
                   ["fs.mount=blk0:/bad", "fs.mount=blk1:/mid", "fs.mount=blk2:/data", "--", "corrupt"])
        named = [l for l in out.splitlines() if "blk0" in l and re.search(
            r"corrupt|invalid|bad|refus|fail|error|cannot|not", l, re.I)]
        if not named:
            failures.append("no console line names blk0 and says its mount failed")
        else:
            print("fs_disk: the error: " + named[0])
        if re.search(r"panic|fatal", out, re.I):
            failures.append("the kernel panicked")
        check_tree(data, work, {"ok.bin": (5, 100000)}, failures, "the sound disk")
    elif sc == "two":
        a, b = os.path.join(work, "a.img"), os.path.join(work, "b.img")
        if fat_disk.make_image(a, 512) != 32 or fat_disk.make_image(b, 8) != 12:
            failures.append("mkfs.fat did not make FAT32 and FAT12")
        boot([(a, False), (b, False)], ["fs.mount=blk0:/a", "fs.mount=blk1:/b", "--", "two"])
        check_tree(a, work, {"dir/": None, "dir/one.bin": (1, 300000)}, failures, "disk a")
        check_tree(b, work, {"dir/": None, "dir/two.bin": (2, 200000)}, failures, "disk b")
    elif sc == "big":
        img = os.path.join(work, "big.img")
        if fat_disk.make_image(img, 2048) != 32:
            failures.append("mkfs.fat did not make FAT32 on 2 GiB")
        boot([(img, False)], ["fs.mount=blk0:/big", "--", "big"], memory="256M", timeout=1700)
        problem = fat_disk.fsck_clean(img)
        if problem:
            failures.append(problem)
        names = fat_disk.list_root(img)
        if names != ["huge.bin"]:
            failures.append(f"the root holds {names}, expected only huge.bin")
        else:
            p = subprocess.Popen(["mcopy", "-i", img, "::/huge.bin", "-"], stdout=subprocess.PIPE,
                                 env=fat_disk.MTOOLS_ENV)
            problem = tagged_problem(p.stdout, 7, 1 << 30)
            p.stdout.close()
            p.wait()
            if problem:
                failures.append(f"huge.bin as mtools reads it: {problem}")

    for f in failures:
        print("FAIL:", f)
    if failures:
        print(f"fs_disk: kept {work} for inspection")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print(f"fs_disk: {sc}: the guest passed and the disks check out on the host")
    return 0


if __name__ == "__main__":
    sys.exit(main())
