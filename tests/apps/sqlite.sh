#!/bin/sh
# SPDX-License-Identifier: MIT
# SQLite 3.40 from Debian's source, built unpatched by examples/ports/sqlite/build.sh through the
# installed SDK, booted: the sqlite3 shell runs sqlite-scripts/script.sql from an initrd (output
# equal to script.expected); on kvm also speedtest1 on a database in ramfs and on a FAT disk,
# each followed by PRAGMA integrity_check, then the host's sqlite3 and fsck.fat check that disk.
#   sqlite.sh SOURCE BUILD WORK PLATFORM
set -eu
src=${1:?source dir}; build=${2:?build dir}; work=${3:?work dir}; platform=${4:?platform}
passed=0
fail() {
	echo "FAIL: $*"
	echo "$passed passed, 1 failed"
	exit 1
}
# The console ends lines with CR LF; the kernel's own lines start with "mote: ".
app_output() { tr -d '\r' | grep -v '^mote: ' || true; }

rm -rf "$work/sdk" "$work/root"
mkdir -p "$work/root/sql"
cmake --install "$build" --prefix "$work/sdk" >/dev/null
sh "$src/examples/ports/sqlite/build.sh" "$work/sdk" "$platform" "$work/sqlite" || fail "building SQLite"
img=$work/sqlite
run="$work/sdk/bin/mote-run"
cp "$src/tests/apps/sqlite-scripts/script.sql" "$work/root/sql/"
python3 "$src/tools/mote-mkcpio" "$work/root" "$work/root.cpio"
if [ "$platform" = xen ]; then
	set -- --machine dom0 --xen-cache "$build/xen-cache"
else
	set -- --machine q35
fi

# 1. The shell runs a script from the initrd on a database in /tmp. HOME is set so that the
# shell looks for /.sqliterc (absent) instead of warning that it has no home directory.
out=$("$run" "$@" --timeout 300 --module "$work/root.cpio" "$img/sqlite3" mote.env=HOME=/ -- \
	/tmp/script.db ".read /sql/script.sql" 2>&1) && status=0 || status=$?
echo "$out"
[ "$status" -eq 0 ] || fail "sqlite3 script.sql: status $status"
grep -v '^# ' "$src/tests/apps/sqlite-scripts/script.expected" >"$work/script.expected"
printf '%s\n' "$out" | app_output >"$work/script.out"
diff -u "$work/script.expected" "$work/script.out" || fail "sqlite3 script.sql: output differs from script.expected"
passed=$((passed + 1))
if [ "$platform" = xen ]; then
	# Tier 1 (Mote as dom0) has no block device: the shell's script is the test there.
	echo "$passed passed, 0 failed"
	exit 0
fi

# speedtest1's tests at --size 5, by number, as speedtest1.c 3.40.1 runs them.
speedtest_ids="100 110 120 130 140 142 145 150 160 161 170 180 190 200 210 230 240 250 260 270 280 290 300 310 320 400 410 500 510 520 980 990"
check_speedtest() { # NAME OUTPUT STATUS
	[ "$3" -eq 0 ] || fail "$1: status $3"
	ids=$(printf '%s\n' "$2" | app_output | sed -n 's/^ *\([0-9][0-9]*\) - .*/\1/p' | tr '\n' ' ')
	[ "$ids" = "$speedtest_ids " ] || fail "$1: tests run were '$ids'"
	printf '%s\n' "$2" | app_output | grep -q '^ *TOTAL\.\.*  *[0-9.]*s$' || fail "$1: no TOTAL line"
	[ "$(printf '%s\n' "$2" | app_output | tail -1)" = "integrity_check: ok" ] ||
		fail "$1: integrity_check did not print ok last"
}

# 2. speedtest1 on a database in ramfs, checked in the same boot (the database ends with it).
out=$("$run" "$@" --timeout 900 "$img/speedtest1_check" -- --size 5 /tmp/speed.db 2>&1) && status=0 || status=$?
echo "$out"
check_speedtest "speedtest1 on /tmp" "$out" "$status"
passed=$((passed + 1))

# 3. speedtest1 on a FAT disk (virtio-blk), mounted at /data.
rm -f "$work/disk.img" "$work/host.db"
mkfs.fat -C "$work/disk.img" 32768 >/dev/null
out=$("$run" "$@" --timeout 900 --qemu-arg="-drive file=$work/disk.img,if=none,format=raw,id=d0" \
	--qemu-arg="-device virtio-blk-pci,drive=d0" "$img/speedtest1_check" fs.mount=blk0:/data -- \
	--size 5 /data/speed.db 2>&1) && status=0 || status=$?
echo "$out"
check_speedtest "speedtest1 on FAT" "$out" "$status"
passed=$((passed + 1))

# 4. The host's tools read the disk: fsck.fat finds nothing, and Debian's sqlite3 opens the
# database copied out with mtools and finds it intact with the rows speedtest1 leaves.
fsck.fat -n "$work/disk.img" || fail "fsck.fat: the disk has errors"
MTOOLS_SKIP_CHECK=1 mcopy -i "$work/disk.img" ::speed.db "$work/host.db" || fail "mcopy: no speed.db on the disk"
host=$(sqlite3 "$work/host.db" "PRAGMA integrity_check;" "SELECT (SELECT count(*) FROM z1), (SELECT count(*) FROM z2),
	(SELECT count(*) FROM t3), (SELECT count(*) FROM t4), (SELECT count(*) FROM t5), (SELECT count(*) FROM t6),
	(SELECT count(*) FROM sqlite_stat1);" 2>&1) || fail "host sqlite3: $host"
echo "$host"
[ "$host" = "ok
2500|2500|2500|2500|2048|2048|12" ] || fail "host sqlite3: unexpected answer"
passed=$((passed + 1))
echo "$passed passed, 0 failed"
