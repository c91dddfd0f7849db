#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/boot/run.py: boot figures of Mote's hello image beside a Linux guest (Debian's kernel and a
# busybox initramfs, see linux-guest.sh), both under the same QEMU accelerator in one run. Prints
# figures, never judges them: the exit status is non-zero only when the benchmark itself cannot run.
"""usage: run.py --build-dir BUILD [options]

Figures, for each machine (microvm, pc) and image (Mote's hello, Linux), and with --xen-image
for hello.xen booted as dom0 by Xen 4.17 on QEMU's q35 (Xen rows: size, virtual ns, wall ms, RSS),
and with --baremetal-iso for hello.iso on q35 through SeaBIOS and OVMF, then GRUB (the same figures,
and the Linux guest in the same kind of ISO beside it):
  image      stripped image bytes (Linux: vmlinuz + initramfs, shown apart)
  virt ns    virtual ns from reset to main under -icount shift=0 (1 instruction = 1 ns): the TSC
             at Mote's main and at Linux's /init; then the kernel's own share: Mote's main - entry
             TSC (on Xen: from Xen handing over to dom0's entry), Linux's /proc/uptime
  wall ms    median [min-max] ms from QEMU's start to the marker line on its console, under the
             accelerator --accel or $MOTE_ACCEL chose (auto: KVM when it runs a Mote guest, else
             TCG; both guests always under the same one, printed in the header)
  min -m     smallest -m that still reaches the marker (bisection)
  RSS        QEMU's VmRSS when the marker appears (median over the wall-time runs)
and Mote's own share in instructions, kvm's PVH entry and baremetal's Multiboot2 entry to main,
counted from QEMU's exec trace (see count_share; --no-count skips it).
docs/bench.md says how to read them."""
import argparse
import datetime
import decimal
import os
import platform
import re
import select
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import mote_accel  # noqa: E402  (tools/mote_accel.py: KVM or TCG, as tools/mote-run chooses)
sys.path.insert(0, os.path.join(HERE, "..", "xen"))
import boot as xen_boot  # noqa: E402  (bench/xen/boot.py: the Xen domU row)

MACHINES = ("microvm", "pc")

# One command line for every boot, as tools/mote-run builds it; only the accelerator, -M, -m,
# the images and the icount options change.
QEMU_COMMON = ["-nodefaults", "-no-user-config", "-display", "none",
               "-no-reboot", "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def accel_options(accel):
    """-accel and -cpu for "kvm" or "tcg" (-cpu max; -smp stays QEMU's default 1, as in every
    figure so far)."""
    return mote_accel.qemu_options(accel, "max", tcg_smp=False)


# Deterministic virtual time: every instruction advances the virtual clock (and so the guest's
# TSC) by 2^shift ns, and an idle CPU jumps straight to the next timer instead of waiting.
def icount_options(shift=0):
    return ["-icount", f"shift={shift},sleep=off", "-rtc", "base=2000-01-01T00:00:00,clock=vm", "-seed", "1"]


# The targets the figures are read against (not checked: printed beside them).
TARGET_IMAGE = 64 * 1024
TARGET_MAIN_NS = 1_000_000
TARGET_MEM_KIB = 2 * 1024

# QEMU 7.2 rounds -m up to a multiple of 8 KiB (and takes 0 as its 128 MiB default), so finer
# steps than this would boot the same machine twice.
QEMU_RAM_ALIGN_KIB = 8

XEN_MACHINE_RAM = "512M"  # QEMU's RAM under Xen, as tools/mote-run gives it

MOTE_BOOT_RE = re.compile(rb"mote: boot: entry at tsc (\w+), main at tsc (\w+)")
LINUX_MARKER_RE = re.compile(rb"LINUX-MARKER uptime=([0-9.]+) tsc=([0-9]+)\s")


class Guest:
    """One image and how QEMU boots it on each machine."""

    def __init__(self, name, machines, kernel, initrd, append, marker, timeout, xen=None):
        self.xen = xen  # for a dom0 image: the hypervisor, QEMU's -kernel; kernel is its module
        self.name = name
        self.machines = machines  # bench machine name -> QEMU -M value
        self.kernel = kernel
        self.initrd = initrd
        self.append = append
        self.marker = marker
        self.timeout = timeout

    def command(self, qemu, machine, memory, icount=False, shift=0, accel="tcg"):
        """QEMU's command line; icount is TCG's alone, so it overrides `accel`."""
        accel = "tcg" if icount else accel
        if self.xen:
            return self.xen_command(qemu, machine, memory, icount, shift, accel)
        cmd = [qemu, "-M", self.machines[machine], "-m", memory, *accel_options(accel), *QEMU_COMMON]
        if icount:
            cmd += icount_options(shift)
        cmd += ["-kernel", self.kernel]
        if self.initrd:
            cmd += ["-initrd", self.initrd]
        return cmd + ["-append", self.append]

    def xen_command(self, qemu, machine, memory, icount, shift, accel):
        """As tools/mote-run --machine dom0 runs it: `memory` is dom0's, the machine has
        XEN_MACHINE_RAM; the module string is "IMAGE CMDLINE" (Xen drops the first word)."""
        cmd = [qemu, "-M", self.machines[machine], "-m", XEN_MACHINE_RAM, *accel_options(accel), *QEMU_COMMON]
        if icount:
            cmd += icount_options(shift)
        xen_args = ["console=com1", "com1=115200,8n1", "loglvl=all", "guest_loglvl=all",
                    f"dom0_mem={memory},max:{memory}"]
        return cmd + ["-kernel", self.xen, "-append", " ".join(xen_args),
                      "-initrd", f"{self.kernel} {self.append}".replace(",", ",,")]


# Debian's ovmf package, as tools/mote-run --firmware uefi uses it.
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"


class IsoGuest(Guest):
    """A baremetal NAME.iso booted from q35's CD drive through SeaBIOS or OVMF, then GRUB, as
    tools/mote-run boots it; `iso` already carries the command line in its grub.cfg. `vars` is
    this run's copy of OVMF's variable store (uefi only)."""

    def __init__(self, name, iso, firmware, marker, timeout, vars_file=None):
        super().__init__(name, {"q35": "q35"}, iso, None, "", marker, timeout)
        self.firmware = firmware
        self.vars_file = vars_file

    def command(self, qemu, machine, memory, icount=False, shift=0, accel="tcg"):
        accel = "tcg" if icount else accel
        cmd = [qemu, "-M", "q35", "-m", memory, *accel_options(accel), *QEMU_COMMON]
        if icount:
            # GRUB 2.06 stops after clearing the screen under any fixed shift (0, 1 and 4 tried,
            # from the CD on pc and q35 and from a USB stick; QEMU 7.2): QEMU's adaptive rate
            # boots it, so these rows count virtual ns at a rate QEMU picks (not 1 per instruction).
            cmd += icount_options("auto")
        cmd += ["-drive", f"file={self.kernel},media=cdrom,readonly=on,format=raw"]
        if self.firmware == "uefi":
            cmd += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                    "-drive", f"if=pflash,format=raw,unit=1,file={self.vars_file}"]
        return cmd


def baremetal_guests(bench, iso, work):
    """hello.iso under SeaBIOS and OVMF (when Debian's ovmf is installed), with the command line
    "mote.boottime --" put into a copy made as tools/mote-run makes it; [] with a note when the
    ISO is missing or the copy cannot be made."""
    if not os.path.isfile(iso):
        bench.note(f"no baremetal ISO at {iso} (configure and build a PLATFORM=baremetal tree): no baremetal rows")
        return []
    import mote_grub  # noqa: E402  (tools/mote_grub.py, on the path set above)
    name = os.path.basename(iso)[:-len(".iso")]
    copy = os.path.join(work, name + ".iso")
    try:
        mote_grub.with_cmdline(iso, name, ["mote.boottime", "--"], copy)
    except (OSError, subprocess.CalledProcessError) as e:
        bench.note(f"could not make a copy of {iso} with mote.boottime (grub-mkrescue): {e}: no baremetal rows")
        return []
    guests = [IsoGuest("mote-bm-bios", copy, "bios", b"Hello from Mote!", 120.0)]
    if os.path.isfile(OVMF_CODE):
        vars_file = os.path.join(work, "OVMF_VARS.fd")
        shutil.copyfile(OVMF_VARS, vars_file)
        guests.append(IsoGuest("mote-bm-uefi", copy, "uefi", b"Hello from Mote!", 180.0, vars_file))
    else:
        bench.note(f"no OVMF at {OVMF_CODE} (Debian's ovmf): no UEFI row")
    return guests


LINUX_APPEND = ["console=ttyS0", "quiet", "panic=-1"]


def linux_iso_guests(bench, vmlinuz, initramfs, firmwares, work):
    """The Linux guest (the same vmlinuz, initramfs and command line as its -kernel rows) in an
    ISO made by tools/mote_grub.py as Mote's ISO is made, under each of `firmwares`; [] with a
    note when grub-mkrescue fails."""
    import mote_grub  # noqa: E402  (tools/mote_grub.py, on the path set above)
    iso = os.path.join(work, "linux.iso")
    try:
        mote_grub.make_linux_iso(vmlinuz, initramfs, LINUX_APPEND, iso)
    except (OSError, subprocess.CalledProcessError) as e:
        bench.note(f"could not make the Linux guest's ISO (grub-mkrescue): {e}: no Linux ISO rows")
        return []
    guests = []
    for fw in firmwares:
        vars_file = None
        if fw == "uefi":
            vars_file = os.path.join(work, "OVMF_VARS-linux.fd")
            shutil.copyfile(OVMF_VARS, vars_file)
        guests.append(IsoGuest(f"linux-iso-{fw}", iso, fw, b"LINUX-MARKER", 240.0, vars_file))
    return guests


# Mote's own share counted in instructions, whatever the icount mode: QEMU runs the boot under
# plain TCG with one instruction per translation block and logs each block it executes whose
# address lies in the image's executable segments (-d exec,nochain with -dfilter). The lines
# from the first at the entry symbol to the first at main() are the instructions in between, a
# `rep` string instruction once per iteration as icount counts it. On kvm this gives the figure
# that icount shift=0 gives as main - entry TSC (run.py prints both), so the baremetal count,
# which icount cannot give (GRUB hangs under a fixed shift), compares with it.
TRACE_RE = re.compile(rb"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/", re.M)


def elf_code_ranges(elf, nm="nm"):
    """(entry symbol -> address, main's address, [(lo, hi)] of the executable LOAD segments),
    read with readelf and nm; None when the image does not say."""
    r = subprocess.run(["readelf", "-lW", elf], capture_output=True, text=True)
    ranges = []
    for line in r.stdout.splitlines():
        f = line.split()
        if f[:1] == ["LOAD"] and "E" in f[6:-1]:
            vaddr, memsz = int(f[2], 16), int(f[5], 16)
            ranges.append((vaddr, vaddr + memsz))
    syms = {}
    for line in subprocess.run([nm, elf], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "Tt":
            syms[f[2]] = int(f[0], 16)
    return (syms, ranges) if ranges and "main" in syms else None


def count_share(qemu_cmd, elf, entry_symbol, marker, timeout, log_dir):
    """Instructions from `entry_symbol` to main() in one boot of `qemu_cmd` (no icount), or
    (None, why)."""
    found = elf_code_ranges(elf)
    if found is None or entry_symbol not in found[0]:
        return None, f"no executable segment, main or {entry_symbol} in {elf}"
    syms, ranges = found
    log = os.path.join(log_dir, "exec.log")
    flt = ",".join(f"{lo:#x}..{hi - 1:#x}" for lo, hi in ranges)
    b = boot(qemu_cmd + ["-singlestep", "-d", "exec,nochain", "-dfilter", flt, "-D", log], marker, timeout)
    try:
        with open(log, "rb") as f:
            pcs = [int(m.group(1), 16) for m in TRACE_RE.finditer(f.read())]
    except OSError:
        pcs = []
    finally:
        if os.path.exists(log):
            os.remove(log)
    entry, main_pc = syms[entry_symbol], syms["main"]
    if not b.reached or entry not in pcs:
        return None, f"no trace of {entry_symbol} ({'marker seen' if b.reached else 'marker not seen'})"
    first = pcs.index(entry)
    if main_pc not in pcs[first:]:
        return None, "no trace of main() after the entry"
    return pcs.index(main_pc, first) - first, None


class Boot:
    """What one QEMU run showed: whether and when the marker appeared, and the console."""

    def __init__(self, cmd):
        self.cmd = cmd
        self.reached = False
        self.wall_ms = None
        self.rss_kib = None  # VmRSS when the marker appeared
        self.peak_kib = None  # the process's peak RSS, from wait4()
        self.out = b""
        self.err = b""
        self.rc = None
        self.timed_out = False

    def console_tail(self, lines=12):
        text = (self.out + self.err).decode(errors="replace").replace("\r", "")
        return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def vm_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def boot(cmd, marker, timeout, grace=10.0):
    """Run QEMU until it exits, timeout seconds pass, or grace seconds after the marker.

    The clock starts just before the process is created and stops when the marker is first
    seen on QEMU's stdout; QEMU's RSS is read at that same moment."""
    b = Boot(cmd)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    bufs = {proc.stdout.fileno(): bytearray(), proc.stderr.fileno(): bytearray()}
    out_fd = proc.stdout.fileno()
    open_fds = set(bufs)
    deadline = t0 + timeout
    while open_fds:
        left = deadline - time.monotonic()
        if left <= 0:
            b.timed_out = not b.reached
            break
        ready, _, _ = select.select(list(open_fds), [], [], left)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.discard(fd)
                continue
            bufs[fd] += chunk
            if fd == out_fd and not b.reached and marker in bufs[fd]:
                now = time.monotonic()
                b.rss_kib = vm_rss_kib(proc.pid)
                b.reached = True
                b.wall_ms = (now - t0) * 1000.0
                deadline = min(deadline, now + grace)
    # wait4() rather than Popen.wait(): it also gives the peak RSS, the fallback when QEMU had
    # already exited (the guest leaves right after its marker) before VmRSS could be read.
    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
    if pid == 0:
        os.kill(proc.pid, signal.SIGKILL)  # not proc.kill(): its poll() would reap QEMU first
        pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = b.rc = os.waitstatus_to_exitcode(status)
    b.peak_kib = usage.ru_maxrss
    b.out = bytes(bufs[out_fd])
    b.err = bytes(bufs[proc.stderr.fileno()])
    proc.stdout.close()
    proc.stderr.close()
    return b


def kib_to_qemu(kib):
    return f"{kib // 1024}M" if kib % 1024 == 0 else f"{kib}K"


def fmt_kib(kib):
    if kib is None:
        return "-"
    return f"{kib // 1024} MiB" if kib % 1024 == 0 else f"{kib} KiB"


def fmt_int(n):
    return "-" if n is None else f"{n:,}"


def fmt_ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    # Ratios far below one read better as "one part in N".
    return f"{r:.3f}" if r >= 0.1 else f"1/{1 / r:,.0f}"


class Bench:
    def __init__(self, args):
        self.args = args
        self.qemu = args.qemu
        self.log = []  # odd things seen, printed at the end
        self.results = {}  # (guest, machine) -> dict of figures
        self.tsc_text = None
        self.xen = None  # the hello.xen Guest, with --xen-image
        self.xen_domu = None  # bench/xen/boot.py's parse() of the tier-2 run, with --xen-domu-rounds
        self.baremetal = []  # hello.iso under SeaBIOS and OVMF, with --baremetal-iso
        self.linux_iso = []  # the Linux guest in the same kind of ISO, under the same firmwares
        self.baremetal_elf = None  # hello.elf beside the ISO, for the instruction count
        self.accel = "tcg"  # for the wall-time, RSS and memory-floor runs: main() settles it

    def note(self, text):
        self.log.append(text)
        print(f"  note: {text.splitlines()[0]}", flush=True)

    def fig(self, guest, machine):
        return self.results.setdefault((guest.name, machine), {})

    # 1. Image size -------------------------------------------------------------------------
    def stripped_size(self, image):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "stripped")
            subprocess.run([self.args.strip, "-o", out, image], check=True)
            return os.path.getsize(out)

    # 2. Virtual ns to main -----------------------------------------------------------------
    def icount_mote(self, guest, machine, runs):
        seen = []
        for _ in range(runs):
            cmd = guest.command(self.qemu, machine, self.args.memory, icount=True)
            b = boot(cmd, guest.marker, guest.timeout)
            m = MOTE_BOOT_RE.search(b.out)
            if not m:
                self.failed(f"Mote on {machine} under icount printed no boot times", b)
                return
            seen.append((int(m.group(1), 0), int(m.group(2), 0)))
        f = self.fig(guest, machine)
        f["entry_tsc"], f["main_tsc"] = seen[0]
        f["icount_runs"] = seen
        f["icount_same"] = len(set(seen)) == 1
        if f["entry_tsc"] == 0:
            self.note(f"Mote on {machine} reports entry at tsc 0: the firmware ran before it, so the image "
                      f"lost its entry time and main-entry is really main-0")
        print(f"  {machine}: entry at tsc {seen[0][0]:,}, main at tsc {seen[0][1]:,} "
              f"({runs} runs, {'identical' if f['icount_same'] else 'DIFFERENT: ' + repr(seen)})", flush=True)

    def icount_linux(self, guest, machine, runs, memory=None):
        seen = []
        for _ in range(runs):
            t0 = time.monotonic()
            b = boot(guest.command(self.qemu, machine, memory or self.args.linux_memory, icount=True), guest.marker,
                     guest.timeout * 4)
            m = LINUX_MARKER_RE.search(b.out)
            if not m:
                self.failed(f"Linux on {machine} under icount did not reach /init", b)
                return
            seen.append((int(m.group(2)), int(decimal.Decimal(m.group(1).decode()) * 10**9)))
            print(f"  {machine}: tsc {seen[-1][0]:,} and /proc/uptime {m.group(1).decode()} s at /init "
                  f"({time.monotonic() - t0:.1f} s of wall time)", flush=True)
        f = self.fig(guest, machine)
        f["init_tsc"], f["uptime_ns"] = seen[0]
        f["icount_runs"] = seen
        f["icount_same"] = len(set(seen)) == 1

    def tsc_check(self, guest, machine):
        """rdtsc under icount should count virtual ns: with shift=1 (2 ns an instruction) the same
        boot must read twice the TSC values it reads with shift=0."""
        vals = {}
        for shift in (0, 1):
            cmd = guest.command(self.qemu, machine, self.args.memory, icount=True, shift=shift)
            b = boot(cmd, guest.marker, guest.timeout)
            m = MOTE_BOOT_RE.search(b.out)
            if not m:
                self.failed(f"Mote on {machine} with -icount shift={shift} printed no boot times", b)
                return None
            vals[shift] = (int(m.group(1), 0), int(m.group(2), 0))
        (x0, y0), (x1, y1) = vals[0], vals[1]
        text = (f"TSC check on {machine}: shift=0 entry {x0:,} main {y0:,}; shift=1 entry {x1:,} "
                f"main {y1:,}; ratio main {y1 / y0:.4f}, main-entry {(y1 - x1) / max(1, y0 - x0):.4f} "
                f"(2 = TSC counts virtual ns)")
        print(f"  {text}", flush=True)
        return text

    # 2b. Mote's own share in instructions (see count_share) -----------------------------------
    def count_mote(self, guest, machine, elf, entry_symbol, runs):
        seen = []
        with tempfile.TemporaryDirectory(prefix="bench-boot-trace-") as tmp:
            for _ in range(runs):
                cmd = guest.command(self.qemu, machine, self.args.memory, accel="tcg")
                n, why = count_share(cmd, elf, entry_symbol, guest.marker, guest.timeout * 3, tmp)
                if n is None:
                    self.note(f"{guest.name} on {machine}: instructions not counted: {why}")
                    return
                seen.append(n)
        f = self.fig(guest, machine)
        f["insns"] = seen
        print(f"  {guest.name} on {machine}: {seen[0]:,} instructions from {entry_symbol} to main "
              f"({runs} runs, {'identical' if len(set(seen)) == 1 else 'DIFFERENT: ' + repr(seen)})", flush=True)

    # 3 and 5. Wall time and RSS ------------------------------------------------------------
    def wall(self, guest, machine, memory, runs):
        times, rss, peaks = [], [], 0
        for _ in range(runs):
            b = boot(guest.command(self.qemu, machine, memory, accel=self.accel), guest.marker, guest.timeout)
            if not b.reached:
                self.failed(f"{guest.name} on {machine} did not reach its marker ({self.accel.upper()})", b)
                continue
            times.append(b.wall_ms)
            if b.rss_kib is not None:
                rss.append(b.rss_kib)
            elif b.peak_kib is not None:
                rss.append(b.peak_kib)
                peaks += 1
        f = self.fig(guest, machine)
        f["wall_ms"] = times
        f["rss_kib"] = rss
        if peaks:
            self.log.append(f"{guest.name} on {machine}: QEMU was gone before its RSS could be read at the "
                            f"marker in {peaks} of {len(times)} runs; its peak RSS stands in for those")
        if times:
            print(f"  {machine}: wall ms median {statistics.median(times):.0f} "
                  f"[{min(times):.0f}-{max(times):.0f}] over {len(times)}, "
                  f"RSS median {statistics.median(rss) / 1024:.1f} MiB", flush=True)

    # 4. Memory floor -----------------------------------------------------------------------
    def boots_with(self, guest, machine, kib, cache):
        if kib not in cache:
            cmd = guest.command(self.qemu, machine, kib_to_qemu(kib), accel=self.accel)
            b = boot(cmd, guest.marker, guest.timeout, grace=1.0)
            cache[kib] = b
        return cache[kib].reached

    def min_memory(self, guest, machine, hi_kib, fine):
        """Smallest -m reaching the marker: bisection over MiB, then (fine) over 8 KiB steps
        below the smallest MiB. Assumes more memory never hurts; a boot that fails above the
        floor found is reported as odd."""
        cache = {}
        if not self.boots_with(guest, machine, hi_kib, cache):
            self.failed(f"{guest.name} on {machine} does not boot even with -m {kib_to_qemu(hi_kib)}",
                        cache[hi_kib])
            return None
        lo, hi = 0, hi_kib // 1024  # lo MiB fails (0 means "nothing tried"), hi MiB boots
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if self.boots_with(guest, machine, mid * 1024, cache):
                hi = mid
            else:
                lo = mid
        floor = hi * 1024
        if fine:
            lo_k = lo * 1024 if lo else 0
            while floor - lo_k > QEMU_RAM_ALIGN_KIB:
                mid = (lo_k + floor) // 2 // QEMU_RAM_ALIGN_KIB * QEMU_RAM_ALIGN_KIB
                if mid <= lo_k:
                    break
                if self.boots_with(guest, machine, mid, cache):
                    floor = mid
                else:
                    lo_k = mid
        # Check the answer: the floor boots; one step below does not, and show what it did there.
        below = floor - (QEMU_RAM_ALIGN_KIB if fine else 1024)
        if below > 0:
            self.boots_with(guest, machine, below, cache)
            b = cache[below]
            if not b.reached:
                self.log.append(f"{guest.name} on {machine} with -m {kib_to_qemu(below)} (one step below the "
                                f"floor): {'timed out' if b.timed_out else f'QEMU exit code {b.rc}'}\n"
                                f"  $ {shlex.join(b.cmd)}\n" + indent(b.console_tail(8)))
        odd = [k for k, b in cache.items() if k > floor and not b.reached]
        for k in sorted(odd):
            self.failed(f"{guest.name} on {machine} fails with -m {kib_to_qemu(k)} although "
                        f"-m {kib_to_qemu(floor)} boots", cache[k])
        tried = ", ".join(f"{kib_to_qemu(k)}:{'ok' if cache[k].reached else 'no'}" for k in sorted(cache))
        print(f"  {machine}: min -m {kib_to_qemu(floor)} (tried {tried})", flush=True)
        self.fig(guest, machine)["min_kib"] = floor
        return floor

    def linux_acpi_probe(self, guest, seconds=60.0):
        """Debian's kernel on microvm with QEMU's default ACPI tables, once, to say whether it
        still hangs there (without `quiet`, so the console shows where it stops)."""
        probe = Guest("linux", {"microvm": "microvm"}, guest.kernel, guest.initrd,
                      "console=ttyS0 panic=-1", guest.marker, seconds)
        cmd = probe.command(self.qemu, "microvm", self.args.linux_memory, accel=self.accel)
        b = boot(cmd, probe.marker, seconds, grace=1.0)
        if b.reached:
            self.log.append("Linux reached /init on -M microvm with ACPI this time; it does not always: "
                            f"TSC calibration against the PIT depends on host timing ({self.accel.upper()})")
        else:
            how = f"no marker in {seconds:.0f} s" if b.timed_out else f"QEMU exit code {b.rc}, no marker"
            self.log.append(f"Linux on -M microvm with ACPI (QEMU's default): {how}; hence -M "
                            f"{guest.machines['microvm']}\n  $ {shlex.join(b.cmd)}\n"
                            + indent(b.console_tail(4)))
        print(f"  microvm with ACPI: {'reaches /init' if b.reached else 'does not reach /init'}", flush=True)

    def failed(self, what, b):
        how = "timed out" if b.timed_out else f"QEMU exit code {b.rc}"
        self.note(f"{what} ({how})\n  $ {shlex.join(b.cmd)}\n" + indent(b.console_tail()))


def indent(text, by="    | "):
    return "\n".join(by + line for line in (text or "(no output)").splitlines())


def median_range(values, unit_div=1.0, digits=0):
    if not values:
        return "-"
    v = [x / unit_div for x in values]
    return f"{statistics.median(v):.{digits}f} [{min(v):.{digits}f}-{max(v):.{digits}f}]"


def qemu_version(qemu):
    try:
        out = subprocess.run([qemu, "--version"], capture_output=True, text=True, check=True).stdout
        return out.splitlines()[0].replace("QEMU emulator version ", "")
    except (OSError, subprocess.CalledProcessError):
        return None


def xen_guest(bench, image, hypervisor):
    """hello.xen as dom0, or None (with a note) when the image or Xen is missing."""
    if not os.path.isfile(image):
        bench.note(f"no Xen image at {image} (configure and build a PLATFORM=xen tree there): no Xen rows")
        return None
    if hypervisor is None:
        d = os.path.dirname(image)
        while d != os.path.dirname(d) and not os.path.isfile(os.path.join(d, "CMakeCache.txt")):
            d = os.path.dirname(d)
        hypervisor = os.path.join(d, "xen-cache", "xen-4.17-amd64.elf")
    if not os.path.isfile(hypervisor):
        bench.note(f"no Xen hypervisor at {hypervisor} (run that tree's xen tests once, or pass "
                   f"--xen-hypervisor): no Xen rows")
        return None
    return Guest("mote-xen", {"dom0": "q35"}, image, None, "mote.boottime -- ", b"Hello from Mote!", 120.0,
                 xen=hypervisor)


def linux_guest(cache_dir):
    script = os.path.join(HERE, "linux-guest.sh")
    r = subprocess.run(["sh", script, cache_dir], stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return None
    paths = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    return paths.get("vmlinuz"), paths.get("initramfs")


def busybox_root(cache_dir, name, dirs=("bin", "dev", "proc", "sys")):
    """A fresh CACHE/NAME-initramfs-root holding the Linux guest's busybox as /bin/busybox and
    /bin/sh, for a benchmark's own initramfs (pack_initramfs). None when the guest cannot be
    fetched."""
    if linux_guest(cache_dir) is None:  # fetches the kernel and busybox once
        return None
    root = os.path.join(cache_dir, f"{name}-initramfs-root")
    shutil.rmtree(root, ignore_errors=True)
    for d in dirs:
        os.makedirs(os.path.join(root, d))
    shutil.copy(os.path.join(cache_dir, "busybox", "bin", "busybox"), os.path.join(root, "bin", "busybox"))
    os.symlink("busybox", os.path.join(root, "bin", "sh"))
    return root


def pack_initramfs(cache_dir, root, name, command):
    """Write ROOT's /init (run COMMAND, then leave QEMU through the debug-exit port) and pack ROOT
    as CACHE/NAME-initramfs.cpio.gz: ((vmlinuz, initramfs), None) or (None, why not)."""
    with open(os.path.join(root, "init"), "w") as f:
        f.write("#!/bin/sh\n"
                "/bin/busybox mount -t devtmpfs dev /dev 2>/dev/null\n"
                f"{command}\n"
                "/bin/busybox printf '\\000' | /bin/busybox dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null\n"
                "/bin/busybox poweroff -f\n")
    os.chmod(os.path.join(root, "init"), 0o755)
    out = os.path.join(cache_dir, f"{name}-initramfs.cpio.gz")
    cmd = f"cd '{root}' && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -n > '{out}'"
    if subprocess.run(["sh", "-c", cmd]).returncode != 0:
        return None, "cpio/gzip failed"
    return (linux_guest(cache_dir)[0], out), None


def emit(text, output=None):
    """Print a benchmark's report and, with --output, write it to that file too."""
    print(text)
    if output:
        with open(output, "w") as f:
            f.write(text + "\n")


def table(rows, header):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]

    def line(r):
        return "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    out = [line(header), line(["-" * w for w in widths])]
    return "\n".join(out + [line(r) for r in rows])


def report(bench, mote, linux, sizes, machines, meta):
    a = bench.args
    hdr = ["machine", "image", "bytes (stripped)", "virt ns to main", "kernel's share",
           "wall ms med [min-max]", "min -m", "RSS MiB med"]
    rows = []
    for machine in machines:
        for g in (mote, linux):
            if g is None:
                continue
            f = bench.results.get((g.name, machine), {})
            if g is mote:
                size = fmt_int(sizes["mote"])
                virt = fmt_int(f.get("main_tsc"))
                if f.get("main_tsc") is not None:
                    virt += "" if f.get("icount_same") else " (varies)"
                delta = fmt_int(f["main_tsc"] - f["entry_tsc"]) if f.get("main_tsc") is not None else "-"
                name = f"mote hello ({a.memory})"
            else:
                size = f"{fmt_int(sizes['vmlinuz'])} + {fmt_int(sizes['initramfs'])}"
                virt = fmt_int(f.get("init_tsc"))
                if f.get("init_tsc") is not None:
                    virt += "" if f.get("icount_same") else " (varies)"
                delta = fmt_int(f.get("uptime_ns"))
                name = f"linux ({g.machines[machine]}, {a.linux_memory})" if g.machines[machine] != machine \
                    else f"linux ({a.linux_memory})"
            if f.get("boots") is False:
                rows.append([machine, name, size, "does not boot", "-", "-", "-", "-"])
                continue
            rows.append([machine, name, size, virt, delta, median_range(f.get("wall_ms", [])),
                         fmt_kib(f.get("min_kib")), median_range(f.get("rss_kib", []), 1024.0, 1)])
    xen = bench.xen
    if xen is not None:
        f = bench.results.get((xen.name, "dom0"), {})
        virt = fmt_int(f.get("main_tsc"))
        if f.get("main_tsc") is not None:
            virt += "" if f.get("icount_same") else " (varies)"
        delta = fmt_int(f["main_tsc"] - f["entry_tsc"]) if f.get("main_tsc") is not None else "-"
        rows.append(["xen (q35)", f"mote hello.xen, dom0 ({a.memory})", fmt_int(sizes.get("xen")), virt, delta,
                     median_range(f.get("wall_ms", [])), "-", median_range(f.get("rss_kib", []), 1024.0, 1)])
        if bench.xen_domu is not None:
            shares = [r[2] for r in bench.xen_domu[0] if r[2] is not None]
            rows.append(["xen tier 2", "mote hello.xen, xl domU (64M)", fmt_int(sizes.get("xen")), "-",
                         fmt_int(int(statistics.median(shares))) if shares else "-", "-", "-", "-"])
    for g in bench.baremetal:
        f = bench.results.get((g.name, "q35"), {})
        virt = fmt_int(f.get("main_tsc"))
        if f.get("main_tsc") is not None:
            virt += "" if f.get("icount_same") else " (varies)"
        delta = fmt_int(f["main_tsc"] - f["entry_tsc"]) if f.get("main_tsc") is not None else "-"
        fw = "SeaBIOS" if g.firmware == "bios" else "OVMF"
        rows.append([f"baremetal (q35, {fw})", f"mote hello.iso ({a.memory})",
                     f"{fmt_int(sizes.get('bm_elf'))} (ISO {fmt_int(sizes.get('bm_iso'))})", virt, delta,
                     median_range(f.get("wall_ms", [])), "-", median_range(f.get("rss_kib", []), 1024.0, 1)])
    for g in bench.linux_iso:
        f = bench.results.get((g.name, "q35"), {})
        virt = fmt_int(f.get("init_tsc"))
        if f.get("init_tsc") is not None:
            virt += "" if f.get("icount_same") else " (varies)"
        fw = "SeaBIOS" if g.firmware == "bios" else "OVMF"
        rows.append([f"baremetal (q35, {fw})", f"linux ISO ({a.linux_iso_memory})",
                     f"ISO {fmt_int(sizes.get('linux_iso'))}", virt, fmt_int(f.get("uptime_ns")),
                     median_range(f.get("wall_ms", [])), "-", median_range(f.get("rss_kib", []), 1024.0, 1)])
    lines = [f"Mote boot benchmark, {meta['date']}",
             f"QEMU {meta['qemu']}; virt ns under TCG -cpu max (-icount is TCG's), wall ms, min -m and RSS "
             f"under {meta['accel']}; host {meta['host']}, load average {meta['load']}",
             f"runs: wall time {a.runs} (Mote), {a.linux_runs} (Linux); icount {a.icount_runs} (Mote), "
             f"{a.linux_icount_runs} (Linux)", ""]
    lines.append(table(rows, hdr))
    lines.append("")
    lines.append("virt ns to main: the TSC at Mote's main / Linux's /init, = virtual ns since reset, "
                 "firmware included.")
    lines.append("kernel's share: Mote main - entry TSC; Linux /proc/uptime (10 ms steps, from its "
                 "timekeeping init).")
    lines.append("Linux bytes = vmlinuz + initramfs.cpio.gz.")
    if bench.baremetal:
        lines.append("baremetal: hello.iso from q35's CD drive through the firmware and GRUB (its ELF "
                     "stripped, the ISO's bytes apart); virt ns includes firmware and GRUB, under -icount "
                     "shift=auto (GRUB hangs under a fixed shift), so not 1 ns per instruction as above and not "
                     "the same in every run; kernel's share = main - the TSC at the Multiboot2 entry; no min -m.")
    if bench.linux_iso:
        lines.append("linux ISO: the Linux guest above (same vmlinuz, initramfs, command line) in an ISO made "
                     "as hello.iso is (tools/mote_grub.py), booted the same way; virt ns = the TSC at /init "
                     "under the same -icount shift=auto.")
    if xen is not None:
        lines.append(f"xen: hello.xen as PV dom0 of Xen 4.17 (QEMU -m {XEN_MACHINE_RAM}); virt ns includes "
                     "Xen's own boot; kernel's share = main - the TSC at dom0's first instruction; "
                     "RSS is QEMU's, Xen's RAM included; no min -m (dom0_mem is Xen's choice).")
        if bench.xen_domu is not None:
            lines.append("xen tier 2: the same image started by xl in a Linux dom0 (bench/xen/boot.py), all under "
                         "-icount shift=0; kernel's share = the domU's main - entry TSC (median of the rounds), "
                         "which counts dom0's work on the one vCPU meanwhile:")
            lines += ["  " + l for l in xen_boot.report(*bench.xen_domu, True).splitlines()]

    # Ratios: Mote / Linux per machine, where both have the figure.
    if linux is not None:
        rrows = []
        for machine in machines:
            fm = bench.results.get(("mote", machine), {})
            fl = bench.results.get(("linux", machine), {})
            wm = statistics.median(fm["wall_ms"]) if fm.get("wall_ms") else None
            wl = statistics.median(fl["wall_ms"]) if fl.get("wall_ms") else None
            rm = statistics.median(fm["rss_kib"]) if fm.get("rss_kib") else None
            rl = statistics.median(fl["rss_kib"]) if fl.get("rss_kib") else None
            rrows.append([machine, fmt_ratio(sizes["mote"], sizes["vmlinuz"] + sizes["initramfs"]),
                          fmt_ratio(fm.get("main_tsc"), fl.get("init_tsc")), fmt_ratio(wm, wl),
                          fmt_ratio(fm.get("min_kib"), fl.get("min_kib")), fmt_ratio(rm, rl)])
        lines += ["", "Mote / Linux:",
                  table(rrows, ["machine", "bytes", "virt ns", "wall ms", "min -m", "RSS"])]

    fm = bench.results.get(("mote", "microvm"), {})
    min_mote = [bench.results.get(("mote", m), {}).get("min_kib") for m in machines]
    min_mote = [m for m in min_mote if m is not None]

    floors = ", ".join(f"{m} {fmt_kib(bench.results.get(('mote', m), {}).get('min_kib'))}" for m in machines)

    def verdict(ok):
        return "-" if ok is None else ("met" if ok else "not met")

    lines += ["", "Targets (read, not enforced):",
              f"  hello stripped < {TARGET_IMAGE:,} bytes: {fmt_int(sizes['mote'])} "
              f"-> {verdict(sizes['mote'] < TARGET_IMAGE)}",
              f"  main < {TARGET_MAIN_NS:,} virtual ns on microvm: {fmt_int(fm.get('main_tsc'))} -> "
              f"{verdict(None if fm.get('main_tsc') is None else fm['main_tsc'] < TARGET_MAIN_NS)}",
              "  boots with -m 2M or less: " + floors
              + f" -> {verdict(None if not min_mote else max(min_mote) <= TARGET_MEM_KIB)}"]
    lines += share_lines(bench, mote, machines)
    if bench.tsc_text:
        lines += ["", bench.tsc_text]
    if bench.log:
        lines += ["", "Seen during the run:"] + bench.log
    return "\n".join(lines)


def share_lines(bench, mote, machines):
    """Mote's own share (entry to main) in instructions, kvm beside baremetal, with the icount
    figure it should equal on kvm and the 1.5x target (read, not enforced)."""
    counted = [(m, bench.results.get(("mote", m), {})) for m in machines]
    counted = [(m, f) for m, f in counted if f.get("insns")]
    bm = [(g, bench.results.get((g.name, "q35"), {})) for g in bench.baremetal]
    bm = [(g, f) for g, f in bm if f.get("insns")]
    if not counted and not bm:
        return []

    def runs(f):
        n = f["insns"]
        return fmt_int(n[0]) + ("" if len(set(n)) == 1 else " (runs differ: " + ", ".join(map(fmt_int, n)) + ")")
    rows = []
    for m, f in counted:
        share = f["main_tsc"] - f["entry_tsc"] if f.get("main_tsc") is not None else None
        rows.append([f"kvm ({m}), PVH entry", runs(f), fmt_int(share), "1 (reference)" if m == "pc" else "-"])
    kvm_pc = dict(counted).get("pc", {}).get("insns")
    for g, f in bm:
        fw = "SeaBIOS" if g.firmware == "bios" else "OVMF"
        r = f["insns"][0] / kvm_pc[0] if kvm_pc else None
        rows.append([f"baremetal (q35, {fw}), Multiboot2 entry", runs(f), "- (GRUB hangs under a fixed shift)",
                     "-" if r is None else f"{r:.2f}: " + ("met" if r <= 1.5 else "not met") + " (<= 1.5)"])
    return ["", "Mote's own share, entry to main(), in instructions (plain TCG, -singlestep -d exec,nochain on "
            "the image's code; a rep iteration counts as one, as under icount):",
            table(rows, ["image", "instructions", "icount shift=0: main - entry TSC", "/ kvm pc (target)"])]


def main():
    p = argparse.ArgumentParser(usage="run.py --build-dir BUILD [options]",
                                description=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True,
                   help="the CMake build folder (holds examples/hello/hello.kvm)")
    p.add_argument("--image", help="Mote image (default BUILD/examples/hello/hello.kvm)")
    p.add_argument("--cache-dir",
                   help="where the Linux guest is fetched and built (default BUILD/bench-cache)")
    p.add_argument("--quick", action="store_true",
                   help="a short try: 3 Mote runs, 1 Linux run, 1 Linux icount run, no Linux bisection")
    p.add_argument("--runs", type=int, help="wall-time runs of Mote (default 10, quick 3)")
    p.add_argument("--linux-runs", type=int, help="wall-time runs of Linux (default 5, quick 1)")
    p.add_argument("--machines", default=",".join(MACHINES), help="comma-separated, from microvm,pc")
    p.add_argument("--memory", default="64M", help="Mote's -m for the timed runs (default 64M)")
    p.add_argument("--linux-memory", default="128M",
                   help="Linux's -m for the timed runs (default 128M: Debian's kernel needs more than 64M)")
    p.add_argument("--linux-microvm", default="microvm,acpi=off",
                   help="QEMU -M for Linux on microvm (default microvm,acpi=off: with ACPI the Debian kernel "
                        "often hangs after failing to calibrate its TSC)")
    p.add_argument("--no-linux", action="store_true", help="Mote only")
    p.add_argument("--no-bisect", action="store_true", help="skip every minimum -m search")
    p.add_argument("--xen-image", help="also boot this hello.xen (from a PLATFORM=xen build) as Xen's dom0: "
                   "the Xen rows; skipped with a note when the file does not exist")
    p.add_argument("--xen-hypervisor", help="Xen's ELF for --xen-image (default: xen-cache/xen-4.17-amd64.elf "
                   "of the build tree holding the image, fetched there by its tests or tools/mote-run)")
    p.add_argument("--xen-runs", type=int, help="wall-time runs of hello.xen (default 5, quick 2)")
    p.add_argument("--xen-domu-rounds", type=int, default=0,
                   help="also start --xen-image N times as an xl-created domU in tier 2 under icount "
                        "(bench/xen/boot.py, about 10 minutes): the Xen domU row (default 0: none)")
    p.add_argument("--baremetal-iso", help="also boot this hello.iso (from a PLATFORM=baremetal build) on q35 "
                   "through SeaBIOS and OVMF: the baremetal rows; skipped with a note when it does not exist")
    p.add_argument("--baremetal-runs", type=int, help="wall-time runs of each baremetal row (default 5, quick 2)")
    p.add_argument("--linux-iso-memory", default="512M",
                   help="-m of the Linux ISO rows (default 512M: under OVMF, GRUB 2.06 says 'out of memory' "
                        "loading Debian's kernel with 128M and 256M)")
    p.add_argument("--no-count", action="store_true",
                   help="skip counting Mote's own share in instructions (exec-trace boots, see count_share)")
    p.add_argument("--output", help="also write the final report to this file")
    p.add_argument("--accel", choices=mote_accel.CHOICES,
                   help="for the wall-time, RSS and memory-floor runs of every guest (default $MOTE_ACCEL, "
                        "else auto: KVM when it runs a Mote guest, else TCG); virtual time is always TCG's")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--strip", default="strip")
    args = p.parse_args()
    try:
        args.accel = mote_accel.requested(args.accel)
    except mote_accel.AccelError as e:
        p.error(str(e))

    args.runs = args.runs or (3 if args.quick else 10)
    args.linux_runs = args.linux_runs or (1 if args.quick else 5)
    args.xen_runs = args.xen_runs or (2 if args.quick else 5)
    args.baremetal_runs = args.baremetal_runs or (2 if args.quick else 5)
    args.icount_runs = 2
    args.linux_icount_runs = 1 if args.quick else 2
    machines = [m for m in args.machines.split(",") if m]
    for m in machines:
        if m not in MACHINES:
            p.error(f"unknown machine {m!r}: choose from {', '.join(MACHINES)}")
    build = os.path.abspath(args.build_dir)
    image = os.path.abspath(args.image or os.path.join(build, "examples", "hello", "hello.kvm"))
    cache = os.path.abspath(args.cache_dir or os.path.join(build, "bench-cache"))
    if not os.path.isfile(image):
        print(f"run.py: no Mote image at {image} (build the hello.kvm target first)", file=sys.stderr)
        return 1
    qv = qemu_version(args.qemu)
    if qv is None or shutil.which(args.strip) is None:
        print(f"run.py: needs {args.qemu} and {args.strip}", file=sys.stderr)
        return 1

    meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "qemu": qv,
            "host": f"{platform.machine()}, {os.cpu_count()} CPUs",
            "load": " ".join(f"{x:.2f}" for x in os.getloadavg())}
    bench = Bench(args)
    mote = Guest("mote", {m: m for m in MACHINES}, image, None, "mote.boottime -- ", b"Hello from Mote!",
                 10.0)
    # One accelerator for every timed run of every guest, so that the figures compare.
    choice = mote_accel.settle(mote_accel.choose(args.accel, args.qemu), "bench/boot",
                               lambda accel: mote.command(args.qemu, machines[0], args.memory, accel=accel))
    bench.accel = choice.accel
    meta["accel"] = f"{choice.accel.upper()} ({choice.why})"
    print(f"accelerator for the timed runs: {meta['accel']}", flush=True)

    linux = None
    sizes = {"mote": bench.stripped_size(image), "vmlinuz": None, "initramfs": None}
    if args.xen_image:
        bench.xen = xen_guest(bench, os.path.abspath(args.xen_image), args.xen_hypervisor)
        if bench.xen:
            sizes["xen"] = bench.stripped_size(bench.xen.kernel)
            print(f"sizes: hello.xen stripped {sizes['xen']:,} bytes", flush=True)
    bm_work = tempfile.TemporaryDirectory(prefix="bench-boot-")
    if args.baremetal_iso:
        iso = os.path.abspath(args.baremetal_iso)
        bench.baremetal = baremetal_guests(bench, iso, bm_work.name)
        if bench.baremetal:
            bench.baremetal_elf = iso[:-len(".iso")] + ".elf"
            sizes["bm_elf"] = bench.stripped_size(bench.baremetal_elf)
            sizes["bm_iso"] = os.path.getsize(iso)
            print(f"sizes: hello.elf stripped {sizes['bm_elf']:,} bytes, hello.iso {sizes['bm_iso']:,} bytes",
                  flush=True)
    if not args.no_linux:
        print(f"Linux guest: assembling in {cache}", flush=True)
        paths = linux_guest(cache)
        if not paths or not all(paths):
            bench.log.append("Linux guest could not be assembled (see linux-guest.sh's messages): Mote only")
        else:
            linux = Guest("linux", {"microvm": args.linux_microvm, "pc": "pc"}, paths[0], paths[1],
                          " ".join(LINUX_APPEND), b"LINUX-MARKER", 120.0)
            sizes["vmlinuz"] = os.path.getsize(paths[0])
            sizes["initramfs"] = os.path.getsize(paths[1])
            if bench.baremetal:
                bench.linux_iso = linux_iso_guests(bench, paths[0], paths[1], [g.firmware for g in bench.baremetal],
                                                   bm_work.name)
                if bench.linux_iso:
                    sizes["linux_iso"] = os.path.getsize(bench.linux_iso[0].kernel)
    print(f"sizes: hello.kvm stripped {sizes['mote']:,} bytes"
          + (f"; vmlinuz {sizes['vmlinuz']:,}, initramfs {sizes['initramfs']:,}" if linux else ""),
          flush=True)

    print("virtual time (-icount shift=0,sleep=off):", flush=True)
    for m in machines:
        bench.icount_mote(mote, m, args.icount_runs)
    if not args.quick and "microvm" in machines:
        bench.tsc_text = bench.tsc_check(mote, "microvm")
    if linux:
        for m in machines:
            bench.icount_linux(linux, m, args.linux_icount_runs)
    if bench.xen:
        bench.icount_mote(bench.xen, "dom0", args.icount_runs)
    for g in bench.baremetal:
        print(f"  baremetal, {g.firmware}:", flush=True)
        bench.icount_mote(g, "q35", args.icount_runs)
    for g in bench.linux_iso:
        print(f"  Linux ISO, {g.firmware}:", flush=True)
        bench.icount_linux(g, "q35", args.linux_icount_runs, args.linux_iso_memory)

    if not args.no_count:
        print("Mote's own share in instructions (plain TCG, one instruction per block, exec trace):", flush=True)
        for m in machines:
            bench.count_mote(mote, m, image, "pvh_entry", args.icount_runs)
        for g in bench.baremetal:
            bench.count_mote(g, "q35", bench.baremetal_elf, "mb2_entry", args.icount_runs)

    if linux and not args.quick and "microvm" in machines and args.linux_microvm != "microvm":
        print("Linux on microvm with ACPI (one try):", flush=True)
        bench.linux_acpi_probe(linux)

    print(f"wall time and RSS ({bench.accel.upper()}):", flush=True)
    for m in machines:
        bench.wall(mote, m, args.memory, args.runs)
    if bench.xen:
        bench.wall(bench.xen, "dom0", args.memory, args.xen_runs)
    for g in bench.baremetal:
        print(f"  baremetal, {g.firmware}:", flush=True)
        bench.wall(g, "q35", args.memory, args.baremetal_runs)
    for g in bench.linux_iso:
        print(f"  Linux ISO, {g.firmware}:", flush=True)
        bench.wall(g, "q35", args.linux_iso_memory, args.linux_runs)
    if linux:
        for m in machines:
            bench.wall(linux, m, args.linux_memory, args.linux_runs)
            if not bench.fig(linux, m)["wall_ms"]:
                bench.fig(linux, m)["boots"] = False

    if not args.no_bisect:
        print(f"memory floor (bisection on -m, {bench.accel.upper()}):", flush=True)
        for m in machines:
            bench.min_memory(mote, m, 64 * 1024, fine=True)
        if linux and not args.quick:
            for m in machines:
                if bench.fig(linux, m).get("boots") is not False:
                    bench.min_memory(linux, m, 512 * 1024, fine=False)

    if bench.xen and args.xen_domu_rounds > 0:
        print(f"xen domU in tier 2 ({args.xen_domu_rounds} xl creates under icount):", flush=True)
        log = os.path.join(os.path.dirname(bench.xen.kernel), "bench-xen-boot.log")
        serial = xen_boot.measure(bench.xen.kernel, args.xen_domu_rounds, log)
        if serial is None:
            bench.note("no tier-2 packages beside the Xen image (run its xen.domU test once): no Xen domU row")
        else:
            bench.xen_domu = xen_boot.parse(serial)
    text = report(bench, mote, linux, sizes, machines, meta)
    bm_work.cleanup()
    print("\n" + text)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
