#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# bench/net/run.py: HTTP requests/s and latency, and bulk TCP echo throughput, Mote's httpd and
# echo images beside the same C programs built statically for Linux in a Debian guest, under the
# same QEMU. Prints figures, never judges them: the exit status is non-zero only when the
# benchmark itself cannot run.
"""usage: run.py --build-dir BUILD --httpd httpd.kvm --echo echo.kvm --source SRC [options]

Both guests run under the same accelerator (--accel or $MOTE_ACCEL; auto: KVM when it runs a Mote
guest, else TCG with -smp 1,maxcpus=2; no icount) on the same machine type, -m and NIC
(--nic: virtio-net-pci, e1000 or e1000e, on QEMU user networking, a loopback port forwarded to
the guest's port 80 or 7). With --platform baremetal the Mote images are NAME.iso (give the
ISOs as --httpd and --echo), booted from the CD drive through SeaBIOS and GRUB with the command
line put into a copy as tools/mote-run does; the Linux guest still boots with -kernel.
HTTP: wrk with keep-alive connections against one small embedded file, after an unmeasured
warm-up; requests/s and wrk's latency percentiles. Bulk TCP: this script sends random bytes to
the echo server while reading them back, checks every byte and times the whole transfer.
These are host-time figures: they move with the host's load, which the header prints."""
import argparse
import datetime
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
import run as boot_bench  # noqa: E402  (bench/boot/run.py: QEMU options, the Linux guest, table())
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
from console_process import ConsoleProcess  # noqa: E402  (tools/console_process.py)
import mote_accel  # noqa: E402  (tools/mote_accel.py: KVM or TCG, as tools/mote-run chooses)
import mote_grub  # noqa: E402  (tools/mote_grub.py: an ISO's command line, as tools/mote-run sets it)

# The targets, printed beside the figures, never checked.
TARGET_IMAGE = 400 * 1024
TARGET_MEM = "4M"
TARGET_RPS_RATIO = 2.0
MOTE_HTTPD_READY = r"httpd: serving \d+ files on port 80"
MOTE_ECHO_READY = r"echo: TCP and UDP on port 7"
LINUX_READY = r"LINUX-NET: ready inet 10\.0\.2\.15/24"
HOGS = 5  # clients that send requests and never read, for the second HTTP row


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# One QEMU process in the background, its console collected by a thread.
Guest = ConsoleProcess


NICS = ("virtio-net-pci", "e1000", "e1000e")


def qemu_cmd(args, memory, forwards, kernel, initrd, append, iso=None):
    """The one command line both guests get: only the images and the command line differ (an
    ISO, from the CD drive, instead of -kernel for a baremetal Mote image)."""
    fwd = ",".join(f"hostfwd=tcp:127.0.0.1:{host}-:{guest}" for host, guest in forwards)
    # Under TCG, -smp 1,maxcpus=2: QEMU 7.2's TCG honours guest memory barriers only then
    # (tools/mote_accel.py).
    cmd = [args.qemu, "-M", args.machine, *mote_accel.qemu_options(args.accel), "-m", memory,
           *boot_bench.QEMU_COMMON,
           "-netdev", f"user,id=n0,{fwd}", "-device", f"{args.nic},netdev=n0"]
    if iso:
        return cmd + ["-drive", f"file={iso},media=cdrom,readonly=on,format=raw"]
    cmd += ["-kernel", kernel]
    if initrd:
        cmd += ["-initrd", initrd]
    return cmd + ["-append", append]


ISO_COPIES = {}  # (image, words) -> the ISO copy carrying that command line
ISO_DIR = tempfile.TemporaryDirectory(prefix="bench-net-")


def mote_cmd(args, memory, forwards, image, words):
    """Mote's command line: -kernel with `words` as its command line on kvm; on baremetal a copy
    of the ISO whose grub.cfg carries `words`, made once (tools/mote_grub.py)."""
    if args.platform != "baremetal":
        return qemu_cmd(args, memory, forwards, image, None, " ".join(words))
    key = (image, tuple(words))
    if key not in ISO_COPIES:
        name = os.path.basename(image)[:-len(".iso")]
        out = os.path.join(ISO_DIR.name, f"{name}-{len(ISO_COPIES)}.iso")
        mote_grub.with_cmdline(image, name, list(words), out)
        ISO_COPIES[key] = out
    return qemu_cmd(args, memory, forwards, None, None, None, iso=ISO_COPIES[key])


def http_get(port, path, timeout=10.0):
    """The body of one plain GET, or None."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    head, sep, body = data.partition(b"\r\n\r\n")
    return body if sep and head.startswith(b"HTTP/1.1 200") else None


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * UNIT_MS[m.group(2)] if m else None


def wrk(args, port, seconds):
    """One wrk run: requests/s, p50 and p99 in ms, error counts, wrk's own output."""
    url = f"http://127.0.0.1:{port}{args.path}"
    cmd = ["wrk", "-t", "1", "-c", str(args.connections), "-d", f"{seconds}s", "--latency", url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    return parse_wrk(r.stdout + r.stderr)


def parse_wrk(out):
    """wrk --latency's output as figures: requests/s, p50 and p99 in ms, error counts, the text
    (bench/xen/run.py parses wrk runs made in dom0 with it too)."""
    fig = {"out": out, "requests": None}
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    fig["rps"] = float(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in ([0-9.]+\w+)", out)
    if m:
        fig["requests"] = int(m.group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        fig["p" + pct] = to_ms(m.group(1)) if m else None
    errors = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    fig["errors"] = errors
    return fig


def hogs_start(port, path, n, seconds):
    """n clients that send back-to-back GETs in 64 KiB blocks for `seconds` and never read (a
    4 KiB receive buffer, so every window on the way back shuts): the sockets, still open."""
    req = f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    block = req * ((64 << 10) // len(req))
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            continue
        s.setblocking(False)
        socks.append(s)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for s in list(socks):
            try:
                s.send(block)
            except BlockingIOError:
                pass
            except OSError:  # the server may drop a client it will not serve
                socks.remove(s)
                s.close()
        time.sleep(0.005)
    return socks


def http_summary(runs, notes, who):
    """The median wrk run by requests/s, with every run's requests/s and all runs' errors. A run
    that served nothing is left out (http() noted it with the guest's console)."""
    good = [r for r in runs if r["requests"] and r["rps"] is not None and r["p50"] is not None]
    if not good:
        if runs:
            notes.append(f"{who}: wrk gave no figures:\n" + runs[-1]["out"])
        return None
    best = dict(sorted(good, key=lambda r: r["rps"])[len(good) // 2])
    best["all_rps"] = [r["rps"] for r in good]
    best["errors"] = sum(r["errors"] for r in good)
    return best


def echo_once(port, payload, timeout):
    """Seconds to send payload through the echo server and read all of it back, or an error."""
    got = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        failed = []

        def send():
            try:
                s.sendall(payload)
            except OSError as e:
                failed.append(e)
        t0 = time.monotonic()
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        while len(got) < len(payload):
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            got += chunk
        elapsed = time.monotonic() - t0
        sender.join(timeout)
    if failed:
        return None, f"send failed: {failed[0]}"
    if bytes(got) != payload:
        return None, f"echoed {len(got)} of {len(payload)} bytes, or different bytes"
    return elapsed, None


def bulk_once(args, port, payload, notes, who):
    """MiB/s of one echo transfer, or None (the reason goes to notes)."""
    try:
        seconds, err = echo_once(port, payload, 300.0)
    except OSError as e:
        seconds, err = None, str(e)
    if err:
        notes.append(f"{who}: echo: {err}")
        return None
    return args.bulk_mib / seconds


def build_linux_servers(args, out_dir, notes):
    """examples/httpd and examples/echo as static Linux binaries, httpd's files embedded by the
    same embed_files.cmake the image uses."""
    src = os.path.abspath(args.source)
    httpd_src = os.path.join(src, "examples", "httpd")
    os.makedirs(out_dir, exist_ok=True)
    www_c = os.path.join(out_dir, "www_files.c")
    steps = [["cmake", f"-DDIR={httpd_src}/www", f"-DOUT={www_c}", "-P", f"{httpd_src}/embed_files.cmake"],
             ["gcc", "-O2", "-static", "-pthread", "-I", httpd_src, "-o", os.path.join(out_dir, "httpd"),
              f"{httpd_src}/httpd.c", f"{httpd_src}/http_request.c", f"{httpd_src}/conn_table.c",
              f"{httpd_src}/www_root.c", www_c],
             ["gcc", "-O2", "-static", "-pthread", "-o", os.path.join(out_dir, "echo"),
              os.path.join(src, "examples", "echo", "echo.c")]]
    for cmd in steps:
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            notes.append(f"Linux servers not built: {' '.join(cmd)}:\n{r.stdout}{r.stderr}")
            return None
    return os.path.join(out_dir, "httpd"), os.path.join(out_dir, "echo")


def ensure_wrk():
    if shutil.which("wrk"):
        return True
    deps = os.path.join(HERE, "..", "..", "tools", "deps.sh")
    subprocess.run(["bash", deps, "--only", "wrk"])
    return shutil.which("wrk") is not None


def stripped_size(image):
    tmp = image + ".bench-net-stripped"
    try:
        subprocess.run(["strip", "-o", tmp, image], check=True, capture_output=True)
        return os.path.getsize(tmp)
    except (OSError, subprocess.CalledProcessError):
        return None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def serves_with(args, memory, expected):
    """Whether Mote's httpd boots with -m memory and answers one GET with the file."""
    port = free_port()
    g = Guest(mote_cmd(args, memory, [(port, 80)], args.httpd, ["--", "-p", "80"]))
    try:
        return g.wait_for(MOTE_HTTPD_READY, 30) and http_get(port, args.path) == expected
    finally:
        g.stop()


def smallest_memory(args, expected):
    """Whether Mote's httpd serves with the target's -m, and the smallest -m it serves with:
    bisection in QEMU's 8 KiB steps below the target (boot_bench.QEMU_RAM_ALIGN_KIB)."""
    target_kib = int(TARGET_MEM[:-1]) * 1024
    if not serves_with(args, TARGET_MEM, expected):
        return False, None
    step = boot_bench.QEMU_RAM_ALIGN_KIB
    lo, hi = 0, target_kib  # lo does not serve (-m 0 would mean QEMU's default), hi does
    while hi - lo > step:
        mid = (lo + hi) // 2 // step * step
        if serves_with(args, boot_bench.kib_to_qemu(mid), expected):
            hi = mid
        else:
            lo = mid
    return True, hi


def fmt(v, spec=",.0f"):
    return "-" if v is None else format(v, spec)


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "-"


def cpu_seconds(guest):
    """User + system CPU time QEMU has used so far (to show what an idle guest costs)."""
    try:
        with open(f"/proc/{guest.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def linux_guest(args, notes):
    """Builds the Linux servers and the guest; its QEMU paths and sizes, or None."""
    cache = os.path.abspath(args.cache_dir or os.path.join(args.build_dir, "bench-cache"))
    bins = build_linux_servers(args, os.path.join(os.path.abspath(args.build_dir), "bench-net"), notes)
    if bins is None:
        return None
    print(f"Linux: assembling the guest in {cache}", flush=True)
    r = subprocess.run(["sh", os.path.join(HERE, "linux-net-guest.sh"), cache, *bins, args.nic],
                       stdout=subprocess.PIPE, text=True)
    paths = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    if r.returncode != 0 or "vmlinuz" not in paths:
        notes.append("Linux guest not run: linux-net-guest.sh failed")
        return None
    paths["binaries"] = bins
    paths["sizes"] = (os.path.getsize(paths["vmlinuz"]), os.path.getsize(paths["initramfs"]))
    return paths


class Side:
    """One kernel's servers: the guest(s) running and the figures collected."""

    def __init__(self, name):
        self.name = name
        self.http_port = self.echo_port = None
        self.guests = []
        self.http_runs = []
        self.hog_runs = []  # wrk runs with HOGS non-reading clients connected
        self.hog_wait = []  # seconds until a GET was answered after they stopped sending
        self.bulk = []
        self.idle_cpu = []  # CPU seconds this side's QEMU used while the other side was measured
        self.ok = True

    def boot(self, cmd, ready, seconds, what):
        g = Guest(cmd)
        self.guests.append(g)
        if not g.wait_for(ready, seconds):
            self.ok = False
            return f"{self.name}'s {what} did not come up:\n" + g.tail()
        return None

    def cpu(self):
        return sum(c for c in (cpu_seconds(g) for g in self.guests if g.proc.poll() is None) if c is not None)

    def stop(self):
        return "".join(g.stop() for g in self.guests)


def interleaved(sides, measure):
    """Runs measure(side) on each side in turn, measure.rounds times, so that a change in the host's load
    lands on both; notes what the idle side's QEMU used meanwhile."""
    for _ in range(measure.rounds):
        for side in sides:
            others = [o for o in sides if o is not side]
            before = [o.cpu() for o in others]
            t0 = time.monotonic()
            measure(side)
            wall = time.monotonic() - t0
            for o, b in zip(others, before):
                o.idle_cpu.append((o.cpu() - b) / wall if wall > 0 else 0.0)


def run_all(args, expected, notes):
    """Both kernels' servers up at once, measured in turn: HTTP, then bulk echo."""
    mote, linux = Side("Mote"), Side("Linux")
    paths = None if args.no_linux else linux_guest(args, notes)
    sides = [mote] + ([linux] if paths else [])
    mote.http_port, mote.echo_port = free_port(), free_port()
    print(f"Mote: httpd on {args.machine}, -m {args.memory}", flush=True)
    err = mote.boot(mote_cmd(args, args.memory, [(mote.http_port, 80)], args.httpd, ["--", "-p", "80"]),
                    MOTE_HTTPD_READY, args.boot_timeout, "httpd")
    if paths:
        linux.http_port, linux.echo_port = free_port(), free_port()
        print(f"Linux: httpd and echo on {args.machine}, -m {args.memory} (boots the kernel first)", flush=True)
        lerr = linux.boot(qemu_cmd(args, args.memory, [(linux.http_port, 80), (linux.echo_port, 7)],
                                   paths["vmlinuz"], paths["initramfs"], "console=ttyS0 quiet panic=-1"),
                          LINUX_READY, 180, "guest")
        notes += [lerr] if lerr else []
    notes += [err] if err else []
    sides = [s for s in sides if s.ok]
    for s in list(sides):
        if http_get(s.http_port, args.path) != expected:
            notes.append(f"{s.name}: GET {args.path} did not return the embedded file; not measured")
            sides.remove(s)
    print("HTTP: warm-up, then " + ", ".join(s.name for s in sides) + f" in turn, {args.http_runs} rounds",
          flush=True)
    for s in sides:
        wrk(args, s.http_port, args.warmup)  # connections, caches and TCG's translations warmed up

    def http(side):
        run = wrk(args, side.http_port, args.duration)
        side.http_runs.append(run)
        if not run["requests"]:
            alive = http_get(side.http_port, args.path, timeout=5.0) == expected
            notes.append(f"{side.name}: a wrk round served no request; a GET after it "
                         f"{'was answered' if alive else 'was not answered'}. wrk said:\n{run['out'].strip()}\n"
                         f"{side.name}'s console ends:\n" + "\n".join(g.tail() for g in side.guests))
    http.rounds = args.http_runs
    interleaved(sides, http)
    http_idle = {s.name: list(s.idle_cpu) for s in sides}

    # The same wrk run with HOGS clients connected that sent requests for 3 s and never read.
    print(f"HTTP with {HOGS} non-reading clients connected: " + ", ".join(s.name for s in sides) +
          f" in turn, {args.http_runs} rounds", flush=True)

    def http_hogged(side):
        hogs = hogs_start(side.http_port, args.path, HOGS, 3.0)
        # First the server works off the GETs they sent (until their windows shut): the time
        # until a normal client's GET is answered again is a figure of its own.
        t0 = time.monotonic()
        while http_get(side.http_port, args.path, timeout=1.0) != expected and time.monotonic() - t0 < 60:
            pass
        side.hog_wait.append(time.monotonic() - t0)
        run = wrk(args, side.http_port, args.duration)
        run["hogs"] = len(hogs)
        side.hog_runs.append(run)
        for h in hogs:
            h.close()
        time.sleep(1)
    http_hogged.rounds = args.http_runs
    for s in sides:
        s.idle_cpu = []
    interleaved(sides, http_hogged)

    # Mote's echo is its own image: httpd makes way for it (Linux's echo has been up all along).
    mote.stop()
    mote.guests = []
    if "Mote" in [s.name for s in sides]:
        print(f"Mote: echo on {args.machine}, -m {args.memory}", flush=True)
        err = mote.boot(mote_cmd(args, args.memory, [(mote.echo_port, 7)], args.echo, ["--", "-p", "7"]),
                        MOTE_ECHO_READY, args.boot_timeout, "echo")
        if err:
            notes.append(err)
            sides.remove(mote)
    payload = os.urandom(args.bulk_mib << 20)
    print(f"echo: {args.bulk_mib} MiB, " + ", ".join(s.name for s in sides) + f" in turn, {args.bulk_runs} rounds",
          flush=True)
    for s in sides:
        bulk_once(args, s.echo_port, payload[:1 << 20], [], s.name)  # warm-up

    def bulk(side):
        rate = bulk_once(args, side.echo_port, payload, notes, side.name)
        if rate is not None:
            side.bulk.append(rate)
    bulk.rounds = args.bulk_runs
    for s in sides:
        s.idle_cpu = []
    interleaved(sides, bulk)
    bulk_idle = {s.name: list(s.idle_cpu) for s in sides}
    lout = linux.stop()
    mote.stop()
    if "insmod" in lout:
        notes.append("Linux console: " + " / ".join(line for line in lout.splitlines() if "insmod" in line))
    figures = {}
    for s in (mote, linux):
        figures[s.name] = {"http": http_summary(s.http_runs, notes, s.name), "bulk": s.bulk or None,
                           "hogged": http_summary(s.hog_runs, notes, s.name + " (non-reading clients)"),
                           "hog_wait": s.hog_wait or None,
                           "idle_http": http_idle.get(s.name), "idle_bulk": bulk_idle.get(s.name)}
    if paths:
        figures["Linux"]["binaries"] = paths["binaries"]
        figures["Linux"]["sizes"] = paths["sizes"]
    return figures["Mote"], figures["Linux"]


def median_or_none(xs):
    return statistics.median(xs) if xs else None


def report(args, qv, mote, linux, size, small, notes):
    mh, lh = mote.get("http"), linux.get("http")
    mb, lb = mote.get("bulk"), linux.get("bulk")
    mg, lg = mote.get("hogged"), linux.get("hogged")

    def get(h, key):
        return h.get(key) if h else None
    mrps, lrps = get(mh, "rps"), get(lh, "rps")
    rps_verdict = "-"
    if mrps is not None and lrps:
        rps_verdict = "met" if mrps >= TARGET_RPS_RATIO * lrps else "NOT met"
    at_target, floor_kib = small
    linux_bytes = "-"
    if "sizes" in linux:
        linux_bytes = f"{linux['sizes'][0]:,} + {linux['sizes'][1]:,}"
    mbulk = statistics.median(mb) if mb else None
    lbulk = statistics.median(lb) if lb else None
    rows = [
        ["httpd image, stripped (bytes)", fmt(size), linux_bytes, "-",
         f"< {TARGET_IMAGE:,}: " + ("-" if size is None else "met" if size < TARGET_IMAGE else "NOT met")],
        ["smallest -m that boots and serves", "-" if floor_kib is None else boot_bench.fmt_kib(floor_kib),
         "-", "-", f"<= {TARGET_MEM}: " + ("-" if at_target is None else "met" if at_target else "NOT met")],
        [f"requests/s (wrk -c{args.connections}, keep-alive)", fmt(mrps), fmt(lrps), ratio(mrps, lrps),
         f">= {TARGET_RPS_RATIO:g}x Linux: {rps_verdict}"],
        [f"requests/s, {HOGS} non-reading clients connected", fmt(get(mg, "rps")), fmt(get(lg, "rps")),
         ratio(get(mg, "rps"), get(lg, "rps")), "(no target)"],
        [f"s until a GET is answered after {HOGS} clients sent GETs for 3 s, never reading",
         fmt(median_or_none(mote.get("hog_wait")), ".1f"), fmt(median_or_none(linux.get("hog_wait")), ".1f"),
         "-", "(no target)"],
        ["latency p50 (ms)", fmt(get(mh, "p50"), ".2f"), fmt(get(lh, "p50"), ".2f"),
         ratio(get(mh, "p50"), get(lh, "p50")), "(no target)"],
        ["latency p99 (ms)", fmt(get(mh, "p99"), ".2f"), fmt(get(lh, "p99"), ".2f"),
         ratio(get(mh, "p99"), get(lh, "p99")), "(no target)"],
        ["HTTP errors (socket + non-2xx)", fmt(get(mh, "errors")), fmt(get(lh, "errors")), "-", "-"],
        [f"TCP echo, {args.bulk_mib} MiB (MiB/s)", fmt(mbulk, ".2f"), fmt(lbulk, ".2f"), ratio(mbulk, lbulk),
         "(no target)"],
    ]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    accel = " ".join(mote_accel.qemu_options(args.accel))
    lines = [f"bench/net, {datetime.datetime.now():%Y-%m-%d %H:%M}, QEMU {qv} {args.accel.upper()} "
             f"({args.accel_why}; no icount), both guests with {accel}, -M {args.machine} "
             f"-m {args.memory}, {args.nic} on user networking; Mote on {args.platform}"
             f"{' (ISO from the CD drive, SeaBIOS, GRUB)' if args.platform == 'baremetal' else ''}; "
             f"host {os.cpu_count()} CPUs, "
             f"load average {load}",
             f"HTTP: GET {args.path}, wrk -t1 -c{args.connections}, {args.http_runs} run(s) of {args.duration} s "
             f"after {args.warmup} s warm-up (median run shown); echo: median of {args.bulk_runs} runs;",
             "both guests up at once, measured in turn (each run with the other guest idle)"
             if linux.get("http") or linux.get("bulk") else "Mote alone",
             "",
             boot_bench.table(rows, ["figure", "Mote", "Linux guest", "Mote/Linux", "target"]),
             ""]
    if mh and lh:
        lines.append("requests/s of every run: Mote " + ", ".join(f"{x:,.0f}" for x in mh["all_rps"]) +
                     "; Linux " + ", ".join(f"{x:,.0f}" for x in lh["all_rps"]))
    for name, g in (("Mote", mg), ("Linux", lg)):
        if g:
            waits = (mote if name == "Mote" else linux).get("hog_wait") or []
            lines.append(f"requests/s of every run with {HOGS} non-reading clients: {name} " +
                         ", ".join(f"{x:,.0f}" for x in g["all_rps"]) + "; seconds until a GET was answered: " +
                         ", ".join(f"{x:.1f}" for x in waits))
    if mb and lb:
        lines.append("echo MiB/s of every run: Mote " + ", ".join(f"{x:.2f}" for x in mb) +
                     "; Linux " + ", ".join(f"{x:.2f}" for x in lb))
    idle = [f"{name} {statistics.mean(side[key]):.2f} ({what})" for name, side in (("Mote", mote), ("Linux", linux))
            for key, what in (("idle_http", "HTTP"), ("idle_bulk", "echo")) if side.get(key)]
    if idle:
        lines.append("CPUs an idle guest's QEMU used while the other was measured: " + ", ".join(idle))
    if "binaries" in linux:
        lines.append("Linux servers (gcc -O2 -static): httpd " + f"{os.path.getsize(linux['binaries'][0]):,}" +
                     " bytes, echo " + f"{os.path.getsize(linux['binaries'][1]):,} bytes; Linux bytes above = "
                     f"vmlinuz + initramfs.cpio.gz (busybox, the {args.nic} modules, both servers)")
    return "\n".join(lines + [""] + notes)


def main():
    p = argparse.ArgumentParser(usage="run.py --build-dir BUILD --httpd IMAGE --echo IMAGE --source DIR [options]",
                                description=__doc__.split("\n", 2)[2],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--httpd", required=True, help="httpd.kvm")
    p.add_argument("--echo", required=True, help="echo.kvm")
    p.add_argument("--source", required=True, help="the source tree (its examples/ are built for Linux)")
    p.add_argument("--cache-dir", help="the Linux guest's cache (default BUILD/bench-cache, shared with bench-boot)")
    p.add_argument("--machine", default="q35")
    p.add_argument("--platform", choices=("kvm", "baremetal"), default="kvm",
                   help="kvm: --httpd/--echo are NAME.kvm, booted with -kernel; baremetal: NAME.iso, booted "
                        "from the CD drive (SeaBIOS, GRUB); no memory floor then (firmware and GRUB set it)")
    p.add_argument("--nic", choices=NICS, default="virtio-net-pci",
                   help="the NIC model of both guests (default virtio-net-pci)")
    p.add_argument("--memory", default="256M", help="-m of both guests (default 256M)")
    p.add_argument("--path", default="/hello.txt", help="the file wrk asks for")
    p.add_argument("--connections", type=int, default=10)
    p.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (default 10)")
    p.add_argument("--http-runs", type=int, default=3)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--bulk-mib", type=int, default=16)
    p.add_argument("--bulk-runs", type=int, default=3)
    p.add_argument("--no-linux", action="store_true", help="Mote only")
    p.add_argument("--output", help="also write the report to this file")
    p.add_argument("--qemu", default="qemu-system-x86_64")
    p.add_argument("--accel", choices=mote_accel.CHOICES,
                   help="for both guests (default $MOTE_ACCEL, else auto: KVM when it runs a Mote guest, else TCG)")
    args = p.parse_args()
    try:
        args.accel = mote_accel.requested(args.accel)
    except mote_accel.AccelError as e:
        p.error(str(e))

    args.boot_timeout = 240 if args.platform == "baremetal" else 90
    if args.platform == "baremetal" and not all(f.endswith(".iso") for f in (args.httpd, args.echo)):
        p.error("--platform baremetal boots NAME.iso images: give --httpd httpd.iso --echo echo.iso")
    qv = boot_bench.qemu_version(args.qemu)
    missing = [f for f in (args.httpd, args.echo) if not os.path.isfile(f)]
    if qv is None or missing:
        print(f"run.py: needs {args.qemu} and the images {', '.join(missing)}", file=sys.stderr)
        return 1
    if not ensure_wrk():
        print("run.py: needs wrk (tools/deps.sh --only wrk)", file=sys.stderr)
        return 1
    www = os.path.join(args.source, "examples", "httpd", "www", args.path.lstrip("/"))
    with open(www, "rb") as f:
        expected = f.read()
    # One accelerator for both guests, so that the figures compare: auto tries KVM on httpd.
    choice = mote_accel.settle(mote_accel.choose(args.accel, args.qemu), "bench/net", lambda accel: [
        args.qemu, "-M", args.machine, *mote_accel.qemu_options(accel), "-m", args.memory, *boot_bench.QEMU_COMMON,
        "-kernel", args.httpd, "-append", "-- -p 80"] if args.platform != "baremetal" else
        mote_cmd(argparse.Namespace(**{**vars(args), "accel": accel}), args.memory, [], args.httpd,
                 ["--", "-p", "80"]))
    args.accel, args.accel_why = choice.accel, choice.why
    print(f"accelerator for both guests: {args.accel.upper()} ({args.accel_why})", flush=True)
    notes = []
    if args.platform == "baremetal":
        size = stripped_size(args.httpd[:-len(".iso")] + ".elf")
        small = (None, None)
    else:
        size = stripped_size(args.httpd)
        print(f"Mote: httpd with -m {TARGET_MEM}, then the smallest -m it serves with", flush=True)
        small = smallest_memory(args, expected)
    mote, linux = run_all(args, expected, notes)
    text = report(args, qv, mote, linux, size, small, notes)
    boot_bench.emit(text, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
