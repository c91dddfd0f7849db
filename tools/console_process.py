# SPDX-License-Identifier: MIT
# console_process.py: a guest (QEMU, or tools/mote-run and its QEMU) running in the background
# with its console collected by a thread, for the network boot tests and bench/net.
import os
import re
import signal
import subprocess
import threading
import time


class ConsoleProcess:
    """`cmd` started with its output collected in `out`. With `own_group`, it runs in a
    process group of its own and stop() ends the whole group (mote-run and the QEMU it runs)."""

    def __init__(self, cmd, own_group=False):
        self.cmd = cmd
        self.own_group = own_group
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=own_group)
        self.out = ""
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in iter(self.proc.stdout.readline, b""):
            with self.lock:
                self.out += line.decode(errors="replace").replace("\r", "")

    def wait_for(self, pattern, seconds):
        """True once `pattern` is in the output; False after `seconds` or once it has exited
        without it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if re.search(pattern, self.out):
                    return True
            if self.proc.poll() is not None:
                time.sleep(0.2)  # the reader's last lines
                with self.lock:
                    return re.search(pattern, self.out) is not None
            time.sleep(0.05)
        return False

    def tail(self, lines=15):
        with self.lock:
            return "\n".join(self.out.rstrip("\n").splitlines()[-lines:])

    def _signal(self, sig):
        if self.own_group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)

    def stop(self):
        """End it (SIGTERM, then SIGKILL after 10 s) and return everything it printed."""
        try:
            # A group may outlive its leader, so it is signalled even after the leader exited.
            if self.own_group or self.proc.poll() is None:
                self._signal(signal.SIGTERM)
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
        self.reader.join(5)
        return self.out


def verdict(name, out, failures, passed_line, keep=(), tail=3000):
    """The common end of a boot-test script: a console showing a panic, a FAIL line or a fatal
    fault fails too. On failure print the console's tail and each failure, and return 1; else
    print the console lines starting with each prefix in `keep`, then passed_line, and return 0."""
    failures = list(failures)
    for bad in ("panic", "FAIL", "fatal:"):
        if bad in out:
            failures.append(f"console shows {bad!r}")
    if failures:
        print(out[-tail:])
        for f in failures:
            print(f"{name}: FAIL {f}")
        return 1
    for prefix in keep:
        print("\n".join(line for line in out.splitlines() if line.startswith(prefix)))
    print(f"{name}: {passed_line}")
    return 0
