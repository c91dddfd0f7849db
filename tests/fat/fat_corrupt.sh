#!/bin/sh
# SPDX-License-Identifier: MIT
# A FAT16 image for fat_corrupt (mkfs.fat, then mtools: /data.bin of 10000 bytes, /sub/x.txt).
#   fat_corrupt.sh FAT_CORRUPT WORKDIR MKFS MCOPY MMD
set -eu
prog=$1 work=$2 mkfs=$3 mcopy=$4 mmd=$5
rm -rf "$work" && mkdir -p "$work"
img=$work/disk.img
truncate -s 16M "$img"
"$mkfs" -F 16 -s 4 "$img" >/dev/null
head -c 10000 /dev/zero | tr '\0' 'd' >"$work/data.bin"
printf 'hello\n' >"$work/x.txt"
export MTOOLS_SKIP_CHECK=1
"$mcopy" -i "$img" "$work/data.bin" ::/data.bin
"$mmd" -i "$img" ::/sub
"$mcopy" -i "$img" "$work/x.txt" ::/sub/x.txt
exec "$prog" "$img"
