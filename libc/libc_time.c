/* SPDX-License-Identifier: MIT */
/* libc_time.c: time calls on the HAL clocks: gettimeofday (and through it time()), times,
 * clock_gettime and clock_getres for CLOCK_REALTIME and CLOCK_MONOTONIC, and the sleeps
 * (nanosleep, usleep, sleep) on the one-shot timer. */
#include <errno.h>
#include <reent.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include <hal/time.h>
#include <mote/clock.h>

#include "libc_unsupported.h"

int _gettimeofday_r(struct _reent *r, struct timeval *tv, void *tz)
{
	uint64_t ns = hal_clock_wall_ns();

	if (tv) {
		tv->tv_sec = (time_t)(ns / 1000000000u);
		tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
	}
	return 0;
}

clock_t _times_r(struct _reent *r, struct tms *t)
{
	/* One process that is always running: all time is its user time. */
	clock_t ticks = (clock_t)(hal_clock_monotonic_ns() / (1000000000u / CLOCKS_PER_SEC));

	if (t)
		*t = (struct tms){.tms_utime = ticks};
	return ticks;
}

/* The same accounting as times(): all time since boot is the program's user time; there are
 * no children. newlib's struct rusage has only the two times. */
int getrusage(int who, struct rusage *ru)
{
	uint64_t ns = hal_clock_monotonic_ns();

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN) {
		errno = EINVAL;
		return -1;
	}
	*ru = (struct rusage){0};
	if (who == RUSAGE_SELF) {
		ru->ru_utime.tv_sec = (time_t)(ns / 1000000000u);
		ru->ru_utime.tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
	}
	return 0;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
	uint64_t ns;

	if (id == CLOCK_MONOTONIC)
		ns = hal_clock_monotonic_ns();
	else if (id == CLOCK_REALTIME)
		ns = hal_clock_wall_ns();
	else {
		errno = EINVAL;
		return -1;
	}
	ts->tv_sec = (time_t)(ns / 1000000000u);
	ts->tv_nsec = (long)(ns % 1000000000u);
	return 0;
}

int clock_getres(clockid_t id, struct timespec *res)
{
	if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME) {
		errno = EINVAL;
		return -1;
	}
	if (res)
		*res = (struct timespec){.tv_sec = 0, .tv_nsec = 1};
	return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (!req || req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000) {
		errno = EINVAL;
		return -1;
	}
	uint64_t now = hal_clock_monotonic_ns();
	uint64_t ns = (uint64_t)req->tv_nsec;
	uint64_t secs = (uint64_t)req->tv_sec;

	/* Saturate instead of wrapping: a sleep of centuries is a sleep forever. */
	uint64_t span = secs > (UINT64_MAX - ns) / 1000000000u ? UINT64_MAX : secs * 1000000000u + ns;
	clock_sleep_until(span > UINT64_MAX - now ? UINT64_MAX - 1 : now + span);
	if (rem)
		*rem = (struct timespec){0, 0}; /* no signals interrupt a sleep */
	return 0;
}

int usleep(useconds_t us)
{
	struct timespec ts = {.tv_sec = (time_t)(us / 1000000u), .tv_nsec = (long)(us % 1000000u) * 1000};

	return nanosleep(&ts, NULL);
}

unsigned sleep(unsigned seconds)
{
	struct timespec ts = {.tv_sec = (time_t)seconds, .tv_nsec = 0};

	nanosleep(&ts, NULL);
	return 0;
}

/* Interval timers deliver SIGALRM/SIGVTALRM/SIGPROF from outside the program, which signals
 * here cannot be (libc_signal.c delivers only what the program raises). */
int setitimer(int which, const struct itimerval *value, struct itimerval *old)
{
	LIBC_UNSUPPORTED(_REENT, "setitimer");
}
