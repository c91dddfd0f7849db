#!/bin/sh
# SPDX-License-Identifier: MIT
# test_mksyms_seal.sh: mote-mksyms --seal on a real host program that sums its own sealed range
# at run time: not 0 before the seal, 0 after; files without the symbols are left as they were,
# and broken files fail with a message. Usage: sh test_mksyms_seal.sh PATH/TO/mote-mksyms CC
set -u

MKSYMS=$1
CC=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/test_mksyms_seal.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
PASSED=0
FAILED=0

check() { # check DESCRIPTION COMMAND...: the command must succeed
	desc=$1
	shift
	if "$@"; then
		PASSED=$((PASSED + 1))
	else
		echo "FAIL: $desc" >&2
		FAILED=$((FAILED + 1))
	fi
}

# The range spans .data words around the seal word, like a kvm image's loaded parts; the table
# of (start, end) pairs is in .rodata, as pvh_entry.S has it.
cat >"$T/prog.c" <<'PROG'
#include <stdint.h>
#include <stdio.h>

extern const uint32_t sealed_start[], sealed_end[];

__asm__(".data\n.balign 16\n.globl sealed_start\nsealed_start:\n"
        ".long 0x12345678, 0x9abcdef0, 0x0badf00d, 3\n"
        ".globl mote_seal\nmote_seal: .long 0\n.size mote_seal, 4\n"
        ".long 0xffffffff, 42\n.globl sealed_end\nsealed_end:\n"
        ".section .rodata\n.balign 8\n.globl mote_seal_ranges\n"
        "mote_seal_ranges: .quad sealed_start, sealed_end\n.size mote_seal_ranges, 16\n"
        ".text\n");

int main(void)
{
	uint32_t sum = 0;

	for (const volatile uint32_t *p = sealed_start; p < sealed_end; p++)
		sum += *p;
	printf("%08x\n", (unsigned)sum);
	return 0;
}
PROG
printf 'int main(void) { return 0; }\n' >"$T/plain.c"
"$CC" -O1 -no-pie -fno-pie -o "$T/prog" "$T/prog.c" || exit 1
"$CC" -O1 -no-pie -fno-pie -o "$T/plain" "$T/plain.c" || exit 1

check "the unsealed program's range does not sum to 0" test "$("$T/prog")" != 00000000
check "--seal succeeds" "$MKSYMS" --seal "$T/prog"
check "the sealed program's range sums to 0" test "$("$T/prog")" = 00000000
cp "$T/prog" "$T/prog.sealed"
check "sealing twice gives the same file" sh -c "'$MKSYMS' --seal '$T/prog' && cmp -s '$T/prog' '$T/prog.sealed'"
cp "$T/plain" "$T/plain.orig"
check "a file without the seal symbols is left alone" sh -c "'$MKSYMS' --seal '$T/plain' && cmp -s '$T/plain' '$T/plain.orig'"
head -c 100 "$T/prog" >"$T/short"
check "a truncated file fails" sh -c "! '$MKSYMS' --seal '$T/short' 2>'$T/err' && test -s '$T/err'"
check "a missing file fails" sh -c "! '$MKSYMS' --seal '$T/none' 2>/dev/null"

echo "$PASSED passed, $FAILED failed"
test "$FAILED" -eq 0
