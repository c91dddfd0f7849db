#!/bin/sh
# SPDX-License-Identifier: MIT
# Backends are chosen by the files CMake compiles, never by the preprocessor (shared/STYLE.md):
# no platform conditional may appear outside platforms/ and cmake/.
top=${1:?usage: check_platform_ifdefs.sh SOURCE_DIR}
cd "$top" || exit 2
# Every folder of C outside platforms/ and cmake/, tests/ bench/ and tools/ included.
dirs=$(ls -d hal core drivers libc net fs examples tests bench tools 2>/dev/null)
[ -n "$dirs" ] || { echo "no source folders under $top"; echo "0 passed, 1 failed"; exit 1; }
pattern='^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\b.*\b(PLATFORM|CONFIG_XEN|CONFIG_KVM|XEN_PV|BAREMETAL|__XEN__|PLAT_|MOTE_PLATFORM|KVM|XEN)'
# grep says 1 for "no match" and 2 for an error: only the first may pass.
hits=$(grep -rnE --include='*.[chS]' "$pattern" $dirs) && status=0 || status=$?
if [ "$status" -gt 1 ]; then
	echo "grep failed (status $status)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ -n "$hits" ]; then
	echo "platform conditionals outside platforms/ and cmake/:"
	echo "$hits"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "no platform conditionals in: $dirs"
echo "1 passed, 0 failed"
