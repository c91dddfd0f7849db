/* SPDX-License-Identifier: MIT */
/* fuzz_net_config.c: libFuzzer target for the net.ip, net.gw and net.dns parsers. Any value
 * must be accepted into a consistent configuration or rejected with a terminated reason that
 * leaves the configuration as it was. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../net/net_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_config cfg, before;
	char err[64];
	char *value;
	int rc;

	if (size == 0)
		return 0;
	value = malloc(size);
	memcpy(value, data + 1, size - 1);
	value[size - 1] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	before = cfg;
	memset(err, 'x', sizeof(err));
	switch (data[0] % 3) {
	case 0:
		rc = net_config_set_ip(&cfg, value, err, sizeof(err));
		assert(rc != 0 || (cfg.nif >= 1 && cfg.nif <= NET_IF_CFG_MAX));
		for (unsigned i = 0; rc == 0 && i < cfg.nif; i++)
			assert(!cfg.ifs[i].static_ip4 ||
			       (cfg.ifs[i].prefix >= 1 && cfg.ifs[i].prefix <= 32 && cfg.ifs[i].ip4[0] != 0 &&
			        cfg.ifs[i].ip4[0] != 127 && cfg.ifs[i].ip4[0] < 224));
		break;
	case 1:
		rc = net_config_set_gw(&cfg, value, err, sizeof(err));
		break;
	default:
		rc = net_config_set_dns(&cfg, value, err, sizeof(err));
		assert(rc != 0 || (cfg.ndns >= 1 && cfg.ndns <= NET_DNS_MAX));
		for (unsigned i = 0; rc == 0 && i < cfg.ndns; i++)
			assert(cfg.dns[i].family == 4 || cfg.dns[i].family == 6);
		break;
	}
	if (rc != 0) {
		assert(memchr(err, '\0', sizeof(err)) != NULL);
		assert(memcmp(&cfg, &before, sizeof(cfg)) == 0);
	}
	free(value);
	return 0;
}
