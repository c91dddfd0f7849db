/* SPDX-License-Identifier: MIT */
/* net_config.c: parsers for the net.* boot options. They see text from outside the image, so
 * every malformed value is an error naming what was expected, never an assumption. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/parse.h>

#include "net_config.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Dotted quad, decimal only, no leading zeros (which some parsers read as octal). */
int net_parse_ip4(const char *s, uint8_t out[4])
{
	uint8_t a[4];

	for (int i = 0; i < 4; i++) {
		unsigned v = 0;
		int digits = 0;

		if (i > 0 && *s++ != '.')
			return -EINVAL;
		while (is_digit(*s)) {
			if (digits > 0 && v == 0)
				return -EINVAL;
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return -EINVAL;
		}
		if (digits == 0)
			return -EINVAL;
		a[i] = (uint8_t)v;
	}
	if (*s != '\0')
		return -EINVAL;
	memcpy(out, a, 4);
	return 0;
}

/* RFC 4291 §2.2 text forms: eight groups of 1-4 hex digits, one "::" standing for one or more
 * zero groups, and an optional dotted quad as the last 32 bits. */
int net_parse_ip6(const char *s, uint8_t out[16])
{
	uint16_t g[8];
	int n = 0, gap = -1;

	if (s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	} else if (*s == ':') {
		return -EINVAL;
	}
	while (*s != '\0') {
		unsigned v = 0;
		int digits = 0;
		const char *start = s;

		if (n == 8)
			return -EINVAL;
		while (parse_hex_digit(*s) >= 0 && digits < 5) {
			v = v * 16 + (unsigned)parse_hex_digit(*s++);
			digits++;
		}
		if (*s == '.' && n <= 6) {
			uint8_t q[4];

			if (net_parse_ip4(start, q) < 0)
				return -EINVAL;
			g[n++] = (uint16_t)(q[0] << 8 | q[1]);
			g[n++] = (uint16_t)(q[2] << 8 | q[3]);
			s += strlen(s);
			break;
		}
		if (digits == 0 || digits > 4)
			return -EINVAL;
		g[n++] = (uint16_t)v;
		if (*s == '\0')
			break;
		if (*s++ != ':')
			return -EINVAL;
		if (*s == ':') {
			if (gap >= 0)
				return -EINVAL;
			gap = n;
			s++;
		} else if (*s == '\0') {
			return -EINVAL; /* a trailing single colon */
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return -EINVAL;
	uint16_t full[8] = {0};
	int tail = gap < 0 ? 0 : n - gap;
	for (int i = 0; i < n - tail; i++)
		full[i] = g[i];
	for (int i = 0; i < tail; i++)
		full[8 - tail + i] = g[gap + i];
	for (int i = 0; i < 8; i++) {
		out[2 * i] = (uint8_t)(full[i] >> 8);
		out[2 * i + 1] = (uint8_t)full[i];
	}
	return 0;
}

/* Why an IPv4 address cannot be a host's own (or a gateway's), or NULL when it can: the
 * special-purpose blocks of RFC 6890 that never name one host on a link. */
static const char *ip4_unusable(const uint8_t a[4])
{
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "255.255.255.255 is the limited broadcast address";
	if (a[0] == 0)
		return "0.0.0.0/8 means 'this host on this network' (RFC 1122), not an address";
	if (a[0] == 127)
		return "127.0.0.0/8 is the loopback network, which the image has already";
	if (a[0] >= 224 && a[0] < 240)
		return "224.0.0.0/4 is multicast";
	if (a[0] >= 240)
		return "240.0.0.0/4 is reserved (RFC 1112)";
	return NULL;
}

/* As ip4_unusable, and also the prefix's network and broadcast addresses: those exist on
 * prefixes up to /30; /31 (RFC 3021, point to point) and /32 (a host route, as some clouds
 * hand out with a gateway) have none. */
static const char *ip4_host_unusable(const uint8_t a[4], unsigned prefix)
{
	const char *why = ip4_unusable(a);
	uint32_t ip = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	uint32_t host = prefix >= 32 ? 0 : 0xffffffffu >> prefix;

	if (why != NULL || prefix > 30)
		return why;
	if ((ip & host) == 0)
		return "it is the network address of its prefix (host part all zeros)";
	if ((ip & host) == host)
		return "it is the broadcast address of its prefix (host part all ones)";
	return NULL;
}

static int parse_if_entry(const char *v, size_t len, struct net_if_config *out, const char **why)
{
	char addr[16];
	const char *slash = memchr(v, '/', len);
	size_t alen;
	unsigned prefix = 0;

	if (len == 4 && memcmp(v, "dhcp", 4) == 0) {
		*out = (struct net_if_config){.static_ip4 = false};
		return 0;
	}
	if (slash == NULL)
		return -EINVAL;
	alen = (size_t)(slash - v);
	if (alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	if (net_parse_ip4(addr, out->ip4) < 0)
		return -EINVAL;
	/* One or two digits, no leading zero. */
	size_t plen = len - alen - 1;
	if (plen < 1 || plen > 2 || (plen == 2 && slash[1] == '0'))
		return -EINVAL;
	for (size_t i = 1; i <= plen; i++) {
		if (!is_digit(slash[i]))
			return -EINVAL;
		prefix = prefix * 10 + (unsigned)(slash[i] - '0');
	}
	if (prefix < 1 || prefix > 32)
		return -EINVAL;
	*why = ip4_host_unusable(out->ip4, prefix);
	if (*why != NULL)
		return -EINVAL;
	out->prefix = prefix;
	out->static_ip4 = true;
	return 0;
}

int net_config_set_ip(struct net_config *cfg, const char *value, char *err, size_t errlen)
{
	struct net_if_config ifs[NET_IF_CFG_MAX];
	unsigned n = 0;
	const char *p = value;

	if (value == NULL || *value == '\0')
		goto bad;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (n == NET_IF_CFG_MAX) {
			snprintf(err, errlen, "at most %d interfaces", NET_IF_CFG_MAX);
			return -EINVAL;
		}
		const char *why = NULL;

		if (parse_if_entry(p, len, &ifs[n], &why) < 0) {
			if (why == NULL)
				goto bad;
			snprintf(err, errlen, "'%.*s' is not a usable address: %s",
			         (int)(len < 64 ? len : 64), p, why);
			return -EINVAL;
		}
		n++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	memcpy(cfg->ifs, ifs, n * sizeof(ifs[0]));
	cfg->nif = n;
	return 0;
bad:
	snprintf(err, errlen,
	         "'%s' is not dhcp or an address/prefix like 10.0.2.15/24 (comma-separated per interface)",
	         value != NULL ? value : "");
	return -EINVAL;
}

int net_config_set_gw(struct net_config *cfg, const char *value, char *err, size_t errlen)
{
	uint8_t gw[4];

	if (value == NULL || net_parse_ip4(value, gw) < 0) {
		snprintf(err, errlen, "'%s' is not an IPv4 address (10.0.2.2)", value != NULL ? value : "");
		return -EINVAL;
	}
	const char *why = ip4_unusable(gw);
	if (why != NULL) {
		snprintf(err, errlen, "'%s' is not a usable gateway: %s", value, why);
		return -EINVAL;
	}
	memcpy(cfg->gw, gw, 4);
	cfg->have_gw = true;
	return 0;
}

int net_config_set_dns(struct net_config *cfg, const char *value, char *err, size_t errlen)
{
	struct net_addr dns[NET_DNS_MAX];
	unsigned n = 0;
	const char *p = value;

	if (value == NULL || *value == '\0')
		goto bad;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char word[48];

		if (n == NET_DNS_MAX) {
			snprintf(err, errlen, "at most %d DNS servers", NET_DNS_MAX);
			return -EINVAL;
		}
		if (len == 0 || len >= sizeof(word))
			goto bad;
		memcpy(word, p, len);
		word[len] = '\0';
		memset(&dns[n], 0, sizeof(dns[n]));
		if (net_parse_ip4(word, dns[n].bytes) == 0)
			dns[n].family = 4;
		else if (net_parse_ip6(word, dns[n].bytes) == 0)
			dns[n].family = 6;
		else
			goto bad;
		n++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	memcpy(cfg->dns, dns, sizeof(dns));
	cfg->ndns = n;
	return 0;
bad:
	snprintf(err, errlen, "'%s' is not a comma-separated list of IPv4 or IPv6 addresses",
	         value != NULL ? value : "");
	return -EINVAL;
}
