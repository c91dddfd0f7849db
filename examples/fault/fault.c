/* SPDX-License-Identifier: MIT */
/* fault.c: commits one deliberate error, named by its argument, so the tests can check the
 * diagnostic Mote prints for each: null, write-text, exec-data, stack-overflow, abort, assert,
 * divide, invalid-opcode, stack-smash, malloc-exhaust (not an error: malloc must return NULL). */
#undef NDEBUG /* assert() must stay active whatever the build type */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* noinline and volatile keep the compiler from seeing through the deliberate errors. */
static volatile int sink;

static __attribute__((noinline)) void null_dereference(void)
{
	int *volatile p = NULL;

	sink = *p;
}

static __attribute__((noinline)) void write_to_text(void)
{
	volatile unsigned char *code = (volatile unsigned char *)(void *)&write_to_text;

	*code = 0xc3;
}

static __attribute__((noinline)) void execute_data(void)
{
	static unsigned char data[16] = {0xc3}; /* ret */
	void (*volatile fn)(void) = (void (*)(void))(void *)data;

	fn();
}

static __attribute__((noinline)) int recurse(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth > 100000000) /* never reached: the guard page stops it long before */
		return 0;
	return recurse(depth + 1) + frame[0];
}

static __attribute__((noinline)) void divide_by_zero(void)
{
	volatile int zero = 0, num = 100;

	sink = num / zero;
}

static __attribute__((noinline)) void smash_stack(const char *src)
{
	char buf[8];

	/* Copies past the array over the canary: the check on return must catch it. */
	for (size_t i = 0; i < 64; i++)
		((volatile char *)buf)[i] = src[i % 4];
}

static __attribute__((noinline)) void check_value(int v) { assert(v == 42); }

static int exhaust_memory(void)
{
	size_t total = 0, chunk = 64 * 1024;
	void **blocks = NULL, **prev;
	void *p;

	/* Allocate until malloc says no, keeping the blocks in a list threaded through them. */
	while ((p = malloc(chunk)) != NULL) {
		prev = p;
		*prev = blocks;
		blocks = p;
		total += chunk;
	}
	if (errno != ENOMEM) {
		printf("malloc returned NULL but errno is %d, not ENOMEM\n", errno);
		return 1;
	}
	printf("malloc returned NULL with ENOMEM after %zu KiB\n", total / 1024);
	while (blocks) {
		prev = *blocks;
		free(blocks);
		blocks = prev;
	}
	p = malloc(chunk);
	printf("after freeing: malloc %s\n", p ? "works again" : "still fails");
	return p ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	printf("fault: %s\n", what);
	fflush(stdout);
	if (strcmp(what, "null") == 0)
		null_dereference();
	else if (strcmp(what, "write-text") == 0)
		write_to_text();
	else if (strcmp(what, "exec-data") == 0)
		execute_data();
	else if (strcmp(what, "stack-overflow") == 0)
		sink = recurse(0);
	else if (strcmp(what, "abort") == 0)
		abort();
	else if (strcmp(what, "assert") == 0)
		check_value(7);
	else if (strcmp(what, "divide") == 0)
		divide_by_zero();
	else if (strcmp(what, "invalid-opcode") == 0)
		__builtin_trap();
	else if (strcmp(what, "stack-smash") == 0)
		smash_stack("ABCD");
	else if (strcmp(what, "malloc-exhaust") == 0)
		return exhaust_memory();
	else {
		printf("usage: fault null|write-text|exec-data|stack-overflow|abort|assert|divide|"
		       "invalid-opcode|stack-smash|malloc-exhaust\n");
		return 2;
	}
	printf("fault: survived '%s'\n", what);
	return 1;
}
