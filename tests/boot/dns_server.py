#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# dns_server.py: the DNS server the resolver test (net_dns.py) talks to. UDP only, one question
# per query (RFC 1035 §4.1): A and AAAA answers for the names it is given, NODATA for another
# type of a known name, NXDOMAIN for any other name, FORMERR/NOTIMP for what it cannot parse.
# Every query is recorded, so a test can check what the guest really asked.
import argparse
import ipaddress
import socket
import struct
import threading

TYPE_A, TYPE_AAAA, CLASS_IN = 1, 28, 1
RCODE_OK, RCODE_FORMERR, RCODE_NXDOMAIN, RCODE_NOTIMP = 0, 1, 3, 4
TYPE_NAMES = {TYPE_A: "A", TYPE_AAAA: "AAAA"}


class FormatError(Exception):
    pass


def parse_name(msg, off):
    """The uncompressed QNAME at msg[off:] (queries carry no pointers) and the offset after it."""
    labels = []
    while True:
        if off >= len(msg):
            raise FormatError("name runs past the end")
        n = msg[off]
        off += 1
        if n == 0:
            break
        if n > 63 or off + n > len(msg):
            raise FormatError("bad label length")
        labels.append(msg[off:off + n].decode("ascii", errors="replace"))
        off += n
    name = ".".join(labels)
    if len(name) > 253:
        raise FormatError("name longer than 253 characters")
    return name, off


class DnsServer:
    """Answers on a UDP socket from a thread. `records` maps a lower-case name to a dict
    {TYPE_A: [address text...], TYPE_AAAA: [...]}; `queries` lists (name, type, rcode)."""

    def __init__(self, host, port, records, ttl=60):
        self.records = {name.lower().rstrip("."): rrs for name, rrs in records.items()}
        self.ttl = ttl
        self.queries = []
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, port))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.stopping = False

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping = True
        self.sock.close()
        self.thread.join(5)

    def _serve(self):
        while not self.stopping:
            try:
                msg, peer = self.sock.recvfrom(4096)
            except OSError:
                return
            reply = self.answer(msg)
            if reply is not None:
                self.sock.sendto(reply, peer)

    def answer(self, msg):
        """The reply to one query, or None for a datagram that is not even a DNS header."""
        if len(msg) < 12:
            return None
        qid, flags, qdcount = struct.unpack("!HHH", msg[:6])
        if flags & 0x8000:
            return None  # a response: never answer one
        opcode = (flags >> 11) & 0xF
        rd = flags & 0x0100
        try:
            if opcode != 0:
                return self._reply(qid, rd, RCODE_NOTIMP, b"", 0, b"")
            if qdcount != 1:
                raise FormatError(f"{qdcount} questions")
            name, off = parse_name(msg, 12)
            if off + 4 > len(msg):
                raise FormatError("question cut short")
            qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
        except FormatError:
            with self.lock:
                self.queries.append((None, None, RCODE_FORMERR))
            return self._reply(qid, rd, RCODE_FORMERR, b"", 0, b"")
        question = msg[12:off + 4]
        rrs = self.records.get(name.lower())
        answers = []
        if rrs is None:
            rcode = RCODE_NXDOMAIN
        else:
            rcode = RCODE_OK
            if qclass == CLASS_IN:
                for text in rrs.get(qtype, []):
                    rdata = ipaddress.ip_address(text).packed
                    # The owner is a pointer to the name in the question, at offset 12.
                    answers.append(struct.pack("!HHHIH", 0xC00C, qtype, CLASS_IN, self.ttl, len(rdata)) + rdata)
        with self.lock:
            self.queries.append((name, qtype, rcode))
        return self._reply(qid, rd, rcode, question, len(answers), b"".join(answers))

    @staticmethod
    def _reply(qid, rd, rcode, question, nanswers, answers):
        flags = 0x8000 | 0x0400 | rd | rcode  # a response, authoritative, RD copied
        return struct.pack("!HHHHHH", qid, flags, 1 if question else 0, nanswers, 0, 0) + question + answers

    def seen(self):
        with self.lock:
            return list(self.queries)


def main():
    p = argparse.ArgumentParser(description="A small DNS server for tests (UDP, A and AAAA).")
    p.add_argument("--listen", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=5353)
    p.add_argument("--record", action="append", default=[], metavar="NAME=ADDRESS",
                   help="an A or AAAA record (the address's form says which); repeatable")
    a = p.parse_args()
    records = {}
    for r in a.record:
        name, _, text = r.partition("=")
        kind = TYPE_AAAA if ipaddress.ip_address(text).version == 6 else TYPE_A
        records.setdefault(name.lower(), {}).setdefault(kind, []).append(text)
    server = DnsServer(a.listen, a.port, records).start()
    print(f"dns_server: answering on {a.listen} port {a.port}; Ctrl-C stops")
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
