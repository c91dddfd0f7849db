#!/bin/sh
# SPDX-License-Identifier: MIT
# Lua 5.4 from Debian's source, built unpatched by examples/ports/lua/build.sh through the
# installed SDK, booted: tests/apps/lua-scripts/suite.lua from an initrd (its own summary must
# be "$5 passed, 0 failed"), a chunk given with -e, and an error's traceback and exit status.
set -eu
src=${1:?source dir}; build=${2:?build dir}; work=${3:?work dir}; platform=${4:?platform}
suite_count=${5:?checks in suite.lua}
passed=0
fail() {
	echo "FAIL: $*"
	echo "$passed passed, 1 failed"
	exit 1
}
rm -rf "$work/sdk" "$work/root"
mkdir -p "$work/root/scripts"
cmake --install "$build" --prefix "$work/sdk" >/dev/null
sh "$src/examples/ports/lua/build.sh" "$work/sdk" "$platform" "$work/lua" || fail "building Lua"
lua=$(ls -d "$work"/lua/lua-5.4*/src)/lua
cp "$src"/tests/apps/lua-scripts/* "$work/root/scripts/"
python3 "$src/tools/mote-mkcpio" "$work/root" "$work/root.cpio"
if [ "$platform" = xen ]; then
	set -- --machine dom0 --xen-cache "$build/xen-cache"
else
	set -- --machine q35
fi

out=$("$work/sdk/bin/mote-run" "$@" --timeout 300 --module "$work/root.cpio" "$lua" \
	mote.env=LUA_SUITE=yes -- /scripts/suite.lua 2>&1) && status=0 || status=$?
out=$(printf '%s\n' "$out" | tr -d '\r') # the serial console ends lines with CR LF
echo "$out"
[ "$status" -eq 0 ] || fail "suite.lua: status $status"
[ "$(echo "$out" | grep -c -x "[0-9]* passed, [0-9]* failed")" -eq 1 ] &&
	echo "$out" | grep -q -x "$suite_count passed, 0 failed" || fail "suite.lua: not $suite_count passed, 0 failed"
passed=$((passed + 1))

out=$("$work/sdk/bin/mote-run" "$@" --timeout 300 "$lua" -- -e "print(string.format('six times seven is %d', 6 * 7))" 2>&1) &&
	status=0 || status=$?
echo "$out"
[ "$status" -eq 0 ] && echo "$out" | grep -q "six times seven is 42" || fail "lua -e: status $status or output missing"
passed=$((passed + 1))

out=$("$work/sdk/bin/mote-run" "$@" --timeout 300 "$lua" -- -e "local function f() error('boom') end f()" 2>&1) &&
	status=0 || status=$?
echo "$out"
[ "$status" -eq 1 ] && echo "$out" | grep -q "boom" && echo "$out" | grep -q "stack traceback" ||
	fail "lua -e error: status $status (expected 1) or traceback missing"
passed=$((passed + 1))
echo "$passed passed, 0 failed"
