/* SPDX-License-Identifier: MIT */
/* main_stack_test.c: main() runs on a stack of its own, as large as the image asks (MAIN_STACK 2M
 * here) or mote.main_stack= says, far deeper than the 64 KiB boot stack it used to share.
 *   main_stack_test EXPECTED_KIB DEPTH_KIB   (checks the size, recurses DEPTH_KIB deep)
 *   main_stack_test overflow                 (recurses until the guard page stops it) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal/mem.h>
#include <mote/thread.h>

#include "image_check.h"

static volatile uintptr_t lowest;

/* Each level keeps 1 KiB live, so the compiler can neither fold the recursion nor shrink it. */
static __attribute__((noinline)) unsigned long recurse(unsigned long depth, uintptr_t stop)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = (char)depth;
	if ((uintptr_t)frame < lowest)
		lowest = (uintptr_t)frame;
	if (stop && (uintptr_t)frame <= stop)
		return depth;
	return recurse(depth + 1, stop) + (unsigned long)(frame[0] != frame[sizeof(frame) - 1]);
}

int main(int argc, char **argv)
{
	struct thread *self = thread_self();
	uintptr_t lo = (uintptr_t)self->stack + HAL_PAGE_SIZE, hi = lo + self->stack_size;
	uintptr_t here = (uintptr_t)&self;

	if (argc == 2 && strcmp(argv[1], "overflow") == 0) {
		printf("main_stack_test: %zu KiB stack, recursing until it ends\n", self->stack_size >> 10);
		return (int)recurse(0, 0);
	}
	if (argc != 3) {
		printf("usage: main_stack_test EXPECTED_KIB DEPTH_KIB | overflow\n");
		return 2;
	}
	size_t expect = strtoul(argv[1], NULL, 10) << 10, depth = strtoul(argv[2], NULL, 10) << 10;

	printf("main_stack_test: main's stack [0x%lx-0x%lx), %zu KiB\n", (unsigned long)lo, (unsigned long)hi,
	       self->stack_size >> 10);
	CHECK(self->stack_size == expect);
	CHECK(here > lo && here < hi); /* main really runs on it, not on the boot stack */
	lowest = here;
	unsigned long levels = recurse(0, here - depth);

	CHECK(levels > depth / 2048); /* each level keeps over 1 KiB: no level was folded away */
	CHECK(here - lowest >= depth);
	printf("main_stack_test: recursed %lu levels, %lu KiB deep\n", levels,
	       (unsigned long)(here - lowest) >> 10);
	return check_report();
}
