# SPDX-License-Identifier: MIT
# test_mksyms.sh: mote-mksyms on a real host program: the blob lists its functions by address
# under their preferred names, a two-pass link round-trips through --verify, and bad input fails.
# Usage: sh test_mksyms.sh PATH/TO/mote-mksyms CC
set -u

MKSYMS=$1
CC=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/test_mksyms.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
FAILED=0

fail() {
	echo "FAIL: $*" >&2
	FAILED=1
}

# embed BLOB OUT.s: the assembly that pulls a blob into .ksyms, as add_unikernel() writes it.
embed() {
	printf '\t.section .ksyms, "a"\n\t.balign 16\n\t.incbin "%s"\n' "$1" >"$2"
	printf '\t.section .note.GNU-stack, "", @progbits\n' >>"$2"
}

# The program under test: C functions, a local function with a global alias, and assembly
# labels with and without a function symbol at the same address. It prints the address of
# everything the blob must name, so the check needs no binutils.
cat >"$T/prog.c" <<'PROG'
#include <stdio.h>

#define NOINLINE __attribute__((noinline, used))

NOINLINE int alpha(int x) { return x * 3 + 1; }
NOINLINE int beta(int x) { return alpha(x) - 7; }
NOINLINE static int gamma_local(int x) { return beta(x) ^ 0x55; }
NOINLINE static int lone(int x) { return x + 40; }
/* Names that share long runs, so the blob's pair table is not empty. */
NOINLINE int shared_prefix_one(int x) { return x + 1; }
NOINLINE int shared_prefix_two(int x) { return x + 2; }
NOINLINE int shared_prefix_three(int x) { return x + 3; }
int lone_global(int x) __attribute__((alias("lone")));

__asm__(".text\n"
	".globl asm_entry\n"
	"asm_entry:\n"                 /* a bare global label ... */
	".type asm_entry_fn, @function\n"
	"asm_entry_fn:\n"              /* ... and a local function at the same address: this wins */
	"	nop\n"
	".Lasm_inner:\n"
	"	ret\n"
	".size asm_entry_fn, . - asm_entry_fn\n"
	".globl asm_label\n"
	"asm_label:\n"                 /* a bare label alone: listed, with no size */
	"	ret\n"
	".globl asm_huge\n"
	".type asm_huge, @function\n"
	"asm_huge:\n"                  /* 70,001 bytes: a size of three ULEB128 bytes */
	"	.skip 70000, 0x90\n"
	"	ret\n"
	".size asm_huge, . - asm_huge\n");

void asm_entry_fn(void);
void asm_label(void);
void asm_huge(void);

int main(int argc, char **argv)
{
	(void)argv;
	printf("%lx alpha\n", (unsigned long)&alpha);
	printf("%lx beta\n", (unsigned long)&beta);
	printf("%lx gamma_local\n", (unsigned long)&gamma_local);
	printf("%lx lone_global\n", (unsigned long)&lone_global);
	printf("%lx asm_entry_fn\n", (unsigned long)&asm_entry_fn);
	printf("%lx asm_label\n", (unsigned long)&asm_label);
	printf("%lx asm_huge\n", (unsigned long)&asm_huge);
	printf("%lx main\n", (unsigned long)&main);
	printf("%lx shared_prefix_one\n", (unsigned long)&shared_prefix_one);
	printf("%lx shared_prefix_two\n", (unsigned long)&shared_prefix_two);
	printf("%lx shared_prefix_three\n", (unsigned long)&shared_prefix_three);
	return gamma_local(argc) == 12345;
}
PROG

# An independent reader of the blob: checks its header and bounds and that addresses strictly
# increase, then prints "address size name" per entry (names follow one another in entry order,
# each code >= 0x80 standing for a pair of lower codes, expanded here recursively).
cat >"$T/dump.c" <<'DUMP'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	while (n--)
		v = v << 8 | p[n];
	return v;
}

static const unsigned char *pairs;
static size_t npairs;

/* A ULEB128 number of at most 5 bytes and 32 bits before end, or exit. */
static uint64_t uleb(const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;

	for (int shift = 0; shift < 35; shift += 7) {
		if (*p >= end)
			break;
		v |= (uint64_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80)) {
			if (v > 0xffffffffu)
				break;
			return v;
		}
	}
	fprintf(stderr, "dump: bad ULEB128 number\n");
	exit(1);
}

static void put_code(unsigned c)
{
	if (c < 0x80) {
		putchar((int)c);
		return;
	}
	if (c - 0x80 >= npairs || pairs[2 * (c - 0x80)] >= c || pairs[2 * (c - 0x80) + 1] >= c) {
		fprintf(stderr, "dump: bad code %#x\n", c);
		exit(1);
	}
	put_code(pairs[2 * (c - 0x80)]);
	put_code(pairs[2 * (c - 0x80) + 1]);
}

int main(int argc, char **argv)
{
	static unsigned char b[1 << 22];
	FILE *fp = fopen(argv[1], "rb");
	size_t len, i, count, soff, slen, name, poff;
	uint64_t prev = 0, base, addr;
	const unsigned char *e = b + 32;

	if (argc != 2 || !fp)
		return 2;
	len = fread(b, 1, sizeof(b), fp);
	if (len < 32 || le(b, 4) != 0x3559534b) {
		fprintf(stderr, "dump: bad header\n");
		return 1;
	}
	count = le(b + 4, 4), soff = le(b + 8, 4), slen = le(b + 12, 4);
	base = le(b + 16, 8);
	poff = le(b + 24, 4), npairs = le(b + 28, 4);
	pairs = b + poff;
	if (soff < 32 + count * 2 || soff + slen != poff || poff + 2 * npairs != len || npairs > 128 ||
	    slen == 0 || b[poff - 1] != 0) {
		fprintf(stderr, "dump: bad layout: count %zu strtab %zu+%zu, %zu pairs, %zu bytes\n", count,
		        soff, slen, npairs, len);
		return 1;
	}
	for (i = 0, name = 0, addr = base; i < count; i++) {
		uint64_t size;

		addr += uleb(&e, b + soff);
		size = uleb(&e, b + soff);
		if (name >= slen || (i > 0 && addr <= prev)) {
			fprintf(stderr, "dump: entry %zu: no name left or address order\n", i);
			return 1;
		}
		printf("%llx %llu ", (unsigned long long)addr, (unsigned long long)size);
		for (const unsigned char *s = b + soff + name; *s; s++)
			put_code(*s);
		putchar('\n');
		name += strlen((const char *)b + soff + name) + 1;
		prev = addr;
	}
	if (e != b + soff) {
		fprintf(stderr, "dump: the entries end %zu bytes before the names\n", (size_t)(b + soff - e));
		return 1;
	}
	return 0;
}
DUMP

"$CC" -O1 -fno-pie -c "$T/prog.c" -o "$T/prog.o" || { echo "FAIL: cannot compile prog.c"; exit 1; }
"$CC" -fno-pie -no-pie "$T/prog.o" -o "$T/prog" || { echo "FAIL: cannot link prog"; exit 1; }
"$CC" -O1 "$T/dump.c" -o "$T/dump" || { echo "FAIL: cannot compile dump.c"; exit 1; }
"$T/prog" >"$T/want" || true

# The blob of a linked program.
if ! "$MKSYMS" "$T/prog" "$T/prog.ksyms" 2>"$T/err"; then
	fail "mote-mksyms prog: $(cat "$T/err")"
elif ! "$T/dump" "$T/prog.ksyms" >"$T/got"; then
	fail "the blob is malformed"
else
	while read -r addr name; do
		grep -q "^$addr [0-9]* $name\$" "$T/got" || fail "blob lacks $name at $addr"
	done <"$T/want"
	for loser in lone asm_entry .Lasm_inner; do
		! grep -q " $loser\$" "$T/got" || fail "blob names $loser, which should have lost or been left out"
	done
	grep -q " 0 asm_label\$" "$T/got" || fail "asm_label should be listed with size 0"
	grep -q " 70001 asm_huge\$" "$T/got" || fail "asm_huge should be listed with its 70,001 bytes"
	grep -q " [1-9][0-9]* alpha\$" "$T/got" || fail "alpha should be listed with its size"
	# The names are compressed: pairs were made, and the string table is shorter than the names.
	npairs=$(od -An -tu4 -j28 -N4 "$T/prog.ksyms" | tr -d ' ')
	slen=$(od -An -tu4 -j12 -N4 "$T/prog.ksyms" | tr -d ' ')
	plain=$(awk '{ n += length($3) + 1 } END { print n }' "$T/got")
	[ "$npairs" -gt 0 ] && [ "$slen" -lt "$plain" ] ||
		fail "names not compressed: $npairs pairs, $slen bytes of names for $plain plain"
	# Each function exactly once (dump has already checked the addresses strictly increase).
	awk '{ print $1, $3 }' "$T/got" | grep -F -x -f "$T/want" >"$T/got.ours"
	[ "$(wc -l <"$T/got.ours")" -eq "$(wc -l <"$T/want")" ] || fail "not every function appears once"
fi

# The same blob twice: the output is reproducible.
"$MKSYMS" "$T/prog" "$T/again.ksyms" && cmp -s "$T/prog.ksyms" "$T/again.ksyms" ||
	fail "blob is not reproducible"

# Two-pass link: the blob embedded in .ksyms (placed after the code by the linker) verifies.
if [ -f "$T/prog.ksyms" ]; then
	embed "$T/prog.ksyms" "$T/ksyms.s"
	"$CC" -c "$T/ksyms.s" -o "$T/ksyms.o" || fail "cannot assemble the blob"
	"$CC" -fno-pie -no-pie "$T/prog.o" "$T/ksyms.o" -o "$T/final" || fail "cannot link pass 2"
	if ! "$MKSYMS" --verify "$T/final" 2>"$T/err"; then
		fail "--verify on a correct pass-2 image: $(cat "$T/err")"
	fi
	"$T/final" >"$T/final.out" || true
	cmp -s "$T/want" "$T/final.out" || fail "pass 2 moved functions (the test's own premise)"

	# A pass 2 whose code moved (an extra function linked first) must fail, naming an entry.
	echo 'int shifted(int x) { return x * 5; }' >"$T/extra.c"
	"$CC" -O1 -fno-pie -c "$T/extra.c" -o "$T/extra.o"
	"$CC" -fno-pie -no-pie "$T/extra.o" "$T/prog.o" "$T/ksyms.o" -o "$T/moved" || fail "cannot link moved"
	if "$MKSYMS" --verify "$T/moved" 2>"$T/err"; then
		fail "--verify accepted an image whose layout moved"
	else
		grep -q "verify failed: .ksyms entry [0-9]* is " "$T/err" || fail "unclear message: $(cat "$T/err")"
	fi

	# The same code linked at another address: every name matches, no address does.
	"$CC" -fno-pie -no-pie -Wl,-Ttext-segment=0x800000 "$T/prog.o" "$T/ksyms.o" -o "$T/relocated" ||
		fail "cannot link relocated"
	if "$MKSYMS" --verify "$T/relocated" 2>"$T/err"; then
		fail "--verify accepted an image linked at another address"
	else
		grep -q "verify failed: .ksyms entry 0 is .* at 0x40" "$T/err" || fail "unclear message: $(cat "$T/err")"
	fi
fi

# The same round trip for a -nostdlib image like Mote's, whose code is all there is: the linker's
# end markers (__bss_start, _edata, _end) sit at the end of .text in pass 1 and must not count.
cat >"$T/bare.c" <<'BARE'
int helper(int x) { return x + 1; }
void _start(void) { for (;;) helper(3); }
BARE
if "$CC" -O1 -fno-pie -c "$T/bare.c" -o "$T/bare.o" &&
	"$CC" -nostdlib -static "$T/bare.o" -o "$T/bare" &&
	"$MKSYMS" "$T/bare" "$T/bare.ksyms" &&
	embed "$T/bare.ksyms" "$T/bare_ksyms.s" &&
	"$CC" -c "$T/bare_ksyms.s" -o "$T/bare_ksyms.o" &&
	"$CC" -nostdlib -static "$T/bare.o" "$T/bare_ksyms.o" -o "$T/bare_final"; then
	"$MKSYMS" --verify "$T/bare_final" 2>"$T/err" || fail "--verify on a -nostdlib pass 2: $(cat "$T/err")"
	"$T/dump" "$T/bare.ksyms" | awk '{ print $3 }' | tr '\n' ' ' >"$T/bare.names"
	[ "$(cat "$T/bare.names")" = "helper _start " ] || fail "-nostdlib blob lists: $(cat "$T/bare.names")"
else
	fail "cannot build the -nostdlib two-pass image"
fi

# A .ksyms section that holds something other than a blob.
printf '\t.section .ksyms, "a"\n\t.ascii "not a symbol table"\n\t.section .note.GNU-stack, "", @progbits\n' \
	>"$T/junk.s"
"$CC" -c "$T/junk.s" -o "$T/junk.o" && "$CC" -fno-pie -no-pie "$T/prog.o" "$T/junk.o" -o "$T/junk" ||
	fail "cannot link junk"
if "$MKSYMS" --verify "$T/junk" 2>"$T/err"; then
	fail "--verify accepted a .ksyms section without a ksym header"
else
	grep -q "does not start with a ksym header" "$T/err" || fail "unclear message: $(cat "$T/err")"
fi

# --verify on a first-pass image, which has no .ksyms at all.
if "$MKSYMS" --verify "$T/prog" 2>"$T/err"; then
	fail "--verify accepted an image with no .ksyms"
else
	grep -q "no .ksyms section" "$T/err" || fail "unclear message for no .ksyms: $(cat "$T/err")"
fi

# Bad input: exit status 1 and a message naming the file, never a crash.
expect_error() { # what file
	"$MKSYMS" "$2" "$T/out.ksyms" 2>"$T/err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "$1: exit status $rc, expected 1"
	grep -q "^mote-mksyms: $2: ." "$T/err" || fail "$1: no message naming the file: $(cat "$T/err")"
	[ ! -e "$T/out.ksyms" ] || fail "$1: left an output file behind"
	rm -f "$T/out.ksyms"
}
head -c 40 "$T/prog" >"$T/trunc_header"
expect_error "truncated header" "$T/trunc_header"
head -c 2000 "$T/prog" >"$T/trunc_body"
expect_error "truncated body" "$T/trunc_body"
head -c $(($(wc -c <"$T/prog") - 10)) "$T/prog" >"$T/trunc_tail"
expect_error "truncated section headers" "$T/trunc_tail"
printf 'this is not an ELF file at all\n' >"$T/garbage"
expect_error "garbage" "$T/garbage"
: >"$T/empty"
expect_error "empty file" "$T/empty"
expect_error "missing file" "$T/does-not-exist"
expect_error "relocatable object" "$T/prog.o"
cp "$T/prog" "$T/stripped" && strip "$T/stripped" 2>/dev/null && expect_error "stripped" "$T/stripped"
"$MKSYMS" --verify "$T/garbage" 2>/dev/null
[ $? -eq 1 ] || fail "--verify on garbage: exit status not 1"

if [ "$FAILED" -eq 0 ]; then
	echo "test_mksyms: all checks passed"
fi
exit "$FAILED"
