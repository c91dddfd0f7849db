#!/bin/sh
# SPDX-License-Identifier: MIT
# bench/net/soak.sh: keep wrk on Mote's httpd for many rounds and report any round that served
# nothing (a stall). Leaves QEMU running after a stall, with a monitor socket, for inspection
# (`gdbserver tcp::PORT` on it lets gdb read core's thread list and the stack's state).
# usage: bench/net/soak.sh HTTPD_IMAGE [ROUNDS] [PORT]
# The accelerator as tools/mote-run chooses it ($MOTE_ACCEL, else auto: KVM when it runs this
# image, else TCG with -smp 1,maxcpus=2, which QEMU 7.2's TCG needs to honour guest barriers).
# SOAK_PCAP=FILE records every frame's first 128 bytes (QEMU filter-dump) for the post-mortem.
set -eu
image=$1
rounds=${2:-40}
port=${3:-18080}
mon=${TMPDIR:-/tmp}/mote-soak-$$.sock
capture=
[ -z "${SOAK_PCAP:-}" ] || capture="-object filter-dump,id=cap,netdev=n0,file=$SOAK_PCAP,maxlen=128"
command -v wrk >/dev/null || { echo "soak.sh: needs wrk (tools/deps.sh --only wrk)" >&2; exit 1; }
accel=$(python3 "$(dirname "$0")/../../tools/mote_accel.py" --who soak.sh --probe "$image")
echo "soak.sh: QEMU $accel"
# $accel and $capture are lists of words.
# shellcheck disable=SC2086
qemu-system-x86_64 -M q35 $accel -m 256M -nodefaults -no-user-config \
	-display none -no-reboot -serial "file:${TMPDIR:-/tmp}/mote-soak-$$.console" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:80" -device virtio-net-pci,netdev=n0 \
	$capture -monitor "unix:$mon,server,nowait" -kernel "$image" -append "" &
qemu=$!
sleep 8
i=0
zero=0
while [ "$i" -lt "$rounds" ]; do
	req=$(wrk -t1 -c10 -d10s "http://127.0.0.1:$port/hello.txt" 2>&1 | awk '/requests in/ {print $1}')
	echo "round $i: ${req:-0} requests"
	if [ "${req:-0}" = 0 ]; then
		zero=$((zero + 1))
		if [ "$zero" -ge 2 ]; then
			echo "stalled: QEMU (pid $qemu) left running, monitor at $mon"
			exit 1
		fi
	fi
	i=$((i + 1))
done
kill "$qemu"
echo "no stall in $rounds rounds"
