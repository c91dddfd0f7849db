#!/bin/sh
# SPDX-License-Identifier: MIT
# An application outside Mote's tree builds with find_package(Mote) + add_unikernel(), both
# against the build tree (Mote_DIR) and against an SDK made by `cmake --install`, and boots.
# Every boot's status and output are checked; the summary counts the checks that ran and must
# equal $7, the count tests/tree/CMakeLists.txt names.
set -eu
src=${1:?source dir}; build=${2:?build dir}; work=${3:?work dir}; cc=${4:-cc}
# The platform's image suffix and how to boot it (xen: as dom0, the hypervisor from $6).
suffix=${5:-kvm}; xen_cache=${6:-}; expected=${7:?expected number of checks}
passed=0
if [ "$suffix" = xen ]; then
	set -- --machine dom0 --xen-cache "$xen_cache"; other="$*"
else
	set -- --machine q35; other="--machine microvm"
fi
rm -rf "$work"; mkdir -p "$work"
cp -r "$src/examples/out-of-tree" "$work/app"

fail() {
	echo "FAIL: $*"
	echo "$passed passed, 1 failed"
	exit 1
}

check_boot() { # $runner $image $word mote-run-options...: the image greets $word
	runner=$1 image=$2 word=$3
	shift 3
	out=$("$runner" "$@" --timeout 120 "$image" -- "$word" 2>&1) && status=0 || status=$?
	echo "$out"
	[ "$status" -eq 3 ] || fail "$image: status $status, expected 3"
	echo "$out" | grep -q "greeter: hello, $word" || fail "$image: greeting missing"
	echo "$out" | grep -q "greeter: sqrt(2) = 1.414214" || fail "$image: libm result missing"
	passed=$((passed + 1))
}

check_builtin_cmdline() { # $image; no command line: the built-in one applies
	out=$("$src/tools/mote-run" "$@" --timeout 120 "$image" 2>&1) && status=0 || status=$?
	echo "$out"
	[ "$status" -eq 3 ] || fail "$image: status $status, expected 3"
	echo "$out" | grep -q "greeter: hello, builtin" || fail "$image: built-in argument missing"
	# The banner names the platform; any platform's banner means the level was ignored.
	if echo "$out" | grep -q "mote: Mote on "; then fail "$image: built-in mote.log=warn ignored"; fi
	passed=$((passed + 1))
}

check_devices() { # $image, linked with mote::devices: on kvm its virtio-mmio driver finds a device
	if [ "$suffix" != kvm ]; then
		check_boot "$src/tools/mote-run" "$image" outside "$@" # no such drivers here: the plain image
		return
	fi
	out=$("$src/tools/mote-run" --machine microvm --timeout 120 \
		--qemu-arg "-device virtio-rng-device -machine acpi=off" "$image" mote.log=debug -- outside 2>&1) &&
		status=0 || status=$?
	echo "$out"
	[ "$status" -eq 3 ] || fail "$image: status $status, expected 3"
	echo "$out" | grep -q "greeter: hello, outside" || fail "$image: greeting missing"
	echo "$out" | grep -q "virtio-rng0: mmio 0x" || fail "$image: mote::devices drivers missing"
	passed=$((passed + 1))
}

echo "== against the build tree (Mote_DIR=$build)"
cmake -S "$work/app" -B "$work/b1" -DCMAKE_C_COMPILER="$cc" -DMote_DIR="$build" >/dev/null
cmake --build "$work/b1"
image=$work/b1/greeter.$suffix
check_boot "$src/tools/mote-run" "$image" outside "$@"
check_builtin_cmdline "$@"
image=$work/b1/greeter_devices.$suffix
check_devices "$@"

echo "== against an installed SDK"
cmake --install "$build" --prefix "$work/sdk" >/dev/null
# An SDK prefix may hold several platforms; find_package(Mote) picks the one PLATFORM names.
case $suffix in elf) platform=baremetal ;; *) platform=$suffix ;; esac
cmake -S "$work/app" -B "$work/b2" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$work/sdk" -DPLATFORM="$platform" >/dev/null
cmake --build "$work/b2"
image=$work/b2/greeter.$suffix
check_boot "$src/tools/mote-run" "$image" outside "$@"
# The SDK's own copy of mote-run, on the other machine (kvm) or the same way (xen).
# shellcheck disable=SC2086 # $other is options split on purpose
check_boot "$work/sdk/bin/mote-run" "$image" sdk $other
image=$work/b2/greeter_devices.$suffix
check_devices "$@"
if [ "$passed" -ne "$expected" ]; then
	echo "FAIL: $passed checks ran, expected $expected"
	echo "$passed passed, 1 failed"
	exit 1
fi
echo "$passed passed, 0 failed"
