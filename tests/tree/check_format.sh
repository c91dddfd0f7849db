#!/bin/sh
# SPDX-License-Identifier: MIT
# Every C file of the tree is formatted as .clang-format says.
top=${1:?usage: check_format.sh SOURCE_DIR CLANG_FORMAT}
clang_format=${2:-clang-format}
cd "$top" || exit 2
files=$(find hal core drivers net fs libc platforms examples tests tools bench -name '*.[ch]' 2>/dev/null)
count=$(echo "$files" | wc -w)
if "$clang_format" --dry-run -Werror $files; then
	echo "$count files formatted as .clang-format says"
	echo "1 passed, 0 failed"
else
	echo "run: clang-format -i <the files above>"
	echo "0 passed, 1 failed"
	exit 1
fi
