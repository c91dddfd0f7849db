#!/bin/sh
# SPDX-License-Identifier: MIT
# linux-net-guest.sh: the Linux guest bench/net serves from: bench/boot's Debian kernel and busybox
# plus the NIC's modules from the same kernel package, and an /init that brings eth0 up at
# QEMU user networking's 10.0.2.15 and starts the given static httpd and echo servers.
#
# usage: linux-net-guest.sh CACHE_DIR HTTPD ECHO [NIC]
# NIC is QEMU's device: virtio-net-pci (the default), e1000 or e1000e.
# Prints `vmlinuz=PATH` and `initramfs=PATH` on stdout; everything else goes to stderr. The
# kernel and busybox come from bench/boot/linux-guest.sh (downloaded into CACHE_DIR once).
set -eu

die() {
	echo "linux-net-guest.sh: $*" >&2
	exit 1
}

[ $# -eq 3 ] || [ $# -eq 4 ] || die "usage: linux-net-guest.sh CACHE_DIR HTTPD ECHO [NIC]"
nic=${4:-virtio-net-pci}
for tool in dpkg cpio gzip; do
	command -v "$tool" >/dev/null 2>&1 || die "needs $tool (apt-get install $tool)"
done
[ -x "$2" ] || die "no executable $2"
[ -x "$3" ] || die "no executable $3"
here=$(cd "$(dirname "$0")" && pwd)
guest=$(sh "$here/../boot/linux-guest.sh" "$1") || die "bench/boot/linux-guest.sh failed"
vmlinuz=$(echo "$guest" | sed -n 's/^vmlinuz=//p')
[ -n "$vmlinuz" ] || die "bench/boot/linux-guest.sh gave no vmlinuz"
cache=$(cd "$1" && pwd)
busybox=$cache/busybox/bin/busybox

# The kernel package linux-guest.sh fetched, matched by the version in the vmlinuz's name.
kver=$(basename "$vmlinuz" | sed 's/^vmlinuz-//')
kdeb=$(ls "$cache/debs/linux-image-${kver}_"*.deb 2>/dev/null | head -n 1 || true)
[ -n "$kdeb" ] || die "no linux-image-${kver} .deb in $cache/debs"

# Debian builds the NIC drivers as modules; in dependency order, each loaded with insmod
# (busybox has no modprobe database to work from; the order follows each module's depends=;
# e1000 and e1000e depend on nothing that is not built in).
case $nic in
virtio-net-pci)
	MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci net/core/failover
drivers/net/net_failover drivers/net/virtio_net"
	suffix=""
	;;
e1000 | e1000e)
	MODULES="drivers/net/ethernet/intel/$nic/$nic"
	suffix=-$nic
	;;
*) die "NIC $nic: expected virtio-net-pci, e1000 or e1000e" ;;
esac

# dpkg -x once (400 MB unpacked), keep only those modules; a stamp tells a finished unpack.
mods=$cache/net-modules$suffix
if [ ! -f "$mods/.unpacked" ] || [ "$(cat "$mods/.unpacked")" != "$(basename "$kdeb")" ]; then
	echo "linux-net-guest.sh: unpacking the $nic modules from $(basename "$kdeb")" >&2
	rm -rf "$mods" "$mods.tmp"
	mkdir -p "$mods" "$mods.tmp"
	dpkg -x "$kdeb" "$mods.tmp"
	for m in $MODULES; do
		cp "$mods.tmp/lib/modules/$kver/kernel/$m.ko" "$mods/" || die "no $m.ko in $kdeb"
	done
	rm -rf "$mods.tmp"
	basename "$kdeb" >"$mods/.unpacked"
fi

root=$cache/net-initramfs-root$suffix
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$2" "$root/bin/httpd"
cp "$3" "$root/bin/echo-server"
names=""
for m in $MODULES; do
	cp "$mods/$(basename "$m").ko" "$root/lib/modules/"
	names="$names $(basename "$m")"
done

# The same address, gateway and ports Mote's images use under user networking, static so that no
# DHCP client is needed. "LINUX-NET: ready" tells run.py both servers are listening.
cat >"$root/init" <<EOF
#!/bin/sh
bb=/bin/busybox
\$bb mount -t proc proc /proc
\$bb mount -t sysfs sys /sys
\$bb mount -t devtmpfs dev /dev 2>/dev/null
for m in$names; do
	\$bb insmod /lib/modules/\$m.ko || echo "LINUX-NET: insmod \$m failed"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ \$i -lt 100 ]; do \$bb sleep 0.1; i=\$((i + 1)); done
\$bb ip link set lo up
\$bb ip link set eth0 up
\$bb ip addr add 10.0.2.15/24 dev eth0
\$bb ip route add default via 10.0.2.2
/bin/httpd -p 80 &
/bin/echo-server -p 7 &
\$bb sleep 1
echo "LINUX-NET: ready \$(\$bb ip -4 addr show eth0 | \$bb grep -o 'inet [0-9./]*')"
while true; do \$bb sleep 3600; done
EOF
chmod 755 "$root/init"

initramfs=$cache/net-initramfs$suffix.cpio.gz
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n >"$initramfs.tmp"
mv "$initramfs.tmp" "$initramfs"

echo "vmlinuz=$vmlinuz"
echo "initramfs=$initramfs"
