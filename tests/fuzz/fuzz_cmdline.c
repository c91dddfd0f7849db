/* SPDX-License-Identifier: MIT */
/* fuzz_cmdline.c: libFuzzer target for the boot command-line parser. Any bytes must give
 * either a well-formed argv pointing into the line or a terminated, non-empty error. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/cmdline.h>

static int set_level(const char *value, char *err, size_t errlen)
{
	if (value && (strcmp(value, "info") == 0 || strcmp(value, "debug") == 0))
		return 0;
	strncpy(err, "want info or debug", errlen);
	return -EINVAL;
}

static int set_flag(const char *value, char *err, size_t errlen) { return value ? -EINVAL : 0; }

static int set_any(const char *value, char *err, size_t errlen) { return 0; }

/* A setter that fills the whole reason buffer without a terminator. */
static int set_rude(const char *value, char *err, size_t errlen)
{
	if (value && value[0] == 'x') {
		memset(err, 'r', errlen);
		return -EINVAL;
	}
	return 0;
}

/* Fallbacks (CMDLINE_OPTION_FALLBACK) on both sides of the ordinary entries: one shadowed by
 * an ordinary "mote.flag", one that answers for a name of its own. */
static const struct cmdline_option opts[] = {
        {"mote.flag", NULL, set_any, .fallback = 1},
        {"mote.log", "log level", set_level},
        {"mote.flag", NULL, set_flag},
        {"net.ip", "", set_any},
        {"a", "a short one", set_rude},
        {"virtio_mmio.device", "", set_any, .fallback = 1},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char prog[] = "fuzz";
	struct cmdline_result res;
	char err[CMDLINE_ERR_MAX];
	/* The first byte picks an error-buffer size, tiny ones included. */
	size_t errlen = size ? (size_t)data[0] % (sizeof(err) + 1) : sizeof(err);
	char *line = malloc(size + 1);
	int ret;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	memset(err, 0x7f, sizeof(err));
	ret = cmdline_parse(line, prog, opts, sizeof(opts) / sizeof(opts[0]), &res, err, errlen);
	if (ret == 0) {
		if (res.argc < 1 || res.argc > CMDLINE_MAX_ARGS || res.argv[0] != prog || res.argv[res.argc])
			abort();
		for (int i = 1; i < res.argc; i++) {
			char *a = res.argv[i];

			if (!a || a < line || a > line + size || a + strlen(a) > line + size)
				abort();
		}
	} else {
		if (ret != -EINVAL && ret != -E2BIG)
			abort();
		if (errlen && (!memchr(err, '\0', errlen) || (errlen > 1 && !err[0])))
			abort();
	}
	/* Nothing may be written past errlen. */
	for (size_t i = errlen; i < sizeof(err); i++)
		if (err[i] != 0x7f)
			abort();
	free(line);
	return 0;
}
