/* SPDX-License-Identifier: MIT */
/* check.h: the few assertion macros the host unit tests share; a failure prints where and
 * exits non-zero, and main() ends with the plain "N passed, N failed" line. */
#ifndef TESTS_UNIT_CHECK_H
#define TESTS_UNIT_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (cond) {                                                                      \
			check_passed++;                                                          \
		} else {                                                                         \
			check_failed++;                                                          \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		}                                                                                \
	} while (0)

#define CHECK_EQ(a, b)                                                                                     \
	do {                                                                                               \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
		if (check_a_ == check_b_) {                                                                \
			check_passed++;                                                                    \
		} else {                                                                                   \
			check_failed++;                                                                    \
			fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s): %lld != %lld\n", __FILE__, __LINE__, #a, \
			        #b, check_a_, check_b_);                                                   \
		}                                                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                                                     \
	do {                                                                                                \
		const char *check_a_ = (a), *check_b_ = (b);                                                \
		if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) {                              \
			check_passed++;                                                                     \
		} else {                                                                                    \
			check_failed++;                                                                     \
			fprintf(stderr, "%s:%d: CHECK_STR(%s, %s): \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
			        #a, #b, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");    \
		}                                                                                           \
	} while (0)

/* End of main(): the summary line and the exit status. */
static inline int check_report(void)
{
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif
