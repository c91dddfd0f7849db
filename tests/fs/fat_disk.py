# SPDX-License-Identifier: MIT
# fat_disk.py: what the storage system tests share: FAT images made with mkfs.fat, checked with
# fsck.fat and read with mtools on the host, and a Mote image booted with them as virtio-blk disks.
import os
import re
import subprocess
import sys

# The image sizes for which mkfs.fat, left to choose, makes each FAT type (checked on every use).
FAT_SIZES_MIB = {12: 8, 16: 64, 32: 512}

# mtools refuses images whose geometry it cannot check unless MTOOLS_SKIP_CHECK is set; mkfs.fat's
# images pass, so it is kept out: a refusal is a real failure.
MTOOLS_ENV = {k: v for k, v in os.environ.items() if k != "MTOOLS_SKIP_CHECK"}


def fat_type(img):
    """12, 16 or 32, from the file-system type string of the boot sector (None if absent)."""
    with open(img, "rb") as f:
        boot = f.read(512)
    if boot[82:90] == b"FAT32   ":
        return 32
    if boot[54:62] in (b"FAT12   ", b"FAT16   "):
        return int(boot[57:59])
    return None


def make_image(img, size_mib, fat=None, label=None):
    """A fresh sparse image of size_mib MiB, formatted by mkfs.fat. Without `fat`, mkfs chooses
    the type; the type made is returned."""
    if os.path.exists(img):
        os.unlink(img)
    with open(img, "wb") as f:
        f.truncate(size_mib << 20)
    cmd = ["mkfs.fat"]
    if fat:
        cmd += ["-F", str(fat)]
    if label:
        cmd += ["-n", label]
    subprocess.run(cmd + [img], check=True, stdout=subprocess.DEVNULL)
    return fat_type(img)


def fsck(img, repair=False):
    """Runs fsck.fat -n (or -a on the image itself with `repair`); returns (status, output)."""
    r = subprocess.run(["fsck.fat", "-a" if repair else "-n", img], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return r.returncode, r.stdout.decode(errors="replace")


def fsck_clean(img):
    """None when fsck.fat -n finds nothing at all to say, else what it said. A clean run prints
    only its version line and the "N files, N/N clusters" summary, and exits 0."""
    status, out = fsck(img)
    lines = [l for l in out.splitlines() if l.strip()]
    if status == 0 and len(lines) == 2 and lines[0].startswith("fsck.fat ") \
            and re.match(r"^.*: [0-9]+ files, [0-9]+/[0-9]+ clusters$", lines[1]):
        return None
    return f"fsck.fat -n exited {status}:\n{out}"


def put_files(img, src_dir):
    """Copies the contents of src_dir into the image's root with mcopy."""
    names = sorted(os.listdir(src_dir))
    if names:
        subprocess.run(["mcopy", "-s", "-i", img] + [os.path.join(src_dir, n) for n in names] + ["::/"],
                       check=True, env=MTOOLS_ENV)


def extract(img, out_dir):
    """The whole tree of the image into out_dir (made empty first), with mcopy -s. None, or what
    mtools said when it could not read the image."""
    subprocess.run(["rm", "-rf", out_dir], check=True)
    os.makedirs(out_dir)
    r = subprocess.run(["mcopy", "-s", "-n", "-i", img, "::/", out_dir], env=MTOOLS_ENV,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if r.returncode != 0:
        return f"mcopy -s exited {r.returncode}: " + r.stderr.decode(errors="replace").strip()
    return None


def read_file(img, path):
    """The bytes of ::path in the image (mtools), or None when mtools cannot read it."""
    r = subprocess.run(["mtype", "-i", img, "::" + path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=MTOOLS_ENV)
    return r.stdout if r.returncode == 0 else None


def list_root(img):
    """The names in the image's root folder (mtools' long names)."""
    r = subprocess.run(["mdir", "-b", "-i", img, "::/"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=MTOOLS_ENV)
    return [os.path.basename(l.rstrip("/")) for l in r.stdout.decode(errors="replace").splitlines() if l]


def compare_trees(a, b, limit=20):
    """Differences between folders a and b (names, kinds, sizes, bytes, empty folders), at most
    `limit` of them; an empty list when they are equal."""
    diffs = []

    def walk(rel):
        pa, pb = os.path.join(a, rel), os.path.join(b, rel)
        na, nb = set(os.listdir(pa)), set(os.listdir(pb))
        for n in sorted(na - nb):
            diffs.append(f"only in {a}: {os.path.join(rel, n)}")
        for n in sorted(nb - na):
            diffs.append(f"only in {b}: {os.path.join(rel, n)}")
        for n in sorted(na & nb):
            if len(diffs) >= limit:
                return
            r = os.path.join(rel, n)
            fa, fb = os.path.join(a, r), os.path.join(b, r)
            if os.path.isdir(fa) != os.path.isdir(fb):
                diffs.append(f"{r}: a folder on one side, a file on the other")
            elif os.path.isdir(fa):
                walk(r)
            else:
                sa, sb = os.path.getsize(fa), os.path.getsize(fb)
                if sa != sb:
                    diffs.append(f"{r}: {sa} bytes in {a}, {sb} in {b}")
                    continue
                with open(fa, "rb") as x, open(fb, "rb") as y:
                    off = 0
                    while True:
                        ca, cb = x.read(1 << 20), y.read(1 << 20)
                        if ca != cb:
                            i = next(k for k in range(min(len(ca), len(cb))) if ca[k] != cb[k])
                            diffs.append(f"{r}: contents differ at byte {off + i}")
                            break
                        if not ca:
                            break
                        off += len(ca)

    walk("")
    return diffs[:limit]


def drive_args(machine, disks):
    """QEMU options for `disks`, a list of (image, read_only): virtio-blk on PCI (pc, q35) or MMIO
    (microvm, whose devices Mote finds on the command line QEMU writes only with ACPI off)."""
    dev = "virtio-blk-device" if machine == "microvm" else "virtio-blk-pci"
    args = []
    for i, (img, ro) in enumerate(disks):
        ro_opt = ",readonly=on" if ro else ""
        args += [f"--qemu-arg=-drive file={img},if=none,format=raw,id=d{i}{ro_opt}",
                 f"--qemu-arg=-device {dev},drive=d{i}"]
    if machine == "microvm":
        args.append("--qemu-arg=-machine acpi=off")
    return args


def guest_command(runner, machine, image, disks, cmdline, memory="128M", timeout=300, extra=()):
    """tools/mote-run booting `image` on `machine` with `disks` and the command-line words."""
    return [sys.executable, runner, "--machine", machine, "--memory", memory, "--timeout", str(timeout),
            *drive_args(machine, disks), *extra, image, *cmdline]


def run_guest(runner, machine, image, disks, cmdline, log, **kw):
    """Boots the image to its end; returns (exit status, console output) and writes the log."""
    r = subprocess.run(guest_command(runner, machine, image, disks, cmdline, **kw), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode(errors="replace").replace("\r", "")
    os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
    with open(log, "w") as f:
        f.write(out)
    return r.returncode, out


def summary_failures(out, status, passed):
    """What is wrong with an in-image suite's end: status 0 and exactly one whole line
    "PASSED passed, 0 failed"."""
    failures = []
    if status != 0:
        failures.append(f"the image exited with status {status}, expected 0")
    summaries = re.findall(r"^[0-9]+ passed, [0-9]+ failed$", out, re.M)
    if summaries != [f"{passed} passed, 0 failed"]:
        failures.append(f"expected exactly one line '{passed} passed, 0 failed', got: {summaries or 'none'}")
    return failures
