# SPDX-License-Identifier: MIT
# xen_tier2_disk.py: the disk half of tools/xen-tier2. Host image files become QEMU virtio disks,
# which dom0 (virtio_blk and xen-blkback loaded) sees as /dev/vda, /dev/vdb ... and hands to the
# domUs through blkback: a guest config's disk `target=FILE` is rewritten to the matching /dev/vdX
# (the only change made to a generated config), so the data lands in the host file and survives
# QEMU. Debian's `block` hotplug script hangs here (no flock in busybox, then killed after 40 s),
# so dom0 gets a short one in its place that only publishes the device. After a guest has ended,
# dom0 can check a FAT disk it used: fsck.fat -n, and its files against a manifest from the host.
import os
import re
import shlex
import shutil

# Loaded in dependency order (each module's depends= field) with busybox's insmod (no depmod).
MODULES = ["drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_pci_legacy_dev.ko",
           "drivers/virtio/virtio_pci_modern_dev.ko", "drivers/virtio/virtio_pci.ko", "drivers/block/virtio_blk.ko",
           "drivers/block/xen-blkback/xen-blkback.ko"]
# The host's dosfstools and mtools (the same Debian release as dom0; only libc, already there).
TOOLS = {"/usr/sbin/fsck.fat": "usr/sbin/fsck.fat", "/usr/bin/mtools": "usr/bin/mtools"}
# Both convert names through iconv's CP850 (FAT's default code page): glibc's module for it and
# the cache that finds it, else mtools refuses to open the disk.
GCONV = "/usr/lib/x86_64-linux-gnu/gconv"
GCONV_FILES = ["gconv-modules.cache", "IBM850.so"]

# libxl runs it as `block add|remove` with XENBUS_PATH set; params is the disk's target.
BLOCK_SCRIPT = r"""#!/bin/sh
# block (tier 2 only): publish the backing device for blkback, nothing else.
[ "$1" = add ] || exit 0
dev=$(readlink -f "$(xenstore-read "$XENBUS_PATH/params")")
[ -b "$dev" ] || { xenstore-write "$XENBUS_PATH/hotplug-error" "$dev is no block device"; exit 1; }
xenstore-write "$XENBUS_PATH/physical-device" "$(stat -L -c %t:%T "$dev")" \
  "$XENBUS_PATH/physical-device-path" "$dev" "$XENBUS_PATH/hotplug-status" connected
"""

# A tree as dom0's busybox lists it: folders, then files with their MD5, each sorted bytewise.
MANIFEST_SH = ("{ find . -type d | sort | sed 's/^/D /'; find . -type f | sort | "
               "while IFS= read -r f; do echo \"F $f $(md5sum < \"$f\" | cut -d' ' -f1)\"; done; }")


def add_arguments(p):
    p.add_argument("--disk", action="append", default=[], metavar="FILE",
                   help="a host image file, given to QEMU as a virtio disk (dom0's /dev/vda, vdb ... in "
                        "order); a guest config whose disk names target=FILE gets that device")
    p.add_argument("--fat-check", nargs=3, action="append", default=[], metavar=("NAME", "FILE", "TREE"),
                   help="after guest NAME ends, dom0 runs fsck.fat -n on FILE's device and compares its "
                        "files with the host folder TREE (by MD5 manifests)")


def manifest(root):
    """The lines MANIFEST_SH prints for the folder `root`."""
    import hashlib
    dirs, files = [], []
    for d, subdirs, names in os.walk(root):
        rel = "." + d[len(root):] if d != root else "."
        dirs.append(rel)
        for n in names:
            with open(os.path.join(d, n), "rb") as f:
                files.append((f"{rel}/{n}", hashlib.md5(f.read()).hexdigest()))
    key = lambda s: s.encode()  # noqa: E731  (busybox sort compares bytes)
    return "".join(f"D {d}\n" for d in sorted(dirs, key=key)) + \
        "".join(f"F {p} {h}\n" for p, h in sorted(files, key=lambda x: key(x[0])))


def _device(a, path):
    files = [os.path.abspath(f) for f in a.disk]
    return f"/dev/vd{chr(ord('a') + files.index(os.path.abspath(path)))}"


def qemu_args(a):
    args = []
    for i, f in enumerate(a.disk):
        args += ["-drive", f"file={os.path.abspath(f)},format=raw,if=none,id=disk{i},cache=writeback",
                 "-device", f"virtio-blk-pci,drive=disk{i}"]
    return args


def initramfs(a, rd, root, kver):
    """Put the modules, tools and block script into dom0's tree; returns the init lines that load
    the modules and wait for the disks."""
    if not a.disk:
        return ""
    for m in MODULES:
        src = os.path.join(root, "lib/modules", kver, "kernel", m)
        dst = os.path.join(rd, "lib/modules", kver, "kernel", m)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    for src, dst in TOOLS.items():
        os.makedirs(os.path.dirname(os.path.join(rd, dst)), exist_ok=True)
        shutil.copy2(src, os.path.join(rd, dst))
    os.symlink("mtools", os.path.join(rd, "usr/bin/mcopy"))
    os.makedirs(rd + GCONV, exist_ok=True)
    for g in GCONV_FILES:
        shutil.copy2(os.path.join(GCONV, g), rd + GCONV)
    script = os.path.join(rd, "etc/xen/scripts/block")
    with open(script, "w") as f:
        f.write(BLOCK_SCRIPT)
    os.chmod(script, 0o755)
    for name, _, path in a.fat_check:
        with open(os.path.join(rd, "guests", name + ".manifest"), "w") as f:
            f.write(manifest(path))
    last = _device(a, a.disk[-1])
    return (f"for m in {' '.join(MODULES)}; do\n"
            f"  insmod /lib/modules/{kver}/kernel/$m || echo \"tier2: insmod $m failed\"\n"
            f"done\n"
            f"i=0; while [ ! -b {last} ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done\n"
            f"echo \"tier2: disks $(ls /dev/vd* 2>/dev/null | tr '\\n' ' ')\"\n")


def cfg_text(a, text):
    """A generated config with each disk target that names a --disk file replaced by its device."""
    def sub(m):
        target = m.group(1)
        if any(os.path.abspath(target) == os.path.abspath(f) for f in a.disk):
            return "target=" + _device(a, target)
        return m.group(0)
    return re.sub(r"target=([^,'\"\]]+)", sub, text)


def after_guest(a, name):
    """dom0's checks of the disks guest NAME used, once it has ended."""
    out = ""
    for who, img, _ in a.fat_check:
        if who != name:
            continue
        dev, tree = _device(a, img), shlex.quote(f"/tmp/{name}.tree")
        out += (f"echo 'tier2: fsck of {name}'; /usr/sbin/fsck.fat -n {dev}; echo \"tier2: fsck status $?\"\n"
                f"rm -rf {tree}; mkdir -p {tree}; /usr/bin/mcopy -s -n -i {dev} ::/ {tree} "
                f"|| echo 'tier2: mcopy failed'\n"
                f"(cd {tree} && {MANIFEST_SH}) > /tmp/{name}.got\n"
                f"if cmp -s /guests/{name}.manifest /tmp/{name}.got; then echo 'tier2: {name}: dom0 finds the files "
                f"equal'; else echo 'tier2: {name}: dom0 finds the files differ'; "
                f"diff /guests/{name}.manifest /tmp/{name}.got | head -20; fi\n")
    return out


def check(a, out):
    """Failures among dom0's disk checks."""
    failures = []
    for name, _, _ in a.fat_check:
        m = re.search(rf"tier2: fsck of {re.escape(name)}\n(.*?)tier2: fsck status ([0-9]+)\n", out, re.S)
        if not m:
            failures.append(f"{name}: dom0 never checked its disk")
            continue
        lines = [line for line in m.group(1).splitlines() if line.strip()]
        clean = m.group(2) == "0" and len(lines) == 2 and lines[0].startswith("fsck.fat ") and \
            re.match(r"^.*: [0-9]+ files, [0-9]+/[0-9]+ clusters$", lines[1])
        print(f"== dom0's fsck.fat -n of {name}'s disk (status {m.group(2)})\n{m.group(1)}", end="")
        if not clean:
            failures.append(f"{name}: fsck.fat -n in dom0 was not clean")
        if f"tier2: {name}: dom0 finds the files equal" not in out:
            failures.append(f"{name}: dom0 finds the disk's files differ from the host's")
    return failures
