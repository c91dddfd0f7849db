/* SPDX-License-Identifier: MIT */
/* test_net_config.c: the net.ip, net.gw and net.dns parsers and the address forms they read. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "net_config.h"

static int ip4_ok(const char *s, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	uint8_t out[4];

	return net_parse_ip4(s, out) == 0 && out[0] == a && out[1] == b && out[2] == c && out[3] == d;
}

static int ip6_is(const char *s, const char *hex)
{
	uint8_t out[16];
	char text[33];

	if (net_parse_ip6(s, out) != 0)
		return 0;
	for (int i = 0; i < 16; i++)
		sprintf(text + 2 * i, "%02x", out[i]);
	return strcmp(text, hex) == 0;
}

static void test_ip4(void)
{
	static const char *bad[] = {"",         "1",      "1.2.3",      "1.2.3.4.5", "256.1.1.1",
	                            "1.2.3.04", "1..2.3", "1.2.3.4 ",   " 1.2.3.4",  "a.b.c.d",
	                            "1.2.3.",   ".1.2.3", "1.2.3.1000", "01.2.3.4",  "1.2.3.-4"};
	uint8_t out[4] = {9, 9, 9, 9};

	CHECK(ip4_ok("10.0.2.15", 10, 0, 2, 15));
	CHECK(ip4_ok("0.0.0.0", 0, 0, 0, 0));
	CHECK(ip4_ok("255.255.255.255", 255, 255, 255, 255));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ(net_parse_ip4(bad[i], out), -EINVAL);
		CHECK(out[0] == 9); /* untouched on error */
	}
}

static void test_ip6(void)
{
	static const char *bad[] = {"",
	                            ":",
	                            ":::",
	                            "1:2:3:4:5:6:7",
	                            "1:2:3:4:5:6:7:8:9",
	                            "1::2::3",
	                            "12345::",
	                            "g::",
	                            "1:2:3:4:5:6:7:",
	                            ":1:2:3:4:5:6:7",
	                            "::1.2.3",
	                            "1:2:3:4:5:6:7:1.2.3.4",
	                            "::1 "};
	uint8_t out[16];

	CHECK(ip6_is("::", "00000000000000000000000000000000"));
	CHECK(ip6_is("::1", "00000000000000000000000000000001"));
	CHECK(ip6_is("fe80::1", "fe800000000000000000000000000001"));
	CHECK(ip6_is("2001:DB8::ff00:42:8329", "20010db8000000000000ff0000428329"));
	CHECK(ip6_is("1:2:3:4:5:6:7:8", "00010002000300040005000600070008"));
	CHECK(ip6_is("1::", "00010000000000000000000000000000"));
	CHECK(ip6_is("::ffff:10.0.2.2", "00000000000000000000ffff0a000202"));
	CHECK(ip6_is("1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(net_parse_ip6(bad[i], out), -EINVAL);
}

static void test_options(void)
{
	struct net_config cfg = {0};
	char err[160];

	CHECK_EQ(net_config_set_ip(&cfg, "10.0.2.15/24", err, sizeof(err)), 0);
	CHECK(cfg.nif == 1 && cfg.ifs[0].static_ip4 && cfg.ifs[0].prefix == 24 && cfg.ifs[0].ip4[0] == 10 &&
	      cfg.ifs[0].ip4[3] == 15);
	CHECK_EQ(net_config_set_ip(&cfg, "dhcp,192.168.7.2/30,10.1.1.1/8", err, sizeof(err)), 0);
	CHECK(cfg.nif == 3 && !cfg.ifs[0].static_ip4 && cfg.ifs[1].static_ip4 && cfg.ifs[1].prefix == 30 &&
	      cfg.ifs[2].prefix == 8 && cfg.ifs[2].ip4[0] == 10);
	CHECK_EQ(net_config_set_ip(&cfg, "dhcp", err, sizeof(err)), 0);
	CHECK(cfg.nif == 1 && !cfg.ifs[0].static_ip4);
	CHECK_EQ(net_config_set_ip(&cfg, "dhcp,dhcp,dhcp,dhcp,dhcp", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "at most 4") != NULL);
	static const char *bad_ip[] = {"10.0.2.15",    "10.0.2.15/", "10.0.2.15/33", "10.0.2.15/0",
	                               "10.0.2.15/2a", "/24",        "10.0.2/24",    "10.0.2.15/024",
	                               "DHCP",         "dhcp,",      ",dhcp",        "10.0.2.15/24,,dhcp",
	                               "10.0.2.15/24 "};
	for (size_t i = 0; i < sizeof(bad_ip) / sizeof(bad_ip[0]); i++) {
		err[0] = '\0';
		CHECK_EQ(net_config_set_ip(&cfg, bad_ip[i], err, sizeof(err)), -EINVAL);
		CHECK(strstr(err, bad_ip[i]) != NULL && strstr(err, "10.0.2.15/24") != NULL);
	}
	CHECK(cfg.nif == 1 && !cfg.ifs[0].static_ip4); /* unchanged by the rejected values */
	CHECK_EQ(net_config_set_ip(&cfg, NULL, err, sizeof(err)), -EINVAL);
}

/* Well-formed addresses that no host can have: rejected with the reason, the entry named. */
static void test_unusable_ip(void)
{
	static const struct {
		const char *value, *entry, *reason;
	} bad[] = {
	        {"0.0.0.0/24", "0.0.0.0/24", "'this host on this network'"},
	        {"0.1.2.3/8", "0.1.2.3/8", "'this host on this network'"},
	        {"255.255.255.255/32", "255.255.255.255/32", "limited broadcast"},
	        {"127.0.0.1/8", "127.0.0.1/8", "loopback"},
	        {"224.0.0.1/24", "224.0.0.1/24", "multicast"},
	        {"239.255.255.250/32", "239.255.255.250/32", "multicast"},
	        {"240.0.0.1/24", "240.0.0.1/24", "reserved"},
	        {"10.0.2.0/24", "10.0.2.0/24", "network address"},
	        {"10.0.2.255/24", "10.0.2.255/24", "broadcast address"},
	        {"10.255.255.255/8", "10.255.255.255/8", "broadcast address"},
	        {"192.168.7.4/30", "192.168.7.4/30", "network address"},
	        {"192.168.7.7/30", "192.168.7.7/30", "broadcast address"},
	        {"dhcp,10.0.0.2/24,10.0.0.0/24", "10.0.0.0/24", "network address"},
	};
	struct net_config cfg = {0};
	char err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char entry[64];

		err[0] = '\0';
		snprintf(entry, sizeof(entry), "'%s' is not a usable address: ", bad[i].entry);
		CHECK_EQ(net_config_set_ip(&cfg, bad[i].value, err, sizeof(err)), -EINVAL);
		CHECK(strstr(err, entry) != NULL && strstr(err, bad[i].reason) != NULL);
	}
	CHECK(cfg.nif == 0); /* nothing taken from the rejected values */
	/* The edges that are hosts: /31 and /32 have no network or broadcast address. */
	static const char *good[] = {"10.0.2.1/24",        "10.0.2.254/24",    "192.168.7.5/30",
	                             "192.168.7.6/30",     "10.0.0.0/31",      "10.0.0.1/31",
	                             "10.0.2.0/32",        "10.0.2.255/32",    "1.0.0.1/8",
	                             "223.255.255.254/24", "126.255.255.254/8"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_EQ(net_config_set_ip(&cfg, good[i], err, sizeof(err)), 0);
	CHECK(cfg.nif == 1 && cfg.ifs[0].prefix == 8 && cfg.ifs[0].ip4[0] == 126);

	static const char *bad_gw[] = {"0.0.0.0", "255.255.255.255", "127.0.0.1", "224.0.0.1", "250.1.1.1"};
	for (size_t i = 0; i < sizeof(bad_gw) / sizeof(bad_gw[0]); i++) {
		CHECK_EQ(net_config_set_gw(&cfg, bad_gw[i], err, sizeof(err)), -EINVAL);
		CHECK(strstr(err, "is not a usable gateway") != NULL && strstr(err, bad_gw[i]) != NULL);
	}
	CHECK(!cfg.have_gw);
}

static void test_other_options(void)
{
	struct net_config cfg = {0};
	char err[160];

	CHECK_EQ(net_config_set_gw(&cfg, "10.0.2.2", err, sizeof(err)), 0);
	CHECK(cfg.have_gw && cfg.gw[3] == 2);
	CHECK_EQ(net_config_set_gw(&cfg, "10.0.2", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "'10.0.2' is not an IPv4 address") != NULL);

	CHECK_EQ(net_config_set_dns(&cfg, "10.0.2.3", err, sizeof(err)), 0);
	CHECK(cfg.ndns == 1 && cfg.dns[0].family == 4 && cfg.dns[0].bytes[3] == 3);
	CHECK_EQ(net_config_set_dns(&cfg, "1.1.1.1,2606:4700::1111", err, sizeof(err)), 0);
	CHECK(cfg.ndns == 2 && cfg.dns[1].family == 6 && cfg.dns[1].bytes[0] == 0x26);
	CHECK_EQ(net_config_set_dns(&cfg, "1.1.1.1,8.8.8.8,9.9.9.9", err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "at most 2") != NULL);
	CHECK(cfg.ndns == 2); /* a rejected value leaves the previous one */
	static const char *bad_dns[] = {"", ",", "1.1.1.1,", ",1.1.1.1", "1.1.1", "example.org"};
	for (size_t i = 0; i < sizeof(bad_dns) / sizeof(bad_dns[0]); i++)
		CHECK_EQ(net_config_set_dns(&cfg, bad_dns[i], err, sizeof(err)), -EINVAL);
	/* A tiny reason buffer still gets a terminated (cut) reason. */
	CHECK_EQ(net_config_set_gw(&cfg, "x", err, 8), -EINVAL);
	CHECK(strlen(err) == 7);
}

int main(void)
{
	test_ip4();
	test_ip6();
	test_options();
	test_unusable_ip();
	test_other_options();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}
