/* SPDX-License-Identifier: MIT */
/* fd_test.c: libc's descriptor table with a kind of its own (mote/fdtable.h): a file in memory,
 * as the filesystem layer registers its files, beside the console and a UDP socket. dup, dup2,
 * dup3 and fcntl share the description (offset, status flags) but not FD_CLOEXEC; the calls
 * reach the kind with exact errnos; a close() racing a read in another thread; poll and select
 * over a file (always ready), a socket and the console. */
#define _GNU_SOURCE /* dup3 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <mote/fdtable.h>

#include "image_check.h"

/* The memory file: a few objects, each with data, an offset and status flags. */
#define MEMFILES 4
static struct memfile {
	char data[256];
	size_t size;
	off_t offset;
	int flags;
	int closed; /* how many times the kind's close ran */
	int synced;
	bool block_reads; /* read waits on read_gate (the close race) */
} mf[MEMFILES];
static sem_t read_gate, read_started;

static ssize_t mf_pread(int h, void *buf, size_t len, off_t off)
{
	struct memfile *m = &mf[h];

	if ((size_t)off >= m->size)
		return 0;
	if (len > m->size - (size_t)off)
		len = m->size - (size_t)off;
	memcpy(buf, m->data + off, len);
	return (ssize_t)len;
}

static ssize_t mf_pwrite(int h, const void *buf, size_t len, off_t off)
{
	struct memfile *m = &mf[h];

	if ((size_t)off + len > sizeof(m->data))
		return -ENOSPC;
	memcpy(m->data + off, buf, len);
	if ((size_t)off + len > m->size)
		m->size = (size_t)off + len;
	return (ssize_t)len;
}

static ssize_t mf_read(int h, void *buf, size_t len)
{
	ssize_t n;

	if (mf[h].block_reads) {
		sem_post(&read_started);
		sem_wait(&read_gate);
	}
	n = mf_pread(h, buf, len, mf[h].offset);
	if (n > 0)
		mf[h].offset += n;
	return n;
}

static ssize_t mf_write(int h, const void *buf, size_t len)
{
	ssize_t n;

	if (mf[h].flags & O_APPEND)
		mf[h].offset = (off_t)mf[h].size;
	n = mf_pwrite(h, buf, len, mf[h].offset);
	if (n > 0)
		mf[h].offset += n;
	return n;
}

static off_t mf_lseek(int h, off_t off, int whence)
{
	off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? mf[h].offset : (off_t)mf[h].size;

	if (base + off < 0)
		return -EINVAL;
	mf[h].offset = base + off;
	return mf[h].offset;
}

static int mf_close(int h)
{
	mf[h].closed++;
	return 0;
}

static int mf_fstat(int h, struct stat *st)
{
	*st = (struct stat){.st_mode = S_IFREG | 0644, .st_size = (off_t)mf[h].size};
	return 0;
}

static int mf_fcntl(int h, int cmd, int arg)
{
	if (cmd == F_GETFL)
		return O_RDWR | mf[h].flags;
	if (cmd == F_SETFL) {
		mf[h].flags = arg & (O_APPEND | O_NONBLOCK);
		return 0;
	}
	return -EINVAL;
}

static int mf_fsync(int h, bool data_only)
{
	mf[h].synced++;
	return 0;
}

static int mf_ftruncate(int h, off_t len)
{
	if ((size_t)len > sizeof(mf[h].data))
		return -EFBIG;
	mf[h].size = (size_t)len;
	return 0;
}

static const struct libc_fd_ops memfile_ops = {
        .kind = "memfile",
        .read = mf_read,
        .write = mf_write,
        .close = mf_close,
        .fstat = mf_fstat,
        .fcntl = mf_fcntl,
        .lseek = mf_lseek,
        .pread = mf_pread,
        .pwrite = mf_pwrite,
        .fsync = mf_fsync,
        .ftruncate = mf_ftruncate,
        /* no poll: a regular file, always ready */
};

static int mf_open(int h)
{
	mf[h] = (struct memfile){0};
	return libc_fd_alloc(&memfile_ops, h, 0);
}

static void calls(void)
{
	char buf[64];
	struct stat st;
	struct iovec iov[2];
	int fd = mf_open(0);

	CHECK(fd == 3); /* the lowest free: 0-2 are the console */
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11);
	CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "world", 5) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11); /* pread leaves the offset alone */
	CHECK(pwrite(fd, "W", 1, 6) == 1);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 11 && memcmp(buf, "hello World", 11) == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11);
	CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
	CHECK(fsync(fd) == 0 && fdatasync(fd) == 0 && mf[0].synced == 2);
	iov[0] = (struct iovec){"ab", 2};
	iov[1] = (struct iovec){"cd", 2};
	CHECK(lseek(fd, 0, SEEK_END) == 5 && writev(fd, iov, 2) == 4);
	CHECK(pread(fd, buf, 9, 0) == 9 && memcmp(buf, "helloabcd", 9) == 0);

	/* The exact errnos: a kind's missing call, bad arguments, bad descriptors. */
	errno = 0;
	CHECK(lseek(fd, 0, 7) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(pread(fd, buf, 1, -1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(ftruncate(fd, -1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(ioctl(fd, FIONREAD, &(int){0}) == -1 && errno == ENOTTY);
	errno = 0;
	CHECK(lseek(1, 0, SEEK_CUR) == -1 && errno == ESPIPE); /* the console */
	errno = 0;
	CHECK(pread(0, buf, 1, 0) == -1 && errno == ESPIPE);
	errno = 0;
	CHECK(fsync(1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(ftruncate(1, 0) == -1 && errno == EINVAL);
	CHECK(fcntl(1, F_GETFL) == O_WRONLY && fcntl(0, F_GETFL) == O_RDONLY);
	CHECK(close(fd) == 0 && mf[0].closed == 1);
	for (int bad = 0; bad < 3; bad++) {
		int b = bad == 0 ? fd : bad == 1 ? -1 : 1000;

		errno = 0;
		CHECK(read(b, buf, 1) == -1 && errno == EBADF);
		errno = 0;
		CHECK(write(b, "x", 1) == -1 && errno == EBADF);
		errno = 0;
		CHECK(lseek(b, 0, SEEK_SET) == -1 && errno == EBADF);
		errno = 0;
		CHECK(fstat(b, &st) == -1 && errno == EBADF);
		errno = 0;
		CHECK(close(b) == -1 && errno == EBADF);
		errno = 0;
		CHECK(fcntl(b, F_GETFD) == -1 && errno == EBADF);
		errno = 0;
		CHECK(fsync(b) == -1 && errno == EBADF);
	}
	CHECK(mf[0].closed == 1); /* once, by the one close that owned it */
}

static void duplicates(void)
{
	char buf[16];
	int fd = mf_open(1), d, d2, d3, n, fds[LIBC_FD_MAX];

	CHECK(write(fd, "0123456789", 10) == 10);
	d = dup(fd);
	CHECK(d > fd);
	/* One description: the offset and status flags are shared. */
	CHECK(lseek(d, 2, SEEK_SET) == 2);
	CHECK(read(fd, buf, 3) == 3 && memcmp(buf, "234", 3) == 0);
	CHECK(lseek(d, 0, SEEK_CUR) == 5);
	CHECK(fcntl(d, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
	CHECK(fcntl(fd, F_SETFL, 0) == 0);
	/* FD_CLOEXEC is the descriptor's own. */
	CHECK(fcntl(fd, F_GETFD) == 0);
	CHECK(fcntl(d, F_SETFD, FD_CLOEXEC) == 0);
	CHECK(fcntl(d, F_GETFD) == FD_CLOEXEC && fcntl(fd, F_GETFD) == 0);
	/* Closing one leaves the object open for the other. */
	CHECK(close(fd) == 0 && mf[1].closed == 0);
	CHECK(read(d, buf, 2) == 2 && memcmp(buf, "56", 2) == 0);

	/* dup2: onto a free number, onto an open one (closed first), onto itself. */
	d2 = dup2(d, 20);
	CHECK(d2 == 20 && fcntl(20, F_GETFD) == 0); /* the new descriptor has no FD_CLOEXEC */
	int other = mf_open(2);
	CHECK(dup2(d, other) == other && mf[2].closed == 1);
	CHECK(read(other, buf, 1) == 1 && buf[0] == '7'); /* now the same file as d */
	CHECK(dup2(d, d) == d);
	errno = 0;
	CHECK(dup2(30, 31) == -1 && errno == EBADF); /* 30 is not open */
	errno = 0;
	CHECK(dup2(d, LIBC_FD_MAX) == -1 && errno == EBADF);
	errno = 0;
	CHECK(dup2(d, -1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(dup2(-1, d) == -1 && errno == EBADF);
	/* dup3: not onto itself, only O_CLOEXEC as a flag. */
	errno = 0;
	CHECK(dup3(d, d, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(dup3(d, 21, O_APPEND) == -1 && errno == EINVAL);
	d3 = dup3(d, 21, O_CLOEXEC);
	CHECK(d3 == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC && fcntl(20, F_GETFD) == 0);
	/* F_DUPFD: the lowest free at or above the argument. */
	CHECK(fcntl(d, F_DUPFD, 20) == 22);
	CHECK(fcntl(d, F_DUPFD_CLOEXEC, 10) == 10 && fcntl(10, F_GETFD) == FD_CLOEXEC);
	errno = 0;
	CHECK(fcntl(d, F_DUPFD, LIBC_FD_MAX) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(fcntl(d, F_DUPFD, -1) == -1 && errno == EINVAL);

	/* EMFILE at the table's end, for dup and for a new object alike. */
	n = 0;
	while ((fds[n] = dup(d)) >= 0)
		n++;
	CHECK(errno == EMFILE);
	errno = 0;
	CHECK(fcntl(d, F_DUPFD, 40) == -1 && errno == EMFILE);
	CHECK(mf_open(3) == -EMFILE && mf[3].closed == 0);
	printf("fd_test: %d more descriptors before EMFILE\n", n);
	CHECK(n == LIBC_FD_MAX - 9); /* 0-2, d, other, 10, 20, 21, 22 are open */
	for (int i = 0; i < n; i++)
		close(fds[i]);
	int closes = 0, rest[] = {10, 20, 21, 22, other};

	for (int i = 0; i < 5; i++)
		closes += close(rest[i]) == 0;
	CHECK(closes == 5 && mf[1].closed == 0);
	CHECK(close(d) == 0 && mf[1].closed == 1); /* the last descriptor closes the object */
	CHECK(dup(3) == -1 && errno == EBADF);
}

/* A close() while another thread is inside read() on the same descriptor: the number is free
 * at once, the object stays open until the read is done. */
static void *blocked_reader(void *arg)
{
	char buf[8];

	return (void *)(long)read((int)(long)arg, buf, sizeof(buf));
}

static void close_race(void)
{
	pthread_t t;
	void *res;
	int fd = mf_open(0);

	CHECK(write(fd, "race", 4) == 4 && lseek(fd, 0, SEEK_SET) == 0);
	mf[0].block_reads = true;
	sem_init(&read_gate, 0, 0);
	sem_init(&read_started, 0, 0);
	CHECK(pthread_create(&t, NULL, blocked_reader, (void *)(long)fd) == 0);
	sem_wait(&read_started);
	CHECK(close(fd) == 0);
	CHECK(mf[0].closed == 0); /* still in use by the read */
	errno = 0;
	CHECK(write(fd, "x", 1) == -1 && errno == EBADF);
	int again = mf_open(1);
	CHECK(again == fd); /* the number is free already */
	sem_post(&read_gate);
	CHECK(pthread_join(t, &res) == 0 && (long)res == 4);
	CHECK(mf[0].closed == 1); /* closed when the read let go */
	close(again);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void polling(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	struct pollfd p[3];
	long long t0;
	fd_set rd, wr;
	struct timeval tv = {0, 200000};
	char buf[8];
	int file = mf_open(2), s = socket(AF_INET, SOCK_DGRAM, 0);

	CHECK(s >= 0);
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(getsockname(s, (struct sockaddr *)&a, &alen) == 0);
	/* A file is ready at once, even beside a socket with nothing to read. */
	p[0] = (struct pollfd){.fd = s, .events = POLLIN};
	p[1] = (struct pollfd){.fd = file, .events = POLLIN | POLLOUT};
	p[2] = (struct pollfd){.fd = STDOUT_FILENO, .events = POLLOUT};
	t0 = now_ms();
	CHECK(poll(p, 3, 5000) == 2);
	CHECK(now_ms() - t0 < 1000);
	CHECK(p[0].revents == 0 && p[1].revents == (POLLIN | POLLOUT) && p[2].revents == POLLOUT);
	/* The socket alone times out; then a datagram makes it ready beside the file. */
	t0 = now_ms();
	CHECK(poll(p, 1, 200) == 0 && now_ms() - t0 >= 200);
	CHECK(sendto(s, "ping", 4, 0, (struct sockaddr *)&a, sizeof(a)) == 4);
	CHECK(poll(p, 2, 5000) == 2 && (p[0].revents & POLLIN) && (p[1].revents & POLLIN));
	CHECK(recv(s, buf, sizeof(buf), 0) == 4);
	/* select: the same, by sets. */
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(s, &rd);
	FD_SET(file, &rd);
	FD_SET(file, &wr);
	CHECK(select((s > file ? s : file) + 1, &rd, &wr, NULL, &tv) == 2);
	CHECK(!FD_ISSET(s, &rd) && FD_ISSET(file, &rd) && FD_ISSET(file, &wr));
	/* A closed descriptor is POLLNVAL, and the others are still looked at. */
	close(file);
	p[1].fd = file;
	p[1].events = POLLIN;
	CHECK(poll(p, 3, 0) == 2 && p[1].revents == POLLNVAL && p[2].revents == POLLOUT);
	/* A socket is a descriptor like the rest: dup shares it, and it is no file. */
	int d = dup(s);
	CHECK(d >= 0 && close(s) == 0);
	CHECK(sendto(d, "pong", 4, 0, (struct sockaddr *)&a, sizeof(a)) == 4);
	CHECK(read(d, buf, sizeof(buf)) == 4 && memcmp(buf, "pong", 4) == 0);
	errno = 0;
	CHECK(lseek(d, 0, SEEK_SET) == -1 && errno == ESPIPE);
	CHECK(close(d) == 0);
}

int main(void)
{
	calls();
	duplicates();
	close_race();
	polling();
	return check_report();
}
