/* SPDX-License-Identifier: MIT */
/* net_internal.h: what net/'s files share: memory budget, the port's helpers and the
 * interfaces' glue. Not for use outside net/. */
#ifndef NET_INTERNAL_H
#define NET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "net_config.h"

struct netdev;

void net_mem_init(void);
size_t net_mem_budget(void);
void *net_mem_malloc(size_t size);
void *net_mem_calloc(size_t n, size_t size);
void net_mem_free(void *p);
void net_mem_report(void);

void net_random_seed(void);

/* Bring up an lwIP interface on dev: IPv4 from the next entry of cfg->ifs (DHCP past the
 * end); IPv6 link-local and SLAAC always. `first` makes it the default route.
 * 0 or a negative errno. Thread context, tcpip thread running. */
int net_netif_attach(struct netdev *dev, const struct net_config *cfg, bool first);
/* Use the DNS servers of cfg (net.dns), now and after every DHCP lease, which would name its
 * own. Thread context, tcpip thread running. */
void net_netif_set_dns(const struct net_config *cfg);
/* Whether every interface running DHCP has an address. */
bool net_netif_all_bound(void);

#endif
