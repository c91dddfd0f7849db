/* SPDX-License-Identifier: MIT */
/* net_mem.c: lwIP's memory (its heap and every pool, MEMP_MEM_MALLOC) from malloc within a
 * budget sized from the machine's RAM, so a flood of packets or connections makes lwIP drop
 * and refuse, not exhaust the memory the application needs. */
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>
#include <mote/mm.h>
#include <mote/thread.h>

#include "lwip/opt.h"
#include "net_internal.h"

/* Each block carries its size in front, so free can give it back to the budget; 16 bytes keep
 * the payload aligned as malloc's is. */
struct block {
	size_t size;
	size_t pad;
};

static size_t budget, in_use, peak;
static unsigned long refused;

/* TCP's receive window and send buffer (lwipopts.h), set here before the first connection. */
uint32_t net_tcp_wnd, net_tcp_snd_buf;
uint16_t net_tcp_snd_queuelen;
int net_tcp_recvmbox_size = 64;

void net_mem_init(void)
{
	size_t total = mm_total_bytes();

	/* A quarter of RAM, but at least 512 KiB so a 2-4 MiB image can still hold a few TCP
	 * windows, and at most 64 MiB, past which lwIP's fixed socket count is the limit. */
	budget = total / 4;
	if (budget < 512 * 1024)
		budget = 512 * 1024;
	if (budget > 64u * 1024 * 1024)
		budget = 64u * 1024 * 1024;

	/* One connection's window and send buffer: a sixteenth of the budget each, whole segments,
	 * so a transfer keeps the link busy on a large machine (1 MiB from about 66 MiB of RAM) and
	 * the windows of five connections whose peers never read, full both ways with the pbufs'
	 * overhead, still leave a third of a small machine's budget for everyone else. With an
	 * eighth, five such peers spent all of it at -m 4M and the guest served no one
	 * (kvm.hostile-net-nonreading-echo-4M). */
	size_t wnd = budget / 16 / TCP_MSS * TCP_MSS;

	if (wnd < NET_TCP_WND_MIN)
		wnd = NET_TCP_WND_MIN;
	if (wnd > NET_TCP_WND_MAX)
		wnd = NET_TCP_WND_MAX;
	net_tcp_wnd = net_tcp_snd_buf = (uint32_t)wnd;
	/* As lwIP's default: room for segments smaller than the MSS (small writes). */
	net_tcp_snd_queuelen = (uint16_t)(4 * wnd / TCP_MSS);
	/* Received segments queued for a socket: a window of full ones twice over (each entry is one
	 * pointer, from the heap with the socket, not from the budget). */
	if (2 * wnd / TCP_MSS > 64)
		net_tcp_recvmbox_size = (int)(2 * wnd / TCP_MSS);
}

size_t net_mem_budget(void) { return budget; }

static bool charge(size_t n)
{
	bool ok;

	sched_preempt_disable();
	ok = in_use + n <= budget;
	if (ok) {
		in_use += n;
		if (in_use > peak)
			peak = in_use;
	} else {
		refused++;
	}
	sched_preempt_enable();
	return ok;
}

static void uncharge(size_t n)
{
	sched_preempt_disable();
	in_use -= n;
	sched_preempt_enable();
}

void *net_mem_malloc(size_t size)
{
	struct block *b;

	if (size > budget || !charge(size))
		return NULL;
	b = malloc(sizeof(*b) + size);
	if (b == NULL) {
		uncharge(size);
		return NULL;
	}
	b->size = size;
	return b + 1;
}

void *net_mem_calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > (size_t)-1 / size)
		return NULL;
	p = net_mem_malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void net_mem_free(void *p)
{
	struct block *b;

	if (p == NULL)
		return;
	b = (struct block *)p - 1;
	uncharge(b->size);
	free(b);
}

/* Above three quarters of the budget, memory is short: lwIP then frees the oldest TIME-WAIT
 * connections (LWIP_HOOK_TCP_MEM_PRESSURE) so that the next SYN's frame still finds memory. A
 * TIME-WAIT pcb only guards against stray segments of a closed connection; at -m 4M a few thousand
 * of them would otherwise hold the whole budget for their two minutes. Called by the tcpip thread
 * with the core lock held. */
int net_mem_pressure(void) { return in_use > budget - budget / 4; }

/* The receive buffer of a datagram socket (lwIP's recv_bufsize): an eighth of the budget, so a
 * flood at a port whose reader is slow holds at most that much, but at least one datagram of the
 * largest size IPv4 carries, 65,507 bytes. */
int net_mem_udp_rcvbuf(void)
{
	size_t n = budget / 8;

	return n < 65536 ? 65536 : (int)n;
}

void net_mem_report(void)
{
	log_info("net: memory %zu KiB in use, peak %zu KiB of %zu KiB, %lu allocations refused", in_use >> 10,
	         peak >> 10, budget >> 10, refused);
}
