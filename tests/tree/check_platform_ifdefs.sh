#!/bin/sh
# SPDX-License-Identifier: MIT
# Backends are chosen by the files CMake compiles, never by the preprocessor (shared/STYLE.md):
# no platform conditional may appear outside platforms/ and cmake/.
top=${1:?usage: check_platform_ifdefs.sh SOURCE_DIR}
cd "$top" || exit 2
dirs=$(ls -d hal core drivers libc net fs examples 2>/dev/null)
pattern='^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\b.*\b(PLATFORM|CONFIG_XEN|CONFIG_KVM|XEN_PV|BAREMETAL|__XEN__|PLAT_|MOTE_PLATFORM|KVM|XEN)'
hits=$(grep -rnE "$pattern" $dirs 2>/dev/null)
if [ -n "$hits" ]; then
	echo "platform conditionals outside platforms/ and cmake/:"
	echo "$hits"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "no platform conditionals in: $dirs"
echo "1 passed, 0 failed"
