/* SPDX-License-Identifier: MIT */
/* fd_files_test.c: descriptors on real files (/tmp, the ramfs): two threads writing and reading
 * their own files at once, with stdio and with the raw calls; dup/dup2/dup3/fcntl on files
 * (a shared offset, FD_CLOEXEC per descriptor, stdout sent into a file and back); EBADF and
 * EMFILE; poll over a file and the console. */
#define _GNU_SOURCE /* dup3 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image_check.h"

#define CHUNK       1024
#define FILE_CHUNKS 1024 /* 1 MiB a file, rewritten from the start: the ramfs is in the guest's RAM */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Each worker writes chunks of its own byte to its own file for 500 ms (the first MiB over
 * and over), counting the rounds in which the other one also got on; then reads the file back,
 * whole, with stdio. Both start together. */
static volatile long rounds[2];
static sem_t ready, go;

struct work {
	int id;
	long overlaps; /* rounds in which the other worker had moved on */
	long bad;      /* bytes read back wrong */
	long size;
	int errors;
};

static void *worker(void *arg)
{
	struct work *w = arg;
	char path[32], buf[CHUNK], want = (char)('a' + w->id);
	long long t0 = now_ms();
	long seen = rounds[!w->id];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/worker%d", w->id);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	memset(buf, want, sizeof(buf));
	sem_post(&ready);
	sem_wait(&go);
	if (fd < 0) {
		w->errors++;
		return NULL;
	}
	t0 = now_ms();
	while (now_ms() - t0 < 500) {
		if (rounds[w->id] % FILE_CHUNKS == 0 && lseek(fd, 0, SEEK_SET) != 0)
			w->errors++;
		if (write(fd, buf, CHUNK) != CHUNK)
			w->errors++;
		rounds[w->id]++;
		if (rounds[!w->id] != seen) {
			seen = rounds[!w->id];
			w->overlaps++;
		}
	}
	if (fsync(fd) != 0 || close(fd) != 0)
		w->errors++;
	/* Back through stdio: newlib's buffered reads on the file's descriptor. */
	f = fopen(path, "r");
	if (f == NULL) {
		w->errors++;
		return NULL;
	}
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < n; i++)
			w->bad += buf[i] != want;
		w->size += (long)n;
	}
	if (ferror(f) || fclose(f) != 0)
		w->errors++;
	return NULL;
}

static void two_threads(void)
{
	struct work w[2] = {{.id = 0}, {.id = 1}};
	pthread_t t[2];
	struct stat st;

	sem_init(&ready, 0, 0);
	sem_init(&go, 0, 0);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, worker, &w[i]) == 0);
	sem_wait(&ready);
	sem_wait(&ready);
	sem_post(&go);
	sem_post(&go);
	for (int i = 0; i < 2; i++) {
		CHECK(pthread_join(t[i], NULL) == 0);
		printf("fd_files_test: worker %d wrote %ld chunks (%ld bytes back), the other moved on in "
		       "%ld "
		       "rounds, %d errors\n",
		       i, rounds[i], w[i].size, w[i].overlaps, w[i].errors);
		CHECK(w[i].errors == 0);
		CHECK(w[i].size == (rounds[i] < FILE_CHUNKS ? rounds[i] : FILE_CHUNKS) * CHUNK &&
		      w[i].bad == 0);
		CHECK(w[i].overlaps > 0); /* the two ran at once, not one after the other */
		CHECK(stat(i ? "/tmp/worker1" : "/tmp/worker0", &st) == 0 && st.st_size == w[i].size);
		CHECK(unlink(i ? "/tmp/worker1" : "/tmp/worker0") == 0);
	}
}

static void *print_in_thread(void *arg)
{
	printf("from a thread\n");
	return NULL;
}

static void duplicates(void)
{
	char buf[32];
	int fd = open("/tmp/dup", O_CREAT | O_RDWR | O_TRUNC, 0644), d, saved, out;

	CHECK(fd >= 3);
	CHECK(write(fd, "0123456789", 10) == 10);
	d = dup(fd);
	CHECK(d > fd);
	CHECK(lseek(d, 3, SEEK_SET) == 3);
	CHECK(read(fd, buf, 2) == 2 && memcmp(buf, "34", 2) == 0); /* one offset for both */
	CHECK(lseek(d, 0, SEEK_CUR) == 5);
	CHECK(fcntl(d, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND)); /* one status */
	CHECK(write(fd, "ab", 2) == 2 && lseek(fd, 0, SEEK_CUR) == 12);
	CHECK(fcntl(d, F_SETFL, 0) == 0);
	CHECK(fcntl(d, F_SETFD, FD_CLOEXEC) == 0 && fcntl(d, F_GETFD) == FD_CLOEXEC &&
	      fcntl(fd, F_GETFD) == 0);
	CHECK(close(fd) == 0);
	CHECK(pread(d, buf, 12, 0) == 12 && memcmp(buf, "0123456789ab", 12) == 0); /* still open */
	int d3 = dup3(d, 40, O_CLOEXEC);
	CHECK(d3 == 40 && fcntl(40, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(d, F_DUPFD, 41) == 41 && fcntl(41, F_GETFD) == 0);
	CHECK(close(40) == 0 && close(41) == 0 && close(d) == 0);
	errno = 0;
	CHECK(read(d, buf, 1) == -1 && errno == EBADF);

	/* stdout into a file with dup2, and back to the console. */
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	out = open("/tmp/stdout", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(saved >= 0 && out >= 0);
	CHECK(dup2(out, STDOUT_FILENO) == STDOUT_FILENO && close(out) == 0);
	printf("into the file\n");
	fflush(stdout);
	/* A thread that printed (its own stdout stream, on descriptor 1) ends: its streams close,
	 * not the program's descriptor. */
	pthread_t t;
	CHECK(pthread_create(&t, NULL, print_in_thread, NULL) == 0 && pthread_join(t, NULL) == 0);
	printf("after the thread\n");
	fflush(stdout);
	CHECK(dup2(saved, STDOUT_FILENO) == STDOUT_FILENO && close(saved) == 0);
	FILE *f = fopen("/tmp/stdout", "r");
	CHECK(f != NULL && fgets(buf, sizeof(buf), f) != NULL && strcmp(buf, "into the file\n") == 0);
	CHECK(f != NULL && fgets(buf, sizeof(buf), f) != NULL && strcmp(buf, "from a thread\n") == 0);
	CHECK(f != NULL && fgets(buf, sizeof(buf), f) != NULL && strcmp(buf, "after the thread\n") == 0);
	if (f != NULL)
		fclose(f);
	printf("fd_files_test: stdout is the console again\n");
	CHECK(isatty(STDOUT_FILENO) == 1);
}

static void limits(void)
{
	int fds[300], n = 0;

	while (n < 300 && (fds[n] = open("/tmp/dup", O_RDONLY)) >= 0)
		n++;
	CHECK(n < 300 && errno == EMFILE);
	errno = 0;
	CHECK(dup(0) == -1 && errno == EMFILE);
	printf("fd_files_test: %d files open at EMFILE\n", n);
	for (int i = 0; i < n; i++)
		CHECK(close(fds[i]) == 0);
	errno = 0;
	CHECK(close(fds[0]) == -1 && errno == EBADF);
	errno = 0;
	CHECK(ftruncate(fds[0], 0) == -1 && errno == EBADF);
}

static void polling(void)
{
	int fd = open("/tmp/dup", O_RDWR);
	struct pollfd p[2] = {{.fd = fd, .events = POLLIN | POLLOUT}, {.fd = STDIN_FILENO, .events = POLLIN}};
	long long t0 = now_ms();

	/* A file is always ready; the console with nothing typed is not. */
	CHECK(poll(p, 2, 5000) == 1);
	CHECK(now_ms() - t0 < 1000);
	CHECK(p[0].revents == (POLLIN | POLLOUT) && p[1].revents == 0);
	CHECK(close(fd) == 0);
}

int main(void)
{
	two_threads();
	duplicates();
	limits();
	polling();
	return check_report();
}
