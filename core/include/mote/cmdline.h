/* SPDX-License-Identifier: MIT */
/* mote/cmdline.h: the boot command line. Kernel options (mote.*, net.*, fs.* ...) come first,
 * then "--", then the application's arguments. Options are declared where they are used, with
 * CMDLINE_OPTION(), and gathered in a linker section; an unknown or malformed one stops boot. */
#ifndef MOTE_CMDLINE_H
#define MOTE_CMDLINE_H

#include <stddef.h>

#define CMDLINE_MAX_ARGS 64
#define CMDLINE_ERR_MAX  160

struct cmdline_option {
	const char *name; /* full name, "mote.log" */
	const char *help; /* one line, printed with the error */
	/* Apply `value` (NULL when the option was given as a bare flag). Return 0, or a negative
	 * errno and write a human reason into err (at most errlen bytes). */
	int (*set)(const char *value, char *err, size_t errlen);
	/* Non-zero: a stand-in, used only when no ordinary entry in the table has this name. */
	int fallback;
};

/* Declare an option; the table is the linker section "mote_cmdline". */
#define CMDLINE_OPTION(ident, optname, setter, helptext)                                    \
	static const struct cmdline_option cmdline_opt_##ident                              \
	        __attribute__((used, section("mote_cmdline"), aligned(sizeof(void *)))) = { \
	                .name = optname, .help = helptext, .set = setter}

/* Declare a stand-in for an option that a library may declare for real: core's answer to a
 * word a VMM writes (virtio_mmio.device=) in an image without the driver that reads it. */
#define CMDLINE_OPTION_FALLBACK(ident, optname, setter, helptext)                           \
	static const struct cmdline_option cmdline_opt_##ident                              \
	        __attribute__((used, section("mote_cmdline"), aligned(sizeof(void *)))) = { \
	                .name = optname, .help = helptext, .set = setter, .fallback = 1}

struct cmdline_result {
	int argc;                         /* application arguments, argv[0] included */
	char *argv[CMDLINE_MAX_ARGS + 1]; /* NULL-terminated, pointing into the parsed buffer */
};

/* Split `line` in place (quotes: "a b" and 'a b'; backslash escapes the next character),
 * apply every option before "--" against `opts` (an entry's name looked up among the ordinary
 * entries first, then the fallbacks), and collect the words after it as
 * argv[1..], with argv[0] = `prog`. Options are applied in order; on the first error nothing
 * further is applied. Returns 0, or a negative errno with a message naming the offending word
 * in `err`: -EINVAL for an unknown or malformed option or an unterminated quote, -E2BIG for
 * too many arguments. */
int cmdline_parse(char *line, const char *prog, const struct cmdline_option *opts, size_t nopts,
                  struct cmdline_result *out, char *err, size_t errlen);

/* Parse the boot command line against every CMDLINE_OPTION() in the image. */
int cmdline_parse_boot(char *line, const char *prog, struct cmdline_result *out, char *err, size_t errlen);

#endif
