#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# link_flap.py: run a boot test while taking a QEMU NIC's link down and up again over QMP, so
# the image sees link changes through its device's configuration interrupt. Usage:
#   link_flap.py NETDEV_ID -- BOOT_TEST_COMMAND...
# The boot test gets "--qemu-arg=-qmp unix:SOCKET,server=on,wait=off" added; the link is
# flapped (1 s down, 1 s up) until QEMU goes away, so how fast the image boots does not matter.
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time


def flap(path, netdev, stop):
    deadline = time.monotonic() + 60
    sock = None
    while sock is None and not stop.is_set() and time.monotonic() < deadline:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
        except OSError:
            sock = None
            time.sleep(0.1)
    if sock is None:
        return
    f = sock.makefile("rw")
    try:
        f.readline()  # greeting
        for cmd in [{"execute": "qmp_capabilities"}]:
            f.write(json.dumps(cmd) + "\n")
            f.flush()
            f.readline()
        up = False
        while not stop.is_set():
            f.write(json.dumps({"execute": "set_link", "arguments": {"name": netdev, "up": up}}) + "\n")
            f.flush()
            up = not up
            time.sleep(1)
    except OSError:
        pass  # QEMU exited


def main():
    sep = sys.argv.index("--")
    netdev, cmd = sys.argv[1], sys.argv[sep + 1:]
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "qmp.sock")
        stop = threading.Event()
        t = threading.Thread(target=flap, args=(path, netdev, stop), daemon=True)
        t.start()
        # Options go before the image: the first word not starting with "-" after them.
        run = subprocess.run(cmd[:2] + [f"--qemu-arg=-qmp unix:{path},server=on,wait=off"] + cmd[2:])
        stop.set()
        return run.returncode


if __name__ == "__main__":
    sys.exit(main())
