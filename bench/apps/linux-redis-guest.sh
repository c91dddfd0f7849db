#!/bin/sh
# SPDX-License-Identifier: MIT
# linux-redis-guest.sh: the Linux guest bench/apps/redis.py measures beside Mote: bench-net's
# kernel, busybox and virtio-net modules (bench/net/linux-net-guest.sh, which fills CACHE_DIR) and
# Debian's redis-server (apt-get download, dpkg -x: never installed) with the shared libraries it
# names, at 10.0.2.15 on QEMU user networking, listening on 6379.
# usage: linux-redis-guest.sh CACHE_DIR     prints vmlinuz=PATH and initramfs=PATH
set -eu
die() {
	echo "linux-redis-guest.sh: $*" >&2
	exit 1
}
[ $# -eq 1 ] || die "usage: linux-redis-guest.sh CACHE_DIR"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
cache=$(cd "$1" && pwd)
# bench-net's guest, built for its modules and kernel; its own servers are not used here.
guest=$(sh "$here/../net/linux-net-guest.sh" "$cache" /bin/true /bin/true) || die "linux-net-guest.sh failed"
vmlinuz=$(echo "$guest" | sed -n 's/^vmlinuz=//p')
mods=$cache/net-modules
[ -n "$vmlinuz" ] && [ -d "$mods" ] || die "no kernel or modules from linux-net-guest.sh"

# Debian 12's /usr/bin/redis-server is a link to redis-check-rdb, the one binary that is both,
# and redis-tools ships that binary: both packages are unpacked into one tree.
deb=$cache/redis-server-deb
if [ ! -x "$deb/usr/bin/redis-server" ]; then
	rm -rf "$deb" "$deb.dl"
	mkdir -p "$deb.dl"
	(cd "$deb.dl" && apt-get download redis-server redis-tools >/dev/null) ||
		die "apt-get download redis-server redis-tools failed"
	dpkg -x "$deb.dl"/redis-server_*.deb "$deb"
	dpkg -x "$deb.dl"/redis-tools_*.deb "$deb"
	rm -rf "$deb.dl"
fi
server=$(readlink -f "$deb/usr/bin/redis-server")
[ -x "$server" ] || die "no redis-server binary in $deb"

root=$cache/redis-initramfs-root
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/lib/modules" "$root/tmp"
cp "$cache/busybox/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$server" "$root/bin/redis-server"
# Its libraries as the host resolves them (redis-tools brings the same jemalloc and lzf).
for lib in $(ldd "$server" | awk '/=>/ {print $3} /^\t\/lib/ {print $1}'); do
	[ -f "$lib" ] || die "redis-server needs $lib, which this machine lacks"
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
for m in "$mods"/*.ko; do
	cp "$m" "$root/lib/modules/"
done
# The load order bench-net uses (its MODULES list).
order="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net"
cat >"$root/init" <<EOF2
#!/bin/sh
bb=/bin/busybox
\$bb mount -t proc proc /proc
\$bb mount -t sysfs sys /sys
\$bb mount -t devtmpfs dev /dev 2>/dev/null
for m in $order; do
	\$bb insmod /lib/modules/\$m.ko || echo "LINUX-REDIS: insmod \$m failed"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 100 ]; do \$bb sleep 0.1; i=\$((i + 1)); done
\$bb ip link set lo up
\$bb ip link set eth0 up
\$bb ip addr add 10.0.2.15/24 dev eth0
\$bb ip route add default via 10.0.2.2
cd /tmp
/bin/redis-server --save "" --appendonly no --protected-mode no --daemonize no --logfile "" &
\$bb sleep 2
echo "LINUX-REDIS: ready"
while true; do \$bb sleep 3600; done
EOF2
chmod 755 "$root/init"
initramfs=$cache/redis-initramfs.cpio.gz
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n >"$initramfs.tmp"
mv "$initramfs.tmp" "$initramfs"
echo "vmlinuz=$vmlinuz"
echo "initramfs=$initramfs"
