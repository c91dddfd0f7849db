#!/bin/sh
# SPDX-License-Identifier: MIT
# An application outside Mote's tree builds with find_package(Mote) + add_unikernel(), both
# against the build tree (Mote_DIR) and against an SDK made by `cmake --install`, and boots.
set -eu
src=${1:?source dir}; build=${2:?build dir}; work=${3:?work dir}; cc=${4:-cc}
# The platform's image suffix and how to boot it (xen: as dom0, the hypervisor from $6).
suffix=${5:-kvm}; xen_cache=${6:-}
if [ "$suffix" = xen ]; then
	set -- --machine dom0 --xen-cache "$xen_cache"; other="$*"
else
	set -- --machine q35; other="--machine microvm"
fi
rm -rf "$work"; mkdir -p "$work"
cp -r "$src/examples/out-of-tree" "$work/app"

check_boot() { # $image
	out=$("$src/tools/mote-run" "$@" --timeout 120 "$image" -- outside 2>&1) && status=0 || status=$?
	echo "$out"
	[ "$status" -eq 3 ] || { echo "FAIL: status $status, expected 3"; exit 1; }
	echo "$out" | grep -q "greeter: hello, outside" || { echo "FAIL: greeting missing"; exit 1; }
	echo "$out" | grep -q "greeter: sqrt(2) = 1.414214" || { echo "FAIL: libm result missing"; exit 1; }
}

check_builtin_cmdline() { # $image; no command line: the built-in one applies
	out=$("$src/tools/mote-run" "$@" --timeout 120 "$image" 2>&1) && status=0 || status=$?
	echo "$out"
	[ "$status" -eq 3 ] || { echo "FAIL: status $status, expected 3"; exit 1; }
	echo "$out" | grep -q "greeter: hello, builtin" || { echo "FAIL: built-in argument missing"; exit 1; }
	if echo "$out" | grep -q "mote: Mote on $suffix"; then echo "FAIL: built-in mote.log=warn ignored"; exit 1; fi
}

check_devices() { # $image, linked with mote::devices: on kvm its virtio-mmio driver finds a device
	if [ "$suffix" != kvm ]; then
		check_boot "$@" # no such drivers on this platform: the image is the plain one
		return
	fi
	out=$("$src/tools/mote-run" --machine microvm --timeout 120 \
		--qemu-arg "-device virtio-rng-device -machine acpi=off" "$image" mote.log=debug -- outside 2>&1) &&
		status=0 || status=$?
	echo "$out"
	[ "$status" -eq 3 ] || { echo "FAIL: status $status, expected 3"; exit 1; }
	echo "$out" | grep -q "greeter: hello, outside" || { echo "FAIL: greeting missing"; exit 1; }
	echo "$out" | grep -q "virtio-rng0: mmio 0x" || { echo "FAIL: mote::devices drivers missing"; exit 1; }
}

echo "== against the build tree (Mote_DIR=$build)"
cmake -S "$work/app" -B "$work/b1" -DCMAKE_C_COMPILER="$cc" -DMote_DIR="$build" >/dev/null
cmake --build "$work/b1"
image=$work/b1/greeter.$suffix
check_boot "$@"
check_builtin_cmdline "$@"
image=$work/b1/greeter_devices.$suffix
check_devices "$@"

echo "== against an installed SDK"
cmake --install "$build" --prefix "$work/sdk" >/dev/null
cmake -S "$work/app" -B "$work/b2" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$work/sdk" >/dev/null
cmake --build "$work/b2"
image=$work/b2/greeter.$suffix
check_boot "$@"
# shellcheck disable=SC2086 # $other is options split on purpose
"$work/sdk/bin/mote-run" $other "$image" -- sdk >/dev/null 2>&1 || [ $? -eq 3 ]
image=$work/b2/greeter_devices.$suffix
check_devices "$@"
echo "7 passed, 0 failed"
