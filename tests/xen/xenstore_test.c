/* SPDX-License-Identifier: MIT */
/* xenstore_test.c: the xenstore client from inside a domU: the domain's own name and id,
 * write/read, directory, a transaction, a watch, then the same traffic from several threads at
 * once with a watcher. Needs a toolstack's xenstored (tier 2). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hal/time.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "image_check.h"
#include <mote/xen/xenstore.h>

#define ROUNDS 80

static volatile int workers_done;

struct worker {
	const char *name;
	int prio;
	unsigned rounds, errors;
};

/* Write a value of our own (long, and different each round), read it back, list the folder and
 * run a transaction, ROUNDS times. Any reply that is not ours is an error: before the client
 * copied a reply under its lock, a thread of higher priority could overwrite the shared reply
 * buffer between another's unlock and its copy; the spinner below makes that window likely. */
static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char value[1200], back[1200], key[32], dir[512];
	const char *names[16];

	snprintf(key, sizeof(key), "data/mt/%s", w->name);
	for (unsigned r = 0; r < ROUNDS; r++) {
		back[0] = '\0';
		int len = snprintf(value, 64, "%s-%u-", w->name, r);

		memset(value + len, w->name[0], sizeof(value) - 1 - (size_t)len);
		value[sizeof(value) - 1] = '\0';
		uint32_t tx = 0;

		int wr = xen_xs_write(XEN_XS_NO_TX, key, value);
		int rd = wr == 0 ? xen_xs_read(XEN_XS_NO_TX, key, back, sizeof(back)) : 0;

		if (wr != 0 || rd != (int)strlen(value) || strcmp(back, value) != 0) {
			/* Where the value first differs tells a lost or misframed reply (an error code,
			 * a short read) from bytes changed on the way (zeros in a reply of the right
			 * length). */
			size_t at = 0;

			while (at < sizeof(back) - 1 && back[at] == value[at])
				at++;
			w->errors++;
			printf("xenstore_test: %s round %u: write %d, read %d, read back \"%.24s...\", "
			       "first difference at byte %u (0x%02x, expected 0x%02x)\n",
			       w->name, r, wr, rd, back, (unsigned)at, (unsigned char)back[at],
			       (unsigned char)value[at]);
		}
		int n = xen_xs_directory(XEN_XS_NO_TX, "data/mt", dir, sizeof(dir), names, 16);

		if (n < 1 || n > 2)
			w->errors++;
		if (xen_xs_transaction_start(&tx) != 0 || tx == 0 || xen_xs_transaction_end(tx, 1) != 0)
			w->errors++;
		w->rounds++;
	}
	__atomic_add_fetch(&workers_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Busy between the workers' priorities, so that the low one waits to run after each unlock. */
static void *spinner_run(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&workers_done, __ATOMIC_ACQUIRE) < 2) {
		uint64_t until = hal_clock_monotonic_ns() + 2000000;

		while (hal_clock_monotonic_ns() < until)
			;
		thread_sleep_until(hal_clock_monotonic_ns() + 1000000);
	}
	return NULL;
}

/* Waits for watch events while the workers make requests: the store's event must wake both
 * the request waiting for its reply and this waiter. */
static void *watcher_run(void *arg)
{
	unsigned *events = arg;
	char path[128], token[32];

	while (__atomic_load_n(&workers_done, __ATOMIC_ACQUIRE) < 2) {
		int err = xen_xs_read_watch(path, sizeof(path), token, sizeof(token),
		                            hal_clock_monotonic_ns() + 100000000);

		if (err == 0 && strcmp(token, "mt") == 0)
			(*events)++;
	}
	return NULL;
}

static void concurrent(void)
{
	struct worker low = {.name = "low", .prio = THREAD_PRIO_DEFAULT - 2};
	struct worker high = {.name = "high", .prio = THREAD_PRIO_DEFAULT + 2};
	unsigned events = 0;
	uint64_t start = hal_clock_monotonic_ns();

	CHECK(xen_xs_watch("data/mt", "mt") == 0);
	struct thread *t[4] = {
	        thread_create("xs-watcher", THREAD_PRIO_DEFAULT + 3, watcher_run, &events, 0),
	        thread_create("xs-spin", THREAD_PRIO_DEFAULT + 1, spinner_run, NULL, 0),
	        thread_create("xs-low", low.prio, worker_run, &low, 0),
	        thread_create("xs-high", high.prio, worker_run, &high, 0),
	};

	for (int i = 0; i < 4; i++) {
		CHECK(t[i] != NULL);
		if (t[i])
			thread_join(t[i], NULL);
	}
	CHECK(xen_xs_unwatch("data/mt", "mt") == 0);
	CHECK(low.rounds == ROUNDS && low.errors == 0);
	CHECK(high.rounds == ROUNDS && high.errors == 0);
	CHECK(events > 0);
	printf("xenstore_test: 2 threads x %d rounds at once, %u+%u errors, %u watch events, %llu ms\n",
	       ROUNDS, low.errors, high.errors, events,
	       (unsigned long long)(hal_clock_monotonic_ns() - start) / 1000000);
}

int main(void)
{
	char name[128] = "", domid[16] = "", value[64], dir[512];
	const char *names[16];
	uint32_t tx;

	if (xen_xs_init() == -ENODEV) {
		printf("xenstore_test: no xenstore (dom0 without a toolstack)\n");
		return 1;
	}
	int name_len = xen_xs_read(XEN_XS_NO_TX, "name", name, sizeof(name));
	int domid_len = xen_xs_read(XEN_XS_NO_TX, "domid", domid, sizeof(domid));

	CHECK(name_len > 0);
	CHECK(domid_len > 0);
	/* The boot test reads the name and id from this line: print it only when both came back. */
	if (name_len > 0 && domid_len > 0)
		printf("xenstore_test: I am '%s', domain %s\n", name, domid);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "no/such/key", value, sizeof(value)) == -ENOENT);

	CHECK(xen_xs_write(XEN_XS_NO_TX, "data/mote", "hello") == 0);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "data/mote", value, sizeof(value)) == 5 &&
	      strcmp(value, "hello") == 0);
	CHECK(xen_xs_write(XEN_XS_NO_TX, "data/mote-b", "x") == 0);
	int n = xen_xs_directory(XEN_XS_NO_TX, "data", dir, sizeof(dir), names, 16);
	int listed = 0;

	CHECK(n >= 2);
	for (int i = 0; i < n && i < 16; i++)
		listed += strcmp(names[i], "mote") == 0 || strcmp(names[i], "mote-b") == 0;
	CHECK(listed == 2); /* both keys just written, each once */

	CHECK(xen_xs_transaction_start(&tx) == 0);
	CHECK(xen_xs_write(tx, "data/mote", "in-tx") == 0);
	CHECK(xen_xs_transaction_end(tx, 0) == 0);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "data/mote", value, sizeof(value)) > 0 &&
	      strcmp(value, "in-tx") == 0);
	CHECK(xen_xs_transaction_start(&tx) == 0);
	CHECK(xen_xs_write(tx, "data/mote", "aborted") == 0);
	CHECK(xen_xs_transaction_end(tx, 1) == 0);
	CHECK(xen_xs_read(XEN_XS_NO_TX, "data/mote", value, sizeof(value)) > 0 &&
	      strcmp(value, "in-tx") == 0);

	char path[128], token[32];

	CHECK(xen_xs_watch("data/mote", "tok") == 0);
	CHECK(xen_xs_read_watch(path, sizeof(path), token, sizeof(token), SYNC_FOREVER) == 0); /* initial */
	CHECK(strcmp(token, "tok") == 0);
	CHECK(xen_xs_write(XEN_XS_NO_TX, "data/mote", "changed") == 0);
	CHECK(xen_xs_read_watch(path, sizeof(path), token, sizeof(token), SYNC_FOREVER) == 0);
	CHECK(strstr(path, "data/mote") != NULL);
	CHECK(xen_xs_unwatch("data/mote", "tok") == 0);
	concurrent();
	/* Said only when every check above passed: the boot test takes the line as proof. */
	if (failed == 0)
		printf("xenstore_test: read, write, directory, transactions and a watch work\n");
	return check_report();
}
