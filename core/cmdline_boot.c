/* SPDX-License-Identifier: MIT */
/* cmdline_boot.c: the boot command line against the image's own option table, the
 * "mote_cmdline" linker section that CMDLINE_OPTION() fills. Kept apart from cmdline.c so
 * host tests and the fuzzer, which have no such section, can link the parser alone. */

#include <stddef.h>

#include <mote/cmdline.h>

/* Defined by the linker script around the "mote_cmdline" section. */
extern const struct cmdline_option __start_mote_cmdline[], __stop_mote_cmdline[];

int cmdline_parse_boot(char *line, const char *prog, struct cmdline_result *out, char *err, size_t errlen)
{
	size_t nopts = (size_t)(__stop_mote_cmdline - __start_mote_cmdline);

	return cmdline_parse(line, prog, __start_mote_cmdline, nopts, out, err, errlen);
}
