/* SPDX-License-Identifier: MIT */
/* fault.c: commits one deliberate error, named by its argument, so the tests can check the
 * diagnostic Mote prints for each: null, write-text, write-rodata, exec-data, exec-heap,
 * exec-stack, exec-thread-stack, general-protection, stack-overflow, abort, assert, divide, invalid-opcode,
 * stack-smash, double-free, malloc-exhaust (not an error: malloc must return NULL). */
#undef NDEBUG /* assert() must stay active whatever the build type */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
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

/* A constant the compiler must keep in .rodata: it is read through a volatile pointer below. */
static const unsigned char read_only_table[16] = {1, 2, 3, 4};

static __attribute__((noinline)) void write_to_rodata(void)
{
	volatile unsigned char *p = (volatile unsigned char *)(uintptr_t)read_only_table;

	p[0] = 0xff;
}

/* Jump to a `ret` written into a buffer: the page it is on must not be executable. */
static __attribute__((noinline)) void call_bytes(unsigned char *buf)
{
	void (*volatile fn)(void) = (void (*)(void))(void *)buf;

	buf[0] = 0xc3; /* ret */
	fn();
}

static __attribute__((noinline)) void execute_heap(void)
{
	unsigned char *buf = malloc(64);

	if (buf)
		call_bytes(buf);
}

static __attribute__((noinline)) void execute_stack(void)
{
	unsigned char buf[64];

	call_bytes(buf);
	sink = buf[1]; /* keeps buf (and so this frame) alive past the call */
}

/* The same on a thread's own stack, which core allocates apart from the boot stack. */
static void *execute_stack_thread(void *arg)
{
	(void)arg;
	execute_stack();
	return NULL;
}

static __attribute__((noinline)) void execute_thread_stack(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, execute_stack_thread, NULL) != 0) {
		printf("fault: pthread_create failed\n");
		return;
	}
	pthread_join(t, NULL);
	printf("fault: the thread ran its stack's bytes\n");
}

/* Bits 63-47 of a canonical address are all equal; this one is not, so the access raises a
 * general-protection fault, not a page fault. */
static __attribute__((noinline)) void non_canonical_access(void)
{
	volatile int *p = (volatile int *)(uintptr_t)0x8000000000000000ull;

	sink = *p;
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

/* The allocator must stop on the second free, naming it, rather than corrupt its lists. The
 * pointer goes through a volatile so the compiler cannot see the misuse and warn or drop it. */
static void free_twice(void)
{
	void *volatile p = malloc(40);

	free(p);
	free(p);
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
	else if (strcmp(what, "write-rodata") == 0)
		write_to_rodata();
	else if (strcmp(what, "exec-data") == 0)
		execute_data();
	else if (strcmp(what, "exec-heap") == 0)
		execute_heap();
	else if (strcmp(what, "exec-stack") == 0)
		execute_stack();
	else if (strcmp(what, "exec-thread-stack") == 0)
		execute_thread_stack();
	else if (strcmp(what, "general-protection") == 0)
		non_canonical_access();
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
	else if (strcmp(what, "double-free") == 0)
		free_twice();
	else if (strcmp(what, "malloc-exhaust") == 0)
		return exhaust_memory();
	else {
		printf("usage: fault null|write-text|write-rodata|exec-data|exec-heap|exec-stack|"
		       "exec-thread-stack|general-protection|stack-overflow|abort|assert|divide|invalid-"
		       "opcode|stack-smash|"
		       "double-free|malloc-exhaust\n");
		return 2;
	}
	printf("fault: survived '%s'\n", what);
	return 1;
}
