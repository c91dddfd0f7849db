#!/bin/sh
# SPDX-License-Identifier: MIT
# One run of the FAT host harness: a fresh image from mkfs.fat, fat_host's random operations
# on it and on a folder, then fsck.fat -n must find nothing and mtools' copy of the image's
# tree must equal the folder byte for byte.
#   fat_diff.sh FAT_HOST WORKDIR SIZE_KIB "MKFS_OPTIONS" SEED OPS MKFS FSCK MCOPY
set -eu
host=$1 work=$2 kib=$3 opts=$4 seed=$5 ops=$6 mkfs=$7 fsck=$8 mcopy=$9
rm -rf "$work" && mkdir -p "$work/host" "$work/out"
img=$work/disk.img
truncate -s "${kib}K" "$img"
# shellcheck disable=SC2086 # the options are words
"$mkfs" $opts -n MOTETEST "$img" >/dev/null
"$host" "$img" "$work/host" "$seed" "$ops"
if ! "$fsck" -n "$img" >"$work/fsck.txt" 2>&1; then
	cat "$work/fsck.txt"
	echo "fat_diff: FAIL: fsck.fat -n found errors"
	exit 1
fi
MTOOLS_SKIP_CHECK=1 MTOOLS_LOWER_CASE=0 "$mcopy" -s -n -m -i "$img" '::/*' "$work/out/" 2>"$work/mcopy.txt" || {
	# An empty root gives mcopy nothing to match.
	if [ -n "$(ls -A "$work/host")" ]; then cat "$work/mcopy.txt"; echo "fat_diff: FAIL: mcopy"; exit 1; fi
}
if ! diff -r "$work/host" "$work/out" >"$work/diff.txt"; then
	head -20 "$work/diff.txt"
	echo "fat_diff: FAIL: the image's tree differs from the host folder"
	exit 1
fi
echo "fat_diff: fsck clean, $(find "$work/host" | wc -l) paths equal"
