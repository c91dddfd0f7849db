#!/bin/sh
# SPDX-License-Identifier: MIT
# Power cuts on the host: fat_host takes snapshots of the image at random device writes (what
# the disk would hold if power failed there); fsck.fat -n may find lost clusters in them,
# nothing else: no cross-links, no size beyond its chain, no broken directory. Lost clusters
# come as fsck.fat words them: unused clusters still marked, a chain longer than its file's
# size (the FAT is written before the entry), a stale free count; and the second FAT copy
# behind the first (the copies are written one after the other; fsck uses the first).
# And every file fsync'd and not changed since reads back from the snapshot intact.
#   fat_crash.sh FAT_HOST WORKDIR SIZE_KIB "MKFS_OPTIONS" SEED OPS MKFS FSCK MCOPY
set -eu
host=$1 work=$2 kib=$3 opts=$4 seed=$5 ops=$6 mkfs=$7 fsck=$8 mcopy=$9
rm -rf "$work" && mkdir -p "$work/host" "$work/snap"
img=$work/disk.img
truncate -s "${kib}K" "$img"
# shellcheck disable=SC2086 # the options are words
"$mkfs" $opts -n MOTETEST "$img" >/dev/null
FAT_HOST_CRASH_DIR=$work/snap "$host" "$img" "$work/host" "$seed" "$ops" 2>/dev/null | grep -v '^mote'
count=0 lost=0 durable=0
for snap in "$work"/snap/*.img; do
	[ -e "$snap" ] || break
	count=$((count + 1))
	"$fsck" -n "$snap" >"$snap.txt" 2>&1 || true
	# A chain shorter than its size is worded without the '>'.
	if grep -v -e '^fsck.fat ' -e '^Reclaimed [0-9]* unused clusters\?' -e '^Free cluster summary wrong' \
		-e '^  Auto-correcting\.' -e '^Leaving filesystem unchanged\.' -e ': [0-9]* files, [0-9/]* clusters$' \
		-e '^/' -e '^  File size is [0-9]* bytes, cluster chain length is > [0-9]* bytes\.$' \
		-e '^  Truncating file to [0-9]* bytes\.$' -e '^FATs differ but appear to be intact\.$' \
		-e '^  Using first FAT\.$' -e '^$' "$snap.txt" >"$snap.bad"; then
		cat "$snap.txt"
		echo "fat_crash: FAIL: $snap: fsck.fat found more than lost clusters"
		exit 1
	fi
	grep -q '^Reclaimed' "$snap.txt" && lost=$((lost + 1))
	list=${snap%.img}.list
	while IFS='	' read -r expect path; do
		rm -f "$work/got"
		if ! MTOOLS_SKIP_CHECK=1 "$mcopy" -n -i "$snap" "::/$path" "$work/got" 2>"$work/mcopy.txt" ||
			! cmp -s "$expect" "$work/got"; then
			cat "$work/mcopy.txt"
			echo "fat_crash: FAIL: $snap: fsync'd file $path does not read back intact"
			exit 1
		fi
		durable=$((durable + 1))
	done <"$list"
	rm -f "$snap"
done
if [ "$count" -lt 10 ]; then
	echo "fat_crash: FAIL: only $count snapshots"
	exit 1
fi
if [ "$durable" -lt 10 ]; then
	echo "fat_crash: FAIL: only $durable fsync'd files checked"
	exit 1
fi
echo "fat_crash: $count power cuts, fsck.fat found at most lost clusters ($lost with some)," \
	"$durable fsync'd files read back intact"
