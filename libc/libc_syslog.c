/* SPDX-License-Identifier: MIT */
/* libc_syslog.c: syslog() onto the console, the only log an image has (syslog.h), and the
 * terminal attribute calls, which the console cannot honour (sys/termios.h). */
#include <errno.h>
#include <stdio.h>
#include <syslog.h>
#include <termios.h>
#include <unistd.h>

#include "libc_unsupported.h"

static const char *log_ident;
static int log_mask = 0xff; /* every priority, as POSIX says until setlogmask */

void openlog(const char *ident, int option, int facility)
{
	(void)option;
	(void)facility;
	log_ident = ident;
}

void closelog(void) { log_ident = NULL; }

int setlogmask(int mask)
{
	int old = log_mask;

	if (mask != 0)
		log_mask = mask;
	return old;
}

void vsyslog(int priority, const char *format, va_list ap)
{
	char line[1024];
	int n;

	if (!(log_mask & LOG_MASK(LOG_PRI(priority))))
		return;
	n = snprintf(line, sizeof(line), "%s[%d]: ", log_ident ? log_ident : "syslog", (int)getpid());
	if (n < 0 || n >= (int)sizeof(line))
		return;
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, format, ap);
	if (n >= (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 2; /* cut to fit, still one line */
	if (n > 0 && line[n - 1] != '\n')
		line[n++] = '\n';
	(void)write(STDERR_FILENO, line, (size_t)n);
}

void syslog(int priority, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsyslog(priority, format, ap);
	va_end(ap);
}

int tcgetattr(int fd, struct termios *t)
{
	(void)fd;
	(void)t;
	LIBC_UNSUPPORTED(_REENT, "tcgetattr");
}

int tcsetattr(int fd, int when, const struct termios *t)
{
	(void)fd;
	(void)when;
	(void)t;
	LIBC_UNSUPPORTED(_REENT, "tcsetattr");
}
