#!/bin/sh
# SPDX-License-Identifier: MIT
# Configuring with an unknown PLATFORM fails at once naming the valid ones.
src=${1:?usage: check_platform_choice.sh SOURCE_DIR WORK_DIR}
work=${2:?work dir}
passed=0 failed=0
expect_failure() { # $1 = platform, $2 = message it must print
	rm -rf "$work/$1"
	out=$(cmake -S "$src" -B "$work/$1" -DPLATFORM="$1" 2>&1) && status=0 || status=$?
	if [ "$status" -ne 0 ] && echo "$out" | grep -q "$2"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "PLATFORM=$1: status $status, expected a failure saying: $2"
		echo "$out" | tail -5
	fi
}
expect_failure bogus "Unknown PLATFORM 'bogus': valid platforms are kvm, xen, baremetal"
rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
