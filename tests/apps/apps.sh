#!/bin/sh
# SPDX-License-Identifier: MIT
# Software that knows nothing of Mote, built through an installed SDK (docs/porting.md): this
# build's platform and a second one are installed into one prefix; an add_unikernel() project
# is built against each by PLATFORM; tests/apps/cmake-project with each platform's toolchain
# file and tests/apps/make-project with `make CC=mote-<platform>-cc` after its configure checks.
# The images of this build's platform boot and their output and status are checked; the other
# platform's are checked to be its images. The summary counts the checks that ran, and must
# equal $7, the count tests/apps/CMakeLists.txt names.
set -eu
src=${1:?source dir}; build=${2:?build dir}; work=${3:?work dir}
platform=${4:?platform of this build}; other=${5:?second platform to install}
xen_cache=${6:-}; expected=${7:?expected number of checks}
passed=0
rm -rf "$work"; mkdir -p "$work"
sdk=$work/sdk

fail() {
	echo "FAIL: $*"
	echo "$passed passed, 1 failed"
	exit 1
}
ok() {
	passed=$((passed + 1))
	echo "ok: $*"
}

suffix_of() { # the image suffix add_unikernel gives a platform
	case $1 in baremetal) echo elf ;; *) echo "$1" ;; esac
}

run_opts() { # how to boot an image of $1
	case $1 in
	xen) echo "--machine dom0 --xen-cache $xen_cache" ;;
	baremetal) echo "--machine q35" ;;
	*) echo "--machine q35" ;;
	esac
}

# is_image PLATFORM FILE: the file is an image of that platform, told by how it is entered.
is_image() {
	notes=$(readelf -n "$2" 2>&1) || fail "$2: not an ELF file"
	case $1 in
	# XEN_ELFNOTE_GUEST_OS (6), which only a PV image carries; PVH's entry is note 0x12.
	xen) echo "$notes" | grep -q "Unknown note type: (0x00000006)" || fail "$2: no Xen PV ELF notes" ;;
	kvm) echo "$notes" | grep -q "Unknown note type: (0x00000012)" || fail "$2: no PVH entry note" ;;
	baremetal) grep -q "$(printf '\326\120\122\350')" "$2" || fail "$2: no Multiboot2 header" ;;
	esac
}

# boot IMAGE STATUS PATTERN... -- CMDLINE...: boot on this build's platform, check status and output.
boot() {
	image=$1 status_want=$2
	shift 2
	pats=""
	while [ "$1" != "--" ]; do
		pats="$pats
$1"
		shift
	done
	shift
	# shellcheck disable=SC2046 # options split on purpose
	out=$("$sdk/bin/mote-run" $(run_opts "$platform") --timeout 180 "$image" "$@" 2>&1) && status=0 || status=$?
	echo "$out"
	[ "$status" -eq "$status_want" ] || fail "$image: status $status, expected $status_want"
	echo "$pats" | while IFS= read -r p; do
		[ -z "$p" ] && continue
		echo "$out" | grep -q -- "$p" || { echo "missing: $p"; exit 1; }
	done || fail "$image: output missing (above)"
	if echo "$out" | grep -q "__linux__ is defined"; then fail "$image: compiled with __linux__"; fi
}

echo "== SDKs for $platform and $other in one prefix"
cmake --install "$build" --prefix "$sdk" >/dev/null
cmake -S "$src" -B "$work/build-$other" -DPLATFORM="$other" >/dev/null
cmake --build "$work/build-$other" --target mote_sdk -- -j2 >/dev/null
cmake --install "$work/build-$other" --prefix "$sdk" >/dev/null
for p in "$platform" "$other"; do
	[ -f "$sdk/lib/cmake/Mote/$p/MotePlatform.cmake" ] && [ -x "$sdk/bin/mote-$p-cc" ] &&
		[ -f "$sdk/lib/cmake/Mote/mote-$p.cmake" ] && [ -f "$sdk/lib/mote/$p/libmote-$p.a" ] ||
		fail "the $p SDK is incomplete after installing both"
done
ok "both SDKs kept side by side"

echo "== the driver's options"
cc=$sdk/bin/mote-$platform-cc
printf '#include <stdio.h>\nint main(void) { return 0; }\n' >"$work/probe.c"
macros=$("$cc" -E -dM "$work/probe.c") || fail "-E -dM failed"
echo "$macros" | grep -q "^#define __mote__ 1" || fail "__mote__ not defined"
if echo "$macros" | grep -q "__linux__"; then fail "__linux__ defined"; fi
"$cc" -MM "$work/probe.c" | grep -q "^probe.o: .*probe.c" || fail "-MM gave no dependency line"
out=$("$cc" -shared -o "$work/x.so" "$work/probe.c" 2>&1) && fail "-shared accepted"
echo "$out" | grep -q "shared libraries are not supported" || fail "-shared: unclear refusal: $out"
out=$("$cc" --mote-libs=bogus -o "$work/x" "$work/probe.c" 2>&1) && fail "--mote-libs=bogus accepted"
echo "$out" | grep -q "unknown Mote library 'bogus'" || fail "--mote-libs=bogus: unclear refusal: $out"
ok "driver: __mote__ without __linux__, -MM, -shared and a bad --mote-libs refused"

echo "== find_package(Mote) picks by PLATFORM"
cp -r "$src/examples/out-of-tree" "$work/greeter"
for p in "$platform" "$other"; do
	cmake -S "$work/greeter" -B "$work/greeter-$p" -DCMAKE_PREFIX_PATH="$sdk" -DPLATFORM="$p" >/dev/null
	cmake --build "$work/greeter-$p" --target "greeter.$(suffix_of "$p")" >/dev/null
	is_image "$p" "$work/greeter-$p/greeter.$(suffix_of "$p")"
done
boot "$work/greeter-$platform/greeter.$(suffix_of "$platform")" 3 "greeter: hello, sdk" -- -- sdk
ok "greeter built for $platform and $other from one prefix; the $platform one boots"
if out=$(cmake -S "$work/greeter" -B "$work/greeter-none" -DCMAKE_PREFIX_PATH="$sdk" -DPLATFORM=bogus 2>&1); then
	fail "PLATFORM=bogus configured"
fi
# CMake wraps its message to the width of the (machine-dependent) SDK path: join the lines first.
echo "$out" | tr -s ' \n' '  ' | grep -q "no PLATFORM 'bogus' (installed: " || fail "PLATFORM=bogus: no clear message: $out"
ok "a platform the prefix lacks is refused, naming the installed ones"

echo "== an unchanged CMake project with each toolchain file"
for p in "$platform" "$other"; do
	cmake -S "$src/tests/apps/cmake-project" -B "$work/cmake-$p" \
		-DCMAKE_TOOLCHAIN_FILE="$sdk/lib/cmake/Mote/mote-$p.cmake" >"$work/cmake-$p.log" 2>&1 ||
		{ cat "$work/cmake-$p.log"; fail "cmake-project: configuring for $p"; }
	grep -q "Found Threads: TRUE" "$work/cmake-$p.log" || fail "cmake-project: Threads not found for $p"
	cmake --build "$work/cmake-$p" || fail "cmake-project: building for $p"
	is_image "$p" "$work/cmake-$p/counter"
done
boot "$work/cmake-$platform/counter" 7 "counter: total 2002000" "counter: log10 1.000" \
	"counter: __mote__ without __linux__" "counter: argument toolchain" -- -- toolchain
ok "cmake-project built with the toolchain files; the $platform image boots"

echo "== an unchanged Makefile project with make CC=mote-<platform>-cc"
for p in "$platform" "$other"; do
	cp -r "$src/tests/apps/make-project" "$work/make-$p"
	(cd "$work/make-$p" && CC="$sdk/bin/mote-$p-cc" ./configure) || fail "make-project: configure checks for $p"
	make -C "$work/make-$p" CC="$sdk/bin/mote-$p-cc" || fail "make-project: make for $p"
	is_image "$p" "$work/make-$p/wordfreq"
done
boot "$work/make-$platform/wordfreq" 5 "wordfreq: 3 words, sqrt 1.732" "wordfreq: built for Mote" \
	"wordfreq: GREETING=hi there" -- "mote.env=GREETING=hi there" -- "one two" three
ok "make-project configured and built with each driver; the $platform image boots"

if [ "$passed" -ne "$expected" ]; then
	echo "FAIL: $passed checks ran, expected $expected"
	echo "$passed passed, 1 failed"
	exit 1
fi
echo "$passed passed, 0 failed"
