#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# fs_powercut.py: the power-cut test. Boots tests/fs/fs_powercut.c on one FAT disk again and again,
# killing QEMU with SIGKILL at seeded random moments; after each kill, every file the guest said
# it had fsynced must read back intact (mtools), and fsck.fat -a on a copy may repair nothing but
# lost clusters (and what a crash leaves by nature: the dirty bit, FSInfo's free-cluster hint,
# two FAT copies that differ while each is sound).
import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import fat_disk  # noqa: E402
from console_process import ConsoleProcess  # noqa: E402  (tools/console_process.py)

FOLDER = "pc"
M64 = (1 << 64) - 1

# What fsck.fat -a may say after a power cut. Each pattern is a whole line.
ALLOWED_FSCK = [
    r"fsck\.fat [0-9.]+ \(.*\)",
    r"Reclaimed [0-9]+ unused clusters? \([0-9]+ bytes\) in [0-9]+ chains?\.",
    # A kill between the writes of the two FAT copies leaves them different, each sound; fsck
    # keeps the first, which the driver writes first (mtools, which read the files, uses it too).
    r"FATs differ but appear to be intact\.",
    r" *Using first FAT\.",
    r"Dirty bit is set\. Fs was not properly unmounted and some data may be corrupt\.",
    r" *Automatically removing dirty bit\.",
    r"Free cluster summary wrong \([0-9]+ vs\. really [0-9]+\)",
    r" *Auto-correcting\.",
    r"\*\*\* Filesystem was changed \*\*\*",
    r"Writing changes\.",
    r".*: [0-9]+ files, [0-9]+/[0-9]+ clusters",
]


def name_hash(name):
    h = 0xcbf29ce484222325
    for c in name.encode():
        h = ((h ^ c) * 0x100000001b3) & M64
    return h


def content(name):
    """The bytes fs_powercut.c writes to NAME (the same generator)."""
    h = name_hash(name)
    n = 1 + (h % (600 * 1024) if h % 8 == 0 else h % (48 * 1024))
    out = bytearray()
    x = h
    for _ in range((n + 7) // 8):
        x = (x * 6364136223846793005 + 1442695040888963407) & M64
        out += x.to_bytes(8, "little")
    return bytes(out[:n])


def kill_qemu(runner_pid):
    """The power cut: SIGKILL to the QEMU that mote-run (runner_pid) started, and to nothing
    else. mote-run relays QEMU's console through a pipe; killed with it, it would lose lines the
    guest had printed before acting ("unlinking NAME", then the unlink), so under load the test
    saw a file gone that it did not know was being unlinked. Left alive, it reads the pipe to its
    end. The group is killed as well if no QEMU is found (it has not started, or it ended)."""
    children = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces or parentheses: the fields after the last ')'.
        if int(stat[stat.rfind(")") + 2:].split()[1]) == runner_pid:
            children.append(int(pid))
    if not children:
        os.killpg(runner_pid, signal.SIGKILL)
        return
    for pid in children:
        os.kill(pid, signal.SIGKILL)


def fsck_unexpected(out):
    """The lines of fsck.fat -a's output that no allowed pattern explains."""
    return [l for l in out.splitlines() if l.strip() and not any(re.fullmatch(p, l) for p in ALLOWED_FSCK)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--machine", default="q35")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("image")
    args = ap.parse_args()

    rnd = random.Random(args.seed)
    work = os.path.abspath(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    img, copy, got = (os.path.join(work, n) for n in ("disk.img", "copy.img", "extracted"))
    fat_disk.make_image(img, fat_disk.FAT_SIZES_MIB[32])

    fsynced, unlinking = set(), set()
    failures = []
    kills = 0
    boot = 0
    t_start = time.monotonic()
    while kills < args.kills and not failures:
        boot += 1
        delay = rnd.uniform(0.05, 2.5)
        first = boot * 100000
        cmd = fat_disk.guest_command(args.runner, args.machine, args.image, [(img, False)],
                                     [f"fs.mount=blk0:/data", "--", f"/data/{FOLDER}", str(first), "100000"],
                                     memory="64M", timeout=300)
        guest = ConsoleProcess(cmd, own_group=True)
        if not guest.wait_for(r"(?m)^ready$|FAIL|exit status", 120) or not re.search(r"^ready$", guest.out, re.M):
            failures.append(f"boot {boot}: the guest did not get ready (after {kills} kills):\n{guest.tail()}")
            guest.stop()
            break
        time.sleep(delay)
        exited = guest.proc.poll() is not None
        if not exited:
            kill_qemu(guest.proc.pid)
            kills += 1
        guest.proc.wait()
        guest.reader.join(5)
        out = guest.out
        with open(os.path.join(work, f"boot{boot}.log"), "w") as f:
            f.write(out)
        if re.search(r"^FAIL", out, re.M) or exited:
            failures.append(f"boot {boot}: the guest failed or ended before the kill:\n{guest.tail()}")
            break
        # The kill may cut the last line short ("fsynced file4"): only whole lines count.
        whole = out[:out.rfind("\n") + 1]
        new = re.findall(r"^fsynced (\S+)$", whole, re.M)
        fsynced.update(new)
        unlinking.update(re.findall(r"^unlinking (\S+)$", whole, re.M))
        print(f"fs_powercut: boot {boot}: killed after {delay:.2f} s, {len(new)} files fsynced in this boot")

        # Every fsynced file not being unlinked reads back intact; one being unlinked is either
        # intact or gone. mtools reads the image as the kill left it.
        problem = fat_disk.extract(img, got)
        if problem:
            failures.append(f"boot {boot}: {problem}")
            break
        folder = os.path.join(got, FOLDER)
        present = set(os.listdir(folder)) if os.path.isdir(folder) else set()
        for name in sorted(fsynced):
            if name not in present:
                if name not in unlinking:
                    failures.append(f"boot {boot}: {name} was fsynced, and is missing")
                continue
            with open(os.path.join(folder, name), "rb") as f:
                data = f.read()
            if data != content(name):
                failures.append(f"boot {boot}: {name} was fsynced, and reads back {len(data)} bytes "
                                f"that differ from the {len(content(name))} written")
        fsynced -= unlinking - present

        subprocess.run(["cp", "--sparse=always", img, copy], check=True)
        status, fsck_out = fat_disk.fsck(copy, repair=True)
        bad = fsck_unexpected(fsck_out)
        if bad or status not in (0, 1):
            failures.append(f"boot {boot}: fsck.fat -a (status {status}) repaired more than lost clusters:\n"
                            + fsck_out)
        elif status == 1:
            print("fs_powercut: fsck.fat -a: " + "; ".join(l.strip() for l in fsck_out.splitlines()[1:-1]
                                                           if l.strip()))
    total = len(fsynced)
    print(f"fs_powercut: seed {args.seed}: {kills} kills in {boot} boots, {total} fsynced files checked "
          f"after the last, {time.monotonic() - t_start:.0f} s")
    if not failures and total == 0:
        failures.append("no file was ever fsynced: the kills came too early to test anything")
    for f in failures[:20]:
        print("FAIL:", f)
    if failures:
        print(f"fs_powercut: kept {work} for inspection")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
