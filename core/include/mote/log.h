/* SPDX-License-Identifier: MIT */
/* mote/log.h: the leveled kernel log on the console. The level is set on the command line
 * with mote.log=error|warn|info|debug (default info). */
#ifndef MOTE_LOG_H
#define MOTE_LOG_H

enum log_level { LOG_ERROR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Print a message with the "mote: " prefix if `level` is enabled. Safe from exception paths
 * (no allocation, no lock); lines longer than 256 bytes are cut. */
void log_printf(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print without prefix or level check: for diagnostics that must always appear. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

#define log_err(...)   log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

#endif
