/* SPDX-License-Identifier: MIT */
/* main.c: four threads add 1..N to a tally; prints the total, a libm result, the platform
 * macros the compiler saw and its first argument, then exits with status 7. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "tally.h"

static void *adder(void *arg)
{
	long n = (long)arg;

	for (long i = 1; i <= n; i++)
		tally_add(i);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[4];
	volatile double x = 10.0;

	for (int i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, adder, (void *)1000L) != 0)
			return 1;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("counter: total %ld\n", tally_total());
	printf("counter: log10 %.3f\n", log10(x));
#if defined(__mote__) && !defined(__linux__)
	printf("counter: __mote__ without __linux__\n");
#endif
	printf("counter: argument %s\n", argc > 1 ? argv[1] : "none");
	return 7;
}
