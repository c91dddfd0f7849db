# SPDX-License-Identifier: MIT
# redis_xen.sh: dom0's steps of apps.redis on the xen tree (tests/apps/redis_xen.py runs them
# through tools/xen-tier2's --net-script, after the bridge xenbr0 at 10.99.0.1/24 is up).
# redis-server starts from its redis-server.xl.cfg (static net.ip 10.99.0.5, vif on xenbr0);
# tests/apps/redis_client.c sends each section of $STEPS and checks the exact replies.

# redis_step IP SECTION: one section on one connection. dom0's programs now and then die of a
# segfault under QEMU's emulation (tools/xen-tier2's INIT says more); a client killed by a
# signal runs its section again (each section starts with FLUSHALL, so a half-run try leaves
# nothing behind), up to 5 times. A wrong reply, a refused connection or a closed one is the
# server's doing and fails at once.
redis_step() {
  n=0
  while :; do
    redis_client "$1" 6379 "$STEPS" "$2"; s=$?
    [ $s -lt 128 ] && return $s
    n=$((n+1)); [ $n -ge 5 ] && return $s
    echo "tier2-net: redis_client [$2] died of signal $((s - 128)) (dom0 under emulation), running it again"
  done
}

# waitready NAME: until NAME's console shows Redis listening (60 s of dom0's clock at most).
waitready() {
  i=0
  until grep -q "Ready to accept connections" /var/log/xen/console/guest-$1.log 2>/dev/null; do
    i=$((i+1)); [ $i -ge 300 ] && return 1
    sleep 0.2
  done
}

netstart redis-server redis-server
if ip=$(waitip redis-server) && check "server ready" waitready redis-server; then
  echo "tier2-net: redis-server at $ip"
  for section in ping set-get incr list lua shutdown; do
    check "$section" redis_step "$ip" "$section"
  done
  # SHUTDOWN NOSAVE ends the image (no reply, and no FIN either: the domain is gone): wait for
  # the domain to stop, print its console; its exit status is checked there.
  finish redis-server
else
  netstop redis-server
fi
