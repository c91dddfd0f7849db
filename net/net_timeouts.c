/* SPDX-License-Identifier: MIT */
/* net_timeouts.c: the records of lwIP's timers (struct sys_timeo), from a store of their own and
 * not from the memory budget: with the budget spent by clients that never read, re-arming a timer
 * found no memory and lwIP asserted, so a remote peer could stop the machine (lwIP patch 0004). */
#include <stdlib.h>

#include <mote/log.h>

#include "lwip/opt.h"
#include "lwip/timeouts.h"
#include "netif/ppp/ppp_opts.h" /* PPP_NUM_TIMEOUTS, which MEMP_NUM_SYS_TIMEOUT counts */
#include "net_internal.h"

/* As many as lwIP's own pool would hold: its cyclic timers, TCP's, and a few one-shot ones. */
#define STORE_RECORDS MEMP_NUM_SYS_TIMEOUT

/* Guarded by lwIP's core lock: lwIP arms and runs every timer with it held. */
static struct sys_timeo store[STORE_RECORDS];
static struct sys_timeo *free_list;
static bool store_ready, overflow_logged;

void *net_timeout_alloc(void)
{
	struct sys_timeo *t;

	if (!store_ready) {
		for (size_t i = 0; i < STORE_RECORDS; i++) {
			store[i].next = free_list;
			free_list = &store[i];
		}
		store_ready = true;
	}
	t = free_list;
	if (t != NULL) {
		free_list = t->next;
		return t;
	}
	/* More timers than lwIP's own limit: still never the budget, which peers can spend. */
	if (!overflow_logged) {
		overflow_logged = true;
		log_warn("net: more than %d lwIP timers at once; the rest come from the heap", STORE_RECORDS);
	}
	return malloc(sizeof(struct sys_timeo));
}

void net_timeout_free(void *p)
{
	struct sys_timeo *t = p;

	if (t >= store && t < store + STORE_RECORDS) {
		t->next = free_list;
		free_list = t;
	} else {
		free(p);
	}
}
