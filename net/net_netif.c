/* SPDX-License-Identifier: MIT */
/* net_netif.c: one lwIP interface per netdev (mote/netdev.h). Frames arrive through the
 * netdev's receive callback and are copied into pbufs for the tcpip thread; outgoing pbuf
 * chains go to the driver as segments, without a copy. The glue sees only the netdev class. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hal/time.h>
#include <mote/log.h>
#include <mote/netdev.h>
#include <mote/sync.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "net_internal.h"

#define NET_IF_MAX  NETDEV_MAX
#define TX_SEGS_MAX 32
#define TX_WAIT_NS  (200 * 1000000ull) /* for ring space after -EAGAIN, per attempt */
#define TX_ATTEMPTS 10
#define ETH_HDR_LEN 14

struct net_if {
	struct netif netif;
	struct netdev *dev;
	struct semaphore tx_space; /* posted by the driver's tx_ready */
	bool dhcp;
};

static struct net_if interfaces[NET_IF_MAX];
static unsigned ninterfaces;
static struct netif_ext_callback ext_callback;
static const struct net_config *boot_config;

static void rx(struct netdev *dev, const void *frame, size_t len, unsigned flags)
{
	struct net_if *nif = dev->stack_data;
	struct pbuf *p;

	if (len < ETH_HDR_LEN || len > (size_t)dev->mtu + ETH_HDR_LEN + 4) {
		dev->rx_dropped++;
		return;
	}
	p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
	if (p == NULL) {
		dev->rx_dropped++;
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	if (nif->netif.input(p, &nif->netif) != ERR_OK) {
		pbuf_free(p);
		dev->rx_dropped++;
	}
}

static void link_changed(struct netdev *dev)
{
	struct net_if *nif = dev->stack_data;

	log_info("net: %s link %s", dev->name, dev->link_up ? "up" : "down");
	LOCK_TCPIP_CORE();
	if (dev->link_up)
		netif_set_link_up(&nif->netif);
	else
		netif_set_link_down(&nif->netif);
	UNLOCK_TCPIP_CORE();
}

static void tx_ready(struct netdev *dev)
{
	struct net_if *nif = dev->stack_data;

	semaphore_post(&nif->tx_space);
}

static const struct netdev_stack_ops stack_ops = {
        .receive = rx,
        .link_changed = link_changed,
        .tx_ready = tx_ready,
};

/* lwIP's linkoutput: one whole Ethernet frame, possibly a chain. Runs with the core lock. */
static err_t tx(struct netif *netif, struct pbuf *p)
{
	struct net_if *nif = netif->state;
	struct netdev *dev = nif->dev;
	struct netdev_seg segs[TX_SEGS_MAX];
	struct pbuf *flat = NULL;
	unsigned n = 0;
	int rc = -EIO;

	for (struct pbuf *q = p; q != NULL && n <= TX_SEGS_MAX; q = q->next)
		n++;
	if (n > TX_SEGS_MAX) {
		/* Rare (many small writes queued into one segment): one copy makes it one piece. */
		flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
		if (flat == NULL) {
			dev->tx_dropped++;
			return ERR_MEM;
		}
		p = flat;
	}
	n = 0;
	for (struct pbuf *q = p; q != NULL; q = q->next) {
		if (q->len == 0)
			continue;
		segs[n++] = (struct netdev_seg){q->payload, q->len};
	}
	for (int attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
		rc = dev->ops->transmit(dev, segs, n, 0, 0);
		if (rc != -EAGAIN)
			break;
		semaphore_wait(&nif->tx_space, hal_clock_monotonic_ns() + TX_WAIT_NS);
	}
	if (flat != NULL)
		pbuf_free(flat);
	if (rc < 0) {
		dev->tx_dropped++;
		return rc == -EAGAIN ? ERR_WOULDBLOCK : ERR_IF;
	}
	return ERR_OK;
}

static err_t netif_setup(struct netif *netif)
{
	struct net_if *nif = netif->state;
	struct netdev *dev = nif->dev;

	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, dev->mac, ETH_HWADDR_LEN);
	netif->mtu = dev->mtu;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
	netif->output = etharp_output;
	netif->output_ip6 = ethip6_output;
	netif->linkoutput = tx;
	netif_set_hostname(netif, "mote");
	return ERR_OK;
}

/* Caller holds the tcpip core lock. */
static void apply_dns(void)
{
	for (unsigned i = 0; boot_config != NULL && i < boot_config->ndns; i++) {
		const struct net_addr *a = &boot_config->dns[i];
		ip_addr_t ip;

		if (a->family == 4) {
			IP_ADDR4(&ip, a->bytes[0], a->bytes[1], a->bytes[2], a->bytes[3]);
		} else {
			u32_t w[4];

			memcpy(w, a->bytes, 16);
			IP_ADDR6(&ip, w[0], w[1], w[2], w[3]);
		}
		dns_setserver((u8_t)i, &ip);
	}
}

/* Runs in the tcpip thread (or under its lock) whenever an interface's state changes. */
static void status_changed(struct netif *netif, netif_nsc_reason_t reason,
                           const netif_ext_callback_args_t *args)
{
	char a[IP6ADDR_STRLEN_MAX], m[IP4ADDR_STRLEN_MAX], g[IP4ADDR_STRLEN_MAX];
	struct net_if *nif = netif->state;

	if (netif->state == NULL || netif->linkoutput != tx)
		return; /* the loopback interface */
	/* A static address is set before the interface is set up (when this callback cannot
	 * tell it from loopback yet), so it is reported when the interface comes up. */
	if (reason &
	    (LWIP_NSC_IPV4_ADDRESS_CHANGED | LWIP_NSC_IPV4_SETTINGS_CHANGED | LWIP_NSC_STATUS_CHANGED)) {
		if (!ip4_addr_isany_val(*netif_ip4_addr(netif))) {
			ip4addr_ntoa_r(netif_ip4_addr(netif), a, sizeof(a));
			ip4addr_ntoa_r(netif_ip4_netmask(netif), m, sizeof(m));
			ip4addr_ntoa_r(netif_ip4_gw(netif), g, sizeof(g));
			log_info("net: en%u (%s) IPv4 %s netmask %s gateway %s%s", netif->num, nif->dev->name,
			         a, m, g, nif->dhcp ? " (DHCP lease)" : " (static)");
			/* Servers from net.dns= win over those the lease names. */
			apply_dns();
		}
	}
	if (reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED) {
		s8_t i = args->ipv6_addr_state_changed.addr_index;

		if (ip6_addr_isvalid(netif_ip6_addr_state(netif, i)) &&
		    !ip6_addr_isvalid(args->ipv6_addr_state_changed.old_state)) {
			/* RFC 5952's lower-case text, as inet_ntop writes it (lwIP's is upper-case). */
			inet_ntop(AF_INET6, netif_ip6_addr(netif, i)->addr, a, sizeof(a));
			log_info("net: en%u IPv6 %s%s", netif->num, a,
			         ip6_addr_islinklocal(netif_ip6_addr(netif, i)) ? " (link-local)"
			                                                        : " (SLAAC)");
		}
	}
}

void net_netif_set_dns(const struct net_config *cfg)
{
	char text[48];

	boot_config = cfg;
	LOCK_TCPIP_CORE();
	apply_dns();
	UNLOCK_TCPIP_CORE();
	for (unsigned i = 0; i < cfg->ndns; i++) {
		inet_ntop(cfg->dns[i].family == 4 ? AF_INET : AF_INET6, cfg->dns[i].bytes, text,
		          sizeof(text));
		log_info("net: DNS server %u: %s", i + 1, text);
	}
}

int net_netif_attach(struct netdev *dev, const struct net_config *cfg, bool first)
{
	struct net_if *nif;
	ip4_addr_t ip, mask, gw;
	int rc;

	if (ninterfaces == NET_IF_MAX)
		return -ENOSPC;
	nif = &interfaces[ninterfaces];
	nif->dev = dev;
	sem_init_value(&nif->tx_space, 0);
	const struct net_if_config *ic = ninterfaces < cfg->nif ? &cfg->ifs[ninterfaces] : NULL;

	nif->dhcp = ic == NULL || !ic->static_ip4;
	boot_config = cfg;
	ip4_addr_set_zero(&ip);
	ip4_addr_set_zero(&mask);
	ip4_addr_set_zero(&gw);
	if (!nif->dhcp) {
		IP4_ADDR(&ip, ic->ip4[0], ic->ip4[1], ic->ip4[2], ic->ip4[3]);
		ip4_addr_set_u32(&mask, lwip_htonl((u32_t)(0xffffffffull << (32 - ic->prefix))));
		if (first && cfg->have_gw)
			IP4_ADDR(&gw, cfg->gw[0], cfg->gw[1], cfg->gw[2], cfg->gw[3]);
	}
	dev->stack_data = nif;

	LOCK_TCPIP_CORE();
	if (ninterfaces == 0)
		netif_add_ext_callback(&ext_callback, status_changed);
	if (netif_add(&nif->netif, &ip, &mask, &gw, nif, netif_setup, tcpip_input) == NULL) {
		UNLOCK_TCPIP_CORE();
		return -EIO;
	}
	if (first)
		netif_set_default(&nif->netif);
	netif_create_ip6_linklocal_address(&nif->netif, 1);
	netif_set_ip6_autoconfig_enabled(&nif->netif, 1);
	netif_set_up(&nif->netif);
	UNLOCK_TCPIP_CORE();
	ninterfaces++;

	rc = dev->ops->open(dev, &stack_ops, 0);
	if (rc < 0) {
		log_err("net: %s: cannot open the device (%d)", dev->name, rc);
		return rc;
	}
	LOCK_TCPIP_CORE();
	if (dev->link_up)
		netif_set_link_up(&nif->netif);
	if (nif->dhcp)
		dhcp_start(&nif->netif);
	UNLOCK_TCPIP_CORE();
	log_info("net: en%u on %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, MTU %u, %s", nif->netif.num, dev->name,
	         dev->mac[0], dev->mac[1], dev->mac[2], dev->mac[3], dev->mac[4], dev->mac[5], dev->mtu,
	         nif->dhcp ? "DHCP" : "static IPv4");
	return 0;
}

bool net_netif_all_bound(void)
{
	bool bound = true;

	LOCK_TCPIP_CORE();
	for (unsigned i = 0; i < ninterfaces; i++) {
		if (interfaces[i].dhcp && interfaces[i].dev->link_up &&
		    !dhcp_supplied_address(&interfaces[i].netif))
			bound = false;
	}
	UNLOCK_TCPIP_CORE();
	return bound;
}
