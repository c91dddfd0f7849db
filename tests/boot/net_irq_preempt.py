#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# net_irq_preempt.py: boots tests/image/irq_preempt_test.c under QEMU user networking with a
# UDP port of this machine's loopback forwarded to it, and sends one datagram per round once
# the image says its receiver waits (after a random pause, so the datagram lands at a random
# point of the spinner's run). The image checks the preemption and prints the wake-up latency;
# this script checks every round's line and the exact count of passed checks.
import argparse
import os
import random
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from net_guest import Guest, free_port, suite_failures  # noqa: E402  (tests/boot/net_guest.py)
from console_process import verdict  # noqa: E402  (tools/console_process.py, on the path net_guest set)

GUEST_PORT = 7777


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runner", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--passed", type=int, required=True, help="the image's exact count of passed checks")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("image")
    a = p.parse_args()

    port = free_port(socket.SOCK_DGRAM)
    # A time slice (100 s) longer than the spinner's budget (30 s): only preemption on the way
    # out of the NIC's interrupt can let the receiver run while the spinner spins.
    guest = Guest(a.runner, a.machine, a.image, ["mote.timeslice=100000", "--", str(GUEST_PORT), str(a.rounds)], a.log,
                  netdev=f"user,id=n0,hostfwd=udp:127.0.0.1:{port}-:{GUEST_PORT}")
    failures = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for i in range(1, a.rounds + 1):
            if not guest.wait_for(rf"round {i}: waiting", 90):
                failures.append(f"round {i}: the receiver never said it was waiting")
                break
            time.sleep(random.uniform(0.02, 0.1))
            # One datagram; again only if the round's answer does not come (a datagram lost on
            # the way would otherwise stall the round until the image's receive time-out).
            for attempt in range(3):
                s.sendto(f"round {i}".encode(), ("127.0.0.1", port))
                if guest.wait_for(rf"round {i}: (woke|recv failed)", 20):
                    break
    status = guest.finish(60)
    out = guest.out

    failures += suite_failures(out, status, a.passed)
    woke = re.findall(r"round (\d+): woke (\d+) ns after the spinner last ran; spinner at (\d+) when woken, "
                      r"(\d+) later, still spinning", out)
    if [int(w[0]) for w in woke] != list(range(1, a.rounds + 1)):
        failures.append(f"rounds woken while the spinner spun: {[int(w[0]) for w in woke]}, "
                        f"expected 1 to {a.rounds}")
    if not re.search(r"irq_preempt_test: wake-up latency over \d+ rounds: min \d+ ns, median \d+ ns", out):
        failures.append("no latency summary")
    return verdict("net_irq_preempt", out, failures,
                   f"{a.rounds} rounds on {a.machine}: all checks passed",
                   keep=("irq_preempt_test:",), tail=4000)


if __name__ == "__main__":
    sys.exit(main())
