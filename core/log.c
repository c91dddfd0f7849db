/* SPDX-License-Identifier: MIT */
/* log.c: the kernel log. Formats into a stack buffer and writes to the console directly, so it
 * works in fault handlers, before the heap exists and after it is corrupted. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <hal/console.h>
#include <mote/cmdline.h>
#include <mote/fmt.h>
#include <mote/log.h>

#define LOG_LINE_MAX 256

static enum log_level current_level = LOG_INFO;

void log_set_level(enum log_level level) { current_level = level; }
enum log_level log_get_level(void) { return current_level; }

static void vprint(const char *prefix, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t plen = strlen(prefix);
	int n;

	memcpy(line, prefix, plen);
	n = fmt_vsnprintf(line + plen, sizeof(line) - plen, fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(line) - plen)
		n = (int)(sizeof(line) - plen - 1);
	hal_console_write(line, plen + (size_t)n);
}

void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > current_level)
		return;
	va_start(ap, fmt);
	vprint("mote: ", fmt, ap);
	va_end(ap);
	hal_console_write("\n", 1);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint("", fmt, ap);
	va_end(ap);
}

static int set_log_level(const char *value, char *err, size_t errlen)
{
	static const char *const names[] = {"error", "warn", "info", "debug"};

	for (unsigned i = 0; value && i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(value, names[i]) == 0) {
			current_level = (enum log_level)i;
			return 0;
		}
	}
	fmt_snprintf(err, errlen, "expected error, warn, info or debug");
	return -EINVAL;
}
CMDLINE_OPTION(log, "mote.log", set_log_level, "kernel log level: error|warn|info|debug");
