/* SPDX-License-Identifier: MIT */
/* main.c: core's boot sequence, from the platform's hand-over to the application's main(). */
#include <errno.h>
#include <string.h>

#include <hal/boot.h>
#include <hal/cpu.h>
#include <hal/mem.h>
#include <hal/power.h>
#include <hal/time.h>
#include <mote/app.h>
#include <mote/backtrace.h>
#include <mote/cmdline.h>
#include <mote/device.h>
#include <mote/fmt.h>
#include <mote/init.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/panic.h>
#include <mote/status.h>
#include <mote/thread.h>

void stack_protector_init(void);
void cmdline_hoist_vmm_options(char *line); /* cmdline_vmm.c */

static int boot_time_report;

static int set_boot_time(const char *value, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	boot_time_report = value == NULL || strcmp(value, "0") != 0;
	return 0;
}
CMDLINE_OPTION(boottime, "mote.boottime", set_boot_time, "print the cycle counter at entry and at main()");

/* main()'s stack. 64 KiB unless the image says otherwise: the size of the boot stack main has
 * always run on, which already has a guard page below it, so the default costs no RAM beyond
 * the image's own (every page of a stack is taken at boot, and the smallest-memory figures of
 * docs/bench.md count them). A program that recurses deep sets its own: an image overrides this
 * weak definition (add_unikernel(MAIN_STACK), mote-cc's --mote-main-stack: the Redis port takes
 * 1M), and mote.main_stack= overrides both for one boot; a size beyond the boot stack's gets a
 * run of pages of its own with a guard page, like every thread's. */
__attribute__((weak)) const unsigned long mote_main_stack_size = 64 * 1024;

static size_t main_stack_boot; /* mote.main_stack=, 0 when not given */

static int set_main_stack(const char *value, char *err, size_t errlen)
{
	return thread_stack_option(value, &main_stack_boot, err, errlen);
}
CMDLINE_OPTION(main_stack, "mote.main_stack", set_main_stack,
               "main()'s stack size, e.g. 8M (default: the image's, 64K unless it sets one)");

static void start_app(void *arg)
{
	struct cmdline_result *args = arg;

	hal_irq_enable(); /* thread_run_main() switched here with interrupts off */
	mote_app_start(args->argc, args->argv);
}

/* core's copy of the boot modules, so init hooks need not rely on how long the platform keeps
 * its hal_boot_info. */
static struct hal_boot_module boot_modules[HAL_BOOT_MAX_MODULES];
static unsigned boot_nmodules;

unsigned init_boot_modules(const struct hal_boot_module **out)
{
	*out = boot_modules;
	return boot_nmodules;
}

static void stop_bad_cmdline(const char *why) __attribute__((noreturn));
static void stop_bad_cmdline(const char *why)
{
	log_err("bad boot command line: %s", why);
	log_err("boot stopped (status %d)", MOTE_STATUS_BAD_CMDLINE);
	hal_crash(MOTE_STATUS_BAD_CMDLINE);
}

void core_main(struct hal_boot_info *info)
{
	static struct cmdline_result args;
	char err[CMDLINE_ERR_MAX];
	char *line = info->cmdline;

	stack_protector_init();
	backtrace_set_boot_stack(info->boot_stack_lo, info->boot_stack_hi);
	if (info->cmdline_too_long) {
		fmt_snprintf(err, sizeof(err), "the command line is longer than %zu bytes",
		             info->cmdline_too_long);
		stop_bad_cmdline(err);
	}
	if (line[0] == '\0') {
		fmt_snprintf(line, HAL_BOOT_CMDLINE_MAX, "%s", mote_builtin_cmdline);
	}
	cmdline_hoist_vmm_options(line);
	if (cmdline_parse_boot(line, mote_app_name, &args, err, sizeof(err)) < 0)
		stop_bad_cmdline(err);

	mm_init(info);
	log_info("Mote on %s: %zu KiB RAM, %zu KiB free", info->platform, info->ram_total >> 10,
	         mm_free_bytes() >> 10);
	for (unsigned i = 0; i < info->nmodules && i < HAL_BOOT_MAX_MODULES; i++)
		boot_modules[boot_nmodules++] = info->modules[i];
	for (unsigned i = 0; i < info->nmodules; i++)
		log_debug("boot module %u: %zu bytes at %p, \"%s\"", i, info->modules[i].len,
		          (void *)info->modules[i].va, info->modules[i].cmdline);
	sched_init(info->boot_stack_lo, info->boot_stack_hi);
	device_probe_all(); /* drivers start their threads: after the scheduler, before main() */
	init_hooks_run();   /* subsystems the image links (the network stack) start on the devices */
	if (boot_time_report)
		log_info("boot: entry at tsc %llu, main at tsc %llu", (unsigned long long)info->tsc_at_entry,
		         (unsigned long long)hal_cycles());
	/* Read through a volatile: the compiler would otherwise fold in this file's weak default
	 * and never see the image's own definition, which the linker picks. */
	size_t stack = main_stack_boot ? main_stack_boot
	                               : (size_t) * (const volatile unsigned long *)&mote_main_stack_size;

	if (stack < THREAD_STACK_OPTION_MIN ||
	    stack > THREAD_STACK_OPTION_MAX) /* the build tools check it first */
		panic("core_main: the image's main stack size %zu is outside 16K to 1G", stack);
	stack = (stack + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1);
	if (stack <= info->boot_stack_hi - info->boot_stack_lo) { /* it fits: no second stack */
		log_debug("main: the %zu KiB boot stack",
		          (size_t)(info->boot_stack_hi - info->boot_stack_lo) >> 10);
		mote_app_start(args.argc, args.argv);
	}
	log_debug("main: %zu KiB stack", stack >> 10);
	thread_run_main(stack, start_app, &args);
}
