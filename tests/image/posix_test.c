/* SPDX-License-Identifier: MIT */
/* posix_test.c: the POSIX calls ports lean on (libc_signal.c, libc_sysinfo.c, libc_mman.c,
 * libc_pipe.c): signals raised by the program, limits, sysconf, uname, time, anonymous memory,
 * pipes between threads with poll and select, and the environment from mote.env= options
 * (tests/boot/CMakeLists.txt boots it with GREETING="hello world" and EMPTY=). */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "image_check.h"

static volatile int usr1_count, usr2_count, info_signo;

static void on_usr1(int sig) { usr1_count++; }
static void on_usr2(int sig) { usr2_count++; }
static void on_info(int sig, siginfo_t *info, void *ctx) { info_signo = info ? info->si_signo : -1; }

static void *raise_usr2(void *arg)
{
	raise(SIGUSR2);
	return NULL;
}

static void test_signals(void)
{
	struct sigaction act = {.sa_handler = on_usr1}, old;
	sigset_t set, pend;
	pthread_t th;

	CHECK(sigaction(SIGUSR1, &act, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0 && usr1_count == 1);
	CHECK(kill(getpid(), SIGUSR1) == 0 && usr1_count == 2);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_usr1);
	/* signal() answers with the previous handler, and shares the table with sigaction. */
	CHECK(signal(SIGUSR2, on_usr2) == SIG_DFL);
	CHECK(signal(SIGUSR2, on_usr2) == on_usr2);
	CHECK(raise(SIGUSR2) == 0 && usr2_count == 1);
	/* A handler set here is the one another thread's raise() finds: process-wide. */
	CHECK(pthread_create(&th, NULL, raise_usr2, NULL) == 0 && pthread_join(th, NULL) == 0 &&
	      usr2_count == 2);
	/* SA_SIGINFO gets the signal number in siginfo; SA_RESETHAND runs the handler once. */
	act = (struct sigaction){.sa_sigaction = on_info, .sa_flags = SA_SIGINFO | SA_RESETHAND};
	CHECK(sigaction(SIGUSR2, &act, NULL) == 0);
	CHECK(raise(SIGUSR2) == 0 && info_signo == SIGUSR2);
	CHECK(sigaction(SIGUSR2, NULL, &old) == 0 && old.sa_handler == SIG_DFL);
	/* Blocked: pending until unblocked, then delivered. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0 && usr1_count == 2);
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR1));
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0 && usr1_count == 3);
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR1));
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 && pthread_sigmask(SIG_SETMASK, NULL, &pend) == 0 &&
	      sigismember(&pend, SIGUSR1));
	CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
	/* Ignored, and the default action of SIGCHLD is to ignore it. */
	CHECK(signal(SIGUSR1, SIG_IGN) == on_usr1 && raise(SIGUSR1) == 0 && usr1_count == 3);
	CHECK(raise(SIGCHLD) == 0);
	/* Errors. */
	act = (struct sigaction){.sa_handler = on_usr1};
	errno = 0;
	CHECK(sigaction(SIGKILL, &act, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sigaction(NSIG, &act, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(raise(0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(kill(getpid() + 1, SIGUSR1) == -1 && errno == ESRCH);
	CHECK(kill(getpid(), 0) == 0);
	errno = 0;
	CHECK(sigsuspend(&set) == -1 && errno == ENOSYS);
	CHECK(sigsuspend(&set) == -1 && errno == ENOSYS); /* logged once (boot test) */
}

static void test_limits(void)
{
	struct rlimit rl, same;

	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 256 && rl.rlim_max == 256);
	same = rl;
	CHECK(setrlimit(RLIMIT_NOFILE, &same) == 0);
	rl.rlim_cur = rl.rlim_max = 10032; /* what a server asks for */
	errno = 0;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EPERM);
	rl.rlim_cur = rl.rlim_max = 16;
	errno = 0;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == ENOSYS);
	rl.rlim_cur = 32;
	rl.rlim_max = 16;
	errno = 0;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL);
	rl.rlim_cur = rl.rlim_max = 0;
	CHECK(setrlimit(RLIMIT_CORE, &rl) == 0);
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur >= 16384 && rl.rlim_cur != RLIM_INFINITY);
	CHECK(getrlimit(RLIMIT_CPU, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY);
	errno = 0;
	CHECK(getrlimit(99, &rl) == -1 && errno == EINVAL);
}

static void test_sysinfo(void)
{
	struct utsname u;
	long phys = sysconf(_SC_PHYS_PAGES), avail = sysconf(_SC_AVPHYS_PAGES);

	CHECK(sysconf(_SC_PAGESIZE) == 4096);
	CHECK(sysconf(_SC_NPROCESSORS_ONLN) == 1 && sysconf(_SC_NPROCESSORS_CONF) == 1);
	CHECK(sysconf(_SC_OPEN_MAX) == 256);
	CHECK(sysconf(_SC_CLK_TCK) == CLOCKS_PER_SEC);
	/* The machine is booted with 64 MiB. */
	CHECK(phys > 8192 && phys <= 16384 && avail > 0 && avail < phys);
	errno = 0;
	CHECK(sysconf(9999) == -1 && errno == EINVAL);
	CHECK(uname(&u) == 0 && strcmp(u.sysname, "Mote") == 0 && strcmp(u.machine, "x86_64") == 0 &&
	      u.release[0] != '\0');
	CHECK(getpid() > 0 && getpid() == getpid());
}

static void test_time(void)
{
	struct timeval a, b;
	long long us;

	CHECK(gettimeofday(&a, NULL) == 0 && a.tv_sec > 1600000000 && a.tv_usec >= 0 && a.tv_usec < 1000000);
	usleep(20000);
	CHECK(gettimeofday(&b, NULL) == 0);
	us = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_usec - a.tv_usec);
	CHECK(us >= 20000 && us < 5000000);
}

static void test_mmap(void)
{
	long before = sysconf(_SC_AVPHYS_PAGES), during;
	unsigned char *p = mmap(NULL, 10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *big;
	int zero = 1;

	CHECK(p != MAP_FAILED && (uintptr_t)p % 4096 == 0);
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < 10000; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	memset(p, 0xab, 10000);
	CHECK(p[9999] == 0xab);
	CHECK(mprotect(p, 4096, PROT_READ | PROT_WRITE) == 0);
	errno = 0;
	CHECK(mprotect(p, 4096, PROT_READ) == -1 && errno == ENOSYS);
	errno = 0;
	CHECK(munmap(p, 4096) == -1 && errno == ENOSYS); /* part of a mapping */
	errno = 0;
	CHECK(munmap(p + 1, 100) == -1 && errno == EINVAL);
	CHECK(munmap(p, 10000) == 0);
	/* 4 MiB: the pages leave the free pool and come back. */
	big = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	during = sysconf(_SC_AVPHYS_PAGES);
	CHECK(big != MAP_FAILED && during <= before - 1024);
	if (big != MAP_FAILED) {
		big[(4 << 20) - 1] = 1;
		CHECK(munmap(big, 4 << 20) == 0 && sysconf(_SC_AVPHYS_PAGES) >= during + 1024);
	}
	/* What Mote cannot give. */
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 0, 0) == MAP_FAILED && errno == ENOSYS);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 0, 0) == MAP_FAILED && errno == ENOSYS);
	errno = 0;
	CHECK(mmap((void *)0x40000000, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	           -1, 0) == MAP_FAILED &&
	      errno == ENOSYS);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == ENOSYS);
	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, (size_t)1 << 40, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	              MAP_FAILED &&
	      errno == ENOMEM);
}

struct transfer {
	int fd;
	size_t bytes;
	unsigned sum;
	int delay_ms;
};

static void *writer(void *arg)
{
	struct transfer *t = arg;
	unsigned char chunk[3000];
	size_t sent = 0;

	if (t->delay_ms)
		usleep(t->delay_ms * 1000);
	while (sent < t->bytes) {
		size_t n = t->bytes - sent < sizeof(chunk) ? t->bytes - sent : sizeof(chunk);
		ssize_t w;

		for (size_t i = 0; i < n; i++) {
			chunk[i] = (unsigned char)((sent + i) * 7);
			t->sum += chunk[i];
		}
		w = write(t->fd, chunk, n);
		if (w != (ssize_t)n)
			break;
		sent += n;
	}
	close(t->fd);
	return NULL;
}

static void test_pipes(void)
{
	int fds[2], fds2[2];
	char buf[64];
	struct pollfd pfd;
	struct stat st;
	struct transfer t = {0};
	pthread_t th;
	fd_set rset;
	struct timeval tv = {0, 0};
	unsigned sum = 0;
	size_t got = 0;
	ssize_t n;

	CHECK(pipe(fds) == 0 && fds[0] > 2 && fds[1] > 2 && fds[0] != fds[1]);
	CHECK(write(fds[1], "hello", 5) == 5 && read(fds[0], buf, sizeof(buf)) == 5 &&
	      memcmp(buf, "hello", 5) == 0);
	CHECK(fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode));
	errno = 0;
	CHECK(isatty(fds[0]) == 0 && errno == ENOTTY);
	CHECK(isatty(1) == 1);
	errno = 0;
	CHECK(write(fds[0], "x", 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(lseek(fds[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	/* Empty: poll and select see nothing to read; the write end has room. */
	pfd = (struct pollfd){.fd = fds[0], .events = POLLIN};
	CHECK(poll(&pfd, 1, 0) == 0);
	FD_ZERO(&rset);
	FD_SET(fds[0], &rset);
	CHECK(select(fds[0] + 1, &rset, NULL, NULL, &tv) == 0);
	pfd = (struct pollfd){.fd = fds[1], .events = POLLOUT};
	CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT);
	/* Non-blocking read of an empty pipe. */
	CHECK(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0 && (fcntl(fds[0], F_GETFL) & O_NONBLOCK));
	errno = 0;
	CHECK(read(fds[0], buf, 1) == -1 && errno == EAGAIN);
	CHECK(fcntl(fds[0], F_SETFL, 0) == 0);

	/* 200000 bytes from a thread that starts 50 ms late: poll(-1) and select() wake on its
	 * data, reads block for the rest, and its close is end of file. */
	t = (struct transfer){.fd = fds[1], .bytes = 200000, .delay_ms = 50};
	CHECK(pthread_create(&th, NULL, writer, &t) == 0);
	pfd = (struct pollfd){.fd = fds[0], .events = POLLIN};
	CHECK(poll(&pfd, 1, -1) == 1 && (pfd.revents & POLLIN));
	FD_ZERO(&rset);
	FD_SET(fds[0], &rset);
	CHECK(select(fds[0] + 1, &rset, NULL, NULL, NULL) == 1 && FD_ISSET(fds[0], &rset));
	while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			sum += (unsigned char)buf[i];
		got += (size_t)n;
	}
	pthread_join(th, NULL);
	CHECK(n == 0 && got == 200000 && sum == t.sum);
	pfd = (struct pollfd){.fd = fds[0], .events = POLLIN};
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP));
	CHECK(close(fds[0]) == 0);

	/* No reader: EPIPE, and SIGPIPE, here ignored (its default would end the program). */
	CHECK(pipe2(fds2, O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK((fcntl(fds2[1], F_GETFL) & O_NONBLOCK) && (fcntl(fds2[1], F_GETFD) & FD_CLOEXEC));
	CHECK(close(fds2[0]) == 0);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	CHECK(write(fds2[1], "x", 1) == -1 && errno == EPIPE);
	pfd = (struct pollfd){.fd = fds2[1], .events = POLLOUT};
	CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR));
	CHECK(close(fds2[1]) == 0);
	errno = 0;
	CHECK(pipe2(fds2, 0x40000000) == -1 && errno == EINVAL);
	/* Pipes are freed: many more than the table holds, one after another. */
	for (int i = 0; i < 100; i++) {
		if (pipe(fds2) != 0) {
			CHECK(!"pipe() failed in the loop");
			break;
		}
		close(fds2[0]);
		close(fds2[1]);
	}
}

static void test_env(void)
{
	const char *g = getenv("GREETING"), *e = getenv("EMPTY");

	CHECK(g && strcmp(g, "hello world") == 0);
	CHECK(e && e[0] == '\0');
	CHECK(getenv("NOT_SET") == NULL);
	CHECK(setenv("LATER", "1", 1) == 0 && strcmp(getenv("LATER"), "1") == 0);
	/* Given twice on the command line: the last value wins, and the name is there once. */
	g = getenv("TWICE");
	CHECK(g && strcmp(g, "second") == 0);
	CHECK(unsetenv("TWICE") == 0 && getenv("TWICE") == NULL);
	/* A command-line variable can be replaced, shorter and longer than it was. */
	CHECK(setenv("GREETING", "hi", 1) == 0 && strcmp(getenv("GREETING"), "hi") == 0);
	CHECK(setenv("GREETING", "a much longer greeting", 1) == 0 &&
	      strcmp(getenv("GREETING"), "a much longer greeting") == 0);
	CHECK(setenv("EMPTY", "x", 0) == 0 && getenv("EMPTY")[0] == '\0');
}

static void test_threads_extra(void)
{
	CHECK(pthread_atfork(NULL, NULL, NULL) == 0);
	CHECK(pthread_cancel(pthread_self()) == ENOSYS);
}

static void test_process(void)
{
	jmp_buf env;
	volatile int jumped = 0;

	CHECK(system(NULL) == 0);
	errno = 0;
	CHECK(system("true") == -1 && errno == ENOSYS);
	errno = 0;
	CHECK(popen("true", "r") == NULL && errno == ENOSYS);
	if (_setjmp(env) == 0)
		_longjmp(env, 1);
	else
		jumped = 1;
	CHECK(jumped);
}

/* What SQLite's unix VFS and shell ask (examples/ports/sqlite): the owner, the user database,
 * usage times, and permission changes Mote does not make. */
static void test_users(void)
{
	struct rusage ru = {{1, 1}, {1, 1}};

	CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0);
	errno = 0;
	CHECK(getpwuid(0) == NULL && getpwnam("root") == NULL && errno == 0);
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec > 0 &&
	      ru.ru_stime.tv_sec == 0 && ru.ru_stime.tv_usec == 0);
	CHECK(getrusage(RUSAGE_CHILDREN, &ru) == 0 && ru.ru_utime.tv_sec == 0 && ru.ru_utime.tv_usec == 0);
	errno = 0;
	CHECK(getrusage(7, &ru) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(chmod("/tmp", 0700) == -1 && errno == ENOSYS);
	errno = 0;
	CHECK(fchmod(0, 0600) == -1 && errno == ENOSYS);
	errno = 0;
	CHECK(fchown(0, 0, 0) == -1 && errno == ENOSYS);
	errno = 0;
	CHECK(fchown(0, 0, 0) == -1 && errno == ENOSYS);
}

int main(void)
{
	test_signals();
	test_limits();
	test_sysinfo();
	test_time();
	test_mmap();
	test_pipes();
	test_env();
	test_threads_extra();
	test_process();
	test_users();
	return check_report();
}
