#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# net_ipv6.py: IPv6 through the NIC, not only ::1 inside the image. Listens on this machine's
# ::1 (IPv6 only) and boots tests/image/net_ipv6_test.c under QEMU user networking, whose
# virtual host fec0::2 is that ::1: the image connects from its SLAAC address, sends a seeded
# byte stream and checks the host's answer. QEMU's filter-dump records every frame of the NIC;
# both streams must be found whole in IPv6 TCP segments there, and none of it over IPv4.
import argparse
import ipaddress
import os
import random
import re
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_guest import MAC, Guest, suite_failures  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py, on the path net_guest set)

HOST6 = "fec0::2"  # slirp's virtual host on its default prefix fec0::/64


def stream(seed, n):
    """net_ipv6_test.c's generator: xorshift32, the low byte of each step."""
    x, out = seed, bytearray(n)
    for i in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out[i] = x & 0xFF
    return bytes(out)


def eui64_address(prefix, mac):
    """The SLAAC address of `mac` in the /64 `prefix` (RFC 4291 appendix A)."""
    b = bytes(int(x, 16) for x in mac.split(":"))
    iid = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    return ipaddress.IPv6Address(ipaddress.IPv6Network(prefix).network_address.packed[:8] + iid)


def serve(srv, want, reply, result):
    """Read each connection to its end; the first that brings data is compared and answered
    with `reply`. Connections closed without data are the image's early ones from its
    link-local address (net_ipv6_test.c), counted."""
    result["empty"] = 0
    while True:
        try:
            conn, peer = srv.accept()
        except OSError as e:
            result["error"] = f"no connection with data reached [::1]: {e}"
            return
        with conn:
            conn.settimeout(60)
            result["peer"] = peer[0]
            got = bytearray()
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    got += chunk
                if not got:
                    result["empty"] += 1
                    continue
                result["got"] = bytes(got)
                conn.sendall(reply)
                conn.shutdown(socket.SHUT_WR)
                conn.recv(1)  # wait for the image's close
            except OSError as e:
                result["error"] = f"the connection broke: {e}"
                result.setdefault("got", bytes(got))
            return


def read_pcap(path):
    """The frames of a pcap file (either byte order, Ethernet link type)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0xA1B2C3D4 else ">"
    frames, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def tcp_segments(frames, port):
    """(family, src, dst, sport, dport, seq, flags, payload) of every TCP segment to or from
    `port`, over IPv6 (family 6) or IPv4 (family 4)."""
    out = []
    for f in frames:
        if len(f) < 14:
            continue
        etype = struct.unpack("!H", f[12:14])[0]
        if etype == 0x86DD and len(f) >= 54 and f[20] == 6:
            plen = struct.unpack("!H", f[18:20])[0]
            src, dst, tcp = ipaddress.IPv6Address(f[22:38]), ipaddress.IPv6Address(f[38:54]), f[54:54 + plen]
            family = 6
        elif etype == 0x0800 and len(f) >= 34 and f[23] == 6:
            ihl, total = (f[14] & 0xF) * 4, struct.unpack("!H", f[16:18])[0]
            src, dst, tcp = ipaddress.IPv4Address(f[26:30]), ipaddress.IPv4Address(f[30:34]), f[14 + ihl:14 + total]
            family = 4
        else:
            continue
        if len(tcp) < 20:
            continue
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        if port not in (sport, dport):
            continue
        out.append((family, src, dst, sport, dport, seq, tcp[13], tcp[(tcp[12] >> 4) * 4:]))
    return out


def reassemble(segments):
    """The byte stream of one direction's segments, placed by sequence number after the SYN;
    None when a piece is missing."""
    isn = next((s[5] for s in segments if s[6] & 0x02), None)
    if isn is None:
        return None
    buf = bytearray()
    for seq, data in sorted(((s[5] - isn - 1) & 0xFFFFFFFF, s[7]) for s in segments if s[7]):
        if seq > len(buf):
            return None
        buf[seq:seq + len(data)] = data
    return bytes(buf)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--passed", type=int, required=True, help="the image's exact count of passed checks")
    p.add_argument("--size", type=int, default=131072, help="bytes each way")
    p.add_argument("image")
    a = p.parse_args()

    seed = random.randint(1, 0xFFFFFFFE)
    want, reply = stream(seed, a.size), stream(~seed & 0xFFFFFFFF, a.size)
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    srv.bind(("::1", 0))
    srv.listen(1)
    srv.settimeout(150)
    port = srv.getsockname()[1]
    result = {}
    server = threading.Thread(target=serve, args=(srv, want, reply, result), daemon=True)
    server.start()

    pcap = a.log + ".pcap"
    if os.path.exists(pcap):
        os.unlink(pcap)
    guest = Guest(a.runner, a.machine, a.image, ["net.wait=0", "--", HOST6, str(port), f"{seed:#x}", str(a.size)],
                  a.log, qemu_args=[f"-object filter-dump,id=d0,netdev=n0,file={pcap}"])
    status = guest.finish(200)
    srv.close()
    server.join(10)
    out = guest.out

    failures = suite_failures(out, status, a.passed)
    if "error" in result:
        failures.append(result["error"])
    if result.get("peer") not in (None, "::1"):
        failures.append(f"the connection came from {result['peer']}, not ::1")
    got = result.get("got", b"")
    if got != want:
        failures.append(f"the host received {len(got)} bytes, not the {len(want)} the image should have sent")

    # The guest's address: SLAAC in fec0::/64 from the MAC (EUI-64), as the image reports it.
    slaac = eui64_address("fec0::/64", MAC)
    m = re.search(r"net_ipv6_test: connected from \[([0-9a-f:]+)\]:(\d+) to \[([0-9a-f:]+)\]:(\d+)", out)
    if not m:
        failures.append("the image reported no connection")
    elif (ipaddress.IPv6Address(m[1]), m[3], int(m[4])) != (slaac, HOST6, port):
        failures.append(f"connected from [{m[1]}] to [{m[3]}]:{m[4]}, expected [{slaac}] to [{HOST6}]:{port}")
    if not re.search(rf"net: en\d+ IPv6 {slaac} \(SLAAC\)", out):
        failures.append(f"the SLAAC address {slaac} was not reported")

    # The NIC's frames: both streams whole in IPv6 TCP segments, none of it over IPv4.
    segs = tcp_segments(read_pcap(pcap) if os.path.exists(pcap) else [], port)
    host6 = ipaddress.IPv6Address(HOST6)
    gport = int(m[2]) if m else None
    up = [s for s in segs if s[0] == 6 and s[1] == slaac and s[2] == host6 and (s[3], s[4]) == (gport, port)]
    down = [s for s in segs if s[0] == 6 and s[1] == host6 and s[2] == slaac and (s[3], s[4]) == (port, gport)]
    v4 = [s for s in segs if s[0] == 4]
    up_bytes, down_bytes = reassemble(up), reassemble(down)
    print(f"net_ipv6: NIC capture: {len(up)} IPv6 TCP segments {slaac} -> [{HOST6}]:{port} "
          f"({len(up_bytes or b'')} bytes), {len(down)} back ({len(down_bytes or b'')} bytes), {len(v4)} over IPv4; "
          f"{result.get('empty', 0)} earlier connection(s) from the link-local address closed empty")
    if up_bytes != want:
        failures.append("the image's stream is not whole in the IPv6 segments on the NIC")
    if down_bytes != reply:
        failures.append("the host's answer is not whole in the IPv6 segments on the NIC")
    if v4:
        failures.append(f"{len(v4)} TCP segments of port {port} went over IPv4")

    return verdict("net_ipv6", out, failures,
                   f"{a.size} bytes each way between [{slaac}] and [::1]:{port} over the NIC; all checks passed",
                   keep=("net_ipv6_test:",), tail=4000)


if __name__ == "__main__":
    sys.exit(main())
