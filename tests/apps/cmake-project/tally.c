/* SPDX-License-Identifier: MIT */
/* tally.c: a total shared by threads, kept under a pthread mutex. */
#include <pthread.h>

#include "tally.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long total;

void tally_add(long n)
{
	pthread_mutex_lock(&lock);
	total += n;
	pthread_mutex_unlock(&lock);
}

long tally_total(void)
{
	long t;

	pthread_mutex_lock(&lock);
	t = total;
	pthread_mutex_unlock(&lock);
	return t;
}
