/* SPDX-License-Identifier: MIT */
/* mote/xen/xenstore.h: the xenstore client (public/io/xs_wire.h over the store ring of start_info):
 * read, write, directory, watches and transactions, for xenbus device frontends and for
 * applications that read their domain's configuration. Thread context only: requests block. */
#ifndef MOTE_XEN_XENSTORE_H
#define MOTE_XEN_XENSTORE_H

#include <stddef.h>
#include <stdint.h>

#define XEN_XS_NO_TX 0u /* outside any transaction */

/* Connect to the store ring (done by the first call below too). Returns 0, or -ENODEV when the
 * domain has no store (Mote as dom0 runs no xenstored). */
int xen_xs_init(void);

/* Read `path` into buf (NUL-terminated, at most len - 1 bytes of value). Returns the value's
 * length, -ENOSPC when buf is too small, or xenstored's error (-ENOENT, -EACCES ...). */
int xen_xs_read(uint32_t tx, const char *path, char *buf, size_t len);

/* Write `value` at `path` (creating it). 0 or a negative errno. */
int xen_xs_write(uint32_t tx, const char *path, const char *value);

/* The children of `path`: names stored NUL-separated in buf, pointers in names[max]. Returns
 * the count, -ENOSPC/-E2BIG when buf or names is too small, or a negative errno. */
int xen_xs_directory(uint32_t tx, const char *path, char *buf, size_t len, const char **names, unsigned max);

/* Start a transaction (its id in *tx) and end it: commit, or abort when `abort`. A commit
 * that conflicted with another writer returns -EAGAIN: redo the transaction. */
int xen_xs_transaction_start(uint32_t *tx);
int xen_xs_transaction_end(uint32_t tx, int abort);

/* Watch `path` (and everything below it) under `token`; xenstored fires once at once. */
int xen_xs_watch(const char *path, const char *token);
int xen_xs_unwatch(const char *path, const char *token);

/* Wait until `deadline_ns` (monotonic, SYNC_FOREVER for none) for the next watch event and
 * copy its path and token. 0, -ETIMEDOUT, or -ENOSPC when a string does not fit. */
int xen_xs_read_watch(char *path, size_t path_len, char *token, size_t token_len, uint64_t deadline_ns);

#endif
