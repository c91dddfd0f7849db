/* SPDX-License-Identifier: MIT */
/* net_init.c: the network stack's start before main() (an INIT_HOOK, mote/init.h) in every
 * image that links mote_net, and its boot options: net.ip, net.gw, net.dns, net.wait. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <hal/time.h>
#include <mote/cmdline.h>
#include <mote/init.h>
#include <mote/log.h>
#include <mote/netdev.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "lwip/init.h"
#include "lwip/tcpip.h"
#include "net_internal.h"

static struct net_config config;
static unsigned wait_ms = 5000; /* for DHCP leases before main() */

static int set_ip(const char *v, char *err, size_t errlen)
{
	return net_config_set_ip(&config, v, err, errlen);
}
static int set_gw(const char *v, char *err, size_t errlen)
{
	return net_config_set_gw(&config, v, err, errlen);
}
static int set_dns(const char *v, char *err, size_t errlen)
{
	return net_config_set_dns(&config, v, err, errlen);
}

static int set_wait(const char *v, char *err, size_t errlen)
{
	char *end;
	unsigned long ms = v != NULL ? strtoul(v, &end, 10) : 0;

	if (v == NULL || *v == '\0' || *end != '\0' || ms > 600000) {
		snprintf(err, errlen, "'%s' is not a number of milliseconds (0-600000)", v != NULL ? v : "");
		return -EINVAL;
	}
	wait_ms = (unsigned)ms;
	return 0;
}

CMDLINE_OPTION(net_ip, "net.ip", set_ip, "net.ip=dhcp|A.B.C.D/N[,...], one per interface");
CMDLINE_OPTION(net_gw, "net.gw", set_gw, "net.gw=A.B.C.D, with a static net.ip");
CMDLINE_OPTION(net_dns, "net.dns", set_dns, "net.dns=ADDR[,ADDR], IPv4 or IPv6");
CMDLINE_OPTION(net_wait, "net.wait", set_wait, "net.wait=MS: wait for DHCP before main()");

static void tcpip_ready(void *arg) { semaphore_post(arg); }

static void net_start(void)
{
	struct semaphore ready;
	unsigned n = netdev_count(), attached = 0;
	uint64_t deadline;

	net_mem_init();
	net_random_seed();
	sem_init_value(&ready, 0);
	tcpip_init(tcpip_ready, &ready);
	semaphore_wait(&ready, SYNC_FOREVER);
	if (config.ndns > 0)
		net_netif_set_dns(&config);

	if (config.have_gw && (config.nif == 0 || !config.ifs[0].static_ip4))
		log_warn("net: net.gw is used only with a static net.ip; DHCP supplies the gateway");
	for (unsigned i = 0; i < n; i++) {
		if (net_netif_attach(netdev_get(i), &config, attached == 0) == 0)
			attached++;
	}
	log_info("net: lwIP %s, %u of %u interfaces up, memory budget %zu KiB, TCP window %u KiB",
	         LWIP_VERSION_STRING, attached, n, net_mem_budget() >> 10, (unsigned)(net_tcp_wnd >> 10));
	if (attached == 0)
		return;
	/* An application's first connect() should not race the lease; servers lose nothing. */
	deadline = hal_clock_monotonic_ns() + (uint64_t)wait_ms * 1000000u;
	while (!net_netif_all_bound()) {
		if (hal_clock_monotonic_ns() >= deadline) {
			log_warn("net: no DHCP lease after %u ms; main() starts, the lease may follow",
			         wait_ms);
			break;
		}
		thread_sleep_until(hal_clock_monotonic_ns() + 5000000u);
	}
}
INIT_HOOK(net, "net", INIT_LEVEL_NETWORK, net_start);

/* Images link mote_net with -u net_linked (net/CMakeLists.txt), which pulls this file, and so
 * the hook and the options above, out of the archive. */
const char net_linked[] = "lwIP";
