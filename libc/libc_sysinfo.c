/* SPDX-License-Identifier: MIT */
/* libc_sysinfo.c: what a program asks about the machine it runs on (sysconf, uname, resource
 * limits) and its environment, which comes from the boot command line: each
 * mote.env=NAME=VALUE option sets one variable before main() runs. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <hal/boot.h>
#include <mote/cmdline.h>
#include <mote/fdtable.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/parse.h>
#include <mote/thread.h>

#include "libc_unsupported.h"

#define PAGE_SIZE 4096

/* Logged once per unknown name, as an unsupported call is: a port may depend on it. */
static void unknown_name(const char *call, int name)
{
	static unsigned long logged; /* one bit per name below 64 */

	if (name >= 0 && name < 64) {
		if (logged & (1ul << name))
			return;
		logged |= 1ul << name;
	}
	log_warn("%s(%d): name not known (EINVAL)", call, name);
}

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE:
		return PAGE_SIZE;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN:
		return 1; /* Mote runs on one CPU */
	case _SC_OPEN_MAX:
		return LIBC_FD_MAX;
	case _SC_CLK_TCK:
		return CLOCKS_PER_SEC; /* the unit times() counts in (libc_time.c) */
	case _SC_PHYS_PAGES:
		return (long)(mm_total_bytes() / PAGE_SIZE);
	case _SC_AVPHYS_PAGES:
		return (long)(mm_free_bytes() / PAGE_SIZE);
	case _SC_ARG_MAX:
		return HAL_BOOT_CMDLINE_MAX;
	case _SC_HOST_NAME_MAX:
		return _UTSNAME_LENGTH - 1;
	case _SC_LINE_MAX:
		return LINE_MAX;
	case _SC_VERSION:
		return 200809L;
	case _SC_THREADS:
	case _SC_TIMERS:
	case _SC_MONOTONIC_CLOCK:
	case _SC_CLOCK_SELECTION:
		return 200809L; /* each declared by the compile flags (cmake/toolchain-x86_64.cmake) */
	default:
		unknown_name("sysconf", name);
		errno = EINVAL;
		return -1;
	}
}

int uname(struct utsname *u)
{
	if (!u) {
		errno = EFAULT;
		return -1;
	}
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Mote");
	strcpy(u->nodename, "mote");
	strcpy(u->release, MOTE_VERSION);
	strcpy(u->version, "Mote " MOTE_VERSION " unikernel");
	strcpy(u->machine, "x86_64");
	return 0;
}

/* The limits Mote has, each the same soft and hard: nothing can raise them at run time. */
static int limit_of(int resource, rlim_t *value)
{
	switch (resource) {
	case RLIMIT_NOFILE:
		*value = LIBC_FD_MAX;
		return 0;
	case RLIMIT_STACK: /* the calling thread's stack */
		*value = thread_self()->stack_size;
		return 0;
	case RLIMIT_CORE: /* no core dumps: a fault prints its diagnosis instead */
		*value = 0;
		return 0;
	case RLIMIT_AS:
	case RLIMIT_DATA:
		*value = mm_total_bytes();
		return 0;
	case RLIMIT_CPU:
	case RLIMIT_FSIZE:
	case RLIMIT_RSS:
	case RLIMIT_NPROC:
	case RLIMIT_MEMLOCK:
		*value = RLIM_INFINITY;
		return 0;
	default:
		return -EINVAL;
	}
}

int getrlimit(int resource, struct rlimit *rl)
{
	rlim_t v;
	int err = limit_of(resource, &v);

	if (err < 0) {
		errno = -err;
		return -1;
	}
	rl->rlim_cur = rl->rlim_max = v;
	return 0;
}

/* Setting a limit to what it is succeeds; above it is EPERM, as for an unprivileged process
 * raising its hard limit; below it is ENOSYS, since Mote would not enforce the lower one. */
int setrlimit(int resource, const struct rlimit *rl)
{
	static int logged;
	rlim_t v;
	int err = limit_of(resource, &v);

	if (err == 0 && rl->rlim_cur > rl->rlim_max)
		err = -EINVAL;
	else if (err == 0 && rl->rlim_max > v)
		err = -EPERM;
	else if (err == 0 && (rl->rlim_cur != v || rl->rlim_max != v)) {
		if (!logged) {
			logged = 1;
			libc_unsupported_log_text("setrlimit below the current limit");
		}
		err = -ENOSYS;
	}
	if (err < 0) {
		errno = -err;
		return -1;
	}
	return 0;
}

/* The environment from the command line: kept as pointers into a copy, because options are
 * applied before there is a heap; the copy becomes the environment itself before main(). */
#define ENV_MAX       32
#define ENV_TEXT_SIZE 2048
#define ENV_NAME_MAX  256

static char env_text[ENV_TEXT_SIZE];
static size_t env_used;
static const char *env_entries[ENV_MAX];
static int env_count;

static int set_env_option(const char *value, char *err, size_t errlen)
{
	const char *eq = value ? parse_find_char(value, '=') : NULL;
	size_t len;

	if (!eq || eq == value) {
		fmt_snprintf(err, errlen, "expected mote.env=NAME=VALUE");
		return -EINVAL;
	}
	if (eq - value >= ENV_NAME_MAX) {
		fmt_snprintf(err, errlen, "a name has at most %d characters", ENV_NAME_MAX - 1);
		return -EINVAL;
	}
	len = strlen(value) + 1;
	if (env_count == ENV_MAX || env_used + len > sizeof(env_text)) {
		fmt_snprintf(err, errlen, "at most %d variables, %d bytes in all", ENV_MAX, ENV_TEXT_SIZE);
		return -E2BIG;
	}
	memcpy(env_text + env_used, value, len);
	env_entries[env_count++] = env_text + env_used;
	env_used += len;
	return 0;
}
CMDLINE_OPTION(env, "mote.env", set_env_option, "an environment variable: mote.env=NAME=VALUE");

/* newlib's `environ`, referred to weakly: only an image that reads or changes its environment
 * (getenv, setenv, environ ...) links it, and only then is there anywhere to put the variables.
 * Filling the array here rather than calling setenv() keeps setenv's code (about 0.9 KB) out of
 * every other image; a later setenv() or unsetenv() works on this array as on any other, since
 * newlib copies an environment it did not allocate before growing it. */
extern char **environ __attribute__((weak));
static char *env_vector[ENV_MAX + 1];

void libc_env_apply(void)
{
	int n = 0;

	if (!&environ)
		return;
	/* A name given twice keeps its last value, as setenv(name, value, 1) in turn would. */
	for (int i = 0; i < env_count; i++) {
		size_t len = (size_t)(parse_find_char(env_entries[i], '=') - env_entries[i]) + 1;
		int j = 0;

		while (j < n && strncmp(env_vector[j], env_entries[i], len) != 0)
			j++;
		env_vector[j] = (char *)env_entries[i];
		if (j == n)
			n++;
	}
	env_vector[n] = NULL;
	environ = env_vector;
}
