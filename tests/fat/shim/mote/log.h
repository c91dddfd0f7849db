/* SPDX-License-Identifier: MIT */
/* Host stand-in for core's mote/log.h under tests/fat: messages go to stderr when
 * host_log_enabled is set (the harness), nowhere otherwise (the fuzzers). */
#ifndef MOTE_LOG_H
#define MOTE_LOG_H

extern int host_log_enabled;
void log_printf(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)   log_printf(0, __VA_ARGS__)
#define log_warn(...)  log_printf(1, __VA_ARGS__)
#define log_info(...)  log_printf(2, __VA_ARGS__)
#define log_debug(...) log_printf(3, __VA_ARGS__)

#endif
