/* SPDX-License-Identifier: MIT */
/* stack_protector.c: the canary -fstack-protector-strong checks (-mstack-protector-guard=global
 * makes it this variable) and what happens when a check fails. */
#include <stdint.h>

#include <hal/time.h>
#include <mote/panic.h>
#include <mote/status.h>

/* The canary and the failure call below are named by code the compiler emits for the checks,
 * which under link-time optimisation is only generated after the link has decided what is used:
 * `used` keeps both in the image although no IR refers to them. */
__attribute__((used)) uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;

/* Called by core_main before any function that returns has a frame on the stack, since those
 * frames hold the old canary. Cycle-counter entropy until an entropy device exists; the low
 * byte is zero so string overflows cannot reproduce the canary. */
void stack_protector_init(void) __attribute__((no_stack_protector));
void stack_protector_init(void)
{
	uint64_t t = hal_cycles();

	__stack_chk_guard ^= (t * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(uintptr_t)&t << 17);
	__stack_chk_guard &= ~(uintptr_t)0xff;
}

void __stack_chk_fail(void) __attribute__((noreturn, used));
void __stack_chk_fail(void) { fatal_stop(MOTE_STATUS_PANIC, "stack smashing detected"); }
