#!/bin/sh
# SPDX-License-Identifier: MIT
# linux-guest.sh: assemble the Linux guest that bench/boot compares Mote with: Debian's kernel and
# a busybox initramfs whose /init prints one marker line and exits QEMU. Nothing is installed on
# the host: the packages are fetched with `apt-get download` and unpacked with `dpkg -x`.
#
# usage: linux-guest.sh CACHE_DIR
# Prints `vmlinuz=PATH` and `initramfs=PATH` on stdout; everything else goes to stderr.
# The downloads are kept in CACHE_DIR, so a second run does no network work.
set -eu

die() {
	echo "linux-guest.sh: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: linux-guest.sh CACHE_DIR"
for tool in apt-get apt-cache dpkg cpio gzip gcc; do
	command -v "$tool" >/dev/null 2>&1 || die "needs $tool (apt-get install $tool)"
done
mkdir -p "$1"
cache=$(cd "$1" && pwd)
debs=$cache/debs
mkdir -p "$debs"

# linux-image-amd64 is a metapackage; the kernel itself is the versioned package it depends on.
kernel_package() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -n 1
}

# fetch PACKAGE: the .deb of PACKAGE in $debs, downloaded once. Prints its path.
fetch() {
	found=$(ls "$debs/$1"_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$found" ]; then
		echo "linux-guest.sh: downloading $1" >&2
		# apt-get download writes into the current directory; as root it warns that the
		# download is not sandboxed, which is harmless here.
		(cd "$debs" && apt-get download "$1" >&2) || die "apt-get download $1 failed"
		found=$(ls "$debs/$1"_*.deb 2>/dev/null | head -n 1 || true)
		[ -n "$found" ] || die "apt-get download $1 left no .deb in $debs"
	fi
	echo "$found"
}

# unpack DEB DIR [KEEP]: dpkg -x once, then keep only the folder KEEP of it (the kernel package
# is 400 MB unpacked, nearly all modules the guest never loads). A stamp tells a finished unpack
# from an interrupted one.
unpack() {
	if [ ! -f "$2/.unpacked" ] || [ "$(cat "$2/.unpacked")" != "$(basename "$1")" ]; then
		rm -rf "$2"
		mkdir -p "$2"
		dpkg -x "$1" "$2"
		if [ $# -ge 3 ]; then
			find "$2" -mindepth 1 -maxdepth 1 ! -name "$3" -exec rm -rf {} +
		fi
		basename "$1" >"$2/.unpacked"
	fi
}

kpkg=$(kernel_package)
if [ -z "$kpkg" ]; then
	echo "linux-guest.sh: apt-cache knows no linux-image-amd64; running apt-get update" >&2
	apt-get update >&2 || die "apt-get update failed"
	kpkg=$(kernel_package)
	[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 to a kernel package"
fi

kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)
unpack "$kdeb" "$cache/kernel" boot
unpack "$bdeb" "$cache/busybox" bin

vmlinuz=$(ls "$cache"/kernel/boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
[ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in $kdeb"
busybox=$cache/busybox/bin/busybox
[ -x "$busybox" ] || die "no bin/busybox in $bdeb"

# The initramfs is rebuilt every run: it is small, and the /init below may change.
root=$cache/initramfs-root
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"

# /bin/rdtsc prints the guest's TSC in decimal. Under QEMU's -icount the TSC counts virtual ns
# from the machine's reset, so it gives Linux the same "time to main" as Mote's mote.boottime,
# where /proc/uptime starts only at the kernel's timekeeping init. No libc: two system calls.
cat >"$cache/rdtsc.c" <<'EOF'
/* rdtsc.c: print the time-stamp counter in decimal (written by bench/boot/linux-guest.sh). */
static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

void _start(void)
{
	unsigned int lo, hi;
	unsigned long long v;
	char buf[24];
	int i = sizeof(buf);

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	v = (unsigned long long)hi << 32 | lo;
	buf[--i] = '\n';
	do
		buf[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	syscall3(1, 1, (long)(buf + i), (long)sizeof(buf) - i); /* write(1, ...) */
	syscall3(60, 0, 0, 0);					/* exit(0) */
	for (;;)
		;
}
EOF
gcc -static -nostdlib -O2 -fno-pie -no-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
	-Wl,--build-id=none -o "$root/bin/rdtsc" "$cache/rdtsc.c" || die "cannot build rdtsc.c"

# /init prints the marker as soon as /proc is there, then leaves QEMU the quickest way it can:
# one byte to isa-debug-exit's port 0xf4 through /dev/port (QEMU exits with code 1, as for Mote),
# else poweroff, else a reset (QEMU runs with -no-reboot, so a reset also ends it).
# The kernel's built-in initramfs already holds /dev/console, so the marker reaches the serial
# console before devtmpfs is mounted.
cat >"$root/init" <<'EOF'
#!/bin/sh
tsc=$(/bin/rdtsc)
/bin/busybox mount -t proc proc /proc
read up idle </proc/uptime
echo "LINUX-MARKER uptime=$up tsc=$tsc"
/bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
/bin/busybox printf '\000' | /bin/busybox dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
/bin/busybox poweroff -f
/bin/busybox reboot -f
EOF
chmod 755 "$root/init"

# Fixed times, owners and inode numbers (and gzip -n) make the same inputs give the same bytes.
find "$root" -exec touch -h -d @0 {} +
initramfs=$cache/initramfs.cpio.gz
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9 -n >"$initramfs.tmp"
mv "$initramfs.tmp" "$initramfs"

echo "vmlinuz=$vmlinuz"
echo "initramfs=$initramfs"
