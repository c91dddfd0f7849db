/* SPDX-License-Identifier: MIT */
/* image_check.h: the CHECK macro and summary line the in-image tests share; a failure prints
 * "FAIL file:line: condition" on the console, which the boot tests reject. */
#ifndef TESTS_IMAGE_CHECK_H
#define TESTS_IMAGE_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (cond) {                                                    \
			passed++;                                              \
		} else {                                                       \
			failed++;                                              \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                              \
	} while (0)

/* The end of main(): "N passed, N failed" and the exit status. */
static inline int check_report(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif
