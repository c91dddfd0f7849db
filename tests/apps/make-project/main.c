/* SPDX-License-Identifier: MIT */
/* main.c: counts the words of its arguments, prints the count and its square root, the
 * platform macros the compiler saw and the environment variable GREETING; exits with 5. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "count.h"

int main(int argc, char **argv)
{
	size_t words = 0;
	const char *greeting = getenv("GREETING");

	for (int i = 1; i < argc; i++)
		words += count_words(argv[i]);
	printf("wordfreq: %zu words, sqrt %.3f\n", words, sqrt((double)words));
#ifdef __linux__
	printf("wordfreq: __linux__ is defined\n");
#endif
#ifdef __mote__
	printf("wordfreq: built for Mote\n");
#endif
	printf("wordfreq: GREETING=%s\n", greeting ? greeting : "(unset)");
	return 5;
}
