#!/bin/sh
# SPDX-License-Identifier: MIT
# linux-fs-guest.sh: the Linux guest bench/fs runs beside Mote: bench/boot's Debian kernel and
# busybox plus the virtio-blk and vfat modules of the same kernel package, and an /init that
# mounts the disk (/dev/vda, FAT) at /mnt and runs the static fs_bench as Mote's image runs it.
#
# usage: linux-fs-guest.sh CACHE_DIR FS_BENCH
# Prints `vmlinuz=PATH` and `initramfs=PATH` on stdout; everything else goes to stderr.
set -eu

die() {
	echo "linux-fs-guest.sh: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: linux-fs-guest.sh CACHE_DIR FS_BENCH"
for tool in dpkg cpio gzip; do
	command -v "$tool" >/dev/null 2>&1 || die "needs $tool (apt-get install $tool)"
done
[ -x "$2" ] || die "no executable $2"
here=$(cd "$(dirname "$0")" && pwd)
guest=$(sh "$here/../boot/linux-guest.sh" "$1") || die "bench/boot/linux-guest.sh failed"
vmlinuz=$(echo "$guest" | sed -n 's/^vmlinuz=//p')
[ -n "$vmlinuz" ] || die "bench/boot/linux-guest.sh gave no vmlinuz"
cache=$(cd "$1" && pwd)
busybox=$cache/busybox/bin/busybox

kver=$(basename "$vmlinuz" | sed 's/^vmlinuz-//')
kdeb=$(ls "$cache/debs/linux-image-${kver}_"*.deb 2>/dev/null | head -n 1 || true)
[ -n "$kdeb" ] || die "no linux-image-${kver} .deb in $cache/debs"

# Debian builds virtio, virtio-blk, FAT and the code pages as modules; in dependency order for
# insmod. vfat's defaults need cp437 (short names) and utf8 (CONFIG_FAT_DEFAULT_UTF8).
MODULES="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk
fs/nls/nls_cp437 fs/nls/nls_utf8 fs/nls/nls_ascii fs/fat/fat fs/fat/vfat"

mods=$cache/fs-modules
if [ ! -f "$mods/.unpacked" ] || [ "$(cat "$mods/.unpacked")" != "$(basename "$kdeb")" ]; then
	echo "linux-fs-guest.sh: unpacking the virtio-blk and vfat modules from $(basename "$kdeb")" >&2
	rm -rf "$mods" "$mods.tmp"
	mkdir -p "$mods" "$mods.tmp"
	dpkg -x "$kdeb" "$mods.tmp"
	for m in $MODULES; do
		cp "$mods.tmp/lib/modules/$kver/kernel/$m.ko" "$mods/" || die "no $m.ko in $kdeb"
	done
	rm -rf "$mods.tmp"
	basename "$kdeb" >"$mods/.unpacked"
fi

root=$cache/fs-initramfs-root
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/mnt" "$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$2" "$root/bin/fs_bench"
names=""
for m in $MODULES; do
	cp "$mods/$(basename "$m").ko" "$root/lib/modules/"
	names="$names $(basename "$m")"
done

# The three steps Mote runs in three boots, here in one: before the read, the page cache is
# dropped so that the read comes from the disk as Mote's (after a fresh boot) does.
cat >"$root/init" <<EOF
#!/bin/sh
bb=/bin/busybox
\$bb mount -t proc proc /proc
\$bb mount -t sysfs sys /sys
\$bb mount -t devtmpfs dev /dev 2>/dev/null
for m in$names; do
	\$bb insmod /lib/modules/\$m.ko || echo "LINUX-FS: insmod \$m failed"
done
i=0
while [ ! -e /dev/vda ] && [ \$i -lt 100 ]; do \$bb sleep 0.1; i=\$((i + 1)); done
if \$bb mount -t vfat /dev/vda /mnt; then
	/bin/fs_bench write /mnt
	\$bb sync
	echo 3 >/proc/sys/vm/drop_caches
	/bin/fs_bench read /mnt
	/bin/fs_bench small /mnt
	\$bb umount /mnt
else
	echo "LINUX-FS: cannot mount /dev/vda"
fi
echo "LINUX-FS: done"
\$bb printf '\000' | \$bb dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
\$bb poweroff -f
EOF
chmod 755 "$root/init"

initramfs=$cache/fs-initramfs.cpio.gz
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -n >"$initramfs.tmp"
mv "$initramfs.tmp" "$initramfs"

echo "vmlinuz=$vmlinuz"
echo "initramfs=$initramfs"
