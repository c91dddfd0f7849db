#!/bin/sh
# SPDX-License-Identifier: MIT
# Tests check_platform_ifdefs.sh itself: each platform conditional below, alone in a throwaway
# tree, must make it fail and be named; a tree of near misses, and the same conditionals under
# platforms/ and cmake/, must pass.
check=${1:?usage: check_platform_ifdefs_test.sh CHECK_SCRIPT WORK_DIR}
work=${2:?work dir}
passed=0 failed=0

# $1 = file in the tree, $2 = its contents (printf format: \n between lines)
expect_flagged() {
	rm -rf "$work"; mkdir -p "$work/$(dirname "$1")"
	printf "$2\n" > "$work/$1"
	out=$(sh "$check" "$work" 2>&1) && status=0 || status=$?
	if [ "$status" -eq 1 ] && echo "$out" | grep -q "^$1:[0-9]*:"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: not flagged (status $status) in $1: $2"
		echo "$out"
	fi
}

expect_flagged core/a.c '#ifdef MOTE_XEN\nint x;\n#endif'
expect_flagged libc/a.c '#if HAVE_KVM\n#endif'
expect_flagged drivers/d/a.h '#if defined(MOTE_KVM) && MOTE_SMP\n#endif'
expect_flagged hal/arch/a.S '#ifndef __xen__\n#endif'
expect_flagged net/a.c '#if 0\n#elif Mote_Kvm\n#endif'
expect_flagged examples/e/a.c '  #  if PLATFORM == 2\n#endif'
expect_flagged core/b.c '#if defined(A) && \\\n    defined(CONFIG_XEN)\n#endif'
expect_flagged core/c.c '#ifdef PLATFORM_BAREMETAL\n#elif BARE_METAL\n#endif'
expect_flagged core/d.c '#elifdef MOTE_PVH\n#endif'
expect_flagged tests/t/a.c '#if !defined(xen_pv) /* shared tests too */\n#endif'
expect_flagged hal/x.inc '#ifdef XEN\n#endif'

# Near misses in shared code, and real platform conditionals where they belong.
rm -rf "$work"; mkdir -p "$work/core" "$work/platforms/xen" "$work/cmake"
cat > "$work/core/ok.c" <<'EOF'
#ifndef MOTE_NETDEV_H
#define MOTE_NETDEV_H
#ifdef __x86_64__
#endif
#if 1 /* unlike MOTE_XEN, this is no platform */
#endif /* MOTE_XEN */
#ifdef XENIAL_COMPAT
#endif
// #if HAVE_KVM
#include <xen/xen.h>
#endif
EOF
printf '# if the platform is xen, this comment is no directive\n' > "$work/core/CMakeLists.txt"
printf '#ifdef MOTE_XEN\n#endif\n' > "$work/platforms/xen/a.c"
printf '#if HAVE_KVM\n#endif\n' > "$work/cmake/a.h"
out=$(sh "$check" "$work" 2>&1) && status=0 || status=$?
if [ "$status" -eq 0 ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL: a clean tree was flagged (status $status)"
	echo "$out"
fi

rm -rf "$work"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
