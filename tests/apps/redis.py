#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Redis 7.0 from Debian's source (examples/ports/redis) built through the installed SDK and
# served through QEMU user networking: redis-cli's exact replies, then Redis's own test suite
# from the host (./runtest --host) over a chosen list of units, its counts checked exactly; then
# the same image at -m 16M, without an option and with mote.stack_max=256K.
#   redis.py SRC BUILD WORK PLATFORM
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
from net_guest import Guest, free_port  # noqa: E402  (tests/boot/net_guest.py)

# The units the ctest run covers (docs/porting.md, "Redis's own tests", has the choice and the
# full-suite counts) and what each must report: [ok], [err] and [ignore] lines.
# unit/keyspace includes KEYS with a 100,000-character pattern (~1,000 levels of recursion on main).
UNITS = ["unit/type/incr", "unit/protocol", "unit/quit", "unit/pubsub", "unit/info-command", "unit/keyspace"]
EXPECT_OK = 24 + 25 + 3 + 28 + 3 + 54
# newlib formats and parses long double at double precision: 1/41 - 1/41 leaves 1e-17.
EXPECT_ERR = ["No negative zero in tests/unit/type/incr.tcl"]
# The suite's own race: (p)unsubscribe without arguments does not wait for the reply, so the next
# PUBLISH on another connection can overtake it (through QEMU's user network it does, at times).
SKIP_TESTS = ["PUBLISH/SUBSCRIBE after UNSUBSCRIBE without arguments",
              "PUBLISH/PSUBSCRIBE after PUNSUBSCRIBE without arguments"]

# redis-cli command, exact reply (redis-cli's non-tty output: one line per element).
CLI = [
    (["PING"], "PONG"),
    (["SET", "greeting", "hello mote"], "OK"),
    (["GET", "greeting"], "hello mote"),
    (["INCR", "counter"], "1"),
    (["INCRBY", "counter", "41"], "42"),
    (["LPUSH", "list", "a", "b", "c"], "3"),
    (["LRANGE", "list", "0", "-1"], "c\nb\na"),
    (["RPOP", "list"], "a"),
    (["HSET", "h", "f1", "v1", "f2", "v2"], "2"),
    (["HGET", "h", "f2"], "v2"),
    (["SADD", "s", "x", "y", "x"], "2"),
    (["SCARD", "s"], "2"),
    (["ZADD", "z", "1", "one", "2", "two"], "2"),
    (["ZRANGE", "z", "0", "-1", "WITHSCORES"], "one\n1\ntwo\n2"),
    (["EXPIRE", "greeting", "100"], "1"),
    (["EVAL", "return redis.call('INCR', KEYS[1])", "1", "counter"], "43"),  # Lua scripting
    (["DBSIZE"], "6"),
    # fork() fails (ENOSYS): the save is refused, the server stays up.
    (["BGSAVE"], "ERR"),
    (["CONFIG", "GET", "save"], "save"),  # and an empty value: saving is off
    (["MODULE", "LOAD", "/no/such/module.so"], "ERR Error loading the extension. Please check the server logs."),
    (["DEL", "greeting", "counter"], "2"),
    (["PING"], "PONG"),
]


def cli(port, args):
    r = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args], capture_output=True,
                       text=True, timeout=60)
    return r.stdout.rstrip("\n")


def runtest(tree, port, log):
    cmd = ["./runtest", "--host", "127.0.0.1", "--port", str(port), "--clients", "1", "--timeout", "600"]
    for u in UNITS:
        cmd += ["--single", u]
    for t in SKIP_TESTS:
        cmd += ["--skiptest", t]
    r = subprocess.run(cmd, cwd=tree, capture_output=True, text=True, timeout=1200)
    out = re.sub(r"\x1b\[[0-9;]*m", "", r.stdout + r.stderr)
    with open(log, "w") as f:
        f.write(out)
    ok = len(re.findall(r"^\[ok\]: ", out, re.M))
    errs = re.findall(r"^\[err\]: (.*)$", out, re.M)
    ignored = len(re.findall(r"^\[(?:ignore|skip)\]: ", out, re.M))
    exceptions = re.findall(r"^\[exception\]: .*$", out, re.M)
    print(f"runtest: {ok} ok, {len(errs)} err, {ignored} ignored/skipped, {len(exceptions)} exceptions")
    for e in errs:
        print(f"runtest: [err] {e}")
    failures = []
    if exceptions:
        failures.append(f"runtest stopped: {exceptions[0]}")
    if ok != EXPECT_OK:
        failures.append(f"runtest: {ok} tests passed, expected {EXPECT_OK}")
    if errs != EXPECT_ERR:
        failures.append(f"runtest: failed {errs}, expected {EXPECT_ERR}")
    return failures


def serve_small(sdk, image, work, stack_max):
    """Redis at -m 16M (13 MiB free after the image). Its three background threads ask 4 MiB
    stacks each: 12 MiB that the machine has only because a stack gets RAM page by page as it is
    touched (kvm; docs/porting.md). With stack_max (e.g. "256K") the same run with
    mote.stack_max= capping those stacks, said in the log for each of the three. The server must
    start, answer and shut down cleanly."""
    port = free_port()
    opts = [f"mote.stack_max={stack_max}"] if stack_max else []
    what = f"-m 16M, mote.stack_max={stack_max}" if stack_max else "-m 16M"
    tag = f"-{stack_max}" if stack_max else ""
    guest = Guest(os.path.join(sdk, "bin", "mote-run"), "q35", image,
                  opts + ["--", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
                  os.path.join(work, f"redis-16m{tag}-console.log"),
                  netdev=f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:6379", memory="16M", timeout=600)
    failures = []
    try:
        if not guest.wait_for(r"Ready to accept connections", 300):
            failures.append(f"{what}: the server did not start")
        else:
            for args, want in [(["SET", "k", "small"], "OK"), (["GET", "k"], "small"),
                               (["LPUSH", "l", "a", "b"], "2"), (["PING"], "PONG")]:
                got = cli(port, args)
                if got != want:
                    failures.append(f"{what}: redis-cli {' '.join(args)}: {got!r}, expected {want!r}")
            cli(port, ["SHUTDOWN", "NOSAVE"])
            status = guest.finish(60)
            if status != 0:
                failures.append(f"{what}: SHUTDOWN NOSAVE: exit status {status}, expected 0")
    finally:
        out = guest.stop()
    capped = out.count("(mote.stack_max)")
    if capped != (3 if stack_max else 0):
        failures.append(f"{what}: the log names {capped} capped stacks (mote.stack_max), expected "
                        f"{3 if stack_max else 0}")
    for bad in ("panic", "fatal:"):
        if bad in out:
            failures.append(f"{what}: console shows {bad!r}")
    if failures:
        print(out[-2000:])
    return failures


def main():
    src, build, work, platform = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    sdk = os.path.join(work, "sdk")
    subprocess.run(["cmake", "--install", build, "--prefix", sdk], check=True, stdout=subprocess.DEVNULL)
    r = subprocess.run(["sh", os.path.join(src, "examples", "ports", "redis", "build.sh"), sdk, platform,
                        os.path.join(work, "redis")])
    if r.returncode != 0:
        print("FAIL: building Redis\n0 passed, 1 failed")
        return 1
    tree = [os.path.join(work, "redis", d) for d in os.listdir(os.path.join(work, "redis"))
            if d.startswith("redis-7.0")][0]
    image = os.path.join(tree, "src", "redis-server")
    port = free_port()
    guest = Guest(os.path.join(sdk, "bin", "mote-run"), "q35", image,
                  ["--", "--save", "", "--appendonly", "no", "--protected-mode", "no",
                   "--enable-module-command", "yes", "--enable-debug-command", "yes"],
                  os.path.join(work, "redis-console.log"),
                  netdev=f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:6379", memory="64M", timeout=1500)
    failures, passed = [], 0
    try:
        if not guest.wait_for(r"Ready to accept connections", 300):
            failures.append("the server did not start")
        else:
            bad = []
            for args, want in CLI:
                got = cli(port, args)
                if got != want:
                    bad.append(f"redis-cli {' '.join(args)}: {got!r}, expected {want!r}")
            failures += bad
            passed += not bad
            rt = runtest(tree, port, os.path.join(work, "runtest.log"))
            failures += rt
            passed += not rt
            cli(port, ["SHUTDOWN", "NOSAVE"])
            status = guest.finish(60)
            if status != 0:
                failures.append(f"SHUTDOWN NOSAVE: exit status {status}, expected 0")
            else:
                passed += 1
    finally:
        out = guest.stop()
    for bad in ("panic", "fatal:"):
        if bad in out:
            failures.append(f"console shows {bad!r}")
    for stack_max in (None, "256K"):
        small = serve_small(sdk, image, work, stack_max)
        failures += small
        passed += not small
    if failures:
        print(out[-3000:])
        for f in failures:
            print(f"FAIL: {f}")
    print(f"{passed} passed, {5 - passed if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
