/* SPDX-License-Identifier: MIT */
/* arch/cc.h: the compiler and platform facts lwIP asks of a port: diagnostics, assertions,
 * random numbers, byte order helpers. */
#ifndef MOTE_LWIP_ARCH_CC_H
#define MOTE_LWIP_ARCH_CC_H

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

/* newlib has ssize_t but no SSIZE_MAX, without which lwIP would declare its own ssize_t. */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

/* x86_64 is little-endian; the compiler's built-ins make the swaps single instructions
 * (lwIP's def.h defines the ntoh forms from these). */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_assert_failed(const char *msg, const char *file, int line) __attribute__((noreturn));
unsigned net_random(void);

#define LWIP_PLATFORM_DIAG(x)   net_diag x
#define LWIP_PLATFORM_ASSERT(x) net_assert_failed(x, __FILE__, __LINE__)
#define LWIP_RAND()             ((u32_t)net_random())
#define LWIP_NO_UNISTD_H        1

#endif
