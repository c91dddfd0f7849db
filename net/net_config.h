/* SPDX-License-Identifier: MIT */
/* net_config.h: the network settings from the boot command line (net.ip, net.gw, net.dns) and
 * their parsers: pure code, unit-tested on the host and fuzzed (tests/unit, tests/fuzz). */
#ifndef NET_CONFIG_H
#define NET_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_addr.h" /* net_parse_ip4(), net_parse_ip6() */

#define NET_DNS_MAX    2
#define NET_IF_CFG_MAX 4 /* interfaces net.ip can name */

struct net_addr {
	int family;        /* 4 or 6 */
	uint8_t bytes[16]; /* network order; the first 4 for IPv4 */
};

/* One interface's IPv4 setting: DHCP unless static. */
struct net_if_config {
	bool static_ip4;
	uint8_t ip4[4];
	unsigned prefix; /* 1-32 when static */
};

struct net_config {
	unsigned nif; /* entries of net.ip, in netdev registration order; the rest use DHCP */
	struct net_if_config ifs[NET_IF_CFG_MAX];
	bool have_gw; /* the default route, through the first interface */
	uint8_t gw[4];
	unsigned ndns;
	struct net_addr dns[NET_DNS_MAX];
};

/* Apply one option's value to cfg: 0, or -EINVAL with a reason in err (errlen bytes).
 * net.ip: up to NET_IF_CFG_MAX comma-separated entries, one per interface, each "dhcp" or
 * A.B.C.D/N (N 1-32) where A.B.C.D can be a host's address: not in 0/8, 127/8, 224/4 or
 * 240/4 (255.255.255.255 included), and for N up to 30 not the prefix's network or broadcast
 * address; net.gw: A.B.C.D, not in those four blocks; net.dns: up to NET_DNS_MAX IPv4 or IPv6
 * addresses separated by commas. */
int net_config_set_ip(struct net_config *cfg, const char *value, char *err, size_t errlen);
int net_config_set_gw(struct net_config *cfg, const char *value, char *err, size_t errlen);
int net_config_set_dns(struct net_config *cfg, const char *value, char *err, size_t errlen);

#endif
