/* SPDX-License-Identifier: MIT */
/* hal/power.h: the end of a unikernel's life, with its exit status carried to the host where
 * the platform can (QEMU's isa-debug-exit on kvm, the shutdown reason on Xen). */
#ifndef HAL_POWER_H
#define HAL_POWER_H

/* Power the machine off with `status` (0-255). The platform carries it to the host where it
 * can and documents how. Usable from panic and exception paths. Never returns. */
void hal_poweroff(int status) __attribute__((noreturn));

/* Reset the machine. Never returns. */
void hal_reboot(void) __attribute__((noreturn));

/* Stop after a fatal error the diagnostic of which has been printed: powers off with
 * `status` where the host reads it, or reports a crash where the platform has that notion
 * (Xen SHUTDOWN_crash). Never returns. */
void hal_crash(int status) __attribute__((noreturn));

#endif
