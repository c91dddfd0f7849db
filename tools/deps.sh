#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the Debian packages Mote needs to build and test, skipping those already installed.
# Usage: tools/deps.sh [PKG...]         the project's list plus PKG...
#        tools/deps.sh --only PKG...    just PKG... (what cmake/newlib.cmake asks for at configure time)
set -euo pipefail

# cpio packs the Linux dom0's initramfs of the Xen tier-2 tests (tools/xen-tier2).
# dpkg-dev has dpkg-source, which `apt-get source lwip` (tools/fetch-lwip.sh) unpacks with.
# clang builds the libFuzzer targets, whose runtime is in libclang-rt-14-dev. libc6-dev is named
# because packages are installed without Recommends (which keeps qemu's GUI stack out) and gcc
# only recommends it, yet the host unit tests need glibc's headers. clang-format runs
# tree.clang-format (a fresh Debian 12 lacks it; the test fails without it rather than vanish).
# Every tool a test runs is listed here: binutils (strip, nm, objcopy), mtools and dosfstools
# (FAT images: mkfs.fat, fsck.fat), curl, cpio. PLATFORM=baremetal makes GRUB ISOs with grub-mkrescue
# (grub-common, grub-pc-bin for BIOS, grub-efi-amd64-bin for UEFI, xorriso, mtools) and boots
# them under QEMU with SeaBIOS or OVMF (ovmf). apps.redis and bench-apps-redis talk to the Redis
# port with redis-cli and redis-benchmark (redis-tools) and run Redis's own suite with tclsh (tcl).
PROJECT_PACKAGES=(cmake gcc make binutils libc6-dev clang clang-format libclang-rt-14-dev qemu-system-x86
	newlib-source python3 xz-utils mtools dosfstools xorriso grub-pc-bin grub-efi-amd64-bin grub-common ovmf
	curl dpkg-dev cpio redis-tools)
# examples/ports/sqlite: tclsh makes SQLite's amalgamation; the host's sqlite3 checks a database
# written by the image (tests/apps/sqlite.sh).
PROJECT_PACKAGES+=(tcl sqlite3)
# tests/boot/net_burst.py and bench/apps/redis.py reach the guest through a tap device in a
# network namespace of their own: `unshare` (util-linux) and `ip` (iproute2).
PROJECT_PACKAGES+=(util-linux iproute2)

if [[ ${1-} == --only ]]; then
	shift
	wanted=("$@")
else
	wanted=("${PROJECT_PACKAGES[@]}" "$@")
fi

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
	echo "deps: this script needs a Debian system (dpkg-query, apt-get); install by hand: ${wanted[*]}" >&2
	exit 1
fi

missing=()
for pkg in "${wanted[@]}"; do
	# A removed package can still be known to dpkg ("deinstall ok config-files"): only this
	# exact status means its files are there.
	if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null) != "install ok installed" ]]; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]} == 0)); then
	echo "deps: nothing to install: all ${#wanted[@]} wanted packages are installed"
	exit 0
fi
echo "deps: installing ${missing[*]}"

sudo=()
if (($(id -u) != 0)); then
	if ! command -v sudo >/dev/null; then
		echo "deps: not root and no sudo: as root run apt-get install ${missing[*]}" >&2
		exit 1
	fi
	sudo=(sudo)
fi

# apt's progress goes to a log so a CI transcript stays short; errors still reach stderr,
# and on failure the log's tail says what apt was doing.
log=$(mktemp "${TMPDIR:-/tmp}/mote-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
if ! "${apt[@]}" update >"$log" ||
	! "${apt[@]}" install --no-install-recommends "${missing[@]}" >>"$log"; then
	echo "deps: apt-get failed; last lines of its output:" >&2
	tail -n 40 "$log" >&2
	exit 1
fi
