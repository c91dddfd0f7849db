/* SPDX-License-Identifier: MIT */
/* libc_test.c: newlib and Mote's system-call glue seen from an application: constructors and
 * atexit, stdio, the allocator's promises, errno for unsupported calls, clocks, SSE floating
 * point and setjmp. Prints one line per failure and a summary. */
#define _GNU_SOURCE /* asprintf */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "image_check.h"

static int constructor_ran;

__attribute__((constructor)) static void early(void) { constructor_ran = 1; }

static void at_exit_handler(void) { printf("libc_test: atexit handler ran\n"); }

static void test_alloc(void)
{
	char *p = malloc(100);
	CHECK(p != NULL);
	memset(p, 'x', 100);
	p = realloc(p, 100000);
	CHECK(p != NULL && p[0] == 'x' && p[99] == 'x');
	free(p);

	int *z = calloc(1000, sizeof(int));
	int all_zero = z != NULL;
	for (int i = 0; z && i < 1000; i++)
		all_zero &= z[i] == 0;
	CHECK(all_zero);
	free(z);

	void *aligned = NULL;
	CHECK(posix_memalign(&aligned, 4096, 10000) == 0);
	CHECK(((uintptr_t)aligned & 4095) == 0);
	free(aligned);
	CHECK(posix_memalign(&aligned, 3, 16) == EINVAL);

	errno = 0;
	CHECK(malloc(SIZE_MAX / 2) == NULL);
	CHECK(errno == ENOMEM);
	volatile size_t huge = SIZE_MAX / 8;
	CHECK(calloc(huge, 16) == NULL); /* the multiplication overflows */
}

static void test_unsupported(void)
{
	errno = 0;
	CHECK(open("/etc/passwd", O_RDONLY) == -1);
	CHECK(errno == ENOSYS);
	errno = 0;
	CHECK(open("/again", O_RDONLY) == -1 && errno == ENOSYS); /* logged only the first time */
	CHECK(getpid() == 1);
	CHECK(isatty(1) == 1);
	errno = 0;
	CHECK(write(7, "x", 1) == -1 && errno == EBADF);
}

static void test_time(void)
{
	struct timespec a, b, res;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	for (volatile int i = 0; i < 100000; i++)
		;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec));
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0);
	errno = 0;
	CHECK(clock_gettime((clockid_t)99, &a) == -1 && errno == EINVAL);
	/* The RTC: QEMU starts it at the host's time unless told otherwise. */
	time_t now = time(NULL);
	CHECK(now > 1577836800); /* after 2020-01-01 */
	printf("libc_test: time() = %lld\n", (long long)now);
}

/* The printf family goes through Mote's formatter (libc/libc_printf.c): each entry point newlib
 * routes to it, with floats, and the string outputs' truncation and growth. */
static void test_printf(void)
{
	char buf[16], *big = NULL;
	volatile double third = 1.0 / 3, tie = 0.125;

	CHECK(snprintf(buf, sizeof(buf), "%.3f|%.2f", third, tie) == 10 && strcmp(buf, "0.333|0.12") == 0);
	/* Truncated: the length it would have had, a terminated prefix. */
	CHECK(snprintf(buf, 6, "%e", 12345.678) == 12 && strcmp(buf, "1.234") == 0);
	CHECK(sprintf(buf, "%g|%G", 1e-5, 2.5e20) == 13 && strcmp(buf, "1e-05|2.5E+20") == 0);
	/* asprintf's buffer starts small and grows past 64 bytes. */
	CHECK(asprintf(&big, "%0150.3f", -2.0) == 150 && big && big[0] == '-' &&
	      strcmp(big + 144, "02.000") == 0);
	free(big);
	CHECK(printf("libc_test: printf %.2f %5.1e %s\n", 3.14159, 0.0, "ok") == 34);
	CHECK(fprintf(stderr, "libc_test: fprintf %a\n", 1.0) == 26);
}

/* A stream whose writes are recorded, so a test sees when printf's bytes leave the FILE's
 * buffer and in what pieces: setvbuf's three modes, fflush, a write error, a read-only stream. */
static struct {
	char data[1024];
	size_t len;
	int writes;
	int fail; /* the next write fails with EIO */
} rec;

static ssize_t rec_write(void *cookie, const char *p, size_t n)
{
	(void)cookie;
	if (rec.fail) {
		errno = EIO;
		return -1;
	}
	if (n > sizeof(rec.data) - rec.len)
		n = sizeof(rec.data) - rec.len;
	memcpy(rec.data + rec.len, p, n);
	rec.len += n;
	rec.writes++;
	return (ssize_t)n;
}

static FILE *rec_open(const char *mode, int buffering, size_t size)
{
	cookie_io_functions_t io = {.write = rec_write};
	FILE *f = fopencookie(NULL, mode, io);

	memset(&rec, 0, sizeof(rec));
	if (f && setvbuf(f, NULL, buffering, size) != 0) {
		fclose(f);
		f = NULL;
	}
	return f;
}

static int rec_is(const char *want)
{
	return rec.len == strlen(want) && memcmp(rec.data, want, rec.len) == 0;
}

static void test_stream_buffering(void)
{
	char big[301];
	FILE *f;

	memset(big, 'b', 300);
	big[300] = '\0';
	/* Fully buffered: nothing leaves before fflush, then all of it. */
	f = rec_open("w", _IOFBF, 64);
	CHECK(f && fprintf(f, "x=%d %.1f", 42, 2.5) == 8 && rec.writes == 0);
	CHECK(f && fflush(f) == 0 && rec_is("x=42 2.5"));
	/* A fully buffered stream whose buffer fills is written out, the rest held. */
	CHECK(f && fprintf(f, "%s", big) == 300 && rec.len >= 256 && rec.len < 308);
	CHECK(f && fclose(f) == 0 && rec.len == 308 && memcmp(rec.data + 8, big, 300) == 0);
	/* Line buffered: each finished line leaves, the unfinished rest waits for fflush. */
	f = rec_open("w", _IOLBF, 64);
	CHECK(f && fprintf(f, "one\ntw") == 6 && rec_is("one\n"));
	CHECK(f && fprintf(f, "o\n") == 2 && rec_is("one\ntwo\n"));
	CHECK(f && fprintf(f, "3") == 1 && fflush(f) == 0 && rec_is("one\ntwo\n3"));
	CHECK(f && fclose(f) == 0);
	/* Unbuffered: in whole pieces (at most printf's 256-byte staging), never byte by byte. */
	f = rec_open("w", _IONBF, 0);
	CHECK(f && fprintf(f, "%s!", big) == 301 && rec.len == 301 && rec.writes == 2);
	CHECK(f && fclose(f) == 0);
	/* A failed write: EOF, the stream's error flag, errno from the device. */
	f = rec_open("w", _IONBF, 0);
	rec.fail = 1;
	errno = 0;
	CHECK(f && fprintf(f, "lost") == EOF && ferror(f) && errno == EIO);
	CHECK(f && fclose(f) == 0);
	/* printf orients the stream to bytes, as fwrite does. */
	f = rec_open("w", _IOFBF, 64);
	CHECK(f && fwide(f, 0) == 0 && fprintf(f, "b") == 1 && fwide(f, 0) < 0);
	CHECK(f && fclose(f) == 0 && rec_is("b"));
	/* A stream open only for reading (stdin) refuses: EOF and EBADF. */
	errno = 0;
	CHECK(fprintf(stdin, "no") == EOF && errno == EBADF && ferror(stdin));
	clearerr(stdin);
}

static jmp_buf env;

static void jump_back(int v) { longjmp(env, v); }

static void test_misc(void)
{
	char buf[64];
	volatile double x = 2.0;

	snprintf(buf, sizeof(buf), "%.6f %d %s %llx", sqrt(x), -42, "str", 0x123456789abcdefull);
	CHECK(strcmp(buf, "1.414214 -42 str 123456789abcdef") == 0);
	CHECK(strtod("3.25", NULL) == 3.25);
	CHECK(strtol("-0x1f", NULL, 16) == -31);
	int v = setjmp(env);
	if (v == 0)
		jump_back(7);
	CHECK(v == 7);
	CHECK(constructor_ran == 1);
}

/* strtol is libc's own (libc_strtol.c); sscanf reaches it through newlib's _strtol_r. */
static void test_strtol(void)
{
	static const struct {
		const char *in;
		int base;
		long want;
		int end; /* bytes consumed */
		int err;
	} cases[] = {
	        {" \t-42x", 10, -42, 5, 0},
	        {"+0x1fZ", 0, 31, 5, 0},
	        {"0x", 16, 0, 1, 0}, /* no hex digit: the subject is "0" */
	        {"0755", 0, 493, 4, 0},
	        {"z9", 36, 35 * 36 + 9, 2, 0},
	        {"9223372036854775807", 10, LONG_MAX, 19, 0},
	        {"9223372036854775808", 10, LONG_MAX, 19, ERANGE},
	        {"-9223372036854775808", 10, LONG_MIN, 20, 0},
	        {"-99999999999999999999", 10, LONG_MIN, 21, ERANGE},
	        {"  -", 10, 0, 0, 0},
	        {"12", 1, 0, 0, EINVAL},
	};
	char *end;
	int a = 0, b = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long v;

		errno = 0;
		v = strtol(cases[i].in, &end, cases[i].base);
		CHECK(v == cases[i].want && end == cases[i].in + cases[i].end && errno == cases[i].err);
	}
	CHECK(sscanf("17 -0x1a", "%d %i", &a, &b) == 2 && a == 17 && b == -26);
}

int main(void)
{
	atexit(at_exit_handler);
	test_alloc();
	test_unsupported();
	test_time();
	test_misc();
	test_printf();
	test_strtol();
	test_stream_buffering();
	return check_report();
}
