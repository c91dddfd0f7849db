# SPDX-License-Identifier: MIT
# xen_tier2_net: the network half of tools/xen-tier2. Puts into dom0's initramfs what a Xen
# network needs (xen-netback, the bridge modules, Debian's vif-bridge script and the xenstore
# commands it calls, bash for it, curl and the test's own clients, with their libraries) and a dom0 script
# that brings up a bridge xenbr0 with an address and a DHCP server, then runs the test's steps.
"""Options (tools/xen-tier2 adds them):
  --net-script FILE       dom0 shell steps, run after the plain guests, with these helpers:
                            netstart CFG NAME [KEY=VALUE...]  xl create a domain that keeps running
                            waitip NAME    the IPv4 address its console reports (60 s at most)
                            netstop NAME   print its console, destroy it
                            finish NAME    (xen-tier2's) wait until it stops, print its console
                            check WHAT CMD...  report "ok WHAT" if CMD succeeds, else "FAIL WHAT"
  --net-guest IMAGE       an image the script starts by its generated config (as /guests/NAME.xl.cfg)
  --net-tool PATH         a host program for dom0's /usr/bin (its libraries come along)
  --net-var KEY=VALUE     a shell variable set before the script runs
  --net-ok WHAT           the script must report "ok WHAT" (exactly once); any "FAIL" fails
  --net-expect NAME REGEX a console line (multi-line mode) a --net-guest's domain must print"""
import os
import re
import shlex
import shutil
import subprocess

BRIDGE = "xenbr0"
BRIDGE_ADDR = "10.99.0.1/24"
# In dependency order for busybox's insmod: the bridge needs stp and llc.
MODULES = ["net/llc/llc.ko", "net/802/stp.ko", "net/bridge/bridge.ko", "drivers/net/xen-netback/xen-netback.ko"]
# vif-bridge reads and writes the backend's keys through these (one program acting by its name).
XS_NAMES = ["xenstore-exists", "xenstore-rm", "xenstore-list", "xenstore-ls"]
# Host programs for dom0, where they go: vif-bridge is a bash script (busybox has no bash).
HOST_TOOLS = [("curl", "/usr/bin/curl"), ("bash", "/bin/bash")]

LIB = r"""# --- network (tools/xen_tier2_net.py) ---
for m in @MODULES@; do
  insmod /lib/modules/@KVER@/kernel/$m || echo "tier2-net: insmod $m failed"
done
brctl addbr @BRIDGE@ && ip addr add @ADDR@ dev @BRIDGE@ && ip link set @BRIDGE@ up || echo "tier2-net: FAIL bridge"
mkdir -p /var/lib/misc && touch /var/lib/misc/udhcpd.leases
cat > /etc/udhcpd.conf <<EOF
start 10.99.0.100
end 10.99.0.150
interface @BRIDGE@
lease_file /var/lib/misc/udhcpd.leases
option subnet 255.255.255.0
option router 10.99.0.1
EOF
udhcpd -S /etc/udhcpd.conf || echo "tier2-net: FAIL udhcpd"
check() { what=$1; shift; if "$@"; then echo "tier2-net: ok $what"; else echo "tier2-net: FAIL $what"; fi; }
netstart() {
  c=$1; n=$2; shift 2
  echo "tier2: start $n"
  store_ok || give_up "xenstored died (see its segfault above)"
  # dom0's programs now and then die of a segfault under emulation (xen-tier2's INIT). An xl
  # create killed so (or stuck: every xl here is bounded) may leave the domain half built or
  # paused (after one such crash the next xl, unbounded then, hung the run): it is destroyed, its
  # console log removed, and the domain created again, 3 tries in all. xl's exit status also
  # reports its daemonized monitor child, which has been lost to such a crash after the domain
  # was built and unpaused: an ordinary failure with the domain running is not a failure; its
  # console is checked as for any guest.
  t=1
  while :; do
    timeout -s KILL 120 xl create -q /guests/$c.xl.cfg "name=\"$n\"" "$@"; s=$?
    [ $s -eq 0 ] && return 0
    st=$(timeout -s KILL 60 xl list "$n" 2>/dev/null | awk 'NR==2 {print $5}')
    if [ $s -lt 128 ] && [ -n "$st" ] && [ "${st#??p}" = "$st" ]; then
      echo "tier2-net: xl create $n reported a failure, but domain $n exists and runs"
      return 0
    fi
    if [ $t -ge 3 ]; then
      echo "tier2-net: FAIL xl create $n (status $s, try $t)"
      return 1
    fi
    echo "tier2-net: xl create $n ended with status $s, domain state [$st]: destroyed, created again"
    timeout -s KILL 60 xl destroy "$n" 2>/dev/null
    rm -f /var/log/xen/console/guest-$n.log
    t=$((t+1))
  done
}
waitip() {
  i=0
  while [ $i -lt 300 ]; do
    # (busybox's sed once crashed here on a log being written; grep and cut have not)
    a=$(grep -o 'net: en[0-9]* ([^)]*) IPv4 [0-9.]*' /var/log/xen/console/guest-$1.log 2>/dev/null | head -n 1 | cut -d' ' -f5)
    [ -n "$a" ] && { echo "$a"; return 0; }
    sleep 0.2; i=$((i+1))
  done
  echo "tier2-net: $1 reported no address" >&2; return 1
}
netstop() {
  sleep 1
  echo "tier2: $1 state [$(xl list "$1" 2>/dev/null | awk 'NR==2 {print $5}')]"
  echo "tier2: console of $1"
  cat /var/log/xen/console/guest-$1.log
  echo "tier2: end of $1"
  xl destroy "$1" 2>/dev/null
}
"""


def add_arguments(p):
    p.add_argument("--net-script", metavar="FILE")
    p.add_argument("--net-guest", action="append", default=[], metavar="IMAGE")
    p.add_argument("--net-tool", action="append", default=[], metavar="PATH")
    p.add_argument("--net-var", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--net-ok", action="append", default=[], metavar="WHAT")
    p.add_argument("--net-expect", nargs=2, action="append", default=[], metavar=("NAME", "REGEX"))


def _copy(src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy2(src, dst, follow_symlinks=True)


def _with_libraries(rd, program, dest):
    """Copy a host program and the shared libraries ldd names (a static one has none)."""
    _copy(program, rd + dest)
    out = subprocess.run(["ldd", program], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    for lib in set(re.findall(r"=> (/\S+)", out)) | set(re.findall(r"^\s*(/\S*ld-linux\S*)", out, re.M)):
        if not os.path.exists(rd + lib):
            _copy(lib, rd + lib)


def dom0_script(rd, root, kver, a, guest_cfg):
    """Fill the initramfs at rd for the network steps and return their dom0 shell text ("" when
    there are none). guest_cfg(image) places an image and its config as xen-tier2 does."""
    if not a.net_script:
        return ""
    for m in MODULES:
        _copy(os.path.join(root, "lib/modules", kver, "kernel", m), os.path.join(rd, "lib/modules", kver, "kernel", m))
    xs = os.path.join(rd, "usr/bin/xenstore-read")  # xen-tier2 copied it; the same program by other names
    for name in XS_NAMES:
        if not os.path.exists(os.path.join(rd, "usr/bin", name)):
            shutil.copy2(xs, os.path.join(rd, "usr/bin", name))
    for tool, dest in HOST_TOOLS:
        path = shutil.which(tool)
        if not path:
            raise SystemExit(f"xen-tier2: {tool} is not installed on the host (dom0 runs it)")
        _with_libraries(rd, path, dest)
    for tool in a.net_tool:
        _with_libraries(rd, tool, "/usr/bin/" + os.path.basename(tool))
    for image in a.net_guest:
        guest_cfg(image)
    text = LIB.replace("@MODULES@", " ".join(MODULES)).replace("@KVER@", kver)
    text = text.replace("@BRIDGE@", BRIDGE).replace("@ADDR@", BRIDGE_ADDR)
    for kv in a.net_var:
        key, _, value = kv.partition("=")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise SystemExit(f"xen-tier2: bad --net-var {kv}")
        text += f"{key}={shlex.quote(value)}\n"
    with open(a.net_script) as f:
        text += f.read()
    return text + "# --- end of network ---\n"


def check(out, a):
    """The failures the network steps show in dom0's output (a list of strings)."""
    if not a.net_script:
        return []
    failures = [f"dom0: {m}" for m in re.findall(r"^tier2-net: (FAIL .*)$", out, re.M)]
    oks = re.findall(r"^tier2-net: ok (.*)$", out, re.M)
    for what in a.net_ok:
        if oks.count(what) != 1:
            failures.append(f"dom0: \"ok {what}\" reported {oks.count(what)} times, expected once")
    shown = set()
    for name, pattern in a.net_expect:
        m = re.search(rf"tier2: console of {re.escape(name)}\n(.*?)tier2: end of {re.escape(name)}\n", out, re.S)
        if not m:
            failures.append(f"{name}: never ran (see the log)")
            continue
        if name not in shown:
            shown.add(name)
            print(f"== {name}\n{m.group(1)}", end="")
        if not re.search(pattern, m.group(1), re.M):
            failures.append(f"{name}: missing output matching: {pattern}")
    return failures
